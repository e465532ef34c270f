package data

import (
	"fmt"
	"math"
)

// Check validates d before training. It runs Validate, then checks that
// every element of X and Y is finite and, for a classification set
// (Classes > 0), that Labels holds one label in [0, Classes) per example
// and that Y encodes them: a (1, m) row of the 0/1 labels for 2 classes,
// the (Classes, m) one-hot matrix for more. A regression set (Classes = 0)
// must have no Labels. Errors name examples by column and features by
// row, both counted from 0, and give the fix.
func (d *Dataset[T]) Check() error {
	if err := d.Validate(); err != nil {
		return err
	}
	if i, j, ok := firstNonFinite(d.X.RawData(), d.X.Cols()); ok {
		return fmt.Errorf("data: X[%d][%d] = %v: example %d (column %d), feature %d (row %d), counted from 0, is not a finite number; remove or impute it",
			i, j, d.X.At(i, j), j, j, i, i)
	}
	if i, j, ok := firstNonFinite(d.Y.RawData(), d.Y.Cols()); ok {
		return fmt.Errorf("data: Y[%d][%d] = %v: the target of example %d (column %d), row %d, counted from 0, is not a finite number; remove the example or fix its target",
			i, j, d.Y.At(i, j), j, j, i)
	}

	if d.Classes == 0 {
		if d.Labels != nil {
			return fmt.Errorf("data: the dataset has %d labels but 0 classes; set Classes for classification, or drop Labels for regression", len(d.Labels))
		}
		return nil
	}
	if d.Classes < 2 {
		return fmt.Errorf("data: %d classes; classification needs at least 2", d.Classes)
	}
	if d.Labels == nil {
		return fmt.Errorf("data: a classification dataset with %d classes has no Labels", d.Classes)
	}
	if err := checkLabels(d.Labels, d.Classes); err != nil {
		return err
	}
	if d.ClassNames != nil && len(d.ClassNames) != d.Classes {
		return fmt.Errorf("data: %d class names for %d classes", len(d.ClassNames), d.Classes)
	}

	// Y must encode the labels as LabelTargets does.
	rows := d.Classes
	if rows == 2 {
		rows = 1
	}
	if d.Y.Rows() != rows {
		return fmt.Errorf("data: Y has %d rows for %d classes; it needs %d: %s", d.Y.Rows(), d.Classes, rows, targetsHint(d.Classes))
	}
	for j, c := range d.Labels {
		for i := 0; i < rows; i++ {
			want := T(0)
			if (rows == 1 && c == 1) || (rows > 1 && i == c) {
				want = 1
			}
			if d.Y.At(i, j) != want {
				return fmt.Errorf("data: Y[%d][%d] = %v does not encode the label %d of example %d (counted from 0): %s",
					i, j, d.Y.At(i, j), c, j, targetsHint(d.Classes))
			}
		}
	}
	return nil
}

// targetsHint returns how Y encodes labels for k classes.
func targetsHint(k int) string {
	if k == 2 {
		return "for 2 classes Y is one row of 0/1 labels; build it with LabelTargets"
	}
	return "for more than 2 classes Y is one-hot; build it with LabelTargets or OneHot"
}

// firstNonFinite returns the row and column of the first NaN or ±Inf of a
// row-major matrix with cols columns.
func firstNonFinite[T float32 | float64](a []T, cols int) (i, j int, ok bool) {
	for k, v := range a {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return k / cols, k % cols, true
		}
	}
	return 0, 0, false
}
