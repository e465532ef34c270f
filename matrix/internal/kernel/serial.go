package kernel

// The functions below run on the calling goroutine only, whatever the
// size of their operands. A computation that already runs on several
// goroutines, each on its own part of the data, calls them so that no
// part splits again.

// GemmSerial computes C = alpha·op(A)·op(B) + beta·C as Gemm does, on
// the calling goroutine only.
func GemmSerial[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		gemmSerial32(transA, transB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemmSerial64(transA, transB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// gemmSerial32 and gemmSerial64 are the implementations GemmSerial
// dispatches to; an architecture with assembly kernels replaces them at
// init.
var (
	gemmSerial32 = goGemm32.gemmSerial
	gemmSerial64 = goGemm64.gemmSerial
)

// gemmSerial is the blocked GEMM on one goroutine.
func (g *gemmImpl[T]) gemmSerial(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if k == 0 {
		scaleC(m, n, alpha, beta, c, ldc)
		return
	}
	g.gemmSplit(1, transA, transB, m, n, k, alpha, a, lda, b, nil, ldb, beta, c, ldc)
}

// ScaleSerial is Scale on the calling goroutine only.
func ScaleSerial[T Float](dst []T, s T, a []T) {
	impl[T]().scale(dst, s, a[:len(dst)])
}

// AddScaledSerial is AddScaled on the calling goroutine only.
func AddScaledSerial[T Float](dst, a []T, s T, b []T) {
	impl[T]().addScaled(dst, a[:len(dst)], s, b[:len(dst)])
}

// FirstNonFiniteAddScaledSerial is FirstNonFiniteAddScaled on the
// calling goroutine only.
func FirstNonFiniteAddScaledSerial[T Float](a []T, s T, b []T) int {
	return impl[T]().nonFiniteAddScaled(a, s, b[:len(a)])
}

// GatherRowsTransCols fills columns k0 … k1−1 of dst as GatherRowsTrans
// does, on the calling goroutine only.
func GatherRowsTransCols[T Float](dst, src []T, n int, idx []int, k0, k1 int) {
	dst = dst[:n*len(idx)]
	if n == 0 || k0 >= k1 {
		return
	}
	for _, j := range idx[k0:k1] {
		_ = src[j*n+n-1]
	}
	gatherRange(dst, src, n, idx, k0, k1)
}
