package matrix

import "github.com/backprop-go/backprop/matrix/internal/kernel"

// Mul sets m = a·b. a is (r, k), b is (k, c) and m becomes (r, c).
// Mul panics if the inner dimensions differ or m shares memory with an
// operand.
func (m *Dense[T]) Mul(a, b *Dense[T]) { m.Gemm(1, a, false, b, false, 0) }

// MulTrans sets m = op(a)·op(b), where op(x) is xᵀ when the matching flag
// is true. The backward pass uses it for dZ·Aᵀ and Wᵀ·dZ without forming a
// transpose.
func (m *Dense[T]) MulTrans(a *Dense[T], aTrans bool, b *Dense[T], bTrans bool) {
	m.Gemm(1, a, aTrans, b, bTrans, 0)
}

// Gemm sets
//
//	m = alpha·op(a)·op(b) + beta·m
//
// When beta is zero m is resized to the product's shape and its old values
// are not read; otherwise m must already have that shape. Gemm panics on
// mismatched shapes and when m shares memory with a or b.
func (m *Dense[T]) Gemm(alpha T, a *Dense[T], aTrans bool, b *Dense[T], bTrans bool, beta T) {
	ar, ac, bc := m.productDims(a, aTrans, b, bTrans)
	if beta == 0 {
		m.Resize(ar, bc)
	} else if m.rows != ar || m.cols != bc {
		panic(ErrShape)
	}
	if ar == 0 || bc == 0 {
		return
	}
	if ac == 0 {
		if beta == 0 {
			m.Zero()
		} else {
			m.Scale(beta, m)
		}
		return
	}
	kernel.Gemm(aTrans, bTrans, ar, bc, ac, alpha, a.RawData(), max(a.cols, 1), b.RawData(), max(b.cols, 1), beta, m.RawData(), m.cols)
}

// ScaledMulTrans sets m = s·(op(a)·op(b)), the product rounded before it
// is scaled: bit for bit MulTrans followed by Scale(s, m). The gradient
// dW = (1/m)·dZ·Aᵀ uses it. When the inner dimension is short, as a
// mini-batch is, s is applied as the product is stored, saving a pass
// over m.
func (m *Dense[T]) ScaledMulTrans(s T, a *Dense[T], aTrans bool, b *Dense[T], bTrans bool) {
	ar, ac, bc := m.productDims(a, aTrans, b, bTrans)
	m.Resize(ar, bc)
	if ar == 0 || bc == 0 {
		return
	}
	kernel.GemmScaled(aTrans, bTrans, ar, bc, ac, s, a.RawData(), max(a.cols, 1), b.RawData(), max(b.cols, 1), m.RawData(), m.cols)
}

// productDims returns the shape (r, k)·(k, c) of op(a)·op(b) as r, k and
// c, and panics if the inner dimensions differ or m shares memory with a
// or b.
func (m *Dense[T]) productDims(a *Dense[T], aTrans bool, b *Dense[T], bTrans bool) (r, k, c int) {
	ar, ac := a.rows, a.cols
	if aTrans {
		ar, ac = ac, ar
	}
	br, bc := b.rows, b.cols
	if bTrans {
		br, bc = bc, br
	}
	if ac != br {
		panic(ErrShape)
	}
	if overlaps(m, a) || overlaps(m, b) {
		panic(ErrAlias)
	}
	return ar, ac, bc
}

// sameShape panics unless a and b have equal shapes.
func sameShape[T Float](a, b *Dense[T]) {
	if a.rows != b.rows || a.cols != b.cols {
		panic(ErrShape)
	}
}

// Add sets m = a + b element-wise.
func (m *Dense[T]) Add(a, b *Dense[T]) {
	sameShape(a, b)
	m.Resize(a.rows, a.cols)
	kernel.Add(m.data, a.RawData(), b.RawData())
}

// Sub sets m = a − b element-wise.
func (m *Dense[T]) Sub(a, b *Dense[T]) {
	sameShape(a, b)
	m.Resize(a.rows, a.cols)
	kernel.Sub(m.data, a.RawData(), b.RawData())
}

// MulElem sets m = a ⊙ b, the Hadamard (element-wise) product.
func (m *Dense[T]) MulElem(a, b *Dense[T]) {
	sameShape(a, b)
	m.Resize(a.rows, a.cols)
	kernel.MulElem(m.data, a.RawData(), b.RawData())
}

// Scale sets m = s·a.
func (m *Dense[T]) Scale(s T, a *Dense[T]) {
	m.Resize(a.rows, a.cols)
	kernel.Scale(m.data, s, a.RawData())
}

// AddScaled sets m = a + s·b.
func (m *Dense[T]) AddScaled(a *Dense[T], s T, b *Dense[T]) {
	sameShape(a, b)
	m.Resize(a.rows, a.cols)
	kernel.AddScaled(m.data, a.RawData(), s, b.RawData())
}

// Apply sets m[i,j] = f(a[i,j]).
func (m *Dense[T]) Apply(f func(T) T, a *Dense[T]) {
	m.Resize(a.rows, a.cols)
	md := m.data
	for i, v := range a.RawData() {
		md[i] = f(v)
	}
}

// AddColVec sets m = a + v·1ᵀ: the column vector v, of shape (r, 1), is
// added to every column of the (r, c) matrix a. It is the bias term of
// Z = W·A + b.
func (m *Dense[T]) AddColVec(a, v *Dense[T]) {
	if v.cols != 1 || v.rows != a.rows {
		panic(ErrColumnShape)
	}
	m.Resize(a.rows, a.cols)
	ad, vd, md := a.RawData(), v.RawData(), m.data
	c := a.cols
	if c == 1 {
		// One column: a single vector sum.
		kernel.Add(md, ad, vd)
		return
	}
	for i := 0; i < a.rows; i++ {
		kernel.AddConst(md[i*c:(i+1)*c], ad[i*c:(i+1)*c], vd[i])
	}
}

// RowSums sets m to the (r, 1) column of the row sums of the (r, c) matrix
// a: m[i] = Σ_j a[i,j]. db = (1/m)·Σ over columns of dZ is RowSums followed
// by Scale.
func (m *Dense[T]) RowSums(a *Dense[T]) {
	if overlaps(m, a) {
		panic(ErrAlias)
	}
	m.Resize(a.rows, 1)
	kernel.RowSums(m.data, a.RawData(), a.rows, a.cols)
}

// Transpose sets m = aᵀ.
func (m *Dense[T]) Transpose(a *Dense[T]) {
	if overlaps(m, a) {
		panic(ErrAlias)
	}
	m.Resize(a.cols, a.rows)
	kernel.Transpose(m.data, a.RawData(), a.rows, a.cols)
}

// SliceCols sets m to the columns j0 … j1−1 of a, copied.
func (m *Dense[T]) SliceCols(a *Dense[T], j0, j1 int) {
	if j0 < 0 || j1 < j0 || j1 > a.cols {
		panic(ErrColRange)
	}
	if overlaps(m, a) {
		panic(ErrAlias)
	}
	w := j1 - j0
	m.Resize(a.rows, w)
	for i := 0; i < a.rows; i++ {
		copy(m.data[i*w:(i+1)*w], a.data[i*a.cols+j0:i*a.cols+j1])
	}
}

// GatherCols sets m to the columns of a listed in idx, in that order:
// column k of m is column idx[k] of a. Mini-batches of shuffled examples
// are gathered this way.
func (m *Dense[T]) GatherCols(a *Dense[T], idx []int) {
	if overlaps(m, a) {
		panic(ErrAlias)
	}
	for _, j := range idx {
		if uint(j) >= uint(a.cols) {
			panic(ErrColRange)
		}
	}
	w := len(idx)
	m.Resize(a.rows, w)
	for i := 0; i < a.rows; i++ {
		src := a.data[i*a.cols : (i+1)*a.cols]
		dst := m.data[i*w : (i+1)*w]
		for k, j := range idx {
			dst[k] = src[j]
		}
	}
}

// Sum returns the sum of all elements of a.
func Sum[T Float](a *Dense[T]) T { return kernel.Sum(a.RawData()) }

// SumSquares returns Σ a[i,j]², the squared Frobenius norm ‖a‖²_F.
func SumSquares[T Float](a *Dense[T]) T { return kernel.Dot(a.RawData(), a.RawData()) }
