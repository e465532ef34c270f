package nn

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// sigmoid returns 1/(1 + e^−z) without overflow: for z < 0 it uses
// e^z/(1 + e^z), so e^−z is never formed for large negative z. It returns
// 0 for z ≤ −745 (e^z underflows), 1 from z ≈ 37 on (1 + e^−z rounds to 1
// in float64), 0.5 at 0 and NaN for NaN.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// sigmoidForward sets a = σ(z), with sigmoid for float64 and
// matrix.Sigmoid, in float64 lanes of vectors, for float32.
func sigmoidForward[T float32 | float64](a, z []T) {
	if isFloat32[T]() {
		matrix.Sigmoid(a[:len(z)], z)
		return
	}
	var buf [wideChunk]float64
	for len(z) > 0 {
		w := widen(buf[:], z)
		for i, v := range w {
			w[i] = sigmoid(v)
		}
		narrow(a, w)
		a, z = a[len(w):], z[len(w):]
	}
}

// sigmoidBackward sets dz = da ⊙ a(1 − a), where a = σ(z). The derivative
// is 0 where the sigmoid saturates to exactly 0 or 1, never NaN.
func sigmoidBackward[T float32 | float64](dz, da, a []T) {
	for i, s := range a {
		dz[i] = da[i] * s * (1 - s)
	}
}
