package train

import (
	"fmt"
	"time"
)

// Metrics describes one completed epoch. Accuracies are fractions in
// [0, 1], and NaN where they do not apply: for a dataset without Labels
// (regression), or for the validation fields when no validation set was
// given.
type Metrics struct {
	Epoch      int // counted from 1
	Iterations int // updates applied since the run began
	// Cost is Σ_b m_b·J_b / m over the epoch's batches, each J_b measured
	// before its batch's update and including the L2 term.
	Cost float64
	// Accuracy is the fraction of training examples classified correctly
	// by the forward pass of their batch, before its update.
	Accuracy float64
	// ValidCost and ValidAccuracy are Evaluate's on the validation set
	// after the epoch: the data term of J, without L2 or dropout.
	ValidCost     float64
	ValidAccuracy float64
	LearningRate  float64       // the learning rate used in this epoch
	Elapsed       time.Duration // time since the run began
}

// Batch describes the update just applied, for progress displays.
type Batch struct {
	Epoch     int // counted from 1
	Index     int // batch within the epoch, counted from 1
	Batches   int // batches per epoch
	Iteration int // updates applied since the run began, this one included
	Size      int // m_b, the examples in this batch
	// Correct counts the batch's examples classified correctly by its
	// forward pass, before the update; 0 for a dataset without Labels.
	Correct int
	// Cost is J_b of the batch before the update, including the L2 term.
	Cost         float64
	LearningRate float64
}

// StopReason is the reason a run ended.
type StopReason int

// The reasons a run ends.
const (
	// Completed means every epoch ran.
	Completed StopReason = iota
	// EarlyStopped means the validation cost did not improve for Patience
	// epochs.
	EarlyStopped
	// Requested means a callback returned ErrStop.
	Requested
	// Diverged means Run returned a *DivergedError.
	Diverged
	// Failed means a callback returned another error, or training met an
	// error other than divergence, such as an invalid permutation from
	// the random source.
	Failed
)

var reasonNames = map[StopReason]string{
	Completed: "completed", EarlyStopped: "early-stopped", Requested: "requested",
	Diverged: "diverged", Failed: "failed",
}

func (r StopReason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Result summarises a run.
type Result struct {
	Epochs     int       // epochs completed
	Iterations int       // updates applied
	History    []Metrics // one entry per completed epoch
	Reason     StopReason
	// BestEpoch is the epoch, counted from 1, with the lowest validation
	// cost, whose weights the network holds at the end when early
	// stopping is on; 0 when it is off.
	BestEpoch int
	// BestValidCost is the validation cost of BestEpoch, NaN when early
	// stopping is off.
	BestValidCost float64
	Elapsed       time.Duration
}
