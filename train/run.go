package train

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
)

// Run trains net on trainSet with the settings of cfg, updating net's
// weights in place. validSet may be nil; when given, each epoch's Metrics
// include Evaluate's cost and accuracy on it.
//
// Before the first update Run checks cfg, the network and both datasets.
// X must have n[0] rows and Y n[L] rows, and every value of X and Y must
// be finite. Labels must name an output unit (0 or 1 for a single sigmoid
// unit), and the targets of bce and cce must lie in [0, 1]. On any error
// Run returns a nil Result and leaves net unchanged. It then passes a
// *SymmetryWarning to cfg.Warn when a hidden layer has identical units
// (see SymmetricHidden).
//
// With early stopping (cfg.Patience > 0), Run keeps a copy of the weights
// of the epoch with the lowest validation cost, and the network holds
// those weights when Run returns a nil error, whether training stopped
// early, ran every epoch, or was stopped by a callback.
//
// When training diverges Run returns a *DivergedError together with the
// Result so far, and the network keeps the weights of before the failed
// iteration. When a callback returns an error other than ErrStop, Run
// returns it together with the Result so far and the network's current
// weights.
//
// A training step (gather the batch, draw the dropout masks, forward pass,
// cost, backward pass, update) allocates nothing after the first step.
// Allocations happen at most once per epoch, for the shuffle, the metrics
// and the validation. Shuffled mini-batches also keep a transposed copy of
// the training inputs, n_x·m values made once per run, from which each
// batch gathers whole examples.
//
// Full-batch training reads trainSet.XBytes instead of X when it is set
// and still equals X, which Run checks once. Take a network of one layer
// with a matched output and loss (sigmoid with bce, softmax with cce,
// linear with mse) and inputs larger than the caches hold: each step then
// reads the bytes once, computing the forward pass, the cost and the
// gradients block by block of examples. Otherwise the two products with X,
// Z[1] = W[1]·X and dW[1] = (1/m)·dZ[1]·Xᵀ, read the bytes (see
// nn.Network.SetInputBytes). The results equal those of the plain passes
// up to rounding.
func Run[T matrix.Float](net *nn.Network[T], trainSet, validSet *data.Dataset[T], cfg Config) (*Result, error) {
	lp, err := newLoop(net, trainSet, validSet, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Warn != nil {
		if w := findSymmetry(net); w != nil {
			cfg.Warn(w)
		}
	}
	return lp.run()
}

// loop is the state of a run.
//
// A checkpoint at an epoch boundary must save the progress fields (epoch,
// iteration, best, history), the network's weights, opt.State() and the
// state of cfg.Source. Nothing else carries over, because each epoch
// starts by drawing its order from the source.
type loop[T matrix.Float] struct {
	net          *nn.Network[T]
	train, valid *data.Dataset[T]
	cfg          Config
	opt          optim.Optimizer[T]
	params       []*matrix.Dense[T] // net.Params(), kept so a step allocates nothing
	grads        []*matrix.Dense[T] // net.Grads()

	m, batchSize int
	full         bool  // one batch of all examples: X and Y go forward as they are
	shuffle      bool  // draw a new order each epoch
	order        []int // the example order of the current epoch
	X, Y         matrix.Dense[T]
	// XT is Xᵀ of the training set, one example per row, made at the first
	// shuffled batch: a shuffled batch gathers whole rows of it, where
	// gathering columns of X would read one element from each row.
	XT *matrix.Dense[T]
	// labels gives a shuffled or sliced batch its targets and labels.
	labels batchLabels[T]
	// bytes, when not nil, runs each full-batch step from the training
	// set's XBytes in one pass (see bytesStep).
	bytes *bytesStep[T]
	// chain, when not nil, runs each shuffled mini-batch step with every
	// core keeping its own units (see newChain). chainCost and chainErr
	// are what its Output found, and chainSteps counts the updates it
	// applied, which the optimizer's own step count leaves out.
	chain      *matrix.Chain[T]
	chainCost  float64
	chainErr   error
	chainSteps int
	masks      []*matrix.Dense[T] // net.D[l] for layers with dropout, else nil; all nil without dropout
	eval       evaluator[T]

	// The position in the run, for metrics and errors.
	alpha float64 // learning rate of the current epoch
	batch int     // batch within the current epoch, counted from 1

	// Progress.
	epoch     int // epochs completed
	iteration int // updates applied
	best      *bestWeights[T]
	history   []Metrics
	start     time.Time // set by Resume before run, to count earlier training time
	ckpt      checkpoints
}

// bestWeights is the early-stopping record: the epoch with the lowest
// validation cost so far and a copy of its parameters.
type bestWeights[T matrix.Float] struct {
	epoch  int
	cost   float64
	params []*matrix.Dense[T]
}

// newLoop checks the inputs of Run and sets up the loop state.
func newLoop[T matrix.Float](net *nn.Network[T], trainSet, validSet *data.Dataset[T], cfg Config) (*loop[T], error) {
	if net == nil {
		return nil, fmt.Errorf("train: the network is nil")
	}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(net, trainSet, "training set"); err != nil {
		return nil, err
	}
	if validSet != nil {
		if err := checkData(net, validSet, "validation set"); err != nil {
			return nil, err
		}
	}
	m := trainSet.Len()
	if err := cfg.validate(m, validSet != nil, net.HasDropout()); err != nil {
		return nil, err
	}
	opt, err := optim.New[T](cfg.Optimizer)
	if err != nil {
		return nil, err
	}

	lp := &loop[T]{
		net: net, train: trainSet, valid: validSet, cfg: cfg, opt: opt,
		params: net.Params(), grads: net.Grads(),
		m: m, batchSize: cfg.batchSize(m),
		order: make([]int, m),
	}
	lp.full = lp.batchSize == m
	lp.shuffle = cfg.Shuffle && !lp.full
	if lp.full {
		// X is read once here to check that the bytes still equal it.
		x := trainSet.XBytes
		useBytes := x != nil && matrix.EqualBytesTrans(trainSet.X, x)
		if useBytes && len(x.RawData()) >= bytesStepMinBytes {
			lp.bytes = newBytesStep(net, trainSet)
		}
		switch {
		case lp.bytes != nil:
		case useBytes:
			// Every step's Z[1] and dW[1] read the inputs as bytes, in
			// both layouts; finish removes them from the network.
			net.SetInputBytes(trainSet.X, x.Transpose(), x)
		default:
			// Every step's dW[1] reads Xᵀ, made once, instead of
			// transposing X anew; finish removes it from the network.
			net.SetInputTranspose(trainSet.X, lp.examples())
		}
	}
	lp.chain = newChain(lp)
	for j := range lp.order {
		lp.order[j] = j
	}
	if net.HasDropout() {
		lp.masks = make([]*matrix.Dense[T], net.Layers())
		for l := 1; l < net.Layers(); l++ {
			if k := net.KeepProb[l]; k > 0 && k < 1 {
				lp.masks[l] = net.D[l]
			}
		}
	}
	if cfg.Patience > 0 {
		lp.best = &bestWeights[T]{cost: math.NaN()}
	}
	return lp, nil
}

// run trains epoch by epoch until the last epoch, early stopping, a
// callback's request or an error.
func (lp *loop[T]) run() (*Result, error) {
	if lp.start.IsZero() {
		lp.start = time.Now()
	}
	for lp.epoch < lp.cfg.Epochs {
		metrics, err := lp.runEpoch()
		if err != nil {
			return lp.finish(err)
		}
		lp.recordBest(metrics)
		if err := lp.checkpoint(); err != nil {
			return lp.finish(err)
		}
		if lp.cfg.OnEpoch != nil {
			if err := lp.cfg.OnEpoch(metrics); err != nil {
				return lp.finish(fmt.Errorf("train: epoch %d callback: %w", metrics.Epoch, err))
			}
		}
		if lp.best != nil && lp.epoch-lp.best.epoch >= lp.cfg.Patience {
			return lp.finish(errEarlyStop)
		}
	}
	return lp.finish(nil)
}

// errEarlyStop ends the epoch loop when the validation cost stopped
// improving; Run returns a nil error for it.
var errEarlyStop = errors.New("train: early stop")

// finish ends the run on err, restores the best weights where Run
// promises it, and builds the Result.
func (lp *loop[T]) finish(err error) (*Result, error) {
	lp.net.SetInputTranspose(nil, nil)
	lp.net.SetInputBytes(nil, nil, nil)
	res := &Result{
		Epochs:        lp.epoch,
		Iterations:    lp.iteration,
		History:       lp.history,
		BestValidCost: math.NaN(),
		Elapsed:       time.Since(lp.start),
	}
	var diverged *DivergedError
	switch {
	case err == nil:
		res.Reason = Completed
	case err == errEarlyStop:
		res.Reason, err = EarlyStopped, nil
	case errors.Is(err, ErrStop):
		res.Reason, err = Requested, nil
	case errors.As(err, &diverged):
		res.Reason = Diverged
	default:
		res.Reason = Failed
	}
	if lp.best != nil && lp.best.epoch > 0 {
		res.BestEpoch, res.BestValidCost = lp.best.epoch, lp.best.cost
		if err == nil {
			for i, p := range lp.params {
				p.Copy(lp.best.params[i])
			}
		}
	}
	return res, err
}

// recordBest copies the weights after an epoch whose validation cost is
// the lowest so far. A NaN cost never counts as lower, but any number
// replaces a NaN best.
func (lp *loop[T]) recordBest(metrics Metrics) {
	b := lp.best
	if b == nil {
		return
	}
	c := metrics.ValidCost
	if b.epoch > 0 && !(c < b.cost) && !(math.IsNaN(b.cost) && !math.IsNaN(c)) {
		return
	}
	if b.params == nil {
		b.params = make([]*matrix.Dense[T], len(lp.params))
		for i := range b.params {
			b.params[i] = new(matrix.Dense[T])
		}
	}
	for i, p := range lp.params {
		b.params[i].Copy(p)
	}
	b.epoch, b.cost = metrics.Epoch, c
}

// runEpoch runs one epoch and returns its metrics.
func (lp *loop[T]) runEpoch() (Metrics, error) {
	if err := lp.beginEpoch(); err != nil {
		return Metrics{}, err
	}
	batches := (lp.m + lp.batchSize - 1) / lp.batchSize
	var costSum float64
	correct := 0
	for b := range batches {
		lp.batch = b + 1
		j0 := b * lp.batchSize
		j1 := min(j0+lp.batchSize, lp.m)
		cost, c, err := lp.step(lp.order[j0:j1])
		if err != nil {
			return Metrics{}, err
		}
		costSum += cost * float64(j1-j0)
		correct += c
		if lp.cfg.OnBatch != nil {
			info := Batch{
				Epoch: lp.epoch + 1, Index: b + 1, Batches: batches, Iteration: lp.iteration,
				Size: j1 - j0, Correct: c, Cost: cost, LearningRate: lp.alpha,
			}
			if err := lp.cfg.OnBatch(info); err != nil {
				return Metrics{}, fmt.Errorf("train: batch %d of epoch %d callback: %w", b+1, lp.epoch+1, err)
			}
		}
	}
	return lp.endEpoch(costSum, correct)
}

// beginEpoch sets the learning rate of the epoch that starts and draws its
// example order.
func (lp *loop[T]) beginEpoch() error {
	lp.alpha = lp.cfg.Schedule.LearningRate(lp.cfg.LearningRate, lp.epoch)
	if lp.shuffle {
		return lp.drawOrder()
	}
	return nil
}

// endEpoch closes the epoch whose batches' costs, weighted by batch size,
// sum to costSum and which classified correct examples right, and returns
// and records its metrics.
func (lp *loop[T]) endEpoch(costSum float64, correct int) (Metrics, error) {
	lp.epoch++
	metrics := Metrics{
		Epoch:         lp.epoch,
		Iterations:    lp.iteration,
		Cost:          costSum / float64(lp.m),
		Accuracy:      math.NaN(),
		ValidCost:     math.NaN(),
		ValidAccuracy: math.NaN(),
		LearningRate:  lp.alpha,
	}
	if lp.train.Labels != nil {
		metrics.Accuracy = float64(correct) / float64(lp.m)
	}
	if lp.valid != nil {
		var err error
		metrics.ValidCost, metrics.ValidAccuracy, err = lp.eval.evaluate(lp.net, lp.valid)
		if err != nil {
			return Metrics{}, err
		}
	}
	metrics.Elapsed = time.Since(lp.start)
	lp.history = append(lp.history, metrics)
	return metrics, nil
}

// drawOrder sets the example order of the epoch from the source.
func (lp *loop[T]) drawOrder() error {
	perm := lp.cfg.Source.Perm(lp.m)
	if len(perm) != lp.m {
		return fmt.Errorf("train: the random source's Perm(%d) returned %d values", lp.m, len(perm))
	}
	for _, j := range perm {
		if j < 0 || j >= lp.m {
			return fmt.Errorf("train: the random source's Perm(%d) returned %d, outside 0 … %d", lp.m, j, lp.m-1)
		}
	}
	lp.order = perm
	return nil
}

// step trains on the examples idx: forward pass, cost, backward pass and
// update. It returns the batch's cost J_b before the update and the number
// of examples the forward pass classified correctly (0 without labels).
// It checks the cost for NaN and ±Inf before the backward pass, and the
// optimizer rejects an update whose result would not be finite, which a
// non-finite gradient always makes; the error then names the gradient.
// So the weights stay finite.
func (lp *loop[T]) step(idx []int) (cost float64, correct int, err error) {
	if lp.bytes != nil {
		if cost, correct, err = lp.bytes.passes(lp); err != nil {
			return 0, 0, err
		}
		return cost, correct, lp.update()
	}
	if lp.chain != nil {
		return lp.chainStep(idx)
	}
	net := lp.net
	X, Y := lp.train.X, lp.train.Y
	if !lp.full {
		if lp.shuffle {
			lp.X.GatherRowsTrans(lp.examples(), idx)
		} else {
			lp.X.GatherCols(X, idx)
		}
		lp.labels.gather(&lp.Y, lp.train, idx)
		X, Y = &lp.X, &lp.Y
	}

	if lp.masks != nil {
		lp.drawMasks(len(idx))
		_, err = net.ForwardDropout(X, lp.masks)
	} else {
		_, err = net.Forward(X)
	}
	if err != nil {
		return 0, 0, err
	}
	cost, err = net.Cost(Y, lp.cfg.Lambda)
	if err != nil {
		return 0, 0, err
	}
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return 0, 0, lp.forwardDiverged(cost)
	}
	switch {
	case lp.train.Labels == nil:
	case lp.full:
		correct = countCorrect(net.A[net.Layers()], lp.train.Labels, idx)
	default:
		correct = countCorrect(net.A[net.Layers()], lp.labels.batch, nil)
	}

	if err := net.Backward(Y, lp.cfg.Lambda); err != nil {
		return 0, 0, err
	}
	return cost, correct, lp.update()
}

// update applies the optimizer's step to the network's parameters. A NaN
// or ±Inf in a gradient makes the update non-finite, which the optimizer
// rejects before changing anything, so the gradients are searched only
// then, saving a pass over them at every step.
func (lp *loop[T]) update() error {
	if err := lp.opt.Step(lp.params, lp.grads, lp.alpha); err != nil {
		if gradErr := lp.checkGrads(); gradErr != nil {
			return gradErr
		}
		return lp.updateDiverged(err)
	}
	lp.iteration++
	return nil
}

// examples returns Xᵀ of the training set, transposing X on the first
// call of the run.
func (lp *loop[T]) examples() *matrix.Dense[T] {
	if lp.XT == nil {
		lp.XT = new(matrix.Dense[T])
		lp.XT.Transpose(lp.train.X)
	}
	return lp.XT
}

// drawMasks fills the dropout mask D[l] of each layer with dropout for a
// batch of m examples. It draws exactly as nn.Network.DropoutMasks does,
// layer by layer and row-major, 1 where Source.Float64() < keep_prob, but
// without allocating.
func (lp *loop[T]) drawMasks(m int) {
	src := lp.cfg.Source
	for l, D := range lp.masks {
		if D == nil {
			continue
		}
		keep := lp.net.KeepProb[l]
		D.Resize(lp.net.Sizes[l], m)
		d := D.RawData()
		for i := range d {
			if src.Float64() < keep {
				d[i] = 1
			} else {
				d[i] = 0
			}
		}
	}
}

// diverged returns a *DivergedError at the current position.
func (lp *loop[T]) diverged(layer int, quantity string, value float64, err error) *DivergedError {
	return &DivergedError{
		Epoch: lp.epoch + 1, Batch: lp.batch, Iteration: lp.iteration + 1,
		Layer: layer, Quantity: quantity, Value: value, LearningRate: lp.alpha, Err: err,
	}
}

// forwardDiverged returns the error for a non-finite cost, naming the
// first layer whose Z[l] or A[l] is not finite, or the cost itself when
// the outputs are finite but the loss overflowed.
func (lp *loop[T]) forwardDiverged(cost float64) error {
	net := lp.net
	for l := 1; l <= net.Layers(); l++ {
		if i, j, bad := matrix.FirstNonFinite(net.Z[l]); bad {
			return lp.diverged(l, fmt.Sprintf("Z[%d]", l), float64(net.Z[l].At(i, j)), nil)
		}
		if i, j, bad := matrix.FirstNonFinite(net.A[l]); bad {
			return lp.diverged(l, fmt.Sprintf("A[%d]", l), float64(net.A[l].At(i, j)), nil)
		}
	}
	return lp.diverged(net.Layers(), "cost", cost, nil)
}

// checkGrads returns an error for the highest layer with a non-finite
// dW[l] or db[l]: the backward pass runs from L down, so that is where
// the value first appeared.
func (lp *loop[T]) checkGrads() error {
	net := lp.net
	for l := net.Layers(); l >= 1; l-- {
		if i, j, bad := matrix.FirstNonFinite(net.DW[l]); bad {
			return lp.diverged(l, fmt.Sprintf("dW[%d]", l), float64(net.DW[l].At(i, j)), nil)
		}
		if i, j, bad := matrix.FirstNonFinite(net.DB[l]); bad {
			return lp.diverged(l, fmt.Sprintf("db[%d]", l), float64(net.DB[l].At(i, j)), nil)
		}
	}
	return nil
}

// updateDiverged turns the optimizer's *optim.NonFiniteError into a
// *DivergedError naming W[l] or b[l]; other errors pass through.
func (lp *loop[T]) updateDiverged(err error) error {
	var nf *optim.NonFiniteError
	if !errors.As(err, &nf) {
		return err
	}
	// The parameters are W[1], b[1], W[2], b[2], … .
	l := nf.Param/2 + 1
	name := fmt.Sprintf("W[%d]", l)
	if nf.Param%2 == 1 {
		name = fmt.Sprintf("b[%d]", l)
	}
	return lp.diverged(l, name, nf.Value, err)
}
