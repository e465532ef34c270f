package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/internal/testcases"
)

func TestGradcheckPass(t *testing.T) {
	for i, args := range [][]string{
		{"--layers", "2,3,1", "--activations", "tanh,sigmoid"},
		{"--layers", "4,5,3", "--seed", "3"},
		{"--layers", "3,4,4,2", "--activations", "sigmoid,tanh,linear", "--examples", "8"},
		{"--layers", "3,4,2", "--activations", "tanh,tanh", "--loss", "mse", "--l2", "0.7"},
		{"--layers", "2,3,3", "--activations", "tanh,softmax", "--loss", "mse"},
	} {
		status, stdout, stderr := runCLI(t, append([]string{"gradcheck"}, args...)...)
		if status != 0 || !strings.Contains(stdout, "\nPASS: ") {
			t.Errorf("case %d %v: status %d, stderr %q\n%s", i, args, status, stderr, stdout)
		}
		for _, name := range []string{"dW[1]", "db[1]", "dW[2]", "db[2]", "all"} {
			if !strings.Contains(stdout, "  "+name+" ") {
				t.Errorf("case %d: no line for %s in\n%s", i, name, stdout)
			}
		}
	}
}

func TestGradcheckModelAndData(t *testing.T) {
	c, err := testcases.Get("backprop-exact-02")
	if err != nil {
		t.Fatal(err)
	}
	model, data, _ := caseFiles(t, c)
	status, stdout, stderr := runCLI(t, "gradcheck", "--model", model, "--data", data, "--l2", "0.3")
	if status != 0 || !strings.Contains(stdout, "PASS") {
		t.Errorf("status %d, stderr %q\n%s", status, stderr, stdout)
	}
	if !strings.Contains(stdout, "Weights: from "+model) || !strings.Contains(stdout, "λ = 0.3") {
		t.Errorf("report does not name the model and λ:\n%s", stdout)
	}
}

// TestGradcheckKink checks the network and data of case gradient-check-02,
// where a ReLU pre-activation is exactly 0: the two-sided difference there
// averages the slopes 0 and 1, so the check must fail and name the kink
// rather than report PASS.
func TestGradcheckKink(t *testing.T) {
	c, err := testcases.Get("gradient-check-02")
	if err != nil {
		t.Fatal(err)
	}
	model, data, _ := caseFiles(t, c)
	status, stdout, stderr := runCLI(t, "gradcheck", "--model", model, "--data", data)
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	if !hasRow(stdout, "all", "0.243", "FAIL") || !hasRow(stdout, "dW[1]", "0.292", "FAIL") || !hasRow(stdout, "dW[2]", "*", "PASS") {
		t.Errorf("report rows differ from the case:\n%s", stdout)
	}
	for _, want := range []string{"W[1][0][0]", "Z[1][0][0] = 0: layer 1, unit 0, example 0", "\nFAIL: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "gradient check FAILED") || !strings.Contains(stderr, "ReLU kink") {
		t.Errorf("stderr %q", stderr)
	}

	status, stdout, _ = runCLI(t, "gradcheck", "--model", model, "--data", data, "--json")
	if status != 1 {
		t.Errorf("--json: status %d, want 1", status)
	}
	var got struct {
		Difference float64 `json:"difference"`
		Pass       bool    `json:"pass"`
		Verdict    string  `json:"verdict"`
		Worst      []struct {
			Name string `json:"name"`
		} `json:"worst"`
		Kinks []struct {
			Layer, Unit, Example int
			Z                    float64
		} `json:"kinks"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	// 0.24268759167697643 is the case's difference, from PyTorch float64
	// autograd and two-sided differences in numpy.
	tol := testcases.Tolerance{Abs: 1e-8, Rel: 1e-5}
	if got.Pass || got.Verdict != "FAIL" || !tol.Close(got.Difference, 0.24268759167697643) {
		t.Errorf("pass %v, verdict %s, difference %v", got.Pass, got.Verdict, got.Difference)
	}
	if len(got.Worst) == 0 || got.Worst[0].Name != "W[1][0][0]" {
		t.Errorf("worst %v, want W[1][0][0] first", got.Worst)
	}
	if len(got.Kinks) != 1 || got.Kinks[0].Layer != 1 || got.Kinks[0].Unit != 0 || got.Kinks[0].Example != 0 || got.Kinks[0].Z != 0 {
		t.Errorf("kinks %+v, want layer 1, unit 0, example 0 at z = 0", got.Kinks)
	}
}

// hasRow reports whether a line of text consists of the given fields; a
// field "*" matches any one field.
func hasRow(text string, fields ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		got := strings.Fields(line)
		if len(got) != len(fields) {
			continue
		}
		match := true
		for i, f := range fields {
			if f != "*" && f != got[i] {
				match = false
			}
		}
		if match {
			return true
		}
	}
	return false
}

func TestGradcheckJSON(t *testing.T) {
	status, stdout, stderr := runCLI(t, "gradcheck", "--layers", "3,4,1", "--activations", "tanh,sigmoid", "--json")
	if status != 0 {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	for _, key := range []string{"difference", "pass", "verdict", "tensors", "worst", "kinks", "m", "lambda"} {
		if _, ok := got[key]; !ok {
			t.Errorf("key %q missing from %s", key, stdout)
		}
	}
	if string(got["pass"]) != "true" || string(got["m"]) != "5" {
		t.Errorf("pass %s, m %s", got["pass"], got["m"])
	}
	var tensors []struct {
		Name       string   `json:"name"`
		Difference *float64 `json:"difference"`
	}
	if err := json.Unmarshal(got["tensors"], &tensors); err != nil {
		t.Fatal(err)
	}
	names := []string{"dW[1]", "db[1]", "dW[2]", "db[2]"}
	if len(tensors) != len(names) {
		t.Fatalf("tensors %s", got["tensors"])
	}
	for i, tn := range tensors {
		if tn.Name != names[i] || tn.Difference == nil || *tn.Difference >= 1e-7 {
			t.Errorf("tensor %d: %s %v", i, tn.Name, tn.Difference)
		}
	}
}

func TestGradcheckErrors(t *testing.T) {
	model := writeFile(t, "m.json", model231)
	data := writeFile(t, "d.csv", "1,2,1\n")
	for i, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"--layers", "12288,20,1"}, 1, "245,801 parameters, more than --max-params 100,000"},
		{[]string{"--layers", "3,4,1", "--max-params", "10"}, 1, "21 parameters, more than --max-params 10"},
		{[]string{"--layers", "3,1", "--max-params", "0"}, 2, "--max-params 0"},
		{[]string{"--layers", "3,1", "--l2", "-2"}, 2, "--l2 -2"},
		{[]string{"--model", model, "--data", data, "--seed", "4"}, 2, "--seed has no effect"},
		{[]string{"--model", model, "--layers", "2,1"}, 2, "not both"},
	} {
		status, _, stderr := runCLI(t, append([]string{"gradcheck"}, tc.args...)...)
		if status != tc.status || !strings.Contains(stderr, tc.want) {
			t.Errorf("case %d %v: status %d, stderr %q; want %d and %q", i, tc.args, status, stderr, tc.status, tc.want)
		}
	}
}
