package modelio

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// testModel returns a seeded 5-4-3 network with a standardisation.
func testModel[T matrix.Float](t *testing.T) *Model[T] {
	t.Helper()
	net, err := nn.New[T]([]int{5, 4, 3}, []nn.Activation{nn.Tanh, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(3)
	if err := net.Init(nn.He, 0, src); err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 2; l++ {
		for i := range net.B[l].RawData() {
			net.B[l].RawData()[i] = T(src.NormFloat64())
		}
	}
	return &Model[T]{
		Net:        net,
		Mean:       []float64{0.1, 0.2, 0.3, 0.4, 0.5},
		Std:        []float64{1, 2, 3, 4, 1.0 / 3},
		ClassNames: []string{"cat", "dog", "bird"},
	}
}

func TestModelSafetensorsRoundTrip32(t *testing.T) { testModelRoundTrip[float32](t) }
func TestModelSafetensorsRoundTrip64(t *testing.T) { testModelRoundTrip[float64](t) }

// testModelRoundTrip checks that save → load → predict gives bit-identical
// parameters and outputs.
func testModelRoundTrip[T matrix.Float](t *testing.T) {
	m := testModel[T](t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Write(path, m); err != nil {
		t.Fatal(err)
	}
	back, err := Read[T](path)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Net.Params() {
		if !matrix.Equal(p, back.Net.Params()[i]) {
			t.Errorf("%s differs after the round trip", m.Net.ParamNames()[i])
		}
	}
	if back.Std[4] != 1.0/3 || back.ClassNames[2] != "bird" || back.Net.Act[1] != nn.Tanh || back.Net.Loss != nn.CCE {
		t.Errorf("architecture after the round trip: std %v, classes %v, act %v, loss %v", back.Std, back.ClassNames, back.Net.Act, back.Net.Loss)
	}
	X := matrix.New[T](5, 9, nil)
	src := rand.New(4)
	for i := range X.RawData() {
		X.RawData()[i] = T(src.NormFloat64())
	}
	want, err := m.Net.Forward(X)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Net.Forward(X)
	if err != nil {
		t.Fatal(err)
	}
	if !matrix.Equal(got, want) {
		t.Error("predictions differ after the round trip")
	}
}

func TestDecodeModelErrors(t *testing.T) {
	m := testModel[float32](t)
	encode := func(tensors []Tensor, meta map[string]string) []byte {
		var buf bytes.Buffer
		if err := EncodeSafetensors(&buf, tensors, meta); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	var good bytes.Buffer
	if err := EncodeModel(&good, m); err != nil {
		t.Fatal(err)
	}
	tensors, meta, err := DecodeSafetensors("good", good.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	withMeta := func(edit func(a map[string]any)) map[string]string {
		var a map[string]any
		json.Unmarshal([]byte(meta[MetadataKey]), &a)
		edit(a)
		b, _ := json.Marshal(a)
		return map[string]string{MetadataKey: string(b)}
	}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"no metadata", encode(tensors, nil), "not written by backprop"},
		{"missing bias", encode(tensors[:3], meta), "holds 3 tensors, want 4"},
		{"wrong shape", encode(append(append([]Tensor{}, tensors[:3]...), NewTensor("layers.2.weight", []int{4, 3}, make([]float32, 12))), meta), ""},
		{"bad activation", encode(tensors, withMeta(func(a map[string]any) { a["activations"] = []string{"tanh", "gelu"} })), `activations[1]: nn: unknown activation "gelu"`},
		{"newer version", encode(tensors, withMeta(func(a map[string]any) { a["version"] = 99 })), "version 99 is newer"},
		{"unknown field", encode(tensors, withMeta(func(a map[string]any) { a["optimizer"] = "adam" })), `unknown field "optimizer"`},
		{"bad std", encode(tensors, withMeta(func(a map[string]any) { a["std"] = []float64{1, 0, 1, 1, 1} })), "std[1] = 0"},
	}
	for _, tt := range tests {
		_, err := DecodeModel[float32]("m.safetensors", tt.file)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "m.safetensors") {
			t.Errorf("%s: error %q does not name the file", tt.name, err)
		}
		if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// TestWriteSafetensorsKeepsOldOnNaN checks that a model with a NaN weight
// is refused and the previous file stays as it was.
func TestWriteSafetensorsKeepsOldOnNaN(t *testing.T) {
	m := testModel[float32](t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Write(path, m); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	m.Net.W[1].Set(3, 4, float32(math.Inf(-1)))
	if err := Write(path, m); err == nil || !strings.Contains(err.Error(), "W[1][3][4] = -Inf") {
		t.Errorf("error %v, want one naming W[1][3][4] = -Inf", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the file changed although the write was refused")
	}
}

// TestModelNumpyReads reads a model file written by backprop with numpy
// and compares each weight, in PyTorch's nn.Linear layout.
func TestModelNumpyReads(t *testing.T) {
	if err := exec.Command(numpyPython, "-c", "import numpy").Run(); err != nil {
		t.Skipf("skipping: %s with numpy is needed (%v); on Debian run apt-get install python3-numpy", numpyPython, err)
	}
	m := testModel[float32](t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Write(path, m); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(numpyPython, "-c", numpyReader, path).Output()
	if err != nil {
		t.Fatalf("numpy reader: %v", err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 2; l++ {
		for _, p := range []struct {
			name string
			m    *matrix.Dense[float32]
		}{{weightName(l), m.Net.W[l]}, {biasName(l), m.Net.B[l]}} {
			var nt numpyTensor
			if err := json.Unmarshal(got[p.name], &nt); err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			want := p.m.RawData()
			if len(nt.Values) != len(want) {
				t.Fatalf("%s: numpy read %d values, want %d", p.name, len(nt.Values), len(want))
			}
			for i, s := range nt.Values {
				v, _ := strconv.ParseFloat(s, 64)
				if float32(v) != want[i] {
					t.Errorf("%s[%d]: numpy %v, want %v", p.name, i, v, want[i])
				}
			}
		}
	}
}

// TestDecodeModelHugeSizes checks that a metadata architecture far larger
// than the file's tensors is rejected before nn.New allocates from it.
func TestDecodeModelHugeSizes(t *testing.T) {
	meta := `{"version":1,"layer_sizes":[30000,30000],"activations":["linear"],"loss":"mse","leaky_slope":0.01}`
	var buf bytes.Buffer
	if err := EncodeSafetensors(&buf, nil, map[string]string{MetadataKey: meta}); err != nil {
		t.Fatal(err)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	_, err := DecodeModel[float32]("huge.safetensors", buf.Bytes())
	runtime.ReadMemStats(&ms1)
	if err == nil || !strings.Contains(err.Error(), "holds 0 tensors, want 2") {
		t.Errorf("error %v", err)
	}
	if grew := ms1.TotalAlloc - ms0.TotalAlloc; grew > 1<<20 {
		t.Errorf("decoding allocated %d bytes", grew)
	}
}
