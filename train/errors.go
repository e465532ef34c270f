package train

import (
	"errors"
	"fmt"

	"github.com/backprop-go/backprop/optim"
)

// ErrStop is returned by a callback to end training early. Run then
// returns its Result, with Reason Requested, and a nil error. A callback
// may also return an error that wraps ErrStop.
var ErrStop = errors.New("train: stop requested")

// DivergedError reports that the cost, a gradient or an update became NaN
// or ±Inf. Training stops before the update of that iteration, so the
// network keeps the last finite weights.
type DivergedError struct {
	Epoch     int // epoch, counted from 1
	Batch     int // batch within the epoch, counted from 1
	Iteration int // iteration of the run, counted from 1: one cost and one update each
	// Layer is the layer l where the value first appeared. In the forward
	// pass that is the lowest l of a non-finite Z[l] or A[l], and in the
	// backward pass the highest l of a non-finite dW[l] or db[l]. A cost
	// that overflowed from finite outputs gives L.
	Layer int
	// Quantity is the value that became non-finite: "cost", "Z[l]",
	// "A[l]", "dW[l]", "db[l]", or "W[l]" or "b[l]" for an update.
	Quantity     string
	Value        float64 // the first non-finite value: NaN, +Inf or −Inf
	LearningRate float64 // the learning rate of that iteration
	// Err is the optimizer's *optim.NonFiniteError for an update, or nil.
	Err error
}

func (e *DivergedError) Error() string {
	event := fmt.Sprintf("%s became %v", e.Quantity, e.Value)
	switch {
	case e.Err != nil:
		event = fmt.Sprintf("the update of %s would make it %v", e.Quantity, e.Value)
		var nf *optim.NonFiniteError
		if errors.As(e.Err, &nf) && nf.Quantity != "parameter" {
			event = fmt.Sprintf("the update of %s would make the optimizer's %s %v", e.Quantity, nf.Quantity, e.Value)
		}
	case e.Quantity == "cost":
		event = fmt.Sprintf("the cost J, from output layer %d, became %v", e.Layer, e.Value)
	}
	return fmt.Sprintf("train: training diverged: %s (non-finite) at epoch %d, batch %d (iteration %d); "+
		"the weights are those before this iteration; lower the learning rate (now %g)",
		event, e.Epoch, e.Batch, e.Iteration, e.LearningRate)
}

func (e *DivergedError) Unwrap() error { return e.Err }

// SymmetryWarning reports two units of a hidden layer with equal incoming
// weights, equal biases and equal outgoing weights. Gradient descent gives
// them equal gradients, so they stay identical for the whole run, as every
// unit does after an all-zero initialisation. Dropout on the layer would
// break the tie, so layers with dropout are not reported.
type SymmetryWarning struct {
	Layer        int  // the hidden layer l, 1 ≤ l < L
	Unit1, Unit2 int  // two identical units, rows of W[l], counted from 0
	Units        int  // n[l]
	AllSame      bool // whether all n[l] units are identical
}

func (w *SymmetryWarning) Error() string {
	units := fmt.Sprintf("units %d and %d of hidden layer %d are identical", w.Unit1, w.Unit2, w.Layer)
	if w.AllSame {
		units = fmt.Sprintf("all %d units of hidden layer %d are identical", w.Units, w.Layer)
	}
	return fmt.Sprintf("train: %s (same rows of W[%d], same b[%d], same columns of W[%d]), so training can never make them differ; "+
		"initialise the weights randomly, for example with xavier or he", units, w.Layer, w.Layer, w.Layer+1)
}
