package nn

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// cceSum returns Σ_i −Σ_k y_ki·log softmax(z_i)_k with a max-subtracted
// log-softmax:
//
//	log softmax(z)_k = (z_k − max z) − log Σ_j e^(z_j − max z)
//
// so a true class whose probability underflows to 0 still gives a finite
// loss, and [1000, 1001, 1002] does not overflow.
func cceSum[T float32 | float64](Z, Y *matrix.Dense[T]) float64 {
	r, c := Z.Dims()
	z := Z.RawData()
	var maxBuf, sumBuf, buf [softmaxBlock]float64
	var s float64
	for j0 := 0; j0 < c; j0 += softmaxBlock {
		w := min(softmaxBlock, c-j0)
		zmax, sum := maxBuf[:w], sumBuf[:w]
		columnMax(zmax, z, r, c, j0)
		for k := range sum {
			sum[k] = 0
		}
		for i := 0; i < r; i++ {
			for k, v := range widen(buf[:], z[i*c+j0:i*c+j0+w]) {
				sum[k] += math.Exp(v - zmax[k])
			}
		}
		s = cceColumns(s, Z, Y, j0, zmax, sum)
	}
	return s
}

// cceColumns returns s plus the loss of columns j0 … j0+len(zmax)−1,
// from their maxima zmax and sums of exponentials sum, added column by
// column to s, as the definition reads.
func cceColumns[T float32 | float64](s float64, Z, Y *matrix.Dense[T], j0 int, zmax, sum []float64) float64 {
	r, c := Z.Dims()
	z, y := Z.RawData(), Y.RawData()
	for k := range zmax {
		j := j0 + k
		logSum := math.Log(sum[k])
		for i := 0; i < r; i++ {
			if t := float64(y[i*c+j]); t != 0 {
				s -= t * (float64(z[i*c+j]) - zmax[k] - logSum)
			}
		}
	}
	return s
}
