package nn

import "math"

func tanhForward[T float32 | float64](a, z []T) {
	// math.Tanh returns ±1 for |z| > 22 or so and never overflows.
	var buf [wideChunk]float64
	for len(z) > 0 {
		w := widen(buf[:], z)
		for i, v := range w {
			w[i] = math.Tanh(v)
		}
		narrow(a, w)
		a, z = a[len(w):], z[len(w):]
	}
}

// tanhBackward sets dz = da ⊙ (1 − a²), where a = tanh(z).
func tanhBackward[T float32 | float64](dz, da, a []T) {
	for i, t := range a {
		dz[i] = da[i] * (1 - t*t)
	}
}
