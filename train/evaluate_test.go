package train_test

import (
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// TestEvaluateChunks evaluates 25,003 examples, three chunks with a short
// last one, and compares with one forward pass over all of them.
func TestEvaluateChunks(t *testing.T) {
	ds := blobs(25003, 3, rand.New(1))
	net := newNet(t, []int{2, 4, 3}, []nn.Activation{nn.Tanh, nn.Softmax}, nn.CCE, 2)
	cost, acc, err := train.Evaluate(net, ds)
	if err != nil {
		t.Fatal(err)
	}

	AL, err := net.Forward(ds.X)
	if err != nil {
		t.Fatal(err)
	}
	want, err := net.Cost(ds.Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(cost-want) > 1e-12*want {
		t.Errorf("cost %.17g, want %.17g", cost, want)
	}
	correct := 0
	for j, c := range nn.Classes(AL) {
		if c == ds.Labels[j] {
			correct++
		}
	}
	if wantAcc := float64(correct) / 25003; acc != wantAcc {
		t.Errorf("accuracy %v, want %v", acc, wantAcc)
	}
}

// TestEvaluateCostWithoutL2 checks that Evaluate's cost is the data term,
// whatever the weights' size.
func TestEvaluateCostWithoutL2(t *testing.T) {
	ds := blobs(20, 2, rand.New(3))
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 4)
	cost, _, err := train.Evaluate(net, ds)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Forward(ds.X); err != nil {
		t.Fatal(err)
	}
	data, l2, err := net.CostTerms(ds.Y, 10)
	if err != nil {
		t.Fatal(err)
	}
	if cost != data || l2 == 0 {
		t.Errorf("cost %v, want the data term %v (L2 term %v excluded)", cost, data, l2)
	}
}

// TestEvaluateRegression checks that a dataset without labels gives a NaN
// accuracy and the mean half squared error.
func TestEvaluateRegression(t *testing.T) {
	net, err := nn.New[float64]([]int{1, 1}, []nn.Activation{nn.Linear}, nn.MSE)
	if err != nil {
		t.Fatal(err)
	}
	net.W[1].Set(0, 0, 2)
	ds := &data.Dataset[float64]{X: matrix.New(1, 2, []float64{1, 2}), Y: matrix.New(1, 2, []float64{1, 1})}
	cost, acc, err := train.Evaluate(net, ds)
	if err != nil {
		t.Fatal(err)
	}
	// Outputs 2 and 4 against 1 and 1: (½·1 + ½·9) / 2.
	if cost != 2.5 || !math.IsNaN(acc) {
		t.Errorf("Evaluate = %v, %v; want 2.5, NaN", cost, acc)
	}
}

func TestEvaluateErrors(t *testing.T) {
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 4)
	ds := blobs(5, 2, rand.New(3))
	ds.X.Set(0, 3, math.Inf(-1))
	if _, _, err := train.Evaluate(net, ds); err == nil || !strings.Contains(err.Error(), "invalid value -Inf in the dataset's X at feature 0 of example 3") {
		t.Errorf("X with -Inf: error %v", err)
	}
	if _, _, err := train.Evaluate(net, nil); err == nil {
		t.Errorf("nil dataset: no error")
	}
}
