package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/modelio"
)

// TestExportWritesONNX exports the example model in both precisions and
// checks the printed result and that the file starts as an ONNX model
// does: field 1, ir_version, as a varint of 7.
func TestExportWritesONNX(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		flags []string
		elem  string
	}{
		{nil, "float32"},
		{[]string{"--float64"}, "float64"},
	} {
		out := filepath.Join(dir, tc.elem+".onnx")
		args := append([]string{"export", "--model", "../../examples/net231.json", "--out", out, "--json"}, tc.flags...)
		status, stdout, stderr := runCLI(t, args...)
		if status != 0 {
			t.Fatalf("%v: status %d, stderr %q", tc.flags, status, stderr)
		}
		var res exportResult
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("%v: %v in %q", tc.flags, err, stdout)
		}
		if res.Path != out || res.ElemType != tc.elem || res.Opset != modelio.ONNXOpset || !slices.Equal(res.Layers, []int{2, 3, 1}) {
			t.Errorf("%v: result %+v", tc.flags, res)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != res.Bytes || len(b) < 2 || b[0] != 0x08 || b[1] != modelio.ONNXIRVersion {
			t.Errorf("%v: file of %d bytes starting % x; want %d bytes starting 08 %02x", tc.flags, len(b), b[:min(len(b), 2)], res.Bytes, modelio.ONNXIRVersion)
		}
	}

	status, stdout, _ := runCLI(t, "export", "--model", "../../examples/net231.json", "--out", filepath.Join(dir, "text.onnx"))
	if status != 0 || !strings.Contains(stdout, `opset 13, float32, network [2 3 1]; input "input" (batch, 2), output "output" (batch, 1)`) {
		t.Errorf("text result: status %d, stdout %q", status, stdout)
	}
}

// TestExportErrors checks each bad invocation's status and message, and
// that none of them leaves a file.
func TestExportErrors(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	model := "../../examples/net231.json"
	folder := filepath.Join(other, "dir.onnx")
	file := filepath.Join(other, "plain")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"export", "--out", filepath.Join(dir, "a.onnx")}, 2, "give --model"},
		{[]string{"export", "--model", model}, 2, "give --out"},
		{[]string{"export", "--model", model, "--out", filepath.Join(dir, "a.safetensors")}, 2, "an ONNX file's name ends in .onnx"},
		{[]string{"export", "--model", model, "--out", filepath.Join(dir, "no", "a.onnx")}, 2, "does not exist; create it first"},
		{[]string{"export", "--model", filepath.Join(dir, "none.json"), "--out", filepath.Join(dir, "a.onnx")}, 1, "file not found"},
		{[]string{"export", "--model", model, "--out", filepath.Join(dir, "a.onnx"), "extra"}, 2, ""},
		{[]string{"export", "--model", model, "--out", folder}, 2, "is a folder; give the path of a file"},
		{[]string{"export", "--model", model, "--out", filepath.Join(file, "a.onnx")}, 2, "is a file, not a folder"},
	} {
		status, _, stderr := runCLI(t, tc.args...)
		if status != tc.status || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", tc.args[1:], status, stderr, tc.status, tc.want)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("the failed exports left %v (%v)", entries, err)
	}
}
