package optim

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// adam is Adam with bias correction (Kingma and Ba, arXiv:1412.6980),
// t = 1 at the first update and ε outside the square root:
//
//	m = β1·m + (1 − β1)·g
//	v = β2·v + (1 − β2)·g²
//	m̂ = m / (1 − β1^t)
//	v̂ = v / (1 − β2^t)
//	p = p − α·m̂ / (√v̂ + ε)
type adam[T matrix.Float] struct {
	cfg   Config
	steps int
	m, v  []*matrix.Dense[T]
	delta []*matrix.Dense[T] // the step α·m̂ / (√v̂ + ε) between the two passes
}

func (o *adam[T]) Step(params, grads []*matrix.Dense[T], alpha float64) error {
	if err := checkStep(params, grads, alpha); err != nil {
		return err
	}
	if err := prepareBuffers(&o.m, params, "m"); err != nil {
		return err
	}
	if err := prepareBuffers(&o.v, params, "v"); err != nil {
		return err
	}
	resizeLike(&o.delta, params)
	t := float64(o.steps + 1)
	a, b1, b2, eps := T(alpha), T(o.cfg.Beta1), T(o.cfg.Beta2), T(o.cfg.Epsilon)
	// The bias corrections 1 − β^t, computed in float64.
	c1, c2 := T(1-math.Pow(o.cfg.Beta1, t)), T(1-math.Pow(o.cfg.Beta2, t))

	// Pass 1: compute the steps and check every new value, changing
	// neither the parameters nor m and v.
	for i, P := range params {
		if r, c, bad := matrix.AdamCheck(P, grads[i], o.m[i], o.v[i], o.delta[i], a, b1, b2, c1, c2, eps); bad {
			g := grads[i].At(r, c)
			mk := b1*o.m[i].At(r, c) + (1-b1)*g
			vk := b2*o.v[i].At(r, c) + (1-b2)*g*g
			next := P.At(r, c) - a*(mk/c1)/(sqrt(vk/c2)+eps)
			return nonFinite(i, r*P.Cols()+c, P.Cols(), []string{"m", "v", "parameter"}, mk, vk, next)
		}
	}

	// Pass 2: apply.
	for i, P := range params {
		matrix.AdamApply(P, grads[i], o.m[i], o.v[i], o.delta[i], b1, b2)
	}
	o.steps++
	return nil
}

func (o *adam[T]) State() State[T] {
	return stateOf(Adam, o.steps, map[string][]*matrix.Dense[T]{"m": o.m, "v": o.v})
}

func (o *adam[T]) SetState(s State[T]) error {
	if err := checkState(Adam, s); err != nil {
		return err
	}
	o.steps, o.m, o.v = s.Step, copyBuffers(s.Buffers["m"]), copyBuffers(s.Buffers["v"])
	return nil
}

func (o *adam[T]) Reset() { o.steps, o.m, o.v = 0, nil, nil }

func (o *adam[T]) Config() Config { return o.cfg }
