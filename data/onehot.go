package data

import (
	"fmt"
	"strconv"

	"github.com/backprop-go/backprop/matrix"
)

// OneHot returns the (k, m) matrix whose column j has a 1 in row
// labels[j] and 0 elsewhere, m = len(labels). It returns an error naming
// the example if a label is outside [0, k), and an error if k < 1.
func OneHot[T matrix.Float](labels []int, k int) (*matrix.Dense[T], error) {
	if k < 1 {
		return nil, fmt.Errorf("data: one-hot encoding needs at least 1 class, got k = %d", k)
	}
	if err := checkLabels(labels, k); err != nil {
		return nil, err
	}
	m := len(labels)
	Y := matrix.New[T](k, m, nil)
	for j, c := range labels {
		Y.Set(c, j, 1)
	}
	return Y, nil
}

// LabelTargets returns Y for class labels in [0, k) as the losses expect
// it: for k = 2, the (1, m) row of the labels as 0 and 1, for sigmoid with
// binary cross-entropy; for k > 2, the (k, m) one-hot matrix, for softmax
// with categorical cross-entropy. It returns an error if k < 2 or a label
// is out of range.
func LabelTargets[T matrix.Float](labels []int, k int) (*matrix.Dense[T], error) {
	if k < 2 {
		return nil, fmt.Errorf("data: a classification task needs at least 2 classes, got %d", k)
	}
	if k > 2 {
		return OneHot[T](labels, k)
	}
	if err := checkLabels(labels, k); err != nil {
		return nil, err
	}
	Y := matrix.New[T](1, len(labels), nil)
	for j, c := range labels {
		Y.Set(0, j, T(c))
	}
	return Y, nil
}

// FromLabels returns a classification Dataset with inputs X, (n_x, m), and
// one label in [0, k) per column. Y comes from LabelTargets, and
// ClassNames are "0" … "k−1". X is used as is, not copied; labels is
// copied. It returns an error if len(labels) ≠ m, if m = 0, or if a label
// is out of range.
func FromLabels[T matrix.Float](X *matrix.Dense[T], labels []int, k int) (*Dataset[T], error) {
	if len(labels) != X.Cols() {
		return nil, fmt.Errorf("data: %d labels for %d examples (columns of X)", len(labels), X.Cols())
	}
	if X.Cols() == 0 {
		return nil, fmt.Errorf("data: no examples (X has 0 columns)")
	}
	Y, err := LabelTargets[T](labels, k)
	if err != nil {
		return nil, err
	}
	return &Dataset[T]{
		X:          X,
		Y:          Y,
		Labels:     append([]int(nil), labels...),
		Classes:    k,
		ClassNames: indexNames(k),
	}, nil
}

// checkLabels returns an error naming the first label outside [0, k).
func checkLabels(labels []int, k int) error {
	for j, c := range labels {
		if c < 0 || c >= k {
			return fmt.Errorf("data: example %d (counted from 0) has label %d, outside [0, %d] for %d classes", j, c, k-1, k)
		}
	}
	return nil
}

// indexNames returns "0", "1", …, k−1 as strings.
func indexNames(k int) []string {
	names := make([]string, k)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}
