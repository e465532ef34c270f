package nn

// reluForward sets a = max(0, z). NaN stays NaN.
func reluForward[T float32 | float64](a, z []T) {
	for i, v := range z {
		if v < 0 {
			a[i] = 0
		} else {
			a[i] = v
		}
	}
}

// leakyForward sets a = z for z > 0 and slope·z otherwise.
func leakyForward[T float32 | float64](a, z []T, slope T) {
	for i, v := range z {
		if v > 0 {
			a[i] = v
		} else {
			a[i] = slope * v
		}
	}
}

// leakyBackward sets dz = da where z > 0 and slope·da elsewhere, so the
// derivative at 0 is the slope.
func leakyBackward[T float32 | float64](dz, da, z []T, slope T) {
	for i, v := range z {
		if v > 0 {
			dz[i] = da[i]
		} else {
			dz[i] = slope * da[i]
		}
	}
}
