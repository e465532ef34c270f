package nn

import (
	"fmt"
	"strings"

	"github.com/backprop-go/backprop/matrix"
)

// Activation names a layer's activation function g.
type Activation int

// The activations. Each is defined in its own file with its derivative.
const (
	Sigmoid Activation = iota + 1
	Tanh
	ReLU
	LeakyReLU
	Linear
	Softmax
)

var activationNames = map[Activation]string{
	Sigmoid:   "sigmoid",
	Tanh:      "tanh",
	ReLU:      "relu",
	LeakyReLU: "leaky_relu",
	Linear:    "linear",
	Softmax:   "softmax",
}

// String returns the name used in model files and on the command line.
func (g Activation) String() string {
	if s, ok := activationNames[g]; ok {
		return s
	}
	return fmt.Sprintf("Activation(%d)", int(g))
}

// ParseActivation returns the activation named s: sigmoid, tanh, relu,
// leaky_relu, linear or softmax.
func ParseActivation(s string) (Activation, error) {
	for g, name := range activationNames {
		if s == name {
			return g, nil
		}
	}
	return 0, fmt.Errorf("nn: unknown activation %q; use one of sigmoid, tanh, relu, leaky_relu, linear, softmax", s)
}

// MarshalText implements encoding.TextMarshaler.
func (g Activation) MarshalText() ([]byte, error) {
	if _, ok := activationNames[g]; !ok {
		return nil, fmt.Errorf("nn: invalid activation %d", int(g))
	}
	return []byte(g.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (g *Activation) UnmarshalText(b []byte) error {
	v, err := ParseActivation(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// Formula returns g(z) written in Unicode math.
func (g Activation) Formula() string {
	switch g {
	case Sigmoid:
		return "σ(z) = 1 / (1 + e^−z)"
	case Tanh:
		return "tanh(z) = (e^z − e^−z) / (e^z + e^−z)"
	case ReLU:
		return "relu(z) = max(0, z)"
	case LeakyReLU:
		return "leaky_relu(z) = z for z > 0, slope·z otherwise"
	case Linear:
		return "g(z) = z"
	case Softmax:
		return "softmax(z)_k = e^z_k / Σ_j e^z_j, over each column"
	}
	return ""
}

// Derivative returns g'(z) written in Unicode math, in terms of a = g(z)
// where that is how it is computed.
func (g Activation) Derivative() string {
	switch g {
	case Sigmoid:
		return "σ'(z) = a·(1 − a)"
	case Tanh:
		return "tanh'(z) = 1 − a²"
	case ReLU:
		return "relu'(z) = 1 for z > 0, 0 otherwise (0 at z = 0)"
	case LeakyReLU:
		return "leaky_relu'(z) = 1 for z > 0, slope otherwise"
	case Linear:
		return "g'(z) = 1"
	case Softmax:
		return "dZ = A ⊙ (dA − Σ_k A_k·dA_k), per column"
	}
	return ""
}

// Activate sets A = g(Z). slope is the negative-side slope of LeakyReLU
// and is ignored by the others.
func Activate[T matrix.Float](g Activation, slope T, A, Z *matrix.Dense[T]) {
	A.Resize(Z.Dims())
	if g == Softmax {
		softmaxForward(A, Z)
		return
	}
	activateSlice(g, slope, A.RawData(), Z.RawData())
}

// activateSlice sets a = g(z) element by element, for every activation
// but softmax.
func activateSlice[T matrix.Float](g Activation, slope T, a, z []T) {
	switch g {
	case Sigmoid:
		sigmoidForward(a, z)
	case Tanh:
		tanhForward(a, z)
	case ReLU:
		reluForward(a, z)
	case LeakyReLU:
		leakyForward(a, z, slope)
	case Linear:
		copy(a, z)
	default:
		panic(fmt.Sprintf("nn: invalid activation %d", int(g)))
	}
}

// activateBias adds b to every column of Z and sets A = g(Z), in one
// sweep for ReLU, which has a fused kernel.
func activateBias[T matrix.Float](g Activation, slope T, A, Z, b *matrix.Dense[T]) {
	if g == ReLU {
		A.AddColVecReLU(Z, b)
		return
	}
	Z.AddColVec(Z, b)
	Activate(g, slope, A, Z)
}

// ActivateBackward sets dZ = dA ⊙ g'(Z), the upstream gradient dA pushed
// through g. A must hold g(Z): sigmoid, tanh and softmax compute their
// derivative from it, ReLU and leaky ReLU from Z. For softmax, which mixes
// the units of a column, it is the Jacobian-vector product
// dZ = A ⊙ (dA − Σ_k A_k·dA_k) per column. dZ may be dA.
func ActivateBackward[T matrix.Float](g Activation, slope T, dZ, dA, Z, A *matrix.Dense[T]) {
	dZ.Resize(dA.Dims())
	dz, da, z, a := dZ.RawData(), dA.RawData(), Z.RawData(), A.RawData()
	switch g {
	case Sigmoid:
		sigmoidBackward(dz, da, a)
	case Tanh:
		tanhBackward(dz, da, a)
	case ReLU:
		// relu'(0) = 0, as in PyTorch.
		dZ.MulStep(dA, Z)
	case LeakyReLU:
		leakyBackward(dz, da, z, slope)
	case Linear:
		copy(dz, da)
	case Softmax:
		softmaxBackward(dZ, dA, A)
	default:
		panic(fmt.Sprintf("nn: invalid activation %d", int(g)))
	}
}
