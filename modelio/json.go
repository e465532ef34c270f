package modelio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// jsonModel is the JSON form of a small model:
//
//	{"layer_sizes": [n0, …, nL], "activations": ["tanh", …], "loss": "bce",
//	 "W": [W1, …], "b": [b1, …], "leaky_slope": 0.01}
//
// with W[l] a list of rows and b[l] a list of one-element rows. mean, std
// and class_names are optional.
type jsonModel struct {
	LayerSizes  []int             `json:"layer_sizes"`
	Activations []string          `json:"activations"`
	Loss        string            `json:"loss"`
	W           [][][]json.Number `json:"W"`
	B           [][][]json.Number `json:"b"`
	LeakySlope  *json.Number      `json:"leaky_slope,omitempty"`
	Mean        []float64         `json:"mean,omitempty"`
	Std         []float64         `json:"std,omitempty"`
	ClassNames  []string          `json:"class_names,omitempty"`
}

// DecodeJSON reads a model in the JSON form from r. name is used in error
// messages, usually the file's path. The input may be untrusted: unknown
// fields, missing fields, ragged rows, numbers that do not fit T and
// shapes that disagree with layer_sizes are reported with the field at
// fault.
func DecodeJSON[T matrix.Float](name string, r io.Reader) (*Model[T], error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var jm jsonModel
	if err := dec.Decode(&jm); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: invalid JSON model: the file is empty or truncated (%w); write it again", name, err)
		}
		return nil, fmt.Errorf("%s: invalid JSON model: %w; a model file contains layer_sizes, activations, loss, W and b, and optionally leaky_slope, mean, std and class_names", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: data after the JSON model's closing brace", name)
	}
	m, err := fromJSON[T](&jm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

func fromJSON[T matrix.Float](jm *jsonModel) (*Model[T], error) {
	if len(jm.LayerSizes) < 2 {
		return nil, fmt.Errorf("field layer_sizes must list n[0] … n[L], at least 2 sizes, got %v", jm.LayerSizes)
	}
	L := len(jm.LayerSizes) - 1
	if jm.Loss == "" {
		return nil, fmt.Errorf("field loss is missing; use bce, cce or mse")
	}
	loss, err := nn.ParseLoss(jm.Loss)
	if err != nil {
		return nil, fmt.Errorf("field loss: %w", err)
	}
	if len(jm.Activations) != L {
		return nil, fmt.Errorf("field activations has %d entries for %d layers; give one per layer 1 … %d", len(jm.Activations), L, L)
	}
	acts := make([]nn.Activation, L)
	for i, s := range jm.Activations {
		if acts[i], err = nn.ParseActivation(s); err != nil {
			return nil, fmt.Errorf("field activations[%d]: %w", i, err)
		}
	}
	if len(jm.W) != L || len(jm.B) != L {
		return nil, fmt.Errorf("fields W and b must hold %d matrices each (layers 1 … %d), got %d and %d", L, L, len(jm.W), len(jm.B))
	}
	// The parameters are parsed and their shapes checked against
	// layer_sizes before nn.New allocates anything from those sizes, so a
	// file cannot make the reader allocate more than its own length.
	W := make([]*matrix.Dense[T], L+1)
	b := make([]*matrix.Dense[T], L+1)
	for l := 1; l <= L; l++ {
		if W[l], err = parseMatrix[T](fmt.Sprintf("W[%d]", l), jm.W[l-1]); err != nil {
			return nil, err
		}
		if b[l], err = parseMatrix[T](fmt.Sprintf("b[%d]", l), jm.B[l-1]); err != nil {
			return nil, err
		}
		if err := checkShape(fmt.Sprintf("W[%d]", l), W[l], jm.LayerSizes[l], jm.LayerSizes[l-1]); err != nil {
			return nil, err
		}
		if err := checkShape(fmt.Sprintf("b[%d]", l), b[l], jm.LayerSizes[l], 1); err != nil {
			return nil, err
		}
	}
	net, err := nn.New[T](jm.LayerSizes, acts, loss)
	if err != nil {
		return nil, err
	}
	if jm.LeakySlope != nil {
		v, err := parseNumber[T](*jm.LeakySlope)
		if err != nil {
			return nil, fmt.Errorf("field leaky_slope: %w", err)
		}
		net.LeakySlope = v
	}
	if err := net.SetParams(W, b); err != nil {
		return nil, err
	}
	m := &Model[T]{Net: net, Mean: jm.Mean, Std: jm.Std, ClassNames: jm.ClassNames}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkShape returns an *nn.ShapeError unless p is (r, c).
func checkShape[T matrix.Float](name string, p *matrix.Dense[T], r, c int) error {
	if pr, pc := p.Dims(); pr != r || pc != c {
		e := &nn.ShapeError{Name: name, Want: [2]int{r, c}, Got: [2]int{pr, pc}}
		if pr == c && pc == r {
			e.Hint = "it looks transposed"
			if c == 1 {
				e.Hint = "a bias is a column vector (n[l], 1), not a row"
			}
		}
		return e
	}
	return nil
}

func parseNumber[T matrix.Float](n json.Number) (T, error) {
	bits := 64
	if _, ok := any(T(0)).(float32); ok {
		bits = 32
	}
	v, err := strconv.ParseFloat(string(n), bits)
	if err != nil {
		return 0, fmt.Errorf("%s is not a finite number of %d bits", n, bits)
	}
	return T(v), nil
}

func parseMatrix[T matrix.Float](name string, rows [][]json.Number) (*matrix.Dense[T], error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s has no rows", name)
	}
	c := len(rows[0])
	out := matrix.New[T](len(rows), c, nil)
	for i, row := range rows {
		if len(row) != c {
			return nil, fmt.Errorf("%s row %d has %d values, row 0 has %d; every row needs the same length", name, i, len(row), c)
		}
		for j, s := range row {
			v, err := parseNumber[T](s)
			if err != nil {
				return nil, fmt.Errorf("%s[%d][%d]: %w", name, i, j, err)
			}
			out.Set(i, j, v)
		}
	}
	return out, nil
}

// EncodeJSON writes m in the JSON form. Numbers are written in the
// shortest form that reads back to the same value of T, so a model
// survives a round trip bit for bit.
func EncodeJSON[T matrix.Float](w io.Writer, m *Model[T]) error {
	if err := m.Validate(); err != nil {
		return err
	}
	net := m.Net
	L := net.Layers()
	bits := 64
	if _, ok := any(T(0)).(float32); ok {
		bits = 32
	}
	num := func(v T) json.Number { return json.Number(strconv.FormatFloat(float64(v), 'g', -1, bits)) }
	jm := jsonModel{
		LayerSizes: net.Sizes,
		Loss:       net.Loss.String(),
		Mean:       m.Mean,
		Std:        m.Std,
		ClassNames: m.ClassNames,
	}
	for l := 1; l <= L; l++ {
		jm.Activations = append(jm.Activations, net.Act[l].String())
		jm.W = append(jm.W, numberRows(net.W[l], num))
		jm.B = append(jm.B, numberRows(net.B[l], num))
		if net.Act[l] == nn.LeakyReLU && jm.LeakySlope == nil {
			s := num(net.LeakySlope)
			jm.LeakySlope = &s
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(&jm); err != nil {
		return err
	}
	// The file ends at its closing brace, without json.Encoder's newline,
	// so that losing even the last byte makes it invalid.
	_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}

func numberRows[T matrix.Float](a *matrix.Dense[T], num func(T) json.Number) [][]json.Number {
	r, c := a.Dims()
	rows := make([][]json.Number, r)
	for i := range rows {
		rows[i] = make([]json.Number, c)
		for j := range rows[i] {
			rows[i][j] = num(a.At(i, j))
		}
	}
	return rows
}

// ReadJSON reads a model in the JSON form from the file at path.
func ReadJSON[T matrix.Float](path string) (*Model[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("modelio: %w", err)
	}
	defer f.Close()
	return DecodeJSON[T](path, f)
}

// WriteJSON writes m in the JSON form to path atomically: the file is
// written under a temporary name in the same folder, synced and renamed,
// so path holds either its old content or the whole new model. It refuses
// a model with a non-finite weight, which JSON cannot hold.
func WriteJSON[T matrix.Float](path string, m *Model[T]) error {
	if err := checkWritable(m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteFile(path, 0o644, func(w io.Writer) error { return EncodeJSON(w, m) })
}

// checkWritable returns an error unless m is valid and every parameter
// is finite. The writers call it before they create a file.
func checkWritable[T matrix.Float](m *Model[T]) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return checkFinite(m.Net)
}

// checkFinite returns an error naming the first NaN or ±Inf parameter.
func checkFinite[T matrix.Float](net *nn.Network[T]) error {
	names := net.ParamNames()
	for k, p := range net.Params() {
		if i, j, bad := matrix.FirstNonFinite(p); bad {
			v := float64(p.At(i, j))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("modelio: %s[%d][%d] = %v; refusing to write a model with non-finite weights", names[k], i, j, v)
			}
		}
	}
	return nil
}
