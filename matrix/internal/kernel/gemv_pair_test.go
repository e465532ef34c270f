package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// pairCase is one chain of GemvPair's suite: W1 n1×k and W2 n2×n1, each
// with its row stride longer than its row by pad, split w ways.
type pairCase struct {
	n1, k, n2, w, pad int
}

func (pc pairCase) String() string {
	return fmt.Sprintf("n1=%d k=%d n2=%d w=%d pad=%d", pc.n1, pc.k, pc.n2, pc.w, pc.pad)
}

// checkPair runs one chain on g with a mid that adds a bias and applies a
// ReLU. It compares z1 with W1·x and z2 with W2·a1, for the a1 the chain
// produced, from GemmRef within the bound of checkGemm. mid must see every
// row once, and no output may write a guard cell. With one goroutine, the
// results must be those of two Gemm calls, bit for bit.
func checkPair[T Float](t *testing.T, g *gemmImpl[T], ws *workspace[T], pc pairCase) {
	t.Helper()
	n1, k, n2 := pc.n1, pc.k, pc.n2
	_, w1, ld1 := ws.operand(&ws.a, n1, k, pc.pad)
	_, w2, ld2 := ws.operand(&ws.b, n2, n1, pc.pad)
	x := make([]T, k)
	bias := make([]T, n1)
	for i := range x {
		x[i] = T(2*ws.rnd.Float64() - 1)
	}
	for i := range bias {
		bias[i] = T(ws.rnd.Float64() - 0.5)
	}
	guarded := func(n int) (whole, v []T) {
		whole = make([]T, 2*guardLen+n)
		for i := range whole {
			whole[i] = T(guardValue)
		}
		return whole, whole[guardLen : guardLen+n]
	}
	z1All, z1 := guarded(n1)
	a1All, a1 := guarded(n1)
	z2All, z2 := guarded(n2)
	seen := make([]int, n1)
	mid := func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			seen[i]++
			z1[i] += bias[i]
			a1[i] = max(z1[i], 0)
		}
	}
	g.gemvPairSplit(pc.w, n1, k, w1, ld1, x, z1, a1, mid, n2, w2, ld2, z2)

	for i, c := range seen {
		if c != 1 {
			t.Fatalf("%s %v: mid saw row %d %d times", g.name, pc, i, c)
		}
	}
	for _, v := range [][2][]T{{z1All, z1}, {a1All, a1}, {z2All, z2}} {
		checkGuards(t, g.name, gemmCase{m: n1, n: 1, k: k}, v[0], v[1], len(v[1]), 1, 1)
	}
	u := unitRoundoff[T]()
	compare := func(name string, got []T, m, kk int, a []T, lda int, b []T, add []T) {
		want := make([]T, m)
		GemmRef(false, false, m, 1, kk, 1, a, lda, b, 1, 0, want, 1)
		absA := make([]T, len(a))
		for i, v := range a {
			absA[i] = T(math.Abs(float64(v)))
		}
		absB := make([]T, len(b))
		for i, v := range b {
			absB[i] = T(math.Abs(float64(v)))
		}
		bound := make([]T, m)
		GemmRef(false, false, m, 1, kk, 1, absA, lda, absB, 1, 0, bound, 1)
		for i := range want {
			exp := float64(want[i])
			if add != nil {
				exp += float64(add[i])
			}
			tol := 2 * float64(kk+2) * u * (float64(bound[i]) + math.Abs(exp))
			if d := math.Abs(float64(got[i]) - exp); math.IsNaN(float64(got[i])) || d > tol {
				t.Fatalf("%s %v: %s[%d] = %v, want %v within %v", g.name, pc, name, i, got[i], exp, tol)
			}
		}
	}
	compare("z1", z1, n1, k, w1, ld1, x, bias)
	compare("z2", z2, n2, n1, w2, ld2, a1, nil)

	if pc.w != 1 {
		return
	}
	// One goroutine: the two products of Gemm, bit for bit.
	wantZ1 := make([]T, n1)
	wantA1 := make([]T, n1)
	wantZ2 := make([]T, n2)
	g.gemm(false, false, n1, 1, k, 1, w1, ld1, x, 1, 0, wantZ1, 1)
	for i := range wantZ1 {
		wantZ1[i] += bias[i]
		wantA1[i] = max(wantZ1[i], 0)
	}
	g.gemm(false, false, n2, 1, n1, 1, w2, ld2, wantA1, 1, 0, wantZ2, 1)
	for i := range wantZ2 {
		if math.Float64bits(float64(z2[i])) != math.Float64bits(float64(wantZ2[i])) {
			t.Fatalf("%s %v: z2[%d] = %v, two products give %v", g.name, pc, i, z2[i], wantZ2[i])
		}
	}
}

func testPair[T Float](t *testing.T, gs []*gemmImpl[T]) {
	var cases []pairCase
	add := func(n1s, ks, n2s []int) {
		for _, n1 := range n1s {
			for _, k := range ks {
				for _, n2 := range n2s {
					for w := 1; w <= 3; w++ {
						cases = append(cases, pairCase{n1: n1, k: k, n2: n2, w: w, pad: (n1 + k + n2 + w) % 3})
					}
				}
			}
		}
	}
	sizes := make([]int, 34)
	for i := range sizes {
		sizes[i] = i
	}
	// Every size from 0 to 33 in each dimension, and W1 with more than 64
	// rows per goroutine, which splits.
	add(append(sizes, 64, 65, 129, 200, 257), []int{0, 1, 7, 33, 100}, []int{0, 1, 5, 33})
	add([]int{3, 130}, sizes, []int{2, 17})
	add([]int{130, 300}, []int{9}, sizes)
	for _, g := range gs {
		ws := &workspace[T]{rnd: rand.New(rand.NewPCG(13, 14))}
		for _, pc := range cases {
			checkPair(t, g, ws, pc)
		}
	}
}

// TestGemvPairConformance checks GemvPair's chain on every
// implementation, split from one to three ways.
func TestGemvPairConformance(t *testing.T) {
	t.Run("f32", func(t *testing.T) { testPair(t, gemmImpls32) })
	t.Run("f64", func(t *testing.T) { testPair(t, gemmImpls64) })
}
