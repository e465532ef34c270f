package optim

import "github.com/backprop-go/backprop/matrix"

// momentum is gradient descent with an exponentially averaged velocity,
// the deeplearning.ai course's form:
//
//	v = β·v + (1 − β)·g
//	p = p − α·v
type momentum[T matrix.Float] struct {
	cfg   Config
	steps int
	v     []*matrix.Dense[T]
}

func (o *momentum[T]) Step(params, grads []*matrix.Dense[T], alpha float64) error {
	if err := checkStep(params, grads, alpha); err != nil {
		return err
	}
	if err := prepareBuffers(&o.v, params, "v"); err != nil {
		return err
	}
	a, beta := T(alpha), T(o.cfg.Beta)

	// Pass 1: check every new value without storing it.
	for i, P := range params {
		if r, c, bad := matrix.MomentumCheck(P, grads[i], o.v[i], a, beta); bad {
			vk := beta*o.v[i].At(r, c) + (1-beta)*grads[i].At(r, c)
			next := P.At(r, c) - a*vk
			return nonFinite(i, r*P.Cols()+c, P.Cols(), []string{"v", "parameter"}, vk, next)
		}
	}

	// Pass 2: apply.
	for i, P := range params {
		matrix.MomentumApply(P, grads[i], o.v[i], a, beta)
	}
	o.steps++
	return nil
}

func (o *momentum[T]) State() State[T] {
	return stateOf(Momentum, o.steps, map[string][]*matrix.Dense[T]{"v": o.v})
}

func (o *momentum[T]) SetState(s State[T]) error {
	if err := checkState(Momentum, s); err != nil {
		return err
	}
	o.steps, o.v = s.Step, copyBuffers(s.Buffers["v"])
	return nil
}

func (o *momentum[T]) Reset() { o.steps, o.v = 0, nil }

func (o *momentum[T]) Config() Config { return o.cfg }
