package train_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// metricsEqual reports whether two epochs' metrics have the same bits,
// leaving out the elapsed time.
func metricsEqual(a, b train.Metrics) bool {
	same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	return a.Epoch == b.Epoch && a.Iterations == b.Iterations && same(a.Cost, b.Cost) &&
		same(a.Accuracy, b.Accuracy) && same(a.ValidCost, b.ValidCost) &&
		same(a.ValidAccuracy, b.ValidAccuracy) && same(a.LearningRate, b.LearningRate)
}

// TestStepperMatchesRun trains the same network with Run and with a
// Stepper, one batch at a time, and compares the bits of every weight and
// every epoch's metrics. The configurations cover what carries over from
// one epoch to the next: the optimizer's state, the learning-rate
// schedule, the shuffles and the dropout masks drawn from one source.
func TestStepperMatchesRun(t *testing.T) {
	ds := blobs(103, 3, rand.New(1))
	valid := blobs(40, 3, rand.New(2))
	tests := []struct {
		name     string
		cfg      train.Config
		keepProb float64
		valid    bool
	}{
		{name: "sgd full batch", cfg: train.Config{LearningRate: 0.5}},
		{name: "momentum minibatch", cfg: train.Config{BatchSize: 16, Shuffle: true, LearningRate: 0.1,
			Optimizer: optim.Config{Method: optim.Momentum}}},
		{name: "adam decay l2 dropout", keepProb: 0.8, valid: true, cfg: train.Config{BatchSize: 32, Shuffle: true,
			LearningRate: 0.01, Lambda: 0.1, Optimizer: optim.Config{Method: optim.Adam},
			Schedule: optim.Schedule{Decay: optim.InverseTime, Rate: 0.5, Interval: 1}}},
		{name: "rmsprop no shuffle", cfg: train.Config{BatchSize: 50, LearningRate: 0.01,
			Optimizer: optim.Config{Method: optim.RMSprop}}},
	}
	const epochs = 4
	for i, tt := range tests {
		build := func() *nn.Network[float64] {
			net := newNet(t, []int{2, 8, 6, 3}, []nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, nn.CCE, 3)
			net.KeepProb[1] = 1
			if tt.keepProb > 0 {
				net.KeepProb[1] = tt.keepProb
			}
			return net
		}
		var validSet *data.Dataset[float64]
		if tt.valid {
			validSet = valid
		}

		want := build()
		cfg := tt.cfg
		cfg.Epochs, cfg.Source = epochs, rand.New(7)
		res, err := train.Run(want, ds, validSet, cfg)
		if err != nil {
			t.Fatalf("%d (%s): Run: %v", i, tt.name, err)
		}

		got := build()
		cfg = tt.cfg
		cfg.Source = rand.New(7)
		s, err := train.NewStepper(got, ds, validSet, cfg)
		if err != nil {
			t.Fatalf("%d (%s): NewStepper: %v", i, tt.name, err)
		}
		var steps int
		for s.Epochs() < epochs {
			// Asking for the next batch must not change what is drawn.
			if steps%3 == 0 {
				if _, err := s.NextBatch(); err != nil {
					t.Fatalf("%d (%s): NextBatch: %v", i, tt.name, err)
				}
			}
			b, m, err := s.Step()
			if err != nil {
				t.Fatalf("%d (%s): Step %d: %v", i, tt.name, steps+1, err)
			}
			steps++
			if b.Iteration != steps {
				t.Errorf("%d (%s): step %d reports iteration %d", i, tt.name, steps, b.Iteration)
			}
			if (m != nil) != (b.Index == b.Batches) {
				t.Errorf("%d (%s): step %d, batch %d of %d: metrics %v", i, tt.name, steps, b.Index, b.Batches, m)
			}
		}
		if steps != res.Iterations || s.Iterations() != res.Iterations {
			t.Errorf("%d (%s): %d steps, Iterations %d; Run made %d updates", i, tt.name, steps, s.Iterations(), res.Iterations)
		}
		for k, p := range got.Params() {
			if !equalBits(p.RawData(), want.Params()[k].RawData()) {
				t.Errorf("%d (%s): parameter %s differs from Run's", i, tt.name, got.ParamNames()[k])
			}
		}
		h := s.History()
		if len(h) != len(res.History) {
			t.Fatalf("%d (%s): %d epochs of history, Run has %d", i, tt.name, len(h), len(res.History))
		}
		for e := range h {
			if !metricsEqual(h[e], res.History[e]) {
				t.Errorf("%d (%s): epoch %d metrics %+v, Run's %+v", i, tt.name, e+1, h[e], res.History[e])
			}
		}
	}
}

// TestStepperRunEpoch checks that RunEpoch finishes a partly run epoch and
// then runs whole ones.
func TestStepperRunEpoch(t *testing.T) {
	ds := blobs(50, 2, rand.New(1))
	net := newNet(t, []int{2, 4, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE, 3)
	s, err := train.NewStepper(net, ds, nil, train.Config{BatchSize: 20, Shuffle: true, LearningRate: 0.1, Source: rand.New(1)})
	if err != nil {
		t.Fatal(err)
	}
	if s.Batches() != 3 {
		t.Errorf("Batches() = %d, want 3 for m = 50 in batches of 20", s.Batches())
	}
	idx, err := s.NextBatch()
	if err != nil {
		t.Fatal(err)
	}
	if len(idx) != 20 {
		t.Errorf("first batch has %d examples, want 20", len(idx))
	}
	if _, _, err := s.Step(); err != nil {
		t.Fatal(err)
	}
	m, err := s.RunEpoch()
	if err != nil {
		t.Fatal(err)
	}
	if m.Epoch != 1 || m.Iterations != 3 {
		t.Errorf("after finishing epoch 1: epoch %d, %d iterations; want 1 and 3", m.Epoch, m.Iterations)
	}
	idx, err = s.NextBatch()
	if err != nil {
		t.Fatal(err)
	}
	if len(idx) != 20 {
		t.Errorf("epoch 2's first batch has %d examples, want 20", len(idx))
	}
	if m, err = s.RunEpoch(); err != nil || m.Epoch != 2 || m.Iterations != 6 {
		t.Errorf("RunEpoch = epoch %d, %d iterations, %v; want epoch 2, 6 iterations", m.Epoch, m.Iterations, err)
	}
}

// TestStepperDivergedSticks trains with a learning rate that makes the
// cost overflow: the Stepper must return a *DivergedError, keep finite
// weights, and return the same error on every later call.
func TestStepperDivergedSticks(t *testing.T) {
	ds := blobs(40, 2, rand.New(1))
	ds.Y.Apply(func(v float64) float64 { return 1e3 * v }, ds.Y)
	ds.Labels, ds.Classes = nil, 0
	net := newNet(t, []int{2, 3, 1}, []nn.Activation{nn.ReLU, nn.Linear}, nn.MSE, 3)
	s, err := train.NewStepper(net, ds, nil, train.Config{LearningRate: 50})
	if err != nil {
		t.Fatal(err)
	}
	var first error
	for k := 0; k < 1000 && first == nil; k++ {
		_, _, first = s.Step()
	}
	var de *train.DivergedError
	if !errors.As(first, &de) {
		t.Fatalf("Step returned %v, want a *DivergedError", first)
	}
	for _, p := range net.Params() {
		for _, v := range p.RawData() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("weights hold %v after divergence", v)
			}
		}
	}
	iterations := s.Iterations()
	if _, _, err := s.Step(); err != first {
		t.Errorf("Step after divergence returned %v, want the first error", err)
	}
	if _, err := s.NextBatch(); err != first {
		t.Errorf("NextBatch after divergence returned %v, want the first error", err)
	}
	if s.Iterations() != iterations || s.Err() != first {
		t.Errorf("after divergence: %d iterations (want %d), Err %v", s.Iterations(), iterations, s.Err())
	}
}

func TestStepperRejectsPatience(t *testing.T) {
	ds := blobs(20, 2, rand.New(1))
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 3)
	_, err := train.NewStepper(net, ds, ds, train.Config{LearningRate: 0.1, Patience: 2})
	if err == nil || !strings.Contains(err.Error(), "patience 2") {
		t.Errorf("NewStepper with patience returned %v, want an error naming it", err)
	}
	_, err = train.NewStepper(net, ds, nil, train.Config{LearningRate: -1})
	if err == nil || !strings.Contains(err.Error(), "learning rate") {
		t.Errorf("NewStepper with a negative learning rate returned %v, want Run's error", err)
	}
}
