package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/optim"
)

// A checkpoint file is a safetensors file (see package modelio). Its
// tensors are those of Checkpoint, in the run's precision (F32 or F64),
// with the shapes of a model file:
//
//	layers.<l>.weight, layers.<l>.bias            W[l] and b[l], l = 1 … L
//	optimizer.<buffer>.layers.<l>.weight, .bias   the optimizer's buffers
//	                                              ("v", "s", or "m" and "v")
//	best.layers.<l>.weight, .bias                 the best epoch's weights
//
// Its metadata has one key, CheckpointKey. The value is a JSON object
// with the progress, the history, the random source's state (base64), the
// architecture and the settings of the updates. It also holds the size
// and SHA-256 hash of each dataset, and the caller's metadata. Numbers in
// the history that are not finite are written as the strings "NaN",
// "+Inf" and "-Inf".

// CheckpointKey is the safetensors metadata key of a checkpoint file.
const CheckpointKey = "backprop.checkpoint"

// CheckpointVersion is the version of the checkpoint format that this
// package writes. ReadCheckpoint rejects a newer one.
const CheckpointVersion = 1

// checkpointJSON is the JSON stored under CheckpointKey.
type checkpointJSON struct {
	Version       int               `json:"version"`
	Epoch         int               `json:"epoch"`
	Iteration     int               `json:"iteration"`
	OptimizerStep int               `json:"optimizer_step"`
	ElapsedNS     int64             `json:"elapsed_ns"`
	BestEpoch     int               `json:"best_epoch"`
	BestValidCost jsonFloat         `json:"best_valid_cost"`
	History       []metricsJSON     `json:"history"`
	Source        []byte            `json:"source,omitempty"`
	Network       archInfo          `json:"network"`
	Config        configInfo        `json:"config"`
	Train         dataInfo          `json:"training_set"`
	Valid         *dataInfo         `json:"validation_set,omitempty"`
	Metadata      map[string]string `json:"metadata,omitempty"`
}

// metricsJSON is the JSON form of Metrics.
type metricsJSON struct {
	Epoch         int       `json:"epoch"`
	Iterations    int       `json:"iterations"`
	Cost          jsonFloat `json:"cost"`
	Accuracy      jsonFloat `json:"accuracy"`
	ValidCost     jsonFloat `json:"valid_cost"`
	ValidAccuracy jsonFloat `json:"valid_accuracy"`
	LearningRate  jsonFloat `json:"learning_rate"`
	ElapsedNS     int64     `json:"elapsed_ns"`
}

// jsonFloat is a float64 that JSON holds even when it is NaN or ±Inf: as a
// number when finite, otherwise as the string "NaN", "+Inf" or "-Inf".
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = jsonFloat(math.NaN())
		return nil
	case `"+Inf"`:
		*f = jsonFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = jsonFloat(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || b[0] == '"' {
		return fmt.Errorf("invalid number %s; use a JSON number, \"NaN\", \"+Inf\" or \"-Inf\"", b)
	}
	*f = jsonFloat(v)
	return nil
}

// WriteCheckpoint writes c to the file at path atomically: it writes a
// temporary file in the same folder, syncs it and renames it over path, so
// a crash leaves the previous checkpoint or the new one, never part of one.
// The format is described at CheckpointKey's declaration.
func WriteCheckpoint(path string, c *Checkpoint) error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteFile(path, 0o644, func(w io.Writer) error { return encodeCheckpoint(w, c) })
}

// EncodeCheckpoint writes c to w in the format of WriteCheckpoint. Equal
// checkpoints give identical bytes. It returns an error for a checkpoint
// that Run did not create and DecodeCheckpoint did not return.
func EncodeCheckpoint(w io.Writer, c *Checkpoint) error {
	if err := c.validate(); err != nil {
		return err
	}
	return encodeCheckpoint(w, c)
}

func encodeCheckpoint(w io.Writer, c *Checkpoint) error {
	cj := checkpointJSON{
		Version:       CheckpointVersion,
		Epoch:         c.Epoch,
		Iteration:     c.Iteration,
		OptimizerStep: c.optStep,
		ElapsedNS:     int64(c.Elapsed),
		BestEpoch:     c.BestEpoch,
		BestValidCost: jsonFloat(c.BestValidCost),
		History:       make([]metricsJSON, len(c.History)),
		Source:        c.source,
		Network:       c.arch,
		Config:        c.config,
		Train:         c.train,
		Valid:         c.valid,
		Metadata:      c.Metadata,
	}
	for i, m := range c.History {
		cj.History[i] = metricsJSON{
			Epoch: m.Epoch, Iterations: m.Iterations,
			Cost: jsonFloat(m.Cost), Accuracy: jsonFloat(m.Accuracy),
			ValidCost: jsonFloat(m.ValidCost), ValidAccuracy: jsonFloat(m.ValidAccuracy),
			LearningRate: jsonFloat(m.LearningRate), ElapsedNS: int64(m.Elapsed),
		}
	}
	meta, err := json.Marshal(&cj)
	if err != nil {
		return fmt.Errorf("train: encoding the checkpoint: %w", err)
	}
	return modelio.EncodeSafetensors(w, c.tensors, map[string]string{CheckpointKey: string(meta)})
}

// ReadCheckpoint reads the checkpoint file at path, as WriteCheckpoint
// writes it, with the checks of DecodeCheckpoint.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: reading the checkpoint: %w", err)
	}
	return DecodeCheckpoint(path, b)
}

// DecodeCheckpoint reads a checkpoint from the bytes of a checkpoint file.
// name is used in error messages, usually the file's path. The input may
// be untrusted. Beyond the checks of modelio.DecodeSafetensors,
// DecodeCheckpoint requires:
//
//   - the metadata of a checkpoint of a version this package reads;
//   - consistent progress: one history entry per epoch, the same number
//     of updates in each;
//   - valid settings;
//   - exactly the tensors that the architecture, the optimizer and early
//     stopping call for, with their shapes and the run's precision;
//   - finite values in every tensor.
//
// Resume checks whether the checkpoint fits a network and data.
func DecodeCheckpoint(name string, b []byte) (*Checkpoint, error) {
	tensors, meta, err := modelio.DecodeSafetensors(name, b)
	if err != nil {
		return nil, err
	}
	raw, ok := meta[CheckpointKey]
	if !ok {
		if _, isModel := meta[modelio.MetadataKey]; isModel {
			return nil, fmt.Errorf("%s: this is a model file, not a checkpoint; give the file that train wrote its checkpoints to", name)
		}
		return nil, fmt.Errorf("%s: no %q entry in the safetensors metadata, so this is not a checkpoint that backprop wrote", name, CheckpointKey)
	}
	for key := range meta {
		if key != CheckpointKey {
			return nil, fmt.Errorf("%s: unexpected metadata key %q in a checkpoint; the file is damaged or was not written by backprop", name, key)
		}
	}

	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	var cj checkpointJSON
	if err := dec.Decode(&cj); err != nil {
		return nil, fmt.Errorf("%s: metadata %s: %w", name, CheckpointKey, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: metadata %s: data after the JSON object", name, CheckpointKey)
	}
	if cj.Version < 1 || cj.Version > CheckpointVersion {
		return nil, fmt.Errorf("%s: checkpoint version %d; this backprop reads versions 1 … %d, so upgrade backprop or start the run again", name, cj.Version, CheckpointVersion)
	}

	c := &Checkpoint{
		Epoch:         cj.Epoch,
		Iteration:     cj.Iteration,
		History:       make([]Metrics, len(cj.History)),
		BestEpoch:     cj.BestEpoch,
		BestValidCost: float64(cj.BestValidCost),
		Elapsed:       time.Duration(cj.ElapsedNS),
		Metadata:      cj.Metadata,
		arch:          cj.Network,
		config:        cj.Config,
		train:         cj.Train,
		valid:         cj.Valid,
		source:        cj.Source,
		optStep:       cj.OptimizerStep,
		tensors:       tensors,
	}
	for i, m := range cj.History {
		c.History[i] = Metrics{
			Epoch: m.Epoch, Iterations: m.Iterations,
			Cost: float64(m.Cost), Accuracy: float64(m.Accuracy),
			ValidCost: float64(m.ValidCost), ValidAccuracy: float64(m.ValidAccuracy),
			LearningRate: float64(m.LearningRate), Elapsed: time.Duration(m.ElapsedNS),
		}
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// errNotFromRun is the explanation and fix for a checkpoint that fails
// validate.
const errNotFromRun = "the checkpoint is damaged or was not written by backprop; use another checkpoint or start the run again"

// validate returns an error naming the first field of c that is out of
// range or inconsistent with another.
func (c *Checkpoint) validate() error {
	if c == nil {
		return fmt.Errorf("train: the checkpoint is nil")
	}
	if err := c.arch.validate(); err != nil {
		return err
	}
	if err := c.config.validate(); err != nil {
		return err
	}
	if err := c.validateData(); err != nil {
		return err
	}
	if err := c.validateProgress(); err != nil {
		return err
	}
	return c.validateTensors()
}

func (a *archInfo) validate() error {
	if len(a.Sizes) < 2 {
		return fmt.Errorf("train: checkpoint layer sizes %v; a network has at least 2 (n[0] and n[L]); %s", a.Sizes, errNotFromRun)
	}
	for l, n := range a.Sizes {
		if n < 1 {
			return fmt.Errorf("train: checkpoint layer size n[%d] = %d; sizes are at least 1; %s", l, n, errNotFromRun)
		}
	}
	L := len(a.Sizes) - 1
	if len(a.Activations) != L {
		return fmt.Errorf("train: checkpoint has %d activations for %d layers; %s", len(a.Activations), L, errNotFromRun)
	}
	for l, g := range a.Activations {
		if _, err := g.MarshalText(); err != nil {
			return fmt.Errorf("train: checkpoint activation of layer %d: %w; %s", l+1, err, errNotFromRun)
		}
	}
	if _, err := a.Loss.MarshalText(); err != nil {
		return fmt.Errorf("train: checkpoint loss: %w; %s", err, errNotFromRun)
	}
	if math.IsNaN(a.LeakySlope) || math.IsInf(a.LeakySlope, 0) {
		return fmt.Errorf("train: checkpoint leaky ReLU slope %v is not finite; %s", a.LeakySlope, errNotFromRun)
	}
	if len(a.KeepProb) != L+1 {
		return fmt.Errorf("train: checkpoint has %d keep probabilities for layers 0 … %d; %s", len(a.KeepProb), L, errNotFromRun)
	}
	for l, p := range a.KeepProb {
		if !(p >= 0 && p <= 1) {
			return fmt.Errorf("train: checkpoint keep probability of layer %d is %v, outside [0, 1]; %s", l, p, errNotFromRun)
		}
	}
	if a.DType.Size() == 0 {
		return fmt.Errorf("train: checkpoint precision %q; want F32 or F64; %s", a.DType, errNotFromRun)
	}
	return nil
}

func (c *configInfo) validate() error {
	cfg := Config{
		Epochs: c.Epochs, BatchSize: c.BatchSize, LearningRate: c.LearningRate,
		Schedule: c.Schedule, Optimizer: c.Optimizer, Lambda: c.Lambda, Patience: c.Patience,
	}
	// The validation set and the random source are checked elsewhere.
	if err := cfg.validate(max(c.BatchSize, 1), true, false); err != nil {
		return fmt.Errorf("train: checkpoint settings: %w; %s", err, errNotFromRun)
	}
	if c.BatchSize < 1 {
		return fmt.Errorf("train: checkpoint batch size %d; it is at least 1; %s", c.BatchSize, errNotFromRun)
	}
	if c.Optimizer != c.Optimizer.WithDefaults() {
		return fmt.Errorf("train: checkpoint optimizer settings %+v lack their defaults; %s", c.Optimizer, errNotFromRun)
	}
	return nil
}

func (c *Checkpoint) validateData() error {
	L := len(c.arch.Sizes) - 1
	check := func(name string, d *dataInfo) error {
		switch {
		case d.Examples < 1:
			return fmt.Errorf("train: checkpoint %s has %d examples; %s", name, d.Examples, errNotFromRun)
		case d.Features != c.arch.Sizes[0]:
			return fmt.Errorf("train: checkpoint %s has %d features but the network n[0] = %d inputs; %s", name, d.Features, c.arch.Sizes[0], errNotFromRun)
		case d.Outputs != c.arch.Sizes[L]:
			return fmt.Errorf("train: checkpoint %s has %d target rows but the network n[L] = %d outputs; %s", name, d.Outputs, c.arch.Sizes[L], errNotFromRun)
		case len(d.SHA256) != 64 || strings.Trim(d.SHA256, "0123456789abcdef") != "":
			return fmt.Errorf("train: checkpoint %s hash %q is not 64 lowercase hex digits; %s", name, d.SHA256, errNotFromRun)
		}
		return nil
	}
	if err := check("training set", &c.train); err != nil {
		return err
	}
	if c.config.BatchSize > c.train.Examples {
		return fmt.Errorf("train: checkpoint batch size %d exceeds the %d training examples; %s", c.config.BatchSize, c.train.Examples, errNotFromRun)
	}
	if c.valid != nil {
		if err := check("validation set", c.valid); err != nil {
			return err
		}
	} else if c.config.Patience > 0 {
		return fmt.Errorf("train: checkpoint uses early stopping without a validation set; %s", errNotFromRun)
	}
	return nil
}

// validateProgress checks the counts of c against each other: every epoch
// runs the same number of batches, one update each, and early stopping
// records an epoch of the history.
func (c *Checkpoint) validateProgress() error {
	batches := (c.train.Examples + c.config.BatchSize - 1) / c.config.BatchSize
	switch {
	case c.Epoch < 1 || c.Epoch > c.config.Epochs:
		return fmt.Errorf("train: checkpoint after epoch %d of a run of %d; %s", c.Epoch, c.config.Epochs, errNotFromRun)
	case c.Iteration%batches != 0 || c.Iteration/batches != c.Epoch:
		return fmt.Errorf("train: checkpoint after %d updates in %d epochs of %d batches; %s", c.Iteration, c.Epoch, batches, errNotFromRun)
	case c.optStep != c.Iteration:
		return fmt.Errorf("train: checkpoint optimizer step %d differs from its %d updates; %s", c.optStep, c.Iteration, errNotFromRun)
	case c.Elapsed < 0:
		return fmt.Errorf("train: checkpoint elapsed time %v is negative; %s", c.Elapsed, errNotFromRun)
	case len(c.History) != c.Epoch:
		return fmt.Errorf("train: checkpoint after epoch %d has %d history entries; %s", c.Epoch, len(c.History), errNotFromRun)
	}
	for i, m := range c.History {
		if m.Epoch != i+1 || m.Iterations != (i+1)*batches {
			return fmt.Errorf("train: checkpoint history entry %d is epoch %d after %d updates, want epoch %d after %d; %s",
				i, m.Epoch, m.Iterations, i+1, (i+1)*batches, errNotFromRun)
		}
	}
	switch {
	case c.config.Patience == 0 && (c.BestEpoch != 0 || !math.IsNaN(c.BestValidCost)):
		return fmt.Errorf("train: checkpoint has a best epoch %d without early stopping; %s", c.BestEpoch, errNotFromRun)
	case c.config.Patience > 0 && (c.BestEpoch < 1 || c.BestEpoch > c.Epoch):
		return fmt.Errorf("train: checkpoint best epoch %d is outside 1 … %d; %s", c.BestEpoch, c.Epoch, errNotFromRun)
	case c.config.Patience > 0 && math.Float64bits(c.BestValidCost) != math.Float64bits(c.History[c.BestEpoch-1].ValidCost):
		return fmt.Errorf("train: checkpoint best validation cost %v differs from epoch %d's %v; %s",
			c.BestValidCost, c.BestEpoch, c.History[c.BestEpoch-1].ValidCost, errNotFromRun)
	}
	return nil
}

// validateTensors checks that c has exactly the tensors of its
// architecture, optimizer and early stopping, each of the run's precision
// and its parameter's shape, with finite values.
func (c *Checkpoint) validateTensors() error {
	sizes := c.arch.Sizes
	n := 2 * (len(sizes) - 1) // W[1], b[1], … , b[L]
	byName := make(map[string]modelio.Tensor, len(c.tensors))
	for _, t := range c.tensors {
		byName[t.Name] = t
	}
	want := 0
	check := func(prefix string) error {
		for i := range n {
			name := paramName(prefix, i)
			t, ok := byName[name]
			if !ok {
				return fmt.Errorf("train: checkpoint tensor %s is missing; %s", name, errNotFromRun)
			}
			if t.DType != c.arch.DType {
				return fmt.Errorf("train: checkpoint tensor %s is %s, but the run was %s; %s", name, t.DType, c.arch.DType, errNotFromRun)
			}
			if shape := paramShape(sizes, i); !slices.Equal(t.Shape, shape) {
				return fmt.Errorf("train: checkpoint tensor %s has shape %v, want %v; %s", name, t.Shape, shape, errNotFromRun)
			}
			if k, bad := firstNonFinite(t); bad {
				return fmt.Errorf("train: checkpoint tensor %s has the non-finite value %v at element %d; %s", name, valueAt(t, k), k, errNotFromRun)
			}
		}
		want += n
		return nil
	}
	if err := check(""); err != nil {
		return err
	}
	if c.BestEpoch > 0 {
		if err := check(bestPrefix); err != nil {
			return err
		}
	}
	buffers := c.optimizerBuffers()
	for _, name := range buffers {
		if err := check(optimizerPrefix(name)); err != nil {
			return err
		}
	}
	if len(c.tensors) != want {
		for _, t := range c.tensors {
			if !c.expectedTensor(t.Name, buffers) {
				return fmt.Errorf("train: unexpected tensor %q in the checkpoint; %s", t.Name, errNotFromRun)
			}
		}
		return fmt.Errorf("train: checkpoint has %d tensors, want %d; %s", len(c.tensors), want, errNotFromRun)
	}

	// Let the optimizer check the buffer names and the step count: give
	// it a state with buffers of the right count, whose shapes it only
	// checks at the next step.
	opt, err := optim.New[float64](c.config.Optimizer)
	if err != nil {
		return fmt.Errorf("train: checkpoint optimizer: %w; %s", err, errNotFromRun)
	}
	st := optim.State[float64]{Method: c.config.Optimizer.Method, Step: c.optStep, Buffers: map[string][]*matrix.Dense[float64]{}}
	for _, name := range buffers {
		bufs := make([]*matrix.Dense[float64], n)
		for i := range bufs {
			bufs[i] = matrix.New[float64](0, 0, nil)
		}
		st.Buffers[name] = bufs
	}
	if err := opt.SetState(st); err != nil {
		return fmt.Errorf("train: checkpoint optimizer state: %w; %s", err, errNotFromRun)
	}
	return nil
}

// expectedTensor reports whether name is one of the names validateTensors
// looks for.
func (c *Checkpoint) expectedTensor(name string, buffers []string) bool {
	prefixes := []string{""}
	if c.BestEpoch > 0 {
		prefixes = append(prefixes, bestPrefix)
	}
	for _, b := range buffers {
		prefixes = append(prefixes, optimizerPrefix(b))
	}
	for _, p := range prefixes {
		for i := range 2 * (len(c.arch.Sizes) - 1) {
			if name == paramName(p, i) {
				return true
			}
		}
	}
	return false
}

// optimizerBufferOf returns the buffer of a tensor named
// optimizer.<buffer>.layers.…, and ok = false for other names.
func optimizerBufferOf(name string) (buffer string, ok bool) {
	rest, ok := strings.CutPrefix(name, "optimizer.")
	if !ok {
		return "", false
	}
	buffer, _, ok = strings.Cut(rest, ".layers.")
	return buffer, ok && buffer != ""
}

// firstNonFinite returns the index of the first NaN or ±Inf element of t.
func firstNonFinite(t modelio.Tensor) (int, bool) {
	for k, v := range t.F32 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return k, true
		}
	}
	for k, v := range t.F64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return k, true
		}
	}
	return 0, false
}

func valueAt(t modelio.Tensor, k int) float64 {
	if t.DType == modelio.F32 {
		return float64(t.F32[k])
	}
	return t.F64[k]
}

var (
	_ json.Marshaler   = jsonFloat(0)
	_ json.Unmarshaler = (*jsonFloat)(nil)
)
