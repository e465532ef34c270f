package matrix

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomDense returns an (r, c) matrix of values in [−1, 1), with a few
// −0, +0 and NaN entries.
func randomDense[T Float](rnd *rand.Rand, r, c int) *Dense[T] {
	m := New[T](r, c, nil)
	for i := range m.data {
		m.data[i] = T(2*rnd.Float64() - 1)
		switch rnd.IntN(16) {
		case 0:
			m.data[i] = T(math.Copysign(0, -1))
		case 1:
			m.data[i] = 0
		case 2:
			m.data[i] = T(math.NaN())
		}
	}
	return m
}

// sameBits reports whether a and b hold the same shape and bits, any NaN
// counting as equal to any NaN.
func sameBits[T Float](a, b *Dense[T]) bool {
	if a.rows != b.rows || a.cols != b.cols {
		return false
	}
	for i, x := range a.RawData() {
		y := b.data[i]
		if x != x && y != y {
			continue
		}
		if x != y || math.Signbit(float64(x)) != math.Signbit(float64(y)) {
			return false
		}
	}
	return true
}

func relu[T Float](z T) T {
	if z < 0 {
		return 0
	}
	return z
}

func TestFused64(t *testing.T) { testFused[float64](t) }
func TestFused32(t *testing.T) { testFused[float32](t) }

func testFused[T Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for i, shape := range [][2]int{{1, 1}, {3, 1}, {300, 1}, {1, 70}, {5, 64}, {17, 33}, {256, 65}} {
		r, c := shape[0], shape[1]
		Z := randomDense[T](rnd, r, c)
		v := randomDense[T](rnd, r, 1)

		// AddColVecReLU equals AddColVec followed by the ReLU loop.
		wantZ := new(Dense[T])
		wantZ.AddColVec(Z, v)
		wantA := new(Dense[T])
		wantA.Apply(relu[T], wantZ)
		gotZ, gotA := Z.Clone(), new(Dense[T])
		gotA.AddColVecReLU(gotZ, v)
		if !sameBits(gotZ, wantZ) || !sameBits(gotA, wantA) {
			t.Errorf("case %d: AddColVecReLU on (%d, %d) differs from AddColVec and ReLU", i, r, c)
		}
		inPlace := Z.Clone()
		inPlace.AddColVecReLU(inPlace, v)
		if !sameBits(inPlace, wantA) {
			t.Errorf("case %d: AddColVecReLU in place on (%d, %d) differs from AddColVec and ReLU", i, r, c)
		}

		// MulStep equals the loop a where z > 0, else 0.
		dA := randomDense[T](rnd, r, c)
		want := New[T](r, c, nil)
		for k, z := range Z.data {
			if z > 0 {
				want.data[k] = dA.data[k]
			}
		}
		got := new(Dense[T])
		got.MulStep(dA, Z)
		if !sameBits(got, want) {
			t.Errorf("case %d: MulStep on (%d, %d) differs from its loop", i, r, c)
		}

		// FirstNonFiniteAddScaled equals AddScaled followed by
		// FirstNonFinite.
		sum := new(Dense[T])
		sum.AddScaled(Z, -0.5, dA)
		wi, wj, wok := FirstNonFinite(sum)
		gi, gj, gok := FirstNonFiniteAddScaled(Z, -0.5, dA)
		if gi != wi || gj != wj || gok != wok {
			t.Errorf("case %d: FirstNonFiniteAddScaled = (%d, %d, %v), want (%d, %d, %v)", i, gi, gj, gok, wi, wj, wok)
		}
	}
}

func TestNegZero(t *testing.T) {
	if z := negZero[float32](); z != 0 || !math.Signbit(float64(z)) {
		t.Errorf("negZero[float32]() = %v with sign bit %v, want −0", z, math.Signbit(float64(z)))
	}
	if z := negZero[float64](); z != 0 || !math.Signbit(z) {
		t.Errorf("negZero[float64]() = %v with sign bit %v, want −0", z, math.Signbit(z))
	}
}

func TestGatherRowsTrans(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	X := randomDense[float32](rnd, 20, 50)
	XT := new(Dense[float32])
	XT.Transpose(X)
	for i, idx := range [][]int{{}, {0}, {49, 3, 3, 17}, rnd.Perm(50)} {
		want, got := new(Dense[float32]), new(Dense[float32])
		want.GatherCols(X, idx)
		got.GatherRowsTrans(XT, idx)
		if !sameBits(got, want) {
			t.Errorf("case %d: GatherRowsTrans(Xᵀ, %v) differs from GatherCols(X, %v)", i, idx, idx)
		}
	}
}

func TestFusedPanics(t *testing.T) {
	a, b := New[float64](2, 3, nil), New[float64](3, 2, nil)
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"AddColVecReLU wrong column", func() { new(Dense[float64]).AddColVecReLU(a, New[float64](3, 1, nil)) }, ErrColumnShape},
		{"MulStep shapes", func() { new(Dense[float64]).MulStep(a, b) }, ErrShape},
		{"FirstNonFiniteAddScaled shapes", func() { FirstNonFiniteAddScaled(a, 1, b) }, ErrShape},
		{"GatherRowsTrans index", func() { new(Dense[float64]).GatherRowsTrans(a, []int{2}) }, ErrIndex},
		{"GatherRowsTrans alias", func() { a.GatherRowsTrans(a, []int{0}) }, ErrAlias},
		{"MomentumCheck shapes", func() { MomentumCheck(a, a, b, 1, 0.9) }, ErrShape},
		{"MomentumApply shapes", func() { MomentumApply(a, b, a, 1, 0.9) }, ErrShape},
		{"RMSpropCheck shapes", func() { RMSpropCheck(a, a, a, b, 1, 0.9, 1e-8) }, ErrShape},
		{"AdamCheck shapes", func() { AdamCheck(a, a, b, a, a, 1, 0.9, 0.999, 0.1, 0.001, 1e-8) }, ErrShape},
		{"AdamApply shapes", func() { AdamApply(a, a, a, a, b, 0.9, 0.999) }, ErrShape},
		{"MulPairVec inner", func() {
			MulPairVec(new(Dense[float64]), a, New[float64](2, 1, nil), new(Dense[float64]), nil, new(Dense[float64]), b)
		}, ErrShape},
		{"MulPairVec two columns", func() {
			MulPairVec(new(Dense[float64]), a, New[float64](3, 2, nil), new(Dense[float64]), nil, new(Dense[float64]), b)
		}, ErrShape},
		{"MulPairVec second", func() {
			MulPairVec(new(Dense[float64]), a, New[float64](3, 1, nil), new(Dense[float64]), nil, new(Dense[float64]), a)
		}, ErrShape},
		{"MulPairVec alias", func() {
			z := new(Dense[float64])
			MulPairVec(z, a, New[float64](3, 1, nil), z, nil, new(Dense[float64]), New[float64](4, 2, nil))
		}, ErrAlias},
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

// TestMulPairVecMatchesMul checks that, too small to split, MulPairVec
// gives the bits of Mul, the caller's step, and Mul again.
func TestMulPairVecMatchesMul(t *testing.T) {
	rnd := rand.New(rand.NewPCG(21, 22))
	w1, w2 := randomDense[float32](rnd, 9, 13), randomDense[float32](rnd, 5, 9)
	x := randomDense[float32](rnd, 13, 1)
	var z1, a1, z2 Dense[float32]
	relu := func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			a1.data[i] = max(z1.data[i], 0)
		}
	}
	MulPairVec(&z1, w1, x, &a1, relu, &z2, w2)

	var wantZ1, wantA1, wantZ2 Dense[float32]
	wantZ1.Mul(w1, x)
	wantA1.Resize(9, 1)
	for i, v := range wantZ1.data {
		wantA1.data[i] = max(v, 0)
	}
	wantZ2.Mul(w2, &wantA1)
	for name, p := range map[string][2]*Dense[float32]{"z1": {&z1, &wantZ1}, "a1": {&a1, &wantA1}, "z2": {&z2, &wantZ2}} {
		if !sameBits(p[0], p[1]) {
			t.Errorf("%s = %v, want %v", name, p[0], p[1])
		}
	}
}
