package nn

import (
	"fmt"

	"github.com/backprop-go/backprop/matrix"
)

// Predict returns the class of each column of X, (n[0], m). A single
// sigmoid output unit predicts 1 where A[L] > 0.5 and 0 otherwise, as the
// lecture does; several output units predict the row of the largest A[L]
// (the first one on ties). Dropout is never applied. It returns an error
// for a network with a linear, tanh or other regression output, or an X of
// the wrong shape.
func (net *Network[T]) Predict(X *matrix.Dense[T]) ([]int, error) {
	L := net.Layers()
	if g := net.Act[L]; g != Sigmoid && g != Softmax {
		return nil, fmt.Errorf("nn: Predict needs a sigmoid or softmax output to give classes, the output layer is %s; use Forward for its values", g)
	}
	AL, err := net.Forward(X)
	if err != nil {
		return nil, err
	}
	return Classes(AL), nil
}

// Classes returns the class of each column of the output A, (n[L], m): for
// one row, 1 where A > 0.5 and 0 otherwise; for several rows, the index of
// the largest value in the column.
func Classes[T matrix.Float](A *matrix.Dense[T]) []int {
	r, c := A.Dims()
	out := make([]int, c)
	a := A.RawData()
	if r == 1 {
		for j, v := range a {
			if v > 0.5 {
				out[j] = 1
			}
		}
		return out
	}
	for j := 0; j < c; j++ {
		best := 0
		for i := 1; i < r; i++ {
			if a[i*c+j] > a[best*c+j] {
				best = i
			}
		}
		out[j] = best
	}
	return out
}
