package matrix

import "github.com/backprop-go/backprop/matrix/internal/kernel"

// Sigmoid sets a[i] = σ(z[i]) = 1/(1 + e^−z[i]) for every element of z.
// It computes in float64, with an exponential within 2 ulps of math.Exp,
// and rounds to T. On amd64 the float32 form runs a vector of float64
// lanes at a time and takes e^−|z| as 0 where |z| > 708, which changes no
// float32 result. a may be z. It panics unless a and z have equal
// lengths.
//
// Sigmoid and SumBCE work on slices, the backing data of a Dense or a
// piece of it, so that the rows of a column can be mapped in place.
func Sigmoid[T Float](a, z []T) {
	if len(a) != len(z) {
		panic(ErrShape)
	}
	kernel.Sigmoid(a, z)
}

// SumBCE returns the binary cross-entropy of the logits z against the
// labels y, summed over the elements: Σ_i max(z[i], 0) − z[i]·y[i] +
// ln(1 + e^−|z[i]|), the form that never takes the log of 0. It computes
// in float64 with the exponential of Sigmoid and a log1p within 2 ulps of
// math.Log1p. Where |z| > 708 the amd64 float32 form counts e^−|z| as 0,
// which moves a term by less than 1e−300. It panics unless y and z have
// equal lengths.
func SumBCE[T Float](z, y []T) float64 {
	if len(y) != len(z) {
		panic(ErrShape)
	}
	return kernel.SumBCE(z, y)
}
