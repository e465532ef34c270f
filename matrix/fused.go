package matrix

import "github.com/backprop-go/backprop/matrix/internal/kernel"

// The fused methods below each do in one sweep over memory what two or
// three of the plain methods would do in several, with results equal bit
// for bit to those of the plain sequence.

// AddColVecReLU adds the column vector v, of shape (r, 1), to every column
// of the (r, c) matrix z in place, and sets m to the ReLU of the result:
//
//	z[i,j] = z[i,j] + v[i]
//	m[i,j] = max(z[i,j], 0)
//
// These are Z = W·A + b and A = relu(Z) of a layer's forward pass, with
// the sum W·A already in z. A NaN stays NaN and −0 stays −0, as in the
// loop m[i,j] = 0 if z[i,j] < 0 else z[i,j]. m may be z.
func (m *Dense[T]) AddColVecReLU(z, v *Dense[T]) {
	if v.cols != 1 || v.rows != z.rows {
		panic(ErrColumnShape)
	}
	m.Resize(z.rows, z.cols)
	zd, vd, md := z.RawData(), v.RawData(), m.RawData()
	c := z.cols
	if c == 1 {
		// One example: z = z + v is a single vector sum, and adding −0,
		// which leaves every value unchanged, applies the ReLU.
		kernel.Add(zd, zd, vd)
		kernel.AddConstReLU(zd, md, negZero[T]())
		return
	}
	for i := 0; i < z.rows; i++ {
		kernel.AddConstReLU(zd[i*c:(i+1)*c], md[i*c:(i+1)*c], vd[i])
	}
}

// negZero returns −0, the additive identity that also keeps −0.
func negZero[T Float]() T {
	var zero T
	return -zero
}

// MulStep sets m = a ⊙ H(z), where H(z) is 1 for z > 0 and 0 otherwise
// (at 0 and for NaN too): the upstream gradient dA through ReLU's
// derivative, dZ = dA ⊙ relu'(Z). m may be a or z.
func (m *Dense[T]) MulStep(a, z *Dense[T]) {
	sameShape(a, z)
	m.Resize(a.rows, a.cols)
	kernel.MulStep(m.RawData(), a.RawData(), z.RawData())
}

// FirstNonFiniteAddScaled returns the position of the first element of
// a + s·b, computed as AddScaled computes it, that is NaN or ±Inf, in
// row-major order, and ok = false when every element is finite. It stores
// nothing, so an update p = p − α·g can be checked before it is applied.
func FirstNonFiniteAddScaled[T Float](a *Dense[T], s T, b *Dense[T]) (i, j int, ok bool) {
	sameShape(a, b)
	k := kernel.FirstNonFiniteAddScaled(a.RawData(), s, b.RawData())
	if k < 0 {
		return 0, 0, false
	}
	return k / a.cols, k % a.cols, true
}

// GatherRowsTrans sets m to the transpose of the rows of a listed in idx:
// column k of m is row idx[k] of a, so m is (c, len(idx)) for an (r, c)
// matrix a. With Xᵀ, the examples of X in rows, m.GatherRowsTrans(Xᵀ, idx)
// equals m.GatherCols(X, idx), reading whole rows of Xᵀ instead of one
// element from every row of X.
func (m *Dense[T]) GatherRowsTrans(a *Dense[T], idx []int) {
	if overlaps(m, a) {
		panic(ErrAlias)
	}
	for _, j := range idx {
		if uint(j) >= uint(a.rows) {
			panic(ErrIndex)
		}
	}
	m.Resize(a.cols, len(idx))
	kernel.GatherRowsTrans(m.RawData(), a.RawData(), a.cols, idx)
}

// MulPairVec computes the first two products of a network's forward pass
// on one example x, (k, 1):
//
//	z1 = w1·x,  then mid(i0, i1) for ranges of rows,  then z2 = w2·a1
//
// for w1 (n1, k) and w2 (n2, n1). z1 and a1 become (n1, 1) and z2 (n2, 1).
// mid must set rows i0 … i1−1 of a1 from the same rows of z1, which are
// final when it is called, and touch no other row. The ranges cover every
// row once and do not overlap. When the product splits between
// goroutines, mid runs on several at once. Each goroutine then multiplies
// its rows of a1 by the matching columns of w2, so that neither product
// waits for the other goroutine's rows. z2 is the sum of those partial
// products in the order of the ranges, so it equals w2·a1 up to rounding.
// Unsplit, it equals Mul's product bit for bit. MulPairVec panics on
// mismatched shapes, when x is not one column, and when an output shares
// memory with another matrix.
func MulPairVec[T Float](z1, w1, x, a1 *Dense[T], mid func(i0, i1 int), z2, w2 *Dense[T]) {
	n1, k := w1.Dims()
	if x.rows != k || x.cols != 1 || w2.cols != n1 {
		panic(ErrShape)
	}
	n2 := w2.rows
	z1.Resize(n1, 1)
	a1.Resize(n1, 1)
	z2.Resize(n2, 1)
	for _, out := range []*Dense[T]{z1, a1, z2} {
		for _, in := range []*Dense[T]{w1, x, w2} {
			if overlaps(out, in) {
				panic(ErrAlias)
			}
		}
	}
	if overlaps(z1, a1) || overlaps(z1, z2) || overlaps(a1, z2) {
		panic(ErrAlias)
	}
	kernel.GemvPair(n1, k, w1.RawData(), max(k, 1), x.RawData(), z1.RawData(), a1.RawData(), mid, n2, w2.RawData(), max(n1, 1), z2.RawData())
}
