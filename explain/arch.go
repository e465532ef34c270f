package explain

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// Arch is an architecture: what a network is before its parameters have
// values. Unlike an nn.Network it allocates nothing, so it can describe
// networks too large to build.
type Arch struct {
	// Sizes holds n[0] … n[L].
	Sizes []int `json:"layer_sizes"`
	// Acts holds g[1] … g[L] as nn.New takes them: Acts[l−1] is g[l].
	Acts []nn.Activation `json:"activations"`
	// Loss is the per-example loss of the cost J.
	Loss nn.Loss `json:"loss"`
	// LeakySlope is the negative-side slope of leaky ReLU layers. Nil
	// stands for 0.01, the slope nn.New gives a network.
	LeakySlope *float64 `json:"leaky_slope,omitempty"`
}

// defaultLeakySlope is the LeakySlope of a network made by nn.New.
const defaultLeakySlope = 0.01

// ArchOf returns the architecture of net. LeakySlope is set only when
// net has a leaky ReLU layer.
func ArchOf[T matrix.Float](net *nn.Network[T]) Arch {
	a := Arch{
		Sizes: append([]int(nil), net.Sizes...),
		Acts:  append([]nn.Activation(nil), net.Act[1:]...),
		Loss:  net.Loss,
	}
	for _, g := range a.Acts {
		if g == nn.LeakyReLU {
			slope := float64(net.LeakySlope)
			a.LeakySlope = &slope
			break
		}
	}
	return a
}

// DefaultActivations returns the activations used when none are given:
// relu for the hidden layers, and for the output layer sigmoid if it has
// one unit and softmax if it has more.
func DefaultActivations(sizes []int) []nn.Activation {
	L := len(sizes) - 1
	if L < 1 {
		return nil
	}
	acts := make([]nn.Activation, L)
	for l := 1; l < L; l++ {
		acts[l-1] = nn.ReLU
	}
	acts[L-1] = nn.Softmax
	if sizes[L] == 1 {
		acts[L-1] = nn.Sigmoid
	}
	return acts
}

// DefaultLoss returns the loss used when none is given for output
// activation g: bce for sigmoid, cce for softmax and mse otherwise, so
// that sigmoid, softmax and linear outputs form matched pairs.
func DefaultLoss(g nn.Activation) nn.Loss {
	switch g {
	case nn.Sigmoid:
		return nn.BCE
	case nn.Softmax:
		return nn.CCE
	}
	return nn.MSE
}

// L returns the number of layers with parameters.
func (a Arch) L() int { return len(a.Sizes) - 1 }

// G returns g[l], the activation of layer l = 1 … L.
func (a Arch) G(l int) nn.Activation { return a.Acts[l-1] }

// Matched reports whether the output activation and the loss form a
// matched pair, for which dZ[L] = A[L] − Y.
func (a Arch) Matched() bool { return a.Loss.Matches(a.G(a.L())) }

// slope returns the leaky ReLU slope.
func (a Arch) slope() float64 {
	if a.LeakySlope == nil {
		return defaultLeakySlope
	}
	return *a.LeakySlope
}

// Validate returns an error unless nn.New would accept the architecture:
// at least two sizes, each at least 1, one activation per layer, and an
// output activation the loss can be trained with. It also rejects sizes
// whose parameter count does not fit an int.
func (a Arch) Validate() error {
	if len(a.Sizes) < 2 {
		return fmt.Errorf("explain: an architecture needs at least 2 layer sizes (n[0] inputs and n[L] outputs), got %v", a.Sizes)
	}
	// nn.New checks the same rules but allocates every W[l]. Layer sizes
	// capped at 2 keep every rule it checks (sizes below 1, the activation
	// count, the loss against the output activation, cce's 2 or more
	// outputs) and allocate almost nothing.
	capped := make([]int, len(a.Sizes))
	for l, n := range a.Sizes {
		capped[l] = min(n, 2)
	}
	if _, err := nn.New[float32](capped, a.Acts, a.Loss); err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	if s := a.slope(); math.IsNaN(s) || math.IsInf(s, 0) {
		return fmt.Errorf("explain: leaky ReLU slope %v must be finite", s)
	}
	if _, err := a.params(); err != nil {
		return err
	}
	return nil
}

// params returns Σ_l n[l]·(n[l−1] + 1), or an error if it overflows.
func (a Arch) params() (int, error) {
	total := 0
	for l := 1; l <= a.L(); l++ {
		p, ok := mulInt(a.Sizes[l], a.Sizes[l-1]+1)
		if ok {
			total, ok = addInt(total, p)
		}
		if !ok {
			return 0, fmt.Errorf("explain: the parameter count of layer sizes %v does not fit in an int; check the sizes", a.Sizes)
		}
	}
	return total, nil
}

// String returns the architecture as one line, as in
// "n = [2, 4, 1]; tanh, sigmoid; loss bce".
func (a Arch) String() string {
	acts := make([]string, len(a.Acts))
	for i, g := range a.Acts {
		acts[i] = g.String()
	}
	return "n = " + sizesText(a.Sizes) + "; " + strings.Join(acts, ", ") + "; loss " + a.Loss.String()
}

func sizesText(sizes []int) string {
	s := make([]string, len(sizes))
	for i, n := range sizes {
		s[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// mulInt returns a·b for a, b ≥ 0 and whether it fits in an int.
func mulInt(a, b int) (int, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return 0, false
	}
	return int(lo), true
}

// addInt returns a + b for a, b ≥ 0 and whether it fits in an int.
func addInt(a, b int) (int, bool) {
	s := a + b
	return s, s >= a
}

// FormatCount writes n in decimal with a comma between each group of
// three digits, as in 245,973.
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
