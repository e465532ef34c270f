package kernel

// The element-wise kernels below take a destination first. dst may be the
// same slice as an operand; the operands must be at least len(dst) long.

// Add sets dst[i] = a[i] + b[i].
func Add[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// Sub sets dst[i] = a[i] − b[i].
func Sub[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

// MulElem sets dst[i] = a[i]·b[i].
func MulElem[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

// Scale sets dst[i] = s·a[i].
func Scale[T Float](dst []T, s T, a []T) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = s * a[i]
	}
}

// AddScaled sets dst[i] = a[i] + s·b[i].
func AddScaled[T Float](dst, a []T, s T, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + s*b[i]
	}
}

// AddConst sets dst[i] = a[i] + c.
func AddConst[T Float](dst, a []T, c T) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + c
	}
}

// Sum returns Σ a[i], accumulated left to right.
func Sum[T Float](a []T) T {
	var s T
	for _, v := range a {
		s += v
	}
	return s
}

// Dot returns Σ a[i]·b[i], accumulated left to right.
func Dot[T Float](a, b []T) T {
	var s T
	b = b[:len(a)]
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
