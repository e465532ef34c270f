package course

import (
	"math"
	"os"
	"testing"
)

// catDirEnv names the folder of the course's cat data for the tests.
const catDirEnv = "BACKPROP_CATVNONCAT_DIR"

// TestExperiments reruns every experiment and requires every published
// figure. The cat experiments need the course's HDF5 files.
func TestExperiments(t *testing.T) {
	for _, e := range Experiments() {
		t.Run(e.Name, func(t *testing.T) {
			opts := Options{}
			if e.Data == Cat {
				opts.CatDir = os.Getenv(catDirEnv)
				if opts.CatDir == "" {
					t.Skipf("set %s to the folder holding train_catvnoncat.h5 and test_catvnoncat.h5 to run this experiment", catDirEnv)
				}
			}
			if testing.Short() && e.Data == Cat {
				t.Skip("the cat experiments train for thousands of iterations; skipped with -short")
			}
			res, err := Reproduce(e, opts)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range res.Figures() {
				n++
				if !f.Match {
					t.Errorf("%s: got %.17g, want %.17g", f.What, f.Actual, f.Expected)
				}
			}
			if n == 0 {
				t.Error("the experiment compared no figures")
			}
			if !res.Match {
				t.Error("Result.Match is false")
			}
		})
	}
}

func TestFigureMatches(t *testing.T) {
	tests := []struct {
		f      Figure
		actual float64
		want   bool
	}{
		{Figure{Expected: 0.6931471805599453}, 0.6931471805599465, true},
		{Figure{Expected: 0.6931471805599453}, 0.6931471, false},
		{Figure{Expected: 0.693048, Digits: 6}, 0.6930480201239823, true},
		{Figure{Expected: 0.693048, Digits: 6}, 0.6930486, false},
		{Figure{Expected: 0.8, Exact: true}, 0.8, true},
		{Figure{Expected: 0.8, Exact: true}, 0.78, false},
		{Figure{Expected: 0.218569, Tolerance: 5e-5}, 0.218544, true},
		{Figure{Expected: 0.218569, Tolerance: 5e-5}, 0.2186, true},
		{Figure{Expected: 0.218569, Tolerance: 5e-5}, 0.2187, false},
		{Figure{Expected: 1}, math.NaN(), false},
		{Figure{Expected: 1, Exact: true}, math.Inf(1), false},
	}
	for i, tt := range tests {
		if got := tt.f.Matches(tt.actual); got != tt.want {
			t.Errorf("%d: %+v.Matches(%v) = %v, want %v", i, tt.f, tt.actual, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	if _, err := Lookup("cat-deep"); err != nil {
		t.Error(err)
	}
	if _, err := Lookup("cat-shallow"); err == nil {
		t.Error("Lookup of an unknown name gave no error")
	}
	for _, e := range Experiments() {
		if !e.Reproducible && e.Note == "" {
			t.Errorf("%s is not reproducible but its note does not say why", e.Name)
		}
		for _, r := range e.Runs {
			for _, c := range r.Costs {
				if c.Tolerance > 0 && c.Why == "" {
					t.Errorf("%s %s: a tolerance without a reason", e.Name, r.Label)
				}
			}
		}
	}
}

// TestCatDeepInitialWeights checks the first weights of the four-layer
// network: randn/√12288 after np.random.seed(1), whose first draw is
// numpy's 1.6243453636632417.
func TestCatDeepInitialWeights(t *testing.T) {
	e, err := Lookup("cat-deep")
	if err != nil {
		t.Fatal(err)
	}
	net, err := e.Runs[0].Network(12288)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := net.W[1].At(0, 0), 1.6243453636632417/math.Sqrt(12288); got != want {
		t.Errorf("W[1][0][0] = %.17g, want %.17g", got, want)
	}
	if got := net.Sizes; len(got) != 5 || got[1] != 20 || got[4] != 1 {
		t.Errorf("sizes %v", got)
	}
}
