package data_test

import (
	"slices"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
)

func TestOneHot(t *testing.T) {
	Y, err := data.OneHot[float32]([]int{2, 0, 1, 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 1}}
	if !equalRows(Y, want) {
		t.Errorf("OneHot =\n%v\nwant %v", Y, want)
	}
	Y0, err := data.OneHot[float64](nil, 4)
	if err != nil || Y0.Rows() != 4 || Y0.Cols() != 0 {
		t.Errorf("OneHot of no labels: %v, %v", Y0, err)
	}
	_, err = data.OneHot[float64]([]int{0, 3}, 3)
	mustMatchAll(t, err, []string{`example 1 \(counted from 0\) has label 3, outside \[0, 2\] for 3 classes`})
	_, err = data.OneHot[float64]([]int{-1}, 3)
	mustMatchAll(t, err, []string{`label -1`})
	_, err = data.OneHot[float64]([]int{0}, 0)
	mustMatchAll(t, err, []string{`at least 1 class, got k = 0`})
}

func TestLabelTargets(t *testing.T) {
	Y, err := data.LabelTargets[float64]([]int{1, 0, 1}, 2)
	if err != nil || !equalRows(Y, [][]float64{{1, 0, 1}}) {
		t.Errorf("binary: %v, %v", Y, err)
	}
	Y, err = data.LabelTargets[float64]([]int{1, 0, 2}, 3)
	if err != nil || !equalRows(Y, [][]float64{{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}) {
		t.Errorf("3 classes: %v, %v", Y, err)
	}
	_, err = data.LabelTargets[float64]([]int{0, 2}, 2)
	mustMatchAll(t, err, []string{`example 1 .* label 2, outside \[0, 1\]`})
	_, err = data.LabelTargets[float64]([]int{0}, 1)
	mustMatchAll(t, err, []string{`at least 2 classes, got 1`})
}

func TestFromLabels(t *testing.T) {
	X := matrix.New[float64](2, 3, []float64{1, 2, 3, 4, 5, 6})
	labels := []int{0, 2, 1}
	d, err := data.FromLabels(X, labels, 3)
	if err != nil {
		t.Fatal(err)
	}
	labels[0] = 9 // FromLabels keeps its own copy
	if d.X != X || !slices.Equal(d.Labels, []int{0, 2, 1}) || d.Classes != 3 || !slices.Equal(d.ClassNames, []string{"0", "1", "2"}) {
		t.Errorf("dataset %+v", d)
	}
	if err := d.Check(); err != nil {
		t.Error(err)
	}
	_, err = data.FromLabels(X, []int{0, 1}, 2)
	mustMatchAll(t, err, []string{`2 labels for 3 examples`})
	_, err = data.FromLabels(matrix.New[float64](2, 0, nil), nil, 2)
	mustMatchAll(t, err, []string{`no examples`})
}
