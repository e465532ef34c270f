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
		p, g, m, v, d := P.RawData(), grads[i].RawData(), o.m[i].RawData(), o.v[i].RawData(), o.delta[i].RawData()
		for k := range p {
			mk := b1*m[k] + (1-b1)*g[k]
			vk := b2*v[k] + (1-b2)*g[k]*g[k]
			mHat, vHat := mk/c1, vk/c2
			d[k] = a * mHat / (sqrt(vHat) + eps)
			next := p[k] - d[k]
			if isNonFinite(mk) || isNonFinite(vk) || isNonFinite(next) {
				return nonFinite(i, k, P.Cols(), []string{"m", "v", "parameter"}, mk, vk, next)
			}
		}
	}

	// Pass 2: apply.
	for i, P := range params {
		p, g, m, v, d := P.RawData(), grads[i].RawData(), o.m[i].RawData(), o.v[i].RawData(), o.delta[i].RawData()
		for k := range p {
			m[k] = b1*m[k] + (1-b1)*g[k]
			v[k] = b2*v[k] + (1-b2)*g[k]*g[k]
			p[k] -= d[k]
		}
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
