package main

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPredictPNGSizeMismatch checks that a PNG input for a model whose
// input count is not --width × --height is rejected before the image is
// read, with a message that points to both flags.
func TestPredictPNGSizeMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "digit.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 28, 28))); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	status, _, stderr := runCLI(t, "predict", "--model", "../../examples/net231.json", path)
	want := "a PNG image of --width 28 by --height 28 pixels gives 784 inputs, but the model takes 2; set --width and --height"
	if status != 2 || !strings.Contains(stderr, want) {
		t.Errorf("status %d, stderr %q; want 2 and %q", status, stderr, want)
	}
}

// TestPredictMissingInput checks that a missing input file is named, with
// the fix, for each kind of input.
func TestPredictMissingInput(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"rows.csv", "t10k-images-idx3-ubyte", "digit.png"} {
		path := filepath.Join(dir, name)
		status, _, stderr := runCLI(t, "predict", "--model", "../../examples/net231.json", path)
		want := path + ": input file not found; check the path"
		if status != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%s: status %d, stderr %q; want 1 and %q", name, status, stderr, want)
		}
	}
}

// TestPredictCSVFirstLine checks how predict reads line 1 of a CSV file:
// a name makes it a header, and a NaN or an infinity is an error there as
// on any other line, not a header that drops the row.
func TestPredictCSVFirstLine(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		status     int
		want       string
	}{
		{"header.csv", "x1,x2\n0.5,1\n", 0, "header.csv:2"},
		{"nan.csv", "1,NaN\n1,2\n", 1, `nan.csv:1: field 2 is "NaN", not a finite number; remove or impute it`},
		{"inf.csv", "1,2\n-Inf,2\n", 1, `inf.csv:2: field 1 is "-Inf", not a finite number; remove or impute it`},
		{"name.csv", "1,2\n1,two\n", 1, `name.csv:2: field 2 is "two", not a finite number; if that column is the label`},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		status, stdout, stderr := runCLI(t, "predict", "--model", "../../examples/net231.json", path)
		if status != c.status || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%s: status %d, stdout %q, stderr %q; want %d and %q", c.name, status, stdout, stderr, c.status, c.want)
		}
	}
}
