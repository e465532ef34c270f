package modelio_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// TestReadJSONHandWritten reads a 2-3-1 network written by hand.
func TestReadJSONHandWritten(t *testing.T) {
	m, err := modelio.ReadJSON[float64]("testdata/net231.json")
	if err != nil {
		t.Fatal(err)
	}
	net := m.Net
	if got := net.Sizes; len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 1 {
		t.Errorf("sizes %v, want [2 3 1]", got)
	}
	if net.Act[1] != nn.Tanh || net.Act[2] != nn.Sigmoid || net.Loss != nn.BCE {
		t.Errorf("activations %v, loss %v", net.Act, net.Loss)
	}
	if got := net.W[1].At(2, 1); got != 0.4 {
		t.Errorf("W[1][2][1] = %v, want 0.4", got)
	}
	if got := net.B[1].At(1, 0); got != -0.2 {
		t.Errorf("b[1][1] = %v, want -0.2", got)
	}
	if got := net.W[2].At(0, 1); got != -1.1 {
		t.Errorf("W[2][0][1] = %v, want -1.1", got)
	}
}

func TestJSONRoundTrip64(t *testing.T) { testJSONRoundTrip[float64](t) }
func TestJSONRoundTrip32(t *testing.T) { testJSONRoundTrip[float32](t) }

// testJSONRoundTrip checks that save → load → predict gives bit-identical
// parameters and outputs.
func testJSONRoundTrip[T matrix.Float](t *testing.T) {
	net, err := nn.New[T]([]int{4, 5, 3}, []nn.Activation{nn.LeakyReLU, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	net.LeakySlope = 0.03
	src := rand.New(11)
	if err := net.Init(nn.Xavier, 0, src); err != nil {
		t.Fatal(err)
	}
	for i := range net.B[1].RawData() {
		net.B[1].RawData()[i] = T(src.NormFloat64() / 3)
	}
	m := &modelio.Model[T]{
		Net:        net,
		Mean:       []float64{1, 2, 3, 4},
		Std:        []float64{0.5, 1, 2, 0.1},
		ClassNames: []string{"a", "b", "c"},
	}
	path := filepath.Join(t.TempDir(), "model.json")
	if err := modelio.WriteJSON(path, m); err != nil {
		t.Fatal(err)
	}
	back, err := modelio.ReadJSON[T](path)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range net.Params() {
		if !matrix.Equal(p, back.Net.Params()[i]) {
			t.Errorf("%s differs after the round trip", net.ParamNames()[i])
		}
	}
	if back.Net.LeakySlope != net.LeakySlope {
		t.Errorf("leaky slope %v, want %v", back.Net.LeakySlope, net.LeakySlope)
	}
	if strings.Join(back.ClassNames, ",") != "a,b,c" || back.Std[3] != 0.1 {
		t.Errorf("class names %v, std %v", back.ClassNames, back.Std)
	}
	X := matrix.New[T](4, 7, nil)
	for i := range X.RawData() {
		X.RawData()[i] = T(src.NormFloat64())
	}
	want, err := net.Forward(X)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Net.Forward(X)
	if err != nil {
		t.Fatal(err)
	}
	if !matrix.Equal(got, want) {
		t.Error("outputs differ after the round trip")
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	good := `{"layer_sizes": [2, 1], "activations": ["sigmoid"], "loss": "bce", "W": [[[1, 2]]], "b": [[[0]]]}`
	tests := []struct {
		name, text, want string
	}{
		{"valid", good, ""},
		{"unknown field", strings.Replace(good, `"loss"`, `"activation": "relu", "loss"`, 1), `unknown field "activation"; a model file contains layer_sizes`},
		{"missing loss", strings.Replace(good, `"loss": "bce",`, "", 1), "field loss is missing"},
		{"bad loss", strings.Replace(good, `"bce"`, `"hinge"`, 1), `unknown loss "hinge"`},
		{"bad activation", strings.Replace(good, `"sigmoid"`, `"swish"`, 1), `activations[0]: nn: unknown activation "swish"`},
		{"transposed W", strings.Replace(good, `[[[1, 2]]]`, `[[[1], [2]]]`, 1), "W[1] must be (1, 2), got (2, 1)"},
		{"ragged W", strings.Replace(good, `"layer_sizes": [2, 1]`, `"layer_sizes": [2, 2]`, 1) + "", "W[1] row 1"},
		{"bias row", strings.Replace(strings.Replace(good, `[2, 1]`, `[2, 2]`, 1), `"W": [[[1, 2]]], "b": [[[0]]]`, `"W": [[[1, 2], [3, 4]]], "b": [[[0, 0]]]`, 1), "b[1] must be (2, 1), got (1, 2)"},
		{"count", strings.Replace(good, `"b": [[[0]]]`, `"b": []`, 1), "fields W and b must hold 1 matrices each"},
		{"trailing", good + "{}", "data after the JSON model"},
		{"too large for float32", strings.Replace(good, "[[[1, 2]]]", "[[[1e39, 2]]]", 1), "W[1][0][0]: 1e39 is not a finite number"},
		{"truncated", good[:40], "invalid JSON model"},
	}
	for _, tt := range tests {
		if tt.name == "ragged W" {
			tt.text = strings.Replace(good, `"layer_sizes": [2, 1]`, `"layer_sizes": [2, 2]`, 1)
			tt.text = strings.Replace(tt.text, `"W": [[[1, 2]]], "b": [[[0]]]`, `"W": [[[1, 2], [3]]], "b": [[[0], [0]]]`, 1)
		}
		_, err := modelio.DecodeJSON[float32]("net.json", strings.NewReader(tt.text))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		case err != nil && !strings.HasPrefix(err.Error(), "net.json: "):
			t.Errorf("%s: error %q does not name the file", tt.name, err)
		}
	}
}

// TestWriteJSONRefusesNonFinite checks that a model with NaN weights is not
// written and an existing file is kept.
func TestWriteJSONRefusesNonFinite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := modelio.ReadJSON[float64]("testdata/net231.json")
	if err != nil {
		t.Fatal(err)
	}
	m.Net.W[2].Set(0, 1, nan())
	err = modelio.WriteJSON(path, m)
	if err == nil || !strings.Contains(err.Error(), "W[2][0][1] = NaN") {
		t.Errorf("error %v, want one naming W[2][0][1] = NaN", err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, []byte("old")) {
		t.Errorf("file now holds %q, want the old content", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the old file", len(entries))
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestDecodeHugeSizesAllocatesLittle checks that layer sizes far larger
// than the parameters in the file are rejected before anything is
// allocated from them (30000 × 30000 weights would take gigabytes).
func TestDecodeHugeSizesAllocatesLittle(t *testing.T) {
	text := `{"layer_sizes": [30000, 30000], "activations": ["linear"], "loss": "mse", "W": [[[1]]], "b": [[[0]]]}`
	var err error
	allocs := testing.AllocsPerRun(1, func() {
		_, err = modelio.DecodeJSON[float32]("huge.json", strings.NewReader(text))
	})
	if err == nil || !strings.Contains(err.Error(), "W[1] must be (30000, 30000), got (1, 1)") {
		t.Errorf("error %v", err)
	}
	if allocs > 500 {
		t.Errorf("%v allocations", allocs)
	}
}

// TestWriteRejectsIncompleteModel checks that every writer returns an
// error for a nil model, a model without a network and mismatched
// standardisation, creates no file, and that Write points .onnx to
// WriteONNX.
func TestWriteRejectsIncompleteModel(t *testing.T) {
	dir := t.TempDir()
	good, err := modelio.ReadJSON[float64]("testdata/net231.json")
	if err != nil {
		t.Fatal(err)
	}
	badStd := *good
	badStd.Mean, badStd.Std = []float64{0}, []float64{1}
	writers := map[string]func(string, *modelio.Model[float64]) error{
		"m.safetensors": modelio.Write[float64],
		"m.json":        modelio.WriteJSON[float64],
		"m.onnx":        modelio.WriteONNX[float64],
	}
	for name, write := range writers {
		path := filepath.Join(dir, name)
		for _, c := range []struct {
			fault string
			m     *modelio.Model[float64]
			want  string
		}{
			{"nil model", nil, "the model is nil"},
			{"no network", &modelio.Model[float64]{}, "model has no network"},
			{"standardisation", &badStd, "1 means and 1 deviations for n[0] = 2 inputs"},
		} {
			err := write(path, c.m)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("%s, %s: error %v, want one starting with the path and containing %q", name, c.fault, err, c.want)
			}
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a file was created", name)
		}
	}
	err = modelio.Write(filepath.Join(dir, "m.onnx"), good)
	if err == nil || !strings.Contains(err.Error(), "export ONNX with WriteONNX") {
		t.Errorf("Write to .onnx: error %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("folder contains %d entries, want none", len(entries))
	}
}
