package main

import (
	"fmt"
	"math"
)

// The logistic kernels compute, for float32 inputs widened to float64,
// the sigmoid and the summed binary cross-entropy of logistic.go with the
// same operations in the same order, a vector of float64 lanes at a time.
// Their constants are in the table logisticConst, each repeated over 64
// bytes so that a Y or Z operand reads it from memory.

// logisticConsts lists the table's constants in order.
var logisticConsts = []struct {
	name string
	bits uint64
}{
	{"signMask", 1 << 63},
	{"expMin", math.Float64bits(-708)},
	{"log2E", math.Float64bits(1.44269504088896338700e+00)},
	{"roundShift", math.Float64bits(0x1.8p52)},

	// bits(roundShift) − 1023: subtracted from the bits of t, it leaves
	// the biased exponent k + 1023.
	{"expBias", math.Float64bits(0x1.8p52) - 1023},
	{"ln2Hi", math.Float64bits(6.93147180369123816490e-01)},
	{"ln2Lo", math.Float64bits(1.90821492927058770002e-10)},
	{"one", math.Float64bits(1)},
	{"two", math.Float64bits(2)},

	// e^r: Q(r) = Σ r^i/(i + 2)! for i = 0 … 11.
	{"e2", math.Float64bits(1.0 / 2)},
	{"e3", math.Float64bits(1.0 / 6)},
	{"e4", math.Float64bits(1.0 / 24)},
	{"e5", math.Float64bits(1.0 / 120)},
	{"e6", math.Float64bits(1.0 / 720)},
	{"e7", math.Float64bits(1.0 / 5040)},
	{"e8", math.Float64bits(1.0 / 40320)},
	{"e9", math.Float64bits(1.0 / 362880)},
	{"e10", math.Float64bits(1.0 / 3628800)},
	{"e11", math.Float64bits(1.0 / 39916800)},
	{"e12", math.Float64bits(1.0 / 479001600)},
	{"e13", math.Float64bits(1.0 / 6227020800)},

	// ln(1 + e): Q(t) = Σ t^j/(2j + 3) for j = 0 … 14.
	{"l3", math.Float64bits(1.0 / 3)},
	{"l5", math.Float64bits(1.0 / 5)},
	{"l7", math.Float64bits(1.0 / 7)},
	{"l9", math.Float64bits(1.0 / 9)},
	{"l11", math.Float64bits(1.0 / 11)},
	{"l13", math.Float64bits(1.0 / 13)},
	{"l15", math.Float64bits(1.0 / 15)},
	{"l17", math.Float64bits(1.0 / 17)},
	{"l19", math.Float64bits(1.0 / 19)},
	{"l21", math.Float64bits(1.0 / 21)},
	{"l23", math.Float64bits(1.0 / 23)},
	{"l25", math.Float64bits(1.0 / 25)},
	{"l27", math.Float64bits(1.0 / 27)},
	{"l29", math.Float64bits(1.0 / 29)},
	{"l31", math.Float64bits(1.0 / 31)},
}

// c returns the memory operand of the named constant.
func c(name string) string {
	for i, k := range logisticConsts {
		if k.name == name {
			return fmt.Sprintf("logisticConst<>+%d(SB)", 64*i)
		}
	}
	panic("elemgen: no constant " + name)
}

// logisticTable writes the constant table.
func (g *gen) logisticTable() {
	fmt.Fprintf(&g.asm, "\n")
	for i, k := range logisticConsts {
		for j := range 8 {
			fmt.Fprintf(&g.asm, "DATA logisticConst<>+%d(SB)/8, $0x%016x\n", 64*i+8*j, k.bits)
		}
	}
	fmt.Fprintf(&g.asm, "GLOBL logisticConst<>(SB), RODATA|NOPTR, $%d\n", 64*len(logisticConsts))
}

// polyPair emits dst = t·c(hi) + c(lo), a pair of terms of a polynomial
// in t as the portable code writes it: lo + t·hi.
func (g *gen) polyPair(s isa, dst, t int, lo, hi string) {
	g.op("VMULPD %s, %s, %s", c(hi), s.v(t), s.v(dst))
	g.op("VADDPD %s, %s, %s", c(lo), s.v(dst), s.v(dst))
}

// expNonPos emits e = e^x for x ≤ 0 in register x, as expNonPos computes
// it for x ≥ −708, and 0 in the lanes where x < −708, whose exponential
// is subnormal or 0. A NaN stays NaN. It uses the registers in tmp (10)
// and leaves e in tmp[0].
func (g *gen) expNonPos(s isa, x int, tmp []int) {
	e, t, kf, scale, r, r2, r4, r8, a, b := tmp[0], tmp[1], tmp[2], tmp[3], tmp[4], tmp[5], tmp[6], tmp[7], tmp[8], tmp[9]
	v := s.v

	// t = x·log2E + roundShift, kf = t − roundShift, and the bits of
	// t less those of roundShift are k.
	g.op("VMULPD %s, %s, %s", c("log2E"), v(x), v(t))
	g.op("VADDPD %s, %s, %s", c("roundShift"), v(t), v(t))
	g.op("VSUBPD %s, %s, %s", c("roundShift"), v(t), v(kf))
	g.op("VPSUBQ %s, %s, %s", c("expBias"), v(t), v(scale))
	g.op("VPSLLQ $52, %s, %s", v(scale), v(scale))

	// r = (x − kf·ln2Hi) − kf·ln2Lo.
	g.op("VMULPD %s, %s, %s", c("ln2Hi"), v(kf), v(e))
	g.op("VSUBPD %s, %s, %s", v(e), v(x), v(r))
	g.op("VMULPD %s, %s, %s", c("ln2Lo"), v(kf), v(e))
	g.op("VSUBPD %s, %s, %s", v(e), v(r), v(r))
	g.op("VMULPD %s, %s, %s", v(r), v(r), v(r2))
	g.op("VMULPD %s, %s, %s", v(r2), v(r2), v(r4))
	g.op("VMULPD %s, %s, %s", v(r4), v(r4), v(r8))

	// q = ((q0 + q1·r²) + (q2 + q3·r²)·r⁴) + (q4 + q5·r²)·r⁸.
	g.polyPair(s, a, r, "e2", "e3")
	g.polyPair(s, e, r, "e4", "e5")
	g.op("VMULPD %s, %s, %s", v(r2), v(e), v(e))
	g.op("VADDPD %s, %s, %s", v(e), v(a), v(a))
	g.polyPair(s, b, r, "e6", "e7")
	g.polyPair(s, e, r, "e8", "e9")
	g.op("VMULPD %s, %s, %s", v(r2), v(e), v(e))
	g.op("VADDPD %s, %s, %s", v(e), v(b), v(b))
	g.op("VMULPD %s, %s, %s", v(r4), v(b), v(b))
	g.op("VADDPD %s, %s, %s", v(b), v(a), v(a))
	g.polyPair(s, b, r, "e10", "e11")
	g.polyPair(s, e, r, "e12", "e13")
	g.op("VMULPD %s, %s, %s", v(r2), v(e), v(e))
	g.op("VADDPD %s, %s, %s", v(e), v(b), v(b))
	g.op("VMULPD %s, %s, %s", v(r8), v(b), v(b))
	g.op("VADDPD %s, %s, %s", v(b), v(a), v(a))

	// e = (1 + (r + r²·q))·2^k.
	g.op("VMULPD %s, %s, %s", v(a), v(r2), v(e))
	g.op("VADDPD %s, %s, %s", v(r), v(e), v(e))
	g.op("VADDPD %s, %s, %s", c("one"), v(e), v(e))
	g.op("VMULPD %s, %s, %s", v(scale), v(e), v(e))

	// Clear the lanes where x < −708; NaN compares as not less.
	if s.name == "AVX512" {
		g.op("VCMPPD $5, %s, %s, K2", c("expMin"), v(x))
		g.op("VMOVAPD.Z %s, K2, %s", v(e), v(e))
	} else {
		g.op("VCMPPD $5, %s, %s, %s", c("expMin"), v(x), v(t))
		g.op("VANDPD %s, %s, %s", v(t), v(e), v(e))
	}
}

// log1pUnit emits l = ln(1 + e) for 0 ≤ e ≤ 1 in register e, as
// log1pUnit computes it. It uses the registers in tmp (9) and leaves l
// in tmp[0].
func (g *gen) log1pUnit(s isa, e int, tmp []int) {
	l, sr, t, t2, t4, t8, a, b, d := tmp[0], tmp[1], tmp[2], tmp[3], tmp[4], tmp[5], tmp[6], tmp[7], tmp[8]
	v := s.v

	// s = e/(2 + e), t = s².
	g.op("VADDPD %s, %s, %s", c("two"), v(e), v(l))
	g.op("VDIVPD %s, %s, %s", v(l), v(e), v(sr))
	g.op("VMULPD %s, %s, %s", v(sr), v(sr), v(t))
	g.op("VMULPD %s, %s, %s", v(t), v(t), v(t2))
	g.op("VMULPD %s, %s, %s", v(t2), v(t2), v(t4))
	g.op("VMULPD %s, %s, %s", v(t4), v(t4), v(t8))

	// q = ((q0 + q1·t²) + (q2 + q3·t²)·t⁴) + ((q4 + q5·t²) + (q6 + q7·t²)·t⁴)·t⁸.
	g.polyPair(s, a, t, "l3", "l5")
	g.polyPair(s, l, t, "l7", "l9")
	g.op("VMULPD %s, %s, %s", v(t2), v(l), v(l))
	g.op("VADDPD %s, %s, %s", v(l), v(a), v(a))
	g.polyPair(s, b, t, "l11", "l13")
	g.polyPair(s, l, t, "l15", "l17")
	g.op("VMULPD %s, %s, %s", v(t2), v(l), v(l))
	g.op("VADDPD %s, %s, %s", v(l), v(b), v(b))
	g.op("VMULPD %s, %s, %s", v(t4), v(b), v(b))
	g.op("VADDPD %s, %s, %s", v(b), v(a), v(a))
	g.polyPair(s, b, t, "l19", "l21")
	g.polyPair(s, l, t, "l23", "l25")
	g.op("VMULPD %s, %s, %s", v(t2), v(l), v(l))
	g.op("VADDPD %s, %s, %s", v(l), v(b), v(b))
	g.polyPair(s, d, t, "l27", "l29")
	g.op("VMULPD %s, %s, %s", c("l31"), v(t2), v(l))
	g.op("VADDPD %s, %s, %s", v(l), v(d), v(d))
	g.op("VMULPD %s, %s, %s", v(t4), v(d), v(d))
	g.op("VADDPD %s, %s, %s", v(d), v(b), v(b))
	g.op("VMULPD %s, %s, %s", v(t8), v(b), v(b))
	g.op("VADDPD %s, %s, %s", v(b), v(a), v(a))

	// l = 2s + 2s·(t·q).
	g.op("VADDPD %s, %s, %s", v(sr), v(sr), v(b))
	g.op("VMULPD %s, %s, %s", v(a), v(t), v(l))
	g.op("VMULPD %s, %s, %s", v(l), v(b), v(l))
	g.op("VADDPD %s, %s, %s", v(l), v(b), v(l))
}

// signBlend emits dst = (sign bit of x set) ? ifSet : ifClear, with
// ifClear in a register. AVX-512 leaves the sign mask in K3.
func (g *gen) signBlend(s isa, x, ifSet, ifClear, dst int) {
	if s.name == "AVX512" {
		g.op("VPTESTMQ %s, %s, K3", c("signMask"), s.v(x))
		g.op("VBLENDMPD %s, %s, K3, %s", s.v(ifSet), s.v(ifClear), s.v(dst))
		return
	}
	g.op("VBLENDVPD %s, %s, %s, %s", s.v(x), s.v(ifSet), s.v(ifClear), s.v(dst))
}

// orOp and xorOp return the instructions for the bitwise OR and XOR of
// whole vectors. The AVX-512 kernels keep to AVX512F, which has VPORQ and
// VPXORQ but not the VORPD and VXORPD of AVX512DQ.
func orOp(s isa) string {
	if s.name == "AVX512" {
		return "VPORQ"
	}
	return "VORPD"
}

func xorOp(s isa) string {
	if s.name == "AVX512" {
		return "VPXORQ"
	}
	return "VXORPD"
}

// cvtNarrow returns the instruction that rounds the float64 lanes of
// vector register r to float32, and the register it writes.
func cvtNarrow(s isa, r int) (op, reg string) {
	if s.name == "AVX512" {
		return "VCVTPD2PS", fmt.Sprintf("Y%d", r)
	}
	return "VCVTPD2PSY", fmt.Sprintf("X%d", r)
}

// sigmoid writes the kernel sigmoidPoly<ISA>F32: a[i] = σ(z[i]) as
// sigmoidPoly computes it in float64, for i < n, n a multiple of the
// float64 lanes.
func (g *gen) sigmoid(s isa) {
	name := "sigmoidPoly" + s.name + "F32"
	g.handKernel(name,
		"sets a[i] = σ(z[i]) for i < n, n a multiple of the\n// float64 lanes, in float64 as sigmoidPoly does, and rounds it to float32.",
		"a, z *float32, n int",
		"a DI", "z SI", "n CX")
	lanes := s.vbits / 64
	const x, nx, one, num = 0, 1, 2, 3
	tmp := []int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	v := s.v
	g.op("VMOVUPD %s, %s", c("one"), v(one))
	g.op("XORQ AX, AX")
	g.op("TESTQ CX, CX")
	g.op("JZ done")
	g.label("loop")
	g.op("VCVTPS2PD (SI)(AX*4), %s", v(x))
	g.op("%s %s, %s, %s", orOp(s), c("signMask"), v(x), v(nx))
	g.expNonPos(s, nx, tmp)
	e := tmp[0]

	// num is e where z < 0 and 1 elsewhere; σ = num/(1 + e).
	g.signBlend(s, x, e, one, num)
	g.op("VADDPD %s, %s, %s", v(one), v(e), v(e))
	g.op("VDIVPD %s, %s, %s", v(e), v(num), v(num))
	op, r := cvtNarrow(s, num)
	g.op("%s %s, %s", op, v(num), r)
	g.op("VMOVUPS %s, (DI)(AX*4)", r)
	g.op("ADDQ $%d, AX", lanes)
	g.op("CMPQ AX, CX")
	g.op("JB loop")
	g.label("done")
	g.op("VZEROUPPER")
	g.op("RET")
}

// sumBCE writes the kernel sumBCEPoly<ISA>F32: the sum over i < n of
// bceTermPoly(z[i], y[i]) in float64, n a multiple of the float64 lanes.
// Each lane keeps its own sum, added up at the end.
func (g *gen) sumBCE(s isa) {
	name := "sumBCEPoly" + s.name + "F32"
	fmt.Fprintf(&g.decl, "\n// %s returns Σ_{i<n} max(z[i], 0) − z[i]·y[i] + ln(1 + e^−|z[i]|)\n// in float64, n a multiple of the float64 lanes, each term as bceTermPoly\n// computes it.\n//\n//go:noescape\nfunc %s(z, y *float32, n int) float64\n", name, name)
	fmt.Fprintf(&g.asm, "\n// func %s(z, y *float32, n int) float64\nTEXT ·%s(SB), NOSPLIT, $0-32\n", name, name)
	g.op("MOVQ z+0(FP), SI")
	g.op("MOVQ y+8(FP), DX")
	g.op("MOVQ n+16(FP), CX")
	lanes := s.vbits / 64
	const acc, x, yv, nx, zero = 0, 1, 2, 3, 14
	tmp := []int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	v := s.v
	g.op("%s %s, %s, %s", xorOp(s), v(acc), v(acc), v(acc))
	g.op("%s %s, %s, %s", xorOp(s), v(zero), v(zero), v(zero))
	g.op("XORQ AX, AX")
	g.op("TESTQ CX, CX")
	g.op("JZ sum")
	g.label("loop")
	g.op("VCVTPS2PD (SI)(AX*4), %s", v(x))
	g.op("VCVTPS2PD (DX)(AX*4), %s", v(yv))
	g.op("%s %s, %s, %s", orOp(s), c("signMask"), v(x), v(nx))
	g.expNonPos(s, nx, tmp)
	e := tmp[0]

	// nx = max(z, 0) − z·y, with z's lanes whose sign bit is set cleared.
	g.signBlend(s, x, zero, x, nx)
	g.op("VMULPD %s, %s, %s", v(yv), v(x), v(yv))
	g.op("VSUBPD %s, %s, %s", v(yv), v(nx), v(nx))
	g.log1pUnit(s, e, []int{x, 5, 6, 7, 8, 9, 10, 11, 12})
	g.op("VADDPD %s, %s, %s", v(x), v(nx), v(nx))
	g.op("VADDPD %s, %s, %s", v(nx), v(acc), v(acc))
	g.op("ADDQ $%d, AX", lanes)
	g.op("CMPQ AX, CX")
	g.op("JB loop")
	g.label("sum")
	if s.name == "AVX512" {
		g.op("VEXTRACTF64X4 $1, Z0, Y1")
		g.op("VADDPD Y1, Y0, Y0")
	}
	g.op("VEXTRACTF128 $1, Y0, X1")
	g.op("VADDPD X1, X0, X0")
	g.op("VPERMILPD $1, X0, X1")
	g.op("VADDSD X1, X0, X0")
	g.op("VMOVSD X0, ret+24(FP)")
	g.op("VZEROUPPER")
	g.op("RET")
}
