package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/nn"
)

// writeFile writes content to name in a fresh temporary folder and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// model231 is a 2-3-1 tanh/sigmoid model in the JSON form.
const model231 = `{"layer_sizes": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
 "W": [[[0.1, -0.2], [0.4, 0.3], [-0.5, 0.2]], [[0.3, -0.6, 0.9]]],
 "b": [[[0], [0.1], [-0.1]], [[0.05]]]}`

func TestSummaryMatchesLibrary(t *testing.T) {
	for i, tc := range []struct {
		args []string
		arch explain.Arch
		m    int
	}{
		{[]string{"--layers", "12288,20,7,5,1"},
			explain.Arch{Sizes: []int{12288, 20, 7, 5, 1}, Acts: []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, Loss: nn.BCE}, 0},
		{[]string{"--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--examples", "400"},
			explain.Arch{Sizes: []int{2, 4, 1}, Acts: []nn.Activation{nn.Tanh, nn.Sigmoid}, Loss: nn.BCE}, 400},
		{[]string{"--layers", "784, 128, 10"},
			explain.Arch{Sizes: []int{784, 128, 10}, Acts: []nn.Activation{nn.ReLU, nn.Softmax}, Loss: nn.CCE}, 0},
		{[]string{"--layers", "3,5,2", "--activations", "tanh,linear"},
			explain.Arch{Sizes: []int{3, 5, 2}, Acts: []nn.Activation{nn.Tanh, nn.Linear}, Loss: nn.MSE}, 0},
	} {
		status, stdout, stderr := runCLI(t, append([]string{"summary"}, tc.args...)...)
		if status != 0 {
			t.Fatalf("case %d: status %d, stderr %s", i, status, stderr)
		}
		s, err := explain.NewSummary(tc.arch, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := s.WriteText(&want); err != nil {
			t.Fatal(err)
		}
		if stdout != want.String() {
			t.Errorf("case %d: output differs from explain.Summary.WriteText:\n%s", i, stdout)
		}
	}
}

func TestSummaryJSON(t *testing.T) {
	status, stdout, stderr := runCLI(t, "summary", "--layers", "12288,20,7,5,1", "--examples", "209", "--json")
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	var got struct {
		Examples    int `json:"examples"`
		Params      int `json:"params"`
		Derivatives struct {
			Total int `json:"total"`
		} `json:"derivatives"`
		Layers []struct {
			Z [2]int `json:"Z"`
		} `json:"layers"`
		Answers []struct{ Question, Answer string } `json:"answers"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	// 245,973 parameters plus 65 intermediate values for each of 209 examples.
	if got.Params != 245973 || got.Examples != 209 || got.Derivatives.Total != 245973+65*209 {
		t.Errorf("params %d, examples %d, total %d", got.Params, got.Examples, got.Derivatives.Total)
	}
	if got.Layers[0].Z != [2]int{20, 209} {
		t.Errorf("Z[1] shape %v, want [20 209]", got.Layers[0].Z)
	}
	if len(got.Answers) != 4 || !strings.Contains(stdout, "A[4] > 0.5") {
		t.Errorf("answers %v; want 4, with > unescaped", got.Answers)
	}
}

func TestSummaryModelAndData(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	data := writeFile(t, "d.csv", "x1,x2,y\n1,2,1\n0.5,-1,0\n3,0,1\n")
	status, stdout, stderr := runCLI(t, "summary", "--model", model, "--data", data)
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	for _, want := range []string{"n = [2, 3, 1]; tanh, sigmoid; loss bce", "m = 3 examples", "(3, 3)", "13 parameters"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "header") {
		t.Errorf("stderr %q does not report the skipped header", stderr)
	}
	status, stdout, _ = runCLI(t, "summary", "--model", model, "--data", data, "--examples", "2")
	if status != 0 || !strings.Contains(stdout, "m = 2 examples") {
		t.Errorf("--examples 2 with --data: status %d\n%s", status, stdout)
	}
}

func TestSummaryUsageErrors(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	for i, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "missing --layers or --model"},
		{[]string{"--layers", "2"}, `--layers "2" has 1 size`},
		{[]string{"--layers", "2,x,1"}, `size "x" is not a whole number`},
		{[]string{"--layers", "2,0,1"}, `size "0" is not a whole number ≥ 1`},
		{[]string{"--layers", "2,1", "--model", model}, "either --layers or --model, not both"},
		{[]string{"--model", model, "--loss", "mse"}, "--activations and --loss go with --layers"},
		{[]string{"--layers", "2,3,1", "--activations", "relu"}, "lists 1 activation, but --layers 2,3,1 has 2 layers"},
		{[]string{"--layers", "2,3,1", "--activations", "relu,swish"}, `unknown activation "swish"`},
		{[]string{"--layers", "2,1", "--loss", "hinge"}, `unknown loss "hinge"`},
		{[]string{"--layers", "2,3,1", "--activations", "tanh,tanh", "--loss", "bce"}, "bce needs a sigmoid output layer, got tanh"},
		{[]string{"--layers", "2,1", "--activations", "softmax"}, "cce needs at least 2 output units"},
		{[]string{"--layers", "2,1", "--examples", "0"}, "--examples 0"},
		{[]string{"--layers", "2,1", "--frobnicate"}, "flag provided but not defined: -frobnicate"},
		{[]string{"--layers", "2,1", "extra"}, `unexpected argument "extra"`},
	} {
		status, _, stderr := runCLI(t, append([]string{"summary"}, tc.args...)...)
		if status != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("case %d %v: status %d, stderr %q; want 2 and %q", i, tc.args, status, stderr, tc.want)
		}
	}
}

func TestSummaryErrors(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	dir := t.TempDir()
	for i, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"--model", writeFile(t, "m.safetensors", "abc")}, "truncated or not safetensors"},
		{[]string{"--model", filepath.Join(dir, "m.pt")}, `unknown model file extension ".pt"`},
		{[]string{"--model", filepath.Join(dir, "m.onnx")}, `ONNX is an export format that backprop writes but does not read`},
		{[]string{"--model", writeFile(t, "bad.json", `{"layer_sizes": [2, 1]}`)}, "bad.json"},
		{[]string{"--model", model, "--data", writeFile(t, "ragged.csv", "1,2,1\n3,4,0\n5,6,1\n7,0\n")}, "line 4 has 2 fields"},
		{[]string{"--model", model, "--data", writeFile(t, "wide.csv", "1,2,3,1\n")}, "has 4 columns, but the model needs 3"},
		{[]string{"--model", model, "--data", writeFile(t, "label.csv", "0.1,0.2,1\n0.3,0.4,2\n")}, "line 2"},
		{[]string{"--model", model, "--data", writeFile(t, "nan.csv", "0.1,0.2,1\n0.3,NaN,0\n")}, "NaN"},
		{[]string{"--model", model, "--data", writeFile(t, "empty.csv", "x1,x2,y\n")}, "no examples"},
		{[]string{"--model", model, "--data", writeFile(t, "few.csv", "1,2,1\n"), "--examples", "3"}, "--examples 3, but"},
	} {
		status, _, stderr := runCLI(t, append([]string{"summary"}, tc.args...)...)
		if status != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("case %d %v: status %d, stderr %q; want 1 and %q", i, tc.args, status, stderr, tc.want)
		}
	}
}
