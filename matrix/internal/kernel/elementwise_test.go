package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// maxLen covers the assembly's unrolled loop (4 vectors of up to 16
// lanes), its one-vector loop and the portable tail.
const maxLen = 150

// guard is the number of NaN cells after every destination, to catch
// stray writes.
const guard = 4

// specials are values whose handling differs between careless
// implementations: signed zeros, infinities, NaN and subnormals.
var specials = []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, 1e-45, -1e-45, 3.4e38, -3.4e38}

// testValues returns n values, mostly random in [−2, 2) and some special
// when withSpecials is set.
func testValues[T Float](r *rand.Rand, n int, withSpecials bool) []T {
	v := make([]T, n, n+guard)
	for i := range v {
		v[i] = T(4*r.Float64() - 2)
		if withSpecials && r.IntN(8) == 0 {
			v[i] = T(specials[r.IntN(len(specials))])
		}
	}
	return v
}

// withGuard returns a destination of length n followed by guard NaN cells.
func withGuard[T Float](n int) []T {
	d := make([]T, n+guard)
	for i := range d {
		d[i] = T(math.NaN())
	}
	return d[:n]
}

// guardedCopy returns a copy of a followed by guard NaN cells.
func guardedCopy[T Float](a []T) []T {
	d := withGuard[T](len(a))
	copy(d, a)
	return d
}

// checkGuard reports a write past the end of dst.
func checkGuard[T Float](t *testing.T, name string, dst []T) {
	t.Helper()
	for i, v := range dst[len(dst) : len(dst)+guard] {
		if v == v {
			t.Errorf("%s: n = %d: wrote %v at guard cell %d", name, len(dst), v, i)
		}
	}
}

// sameBits reports whether a and b are equal bit for bit, counting any two
// NaNs as equal: the payload of a NaN is not part of the contract.
func sameBits[T Float](a, b T) bool {
	if a != a && b != b {
		return true
	}
	return math.Float64bits(float64(a)) == math.Float64bits(float64(b)) && (a != 0 || math.Signbit(float64(a)) == math.Signbit(float64(b)))
}

// checkSame compares got with want element by element.
func checkSame[T Float](t *testing.T, name string, got, want []T) {
	t.Helper()
	for i := range want {
		if !sameBits(got[i], want[i]) {
			t.Errorf("%s: n = %d: element %d = %v, want %v", name, len(want), i, got[i], want[i])
			return
		}
	}
}

func TestElementwise(t *testing.T) {
	for _, e := range elementwiseImpls32 {
		t.Run("f32/"+e.name, func(t *testing.T) { testElementwise(t, e) })
	}
	for _, e := range elementwiseImpls64 {
		t.Run("f64/"+e.name, func(t *testing.T) { testElementwise(t, e) })
	}
}

func testElementwise[T Float](t *testing.T, e *elementwise[T]) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= maxLen; n++ {
		a := testValues[T](r, n, true)
		b := testValues[T](r, n, true)
		s := T(r.Float64() - 0.5)

		for _, c := range []struct {
			name string
			impl func(dst, a, b []T)
			ref  func(dst, a, b []T)
		}{
			{"add", e.add, addGo[T]},
			{"sub", e.sub, subGo[T]},
			{"mul", e.mul, mulGo[T]},
			{"mulStep", e.mulStep, mulStepGo[T]},
			{"scale", func(d, a, _ []T) { e.scale(d, s, a) }, func(d, a, _ []T) { scaleGo(d, s, a) }},
			{"addScaled", func(d, a, b []T) { e.addScaled(d, a, s, b) }, func(d, a, b []T) { addScaledGo(d, a, s, b) }},
			{"addConst", func(d, a, _ []T) { e.addConst(d, a, s) }, func(d, a, _ []T) { addConstGo(d, a, s) }},
		} {
			want := make([]T, n)
			c.ref(want, a, b)
			got := withGuard[T](n)
			c.impl(got, a, b)
			checkSame(t, c.name, got, want)
			checkGuard(t, c.name, got)

			// In place: the destination is the first operand.
			inPlace := guardedCopy(a)
			c.impl(inPlace, inPlace, b)
			checkSame(t, c.name+" in place", inPlace, want)
		}

		// AddConstReLU updates z and writes a.
		zWant := append([]T(nil), a...)
		aWant := make([]T, n)
		addConstReLUGo(zWant, aWant, s)
		z := guardedCopy(a)
		act := withGuard[T](n)
		e.addConstReLU(z, act, s)
		checkSame(t, "addConstReLU z", z, zWant)
		checkSame(t, "addConstReLU a", act, aWant)
		checkGuard(t, "addConstReLU z", z)
		checkGuard(t, "addConstReLU a", act)
	}
}

func TestFirstNonFinite(t *testing.T) {
	for _, e := range elementwiseImpls32 {
		t.Run("f32/"+e.name, func(t *testing.T) { testFirstNonFinite(t, e) })
	}
	for _, e := range elementwiseImpls64 {
		t.Run("f64/"+e.name, func(t *testing.T) { testFirstNonFinite(t, e) })
	}
}

func testFirstNonFinite[T Float](t *testing.T, e *elementwise[T]) {
	r := rand.New(rand.NewPCG(3, 4))
	// huge + huge overflows in either precision.
	maxValue := math.MaxFloat64
	if sizeOfValue(T(0)) == 4 {
		maxValue = math.MaxFloat32
	}
	huge := T(maxValue)
	for n := 0; n <= maxLen; n++ {
		a := testValues[T](r, n, false)
		b := testValues[T](r, n, false)
		if got := e.nonFinite(a); got != -1 {
			t.Errorf("nonFinite: n = %d: %d for finite values, want −1", n, got)
		}
		if got := e.nonFiniteAddScaled(a, 0.5, b); got != -1 {
			t.Errorf("nonFiniteAddScaled: n = %d: %d for finite values, want −1", n, got)
		}
		for p := 0; p < n; p++ {
			for _, bad := range []T{T(math.NaN()), T(math.Inf(1)), T(math.Inf(-1))} {
				// A second bad value after p must not hide the first.
				a2 := append([]T(nil), a...)
				a2[p] = bad
				if q := p + 1 + r.IntN(n-p); q < n {
					a2[q] = T(math.NaN())
				}
				if got := e.nonFinite(a2); got != p {
					t.Errorf("nonFinite: n = %d: %d for %v at %d, want %d", n, got, bad, p, p)
				}
				if got := e.nonFiniteAddScaled(a, 1, a2); got != p {
					t.Errorf("nonFiniteAddScaled: n = %d: %d for b = %v at %d, want %d", n, got, bad, p, p)
				}
			}
			// a + s·b overflows although a and b are finite.
			a2, b2 := append([]T(nil), a...), append([]T(nil), b...)
			a2[p], b2[p] = huge, huge
			if got := e.nonFiniteAddScaled(a2, 1, b2); got != p {
				t.Errorf("nonFiniteAddScaled: n = %d: %d for an overflow at %d, want %d", n, got, p, p)
			}
		}
	}
}

func TestBytesKernels(t *testing.T) {
	for _, e := range elementwiseImpls32 {
		t.Run("f32/"+e.name, func(t *testing.T) { testBytesKernels(t, e, 1e-5) })
	}
	for _, e := range elementwiseImpls64 {
		t.Run("f64/"+e.name, func(t *testing.T) { testBytesKernels(t, e, 1e-13) })
	}
}

// testBytesKernels compares DotBytes and AxpyBytes with float64 sums,
// within tol relative to the sum of the magnitudes, since the kernels may
// reorder and fuse.
func testBytesKernels[T Float](t *testing.T, e *elementwise[T], tol float64) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n <= 3*maxLen; n++ {
		x := make([]uint8, n)
		for i := range x {
			x[i] = uint8(r.IntN(256))
		}
		y := testValues[T](r, n, false)
		var want, mag float64
		for i := range x {
			want += float64(x[i]) * float64(y[i])
			mag += math.Abs(float64(x[i]) * float64(y[i]))
		}
		if got := float64(e.dotBytes(x, y)); math.Abs(got-want) > tol*mag+1e-30 {
			t.Errorf("dotBytes: n = %d: %v, want %v", n, got, want)
		}

		alpha := T(r.Float64() - 0.5)
		got := guardedCopy(y)
		e.axpyBytes(got, alpha, x)
		checkGuard(t, "axpyBytes", got)
		for i := range got {
			w := float64(y[i]) + float64(alpha)*float64(x[i])
			if math.Abs(float64(got[i])-w) > tol*(math.Abs(float64(y[i]))+math.Abs(float64(alpha)*float64(x[i]))) {
				t.Errorf("axpyBytes: n = %d: element %d = %v, want %v", n, i, got[i], w)
				break
			}
		}
	}
}

func TestBytesRowsKernels(t *testing.T) {
	for _, e := range elementwiseImpls32 {
		t.Run("f32/"+e.name, func(t *testing.T) { testBytesRowsKernels(t, e, 1e-5) })
	}
	for _, e := range elementwiseImpls64 {
		t.Run("f64/"+e.name, func(t *testing.T) { testBytesRowsKernels(t, e, 1e-13) })
	}
}

// testBytesRowsKernels compares DotBytesRows and AxpyBytesRows with
// float64 sums, within tol relative to the sum of the magnitudes. It
// covers every count of rows up to 9, which is two groups of four and one
// more. It covers every row length up to 256: the 128 elements of
// AxpyBytesRows's wide pass with AVX-512, up to seven vectors more and a
// portable tail. AxpyBytesRows must also equal AxpyBytes row by row, bit
// for bit.
func testBytesRowsKernels[T Float](t *testing.T, e *elementwise[T], tol float64) {
	r := rand.New(rand.NewPCG(7, 8))
	for rows := 0; rows <= 9; rows++ {
		for n := 0; n <= 256; n++ {
			x := make([]uint8, rows*n)
			for i := range x {
				x[i] = uint8(r.IntN(256))
			}
			w := testValues[T](r, n, false)
			s := T(r.Float64() + 0.5)
			z := withGuard[T](rows)
			e.dotBytesRows(z, s, x, w)
			checkGuard(t, "dotBytesRows", z)
			for k := range rows {
				var want, mag float64
				for i := range n {
					p := float64(x[k*n+i]) * float64(w[i])
					want += p
					mag += math.Abs(p)
				}
				want *= float64(s)
				if math.Abs(float64(z[k])-want) > tol*mag*float64(s)+1e-30 {
					t.Errorf("dotBytesRows: %d rows of %d: row %d = %v, want %v", rows, n, k, z[k], want)
				}
			}

			dz := testValues[T](r, rows, false)
			d0 := testValues[T](r, n, false)
			got := guardedCopy(d0)
			e.axpyBytesRows(got, dz, x)
			checkGuard(t, "axpyBytesRows", got)
			byRow := guardedCopy(d0)
			for k, a := range dz {
				e.axpyBytes(byRow, a, x[k*n:(k+1)*n])
			}
			for i := range n {
				want, mag := float64(d0[i]), math.Abs(float64(d0[i]))
				for k := range rows {
					p := float64(dz[k]) * float64(x[k*n+i])
					want += p
					mag += math.Abs(p)
				}
				if math.Abs(float64(got[i])-want) > tol*mag+1e-30 {
					t.Errorf("axpyBytesRows: %d rows of %d: element %d = %v, want %v", rows, n, i, got[i], want)
					break
				}
				if !sameBits(got[i], byRow[i]) {
					t.Errorf("axpyBytesRows: %d rows of %d: element %d = %v, row by row %v", rows, n, i, got[i], byRow[i])
					break
				}
			}
		}
	}
}

func TestGatherRowsTrans(t *testing.T) {
	const rows = 50
	GatherRowsTrans[float32](nil, nil, 0, []int{0}) // no columns to fill
	long := make([]int, 100)                        // 64 + 32 columns by gathers, 4 by the portable loop
	for k := range long {
		long[k] = (k * 7) % rows
	}
	// Rows of src shorter than, equal to and not a multiple of the
	// transposed blocks of 8.
	for _, n := range []int{7, 8, 300} {
		src := make([]float32, rows*n)
		for i := range src {
			src[i] = float32(i)
		}
		for _, idx := range [][]int{{}, {3}, {49, 0, 7, 7, 12, 1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, long} {
			w := len(idx)
			dst := withGuard[float32](n * w)
			GatherRowsTrans(dst, src, n, idx)
			checkGuard(t, "GatherRowsTrans", dst)
			for i := 0; i < n; i++ {
				for k, j := range idx {
					if got, want := dst[i*w+k], src[j*n+i]; got != want {
						t.Fatalf("GatherRowsTrans(n %d, %v): dst[%d, %d] = %v, want %v", n, idx, i, k, got, want)
					}
				}
			}
		}
	}
}

// BenchmarkElementwise times the kernels on rows of the lengths a
// mini-batch of 64 and the W1 network's weights give.
func BenchmarkElementwise(b *testing.B) {
	for _, n := range []int{64, 16384, 200704} {
		for _, e := range elementwiseImpls32 {
			benchElementwise(b, fmt.Sprintf("f32/n=%d/%s", n, e.name), e, n)
		}
		for _, e := range elementwiseImpls64 {
			benchElementwise(b, fmt.Sprintf("f64/n=%d/%s", n, e.name), e, n)
		}
	}
}

func benchElementwise[T Float](b *testing.B, name string, e *elementwise[T], n int) {
	r := rand.New(rand.NewPCG(7, 8))
	x, y, z := testValues[T](r, n, false), testValues[T](r, n, false), make([]T, n)
	var size T
	bytes := int64(n) * int64(sizeOfValue(size))
	b.Run(name+"/addScaled", func(b *testing.B) {
		b.SetBytes(3 * bytes)
		for b.Loop() {
			e.addScaled(z, x, 0.5, y)
		}
	})
	b.Run(name+"/addConstReLU", func(b *testing.B) {
		b.SetBytes(3 * bytes)
		for b.Loop() {
			e.addConstReLU(z, x, 0)
		}
	})
	b.Run(name+"/mulStep", func(b *testing.B) {
		b.SetBytes(3 * bytes)
		for b.Loop() {
			e.mulStep(z, x, y)
		}
	})
	b.Run(name+"/nonFiniteAddScaled", func(b *testing.B) {
		b.SetBytes(2 * bytes)
		for b.Loop() {
			e.nonFiniteAddScaled(x, 0.5, y)
		}
	})
}

// sizeOfValue returns the size in bytes of one element of type T.
func sizeOfValue[T Float](v T) int {
	if _, ok := any(v).(float32); ok {
		return 4
	}
	return 8
}

func TestTranspose(t *testing.T) {
	for _, shape := range [][2]int{{0, 0}, {0, 3}, {1, 1}, {1, 40}, {40, 1}, {17, 33}, {64, 16}} {
		r, c := shape[0], shape[1]
		src := make([]float64, r*c)
		for i := range src {
			src[i] = float64(i)
		}
		dst := withGuard[float64](r * c)
		Transpose(dst, src, r, c)
		checkGuard(t, "Transpose", dst)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if dst[j*r+i] != src[i*c+j] {
					t.Fatalf("Transpose (%d, %d): dst[%d, %d] = %v, want %v", r, c, j, i, dst[j*r+i], src[i*c+j])
				}
			}
		}
	}
}

// TestRowSumsMatchesSum checks RowSums against Sum of each row, bit for
// bit, for row counts around its block of eight and values whose sums
// depend on the order of the additions.
func TestRowSumsMatchesSum(t *testing.T) {
	for _, r := range []int{0, 1, 7, 8, 9, 17, 256} {
		for _, c := range []int{0, 1, 5, 64} {
			a := make([]float32, r*c)
			for i := range a {
				a[i] = float32(math.Sin(float64(i))) * float32(math.Pow(10, float64(i%9-4)))
			}
			dst := withGuard[float32](r)
			RowSums(dst, a, r, c)
			checkGuard(t, "RowSums", dst)
			for i := 0; i < r; i++ {
				if want := Sum(a[i*c : (i+1)*c]); math.Float32bits(dst[i]) != math.Float32bits(want) {
					t.Fatalf("RowSums (%d, %d): row %d = %v, Sum gives %v", r, c, i, dst[i], want)
				}
			}
		}
	}
}

// BenchmarkTranspose times the transpose of MNIST's X, (784, 60000).
func BenchmarkTranspose(b *testing.B) {
	const r, c = 784, 60000
	src, dst := make([]float32, r*c), make([]float32, r*c)
	b.SetBytes(2 * 4 * r * c)
	for b.Loop() {
		Transpose(dst, src, r, c)
	}
}
