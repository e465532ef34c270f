package optim_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/optim"
)

// The reference cases' numbers come from PyTorch float64 autograd,
// cross-checked with a separate numpy implementation (see
// internal/testcases/README.md).

// float32Tolerance is the rule for float32 runs of the float64 reference
// values: float32 keeps about 7 significant digits.
var float32Tolerance = testcases.Tolerance{Abs: 2e-6, Rel: 2e-5}

// stepsInput is the input of an optimizer_steps case.
type stepsInput struct {
	Optimizer    string      `json:"optimizer"`
	LearningRate float64     `json:"learning_rate"`
	Beta         float64     `json:"beta"`
	Beta1        float64     `json:"beta1"`
	Beta2        float64     `json:"beta2"`
	Epsilon      float64     `json:"epsilon"`
	Params0      []float64   `json:"params0"`
	Grads        [][]float64 `json:"grads"`
}

// stepExpected is one step of an optimizer_steps or train case; fields a
// case does not give stay nil.
type stepExpected struct {
	T           int       `json:"t"`
	Grad        []float64 `json:"grad"`
	M           []float64 `json:"m"`
	V           []float64 `json:"v"`
	MHat        []float64 `json:"m_hat"`
	VHat        []float64 `json:"v_hat"`
	ParamsAfter []float64 `json:"params_after"`
}

func TestOptimizerStepsCases64(t *testing.T) { runOptimizerStepsCases[float64](t, nil) }

func TestOptimizerStepsCases32(t *testing.T) {
	runOptimizerStepsCases[float32](t, &float32Tolerance)
}

// runOptimizerStepsCases feeds each optimizer_steps case's gradients to
// the optimizer it names and compares the parameters and the state after
// every step.
func runOptimizerStepsCases[T matrix.Float](t *testing.T, tol32 *testcases.Tolerance) {
	cases, err := testcases.Load("optimizer_steps")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 2 {
		t.Fatalf("%d optimizer_steps cases, want at least 2 (adam-02, momentum-01)", len(cases))
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			var in stepsInput
			var want struct {
				Steps []stepExpected `json:"steps"`
			}
			if err := json.Unmarshal(c.Raw, &struct {
				Input    *stepsInput `json:"input"`
				Expected any         `json:"expected"`
			}{&in, &want}); err != nil {
				t.Fatal(err)
			}
			tol := c.Tol()
			if tol32 != nil {
				tol = *tol32
			}
			method, err := optim.ParseMethod(in.Optimizer)
			if err != nil {
				t.Fatal(err)
			}
			opt, err := optim.New[T](optim.Config{Method: method, Beta: in.Beta, Beta1: in.Beta1, Beta2: in.Beta2, Epsilon: in.Epsilon})
			if err != nil {
				t.Fatal(err)
			}
			p := rowVector[T](in.Params0)
			if len(want.Steps) != len(in.Grads) {
				t.Fatalf("%d expected steps for %d gradients", len(want.Steps), len(in.Grads))
			}
			for s, g := range in.Grads {
				if err := opt.Step([]*matrix.Dense[T]{p}, []*matrix.Dense[T]{rowVector[T](g)}, in.LearningRate); err != nil {
					t.Fatalf("step %d: %v", s+1, err)
				}
				w := want.Steps[s]
				st := opt.State()
				if st.Step != w.T {
					t.Errorf("step %d: state step count %d, want t = %d", s+1, st.Step, w.T)
				}
				compareVector(t, fmt.Sprintf("step %d: params", s+1), p, w.ParamsAfter, tol)
				checkMoments(t, fmt.Sprintf("step %d", s+1), method, st, []float64{in.Beta1, in.Beta2}, w, tol)
			}
		})
	}
}

// checkMoments compares the state buffers of a one-parameter optimizer
// with the case's m, v, m̂ and v̂, where the case gives them. For Adam, m̂
// and v̂ are derived from the state with the case's β1 and β2.
func checkMoments[T matrix.Float](t *testing.T, label string, method optim.Method, st optim.State[T], betas []float64, w stepExpected, tol testcases.Tolerance) {
	t.Helper()
	buf := func(name string) *matrix.Dense[T] {
		b := st.Buffers[name]
		if len(b) != 1 {
			t.Fatalf("%s: state has %d %q buffers, want 1", label, len(b), name)
		}
		return b[0]
	}
	switch method {
	case optim.Momentum:
		if w.V != nil {
			compareVector(t, label+": v", buf("v"), w.V, tol)
		}
	case optim.Adam:
		m, v := buf("m"), buf("v")
		if w.M != nil {
			compareVector(t, label+": m", m, w.M, tol)
		}
		if w.V != nil {
			compareVector(t, label+": v", v, w.V, tol)
		}
		if w.MHat != nil {
			mHat := new(matrix.Dense[T])
			mHat.Scale(T(1/(1-math.Pow(betas[0], float64(w.T)))), m)
			compareVector(t, label+": m̂", mHat, w.MHat, tol)
		}
		if w.VHat != nil {
			vHat := new(matrix.Dense[T])
			vHat.Scale(T(1/(1-math.Pow(betas[1], float64(w.T)))), v)
			compareVector(t, label+": v̂", vHat, w.VHat, tol)
		}
	}
}

// TestMomentumNotHeavyBall checks that momentum-01's parameters differ
// from those of the heavy-ball form v = β·v + g listed in its diagnostics.
func TestMomentumNotHeavyBall(t *testing.T) {
	c, err := testcases.Get("momentum-01")
	if err != nil {
		t.Fatal(err)
	}
	var in stepsInput
	var diag struct {
		Params [][]float64 `json:"params_if_heavy_ball_form"`
	}
	if err := json.Unmarshal(c.Raw, &struct {
		Input       *stepsInput `json:"input"`
		Diagnostics any         `json:"diagnostics"`
	}{&in, &diag}); err != nil {
		t.Fatal(err)
	}
	opt, err := optim.New[float64](optim.Config{Method: optim.Momentum, Beta: in.Beta})
	if err != nil {
		t.Fatal(err)
	}
	p := rowVector[float64](in.Params0)
	for s, g := range in.Grads {
		if err := opt.Step([]*matrix.Dense[float64]{p}, []*matrix.Dense[float64]{rowVector[float64](g)}, in.LearningRate); err != nil {
			t.Fatal(err)
		}
		if vectorClose(p, diag.Params[s], c.Tol()) {
			t.Errorf("step %d: params %v match the heavy-ball form", s+1, p.RawData())
		}
	}
}

// trainCase is the part of a train case that the optimizer tests read.
type trainCase struct {
	Input struct {
		Network testcases.Network `json:"network"`
		X       [][]float64       `json:"X"`
		Y       [][]float64       `json:"Y"`
		Train   struct {
			Optimizer    string  `json:"optimizer"`
			LearningRate float64 `json:"learning_rate"`
			Beta1        float64 `json:"beta1"`
			Beta2        float64 `json:"beta2"`
			Epsilon      float64 `json:"epsilon"`
			BatchSize    int     `json:"batch_size"`
			Epochs       int     `json:"epochs"`
		} `json:"train"`
	} `json:"input"`
	Expected struct {
		Steps []struct {
			stepExpected
			Cost   float64       `json:"cost_before_update"`
			WAfter [][][]float64 `json:"W_after"`
			BAfter [][][]float64 `json:"b_after"`
		} `json:"steps"`
	} `json:"expected"`
	Diagnostics struct {
		NoBiasCorrection struct {
			W [][][]float64 `json:"W"`
			B [][][]float64 `json:"b"`
		} `json:"params_after_step2_without_bias_correction"`
		TStartsAt2 struct {
			W [][][]float64 `json:"W"`
			B [][][]float64 `json:"b"`
		} `json:"params_after_step2_if_t_starts_at_2"`
	} `json:"diagnostics"`
}

func TestAdamOnNetwork64(t *testing.T) { runAdamOnNetwork[float64](t, nil) }

func TestAdamOnNetwork32(t *testing.T) { runAdamOnNetwork[float32](t, &float32Tolerance) }

// runAdamOnNetwork runs adam-01 by hand: full-batch Forward, Cost and
// Backward from package nn, then an Adam step over net.Params() and
// net.Grads(), and compares the cost, gradient, moments and parameters of
// each step. The loop itself is tested in package train.
func runAdamOnNetwork[T matrix.Float](t *testing.T, tol32 *testcases.Tolerance) {
	c, err := testcases.Get("adam-01")
	if err != nil {
		t.Fatal(err)
	}
	var tc trainCase
	if err := json.Unmarshal(c.Raw, &tc); err != nil {
		t.Fatal(err)
	}
	tol := c.Tol()
	if tol32 != nil {
		tol = *tol32
	}
	in := tc.Input
	net, err := testcases.BuildNetwork[T](&in.Network)
	if err != nil {
		t.Fatal(err)
	}
	X, err := testcases.Matrix[T](in.X)
	if err != nil {
		t.Fatal(err)
	}
	Y, err := testcases.Matrix[T](in.Y)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := optim.New[T](optim.Config{Method: optim.Adam, Beta1: in.Train.Beta1, Beta2: in.Train.Beta2, Epsilon: in.Train.Epsilon})
	if err != nil {
		t.Fatal(err)
	}
	if len(tc.Expected.Steps) != in.Train.Epochs {
		t.Fatalf("%d expected steps for %d full-batch epochs", len(tc.Expected.Steps), in.Train.Epochs)
	}
	for s, w := range tc.Expected.Steps {
		label := fmt.Sprintf("step %d", s+1)
		if _, err := net.Forward(X); err != nil {
			t.Fatal(err)
		}
		cost, err := net.Cost(Y, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !tol.Close(cost, w.Cost) {
			t.Errorf("%s: cost before update %.17g, want %.17g", label, cost, w.Cost)
		}
		if err := net.Backward(Y, 0); err != nil {
			t.Fatal(err)
		}
		compareVector(t, label+": grad", flatten(net.Grads()), w.Grad, tol)
		if err := opt.Step(net.Params(), net.Grads(), in.Train.LearningRate); err != nil {
			t.Fatal(err)
		}
		st := opt.State()
		flat := optim.State[T]{Method: st.Method, Step: st.Step, Buffers: map[string][]*matrix.Dense[T]{
			"m": {flatten(st.Buffers["m"])},
			"v": {flatten(st.Buffers["v"])},
		}}
		checkMoments(t, label, optim.Adam, flat, []float64{in.Train.Beta1, in.Train.Beta2}, w.stepExpected, tol)
		for l := 1; l <= net.Layers(); l++ {
			compareRows(t, fmt.Sprintf("%s: W[%d]", label, l), net.W[l], w.WAfter[l-1], tol)
			compareRows(t, fmt.Sprintf("%s: b[%d]", label, l), net.B[l], w.BAfter[l-1], tol)
		}
	}

	// The weights after step 2 must not be those of the usual bugs.
	diag := tc.Diagnostics
	if rowsClose(net.W[1], diag.NoBiasCorrection.W[0], tol) || rowsClose(net.B[1], diag.NoBiasCorrection.B[0], tol) {
		t.Errorf("parameters after step 2 match Adam without bias correction")
	}
	if rowsClose(net.W[1], diag.TStartsAt2.W[0], tol) || rowsClose(net.B[1], diag.TStartsAt2.B[0], tol) {
		t.Errorf("parameters after step 2 match Adam with t starting at 2")
	}
}

func rowVector[T matrix.Float](v []float64) *matrix.Dense[T] {
	d := make([]T, len(v))
	for i, x := range v {
		d[i] = T(x)
	}
	return matrix.New(1, len(d), d)
}

// flatten returns the elements of ms, each row-major, as one (1, n) row:
// the flat parameter vector of DESIGN's order.
func flatten[T matrix.Float](ms []*matrix.Dense[T]) *matrix.Dense[T] {
	var d []T
	for _, m := range ms {
		d = append(d, m.RawData()...)
	}
	return matrix.New(1, len(d), d)
}

func vectorClose[T matrix.Float](got *matrix.Dense[T], want []float64, tol testcases.Tolerance) bool {
	g := got.RawData()
	if len(g) != len(want) {
		return false
	}
	for i, w := range want {
		if !tol.Close(float64(g[i]), w) {
			return false
		}
	}
	return true
}

func compareVector[T matrix.Float](t *testing.T, label string, got *matrix.Dense[T], want []float64, tol testcases.Tolerance) {
	t.Helper()
	g := got.RawData()
	if len(g) != len(want) {
		t.Errorf("%s: %d values, want %d", label, len(g), len(want))
		return
	}
	for i, w := range want {
		if !tol.Close(float64(g[i]), w) {
			t.Errorf("%s[%d] = %.17g, want %.17g", label, i, float64(g[i]), w)
		}
	}
}

func rowsClose[T matrix.Float](got *matrix.Dense[T], want [][]float64, tol testcases.Tolerance) bool {
	var flat []float64
	for _, r := range want {
		flat = append(flat, r...)
	}
	return got.Rows() == len(want) && vectorClose(got, flat, tol)
}

func compareRows[T matrix.Float](t *testing.T, label string, got *matrix.Dense[T], want [][]float64, tol testcases.Tolerance) {
	t.Helper()
	rows := make(testcases.Rows, len(want))
	for i, r := range want {
		rows[i] = make([]*float64, len(r))
		for j := range r {
			rows[i][j] = &r[j]
		}
	}
	if msg := testcases.Compare(label, got, rows, tol); msg != "" {
		t.Error(msg)
	}
}
