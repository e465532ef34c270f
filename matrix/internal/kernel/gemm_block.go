package kernel

import "sync"

// The blocked GEMM below follows the layered algorithm of Goto and van de
// Geijn ("Anatomy of high-performance matrix multiplication", ACM TOMS 34(3),
// 2008) in the loop order of BLIS (Van Zee and van de Geijn, ACM TOMS 41(3),
// 2015):
//
//	for jc in steps of nc over the columns of C:
//	  for pc in steps of kc over the inner dimension:
//	    pack op(B)[pc:pc+kc, jc:jc+nc] into micro-panels of nr columns
//	    for ic in steps of mc over the rows of C:
//	      pack op(A)[ic:ic+mc, pc:pc+kc] into micro-panels of mr rows
//	      for each nr-column micro-panel of B (it stays in L1):
//	        for each mr-row micro-panel of A (the packed A block stays in L2):
//	          micro-kernel: C[mr×nr] = alpha·Ap·Bp + beta·C[mr×nr]
//
// Packing turns all four transpose combinations into one layout and pads
// the edge micro-panels with zeros, so the micro-kernel always runs a full
// mr×nr product over kc steps and writes only the valid part of C. When C
// has few rows and B is not transposed, an implementation with
// kernelStrided skips packing B and reads its micro-panels in place.

// gemmImpl is one implementation of GEMM: a micro-kernel with the block
// sizes tuned for it, and the two matrix–vector kernels that serve the
// products with one row or one column.
type gemmImpl[T Float] struct {
	name string

	// mr×nr is the micro-tile that kernel computes. kc, mc and nc are the
	// cache blocks: a packed kc×nr micro-panel of B should fit in L1 and a
	// packed mc×kc block of A in L2.
	mr, nr     int
	kc, mc, nc int

	// kernel sets C[0:mr', 0:nr'] = alpha·Σ_p a[p·mr+i]·b[p·nr+j] + beta·C,
	// for p < kc, i < mr' and j < nr', where C[i,j] is c[i·ldc+j]. When beta
	// is zero C is not read. It is called with 1 ≤ mr' ≤ mr, and with
	// 1 ≤ nr' ≤ nr if partialN is set, otherwise only with nr' = nr.
	kernel   func(kc int, a, b, c []T, ldc int, alpha, beta T, mr, nr int)
	partialN bool
	// kernelStrided, if not nil, is kernel reading B in place: element
	// (p, j) of the micro-panel is b[p·ldb + j]. With partialN it handles
	// 1 ≤ nr' ≤ nr and reads only the nr' columns. Without partialN it is
	// called with nr' = nr only, and a narrower last micro-panel is
	// packed.
	kernelStrided func(kc int, a, b, c []T, ldb, ldc int, alpha, beta T, mr, nr int)
	// kernelBytes, if not nil, is kernelStrided reading B as unsigned
	// bytes, each converted exactly to T, with the same rule for nr'.
	// Without it, products with B in bytes pack B, converting it.
	kernelBytes func(kc int, a []T, b []uint8, c []T, ldb, ldc int, alpha, beta T, mr, nr int)
	// kernelStridedPack and kernelBytesPack, if not nil, are
	// kernelStrided and kernelBytes that also store the micro-panel of B
	// they read into bp, packed as kernel reads it. They are called for
	// full micro-panels (nr' = nr), and kernelStridedPack with partialN
	// also for a narrower last one, whose packed columns beyond nr' are
	// zero. The other micro-panels of A in the block then multiply it
	// from L1 with kernel, instead of reading B in place again: with an
	// odd row stride most rows of B span two cache lines.
	kernelStridedPack func(kc int, a, b, c []T, ldb, ldc int, alpha, beta T, mr, nr int, bp []T)
	kernelBytesPack   func(kc int, a []T, b []uint8, c []T, ldb, ldc int, alpha, beta T, mr, nr int, bp []T)
	// kernelNext, if not nil, is the kernel for the micro-panels of A
	// after the first when kernelStridedPack read B. It also prefetches
	// into L2 the odd rows of the next micro-panel of B, at next with row
	// stride ldb. kernelStridedPack prefetches only the even rows, so the
	// next micro-panel comes from memory during both kernels.
	kernelNext func(kc int, a, b, c []T, ldc int, alpha, beta T, mr, nr int, next []T, ldb int)

	// packTranspose packs a panel from rows of the source; see the
	// portable packTranspose. Nil means the portable one.
	packTranspose func(panel []T, steps, w, cnt int, src []T, ld int)

	// dotRows sets y[j] = Σ_{p<k} x[p]·m[j·ldm+p] for j < len(y), where
	// k = len(x).
	dotRows func(y, x, m []T, ldm int)
	// axpyRows adds Σ_{p<k} x[p]·m[p·ldm : p·ldm+len(y)] to y, where
	// k = len(x).
	axpyRows func(y, x, m []T, ldm int)

	// scratch holds *gemmScratch[T] values sized for this implementation,
	// so that steady-state calls allocate nothing.
	scratch sync.Pool
	// jobs holds *gemmJob[T] values for the parallel split.
	jobs sync.Pool
}

// gemmScratch is the working memory of one goroutine running the blocked
// GEMM: the packed blocks of A and B, a tile for the edges of C when the
// kernel writes only whole rows of nr, and the vectors of the
// matrix–vector paths.
type gemmScratch[T Float] struct {
	a, b, tile []T
	vec, out   []T
}

func (g *gemmImpl[T]) getScratch() *gemmScratch[T] {
	if s, ok := g.scratch.Get().(*gemmScratch[T]); ok {
		return s
	}
	return &gemmScratch[T]{tile: make([]T, g.mr*g.nr)}
}

// directBMaxRows is the largest m for which the blocked GEMM reads a
// non-transposed B in place, when the implementation has a kernel for it.
// Each element of B then serves at most m multiply–adds, and copying B
// into a packed block costs more than the strided reads. On the Zen 5
// machine of gemm_parallel.go, reading in place was faster or as fast up
// to m = 384 for float32 (m×512×512: 250 against 220 GFLOP/s at m = 96),
// but slower for 512×2048×2048 (a 8 KiB row stride).
const directBMaxRows = 128

// balance returns the size of the blocks that split n into as few blocks
// of at most max as possible, all of nearly equal size, rounded up to a
// multiple of q. max must be a multiple of q.
func balance(n, max, q int) int {
	parts := (n + max - 1) / max
	return roundUp((n+parts-1)/parts, q)
}

// reserve grows the packing buffers of s, if needed, to hold an mc×kc
// block of A and a kc×nc block of B.
func (s *gemmScratch[T]) reserve(g *gemmImpl[T], mc, nc, kc int) {
	if size := roundUp(mc, g.mr) * kc; cap(s.a) < size {
		s.a = make([]T, size)
	}
	if size := kc * roundUp(nc, g.nr); cap(s.b) < size {
		s.b = make([]T, size)
	}
	s.a = s.a[:cap(s.a)]
	s.b = s.b[:cap(s.b)]
}

func (g *gemmImpl[T]) putScratch(s *gemmScratch[T]) { g.scratch.Put(s) }

// roundUp returns x rounded up to a multiple of q.
func roundUp(x, q int) int { return (x + q - 1) / q * q }

// gemm computes C = alpha·op(A)·op(B) + beta·C with the contract of Gemm.
func (g *gemmImpl[T]) gemm(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch {
	case m == 0 || n == 0:
		return
	case k == 0:
		scaleC(m, n, alpha, beta, c, ldc)
	case m == 1:
		g.gemvRow(0, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c)
	case n == 1:
		g.gemvCol(0, transA, transB, m, k, alpha, a, lda, b, ldb, beta, c, ldc)
	default:
		g.gemmParallel(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// gemmScaled computes C = s·(op(A)·op(B)) with the contract of
// GemmScaled. A product of m, n ≥ 2 with k ≤ kc runs the blocked GEMM
// with one block of the inner dimension and no split of it, so the
// kernels' C = alpha·acc multiplies each finished sum by s once, as Scale
// would. Other products are computed, then scaled.
func (g *gemmImpl[T]) gemmScaled(transA, transB bool, m, n, k int, s T, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if m > 1 && n > 1 && k <= g.kc {
		g.gemm(transA, transB, m, n, k, s, a, lda, b, ldb, 0, c, ldc)
		return
	}
	g.gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
	if ldc == n {
		scaleSplit(c[:m*n], s, c[:m*n])
		return
	}
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		scaleSplit(ci, s, ci)
	}
}

// gemmBytes computes C = alpha·A·B + beta·C with the contract of
// GemmBytes.
func (g *gemmImpl[T]) gemmBytes(m, n, k int, alpha T, a []T, lda int, b []uint8, ldb int, beta T, c []T, ldc int) {
	switch {
	case m == 0 || n == 0:
		return
	case k == 0:
		scaleC(m, n, alpha, beta, c, ldc)
	default:
		w := workerCount(m*n*k, parallelMinFlops)
		g.gemmSplit(w, false, false, m, n, k, alpha, a, lda, nil, b, ldb, beta, c, ldc)
	}
}

// scaleC sets C = alpha·0 + beta·C, the result of a product with k = 0.
// alpha·0 is kept so that an infinite or NaN alpha gives NaN, as GemmRef
// does.
func scaleC[T Float](m, n int, alpha, beta T, c []T, ldc int) {
	z := alpha * 0
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			for j := range ci {
				ci[j] = z
			}
			continue
		}
		for j := range ci {
			ci[j] = z + beta*ci[j]
		}
	}
}

// gemmBlocked runs the blocked algorithm on one goroutine with the working
// memory s. m, n and k are at least 1. When bb is not nil, B is bb, a
// matrix of bytes, b is not used and transB is false.
func (g *gemmImpl[T]) gemmBlocked(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, bb []uint8, ldb int, beta T, c []T, ldc int, s *gemmScratch[T]) {
	// Blocks of equal size waste less than full blocks and a small
	// remainder: k = 784 in blocks of at most 256 runs as 4 blocks of 196,
	// not 3 of 256 and one of 16.
	kcMax := balance(k, g.kc, 4)
	mcMax := balance(m, g.mc, g.mr)
	ncMax := balance(n, g.nc, g.nr)
	s.reserve(g, mcMax, ncMax, kcMax)
	// With few rows, each element of B serves few multiply–adds, and
	// reading B where it lies costs less than copying it first.
	direct := bb == nil && g.kernelStrided != nil && !transB && m <= directBMaxRows
	// Bytes are read in place by a kernel that converts them, or packed
	// with the conversion.
	directBytes := bb != nil && g.kernelBytes != nil
	for jc := 0; jc < n; jc += ncMax {
		nc := min(ncMax, n-jc)
		for pc := 0; pc < k; pc += kcMax {
			kc := min(kcMax, k-pc)
			// The first block of the inner dimension applies beta; the
			// later ones add to what it wrote.
			betaBlock := beta
			if pc > 0 {
				betaBlock = 1
			}
			bBlock, bStride := s.b, 0
			var bBytes []uint8
			var nextB []T
			switch {
			case directBytes:
				bBytes, bStride = bb[pc*ldb+jc:], ldb
			case bb != nil:
				packRowsBytes(s.b, kc, nc, g.nr, bb[pc*ldb+jc:], ldb)
			case direct:
				bBlock, bStride = b[pc*ldb+jc:], ldb
				if pc+kc < k {
					nextB = b[(pc+kc)*ldb+jc:]
				}
			default:
				g.packB(transB, kc, nc, b, ldb, pc, jc, s.b)
			}
			for ic := 0; ic < m; ic += mcMax {
				mc := min(mcMax, m-ic)
				g.packA(transA, mc, kc, a, lda, ic, pc, s.a)
				g.macroKernel(mc, nc, kc, alpha, s.a, bBlock, bBytes, bStride, betaBlock, c[ic*ldc+jc:], ldc, s.tile, s.b, nextB)
			}
		}
	}
}

// macroKernel multiplies a packed mc×kc block of A by a kc×nc block of B
// into the mc×nc block of C at the start of c. B is packed when ldb is 0,
// and otherwise read in place with row stride ldb: from bb, in bytes, when
// bb is not nil, else from bp. spare holds at least kc×nr elements, for a
// micro-panel of B that kernelStrided cannot read in place. nextB, if not
// nil, is the first micro-panel of the next block of B in place, which
// kernelNext prefetches during the last micro-panel of this block.
func (g *gemmImpl[T]) macroKernel(mc, nc, kc int, alpha T, ap, bp []T, bb []uint8, ldb int, beta T, c []T, ldc int, tile, spare, nextB []T) {
	mr, nr := g.mr, g.nr
	for jr := 0; jr < nc; jr += nr {
		nrr := min(nr, nc-jr)
		var bPanel []T
		// ir0 is the first micro-panel of A for the loop below; those
		// before it are done. next, if not nil, is the micro-panel of B
		// in place that the loop prefetches with kernelNext.
		ir0 := 0
		var next []T
		switch {
		case bb != nil && nrr == nr && mc > mr && g.kernelBytesPack != nil:
			bPanel = spare[:nr*kc]
			g.kernelBytesPack(kc, ap[:mr*kc], bb[jr:], c[jr:], ldb, ldc, alpha, beta, mr, nr, bPanel)
			ir0 = mr
		case bb != nil && (nrr == nr || g.partialN):
			for ir := 0; ir < mc; ir += mr {
				mrr := min(mr, mc-ir)
				g.kernelBytes(kc, ap[ir*kc:(ir+mr)*kc], bb[jr:], c[ir*ldc+jr:], ldb, ldc, alpha, beta, mrr, nrr)
			}
			continue
		case bb != nil:
			bPanel = spare[:nr*kc]
			packRowsBytes(bPanel, kc, nrr, nr, bb[jr:], ldb)
		case ldb != 0 && (nrr == nr || g.partialN) && mc > mr && g.kernelStridedPack != nil:
			bPanel = spare[:nr*kc]
			g.kernelStridedPack(kc, ap[:mr*kc], bp[jr:], c[jr:], ldb, ldc, alpha, beta, mr, nrr, bPanel)
			ir0 = mr
			if g.kernelNext != nil {
				next = nextB
				if jr+nr < nc {
					next = bp[jr+nr:]
				}
			}
		case ldb != 0 && (nrr == nr || g.partialN):
			for ir := 0; ir < mc; ir += mr {
				mrr := min(mr, mc-ir)
				g.kernelStrided(kc, ap[ir*kc:(ir+mr)*kc], bp[jr:], c[ir*ldc+jr:], ldb, ldc, alpha, beta, mrr, nrr)
			}
			continue
		case ldb != 0:
			// The kernel reads whole rows of nr: pack the last columns,
			// padded with zeros, into spare.
			bPanel = spare[:nr*kc]
			packRows(bPanel, kc, nrr, nr, bp[jr:], ldb)
		default:
			bPanel = bp[jr*kc : (jr+nr)*kc]
		}
		for ir := ir0; ir < mc; ir += mr {
			mrr := min(mr, mc-ir)
			aPanel := ap[ir*kc : (ir+mr)*kc]
			cTile := c[ir*ldc+jr:]
			if next != nil {
				// Set only after kernelStridedPack, whose case has
				// nrr = nr or partialN: no tile is needed.
				g.kernelNext(kc, aPanel, bPanel, cTile, ldc, alpha, beta, mrr, nrr, next, ldb)
				continue
			}
			if nrr == nr || g.partialN {
				g.kernel(kc, aPanel, bPanel, cTile, ldc, alpha, beta, mrr, nrr)
				continue
			}
			// The kernel writes whole rows of nr: let it write a tile and
			// merge the valid columns.
			g.kernel(kc, aPanel, bPanel, tile, nr, 1, 0, mrr, nr)
			for i := 0; i < mrr; i++ {
				src := tile[i*nr : i*nr+nrr]
				dst := cTile[i*ldc : i*ldc+nrr]
				if beta == 0 {
					for j, v := range src {
						dst[j] = alpha * v
					}
					continue
				}
				for j, v := range src {
					dst[j] = alpha*v + beta*dst[j]
				}
			}
		}
	}
}
