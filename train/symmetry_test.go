package train_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/train"
)

// TestSymmetricHidden checks which weight patterns make hidden units
// identical: equal incoming rows, biases and outgoing columns, and only
// on layers without dropout.
func TestSymmetricHidden(t *testing.T) {
	tests := []struct {
		name      string
		W1, W2    []float64 // W[1] (3, 2) and W[2] (2, 3)
		b1        []float64
		keep      float64
		wantLayer int
	}{
		{"all zero", []float64{0, 0, 0, 0, 0, 0}, []float64{0, 0, 0, 0, 0, 0}, []float64{0, 0, 0}, 0, 1},
		{"constant", []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, []float64{1, 1, 1, 1, 1, 1}, []float64{0, 0, 0}, 0, 1},
		{"units 0 and 2", []float64{1, 2, 3, 4, 1, 2}, []float64{5, 6, 5, 7, 8, 7}, []float64{0.1, 0.2, 0.1}, 0, 1},
		{"units 0 and 2, -0", []float64{0, 2, 3, 4, -0.0, 2}, []float64{5, 6, 5, 7, 8, 7}, []float64{0.1, 0.2, 0.1}, 0, 1},
		{"same rows, other biases", []float64{1, 2, 3, 4, 1, 2}, []float64{5, 6, 5, 7, 8, 7}, []float64{0.1, 0.2, 0.3}, 0, 0},
		{"same rows, other outgoing", []float64{1, 2, 3, 4, 1, 2}, []float64{5, 6, 5, 7, 8, 9}, []float64{0.1, 0.2, 0.1}, 0, 0},
		{"all zero with dropout", []float64{0, 0, 0, 0, 0, 0}, []float64{0, 0, 0, 0, 0, 0}, []float64{0, 0, 0}, 0.5, 0},
		{"distinct", []float64{1, 2, 3, 4, 5, 6}, []float64{0, 0, 0, 0, 0, 0}, []float64{0, 0, 0}, 0, 0},
	}
	for _, test := range tests {
		net, err := nn.New[float64]([]int{2, 3, 2, 1}, []nn.Activation{nn.Tanh, nn.Tanh, nn.Sigmoid}, nn.BCE)
		if err != nil {
			t.Fatal(err)
		}
		net.W[1] = matrix.New(3, 2, test.W1)
		net.B[1] = matrix.New(3, 1, test.b1)
		net.W[2] = matrix.New(2, 3, test.W2)
		net.W[3] = matrix.New(1, 2, []float64{1, 2}) // layer 2's units differ
		net.B[2] = matrix.New(2, 1, []float64{0, 1})
		net.KeepProb[1] = test.keep
		l, ok := train.SymmetricHidden(net)
		if ok != (test.wantLayer > 0) || l != test.wantLayer {
			t.Errorf("%s: SymmetricHidden = %d, %v; want layer %d", test.name, l, ok, test.wantLayer)
		}
	}
}

// TestSymmetryWarningText checks that Run's warning names the two units
// and that a second hidden layer is found too.
func TestSymmetryWarningText(t *testing.T) {
	net, err := nn.New[float64]([]int{2, 2, 3, 1}, []nn.Activation{nn.Tanh, nn.Tanh, nn.Sigmoid}, nn.BCE)
	if err != nil {
		t.Fatal(err)
	}
	net.W[1] = matrix.New(2, 2, []float64{1, 2, 3, 4})
	net.W[2] = matrix.New(3, 2, []float64{1, 1, 0.5, 0.5, 1, 1})
	net.W[3] = matrix.New(1, 3, []float64{0.3, 0.2, 0.3})
	ds := &data.Dataset[float64]{X: matrix.New(2, 2, []float64{1, 2, 3, 4}), Y: matrix.New(1, 2, []float64{0, 1})}
	var warning error
	cfg := train.Config{Epochs: 1, LearningRate: 0.1, Warn: func(err error) { warning = err }}
	if _, err := train.Run(net, ds, nil, cfg); err != nil {
		t.Fatal(err)
	}
	var sw *train.SymmetryWarning
	if !errors.As(warning, &sw) || sw.Layer != 2 || sw.Unit1 != 0 || sw.Unit2 != 2 || sw.AllSame {
		t.Fatalf("warning %#v, want units 0 and 2 of layer 2", warning)
	}
	if msg := warning.Error(); !strings.Contains(msg, "units 0 and 2 of hidden layer 2 are identical") || !strings.Contains(msg, "initialise the weights randomly") {
		t.Errorf("message %q", msg)
	}
}
