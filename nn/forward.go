package nn

import (
	"fmt"

	"github.com/backprop-go/backprop/matrix"
)

// Forward runs the forward pass on X, (n[0], m), without dropout, and
// returns A[L] = Ŷ, (n[L], m). For l = 1 … L it computes
//
//	Z[l] = W[l]·A[l−1] + b[l]
//	A[l] = g[l](Z[l])
//
// and keeps the caches A[l−1] and Z[l] in the network for Backward. A[0]
// is X itself, not a copy, so X must not change until Backward has run;
// only an X that is one of the network's own matrices is copied. The
// returned matrix is the network's own A[L]; it is overwritten by the next
// pass.
func (net *Network[T]) Forward(X *matrix.Dense[T]) (*matrix.Dense[T], error) {
	return net.forward(X, nil)
}

// ForwardDropout runs the forward pass with inverted dropout: for each
// hidden layer l with masks[l] non-nil,
//
//	A[l] = g[l](Z[l]) ⊙ D[l] / keep_prob[l]
//
// where D[l] = masks[l] is a 0/1 matrix of shape (n[l], m). Backward then
// applies the same mask and scale to dA[l]. masks is indexed by l and may
// be shorter than L+1. It returns an error if a mask has the wrong shape,
// sits on the output layer, or its layer has no keep probability below 1.
func (net *Network[T]) ForwardDropout(X *matrix.Dense[T], masks []*matrix.Dense[T]) (*matrix.Dense[T], error) {
	if err := net.CheckX(X); err != nil {
		return nil, err
	}
	m := X.Cols()
	for l, D := range masks {
		if D == nil {
			continue
		}
		if l < 1 || l >= net.Layers() {
			return nil, fmt.Errorf("nn: dropout mask given for layer %d; only hidden layers 1 … %d can drop", l, net.Layers()-1)
		}
		if !dropping(net.KeepProb[l]) {
			return nil, fmt.Errorf("nn: dropout mask given for layer %d, whose keep probability is %v; set KeepProb[%d] in (0, 1)", l, net.KeepProb[l], l)
		}
		if r, c := D.Dims(); r != net.Sizes[l] || c != m {
			return nil, &ShapeError{Name: fmt.Sprintf("D[%d]", l), Want: [2]int{net.Sizes[l], m}, Got: [2]int{r, c}}
		}
	}
	return net.forward(X, masks)
}

// DropoutMasks draws a 0/1 mask for every hidden layer with a keep
// probability below 1, each entry 1 with that probability, from u, which
// returns uniform numbers in [0, 1). The masks are the network's own D[l]
// and are indexed by l; layers without dropout get nil.
func (net *Network[T]) DropoutMasks(m int, u func() float64) []*matrix.Dense[T] {
	masks := make([]*matrix.Dense[T], net.Layers()+1)
	for l := 1; l < net.Layers(); l++ {
		keep := net.KeepProb[l]
		if !dropping(keep) {
			continue
		}
		D := net.D[l]
		D.Resize(net.Sizes[l], m)
		d := D.RawData()
		for i := range d {
			if u() < keep {
				d[i] = 1
			} else {
				d[i] = 0
			}
		}
		masks[l] = D
	}
	return masks
}

// CheckX returns a *ShapeError unless X is (n[0], m) with m ≥ 1, and an
// error if X is nil.
func (net *Network[T]) CheckX(X *matrix.Dense[T]) error {
	if X == nil {
		return fmt.Errorf("nn: X is nil; pass a (%d, m) matrix with one example per column", net.Sizes[0])
	}
	r, c := X.Dims()
	if r == net.Sizes[0] && c > 0 {
		return nil
	}
	e := &ShapeError{Name: "X", Want: [2]int{net.Sizes[0], -1}, Got: [2]int{r, c}}
	switch {
	case r == net.Sizes[0]:
		e.Hint = "X has no examples (m = 0); give at least one column"
	case c == net.Sizes[0]:
		e.Hint = "X looks transposed; put one example per column"
	default:
		e.Hint = fmt.Sprintf("the network takes %d input features", net.Sizes[0])
	}
	return e
}

func (net *Network[T]) forward(X *matrix.Dense[T], masks []*matrix.Dense[T]) (*matrix.Dense[T], error) {
	if err := net.CheckX(X); err != nil {
		return nil, err
	}
	L := net.Layers()
	net.setInput(X)
	// On one example, the first two layers' products are one split job
	// (matrix.MulPairVec). Each core computes its rows of Z[1] and A[1]
	// and multiplies them by the matching columns of W[2], so it does not
	// wait for the other core's rows. Softmax, which mixes the rows of a
	// column, and dropout on layer 1 keep the plain passes.
	paired := X.Cols() == 1 && L >= 2 && net.Act[1] != Softmax &&
		(len(masks) < 2 || masks[1] == nil) && (net.xB == nil || net.xBFor != net.A[0])
	if paired {
		if net.firstRows == nil {
			net.firstRows = net.activateFirstRows
		}
		matrix.MulPairVec(net.Z[1], net.W[1], X, net.A[1], net.firstRows, net.Z[2], net.W[2])
		net.D[1].Resize(0, 0)
	}
	for l := 1; l <= L; l++ {
		Z, A := net.Z[l], net.A[l]
		// Z[l] = W[l]·A[l−1] + b[l] and A[l] = g[l](Z[l]), then the
		// dropout mask.
		switch {
		case paired && l == 1:
			continue
		case paired && l == 2:
			// W[2]·A[1] is in Z[2] already.
		case l == 1 && net.xB != nil && net.xBFor == net.A[0]:
			// The same product with X read as bytes.
			Z.MulBytes(net.W[l], net.xB)
		default:
			Z.Mul(net.W[l], net.A[l-1])
		}
		if l < len(masks) && masks[l] != nil {
			G := net.G[l]
			activateBias(net.Act[l], net.LeakySlope, G, Z, net.B[l])
			A.MulElem(G, masks[l])
			A.Scale(T(1/net.KeepProb[l]), A)
			if masks[l] != net.D[l] {
				net.D[l].Copy(masks[l])
			}
			continue
		}
		net.D[l].Resize(0, 0)
		if l == L && net.Act[L] == Softmax {
			net.softmaxOutput()
			continue
		}
		activateBias(net.Act[l], net.LeakySlope, A, Z, net.B[l])
	}
	if net.Act[L] != Softmax {
		net.outZ.Resize(0, 0)
	}
	return net.A[L], nil
}

// activateFirstRows sets rows i0 … i1−1 of Z[1] to Z[1] + b[1] and of
// A[1] to g[1](Z[1]), for one example: what activateBias does for those
// rows, bit for bit.
func (net *Network[T]) activateFirstRows(i0, i1 int) {
	b := net.B[1].RawData()[i0:i1]
	z := net.Z[1].RawData()[i0:i1]
	a := net.A[1].RawData()[i0:i1]
	z, a = z[:len(b)], a[:len(b)]
	if net.Act[1] == ReLU {
		addReLU(a, z, b)
		return
	}
	for i, v := range b {
		z[i] += v
	}
	activateSlice(net.Act[1], net.LeakySlope, a, z)
}

// ActivateOutput adds b[L] to Z[L] and sets A[L] = g[L](Z[L]), the
// output layer's part of Forward. It serves a caller that computed
// Z[L] = W[L]·A[L−1] itself, as a matrix.Chain step does. Cost then reads
// A[L] as it does after Forward.
func (net *Network[T]) ActivateOutput() {
	L := net.Layers()
	if net.Act[L] == Softmax {
		net.softmaxOutput()
		return
	}
	activateBias(net.Act[L], net.LeakySlope, net.A[L], net.Z[L], net.B[L])
	net.outZ.Resize(0, 0)
}

// softmaxOutput adds b[L] to Z[L] and sets A[L] to its softmax, keeping
// each column's maximum and sum of exponentials for Cost.
func (net *Network[T]) softmaxOutput() {
	L := net.Layers()
	Z, A := net.Z[L], net.A[L]
	Z.AddColVec(Z, net.B[L])
	A.Resize(Z.Dims())
	c := Z.Cols()
	if cap(net.outMax) < c {
		net.outMax = make([]float64, c)
		net.outSum = make([]float64, c)
	}
	net.outMax, net.outSum = net.outMax[:c], net.outSum[:c]
	softmaxStats(A, Z, net.outMax, net.outSum)
	net.outZ.Copy(Z)
}

// setInput makes X the cache A[0]. The network keeps X itself, saving a
// copy of every batch, except when X is one of its own matrices, which
// the pass would overwrite: then A[0] is a copy in the network's own
// input buffer.
func (net *Network[T]) setInput(X *matrix.Dense[T]) {
	if net.input == nil {
		net.input = new(matrix.Dense[T])
	}
	if X == net.input || !net.owns(X) {
		net.A[0] = X
		return
	}
	net.input.Copy(X)
	net.A[0] = net.input
}

// owns reports whether X is one of the caches or gradients that a
// forward or backward pass overwrites.
func (net *Network[T]) owns(X *matrix.Dense[T]) bool {
	for l := 1; l <= net.Layers(); l++ {
		for _, m := range []*matrix.Dense[T]{net.A[l], net.Z[l], net.G[l], net.D[l], net.DZ[l], net.DA[l], net.DAMasked[l], net.DW[l], net.DB[l]} {
			if X == m {
				return true
			}
		}
	}
	return X == net.DA[0]
}
