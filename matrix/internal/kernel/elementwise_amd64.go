//go:build amd64 && !noasm

package kernel

import (
	"math"

	"golang.org/x/sys/cpu"
)

//go:generate go run ./elemgen

// elementwiseImpls32 and elementwiseImpls64 list the element-wise
// implementations this CPU can run, slowest first, for the conformance
// tests and benchmarks.
var (
	elementwiseImpls32 = []*elementwise[float32]{elementwise32}
	elementwiseImpls64 = []*elementwise[float64]{elementwise64}
)

func init() {
	// The AVX2 kernels need FMA for DotBytes and AxpyBytes only. HasAVX512F
	// is set only when the operating system saves the AVX-512 registers;
	// the AVX-512 kernels use AVX512F instructions only.
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		elementwiseImpls32 = append(elementwiseImpls32, avx2Elementwise32())
		elementwiseImpls64 = append(elementwiseImpls64, avx2Elementwise64())
	}
	if cpu.X86.HasAVX512F {
		elementwiseImpls32 = append(elementwiseImpls32, avx512Elementwise32())
		elementwiseImpls64 = append(elementwiseImpls64, avx512Elementwise64())
	}
	switch {
	case cpu.X86.HasAVX512F:
		gatherRowsTrans32 = gatherRowsTransAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		gatherRowsTrans32 = gatherRowsTransAVX2
	}
	elementwise32 = elementwiseImpls32[len(elementwiseImpls32)-1]
	elementwise64 = elementwiseImpls64[len(elementwiseImpls64)-1]
}

// The constructors below pair each assembly kernel, which stops at the
// last whole vector, with the portable loop for the remaining elements.

func avx512Elementwise32() *elementwise[float32] {
	const lanes = 16
	e := &elementwise[float32]{
		name:               "avx512",
		add:                binaryAsm(addAVX512F32, lanes, addGo[float32]),
		sub:                binaryAsm(subAVX512F32, lanes, subGo[float32]),
		mul:                binaryAsm(mulAVX512F32, lanes, mulGo[float32]),
		scale:              scaleAsm(scaleAVX512F32, lanes, scaleGo[float32]),
		addScaled:          addScaledAsm(addScaledAVX512F32, lanes, addScaledGo[float32]),
		addConst:           addConstAsm(addConstAVX512F32, lanes, addConstGo[float32]),
		addConstReLU:       addConstAsm(addConstReLUAVX512F32, lanes, addConstReLUGo[float32]),
		mulStep:            binaryAsm(mulStepAVX512F32, lanes, mulStepGo[float32]),
		nonFinite:          nonFiniteAsm(nonFiniteAVX512F32, lanes),
		nonFiniteAddScaled: nonFiniteAddScaledAsm(nonFiniteAddScaledAVX512F32, lanes),
		dotBytes:           dotBytesAsm(dotBytesAVX512F32, lanes),
		axpyBytes:          axpyBytesAsm(axpyBytesAVX512F32, lanes),
		dotBytesRows:       dotBytesRowsWith(dotBytesAsm(dotBytesAVX512F32, lanes)),
		axpyBytesRows:      axpyBytesRowsWith(axpyBytesAsm(axpyBytesAVX512F32, lanes)),
		sigmoid:            sigmoidAsm(sigmoidPolyAVX512F32, 8),
		sumBCE:             sumBCEAsm(sumBCEPolyAVX512F32, 8),
	}
	// The four-row and register-blocked kernels beat the one-row loops.
	// W2 on an Intel Xeon with AMX (Sapphire Rapids or later) took 7.7 s
	// with the loops and 5.9 s with their AVX2 form. In alternating runs
	// on a later Xeon, the AVX-512 form took 2.5–3.2 s and the AVX2 form
	// 2.9–4.2 s.
	e.dotBytesRows = dotBytesRowsAsm(dotBytesRows4AVX512F32, lanes, e.dotBytesRows)
	e.axpyBytesRows = axpyBytesRowsAsm(axpyBytesRowsAVX512F32, lanes)
	return e
}

func avx512Elementwise64() *elementwise[float64] {
	const lanes = 8
	return &elementwise[float64]{
		name:               "avx512",
		add:                binaryAsm(addAVX512F64, lanes, addGo[float64]),
		sub:                binaryAsm(subAVX512F64, lanes, subGo[float64]),
		mul:                binaryAsm(mulAVX512F64, lanes, mulGo[float64]),
		scale:              scaleAsm(scaleAVX512F64, lanes, scaleGo[float64]),
		addScaled:          addScaledAsm(addScaledAVX512F64, lanes, addScaledGo[float64]),
		addConst:           addConstAsm(addConstAVX512F64, lanes, addConstGo[float64]),
		addConstReLU:       addConstAsm(addConstReLUAVX512F64, lanes, addConstReLUGo[float64]),
		mulStep:            binaryAsm(mulStepAVX512F64, lanes, mulStepGo[float64]),
		nonFinite:          nonFiniteAsm(nonFiniteAVX512F64, lanes),
		nonFiniteAddScaled: nonFiniteAddScaledAsm(nonFiniteAddScaledAVX512F64, lanes),
		dotBytes:           dotBytesGo[float64],
		axpyBytes:          axpyBytesGo[float64],
		dotBytesRows:       dotBytesRowsWith(dotBytesGo[float64]),
		axpyBytesRows:      axpyBytesRowsWith(axpyBytesGo[float64]),
		sigmoid:            sigmoidGo[float64],
		sumBCE:             sumBCEGo[float64],
	}
}

func avx2Elementwise32() *elementwise[float32] {
	const lanes = 8
	return &elementwise[float32]{
		name:               "avx2",
		add:                binaryAsm(addAVX2F32, lanes, addGo[float32]),
		sub:                binaryAsm(subAVX2F32, lanes, subGo[float32]),
		mul:                binaryAsm(mulAVX2F32, lanes, mulGo[float32]),
		scale:              scaleAsm(scaleAVX2F32, lanes, scaleGo[float32]),
		addScaled:          addScaledAsm(addScaledAVX2F32, lanes, addScaledGo[float32]),
		addConst:           addConstAsm(addConstAVX2F32, lanes, addConstGo[float32]),
		addConstReLU:       addConstAsm(addConstReLUAVX2F32, lanes, addConstReLUGo[float32]),
		mulStep:            binaryAsm(mulStepAVX2F32, lanes, mulStepGo[float32]),
		nonFinite:          nonFiniteAsm(nonFiniteAVX2F32, lanes),
		nonFiniteAddScaled: nonFiniteAddScaledAsm(nonFiniteAddScaledAVX2F32, lanes),
		dotBytes:           dotBytesAsm(dotBytesAVX2F32, lanes),
		axpyBytes:          axpyBytesAsm(axpyBytesAVX2F32, lanes),
		dotBytesRows:       dotBytesRowsAsm(dotBytesRows4AVX2F32, lanes, dotBytesRowsWith(dotBytesAsm(dotBytesAVX2F32, lanes))),
		axpyBytesRows:      axpyBytesRowsAsm(axpyBytesRowsAVX2F32, lanes),
		sigmoid:            sigmoidAsm(sigmoidPolyAVX2F32, 4),
		sumBCE:             sumBCEAsm(sumBCEPolyAVX2F32, 4),
	}
}

func avx2Elementwise64() *elementwise[float64] {
	const lanes = 4
	return &elementwise[float64]{
		name:               "avx2",
		add:                binaryAsm(addAVX2F64, lanes, addGo[float64]),
		sub:                binaryAsm(subAVX2F64, lanes, subGo[float64]),
		mul:                binaryAsm(mulAVX2F64, lanes, mulGo[float64]),
		scale:              scaleAsm(scaleAVX2F64, lanes, scaleGo[float64]),
		addScaled:          addScaledAsm(addScaledAVX2F64, lanes, addScaledGo[float64]),
		addConst:           addConstAsm(addConstAVX2F64, lanes, addConstGo[float64]),
		addConstReLU:       addConstAsm(addConstReLUAVX2F64, lanes, addConstReLUGo[float64]),
		mulStep:            binaryAsm(mulStepAVX2F64, lanes, mulStepGo[float64]),
		nonFinite:          nonFiniteAsm(nonFiniteAVX2F64, lanes),
		nonFiniteAddScaled: nonFiniteAddScaledAsm(nonFiniteAddScaledAVX2F64, lanes),
		dotBytes:           dotBytesGo[float64],
		axpyBytes:          axpyBytesGo[float64],
		dotBytesRows:       dotBytesRowsWith(dotBytesGo[float64]),
		axpyBytesRows:      axpyBytesRowsWith(axpyBytesGo[float64]),
		sigmoid:            sigmoidGo[float64],
		sumBCE:             sumBCEGo[float64],
	}
}

// whole returns the number of leading elements of n that fill whole
// vectors of lanes elements; lanes is a power of two.
func whole(n, lanes int) int { return n &^ (lanes - 1) }

func binaryAsm[T Float](f func(dst, a, b *T, n int), lanes int, tail func(dst, a, b []T)) func(dst, a, b []T) {
	return func(dst, a, b []T) {
		v := whole(len(dst), lanes)
		if v > 0 {
			_, _ = a[v-1], b[v-1]
			f(&dst[0], &a[0], &b[0], v)
		}
		if v < len(dst) {
			tail(dst[v:], a[v:], b[v:])
		}
	}
}

func scaleAsm[T Float](f func(dst, a *T, n int, s T), lanes int, tail func(dst []T, s T, a []T)) func(dst []T, s T, a []T) {
	return func(dst []T, s T, a []T) {
		v := whole(len(dst), lanes)
		if v > 0 {
			_ = a[v-1]
			f(&dst[0], &a[0], v, s)
		}
		if v < len(dst) {
			tail(dst[v:], s, a[v:])
		}
	}
}

func addScaledAsm[T Float](f func(dst, a, b *T, n int, s T), lanes int, tail func(dst, a []T, s T, b []T)) func(dst, a []T, s T, b []T) {
	return func(dst, a []T, s T, b []T) {
		v := whole(len(dst), lanes)
		if v > 0 {
			_, _ = a[v-1], b[v-1]
			f(&dst[0], &a[0], &b[0], v, s)
		}
		if v < len(dst) {
			tail(dst[v:], a[v:], s, b[v:])
		}
	}
}

func addConstAsm[T Float](f func(dst, a *T, n int, c T), lanes int, tail func(dst, a []T, c T)) func(dst, a []T, c T) {
	return func(dst, a []T, c T) {
		v := whole(len(dst), lanes)
		if v > 0 {
			_ = a[v-1]
			f(&dst[0], &a[0], v, c)
		}
		if v < len(dst) {
			tail(dst[v:], a[v:], c)
		}
	}
}

// nonFiniteAsm returns the search of the first NaN or ±Inf: the assembly
// finds the first block of vectors that holds one, or none, and the
// portable loop finds the element from there.
func nonFiniteAsm[T Float](f func(a *T, n int) int, lanes int) func(a []T) int {
	return func(a []T) int {
		start := 0
		if v := whole(len(a), lanes); v > 0 {
			start = f(&a[0], v)
		}
		if i := nonFiniteGo(a[start:]); i >= 0 {
			return start + i
		}
		return -1
	}
}

func nonFiniteAddScaledAsm[T Float](f func(a, b *T, n int, s T) int, lanes int) func(a []T, s T, b []T) int {
	return func(a []T, s T, b []T) int {
		start := 0
		if v := whole(len(a), lanes); v > 0 {
			_ = b[v-1]
			start = f(&a[0], &b[0], v, s)
		}
		if i := nonFiniteAddScaledGo(a[start:], s, b[start:]); i >= 0 {
			return start + i
		}
		return -1
	}
}

func dotBytesAsm(f func(x *uint8, y *float32, n int) float32, lanes int) func(x []uint8, y []float32) float32 {
	return func(x []uint8, y []float32) float32 {
		var s float32
		v := whole(len(x), lanes)
		if v > 0 {
			_ = y[v-1]
			s = f(&x[0], &y[0], v)
		}
		return s + dotBytesGo(x[v:], y[v:])
	}
}

func axpyBytesAsm(f func(y *float32, x *uint8, n int, alpha float32), lanes int) func(y []float32, alpha float32, x []uint8) {
	return func(y []float32, alpha float32, x []uint8) {
		v := whole(len(y), lanes)
		if v > 0 {
			_ = x[v-1]
			f(&y[0], &x[0], v, alpha)
		}
		if v < len(y) {
			axpyBytesGo(y[v:], alpha, x[v:])
		}
	}
}

// dotBytesRowsAsm returns DotBytesRows that runs the four-row kernel f on
// groups of four rows, on the first n − n mod lanes elements of each, and
// the portable loop on the other elements. The rows after the last group
// of four go to one, DotBytesRows by a one-row kernel.
func dotBytesRowsAsm(f func(z *float32, x *uint8, ldx int, w *float32, n int), lanes int, one func(z []float32, s float32, x []uint8, w []float32)) func(z []float32, s float32, x []uint8, w []float32) {
	return func(z []float32, s float32, x []uint8, w []float32) {
		n := len(w)
		v := whole(n, lanes)
		e := 0
		if v > 0 {
			var sums [4]float32
			for ; e+4 <= len(z); e += 4 {
				_ = x[(e+3)*n+v-1]
				f(&sums[0], &x[e*n], n, &w[0], v)
				for r, t := range sums {
					if v < n {
						t += dotBytesGo(x[(e+r)*n+v:(e+r+1)*n], w[v:])
					}
					z[e+r] = s * t
				}
			}
		}
		one(z[e:], s, x[e*n:], w)
	}
}

// axpyBytesRowsAsm returns AxpyBytesRows that runs the assembly f on the
// first n − n mod lanes elements of d and the portable loop, row by row,
// on the others. The result equals, bit for bit, that of the one-row
// kernel with vectors of lanes elements. lanes is a multiple of f's.
func axpyBytesRowsAsm(f func(d, dz *float32, x *uint8, ldx, rows, n int), lanes int) func(d, dz []float32, x []uint8) {
	return func(d, dz []float32, x []uint8) {
		n := len(d)
		v := whole(n, lanes)
		if v > 0 && len(dz) > 0 {
			_ = x[(len(dz)-1)*n+v-1]
			f(&d[0], &dz[0], &x[0], n, len(dz), v)
		}
		if v < n {
			for e, a := range dz {
				axpyBytesGo(d[v:], a, x[e*n+v:(e+1)*n])
			}
		}
	}
}

// sigmoidAsm returns Sigmoid that runs f on the first len(z) − len(z) mod
// lanes elements and sigmoidGo on the others. lanes is the number of
// float64 lanes of f's vectors.
func sigmoidAsm(f func(a, z *float32, n int), lanes int) func(a, z []float32) {
	return func(a, z []float32) {
		v := whole(len(z), lanes)
		if v > 0 {
			_ = a[v-1]
			f(&a[0], &z[0], v)
		}
		sigmoidGo(a[v:], z[v:])
	}
}

// sumBCEAsm returns SumBCE that runs f on the first len(z) − len(z) mod
// lanes elements and sumBCEGo on the others.
func sumBCEAsm(f func(z, y *float32, n int) float64, lanes int) func(z, y []float32) float64 {
	return func(z, y []float32) float64 {
		v := whole(len(z), lanes)
		var s float64
		if v > 0 {
			_ = y[v-1]
			s = f(&z[0], &y[0], v)
		}
		return s + sumBCEGo(z[v:], y[v:])
	}
}

// gatherRowsTransAVX512 fills the columns of dst in groups of 16, up to
// 64 per call of the assembly, with one gather per group and row of dst.
// It fills none when an element offset of src does not fit in int32.
func gatherRowsTransAVX512(dst, src []float32, n int, idx []int, k0, k1 int) int {
	w := len(idx)
	if len(src) > math.MaxInt32 || n == 0 {
		return k0
	}
	var offs [64]int32
	for k0+16 <= k1 {
		cnt := min(64, k1-k0) &^ 15
		for k := range cnt {
			offs[k] = int32(idx[k0+k] * n)
		}
		gatherRowsTransAVX512F32(&dst[k0], &src[0], &offs[0], n, cnt, w)
		k0 += cnt
	}
	return k0
}

// gatherRowsTransAVX2 fills the columns of dst in groups of 8, each with
// 8×8 transposes of eight rows of src, and the last n mod 8 rows of the
// group in Go.
func gatherRowsTransAVX2(dst, src []float32, n int, idx []int, k0, k1 int) int {
	w := len(idx)
	whole := n &^ 7
	if whole == 0 {
		return k0
	}
	var rows [8]*float32
	for ; k0+8 <= k1; k0 += 8 {
		for r := range rows {
			row := src[idx[k0+r]*n : idx[k0+r]*n+n]
			rows[r] = &row[0]
		}
		_ = dst[(n-1)*w+k0+7]
		gatherTransAVX2F32(&dst[k0], w, &rows, whole*4)
		for i := whole; i < n; i++ {
			for r := range 8 {
				dst[i*w+k0+r] = src[idx[k0+r]*n+i]
			}
		}
	}
	return k0
}

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		updateImpls32 = append(updateImpls32, &update[float32]{
			name:          "avx2",
			momentumCheck: momentumCheckAsm(momentumCheckAVX2F32, 8),
			momentumApply: momentumApplyAsm(momentumApplyAVX2F32, 8),
			adamCheck:     adamCheckAsm(adamCheckAVX2F32, 8),
			adamApply:     adamApplyAsm(adamApplyAVX2F32, 8),
			rmspropCheck:  rmspropCheckAsm(rmspropCheckAVX2F32, 8),
			rmspropApply:  rmspropApplyAsm(rmspropApplyAVX2F32, 8),
		})
		updateImpls64 = append(updateImpls64, &update[float64]{
			name:          "avx2",
			momentumCheck: momentumCheckAsm(momentumCheckAVX2F64, 4),
			momentumApply: momentumApplyAsm(momentumApplyAVX2F64, 4),
			adamCheck:     adamCheckAsm(adamCheckAVX2F64, 4),
			adamApply:     adamApplyAsm(adamApplyAVX2F64, 4),
			rmspropCheck:  rmspropCheckAsm(rmspropCheckAVX2F64, 4),
			rmspropApply:  rmspropApplyAsm(rmspropApplyAVX2F64, 4),
		})
	}
	if cpu.X86.HasAVX512F {
		updateImpls32 = append(updateImpls32, &update[float32]{
			name:          "avx512",
			momentumCheck: momentumCheckAsm(momentumCheckAVX512F32, 16),
			momentumApply: momentumApplyAsm(momentumApplyAVX512F32, 16),
			adamCheck:     adamCheckAsm(adamCheckAVX512F32, 16),
			adamApply:     adamApplyAsm(adamApplyAVX512F32, 16),
			rmspropCheck:  rmspropCheckAsm(rmspropCheckAVX512F32, 16),
			rmspropApply:  rmspropApplyAsm(rmspropApplyAVX512F32, 16),
		})
		updateImpls64 = append(updateImpls64, &update[float64]{
			name:          "avx512",
			momentumCheck: momentumCheckAsm(momentumCheckAVX512F64, 8),
			momentumApply: momentumApplyAsm(momentumApplyAVX512F64, 8),
			adamCheck:     adamCheckAsm(adamCheckAVX512F64, 8),
			adamApply:     adamApplyAsm(adamApplyAVX512F64, 8),
			rmspropCheck:  rmspropCheckAsm(rmspropCheckAVX512F64, 8),
			rmspropApply:  rmspropApplyAsm(rmspropApplyAVX512F64, 8),
		})
	}
	update32 = updateImpls32[len(updateImpls32)-1]
	update64 = updateImpls64[len(updateImpls64)-1]
}

// The optimizer kernels' wrappers: the assembly stops at the last whole
// vector, or at the first vector holding a non-finite value, and the
// portable loop finishes. The callers have resliced every operand to
// len(p).

func momentumCheckAsm[T Float](f func(p, grad, v *T, n int, a, beta, oneMinusBeta T) int, lanes int) func(p, g, v []T, alpha, beta T) int {
	return func(p, g, v []T, alpha, beta T) int {
		start := 0
		if w := whole(len(p), lanes); w > 0 {
			start = f(&p[0], &g[0], &v[0], w, alpha, beta, 1-beta)
		}
		if k := momentumCheckGo(p[start:], g[start:], v[start:], alpha, beta); k >= 0 {
			return start + k
		}
		return -1
	}
}

func momentumApplyAsm[T Float](f func(p, grad, v *T, n int, a, beta, oneMinusBeta T), lanes int) func(p, g, v []T, alpha, beta T) {
	return func(p, g, v []T, alpha, beta T) {
		w := whole(len(p), lanes)
		if w > 0 {
			f(&p[0], &g[0], &v[0], w, alpha, beta, 1-beta)
		}
		momentumApplyGo(p[w:], g[w:], v[w:], alpha, beta)
	}
}

func adamCheckAsm[T Float](f func(p, grad, m, v, d *T, n int, a, beta1, oneMinusBeta1, beta2, oneMinusBeta2, c1, c2, eps T) int, lanes int) func(p, g, m, v, d []T, alpha, beta1, beta2, c1, c2, eps T) int {
	return func(p, g, m, v, d []T, alpha, beta1, beta2, c1, c2, eps T) int {
		start := 0
		if w := whole(len(p), lanes); w > 0 {
			start = f(&p[0], &g[0], &m[0], &v[0], &d[0], w, alpha, beta1, 1-beta1, beta2, 1-beta2, c1, c2, eps)
		}
		if k := adamCheckGo(p[start:], g[start:], m[start:], v[start:], d[start:], alpha, beta1, beta2, c1, c2, eps); k >= 0 {
			return start + k
		}
		return -1
	}
}

func adamApplyAsm[T Float](f func(p, grad, m, v, d *T, n int, beta1, oneMinusBeta1, beta2, oneMinusBeta2 T), lanes int) func(p, g, m, v, d []T, beta1, beta2 T) {
	return func(p, g, m, v, d []T, beta1, beta2 T) {
		w := whole(len(p), lanes)
		if w > 0 {
			f(&p[0], &g[0], &m[0], &v[0], &d[0], w, beta1, 1-beta1, beta2, 1-beta2)
		}
		adamApplyGo(p[w:], g[w:], m[w:], v[w:], d[w:], beta1, beta2)
	}
}

func rmspropCheckAsm[T Float](f func(p, grad, s, d *T, n int, a, beta, oneMinusBeta, eps T) int, lanes int) func(p, g, s, d []T, alpha, beta, eps T) int {
	return func(p, g, s, d []T, alpha, beta, eps T) int {
		start := 0
		if w := whole(len(p), lanes); w > 0 {
			start = f(&p[0], &g[0], &s[0], &d[0], w, alpha, beta, 1-beta, eps)
		}
		if k := rmspropCheckGo(p[start:], g[start:], s[start:], d[start:], alpha, beta, eps); k >= 0 {
			return start + k
		}
		return -1
	}
}

func rmspropApplyAsm[T Float](f func(p, grad, s, d *T, n int, beta, oneMinusBeta T), lanes int) func(p, g, s, d []T, beta T) {
	return func(p, g, s, d []T, beta T) {
		w := whole(len(p), lanes)
		if w > 0 {
			f(&p[0], &g[0], &s[0], &d[0], w, beta, 1-beta)
		}
		rmspropApplyGo(p[w:], g[w:], s[w:], d[w:], beta)
	}
}
