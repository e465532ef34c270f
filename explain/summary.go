package explain

import (
	"fmt"

	"github.com/backprop-go/backprop/nn"
)

// Summary answers, for one architecture, how many parameters it has, the
// shape of every quantity, how many derivatives one gradient step
// computes, and the warm-up questions about its neurons, learning and
// predictions.
type Summary struct {
	Arch Arch `json:"architecture"`
	// M is the number of examples m, or 0 when m is symbolic.
	M int `json:"examples,omitempty"`
	// Layers describes layers 1 … L: Layers[l−1] is layer l.
	Layers []LayerSummary `json:"layers"`
	// Params is Σ_l n[l]·(n[l−1] + 1) = Weights + Biases.
	Params  int `json:"params"`
	Weights int `json:"weights"`
	Biases  int `json:"biases"`
	// Derivatives counts the derivatives of one gradient step.
	Derivatives Derivatives `json:"derivatives"`
	// Answers holds the warm-up questions and their answers for this
	// model, in Unicode text.
	Answers []Answer `json:"answers"`
}

// LayerSummary holds the shapes and counts of one layer l.
type LayerSummary struct {
	L          int           `json:"l"`
	Units      int           `json:"units"`  // n[l]
	Inputs     int           `json:"inputs"` // n[l−1]
	Activation nn.Activation `json:"activation"`
	// W and B are the shapes (n[l], n[l−1]) and (n[l], 1) of W[l] and
	// b[l], which are also those of dW[l] and db[l].
	W Shape `json:"W"`
	B Shape `json:"b"`
	// Z, A and DZ are the shape (n[l], m) of Z[l], A[l] and dZ[l].
	Z  Shape `json:"Z"`
	A  Shape `json:"A"`
	DZ Shape `json:"dZ"`
	// DA is the shape of dA[l], or nil when training does not form dA[l]:
	// for the output layer of a matched pair, whose dZ[L] = A[L] − Y is
	// computed directly.
	DA      *Shape `json:"dA"`
	Weights int    `json:"weights"` // n[l]·n[l−1]
	Biases  int    `json:"biases"`  // n[l]
	Params  int    `json:"params"`  // n[l]·(n[l−1] + 1)
}

// Derivatives counts what one backward pass computes: one derivative per
// parameter in dW[l] and db[l], and the intermediate arrays dZ[l] and
// dA[l], whose size grows with m.
type Derivatives struct {
	// Params is the number of entries of all dW[l] and db[l].
	Params int `json:"params"`
	// DZPerExample is Σ_l n[l], the entries of dZ[1] … dZ[L] per example.
	DZPerExample int `json:"dZ_per_example"`
	// DAPerExample is the entries of the dA[l] that training forms, per
	// example: dA[1] … dA[L−1], and dA[L] for an unmatched output. dA[0],
	// the gradient with respect to X, is not counted since training does
	// not need it.
	DAPerExample int `json:"dA_per_example"`
	// Intermediate is (DZPerExample + DAPerExample)·m, and Total is
	// Params + Intermediate; both are 0 when m is symbolic.
	Intermediate int `json:"intermediate,omitempty"`
	Total        int `json:"total,omitempty"`
}

// Answer is one warm-up question with its answer for a model.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`

	// wrapText is Answer with no-break spaces inside short formulas.
	wrapText string
}

// NewSummary returns the summary of architecture a for m examples; m = 0
// leaves m symbolic. It returns an error if a is invalid (see
// Arch.Validate), m is negative, or a count overflows an int.
func NewSummary(a Arch, m int) (*Summary, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if m < 0 {
		return nil, fmt.Errorf("explain: number of examples m = %d; give m ≥ 1, or 0 to leave it symbolic", m)
	}
	cols := Dim(m)
	if m == 0 {
		cols = M
	}
	L := a.L()
	s := &Summary{Arch: a, M: m}
	for l := 1; l <= L; l++ {
		n, nPrev := a.Sizes[l], a.Sizes[l-1]
		// Validate checked that Σ_l n[l]·(n[l−1] + 1) fits in an int, so
		// these products and sums do too.
		ls := LayerSummary{
			L:          l,
			Units:      n,
			Inputs:     nPrev,
			Activation: a.G(l),
			W:          Shape{Dim(n), Dim(nPrev)},
			B:          Shape{Dim(n), 1},
			Z:          Shape{Dim(n), cols},
			A:          Shape{Dim(n), cols},
			DZ:         Shape{Dim(n), cols},
			Weights:    n * nPrev,
			Biases:     n,
			Params:     n * (nPrev + 1),
		}
		s.Derivatives.DZPerExample += n
		if l < L || !a.Matched() {
			da := ls.Z
			ls.DA = &da
			s.Derivatives.DAPerExample += n
		}
		s.Layers = append(s.Layers, ls)
		s.Weights += ls.Weights
		s.Biases += ls.Biases
	}
	s.Params = s.Weights + s.Biases
	s.Derivatives.Params = s.Params
	if m > 0 {
		perExample := s.Derivatives.DZPerExample + s.Derivatives.DAPerExample
		inter, ok := mulInt(perExample, m)
		total := 0
		if ok {
			total, ok = addInt(s.Params, inter)
		}
		if !ok {
			return nil, fmt.Errorf("explain: the derivative count for m = %d examples does not fit in an int; use a smaller m", m)
		}
		s.Derivatives.Intermediate, s.Derivatives.Total = inter, total
	}
	s.Answers = answers(a, s.Params)
	return s, nil
}
