package kernel

// A product with one row (m = 1) or one column (n = 1) is a matrix–vector
// product. It reads each element of the matrix operand once, so it is
// bound by memory bandwidth, and packing, which would read it twice, only
// slows it down. Each case reduces to one of two forms over a matrix M
// with cnt outputs, a vector x of length k already scaled by alpha, and an
// output vector out stored at c[j·incc]:
//
//	dot form:  out[j] = Σ_p x[p]·M[j·ldm + p] + beta·out[j]
//	axpy form: out[j] = Σ_p x[p]·M[p·ldm + j] + beta·out[j]

// gemvChunkBytes is the size of the piece of the output that the axpy
// form keeps in cache while it streams the rows of M over it. It fits the
// L2 cache of any current core. On the Zen 5 machine of gemm_parallel.go,
// the product (1×784)·(784×60000) in float32 streamed B at 45 GB/s with
// 64 KiB pieces, 40 GB/s with 16 KiB and 41 GB/s with the whole row.
const gemvChunkBytes = 64 << 10

// gemvRow computes the product when m = 1: C[0, :] is the contiguous row
// c[0:n]. It uses at most w goroutines, or as many as the size warrants
// when w is 0.
func (g *gemmImpl[T]) gemvRow(w int, transA, transB bool, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T) {
	s := g.getScratch()
	x := s.vector(k)
	if transA {
		for p := range x {
			x[p] = alpha * a[p*lda]
		}
	} else {
		for p, v := range a[:k] {
			x[p] = alpha * v
		}
	}
	// With op(B) = Bᵀ, C[0, j] is the dot product of x with row j of B.
	// Otherwise C[0, :] is the sum of the rows of B scaled by x.
	g.gemvSplit(w, transB, n, x, b, ldb, beta, c, 1)
	g.putScratch(s)
}

// gemvInPlaceMin is the shortest vector B that gemvCol reads in place,
// when alpha is 1 and B is contiguous, instead of copying it. Reading the
// 784 inputs of W1's network in place saves about 0.2 µs of its 4.8 µs
// single-example forward pass.
//
// NOTE: the 256-element A[1] of that pass's second product, read in
// place, made the product 3.5 times as slow (3.5 µs instead of 1.0) in
// about half of the processes, whatever the split of its rows. What
// about its placement causes this is not known; copying it costs about
// 60 ns, so shorter vectors are copied.
const gemvInPlaceMin = 512

// gemvCol computes the product when n = 1: C[:, 0] is c[i·ldc] for i < m.
// It uses at most w goroutines, or as many as the size warrants when w is
// 0.
func (g *gemmImpl[T]) gemvCol(w int, transA, transB bool, m, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	s := g.getScratch()
	var x []T
	switch {
	case alpha == 1 && (transB || ldb == 1) && k >= gemvInPlaceMin:
		// B is the vector x already: read it in place.
		x = b[:k]
	case alpha == 1 && (transB || ldb == 1):
		x = s.vector(k)
		copy(x, b[:k])
	case transB:
		x = s.vector(k)
		for p, v := range b[:k] {
			x[p] = alpha * v
		}
	default:
		x = s.vector(k)
		for p := range x {
			x[p] = alpha * b[p*ldb]
		}
	}
	// With op(A) = A, C[i, 0] is the dot product of x with row i of A.
	// Otherwise C[:, 0] is the sum of the rows of A scaled by x.
	g.gemvSplit(w, !transA, m, x, a, lda, beta, c, ldc)
	g.putScratch(s)
}

// vector returns the scratch vector resized to length k.
func (s *gemmScratch[T]) vector(k int) []T {
	if cap(s.vec) < k {
		s.vec = make([]T, k)
	}
	return s.vec[:k]
}

// gemvPart computes outputs j0 … j1−1 of the dot form (dot set) or the
// axpy form, with the working memory s.
func (g *gemmImpl[T]) gemvPart(dot bool, j0, j1 int, x, mat []T, ldm int, beta T, c []T, incc int, s *gemmScratch[T]) {
	chunk := max(gemvChunkBytes/sizeOf[T](), 1)
	if s.out == nil {
		s.out = make([]T, chunk)
	}
	for c0 := j0; c0 < j1; c0 += chunk {
		cnt := min(chunk, j1-c0)
		if dot {
			out := s.out[:cnt]
			g.dotRows(out, x, mat[c0*ldm:], ldm)
			mergeOut(out, beta, c[c0*incc:], incc)
			continue
		}
		if incc == 1 {
			// Accumulate in C itself.
			out := c[c0 : c0+cnt]
			if beta == 0 {
				clear(out)
			} else if beta != 1 {
				for j := range out {
					out[j] *= beta
				}
			}
			g.axpyRows(out, x, mat[c0:], ldm)
			continue
		}
		out := s.out[:cnt]
		clear(out)
		g.axpyRows(out, x, mat[c0:], ldm)
		mergeOut(out, beta, c[c0*incc:], incc)
	}
}

// mergeOut sets c[j·incc] = out[j] + beta·c[j·incc], without reading c when
// beta is zero.
func mergeOut[T Float](out []T, beta T, c []T, incc int) {
	if beta == 0 {
		for j, v := range out {
			c[j*incc] = v
		}
		return
	}
	for j, v := range out {
		c[j*incc] = v + beta*c[j*incc]
	}
}

// sizeOf returns the size of T in bytes.
func sizeOf[T Float]() int {
	var z T
	switch any(z).(type) {
	case float32:
		return 4
	default:
		return 8
	}
}
