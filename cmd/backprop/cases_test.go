package main

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/internal/testcases"
)

// csvCase is the input of a load_csv or train_csv case.
type csvCase struct {
	CSVText string `json:"csv_text"`
	Options struct {
		Task      string `json:"task"`
		NClasses  int    `json:"n_classes"`
		Header    *bool  `json:"header"`
		LabelName string `json:"label"`
	} `json:"options"`
}

// errorExpect is what an error case requires.
type errorExpect struct {
	Outcome  string         `json:"outcome"`
	Patterns []string       `json:"suggested_match"`
	Identify map[string]any `json:"error_must_identify"`
}

// trainCSVArgs returns the train command line for a CSV case.
func trainCSVArgs(path, out string, c *csvCase) []string {
	args := []string{"train", "--data", path, "--out", out, "--epochs", "1"}
	if c.Options.Header != nil {
		args = append(args, "--header", strconv.FormatBool(*c.Options.Header))
	}
	switch {
	case c.Options.NClasses > 0:
		args = append(args, "--classes", strconv.Itoa(c.Options.NClasses))
	case c.Options.Task == "binary":
		args = append(args, "--classes", "2")
	}
	return args
}

// TestCSVErrorCasesCLI runs the CSV error cases through train: exit status
// 1, a message with every fact the case lists, and no model file.
func TestCSVErrorCasesCLI(t *testing.T) {
	cases, err := testcases.Load("load_csv", "train_csv")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range cases {
		parts := map[string]json.RawMessage{"": mustMarshal(t, c.Input)}
		expects := map[string]json.RawMessage{"": mustMarshal(t, c.Expected)}
		if _, ok := c.Input["a"]; ok {
			parts, expects = map[string]json.RawMessage{}, map[string]json.RawMessage{}
			for _, k := range []string{"a", "b"} {
				if raw, ok := c.Input[k]; ok {
					parts[k] = raw
					if e, ok := c.Expected[k]; ok {
						expects[k] = e
					} else {
						expects[k] = mustMarshal(t, c.Expected)
					}
				}
			}
		}
		for part, raw := range parts {
			var in csvCase
			if err := json.Unmarshal(raw, &in); err != nil || in.CSVText == "" && !strings.Contains(string(raw), "csv_text") {
				continue // the library part of empty-input-01
			}
			var want errorExpect
			json.Unmarshal(expects[part], &want)
			if want.Outcome == "ok" {
				continue
			}
			ran++
			name := c.ID + part
			dir := t.TempDir()
			path := filepath.Join(dir, "data.csv")
			if err := os.WriteFile(path, []byte(in.CSVText), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "model.json")
			status, _, stderr := runCLI(t, trainCSVArgs(path, out, &in)...)
			if want.Outcome == "error_or_header_autodetected" && status == 0 {
				continue
			}
			if status != 1 {
				t.Errorf("%s: exit status %d, want 1; stderr %q", name, status, stderr)
			}
			for _, p := range want.Patterns {
				if !regexp.MustCompile(p).MatchString(stderr) {
					t.Errorf("%s: message %q does not match %s", name, stderr, p)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s: %s was written", name, out)
			}
		}
	}
	if ran < 6 {
		t.Errorf("ran %d CSV error cases, want at least 6", ran)
	}
}

// TestIDXErrorCasesCLI writes each IDX error case as an MNIST folder and
// runs train on it.
func TestIDXErrorCasesCLI(t *testing.T) {
	cases, err := testcases.Load("load_idx")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range cases {
		type idxInput struct {
			Images string `json:"images_hex"`
			Labels string `json:"labels_hex"`
		}
		inputs := map[string]idxInput{}
		if _, ok := c.Input["a"]; ok {
			for _, k := range []string{"a", "b"} {
				var in idxInput
				json.Unmarshal(c.Input[k], &in)
				inputs[k] = in
			}
		} else {
			var in idxInput
			json.Unmarshal(mustMarshal(t, c.Input), &in)
			inputs[""] = in
		}
		var want errorExpect
		json.Unmarshal(mustMarshal(t, c.Expected), &want)
		if want.Outcome != "error" {
			continue
		}
		for part, in := range inputs {
			ran++
			dir := t.TempDir()
			for _, set := range []string{"train", "t10k"} {
				writeHex(t, filepath.Join(dir, set+"-images-idx3-ubyte"), in.Images)
				writeHex(t, filepath.Join(dir, set+"-labels-idx1-ubyte"), in.Labels)
			}
			out := filepath.Join(t.TempDir(), "model.safetensors")
			status, _, stderr := runCLI(t, "train", "--data-dir", dir, "--out", out, "--epochs", "1")
			if status != 1 {
				t.Errorf("%s%s: exit status %d, want 1; stderr %q", c.ID, part, status, stderr)
			}
			for _, p := range want.Patterns {
				if !regexp.MustCompile(p).MatchString(stderr) {
					t.Errorf("%s%s: message %q does not match %s", c.ID, part, stderr, p)
				}
			}
			// Facts without a pattern: every number listed must appear.
			facts := want.Identify
			if f, ok := facts[part].(map[string]any); ok {
				facts = f
			}
			for k, v := range facts {
				if n, ok := v.(float64); ok && !strings.Contains(stderr, strconv.Itoa(int(n))) && !strings.HasPrefix(k, "magic_found") {
					t.Errorf("%s%s: message %q does not name %s = %v", c.ID, part, stderr, k, v)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s%s: %s was written", c.ID, part, out)
			}
		}
	}
	if ran < 3 {
		t.Errorf("ran %d IDX error cases, want at least 3", ran)
	}
}

// TestDivergenceCaseCLI trains the case's linear unit with α = 1 until the
// cost overflows: exit status 1, a message naming the divergence and the
// iteration, and no model file.
func TestDivergenceCaseCLI(t *testing.T) {
	c, err := testcases.Get("divergence-nonfinite-01")
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		Network json.RawMessage `json:"network"`
		X, Y    [][]float64
	}
	json.Unmarshal(mustMarshal(t, c.Input), &in)
	var want struct {
		First    int      `json:"first_iteration_with_nonfinite_cost"`
		Patterns []string `json:"suggested_match"`
	}
	json.Unmarshal(mustMarshal(t, c.Expected), &want)
	dir := t.TempDir()
	model := filepath.Join(dir, "net.json")
	if err := os.WriteFile(model, in.Network, 0o644); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	for j := range in.X[0] {
		csv.WriteString(strconv.FormatFloat(in.X[0][j], 'g', -1, 64) + "," + strconv.FormatFloat(in.Y[0][j], 'g', -1, 64) + "\n")
	}
	data := filepath.Join(dir, "line.csv")
	os.WriteFile(data, []byte(csv.String()), 0o644)
	out := filepath.Join(dir, "trained.json")
	status, _, stderr := runCLI(t, "train", "--data", data, "--task", "regression", "--from", model,
		"--optimizer", "sgd", "--lr", "1", "--batch", "0", "--epochs", "2000", "--shuffle=false",
		"--test-fraction", "0", "--float64", "--out", out)
	if status != 1 {
		t.Fatalf("exit status %d, want 1; stderr %q", status, stderr)
	}
	for _, p := range want.Patterns {
		if !regexp.MustCompile(p).MatchString(stderr) {
			t.Errorf("message %q does not match %s", stderr, p)
		}
	}
	if !strings.Contains(stderr, strconv.Itoa(want.First)) {
		t.Errorf("message %q does not name iteration %d", stderr, want.First)
	}
	if !strings.Contains(stderr, "learning rate") {
		t.Errorf("message %q does not suggest a lower learning rate", stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written", out)
	}
}

func writeHex(t *testing.T, path, h string) {
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustMarshal(t *testing.T, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// caseModelJSON returns the network of a case's input.model as a JSON
// model file's bytes.
func caseModelJSON(t *testing.T, c *testcases.Case) []byte {
	var in struct {
		Model struct {
			Network json.RawMessage `json:"network"`
		} `json:"model"`
	}
	if err := json.Unmarshal(mustMarshal(t, c.Input), &in); err != nil {
		t.Fatal(err)
	}
	return in.Model.Network
}

// TestModelTruncationCaseCLI saves the case's network in both forms,
// checks that predictions survive the round trip bit for bit, then cuts
// the file at each of the case's lengths: every load fails with status 1,
// names the file and reports it as truncated or corrupt.
func TestModelTruncationCaseCLI(t *testing.T) {
	c, err := testcases.Get("model-file-integrity-01")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "case.json")
	os.WriteFile(src, caseModelJSON(t, c), 0o644)
	points := filepath.Join(dir, "x.csv")
	os.WriteFile(points, []byte("1,0.5\n-0.5,1.5\n2,-1\n0,-2\n"), 0o644)
	labelled := filepath.Join(dir, "xy.csv")
	os.WriteFile(labelled, []byte("1,0.5,1\n-0.5,1.5,0\n2,-1,1\n0,-2,0\n"), 0o644)
	var want struct {
		A struct {
			Predict [][]float64 `json:"predict_A2"`
		} `json:"a"`
	}
	json.Unmarshal(mustMarshal(t, c.Expected), &want)

	for _, name := range []string{"m.json", "m.safetensors"} {
		path := filepath.Join(dir, name)
		// The file is written by train --from with one update whose
		// learning rate, 1e-300, is too small to change any float64 weight,
		// so it holds the case's network as it is.
		status, _, stderr := runCLI(t, "train", "--data", labelled, "--classes", "2", "--from", src, "--float64",
			"--epochs", "1", "--lr", "1e-300", "--optimizer", "sgd", "--test-fraction", "0", "--out", path)
		if status != 0 {
			t.Fatalf("%s: writing the model: status %d: %s", name, status, stderr)
		}
		status, stdout, stderr := runCLI(t, "predict", "--model", path, "--json", points)
		if status != 0 {
			t.Fatalf("%s: predict: status %d: %s", name, status, stderr)
		}
		var preds []prediction
		json.Unmarshal([]byte(stdout), &preds)
		for j, p := range preds {
			// predict runs in float32; the case's values are float64.
			if got, w := p.Output[0], want.A.Predict[0][j]; math.Abs(got-w) > 1e-6 {
				t.Errorf("%s: example %d: A[2] = %v, want %v", name, j, got, w)
			}
		}
		full, _ := os.ReadFile(path)
		for _, n := range []int{0, 1, len(full) / 2, len(full) - 1} {
			cut := filepath.Join(dir, "cut-"+name)
			os.WriteFile(cut, full[:n], 0o644)
			status, _, stderr := runCLI(t, "predict", "--model", cut, points)
			if status != 1 {
				t.Errorf("%s cut to %d bytes: status %d, want 1", name, n, status)
			}
			if !strings.Contains(stderr, cut) || !regexp.MustCompile(`(?i)truncated|corrupt|unexpected end`).MatchString(stderr) {
				t.Errorf("%s cut to %d bytes: message %q does not name the file and the truncation", name, n, stderr)
			}
		}
	}
}

// TestModelShapeEditCaseCLI declares layer sizes [2, 4, 1] while W[1]
// keeps 3 rows: loading names W[1] (layer 1) and both shapes.
func TestModelShapeEditCaseCLI(t *testing.T) {
	c, err := testcases.Get("model-file-integrity-02")
	if err != nil {
		t.Fatal(err)
	}
	var net map[string]any
	json.Unmarshal(caseModelJSON(t, c), &net)
	net["layer_sizes"] = []int{2, 4, 1}
	path := filepath.Join(t.TempDir(), "edited.json")
	os.WriteFile(path, mustMarshal(t, net), 0o644)
	status, _, stderr := runCLI(t, "summary", "--model", path)
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	for _, p := range []string{`W\[1\]`, `\(4, 2\)`, `\(3, 2\)`} {
		if !regexp.MustCompile(p).MatchString(stderr) {
			t.Errorf("message %q does not match %s", stderr, p)
		}
	}
}

// TestShapeCasesCLI runs the shape-validation cases through explain
// --trace: labels given as a column and a bias given as a row.
func TestShapeCasesCLI(t *testing.T) {
	for _, id := range []string{"shape-validation-02"} {
		c, err := testcases.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		var in struct {
			Network json.RawMessage `json:"network"`
			X       [][]float64     `json:"X"`
		}
		json.Unmarshal(mustMarshal(t, c.Input), &in)
		var want errorExpect
		json.Unmarshal(mustMarshal(t, c.Expected), &want)
		dir := t.TempDir()
		model := filepath.Join(dir, "net.json")
		os.WriteFile(model, in.Network, 0o644)
		status, _, stderr := runCLI(t, "summary", "--model", model)
		if status != 1 {
			t.Errorf("%s: status %d, want 1", id, status)
		}
		for _, p := range want.Patterns {
			if !regexp.MustCompile(p).MatchString(stderr) {
				t.Errorf("%s: message %q does not match %s", id, stderr, p)
			}
		}
	}
}
