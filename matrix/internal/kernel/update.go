package kernel

import "math"

// The optimizer kernels below compute the update rules of package optim
// in two passes, as its Step does: a check that finds the first element
// whose new value would be NaN or ±Inf without changing the parameters or
// the state, and the update. Each equals its portable loop bit for bit.
// From elemParallelMin elements on, each pass splits its range between
// goroutines. For the 235,146 parameters of a 784-256-128-10 network, an
// Adam step then took 152–164 µs on an Intel Xeon with AVX-512 against
// 331–353 µs on one goroutine, and momentum 40–44 µs against 142 µs.

// MomentumCheck returns the first k where v' = β·v[k] + (1 − β)·g[k] or
// p[k] − α·v' is NaN or ±Inf, or −1. It changes nothing.
func MomentumCheck[T Float](p, g, v []T, alpha, beta T) int {
	g, v = g[:len(p)], v[:len(p)]
	if k, split := updateSplit(opMomentumCheck, p, g, v, nil, nil, [6]T{alpha, beta}); split {
		return k
	}
	return updates[T]().momentumCheck(p, g, v, alpha, beta)
}

// MomentumApply sets v[k] = β·v[k] + (1 − β)·g[k] and p[k] = p[k] − α·v[k].
func MomentumApply[T Float](p, g, v []T, alpha, beta T) {
	g, v = g[:len(p)], v[:len(p)]
	if _, split := updateSplit(opMomentumApply, p, g, v, nil, nil, [6]T{alpha, beta}); split {
		return
	}
	updates[T]().momentumApply(p, g, v, alpha, beta)
}

// AdamCheck sets d[k] = α·m̂ / (√v̂ + ε), where m̂ = (β1·m[k] + (1 − β1)·g[k])/c1
// and v̂ = (β2·v[k] + (1 − β2)·g[k]·g[k])/c2, and returns the first k where
// the new m, the new v or p[k] − d[k] is NaN or ±Inf, or −1. It changes
// p, m and v nowhere, and d from k on is unspecified.
func AdamCheck[T Float](p, g, m, v, d []T, alpha, beta1, beta2, c1, c2, eps T) int {
	g, m, v, d = g[:len(p)], m[:len(p)], v[:len(p)], d[:len(p)]
	if k, split := updateSplit(opAdamCheck, p, g, m, v, d, [6]T{alpha, beta1, beta2, c1, c2, eps}); split {
		return k
	}
	return updates[T]().adamCheck(p, g, m, v, d, alpha, beta1, beta2, c1, c2, eps)
}

// AdamApply sets m[k] = β1·m[k] + (1 − β1)·g[k], v[k] = β2·v[k] +
// (1 − β2)·g[k]·g[k] and p[k] = p[k] − d[k].
func AdamApply[T Float](p, g, m, v, d []T, beta1, beta2 T) {
	g, m, v, d = g[:len(p)], m[:len(p)], v[:len(p)], d[:len(p)]
	if _, split := updateSplit(opAdamApply, p, g, m, v, d, [6]T{beta1, beta2}); split {
		return
	}
	updates[T]().adamApply(p, g, m, v, d, beta1, beta2)
}

// RMSpropCheck sets d[k] = α·g[k] / (√s' + ε), where s' = β·s[k] +
// (1 − β)·g[k]·g[k], and returns the first k where s' or p[k] − d[k] is NaN
// or ±Inf, or −1. It changes p and s nowhere, and d from k on is
// unspecified.
func RMSpropCheck[T Float](p, g, s, d []T, alpha, beta, eps T) int {
	g, s, d = g[:len(p)], s[:len(p)], d[:len(p)]
	if k, split := updateSplit(opRMSpropCheck, p, g, s, nil, d, [6]T{alpha, beta, eps}); split {
		return k
	}
	return updates[T]().rmspropCheck(p, g, s, d, alpha, beta, eps)
}

// RMSpropApply sets s[k] = β·s[k] + (1 − β)·g[k]·g[k] and p[k] = p[k] − d[k].
func RMSpropApply[T Float](p, g, s, d []T, beta T) {
	g, s, d = g[:len(p)], s[:len(p)], d[:len(p)]
	if _, split := updateSplit(opRMSpropApply, p, g, s, nil, d, [6]T{beta}); split {
		return
	}
	updates[T]().rmspropApply(p, g, s, d, beta)
}

// update holds the implementations of the optimizer kernels for one
// element type.
type update[T Float] struct {
	name          string
	momentumCheck func(p, g, v []T, alpha, beta T) int
	momentumApply func(p, g, v []T, alpha, beta T)
	adamCheck     func(p, g, m, v, d []T, alpha, beta1, beta2, c1, c2, eps T) int
	adamApply     func(p, g, m, v, d []T, beta1, beta2 T)
	rmspropCheck  func(p, g, s, d []T, alpha, beta, eps T) int
	rmspropApply  func(p, g, s, d []T, beta T)
}

// update32 and update64 are the implementations in use, the last of
// updateImpls32 and updateImpls64, which list those this CPU can run for
// the tests.
var (
	update32 = portableUpdate[float32]()
	update64 = portableUpdate[float64]()

	updateImpls32 = []*update[float32]{update32}
	updateImpls64 = []*update[float64]{update64}
)

func updates[T Float]() *update[T] {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(update32).(*update[T])
	}
	return any(update64).(*update[T])
}

func portableUpdate[T Float]() *update[T] {
	return &update[T]{
		name:          "go",
		momentumCheck: momentumCheckGo[T],
		momentumApply: momentumApplyGo[T],
		adamCheck:     adamCheckGo[T],
		adamApply:     adamApplyGo[T],
		rmspropCheck:  rmspropCheckGo[T],
		rmspropApply:  rmspropApplyGo[T],
	}
}

func momentumCheckGo[T Float](p, g, v []T, alpha, beta T) int {
	g, v = g[:len(p)], v[:len(p)]
	for k := range p {
		vk := beta*v[k] + (1-beta)*g[k]
		if isNonFinite(vk) || isNonFinite(p[k]-alpha*vk) {
			return k
		}
	}
	return -1
}

func momentumApplyGo[T Float](p, g, v []T, alpha, beta T) {
	g, v = g[:len(p)], v[:len(p)]
	for k := range p {
		v[k] = beta*v[k] + (1-beta)*g[k]
		p[k] -= alpha * v[k]
	}
}

// sqrt returns the square root rounded to T. For float32 the float64 root
// rounds correctly, since 53 ≥ 2·24 + 2 bits, as SQRTPS rounds it.
func sqrt[T Float](x T) T { return T(math.Sqrt(float64(x))) }

func adamCheckGo[T Float](p, g, m, v, d []T, alpha, beta1, beta2, c1, c2, eps T) int {
	g, m, v, d = g[:len(p)], m[:len(p)], v[:len(p)], d[:len(p)]
	for k := range p {
		mk := beta1*m[k] + (1-beta1)*g[k]
		vk := beta2*v[k] + (1-beta2)*g[k]*g[k]
		mHat, vHat := mk/c1, vk/c2
		d[k] = alpha * mHat / (sqrt(vHat) + eps)
		if isNonFinite(mk) || isNonFinite(vk) || isNonFinite(p[k]-d[k]) {
			return k
		}
	}
	return -1
}

func adamApplyGo[T Float](p, g, m, v, d []T, beta1, beta2 T) {
	g, m, v, d = g[:len(p)], m[:len(p)], v[:len(p)], d[:len(p)]
	for k := range p {
		m[k] = beta1*m[k] + (1-beta1)*g[k]
		v[k] = beta2*v[k] + (1-beta2)*g[k]*g[k]
		p[k] -= d[k]
	}
}

func rmspropCheckGo[T Float](p, g, s, d []T, alpha, beta, eps T) int {
	g, s, d = g[:len(p)], s[:len(p)], d[:len(p)]
	for k := range p {
		sk := beta*s[k] + (1-beta)*g[k]*g[k]
		d[k] = alpha * g[k] / (sqrt(sk) + eps)
		if isNonFinite(sk) || isNonFinite(p[k]-d[k]) {
			return k
		}
	}
	return -1
}

func rmspropApplyGo[T Float](p, g, s, d []T, beta T) {
	g, s, d = g[:len(p)], s[:len(p)], d[:len(p)]
	for k := range p {
		s[k] = beta*s[k] + (1-beta)*g[k]*g[k]
		p[k] -= d[k]
	}
}
