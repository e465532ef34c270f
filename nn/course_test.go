package nn_test

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// The values in this file are the published outputs of the lecture's
// programming exercises (logistic regression and the deep-network
// initialisation), printed by the course's own numpy code.

// logisticNet returns the lecture's logistic regression, the network with
// L = 1 and one sigmoid unit, with weights w and bias b.
func logisticNet[T matrix.Float](t *testing.T, w []T, b T) *nn.Network[T] {
	t.Helper()
	net, err := nn.New[T]([]int{len(w), 1}, []nn.Activation{nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	// The exercise's w is a column (n_x, 1); W[1] is its transpose.
	copy(net.W[1].RawData(), w)
	net.B[1].Set(0, 0, b)
	return net
}

func closeRel(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestLogisticPropagate64(t *testing.T) { testLogisticPropagate[float64](t, 1e-9) }
func TestLogisticPropagate32(t *testing.T) { testLogisticPropagate[float32](t, 1e-5) }

// testLogisticPropagate checks the exercise's propagate(w, b, X, Y): one
// forward and backward pass of logistic regression.
func testLogisticPropagate[T matrix.Float](t *testing.T, rel float64) {
	net := logisticNet[T](t, []T{1, 2}, 2)
	X := matrix.New[T](2, 3, []T{1, 2, -1, 3, 4, -3.2})
	Y := matrix.New[T](1, 3, []T{1, 0, 1})
	if _, err := net.Forward(X); err != nil {
		t.Fatal(err)
	}
	J, err := net.Cost(Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Backward(Y, 0); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"dw[0]", float64(net.DW[1].At(0, 0)), 0.99845601},
		{"dw[1]", float64(net.DW[1].At(0, 1)), 2.39507239},
		{"db", float64(net.DB[1].At(0, 0)), 0.00145557813678},
		{"cost", J, 5.801545319394553},
	}
	for _, c := range checks {
		// The exercise prints dw to 8 decimals.
		tol := rel
		if c.name[0] == 'd' && c.name != "db" {
			tol = max(rel, 5e-9/math.Abs(c.want))
		}
		if !closeRel(c.got, c.want, tol) {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
}

func TestLogisticOptimize64(t *testing.T) { testLogisticOptimize[float64](t, 1e-9) }
func TestLogisticOptimize32(t *testing.T) { testLogisticOptimize[float32](t, 1e-5) }

// testLogisticOptimize checks 100 plain gradient-descent steps with
// α = 0.009 from the propagate example.
func testLogisticOptimize[T matrix.Float](t *testing.T, rel float64) {
	net := logisticNet[T](t, []T{1, 2}, 2)
	X := matrix.New[T](2, 3, []T{1, 2, -1, 3, 4, -3.2})
	Y := matrix.New[T](1, 3, []T{1, 0, 1})
	for range 100 {
		if _, err := net.Forward(X); err != nil {
			t.Fatal(err)
		}
		if err := net.Backward(Y, 0); err != nil {
			t.Fatal(err)
		}
		net.Update(0.009)
	}
	// The exercise prints w to 8 decimals and b to 11.
	if got := float64(net.W[1].At(0, 0)); !closeRel(got, 0.19033591, max(rel, 5e-9/0.19)) {
		t.Errorf("w[0] = %.17g, want 0.19033591", got)
	}
	if got := float64(net.W[1].At(0, 1)); !closeRel(got, 0.12259159, max(rel, 5e-9/0.12)) {
		t.Errorf("w[1] = %.17g, want 0.12259159", got)
	}
	if got := float64(net.B[1].At(0, 0)); !closeRel(got, 1.92535983008, max(rel, 5e-12/1.9)) {
		t.Errorf("b = %.17g, want 1.92535983008", got)
	}
}

// TestLogisticPredict checks the exercise's predict example.
func TestLogisticPredict(t *testing.T) {
	net := logisticNet[float64](t, []float64{0.1124579, 0.23106775}, -0.3)
	X := matrix.New[float64](2, 3, []float64{1, -1.1, -3.2, 1.2, 2, 0.1})
	got, err := net.Predict(X)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 1, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Predict = %v, want %v", got, want)
		}
	}
}

// TestInitNumPySeed1 checks that the numpy-compatible source at seed 1 and
// the ×0.01 initialisation of a [3, 2, 1] network give the exercise's W[1].
func TestInitNumPySeed1(t *testing.T) {
	net, err := nn.New[float64]([]int{3, 2, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Normal, 0.01, rand.NewNumPy(1)); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{
		{0.01624345, -0.00611756, -0.00528172},
		{-0.01072969, 0.00865408, -0.02301539},
	}
	for i, row := range want {
		for j, w := range row {
			// Printed to 8 decimals.
			if got := net.W[1].At(i, j); math.Abs(got-w) > 5e-9 {
				t.Errorf("W[1][%d][%d] = %.10f, want %.8f", i, j, got, w)
			}
		}
	}
	if got := net.W[1].At(0, 0); got != 1.6243453636632417*0.01 {
		t.Errorf("W[1][0][0] = %.17g, want exactly 0.01 × 1.6243453636632417", got)
	}
	for l := 1; l <= 2; l++ {
		if s := matrix.Sum(net.B[l]); s != 0 {
			t.Errorf("b[%d] sums to %v, want zeros", l, s)
		}
	}
}

// TestNumParams checks Σ n[l]·(n[l−1] + 1) on the lecture's deep network:
// 20·12289 + 7·21 + 5·8 + 1·6 = 245,973.
func TestNumParams(t *testing.T) {
	sizes := []int{12288, 20, 7, 5, 1}
	if got := nn.NumParams(sizes); got != 245973 {
		t.Errorf("NumParams(%v) = %d, want 245973", sizes, got)
	}
	net, err := nn.New[float32](sizes, []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range net.Params() {
		n += p.Len()
	}
	if n != 245973 || net.NumParams() != 245973 {
		t.Errorf("network holds %d parameters, NumParams says %d, want 245973", n, net.NumParams())
	}
}
