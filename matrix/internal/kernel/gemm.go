// Package kernel holds the compute kernels behind package matrix: GEMM and
// the element-wise loops. Every kernel works on row-major slices with an
// explicit leading dimension (the distance between the starts of two rows).
// The element-wise kernels never allocate. GEMM allocates its packing
// buffers on first use and keeps them in a sync.Pool, so that steady-state
// calls allocate nothing.
package kernel

// Float is the set of element types the kernels serve.
type Float interface{ float32 | float64 }

// Gemm computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// where op(A) is m×k, op(B) is k×n and C is m×n, all row-major. op(X) is Xᵀ
// when the matching trans flag is true; A is then stored k×m. When beta is
// zero, C is written without being read, so NaN in C does not propagate.
// Gemm equals GemmRef up to rounding.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		gemm32(transA, transB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemm64(transA, transB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// GemmScaled computes
//
//	C = s·(op(A)·op(B))
//
// with C m×n, rounding the product before scaling it: bit for bit what
// Gemm with alpha = 1 and beta = 0 followed by Scale(C, s, C) gives. When
// k fits one block of the inner dimension, the micro-kernels multiply by
// s as they store C, after the product's last rounding, and the pass of
// Scale over C is saved. C is written without being read.
func GemmScaled[T Float](transA, transB bool, m, n, k int, s T, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		gemmScaled32(transA, transB, m, n, k, float32(s), a, lda, any(b).([]float32), ldb, any(c).([]float32), ldc)
	case []float64:
		gemmScaled64(transA, transB, m, n, k, float64(s), a, lda, any(b).([]float64), ldb, any(c).([]float64), ldc)
	}
}

// GemmBytes computes
//
//	C = alpha·A·B + beta·C
//
// where A is m×k, B is a k×n matrix of unsigned bytes, each read as the
// exact value 0 … 255, and C is m×n, all row-major. With alpha = s, it
// multiplies A by the matrix s·B without B ever being stored as floats: a
// quarter or an eighth of the bytes to read. When beta is zero, C is
// written without being read. GemmBytes equals GemmRef on B converted to
// T, up to rounding.
func GemmBytes[T Float](m, n, k int, alpha T, a []T, lda int, b []uint8, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float32:
		gemmBytes32(m, n, k, float32(alpha), a, lda, b, ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemmBytes64(m, n, k, float64(alpha), a, lda, b, ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// gemm32, gemm64, gemmScaled32, gemmScaled64, gemmBytes32 and
// gemmBytes64 are the kernels Gemm, GemmScaled and GemmBytes dispatch to;
// an architecture with assembly kernels replaces them at init.
var (
	gemm32       = gemmGo[float32]
	gemm64       = gemmGo[float64]
	gemmScaled32 = goGemm32.gemmScaled
	gemmScaled64 = goGemm64.gemmScaled
	gemmBytes32  = goGemm32.gemmBytes
	gemmBytes64  = goGemm64.gemmBytes
)

// GemmRef is the plain triple loop that every GEMM kernel must equal up to
// rounding. Tests compare against it.
func GemmRef[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s T
			for p := 0; p < k; p++ {
				var aip, bpj T
				if transA {
					aip = a[p*lda+i]
				} else {
					aip = a[i*lda+p]
				}
				if transB {
					bpj = b[j*ldb+p]
				} else {
					bpj = b[p*ldb+j]
				}
				s += aip * bpj
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}
