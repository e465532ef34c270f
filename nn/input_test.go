package nn

import (
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

func TestForwardKeepsX(t *testing.T) {
	net, err := New[float64]([]int{3, 3, 1}, []Activation{Tanh, Sigmoid}, BCE)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(Xavier, 0, rand.New(1)); err != nil {
		t.Fatal(err)
	}
	X, _ := matrix.FromRows([][]float64{{0.5, -1, 2}, {1, 0, -0.5}, {0.25, 0.75, -2}})
	Y, _ := matrix.FromRows([][]float64{{1, 0, 1}})
	if _, err := net.Forward(X); err != nil {
		t.Fatal(err)
	}
	if net.A[0] != X {
		t.Errorf("A[0] is a copy of X, want X itself")
	}

	// The network's own A[1], (3, 3) as X is, goes forward as an input: it
	// is overwritten by that pass, so A[0] must be a copy of it.
	input := net.A[1].Clone()
	ref := net.Clone()
	if _, err := ref.Forward(input); err != nil {
		t.Fatal(err)
	}
	if err := ref.Backward(Y, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Forward(net.A[1]); err != nil {
		t.Fatal(err)
	}
	if net.A[0] == net.A[1] {
		t.Fatalf("A[0] is the network's own A[1]")
	}
	if !matrix.Equal(net.A[0], input) {
		t.Errorf("A[0] = %v, want the input %v", net.A[0], input)
	}
	if err := net.Backward(Y, 0); err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 2; l++ {
		if !matrix.Equal(net.DW[l], ref.DW[l]) {
			t.Errorf("dW[%d] = %v from the network's own matrix, want %v", l, net.DW[l], ref.DW[l])
		}
	}
}
