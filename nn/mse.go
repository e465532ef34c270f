package nn

// mseSum returns Σ_i ½‖a_i − y_i‖², so that J = (1/2m)·Σ‖a − y‖² and the
// matched linear output gives dZ[L] = A[L] − Y.
func mseSum[T float32 | float64](a, y []T) float64 {
	var s float64
	for i, av := range a {
		d := float64(av) - float64(y[i])
		s += d * d
	}
	return s / 2
}
