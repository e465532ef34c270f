package modelio

import (
	"bytes"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// numpyPython is the interpreter that has numpy on Debian; a python3
// earlier in PATH may lack it.
const numpyPython = "/usr/bin/python3"

// numpyReader parses a safetensors file with numpy, independently of the
// Go reader. It prints a JSON object that maps each tensor's name to its
// dtype, shape and values, and "__metadata__" to the metadata. Each value
// is Python's repr of the float64 value, which round-trips exactly and
// spells NaN and the infinities.
const numpyReader = `
import json, struct, sys
import numpy as np

raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
assert n % 8 == 0, "header length %d is not a multiple of 8" % n
text = raw[8:8 + n].decode("utf-8")
assert text.startswith("{"), "header does not start with {"
header = json.loads(text)
data = raw[8 + n:]
numpy_type = {"F32": "<f4", "F64": "<f8"}
out = {"__metadata__": header.pop("__metadata__", {})}
end = 0
for name, entry in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
    begin, stop = entry["data_offsets"]
    assert begin == end, "tensor %s does not start where the previous ended" % name
    end = stop
    a = np.frombuffer(data[begin:stop], dtype=numpy_type[entry["dtype"]]).reshape(entry["shape"])
    out[name] = {
        "dtype": entry["dtype"],
        "shape": list(a.shape),
        "values": [repr(float(v)) for v in a.reshape(-1)],
    }
assert end == len(data), "data buffer has bytes after the last tensor"
print(json.dumps(out))
`

// numpyTensor is one tensor as numpyReader prints it.
type numpyTensor struct {
	DType  string   `json:"dtype"`
	Shape  []int    `json:"shape"`
	Values []string `json:"values"`
}

func TestSafetensorsNumpyReads(t *testing.T) {
	if err := exec.Command(numpyPython, "-c", "import numpy").Run(); err != nil {
		t.Skipf("skipping: %s with numpy is needed to check files against numpy (%v); on Debian run apt-get install python3-numpy", numpyPython, err)
	}

	tensors := []Tensor{
		NewTensor("layers.1.weight", []int{2, 3}, []float32{0.1, -0.0, 1e-40, math.MaxFloat32, -3.5, float32(math.Inf(1))}),
		NewTensor("layers.1.bias", []int{2}, []float32{float32(math.NaN()), 2}),
		NewTensor("layers.2.weight", []int{1, 2}, []float64{0.1, math.SmallestNonzeroFloat64}),
		NewTensor("layers.2.bias", []int{1}, []float64{math.Inf(-1)}),
		NewTensor("scalar", []int{}, []float64{-math.Pi}),
		NewTensor("empty", []int{3, 0}, []float32{}),
	}
	metadata := map[string]string{"architecture": `{"layer_sizes":[3,2,1]}`, "note": "ünïcode ✓"}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := WriteSafetensorsFile(path, tensors, metadata); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(numpyPython, "-c", numpyReader, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("numpy reader failed: %v\n%s", err, stderr.String())
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("numpy reader output %q: %v", out, err)
	}

	var gotMeta map[string]string
	if err := json.Unmarshal(got["__metadata__"], &gotMeta); err != nil {
		t.Fatal(err)
	}
	checkMetadata(t, "numpy", gotMeta, metadata)
	delete(got, "__metadata__")
	if len(got) != len(tensors) {
		t.Errorf("numpy read %d tensors, want %d", len(got), len(tensors))
	}

	for _, want := range tensors {
		var nt numpyTensor
		if err := json.Unmarshal(got[want.Name], &nt); err != nil {
			t.Errorf("tensor %q: %v", want.Name, err)
			continue
		}
		if nt.DType != string(want.DType) || !slices.Equal(nt.Shape, want.Shape) {
			t.Errorf("tensor %q: numpy read dtype %s shape %v, want %s %v", want.Name, nt.DType, nt.Shape, want.DType, want.Shape)
		}
		values := Values[float64](want)
		if len(nt.Values) != len(values) {
			t.Errorf("tensor %q: numpy read %d values, want %d", want.Name, len(nt.Values), len(values))
			continue
		}
		for i, s := range nt.Values {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Errorf("tensor %q: value %d: %v", want.Name, i, err)
				continue
			}
			same := v == values[i] && math.Signbit(v) == math.Signbit(values[i]) || math.IsNaN(v) && math.IsNaN(values[i])
			if !same {
				t.Errorf("tensor %q: numpy read value %d as %s, want %v", want.Name, i, s, values[i])
			}
		}
	}
}
