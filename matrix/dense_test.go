package matrix_test

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/matrix"
)

// panics returns the value a call panicked with, or nil.
func panics(f func()) (msg any) {
	defer func() { msg = recover() }()
	f()
	return nil
}

func TestDense64(t *testing.T) { testDense[float64](t) }
func TestDense32(t *testing.T) { testDense[float32](t) }

// testDense is one body for both precisions. The small integer values are
// exact in float32, so results compare with ==.
func testDense[T matrix.Float](t *testing.T) {
	a := matrix.New[T](2, 3, []T{1, 2, 3, 4, 5, 6})
	b := matrix.New[T](3, 2, []T{7, 8, 9, 10, 11, 12})

	var c matrix.Dense[T]
	c.Mul(a, b)
	want := matrix.New[T](2, 2, []T{58, 64, 139, 154})
	if !matrix.Equal(&c, want) {
		t.Errorf("a·b =\n%v\nwant\n%v", &c, want)
	}

	// aᵀ·aᵀᵀ = aᵀ·a, (3, 3), and a·aᵀ, (2, 2), through the transpose flags.
	c.MulTrans(a, true, a, false)
	if want := matrix.New[T](3, 3, []T{17, 22, 27, 22, 29, 36, 27, 36, 45}); !matrix.Equal(&c, want) {
		t.Errorf("aᵀ·a =\n%v\nwant\n%v", &c, want)
	}
	c.MulTrans(a, false, a, true)
	if want := matrix.New[T](2, 2, []T{14, 32, 32, 77}); !matrix.Equal(&c, want) {
		t.Errorf("a·aᵀ =\n%v\nwant\n%v", &c, want)
	}
	var bt matrix.Dense[T]
	bt.Transpose(b)
	c.MulTrans(&bt, true, &bt, false) // (bᵀ)ᵀ·bᵀ = b·bᵀ
	bbt := matrix.New[T](3, 3, []T{113, 143, 173, 143, 181, 219, 173, 219, 265})
	if !matrix.Equal(&c, bbt) {
		t.Errorf("b·bᵀ =\n%v\nwant\n%v", &c, bbt)
	}

	// Gemm with beta = 1 accumulates: c = 2·b·a + b·bᵀ, where (b·a)[0][0] = 39.
	c.Gemm(2, b, false, a, false, 1)
	if got := c.At(0, 0); got != 113+2*39 {
		t.Errorf("Gemm with beta = 1: c[0][0] = %v, want %v", got, 113+2*39)
	}

	// Z = W·A + b: the column is added to every column.
	col := matrix.New[T](2, 1, []T{10, 20})
	c.AddColVec(a, col)
	if want := matrix.New[T](2, 3, []T{11, 12, 13, 24, 25, 26}); !matrix.Equal(&c, want) {
		t.Errorf("a + b·1ᵀ =\n%v\nwant\n%v", &c, want)
	}

	c.MulElem(a, a)
	if want := matrix.New[T](2, 3, []T{1, 4, 9, 16, 25, 36}); !matrix.Equal(&c, want) {
		t.Errorf("a ⊙ a =\n%v\nwant\n%v", &c, want)
	}
	c.RowSums(a)
	if want := matrix.New[T](2, 1, []T{6, 15}); !matrix.Equal(&c, want) {
		t.Errorf("row sums =\n%v\nwant\n%v", &c, want)
	}
	c.Scale(-2, a)
	c.AddScaled(&c, 2, a)
	if s := matrix.Sum(&c); s != 0 {
		t.Errorf("−2a + 2a sums to %v", s)
	}
	c.Sub(a, a)
	c.Add(&c, a)
	if !matrix.Equal(&c, a) {
		t.Errorf("a − a + a =\n%v", &c)
	}
	c.Apply(func(v T) T { return v * v }, a)
	if got := matrix.SumSquares(a); got != matrix.Sum(&c) {
		t.Errorf("SumSquares = %v, Σ a² = %v", got, matrix.Sum(&c))
	}
	c.GatherCols(a, []int{2, 0})
	if want := matrix.New[T](2, 2, []T{3, 1, 6, 4}); !matrix.Equal(&c, want) {
		t.Errorf("gather [2 0] =\n%v\nwant\n%v", &c, want)
	}
	c.SliceCols(a, 1, 3)
	if want := matrix.New[T](2, 2, []T{2, 3, 5, 6}); !matrix.Equal(&c, want) {
		t.Errorf("columns 1…2 =\n%v\nwant\n%v", &c, want)
	}
}

// TestGemmBetaZeroIgnoresNaN checks that beta = 0 overwrites the receiver
// without reading it, so stale NaN does not leak into the product.
func TestGemmBetaZeroIgnoresNaN(t *testing.T) {
	a := matrix.New[float64](2, 2, []float64{1, 0, 0, 1})
	c := matrix.New[float64](2, 2, nil)
	c.Fill(math.NaN())
	c.Gemm(1, a, false, a, false, 0)
	if !matrix.Equal(c, a) {
		t.Errorf("I·I with NaN-filled receiver =\n%v", c)
	}
}

func TestResizeReusesStorage(t *testing.T) {
	m := matrix.New[float32](10, 10, nil)
	before := &m.RawData()[0]
	m.Resize(5, 20)
	if &m.RawData()[0] != before {
		t.Error("Resize to the same size allocated")
	}
	allocs := testing.AllocsPerRun(10, func() {
		m.Resize(4, 4)
		m.Resize(10, 10)
	})
	if allocs != 0 {
		t.Errorf("Resize within capacity allocated %v times", allocs)
	}
}

func TestPanics(t *testing.T) {
	a := matrix.New[float64](2, 3, nil)
	b := matrix.New[float64](2, 3, nil)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Mul inner", func() { new(matrix.Dense[float64]).Mul(a, b) }, matrix.ErrShape},
		{"Add shapes", func() { new(matrix.Dense[float64]).Add(a, matrix.New[float64](3, 2, nil)) }, matrix.ErrShape},
		{"AddColVec row", func() { new(matrix.Dense[float64]).AddColVec(a, matrix.New[float64](1, 2, nil)) }, matrix.ErrColumnShape},
		{"Mul alias", func() { a.MulTrans(a, false, b, true) }, matrix.ErrAlias},
		{"New length", func() { matrix.New[float64](2, 2, []float64{1}) }, matrix.ErrDataLength},
		{"New negative", func() { matrix.New[float64](-1, 2, nil) }, matrix.ErrNegative},
		{"At", func() { a.At(2, 0) }, matrix.ErrIndex},
		{"SliceCols", func() { new(matrix.Dense[float64]).SliceCols(a, 2, 4) }, matrix.ErrColRange},
		{"GatherCols", func() { new(matrix.Dense[float64]).GatherCols(a, []int{3}) }, matrix.ErrColRange},
	}
	for _, tt := range tests {
		if got := panics(tt.f); got != tt.want {
			t.Errorf("%s: panic %v, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFromRowsRagged(t *testing.T) {
	_, err := matrix.FromRows([][]float64{{1, 2}, {3}})
	if err == nil || err.Error() != "matrix: row 1 has 1 values, row 0 has 2" {
		t.Errorf("error %v", err)
	}
}

func TestFirstNonFinite(t *testing.T) {
	m := matrix.New[float32](2, 2, []float32{1, 2, float32(math.Inf(1)), 4})
	if i, j, bad := matrix.FirstNonFinite(m); !bad || i != 1 || j != 0 {
		t.Errorf("FirstNonFinite = (%d, %d, %v), want (1, 0, true)", i, j, bad)
	}
}
