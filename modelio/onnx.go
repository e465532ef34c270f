package modelio

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// ONNX export writes a model as the graph that runtimes such as ONNX
// Runtime execute. The graph takes one example per row, as PyTorch does:
//
//	input   (batch, n[0])
//	x       = (input − input.mean) / input.std, when the model standardises
//	z[l]    = Gemm(a[l−1], layers.<l>.weight, layers.<l>.bias, transB = 1)
//	          = a[l−1]·W[l]ᵀ + b[l]ᵀ, (batch, n[l])
//	a[l]    = g[l](z[l]), and a[L] is the output (batch, n[L])
//
// so each row of the output is a column of backprop's A[L]. The input is
// what the data readers give a network: images scaled by 1/255, but not
// yet standardised. The weights keep their safetensors names and layout,
// the element type is FLOAT for float32 models and DOUBLE for float64
// ones, and the architecture JSON of the safetensors metadata is stored
// under MetadataKey in the model's metadata_props.

// The ONNX versions the export targets: IR version 7 and operator set 13
// of the default domain, those of ONNX 1.8. ONNX Runtime's versioning
// document promises to run every operator set from 7 on.
const (
	ONNXIRVersion = 7
	ONNXOpset     = 13
)

// The names of the graph's input and output.
const (
	ONNXInput  = "input"
	ONNXOutput = "output"
)

// Field numbers of the ONNX protobuf messages (onnx.proto) that the
// export writes.
const (
	modelIRVersion     = 1
	modelProducerName  = 2
	modelProducerVer   = 3
	modelGraph         = 7
	modelOpsetImport   = 8
	modelMetadataProps = 14

	opsetVersion = 2

	entryKey   = 1
	entryValue = 2

	graphNode        = 1
	graphName        = 2
	graphInitializer = 5
	graphDocString   = 10
	graphInput       = 11
	graphOutput      = 12

	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5

	attrName = 1
	attrF    = 2
	attrI    = 3
	attrType = 20

	tensorDims     = 1
	tensorDataType = 2
	tensorName     = 8
	tensorRawData  = 9

	valueName = 1
	valueType = 2

	typeTensor     = 1
	tensorElemType = 1
	tensorShape    = 2
	shapeDim       = 1
	dimValue       = 1
	dimParam       = 2
)

// Enum values of onnx.proto: AttributeProto.AttributeType and
// TensorProto.DataType.
const (
	attrTypeFloat = 1
	attrTypeInt   = 2
	onnxFloat     = 1
	onnxDouble    = 11
)

// onnxMaxBytes is the most parameter bytes an exported file holds: a
// protobuf message is at most 2 GiB, and 1 MiB is left for the rest.
const onnxMaxBytes = 1<<31 - 1<<20

// The names and the description the export gives the graph.
const (
	batchDimParam   = "batch"
	onnxGraphName   = "backprop"
	onnxProducer    = "backprop"
	onnxGraphFormat = "A[l] = g[l](W[l]·A[l−1] + b[l]) for l = 1 … L, with one example per row: a[l] = g[l](a[l−1]·W[l]ᵀ + b[l]ᵀ)"
)

// EncodeONNX writes m to w as an ONNX model (see ONNXOpset). The network's
// element type gives the graph's: FLOAT for float32, DOUBLE for float64.
func EncodeONNX[T matrix.Float](w io.Writer, m *Model[T]) error {
	if err := m.Validate(); err != nil {
		return err
	}
	net := m.Net
	elem, size := int64(onnxFloat), 4
	if _, ok := any(T(0)).(float64); ok {
		elem, size = onnxDouble, 8
	}
	if total := net.NumParams() * size; total > onnxMaxBytes {
		return fmt.Errorf("modelio: the network's %d parameters take %d bytes, too many for one ONNX file, because protobuf limits a message to 2 GiB; export a smaller network, or export in float32 instead of float64", net.NumParams(), total)
	}

	var g []byte
	g = appendString(g, graphName, onnxGraphName)
	g = appendString(g, graphDocString, onnxGraphFormat)
	g = appendMessage(g, graphInput, valueInfo(ONNXInput, elem, net.Sizes[0]))
	g = appendMessage(g, graphOutput, valueInfo(ONNXOutput, elem, net.Sizes[net.Layers()]))

	prev := ONNXInput
	if m.Mean != nil {
		n0 := net.Sizes[0]
		g = appendMessage(g, graphInitializer, tensorProto[T]("input.mean", []int{n0}, convert[T](m.Mean)))
		g = appendMessage(g, graphInitializer, tensorProto[T]("input.std", []int{n0}, convert[T](m.Std)))
		g = appendMessage(g, graphNode, node("input.sub", "Sub", []string{ONNXInput, "input.mean"}, "input.centred"))
		g = appendMessage(g, graphNode, node("input.div", "Div", []string{"input.centred", "input.std"}, "x"))
		prev = "x"
	}
	L := net.Layers()
	for l := 1; l <= L; l++ {
		layer := "layers." + strconv.Itoa(l)
		z, a := layer+".z", layer+".a"
		if l == L {
			a = ONNXOutput
		}
		g = appendMessage(g, graphInitializer, tensorProto[T](weightName(l), []int{net.Sizes[l], net.Sizes[l-1]}, net.W[l].RawData()))
		g = appendMessage(g, graphInitializer, tensorProto[T](biasName(l), []int{net.Sizes[l]}, net.B[l].RawData()))
		gemm := node(layer+".gemm", "Gemm", []string{prev, weightName(l), biasName(l)}, z)
		gemm = appendMessage(gemm, nodeAttribute, intAttribute("transB", 1))
		g = appendMessage(g, graphNode, gemm)
		act, err := activationNode(net.Act[l], float32(net.LeakySlope), layer, z, a)
		if err != nil {
			return err
		}
		g = appendMessage(g, graphNode, act)
		prev = a
	}

	arch, err := json.Marshal(newArchitecture(m))
	if err != nil {
		return err
	}
	_, err = w.Write(modelProto(g, arch))
	return err
}

// modelProto returns the ModelProto of the encoded graph with the
// architecture JSON arch in its metadata.
func modelProto(graph, arch []byte) []byte {
	var b []byte
	b = protowire.AppendTag(b, modelIRVersion, protowire.VarintType)
	b = protowire.AppendVarint(b, ONNXIRVersion)
	b = appendString(b, modelProducerName, onnxProducer)
	if v := producerVersion(); v != "" {
		b = appendString(b, modelProducerVer, v)
	}
	b = appendMessage(b, modelGraph, graph)
	var opset []byte
	opset = protowire.AppendTag(opset, opsetVersion, protowire.VarintType)
	opset = protowire.AppendVarint(opset, ONNXOpset)
	b = appendMessage(b, modelOpsetImport, opset)
	var entry []byte
	entry = appendString(entry, entryKey, MetadataKey)
	entry = appendString(entry, entryValue, string(arch))
	return appendMessage(b, modelMetadataProps, entry)
}

// WriteONNX writes m to path as an ONNX model, atomically. It refuses a
// model with a non-finite weight and leaves path untouched then.
func WriteONNX[T matrix.Float](path string, m *Model[T]) error {
	if err := checkWritable(m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteFile(path, 0o644, func(w io.Writer) error { return EncodeONNX(w, m) })
}

// activationNode returns the node a = g(z) of layer, named after it.
func activationNode(g nn.Activation, slope float32, layer, z, a string) ([]byte, error) {
	switch g {
	case nn.Sigmoid:
		return node(layer+".sigmoid", "Sigmoid", []string{z}, a), nil
	case nn.Tanh:
		return node(layer+".tanh", "Tanh", []string{z}, a), nil
	case nn.ReLU:
		return node(layer+".relu", "Relu", []string{z}, a), nil
	case nn.LeakyReLU:
		// NOTE: LeakyRelu's alpha is a float attribute, so a float64
		// model's slope is rounded to float32 (0.01 moves by 2.2e-10).
		n := node(layer+".leaky_relu", "LeakyRelu", []string{z}, a)
		return appendMessage(n, nodeAttribute, floatAttribute("alpha", slope)), nil
	case nn.Linear:
		return node(layer+".linear", "Identity", []string{z}, a), nil
	case nn.Softmax:
		// Each row is one example, so the classes run along axis 1.
		n := node(layer+".softmax", "Softmax", []string{z}, a)
		return appendMessage(n, nodeAttribute, intAttribute("axis", 1)), nil
	}
	return nil, fmt.Errorf("modelio: activation %v has no ONNX operator", g)
}

// node returns a NodeProto of operator op with one output.
func node(name, op string, inputs []string, output string) []byte {
	var b []byte
	for _, in := range inputs {
		b = appendString(b, nodeInput, in)
	}
	b = appendString(b, nodeOutput, output)
	b = appendString(b, nodeName, name)
	return appendString(b, nodeOpType, op)
}

// intAttribute returns an AttributeProto holding the integer v.
func intAttribute(name string, v int64) []byte {
	b := appendString(nil, attrName, name)
	b = protowire.AppendTag(b, attrType, protowire.VarintType)
	b = protowire.AppendVarint(b, attrTypeInt)
	b = protowire.AppendTag(b, attrI, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

// floatAttribute returns an AttributeProto holding the float v.
func floatAttribute(name string, v float32) []byte {
	b := appendString(nil, attrName, name)
	b = protowire.AppendTag(b, attrType, protowire.VarintType)
	b = protowire.AppendVarint(b, attrTypeFloat)
	b = protowire.AppendTag(b, attrF, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

// valueInfo returns the ValueInfoProto of a graph input or output of
// shape (batch, n), where batch is symbolic.
func valueInfo(name string, elem int64, n int) []byte {
	var batch, width, shape, tensor, typ []byte
	batch = appendString(batch, dimParam, batchDimParam)
	width = protowire.AppendTag(width, dimValue, protowire.VarintType)
	width = protowire.AppendVarint(width, uint64(n))
	shape = appendMessage(shape, shapeDim, batch)
	shape = appendMessage(shape, shapeDim, width)
	tensor = protowire.AppendTag(tensor, tensorElemType, protowire.VarintType)
	tensor = protowire.AppendVarint(tensor, uint64(elem))
	tensor = appendMessage(tensor, tensorShape, shape)
	typ = appendMessage(typ, typeTensor, tensor)
	b := appendString(nil, valueName, name)
	return appendMessage(b, valueType, typ)
}

// tensorProto returns a TensorProto of the given shape whose values are
// stored little-endian in raw_data.
func tensorProto[T matrix.Float](name string, shape []int, data []T) []byte {
	var b []byte
	for _, d := range shape {
		b = protowire.AppendTag(b, tensorDims, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(d))
	}
	b = protowire.AppendTag(b, tensorDataType, protowire.VarintType)
	raw := make([]byte, 0, len(data)*8)
	switch data := any(data).(type) {
	case []float32:
		b = protowire.AppendVarint(b, onnxFloat)
		for _, v := range data {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
	case []float64:
		b = protowire.AppendVarint(b, onnxDouble)
		for _, v := range data {
			raw = binary.LittleEndian.AppendUint64(raw, math.Float64bits(v))
		}
	}
	b = appendString(b, tensorName, name)
	b = protowire.AppendTag(b, tensorRawData, protowire.BytesType)
	return protowire.AppendBytes(b, raw)
}

// appendString appends field num holding s.
func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// appendMessage appends field num holding the encoded message msg.
func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

// modulePath is the path of backprop's Go module.
const modulePath = "github.com/backprop-go/backprop"

// producerVersion returns the version of backprop in the running
// program's build information, or "" when the build does not record one.
func producerVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return moduleVersion(info)
}

// moduleVersion returns the version of backprop's module in info: the main
// module's when the program is backprop's own, as with go install
// github.com/backprop-go/backprop/cmd/backprop@v1.2.3, else the
// dependency's. It returns "" for "(devel)", the version of a build from
// a checkout, and when the module is missing.
func moduleVersion(info *debug.BuildInfo) string {
	mod := &info.Main
	if mod.Path != modulePath {
		mod = nil
		for _, d := range info.Deps {
			if d.Path == modulePath {
				mod = d
				break
			}
		}
	}
	if mod == nil || mod.Version == "(devel)" {
		return ""
	}
	return mod.Version
}
