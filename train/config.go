package train

import (
	"fmt"
	"math"

	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
)

// Source is the random source of a run. rand.Source (rand.New(seed) or
// rand.NewNumPy(seed)) satisfies it. To save a run's progress, use a
// source that also implements encoding.BinaryMarshaler, as both of package
// rand's do.
type Source interface {
	// Float64 returns a uniform value in [0, 1). Dropout masks keep a
	// unit where it returns less than the layer's keep probability.
	Float64() float64
	// Perm returns a random permutation of 0 … n−1: the example order of
	// an epoch.
	Perm(n int) []int
}

var _ Source = rand.Source(nil)

// Config holds the settings of a run. The zero values of Schedule and
// Optimizer are a constant learning rate and plain gradient descent.
type Config struct {
	// Epochs is the number of passes over the training set, ≥ 1.
	Epochs int `json:"epochs"`
	// BatchSize is the number of examples per update; 0 or ≥ m means
	// full-batch gradient descent.
	BatchSize int `json:"batch_size"`
	// Shuffle draws a new example order at the start of each epoch. Without
	// it the batches are consecutive slices in the dataset's order.
	Shuffle bool `json:"shuffle"`
	// LearningRate is α0, the learning rate of the first epoch, > 0.
	LearningRate float64 `json:"learning_rate"`
	// Schedule sets the learning rate of later epochs.
	Schedule optim.Schedule `json:"schedule"`
	// Optimizer selects the update rule and its hyperparameters.
	Optimizer optim.Config `json:"optimizer"`
	// Lambda is the L2 strength λ ≥ 0. The term (λ/2m)·Σ‖W[l]‖² enters the
	// training cost, and nn.Network.Backward adds (λ/m)·W[l] to dW[l].
	Lambda float64 `json:"lambda"`
	// Patience turns on early stopping when > 0: training stops after
	// Patience epochs in a row without a validation cost lower than the
	// best so far. It needs a validation set. See Run for the weights kept.
	Patience int `json:"patience"`
	// CheckpointEvery, when > 0, passes a checkpoint of the run to
	// Checkpoint after every CheckpointEvery-th epoch and after the last
	// epoch; 0 takes none.
	CheckpointEvery int `json:"checkpoint_every,omitempty"`

	// Source supplies the random numbers of shuffles and dropout masks. It
	// may be nil when the run needs none: no shuffling of several batches
	// and no dropout.
	Source Source `json:"-"`
	// OnEpoch, when set, receives the metrics of each completed epoch.
	// Returning ErrStop ends training; another error ends it and Run
	// returns that error.
	OnEpoch func(Metrics) error `json:"-"`
	// OnBatch, when set, is called after each update, for progress
	// displays. Its return value works as OnEpoch's.
	OnBatch func(Batch) error `json:"-"`
	// Checkpoint receives the checkpoints that CheckpointEvery asks for.
	// It is called after the epoch's metrics and early-stopping record
	// and before OnEpoch, so a run that OnEpoch stops after epoch k has a
	// checkpoint of epoch k. An error ends training and Run returns it.
	// Resume continues a run from a checkpoint.
	Checkpoint func(*Checkpoint) error `json:"-"`
	// Warn, when set, receives problems found before training that do not
	// stop it but are likely to spoil it, such as *SymmetryWarning.
	Warn func(error) `json:"-"`
}

// validate returns an error naming the first setting out of range. m is
// the number of training examples, hasValid reports whether a validation
// set was given, and dropout whether the network drops units.
func (c *Config) validate(m int, hasValid, dropout bool) error {
	if c.Epochs < 1 {
		return fmt.Errorf("train: epochs = %d; it must be at least 1", c.Epochs)
	}
	if c.BatchSize < 0 {
		return fmt.Errorf("train: batch size %d; it must be ≥ 1, or 0 for the full batch", c.BatchSize)
	}
	if !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0) {
		return fmt.Errorf("train: learning rate %v; it must be a finite number > 0", c.LearningRate)
	}
	if !(c.Lambda >= 0) || math.IsInf(c.Lambda, 0) {
		return fmt.Errorf("train: L2 strength λ = %v; it must be a finite number ≥ 0", c.Lambda)
	}
	if c.Patience < 0 {
		return fmt.Errorf("train: patience %d; it must be ≥ 0 (0 turns early stopping off)", c.Patience)
	}
	if c.Patience > 0 && !hasValid {
		return fmt.Errorf("train: early stopping (patience %d) needs a validation set", c.Patience)
	}
	if err := c.validateCheckpoints(); err != nil {
		return err
	}
	if err := c.Optimizer.Validate(); err != nil {
		return err
	}
	if err := c.Schedule.Validate(); err != nil {
		return err
	}
	if c.Source == nil {
		if c.Shuffle && c.batchSize(m) < m {
			return fmt.Errorf("train: shuffling needs a random source; set Config.Source, for example to rand.New(seed)")
		}
		if dropout {
			return fmt.Errorf("train: dropout needs a random source; set Config.Source, for example to rand.New(seed)")
		}
	}
	return nil
}

// batchSize returns the number of examples per batch for m examples.
func (c *Config) batchSize(m int) int {
	if c.BatchSize <= 0 || c.BatchSize > m {
		return m
	}
	return c.BatchSize
}
