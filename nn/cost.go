package nn

import (
	"fmt"
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// CheckY returns a *ShapeError unless Y is (n[L], m), with m the number of
// examples of the last forward pass, and an error if Y is nil.
func (net *Network[T]) CheckY(Y *matrix.Dense[T]) error {
	nL := net.Sizes[net.Layers()]
	m := net.A[0].Cols()
	if Y == nil {
		return fmt.Errorf("nn: Y is nil; pass the (%d, %d) targets of the last forward pass, one column per example", nL, m)
	}
	r, c := Y.Dims()
	if r == nL && c == m {
		return nil
	}
	e := &ShapeError{Name: "Y", Want: [2]int{nL, m}, Got: [2]int{r, c}}
	if r == m && c == nL {
		e.Hint = "Y looks transposed; targets are one column per example, so transpose Y"
	}
	return e
}

// Cost returns J for targets Y, (n[L], m), from the last forward pass:
//
//	J = (1/m)·Σ_i loss_i + (λ/2m)·Σ_l ‖W[l]‖²_F
//
// The data term is computed from the logits Z[L] where the loss allows it
// (see bceSum and cceSum), so it stays finite when A[L] saturates. It
// returns an error if Y has the wrong shape, there was no forward pass, or
// λ is negative.
func (net *Network[T]) Cost(Y *matrix.Dense[T], lambda float64) (float64, error) {
	data, l2, err := net.CostTerms(Y, lambda)
	return data + l2, err
}

// CostTerms returns the two terms of J separately: the data term
// (1/m)·Σ_i loss_i and the L2 term (λ/2m)·Σ_l ‖W[l]‖²_F.
func (net *Network[T]) CostTerms(Y *matrix.Dense[T], lambda float64) (data, l2 float64, err error) {
	if err := net.checkPass(Y, lambda); err != nil {
		return 0, 0, err
	}
	m := float64(net.A[0].Cols())
	data = net.sumLoss(Y) / m
	if lambda != 0 {
		l2 = lambda / (2 * m) * net.sumSquaredWeights()
	}
	return data, l2, nil
}

// sumLoss returns SumLoss for the last forward pass. For a softmax output
// with cross-entropy it takes each column's maximum and sum of
// exponentials from that pass, unless Z[L] has changed since. The result
// has the same bits either way.
func (net *Network[T]) sumLoss(Y *matrix.Dense[T]) float64 {
	L := net.Layers()
	Z := net.Z[L]
	if net.Loss == CCE && net.outZ.Len() > 0 && sameBits(net.outZ, Z) {
		return cceColumns(0, Z, Y, 0, net.outMax, net.outSum)
	}
	return SumLoss(net.Loss, Z, net.A[L], Y)
}

// sameBits reports whether a and b have the same shape and the same
// elements, where −0 differs from +0 and a NaN differs from everything.
func sameBits[T matrix.Float](a, b *matrix.Dense[T]) bool {
	if a.Rows() != b.Rows() || a.Cols() != b.Cols() {
		return false
	}
	bd := b.RawData()
	for i, v := range a.RawData() {
		if w := bd[i]; v != w || math.Signbit(float64(v)) != math.Signbit(float64(w)) {
			return false
		}
	}
	return true
}

// sumSquaredWeights returns Σ_l ‖W[l]‖²_F, accumulated in float64.
func (net *Network[T]) sumSquaredWeights() float64 {
	var s float64
	for l := 1; l <= net.Layers(); l++ {
		for _, w := range net.W[l].RawData() {
			s += float64(w) * float64(w)
		}
	}
	return s
}

// checkPass returns an error unless a forward pass has run and Y and λ are
// valid for it.
func (net *Network[T]) checkPass(Y *matrix.Dense[T], lambda float64) error {
	if net.A[0].Cols() == 0 {
		return fmt.Errorf("nn: no forward pass to compute the cost of; call Forward with at least one example first")
	}
	if lambda < 0 || math.IsNaN(lambda) || math.IsInf(lambda, 0) {
		return fmt.Errorf("nn: L2 strength λ = %v; it must be a finite number ≥ 0", lambda)
	}
	return net.CheckY(Y)
}
