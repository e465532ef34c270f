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
	var s float64
	for j := 0; j < c; j++ {
		zmax := math.Inf(-1)
		for i := 0; i < r; i++ {
			zmax = math.Max(zmax, float64(z[i*c+j]))
		}
		var sum float64
		for i := 0; i < r; i++ {
			sum += math.Exp(float64(z[i*c+j]) - zmax)
		}
		logSum := math.Log(sum)
		for i := 0; i < r; i++ {
			if t := float64(y[i*c+j]); t != 0 {
				s -= t * (float64(z[i*c+j]) - zmax - logSum)
			}
		}
	}
	return s
}
