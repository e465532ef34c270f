package gradcheck_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/gradcheck"
	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// outputs are the output layers with their matching loss, plus two
// unmatched ones that take the g' path at the output.
var outputs = []struct {
	act   nn.Activation
	loss  nn.Loss
	units int
}{
	{nn.Sigmoid, nn.BCE, 1},
	{nn.Sigmoid, nn.BCE, 3},
	{nn.Softmax, nn.CCE, 3},
	{nn.Linear, nn.MSE, 2},
	{nn.Tanh, nn.MSE, 2},
	{nn.Sigmoid, nn.MSE, 1},
}

var hidden = []nn.Activation{nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Linear, nn.Softmax}

// randomProblem returns a seeded network of the given depth with a
// random X, (3, 5), and targets that suit its loss.
func randomProblem(t *testing.T, seed uint64, depth int, h nn.Activation, out int) (*nn.Network[float64], *matrix.Dense[float64], *matrix.Dense[float64]) {
	t.Helper()
	o := outputs[out]
	src := rand.New(seed)
	sizes := []int{3}
	var acts []nn.Activation
	for l := 1; l < depth; l++ {
		sizes = append(sizes, 4)
		acts = append(acts, h)
	}
	sizes = append(sizes, o.units)
	acts = append(acts, o.act)
	net, err := nn.New[float64](sizes, acts, o.loss)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Xavier, 0, src); err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= depth; l++ {
		for i := range net.B[l].RawData() {
			net.B[l].RawData()[i] = 0.1 * src.NormFloat64()
		}
	}
	m := 5
	X := matrix.New[float64](3, m, nil)
	for i := range X.RawData() {
		X.RawData()[i] = src.NormFloat64()
	}
	Y := matrix.New[float64](o.units, m, nil)
	for j := 0; j < m; j++ {
		switch o.loss {
		case nn.CCE:
			Y.Set(src.Intn(o.units), j, 1)
		case nn.BCE:
			for i := 0; i < o.units; i++ {
				Y.Set(i, j, float64(src.Intn(2)))
			}
		default:
			for i := 0; i < o.units; i++ {
				Y.Set(i, j, src.NormFloat64())
			}
		}
	}
	return net, X, Y
}

// TestRandomNetworksPass checks every hidden activation with every output
// and loss, depths 1 to 4, with and without L2.
func TestRandomNetworksPass(t *testing.T) {
	seed := uint64(1)
	for out := range outputs {
		for _, h := range hidden {
			for depth := 1; depth <= 4; depth++ {
				if depth == 1 && h != hidden[0] {
					continue // no hidden layer: one run per output suffices
				}
				for _, lambda := range []float64{0, 0.7} {
					seed++
					name := fmt.Sprintf("%s+%s/%d/%s/λ=%g", outputs[out].act, outputs[out].loss, outputs[out].units, h, lambda)
					net, X, Y := randomProblem(t, seed, depth, h, out)
					r, err := gradcheck.Check(net, X, Y, lambda)
					if err != nil {
						t.Fatalf("%s depth %d: %v", name, depth, err)
					}
					if r.Difference >= gradcheck.PassBelow || r.Verdict != gradcheck.Pass {
						t.Errorf("%s depth %d: difference %.3g (%s), kinks %v", name, depth, r.Difference, r.Verdict, r.Kinks)
					}
					if len(r.Tensors) != 2*depth {
						t.Errorf("%s depth %d: %d tensors, want %d", name, depth, len(r.Tensors), 2*depth)
					}
				}
			}
		}
	}
}

// dropsDerivative is a test double whose Backward omits g' in the hidden
// layers: dZ[l] = dA[l] instead of dA[l] ⊙ g'(Z[l]).
type dropsDerivative struct {
	*nn.Network[float64]
}

func (d dropsDerivative) Backward(Y *matrix.Dense[float64], lambda float64) error {
	saved := append([]nn.Activation(nil), d.Act...)
	for l := 1; l < d.Layers(); l++ {
		d.Act[l] = nn.Linear
	}
	defer copy(d.Act, saved)
	return d.Network.Backward(Y, lambda)
}

func TestBrokenBackwardFails(t *testing.T) {
	for _, h := range []nn.Activation{nn.Sigmoid, nn.Tanh, nn.ReLU} {
		net, X, Y := randomProblem(t, 99, 3, h, 0)
		r, err := gradcheck.Check(dropsDerivative{net}, X, Y, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != gradcheck.Fail {
			t.Errorf("%s: a backward pass without g' gave %s (difference %.3g)", h, r.Verdict, r.Difference)
		}
		// The output layer's gradients do not pass through g'.
		if last := r.Tensors[len(r.Tensors)-1]; last.Verdict != gradcheck.Pass {
			t.Errorf("%s: %s = %.3g, want PASS", h, last.Name, last.Difference)
		}
	}
}

// TestCheckRestoresParams checks that the parameters are bit-identical
// after a check.
func TestCheckRestoresParams(t *testing.T) {
	net, X, Y := randomProblem(t, 5, 3, nn.Tanh, 2)
	before := net.Clone()
	if _, err := gradcheck.Check(net, X, Y, 0.3); err != nil {
		t.Fatal(err)
	}
	for i, p := range net.Params() {
		if !matrix.Equal(p, before.Params()[i]) {
			t.Errorf("%s changed", net.ParamNames()[i])
		}
	}
}

func TestDropoutRefused(t *testing.T) {
	net, X, Y := randomProblem(t, 3, 3, nn.ReLU, 0)
	net.KeepProb[1] = 0.8
	_, err := gradcheck.Check(net, X, Y, 0)
	if !errors.Is(err, gradcheck.ErrDropout) {
		t.Fatalf("error %v, want ErrDropout", err)
	}
}

type gradientCheckInput struct {
	Network  testcases.Network `json:"network"`
	X        [][]float64       `json:"X"`
	Y        [][]float64       `json:"Y"`
	Lambda   float64           `json:"lambda"`
	KeepProb *float64          `json:"keep_prob"`
	Supplied []float64         `json:"b_supplied_gradient"`
}

type gradientCheckExpected struct {
	Verdict         string    `json:"verdict"`
	Difference      *float64  `json:"difference"`
	DifferenceBelow *float64  `json:"difference_below"`
	ParamNames      []string  `json:"param_names"`
	Grad            []float64 `json:"grad"`
	GradApprox      []float64 `json:"gradapprox"`
	MostDifferent   string    `json:"most_different_param"`
	Kink            *struct {
		Layer, Unit, Example int
	} `json:"kink"`
}

// caseNames converts the cases' "W1[0][1]" to the lecture's "W[1][0][1]".
func caseName(s string) string {
	i := strings.IndexByte(s, '[')
	return s[:1] + "[" + s[1:i] + "]" + s[i:]
}

func TestGradientCheckCases(t *testing.T) {
	cases, err := testcases.Load("gradient_check")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 4 {
		t.Fatalf("%d gradient_check cases, want 4", len(cases))
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			var in gradientCheckInput
			if err := json.Unmarshal(mustJSON(t, c.Input), &in); err != nil {
				t.Fatal(err)
			}
			net, err := testcases.BuildNetwork[float64](&in.Network)
			if err != nil {
				t.Fatal(err)
			}
			X, _ := testcases.Matrix[float64](in.X)
			Y, _ := testcases.Matrix[float64](in.Y)
			if in.KeepProb != nil {
				net.KeepProb[1] = *in.KeepProb
				if _, err := gradcheck.Check(net, X, Y, in.Lambda); !errors.Is(err, gradcheck.ErrDropout) {
					t.Fatalf("error %v, want ErrDropout", err)
				}
				net.KeepProb[1] = 1
			}
			r, err := gradcheck.Check(net, X, Y, in.Lambda)
			if err != nil {
				t.Fatal(err)
			}
			parts := map[string]gradientCheckExpected{}
			if raw, ok := c.Expected["a"]; ok {
				var a, b gradientCheckExpected
				json.Unmarshal(raw, &a)
				json.Unmarshal(c.Expected["b"], &b)
				parts["a"], parts["b"] = a, b
			} else {
				var e gradientCheckExpected
				json.Unmarshal(mustJSON(t, c.Expected), &e)
				if raw, ok := c.Expected["if_run_with_dropout_disabled"]; ok {
					json.Unmarshal(raw, &e)
				}
				parts[""] = e
			}
			for part, want := range parts {
				got := r
				if part == "b" {
					// The case feeds its own gradient: dW[2] doubled.
					approx := make([]float64, len(r.Entries))
					for i, e := range r.Entries {
						approx[i] = e.Approx
					}
					if got, err = gradcheck.Compare(net, in.Supplied, approx); err != nil {
						t.Fatal(err)
					}
				}
				checkVerdict(t, part, got, want)
			}
		})
	}
}

func checkVerdict(t *testing.T, part string, r *gradcheck.Result, want gradientCheckExpected) {
	t.Helper()
	tol := testcases.Tolerance{Abs: 1e-8, Rel: 1e-5}
	for i, name := range want.ParamNames {
		if got := r.Entries[i].Name; got != caseName(name) {
			t.Errorf("%s: entry %d is %s, want %s", part, i, got, caseName(name))
		}
		if i < len(want.GradApprox) && !tol.Close(r.Entries[i].Approx, want.GradApprox[i]) {
			t.Errorf("%s: gradapprox %s = %.12g, want %.12g", part, name, r.Entries[i].Approx, want.GradApprox[i])
		}
		if i < len(want.Grad) && part != "b" && !testcases.DefaultTolerance.Close(r.Entries[i].Grad, want.Grad[i]) {
			t.Errorf("%s: grad %s = %.17g, want %.17g", part, name, r.Entries[i].Grad, want.Grad[i])
		}
	}
	switch want.Verdict {
	case "pass":
		if r.Verdict != gradcheck.Pass {
			t.Errorf("%s: verdict %s, difference %.3g, want PASS", part, r.Verdict, r.Difference)
		}
	case "fail", "fail_or_kink_warning":
		if r.Verdict != gradcheck.Fail {
			t.Errorf("%s: verdict %s, difference %.3g, want FAIL", part, r.Verdict, r.Difference)
		}
	}
	if want.DifferenceBelow != nil && !(r.Difference < *want.DifferenceBelow) {
		t.Errorf("%s: difference %.3g, want below %g", part, r.Difference, *want.DifferenceBelow)
	}
	if want.Difference != nil && math.Abs(r.Difference-*want.Difference) > 1e-3*(*want.Difference) {
		t.Errorf("%s: difference %.6g, want about %.6g", part, r.Difference, *want.Difference)
	}
	if want.MostDifferent != "" {
		if w := r.Worst(1); len(w) == 0 || w[0].Name != caseName(want.MostDifferent) {
			t.Errorf("%s: worst entry %v, want %s", part, w, caseName(want.MostDifferent))
		}
	}
	if want.Kink != nil {
		found := false
		for _, k := range r.Kinks {
			found = found || k.Layer == want.Kink.Layer && k.Unit == want.Kink.Unit && k.Example == want.Kink.Example
		}
		if !found {
			t.Errorf("%s: kinks %v, want layer %d unit %d example %d", part, r.Kinks, want.Kink.Layer, want.Kink.Unit, want.Kink.Example)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
