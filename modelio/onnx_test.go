package modelio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// wireField is one field of an encoded protobuf message.
type wireField struct {
	num   protowire.Number
	typ   protowire.Type
	value uint64 // varint and fixed fields
	bytes []byte // length-delimited fields
}

// parseWire splits an encoded message into its fields, failing the test on
// malformed input.
func parseWire(t *testing.T, b []byte) []wireField {
	t.Helper()
	var fields []wireField
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		f := wireField{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.value, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.value = uint64(v)
		case protowire.BytesType:
			f.bytes, n = protowire.ConsumeBytes(b)
		default:
			t.Fatalf("field %d has wire type %d, which the export never writes", num, typ)
		}
		if n < 0 {
			t.Fatalf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		fields = append(fields, f)
	}
	return fields
}

// wireStrings returns the values of every length-delimited field num.
func wireStrings(fields []wireField, num protowire.Number) []string {
	var s []string
	for _, f := range fields {
		if f.num == num && f.typ == protowire.BytesType {
			s = append(s, string(f.bytes))
		}
	}
	return s
}

// onnxTensor is an initializer as the export stores it.
type onnxTensor struct {
	dims []int
	elem uint64
	raw  []byte
}

// TestONNXLayout decodes an exported 5-4-3 model field by field: the
// versions, the nodes in order, every initializer's shape, type and
// bytes, and the architecture in the metadata.
func TestONNXLayout(t *testing.T) {
	m := testModel[float32](t)
	var buf bytes.Buffer
	if err := EncodeONNX(&buf, m); err != nil {
		t.Fatal(err)
	}
	model := parseWire(t, buf.Bytes())

	var graph, opset, meta []wireField
	var ir uint64
	for _, f := range model {
		switch f.num {
		case modelIRVersion:
			ir = f.value
		case modelGraph:
			graph = parseWire(t, f.bytes)
		case modelOpsetImport:
			opset = parseWire(t, f.bytes)
		case modelMetadataProps:
			meta = parseWire(t, f.bytes)
		}
	}
	if ir != ONNXIRVersion {
		t.Errorf("ir_version = %d, want %d", ir, ONNXIRVersion)
	}
	if len(opset) != 1 || opset[0].num != opsetVersion || opset[0].value != ONNXOpset {
		t.Errorf("opset_import = %+v, want version %d of the default domain", opset, ONNXOpset)
	}

	var ops, names []string
	tensors := map[string]onnxTensor{}
	for _, f := range graph {
		switch f.num {
		case graphNode:
			n := parseWire(t, f.bytes)
			ops = append(ops, wireStrings(n, nodeOpType)...)
			names = append(names, wireStrings(n, nodeName)...)
		case graphInitializer:
			var tt onnxTensor
			var name string
			for _, g := range parseWire(t, f.bytes) {
				switch g.num {
				case tensorDims:
					tt.dims = append(tt.dims, int(g.value))
				case tensorDataType:
					tt.elem = g.value
				case tensorName:
					name = string(g.bytes)
				case tensorRawData:
					tt.raw = g.bytes
				}
			}
			tensors[name] = tt
		}
	}
	wantOps := []string{"Sub", "Div", "Gemm", "Tanh", "Gemm", "Softmax"}
	if !slices.Equal(ops, wantOps) {
		t.Errorf("operators %v, want %v", ops, wantOps)
	}
	wantNames := []string{"input.sub", "input.div", "layers.1.gemm", "layers.1.tanh", "layers.2.gemm", "layers.2.softmax"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("node names %v, want %v", names, wantNames)
	}

	want := map[string]struct {
		dims []int
		data []float32
	}{
		"input.mean":      {[]int{5}, convert[float32](m.Mean)},
		"input.std":       {[]int{5}, convert[float32](m.Std)},
		"layers.1.weight": {[]int{4, 5}, m.Net.W[1].RawData()},
		"layers.1.bias":   {[]int{4}, m.Net.B[1].RawData()},
		"layers.2.weight": {[]int{3, 4}, m.Net.W[2].RawData()},
		"layers.2.bias":   {[]int{3}, m.Net.B[2].RawData()},
	}
	if len(tensors) != len(want) {
		t.Errorf("%d initializers, want %d", len(tensors), len(want))
	}
	for name, w := range want {
		got, ok := tensors[name]
		if !ok {
			t.Errorf("initializer %s missing", name)
			continue
		}
		if !slices.Equal(got.dims, w.dims) || got.elem != onnxFloat {
			t.Errorf("%s: dims %v, type %d; want %v, FLOAT (%d)", name, got.dims, got.elem, w.dims, onnxFloat)
		}
		var raw []byte
		for _, v := range w.data {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
		if !bytes.Equal(got.raw, raw) {
			t.Errorf("%s: raw_data differs from the model's values", name)
		}
	}

	if len(meta) != 2 || string(meta[0].bytes) != MetadataKey {
		t.Fatalf("metadata_props = %+v, want one entry %s", meta, MetadataKey)
	}
	var arch architecture
	if err := json.Unmarshal(meta[1].bytes, &arch); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(arch.LayerSizes, []int{5, 4, 3}) || !slices.Equal(arch.Activations, []string{"tanh", "softmax"}) ||
		!slices.Equal(arch.ClassNames, m.ClassNames) {
		t.Errorf("architecture %+v does not match the model", arch)
	}
}

// onnxPython checks an ONNX file with the onnx package and evaluates its
// graph with numpy, node by node, as the ONNX operator definitions state,
// independently of backprop's Go code. Its arguments are the model's path
// and a JSON file of input rows. It prints the output rows, the output's
// shape after shape inference, and the versions.
const onnxPython = `
import json, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
g = model.graph
elem = g.input[0].type.tensor_type.elem_type
if hasattr(helper, "tensor_dtype_to_np_dtype"):
    dtype = helper.tensor_dtype_to_np_dtype(elem)
else:  # onnx before 1.13
    from onnx import mapping
    dtype = mapping.TENSOR_TYPE_TO_NP_TYPE[elem]
vals = {t.name: numpy_helper.to_array(t) for t in g.initializer}
vals[g.input[0].name] = np.array(json.load(open(sys.argv[2])), dtype=dtype)
for n in g.node:
    at = {a.name: helper.get_attribute_value(a) for a in n.attribute}
    x = [vals[k] for k in n.input]
    op = n.op_type
    if op == "Gemm":
        A = x[0].T if at.get("transA", 0) else x[0]
        B = x[1].T if at.get("transB", 0) else x[1]
        y = at.get("alpha", 1.0) * (A @ B)
        if len(x) > 2:
            y = y + at.get("beta", 1.0) * x[2]
    elif op == "Sub":
        y = x[0] - x[1]
    elif op == "Div":
        y = x[0] / x[1]
    elif op == "Relu":
        y = np.maximum(x[0], 0)
    elif op == "LeakyRelu":
        y = np.where(x[0] >= 0, x[0], at.get("alpha", 0.01) * x[0])
    elif op == "Sigmoid":
        y = 1 / (1 + np.exp(-x[0]))
    elif op == "Tanh":
        y = np.tanh(x[0])
    elif op == "Identity":
        y = x[0]
    elif op == "Softmax":
        ax = at.get("axis", -1)
        e = np.exp(x[0] - x[0].max(axis=ax, keepdims=True))
        y = e / e.sum(axis=ax, keepdims=True)
    else:
        sys.exit("operator %s is not one backprop exports" % op)
    vals[n.output[0]] = np.asarray(y, dtype=dtype)
out = vals[g.output[0].name]
inferred = shape_inference.infer_shapes(model, strict_mode=True).graph.output[0]
dims = [d.dim_param or d.dim_value for d in inferred.type.tensor_type.shape.dim]
print(json.dumps({
    "rows": [[repr(float(v)) for v in row] for row in out],
    "dtype": str(out.dtype),
    "dims": dims,
    "ir": model.ir_version,
    "opset": [[o.domain, o.version] for o in model.opset_import],
}))
`

// onnxRun is the JSON object that onnxPython prints.
type onnxRun struct {
	Rows  [][]string `json:"rows"`
	DType string     `json:"dtype"`
	Dims  []any      `json:"dims"`
	IR    int        `json:"ir"`
	Opset [][]any    `json:"opset"`
}

func TestONNXMatchesForward32(t *testing.T) { testONNXMatchesForward[float32](t, 2e-6) }
func TestONNXMatchesForward64(t *testing.T) { testONNXMatchesForward[float64](t, 1e-13) }

// testONNXMatchesForward exports networks with every activation, with and
// without a standardisation, and checks that the onnx package accepts each
// file and that evaluating its graph gives Forward's outputs on raw
// inputs within tol, relative to the largest output.
func testONNXMatchesForward[T matrix.Float](t *testing.T, tol float64) {
	if err := exec.Command(numpyPython, "-c", "import numpy, onnx").Run(); err != nil {
		t.Skipf("skipping: %s with numpy and onnx is needed to check ONNX files (%v); on Debian run apt-get install python3-numpy python3-onnx", numpyPython, err)
	}
	nets := []struct {
		acts     []nn.Activation
		loss     nn.Loss
		standard bool
	}{
		{[]nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, nn.CCE, true},
		{[]nn.Activation{nn.LeakyReLU, nn.Linear, nn.Sigmoid}, nn.BCE, false},
		{[]nn.Activation{nn.Sigmoid, nn.ReLU, nn.Linear}, nn.MSE, true},
	}
	for i, c := range nets {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			outputs := 4
			if c.loss == nn.BCE {
				outputs = 1
			}
			sizes := []int{6, 5, 3, outputs}
			net, err := nn.New[T](sizes, c.acts, c.loss)
			if err != nil {
				t.Fatal(err)
			}
			src := rand.New(uint64(11 + i))
			if err := net.Init(nn.He, 0, src); err != nil {
				t.Fatal(err)
			}
			net.LeakySlope = 0.125
			for l := 1; l <= net.Layers(); l++ {
				for k := range net.B[l].RawData() {
					net.B[l].RawData()[k] = T(0.5 * src.NormFloat64())
				}
			}
			m := &Model[T]{Net: net}
			if c.standard {
				for k := range sizes[0] {
					m.Mean = append(m.Mean, float64(k)-2.5)
					m.Std = append(m.Std, 0.5+float64(k))
				}
			}

			// Seven examples, one per row for the ONNX graph and one per
			// column for backprop.
			const examples = 7
			rows := make([][]float64, examples)
			X := matrix.New[T](sizes[0], examples, nil)
			for j := range rows {
				for k := range sizes[0] {
					v := T(4 * (src.Float64() - 0.5))
					rows[j] = append(rows[j], float64(v))
					X.Set(k, j, v)
				}
			}
			m.Standardize(X)
			A, err := net.Forward(X)
			if err != nil {
				t.Fatal(err)
			}

			dir := t.TempDir()
			path := filepath.Join(dir, "model.onnx")
			if err := WriteONNX(path, m); err != nil {
				t.Fatal(err)
			}
			inputs, err := json.Marshal(rows)
			if err != nil {
				t.Fatal(err)
			}
			inPath := filepath.Join(dir, "inputs.json")
			if err := os.WriteFile(inPath, inputs, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(numpyPython, "-c", onnxPython, path, inPath)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("onnx rejected or could not run the file: %v\n%s", err, stderr.String())
			}
			var run onnxRun
			if err := json.Unmarshal(out, &run); err != nil {
				t.Fatalf("%v in %s", err, out)
			}

			wantType := "float32"
			if _, ok := any(T(0)).(float64); ok {
				wantType = "float64"
			}
			if run.DType != wantType || run.IR != ONNXIRVersion || len(run.Opset) != 1 || run.Opset[0][1] != float64(ONNXOpset) {
				t.Errorf("dtype %s, IR %d, opsets %v; want %s, IR %d, opset %d", run.DType, run.IR, run.Opset, wantType, ONNXIRVersion, ONNXOpset)
			}
			if len(run.Dims) != 2 || run.Dims[0] != batchDimParam || run.Dims[1] != float64(outputs) {
				t.Errorf("inferred output shape %v, want [%s %d]", run.Dims, batchDimParam, outputs)
			}
			if len(run.Rows) != examples {
				t.Fatalf("%d output rows, want %d", len(run.Rows), examples)
			}
			scale := 0.0
			for _, v := range A.RawData() {
				scale = max(scale, math.Abs(float64(v)))
			}
			for j, row := range run.Rows {
				if len(row) != outputs {
					t.Fatalf("row %d has %d outputs, want %d", j, len(row), outputs)
				}
				for k, s := range row {
					got, err := strconv.ParseFloat(s, 64)
					if err != nil {
						t.Fatal(err)
					}
					want := float64(A.At(k, j))
					if math.Abs(got-want) > tol*max(scale, 1) {
						t.Errorf("example %d, output %d: ONNX %v, Forward %v", j, k, got, want)
					}
				}
			}
		})
	}
}

// TestWriteONNXKeepsOldOnNaN checks that a model with a NaN weight is
// refused and leaves an existing file as it was.
func TestWriteONNXKeepsOldOnNaN(t *testing.T) {
	m := testModel[float32](t)
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := WriteONNX(path, m); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Net.W[2].RawData()[3] = float32(math.NaN())
	if err := WriteONNX(path, m); err == nil {
		t.Fatal("WriteONNX accepted a NaN weight")
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the refused write changed the existing file")
	}
}

// TestReadONNXNotSupported checks that reading an .onnx file as a model
// fails with an error that explains that ONNX is only written.
func TestReadONNXNotSupported(t *testing.T) {
	_, err := Read[float32](filepath.Join(t.TempDir(), "m.onnx"))
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("does not read")) {
		t.Errorf("Read of an .onnx file: %v, want an error saying ONNX is not read", err)
	}
}

// TestModuleVersion checks the producer version that ONNX files record
// for four kinds of build: backprop installed at a version, a program
// that imports backprop, a build from a checkout, and a program without
// backprop.
func TestModuleVersion(t *testing.T) {
	dep := &debug.Module{Path: modulePath, Version: "v0.3.1"}
	for _, c := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"installed", debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}, "v1.2.3"},
		{"dependency", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v2.0.0"}, Deps: []*debug.Module{{Path: "golang.org/x/sys", Version: "v0.50.0"}, dep}}, "v0.3.1"},
		{"checkout", debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, ""},
		{"missing", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v2.0.0"}}, ""},
	} {
		if got := moduleVersion(&c.info); got != c.want {
			t.Errorf("%s: moduleVersion = %q, want %q", c.name, got, c.want)
		}
	}
}
