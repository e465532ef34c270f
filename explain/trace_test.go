package explain

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

func nanValue() float64 { return math.NaN() }

// caseInputs returns the network, X, Y and λ of a forward_backward case.
func caseInputs(t *testing.T, c *testcases.Case) (*nn.Network[float64], *matrix.Dense[float64], *matrix.Dense[float64], float64) {
	t.Helper()
	var n testcases.Network
	var X, Y [][]float64
	if err := testcases.Decode(c.Input, "network", &n); err != nil {
		t.Fatal(err)
	}
	if err := testcases.Decode(c.Input, "X", &X); err != nil {
		t.Fatal(err)
	}
	if err := testcases.Decode(c.Input, "Y", &Y); err != nil {
		t.Fatal(err)
	}
	var lambda float64
	if _, ok := c.Input["lambda"]; ok {
		if err := testcases.Decode(c.Input, "lambda", &lambda); err != nil {
			t.Fatal(err)
		}
	}
	net, err := testcases.BuildNetwork[float64](&n)
	if err != nil {
		t.Fatalf("%s: %v", c.ID, err)
	}
	Xm, err := testcases.Matrix[float64](X)
	if err != nil {
		t.Fatal(err)
	}
	Ym, err := testcases.Matrix[float64](Y)
	if err != nil {
		t.Fatal(err)
	}
	return net, Xm, Ym, lambda
}

// TestTraceCases compares a trace with the reference cases, whose numbers
// come from PyTorch float64 autograd cross-checked with numpy.
func TestTraceCases(t *testing.T) {
	cases, err := testcases.Load("forward_backward")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range cases {
		if c.Category != "numeric" {
			continue
		}
		if _, ok := c.Input["dropout_masks"]; ok {
			continue // a trace runs without dropout
		}
		ran++
		net, X, Y, lambda := caseInputs(t, c)
		tr, err := NewTrace(net, X, Y, lambda)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		tol := c.Tol()
		var cost float64
		if err := testcases.Decode(c.Expected, "cost", &cost); err != nil {
			t.Fatal(err)
		}
		if !tol.Close(tr.Cost, cost) {
			t.Errorf("%s: cost %.17g, want %.17g", c.ID, tr.Cost, cost)
		}
		var want struct {
			Z, A, DZ, DW, DB []testcases.Rows
			DA               []*testcases.Rows
		}
		for key, dst := range map[string]any{"Z": &want.Z, "A": &want.A, "dZ": &want.DZ, "dW": &want.DW, "db": &want.DB, "dA": &want.DA} {
			if err := testcases.Decode(c.Expected, key, dst); err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
		}
		for l, tl := range tr.Layers {
			for _, q := range []struct {
				name string
				got  *matrix.Dense[float64]
				want testcases.Rows
			}{
				{"Z", tl.Z, want.Z[l]}, {"A", tl.A, want.A[l]}, {"dZ", tl.DZ, want.DZ[l]},
				{"dW", tl.DW, want.DW[l]}, {"db", tl.DB, want.DB[l]},
			} {
				if msg := testcases.Compare(c.ID+" "+q.name, q.got, q.want, tol); msg != "" {
					t.Errorf("layer %d: %s", l+1, msg)
				}
			}
			if wantPrev := want.DA[l]; wantPrev != nil {
				if msg := testcases.Compare(c.ID+" dA_prev", tl.DAPrev, *wantPrev, tol); msg != "" {
					t.Errorf("layer %d: %s", l+1, msg)
				}
			}
		}
	}
	if ran == 0 {
		t.Fatal("no forward_backward case ran")
	}
}

func TestTraceCopiesAndRestores(t *testing.T) {
	c, err := testcases.Get("backprop-exact-01")
	if err != nil {
		t.Fatal(err)
	}
	net, X, Y, lambda := caseInputs(t, c)
	tr, err := NewTrace(net, X, Y, lambda)
	if err != nil {
		t.Fatal(err)
	}
	if net.InputGrad {
		t.Error("InputGrad left set")
	}
	before := tr.Layers[0].DW.Clone()
	// A second pass on other data overwrites the network's caches, which
	// must not reach the trace.
	X2 := X.Clone()
	X2.Scale(3, X2)
	if _, err := net.Forward(X2); err != nil {
		t.Fatal(err)
	}
	if err := net.Backward(Y, lambda); err != nil {
		t.Fatal(err)
	}
	if !matrix.Equal(tr.Layers[0].DW, before) {
		t.Error("trace dW[1] changed with the network's next pass")
	}
	if tr.Layers[len(tr.Layers)-1].DA != nil {
		t.Error("DA of a matched output layer is set")
	}
	if r, c := tr.Layers[0].DAPrev.Dims(); r != 2 || c != X.Cols() {
		t.Errorf("dA[0] is (%d, %d), want (2, %d)", r, c, X.Cols())
	}
}

func TestTraceErrors(t *testing.T) {
	c, err := testcases.Get("backprop-exact-01")
	if err != nil {
		t.Fatal(err)
	}
	net, X, Y, _ := caseInputs(t, c)
	badY := matrix.New[float64](Y.Cols(), 1, nil)
	if _, err := NewTrace(net, X, badY, 0); err == nil || !strings.Contains(err.Error(), "Y looks transposed") {
		t.Errorf("transposed Y: error %v", err)
	}
	if _, err := NewTrace(net, X, Y, -1); err == nil || !strings.Contains(err.Error(), "λ = -1") {
		t.Errorf("negative λ: error %v", err)
	}
	badX := matrix.New[float64](5, 2, nil)
	if _, err := NewTrace(net, badX, Y, 0); err == nil || !strings.Contains(err.Error(), "X must be") {
		t.Errorf("wrong X: error %v", err)
	}
	tr, err := NewTrace(net, X, Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.WriteText(&bytes.Buffer{}, 18); err == nil {
		t.Error("precision 18: no error")
	}
}

func TestTraceJSON(t *testing.T) {
	c, err := testcases.Get("softmax-output-02") // softmax + mse: unmatched, so dA[L] is in the trace
	if err != nil {
		t.Fatal(err)
	}
	net, X, Y, lambda := caseInputs(t, c)
	tr, err := NewTrace(net, X, Y, lambda)
	if err != nil {
		t.Fatal(err)
	}
	tr.Layers[0].Z.Set(0, 0, math.Inf(1)) // JSON cannot hold it
	b, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Cost   *float64 `json:"cost"`
		M      int      `json:"m"`
		Layers []struct {
			L      int           `json:"l"`
			Z      [][]*float64  `json:"Z"`
			DA     [][]float64   `json:"dA"`
			DAPrev [][]float64   `json:"dA_prev"`
			DB     [][]float64   `json:"db"`
			Other  []interface{} `json:"other"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	l := got.Layers[0]
	if got.Cost == nil || *got.Cost != tr.Cost || got.M != 3 || l.L != 1 {
		t.Errorf("cost %v, m %d, l %d", got.Cost, got.M, l.L)
	}
	if l.Z[0][0] != nil || l.Z[0][1] == nil || *l.Z[0][1] != tr.Layers[0].Z.At(0, 1) {
		t.Errorf("Z row 0 = %v, want null then %v", l.Z[0][:2], tr.Layers[0].Z.At(0, 1))
	}
	if len(l.DA) != 3 || len(l.DAPrev) != 2 || len(l.DB) != 3 || len(l.DB[0]) != 1 {
		t.Errorf("dA %d rows, dA_prev %d rows, db %v", len(l.DA), len(l.DAPrev), l.DB)
	}
	// Shortest round-trip formatting: every value reads back bit for bit.
	for i, row := range l.DAPrev {
		for j, v := range row {
			if v != tr.Layers[0].DAPrev.At(i, j) {
				t.Errorf("dA_prev[%d][%d] = %v, want %v", i, j, v, tr.Layers[0].DAPrev.At(i, j))
			}
		}
	}
}

func TestTraceText(t *testing.T) {
	c, err := testcases.Get("l2-regularisation-01")
	if err != nil {
		t.Fatal(err)
	}
	net, X, Y, lambda := caseInputs(t, c)
	tr, err := NewTrace(net, X, Y, lambda)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tr.WriteText(&b, 4); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	// The quantities appear in the order nn computes them.
	order := []string{"X = A[0] (2, 4)", "W[1] (3, 2)", "Z[1] (3, 4) = W[1] (3, 2)", "A[1] (3, 4) = tanh(Z[1])",
		"Z[2] (1, 4) =", "A[2] (1, 4) = σ(Z[2])", "J_data =", "J_L2 =", "J = J_data + J_L2",
		"dZ[2] (1, 4) = A[2] (1, 4) − Y (1, 4)", "dW[2] (1, 3) =", "db[2] (1, 1) =", "dA[1] (3, 4) =",
		"dZ[1] (3, 4) =", "dW[1] (3, 2) =", "db[1] (3, 1) =", "dA[0] (2, 4) ="}
	at := 0
	for _, s := range order {
		i := strings.Index(text[at:], s)
		if i < 0 {
			t.Fatalf("%q missing or out of order in\n%s", s, text)
		}
		at += i + len(s)
	}
	// 1.469689102388575 is the case's J, rounded to 4 digits.
	if !strings.Contains(text, "  J = 1.47\n") {
		t.Errorf("cost line missing in\n%s", text)
	}
}
