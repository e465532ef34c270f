package nn

import (
	"fmt"
	"math"
	"strings"
)

// Init names a way of drawing initial weights. Biases always start at
// zero.
type Init int

// The initialisers. "randn" below is one standard normal draw per weight,
// W[l] filled row by row in the order l = 1 … L, which is the order of
// numpy's np.random.randn(n[l], n[l−1]).
const (
	// Zeros sets every weight to 0. Hidden units of a zero network stay
	// identical forever; it serves logistic regression.
	Zeros Init = iota + 1
	// Normal draws randn × scale (the lecture's ×0.01).
	Normal
	// Xavier draws Glorot's uniform U(−r, r) with r = √(6 / (n[l−1] + n[l])).
	Xavier
	// He draws randn × √(2 / n[l−1]), for ReLU layers.
	He
	// LeCun draws randn / √n[l−1], the deep-network initialisation of the
	// lecture's programming exercise.
	LeCun
)

var initNames = map[Init]string{Zeros: "zeros", Normal: "normal", Xavier: "xavier", He: "he", LeCun: "lecun"}

// String returns the name used on the command line.
func (k Init) String() string {
	if s, ok := initNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Init(%d)", int(k))
}

// ParseInit returns the initialiser named s: zeros, normal, xavier, he or
// lecun.
func ParseInit(s string) (Init, error) {
	for k, name := range initNames {
		if strings.EqualFold(s, name) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("nn: unknown initialisation %q; use zeros, normal, xavier, he or lecun", s)
}

// Source is the random source the initialisers draw from. Both sources of
// package rand satisfy it.
type Source interface {
	Float64() float64     // uniform in [0, 1)
	NormFloat64() float64 // standard normal
}

// Init draws every W[l] with method k and sets every b[l] to zero. scale
// multiplies the draws of Normal and is ignored by the others. src may be
// nil for Zeros only.
func (net *Network[T]) Init(k Init, scale float64, src Source) error {
	if k != Zeros && src == nil {
		return fmt.Errorf("nn: initialisation %s needs a random source; pass one such as rand.New(seed) from github.com/backprop-go/backprop/rand", k)
	}
	if _, ok := initNames[k]; !ok {
		return fmt.Errorf("nn: invalid initialisation %d", int(k))
	}
	if k == Normal && (math.IsNaN(scale) || math.IsInf(scale, 0)) {
		return fmt.Errorf("nn: initialisation scale %v must be finite", scale)
	}
	for l := 1; l <= net.Layers(); l++ {
		nIn, nOut := float64(net.Sizes[l-1]), float64(net.Sizes[l])
		w := net.W[l].RawData()
		for i := range w {
			var v float64
			switch k {
			case Zeros:
			case Normal:
				v = src.NormFloat64() * scale
			case Xavier:
				r := math.Sqrt(6 / (nIn + nOut))
				v = (2*src.Float64() - 1) * r
			case He:
				v = src.NormFloat64() * math.Sqrt(2/nIn)
			case LeCun:
				v = src.NormFloat64() / math.Sqrt(nIn)
			}
			w[i] = T(v)
		}
		net.B[l].Zero()
	}
	return nil
}
