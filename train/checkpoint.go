package train

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
)

// Checkpoint is the state of a run at the end of an epoch: everything that
// Resume needs to continue the run so that it ends with weights
// bit-identical to those of a run that was never interrupted.
//
// A checkpoint holds the progress (the exported fields), the network's
// weights, the optimizer's state (optim.Optimizer.State), the weights of
// the best epoch under early stopping, and the state of Config.Source
// from its MarshalBinary method. It also records what the state is only
// valid for: the architecture, the precision, the settings that shape
// each update, and the size and a SHA-256 hash of the training and
// validation sets. Resume compares them with the run it is given.
//
// Run creates checkpoints through Config.Checkpoint; WriteCheckpoint and
// ReadCheckpoint store them in files.
type Checkpoint struct {
	Epoch     int       // epochs completed, counted from 1
	Iteration int       // updates applied
	History   []Metrics // one entry per completed epoch
	// BestEpoch and BestValidCost are early stopping's epoch with the
	// lowest validation cost so far and that cost; 0 and NaN when early
	// stopping is off.
	BestEpoch     int
	BestValidCost float64
	// Elapsed is the training time of the run up to the checkpoint,
	// summed over its interruptions.
	Elapsed time.Duration
	// Metadata holds strings of the caller's choosing, which
	// WriteCheckpoint stores and ReadCheckpoint returns. Run leaves it
	// nil. The command line stores its flags in it.
	Metadata map[string]string

	arch   archInfo
	config configInfo
	train  dataInfo
	valid  *dataInfo // nil without a validation set
	source []byte    // Config.Source's MarshalBinary, nil without a source
	// optStep is optim.State.Step.
	optStep int
	// tensors holds the weights as layers.<l>.weight and layers.<l>.bias,
	// the optimizer's buffers as optimizer.<buffer>.layers.<l>.weight …,
	// and the best epoch's weights as best.layers.<l>.weight …, in the
	// precision of the run and the shapes of a model file.
	tensors []modelio.Tensor
}

// archInfo is the architecture a checkpoint belongs to.
type archInfo struct {
	Sizes       []int           `json:"layer_sizes"`
	Activations []nn.Activation `json:"activations"` // g[1] … g[L]
	Loss        nn.Loss         `json:"loss"`
	LeakySlope  float64         `json:"leaky_slope"`
	KeepProb    []float64       `json:"keep_prob"` // index l = 0 … L, as nn.Network.KeepProb
	DType       modelio.DType   `json:"dtype"`
}

// configInfo holds the settings that shape each update. A resumed run must
// use the same ones; only Config.Epochs and the checkpoint settings may
// change.
type configInfo struct {
	Epochs       int            `json:"epochs"`     // informative only
	BatchSize    int            `json:"batch_size"` // examples per batch, m for the full batch
	Shuffle      bool           `json:"shuffle"`    // whether each epoch draws an order
	LearningRate float64        `json:"learning_rate"`
	Schedule     optim.Schedule `json:"schedule"`
	Optimizer    optim.Config   `json:"optimizer"` // with defaults filled in
	Lambda       float64        `json:"lambda"`
	Patience     int            `json:"patience"`
}

// dataInfo identifies a dataset: its size and the SHA-256 hash of its
// values.
type dataInfo struct {
	Examples int    `json:"examples"`
	Features int    `json:"features"`
	Outputs  int    `json:"outputs"` // rows of Y
	SHA256   string `json:"sha256"`  // see hashData
}

// MismatchError reports a checkpoint given to Resume that does not belong
// to the network, data or settings of the run.
type MismatchError struct {
	// Field names what differs, such as "layer sizes", "precision",
	// "batch size" or "training set values".
	Field string
	// Checkpoint and Run are the value in the checkpoint and in the run.
	Checkpoint, Run string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("train: the checkpoint does not belong to this run: its %s is %s but the run's is %s; "+
		"resume with the network, data and settings that the checkpoint was written with", e.Field, e.Checkpoint, e.Run)
}

// validateCheckpoints returns an error for checkpoint settings that cannot
// work.
func (c *Config) validateCheckpoints() error {
	switch {
	case c.CheckpointEvery < 0:
		return fmt.Errorf("train: checkpoint interval %d epochs; it must be ≥ 1, or 0 for no checkpoints", c.CheckpointEvery)
	case c.CheckpointEvery > 0 && c.Checkpoint == nil:
		return fmt.Errorf("train: CheckpointEvery is %d but Config.Checkpoint is nil; set Checkpoint to a function that saves the checkpoint, such as one that calls WriteCheckpoint", c.CheckpointEvery)
	case c.CheckpointEvery == 0 && c.Checkpoint != nil:
		return fmt.Errorf("train: Config.Checkpoint is set but CheckpointEvery is 0; set CheckpointEvery to the number of epochs between checkpoints")
	}
	if c.CheckpointEvery > 0 && c.Source != nil {
		if _, ok := c.Source.(encoding.BinaryMarshaler); !ok {
			return fmt.Errorf("train: checkpoints save the state of the random source, but %T does not implement encoding.BinaryMarshaler; use rand.New(seed) or rand.NewNumPy(seed)", c.Source)
		}
	}
	return nil
}

// Resume continues the run that c was taken from. net, trainSet, validSet
// and cfg must be those of that run, except that cfg.Epochs may be larger
// and the checkpoint settings may differ. Resume checks them as Run does.
// It also returns a *MismatchError, and trains nothing, when c belongs to
// another architecture, precision, training set or validation set. The
// same holds for other settings of the updates: batch size, shuffling,
// learning rate, schedule, optimizer, λ and patience. cfg.Epochs must be
// at least c.Epoch.
//
// Resume then sets the network's weights, the optimizer's state, the best
// weights of early stopping and the progress from c, restores
// cfg.Source's state with its UnmarshalBinary method, and trains the
// remaining epochs as Run does. Its Result counts every epoch of the run
// and holds the whole history. With the same data and settings, the same
// binary and the same thread count, the final weights equal those of an
// uninterrupted run bit for bit.
//
// The random source must be of the kind the checkpoint was taken from. A
// program that draws from the source before training, as the command line
// does to initialise and split, may do so again with a fresh source:
// Resume replaces the source's state.
func Resume[T matrix.Float](net *nn.Network[T], trainSet, validSet *data.Dataset[T], cfg Config, c *Checkpoint) (*Result, error) {
	if c == nil {
		return nil, fmt.Errorf("train: the checkpoint to resume from is nil")
	}
	lp, err := newLoop(net, trainSet, validSet, cfg)
	if err != nil {
		return nil, err
	}
	if err := lp.restore(c); err != nil {
		return nil, err
	}
	if cfg.Warn != nil {
		if w := findSymmetry(net); w != nil {
			cfg.Warn(w)
		}
	}
	// The checkpoint may come from the epoch at which early stopping
	// ended the run.
	if lp.best != nil && lp.epoch-lp.best.epoch >= lp.cfg.Patience {
		return lp.finish(errEarlyStop)
	}
	return lp.run()
}

// checkpoints is the part of a run's state that only checkpoints use.
type checkpoints struct {
	train, valid *dataInfo // computed on first use
}

// checkpoint passes a checkpoint to cfg.Checkpoint after every
// CheckpointEvery-th epoch and after the last epoch.
func (lp *loop[T]) checkpoint() error {
	every := lp.cfg.CheckpointEvery
	if every <= 0 || (lp.epoch%every != 0 && lp.epoch != lp.cfg.Epochs) {
		return nil
	}
	c, err := lp.snapshot()
	if err == nil {
		err = lp.cfg.Checkpoint(c)
	}
	if err != nil {
		return fmt.Errorf("train: checkpoint after epoch %d: %w", lp.epoch, err)
	}
	return nil
}

// snapshot returns a checkpoint of the run's current state, with copies of
// every buffer.
func (lp *loop[T]) snapshot() (*Checkpoint, error) {
	c := &Checkpoint{
		Epoch:         lp.epoch,
		Iteration:     lp.iteration,
		History:       slices.Clone(lp.history),
		BestValidCost: math.NaN(),
		Elapsed:       time.Since(lp.start),
		arch:          archOf(lp.net),
		config:        lp.configInfo(),
	}
	c.train, c.valid = lp.dataInfos()
	if src := lp.cfg.Source; src != nil {
		// validateCheckpoints made sure that src is a BinaryMarshaler.
		b, err := src.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("saving the state of the random source: %w", err)
		}
		c.source = b
	}

	sizes := lp.net.Sizes
	c.tensors = appendParams(c.tensors, "", sizes, lp.params, true)
	st := lp.opt.State()
	c.optStep = st.Step + lp.chainSteps
	names := make([]string, 0, len(st.Buffers))
	for name := range st.Buffers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if bufs := st.Buffers[name]; len(bufs) > 0 {
			c.tensors = appendParams(c.tensors, optimizerPrefix(name), sizes, bufs, false)
		}
	}
	if b := lp.best; b != nil && b.epoch > 0 {
		c.BestEpoch, c.BestValidCost = b.epoch, b.cost
		c.tensors = appendParams(c.tensors, bestPrefix, sizes, b.params, true)
	}
	return c, nil
}

// The prefixes of the checkpoint's tensor names, before layers.<l>.….
const bestPrefix = "best."

func optimizerPrefix(buffer string) string { return "optimizer." + buffer + "." }

// paramName returns the tensor name of parameter i of a network's Params:
// W[1], b[1], W[2], … are layers.1.weight, layers.1.bias, layers.2.weight, … .
func paramName(prefix string, i int) string {
	l := strconv.Itoa(i/2 + 1)
	if i%2 == 0 {
		return prefix + "layers." + l + ".weight"
	}
	return prefix + "layers." + l + ".bias"
}

// paramShape returns the tensor shape of parameter i: [n[l], n[l−1]] for
// W[l] and [n[l]] for b[l], as model files store them.
func paramShape(sizes []int, i int) []int {
	l := i/2 + 1
	if i%2 == 0 {
		return []int{sizes[l], sizes[l-1]}
	}
	return []int{sizes[l]}
}

// appendParams appends one tensor per matrix of ps, in the order of
// nn.Network.Params, copying the values when clone is set.
func appendParams[T matrix.Float](dst []modelio.Tensor, prefix string, sizes []int, ps []*matrix.Dense[T], clone bool) []modelio.Tensor {
	for i, p := range ps {
		v := p.RawData()
		if clone {
			v = slices.Clone(v)
		}
		dst = append(dst, modelio.NewTensor(paramName(prefix, i), paramShape(sizes, i), v))
	}
	return dst
}

// restore checks that c belongs to the run and, if it does, sets the
// run's state from it. On error the network and the source are unchanged.
func (lp *loop[T]) restore(c *Checkpoint) error {
	if err := c.validate(); err != nil {
		return err
	}
	if err := c.arch.match(archOf(lp.net)); err != nil {
		return err
	}
	trainInfo, validInfo := lp.dataInfos()
	if err := c.train.match("training set", trainInfo); err != nil {
		return err
	}
	switch {
	case c.valid == nil && validInfo != nil:
		return &MismatchError{Field: "validation set", Checkpoint: "absent", Run: fmt.Sprintf("%d examples", validInfo.Examples)}
	case c.valid != nil && validInfo == nil:
		return &MismatchError{Field: "validation set", Checkpoint: fmt.Sprintf("%d examples", c.valid.Examples), Run: "absent"}
	case c.valid != nil:
		if err := c.valid.match("validation set", *validInfo); err != nil {
			return err
		}
	}
	// The effective batch size depends on the number of examples, so the
	// settings come after the data.
	if err := c.config.match(lp.configInfo()); err != nil {
		return err
	}
	if c.Epoch > lp.cfg.Epochs {
		return fmt.Errorf("train: the checkpoint was taken after epoch %d but Config.Epochs is %d; set Epochs to at least %d", c.Epoch, lp.cfg.Epochs, c.Epoch)
	}
	var src encoding.BinaryUnmarshaler
	if lp.cfg.Source != nil && c.source != nil {
		var ok bool
		if src, ok = lp.cfg.Source.(encoding.BinaryUnmarshaler); !ok {
			return fmt.Errorf("train: the checkpoint holds the state of a random source, but %T does not implement encoding.BinaryUnmarshaler to restore it; use the kind of source the run started with", lp.cfg.Source)
		}
	}

	// Gather the tensors. The architecture matches, and DecodeCheckpoint
	// and snapshot give every tensor the shape of its parameter.
	byName := make(map[string][]T, len(c.tensors))
	for _, t := range c.tensors {
		byName[t.Name] = modelio.Values[T](t)
	}
	n := len(lp.params)
	gather := func(prefix string) ([]*matrix.Dense[T], error) {
		ps := make([]*matrix.Dense[T], n)
		for i, p := range lp.params {
			v, ok := byName[paramName(prefix, i)]
			if !ok || len(v) != p.Len() {
				return nil, fmt.Errorf("train: the checkpoint has no tensor %s of %d values; it is incomplete", paramName(prefix, i), p.Len())
			}
			ps[i] = matrix.New(p.Rows(), p.Cols(), slices.Clone(v))
		}
		return ps, nil
	}
	weights, err := gather("")
	if err != nil {
		return err
	}
	var best []*matrix.Dense[T]
	if c.BestEpoch > 0 && lp.best != nil {
		if best, err = gather(bestPrefix); err != nil {
			return err
		}
	}
	state := optim.State[T]{Method: c.config.Optimizer.Method, Step: c.optStep, Buffers: map[string][]*matrix.Dense[T]{}}
	for _, name := range c.optimizerBuffers() {
		if state.Buffers[name], err = gather(optimizerPrefix(name)); err != nil {
			return err
		}
	}
	if err := lp.opt.SetState(state); err != nil {
		return fmt.Errorf("train: restoring the optimizer from the checkpoint: %w", err)
	}
	if src != nil {
		if err := src.UnmarshalBinary(c.source); err != nil {
			return fmt.Errorf("train: restoring the random source from the checkpoint: %w; use the kind of source the run started with", err)
		}
	}

	// Nothing can fail from here on.
	for i, p := range lp.params {
		p.Copy(weights[i])
	}
	if best != nil {
		lp.best.epoch, lp.best.cost, lp.best.params = c.BestEpoch, c.BestValidCost, best
	}
	lp.epoch, lp.iteration = c.Epoch, c.Iteration
	lp.history = slices.Clone(c.History)
	lp.start = time.Now().Add(-c.Elapsed)
	return nil
}

// optimizerBuffers returns the names of the optimizer buffers that c
// holds, sorted.
func (c *Checkpoint) optimizerBuffers() []string {
	var names []string
	for _, t := range c.tensors {
		if name, ok := optimizerBufferOf(t.Name); ok && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func archOf[T matrix.Float](net *nn.Network[T]) archInfo {
	dtype := modelio.F64
	if _, ok := any(T(0)).(float32); ok {
		dtype = modelio.F32
	}
	return archInfo{
		Sizes:       slices.Clone(net.Sizes),
		Activations: slices.Clone(net.Act[1:]),
		Loss:        net.Loss,
		LeakySlope:  float64(net.LeakySlope),
		KeepProb:    slices.Clone(net.KeepProb),
		DType:       dtype,
	}
}

// match returns a *MismatchError for the first field in which a, the
// checkpoint's architecture, differs from the run's.
func (a archInfo) match(run archInfo) error {
	mismatch := func(field string, ckpt, r any) error {
		return &MismatchError{Field: field, Checkpoint: fmt.Sprint(ckpt), Run: fmt.Sprint(r)}
	}
	switch {
	case !slices.Equal(a.Sizes, run.Sizes):
		return mismatch("layer sizes", a.Sizes, run.Sizes)
	case !slices.Equal(a.Activations, run.Activations):
		return mismatch("activations", a.Activations, run.Activations)
	case a.Loss != run.Loss:
		return mismatch("loss", a.Loss, run.Loss)
	case a.DType != run.DType:
		return mismatch("precision", precisionName(a.DType), precisionName(run.DType))
	case a.LeakySlope != run.LeakySlope && slices.Contains(a.Activations, nn.LeakyReLU):
		return mismatch("leaky ReLU slope", a.LeakySlope, run.LeakySlope)
	}
	for l := range a.Sizes {
		if keep(a.KeepProb, l) != keep(run.KeepProb, l) {
			return mismatch(fmt.Sprintf("keep probability of layer %d", l), keep(a.KeepProb, l), keep(run.KeepProb, l))
		}
	}
	return nil
}

// keep returns the keep probability of layer l, with 0 read as 1: both
// mean no dropout.
func keep(p []float64, l int) float64 {
	if l >= len(p) || p[l] == 0 {
		return 1
	}
	return p[l]
}

func precisionName(d modelio.DType) string {
	switch d {
	case modelio.F32:
		return "float32"
	case modelio.F64:
		return "float64"
	}
	return string(d)
}

// configInfo returns the settings of the run that a checkpoint records.
func (lp *loop[T]) configInfo() configInfo {
	cfg := &lp.cfg
	return configInfo{
		Epochs:       cfg.Epochs,
		BatchSize:    lp.batchSize,
		Shuffle:      lp.shuffle,
		LearningRate: cfg.LearningRate,
		Schedule:     cfg.Schedule,
		Optimizer:    cfg.Optimizer.WithDefaults(),
		Lambda:       cfg.Lambda,
		Patience:     cfg.Patience,
	}
}

// match returns a *MismatchError for the first setting in which c, the
// checkpoint's, differs from the run's. Epochs may differ.
func (c configInfo) match(run configInfo) error {
	mismatch := func(field string, ckpt, r any) error {
		return &MismatchError{Field: field, Checkpoint: fmt.Sprint(ckpt), Run: fmt.Sprint(r)}
	}
	switch {
	case c.BatchSize != run.BatchSize:
		return mismatch("batch size", c.BatchSize, run.BatchSize)
	case c.Shuffle != run.Shuffle:
		return mismatch("shuffling", c.Shuffle, run.Shuffle)
	case c.LearningRate != run.LearningRate:
		return mismatch("learning rate", c.LearningRate, run.LearningRate)
	case c.Schedule != run.Schedule:
		return mismatch("learning-rate schedule", fmt.Sprintf("%+v", c.Schedule), fmt.Sprintf("%+v", run.Schedule))
	case c.Optimizer.Method != run.Optimizer.Method:
		return mismatch("optimizer", c.Optimizer.Method, run.Optimizer.Method)
	case c.Optimizer != run.Optimizer:
		return mismatch("optimizer settings", fmt.Sprintf("%+v", c.Optimizer), fmt.Sprintf("%+v", run.Optimizer))
	case c.Lambda != run.Lambda:
		return mismatch("L2 strength λ", c.Lambda, run.Lambda)
	case c.Patience != run.Patience:
		return mismatch("early-stopping patience", c.Patience, run.Patience)
	}
	return nil
}

// dataInfos returns the identities of the training and validation sets,
// computing them on first use.
func (lp *loop[T]) dataInfos() (train dataInfo, valid *dataInfo) {
	if lp.ckpt.train == nil {
		lp.ckpt.train = infoOf(lp.train)
		if lp.valid != nil {
			lp.ckpt.valid = infoOf(lp.valid)
		}
	}
	return *lp.ckpt.train, lp.ckpt.valid
}

func infoOf[T matrix.Float](ds *data.Dataset[T]) *dataInfo {
	return &dataInfo{
		Examples: ds.Len(),
		Features: ds.Features(),
		Outputs:  ds.Y.Rows(),
		SHA256:   hashData(ds),
	}
}

// match returns a *MismatchError when the run's dataset differs from d,
// the checkpoint's. name is "training set" or "validation set".
func (d dataInfo) match(name string, run dataInfo) error {
	switch {
	case d.Examples != run.Examples:
		return &MismatchError{Field: name + " size", Checkpoint: fmt.Sprintf("%d examples", d.Examples), Run: fmt.Sprintf("%d examples", run.Examples)}
	case d.Features != run.Features:
		return &MismatchError{Field: name + " features", Checkpoint: strconv.Itoa(d.Features), Run: strconv.Itoa(run.Features)}
	case d.Outputs != run.Outputs:
		return &MismatchError{Field: name + " target rows", Checkpoint: strconv.Itoa(d.Outputs), Run: strconv.Itoa(run.Outputs)}
	case d.SHA256 != run.SHA256:
		return &MismatchError{Field: name + " values", Checkpoint: "SHA-256 " + d.SHA256, Run: "SHA-256 " + run.SHA256}
	}
	return nil
}

// hashData returns the SHA-256 hash, in hex, of the values of ds. It
// hashes the elements of X and then of Y in row-major order, each as the
// little-endian bytes of its precision. The labels follow as little-endian
// int64 when ds has them.
func hashData[T matrix.Float](ds *data.Dataset[T]) string {
	h := sha256.New()
	buf := make([]byte, 0, 64<<10)
	flush := func() {
		h.Write(buf)
		buf = buf[:0]
	}
	for _, a := range []*matrix.Dense[T]{ds.X, ds.Y} {
		switch values := any(a.RawData()).(type) {
		case []float32:
			for _, v := range values {
				if len(buf)+4 > cap(buf) {
					flush()
				}
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
		case []float64:
			for _, v := range values {
				if len(buf)+8 > cap(buf) {
					flush()
				}
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
		}
	}
	for _, c := range ds.Labels {
		if len(buf)+8 > cap(buf) {
			flush()
		}
		buf = binary.LittleEndian.AppendUint64(buf, uint64(int64(c)))
	}
	flush()
	return hex.EncodeToString(h.Sum(nil))
}
