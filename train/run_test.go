package train_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// blobs returns m examples of k classes in 2-D: class c is a unit-variance
// cloud around (3·cos(2πc/k), 3·sin(2πc/k)). Y is one-hot for k > 2 and a
// 0/1 row for k = 2.
func blobs(m, k int, src *rand.PCG) *data.Dataset[float64] {
	rows := k
	if k == 2 {
		rows = 1
	}
	X := matrix.New[float64](2, m, nil)
	Y := matrix.New[float64](rows, m, nil)
	labels := make([]int, m)
	for j := range m {
		c := src.Intn(k)
		angle := 2 * math.Pi * float64(c) / float64(k)
		X.Set(0, j, 3*math.Cos(angle)+src.NormFloat64())
		X.Set(1, j, 3*math.Sin(angle)+src.NormFloat64())
		labels[j] = c
		if k == 2 {
			Y.Set(0, j, float64(c))
		} else {
			Y.Set(c, j, 1)
		}
	}
	return &data.Dataset[float64]{X: X, Y: Y, Labels: labels, Classes: k}
}

// newNet returns a network with Xavier weights drawn from seed.
func newNet(t *testing.T, sizes []int, acts []nn.Activation, loss nn.Loss, seed uint64) *nn.Network[float64] {
	t.Helper()
	net, err := nn.New[float64](sizes, acts, loss)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Xavier, 0, rand.New(seed)); err != nil {
		t.Fatal(err)
	}
	return net
}

func cloneParams(net *nn.Network[float64]) []*matrix.Dense[float64] {
	var ps []*matrix.Dense[float64]
	for _, p := range net.Params() {
		ps = append(ps, p.Clone())
	}
	return ps
}

func paramsEqual(net *nn.Network[float64], ps []*matrix.Dense[float64]) bool {
	for i, p := range net.Params() {
		if !equalBits(p.RawData(), ps[i].RawData()) {
			return false
		}
	}
	return true
}

// TestRunDeterministic trains twice with the same seed, with shuffling,
// dropout, L2 and Adam, and compares the bits of every weight. A third run
// with another seed must differ.
func TestRunDeterministic(t *testing.T) {
	ds := blobs(100, 3, rand.New(1))
	run := func(seed uint64) *nn.Network[float64] {
		net := newNet(t, []int{2, 8, 6, 3}, []nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, nn.CCE, 3)
		net.KeepProb[1] = 0.8
		cfg := train.Config{
			Epochs: 4, BatchSize: 16, Shuffle: true, LearningRate: 0.01, Lambda: 0.01,
			Optimizer: optim.Config{Method: optim.Adam}, Source: rand.New(seed),
		}
		if _, err := train.Run(net, ds, nil, cfg); err != nil {
			t.Fatal(err)
		}
		return net
	}
	a, b, c := run(42), run(42), run(43)
	for l := 1; l <= a.Layers(); l++ {
		if !equalBits(a.W[l].RawData(), b.W[l].RawData()) || !equalBits(a.B[l].RawData(), b.B[l].RawData()) {
			t.Errorf("layer %d: weights differ between two runs with seed 42", l)
		}
	}
	if paramsEqual(a, cloneParams(c)) {
		t.Errorf("runs with seeds 42 and 43 gave the same weights")
	}
}

// earlyStopData returns a separable 1-D training set, on which logistic
// regression's weight grows without bound, and a validation set with two
// mislabelled points, whose cost falls while the weight is small and then
// rises as the model grows overconfident.
func earlyStopData() (trainSet, validSet *data.Dataset[float64]) {
	trainSet = &data.Dataset[float64]{
		X: matrix.New(1, 4, []float64{-2, -1, 1, 2}),
		Y: matrix.New(1, 4, []float64{0, 0, 1, 1}),
	}
	validSet = &data.Dataset[float64]{
		X: matrix.New(1, 5, []float64{-1, 1, 0.5, -0.5, 2}),
		Y: matrix.New(1, 5, []float64{0, 1, 0, 1, 1}),
	}
	return trainSet, validSet
}

// TestEarlyStoppingRestoresBest checks that Run stops Patience epochs
// after the lowest validation cost and leaves the network with that
// epoch's weights, both when it stops early and when the last epoch comes
// first.
func TestEarlyStoppingRestoresBest(t *testing.T) {
	trainSet, validSet := earlyStopData()
	const patience = 3
	for _, epochs := range []int{500, 0} {
		net := newNet(t, []int{1, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
		snapshots := map[int][]*matrix.Dense[float64]{}
		cfg := train.Config{Epochs: epochs, LearningRate: 1, Patience: patience}
		if epochs == 0 {
			// Run again, ending two epochs after the best one, before the
			// patience runs out. The best epoch is known from the first run.
			cfg.Epochs = bestEpochOf(t, trainSet, validSet) + 2
		}
		cfg.OnEpoch = func(m train.Metrics) error {
			snapshots[m.Epoch] = cloneParams(net)
			return nil
		}
		res, err := train.Run(net, trainSet, validSet, cfg)
		if err != nil {
			t.Fatal(err)
		}
		best := 0
		for i, m := range res.History {
			if best == 0 || m.ValidCost < res.History[best-1].ValidCost {
				best = i + 1
			}
		}
		if best < 2 || best >= len(res.History) {
			t.Fatalf("best epoch %d of %d; the data should make the validation cost fall, then rise", best, len(res.History))
		}
		if res.BestEpoch != best || res.BestValidCost != res.History[best-1].ValidCost {
			t.Errorf("best epoch %d (cost %v), want %d (cost %v)", res.BestEpoch, res.BestValidCost, best, res.History[best-1].ValidCost)
		}
		wantReason, wantEpochs := train.EarlyStopped, best+patience
		if epochs == 0 {
			wantReason, wantEpochs = train.Completed, cfg.Epochs
		}
		if res.Reason != wantReason || res.Epochs != wantEpochs {
			t.Errorf("ended %s after %d epochs, want %s after %d", res.Reason, res.Epochs, wantReason, wantEpochs)
		}
		if !paramsEqual(net, snapshots[best]) {
			t.Errorf("weights at the end are not those of best epoch %d", best)
		}
		if paramsEqual(net, snapshots[res.Epochs]) {
			t.Errorf("weights at the end equal those of the last epoch %d", res.Epochs)
		}
	}
}

func bestEpochOf(t *testing.T, trainSet, validSet *data.Dataset[float64]) int {
	net := newNet(t, []int{1, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	res, err := train.Run(net, trainSet, validSet, train.Config{Epochs: 500, LearningRate: 1, Patience: 3})
	if err != nil {
		t.Fatal(err)
	}
	return res.BestEpoch
}

// TestDropoutInTrainingOnly checks that dropout changes training, that
// the masks drop units, and that Evaluate ignores dropout.
func TestDropoutInTrainingOnly(t *testing.T) {
	ds := blobs(60, 2, rand.New(5))
	acts := []nn.Activation{nn.ReLU, nn.Sigmoid}
	run := func(keep float64) *nn.Network[float64] {
		net := newNet(t, []int{2, 10, 1}, acts, nn.BCE, 7)
		net.KeepProb[1] = keep
		dropped := 0
		cfg := train.Config{Epochs: 3, BatchSize: 20, Shuffle: true, LearningRate: 0.1, Source: rand.New(9)}
		cfg.OnBatch = func(b train.Batch) error {
			for _, v := range net.D[1].RawData() {
				if v == 0 {
					dropped++
				} else if v != 1 {
					t.Fatalf("mask value %v, want 0 or 1", v)
				}
			}
			return nil
		}
		if _, err := train.Run(net, ds, nil, cfg); err != nil {
			t.Fatal(err)
		}
		if keep < 1 && dropped == 0 {
			t.Errorf("keep probability %v: no unit was dropped", keep)
		}
		return net
	}
	withDropout, without := run(0.5), run(1)
	if paramsEqual(withDropout, cloneParams(without)) {
		t.Errorf("training with keep probability 0.5 gave the weights of training without dropout")
	}

	cost1, acc1, err := train.Evaluate(withDropout, ds)
	if err != nil {
		t.Fatal(err)
	}
	cost2, acc2, err := train.Evaluate(withDropout, ds)
	if err != nil {
		t.Fatal(err)
	}
	if cost1 != cost2 || acc1 != acc2 {
		t.Errorf("two evaluations differ: %v, %v and %v, %v", cost1, acc1, cost2, acc2)
	}
	plain := withDropout.Clone()
	plain.KeepProb[1] = 0
	if _, err := plain.Forward(ds.X); err != nil {
		t.Fatal(err)
	}
	want, err := plain.Cost(ds.Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if cost1 != want {
		t.Errorf("Evaluate cost %v, want %v from a forward pass without dropout", cost1, want)
	}
}

// TestLearnsXOR trains a 2-8-1 network on noisy XOR and expects every
// training example classified correctly within 300 epochs. The epoch
// callback stops training as soon as that happens.
func TestLearnsXOR(t *testing.T) {
	src := rand.New(11)
	const m = 80
	X := matrix.New[float64](2, m, nil)
	Y := matrix.New[float64](1, m, nil)
	labels := make([]int, m)
	for j := range m {
		a, b := j%2, (j/2)%2
		X.Set(0, j, float64(2*a-1)+0.1*src.NormFloat64())
		X.Set(1, j, float64(2*b-1)+0.1*src.NormFloat64())
		labels[j] = a ^ b
		Y.Set(0, j, float64(a^b))
	}
	ds := &data.Dataset[float64]{X: X, Y: Y, Labels: labels, Classes: 2}

	net := newNet(t, []int{2, 8, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE, 4)
	cfg := train.Config{
		Epochs: 300, BatchSize: 16, Shuffle: true, LearningRate: 0.05,
		Optimizer: optim.Config{Method: optim.Adam}, Source: rand.New(12),
		OnEpoch: func(m train.Metrics) error {
			if m.Accuracy == 1 {
				return train.ErrStop
			}
			return nil
		},
	}
	res, err := train.Run(net, ds, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}

	if res.Reason != train.Requested {
		t.Fatalf("ended %s after %d epochs with accuracy %v; want 100%% accuracy before epoch 300",
			res.Reason, res.Epochs, res.History[len(res.History)-1].Accuracy)
	}
	if _, acc, err := train.Evaluate(net, ds); err != nil || acc != 1 {
		t.Errorf("Evaluate accuracy %v, %v; want 1", acc, err)
	}
}

// TestFullBatchIsGradientDescent checks that batch sizes 0, m and more
// than m all run plain gradient descent, step for step equal to Forward,
// Cost, Backward and Update done by hand, with L2, and that shuffling a
// single batch draws nothing.
func TestFullBatchIsGradientDescent(t *testing.T) {
	ds := blobs(10, 3, rand.New(2))
	ds.X.Set(0, 0, 5) // an outlier, so L2 and the steps matter
	const (
		alpha  = 0.3
		lambda = 0.1
		epochs = 4
	)
	acts := []nn.Activation{nn.Tanh, nn.Softmax}
	hand := newNet(t, []int{2, 5, 3}, acts, nn.CCE, 8)
	var handCosts []float64
	for range epochs {
		if _, err := hand.Forward(ds.X); err != nil {
			t.Fatal(err)
		}
		J, err := hand.Cost(ds.Y, lambda)
		if err != nil {
			t.Fatal(err)
		}
		handCosts = append(handCosts, J)
		if err := hand.Backward(ds.Y, lambda); err != nil {
			t.Fatal(err)
		}
		hand.Update(alpha)
	}

	tol := 1e-14
	for _, batch := range []int{0, 10, 25} {
		net := newNet(t, []int{2, 5, 3}, acts, nn.CCE, 8)
		src := rand.New(1)
		cfg := train.Config{Epochs: epochs, BatchSize: batch, Shuffle: true, LearningRate: alpha, Lambda: lambda, Source: src}
		res, err := train.Run(net, ds, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if res.Iterations != epochs {
			t.Errorf("batch size %d: %d iterations, want %d", batch, res.Iterations, epochs)
		}
		for i, m := range res.History {
			if math.Abs(m.Cost-handCosts[i]) > tol*math.Abs(handCosts[i]) {
				t.Errorf("batch size %d, epoch %d: cost %.17g, want %.17g", batch, i+1, m.Cost, handCosts[i])
			}
		}
		for i, p := range net.Params() {
			for k, v := range p.RawData() {
				w := hand.Params()[i].RawData()[k]
				if math.Abs(v-w) > tol*math.Max(1, math.Abs(w)) {
					t.Errorf("batch size %d: %s[%d] = %.17g, want %.17g", batch, net.ParamNames()[i], k, v, w)
				}
			}
		}
		if fresh := rand.New(1); src.Float64() != fresh.Float64() {
			t.Errorf("batch size %d: the full-batch run drew random numbers", batch)
		}
	}
}

// TestCallbacksStop checks ErrStop from the batch callback, and another
// error from the epoch callback.
func TestCallbacksStop(t *testing.T) {
	ds := blobs(10, 2, rand.New(3))
	acts := []nn.Activation{nn.Sigmoid}

	net := newNet(t, []int{2, 1}, acts, nn.BCE, 1)
	cfg := train.Config{Epochs: 5, BatchSize: 2, LearningRate: 0.1}
	cfg.OnBatch = func(b train.Batch) error {
		if b.Iteration == 3 {
			return train.ErrStop
		}
		return nil
	}
	res, err := train.Run(net, ds, nil, cfg)
	if err != nil {
		t.Fatalf("ErrStop from the batch callback: error %v, want nil", err)
	}
	if res.Reason != train.Requested || res.Iterations != 3 || res.Epochs != 0 || len(res.History) != 0 {
		t.Errorf("result %+v, want requested after 3 iterations and no complete epoch", res)
	}

	errDisk := errors.New("disk full")
	net = newNet(t, []int{2, 1}, acts, nn.BCE, 1)
	cfg = train.Config{Epochs: 5, LearningRate: 0.1}
	cfg.OnEpoch = func(m train.Metrics) error {
		if m.Epoch == 2 {
			return errDisk
		}
		return nil
	}
	res, err = train.Run(net, ds, nil, cfg)
	if !errors.Is(err, errDisk) {
		t.Fatalf("error %v, want the callback's", err)
	}
	if res.Reason != train.Failed || res.Epochs != 2 || len(res.History) != 2 {
		t.Errorf("result %+v, want failed after 2 epochs", res)
	}
}

// TestMetrics checks the epoch cost's weighting over a smaller last batch,
// the learning rate of each epoch under inverse-time decay, and the
// validation fields.
func TestMetrics(t *testing.T) {
	ds := blobs(7, 2, rand.New(4))
	valid := blobs(5, 2, rand.New(5))
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	var batchCosts []float64
	var sizes []int
	cfg := train.Config{
		Epochs: 3, BatchSize: 3, LearningRate: 0.6, Lambda: 0.5,
		Schedule: optim.Schedule{Decay: optim.InverseTime, Rate: 1},
		OnBatch: func(b train.Batch) error {
			batchCosts = append(batchCosts, b.Cost)
			sizes = append(sizes, b.Size)
			return nil
		},
	}
	res, err := train.Run(net, ds, valid, cfg)
	if err != nil {
		t.Fatal(err)
	}

	if want := []int{3, 3, 1, 3, 3, 1, 3, 3, 1}; !slices.Equal(sizes, want) {
		t.Fatalf("batch sizes %v, want %v", sizes, want)
	}
	for e, m := range res.History {
		var want float64
		for b := range 3 {
			want += float64(sizes[3*e+b]) * batchCosts[3*e+b]
		}
		want /= 7
		if math.Abs(m.Cost-want) > 1e-15 {
			t.Errorf("epoch %d: cost %v, want Σ m_b·J_b / m = %v", e+1, m.Cost, want)
		}
		if wantRate := 0.6 / float64(1+e); math.Abs(m.LearningRate-wantRate) > 1e-16 {
			t.Errorf("epoch %d: learning rate %v, want %v", e+1, m.LearningRate, wantRate)
		}
		if m.Epoch != e+1 || m.Iterations != 3*(e+1) {
			t.Errorf("epoch %d: metrics for epoch %d after %d iterations", e+1, m.Epoch, m.Iterations)
		}
		if math.IsNaN(m.Accuracy) || math.IsNaN(m.ValidCost) || math.IsNaN(m.ValidAccuracy) {
			t.Errorf("epoch %d: NaN metrics %+v", e+1, m)
		}
	}

	last := res.History[len(res.History)-1]
	cost, acc, err := train.Evaluate(net, valid)
	if err != nil || cost != last.ValidCost || acc != last.ValidAccuracy {
		t.Errorf("validation metrics %v, %v; Evaluate gives %v, %v, %v", last.ValidCost, last.ValidAccuracy, cost, acc, err)
	}
}

// reverseSource returns the examples in reverse order as every epoch's
// permutation, and returns bad when set.
type reverseSource struct{ bad []int }

func (s reverseSource) Float64() float64 { return 0.5 }

func (s reverseSource) Perm(n int) []int {
	if s.bad != nil {
		return s.bad
	}
	p := make([]int, n)
	for i := range p {
		p[i] = n - 1 - i
	}
	return p
}

// TestShuffleUsesPerm checks that each batch holds the examples of the
// source's permutation, in order, and that a broken permutation is an
// error.
func TestShuffleUsesPerm(t *testing.T) {
	ds := blobs(7, 2, rand.New(6))
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	cfg := train.Config{Epochs: 1, BatchSize: 3, Shuffle: true, LearningRate: 0.1, Source: reverseSource{}}
	cfg.OnBatch = func(b train.Batch) error {
		for k := range b.Size {
			j := 6 - (3*(b.Index-1) + k)
			if net.A[0].At(0, k) != ds.X.At(0, j) || net.A[0].At(1, k) != ds.X.At(1, j) {
				t.Errorf("batch %d, column %d is not example %d", b.Index, k, j)
			}
		}
		return nil
	}
	if _, err := train.Run(net, ds, nil, cfg); err != nil {
		t.Fatal(err)
	}

	cfg = train.Config{Epochs: 1, BatchSize: 3, Shuffle: true, LearningRate: 0.1, Source: reverseSource{bad: []int{0, 1, 2, 3, 4, 5, 7}}}
	if _, err := train.Run(net, ds, nil, cfg); err == nil || !strings.Contains(err.Error(), "Perm(7) returned 7") {
		t.Errorf("permutation with 7 for m = 7: error %v", err)
	}
}

// TestRunSoftTargetsAgree checks that soft targets of a sigmoid unit
// pass the check of labels against Y when each lies on its label's side
// of 0.5, and that one on the other side is named.
func TestRunSoftTargetsAgree(t *testing.T) {
	ds := blobs(8, 2, rand.New(8))
	y := ds.Y.RawData()
	for j := range y {
		y[j] = 0.1 + 0.8*y[j]
	}
	cfg := train.Config{Epochs: 1, LearningRate: 0.1}
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	if _, err := train.Run(net, ds, nil, cfg); err != nil {
		t.Fatalf("soft targets on their labels' side: %v", err)
	}
	y[5] = 1 - y[5]
	_, err := train.Run(net, ds, nil, cfg)
	want := fmt.Sprintf("label %d of example 5 (counted from 0) in the training set disagrees with Y, whose column gives class %d", ds.Labels[5], 1-ds.Labels[5])
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("target of example 5 flipped: error %v, want one containing %q", err, want)
	}
}

// TestRunRejectsInvalidInput checks that Run trains nothing and names the
// fault for bad data, networks and settings.
func TestRunRejectsInvalidInput(t *testing.T) {
	good := func() *data.Dataset[float64] { return blobs(6, 3, rand.New(7)) }
	ok := train.Config{Epochs: 1, LearningRate: 0.1}
	tests := []struct {
		name   string
		change func(ds, valid *data.Dataset[float64], cfg *train.Config, net *nn.Network[float64])
		want   string
	}{
		{"features", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.X = matrix.New[float64](3, 6, nil)
		}, "training set has 3 features (rows of X) but the network takes n[0] = 2 inputs"},
		{"transposed X", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.X = matrix.New[float64](6, 2, nil)
			ds.Y = matrix.New[float64](3, 2, nil)
			ds.Labels = nil
		}, "X looks transposed"},
		{"Y rows", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.Y = matrix.New[float64](1, 6, nil)
		}, "Y has 1 rows but the network has n[L] = 3 output units; one-hot encode"},
		{"NaN in X", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.X.Set(1, 4, math.NaN())
		}, "invalid value NaN in the training set's X at feature 1 of example 4"},
		{"Inf in Y", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.Y.Set(2, 3, math.Inf(1))
		}, "invalid value +Inf in the training set's Y at row 2 of example 3"},
		{"label", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.Labels[2] = 3
		}, "label 3 of example 2 (counted from 0) in the training set is outside the valid classes 0 … 2"},
		{"label disagrees with Y", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.Labels[4] = (ds.Labels[4] + 1) % 3
		}, "of example 4 (counted from 0) in the training set disagrees with Y"},
		{"target", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.Y.Set(0, 1, 2)
		}, "target 2 at row 0 of example 1 (counted from 0) in the training set is outside [0, 1], which loss cce needs"},
		{"no examples", func(ds, _ *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			ds.X = matrix.New[float64](2, 0, nil)
			ds.Y = matrix.New[float64](3, 0, nil)
			ds.Labels = nil
		}, "no examples"},
		{"validation features", func(_, valid *data.Dataset[float64], _ *train.Config, _ *nn.Network[float64]) {
			valid.X = matrix.New[float64](1, 6, nil)
		}, "validation set has 1 features"},
		{"epochs", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.Epochs = 0
		}, "epochs = 0"},
		{"learning rate", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.LearningRate = 0
		}, "learning rate 0"},
		{"lambda", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.Lambda = -1
		}, "λ = -1"},
		{"batch size", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.BatchSize = -4
		}, "batch size -4"},
		{"patience without validation", func(_, valid *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.Patience = 2
			*valid = data.Dataset[float64]{} // marks "no validation set" for the loop below
		}, "early stopping (patience 2) needs a validation set"},
		{"shuffle without source", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.Shuffle, cfg.BatchSize = true, 2
		}, "shuffling needs a random source"},
		{"dropout without source", func(_, _ *data.Dataset[float64], _ *train.Config, net *nn.Network[float64]) {
			net.KeepProb[1] = 0.5
		}, "dropout needs a random source"},
		{"optimizer", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.Optimizer = optim.Config{Method: optim.Momentum, Beta: 2}
		}, "momentum beta = 2"},
		{"schedule", func(_, _ *data.Dataset[float64], cfg *train.Config, _ *nn.Network[float64]) {
			cfg.Schedule = optim.Schedule{Decay: optim.Exponential, Rate: 2}
		}, "exponential decay rate 2"},
	}
	for _, test := range tests {
		ds, valid, cfg := good(), good(), ok
		net := newNet(t, []int{2, 4, 3}, []nn.Activation{nn.Tanh, nn.Softmax}, nn.CCE, 1)
		test.change(ds, valid, &cfg, net)
		if valid.X == nil {
			valid = nil
		}
		before := cloneParams(net)
		res, err := train.Run(net, ds, valid, cfg)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s: error %v, want one containing %q", test.name, err, test.want)
		}
		if res != nil {
			t.Errorf("%s: non-nil result with the error", test.name)
		}
		if !paramsEqual(net, before) {
			t.Errorf("%s: weights changed although Run failed", test.name)
		}
	}

	if _, err := train.Run(newNet(t, []int{2, 3}, []nn.Activation{nn.Softmax}, nn.CCE, 1), nil, nil, ok); err == nil {
		t.Errorf("nil training set: no error")
	}
}

// TestBinaryLabels checks that one sigmoid output accepts labels 0 and 1
// and rejects 2, the fault of the label-validation-02 case.
func TestBinaryLabels(t *testing.T) {
	ds := blobs(6, 2, rand.New(8))
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	cfg := train.Config{Epochs: 1, LearningRate: 0.1}
	if _, err := train.Run(net, ds, nil, cfg); err != nil {
		t.Fatal(err)
	}
	ds.Labels[1] = 2
	_, err := train.Run(net, ds, nil, cfg)
	if err == nil || !strings.Contains(err.Error(), "label 2 of example 1") || !strings.Contains(err.Error(), "0 … 1") {
		t.Errorf("label 2 for one sigmoid unit: error %v", err)
	}
}
