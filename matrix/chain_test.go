package matrix

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// chainNet is a fully-connected network for Chain's tests: its layers,
// ReLU or tanh in the hidden layers and a sigmoid output trained with
// dZ[L] = A[L] − Y.
type chainNet[T Float] struct {
	sizes []int
	relu  []bool
	W, B  []*Dense[T]
	Y     *Dense[T]
}

func newChainNet[T Float](rnd *rand.Rand, sizes []int, relu []bool, m int) *chainNet[T] {
	L := len(sizes) - 1
	n := &chainNet[T]{sizes: sizes, relu: relu, W: make([]*Dense[T], L+1), B: make([]*Dense[T], L+1)}
	for l := 1; l <= L; l++ {
		n.W[l] = New[T](sizes[l], sizes[l-1], nil)
		for i := range n.W[l].RawData() {
			n.W[l].RawData()[i] = T(rnd.NormFloat64() * math.Sqrt(2/float64(sizes[l-1])))
		}
		n.B[l] = New[T](sizes[l], 1, nil)
		for i := range n.B[l].RawData() {
			n.B[l].RawData()[i] = T(0.1 * rnd.NormFloat64())
		}
	}
	n.Y = New[T](sizes[L], m, nil)
	for i := range n.Y.RawData() {
		n.Y.RawData()[i] = T(rnd.IntN(2))
	}
	return n
}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// chain returns a Chain over copies of the network's parameters, with
// its own caches.
func (n *chainNet[T]) chain(parts int) *Chain[T] {
	L := len(n.sizes) - 1
	c := &Chain[T]{Parts: parts, ReLU: append([]bool(nil), n.relu...)}
	for _, s := range []*[]*Dense[T]{&c.W, &c.B, &c.Z, &c.A, &c.DZ, &c.DA, &c.DW, &c.DB} {
		*s = make([]*Dense[T], L+1)
		for l := 1; l <= L; l++ {
			(*s)[l] = new(Dense[T])
		}
	}
	for l := 1; l <= L; l++ {
		c.W[l], c.B[l] = n.W[l].Clone(), n.B[l].Clone()
		c.DW[l].Resize(n.W[l].Dims())
		c.DB[l].Resize(n.B[l].Dims())
	}
	c.Act = func(l, i0, i1 int) {
		z, a := c.Z[l].RawData(), c.A[l].RawData()
		m := c.Z[l].Cols()
		for k := i0 * m; k < i1*m; k++ {
			a[k] = T(math.Tanh(float64(z[k])))
		}
	}
	c.ActBack = func(l, i0, i1 int) {
		dz, da, a := c.DZ[l].RawData(), c.DA[l].RawData(), c.A[l].RawData()
		m := c.Z[l].Cols()
		for k := i0 * m; k < i1*m; k++ {
			dz[k] = da[k] * (1 - a[k]*a[k])
		}
	}
	c.Output = func() bool {
		z, a, dz := c.Z[L].RawData(), c.A[L].RawData(), c.DZ[L].RawData()
		m := c.Z[L].Cols()
		for i := range n.sizes[L] {
			for j := range m {
				k := i*m + j
				z[k] += c.B[L].At(i, 0)
				a[k] = T(sigmoid(float64(z[k])))
				dz[k] = a[k] - n.Y.At(i, j)
			}
		}
		return true
	}
	return c
}

// chainRef is the step computed in float64 by the plain formulas, one
// matrix at a time.
type chainRef struct {
	Z, A, DZ, DW, DB, W, B [][][]float64
}

func (n *chainNet[T]) reference(xt *Dense[T], idx []int, alpha, lambda float64) *chainRef {
	L := len(n.sizes) - 1
	m := len(idx)
	mat := func(r, c int) [][]float64 {
		x := make([][]float64, r)
		for i := range x {
			x[i] = make([]float64, c)
		}
		return x
	}

	r := &chainRef{}
	for _, s := range []*[][][]float64{&r.Z, &r.A, &r.DZ, &r.DW, &r.DB, &r.W, &r.B} {
		*s = make([][][]float64, L+1)
	}

	r.A[0] = mat(n.sizes[0], m)
	for i := range n.sizes[0] {
		for j, e := range idx {
			r.A[0][i][j] = float64(xt.At(e, i))
		}
	}

	for l := 1; l <= L; l++ {
		r.Z[l], r.A[l] = mat(n.sizes[l], m), mat(n.sizes[l], m)
		for i := range n.sizes[l] {
			for j := range m {
				s := float64(n.B[l].At(i, 0))
				for k := range n.sizes[l-1] {
					s += float64(n.W[l].At(i, k)) * r.A[l-1][k][j]
				}
				r.Z[l][i][j] = s
				switch {
				case l == L:
					r.A[l][i][j] = sigmoid(s)
				case n.relu[l]:
					r.A[l][i][j] = max(s, 0)
				default:
					r.A[l][i][j] = math.Tanh(s)
				}
			}
		}
	}

	r.DZ[L] = mat(n.sizes[L], m)
	for i := range n.sizes[L] {
		for j := range m {
			r.DZ[L][i][j] = r.A[L][i][j] - float64(n.Y.At(i, j))
		}
	}

	for l := L; l >= 1; l-- {
		r.DW[l], r.DB[l] = mat(n.sizes[l], n.sizes[l-1]), mat(n.sizes[l], 1)
		r.W[l], r.B[l] = mat(n.sizes[l], n.sizes[l-1]), mat(n.sizes[l], 1)
		for i := range n.sizes[l] {
			for k := range n.sizes[l-1] {
				var s float64
				for j := range m {
					s += r.DZ[l][i][j] * r.A[l-1][k][j]
				}
				w := float64(n.W[l].At(i, k))
				r.DW[l][i][k] = s/float64(m) + lambda/float64(m)*w
				r.W[l][i][k] = w - alpha*r.DW[l][i][k]
			}
			var s float64
			for j := range m {
				s += r.DZ[l][i][j]
			}
			r.DB[l][i][0] = s / float64(m)
			r.B[l][i][0] = float64(n.B[l].At(i, 0)) - alpha*r.DB[l][i][0]
		}

		if l == 1 {
			break
		}
		r.DZ[l-1] = mat(n.sizes[l-1], m)
		for k := range n.sizes[l-1] {
			for j := range m {
				var s float64
				for i := range n.sizes[l] {
					s += float64(n.W[l].At(i, k)) * r.DZ[l][i][j]
				}
				if n.relu[l-1] {
					if r.Z[l-1][k][j] <= 0 {
						s = 0
					}
				} else {
					s *= 1 - r.A[l-1][k][j]*r.A[l-1][k][j]
				}
				r.DZ[l-1][k][j] = s
			}
		}
	}
	return r
}

// compareChain checks every cache, gradient and updated parameter of c
// against the reference within tol, relative to 1 + |value|.
func compareChain[T Float](t *testing.T, name string, c *Chain[T], r *chainRef, tol float64) {
	t.Helper()
	L := len(c.W) - 1
	for l := 1; l <= L; l++ {
		for _, q := range []struct {
			name string
			got  *Dense[T]
			want [][]float64
		}{
			{"Z", c.Z[l], r.Z[l]}, {"A", c.A[l], r.A[l]}, {"DZ", c.DZ[l], r.DZ[l]},
			{"DW", c.DW[l], r.DW[l]}, {"DB", c.DB[l], r.DB[l]}, {"W", c.W[l], r.W[l]}, {"B", c.B[l], r.B[l]},
		} {
			for i, row := range q.want {
				for j, w := range row {
					g := float64(q.got.At(i, j))
					if math.IsNaN(g) || math.Abs(g-w) > tol*(1+math.Abs(w)) {
						t.Fatalf("%s: %s[%d][%d, %d] = %v, want %v", name, q.name, l, i, j, g, w)
					}
				}
			}
		}
	}
}

// TestChainStepMatchesPlainFormulas runs one step of networks with odd
// layer sizes, ReLU and tanh layers, L2 and batches that do not split
// evenly, on one to three parts, against the plain formulas in float64.
func TestChainStepMatchesPlainFormulas(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	t.Run("float64", func(t *testing.T) { testChainStep[float64](t, 1e-12) })
	t.Run("float32", func(t *testing.T) { testChainStep[float32](t, 2e-5) })
}

func testChainStep[T Float](t *testing.T, tol float64) {
	for _, tc := range []struct {
		sizes []int
		relu  []bool
		m     int
	}{
		{[]int{37, 29, 13, 5}, []bool{false, true, true}, 21},
		{[]int{70, 65, 33, 3, 4}, []bool{false, true, false, true}, 64},
		{[]int{9, 3, 1}, []bool{false, false}, 5},
		{[]int{300, 40, 10}, []bool{false, true}, 1},
	} {
		for parts := 1; parts <= 3; parts++ {
			for _, lambda := range []float64{0, 0.7} {
				name := fmt.Sprintf("sizes=%v m=%d parts=%d lambda=%g", tc.sizes, tc.m, parts, lambda)
				rnd := rand.New(rand.NewPCG(uint64(tc.m), uint64(parts)))
				n := newChainNet[T](rnd, tc.sizes, tc.relu, tc.m)
				xt := New[T](50, tc.sizes[0], nil)
				for i := range xt.RawData() {
					xt.RawData()[i] = T(rnd.Float64())
				}
				idx := make([]int, tc.m)
				for j := range idx {
					idx[j] = rnd.IntN(50)
				}
				c := n.chain(parts)
				var x Dense[T]
				if !c.Step(&x, xt, idx, 0.3, lambda) {
					t.Fatalf("%s: the update was not applied", name)
				}
				compareChain(t, name, c, n.reference(xt, idx, 0.3, lambda), tol)
			}
		}
	}
}

// TestChainStepRepeats checks that two steps from the same state on the
// same number of parts give the same bits.
func TestChainStepRepeats(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rnd := rand.New(rand.NewPCG(3, 4))
	n := newChainNet[float32](rnd, []int{100, 80, 30, 10}, []bool{false, true, true}, 64)
	xt := New[float32](64, 100, nil)
	for i := range xt.RawData() {
		xt.RawData()[i] = float32(rnd.Float64())
	}
	idx := rnd.Perm(64)
	var ws [2][]float32
	for run := range ws {
		c := n.chain(2)
		var x Dense[float32]
		for range 3 {
			c.Step(&x, xt, idx, 0.1, 0)
		}
		for l := 1; l < len(c.W); l++ {
			ws[run] = append(ws[run], c.W[l].RawData()...)
		}
	}
	for i := range ws[0] {
		if math.Float32bits(ws[0][i]) != math.Float32bits(ws[1][i]) {
			t.Fatalf("weight %d: %v, then %v", i, ws[0][i], ws[1][i])
		}
	}
}

// TestChainStepRejects checks that a step whose update would overflow,
// or whose Output stops it, changes no parameter.
func TestChainStepRejects(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rnd := rand.New(rand.NewPCG(5, 6))
	n := newChainNet[float32](rnd, []int{20, 16, 8, 2}, []bool{false, true, true}, 32)
	xt := New[float32](40, 20, nil)
	for i := range xt.RawData() {
		xt.RawData()[i] = float32(rnd.Float64())
	}
	idx := rnd.Perm(40)[:32]
	for _, tc := range []struct {
		name  string
		alpha float64
		stop  bool
	}{
		{"overflowing update", math.MaxFloat64, false},
		{"Output stops", 0.1, true},
	} {
		c := n.chain(2)
		if tc.stop {
			c.Output = func() bool { return false }
		}
		var x Dense[float32]
		if c.Step(&x, xt, idx, tc.alpha, 0) {
			t.Errorf("%s: Step reported the update applied", tc.name)
		}
		for l := 1; l < len(c.W); l++ {
			if !Equal(c.W[l], n.W[l]) || !Equal(c.B[l], n.B[l]) {
				t.Errorf("%s: layer %d's parameters changed", tc.name, l)
			}
		}
	}
}

// TestChainStepNoAlloc checks that a step allocates nothing after its
// first call.
func TestChainStepNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rnd := rand.New(rand.NewPCG(7, 8))
	n := newChainNet[float32](rnd, []int{100, 80, 30, 10}, []bool{false, true, true}, 64)
	xt := New[float32](64, 100, nil)
	idx := rnd.Perm(64)
	c := n.chain(2)
	var x Dense[float32]
	step := func() { c.Step(&x, xt, idx, 0.01, 0.1) }
	step()
	if a := testing.AllocsPerRun(20, step); a != 0 {
		t.Errorf("%v allocations per step, want 0", a)
	}
}

// TestChainMaxPartsCPUs checks that a GOMAXPROCS above the CPU count
// does not raise the number of parts a step runs on.
func TestChainMaxPartsCPUs(t *testing.T) {
	cpus := runtime.NumCPU()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cpus + 1))
	if got := ChainMaxParts(); got != cpus {
		t.Errorf("GOMAXPROCS %d on %d CPUs: ChainMaxParts() = %d, want %d", cpus+1, cpus, got, cpus)
	}
}
