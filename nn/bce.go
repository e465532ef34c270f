package nn

import "math"

// bceSum returns Σ_i −[y_i·log σ(z_i) + (1 − y_i)·log(1 − σ(z_i))], computed
// from the logits in the form
//
//	max(z, 0) − z·y + log(1 + e^−|z|)
//
// which is the same function, but never takes log(0): σ(±800) rounds to 1
// or 0 in float64, yet the loss stays finite (800 for z = −800, y = 1).
func bceSum[T float32 | float64](z, y []T) float64 {
	var s float64
	for i, zv := range z {
		v, t := float64(zv), float64(y[i])
		s += math.Max(v, 0) - v*t + math.Log1p(math.Exp(-math.Abs(v)))
	}
	return s
}
