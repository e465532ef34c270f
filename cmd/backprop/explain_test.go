package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

func TestExplainMatchesLibrary(t *testing.T) {
	arch := explain.Arch{Sizes: []int{2, 4, 1}, Acts: []nn.Activation{nn.Tanh, nn.Sigmoid}, Loss: nn.BCE}
	for i, tc := range []struct {
		args   []string
		format explain.Format
		m      int
		lambda float64
	}{
		{nil, explain.Text, 0, 0},
		{[]string{"--format", "markdown"}, explain.Markdown, 0, 0},
		{[]string{"--format", "latex", "--l2", "0.7"}, explain.LaTeX, 0, 0.7},
		{[]string{"--format", "text", "--examples", "400"}, explain.Text, 400, 0},
	} {
		args := append([]string{"explain", "--layers", "2,4,1", "--activations", "tanh,sigmoid"}, tc.args...)
		status, stdout, stderr := runCLI(t, args...)
		if status != 0 {
			t.Fatalf("case %d: status %d, stderr %s", i, status, stderr)
		}
		e, err := explain.NewEquations(arch, tc.m, tc.lambda)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := e.Render(&want, tc.format); err != nil {
			t.Fatal(err)
		}
		if stdout != want.String() {
			t.Errorf("case %d: output differs from explain.Equations.Render:\n%s", i, stdout)
		}
	}
}

// caseFiles writes a reference case's network as a JSON model file and
// its X and Y as a CSV file, one example per line: the features, then the
// target, or the class index of a one-hot Y with several rows.
func caseFiles(t *testing.T, c *testcases.Case) (model, data string, lambda float64) {
	t.Helper()
	var n testcases.Network
	var X, Y [][]float64
	for key, dst := range map[string]any{"network": &n, "X": &X, "Y": &Y} {
		if err := testcases.Decode(c.Input, key, dst); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
	}
	if _, ok := c.Input["lambda"]; ok {
		if err := testcases.Decode(c.Input, "lambda", &lambda); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	model = writeFile(t, c.ID+".json", string(b))

	var csv strings.Builder
	for j := range X[0] {
		for i := range X {
			csv.WriteString(strconv.FormatFloat(X[i][j], 'g', -1, 64) + ",")
		}
		if len(Y) == 1 {
			csv.WriteString(strconv.FormatFloat(Y[0][j], 'g', -1, 64))
		} else {
			class := -1
			for k := range Y {
				if Y[k][j] == 1 {
					class = k
				}
			}
			if class < 0 {
				t.Fatalf("%s: column %d of Y is not one-hot", c.ID, j)
			}
			csv.WriteString(strconv.Itoa(class))
		}
		csv.WriteString("\n")
	}
	data = writeFile(t, c.ID+".csv", csv.String())
	return model, data, lambda
}

// traceJSON is the --json output of explain --trace.
type traceJSON struct {
	Cost     float64 `json:"cost"`
	CostData float64 `json:"cost_data"`
	CostL2   float64 `json:"cost_l2"`
	M        int     `json:"m"`
	Layers   []struct {
		L      int          `json:"l"`
		Z      [][]*float64 `json:"Z"`
		A      [][]*float64 `json:"A"`
		DA     [][]*float64 `json:"dA"`
		DZ     [][]*float64 `json:"dZ"`
		DW     [][]*float64 `json:"dW"`
		DB     [][]*float64 `json:"db"`
		DAPrev [][]*float64 `json:"dA_prev"`
	} `json:"layers"`
}

// jsonDense converts rows read from JSON, with null as NaN so that the
// comparison fails on it.
func jsonDense(t *testing.T, rows [][]*float64) *matrix.Dense[float64] {
	t.Helper()
	conv := make([][]float64, len(rows))
	for i, r := range rows {
		conv[i] = make([]float64, len(r))
		for j, v := range r {
			conv[i][j] = math.NaN()
			if v != nil {
				conv[i][j] = *v
			}
		}
	}
	if len(conv) == 0 {
		return matrix.New[float64](0, 0, nil)
	}
	m, err := matrix.FromRows(conv)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExplainTraceCases runs explain --trace --json on every public
// forward_backward case and compares each quantity with the case's
// values, which come from PyTorch float64 autograd cross-checked with
// numpy. The dropout case is skipped: a trace runs without dropout.
func TestExplainTraceCases(t *testing.T) {
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
			t.Logf("%s: skipped, since a trace has no dropout", c.ID)
			continue
		}
		ran++
		model, data, lambda := caseFiles(t, c)
		args := []string{"explain", "--trace", "--json", "--model", model, "--data", data}
		if lambda != 0 {
			args = append(args, "--l2", strconv.FormatFloat(lambda, 'g', -1, 64))
		}
		status, stdout, stderr := runCLI(t, args...)
		if status != 0 {
			t.Errorf("%s: status %d, stderr %s", c.ID, status, stderr)
			continue
		}
		var got traceJSON
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%s: %v in %s", c.ID, err, stdout)
		}
		checkTraceCase(t, c, &got)
	}
	if ran == 0 {
		t.Fatal("no forward_backward case ran")
	}
}

func checkTraceCase(t *testing.T, c *testcases.Case, got *traceJSON) {
	t.Helper()
	tol := c.Tol()
	costs := []struct {
		key string
		got float64
	}{{"cost", got.Cost}, {"cost_data_term", got.CostData}, {"cost_l2_term", got.CostL2}}
	for _, q := range costs {
		if _, ok := c.Expected[q.key]; !ok {
			continue
		}
		var want float64
		if err := testcases.Decode(c.Expected, q.key, &want); err != nil {
			t.Fatal(err)
		}
		if !tol.Close(q.got, want) {
			t.Errorf("%s: %s = %.17g, want %.17g", c.ID, q.key, q.got, want)
		}
	}

	var want struct{ Z, A, DZ, DW, DB, DA []*testcases.Rows }
	for key, dst := range map[string]any{"Z": &want.Z, "A": &want.A, "dZ": &want.DZ, "dW": &want.DW, "db": &want.DB, "dA": &want.DA} {
		if err := testcases.Decode(c.Expected, key, dst); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
	}
	L := len(want.Z)
	if len(got.Layers) != L {
		t.Fatalf("%s: %d layers, want %d", c.ID, len(got.Layers), L)
	}
	for l := 1; l <= L; l++ {
		gl := got.Layers[l-1]
		if gl.L != l {
			t.Errorf("%s: layer %d has l = %d", c.ID, l, gl.L)
		}
		quantities := []struct {
			name string
			got  [][]*float64
			want *testcases.Rows
		}{
			{"Z", gl.Z, want.Z[l-1]}, {"A", gl.A, want.A[l-1]}, {"dZ", gl.DZ, want.DZ[l-1]},
			{"dW", gl.DW, want.DW[l-1]}, {"db", gl.DB, want.DB[l-1]},
			// dA_prev of layer l is the case's dA[l−1]; dA[0] is the
			// gradient with respect to X.
			{"dA_prev", gl.DAPrev, want.DA[l-1]},
		}
		if gl.DA != nil {
			quantities = append(quantities, struct {
				name string
				got  [][]*float64
				want *testcases.Rows
			}{"dA", gl.DA, want.DA[l]})
		}
		for _, q := range quantities {
			if q.want == nil {
				continue // infinite in the reference, so not compared
			}
			name := fmt.Sprintf("%s layer %d %s", c.ID, l, q.name)
			if msg := testcases.Compare(name, jsonDense(t, q.got), *q.want, tol); msg != "" {
				t.Error(msg)
			}
		}
	}
}

func TestExplainTraceText(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	data := writeFile(t, "d.csv", "1,2,1\n")
	status, stdout, stderr := runCLI(t, "explain", "--trace", "--model", model, "--data", data, "--precision", "4")
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	// Values from numpy with the lecture's formulas: J = 1.1000686880514365,
	// dW[1] row 3 = [−0.5770453828802596, −1.1540907657605193].
	for _, want := range []string{
		"m = 1 example;",
		"rounded to 4 significant digits",
		"  J = 1.1\n",
		"dW[1] (3, 2) = 1/m · dZ[1] (3, 1) · A[0]ᵀ (1, 2)",
		"-0.577  -1.154 ]",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestExplainTraceRandom(t *testing.T) {
	args := []string{"explain", "--trace", "--json", "--layers", "3,4,2", "--activations", "relu,softmax", "--seed", "7", "--examples", "6"}
	status, stdout, stderr := runCLI(t, args...)
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	if !strings.Contains(stderr, "random examples drawn with --seed 7") || !strings.Contains(stderr, "Xavier") {
		t.Errorf("stderr %q does not say the weights and examples are random", stderr)
	}
	var got traceJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.M != 6 || len(got.Layers) != 2 || len(got.Layers[1].A) != 2 || len(got.Layers[1].A[0]) != 6 {
		t.Errorf("m %d, %d layers", got.M, len(got.Layers))
	}
	// The same seed gives the same trace.
	_, again, _ := runCLI(t, args...)
	if again != stdout {
		t.Error("two runs with --seed 7 differ")
	}
}

func TestExplainUsageErrors(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	data := writeFile(t, "d.csv", "1,2,1\n")
	for i, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--layers", "2,1", "--json"}, "--json applies to --trace only"},
		{[]string{"--layers", "2,1", "--precision", "3"}, "--precision applies to --trace only"},
		{[]string{"--layers", "2,1", "--seed", "3"}, "--seed applies to --trace only"},
		{[]string{"--layers", "2,1", "--format", "html"}, `--format "html"`},
		{[]string{"--layers", "2,1", "--l2", "-1"}, "--l2 -1"},
		{[]string{"--layers", "2,1", "--l2", "NaN"}, "--l2 NaN"},
		{[]string{"--trace", "--model", model, "--data", data, "--format", "latex"}, "--format applies to the equations"},
		{[]string{"--trace", "--model", model, "--data", data, "--precision", "0"}, "--precision 0"},
		{[]string{"--trace", "--model", model, "--data", data, "--seed", "2"}, "--seed has no effect"},
		{[]string{"--trace"}, "missing --layers or --model"},
	} {
		status, _, stderr := runCLI(t, append([]string{"explain"}, tc.args...)...)
		if status != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("case %d %v: status %d, stderr %q; want 2 and %q", i, tc.args, status, stderr, tc.want)
		}
	}
}

func TestExplainTraceErrors(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	for i, tc := range []struct {
		data string
		want string
	}{
		{"1,0\n", "has 2 columns, but the model needs 3"},
		{"1,2,1\n1,2,5\n", "line 2"},
		{"x,y,z\n", "no examples"},
	} {
		data := writeFile(t, "d.csv", tc.data)
		status, _, stderr := runCLI(t, "explain", "--trace", "--model", model, "--data", data)
		if status != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("case %d: status %d, stderr %q; want 1 and %q", i, status, stderr, tc.want)
		}
	}
}
