package kernel

// The portable kernels, in plain Go. Every architecture has them, and amd64
// uses them only under the noasm build tag or when the CPU lacks AVX2 and
// FMA.

// Block sizes of the portable GEMM, in elements. The kc×4 micro-panel of B
// takes 8 KiB of L1 in float64, and the mc×kc block of A 128 KiB of L2.
const (
	goKC = 256
	goMC = 64
	goNC = 1024
)

// goGemm32 and goGemm64 are the portable GEMM implementations. The 4×4
// micro-tile needs 24 registers: arm64 has 32 floating-point registers,
// amd64 16, so there some accumulators spill.
var (
	goGemm32 = &gemmImpl[float32]{
		name: "go", mr: 4, nr: 4, kc: goKC, mc: goMC, nc: goNC,
		kernel: kernelGo[float32], partialN: true,
		dotRows: dotRowsGo[float32], axpyRows: axpyRowsGo[float32],
	}
	goGemm64 = &gemmImpl[float64]{
		name: "go", mr: 4, nr: 4, kc: goKC, mc: goMC, nc: goNC,
		kernel: kernelGo[float64], partialN: true,
		dotRows: dotRowsGo[float64], axpyRows: axpyRowsGo[float64],
	}
)

// gemmGo is the portable GEMM: the blocked algorithm of gemm_block.go with
// a micro-kernel in plain Go.
func gemmGo[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	var g *gemmImpl[T]
	switch any(alpha).(type) {
	case float32:
		g = any(goGemm32).(*gemmImpl[T])
	case float64:
		g = any(goGemm64).(*gemmImpl[T])
	}
	g.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// kernelGo is the portable 4×4 micro-kernel; see gemmImpl.kernel.
func kernelGo[T Float](kc int, a, b, c []T, ldc int, alpha, beta T, mr, nr int) {
	a = a[:4*kc]
	b = b[:4*kc]
	var (
		c00, c01, c02, c03 T
		c10, c11, c12, c13 T
		c20, c21, c22, c23 T
		c30, c31, c32, c33 T
	)
	for p := 0; p < len(a); p += 4 {
		ap := a[p : p+4 : p+4]
		bp := b[p : p+4 : p+4]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	acc := [16]T{
		c00, c01, c02, c03,
		c10, c11, c12, c13,
		c20, c21, c22, c23,
		c30, c31, c32, c33,
	}
	for i := 0; i < mr; i++ {
		row := c[i*ldc : i*ldc+nr]
		if beta == 0 {
			for j := range row {
				row[j] = alpha * acc[4*i+j]
			}
			continue
		}
		for j := range row {
			row[j] = alpha*acc[4*i+j] + beta*row[j]
		}
	}
}

// dotRowsGo is the portable dotRows; see gemmImpl.dotRows.
func dotRowsGo[T Float](y, x, m []T, ldm int) {
	k := len(x)
	for j := range y {
		row := m[j*ldm : j*ldm+k]
		var s0, s1, s2, s3 T
		p := 0
		for ; p+4 <= k; p += 4 {
			r := row[p : p+4 : p+4]
			v := x[p : p+4 : p+4]
			s0 += r[0] * v[0]
			s1 += r[1] * v[1]
			s2 += r[2] * v[2]
			s3 += r[3] * v[3]
		}
		for ; p < k; p++ {
			s0 += row[p] * x[p]
		}
		y[j] = (s0 + s1) + (s2 + s3)
	}
}

// axpyRowsGo is the portable axpyRows; see gemmImpl.axpyRows.
func axpyRowsGo[T Float](y, x, m []T, ldm int) {
	n := len(y)
	p := 0
	for ; p+2 <= len(x); p += 2 {
		x0, x1 := x[p], x[p+1]
		r0 := m[p*ldm : p*ldm+n]
		r1 := m[(p+1)*ldm : (p+1)*ldm+n]
		for j := range y {
			y[j] += x0*r0[j] + x1*r1[j]
		}
	}
	if p < len(x) {
		x0 := x[p]
		r0 := m[p*ldm : p*ldm+n]
		for j := range y {
			y[j] += x0 * r0[j]
		}
	}
}
