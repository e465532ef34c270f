package main

import (
	"fmt"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// csvExamples holds the examples of a CSV file in the lecture's
// orientation, one example per column.
type csvExamples struct {
	X, Y *matrix.Dense[float64]
	// Header holds the feature names of line 1 when it was a header.
	Header []string
}

// targetColumns returns how many columns after the n[0] features hold the
// targets of one example for architecture a: 1 for a single output unit
// or a softmax output (the class index), n[L] otherwise.
func targetColumns(a explain.Arch) int {
	L := a.L()
	if a.Sizes[L] == 1 || a.G(L) == nn.Softmax {
		return 1
	}
	return a.Sizes[L]
}

// readExamplesCSV reads the CSV file at path with data.ReadCSV: one
// example per line, the n[0] features first, then the targets of
// architecture a. The last column is a class index 0 … n[L]−1 for a
// softmax output, turned into a one-hot column of Y, and a 0/1 label for
// a single sigmoid unit with bce; any other output with n[L] > 1 takes its
// n[L] targets from the last n[L] columns. A header on line 1 is
// detected as data.ReadCSV does.
func readExamplesCSV(path string, a explain.Arch) (*csvExamples, error) {
	L := a.L()
	n0, nL := a.Sizes[0], a.Sizes[L]
	nTarget := targetColumns(a)
	oneHot := a.G(L) == nn.Softmax

	opts := data.CSVOptions{Task: data.Regression}
	switch {
	case oneHot:
		opts = data.CSVOptions{Task: data.Classification, Classes: nL}
	case a.Loss == nn.BCE && nL == 1:
		opts = data.CSVOptions{Task: data.Classification, Classes: 2}
	}
	d, err := data.ReadCSV[float64](path, opts)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "data: "))
	}
	// data.ReadCSV counts every column but the last as a feature, so the
	// leading targets of a multi-target file are among its features.
	if got, want := d.Features()+1, n0+nTarget; got != want {
		return nil, fmt.Errorf("%s has %d columns, but the model needs %d: %s", path, got, want, layoutText(n0, nTarget, oneHot))
	}

	m := d.Len()
	out := &csvExamples{X: rowsOf(d.X, 0, n0)}
	if d.FeatureNames != nil {
		out.Header = d.FeatureNames
	}
	switch {
	case oneHot:
		// One-hot even for 2 classes, where data.ReadCSV gives a 0/1 row.
		if out.Y, err = data.OneHot[float64](d.Labels, nL); err != nil {
			return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "data: "))
		}
	case nTarget == 1:
		out.Y = d.Y
	default:
		out.Y = matrix.New[float64](nL, m, nil)
		copy(out.Y.RawData(), rowsOf(d.X, n0, n0+nL-1).RawData())
		copy(out.Y.RawData()[(nL-1)*m:], d.Y.RawData())
		if a.Loss == nn.BCE {
			if err := checkProbabilities(path, out.Y, n0); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// rowsOf returns a copy of rows i0 … i1−1 of a.
func rowsOf(a *matrix.Dense[float64], i0, i1 int) *matrix.Dense[float64] {
	c := a.Cols()
	out := matrix.New[float64](i1-i0, c, nil)
	copy(out.RawData(), a.RawData()[i0*c:i1*c])
	return out
}

// checkProbabilities returns an error naming the first target of Y
// outside [0, 1], which binary cross-entropy cannot take.
func checkProbabilities(path string, Y *matrix.Dense[float64], n0 int) error {
	r, c := Y.Dims()
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			if v := Y.At(i, j); v < 0 || v > 1 {
				return fmt.Errorf("%s: example %d (counted from 1), column %d: target %v is invalid for binary cross-entropy; use 0 or 1, or a probability between them",
					path, j+1, n0+i+1, v)
			}
		}
	}
	return nil
}

// layoutText describes the expected columns of a line.
func layoutText(n0, nTarget int, oneHot bool) string {
	switch {
	case oneHot:
		return fmt.Sprintf("n[0] = %d features, then the class index", n0)
	case nTarget == 1:
		return fmt.Sprintf("n[0] = %d features, then the target", n0)
	}
	return fmt.Sprintf("n[0] = %d features, then n[L] = %d targets", n0, nTarget)
}
