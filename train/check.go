package train

import (
	"fmt"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// checkData returns an error unless ds fits net: its shapes, that every
// value of X and Y is finite, that labels name output units, and that the
// targets of a cross-entropy loss lie in [0, 1] and agree with the
// labels. name is "training set" or "validation set". Positions are
// counted from 0: feature i is row i and example j is column j.
func checkData[T matrix.Float](net *nn.Network[T], ds *data.Dataset[T], name string) error {
	if ds == nil {
		return fmt.Errorf("train: the %s is nil", name)
	}
	if err := ds.Validate(); err != nil {
		return fmt.Errorf("train: %s: %w", name, err)
	}
	L := net.Layers()
	n0, nL := net.Sizes[0], net.Sizes[L]
	if f := ds.Features(); f != n0 {
		hint := "give the network one input per feature, or select the features it was built for"
		if ds.X.Cols() == n0 {
			hint = "X looks transposed; put one example per column"
		}
		return fmt.Errorf("train: the %s has %d features (rows of X) but the network takes n[0] = %d inputs; %s", name, f, n0, hint)
	}
	if r := ds.Y.Rows(); r != nL {
		hint := "the network's output layer must match the targets"
		if r == 1 && nL > 1 {
			hint = fmt.Sprintf("one-hot encode the labels into %d rows", nL)
		}
		return fmt.Errorf("train: the %s's Y has %d rows but the network has n[L] = %d output units; %s", name, r, nL, hint)
	}
	if i, j, bad := matrix.FirstNonFinite(ds.X); bad {
		return fmt.Errorf("train: invalid value %v in the %s's X at feature %d of example %d (row %d, column %d, counted from 0); remove or replace non-finite values",
			ds.X.At(i, j), name, i, j, i, j)
	}
	if i, j, bad := matrix.FirstNonFinite(ds.Y); bad {
		return fmt.Errorf("train: invalid value %v in the %s's Y at row %d of example %d (counted from 0); remove or replace non-finite targets",
			ds.Y.At(i, j), name, i, j)
	}
	if ds.Labels != nil {
		classes := max(nL, 2) // one sigmoid unit separates classes 0 and 1
		for j, c := range ds.Labels {
			if c < 0 || c >= classes {
				return fmt.Errorf("train: label %d of example %d (counted from 0) in the %s is outside the valid classes 0 … %d of a network with n[L] = %d output units",
					c, j, name, classes-1, nL)
			}
		}
	}
	if net.Loss == nn.BCE || net.Loss == nn.CCE {
		y := ds.Y.RawData()
		for k, v := range y {
			if v < 0 || v > 1 {
				i, j := k/ds.Y.Cols(), k%ds.Y.Cols()
				return fmt.Errorf("train: target %v at row %d of example %d (counted from 0) in the %s is outside [0, 1], which loss %s needs; use 0/1 targets or one-hot columns",
					v, i, j, name, net.Loss)
			}
		}
		if ds.Labels != nil {
			if j, k, ok := labelsAgree(ds.Y, ds.Labels); !ok {
				return fmt.Errorf("train: label %d of example %d (counted from 0) in the %s disagrees with Y, whose column gives class %d; build Y from the labels with data.LabelTargets, or fix the labels",
					ds.Labels[j], j, name, k)
			}
		}
	}
	return nil
}

// labelsAgree reports whether every label names the class that its
// column of Y weighs most. With one row, class 1 needs a target of at
// least 0.5 and class 0 one of at most 0.5. With more rows, the label's
// row must hold the column's largest value, so soft targets pass. At
// the first example j that fails, it returns false and the class k that
// Y gives it.
func labelsAgree[T matrix.Float](y *matrix.Dense[T], labels []int) (j, k int, ok bool) {
	rows, m := y.Rows(), y.Cols()
	v := y.RawData()
	for j, c := range labels {
		if rows == 1 {
			t := v[j]
			if (c == 1 && t < 0.5) || (c == 0 && t > 0.5) {
				return j, 1 - c, false
			}
			continue
		}
		k := 0
		for i := 1; i < rows; i++ {
			if v[i*m+j] > v[k*m+j] {
				k = i
			}
		}
		if v[c*m+j] < v[k*m+j] {
			return j, k, false
		}
	}
	return 0, 0, true
}
