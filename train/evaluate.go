package train

import (
	"math"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// evalChunk is the number of examples Evaluate passes forward at once, so
// the network's caches hold at most (n[l], 10000) values per layer, about
// 40 MB for a layer of 1000 float32 units.
const evalChunk = 10000

// Evaluate returns the cost and accuracy of net on ds, with no dropout.
// The cost is the data term of J, (1/m)·Σ_i loss_i, without the L2 term,
// so it compares across values of λ. The accuracy is the fraction of
// examples whose class, as nn.Classes reads it from A[L], equals ds.Labels,
// and NaN when ds has no Labels. The examples go forward in chunks of
// 10,000 columns to bound memory. Evaluate overwrites the network's
// forward caches. It returns an error, and evaluates nothing, if ds does
// not fit the network (see Run).
func Evaluate[T matrix.Float](net *nn.Network[T], ds *data.Dataset[T]) (cost, accuracy float64, err error) {
	if err := net.Validate(); err != nil {
		return 0, 0, err
	}
	if err := checkData(net, ds, "dataset"); err != nil {
		return 0, 0, err
	}
	var e evaluator[T]
	return e.evaluate(net, ds)
}

// evaluator keeps the chunk buffers of repeated evaluations.
type evaluator[T matrix.Float] struct {
	X, Y matrix.Dense[T]
}

// evaluate is Evaluate without the checks, for data already checked.
func (e *evaluator[T]) evaluate(net *nn.Network[T], ds *data.Dataset[T]) (cost, accuracy float64, err error) {
	m := ds.Len()
	L := net.Layers()
	var sum float64
	correct := 0
	for j0 := 0; j0 < m; j0 += evalChunk {
		j1 := min(j0+evalChunk, m)
		X, Y := ds.X, ds.Y
		if j1-j0 < m {
			e.X.SliceCols(ds.X, j0, j1)
			e.Y.SliceCols(ds.Y, j0, j1)
			X, Y = &e.X, &e.Y
		}
		A, err := net.Forward(X)
		if err != nil {
			return 0, 0, err
		}
		sum += nn.SumLoss(net.Loss, net.Z[L], A, Y)
		if ds.Labels != nil {
			correct += countCorrect(A, ds.Labels[j0:j1], nil)
		}
	}
	cost = sum / float64(m)
	accuracy = math.NaN()
	if ds.Labels != nil {
		accuracy = float64(correct) / float64(m)
	}
	return cost, accuracy, nil
}

// countCorrect returns the number of columns of A, (n[L], m_b), whose
// class equals its label, reading classes as nn.Classes does: for one
// row, 1 where A > 0.5 and 0 otherwise; for several rows, the first row of
// the largest value. The label of column k is labels[idx[k]], or
// labels[k] when idx is nil. It allocates nothing.
func countCorrect[T matrix.Float](A *matrix.Dense[T], labels, idx []int) int {
	r, c := A.Dims()
	a := A.RawData()
	correct := 0
	for k := 0; k < c; k++ {
		best := 0
		if r == 1 {
			if a[k] > 0.5 {
				best = 1
			}
		} else {
			for i := 1; i < r; i++ {
				if a[i*c+k] > a[best*c+k] {
					best = i
				}
			}
		}
		label := 0
		if idx != nil {
			label = labels[idx[k]]
		} else {
			label = labels[k]
		}
		if best == label {
			correct++
		}
	}
	return correct
}
