//go:build js && wasm

// Command wasm is the playground's engine compiled to WebAssembly: it
// puts an object backpropEngine on the page's global scope whose methods
// call package engine, then calls onBackpropReady() if the page defined
// it, and waits for calls until the page closes.
//
// Every method takes plain JavaScript values and returns a JSON string,
// except grid (a Float32Array) and exportModel (a Uint8Array). A failure
// comes back as {"error": "…"}; a panic inside the engine is recovered
// and reported the same way, so the page stays usable.
//
// Build it with playground/build.sh, which writes playground/assets/engine.wasm.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/playground/engine"
)

// state is the page's one engine and the uploaded points it was made
// from.
var state struct {
	eng    *engine.Engine
	upload *data.Dataset[float64]
	name   string // the uploaded file's name
}

func main() {
	api := map[string]any{
		"setup":       method(setup),
		"upload":      method(upload),
		"train":       method(trainRun),
		"status":      method(status),
		"params":      method(params),
		"setParam":    method(setParam),
		"grid":        js.FuncOf(grid),
		"walk":        method(walk),
		"exportModel": js.FuncOf(exportModel),
		"exportData":  method(exportData),
		"exportBatch": method(exportBatch),
		"command":     method(command),
		"catalog":     method(catalog),
		"preview":     method(preview),
	}
	js.Global().Set("backpropEngine", js.ValueOf(api))
	if ready := js.Global().Get("onBackpropReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// method wraps f as a JavaScript function that returns f's result as a
// JSON string, or {"error": …} for an error or a panic.
func method(f func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) (out any) {
		defer func() {
			if p := recover(); p != nil {
				out = errorJSON(fmt.Errorf("internal error: %v", p))
			}
		}()
		v, err := f(args)
		if err != nil {
			return errorJSON(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return errorJSON(err)
		}
		return string(b)
	})
}

func errorJSON(err error) string {
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(b)
}

// arg returns args[i], or undefined when it is missing.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// setupResult is the result of setup: the engine's Info, Status and
// Curve, and the name of the uploaded file the data came from, if any.
type setupResult struct {
	*engine.Info
	Status engine.Status       `json:"status"`
	Curve  []engine.CurvePoint `json:"curve"`
	Upload string              `json:"upload,omitempty"`
}

// setup(query) builds a new engine from the settings of a URL query.
func setup(args []js.Value) (any, error) {
	s, err := engine.ParseSettings(arg(args, 0).String())
	if err != nil {
		return nil, err
	}
	e, err := engine.New(s, state.upload)
	if err != nil {
		return nil, err
	}
	state.eng = e
	info, err := e.Info()
	if err != nil {
		return nil, err
	}
	return setupResult{Info: info, Status: e.Status(), Curve: e.Curve(), Upload: state.name}, nil
}

// upload(name, text, task) reads a CSV file of points and keeps it for
// the next setup with data=upload.
func upload(args []js.Value) (any, error) {
	name, text, task := arg(args, 0).String(), arg(args, 1).String(), arg(args, 2).String()
	d, err := engine.DecodeUpload(name, strings.NewReader(text), task)
	if err != nil {
		return nil, err
	}
	state.upload, state.name = d, name
	return map[string]any{"examples": d.Len(), "name": name}, nil
}

func current() (*engine.Engine, error) {
	if state.eng == nil {
		return nil, fmt.Errorf("no network yet: call setup first")
	}
	return state.eng, nil
}

// trainRun(kind, n) runs n batches ("batch") or n epochs ("epoch") and
// returns the status and the new points of the curve.
func trainRun(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	n := arg(args, 1).Int()
	from := len(e.Curve())
	switch kind := arg(args, 0).String(); kind {
	case "batch":
		err = e.Step(n)
	case "epoch":
		err = e.Epochs(n)
	default:
		return nil, fmt.Errorf("train: unknown kind %q; use batch or epoch", kind)
	}
	st := e.Status()
	if err != nil {
		st.Error = err.Error()
	}
	curve := e.Curve()
	from = min(from, len(curve))
	if from > 0 {
		from-- // the last point may have been replaced
	}
	return map[string]any{"status": st, "curve": curve[from:], "curve_from": from}, nil
}

// status() returns the status and the whole curve.
func status(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	return map[string]any{"status": e.Status(), "curve": e.Curve()}, nil
}

// params() returns W[l] and b[l] as lists of rows, index 0 empty.
func params(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	W, b := e.Params()
	return map[string]any{"W": W, "b": b}, nil
}

// setParam(name, l, i, j, value) sets W[l][i][j] or b[l][i].
func setParam(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	v := arg(args, 4).Float()
	if err := e.SetParam(arg(args, 0).String(), arg(args, 1).Int(), arg(args, 2).Int(), arg(args, 3).Int(), v); err != nil {
		return nil, err
	}
	return map[string]any{"status": e.Status()}, nil
}

// grid(g) returns every unit's output on a g × g grid as a Float32Array
// (see engine.Engine.Grid), or a JSON error string.
func grid(_ js.Value, args []js.Value) (out any) {
	defer func() {
		if p := recover(); p != nil {
			out = errorJSON(fmt.Errorf("internal error: %v", p))
		}
	}()
	e, err := current()
	if err != nil {
		return errorJSON(err)
	}
	vals, err := e.Grid(arg(args, 0).Int())
	if err != nil {
		return errorJSON(err)
	}
	b := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	return js.Global().Get("Float32Array").New(u8.Get("buffer"))
}

// walk() returns the forward and backward pass on the next batch.
func walk(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	return e.Walk()
}

// exportModel(format) returns the model file's bytes as a Uint8Array, or
// a JSON error string.
func exportModel(_ js.Value, args []js.Value) (out any) {
	defer func() {
		if p := recover(); p != nil {
			out = errorJSON(fmt.Errorf("internal error: %v", p))
		}
	}()
	e, err := current()
	if err != nil {
		return errorJSON(err)
	}
	var buf bytes.Buffer
	if err := e.ExportModel(&buf, arg(args, 0).String()); err != nil {
		return errorJSON(err)
	}
	u8 := js.Global().Get("Uint8Array").New(buf.Len())
	js.CopyBytesToJS(u8, buf.Bytes())
	return u8
}

// exportData() returns the examples as CSV text, in {"csv": …}.
func exportData(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := e.ExportData(&b); err != nil {
		return nil, err
	}
	return map[string]string{"csv": b.String(), "name": engine.DataFile}, nil
}

// exportBatch() returns the next batch as CSV text, in {"csv": …}.
func exportBatch(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := e.ExportBatch(&b); err != nil {
		return nil, err
	}
	return map[string]string{"csv": b.String(), "name": engine.BatchFile}, nil
}

// command(epochs) returns the `backprop train` command of the setup.
func command(args []js.Value) (any, error) {
	e, err := current()
	if err != nil {
		return nil, err
	}
	cmd, file, note := e.Command(arg(args, 0).Int())
	return map[string]any{"command": cmd, "needs_file": file, "note": note, "data_file": engine.DataFile}, nil
}

// catalog() returns the choices the page offers.
func catalog(args []js.Value) (any, error) {
	return engine.Catalog(), nil
}

// preview(name) returns a generated set's points with its defaults.
func preview(args []js.Value) (any, error) {
	pts, domain, err := engine.Preview(arg(args, 0).String())
	if err != nil {
		return nil, err
	}
	return map[string]any{"points": pts, "domain": domain}, nil
}
