package data

import (
	"fmt"

	"github.com/backprop-go/backprop/matrix"
)

// Dataset is a set of m examples in the lecture's orientation: one example
// per column.
type Dataset[T matrix.Float] struct {
	// X holds the inputs, (n_x, m).
	X *matrix.Dense[T]
	// Y holds the targets, (n_y, m): a row of 0/1 for a binary task, one-hot
	// columns for K > 2 classes, real values for regression.
	Y *matrix.Dense[T]
	// Labels holds the class index of each example, or nil for regression.
	Labels []int
	// Classes is the number of classes, 0 for regression.
	Classes int
	// ClassNames optionally names the classes, indexed by label.
	ClassNames []string
	// FeatureNames optionally names the rows of X.
	FeatureNames []string
	// XBytes optionally holds the same inputs as bytes: the (m, n_x)
	// matrix s·B with X = (s·B)ᵀ, one example per row, as image readers
	// have them before scaling. Training may read it instead of X, a
	// quarter of the memory traffic in float32 (see train.Run), after
	// checking that it still equals X. Functions that derive a new
	// dataset leave it nil.
	XBytes *matrix.Bytes
}

// Len returns the number of examples m.
func (d *Dataset[T]) Len() int { return d.X.Cols() }

// Features returns the number of input features n_x.
func (d *Dataset[T]) Features() int { return d.X.Rows() }

// Validate checks that X and Y hold the same number of examples, that
// there is at least one, and that Labels, when present, has one label
// per example. Check also verifies that Y encodes the labels.
func (d *Dataset[T]) Validate() error {
	if d.X == nil || d.Y == nil {
		return fmt.Errorf("data: dataset has no X or Y")
	}
	if d.X.Cols() == 0 {
		return fmt.Errorf("data: dataset has no examples (m = 0)")
	}
	if d.X.Cols() != d.Y.Cols() {
		hint := "give X and Y one column per example"
		if d.X.Rows() == d.Y.Cols() {
			hint = "X looks transposed; put one example per column"
		}
		return fmt.Errorf("data: X has %d examples (columns) but Y has %d; %s", d.X.Cols(), d.Y.Cols(), hint)
	}
	if d.Labels != nil && len(d.Labels) != d.X.Cols() {
		return fmt.Errorf("data: %d labels for %d examples", len(d.Labels), d.X.Cols())
	}
	return nil
}
