package data_test

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
)

func TestCheck(t *testing.T) {
	// valid returns a fresh binary set of 3 examples with 2 features.
	valid := func() *data.Dataset[float64] {
		d, err := data.FromLabels(matrix.New[float64](2, 3, []float64{1, 2, 3, 4, 5, 6}), []int{1, 0, 1}, 2)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := valid().Check(); err != nil {
		t.Fatalf("valid set: %v", err)
	}
	tests := []struct {
		name   string
		change func(d *data.Dataset[float64])
		want   string
	}{
		{"NaN input", func(d *data.Dataset[float64]) { d.X.Set(1, 2, math.NaN()) },
			`X\[1\]\[2\] = NaN: example 2 \(column 2\), feature 1 \(row 1\), counted from 0, is not a finite number`},
		{"Inf target", func(d *data.Dataset[float64]) { d.Y.Set(0, 1, math.Inf(1)) },
			`Y\[0\]\[1\] = \+Inf: the target of example 1`},
		{"label out of range", func(d *data.Dataset[float64]) { d.Labels[2] = 2 },
			`example 2 \(counted from 0\) has label 2, outside \[0, 1\] for 2 classes`},
		{"Y disagrees", func(d *data.Dataset[float64]) { d.Y.Set(0, 0, 0) },
			`Y\[0\]\[0\] = 0 does not encode the label 1 of example 0`},
		{"one-hot Y for 2 classes", func(d *data.Dataset[float64]) { d.Y, _ = data.OneHot[float64](d.Labels, 2) },
			`Y has 2 rows for 2 classes; it needs 1`},
		{"labels without classes", func(d *data.Dataset[float64]) { d.Classes = 0 },
			`3 labels but 0 classes`},
		{"one class", func(d *data.Dataset[float64]) { d.Classes = 1 }, `1 classes; classification needs at least 2`},
		{"no labels", func(d *data.Dataset[float64]) { d.Labels = nil }, `2 classes has no Labels`},
		{"class names", func(d *data.Dataset[float64]) { d.ClassNames = []string{"cat"} }, `1 class names for 2 classes`},
		{"columns differ", func(d *data.Dataset[float64]) { d.Y = matrix.New[float64](1, 2, nil) }, `X has 3 examples`},
	}
	for _, test := range tests {
		d := valid()
		test.change(d)
		mustMatchAll(t, d.Check(), []string{test.want})
	}

	// Regression: any finite Y, no labels.
	r := &data.Dataset[float32]{X: matrix.New[float32](1, 2, nil), Y: matrix.New[float32](2, 2, []float32{1, -2, 3.5, 0})}
	if err := r.Check(); err != nil {
		t.Errorf("regression set: %v", err)
	}
}

// TestValidateTransposedX checks that an X with one example per row is
// named as transposed.
func TestValidateTransposedX(t *testing.T) {
	d, err := data.FromLabels(matrix.New[float64](2, 3, []float64{1, 2, 3, 4, 5, 6}), []int{1, 0, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	d.X = matrix.New[float64](3, 2, []float64{1, 4, 2, 5, 3, 6})
	err = d.Validate()
	want := "data: X has 2 examples (columns) but Y has 3; X looks transposed; put one example per column"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
