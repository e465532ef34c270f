package kernel

// The element-wise kernels below take a destination first. dst may be the
// same slice as an operand; the operands must be at least len(dst) long.
// Each kernel equals its portable loop in elementwise_go.go bit for bit:
// the assembly versions compute every element with the same operations,
// rounded in the same order.

// Add sets dst[i] = a[i] + b[i].
func Add[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	impl[T]().add(dst, a, b)
}

// Sub sets dst[i] = a[i] − b[i].
func Sub[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	impl[T]().sub(dst, a, b)
}

// MulElem sets dst[i] = a[i]·b[i].
func MulElem[T Float](dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	impl[T]().mul(dst, a, b)
}

// Scale sets dst[i] = s·a[i].
func Scale[T Float](dst []T, s T, a []T) {
	a = a[:len(dst)]
	scaleSplit(dst, s, a)
}

// AddScaled sets dst[i] = a[i] + s·b[i], the product rounded before the
// sum.
func AddScaled[T Float](dst, a []T, s T, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	addScaledSplit(dst, a, s, b)
}

// AddConst sets dst[i] = a[i] + c.
func AddConst[T Float](dst, a []T, c T) {
	a = a[:len(dst)]
	impl[T]().addConst(dst, a, c)
}

// AddConstReLU sets z[i] = z[i] + c and then a[i] = z[i] if z[i] ≥ 0 or
// z[i] is NaN, and 0 otherwise: the bias and ReLU of one row of a layer.
// −0 stays −0 and NaN stays NaN.
func AddConstReLU[T Float](z, a []T, c T) {
	a = a[:len(z)]
	impl[T]().addConstReLU(z, a, c)
}

// MulStep sets dst[i] = a[i] where z[i] > 0 and 0 elsewhere, NaN included:
// the upstream gradient a through ReLU's derivative at z.
func MulStep[T Float](dst, a, z []T) {
	a, z = a[:len(dst)], z[:len(dst)]
	impl[T]().mulStep(dst, a, z)
}

// FirstNonFinite returns the index of the first NaN or ±Inf in a, or −1
// when every element is finite.
func FirstNonFinite[T Float](a []T) int {
	return impl[T]().nonFinite(a)
}

// FirstNonFiniteAddScaled returns the index of the first i where
// a[i] + s·b[i], computed as AddScaled computes it, is NaN or ±Inf, or −1
// when every one is finite. It stores nothing.
func FirstNonFiniteAddScaled[T Float](a []T, s T, b []T) int {
	b = b[:len(a)]
	return nonFiniteAddScaledSplit(a, s, b)
}

// Sum returns Σ a[i], accumulated left to right.
func Sum[T Float](a []T) T {
	var s T
	for _, v := range a {
		s += v
	}
	return s
}

// RowSums sets dst[i] to Sum of row i of a, (rows, cols) with row stride
// cols. Eight rows are summed side by side, each left to right as Sum
// does, so the results equal Sum's bit for bit while eight additions are
// in flight instead of one.
func RowSums[T Float](dst, a []T, rows, cols int) {
	i := 0
	for ; i+8 <= rows; i += 8 {
		r0 := a[i*cols : (i+1)*cols]
		r1 := a[(i+1)*cols : (i+2)*cols]
		r2 := a[(i+2)*cols : (i+3)*cols]
		r3 := a[(i+3)*cols : (i+4)*cols]
		r4 := a[(i+4)*cols : (i+5)*cols]
		r5 := a[(i+5)*cols : (i+6)*cols]
		r6 := a[(i+6)*cols : (i+7)*cols]
		r7 := a[(i+7)*cols : (i+8)*cols]
		var s0, s1, s2, s3, s4, s5, s6, s7 T
		for j := range r0 {
			s0 += r0[j]
			s1 += r1[j]
			s2 += r2[j]
			s3 += r3[j]
			s4 += r4[j]
			s5 += r5[j]
			s6 += r6[j]
			s7 += r7[j]
		}
		dst[i], dst[i+1], dst[i+2], dst[i+3] = s0, s1, s2, s3
		dst[i+4], dst[i+5], dst[i+6], dst[i+7] = s4, s5, s6, s7
	}
	for ; i < rows; i++ {
		dst[i] = Sum(a[i*cols : (i+1)*cols])
	}
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

// DotBytes returns Σ x[i]·y[i] for the bytes x. The order of the sum is
// unspecified: the assembly keeps one partial sum per vector lane, so
// results may differ from a left-to-right sum by rounding.
func DotBytes[T Float](x []uint8, y []T) T {
	y = y[:len(x)]
	return impl[T]().dotBytes(x, y)
}

// AxpyBytes sets y[i] = y[i] + alpha·x[i] for the bytes x. The product
// may be fused with the sum, so results may differ from the portable loop
// by rounding.
func AxpyBytes[T Float](y []T, alpha T, x []uint8) {
	x = x[:len(y)]
	impl[T]().axpyBytes(y, alpha, x)
}

// DotBytesRows sets z[e] = s·Σ_i x[e·n + i]·w[i] for e < len(z): the
// products of the byte rows of x, each of n = len(w) elements, with w. The
// order of each sum is unspecified, as in DotBytes.
func DotBytesRows[T Float](z []T, s T, x []uint8, w []T) {
	x = x[:len(z)*len(w)]
	impl[T]().dotBytesRows(z, s, x, w)
}

// AxpyBytesRows adds Σ_e dz[e]·x[e·n + i] to d[i] for i < n = len(d). Each
// element sums the rows in order, the products possibly fused with the
// sums, as AxpyBytes row by row would.
func AxpyBytesRows[T Float](d, dz []T, x []uint8) {
	x = x[:len(dz)*len(d)]
	impl[T]().axpyBytesRows(d, dz, x)
}

// dotBytesRowsWith is DotBytesRows by one call of dot per row.
func dotBytesRowsWith[T Float](dot func(x []uint8, y []T) T) func(z []T, s T, x []uint8, w []T) {
	return func(z []T, s T, x []uint8, w []T) {
		n := len(w)
		for e := range z {
			z[e] = s * dot(x[e*n:(e+1)*n], w)
		}
	}
}

// axpyBytesRowsWith is AxpyBytesRows by one call of axpy per row, skipping
// the rows whose dz[e] is zero.
func axpyBytesRowsWith[T Float](axpy func(y []T, alpha T, x []uint8)) func(d, dz []T, x []uint8) {
	return func(d, dz []T, x []uint8) {
		n := len(d)
		for e, a := range dz {
			if a != 0 {
				axpy(d, a, x[e*n:(e+1)*n])
			}
		}
	}
}

// GatherRowsTrans sets dst, an (n, len(idx)) row-major matrix, to the
// transpose of the rows idx of src, an (r, n) row-major matrix:
//
//	dst[i·len(idx) + k] = src[idx[k]·n + i]
//
// It reads each row of src contiguously, so a batch of examples gathered
// from an example-major copy reads whole rows instead of one element of
// every row of a feature-major matrix.
func GatherRowsTrans[T Float](dst, src []T, n int, idx []int) {
	w := len(idx)
	dst = dst[:n*w]
	if n == 0 {
		return
	}
	for _, j := range idx {
		_ = src[j*n+n-1]
	}
	gatherSplit(dst, src, n, idx)
}

// gatherRange fills the columns k0 … k1−1 of dst, as GatherRowsTrans
// does.
func gatherRange[T Float](dst, src []T, n int, idx []int, k0, k1 int) {
	if d, ok := any(dst).([]float32); ok && gatherRowsTrans32 != nil {
		k0 = gatherRowsTrans32(d, any(src).([]float32), n, idx, k0, k1)
	}
	gatherRowsTransGo(dst, src, n, idx, k0, k1)
}

// gatherRowsTrans32, when not nil, is an assembly GatherRowsTrans for
// float32 that fills columns k0, k0+1, … of dst and may leave the last
// ones before k1 to the portable loop. It returns the first column it
// did not fill.
var gatherRowsTrans32 func(dst, src []float32, n int, idx []int, k0, k1 int) int

// gatherRowsTransGo is GatherRowsTrans's portable loop for the columns
// k0 … k1−1 of dst.
func gatherRowsTransGo[T Float](dst, src []T, n int, idx []int, k0, k1 int) {
	w := len(idx)
	end := k1
	// Blocks of gatherCols columns by gatherRows rows of dst keep the
	// lines of dst being filled in L1 while gatherCols rows of src stream.
	const gatherCols, gatherRows = 8, 256
	for ; k0 < end; k0 += gatherCols {
		k1 := min(k0+gatherCols, end)
		for i0 := 0; i0 < n; i0 += gatherRows {
			i1 := min(i0+gatherRows, n)
			for k := k0; k < k1; k++ {
				row := src[idx[k]*n+i0 : idx[k]*n+i1]
				d := dst[i0*w+k:]
				for i, v := range row {
					d[i*w] = v
				}
			}
		}
	}
}

// Transpose sets dst, a (c, r) row-major matrix, to the transpose of src,
// an (r, c) row-major matrix. It fills transposeCols whole rows of dst at
// a time, tile by tile down the columns of src, so that every line of dst
// is complete before it leaves the cache and src is read in runs of
// whole lines.
func Transpose[T Float | uint8](dst, src []T, r, c int) {
	const transposeCols, tile = 64, 16
	dst, src = dst[:r*c], src[:r*c]
	for j0 := 0; j0 < c; j0 += transposeCols {
		j1 := min(j0+transposeCols, c)
		for i0 := 0; i0 < r; i0 += tile {
			i1 := min(i0+tile, r)
			for i := i0; i < i1; i++ {
				row := src[i*c+j0 : i*c+j1]
				for j, v := range row {
					dst[(j0+j)*r+i] = v
				}
			}
		}
	}
}

// elementwise holds the implementations of the kernels for one element
// type: the portable loops, or assembly with a portable tail.
type elementwise[T Float] struct {
	name               string
	add, sub, mul      func(dst, a, b []T)
	scale              func(dst []T, s T, a []T)
	addScaled          func(dst, a []T, s T, b []T)
	addConst           func(dst, a []T, c T)
	addConstReLU       func(z, a []T, c T)
	mulStep            func(dst, a, z []T)
	nonFinite          func(a []T) int
	nonFiniteAddScaled func(a []T, s T, b []T) int
	dotBytes           func(x []uint8, y []T) T
	axpyBytes          func(y []T, alpha T, x []uint8)
	dotBytesRows       func(z []T, s T, x []uint8, w []T)
	axpyBytesRows      func(d, dz []T, x []uint8)
	sigmoid            func(a, z []T)
	sumBCE             func(z, y []T) float64
}

// elementwise32 and elementwise64 are the implementations in use; an
// architecture with assembly kernels replaces them at init.
var (
	elementwise32 = portable[float32]()
	elementwise64 = portable[float64]()
)

// impl returns the implementations for T.
func impl[T Float]() *elementwise[T] {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(elementwise32).(*elementwise[T])
	}
	return any(elementwise64).(*elementwise[T])
}

// portable returns the portable implementations.
func portable[T Float]() *elementwise[T] {
	return &elementwise[T]{
		name:               "go",
		add:                addGo[T],
		sub:                subGo[T],
		mul:                mulGo[T],
		scale:              scaleGo[T],
		addScaled:          addScaledGo[T],
		addConst:           addConstGo[T],
		addConstReLU:       addConstReLUGo[T],
		mulStep:            mulStepGo[T],
		nonFinite:          nonFiniteGo[T],
		nonFiniteAddScaled: nonFiniteAddScaledGo[T],
		dotBytes:           dotBytesGo[T],
		axpyBytes:          axpyBytesGo[T],
		dotBytesRows:       dotBytesRowsWith(dotBytesGo[T]),
		axpyBytesRows:      axpyBytesRowsWith(axpyBytesGo[T]),
		sigmoid:            sigmoidGo[T],
		sumBCE:             sumBCEGo[T],
	}
}
