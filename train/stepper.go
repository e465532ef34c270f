package train

import (
	"fmt"
	"time"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// Stepper trains a network one mini-batch at a time, with the loop that
// Run uses, so that a caller such as an interactive page can pause between
// any two updates, look at the network and go on.
//
// A Stepper whose caller runs the batches of k epochs leaves the network,
// the optimizer's state and the random source exactly as Run with
// Epochs = k does, and its History equals Run's. It draws the example
// order of an epoch when that epoch's first batch is run or asked for
// by NextBatch, from the same source, so the stream of random numbers is
// Run's.
//
// The caller may change the network's weights in place between steps;
// the next step starts from them and the optimizer keeps its state.
//
// A Stepper is not safe for concurrent use.
type Stepper[T matrix.Float] struct {
	lp      *loop[T]
	batches int // batches per epoch

	// The position in the current epoch.
	started bool // the epoch's learning rate and order are set
	next    int  // index of the next batch within the epoch, from 0
	costSum float64
	correct int

	err error // the error that ended training; later steps return it
}

// NewStepper returns a Stepper that trains net on trainSet with the
// settings of cfg. validSet may be nil; when given, each epoch's Metrics
// include Evaluate's cost and accuracy on it.
//
// It checks its inputs as Run does and returns the same errors. cfg.Epochs
// does not limit a Stepper, since its caller decides when to stop, and is
// ignored. Early stopping belongs to Run: a Patience above 0 is an error.
// OnEpoch and OnBatch are not called, because Step and RunEpoch return the
// same information. cfg.Warn receives Run's warnings.
func NewStepper[T matrix.Float](net *nn.Network[T], trainSet, validSet *data.Dataset[T], cfg Config) (*Stepper[T], error) {
	if cfg.Patience > 0 {
		return nil, fmt.Errorf("train: a Stepper does not stop early (patience %d); use Run, or stop when the validation cost stops improving", cfg.Patience)
	}
	cfg.Epochs = 1
	cfg.OnEpoch, cfg.OnBatch = nil, nil
	lp, err := newLoop(net, trainSet, validSet, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Warn != nil {
		if w := findSymmetry(net); w != nil {
			cfg.Warn(w)
		}
	}
	lp.start = time.Now()
	return &Stepper[T]{lp: lp, batches: (lp.m + lp.batchSize - 1) / lp.batchSize}, nil
}

// Batches returns the number of batches per epoch.
func (s *Stepper[T]) Batches() int { return s.batches }

// Epochs returns the number of completed epochs.
func (s *Stepper[T]) Epochs() int { return s.lp.epoch }

// Iterations returns the number of updates applied.
func (s *Stepper[T]) Iterations() int { return s.lp.iteration }

// History returns the metrics of every completed epoch, as Run's Result
// holds them. The slice is shared with the Stepper and grows with it.
func (s *Stepper[T]) History() []Metrics { return s.lp.history }

// Err returns the error that ended training, or nil.
func (s *Stepper[T]) Err() error { return s.err }

// LearningRate returns the learning rate of the current epoch, or of the
// next one at an epoch boundary.
func (s *Stepper[T]) LearningRate() float64 {
	if s.started {
		return s.lp.alpha
	}
	return s.lp.cfg.Schedule.LearningRate(s.lp.cfg.LearningRate, s.lp.epoch)
}

// NextBatch returns the indices into the training set of the examples
// that the next Step trains on, in the order their columns are gathered.
// At an epoch boundary it draws the epoch's order first, as the next Step
// would. The slice is shared with the Stepper and valid until the next
// Step. It returns the error that ended training, if any.
func (s *Stepper[T]) NextBatch() ([]int, error) {
	if s.err != nil {
		return nil, s.err
	}
	if err := s.beginEpoch(); err != nil {
		return nil, err
	}
	j0, j1 := s.bounds()
	return s.lp.order[j0:j1], nil
}

// Step runs the next batch: forward pass, cost, backward pass and update,
// as one iteration of Run. It returns the batch's description, and when
// the batch was the last of its epoch, also that epoch's Metrics.
//
// When training diverges Step returns a *DivergedError and leaves the
// network with the weights of before that iteration. After any error,
// every later Step returns the same error and changes nothing.
func (s *Stepper[T]) Step() (Batch, *Metrics, error) {
	if s.err != nil {
		return Batch{}, nil, s.err
	}
	if err := s.beginEpoch(); err != nil {
		return Batch{}, nil, err
	}
	lp := s.lp
	lp.batch = s.next + 1
	j0, j1 := s.bounds()
	cost, c, err := lp.step(lp.order[j0:j1])
	if err != nil {
		s.err = err
		return Batch{}, nil, err
	}
	s.costSum += cost * float64(j1-j0)
	s.correct += c
	info := Batch{
		Epoch: lp.epoch + 1, Index: s.next + 1, Batches: s.batches, Iteration: lp.iteration,
		Size: j1 - j0, Correct: c, Cost: cost, LearningRate: lp.alpha,
	}
	s.next++
	if s.next < s.batches {
		return info, nil, nil
	}
	metrics, err := s.endEpoch()
	if err != nil {
		s.err = err
		return info, nil, err
	}
	return info, &metrics, nil
}

// RunEpoch runs the remaining batches of the current epoch, or a whole
// epoch at an epoch boundary, and returns its Metrics. Errors are Step's.
func (s *Stepper[T]) RunEpoch() (Metrics, error) {
	for {
		_, metrics, err := s.Step()
		if err != nil {
			return Metrics{}, err
		}
		if metrics != nil {
			return *metrics, nil
		}
	}
}

// bounds returns the positions in the epoch's order of the next batch.
func (s *Stepper[T]) bounds() (j0, j1 int) {
	j0 = s.next * s.lp.batchSize
	return j0, min(j0+s.lp.batchSize, s.lp.m)
}

// beginEpoch starts the epoch as Run does, unless it has begun.
func (s *Stepper[T]) beginEpoch() error {
	if s.started {
		return nil
	}
	if err := s.lp.beginEpoch(); err != nil {
		s.err = err
		return err
	}
	s.started, s.next, s.costSum, s.correct = true, 0, 0, 0
	return nil
}

// endEpoch closes the epoch as Run does and returns its metrics.
func (s *Stepper[T]) endEpoch() (Metrics, error) {
	s.started = false
	return s.lp.endEpoch(s.costSum, s.correct)
}
