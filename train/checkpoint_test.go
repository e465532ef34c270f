package train_test

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// resumeCase is a run that is interrupted and resumed.
type resumeCase struct {
	name     string
	sizes    []int
	acts     []nn.Activation
	loss     nn.Loss
	keepProb float64 // of the hidden layers
	valid    bool    // hold out a validation set
	numpy    bool    // draw from rand.NewNumPy instead of rand.New
	cfg      train.Config
	every    int // CheckpointEvery
	stopAt   int // OnEpoch stops the interrupted run after this epoch
	// extend, when set, makes the interrupted run a complete run of stopAt
	// epochs, whose last checkpoint Resume extends to cfg.Epochs.
	extend bool
}

var resumeCases = []resumeCase{
	{
		name: "adam/shuffle/dropout/L2", sizes: []int{2, 8, 6, 3}, acts: []nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, loss: nn.CCE,
		keepProb: 0.8,
		cfg: train.Config{Epochs: 6, BatchSize: 16, Shuffle: true, LearningRate: 0.01, Lambda: 0.01,
			Optimizer: optim.Config{Method: optim.Adam}},
		every: 2, stopAt: 4,
	},
	{
		name: "momentum/full batch/decay", sizes: []int{2, 5, 1}, acts: []nn.Activation{nn.Tanh, nn.Sigmoid}, loss: nn.BCE,
		cfg: train.Config{Epochs: 5, LearningRate: 0.5,
			Optimizer: optim.Config{Method: optim.Momentum},
			Schedule:  optim.Schedule{Decay: optim.InverseTime, Rate: 0.3, Interval: 1}},
		every: 1, stopAt: 3,
	},
	{
		name: "rmsprop/validation/patience", sizes: []int{2, 6, 3}, acts: []nn.Activation{nn.LeakyReLU, nn.Softmax}, loss: nn.CCE,
		valid: true,
		cfg: train.Config{Epochs: 8, BatchSize: 10, Shuffle: true, LearningRate: 0.02, Patience: 3,
			Optimizer: optim.Config{Method: optim.RMSprop}},
		every: 3, stopAt: 3,
	},
	{
		name: "sgd/numpy source/stop between checkpoints", sizes: []int{2, 4, 3}, acts: []nn.Activation{nn.Sigmoid, nn.Softmax}, loss: nn.CCE,
		keepProb: 0.9, numpy: true,
		cfg:   train.Config{Epochs: 7, BatchSize: 32, Shuffle: true, LearningRate: 0.3},
		every: 2, stopAt: 5,
	},
	{
		name: "adam/extend a finished run", sizes: []int{2, 6, 3}, acts: []nn.Activation{nn.ReLU, nn.Softmax}, loss: nn.CCE,
		valid: true,
		cfg: train.Config{Epochs: 9, BatchSize: 20, Shuffle: true, LearningRate: 0.01, Patience: 100,
			Optimizer: optim.Config{Method: optim.Adam}},
		every: 100, stopAt: 4, extend: true,
	},
}

// convertSet returns ds in precision T.
func convertSet[T matrix.Float](ds *data.Dataset[float64]) *data.Dataset[T] {
	if ds == nil {
		return nil
	}
	out := *ds
	return &data.Dataset[T]{
		X: matrix.Convert[T](ds.X), Y: matrix.Convert[T](ds.Y),
		Labels: out.Labels, Classes: out.Classes,
	}
}

// sets returns the case's training and validation sets.
func (c *resumeCase) sets() (trainSet, validSet *data.Dataset[float64]) {
	k := c.sizes[len(c.sizes)-1]
	if k == 1 {
		k = 2
	}
	trainSet = blobs(90, k, rand.New(5))
	if c.valid {
		validSet = blobs(40, k, rand.New(6))
	}
	return trainSet, validSet
}

// buildNet returns the case's network initialised from seed.
func buildNet[T matrix.Float](t *testing.T, c *resumeCase, seed uint64) *nn.Network[T] {
	t.Helper()
	net, err := nn.New[T](c.sizes, c.acts, c.loss)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Xavier, 0, rand.New(seed)); err != nil {
		t.Fatal(err)
	}
	for l := 1; l < net.Layers(); l++ {
		net.KeepProb[l] = c.keepProb
	}
	return net
}

// source returns the case's random source seeded with seed.
func (c *resumeCase) source(seed uint64) train.Source {
	if c.numpy {
		return rand.NewNumPy(uint32(seed))
	}
	return rand.New(seed)
}

// TestResumeBitIdentical interrupts each run after an epoch, writes its
// last checkpoint to a file, reads it back and resumes it on a network
// initialised differently and a source seeded differently. The weights,
// the history and the result must equal those of the uninterrupted run
// bit for bit.
func TestResumeBitIdentical(t *testing.T) {
	for _, c := range resumeCases {
		t.Run(c.name+"/float64", func(t *testing.T) { testResume[float64](t, &c) })
		t.Run(c.name+"/float32", func(t *testing.T) { testResume[float32](t, &c) })
	}
}

func testResume[T matrix.Float](t *testing.T, c *resumeCase) {
	train64, valid64 := c.sets()
	trainSet, validSet := convertSet[T](train64), convertSet[T](valid64)

	// The uninterrupted run.
	ref := buildNet[T](t, c, 3)
	cfg := c.cfg
	cfg.Source = c.source(42)
	want, err := train.Run(ref, trainSet, validSet, cfg)
	if err != nil {
		t.Fatal(err)
	}

	// The interrupted run, saving checkpoints to a file.
	path := filepath.Join(t.TempDir(), "run.ckpt")
	cfg = c.cfg
	cfg.Source = c.source(42)
	cfg.CheckpointEvery = c.every
	var saved []int
	cfg.Checkpoint = func(ck *train.Checkpoint) error {
		saved = append(saved, ck.Epoch)
		return train.WriteCheckpoint(path, ck)
	}
	if c.extend {
		cfg.Epochs = c.stopAt
	} else {
		cfg.OnEpoch = func(m train.Metrics) error {
			if m.Epoch == c.stopAt {
				return train.ErrStop
			}
			return nil
		}
	}
	first, err := train.Run(buildNet[T](t, c, 3), trainSet, validSet, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.Epochs != c.stopAt {
		t.Fatalf("interrupted run ended after %d epochs (%s), want %d", first.Epochs, first.Reason, c.stopAt)
	}
	lastSaved := c.stopAt / c.every * c.every
	if c.extend {
		lastSaved = c.stopAt // the last epoch of a run always has a checkpoint
	}
	if len(saved) == 0 || saved[len(saved)-1] != lastSaved {
		t.Fatalf("checkpoints after epochs %v, want the last after epoch %d", saved, lastSaved)
	}

	// Resume on a network and a source in other states.
	ck, err := train.ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Epoch != lastSaved {
		t.Fatalf("checkpoint file is after epoch %d, want %d", ck.Epoch, lastSaved)
	}
	net := buildNet[T](t, c, 99)
	cfg = c.cfg
	cfg.Source = c.source(7)
	got, err := train.Resume(net, trainSet, validSet, cfg, ck)
	if err != nil {
		t.Fatal(err)
	}

	for i, p := range net.Params() {
		if !equalBits(p.RawData(), ref.Params()[i].RawData()) {
			t.Errorf("%s after resuming differs from the uninterrupted run", net.ParamNames()[i])
		}
	}
	if got.Epochs != want.Epochs || got.Iterations != want.Iterations || got.Reason != want.Reason {
		t.Errorf("resumed run: %d epochs, %d iterations, %s; uninterrupted: %d, %d, %s",
			got.Epochs, got.Iterations, got.Reason, want.Epochs, want.Iterations, want.Reason)
	}
	if got.BestEpoch != want.BestEpoch || !sameFloat(got.BestValidCost, want.BestValidCost) {
		t.Errorf("resumed run: best epoch %d (%v); uninterrupted: %d (%v)", got.BestEpoch, got.BestValidCost, want.BestEpoch, want.BestValidCost)
	}
	if len(got.History) != len(want.History) {
		t.Fatalf("resumed history has %d epochs, want %d", len(got.History), len(want.History))
	}
	for i, m := range got.History {
		if !sameMetrics(m, want.History[i]) {
			t.Errorf("history entry %d: %+v, want %+v", i, m, want.History[i])
		}
	}
}

// sameFloat reports whether a and b are the same number, or both NaN.
func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// sameMetrics compares every field but Elapsed.
func sameMetrics(a, b train.Metrics) bool {
	return a.Epoch == b.Epoch && a.Iterations == b.Iterations &&
		sameFloat(a.Cost, b.Cost) && sameFloat(a.Accuracy, b.Accuracy) &&
		sameFloat(a.ValidCost, b.ValidCost) && sameFloat(a.ValidAccuracy, b.ValidAccuracy) &&
		sameFloat(a.LearningRate, b.LearningRate)
}

// TestResumeAfterEarlyStop resumes from every checkpoint of a run that
// early stopping ends, the last one taken at the epoch where it stopped.
// Each resumed run must stop at the same epoch with the best weights.
func TestResumeAfterEarlyStop(t *testing.T) {
	trainSet, validSet := earlyStopData()
	base := train.Config{Epochs: 500, LearningRate: 1, Patience: 3}
	ref := newNet(t, []int{1, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	want, err := train.Run(ref, trainSet, validSet, base)
	if err != nil {
		t.Fatal(err)
	}
	if want.Reason != train.EarlyStopped {
		t.Fatalf("reference run ended %s, want early-stopped", want.Reason)
	}

	var cks []*train.Checkpoint
	cfg := base
	cfg.CheckpointEvery = 1
	cfg.Checkpoint = func(c *train.Checkpoint) error {
		cks = append(cks, c)
		return nil
	}
	if _, err := train.Run(newNet(t, []int{1, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1), trainSet, validSet, cfg); err != nil {
		t.Fatal(err)
	}
	if len(cks) != want.Epochs {
		t.Fatalf("%d checkpoints, want one per epoch of %d", len(cks), want.Epochs)
	}
	for _, k := range []int{1, want.BestEpoch, want.Epochs - 1, want.Epochs} {
		net := newNet(t, []int{1, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 2)
		got, err := train.Resume(net, trainSet, validSet, base, cks[k-1])
		if err != nil {
			t.Fatalf("resume from epoch %d: %v", k, err)
		}
		if got.Reason != train.EarlyStopped || got.Epochs != want.Epochs || got.BestEpoch != want.BestEpoch {
			t.Errorf("resume from epoch %d: %s after %d epochs, best %d; want %s after %d, best %d",
				k, got.Reason, got.Epochs, got.BestEpoch, want.Reason, want.Epochs, want.BestEpoch)
		}
		if !paramsEqual(net, cloneParams(ref)) {
			t.Errorf("resume from epoch %d: weights differ from the uninterrupted run's", k)
		}
	}
}

// TestCheckpointSchedule checks the epochs that get a checkpoint, and that
// each checkpoint is a copy that later training does not change.
func TestCheckpointSchedule(t *testing.T) {
	ds := blobs(20, 2, rand.New(1))
	net := newNet(t, []int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE, 1)
	var cks []*train.Checkpoint
	var encoded [][]byte
	cfg := train.Config{Epochs: 7, BatchSize: 5, LearningRate: 0.1, CheckpointEvery: 3}
	cfg.Checkpoint = func(c *train.Checkpoint) error {
		var b bytes.Buffer
		if err := train.EncodeCheckpoint(&b, c); err != nil {
			return err
		}
		cks, encoded = append(cks, c), append(encoded, b.Bytes())
		return nil
	}
	if _, err := train.Run(net, ds, nil, cfg); err != nil {
		t.Fatal(err)
	}
	var epochs []int
	for i, c := range cks {
		epochs = append(epochs, c.Epoch)
		if c.Iteration != 4*c.Epoch || len(c.History) != c.Epoch {
			t.Errorf("checkpoint %d: %d iterations and %d history entries after epoch %d, want %d and %d",
				i, c.Iteration, len(c.History), c.Epoch, 4*c.Epoch, c.Epoch)
		}
		var b bytes.Buffer
		if err := train.EncodeCheckpoint(&b, c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), encoded[i]) {
			t.Errorf("checkpoint of epoch %d changed after it was taken", c.Epoch)
		}
	}
	if want := []int{3, 6, 7}; !equalInts(epochs, want) {
		t.Errorf("checkpoints after epochs %v, want %v", epochs, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCheckpointCallbackError checks that an error from Config.Checkpoint
// ends the run and comes back from Run.
func TestCheckpointCallbackError(t *testing.T) {
	ds := blobs(20, 2, rand.New(1))
	net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
	errDisk := errors.New("disk full")
	cfg := train.Config{Epochs: 5, LearningRate: 0.1, CheckpointEvery: 2}
	cfg.Checkpoint = func(*train.Checkpoint) error { return errDisk }
	res, err := train.Run(net, ds, nil, cfg)
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "checkpoint after epoch 2") {
		t.Fatalf("error %v, want the callback's, after epoch 2", err)
	}
	if res.Reason != train.Failed || res.Epochs != 2 {
		t.Errorf("result %s after %d epochs, want failed after 2", res.Reason, res.Epochs)
	}
}

// plainSource is a random source that cannot save its state.
type plainSource struct{ src *rand.PCG }

func (s plainSource) Float64() float64 { return s.src.Float64() }
func (s plainSource) Perm(n int) []int { return s.src.Perm(n) }

func TestCheckpointConfigErrors(t *testing.T) {
	ds := blobs(20, 2, rand.New(1))
	save := func(*train.Checkpoint) error { return nil }
	for i, tc := range []struct {
		cfg  train.Config
		want string
	}{
		{train.Config{CheckpointEvery: -1}, "checkpoint interval -1"},
		{train.Config{CheckpointEvery: 2}, "Config.Checkpoint is nil"},
		{train.Config{Checkpoint: save}, "CheckpointEvery is 0"},
		{train.Config{CheckpointEvery: 1, Checkpoint: save, Source: plainSource{rand.New(1)}}, "does not implement encoding.BinaryMarshaler"},
	} {
		tc.cfg.Epochs, tc.cfg.LearningRate = 2, 0.1
		net := newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1)
		_, err := train.Run(net, ds, nil, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: error %v, want one containing %q", i, err, tc.want)
		}
	}
}

// TestResumeMismatch resumes a checkpoint with one thing changed at a
// time: each must give an error naming it, and leave the network as it
// was.
func TestResumeMismatch(t *testing.T) {
	c := resumeCases[0]
	trainSet, _ := c.sets()
	validSet := blobs(30, 3, rand.New(8))
	var ck *train.Checkpoint
	cfg := c.cfg
	cfg.Source = rand.New(1)
	cfg.CheckpointEvery = 2
	cfg.Checkpoint = func(x *train.Checkpoint) error {
		if x.Epoch == 4 {
			ck = x
		}
		return nil
	}
	if _, err := train.Run(buildNet[float64](t, &c, 3), trainSet, validSet, cfg); err != nil {
		t.Fatal(err)
	}
	base := c.cfg
	base.Source = rand.New(1)

	changedX := *trainSet
	changedX.X = trainSet.X.Clone()
	changedX.X.Set(1, 17, changedX.X.At(1, 17)+1e-9)
	fewer, err := trainSet.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		sizes    []int
		acts     []nn.Activation
		keep     float64
		trainSet *data.Dataset[float64]
		noValid  bool
		change   func(*train.Config)
		field    string // MismatchError.Field, or
		want     string // a part of another error
	}{
		{name: "sizes", sizes: []int{2, 8, 5, 3}, field: "layer sizes"},
		{name: "activations", acts: []nn.Activation{nn.ReLU, nn.ReLU, nn.Softmax}, field: "activations"},
		{name: "dropout", keep: 0.5, field: "keep probability of layer 1"},
		{name: "batch size", change: func(c *train.Config) { c.BatchSize = 15 }, field: "batch size"},
		{name: "shuffle", change: func(c *train.Config) { c.Shuffle = false }, field: "shuffling"},
		{name: "optimizer", change: func(c *train.Config) { c.Optimizer.Method = optim.Momentum }, field: "optimizer"},
		{name: "beta1", change: func(c *train.Config) { c.Optimizer.Beta1 = 0.8 }, field: "optimizer settings"},
		{name: "learning rate", change: func(c *train.Config) { c.LearningRate = 0.02 }, field: "learning rate"},
		{name: "lambda", change: func(c *train.Config) { c.Lambda = 0 }, field: "L2 strength λ"},
		{name: "schedule", change: func(c *train.Config) { c.Schedule.Decay = optim.InverseTime }, field: "learning-rate schedule"},
		{name: "patience", change: func(c *train.Config) { c.Patience = 2 }, field: "early-stopping patience"},
		{name: "training values", trainSet: &changedX, field: "training set values"},
		{name: "training size", trainSet: fewer, field: "training set size"},
		{name: "no validation set", noValid: true, field: "validation set"},
		{name: "epochs", change: func(c *train.Config) { c.Epochs = 3 }, want: "set Epochs to at least 4"},
		{name: "numpy source", change: func(c *train.Config) { c.Source = rand.NewNumPy(1) }, want: "restoring the random source"},
		{name: "plain source", change: func(c *train.Config) { c.Source = plainSource{rand.New(1)} }, want: "does not implement encoding.BinaryUnmarshaler"},
	} {
		cc := c
		if tc.sizes != nil {
			cc.sizes = tc.sizes
		}
		if tc.acts != nil {
			cc.acts = tc.acts
		}
		if tc.keep != 0 {
			cc.keepProb = tc.keep
		}
		net := buildNet[float64](t, &cc, 3)
		before := cloneParams(net)
		cfg := base
		if tc.change != nil {
			tc.change(&cfg)
		}
		ts, vs := trainSet, validSet
		if tc.trainSet != nil {
			ts = tc.trainSet
		}
		if tc.noValid {
			vs = nil
		}
		res, err := train.Resume(net, ts, vs, cfg, ck)
		var me *train.MismatchError
		switch {
		case err == nil:
			t.Errorf("%s: no error", tc.name)
			continue
		case tc.field != "" && (!errors.As(err, &me) || me.Field != tc.field):
			t.Errorf("%s: error %v, want a mismatch of %q", tc.name, err, tc.field)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if res != nil {
			t.Errorf("%s: result %+v with the error, want nil", tc.name, res)
		}
		if !paramsEqual(net, before) {
			t.Errorf("%s: the failed Resume changed the weights", tc.name)
		}
	}

	// Another precision.
	net32 := buildNet[float32](t, &c, 3)
	_, err = train.Resume(net32, convertSet[float32](trainSet), convertSet[float32](validSet), base, ck)
	var me *train.MismatchError
	if !errors.As(err, &me) || me.Field != "precision" || me.Checkpoint != "float64" || me.Run != "float32" {
		t.Errorf("float32 run from a float64 checkpoint: error %v, want a precision mismatch", err)
	}
	if _, err := train.Resume(net32, convertSet[float32](trainSet), nil, base, nil); err == nil {
		t.Errorf("nil checkpoint: no error")
	}
}

// TestResumeCountsElapsed checks that a resumed run's elapsed time
// includes the time before the checkpoint.
func TestResumeCountsElapsed(t *testing.T) {
	ds := blobs(20, 2, rand.New(1))
	var ck *train.Checkpoint
	cfg := train.Config{Epochs: 3, LearningRate: 0.1, CheckpointEvery: 1}
	cfg.Checkpoint = func(c *train.Checkpoint) error { ck = c; return nil }
	if _, err := train.Run(newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1), ds, nil, cfg); err != nil {
		t.Fatal(err)
	}
	ck.Elapsed = 1e12 // 1000 s
	res, err := train.Resume(newNet(t, []int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 1), ds, nil,
		train.Config{Epochs: 4, LearningRate: 0.1}, ck)
	if err != nil {
		t.Fatal(err)
	}
	if res.Elapsed < 1e12 || res.History[3].Elapsed < 1e12 {
		t.Errorf("elapsed %v, epoch 4 at %v; want both past the checkpoint's 1000 s", res.Elapsed, res.History[3].Elapsed)
	}
}
