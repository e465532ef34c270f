package optim

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// rmsprop divides each step by a running root mean square of the
// gradient:
//
//	s = β·s + (1 − β)·g²
//	p = p − α·g / (√s + ε)
type rmsprop[T matrix.Float] struct {
	cfg   Config
	steps int
	s     []*matrix.Dense[T]
	delta []*matrix.Dense[T] // the step α·g / (√s + ε) between the two passes
}

func (o *rmsprop[T]) Step(params, grads []*matrix.Dense[T], alpha float64) error {
	if err := checkStep(params, grads, alpha); err != nil {
		return err
	}
	if err := prepareBuffers(&o.s, params, "s"); err != nil {
		return err
	}
	resizeLike(&o.delta, params)
	a, beta, eps := T(alpha), T(o.cfg.Beta), T(o.cfg.Epsilon)

	// Pass 1: compute the steps and check every new value, changing
	// neither the parameters nor s.
	for i, P := range params {
		if r, c, bad := matrix.RMSpropCheck(P, grads[i], o.s[i], o.delta[i], a, beta, eps); bad {
			g := grads[i].At(r, c)
			sk := beta*o.s[i].At(r, c) + (1-beta)*g*g
			next := P.At(r, c) - a*g/(sqrt(sk)+eps)
			return nonFinite(i, r*P.Cols()+c, P.Cols(), []string{"s", "parameter"}, sk, next)
		}
	}

	// Pass 2: apply.
	for i, P := range params {
		matrix.RMSpropApply(P, grads[i], o.s[i], o.delta[i], beta)
	}
	o.steps++
	return nil
}

func (o *rmsprop[T]) State() State[T] {
	return stateOf(RMSprop, o.steps, map[string][]*matrix.Dense[T]{"s": o.s})
}

func (o *rmsprop[T]) SetState(s State[T]) error {
	if err := checkState(RMSprop, s); err != nil {
		return err
	}
	o.steps, o.s = s.Step, copyBuffers(s.Buffers["s"])
	return nil
}

func (o *rmsprop[T]) Reset() { o.steps, o.s = 0, nil }

func (o *rmsprop[T]) Config() Config { return o.cfg }

// sqrt returns the square root of x rounded to T. For float32 the float64
// root rounds correctly, since 53 ≥ 2·24 + 2 bits.
func sqrt[T matrix.Float](x T) T { return T(math.Sqrt(float64(x))) }

// resizeLike makes bufs one matrix per parameter, shaped as it, reusing
// existing storage. The contents are unspecified.
func resizeLike[T matrix.Float](bufs *[]*matrix.Dense[T], params []*matrix.Dense[T]) {
	if len(*bufs) != len(params) {
		*bufs = make([]*matrix.Dense[T], len(params))
	}
	for i, p := range params {
		if (*bufs)[i] == nil {
			(*bufs)[i] = new(matrix.Dense[T])
		}
		(*bufs)[i].Resize(p.Dims())
	}
}
