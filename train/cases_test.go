package train_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// The reference cases' numbers come from PyTorch float64 autograd,
// cross-checked with a separate numpy implementation (see
// internal/testcases/README.md).

// float32Tolerance is the rule for float32 runs of the float64 reference
// values: float32 keeps about 7 significant digits.
var float32Tolerance = testcases.Tolerance{Abs: 2e-6, Rel: 2e-5}

// caseInput is the input of a train case.
type caseInput struct {
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
		Shuffle      bool    `json:"shuffle"`
	} `json:"train"`
}

// config returns the Config that the case's "train" object describes.
func (in *caseInput) config(t *testing.T) train.Config {
	t.Helper()
	method, err := optim.ParseMethod(in.Train.Optimizer)
	if err != nil {
		t.Fatal(err)
	}
	return train.Config{
		Epochs:       in.Train.Epochs,
		BatchSize:    in.Train.BatchSize,
		Shuffle:      in.Train.Shuffle,
		LearningRate: in.Train.LearningRate,
		Optimizer:    optim.Config{Method: method, Beta1: in.Train.Beta1, Beta2: in.Train.Beta2, Epsilon: in.Train.Epsilon},
	}
}

// buildCase returns the case's network in precision T and its training
// set.
func buildCase[T matrix.Float](t *testing.T, in *caseInput) (*nn.Network[T], *data.Dataset[T]) {
	t.Helper()
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
	return net, &data.Dataset[T]{X: X, Y: Y}
}

func loadCase(t *testing.T, id string, v any) *testcases.Case {
	t.Helper()
	c, err := testcases.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Operation != "train" {
		t.Fatalf("%s: operation %q, want train", id, c.Operation)
	}
	if err := json.Unmarshal(c.Raw, v); err != nil {
		t.Fatal(err)
	}
	return c
}

func pick(tol testcases.Tolerance, tol32 *testcases.Tolerance) testcases.Tolerance {
	if tol32 != nil {
		return *tol32
	}
	return tol
}

func TestMinibatchRemainderCase64(t *testing.T) { runMinibatchRemainder[float64](t, nil) }

func TestMinibatchRemainderCase32(t *testing.T) {
	runMinibatchRemainder[float32](t, &float32Tolerance)
}

// runMinibatchRemainder trains minibatch-remainder-01: 67 examples in
// batches of 64 and 3 without shuffling, each batch averaged over its own
// size, and checks every batch's cost, gradients and weights.
func runMinibatchRemainder[T matrix.Float](t *testing.T, tol32 *testcases.Tolerance) {
	var tc struct {
		Input    caseInput `json:"input"`
		Expected struct {
			Steps []struct {
				Examples  [2]int      `json:"examples"`
				BatchSize int         `json:"batch_size"`
				Cost      float64     `json:"cost_before_update"`
				DW        [][]float64 `json:"dW"`
				DB        [][]float64 `json:"db"`
				WAfter    [][]float64 `json:"W_after"`
				BAfter    [][]float64 `json:"b_after"`
			} `json:"steps"`
			WFinal [][]float64 `json:"W_final"`
			BFinal [][]float64 `json:"b_final"`
		} `json:"expected"`
		Diagnostics map[string]struct {
			W [][]float64 `json:"W"`
			B [][]float64 `json:"b"`
		} `json:"diagnostics"`
	}
	c := loadCase(t, "minibatch-remainder-01", &tc)
	tol := pick(c.Tol(), tol32)
	net, ds := buildCase[T](t, &tc.Input)
	cfg := tc.Input.config(t)
	if cfg.Shuffle {
		t.Fatalf("case shuffles; it is meant to keep the file order")
	}

	steps := tc.Expected.Steps
	cfg.OnBatch = func(b train.Batch) error {
		if b.Index > len(steps) {
			return fmt.Errorf("batch %d: the case has %d", b.Index, len(steps))
		}
		w := steps[b.Index-1]
		label := fmt.Sprintf("batch %d", b.Index)
		if b.Size != w.BatchSize || b.Batches != len(steps) {
			t.Errorf("%s: size %d of %d batches, want %d of %d", label, b.Size, b.Batches, w.BatchSize, len(steps))
		}
		// A[0] holds the batch's inputs: examples w.Examples[0] … [1]−1 in order.
		first := matrix.New[T](ds.X.Rows(), 1, nil)
		first.SliceCols(ds.X, w.Examples[0], w.Examples[0]+1)
		got := matrix.New[T](ds.X.Rows(), 1, nil)
		got.SliceCols(net.A[0], 0, 1)
		if !matrix.Equal(got, first) {
			t.Errorf("%s: first column is not example %d", label, w.Examples[0])
		}
		if !tol.Close(b.Cost, w.Cost) {
			t.Errorf("%s: cost %.17g, want %.17g", label, b.Cost, w.Cost)
		}
		compareRows(t, label+": dW[1]", net.DW[1], w.DW, tol)
		compareRows(t, label+": db[1]", net.DB[1], w.DB, tol)
		compareRows(t, label+": W[1]", net.W[1], w.WAfter, tol)
		compareRows(t, label+": b[1]", net.B[1], w.BAfter, tol)
		return nil
	}
	res, err := train.Run(net, ds, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != len(steps) || res.Epochs != 1 {
		t.Errorf("%d iterations in %d epochs, want %d in 1", res.Iterations, res.Epochs, len(steps))
	}
	compareRows(t, "final W[1]", net.W[1], tc.Expected.WFinal, tol)
	compareRows(t, "final b[1]", net.B[1], tc.Expected.BFinal, tol)

	// The epoch cost is the batch costs weighted by batch size.
	wantCost := (64*steps[0].Cost + 3*steps[1].Cost) / 67
	if got := res.History[0].Cost; !tol.Close(got, wantCost) {
		t.Errorf("epoch cost %.17g, want %.17g", got, wantCost)
	}
	for name, d := range tc.Diagnostics {
		if rowsClose(net.W[1], d.W, tol) && rowsClose(net.B[1], d.B, tol) {
			t.Errorf("final weights match the diagnostic %s", name)
		}
	}
}

func TestAdamCase64(t *testing.T) { runAdamCase[float64](t, nil) }

func TestAdamCase32(t *testing.T) { runAdamCase[float32](t, &float32Tolerance) }

// runAdamCase trains adam-01 through Run: two full-batch Adam updates.
// The optimizer's moments are checked in package optim.
func runAdamCase[T matrix.Float](t *testing.T, tol32 *testcases.Tolerance) {
	var tc struct {
		Input    caseInput `json:"input"`
		Expected struct {
			Steps []struct {
				T      int           `json:"t"`
				Cost   float64       `json:"cost_before_update"`
				Grad   []float64     `json:"grad"`
				WAfter [][][]float64 `json:"W_after"`
				BAfter [][][]float64 `json:"b_after"`
			} `json:"steps"`
		} `json:"expected"`
	}
	c := loadCase(t, "adam-01", &tc)
	tol := pick(c.Tol(), tol32)
	net, ds := buildCase[T](t, &tc.Input)
	cfg := tc.Input.config(t)
	steps := tc.Expected.Steps
	cfg.OnBatch = func(b train.Batch) error {
		w := steps[b.Iteration-1]
		label := fmt.Sprintf("iteration %d", b.Iteration)
		if b.Iteration != w.T || b.Index != 1 || b.Batches != 1 {
			t.Errorf("%s: batch %d of %d, want one full batch per epoch", label, b.Index, b.Batches)
		}
		if !tol.Close(b.Cost, w.Cost) {
			t.Errorf("%s: cost %.17g, want %.17g", label, b.Cost, w.Cost)
		}
		var grad []float64
		for _, g := range net.Grads() {
			for _, v := range g.RawData() {
				grad = append(grad, float64(v))
			}
		}
		for i, want := range w.Grad {
			if !tol.Close(grad[i], want) {
				t.Errorf("%s: grad[%d] = %.17g, want %.17g", label, i, grad[i], want)
			}
		}
		compareRows(t, label+": W[1]", net.W[1], w.WAfter[0], tol)
		compareRows(t, label+": b[1]", net.B[1], w.BAfter[0], tol)
		return nil
	}
	var costs []float64
	cfg.OnEpoch = func(m train.Metrics) error {
		costs = append(costs, m.Cost)
		return nil
	}
	res, err := train.Run(net, ds, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != len(steps) {
		t.Fatalf("%d iterations, want %d", res.Iterations, len(steps))
	}
	// With one full batch the epoch cost is J before that epoch's update.
	for i, s := range steps {
		if !tol.Close(costs[i], s.Cost) {
			t.Errorf("epoch %d: cost %.17g, want %.17g", i+1, costs[i], s.Cost)
		}
	}
}

func TestZeroInitSymmetryCase64(t *testing.T) { runZeroInitSymmetry[float64](t, nil) }

func TestZeroInitSymmetryCase32(t *testing.T) {
	runZeroInitSymmetry[float32](t, &float32Tolerance)
}

// runZeroInitSymmetry trains zero-init-symmetry-01's all-zero network:
// Run warns about layer 1 before training, the steps match the case, and
// the rows of W[1] stay identical.
func runZeroInitSymmetry[T matrix.Float](t *testing.T, tol32 *testcases.Tolerance) {
	var tc struct {
		Input    caseInput `json:"input"`
		Expected struct {
			A struct {
				Steps []struct {
					T      int           `json:"t"`
					Cost   float64       `json:"cost_before_update"`
					DW     [][][]float64 `json:"dW"`
					DB     [][][]float64 `json:"db"`
					WAfter [][][]float64 `json:"W_after"`
					BAfter [][][]float64 `json:"b_after"`
				} `json:"steps"`
				RowsIdentical bool `json:"W1_rows_identical_after_each_step"`
			} `json:"a"`
		} `json:"expected"`
	}
	c := loadCase(t, "zero-init-symmetry-01", &tc)
	tol := pick(c.Tol(), tol32)
	net, ds := buildCase[T](t, &tc.Input)
	cfg := tc.Input.config(t)

	var warnings []error
	cfg.Warn = func(err error) { warnings = append(warnings, err) }
	steps := tc.Expected.A.Steps
	cfg.OnBatch = func(b train.Batch) error {
		w := steps[b.Iteration-1]
		label := fmt.Sprintf("iteration %d", b.Iteration)
		if len(warnings) != 1 {
			t.Errorf("%s: %d warnings before training, want 1", label, len(warnings))
		}
		if !tol.Close(b.Cost, w.Cost) {
			t.Errorf("%s: cost %.17g, want %.17g", label, b.Cost, w.Cost)
		}
		for l := 1; l <= net.Layers(); l++ {
			compareRows(t, fmt.Sprintf("%s: dW[%d]", label, l), net.DW[l], w.DW[l-1], tol)
			compareRows(t, fmt.Sprintf("%s: db[%d]", label, l), net.DB[l], w.DB[l-1], tol)
			compareRows(t, fmt.Sprintf("%s: W[%d]", label, l), net.W[l], w.WAfter[l-1], tol)
			compareRows(t, fmt.Sprintf("%s: b[%d]", label, l), net.B[l], w.BAfter[l-1], tol)
		}
		if tc.Expected.A.RowsIdentical {
			for i := 1; i < net.W[1].Rows(); i++ {
				if !equalBits(net.W[1].RawRow(i), net.W[1].RawRow(0)) {
					t.Errorf("%s: row %d of W[1] differs from row 0", label, i)
				}
			}
		}
		return nil
	}
	res, err := train.Run(net, ds, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != len(steps) {
		t.Errorf("%d iterations, want %d", res.Iterations, len(steps))
	}
	if len(warnings) != 1 {
		t.Fatalf("%d warnings, want 1", len(warnings))
	}
	var sw *train.SymmetryWarning
	if !errors.As(warnings[0], &sw) || sw.Layer != 1 || !sw.AllSame {
		t.Errorf("warning %v, want a *SymmetryWarning for all units of layer 1", warnings[0])
	}
	if l, ok := train.SymmetricHidden(net); !ok || l != 1 {
		t.Errorf("SymmetricHidden after training = %d, %v; want 1, true", l, ok)
	}
}

// TestRandomInitNotSymmetric is part (b) of zero-init-symmetry-01: every
// random initialiser gives [2, 3, 1] a W[1] whose rows differ pairwise and
// are not all zero, for seeds 1, 2 and 3.
func TestRandomInitNotSymmetric(t *testing.T) {
	var tc struct {
		Input struct {
			B struct {
				Sizes []int    `json:"layer_sizes"`
				Seeds []uint64 `json:"seeds"`
			} `json:"b_default_init"`
		} `json:"input"`
	}
	loadCase(t, "zero-init-symmetry-01", &tc)
	sizes := tc.Input.B.Sizes
	for _, k := range []nn.Init{nn.Normal, nn.Xavier, nn.He, nn.LeCun} {
		for _, seed := range tc.Input.B.Seeds {
			net, err := nn.New[float64](sizes, []nn.Activation{nn.Sigmoid, nn.Sigmoid}, nn.BCE)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Init(k, 0.01, rand.New(seed)); err != nil {
				t.Fatal(err)
			}
			W := net.W[1]
			for i := 0; i < W.Rows(); i++ {
				for j := i + 1; j < W.Rows(); j++ {
					if equalBits(W.RawRow(i), W.RawRow(j)) {
						t.Errorf("%s, seed %d: rows %d and %d of W[1] are equal", k, seed, i, j)
					}
				}
			}
			if _, _, nonzero := firstNonzero(W); !nonzero {
				t.Errorf("%s, seed %d: W[1] is all zero", k, seed)
			}
			if l, ok := train.SymmetricHidden(net); ok {
				t.Errorf("%s, seed %d: SymmetricHidden reports layer %d", k, seed, l)
			}
		}
	}
}

func TestDivergenceCase64(t *testing.T) { runDivergence[float64](t) }

func TestDivergenceCase32(t *testing.T) { runDivergence[float32](t) }

// runDivergence trains divergence-nonfinite-01, whose error grows about
// sevenfold per update. Run must stop with a *DivergedError naming the
// iteration where the cost stopped being finite (in float64; float32
// overflows earlier), keep the weights of the iteration before, and never
// hold a non-finite weight.
func runDivergence[T matrix.Float](t *testing.T) {
	var tc struct {
		Input    caseInput `json:"input"`
		Expected struct {
			FirstNonFinite int       `json:"first_iteration_with_nonfinite_cost"`
			Tolerance      int       `json:"iteration_tolerance"`
			StopBy         int       `json:"must_stop_no_later_than_iteration"`
			FirstCosts     []float64 `json:"first_costs"`
			Match          []string  `json:"suggested_match"`
		} `json:"expected"`
	}
	c := loadCase(t, "divergence-nonfinite-01", &tc)
	want := tc.Expected
	net, ds := buildCase[T](t, &tc.Input)
	cfg := tc.Input.config(t)

	var costs []float64
	var lastW, lastB *matrix.Dense[T]
	cfg.OnBatch = func(b train.Batch) error {
		costs = append(costs, b.Cost)
		lastW, lastB = net.W[1].Clone(), net.B[1].Clone()
		for _, p := range net.Params() {
			if _, _, bad := matrix.FirstNonFinite(p); bad {
				t.Fatalf("iteration %d: non-finite weights %v", b.Iteration, p.RawData())
			}
		}
		return nil
	}
	res, err := train.Run(net, ds, nil, cfg)
	var de *train.DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("Run returned %v, want a *DivergedError", err)
	}
	for _, pattern := range want.Match {
		if !regexp.MustCompile(pattern).MatchString(err.Error()) {
			t.Errorf("message %q does not match %q", err, pattern)
		}
	}
	if !regexp.MustCompile(`(?i)lower the learning rate`).MatchString(err.Error()) {
		t.Errorf("message %q does not suggest a lower learning rate", err)
	}
	if de.Iteration > want.StopBy {
		t.Errorf("stopped at iteration %d, want no later than %d", de.Iteration, want.StopBy)
	}
	var zero T
	if _, is64 := any(zero).(float64); is64 {
		if d := de.Iteration - want.FirstNonFinite; d < -want.Tolerance || d > want.Tolerance {
			t.Errorf("stopped at iteration %d, want %d ± %d", de.Iteration, want.FirstNonFinite, want.Tolerance)
		}
		if de.Quantity != "cost" || !math.IsInf(de.Value, 1) {
			t.Errorf("diverged quantity %s = %v, want cost = +Inf", de.Quantity, de.Value)
		}
	}
	// Full batch: iteration i is epoch i, batch 1.
	if de.Epoch != de.Iteration || de.Batch != 1 || de.Layer != 1 || de.LearningRate != 1 {
		t.Errorf("error at epoch %d, batch %d, layer %d, learning rate %v; want epoch %d, batch 1, layer 1, rate 1",
			de.Epoch, de.Batch, de.Layer, de.LearningRate, de.Iteration)
	}
	if res == nil || res.Reason != train.Diverged || res.Iterations != de.Iteration-1 {
		t.Fatalf("result %+v, want reason diverged after %d iterations", res, de.Iteration-1)
	}
	if !matrix.Equal(net.W[1], lastW) || !matrix.Equal(net.B[1], lastB) {
		t.Errorf("weights W = %v, b = %v, want those after iteration %d: %v, %v",
			net.W[1].RawData(), net.B[1].RawData(), res.Iterations, lastW.RawData(), lastB.RawData())
	}
	tol := pick(c.Tol(), &float32Tolerance)
	for i, w := range want.FirstCosts {
		if !tol.Close(costs[i], w) {
			t.Errorf("cost of iteration %d = %.17g, want %.17g", i+1, costs[i], w)
		}
	}
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

func rowsClose[T matrix.Float](got *matrix.Dense[T], want [][]float64, tol testcases.Tolerance) bool {
	if got.Rows() != len(want) {
		return false
	}
	for i, r := range want {
		if len(r) != got.Cols() {
			return false
		}
		for j, w := range r {
			if !tol.Close(float64(got.At(i, j)), w) {
				return false
			}
		}
	}
	return true
}

// equalBits reports whether a and b hold the same bits.
func equalBits[T matrix.Float](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return false
		}
	}
	return true
}

func firstNonzero[T matrix.Float](a *matrix.Dense[T]) (i, j int, ok bool) {
	for k, v := range a.RawData() {
		if v != 0 {
			return k / a.Cols(), k % a.Cols(), true
		}
	}
	return 0, 0, false
}
