package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bytesGuard fills the guard cells and the padding around B in bytes. A
// kernel that reads one into a product adds 255 times an element of A,
// which the tolerance does not cover.
const bytesGuard = 255

// bytesGemmFunc is the signature of GemmBytes.
type bytesGemmFunc[T Float] func(m, n, k int, alpha T, a []T, lda int, b []uint8, ldb int, beta T, c []T, ldc int)

// checkGemmBytes runs the product of tc, which must have neither
// operand transposed, through each implementation with B in bytes, and
// compares the results with GemmRef on B converted to T.
func checkGemmBytes[T Float](t *testing.T, w *workspace[T], impls map[string]bytesGemmFunc[T], tc gemmCase) {
	t.Helper()
	_, a, lda := w.operand(&w.a, tc.m, tc.k, tc.pad)
	ldb := max(tc.n+tc.pad, 1)
	size := 0
	if tc.k > 0 {
		size = (tc.k-1)*ldb + tc.n
	}
	bWhole := make([]uint8, 2*guardLen+size)
	for i := range bWhole {
		bWhole[i] = bytesGuard
	}
	b := bWhole[guardLen : guardLen+size]
	bT := make([]T, size)
	for p := 0; p < tc.k; p++ {
		for j := 0; j < tc.n; j++ {
			v := uint8(w.rnd.IntN(256))
			b[p*ldb+j] = v
			bT[p*ldb+j] = T(v)
		}
	}
	cWhole, c, ldc := w.operand(&w.c, tc.m, tc.n, tc.pad)
	if tc.beta == 0 {
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				c[i*ldc+j] = T(math.NaN())
			}
		}
	}
	orig := append([]T(nil), cWhole...)
	want := append([]T(nil), c...)
	GemmRef(false, false, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, bT, ldb, T(tc.beta), want, ldc)
	bound := absInto(&w.bound, c)
	GemmRef(false, false, tc.m, tc.n, tc.k, T(math.Abs(tc.alpha)), absInto(&w.absA, a), lda, bT, ldb, T(math.Abs(tc.beta)), bound, ldc)

	u := unitRoundoff[T]()
	for name, gemm := range impls {
		copy(cWhole, orig)
		gemm(tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), c, ldc)
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				got, exp := float64(c[i*ldc+j]), float64(want[i*ldc+j])
				if math.IsNaN(exp) && math.IsNaN(got) {
					continue
				}
				tol := 2 * float64(tc.k+2) * u * float64(bound[i*ldc+j])
				if math.IsNaN(got) || math.Abs(got-exp) > tol {
					t.Fatalf("%s: %v: C[%d,%d] = %v, want %v within %v", name, tc, i, j, got, exp, tol)
				}
			}
		}
		checkGuards(t, name, tc, cWhole, c, tc.m, tc.n, ldc)
		for i, v := range bWhole[:guardLen] {
			if v != bytesGuard {
				t.Fatalf("%s: %v: guard byte %d before B changed to %d", name, tc, i, v)
			}
		}
	}
}

// bytesImpls returns every implementation's GemmBytes, on its own entry
// point and with the product split between three goroutines whatever its
// size.
func bytesImpls[T Float](gs []*gemmImpl[T]) map[string]bytesGemmFunc[T] {
	impls := map[string]bytesGemmFunc[T]{}
	for _, g := range gs {
		impls[g.name] = g.gemmBytes
		impls[g.name+" split"] = func(m, n, k int, alpha T, a []T, lda int, b []uint8, ldb int, beta T, c []T, ldc int) {
			if m == 0 || n == 0 || k == 0 {
				g.gemmBytes(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				return
			}
			g.gemmSplit(3, false, false, m, n, k, alpha, a, lda, nil, b, ldb, beta, c, ldc)
		}
	}
	return impls
}

func testGemmBytes[T Float](t *testing.T, gs []*gemmImpl[T]) {
	impls := bytesImpls(gs)
	w := &workspace[T]{rnd: rand.New(rand.NewPCG(7, 8))}
	count := 0
	run := func(m, n, k int) {
		s := scalings[count%len(scalings)]
		checkGemmBytes(t, w, impls, gemmCase{false, false, m, n, k, s.alpha, s.beta, count % 3})
		count++
	}
	// Every m, n and k in 0 … 33.
	for m := 0; m <= 33; m++ {
		for n := 0; n <= 33; n++ {
			for k := 0; k <= 33; k++ {
				run(m, n, k)
			}
		}
	}
	// Across the micro-tile and cache-block edges, where each block of
	// the inner dimension after the first adds to C.
	for _, g := range gs {
		for _, m := range []int{1, g.mr + 1, g.mc + 1} {
			for _, n := range []int{g.nr - 1, 3*g.nr + 1, g.nc + 1} {
				for _, k := range []int{g.kc + 1, 2*g.kc + 3} {
					run(m, n, k)
				}
			}
		}
	}
}

func TestGemmBytesConformance(t *testing.T) {
	t.Run("f32", func(t *testing.T) {
		t.Parallel()
		testGemmBytes(t, gemmImpls32)
	})
	t.Run("f64", func(t *testing.T) {
		t.Parallel()
		testGemmBytes(t, gemmImpls64)
	})
}

// TestGemmBytesDispatch checks that GemmBytes reaches a working kernel
// for each element type.
func TestGemmBytesDispatch(t *testing.T) {
	w32 := &workspace[float32]{rnd: rand.New(rand.NewPCG(9, 10))}
	w64 := &workspace[float64]{rnd: rand.New(rand.NewPCG(9, 10))}
	for i, tc := range []gemmCase{
		{false, false, 20, 209, 3000, 1.0 / 255, 0, 1},
		{false, false, 20, 3000, 209, 1.0 / 255, 0, 0},
		{false, false, 3, 1, 70, 1, 0.5, 2},
		{false, false, 5, 7, 0, 1, 0, 0},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkGemmBytes(t, w32, map[string]bytesGemmFunc[float32]{"GemmBytes": GemmBytes[float32]}, tc)
			checkGemmBytes(t, w64, map[string]bytesGemmFunc[float64]{"GemmBytes": GemmBytes[float64]}, tc)
		})
	}
}
