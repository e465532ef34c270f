package course

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/backprop-go/backprop/nn"
)

// Data names the data set of an experiment.
type Data string

// The data sets. Cat reads the course's HDF5 files from a folder; the others
// are generated with the numpy-compatible source as the course generates
// them.
const (
	Cat     Data = "cat"     // train_catvnoncat.h5 (209) and test_catvnoncat.h5 (50)
	Flower  Data = "flower"  // the planar set, m = 400, np.random.seed(1)
	Circles Data = "circles" // make_circles(300, noise 0.05) after seed 1; test 100 after seed 2
	Moons   Data = "moons"   // make_moons(300, noise 0.2) after seed 3
)

// Figure is one published number and how closely a rerun must match it.
type Figure struct {
	What     string  // "cost at iteration 100", "test accuracy (%)"
	Expected float64 // the published value
	// Digits is the number of decimals the course prints. 0 means the value
	// is published to full precision and must match within 1e-9 relative.
	Digits int
	// Exact requires equality up to 1e-9 absolute; accuracies are ratios
	// of counts and match exactly when the predictions do.
	Exact bool
	// Printed is the course's own rendering of the figure when it differs
	// from Expected, such as a truncated "90%".
	Printed string
	// Tolerance, when positive, is the absolute difference allowed instead
	// of Digits, for a figure that moves with the last bit of rounding.
	// Why records what was measured.
	Tolerance float64
	Why       string
}

// Matches reports whether actual reproduces f.
func (f Figure) Matches(actual float64) bool {
	switch {
	case math.IsNaN(actual) || math.IsInf(actual, 0):
		return false
	case f.Tolerance > 0:
		return math.Abs(actual-f.Expected) <= f.Tolerance
	case f.Exact:
		return math.Abs(actual-f.Expected) <= 1e-9
	case f.Digits > 0:
		return math.Abs(actual-f.Expected) <= 0.5*math.Pow(10, -float64(f.Digits))*(1+1e-9)
	}
	return math.Abs(actual-f.Expected) <= 1e-9*math.Abs(f.Expected)
}

// Run is one training run of an experiment: an architecture, an
// initialisation and the optimisation, with the figures it must give.
type Run struct {
	Label        string // "n_h = 4", "He initialisation"
	Hidden       []int  // n[1] … n[L−1]; n[0] and n[L] come from the data
	Activations  []nn.Activation
	Init         nn.Init
	InitScale    float64 // the multiplier of nn.Normal
	InitSeed     uint32  // np.random.seed before the weights are drawn
	Optimizer    string  // gd, momentum or adam
	LearningRate float64
	// Iterations counts full-batch steps, or epochs when BatchSize > 0.
	Iterations int
	// BatchSize > 0 draws mini-batches as the course's random_mini_batches
	// does: np.random.seed(BatchSeed + epoch) and one permutation per epoch,
	// with epoch counted from 1.
	BatchSize int
	BatchSeed uint32
	// Costs lists the iterations whose cost, before that iteration's
	// update, is published.
	Costs []CostFigure
	// TrainAccuracy and TestAccuracy are the published accuracies, nil
	// when not published: in percent when Percent is set, as fractions
	// otherwise, following what each exercise prints.
	TrainAccuracy, TestAccuracy *Figure
	Percent                     bool
}

// CostFigure is a published cost at an iteration.
type CostFigure struct {
	Iteration int
	Figure
}

// Experiment is one published experiment.
type Experiment struct {
	Name        string
	Title       string
	Data        Data
	Description string
	// Reproducible is false when the course's figures cannot be rerun
	// exactly, and Note then gives the reason.
	Reproducible bool
	Note         string
	Runs         []Run
}

// Experiments returns the experiments in the order of the course.
func Experiments() []*Experiment { return experiments }

// Lookup returns the experiment with the given name.
func Lookup(name string) (*Experiment, error) {
	for _, e := range experiments {
		if e.Name == name {
			return e, nil
		}
	}
	names := make([]string, len(experiments))
	for i, e := range experiments {
		names[i] = e.Name
	}
	sort.Strings(names)
	return nil, fmt.Errorf("course: no experiment %q; use one of %s", name, strings.Join(names, ", "))
}
