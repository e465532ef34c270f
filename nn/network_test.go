package nn_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

func TestNewErrors(t *testing.T) {
	tests := []struct {
		sizes []int
		acts  []nn.Activation
		loss  nn.Loss
		want  string
	}{
		{[]int{3}, nil, nn.BCE, "at least 2 layer sizes"},
		{[]int{3, 0, 1}, []nn.Activation{nn.ReLU, nn.Sigmoid}, nn.BCE, "n[1] = 0"},
		{[]int{3, 2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, "1 activations for 2 layers"},
		{[]int{3, 1}, []nn.Activation{nn.Tanh}, nn.BCE, "bce needs a sigmoid output"},
		{[]int{3, 4}, []nn.Activation{nn.Sigmoid}, nn.CCE, "cce needs a softmax output"},
		{[]int{3, 1}, []nn.Activation{nn.Softmax}, nn.CCE, "at least 2 output units"},
		{[]int{3, 1}, []nn.Activation{nn.Sigmoid}, nn.Loss(9), "invalid loss"},
	}
	for i, tt := range tests {
		_, err := nn.New[float64](tt.sizes, tt.acts, tt.loss)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d: error %v, want one containing %q", i, err, tt.want)
		}
	}
}

// TestSetParamsShapeError checks the message for a transposed weight.
func TestSetParamsShapeError(t *testing.T) {
	net, err := nn.New[float64]([]int{20, 7, 1}, []nn.Activation{nn.ReLU, nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	W := []*matrix.Dense[float64]{nil, matrix.New[float64](7, 20, nil), matrix.New[float64](7, 1, nil)}
	b := []*matrix.Dense[float64]{nil, matrix.New[float64](7, 1, nil), matrix.New[float64](1, 1, nil)}
	W[1].Set(0, 0, 42)
	err = net.SetParams(W, b)
	var se *nn.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("error %v, want a *nn.ShapeError", err)
	}
	if want := "nn: W[2] must be (1, 7), got (7, 1): it looks transposed"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if net.W[1].At(0, 0) != 0 {
		t.Error("SetParams changed W[1] although W[2] was rejected")
	}
}

func TestForwardXErrors(t *testing.T) {
	net, err := nn.New[float64]([]int{3, 2, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		X    *matrix.Dense[float64]
		want string
	}{
		{matrix.New[float64](5, 3, nil), "X must be (3, m), got (5, 3): X looks transposed"},
		{matrix.New[float64](3, 0, nil), "X must be (3, m), got (3, 0): X has no examples"},
		{matrix.New[float64](4, 2, nil), "X must be (3, m), got (4, 2): the network takes 3 input features"},
	}
	for i, tt := range tests {
		_, err := net.Forward(tt.X)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d: error %v, want %q", i, err, tt.want)
		}
	}
	if _, err := net.Cost(matrix.New[float64](1, 1, nil), 0); err == nil {
		t.Error("Cost without a forward pass gave no error")
	}
}

func TestCostRejectsNegativeLambda(t *testing.T) {
	net, err := nn.New[float64]([]int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Forward(matrix.New[float64](2, 1, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Cost(matrix.New[float64](1, 1, nil), -1); err == nil || !strings.Contains(err.Error(), "λ = -1") {
		t.Errorf("error %v, want one naming λ = -1", err)
	}
}

// TestBackwardNotAccumulated checks that a second Backward on the same
// pass gives the same gradients for a deep network, not twice them.
func TestBackwardNotAccumulated(t *testing.T) {
	net, err := nn.New[float64]([]int{4, 5, 3, 2}, []nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(7)
	if err := net.Init(nn.He, 0, src); err != nil {
		t.Fatal(err)
	}
	X := randomMatrix(src, 4, 6)
	Y := oneHot(2, []int{0, 1, 1, 0, 1, 0})
	if _, err := net.Forward(X); err != nil {
		t.Fatal(err)
	}
	if err := net.Backward(Y, 0.1); err != nil {
		t.Fatal(err)
	}
	var first []*matrix.Dense[float64]
	for _, g := range net.Grads() {
		first = append(first, g.Clone())
	}
	if err := net.Backward(Y, 0.1); err != nil {
		t.Fatal(err)
	}
	for i, g := range net.Grads() {
		if !matrix.Equal(g, first[i]) {
			t.Errorf("%s changed on the second Backward", net.ParamNames()[i])
		}
	}
}

// TestPredictSoftmaxArgmax checks that a softmax output predicts the row
// of the largest probability and that regression outputs are refused.
func TestPredictSoftmaxArgmax(t *testing.T) {
	net, err := nn.New[float64]([]int{3, 3}, []nn.Activation{nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	// W = I, so the logits are X itself.
	for i := 0; i < 3; i++ {
		net.W[1].Set(i, i, 1)
	}
	X := matrix.New[float64](3, 3, []float64{
		5, 0, 1,
		1, 0, 7,
		2, 3, 1,
	})
	got, err := net.Predict(X)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 2, 1}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Predict = %v, want %v", got, want)
	}
	reg, err := nn.New[float64]([]int{2, 1}, []nn.Activation{nn.Linear}, nn.MSE)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Predict(matrix.New[float64](2, 1, nil)); err == nil {
		t.Error("Predict on a linear output gave no error")
	}
}

// TestSaturatedFinite checks that cost and gradients stay finite when the
// sigmoid output saturates to exactly 0 or 1, in both precisions.
func TestSaturatedFinite(t *testing.T) {
	testSaturatedFinite[float32](t)
	testSaturatedFinite[float64](t)
}

func testSaturatedFinite[T matrix.Float](t *testing.T) {
	net, err := nn.New[T]([]int{1, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	net.W[1].Set(0, 0, 1)
	X := matrix.New[T](1, 4, []T{1000, -1000, 1000, -1000})
	Y := matrix.New[T](1, 4, []T{0, 1, 1, 0})
	if _, err := net.Forward(X); err != nil {
		t.Fatal(err)
	}
	J, err := net.Cost(Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Two examples wrong by a logit of 1000, two right: J = 2000/4.
	if J != 500 {
		t.Errorf("cost = %v, want 500", J)
	}
	if err := net.Backward(Y, 0); err != nil {
		t.Fatal(err)
	}
	for _, g := range net.Grads() {
		if i, j, bad := matrix.FirstNonFinite(g); bad {
			t.Errorf("gradient not finite at (%d, %d)", i, j)
		}
	}
}

func randomMatrix(src *rand.PCG, r, c int) *matrix.Dense[float64] {
	m := matrix.New[float64](r, c, nil)
	for i := range m.RawData() {
		m.RawData()[i] = src.NormFloat64()
	}
	return m
}

func oneHot(k int, labels []int) *matrix.Dense[float64] {
	Y := matrix.New[float64](k, len(labels), nil)
	for j, c := range labels {
		Y.Set(c, j, 1)
	}
	return Y
}

// TestSetInputTranspose checks that a given Xᵀ gives the same gradients,
// bit for bit, and is ignored for another X.
func TestSetInputTranspose(t *testing.T) {
	for _, l2 := range []float64{0, 0.3} {
		net, err := nn.New[float64]([]int{6, 4, 3}, []nn.Activation{nn.ReLU, nn.Softmax}, nn.CCE)
		if err != nil {
			t.Fatal(err)
		}
		src := rand.New(5)
		if err := net.Init(nn.He, 0, src); err != nil {
			t.Fatal(err)
		}
		X := randomMatrix(src, 6, 7)
		Y := oneHot(3, []int{0, 1, 2, 0, 1, 2, 0})
		if _, err := net.Forward(X); err != nil {
			t.Fatal(err)
		}
		if err := net.Backward(Y, l2); err != nil {
			t.Fatal(err)
		}
		want := net.DW[1].Clone()

		XT := new(matrix.Dense[float64])
		XT.Transpose(X)
		net.SetInputTranspose(X, XT)
		if _, err := net.Forward(X); err != nil {
			t.Fatal(err)
		}
		if err := net.Backward(Y, l2); err != nil {
			t.Fatal(err)
		}
		if !matrix.Equal(net.DW[1], want) {
			t.Errorf("λ = %v: dW[1] with Xᵀ given differs:\n%v\nwant\n%v", l2, net.DW[1], want)
		}

		// Another X of the same shape must not use the stale Xᵀ.
		X2 := randomMatrix(src, 6, 7)
		if _, err := net.Forward(X2); err != nil {
			t.Fatal(err)
		}
		if err := net.Backward(Y, l2); err != nil {
			t.Fatal(err)
		}
		got := net.DW[1].Clone()
		net.SetInputTranspose(nil, nil)
		if _, err := net.Forward(X2); err != nil {
			t.Fatal(err)
		}
		if err := net.Backward(Y, l2); err != nil {
			t.Fatal(err)
		}
		if !matrix.Equal(got, net.DW[1]) {
			t.Errorf("λ = %v: the Xᵀ of another X was used", l2)
		}
	}
}

// TestSetInputBytes checks that an input given as bytes gives the caches
// and gradients of the same input in floats up to rounding, is ignored
// for another X, and is refused in the wrong shape.
func TestSetInputBytes(t *testing.T) {
	const n0, m = 40, 9
	net, err := nn.New[float64]([]int{n0, 5, 3}, []nn.Activation{nn.ReLU, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(6)
	if err := net.Init(nn.He, 0, src); err != nil {
		t.Fatal(err)
	}
	// BT holds the m examples as rows, as image files store them.
	raw := make([]uint8, m*n0)
	for i := range raw {
		raw[i] = uint8(src.Intn(256))
	}
	BT := matrix.NewBytes(m, n0, raw, 1.0/255)
	B := BT.Transpose()
	X := matrix.New[float64](n0, m, nil)
	for i := 0; i < n0; i++ {
		for j := 0; j < m; j++ {
			X.Set(i, j, float64(raw[j*n0+i])/255)
		}
	}
	Y := oneHot(3, []int{0, 1, 2, 0, 1, 2, 0, 1, 2})
	pass := func() (Z1, A2, dW1 *matrix.Dense[float64]) {
		t.Helper()
		if _, err := net.Forward(X); err != nil {
			t.Fatal(err)
		}
		if err := net.Backward(Y, 0.2); err != nil {
			t.Fatal(err)
		}
		return net.Z[1].Clone(), net.A[2].Clone(), net.DW[1].Clone()
	}
	wantZ, wantA, wantDW := pass()
	net.SetInputBytes(X, B, BT)
	gotZ, gotA, gotDW := pass()
	for _, c := range []struct {
		name      string
		got, want *matrix.Dense[float64]
	}{{"Z[1]", gotZ, wantZ}, {"A[2]", gotA, wantA}, {"dW[1]", gotDW, wantDW}} {
		if d := maxRelDiff(c.got, c.want); d > 1e-13 {
			t.Errorf("%s from bytes differs by %g relative:\n%v\nwant\n%v", c.name, d, c.got, c.want)
		}
	}
	if matrix.Equal(gotZ, wantZ) && matrix.Equal(gotDW, wantDW) {
		t.Logf("the bytes gave the same Z[1] and dW[1] bit for bit")
	}

	// Another X of the same shape must not use the bytes.
	X2 := randomMatrix(src, n0, m)
	if _, err := net.Forward(X2); err != nil {
		t.Fatal(err)
	}
	Z2 := net.Z[1].Clone()
	net.SetInputBytes(nil, nil, nil)
	if _, err := net.Forward(X2); err != nil {
		t.Fatal(err)
	}
	if !matrix.Equal(Z2, net.Z[1]) {
		t.Errorf("the bytes of another X were used")
	}

	for _, c := range []struct {
		name  string
		B, BT *matrix.Bytes
	}{{"B transposed", BT, BT}, {"BT not transposed", B, B}} {
		func() {
			defer func() {
				if r := recover(); r != matrix.ErrShape {
					t.Errorf("%s: panic %v, want %q", c.name, r, matrix.ErrShape)
				}
			}()
			net.SetInputBytes(X, c.B, c.BT)
		}()
	}
}

// maxRelDiff returns max |a − b| over the elements, divided by max |b|.
func maxRelDiff(a, b *matrix.Dense[float64]) float64 {
	if ar, ac := a.Dims(); ar != b.Rows() || ac != b.Cols() {
		return math.Inf(1)
	}
	var diff, size float64
	for i, x := range a.RawData() {
		y := b.RawData()[i]
		diff = math.Max(diff, math.Abs(x-y))
		size = math.Max(size, math.Abs(y))
	}
	if size == 0 {
		return diff
	}
	return diff / size
}

// TestNilInputsRejected checks that the passes return an error naming a
// nil X or Y instead of panicking.
func TestNilInputsRejected(t *testing.T) {
	net := newNet231(t)
	if _, err := net.Forward(nil); err == nil || !strings.Contains(err.Error(), "X is nil; pass a (2, m) matrix") {
		t.Errorf("Forward(nil): error %v", err)
	}
	if _, err := net.ForwardDropout(nil, nil); err == nil || !strings.Contains(err.Error(), "X is nil") {
		t.Errorf("ForwardDropout(nil, nil): error %v", err)
	}
	if _, err := net.Predict(nil); err == nil || !strings.Contains(err.Error(), "X is nil") {
		t.Errorf("Predict(nil): error %v", err)
	}
	if _, err := net.Forward(matrix.New[float64](2, 4, nil)); err != nil {
		t.Fatal(err)
	}
	if err := net.Backward(nil, 0); err == nil || !strings.Contains(err.Error(), "Y is nil; pass the (1, 4) targets") {
		t.Errorf("Backward(nil, 0): error %v", err)
	}
	if _, err := net.Cost(nil, 0); err == nil || !strings.Contains(err.Error(), "Y is nil") {
		t.Errorf("Cost(nil, 0): error %v", err)
	}
}

// TestValidateNamesShortSlice checks that a slice of the wrong length is
// named, with the length it needs.
func TestValidateNamesShortSlice(t *testing.T) {
	net := newNet231(t)
	net.KeepProb = []float64{0.5}
	if err := net.Validate(); err == nil || !strings.Contains(err.Error(), "Network.KeepProb has 1 entries; it needs L+1 = 3") {
		t.Errorf("KeepProb of length 1: error %v", err)
	}
}

// newNet231 returns a 2-3-1 network, tanh then sigmoid with BCE, with
// Xavier weights from seed 1.
func newNet231(t *testing.T) *nn.Network[float64] {
	t.Helper()
	net, err := nn.New[float64]([]int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Xavier, 0, rand.New(1)); err != nil {
		t.Fatal(err)
	}
	return net
}
