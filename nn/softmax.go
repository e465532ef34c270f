package nn

import (
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// softmaxForward sets each column of A to the softmax of that column of Z.
// The column maximum is subtracted before exponentiating, so no e^z
// overflows: softmax([1000, 1001, 1002]) equals softmax([0, 1, 2]). A column
// holding +Inf or NaN gives NaN.
//
// It works along rows, which are contiguous, on blocks of softmaxBlock
// columns. Each column's sum still adds its terms from row 0 down, so the
// result equals the column-by-column definition bit for bit.
func softmaxForward[T float32 | float64](A, Z *matrix.Dense[T]) {
	var maxBuf, sumBuf [softmaxBlock]float64
	c := Z.Cols()
	for j0 := 0; j0 < c; j0 += softmaxBlock {
		w := min(softmaxBlock, c-j0)
		softmaxColumns(A, Z, j0, maxBuf[:w], sumBuf[:w])
	}
}

// softmaxStats is softmaxForward that also sets zmax[j] and sum[j], of
// length Z.Cols(), to column j's maximum and Σ_i e^(z_ij − max). The
// cross-entropy of the column is computed from these two numbers.
func softmaxStats[T float32 | float64](A, Z *matrix.Dense[T], zmax, sum []float64) {
	c := Z.Cols()
	for j0 := 0; j0 < c; j0 += softmaxBlock {
		j1 := min(j0+softmaxBlock, c)
		softmaxColumns(A, Z, j0, zmax[j0:j1], sum[j0:j1])
	}
}

// softmaxColumns sets columns j0 … j0+len(zmax)−1 of A to the softmax of
// those of Z, and zmax and sum to their maxima and sums of exponentials.
func softmaxColumns[T float32 | float64](A, Z *matrix.Dense[T], j0 int, zmax, sum []float64) {
	r, c := Z.Dims()
	a, z := A.RawData(), Z.RawData()
	if c == 1 {
		zmax[0], sum[0] = softmaxColumn(a[:r], z[:r])
		return
	}
	w := len(zmax)
	columnMax(zmax, z, r, c, j0)
	for k := range sum {
		sum[k] = 0
	}
	var buf [softmaxBlock]float64
	for i := 0; i < r; i++ {
		e := widen(buf[:], z[i*c+j0:i*c+j0+w])
		for k, v := range e {
			e[k] = math.Exp(v - zmax[k])
			sum[k] += e[k]
		}
		narrow(a[i*c+j0:], e)
	}
	for i := 0; i < r; i++ {
		e := widen(buf[:], a[i*c+j0:i*c+j0+w])
		for k, v := range e {
			e[k] = v / sum[k]
		}
		narrow(a[i*c+j0:], e)
	}
}

// softmaxColumn sets a to the softmax of z, a matrix of one column, and
// returns its maximum and sum of exponentials. Its operations and their
// order are those of softmaxColumns, with a chunk of rows widened at a
// time instead of one element of each row.
func softmaxColumn[T float32 | float64](a, z []T) (zmax, sum float64) {
	zmax = math.Inf(-1)
	for _, v := range z {
		zmax = max64(zmax, float64(v))
	}
	var buf [wideChunk]float64
	for i0 := 0; i0 < len(z); i0 += wideChunk {
		e := widen(buf[:], z[i0:])
		for k, v := range e {
			e[k] = math.Exp(v - zmax)
			sum += e[k]
		}
		narrow(a[i0:], e)
	}
	for i0 := 0; i0 < len(a); i0 += wideChunk {
		e := widen(buf[:], a[i0:])
		for k, v := range e {
			e[k] = v / sum
		}
		narrow(a[i0:], e)
	}
	return zmax, sum
}

// softmaxBlock is the number of columns softmaxForward and cceSum work on
// at a time.
const softmaxBlock = 64

// columnMax sets zmax[k] to the maximum of column j0+k of z, (r, c), in
// float64, with math.Max's special cases: +Inf if the column holds +Inf,
// else NaN if it holds a NaN, and +0 over −0.
func columnMax[T float32 | float64](zmax []float64, z []T, r, c, j0 int) {
	for k := range zmax {
		zmax[k] = math.Inf(-1)
	}
	for i := 0; i < r; i++ {
		for k, v := range z[i*c+j0 : i*c+j0+len(zmax)] {
			zmax[k] = max64(zmax[k], float64(v))
		}
	}
}

// max64 returns math.Max(m, f) without a call.
func max64(m, f float64) float64 {
	switch {
	case f > m:
		return f
	case f == m:
		if f == 0 && !math.Signbit(f) {
			return f
		}
		return m
	case m > f || math.IsInf(m, 1):
		return m
	case math.IsInf(f, 1):
		return f
	}
	return math.NaN()
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
