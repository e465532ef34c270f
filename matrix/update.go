package matrix

import "github.com/backprop-go/backprop/matrix/internal/kernel"

// The update rules of momentum, RMSprop and Adam, element by element, in two
// passes each: a check that finds the first element whose new value would
// be NaN or ±Inf and changes nothing, and the update. Package optim builds
// its all-or-nothing steps from them. Every element is computed with the
// operations of the formulas below, in their order, rounded one at a time.

// MomentumCheck returns the position of the first element, in row-major
// order, where v' = β·v + (1 − β)·g or p − α·v' is NaN or ±Inf, and
// ok = false when there is none. p, g and v must have one shape.
func MomentumCheck[T Float](p, g, v *Dense[T], alpha, beta T) (i, j int, ok bool) {
	sameShape(p, g)
	sameShape(p, v)
	return position(p, kernel.MomentumCheck(p.RawData(), g.RawData(), v.RawData(), alpha, beta))
}

// MomentumApply sets v = β·v + (1 − β)·g and then p = p − α·v.
func MomentumApply[T Float](p, g, v *Dense[T], alpha, beta T) {
	sameShape(p, g)
	sameShape(p, v)
	kernel.MomentumApply(p.RawData(), g.RawData(), v.RawData(), alpha, beta)
}

// AdamCheck sets d = α·m̂ / (√v̂ + ε) with m̂ = (β1·m + (1 − β1)·g)/c1 and
// v̂ = (β2·v + (1 − β2)·g·g)/c2, and returns the position of the first
// element where the new m, the new v or p − d is NaN or ±Inf, and ok =
// false when there is none. It changes p, m and v nowhere; d is
// unspecified from that position on. All five must have one shape.
func AdamCheck[T Float](p, g, m, v, d *Dense[T], alpha, beta1, beta2, c1, c2, eps T) (i, j int, ok bool) {
	sameShape(p, g)
	sameShape(p, m)
	sameShape(p, v)
	sameShape(p, d)
	k := kernel.AdamCheck(p.RawData(), g.RawData(), m.RawData(), v.RawData(), d.RawData(), alpha, beta1, beta2, c1, c2, eps)
	return position(p, k)
}

// AdamApply sets m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g·g and
// p = p − d, with d from AdamCheck.
func AdamApply[T Float](p, g, m, v, d *Dense[T], beta1, beta2 T) {
	sameShape(p, g)
	sameShape(p, m)
	sameShape(p, v)
	sameShape(p, d)
	kernel.AdamApply(p.RawData(), g.RawData(), m.RawData(), v.RawData(), d.RawData(), beta1, beta2)
}

// position turns the index k of an element of a, or −1, into its row and
// column.
func position[T Float](a *Dense[T], k int) (i, j int, ok bool) {
	if k < 0 {
		return 0, 0, false
	}
	return k / a.cols, k % a.cols, true
}

// RMSpropCheck sets d = α·g / (√s' + ε) with s' = β·s + (1 − β)·g·g, and
// returns the position of the first element where s' or p − d is NaN or
// ±Inf, and ok = false when there is none. It changes p and s nowhere; d
// is unspecified from that position on. All four must have one shape.
func RMSpropCheck[T Float](p, g, s, d *Dense[T], alpha, beta, eps T) (i, j int, ok bool) {
	sameShape(p, g)
	sameShape(p, s)
	sameShape(p, d)
	return position(p, kernel.RMSpropCheck(p.RawData(), g.RawData(), s.RawData(), d.RawData(), alpha, beta, eps))
}

// RMSpropApply sets s = β·s + (1 − β)·g·g and p = p − d, with d from
// RMSpropCheck.
func RMSpropApply[T Float](p, g, s, d *Dense[T], beta T) {
	sameShape(p, g)
	sameShape(p, s)
	sameShape(p, d)
	kernel.RMSpropApply(p.RawData(), g.RawData(), s.RawData(), d.RawData(), beta)
}
