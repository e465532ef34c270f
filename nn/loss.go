package nn

import (
	"fmt"
	"strings"

	"github.com/backprop-go/backprop/matrix"
)

// Loss names the per-example loss whose average is the data term of J.
type Loss int

// The losses, each defined in its own file.
const (
	// BCE is binary cross-entropy, −[y·log a + (1−y)·log(1−a)], for
	// sigmoid outputs.
	BCE Loss = iota + 1
	// CCE is categorical cross-entropy, −Σ_k y_k·log a_k, for softmax
	// outputs and one-hot targets.
	CCE
	// MSE is half the squared error, ½‖a − y‖², for any output.
	MSE
)

var lossNames = map[Loss]string{BCE: "bce", CCE: "cce", MSE: "mse"}

// String returns the name used in model files and on the command line.
func (l Loss) String() string {
	if s, ok := lossNames[l]; ok {
		return s
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// ParseLoss returns the loss named s: bce, cce or mse.
func ParseLoss(s string) (Loss, error) {
	for l, name := range lossNames {
		if s == name {
			return l, nil
		}
	}
	return 0, fmt.Errorf("nn: unknown loss %q; use bce, cce or mse", s)
}

// MarshalText implements encoding.TextMarshaler.
func (l Loss) MarshalText() ([]byte, error) {
	if _, ok := lossNames[l]; !ok {
		return nil, fmt.Errorf("nn: invalid loss %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Loss) UnmarshalText(b []byte) error {
	v, err := ParseLoss(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Formula returns the per-example loss written in Unicode math.
func (l Loss) Formula() string {
	switch l {
	case BCE:
		return "loss(a, y) = −[y·log a + (1 − y)·log(1 − a)]"
	case CCE:
		return "loss(a, y) = −Σ_k y_k·log a_k"
	case MSE:
		return "loss(a, y) = ½·‖a − y‖²"
	}
	return ""
}

// Matches reports whether output activation g and loss l form a matched
// pair, for which dZ[L] = A[L] − Y: sigmoid with BCE, softmax with CCE and
// linear with MSE.
func (l Loss) Matches(g Activation) bool {
	return l == BCE && g == Sigmoid || l == CCE && g == Softmax || l == MSE && g == Linear
}

// checkOutput returns an error unless output activation g can be trained
// with l. Cross-entropy needs outputs that are probabilities computed from
// logits, so BCE takes a sigmoid output and CCE a softmax output; MSE takes
// any output.
func (l Loss) checkOutput(g Activation) error {
	switch l {
	case BCE:
		if g != Sigmoid {
			return fmt.Errorf("nn: loss bce needs a sigmoid output layer, got %s; use sigmoid, or loss mse", g)
		}
	case CCE:
		if g != Softmax {
			return fmt.Errorf("nn: loss cce needs a softmax output layer, got %s; use softmax, or loss mse", g)
		}
	case MSE:
	default:
		return fmt.Errorf("nn: invalid loss %d; use bce, cce or mse", int(l))
	}
	return nil
}

// SumLoss returns Σ_i loss_i over the m columns, from the output layer's
// logits Z = Z[L], its activations A = A[L] and the targets Y.
func SumLoss[T matrix.Float](l Loss, Z, A, Y *matrix.Dense[T]) float64 {
	switch l {
	case BCE:
		return bceSum(Z.RawData(), Y.RawData())
	case CCE:
		return cceSum(Z, Y)
	case MSE:
		return mseSum(A.RawData(), Y.RawData())
	}
	panic(fmt.Sprintf("nn: invalid loss %d", int(l)))
}

// OutputGrad sets dA = ∂(Σ_i loss_i)/∂A[L], the upstream gradient of an
// output layer whose activation does not match the loss. Only MSE reaches
// it, since checkOutput ties BCE and CCE to their matched outputs:
// dA = A − Y.
func OutputGrad[T matrix.Float](l Loss, dA, A, Y *matrix.Dense[T]) {
	if l != MSE {
		panic(fmt.Sprintf("nn: OutputGrad of %s is only used through the fused dZ[L] = A[L] − Y", l))
	}
	dA.Sub(A, Y)
}
