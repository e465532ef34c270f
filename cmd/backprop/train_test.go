package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainFlowerJSON trains the course's planar classifier briefly and
// checks the JSON result's fields.
func TestTrainFlowerJSON(t *testing.T) {
	status, stdout, stderr := runCLI(t, "train", "--data", "flower", "--epochs", "2000", "--json")
	if status != 0 {
		t.Fatalf("exit status %d: %s", status, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	for _, k := range []string{"train_accuracy", "train_cost", "epochs", "seconds", "parameters"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result lacks %q: %s", k, stdout)
		}
	}
	// [2, 4, 1] tanh/sigmoid reaches about 90% on the flower, as the
	// course reports.
	if acc, _ := res["train_accuracy"].(float64); acc < 0.85 {
		t.Errorf("train accuracy %v, want about 0.9", acc)
	}
	if p, _ := res["parameters"].(float64); p != 17 {
		t.Errorf("parameters %v, want 4·3 + 1·5 = 17", p)
	}
}

// TestTrainSaveLoadPredict trains once into safetensors and once into
// JSON with the same seed, and checks that both files predict the same
// outputs, bit for bit, and that the other commands read them.
func TestTrainSaveLoadPredict(t *testing.T) {
	dir := t.TempDir()
	var outputs []string
	for _, name := range []string{"m.safetensors", "m.json"} {
		model := filepath.Join(dir, name)
		status, _, stderr := runCLI(t, "train", "--data", "moons", "--epochs", "30", "--out", model)
		if status != 0 {
			t.Fatalf("train --out %s: exit status %d: %s", name, status, stderr)
		}
		points := filepath.Join(dir, "points.csv")
		os.WriteFile(points, []byte("x1,x2\n0.5,0.25\n-1,0.5\n1.5,-0.4\n"), 0o644)
		status, stdout, stderr := runCLI(t, "predict", "--model", model, "--json", points)
		if status != 0 {
			t.Fatalf("predict with %s: exit status %d: %s", name, status, stderr)
		}
		var preds []prediction
		if err := json.Unmarshal([]byte(stdout), &preds); err != nil {
			t.Fatal(err)
		}
		if len(preds) != 3 || preds[0].Class == nil || preds[0].Probability == nil {
			t.Fatalf("predictions %s", stdout)
		}
		// Inputs are named by file:line, so strip the folder to compare.
		outputs = append(outputs, strings.ReplaceAll(stdout, dir, ""))
		status, stdout, stderr = runCLI(t, "summary", "--model", model)
		if status != 0 || !strings.Contains(stdout, "W[1]") {
			t.Errorf("summary --model %s: exit status %d: %s%s", name, status, stdout, stderr)
		}
	}
	if outputs[0] != outputs[1] {
		t.Errorf("safetensors and JSON models predict differently:\n%s\n%s", outputs[0], outputs[1])
	}
}

// TestPredictLabelFirst gives predict a CSV whose label column comes
// first: the error must name the field and the --label flag, which then
// skips the column.
func TestPredictLabelFirst(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if status, _, stderr := runCLI(t, "train", "--data", "moons", "--epochs", "2", "--out", model); status != 0 {
		t.Fatalf("train: exit status %d: %s", status, stderr)
	}
	points := filepath.Join(dir, "points.csv")
	os.WriteFile(points, []byte("label,x1,x2\nyes,0.5,0.25\n"), 0o644)
	status, _, stderr := runCLI(t, "predict", "--model", model, points)
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	for _, want := range []string{`points.csv:2: field 1 is "yes", not a finite number`, "name it with --label"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// --label skips the column, by name or by index, and must give the
	// predictions of the file without it.
	plain := filepath.Join(dir, "plain.csv")
	os.WriteFile(plain, []byte("0.5,0.25\n"), 0o644)
	status, want, stderr := runCLI(t, "predict", "--model", model, "--json", plain)
	if status != 0 {
		t.Fatalf("predict without a label: exit status %d: %s", status, stderr)
	}
	for _, label := range []string{"label", "0"} {
		status, got, stderr := runCLI(t, "predict", "--model", model, "--json", "--label", label, points)
		if status != 0 {
			t.Errorf("--label %s: exit status %d: %s", label, status, stderr)
			continue
		}
		if strip := func(s string) string { return s[strings.Index(s, `"output"`):] }; strip(got) != strip(want) {
			t.Errorf("--label %s: predictions %s, want those of the file without the column, %s", label, got, want)
		}
	}
	status, _, stderr = runCLI(t, "predict", "--model", model, "--label", "species", points)
	if status != 2 || !strings.Contains(stderr, "--label species: "+points+" has no column of that name in line 1, and it is not a column index from 0 to 2") {
		t.Errorf("--label species: exit status %d, stderr:\n%s", status, stderr)
	}
}

func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--data", "nosuchset"}, "neither a known data set"},
		{[]string{"--data", "flower", "--epochs", "0"}, "--epochs 0"},
		{[]string{"--data", "flower", "--lr", "-1"}, "--lr -1"},
		{[]string{"--data", "flower", "--keep-prob", "1.5"}, "--keep-prob 1.5"},
		{[]string{"--data", "flower", "--layers", "4,x"}, `hidden layer 2 has size "x"`},
		{[]string{"--data", "flower", "--test-fraction", "1.5"}, "--test-fraction 1.5"},
		{[]string{"--data", "flower", "--epoch", "3"}, "did you mean --epochs?"},
		{[]string{"--data", "flower", "--out", filepath.Join(dir, "m.onnx")}, `unknown model file extension ".onnx"`},
		{[]string{"--data", "flower", "--out", filepath.Join(dir, "no", "m.json")}, "does not exist"},
		{[]string{"--data", "flower", "--plot", filepath.Join(dir, "c.jpg")}, `unknown image extension ".jpg"`},
		{[]string{"--data", "flower", "--patience", "3"}, "--patience needs a validation set"},
		{[]string{"--data", "flower", "--optimizer", "lbfgs"}, `unknown optimizer "lbfgs"`},
		{[]string{"--data", "flower", "--from", "m.json", "--layers", "3"}, "cannot be combined with --from"},
	}
	for _, tt := range tests {
		status, _, stderr := runCLI(t, append([]string{"train"}, tt.args...)...)
		if status != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit status %d, stderr %q; want 2 and %q", tt.args, status, stderr, tt.want)
		}
	}
}

// TestTrainPlot draws the curves of a short run.
func TestTrainPlot(t *testing.T) {
	for _, name := range []string{"curves.png", "curves.svg"} {
		path := filepath.Join(t.TempDir(), name)
		status, _, stderr := runCLI(t, "train", "--data", "xor", "--epochs", "5", "--validation", "0.2", "--plot", path)
		if status != 0 {
			t.Fatalf("exit status %d: %s", status, stderr)
		}
		st, err := os.Stat(path)
		if err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v, size %d", name, err, st.Size())
		}
	}
}

// TestTrainDataPathErrors checks that a missing --data file and a folder
// given as --data or --out are named as such, with the fix.
func TestTrainDataPathErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nosuch.csv")
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"train", "--data", missing}, 1, "--data " + missing + ": file not found; check the path"},
		{[]string{"train", "--data", dir}, 2, "--data " + dir + " is a folder; give a .csv or .npy file in it"},
		{[]string{"train", "--data", "../../examples/points.csv", "--out", dir}, 2, dir + " is a folder; give the path of a file"},
	} {
		status, _, stderr := runCLI(t, c.args...)
		if status != c.status || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", c.args, status, stderr, c.status, c.want)
		}
	}
}
