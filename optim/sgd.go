package optim

import "github.com/backprop-go/backprop/matrix"

// sgd is plain gradient descent, p = p − α·g. It has no state except the
// step count.
type sgd[T matrix.Float] struct {
	steps int
}

func (o *sgd[T]) Step(params, grads []*matrix.Dense[T], alpha float64) error {
	if err := checkStep(params, grads, alpha); err != nil {
		return err
	}
	// p + (−α)·g rounds exactly as p − α·g does, since negation is exact.
	a := -T(alpha)

	// Pass 1: check every new value without storing it.
	for i, P := range params {
		if r, c, bad := matrix.FirstNonFiniteAddScaled(P, a, grads[i]); bad {
			next := P.At(r, c) + a*grads[i].At(r, c)
			return nonFinite(i, r*P.Cols()+c, P.Cols(), []string{"parameter"}, next)
		}
	}

	// Pass 2: apply.
	for i, P := range params {
		P.AddScaled(P, a, grads[i])
	}
	o.steps++
	return nil
}

func (o *sgd[T]) State() State[T] { return stateOf[T](SGD, o.steps, nil) }

func (o *sgd[T]) SetState(s State[T]) error {
	if err := checkState(SGD, s); err != nil {
		return err
	}
	o.steps = s.Step
	return nil
}

func (o *sgd[T]) Reset() { o.steps = 0 }

func (o *sgd[T]) Config() Config { return Config{Method: SGD} }
