package train

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
)

// chainMinMulAdds is the size of the first layer's product, n[1]·n[0]·m
// multiply–adds per batch, from which shuffled mini-batches train through
// matrix.Chain, each core keeping its own units of every hidden layer.
// W1's network (256·784·64, 12.8 million) runs 0.20 s per epoch either
// way while the two vCPUs of the Zen 5 machine of docs/benchmarks.md sit
// close together. While they sit far apart, the chain takes 0.255–0.273 s
// and the plain passes 0.284–0.286 s.
//
// NOTE: the threshold is set below W1's size without a calibration run;
// networks well under it keep the plain passes. Tests lower it to reach
// the chain with small networks.
var chainMinMulAdds = 4 << 20

// newChain returns the chain that runs lp's shuffled mini-batch steps, or
// nil when the plain passes run them. The chain needs at least two
// goroutines on two CPUs, hidden layers that all apply ReLU, a matched
// output and loss, plain gradient descent, no dropout, no gradient with
// respect to X, and a first layer large enough to pay for the barriers.
func newChain[T matrix.Float](lp *loop[T]) *matrix.Chain[T] {
	net := lp.net
	L := net.Layers()
	if !lp.shuffle || matrix.ChainMaxParts() < 2 || L < 2 || net.HasDropout() || net.InputGrad ||
		!net.Loss.Matches(net.Act[L]) || lp.cfg.Optimizer.Method != optim.SGD ||
		net.Sizes[1]*net.Sizes[0]*lp.batchSize < chainMinMulAdds {
		return nil
	}
	relu := make([]bool, L)
	for l := 1; l < L; l++ {
		if net.Act[l] != nn.ReLU {
			return nil
		}
		relu[l] = true
	}
	c := &matrix.Chain[T]{
		W: net.W, B: net.B, Z: net.Z, A: net.A, DZ: net.DZ, DA: net.DA, DW: net.DW, DB: net.DB,
		ReLU:   relu,
		Output: lp.chainOutput,
	}
	return c
}

// chainStep runs a shuffled mini-batch step through lp.chain. It leaves
// the network's caches and gradients as the plain passes do, up to
// rounding, and applies the update unless a value would not be finite.
// In that case the optimizer's own check finds the value and returns its
// error.
func (lp *loop[T]) chainStep(idx []int) (cost float64, correct int, err error) {
	net := lp.net
	L := net.Layers()
	lp.labels.gather(&lp.Y, lp.train, idx)
	net.A[0] = &lp.X
	for l := 1; l <= L; l++ {
		net.D[l].Resize(0, 0)
		net.DAMasked[l].Resize(0, 0)
	}
	net.DA[0].Resize(0, 0)
	net.DA[L].Resize(0, 0)
	lp.chainErr = nil
	applied := lp.chain.Step(&lp.X, lp.examples(), idx, lp.alpha, lp.cfg.Lambda)
	if lp.chainErr != nil {
		return 0, 0, lp.chainErr
	}
	if lp.train.Labels != nil {
		correct = countCorrect(net.A[L], lp.labels.batch, nil)
	}
	if !applied {
		return lp.chainCost, correct, lp.update()
	}
	lp.iteration++
	lp.chainSteps++
	return lp.chainCost, correct, nil
}

// chainOutput is the chain's Output: the output layer's bias and
// activation, the cost before the update, and dZ[L] = A[L] − Y. A cost
// that is not finite stops the step with the error of lp.
func (lp *loop[T]) chainOutput() bool {
	net := lp.net
	net.ActivateOutput()
	cost, err := net.Cost(&lp.Y, lp.cfg.Lambda)
	if err == nil && (math.IsNaN(cost) || math.IsInf(cost, 0)) {
		err = lp.forwardDiverged(cost)
	}
	if err != nil {
		lp.chainErr = err
		return false
	}
	lp.chainCost = cost
	L := net.Layers()
	net.DZ[L].Sub(net.A[L], &lp.Y)
	return true
}
