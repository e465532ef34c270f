package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmFunc is the signature of Gemm, shared by every implementation under
// test.
type gemmFunc[T Float] func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// unitRoundoff returns the unit roundoff of T: 2⁻²⁴ for float32 and 2⁻⁵³
// for float64.
func unitRoundoff[T Float]() float64 {
	if sizeOf[T]() == 4 {
		return 0x1p-24
	}
	return 0x1p-53
}

// guardValue fills the cells around the operands and the output. It is a
// NaN, so that a kernel that reads a guard cell into a product produces
// NaN, and a kernel that writes a guard cell leaves a number.
var guardValue = math.NaN()

// gemmCase is one product of the conformance suite. Each operand is stored
// with its leading dimension larger than its row, in a slice with guard
// cells before and after.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float64
	// pad is how much each leading dimension exceeds its row length.
	pad int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("transA=%t transB=%t m=%d n=%d k=%d alpha=%g beta=%g pad=%d",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// guardLen is the number of guard cells before and after each operand.
const guardLen = 8

// workspace holds the operands of one case, reused between cases so that
// the suite spends its time in the kernels rather than the allocator.
type workspace[T Float] struct {
	rnd               *rand.Rand
	a, b, c           []T
	orig, want        []T
	absA, absB, bound []T
}

// operand returns buf resized to hold a rows×cols matrix with leading
// dimension cols+pad between guard cells, its elements drawn uniformly from
// [−1, 1) and its padding and guards set to guardValue. It returns the whole
// slice, the matrix's part of it and the leading dimension.
func (w *workspace[T]) operand(buf *[]T, rows, cols, pad int) (whole, mat []T, ld int) {
	ld = max(cols+pad, 1)
	size := 0
	if rows > 0 {
		size = (rows-1)*ld + cols
	}
	if cap(*buf) < 2*guardLen+size {
		*buf = make([]T, 2*guardLen+size)
	}
	whole = (*buf)[:2*guardLen+size]
	for i := range whole {
		whole[i] = T(guardValue)
	}
	mat = whole[guardLen : guardLen+size]
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			mat[i*ld+j] = T(2*w.rnd.Float64() - 1)
		}
	}
	return whole, mat, ld
}

// absInto sets *dst to |x|, with 0 in place of NaN.
func absInto[T Float](dst *[]T, x []T) []T {
	if cap(*dst) < len(x) {
		*dst = make([]T, len(x))
	}
	y := (*dst)[:len(x)]
	for i, v := range x {
		y[i] = T(math.Abs(float64(v)))
		if math.IsNaN(float64(v)) {
			y[i] = 0
		}
	}
	return y
}

// namedGemm is one implementation under test.
type namedGemm[T Float] struct {
	name string
	gemm gemmFunc[T]
}

// checkGemm runs one case through each implementation and compares the
// results with GemmRef. The tolerance on C[i,j] is
// 2(k+2)·u·(|alpha|·Σ_p|a_ip||b_pj| + |beta|·|c_ij|), with u the unit
// roundoff of T: the error bound of a recursively summed dot product
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1)
// with room for the final scaling.
func checkGemm[T Float](t *testing.T, w *workspace[T], impls []namedGemm[T], tc gemmCase) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = ac, ar
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = bc, br
	}
	_, a, lda := w.operand(&w.a, ar, ac, tc.pad)
	_, b, ldb := w.operand(&w.b, br, bc, tc.pad)
	cWhole, c, ldc := w.operand(&w.c, tc.m, tc.n, tc.pad)
	if tc.beta == 0 {
		// C must not be read: NaN in it would show in the result.
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				c[i*ldc+j] = T(math.NaN())
			}
		}
	}
	orig := append(w.orig[:0], cWhole...)
	w.orig = orig
	want := append(w.want[:0], c...)
	w.want = want
	GemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), want, ldc)
	bound := absInto(&w.bound, c)
	GemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(math.Abs(tc.alpha)), absInto(&w.absA, a), lda, absInto(&w.absB, b), ldb, T(math.Abs(tc.beta)), bound, ldc)

	u := unitRoundoff[T]()
	for _, impl := range impls {
		copy(cWhole, orig)
		impl.gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), c, ldc)
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				got, exp := float64(c[i*ldc+j]), float64(want[i*ldc+j])
				if math.IsNaN(exp) && math.IsNaN(got) {
					continue
				}
				tol := 2 * float64(tc.k+2) * u * float64(bound[i*ldc+j])
				if math.IsNaN(got) || math.Abs(got-exp) > tol {
					t.Fatalf("%s: %v: C[%d,%d] = %v, want %v within %v", impl.name, tc, i, j, got, exp, tol)
				}
			}
		}
		checkGuards(t, impl.name, tc, cWhole, c, tc.m, tc.n, ldc)
	}
}

// checkGuards reports a guard cell of C, around it or between its rows,
// that no longer holds guardValue.
func checkGuards[T Float](t *testing.T, name string, tc gemmCase, whole, c []T, rows, cols, ld int) {
	t.Helper()
	for i, v := range whole[:guardLen] {
		if !math.IsNaN(float64(v)) {
			t.Fatalf("%s: %v: guard cell %d before C overwritten with %v", name, tc, i, v)
		}
	}
	for i, v := range whole[guardLen+len(c):] {
		if !math.IsNaN(float64(v)) {
			t.Fatalf("%s: %v: guard cell %d after C overwritten with %v", name, tc, i, v)
		}
	}
	for i := 0; i+1 < rows; i++ {
		for j := cols; j < ld; j++ {
			if v := c[i*ld+j]; !math.IsNaN(float64(v)) {
				t.Fatalf("%s: %v: padding C[%d,%d] overwritten with %v", name, tc, i, j, v)
			}
		}
	}
}

// scalings are the (alpha, beta) pairs the conformance suite cycles
// through: beta = 0 (C not read), beta = 1 (accumulate) and general values.
var scalings = []struct{ alpha, beta float64 }{
	{1, 0},
	{1, 1},
	{-0.5, 0},
	{2.5, -1.5},
	{1, 0.5},
	{0, 1},
	{-1, 0},
	{0.25, 2},
}

// testGemmSizes runs every combination of the sizes for the four
// transpose combinations, cycling through scalings and leading-dimension
// paddings.
func testGemmSizes[T Float](t *testing.T, impls []namedGemm[T], ms, ns, ks []int) {
	w := &workspace[T]{rnd: rand.New(rand.NewPCG(1, 2))}
	count := 0
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			for _, m := range ms {
				for _, n := range ns {
					for _, k := range ks {
						s := scalings[count%len(scalings)]
						tc := gemmCase{transA, transB, m, n, k, s.alpha, s.beta, count % 3}
						checkGemm(t, w, impls, tc)
						count++
					}
				}
			}
		}
	}
}

// testGemmBlocks runs sizes across the micro-tile and cache-block edges of
// g, where each block of the inner dimension after the first adds to C.
func testGemmBlocks[T Float](t *testing.T, g *gemmImpl[T], impls []namedGemm[T]) {
	w := &workspace[T]{rnd: rand.New(rand.NewPCG(3, 4))}
	edges := func(tile, block int) []int {
		return []int{1, tile - 1, tile + 1, block - 1, block + tile + 1, 2*block + 1}
	}
	count := 0
	for _, m := range edges(g.mr, g.mc) {
		for _, n := range []int{1, g.nr + 1, 3*g.nr - 1} {
			for _, k := range []int{g.kc, g.kc + 1, 2*g.kc + 3} {
				s := scalings[count%len(scalings)]
				tc := gemmCase{count%2 == 1, count%4 >= 2, m, n, k, s.alpha, s.beta, 1}
				checkGemm(t, w, impls, tc)
				count++
			}
		}
	}
	for _, n := range edges(g.nr, g.nc) {
		for _, m := range []int{1, 2, g.mr + 1} {
			s := scalings[count%len(scalings)]
			tc := gemmCase{count%2 == 1, count%4 >= 2, m, n, 7, s.alpha, s.beta, 2}
			checkGemm(t, w, impls, tc)
			count++
		}
	}
	// B read in place over several blocks of the inner dimension, with
	// whole and narrower micro-panels: the kernels that pack B and those
	// that prefetch the next micro-panel, within a block and across.
	for _, n := range []int{g.nr + 1, 3*g.nr - 1} {
		for _, pad := range []int{0, 3} {
			s := scalings[count%len(scalings)]
			tc := gemmCase{false, false, 2*g.mr + 1, n, 2*g.kc + 3, s.alpha, s.beta, pad}
			checkGemm(t, w, impls, tc)
			count++
		}
	}
}

// splitGemm returns g with the product split between three goroutines
// whatever its size.
func splitGemm[T Float](g *gemmImpl[T]) gemmFunc[T] {
	return func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
		const w = 3
		switch {
		case m == 0 || n == 0 || k == 0:
			g.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		case m == 1:
			g.gemvRow(w, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c)
		case n == 1:
			g.gemvCol(w, transA, transB, m, k, alpha, a, lda, b, ldb, beta, c, ldc)
		default:
			g.gemmSplit(w, transA, transB, m, n, k, alpha, a, lda, b, nil, ldb, beta, c, ldc)
		}
	}
}

// conformance runs the suite on every implementation in gs, each through
// its own entry point and with the parallel split forced.
func conformance[T Float](t *testing.T, gs []*gemmImpl[T]) {
	var impls []namedGemm[T]
	for _, g := range gs {
		impls = append(impls, namedGemm[T]{g.name, g.gemm})
	}
	t.Run("small", func(t *testing.T) {
		// Every m, n and k in 0 … 33.
		sizes := make([]int, 34)
		for i := range sizes {
			sizes[i] = i
		}
		testGemmSizes(t, impls, sizes, sizes, sizes)
	})
	for _, g := range gs {
		t.Run("blocks/"+g.name, func(t *testing.T) {
			testGemmBlocks(t, g, []namedGemm[T]{{g.name, g.gemm}})
		})
		t.Run("split/"+g.name, func(t *testing.T) {
			split := []namedGemm[T]{{g.name + " split", splitGemm(g)}}
			// Sizes on both sides of the micro-tiles: waking the workers
			// for every case of the small suite would take long.
			sizes := []int{0, 1, 2, 5, g.mr - 1, g.mr, g.mr + 1, g.nr - 1, g.nr, g.nr + 1, 2*g.mr + 1, 2*g.nr + 1, 33}
			testGemmSizes(t, split, sizes, sizes, []int{1, 3, 17})
			testGemmBlocks(t, g, split)
		})
	}
}

func TestGemmConformance(t *testing.T) {
	t.Run("f32", func(t *testing.T) {
		t.Parallel()
		conformance(t, gemmImpls32)
	})
	t.Run("f64", func(t *testing.T) {
		t.Parallel()
		conformance(t, gemmImpls64)
	})
}

// TestGemmScaledEqualsGemmThenScale checks every implementation's
// gemmScaled, and GemmScaled, against gemm with alpha = 1 followed by
// Scale, bit for bit: for k on both sides of kc, where the scale moves
// into the kernels, for m or n of 1, for every transpose and with a row
// stride of C above n.
func TestGemmScaledEqualsGemmThenScale(t *testing.T) {
	t.Run("f32", func(t *testing.T) { testGemmScaled(t, gemmImpls32, GemmScaled[float32], 1.0/64) })
	t.Run("f64", func(t *testing.T) { testGemmScaled(t, gemmImpls64, GemmScaled[float64], 1.0/3) })
}

func testGemmScaled[T Float](t *testing.T, gs []*gemmImpl[T], public func(bool, bool, int, int, int, T, []T, int, []T, int, []T, int), s T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	fill := func(n int) []T {
		x := make([]T, n)
		for i := range x {
			x[i] = T(rnd.NormFloat64())
		}
		return x
	}
	for _, g := range gs {
		for _, sz := range [][3]int{{1, 9, 5}, {9, 1, 5}, {2, 2, 1}, {13, 37, 64}, {25, 40, g.kc}, {25, 40, g.kc + 1}, {30, 3, 2*g.kc + 5}, {3, 3, 0}} {
			m, n, k := sz[0], sz[1], sz[2]
			for tr := 0; tr < 4; tr++ {
				transA, transB := tr&1 == 1, tr&2 == 2
				a, b := fill(m*k), fill(k*n)
				lda, ldb := max(k, 1), max(n, 1)
				if transA {
					lda = max(m, 1)
				}
				if transB {
					ldb = max(k, 1)
				}
				const pad = 3
				ldc := n + pad
				want := make([]T, m*ldc)
				g.gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, want, ldc)
				for i := 0; i < m; i++ {
					Scale(want[i*ldc:i*ldc+n], s, want[i*ldc:i*ldc+n])
				}
				runs := []struct {
					name string
					run  func(c []T)
				}{
					{g.name, func(c []T) { g.gemmScaled(transA, transB, m, n, k, s, a, lda, b, ldb, c, ldc) }},
				}
				// GemmScaled dispatches to the last, fastest, implementation.
				if g == gs[len(gs)-1] {
					runs = append(runs, runs[0])
					runs[1].name = "GemmScaled"
					runs[1].run = func(c []T) { public(transA, transB, m, n, k, s, a, lda, b, ldb, c, ldc) }
				}
				for _, f := range runs {
					got := make([]T, m*ldc)
					for i := range got {
						got[i] = T(math.NaN())
					}
					f.run(got)
					for i := 0; i < m; i++ {
						for j := 0; j < ldc; j++ {
							v, w := got[i*ldc+j], want[i*ldc+j]
							if j >= n {
								if v == v {
									t.Fatalf("%s %dx%dx%d tA=%v tB=%v: wrote the pad at C[%d, %d]", f.name, m, n, k, transA, transB, i, j)
								}
								continue
							}
							if v != w || math.Signbit(float64(v)) != math.Signbit(float64(w)) {
								t.Fatalf("%s %dx%dx%d tA=%v tB=%v: C[%d, %d] = %v, gemm then Scale gives %v", f.name, m, n, k, transA, transB, i, j, v, w)
							}
						}
					}
				}
			}
		}
	}
}

// TestGemmDispatch checks that Gemm reaches a working kernel for each
// element type.
func TestGemmDispatch(t *testing.T) {
	w32 := &workspace[float32]{rnd: rand.New(rand.NewPCG(5, 6))}
	w64 := &workspace[float64]{rnd: rand.New(rand.NewPCG(5, 6))}
	for i, tc := range []gemmCase{
		{false, false, 17, 35, 29, 1, 0, 1},
		{true, false, 40, 3, 100, -1, 0.5, 0},
		{false, true, 1, 70, 300, 2, 0, 2},
		{true, true, 70, 1, 300, 1, 1, 3},
		{false, false, 5, 7, 0, 1, 0, 0},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkGemm(t, w32, []namedGemm[float32]{{"Gemm", Gemm[float32]}}, tc)
			checkGemm(t, w64, []namedGemm[float64]{{"Gemm", Gemm[float64]}}, tc)
		})
	}
}

// TestGemmNoAlloc checks that steady-state calls of Gemm allocate
// nothing, in the blocked path with and without the parallel split and in
// the matrix–vector path, and that a split GemvPair allocates nothing.
func TestGemmNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	const m, n, k = 96, 200, 300
	a := make([]float32, m*k)
	b := make([]float32, k*n)
	c := make([]float32, m*n)
	x := make([]float32, 4*k)
	g := gemmImpls32[len(gemmImpls32)-1]
	z1, a1, z2 := c[:m], c[m:2*m], c[2*m:2*m+n]
	mid := func(i0, i1 int) { copy(a1[i0:i1], z1[i0:i1]) }
	for i, f := range []func(){
		func() { Gemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n) },
		func() { g.gemmSplit(2, true, false, m, n, k, 1, a, m, b, nil, n, 1, c, n) },
		func() { g.gemmSplit(2, false, false, 4, 10, 2000, 1, a, 2000, b, nil, 10, 1, c, 10) },
		func() { Gemm(false, false, 1, n, k, 1, x, k, b, n, 0, c, n) },
		func() { g.gemvCol(2, false, true, m, k, 1, a, k, x, k, 0, c, 1) },
		func() { g.gemvPairSplit(2, m, k, a, k, x, z1, a1, mid, n, b, m, z2) },
	} {
		f() // The first call fills the pools.
		if allocs := testing.AllocsPerRun(20, f); allocs != 0 {
			t.Errorf("case %d: %v allocations per call, want 0", i, allocs)
		}
	}
}

// TestGemvSplitLead checks a split matrix–vector product in the dot form,
// whose calling goroutine takes gemvLeadBytes more of the matrix than
// each worker. It must give the unsplit product's outputs bit for bit and
// leave none out, for leads from none to the half-part limit.
func TestGemvSplitLead(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	g := gemmImpls32[len(gemmImpls32)-1]
	for _, sz := range [][2]int{{128, 7}, {256, 784}, {300, 40}, {1000, 3}, {129, 8192}} {
		cnt, k := sz[0], sz[1]
		mat := make([]float32, cnt*k)
		for i := range mat {
			mat[i] = float32(rnd.NormFloat64())
		}
		x := make([]float32, k)
		for i := range x {
			x[i] = float32(rnd.NormFloat64())
		}
		want := make([]float32, cnt)
		g.gemvSplit(1, true, cnt, x, mat, k, 0, want, 1)
		for _, w := range []int{2, 3} {
			got := make([]float32, cnt)
			for i := range got {
				got[i] = float32(math.NaN())
			}
			g.gemvSplit(w, true, cnt, x, mat, k, 0, got, 1)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("cnt=%d k=%d w=%d: output %d = %v, unsplit %v", cnt, k, w, i, got[i], want[i])
				}
			}
		}
	}
}

// TestGemvColInPlace checks that a matrix–vector product reading a long
// contiguous B in place gives the bits of the same product from a copy of
// B, which a row stride of 2 forces.
func TestGemvColInPlace(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	for _, g := range gemmImpls32 {
		for _, k := range []int{gemvInPlaceMin - 1, gemvInPlaceMin, 784} {
			const m = 300
			a := make([]float32, m*k)
			for i := range a {
				a[i] = float32(rnd.NormFloat64())
			}
			b := make([]float32, 2*k)
			for i := range b {
				b[i] = float32(rnd.NormFloat64())
			}
			contiguous := make([]float32, k)
			for p := range contiguous {
				contiguous[p] = b[2*p]
			}
			want := make([]float32, m)
			got := make([]float32, m)
			g.gemm(false, false, m, 1, k, 1, a, k, b, 2, 0, want, 1)
			g.gemm(false, false, m, 1, k, 1, a, k, contiguous, 1, 0, got, 1)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s k=%d: C[%d] = %v in place, %v from a copy", g.name, k, i, got[i], want[i])
				}
			}
		}
	}
}
