package train

import (
	"math"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// bytesBlockSize is the number of examples per block of the byte step:
// 256 MNIST images are 200 KB of bytes, which stay in L2 between the
// forward and the backward use of the block.
const bytesBlockSize = 256

// bytesStepMinBytes is the size of the inputs in bytes from which the
// byte step pays: below it they stay in the caches between the two
// products of the plain passes, which then run faster than the block by
// block pass. On the Zen 5 machine of matrix's kernels (32 MiB of L3),
// 2000 steps of logistic regression on 209 cat images (2.5 MB) took 0.6 s
// through the plain passes reading bytes and 4.8 s through the byte step.
// 1000 steps on the 60,000 MNIST images (47 MB) took 3.9 s and 2.5 s.
// Tests lower it to reach the byte step with small sets.
var bytesStepMinBytes = 8 << 20

// bytesStep runs a full-batch step of a one-layer network from the
// training inputs in bytes, the dataset's XBytes, in one pass over them:
// block by block of examples,
//
//	Z[1] = W[1]·X + b[1],  A[1] = g(Z[1]),  loss,  dZ[1] = A[1] − Y
//
// and dW[1] = (1/m)·dZ[1]·Xᵀ accumulated while the block is in cache
// (matrix.Dense.AffineGradBytes). The mathematics is that of the forward
// pass, Cost and Backward; only the order of the sums differs, so the
// results equal theirs up to rounding. Reading bytes instead of float32
// values, once instead of twice, moves an eighth of the data that the
// plain passes move, and the step is bound by memory bandwidth.
type bytesStep[T matrix.Float] struct {
	net    *nn.Network[T]
	X      *matrix.Dense[T]
	Y      *matrix.Dense[T]
	XBytes *matrix.Bytes
	labels []int

	// Per block: the loss sum, the examples classified correctly and the
	// block's activations and targets, so that blocks running on
	// different goroutines share nothing.
	loss    []float64
	correct []int
	A, Yb   []matrix.Dense[T]
	block   func(blk *matrix.BytesBlock[T])
}

// newBytesStep returns the byte step for training net on ds with full
// batches, or nil when it does not apply: it needs a network of one layer
// with a matched output and loss, no gradient with respect to X, and
// XBytes. The caller checks that XBytes still equals X.
func newBytesStep[T matrix.Float](net *nn.Network[T], ds *data.Dataset[T]) *bytesStep[T] {
	if ds.XBytes == nil || net.Layers() != 1 || !net.Loss.Matches(net.Act[1]) || net.InputGrad || net.HasDropout() {
		return nil
	}
	m := ds.Len()
	blocks := (m + bytesBlockSize - 1) / bytesBlockSize
	s := &bytesStep[T]{
		net: net, X: ds.X, Y: ds.Y, XBytes: ds.XBytes, labels: ds.Labels,
		loss: make([]float64, blocks), correct: make([]int, blocks),
		A: make([]matrix.Dense[T], blocks), Yb: make([]matrix.Dense[T], blocks),
	}
	s.block = s.runBlock
	return s
}

// passes runs the forward pass, the cost and the backward pass, leaving
// the network's caches and gradients as Forward, Cost and Backward would,
// and returns the cost J before the update and the number of examples
// classified correctly. A non-finite cost gives the error of lp.
func (s *bytesStep[T]) passes(lp *loop[T]) (cost float64, correct int, err error) {
	net := s.net
	m := s.X.Cols()
	k := net.Sizes[1]
	net.A[0] = s.X
	net.Z[1].Resize(k, m)
	net.A[1].Resize(k, m)
	net.DZ[1].Resize(k, m)
	net.D[1].Resize(0, 0)
	net.DA[1].Resize(0, 0)
	net.DAMasked[1].Resize(0, 0)
	net.DA[0].Resize(0, 0)

	// dW[1] = (1/m)·dZ[1]·A[0]ᵀ, with Z[1], A[1] and dZ[1] filled in
	// block by block.
	mT := T(m)
	net.DW[1].AffineGradBytes(net.W[1], s.XBytes, 1/mT, bytesBlockSize, s.block)

	var sum float64
	for b, l := range s.loss {
		sum += l
		correct += s.correct[b]
	}
	cost = sum / float64(m)
	lambda := lp.cfg.Lambda
	if lambda != 0 {
		var w2 float64
		for _, w := range net.W[1].RawData() {
			w2 += float64(w) * float64(w)
		}
		cost += lambda / (2 * float64(m)) * w2
	}
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return 0, 0, lp.forwardDiverged(cost)
	}

	// The rest of Backward: db[1] = (1/m)·Σ over columns of dZ[1], and
	// the L2 term of dW[1].
	if lambda != 0 {
		net.DW[1].AddScaled(net.DW[1], T(lambda)/mT, net.W[1])
	}
	net.DB[1].RowSums(net.DZ[1])
	net.DB[1].Scale(1/mT, net.DB[1])
	return cost, correct, nil
}

// runBlock turns the block's W·X into dZ and records Z, A, the loss and
// the correct count of its examples.
func (s *bytesStep[T]) runBlock(blk *matrix.BytesBlock[T]) {
	net := s.net
	b, j0, j1 := blk.Index, blk.J0, blk.J1
	Z, A, Y := blk.Z, &s.A[b], &s.Yb[b]

	Z.AddColVec(Z, net.B[1])
	nn.Activate(net.Act[1], net.LeakySlope, A, Z)
	Y.SliceCols(s.Y, j0, j1)
	s.loss[b] = nn.SumLoss(net.Loss, Z, A, Y)
	if s.labels != nil {
		s.correct[b] = countCorrect(A, s.labels[j0:j1], nil)
	}
	setCols(net.Z[1], Z, j0)
	setCols(net.A[1], A, j0)
	// The matched output and loss give dZ = A − Y.
	Z.Sub(A, Y)
	setCols(net.DZ[1], Z, j0)
}

// setCols copies the columns of src into dst from column j0 on.
func setCols[T matrix.Float](dst, src *matrix.Dense[T], j0 int) {
	for i := 0; i < src.Rows(); i++ {
		copy(dst.RawRow(i)[j0:], src.RawRow(i))
	}
}
