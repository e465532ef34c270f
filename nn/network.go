package nn

import (
	"fmt"

	"github.com/backprop-go/backprop/matrix"
)

// Network is a fully-connected network of L ≥ 1 layers. Every per-layer
// slice is indexed by the lecture's l = 1 … L and has length L+1; index 0
// is unused except in A and DA, where A[0] = X and DA[0] = dA[0].
type Network[T matrix.Float] struct {
	// Sizes holds n[0] … n[L].
	Sizes []int
	// Act holds g[1] … g[L]; Act[0] is unused.
	Act []Activation
	// Loss is the per-example loss of the cost J.
	Loss Loss
	// LeakySlope is the negative-side slope of every LeakyReLU layer.
	LeakySlope T
	// KeepProb holds the inverted-dropout keep probability of each layer;
	// 0 or 1 means no dropout. Only hidden layers (1 ≤ l < L) may drop.
	KeepProb []float64
	// InputGrad makes Backward also compute dA[0] = W[1]ᵀ·dZ[1], the
	// gradient with respect to X. Training does not need it.
	InputGrad bool

	// W and B hold the parameters W[l] (n[l], n[l−1]) and b[l] (n[l], 1).
	W, B []*matrix.Dense[T]

	// The caches and results of the last Forward and Backward calls, each
	// (n[l], m). G[l] holds g(Z[l]) before the dropout mask, only for layers
	// with dropout; D[l] holds the mask.
	A, Z, G, D []*matrix.Dense[T]
	// The gradients of the last Backward call: DZ[l], DA[l] (summed loss,
	// (n[l], m)) and DW[l], DB[l] (of J, shaped as W[l] and b[l]).
	// DAMasked[l] = DA[l] ⊙ D[l] / keep_prob for layers with dropout.
	DZ, DA, DAMasked, DW, DB []*matrix.Dense[T]

	ones  *matrix.Dense[T] // scratch for the fused output gradient
	input *matrix.Dense[T] // A[0] when X is one of the network's own matrices

	// xT is Xᵀ of the input xTFor, given by SetInputTranspose.
	xT, xTFor *matrix.Dense[T]
	// xB and xBT hold the input xBFor as bytes, X = s·B, in its layout
	// and transposed, given by SetInputBytes.
	xB, xBT *matrix.Bytes
	xBFor   *matrix.Dense[T]

	// outMax and outSum hold, for a softmax output layer, each column's
	// maximum and sum of exponentials from the last forward pass, and
	// outZ a copy of the Z[L] they came from. Cost uses them, instead of
	// computing the exponentials again, while Z[L] still equals outZ.
	outMax, outSum []float64
	outZ           *matrix.Dense[T]

	// firstRows is net.activateFirstRows, made once, for the forward pass
	// on one example (see forward).
	firstRows func(i0, i1 int)
}

// New returns a network with layer sizes n[0] … n[L] = sizes, activations
// g[1] … g[L] = acts, and loss, with all weights and biases zero. Call
// Init to draw weights. It returns an error for fewer than two sizes, a
// size below 1, a count of activations other than L, or an output
// activation that loss cannot be trained with (see Loss).
func New[T matrix.Float](sizes []int, acts []Activation, loss Loss) (*Network[T], error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("nn: a network needs at least 2 layer sizes (n[0] inputs and n[L] outputs), got %v", sizes)
	}
	for l, n := range sizes {
		if n < 1 {
			return nil, fmt.Errorf("nn: layer size n[%d] = %d; every layer needs at least 1 unit", l, n)
		}
	}
	L := len(sizes) - 1
	if len(acts) != L {
		return nil, fmt.Errorf("nn: %d activations for %d layers; give one activation for each of layers 1 … %d", len(acts), L, L)
	}
	for i, g := range acts {
		if _, ok := activationNames[g]; !ok {
			return nil, fmt.Errorf("nn: invalid activation %d for layer %d; use one of the Activation constants (nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Linear, nn.Softmax)", int(g), i+1)
		}
	}
	if err := loss.checkOutput(acts[L-1]); err != nil {
		return nil, err
	}
	if loss == CCE && sizes[L] < 2 {
		return nil, fmt.Errorf("nn: loss cce needs at least 2 output units, got n[L] = %d; use a sigmoid output with bce for 2 classes", sizes[L])
	}
	net := &Network[T]{
		Sizes:      append([]int(nil), sizes...),
		Act:        append([]Activation{0}, acts...),
		Loss:       loss,
		LeakySlope: 0.01,
		KeepProb:   make([]float64, L+1),
	}
	net.allocate()
	for l := 1; l <= L; l++ {
		net.W[l] = matrix.New[T](sizes[l], sizes[l-1], nil)
		net.B[l] = matrix.New[T](sizes[l], 1, nil)
	}
	return net, nil
}

// allocate creates the per-layer slices and empty cache matrices.
func (net *Network[T]) allocate() {
	L := net.Layers()
	mk := func() []*matrix.Dense[T] { return make([]*matrix.Dense[T], L+1) }
	net.W, net.B = mk(), mk()
	net.A, net.Z, net.G, net.D = mk(), mk(), mk(), mk()
	net.DZ, net.DA, net.DAMasked, net.DW, net.DB = mk(), mk(), mk(), mk(), mk()
	for l := 0; l <= L; l++ {
		net.A[l], net.DA[l] = new(matrix.Dense[T]), new(matrix.Dense[T])
		if l == 0 {
			continue
		}
		net.Z[l], net.G[l], net.D[l] = new(matrix.Dense[T]), new(matrix.Dense[T]), new(matrix.Dense[T])
		net.DZ[l], net.DAMasked[l] = new(matrix.Dense[T]), new(matrix.Dense[T])
		net.DW[l], net.DB[l] = new(matrix.Dense[T]), new(matrix.Dense[T])
	}
	net.ones = new(matrix.Dense[T])
	net.outZ = new(matrix.Dense[T])
}

// Layers returns L, the number of layers with parameters.
func (net *Network[T]) Layers() int { return len(net.Sizes) - 1 }

// NumParams returns Σ_l n[l]·(n[l−1] + 1), the number of weights and
// biases. Each has exactly one derivative, in dW[l] or db[l], per step.
func (net *Network[T]) NumParams() int { return NumParams(net.Sizes) }

// NumParams returns Σ_l n[l]·(n[l−1] + 1) for layer sizes n[0] … n[L].
func NumParams(sizes []int) int {
	p := 0
	for l := 1; l < len(sizes); l++ {
		p += sizes[l] * (sizes[l-1] + 1)
	}
	return p
}

// Params returns the parameters in the order of the flat parameter vector:
// W[1], b[1], W[2], b[2], … . The matrices are the network's own.
func (net *Network[T]) Params() []*matrix.Dense[T] {
	ps := make([]*matrix.Dense[T], 0, 2*net.Layers())
	for l := 1; l <= net.Layers(); l++ {
		ps = append(ps, net.W[l], net.B[l])
	}
	return ps
}

// Grads returns the gradients of the last Backward call in the order of
// Params: dW[1], db[1], dW[2], db[2], … .
func (net *Network[T]) Grads() []*matrix.Dense[T] {
	gs := make([]*matrix.Dense[T], 0, 2*net.Layers())
	for l := 1; l <= net.Layers(); l++ {
		gs = append(gs, net.DW[l], net.DB[l])
	}
	return gs
}

// ParamNames returns "W[1]", "b[1]", "W[2]", … in the order of Params.
func (net *Network[T]) ParamNames() []string {
	names := make([]string, 0, 2*net.Layers())
	for l := 1; l <= net.Layers(); l++ {
		names = append(names, fmt.Sprintf("W[%d]", l), fmt.Sprintf("b[%d]", l))
	}
	return names
}

// HasDropout reports whether any layer has a keep probability below 1.
func (net *Network[T]) HasDropout() bool {
	for l := 1; l <= net.Layers(); l++ {
		if dropping(net.KeepProb[l]) {
			return true
		}
	}
	return false
}

func dropping(keep float64) bool { return keep > 0 && keep < 1 }

// SetParams copies W[l] and b[l] from the given matrices, indexed from
// l = 1 as Network's own (index 0 unused). It returns a *ShapeError naming
// the first matrix whose shape differs from (n[l], n[l−1]) or (n[l], 1),
// and changes nothing in that case.
func (net *Network[T]) SetParams(W, b []*matrix.Dense[T]) error {
	L := net.Layers()
	if len(W) != L+1 || len(b) != L+1 {
		return fmt.Errorf("nn: SetParams needs W and b indexed 1 … %d (length %d), got lengths %d and %d", L, L+1, len(W), len(b))
	}
	for l := 1; l <= L; l++ {
		if err := net.checkParam(fmt.Sprintf("W[%d]", l), W[l], net.Sizes[l], net.Sizes[l-1]); err != nil {
			return err
		}
		if err := net.checkParam(fmt.Sprintf("b[%d]", l), b[l], net.Sizes[l], 1); err != nil {
			return err
		}
	}
	for l := 1; l <= L; l++ {
		net.W[l].Copy(W[l])
		net.B[l].Copy(b[l])
	}
	return nil
}

func (net *Network[T]) checkParam(name string, p *matrix.Dense[T], r, c int) error {
	if p == nil {
		return fmt.Errorf("nn: %s is missing; it must be (%d, %d)", name, r, c)
	}
	gr, gc := p.Dims()
	if gr == r && gc == c {
		return nil
	}
	e := &ShapeError{Name: name, Want: [2]int{r, c}, Got: [2]int{gr, gc}}
	if gr == c && gc == r {
		e.Hint = "it looks transposed"
		if c == 1 {
			e.Hint = "a bias is a column vector (n[l], 1), not a row"
		}
	}
	return e
}

// Validate checks the network's own consistency: sizes, activations, loss,
// keep probabilities and parameter shapes. Model readers call it on what
// they decode.
func (net *Network[T]) Validate() error {
	L := net.Layers()
	if L < 1 {
		return fmt.Errorf("nn: a network needs at least 2 layer sizes, got %v", net.Sizes)
	}
	for l, n := range net.Sizes {
		if n < 1 {
			return fmt.Errorf("nn: layer size n[%d] = %d; every layer needs at least 1 unit", l, n)
		}
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"Act", len(net.Act)}, {"W", len(net.W)}, {"B", len(net.B)}, {"KeepProb", len(net.KeepProb)}} {
		if f.n != L+1 {
			return fmt.Errorf("nn: Network.%s has %d entries; it needs L+1 = %d, one per layer 0 … %d (entry 0 unused)", f.name, f.n, L+1, L)
		}
	}
	for l := 1; l <= L; l++ {
		if _, ok := activationNames[net.Act[l]]; !ok {
			return fmt.Errorf("nn: invalid activation %d for layer %d; use one of the Activation constants (nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Linear, nn.Softmax)", int(net.Act[l]), l)
		}
		if err := net.checkParam(fmt.Sprintf("W[%d]", l), net.W[l], net.Sizes[l], net.Sizes[l-1]); err != nil {
			return err
		}
		if err := net.checkParam(fmt.Sprintf("b[%d]", l), net.B[l], net.Sizes[l], 1); err != nil {
			return err
		}
		if k := net.KeepProb[l]; k < 0 || k > 1 || k != k {
			return fmt.Errorf("nn: keep probability of layer %d is %v; it must be in (0, 1]", l, k)
		}
		if l == L && dropping(net.KeepProb[l]) {
			return fmt.Errorf("nn: dropout on the output layer %d; dropout applies to hidden layers only", l)
		}
	}
	return net.Loss.checkOutput(net.Act[L])
}

// Clone returns a deep copy of the network's architecture and parameters,
// with empty caches.
func (net *Network[T]) Clone() *Network[T] {
	c := &Network[T]{
		Sizes:      append([]int(nil), net.Sizes...),
		Act:        append([]Activation(nil), net.Act...),
		Loss:       net.Loss,
		LeakySlope: net.LeakySlope,
		KeepProb:   append([]float64(nil), net.KeepProb...),
		InputGrad:  net.InputGrad,
	}
	c.allocate()
	for l := 1; l <= c.Layers(); l++ {
		c.W[l] = net.W[l].Clone()
		c.B[l] = net.B[l].Clone()
	}
	return c
}

// KinkLayers returns the layers l whose activation has a kink at 0 (ReLU
// and leaky ReLU), where numerical gradients are unreliable.
func (net *Network[T]) KinkLayers() []int {
	var ls []int
	for l := 1; l <= net.Layers(); l++ {
		if g := net.Act[l]; g == ReLU || g == LeakyReLU {
			ls = append(ls, l)
		}
	}
	return ls
}

// PreActivation returns Z[l] of the last forward pass.
func (net *Network[T]) PreActivation(l int) *matrix.Dense[T] { return net.Z[l] }
