package kernel

// The portable loops of the element-wise kernels. The assembly kernels
// equal them bit for bit, except where a kernel's documentation allows
// rounding differences (DotBytes, AxpyBytes). The callers have checked
// that every operand is at least len(dst) long.

func addGo[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

func subGo[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

func mulGo[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

func scaleGo[T Float](dst []T, s T, a []T) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = s * a[i]
	}
}

func addScaledGo[T Float](dst, a []T, s T, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + s*b[i]
	}
}

func addConstGo[T Float](dst, a []T, c T) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + c
	}
}

func addConstReLUGo[T Float](z, a []T, c T) {
	a = a[:len(z)]
	for i, v := range z {
		v += c
		z[i] = v
		if v < 0 {
			a[i] = 0
		} else {
			a[i] = v
		}
	}
}

func mulStepGo[T Float](dst, a, z []T) {
	a, z = a[:len(dst)], z[:len(dst)]
	for i, v := range z {
		if v > 0 {
			dst[i] = a[i]
		} else {
			dst[i] = 0
		}
	}
}

// isNonFinite reports whether x is NaN or ±Inf: x − x is 0 for every
// finite x and NaN otherwise.
func isNonFinite[T Float](x T) bool { return x-x != 0 }

func nonFiniteGo[T Float](a []T) int {
	for i, v := range a {
		if isNonFinite(v) {
			return i
		}
	}
	return -1
}

func nonFiniteAddScaledGo[T Float](a []T, s T, b []T) int {
	b = b[:len(a)]
	for i, v := range a {
		if isNonFinite(v + s*b[i]) {
			return i
		}
	}
	return -1
}

func dotBytesGo[T Float](x []uint8, y []T) T {
	y = y[:len(x)]
	var s T
	for i, v := range x {
		s += T(v) * y[i]
	}
	return s
}

func axpyBytesGo[T Float](y []T, alpha T, x []uint8) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += alpha * T(v)
	}
}
