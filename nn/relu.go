package nn

import "math"

// reluForward sets a = max(0, z). NaN stays NaN, and −0 stays −0.
func reluForward[T float32 | float64](a, z []T) { addReLU(a, z, nil) }

// addReLU adds b to z unless b is nil, and sets a = max(0, z) with NaN
// and −0 kept. It masks each element with a conditional move instead of
// branching, because the sign of a pre-activation is unpredictable.
func addReLU[T float32 | float64](a, z, b []T) {
	switch z := any(z).(type) {
	case []float32:
		addReLU32(any(a).([]float32), z, any(b).([]float32))
	case []float64:
		addReLU64(any(a).([]float64), z, any(b).([]float64))
	}
}

func addReLU32(a, z, b []float32) {
	a = a[:len(z)]
	if b != nil {
		b = b[:len(z)]
	}
	for i, v := range z {
		if b != nil {
			v += b[i]
			z[i] = v
		}
		keep := ^uint32(0)
		if v < 0 {
			keep = 0
		}
		a[i] = math.Float32frombits(math.Float32bits(v) & keep)
	}
}

func addReLU64(a, z, b []float64) {
	a = a[:len(z)]
	if b != nil {
		b = b[:len(z)]
	}
	for i, v := range z {
		if b != nil {
			v += b[i]
			z[i] = v
		}
		keep := ^uint64(0)
		if v < 0 {
			keep = 0
		}
		a[i] = math.Float64frombits(math.Float64bits(v) & keep)
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
