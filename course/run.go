package course

import (
	"fmt"
	"time"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// Options holds what an experiment needs from outside.
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
	step, err := newUpdater(r.Optimizer, r.LearningRate, net)
	if err != nil {
		return nil, err
	}
	var costs []float64
	if r.BatchSize > 0 {
		costs, err = miniBatches(net, train, r, step)
	} else {
		costs, err = fullBatch(net, train, r, step)
	}
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

// fullBatch runs r.Iterations gradient-descent steps on the whole set and
// returns the cost before each step.
func fullBatch(net *nn.Network[float64], set *data.Dataset[float64], r *Run, step func() error) ([]float64, error) {
	// X is the same at every step, so dW[1] reads Xᵀ made once.
	XT := new(matrix.Dense[float64])
	XT.Transpose(set.X)
	net.SetInputTranspose(set.X, XT)
	defer net.SetInputTranspose(nil, nil)
	costs := make([]float64, r.Iterations)
	for i := range costs {
		if _, err := net.Forward(set.X); err != nil {
			return nil, err
		}
		J, err := net.Cost(set.Y, 0)
		if err != nil {
			return nil, err
		}
		costs[i] = J
		if err := net.Backward(set.Y, 0); err != nil {
			return nil, err
		}
		if err := step(); err != nil {
			return nil, err
		}
	}
	return costs, nil
}

// miniBatches runs r.Iterations epochs of mini-batches drawn as the
// course's random_mini_batches draws them: before epoch e (counted from
// 1) the numpy source is reseeded with BatchSeed + e and one permutation
// of the m examples is cut into consecutive batches, the last one smaller.
// It returns the mean cost of each epoch, Σ over batches of the batch's
// cost times its size, divided by m.
func miniBatches(net *nn.Network[float64], set *data.Dataset[float64], r *Run, step func() error) ([]float64, error) {
	m := set.Len()
	src := rand.NewNumPy(0)
	costs := make([]float64, r.Iterations)
	var X, Y matrix.Dense[float64]
	for e := range costs {
		src.Seed(r.BatchSeed + uint32(e) + 1)
		perm := src.Perm(m)
		var total float64
		for k := 0; k < m; k += r.BatchSize {
			idx := perm[k:min(k+r.BatchSize, m)]
			X.GatherCols(set.X, idx)
			Y.GatherCols(set.Y, idx)
			if _, err := net.Forward(&X); err != nil {
				return nil, err
			}
			J, err := net.Cost(&Y, 0)
			if err != nil {
				return nil, err
			}
			total += J * float64(len(idx))
			if err := net.Backward(&Y, 0); err != nil {
				return nil, err
			}
			if err := step(); err != nil {
				return nil, err
			}
		}
		costs[e] = total / float64(m)
	}
	return costs, nil
}

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
