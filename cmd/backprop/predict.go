package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
)

func init() {
	register(&command{
		name:    "predict",
		summary: "print a model's class and probability for CSV rows, IDX images or PNG files",
		run:     runPredict,
	})
}

// prediction is one input's result.
type prediction struct {
	Input       string    `json:"input"`
	Class       *int      `json:"class,omitempty"`
	Name        string    `json:"name,omitempty"`
	Probability *float64  `json:"probability,omitempty"`
	Output      []float64 `json:"output"`
}

func runPredict(e *env, args []string) error {
	fs := newFlags(e, "predict", "--model M FILE…")
	modelPath := fs.String("model", "", "the model file: .safetensors or .json")
	asJSON := fs.Bool("json", false, "print the predictions as a JSON array")
	width := fs.Int("width", 28, "the width of PNG inputs, in pixels")
	height := fs.Int("height", 28, "the height of PNG inputs, in pixels")
	label := fs.String("label", "", "a CSV column to skip, such as the label, by header name or index from 0 (default: none; a column after the model's features is skipped too)")
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if *modelPath == "" {
		return usagef("give --model")
	}
	if fs.NArg() == 0 {
		return usagef("give the inputs: a CSV file of rows, an IDX images file, or PNG files")
	}
	model, err := readModel[float32]("--model", *modelPath)
	if err != nil {
		return err
	}
	n0 := model.Net.Sizes[0]
	var X *matrix.Dense[float32]
	var names []string
	for _, path := range fs.Args() {
		x, ns, err := readInputs(path, n0, *width, *height, *label)
		if err != nil {
			return err
		}
		if x.Rows() != n0 {
			return fmt.Errorf("%s: inputs have %d features, the model %s takes %d", path, x.Rows(), *modelPath, n0)
		}
		X = appendColumns(X, x)
		names = append(names, ns...)
	}
	model.Standardize(X)
	AL, err := model.Net.Forward(X)
	if err != nil {
		return err
	}
	preds := describePredictions(model, AL, names)
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(preds)
	}
	for _, p := range preds {
		switch {
		case p.Class == nil:
			fmt.Fprintf(e.stdout, "%s\t%v\n", p.Input, p.Output)
		case p.Name != "":
			fmt.Fprintf(e.stdout, "%s\tclass %d (%s)\tprobability %.4f\n", p.Input, *p.Class, p.Name, *p.Probability)
		default:
			fmt.Fprintf(e.stdout, "%s\tclass %d\tprobability %.4f\n", p.Input, *p.Class, *p.Probability)
		}
	}
	return nil
}

// describePredictions turns the output A[L], (n[L], m), into one result
// per column: the class and its probability for sigmoid and softmax
// outputs, the raw values otherwise.
func describePredictions(model *modelio.Model[float32], AL *matrix.Dense[float32], names []string) []prediction {
	net := model.Net
	out := net.Act[net.Layers()]
	classes := nn.Classes(AL)
	preds := make([]prediction, AL.Cols())
	for j := range preds {
		p := &preds[j]
		p.Input = names[j]
		for i := 0; i < AL.Rows(); i++ {
			p.Output = append(p.Output, float64(AL.At(i, j)))
		}
		if out != nn.Sigmoid && out != nn.Softmax {
			continue
		}
		c := classes[j]
		prob := p.Output[0]
		switch {
		case AL.Rows() > 1:
			prob = p.Output[c]
		case c == 0:
			prob = 1 - p.Output[0]
		}
		p.Class, p.Probability = &c, &prob
		// Names that only repeat the index, such as MNIST's "7", are left out.
		if c < len(model.ClassNames) && model.ClassNames[c] != strconv.Itoa(c) {
			p.Name = model.ClassNames[c]
		}
	}
	return preds
}

// readInputs reads the examples of one input file as columns, with a name
// for each: "file:line" for CSV rows, "file[i]" for IDX images, the path
// for a PNG file.
func readInputs(path string, n0, width, height int, label string) (*matrix.Dense[float32], []string, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%s: input file not found; check the path", path)
	}
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".png"):
		if width*height != n0 {
			return nil, nil, usagef("%s: a PNG image of --width %d by --height %d pixels gives %d inputs, but the model takes %d; set --width and --height to the size of the images it was trained on", path, width, height, width*height, n0)
		}
		x, err := data.ReadImage[float32](path, width, height)
		return x, []string{path}, err
	case strings.HasSuffix(lower, ".csv"):
		return readPredictCSV(path, n0, label)
	case strings.Contains(filepath.Base(lower), "idx3") || strings.HasSuffix(lower, ".idx"):
		x, err := data.ReadIDXImages[float32](path)
		if err != nil {
			return nil, nil, err
		}
		names := make([]string, x.Cols())
		for j := range names {
			names[j] = fmt.Sprintf("%s[%d]", path, j)
		}
		return x, names, nil
	}
	return nil, nil, usagef("%s: unknown input type; give a .csv file, an IDX images file (…idx3-ubyte, gzip or raw) or .png files", path)
}

// readPredictCSV reads rows of n0 features, or of n0 features and a label
// that is ignored. A first line with a feature field that is not a number
// is a header; NaN and ±Inf are numbers, rejected as not finite. A
// label column other than the last is named by label, a header name or
// an index from 0, and skipped.
func readPredictCSV(path string, n0 int, label string) (*matrix.Dense[float32], []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var cols [][]float32
	var names []string
	skip := -1 // the --label column
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if label != "" && line == 1 {
			if skip = labelColumn(rec, label); skip < 0 {
				return nil, nil, usagef("--label %s: %s has no column of that name in line 1, and it is not a column index from 0 to %d", label, path, len(rec)-1)
			}
			if slices.Contains(rec, label) {
				continue // a header
			}
		}
		if skip >= 0 {
			if skip >= len(rec) {
				return nil, nil, fmt.Errorf("%s:%d: %d fields, no column %d for --label %s", path, line, len(rec), skip, label)
			}
			rec = slices.Delete(slices.Clone(rec), skip, skip+1)
			if len(rec) != n0 {
				return nil, nil, fmt.Errorf("%s:%d: %d fields besides the --label column; the model takes %d features", path, line, len(rec), n0)
			}
		}
		if len(rec) != n0 && len(rec) != n0+1 {
			return nil, nil, fmt.Errorf("%s:%d: %d fields; the model takes %d features (a label column after them is ignored, and --label names one elsewhere)", path, line, len(rec), n0)
		}
		col := make([]float32, n0)
		bad, number := -1, false
		for i := 0; i < n0; i++ {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				bad, number = i, err == nil || errors.Is(err, strconv.ErrRange)
				break
			}
			col[i] = float32(v)
		}
		if bad >= 0 {
			if number {
				// NaN, ±Inf or a number out of range is a number, so its
				// line is data, even line 1, as train reads it.
				return nil, nil, fmt.Errorf("%s:%d: field %d is %q, not a finite number; remove or impute it", path, line, bad+1, rec[bad])
			}
			if line == 1 {
				continue // a header
			}
			if skip >= 0 {
				return nil, nil, fmt.Errorf("%s:%d: field %d besides the --label column is %q, not a finite number", path, line, bad+1, rec[bad])
			}
			return nil, nil, fmt.Errorf("%s:%d: field %d is %q, not a finite number; if that column is the label, name it with --label, or move it after the model's %d features", path, line, bad+1, rec[bad], n0)
		}
		cols = append(cols, col)
		names = append(names, fmt.Sprintf("%s:%d", path, line))
	}
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("%s: no rows to predict", path)
	}
	X := matrix.New[float32](n0, len(cols), nil)
	for j, col := range cols {
		for i, v := range col {
			X.Set(i, j, v)
		}
	}
	return X, names, nil
}

// labelColumn returns the index of the column that label names in rec,
// the first line of a CSV file: a header name, else an index from 0. It
// returns −1 when label names no column.
func labelColumn(rec []string, label string) int {
	if i := slices.Index(rec, label); i >= 0 {
		return i
	}
	if i, err := strconv.Atoi(label); err == nil && i >= 0 && i < len(rec) {
		return i
	}
	return -1
}

// appendColumns returns the columns of a followed by those of b.
func appendColumns(a, b *matrix.Dense[float32]) *matrix.Dense[float32] {
	if a == nil {
		return b
	}
	out := matrix.New[float32](a.Rows(), a.Cols()+b.Cols(), nil)
	for i := 0; i < a.Rows(); i++ {
		copy(out.RawRow(i), a.RawRow(i))
		copy(out.RawRow(i)[a.Cols():], b.RawRow(i))
	}
	return out
}
