package nn

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// softmaxForward sets each column of A to the softmax of that column of Z.
// The column maximum is subtracted before exponentiating, so no e^z
// overflows: softmax([1000, 1001, 1002]) equals softmax([0, 1, 2]). A column
// holding +Inf or NaN gives NaN.
func softmaxForward[T float32 | float64](A, Z *matrix.Dense[T]) {
	r, c := Z.Dims()
	a, z := A.RawData(), Z.RawData()
	for j := 0; j < c; j++ {
		zmax := math.Inf(-1)
		for i := 0; i < r; i++ {
			zmax = math.Max(zmax, float64(z[i*c+j]))
		}
		var sum float64
		for i := 0; i < r; i++ {
			e := math.Exp(float64(z[i*c+j]) - zmax)
			a[i*c+j] = T(e)
			sum += e
		}
		for i := 0; i < r; i++ {
			a[i*c+j] = T(float64(a[i*c+j]) / sum)
		}
	}
}

// softmaxBackward sets dZ = A ⊙ (dA − Σ_k A_k·dA_k), column by column: the
// product of the upstream gradient with the softmax Jacobian
// diag(a) − a·aᵀ.
func softmaxBackward[T float32 | float64](dZ, dA, A *matrix.Dense[T]) {
	r, c := A.Dims()
	dz, da, a := dZ.RawData(), dA.RawData(), A.RawData()
	for j := 0; j < c; j++ {
		var dot float64
		for i := 0; i < r; i++ {
			dot += float64(a[i*c+j]) * float64(da[i*c+j])
		}
		for i := 0; i < r; i++ {
			dz[i*c+j] = T(float64(a[i*c+j]) * (float64(da[i*c+j]) - dot))
		}
	}
}
