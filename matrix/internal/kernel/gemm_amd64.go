//go:build amd64 && !noasm

package kernel

import "golang.org/x/sys/cpu"

//go:generate go run ./asmgen

// Block sizes of the assembly kernels, in elements. They were tuned on an
// AMD EPYC (Zen 5) with 48 KiB of L1 data cache and 1 MiB of L2 per core.
// There the kc×nr micro-panel of B takes 32 KiB of L1 and the mc×kc block
// of A 384 KiB of L2, in both precisions. Of kc in {192, 256, 384, 512}
// and mc in {192, 384, 768}, float32 kc = 256, mc = 384 ran 1024×1024×1024
// fastest on one core (250 GFLOP/s, the others 218 to 239).
const (
	avx512KC32 = 256  // kc·32 columns·4 bytes = 32 KiB
	avx512MC32 = 384  // mc·kc·4 bytes = 384 KiB
	avx512NC32 = 4096 // kc·nc·4 bytes = 4 MiB of B in L3
	avx512KC64 = 256  // kc·16 columns·8 bytes = 32 KiB
	avx512MC64 = 192  // mc·kc·8 bytes = 384 KiB
	avx512NC64 = 2048 // kc·nc·8 bytes = 4 MiB of B in L3

	// The AVX2 tiles are 6×16 (float32) and 6×8 (float64). At these
	// sizes the kc×nr micro-panel of B takes 16 KiB, the mc×kc block of A
	// 192 KiB and the kc×nc block of B 4 MiB.
	avx2KC32 = 256
	avx2MC32 = 192
	avx2NC32 = 4096
	avx2KC64 = 256
	avx2MC64 = 96
	avx2NC64 = 2048
)

var (
	avx512Gemm32 = &gemmImpl[float32]{
		name: "avx512", mr: 12, nr: 32, kc: avx512KC32, mc: avx512MC32, nc: avx512NC32,
		kernel: kernelAVX512F32, partialN: true, kernelStrided: kernelAVX512F32Strided,
		kernelBytes:       kernelAVX512F32Bytes,
		kernelStridedPack: kernelAVX512F32StridedPack, kernelBytesPack: kernelAVX512F32BytesPack,
		kernelNext:    kernelAVX512F32Next,
		packTranspose: packTransposeAVX512F32Slices,
		dotRows:       dotRowsAVX512F32Slices, axpyRows: axpyRowsAVX512F32Slices,
	}
	avx512Gemm64 = &gemmImpl[float64]{
		name: "avx512", mr: 12, nr: 16, kc: avx512KC64, mc: avx512MC64, nc: avx512NC64,
		kernel: kernelAVX512F64, partialN: true, kernelStrided: kernelAVX512F64Strided,
		kernelBytes:       kernelAVX512F64Bytes,
		kernelStridedPack: kernelAVX512F64StridedPack, kernelBytesPack: kernelAVX512F64BytesPack,
		kernelNext:    kernelAVX512F64Next,
		packTranspose: packTransposeAVX512F64Slices,
		dotRows:       dotRowsAVX512F64Slices, axpyRows: axpyRowsAVX512F64Slices,
	}
	avx2Gemm32 = &gemmImpl[float32]{
		name: "avx2", mr: 6, nr: 16, kc: avx2KC32, mc: avx2MC32, nc: avx2NC32,
		kernel: kernelAVX2F32, kernelStrided: kernelAVX2F32Strided,
		kernelBytes:       kernelAVX2F32Bytes,
		kernelStridedPack: kernelAVX2F32StridedPack, kernelBytesPack: kernelAVX2F32BytesPack,
		kernelNext:    kernelAVX2F32Next,
		packTranspose: packTransposeAVX2F32Slices,
		dotRows:       dotRowsAVX2F32Slices, axpyRows: axpyRowsAVX2F32Slices,
	}
	avx2Gemm64 = &gemmImpl[float64]{
		name: "avx2", mr: 6, nr: 8, kc: avx2KC64, mc: avx2MC64, nc: avx2NC64,
		kernel: kernelAVX2F64, kernelStrided: kernelAVX2F64Strided,
		kernelBytes:       kernelAVX2F64Bytes,
		kernelStridedPack: kernelAVX2F64StridedPack, kernelBytesPack: kernelAVX2F64BytesPack,
		kernelNext: kernelAVX2F64Next,
		dotRows:    dotRowsAVX2F64Slices, axpyRows: axpyRowsAVX2F64Slices,
	}
)

// gemmImpls32 and gemmImpls64 list the GEMM implementations this CPU can
// run, slowest first, for the conformance tests and benchmarks.
var (
	gemmImpls32 = []*gemmImpl[float32]{goGemm32}
	gemmImpls64 = []*gemmImpl[float64]{goGemm64}
)

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		gemmImpls32 = append(gemmImpls32, avx2Gemm32)
		gemmImpls64 = append(gemmImpls64, avx2Gemm64)
	}
	// HasAVX512F is set only when the operating system saves the AVX-512
	// registers. The float64 byte kernels also convert bytes into Y
	// registers under a mask, which takes AVX512VL. The Xeon Phi
	// (Knights Landing and Knights Mill) has AVX512F without it.
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		gemmImpls32 = append(gemmImpls32, avx512Gemm32)
		gemmImpls64 = append(gemmImpls64, avx512Gemm64)
	}
	best32 := gemmImpls32[len(gemmImpls32)-1]
	best64 := gemmImpls64[len(gemmImpls64)-1]
	gemm32 = best32.gemm
	gemm64 = best64.gemm
	gemmScaled32 = best32.gemmScaled
	gemmScaled64 = best64.gemmScaled
	gemmBytes32 = best32.gemmBytes
	gemmBytes64 = best64.gemmBytes
	gemvPair32 = best32.gemvPair
	gemvPair64 = best64.gemvPair
	gemmSerial32 = best32.gemmSerial
	gemmSerial64 = best64.gemmSerial
}

// The wrappers below check that the slices cover what the assembly reads
// and writes, then pass their first elements.

// prefetchAhead returns the distance in bytes at which a kernel that
// reads B in place, in rows ldbBytes apart, fetches rows into L1. It is
// 32 rows, about the latency of memory (some 400 cycles) over the dozen
// cycles a row takes. L1's sets repeat every 4 KiB, so rows a multiple of
// 1 KiB apart share at most four sets, and 32 of them can fill every way
// of those sets and evict each other before they are read. Such rows are
// fetched 8 ahead, from L2, where the kernels also prefetch the next
// micro-panel of B. On an Intel Xeon with AMX, W3's backward product,
// whose rows of Xᵀ lie 48 KiB apart (20x209x12288), ran at 130 GFLOP/s on
// one core this way and at 115 with 32 rows.
func prefetchAhead(ldbBytes int) int {
	if ldbBytes%1024 == 0 {
		return 8 * ldbBytes
	}
	return 32 * ldbBytes
}

func kernelAVX512F32(kc int, a, b, c []float32, ldc int, alpha, beta float32, mr, nr int) {
	_ = a[12*kc-1]
	_ = b[32*kc-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F32[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1)
}

func kernelAVX512F64(kc int, a, b, c []float64, ldc int, alpha, beta float64, mr, nr int) {
	_ = a[12*kc-1]
	_ = b[16*kc-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F64[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1)
}

func kernelAVX512F32Strided(kc int, a, b, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F32Strided[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, prefetchAhead(ldb*4))
}

func kernelAVX512F64Strided(kc int, a, b, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F64Strided[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, prefetchAhead(ldb*8))
}

func kernelAVX512F32Bytes(kc int, a []float32, b []uint8, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F32Bytes[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, prefetchAhead(ldb))
}

func kernelAVX512F64Bytes(kc int, a []float64, b []uint8, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F64Bytes[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, prefetchAhead(ldb))
}

// The AVX-512 StridedPack kernels read and write the nr columns in the
// mask and store the micro-panel packed with zeros in the other columns.
// The BytesPack kernels serve whole micro-panels only.

func kernelAVX512F32StridedPack(kc int, a, b, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int, bp []float32) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	_ = bp[32*kc-1]
	gemmAVX512F32StridedPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, prefetchAhead(ldb*4), &bp[0])
}

func kernelAVX512F64StridedPack(kc int, a, b, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int, bp []float64) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	_ = bp[16*kc-1]
	gemmAVX512F64StridedPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, prefetchAhead(ldb*8), &bp[0])
}

func kernelAVX512F32BytesPack(kc int, a []float32, b []uint8, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int, bp []float32) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+31]
	_ = c[(mr-1)*ldc+31]
	_ = bp[32*kc-1]
	gemmAVX512F32BytesPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<32-1, ldb, prefetchAhead(ldb), &bp[0])
}

func kernelAVX512F64BytesPack(kc int, a []float64, b []uint8, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int, bp []float64) {
	_ = a[12*kc-1]
	_ = b[(kc-1)*ldb+15]
	_ = c[(mr-1)*ldc+15]
	_ = bp[16*kc-1]
	gemmAVX512F64BytesPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<16-1, ldb, prefetchAhead(ldb), &bp[0])
}

// The Next kernels read only the first element of next: prefetches do
// not fault.

func kernelAVX512F32Next(kc int, a, b, c []float32, ldc int, alpha, beta float32, mr, nr int, next []float32, ldb int) {
	_ = a[12*kc-1]
	_ = b[32*kc-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F32Next[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, &next[0])
}

func kernelAVX512F64Next(kc int, a, b, c []float64, ldc int, alpha, beta float64, mr, nr int, next []float64, ldb int) {
	_ = a[12*kc-1]
	_ = b[16*kc-1]
	_ = c[(mr-1)*ldc+nr-1]
	gemmAVX512F64Next[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, 1<<nr-1, ldb, &next[0])
}

func kernelAVX2F32(kc int, a, b, c []float32, ldc int, alpha, beta float32, mr, nr int) {
	_ = a[6*kc-1]
	_ = b[16*kc-1]
	_ = c[(mr-1)*ldc+15]
	gemmAVX2F32[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

func kernelAVX2F64(kc int, a, b, c []float64, ldc int, alpha, beta float64, mr, nr int) {
	_ = a[6*kc-1]
	_ = b[8*kc-1]
	_ = c[(mr-1)*ldc+7]
	gemmAVX2F64[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

// The AVX2 kernels that read B in place, in elements or in bytes, load
// whole rows of nr columns. macroKernel packs a narrower last micro-panel
// instead.

func kernelAVX2F32Strided(kc int, a, b, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+15]
	_ = c[(mr-1)*ldc+15]
	gemmAVX2F32Strided[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb*4))
}

func kernelAVX2F64Strided(kc int, a, b, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+7]
	_ = c[(mr-1)*ldc+7]
	gemmAVX2F64Strided[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb*8))
}

func kernelAVX2F32Bytes(kc int, a []float32, b []uint8, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+15]
	_ = c[(mr-1)*ldc+15]
	gemmAVX2F32Bytes[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb))
}

func kernelAVX2F64Bytes(kc int, a []float64, b []uint8, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+7]
	_ = c[(mr-1)*ldc+7]
	gemmAVX2F64Bytes[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb))
}

// The Pack kernels are the in-place ones that also store the micro-panel
// of B they read, packed, in bp.

func kernelAVX2F32StridedPack(kc int, a, b, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int, bp []float32) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+15]
	_ = c[(mr-1)*ldc+15]
	_ = bp[16*kc-1]
	gemmAVX2F32StridedPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb*4), &bp[0])
}

func kernelAVX2F64StridedPack(kc int, a, b, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int, bp []float64) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+7]
	_ = c[(mr-1)*ldc+7]
	_ = bp[8*kc-1]
	gemmAVX2F64StridedPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb*8), &bp[0])
}

func kernelAVX2F32BytesPack(kc int, a []float32, b []uint8, c []float32, ldb, ldc int, alpha, beta float32, mr, nr int, bp []float32) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+15]
	_ = c[(mr-1)*ldc+15]
	_ = bp[16*kc-1]
	gemmAVX2F32BytesPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb), &bp[0])
}

func kernelAVX2F64BytesPack(kc int, a []float64, b []uint8, c []float64, ldb, ldc int, alpha, beta float64, mr, nr int, bp []float64) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+7]
	_ = c[(mr-1)*ldc+7]
	_ = bp[8*kc-1]
	gemmAVX2F64BytesPack[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, prefetchAhead(ldb), &bp[0])
}

func kernelAVX2F32Next(kc int, a, b, c []float32, ldc int, alpha, beta float32, mr, nr int, next []float32, ldb int) {
	_ = a[6*kc-1]
	_ = b[16*kc-1]
	_ = c[(mr-1)*ldc+15]
	gemmAVX2F32Next[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, &next[0])
}

func kernelAVX2F64Next(kc int, a, b, c []float64, ldc int, alpha, beta float64, mr, nr int, next []float64, ldb int) {
	_ = a[6*kc-1]
	_ = b[8*kc-1]
	_ = c[(mr-1)*ldc+7]
	gemmAVX2F64Next[mr](kc, &a[0], &b[0], &c[0], ldc, alpha, beta, ldb, &next[0])
}

// gemvBounds panics unless m holds len(y) rows of len(x) elements
// (transposed: len(x) rows of len(y)) with leading dimension ldm. It
// returns false when there is nothing to compute.
func gemvBounds[T Float](y, x, m []T, ldm int, transposed bool) bool {
	rows, cols := len(y), len(x)
	if transposed {
		rows, cols = cols, rows
	}
	if rows == 0 || cols == 0 {
		return false
	}
	_ = m[(rows-1)*ldm+cols-1]
	return true
}

func dotRowsAVX512F32Slices(y, x, m []float32, ldm int) {
	if gemvBounds(y, x, m, ldm, false) {
		dotRowsAVX512F32(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	} else {
		clear(y)
	}
}

func dotRowsAVX512F64Slices(y, x, m []float64, ldm int) {
	if gemvBounds(y, x, m, ldm, false) {
		dotRowsAVX512F64(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	} else {
		clear(y)
	}
}

func dotRowsAVX2F32Slices(y, x, m []float32, ldm int) {
	if gemvBounds(y, x, m, ldm, false) {
		dotRowsAVX2F32(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	} else {
		clear(y)
	}
}

func dotRowsAVX2F64Slices(y, x, m []float64, ldm int) {
	if gemvBounds(y, x, m, ldm, false) {
		dotRowsAVX2F64(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	} else {
		clear(y)
	}
}

func axpyRowsAVX512F32Slices(y, x, m []float32, ldm int) {
	if gemvBounds(y, x, m, ldm, true) {
		axpyRowsAVX512F32(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	}
}

func axpyRowsAVX512F64Slices(y, x, m []float64, ldm int) {
	if gemvBounds(y, x, m, ldm, true) {
		axpyRowsAVX512F64(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	}
}

func axpyRowsAVX2F32Slices(y, x, m []float32, ldm int) {
	if gemvBounds(y, x, m, ldm, true) {
		axpyRowsAVX2F32(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	}
}

func axpyRowsAVX2F64Slices(y, x, m []float64, ldm int) {
	if gemvBounds(y, x, m, ldm, true) {
		axpyRowsAVX2F64(len(y), len(x), &x[0], &m[0], ldm, &y[0])
	}
}

func packTransposeAVX512F32Slices(panel []float32, steps, w, cnt int, src []float32, ld int) {
	if steps == 0 || cnt == 0 {
		packTranspose(panel, steps, w, cnt, src, ld)
		return
	}
	_ = panel[steps*w-1]
	_ = src[(cnt-1)*ld+steps-1]
	packTransposeAVX512F32(steps, &src[0], ld, &panel[0], w, cnt)
}

func packTransposeAVX512F64Slices(panel []float64, steps, w, cnt int, src []float64, ld int) {
	if steps == 0 || cnt == 0 {
		packTranspose(panel, steps, w, cnt, src, ld)
		return
	}
	_ = panel[steps*w-1]
	_ = src[(cnt-1)*ld+steps-1]
	packTransposeAVX512F64(steps, &src[0], ld, &panel[0], w, cnt)
}

// packTransposeAVX2F32Slices is packTranspose with the AVX2 transposes of
// 8×8 blocks for whole micro-panels: of A (w = 6) and of B (w = 16). It
// leaves other panels, and the last steps mod 8 steps, to Go.
func packTransposeAVX2F32Slices(panel []float32, steps, w, cnt int, src []float32, ld int) {
	blocks := steps / 8
	if blocks == 0 || cnt != w || (w != 6 && w%8 != 0) {
		packTranspose(panel, steps, w, cnt, src, ld)
		return
	}
	_ = panel[steps*w-1]
	_ = src[(cnt-1)*ld+steps-1]
	if w == 6 {
		transposeAVX2F32x6(blocks, &src[0], ld, &panel[0], w)
	} else {
		for j := 0; j < w; j += 8 {
			transposeAVX2F32x8(blocks, &src[j*ld], ld, &panel[j], w)
		}
	}
	for p := blocks * 8; p < steps; p++ {
		d := panel[p*w : p*w+w]
		for j := range d {
			d[j] = src[j*ld+p]
		}
	}
}
