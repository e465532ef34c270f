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
	z, y := Z.RawData(), Y.RawData()
	var maxBuf, logBuf [softmaxBlock]float64
	var s float64
	for j0 := 0; j0 < c; j0 += softmaxBlock {
		w := min(softmaxBlock, c-j0)
		zmax, logSum := maxBuf[:w], logBuf[:w]
		columnMax(zmax, z, r, c, j0)
		// logSum[k] is first Σ_i e^(z_ik − max), added from row 0 down,
		// then its log.
		for k := range logSum {
			logSum[k] = 0
		}
		for i := 0; i < r; i++ {
			for k, v := range z[i*c+j0 : i*c+j0+w] {
				logSum[k] += math.Exp(float64(v) - zmax[k])
			}
		}
		for k, v := range logSum {
			logSum[k] = math.Log(v)
		}
		// The terms are added column by column, as the definition reads.
		for k := 0; k < w; k++ {
			j := j0 + k
			for i := 0; i < r; i++ {
				if t := float64(y[i*c+j]); t != 0 {
					s -= t * (float64(z[i*c+j]) - zmax[k] - logSum[k])
				}
			}
		}
	}
	return s
}
