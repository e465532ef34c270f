package train

import (
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
)

// stepSetup returns a 4-16-8-3 network with dropout on layer 1 and a
// labelled training set of m examples.
func stepSetup[T matrix.Float](t *testing.T, m int) (*nn.Network[T], *data.Dataset[T]) {
	t.Helper()
	net, err := nn.New[T]([]int{4, 16, 8, 3}, []nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(1)
	if err := net.Init(nn.He, 0, src); err != nil {
		t.Fatal(err)
	}
	net.KeepProb[1] = 0.8
	return net, labelledSet[T](src, src.NormFloat64, 4, 3, m)
}

// labelledSet returns m examples of n features drawn by draw, with one-hot
// targets of labels drawn uniformly from src among the classes.
func labelledSet[T matrix.Float](src *rand.PCG, draw func() float64, n, classes, m int) *data.Dataset[T] {
	X := matrix.New[T](n, m, nil)
	for k := range X.RawData() {
		X.RawData()[k] = T(draw())
	}
	Y := matrix.New[T](classes, m, nil)
	labels := make([]int, m)
	for j := range labels {
		labels[j] = src.Intn(classes)
		Y.Set(labels[j], j, 1)
	}
	return &data.Dataset[T]{X: X, Y: Y, Labels: labels, Classes: classes}
}

func TestStepAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	t.Run("float32", func(t *testing.T) { testStepAllocs[float32](t) })
	t.Run("float64", func(t *testing.T) { testStepAllocs[float64](t) })
}

// testStepAllocs checks that a training step with shuffled mini-batches,
// dropout, L2 and Adam allocates nothing after its first call, for a full
// batch, a mini-batch, and a smaller last batch after a larger one.
func testStepAllocs[T matrix.Float](t *testing.T) {
	net, ds := stepSetup[T](t, 100)
	cfg := Config{
		Epochs: 1, BatchSize: 32, Shuffle: true, LearningRate: 1e-3, Lambda: 0.01,
		Optimizer: optim.Config{Method: optim.Adam}, Source: rand.New(2),
	}
	lp, err := newLoop(net, ds, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	lp.alpha = cfg.LearningRate
	if err := lp.drawOrder(); err != nil {
		t.Fatal(err)
	}
	batches := map[string][]int{"mini-batch": lp.order[:32], "last batch": lp.order[96:]}
	for _, name := range []string{"mini-batch", "last batch"} {
		idx := batches[name]
		if _, _, err := lp.step(lp.order[:32]); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, _, err := lp.step(idx); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s of %d: %v allocations per step, want 0", name, len(idx), allocs)
		}
	}

	full, err := newLoop(net, ds, nil, Config{Epochs: 1, LearningRate: 1e-3, Source: rand.New(3), Optimizer: optim.Config{Method: optim.Momentum}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := full.step(full.order); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, _, err := full.step(full.order); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("full batch: %v allocations per step, want 0", allocs)
	}
}

// TestDrawMasksMatchesNN checks that the loop's allocation-free masks are
// the ones nn.Network.DropoutMasks draws from the same source.
func TestDrawMasksMatchesNN(t *testing.T) {
	net, ds := stepSetup[float64](t, 10)
	net.KeepProb[2] = 0.6
	lp, err := newLoop(net, ds, nil, Config{Epochs: 1, LearningRate: 1, Source: rand.New(5)})
	if err != nil {
		t.Fatal(err)
	}
	lp.drawMasks(7)
	got := []*matrix.Dense[float64]{nil, net.D[1].Clone(), net.D[2].Clone()}

	other := net.Clone()
	want := other.DropoutMasks(7, rand.New(5).Float64)
	for l := 1; l <= 2; l++ {
		if !matrix.Equal(got[l], want[l]) {
			t.Errorf("mask of layer %d differs from nn.DropoutMasks:\n%v\nwant\n%v", l, got[l], want[l])
		}
	}
	if lp.masks[1] == nil || lp.masks[2] == nil || len(lp.masks) != net.Layers() {
		t.Errorf("masks %v, want one for each of layers 1 and 2", lp.masks)
	}
}

// TestCountCorrectMatchesClasses checks countCorrect against nn.Classes,
// including ties and the 0.5 threshold of a single output.
func TestCountCorrectMatchesClasses(t *testing.T) {
	tests := []*matrix.Dense[float64]{
		matrix.New(1, 5, []float64{0.5, 0.50001, 0.2, 0.9, 0}),
		matrix.New(3, 4, []float64{
			0.2, 0.5, 0.4, 0.1,
			0.4, 0.5, 0.4, 0.1,
			0.4, 0.0, 0.2, 0.8,
		}),
	}
	for i, A := range tests {
		classes := nn.Classes(A)
		rows := max(A.Rows(), 2)
		for shift := range rows {
			labels := make([]int, len(classes))
			want := 0
			for j, c := range classes {
				labels[j] = (j + shift) % rows
				if labels[j] == c {
					want++
				}
			}
			if got := countCorrect(A, labels, nil); got != want {
				t.Errorf("%d, shift %d: %d correct, want %d", i, shift, got, want)
			}
			idx := make([]int, len(labels))
			perm := make([]int, len(labels))
			for j := range idx {
				idx[j] = len(labels) - 1 - j
				perm[idx[j]] = labels[j]
			}
			if got := countCorrect(A, perm, idx); got != want {
				t.Errorf("%d, shift %d, through idx: %d correct, want %d", i, shift, got, want)
			}
		}
	}
}
