package engine

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
)

// File names the page offers for downloads, which Command refers to.
const (
	DataFile  = "playground-data.csv"
	BatchFile = "playground-batch.csv"
	ModelJSON = "playground-model.json"
	ModelST   = "playground-model.safetensors"
)

// ExportModel writes the network with its current weights as a model
// file that `backprop predict`, `eval` and `explain` read: format "json"
// gives the JSON form (modelio.EncodeJSON), "safetensors" a safetensors
// file in float64 (modelio.EncodeModel). The model takes the input
// features of FeatureLabels, in that order, not the raw points.
func (e *Engine) ExportModel(w io.Writer, format string) error {
	m := &modelio.Model[float64]{Net: e.net.Clone(), ClassNames: e.points.ClassNames}
	switch format {
	case "json":
		return modelio.EncodeJSON(w, m)
	case "safetensors":
		return modelio.EncodeModel(w, m)
	}
	return fmt.Errorf("model format %q: use json or safetensors", format)
}

// FeatureLabels returns the names of the network's inputs, the rows of X,
// as the header of ExportData writes them: x1, x2, x1^2, x2^2, x1*x2,
// sin(x1), sin(x2) for the features selected.
func (e *Engine) FeatureLabels() []string { return featureLabels(e.features) }

// ExportData writes every example, training and test, as CSV in the order
// the data were made: a header, then one line per example with its
// feature columns and its label (a class 0 or 1, or a real target). With
// the flags of Command, `backprop train --data` on this file holds out
// the same test set and trains on the same columns as the page. Numbers
// are written in the shortest form that reads back to the same float64.
func (e *Engine) ExportData(w io.Writer) error {
	all := withFeatures(e.points, e.features)
	return writeExamples(w, e.FeatureLabels(), all.X, all.Y)
}

// ExportBatch writes the examples of the next batch as CSV, as ExportData
// does: the X and Y that Walk traces, for `backprop explain --trace
// --data`.
func (e *Engine) ExportBatch(w io.Writer) error {
	idx, err := e.stepper.NextBatch()
	if err != nil {
		return err
	}
	X, Y := new(matrix.Dense[float64]), new(matrix.Dense[float64])
	X.GatherCols(e.train.X, idx)
	Y.GatherCols(e.train.Y, idx)
	return writeExamples(w, e.FeatureLabels(), X, Y)
}

func writeExamples(w io.Writer, header []string, X, Y *matrix.Dense[float64]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append(append([]string(nil), header...), "label")); err != nil {
		return err
	}
	n, m := X.Dims()
	rec := make([]string, n+1)
	for j := range m {
		for i := range n {
			rec[i] = strconv.FormatFloat(X.At(i, j), 'g', -1, 64)
		}
		rec[n] = strconv.FormatFloat(Y.At(0, j), 'g', -1, 64)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Command returns the `backprop train` command line that trains the
// same network on the same data as the page does for epochs epochs, and
// whether it needs the file of ExportData, saved as DataFile. It
// trains in float64, as the page does, so the costs it prints agree with
// the page's. With L1 regularisation, which the command line does not
// have, the command leaves it out and note explains that.
func (e *Engine) Command(epochs int) (cmd string, needsFile bool, note string) {
	s := e.settings
	set, _ := lookupSet(s.Data)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	args := []string{"backprop", "train"}
	if set.CLI && s.DataSeed == set.Seed && isRaw(e.features) {
		args = append(args, "--data", s.Data, "--samples", strconv.Itoa(s.Samples), "--noise", f(s.Noise))
	} else {
		needsFile = true
		args = append(args, "--data", DataFile, "--standardize=false")
		if s.Regression() {
			args = append(args, "--task", "regression")
		}
	}
	layers := make([]string, len(s.Hidden))
	for i, n := range s.Hidden {
		layers[i] = strconv.Itoa(n)
	}
	hidden := strings.Join(layers, ",")
	if hidden == "" {
		hidden = "0"
	}
	loss := "mse"
	if s.Output == "sigmoid" {
		loss = "bce"
	}
	args = append(args, "--test-fraction", f(s.TestFraction),
		"--layers", hidden, "--activation", s.Activation, "--output", s.Output, "--loss", loss,
		"--init", s.Init)
	if s.Init == "normal" {
		args = append(args, "--init-scale", f(NormalScale))
	}
	args = append(args, "--optimizer", s.Optimizer, "--lr", f(s.LearningRate))
	if l := s.lambda(); l > 0 {
		args = append(args, "--l2", f(l))
	}
	args = append(args, "--batch", strconv.Itoa(s.Batch), "--epochs", strconv.Itoa(max(epochs, 1)),
		"--seed", strconv.FormatUint(s.Seed, 10), "--float64")
	if s.l1() > 0 {
		note = "The command line has no L1 regularisation, so this command trains without it."
	}
	return strings.Join(args, " "), needsFile, note
}

// maxUpload is the largest CSV file DecodeUpload reads, in bytes: 2000
// lines of three numbers take about 120 kB.
const maxUpload = 1 << 20

// DecodeUpload reads an uploaded CSV file of 2-D points: two feature
// columns x1 and x2, then a label column, with or without a header. For classification the labels must be two classes,
// 0 and 1 or two names; for regression they are real targets. name names
// the file in errors, which give the line and the fix.
func DecodeUpload(name string, r io.Reader, task string) (*data.Dataset[float64], error) {
	t, err := data.ParseTask(task)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r, maxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxUpload {
		return nil, fmt.Errorf("%s is larger than %d bytes; the playground takes at most %d points", name, maxUpload, MaxSamples)
	}
	d, err := data.DecodeCSV[float64](name, bytes.NewReader(b), data.CSVOptions{Task: t})
	if err != nil {
		return nil, fmt.Errorf("%s", trimPrefix(err))
	}
	if d.Features() != 2 {
		return nil, fmt.Errorf("%s has %d feature columns; the playground draws points in 2-D, so give two columns x1, x2 and a label", name, d.Features())
	}
	if d.Len() > MaxSamples {
		return nil, fmt.Errorf("%s has %d examples; the playground takes at most %d", name, d.Len(), MaxSamples)
	}
	if d.Len() < 2 {
		return nil, fmt.Errorf("%s has %d example; give at least 2", name, d.Len())
	}
	if t == data.Classification && d.Classes != 2 {
		return nil, fmt.Errorf("%s has %d classes; the playground's one output unit separates 2 classes, labelled 0 and 1", name, d.Classes)
	}
	return d, nil
}
