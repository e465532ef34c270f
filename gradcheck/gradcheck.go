// Package gradcheck compares the gradients of backpropagation with
// two-sided numerical differences of the cost, in float64.
//
// The parameters are taken as one flat vector θ = (W[1] row by row, b[1],
// W[2], b[2], …). For each component i
//
//	gradapprox_i = (J(θ + ε·e_i) − J(θ − ε·e_i)) / 2ε,   ε = 1e-7
//
// and the check reports
//
//	difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)
//
// overall and for each dW[l] and db[l]. Below 1e-7 the gradients agree;
// up to 2e-7 the result is a warning; above, backpropagation and the cost
// disagree. J includes the L2 term when λ > 0.
package gradcheck

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/backprop-go/backprop/matrix"
)

// Thresholds and the step of the two-sided difference.
const (
	Epsilon       = 1e-7
	PassBelow     = 1e-7
	WarnBelow     = 2e-7
	kinkTolerance = Epsilon
)

// Model is what Check differentiates: a network whose parameters and
// gradients are float64 matrices in the order of the flat vector.
// *nn.Network[float64] implements it.
type Model interface {
	Params() []*matrix.Dense[float64]
	Grads() []*matrix.Dense[float64]
	ParamNames() []string
	Forward(X *matrix.Dense[float64]) (*matrix.Dense[float64], error)
	Cost(Y *matrix.Dense[float64], lambda float64) (float64, error)
	Backward(Y *matrix.Dense[float64], lambda float64) error
}

// Verdict is the outcome of a check.
type Verdict int

// The verdicts, by difference: Pass below PassBelow, Warn below WarnBelow,
// Fail otherwise (NaN included).
const (
	Pass Verdict = iota
	Warn
	Fail
)

func (v Verdict) String() string {
	return [...]string{"PASS", "WARN", "FAIL"}[v]
}

// VerdictOf returns the verdict for a difference.
func VerdictOf(d float64) Verdict {
	switch {
	case d < PassBelow:
		return Pass
	case d < WarnBelow:
		return Warn
	}
	return Fail
}

// Tensor is the check of one parameter matrix.
type Tensor struct {
	Name       string  // "dW[1]", "db[1]", …
	Difference float64 // the difference restricted to this tensor
	Verdict    Verdict
}

// Entry is one component of the flat vector.
type Entry struct {
	Name   string // "W[2][0][1]": row 0, column 1 of W[2]
	Grad   float64
	Approx float64
}

// Kink is a pre-activation of a ReLU or leaky-ReLU unit within ε of 0,
// where the two-sided difference averages two slopes and cannot match the
// one-sided derivative relu'(0) = 0.
type Kink struct {
	Layer, Unit, Example int
	Z                    float64
}

// Result is the outcome of a check.
type Result struct {
	Difference float64
	Verdict    Verdict
	Tensors    []Tensor
	// Entries lists every component of the flat vector in order.
	Entries []Entry
	// Kinks lists the pre-activations that lie within ε of a ReLU kink.
	// When it is not empty, a Fail may come from the kink rather than from
	// backpropagation.
	Kinks []Kink
}

// Worst returns the n entries with the largest |grad − approx|, largest
// first.
func (r *Result) Worst(n int) []Entry {
	es := append([]Entry(nil), r.Entries...)
	sort.SliceStable(es, func(i, j int) bool {
		return math.Abs(es[i].Grad-es[i].Approx) > math.Abs(es[j].Grad-es[j].Approx)
	})
	return es[:min(n, len(es))]
}

// ErrDropout is returned for a model with dropout on: its cost is random,
// so numerical differences of it mean nothing.
var ErrDropout = errors.New("gradcheck: the network has dropout on; set every keep probability to 1 before a gradient check")

// Check runs backpropagation on X, Y with L2 strength λ and compares its
// gradient with two-sided differences of the cost. The model's parameters
// are restored before Check returns. It returns ErrDropout for a model
// that reports dropout, and the model's error for bad X or Y.
func Check(model Model, X, Y *matrix.Dense[float64], lambda float64) (*Result, error) {
	if d, ok := model.(interface{ HasDropout() bool }); ok && d.HasDropout() {
		return nil, ErrDropout
	}
	if _, err := model.Forward(X); err != nil {
		return nil, err
	}
	if err := model.Backward(Y, lambda); err != nil {
		return nil, err
	}
	var grad []float64
	for _, g := range model.Grads() {
		grad = append(grad, g.RawData()...)
	}
	approx, err := Numerical(model, X, Y, lambda)
	if err != nil {
		return nil, err
	}
	r, err := Compare(model, grad, approx)
	if err != nil {
		return nil, err
	}
	// Restore the caches of the unperturbed parameters before looking for
	// kinks, since Numerical leaves those of its last perturbed pass.
	if _, err := model.Forward(X); err != nil {
		return nil, err
	}
	r.Kinks = kinks(model)
	return r, nil
}

// Numerical returns the two-sided differences of J for every component of
// the flat parameter vector, with step Epsilon. It leaves the parameters
// as it found them, bit for bit.
func Numerical(model Model, X, Y *matrix.Dense[float64], lambda float64) ([]float64, error) {
	cost := func() (float64, error) {
		if _, err := model.Forward(X); err != nil {
			return 0, err
		}
		return model.Cost(Y, lambda)
	}
	var approx []float64
	for _, p := range model.Params() {
		data := p.RawData()
		for i, orig := range data {
			data[i] = orig + Epsilon
			plus, err := cost()
			if err != nil {
				data[i] = orig
				return nil, err
			}
			data[i] = orig - Epsilon
			minus, err := cost()
			data[i] = orig
			if err != nil {
				return nil, err
			}
			approx = append(approx, (plus-minus)/(2*Epsilon))
		}
	}
	return approx, nil
}

// Compare computes the differences between a gradient grad and its
// numerical approximation approx, both flat vectors in the order of the
// model's parameters. A caller may pass a gradient of its own to see how
// far it is from the numerical one.
func Compare(model Model, grad, approx []float64) (*Result, error) {
	params, names := model.Params(), model.ParamNames()
	n := 0
	for _, p := range params {
		n += p.Len()
	}
	if len(grad) != n || len(approx) != n {
		return nil, fmt.Errorf("gradcheck: the model has %d parameters, got a gradient of %d and an approximation of %d", n, len(grad), len(approx))
	}
	r := &Result{Difference: difference(grad, approx)}
	r.Verdict = VerdictOf(r.Difference)
	off := 0
	for t, p := range params {
		k := p.Len()
		d := difference(grad[off:off+k], approx[off:off+k])
		r.Tensors = append(r.Tensors, Tensor{Name: "d" + names[t], Difference: d, Verdict: VerdictOf(d)})
		_, c := p.Dims()
		for i := 0; i < k; i++ {
			r.Entries = append(r.Entries, Entry{
				Name:   fmt.Sprintf("%s[%d][%d]", names[t], i/c, i%c),
				Grad:   grad[off+i],
				Approx: approx[off+i],
			})
		}
		off += k
	}
	return r, nil
}

// difference returns ‖g − a‖₂ / (‖g‖₂ + ‖a‖₂), and 0 when both are zero.
func difference(g, a []float64) float64 {
	var num, ng, na float64
	for i := range g {
		d := g[i] - a[i]
		num += d * d
		ng += g[i] * g[i]
		na += a[i] * a[i]
	}
	den := math.Sqrt(ng) + math.Sqrt(na)
	if den == 0 {
		return 0
	}
	return math.Sqrt(num) / den
}

// kinks finds pre-activations within ε of 0 in ReLU and leaky-ReLU layers,
// when the model exposes its activations and caches as *nn.Network does.
func kinks(model Model) []Kink {
	net, ok := model.(interface {
		KinkLayers() []int
		PreActivation(l int) *matrix.Dense[float64]
	})
	if !ok {
		return nil
	}
	var ks []Kink
	for _, l := range net.KinkLayers() {
		Z := net.PreActivation(l)
		r, c := Z.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if z := Z.At(i, j); math.Abs(z) <= kinkTolerance {
					ks = append(ks, Kink{Layer: l, Unit: i, Example: j, Z: z})
				}
			}
		}
	}
	return ks
}
