package nn

import (
	"github.com/backprop-go/backprop/matrix"
	"math"
	"testing"
)

// TestMax64MatchesMathMax compares max64 with math.Max on every pair of
// special and ordinary values, bit for bit.
func TestMax64MatchesMathMax(t *testing.T) {
	vals := []float64{math.Inf(-1), -2, -math.SmallestNonzeroFloat64, math.Copysign(0, -1), 0, 1.5, math.MaxFloat64, math.Inf(1), math.NaN()}
	for _, m := range vals {
		for _, f := range vals {
			got, want := max64(m, f), math.Max(m, f)
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("max64(%v, %v) = %v (bits %#x), math.Max gives %v (bits %#x)", m, f, got, math.Float64bits(got), want, math.Float64bits(want))
			}
		}
	}
}

// refColumnMax returns the maximum of column j of z, (r, c), folded with
// math.Max from row 0 down.
func refColumnMax(z []float32, r, c, j int) float64 {
	zmax := math.Inf(-1)
	for i := 0; i < r; i++ {
		zmax = math.Max(zmax, float64(z[i*c+j]))
	}
	return zmax
}

// columnSoftmax is softmaxForward written column by column, with
// math.Max, as the definition reads.
func columnSoftmax(a, z []float32, r, c int) {
	for j := 0; j < c; j++ {
		zmax := refColumnMax(z, r, c, j)
		var sum float64
		for i := 0; i < r; i++ {
			e := math.Exp(float64(z[i*c+j]) - zmax)
			a[i*c+j] = float32(e)
			sum += e
		}
		for i := 0; i < r; i++ {
			a[i*c+j] = float32(float64(a[i*c+j]) / sum)
		}
	}
}

// columnCCE is cceSum written column by column.
func columnCCE(z, y []float32, r, c int) float64 {
	var s float64
	for j := 0; j < c; j++ {
		zmax := refColumnMax(z, r, c, j)
		var sum float64
		for i := 0; i < r; i++ {
			sum += math.Exp(float64(z[i*c+j]) - zmax)
		}
		logSum := math.Log(sum)
		for i := 0; i < r; i++ {
			if t := float64(y[i*c+j]); t != 0 {
				s -= t * (float64(z[i*c+j]) - zmax - logSum)
			}
		}
	}
	return s
}

// TestSoftmaxBlocksMatchColumns checks that the blocked, row-wise
// softmax and cross-entropy equal the column-by-column definitions bit
// for bit, across block edges and on columns holding ±Inf and NaN. A
// single column, which takes its own path, is tried with each special
// value and on more rows than a widened chunk holds.
func TestSoftmaxBlocksMatchColumns(t *testing.T) {
	specials := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), float32(math.Copysign(0, -1)), 0, 1000}
	type shape struct{ r, c, special int }
	var shapes []shape
	for _, r := range []int{2, 3, 10} {
		for _, c := range []int{softmaxBlock - 1, softmaxBlock, softmaxBlock + 1, 2*softmaxBlock + 5} {
			shapes = append(shapes, shape{r, c, -1})
		}
	}
	for _, r := range []int{1, 2, 3, 10, wideChunk + 6, 2*wideChunk + 1} {
		for sp := -1; sp < len(specials); sp++ {
			shapes = append(shapes, shape{r, 1, sp})
		}
	}
	for _, sh := range shapes {
		r, c := sh.r, sh.c
		Z := matrix.New[float32](r, c, nil)
		Y := matrix.New[float32](r, c, nil)
		z, y := Z.RawData(), Y.RawData()
		for i := range z {
			z[i] = float32(math.Sin(float64(i)*1.7)) * 30
		}
		// Columns with a special value have no target, so that the
		// cost stays finite and is compared too.
		for j := 0; j < c; j++ {
			if c == 1 && sh.special >= 0 {
				z[(r/2)*c] = specials[sh.special]
				continue
			}
			if j%7 == 3 {
				z[((j/7)%r)*c+j] = specials[(j/7)%len(specials)]
				continue
			}
			y[(j%r)*c+j] = 1
		}
		A := matrix.New[float32](r, c, nil)
		softmaxForward(A, Z)
		want := make([]float32, r*c)
		columnSoftmax(want, z, r, c)
		for i, v := range A.RawData() {
			if math.Float32bits(v) != math.Float32bits(want[i]) && !(v != v && want[i] != want[i]) {
				t.Fatalf("r=%d c=%d special=%d: A[%d] = %v, column by column %v", r, c, sh.special, i, v, want[i])
			}
		}
		got, wantCost := cceSum(Z, Y), columnCCE(z, y, r, c)
		if math.IsNaN(got) || math.Float64bits(got) != math.Float64bits(wantCost) {
			t.Errorf("r=%d c=%d special=%d: cceSum = %v, column by column %v", r, c, sh.special, got, wantCost)
		}
	}
}

// TestCostReusesSoftmaxStats checks that Cost after Forward, which takes
// the softmax's column statistics from the pass, equals SumLoss computed
// anew bit for bit, and that a Z[L] changed in place since the pass is
// read anew.
func TestCostReusesSoftmaxStats(t *testing.T) {
	net, err := New[float32]([]int{3, 4, 5}, []Activation{ReLU, Softmax}, CCE)
	if err != nil {
		t.Fatal(err)
	}
	w1, w2 := net.W[1].RawData(), net.W[2].RawData()
	for i := range w1 {
		w1[i] = float32(math.Sin(float64(i) + 1))
	}
	for i := range w2 {
		w2[i] = float32(math.Cos(float64(i)*0.7)) * 3
	}
	const m = 70
	X := matrix.New[float32](3, m, nil)
	Y := matrix.New[float32](5, m, nil)
	for i := range X.RawData() {
		X.RawData()[i] = float32(math.Sin(float64(i) * 0.31))
	}
	for j := 0; j < m; j++ {
		Y.Set(j%5, j, 1)
	}
	if _, err := net.Forward(X); err != nil {
		t.Fatal(err)
	}
	L := net.Layers()
	want := SumLoss(net.Loss, net.Z[L], net.A[L], Y) / m
	got, err := net.Cost(Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("Cost after Forward = %v, SumLoss anew gives %v", got, want)
	}

	// A changed logit must change the cost.
	net.Z[L].Set(2, 7, net.Z[L].At(2, 7)+5)
	want = SumLoss(net.Loss, net.Z[L], net.A[L], Y) / m
	got, err = net.Cost(Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("Cost after changing Z[L] = %v, SumLoss anew gives %v", got, want)
	}
}
