package engine

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// Engine is one run of the playground: the data, the network and its
// training state. An Engine is not safe for concurrent use.
type Engine struct {
	settings Settings
	features []string // Settings.Features in the order of n[0]'s rows

	points            *data.Dataset[float64] // every example as a point (x1, x2)
	trainPts, testPts *data.Dataset[float64] // the points of each part; testPts may be nil
	train, test       *data.Dataset[float64] // the same examples as feature columns

	net     *nn.Network[float64]
	stepper *train.Stepper[float64]
	view    *nn.Network[float64] // a copy for the grid and the walk, so the run's caches stay as training left them
	domain  float64

	curve    []CurvePoint
	warnings []string
}

// CurvePoint is the costs after some training.
type CurvePoint struct {
	// Epoch counts epochs, with a fraction for the batches of an epoch in
	// progress: iterations / batches per epoch.
	Epoch float64 `json:"epoch"`
	// Train and Test are train.Evaluate's costs on the training and test
	// sets: the data term of J, without L2 or L1. Test is NaN without a
	// test set.
	Train float64 `json:"train"`
	Test  float64 `json:"test"`
}

// New returns an engine for settings s, ready to train: the data made or
// split, the network drawn. upload holds the points of an uploaded CSV
// file (see DecodeUpload) when s.Data is UploadName, and is ignored
// otherwise. See the package documentation for the order of the random
// draws, which is `backprop train`'s.
func New(s Settings, upload *data.Dataset[float64]) (*Engine, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{settings: s, features: sortFeatures(s.Features)}
	e.settings.Features = e.features
	if e.settings.Hidden == nil {
		e.settings.Hidden = []int{} // JSON [] rather than null for the page
	}

	// 1. The points.
	var err error
	if s.Data == UploadName {
		if upload == nil {
			return nil, errors.New("no uploaded file: choose a CSV file of points x1, x2 and a label")
		}
		if upload.Classes == 0 != s.Regression() {
			return nil, fmt.Errorf("the uploaded file was read for %s, but the settings ask for %s; upload it again", taskOf(upload), s.Task)
		}
		e.points = upload
	} else if e.points, err = generate(s); err != nil {
		return nil, err
	}
	e.domain = domainOf(e.points)

	// 2. The test set, from the run's one source, as `backprop train` holds
	// it out.
	src := rand.New(s.Seed)
	e.trainPts = e.points
	if s.TestFraction > 0 {
		if e.trainPts, _, e.testPts, err = e.points.Split(src, 0, s.TestFraction); err != nil {
			return nil, fmt.Errorf("test share %v: %w", s.TestFraction, err)
		}
	}
	e.train = withFeatures(e.trainPts, e.features)
	if e.testPts != nil {
		e.test = withFeatures(e.testPts, e.features)
	}

	// 3. The network, drawn from the same source.
	sizes, acts, loss, err := s.arch()
	if err != nil {
		return nil, err
	}
	if e.net, err = nn.New[float64](sizes, acts, loss); err != nil {
		return nil, err
	}
	k, err := nn.ParseInit(s.Init)
	if err != nil {
		return nil, err
	}
	if err := e.net.Init(k, NormalScale, src); err != nil {
		return nil, err
	}
	e.view = e.net.Clone()

	// 4. Training, on with the same source.
	opt, err := s.optimizer()
	if err != nil {
		return nil, err
	}
	cfg := train.Config{
		BatchSize:    s.Batch,
		Shuffle:      true,
		LearningRate: s.LearningRate,
		Optimizer:    opt,
		Lambda:       s.lambda(),
		Source:       src,
		Warn:         func(w error) { e.warnings = append(e.warnings, trimPrefix(w)) },
	}
	if e.stepper, err = train.NewStepper(e.net, e.train, nil, cfg); err != nil {
		return nil, errors.New(trimPrefix(err))
	}
	if err := e.record(); err != nil {
		return nil, err
	}
	return e, nil
}

// withFeatures returns the examples of pts with X replaced by their
// feature columns.
func withFeatures(pts *data.Dataset[float64], names []string) *data.Dataset[float64] {
	d := *pts
	d.X = transform(pts.X, names)
	d.FeatureNames = featureLabels(names)
	return &d
}

// domainOf returns the half-width of the square the page draws: the
// largest coordinate of any point with a margin of 10%, rounded up to a
// multiple of 0.5, and at least 1.
func domainOf(pts *data.Dataset[float64]) float64 {
	var r float64
	for _, v := range pts.X.RawData() {
		r = max(r, math.Abs(v))
	}
	return max(1, math.Ceil(r*1.1*2)/2)
}

func taskOf(d *data.Dataset[float64]) string {
	if d.Classes == 0 {
		return "regression"
	}
	return "classification"
}

// trimPrefix returns err's message without the package prefix of library
// errors, which means nothing on the page.
func trimPrefix(err error) string {
	msg := err.Error()
	for _, p := range []string{"train: ", "nn: ", "data: ", "explain: ", "modelio: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// Settings returns the engine's settings, with the features in the order
// of n[0]'s rows.
func (e *Engine) Settings() Settings { return e.settings }

// Network returns the network being trained. Changes to its weights
// between steps are what the next step starts from.
func (e *Engine) Network() *nn.Network[float64] { return e.net }

// Status is the state of training after the last step.
type Status struct {
	Epochs     int     `json:"epochs"`     // completed epochs
	Batch      int     `json:"batch"`      // batches run of the current epoch
	Batches    int     `json:"batches"`    // batches per epoch
	Iterations int     `json:"iterations"` // updates applied
	Train      float64 `json:"train"`      // cost on the training set, as CurvePoint
	Test       float64 `json:"test"`       // cost on the test set, NaN without one
	// TrainAccuracy and TestAccuracy are fractions, NaN for regression or
	// without a test set.
	TrainAccuracy float64 `json:"train_accuracy"`
	TestAccuracy  float64 `json:"test_accuracy"`
	LearningRate  float64 `json:"learning_rate"`
	// Error is the error that ended training, such as divergence, or "".
	Error string `json:"error,omitempty"`
}

// Status returns the state of training, with the costs and accuracies of
// the current weights.
func (e *Engine) Status() Status {
	st := Status{
		Epochs: e.stepper.Epochs(), Batches: e.stepper.Batches(), Iterations: e.stepper.Iterations(),
		LearningRate: e.stepper.LearningRate(), Test: math.NaN(), TestAccuracy: math.NaN(),
	}
	st.Batch = st.Iterations - st.Epochs*st.Batches
	st.Train, st.TrainAccuracy, _ = train.Evaluate(e.net, e.train)
	if e.test != nil {
		st.Test, st.TestAccuracy, _ = train.Evaluate(e.net, e.test)
	}
	if err := e.stepper.Err(); err != nil {
		st.Error = trimPrefix(err)
	}
	return st
}

// Step runs n updates, one mini-batch each. It stops at the first error,
// such as a *train.DivergedError, which every later call returns too.
func (e *Engine) Step(n int) error {
	for range n {
		b, _, err := e.stepper.Step()
		if err != nil {
			return e.fail(err)
		}
		e.shrinkL1(b)
	}
	return e.record()
}

// Epochs runs the rest of the current epoch and then n − 1 whole epochs.
// From an epoch boundary after k epochs, it leaves the network as
// `backprop train --epochs k+n` does. Errors are Step's.
func (e *Engine) Epochs(n int) error {
	for range n {
		for {
			b, done, err := e.stepper.Step()
			if err != nil {
				return e.fail(err)
			}
			e.shrinkL1(b)
			if done != nil {
				break
			}
		}
	}
	return e.record()
}

// fail records the costs of the weights training kept and returns err.
func (e *Engine) fail(err error) error {
	_ = e.record()
	return errors.New(trimPrefix(err))
}

// shrinkL1 applies the L1 step after batch b's update: each weight moves
// towards 0 by α·λ/m_b and stops at 0 instead of crossing it,
//
//	W[l] = sign(W[l]) ⊙ max(|W[l]| − α·λ/m_b, 0)
//
// the proximal step of (λ/m_b)·Σ_l ‖W[l]‖₁. Biases are not regularised.
func (e *Engine) shrinkL1(b train.Batch) {
	lambda := e.settings.l1()
	if lambda == 0 {
		return
	}
	t := b.LearningRate * lambda / float64(b.Size)
	for l := 1; l <= e.net.Layers(); l++ {
		w := e.net.W[l].RawData()
		for i, v := range w {
			switch {
			case v > t:
				w[i] = v - t
			case v < -t:
				w[i] = v + t
			default:
				w[i] = 0
			}
		}
	}
}

// record appends the costs of the current weights to the curve.
func (e *Engine) record() error {
	p := CurvePoint{Epoch: float64(e.stepper.Iterations()) / float64(e.stepper.Batches()), Test: math.NaN()}
	var err error
	if p.Train, _, err = train.Evaluate(e.net, e.train); err != nil {
		return err
	}
	if e.test != nil {
		if p.Test, _, err = train.Evaluate(e.net, e.test); err != nil {
			return err
		}
	}
	if n := len(e.curve); n > 0 && e.curve[n-1].Epoch == p.Epoch {
		e.curve[n-1] = p
	} else {
		e.curve = append(e.curve, p)
	}
	return nil
}

// Curve returns the costs recorded after each call of Step and Epochs,
// and after New. The slice is shared with the engine.
func (e *Engine) Curve() []CurvePoint { return e.curve }

// Warnings returns problems found before training that do not stop it,
// such as hidden units that can never differ.
func (e *Engine) Warnings() []string { return e.warnings }

// SetParam sets one parameter of the network: W[l][i][j] for name "W",
// or b[l][i] for name "b", with j = 0. Training goes on from the new
// value, with the optimizer's state unchanged. It returns an error naming
// the index out of range or a value that is not finite.
func (e *Engine) SetParam(name string, l, i, j int, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s[%d] cannot be %v: give a finite number", name, l, v)
	}
	L := e.net.Layers()
	if l < 1 || l > L {
		return fmt.Errorf("layer %d does not exist: the network has layers 1 … %d", l, L)
	}
	p := e.net.W[l]
	if name == "b" {
		p = e.net.B[l]
	} else if name != "W" {
		return fmt.Errorf("parameter %q: use W or b", name)
	}
	r, c := p.Dims()
	if i < 0 || i >= r || j < 0 || j >= c {
		return fmt.Errorf("%s[%d] is (%d, %d); there is no entry [%d][%d]", name, l, r, c, i, j)
	}
	p.Set(i, j, v)
	return e.record()
}

// Params returns W[l] and b[l] for l = 1 … L as lists of rows; index 0
// is empty, so W[l] is Params().W[l].
func (e *Engine) Params() (W, b [][][]float64) {
	L := e.net.Layers()
	W, b = make([][][]float64, L+1), make([][][]float64, L+1)
	for l := 1; l <= L; l++ {
		W[l] = e.net.W[l].ToRows()
		b[l] = e.net.B[l].ToRows()
	}
	return W, b
}

// Summary returns explain's summary of the network for a batch of the
// current size: shapes and parameter counts.
func (e *Engine) Summary() (*explain.Summary, error) {
	return explain.NewSummary(explain.ArchOf(e.net), e.batchSize())
}

// Equations returns the backpropagation method of the network for a batch
// of the current size, as `backprop explain` prints it.
func (e *Engine) Equations() (string, error) {
	eq, err := explain.NewEquations(explain.ArchOf(e.net), e.batchSize(), e.settings.lambda())
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := eq.Render(&b, explain.Text); err != nil {
		return "", err
	}
	return b.String(), nil
}

// batchSize returns m_b of a full batch of the training set.
func (e *Engine) batchSize() int {
	m := e.train.Len()
	if b := e.settings.Batch; b > 0 && b < m {
		return b
	}
	return m
}
