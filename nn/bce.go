package nn

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// bceSum returns Σ_i −[y_i·log σ(z_i) + (1 − y_i)·log(1 − σ(z_i))], computed
// from the logits in the form
//
//	max(z, 0) − z·y + log(1 + e^−|z|)
//
// which is the same function, but never takes log(0): σ(±800) rounds to 1
// or 0 in float64, yet the loss stays finite (800 for z = −800, y = 1).
// float32 data is summed by matrix.SumBCE, in float64 lanes of vectors.
func bceSum[T float32 | float64](z, y []T) float64 {
	if isFloat32[T]() {
		return matrix.SumBCE(z, y[:len(z)])
	}
	var zBuf, yBuf [wideChunk]float64
	var s float64
	for len(z) > 0 {
		zw, yw := widen(zBuf[:], z), widen(yBuf[:], y)
		for i, v := range zw {
			s += math.Max(v, 0) - v*yw[i] + math.Log1p(math.Exp(-math.Abs(v)))
		}
		z, y = z[len(zw):], y[len(zw):]
	}
	return s
}
