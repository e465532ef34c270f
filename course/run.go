package course

import (
	"fmt"
	"time"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// Options are the inputs an experiment takes from its caller.
type Options struct {
	// CatDir is the folder holding train_catvnoncat.h5 and
	// test_catvnoncat.h5.
	CatDir string
	// Progress, when non-nil, is called after each run of an experiment.
	Progress func(run *RunResult)
}

// Result is the outcome of an experiment.
type Result struct {
	Name    string
	Match   bool
	Seconds float64
	Runs    []*RunResult
}

// RunResult is the outcome of one run.
type RunResult struct {
	Label   string
	Seconds float64
	Figures []FigureResult
	// Costs holds the cost before the update of every iteration (or the
	// mean cost of every epoch).
	Costs []float64
}

// FigureResult compares one published figure with the rerun.
type FigureResult struct {
	Figure
	Actual float64
	Match  bool
}

// Figures returns every figure of every run, labelled with its run.
func (r *Result) Figures() []FigureResult {
	var out []FigureResult
	for _, run := range r.Runs {
		for _, f := range run.Figures {
			if len(r.Runs) > 1 {
				f.What = run.Label + ": " + f.What
			}
			out = append(out, f)
		}
	}
	return out
}

// dataSets holds an experiment's training and test sets.
type dataSets struct {
	train, test *data.Dataset[float64]
}

func load(d Data, opts Options) (*dataSets, error) {
	switch d {
	case Cat:
		if opts.CatDir == "" {
			return nil, fmt.Errorf("course: the cat experiments need the folder holding train_catvnoncat.h5 and test_catvnoncat.h5")
		}
		train, test, err := data.LoadCatVNonCat[float64](opts.CatDir)
		if err != nil {
			return nil, err
		}
		return &dataSets{train, test}, nil
	case Flower:
		return &dataSets{train: data.CourseFlower[float64]()}, nil
	case Circles:
		train, err := data.CourseCircles[float64](1, 300, 0.05)
		if err != nil {
			return nil, err
		}
		test, err := data.CourseCircles[float64](2, 100, 0.05)
		if err != nil {
			return nil, err
		}
		return &dataSets{train, test}, nil
	case Moons:
		train, err := data.CourseMoons[float64](3, 300, 0.2)
		if err != nil {
			return nil, err
		}
		return &dataSets{train: train}, nil
	}
	return nil, fmt.Errorf("course: unknown data set %q", d)
}

// Reproduce reruns experiment e and compares every published figure.
func Reproduce(e *Experiment, opts Options) (*Result, error) {
	start := time.Now()
	sets, err := load(e.Data, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Name: e.Name, Match: true}
	for i := range e.Runs {
		rr, err := runOne(&e.Runs[i], sets)
		if err != nil {
			return nil, fmt.Errorf("course: %s, run %q: %w", e.Name, e.Runs[i].Label, err)
		}
		for _, f := range rr.Figures {
			res.Match = res.Match && f.Match
		}
		res.Runs = append(res.Runs, rr)
		if opts.Progress != nil {
			opts.Progress(rr)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// Network returns the run's network for n_x inputs, initialised as the
// course initialises it.
func (r *Run) Network(nx int) (*nn.Network[float64], error) {
	sizes := append(append([]int{nx}, r.Hidden...), 1)
	net, err := nn.New[float64](sizes, r.Activations, nn.BCE)
	if err != nil {
		return nil, err
	}
	if err := net.Init(r.Init, r.InitScale, rand.NewNumPy(r.InitSeed)); err != nil {
		return nil, err
	}
	return net, nil
}

func runOne(r *Run, sets *dataSets) (*RunResult, error) {
	start := time.Now()
	train := sets.train
	net, err := r.Network(train.Features())
	if err != nil {
		return nil, err
	}
	costs, err := trainRun(net, train, r)
	if err != nil {
		return nil, err
	}
	rr := &RunResult{Label: r.Label, Costs: costs}
	for _, c := range r.Costs {
		f := c.Figure
		f.What = fmt.Sprintf("cost at iteration %d", c.Iteration)
		if r.BatchSize > 0 {
			f.What = fmt.Sprintf("cost of epoch %d", c.Iteration)
		}
		actual := costs[c.Iteration]
		rr.Figures = append(rr.Figures, FigureResult{Figure: f, Actual: actual, Match: f.Matches(actual)})
	}
	for _, acc := range []struct {
		what string
		fig  *Figure
		set  *data.Dataset[float64]
	}{{"train accuracy", r.TrainAccuracy, train}, {"test accuracy", r.TestAccuracy, sets.test}} {
		if acc.fig == nil {
			continue
		}
		actual, err := accuracy(net, acc.set, r.Percent)
		if err != nil {
			return nil, err
		}
		f := *acc.fig
		f.What = acc.what
		rr.Figures = append(rr.Figures, FigureResult{Figure: f, Actual: actual, Match: f.Matches(actual)})
	}
	rr.Seconds = time.Since(start).Seconds()
	return rr, nil
}

// trainRun trains net with train.Run as the course's exercise does and
// returns the cost of every iteration, or of every epoch with
// mini-batches: the mean over the epoch's examples of the cost before
// each update, which for a full batch is the lecture's cost at iteration
// i. The optimizer is the one the course names (gd, momentum, adam), with
// its default hyperparameters, which are the course's: β = 0.9,
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func trainRun(net *nn.Network[float64], set *data.Dataset[float64], r *Run) ([]float64, error) {
	method, err := optim.ParseMethod(r.Optimizer)
	if err != nil {
		return nil, err
	}
	costs := make([]float64, 0, r.Iterations)
	cfg := train.Config{
		Epochs:       r.Iterations,
		BatchSize:    r.BatchSize,
		Shuffle:      r.BatchSize > 0,
		LearningRate: r.LearningRate,
		Optimizer:    optim.Config{Method: method},
		OnEpoch: func(m train.Metrics) error {
			costs = append(costs, m.Cost)
			return nil
		},
	}
	if r.BatchSize > 0 {
		cfg.Source = &courseBatches{src: rand.NewNumPy(0), seed: r.BatchSeed}
	}
	if _, err := train.Run(net, set, nil, cfg); err != nil {
		return nil, err
	}
	return costs, nil
}

// courseBatches draws each epoch's example order as the course's
// random_mini_batches does: before epoch e, counted from 1, the numpy
// source is reseeded with seed + e, then one permutation is drawn.
type courseBatches struct {
	src   *rand.NumPy
	seed  uint32
	epoch uint32
}

func (b *courseBatches) Perm(n int) []int {
	b.epoch++
	b.src.Seed(b.seed + b.epoch)
	return b.src.Perm(n)
}

// Float64 serves dropout masks, which the course's experiments do not use.
func (b *courseBatches) Float64() float64 { return b.src.Float64() }

// accuracy returns the share of examples whose predicted class equals the
// label, as a fraction or, when percent is set, in percent.
func accuracy(net *nn.Network[float64], set *data.Dataset[float64], percent bool) (float64, error) {
	pred, err := net.Predict(set.X)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, p := range pred {
		if p == set.Labels[i] {
			correct++
		}
	}
	if percent {
		return 100 * float64(correct) / float64(len(pred)), nil
	}
	return float64(correct) / float64(len(pred)), nil
}
