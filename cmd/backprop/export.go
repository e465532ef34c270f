package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
)

func init() {
	register(&command{
		name:    "export",
		summary: "write a model as ONNX, for ONNX Runtime and other runtimes",
		run:     runExport,
	})
}

// exportResult is the result that export prints with --json.
type exportResult struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	IRVersion int    `json:"ir_version"`
	Opset     int    `json:"opset"`
	ElemType  string `json:"elem_type"`
	Input     string `json:"input"`
	Output    string `json:"output"`
	Layers    []int  `json:"layer_sizes"`
}

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export", "--model M --out FILE.onnx [--float64] [--json]")
	modelPath := fs.String("model", "", "the model file: .safetensors or .json")
	out := fs.String("out", "", "the ONNX file to write; its name ends in .onnx")
	wide := fs.Bool("float64", false, "write the graph in float64 (ONNX DOUBLE) instead of float32 (FLOAT), which most runtimes take")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}

	if *modelPath == "" {
		return usagef("give --model, the .safetensors or .json model to export")
	}
	if *out == "" {
		return usagef("give --out, the ONNX file to write, such as --out model.onnx")
	}
	if err := checkOutputPath(*out, checkONNXPath); err != nil {
		return err
	}

	var res exportResult
	var err error
	if *wide {
		res, err = export[float64](*modelPath, *out, "float64")
	} else {
		res, err = export[float32](*modelPath, *out, "float32")
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, res)
	}

	_, err = fmt.Fprintf(e.stdout, "wrote %s (%d bytes): ONNX IR %d, opset %d, %s, network %v; input %q (batch, %d), output %q (batch, %d)\n",
		res.Path, res.Bytes, res.IRVersion, res.Opset, res.ElemType, res.Layers,
		res.Input, res.Layers[0], res.Output, res.Layers[len(res.Layers)-1])
	return err
}

// export reads the model at modelPath in precision T and writes it to
// out as ONNX.
func export[T matrix.Float](modelPath, out, elem string) (exportResult, error) {
	model, err := readModel[T]("--model", modelPath)
	if err != nil {
		return exportResult{}, err
	}
	if err := modelio.WriteONNX(out, model); err != nil {
		return exportResult{}, fmt.Errorf("--out %s", trimPackage(err))
	}
	st, err := os.Stat(out)
	if err != nil {
		return exportResult{}, err
	}
	return exportResult{
		Path: out, Bytes: st.Size(),
		IRVersion: modelio.ONNXIRVersion, Opset: modelio.ONNXOpset, ElemType: elem,
		Input: modelio.ONNXInput, Output: modelio.ONNXOutput, Layers: model.Net.Sizes,
	}, nil
}

// checkONNXPath returns an error unless path names an .onnx file.
func checkONNXPath(path string) error {
	if !strings.EqualFold(filepath.Ext(path), ".onnx") {
		return fmt.Errorf("--out %s: an ONNX file's name ends in .onnx, such as --out model.onnx", path)
	}
	return nil
}
