package nn

import "math"

func tanhForward[T float32 | float64](a, z []T) {
	// math.Tanh returns ±1 for |z| > 22 or so and never overflows.
	for i, v := range z {
		a[i] = T(math.Tanh(float64(v)))
	}
}

// tanhBackward sets dz = da ⊙ (1 − a²), where a = tanh(z).
func tanhBackward[T float32 | float64](dz, da, a []T) {
	for i, t := range a {
		dz[i] = da[i] * (1 - t*t)
	}
}
