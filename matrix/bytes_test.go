package matrix

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// randomBytes returns an (m, n) Bytes with scale 1/255 and X = (s·B)ᵀ,
// (n, m), computed as the IDX readers compute pixels: T(v/255).
func randomBytes[T Float](rnd *rand.Rand, m, n int) (*Bytes, *Dense[T]) {
	data := make([]uint8, m*n)
	for i := range data {
		if rnd.IntN(4) > 0 { // mostly zeros, as in images
			continue
		}
		data[i] = uint8(rnd.IntN(256))
	}
	B := NewBytes(m, n, data, 1.0/255)
	X := New[T](n, m, nil)
	for j := 0; j < m; j++ {
		for i := 0; i < n; i++ {
			X.Set(i, j, T(float64(data[j*n+i])/255))
		}
	}
	return B, X
}

func TestEqualBytesTrans(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	B, X := randomBytes[float32](rnd, 70, 30)
	if !EqualBytesTrans(X, B) {
		t.Errorf("EqualBytesTrans(float32 v/255) = false, want true")
	}
	_, X64 := randomBytes[float64](rand.New(rand.NewPCG(1, 2)), 70, 30)
	if !EqualBytesTrans(X64, B) {
		t.Errorf("EqualBytesTrans(float64 v/255) = false, want true")
	}
	changed := X.Clone()
	changed.Set(29, 69, changed.At(29, 69)+1e-3)
	if EqualBytesTrans(changed, B) {
		t.Errorf("EqualBytesTrans with one element changed by 1e-3 = true, want false")
	}
	standardized := X.Clone()
	standardized.Scale(2, standardized)
	if EqualBytesTrans(standardized, B) {
		t.Errorf("EqualBytesTrans of 2·X = true, want false")
	}
	transposed := new(Dense[float32])
	transposed.Transpose(X)
	if EqualBytesTrans(transposed, B) {
		t.Errorf("EqualBytesTrans of Xᵀ = true, want false")
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		special := X.Clone()
		special.Set(3, 40, float32(v))
		if EqualBytesTrans(special, B) {
			t.Errorf("EqualBytesTrans with one element %v = true, want false", v)
		}
	}

	// One unit in the last place away from s·v passes, four do not, in
	// both directions, at the last nonzero byte.
	last := len(B.RawData()) - 1
	for B.RawData()[last] == 0 {
		last--
	}
	i, j := last%30, last/30
	v := float32(B.RawData()[last]) / 255
	for _, c := range []struct {
		steps int
		want  bool
	}{{1, true}, {-1, true}, {4, false}, {-4, false}} {
		w := v
		for range max(c.steps, -c.steps) {
			w = math.Nextafter32(w, float32(c.steps)*float32(math.Inf(1)))
		}
		moved := X.Clone()
		moved.Set(i, j, w)
		if got := EqualBytesTrans(moved, B); got != c.want {
			t.Errorf("EqualBytesTrans with element (%d, %d) %d ulps from s·v = %v, want %v", i, j, c.steps, got, c.want)
		}
	}
}

func TestAffineGradBytes64(t *testing.T) { testAffineGradBytes[float64](t, 1e-12) }
func TestAffineGradBytes32(t *testing.T) { testAffineGradBytes[float32](t, 1e-4) }

// testAffineGradBytes compares AffineGradBytes with the plain products
// Z = W·X and D = alpha·dZ·Xᵀ, for f = tanh, within tol relative to the
// largest element of D.
func testAffineGradBytes[T Float](t *testing.T, tol float64) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for i, c := range []struct{ k, n, m, block int }{
		{1, 5, 1, 1},
		{1, 30, 70, 16},
		{3, 17, 41, 64},
		{1, 784, 600, 64},   // large enough for two goroutines
		{10, 300, 700, 100}, // several units, a short last block
	} {
		B, X := randomBytes[T](rnd, c.m, c.n)
		W := randomDense[T](rnd, c.k, c.n)
		for j := range W.data {
			if W.data[j] != W.data[j] { // no NaN weights here
				W.data[j] = 0.25
			}
		}
		alpha := T(1.0 / float64(c.m))

		// The plain products.
		Z := new(Dense[T])
		Z.Mul(W, X)
		dZ := new(Dense[T])
		dZ.Apply(func(z T) T { return T(math.Tanh(float64(z))) }, Z)
		want := new(Dense[T])
		want.Gemm(alpha, dZ, false, X, true, 0)

		var mu sync.Mutex
		seen := map[int][2]int{}
		gotZ := New[T](c.k, c.m, nil)
		got := new(Dense[T])
		got.AffineGradBytes(W, B, alpha, c.block, func(blk *BytesBlock[T]) {
			mu.Lock()
			seen[blk.Index] = [2]int{blk.J0, blk.J1}
			mu.Unlock()
			cols := blk.J1 - blk.J0
			z := blk.Z.RawData()
			for u := 0; u < c.k; u++ {
				for e := 0; e < cols; e++ {
					gotZ.Set(u, blk.J0+e, z[u*cols+e])
					z[u*cols+e] = T(math.Tanh(float64(z[u*cols+e])))
				}
			}
		})

		blocks := (c.m + c.block - 1) / c.block
		if len(seen) != blocks {
			t.Errorf("case %d: %d blocks seen, want %d", i, len(seen), blocks)
		}
		for b, r := range seen {
			if r[0] != b*c.block || r[1] != min((b+1)*c.block, c.m) {
				t.Errorf("case %d: block %d holds examples %d … %d", i, b, r[0], r[1]-1)
			}
		}
		if d := maxRelDiff(gotZ, Z); d > tol {
			t.Errorf("case %d: Z differs from W·X by %g relative", i, d)
		}
		if d := maxRelDiff(got, want); d > tol {
			t.Errorf("case %d: D differs from alpha·dZ·Xᵀ by %g relative", i, d)
		}
	}
}

// maxRelDiff returns max |a − b| over the elements, divided by max |b|.
func maxRelDiff[T Float](a, b *Dense[T]) float64 {
	if a.rows != b.rows || a.cols != b.cols {
		return math.Inf(1)
	}
	var diff, size float64
	for i, x := range a.RawData() {
		diff = math.Max(diff, math.Abs(float64(x)-float64(b.data[i])))
		size = math.Max(size, math.Abs(float64(b.data[i])))
	}
	if size == 0 {
		return diff
	}
	return diff / size
}

func TestMulBytes64(t *testing.T) { testMulBytes[float64](t, 1e-14) }
func TestMulBytes32(t *testing.T) { testMulBytes[float32](t, 1e-5) }

// testMulBytes checks MulBytes against Mul on the same inputs stored as
// T, in both layouts of the inputs that training uses: W·X with X, (n, m),
// in bytes, and dZ·Xᵀ with Xᵀ, (m, n), in bytes.
func testMulBytes[T Float](t *testing.T, tol float64) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for i, c := range []struct{ k, n, m int }{
		{1, 1, 1}, {3, 5, 2}, {20, 12288, 209}, {7, 784, 33}, {0, 4, 3}, {2, 0, 3},
	} {
		BT, X := randomBytes[T](rnd, c.m, c.n) // BT is (m, n), X = (s·BT)ᵀ
		B := BT.Transpose()
		if r, cols := B.Dims(); r != c.n || cols != c.m || B.Scale() != BT.Scale() {
			t.Fatalf("case %d: Transpose gives (%d, %d) with scale %v, want (%d, %d) with %v", i, r, cols, B.Scale(), c.n, c.m, BT.Scale())
		}
		var XT Dense[T]
		XT.Transpose(X)
		if !EqualBytesTrans(&XT, B) {
			t.Fatalf("case %d: Transpose of the bytes does not equal X", i)
		}
		W := New[T](c.k, c.n, nil)
		dZ := New[T](c.k, c.m, nil)
		for _, d := range []*Dense[T]{W, dZ} {
			for j := range d.RawData() {
				d.RawData()[j] = T(2*rnd.Float64() - 1)
			}
		}
		var got, want Dense[T]
		got.MulBytes(W, B)
		want.Mul(W, X)
		if d := maxRelDiff(&got, &want); d > tol {
			t.Errorf("case %d: W·(s·B) differs from W·X by %g relative", i, d)
		}
		got.MulBytes(dZ, BT)
		want.MulTrans(dZ, false, X, true)
		if d := maxRelDiff(&got, &want); d > tol {
			t.Errorf("case %d: dZ·(s·Bᵀ) differs from dZ·Xᵀ by %g relative", i, d)
		}
	}
}

func TestAffineGradBytesAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	B, _ := randomBytes[float32](rnd, 500, 784)
	W := New[float32](1, 784, nil)
	D := new(Dense[float32])
	f := func(blk *BytesBlock[float32]) {}
	D.AffineGradBytes(W, B, 1, 64, f)
	if allocs := testing.AllocsPerRun(10, func() { D.AffineGradBytes(W, B, 1, 64, f) }); allocs != 0 {
		t.Errorf("AffineGradBytes allocates %v times per call after the first, want 0", allocs)
	}
}

func TestBytesPanics(t *testing.T) {
	B := NewBytes(2, 3, make([]uint8, 6), 1)
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"NewBytes length", func() { NewBytes(2, 3, make([]uint8, 5), 1) }, ErrDataLength},
		{"NewBytes scale", func() { NewBytes(1, 1, make([]uint8, 1), math.Inf(1)) }, ErrScale},
		{"At", func() { B.At(2, 0) }, ErrIndex},
		{"MulBytes shape", func() { new(Dense[float64]).MulBytes(New[float64](1, 3, nil), B) }, ErrShape},
		{"AffineGradBytes shape", func() {
			new(Dense[float64]).AffineGradBytes(New[float64](1, 2, nil), B, 1, 4, func(*BytesBlock[float64]) {})
		}, ErrShape},
		{"AffineGradBytes block", func() {
			new(Dense[float64]).AffineGradBytes(New[float64](1, 3, nil), B, 1, 0, func(*BytesBlock[float64]) {})
		}, ErrBlockSize},
	} {
		func() {
			defer func() {
				if r := recover(); r != c.want {
					t.Errorf("%s: panic %v, want %q", c.name, r, c.want)
				}
			}()
			c.f()
		}()
	}
}

// TestEqualBytesTransSplit runs EqualBytesTrans on two goroutines: X has
// more than bytesParallelMin elements, and a change in the first, a
// middle or the last example, in either goroutine's part, is found.
func TestEqualBytesTransSplit(t *testing.T) {
	const m, n = 700, 120
	if m*n < bytesParallelMin {
		t.Fatalf("%d×%d is below bytesParallelMin %d", m, n, bytesParallelMin)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	B, X := randomBytes[float32](rand.New(rand.NewPCG(3, 4)), m, n)
	if !EqualBytesTrans(X, B) {
		t.Fatal("EqualBytesTrans(float32 v/255) = false, want true")
	}
	for _, j := range []int{0, m / 2, m - 1} {
		changed := X.Clone()
		changed.Set(n-1, j, changed.At(n-1, j)+0.5)
		if EqualBytesTrans(changed, B) {
			t.Errorf("EqualBytesTrans with example %d changed = true, want false", j)
		}
	}
}

// BenchmarkEqualBytesTrans times the check on MNIST's shape: 60,000
// examples of 784 bytes against their float32 transpose.
//
//	go test -run X -bench EqualBytesTrans ./matrix
func BenchmarkEqualBytesTrans(b *testing.B) {
	B, X := randomBytes[float32](rand.New(rand.NewPCG(1, 2)), 60000, 784)
	b.SetBytes(int64(len(B.RawData())))
	for b.Loop() {
		if !EqualBytesTrans(X, B) {
			b.Fatal("EqualBytesTrans = false, want true")
		}
	}
}
