package main

import (
	"encoding/hex"
	"encoding/json"
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
	Outcome  string   `json:"outcome"`
	Patterns []string `json:"suggested_match"`
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
