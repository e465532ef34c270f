package nn_test

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"testing"

	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// float32Tolerance is the rule for float32 runs of the reference cases,
// whose values were computed in float64: float32 keeps about 7 digits, and
// the cases' values pass through a few layers of rounding.
var float32Tolerance = testcases.Tolerance{Abs: 2e-6, Rel: 2e-5}

// forwardBackwardExpected is the expected part of a forward_backward case.
type forwardBackwardExpected struct {
	Cost         float64          `json:"cost"`
	CostData     *float64         `json:"cost_data_term"`
	CostL2       *float64         `json:"cost_l2_term"`
	Z            []testcases.Rows `json:"Z"`
	A            []testcases.Rows `json:"A"`
	DZ           []testcases.Rows `json:"dZ"`
	DW           []testcases.Rows `json:"dW"`
	DB           []testcases.Rows `json:"db"`
	DA           []testcases.Rows `json:"dA"`
	DAAfterMask  []testcases.Rows `json:"dA_after_mask"`
	PredictAL    testcases.Rows   `json:"predict_A2"`
	RepeatedCall *bool            `json:"repeat_call_identical"`
}

type forwardBackwardInput struct {
	Network  testcases.Network `json:"network"`
	X        [][]float64       `json:"X"`
	Y        [][]float64       `json:"Y"`
	Lambda   float64           `json:"lambda"`
	KeepProb float64           `json:"keep_prob"`
	Masks    [][][]float64     `json:"dropout_masks"`
}

func TestForwardBackwardCases64(t *testing.T) { runForwardBackwardCases[float64](t, nil) }

func TestForwardBackwardCases32(t *testing.T) {
	runForwardBackwardCases[float32](t, &float32Tolerance)
}

// runForwardBackwardCases runs every numeric forward_backward case through
// Forward, Cost and Backward in precision T and compares every quantity.
func runForwardBackwardCases[T matrix.Float](t *testing.T, tol32 *testcases.Tolerance) {
	cases, err := testcases.Load("forward_backward")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range cases {
		if c.Category != "numeric" {
			continue
		}
		ran++
		t.Run(c.ID, func(t *testing.T) {
			var in forwardBackwardInput
			var want forwardBackwardExpected
			if err := json.Unmarshal(c.Raw, &struct {
				Input    *forwardBackwardInput    `json:"input"`
				Expected *forwardBackwardExpected `json:"expected"`
			}{&in, &want}); err != nil {
				t.Fatal(err)
			}
			tol := c.Tol()
			if tol32 != nil {
				tol = *tol32
			}
			net, err := testcases.BuildNetwork[T](&in.Network)
			if err != nil {
				t.Fatal(err)
			}
			net.InputGrad = true
			X := mustMatrix[T](t, in.X)
			Y := mustMatrix[T](t, in.Y)

			var masks []*matrix.Dense[T]
			if in.Masks != nil {
				masks = make([]*matrix.Dense[T], len(in.Masks)+1)
				for i, D := range in.Masks {
					if D != nil {
						net.KeepProb[i+1] = in.KeepProb
						masks[i+1] = mustMatrix[T](t, D)
					}
				}
			}
			if _, err := net.ForwardDropout(X, masks); err != nil {
				t.Fatal(err)
			}
			data, l2, err := net.CostTerms(Y, in.Lambda)
			if err != nil {
				t.Fatal(err)
			}
			if !tol.Close(data+l2, want.Cost) {
				t.Errorf("cost = %.17g, want %.17g", data+l2, want.Cost)
			}
			if want.CostData != nil && !tol.Close(data, *want.CostData) {
				t.Errorf("data term = %.17g, want %.17g", data, *want.CostData)
			}
			if want.CostL2 != nil && !tol.Close(l2, *want.CostL2) {
				t.Errorf("L2 term = %.17g, want %.17g", l2, *want.CostL2)
			}
			if err := net.Backward(Y, in.Lambda); err != nil {
				t.Fatal(err)
			}
			L := net.Layers()
			for l := 1; l <= L; l++ {
				report(t, testcases.Compare(name("Z", l), net.Z[l], want.Z[l-1], tol))
				report(t, testcases.Compare(name("A", l), net.A[l], want.A[l-1], tol))
				report(t, testcases.Compare(name("dZ", l), net.DZ[l], want.DZ[l-1], tol))
				report(t, testcases.Compare(name("dW", l), net.DW[l], want.DW[l-1], tol))
				report(t, testcases.Compare(name("db", l), net.DB[l], want.DB[l-1], tol))
			}
			// dA is indexed from 0; dA[L] is given only for unmatched outputs.
			for l := 0; l < min(L, len(want.DA)); l++ {
				got := net.DA[l]
				if net.DAMasked[l] != nil && net.DAMasked[l].Len() > 0 {
					// The case's dA[l] under dropout is ∂S/∂g(Z[l]): mask applied.
					got = net.DAMasked[l]
				}
				report(t, testcases.Compare(name("dA", l), got, want.DA[l], tol))
			}
			for i, rows := range want.DAAfterMask {
				report(t, testcases.Compare(name("dA (before the mask)", i+1), net.DA[i+1], rows, tol))
			}
			if want.PredictAL != nil {
				AL, err := net.Forward(X)
				if err != nil {
					t.Fatal(err)
				}
				report(t, testcases.Compare("A[L] at prediction", AL, want.PredictAL, tol))
			}
			if want.RepeatedCall != nil {
				first := net.DW[1].Clone()
				if err := net.Backward(Y, in.Lambda); err != nil {
					t.Fatal(err)
				}
				if !matrix.Equal(first, net.DW[1]) {
					t.Errorf("second Backward changed dW[1]:\n%v\nwant\n%v", net.DW[1], first)
				}
			}
		})
	}
	if ran < 8 {
		t.Fatalf("ran %d forward_backward cases, want at least 8", ran)
	}
}

func name(q string, l int) string { return q + "[" + string(rune('0'+l)) + "]" }

func report(t *testing.T, msg string) {
	t.Helper()
	if msg != "" {
		t.Error(msg)
	}
}

func mustMatrix[T matrix.Float](t *testing.T, rows [][]float64) *matrix.Dense[T] {
	t.Helper()
	m, err := testcases.Matrix[T](rows)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type activationCase struct {
	Input struct {
		Z  [][]float64 `json:"Z"`
		DA [][]float64 `json:"upstream_dA"`
	} `json:"input"`
	Expected map[string]json.RawMessage `json:"expected"`
}

// TestActivationCases checks g(Z) and dZ = dA ⊙ g'(Z) at ±1000 and other
// extremes, where naive forms give NaN.
func TestActivationCases(t *testing.T) {
	cases, err := testcases.Load("activation_forward_backward")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no activation cases")
	}
	for _, c := range cases {
		var ac activationCase
		if err := json.Unmarshal(c.Raw, &ac); err != nil {
			t.Fatal(err)
		}
		Z := mustMatrix[float64](t, ac.Input.Z)
		dA := mustMatrix[float64](t, ac.Input.DA)
		for key, raw := range ac.Expected {
			g, err := nn.ParseActivation(key)
			if err != nil {
				continue // all_finite, column_sums
			}
			var want struct {
				A  testcases.Rows `json:"A"`
				DZ testcases.Rows `json:"dZ"`
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			A, dZ := new(matrix.Dense[float64]), new(matrix.Dense[float64])
			nn.Activate(g, 0.01, A, Z)
			nn.ActivateBackward(g, 0.01, dZ, dA, Z, A)
			report(t, testcases.Compare(c.ID+" "+key+" A", A, want.A, c.Tol()))
			report(t, testcases.Compare(c.ID+" "+key+" dZ", dZ, want.DZ, c.Tol()))

			// float32 must stay finite too, since exp overflows there past 88.
			Z32, dA32 := matrix.Convert[float32](Z), matrix.Convert[float32](dA)
			A32, dZ32 := new(matrix.Dense[float32]), new(matrix.Dense[float32])
			nn.Activate(g, 0.01, A32, Z32)
			nn.ActivateBackward(g, 0.01, dZ32, dA32, Z32, A32)
			for _, m := range []*matrix.Dense[float32]{A32, dZ32} {
				if i, j, bad := matrix.FirstNonFinite(m); bad {
					t.Errorf("%s %s float32: non-finite value at (%d, %d)", c.ID, key, i, j)
				}
			}
		}
	}
}

// TestShapeErrorCases checks that labels shaped (m, 1) and a bias shaped
// (1, n) are rejected with both shapes named, and nothing is computed.
func TestShapeErrorCases(t *testing.T) {
	for _, id := range []string{"shape-validation-01", "shape-validation-02"} {
		c, err := testcases.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		var in forwardBackwardInput
		if err := testcases.Decode(map[string]json.RawMessage{"x": mustRaw(t, c.Input)}, "x", &in); err != nil {
			t.Fatal(err)
		}
		var want struct {
			Patterns []string `json:"suggested_match"`
		}
		if err := json.Unmarshal(mustRaw(t, c.Expected), &want); err != nil {
			t.Fatal(err)
		}
		msg := shapeCaseError(t, &in)
		if msg == "" {
			t.Errorf("%s: no error", id)
			continue
		}
		for _, p := range want.Patterns {
			if !regexp.MustCompile(p).MatchString(msg) {
				t.Errorf("%s: message %q does not match %s", id, msg, p)
			}
		}
	}
}

// shapeCaseError runs a shape-error case and returns the error's message.
func shapeCaseError(t *testing.T, in *forwardBackwardInput) string {
	net, err := testcases.BuildNetwork[float64](&in.Network)
	if err != nil {
		var se *nn.ShapeError
		if !errors.As(err, &se) {
			t.Errorf("error %v is not a *nn.ShapeError", err)
		}
		return err.Error()
	}
	X := mustMatrix[float64](t, in.X)
	if _, err := net.Forward(X); err != nil {
		return err.Error()
	}
	Y := mustMatrix[float64](t, in.Y)
	if _, err := net.Cost(Y, 0); err != nil {
		if err2 := net.Backward(Y, 0); err2 == nil {
			t.Error("Backward accepted the Y that Cost rejected")
		}
		if net.DW[1].Len() != 0 {
			t.Error("Backward computed dW[1] despite the shape error")
		}
		return err.Error()
	}
	return ""
}

func mustRaw(t *testing.T, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCostCorrectShape checks the cost the shape case gives once Y is
// transposed to (1, m).
func TestCostCorrectShape(t *testing.T) {
	c, err := testcases.Get("shape-validation-01")
	if err != nil {
		t.Fatal(err)
	}
	var in forwardBackwardInput
	if err := json.Unmarshal(mustRaw(t, c.Input), &in); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Cost float64 `json:"cost_with_correct_shape"`
	}
	if err := json.Unmarshal(mustRaw(t, c.Expected), &want); err != nil {
		t.Fatal(err)
	}
	net, err := testcases.BuildNetwork[float64](&in.Network)
	if err != nil {
		t.Fatal(err)
	}
	Y := new(matrix.Dense[float64])
	Y.Transpose(mustMatrix[float64](t, in.Y))
	if _, err := net.Forward(mustMatrix[float64](t, in.X)); err != nil {
		t.Fatal(err)
	}
	J, err := net.Cost(Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Tol().Close(J, want.Cost) {
		t.Errorf("cost = %.17g, want %.17g", J, want.Cost)
	}
	if math.IsNaN(J) {
		t.Error("cost is NaN")
	}
}
