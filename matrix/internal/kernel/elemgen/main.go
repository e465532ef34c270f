// Command elemgen writes the amd64 assembly of package kernel's
// element-wise kernels, for float32 and float64, with AVX2 and with
// AVX-512: elementwise_amd64.s and the Go declarations and slice wrappers
// in elementwise_decl_amd64.go, in the current directory.
//
// Each kernel walks its operands contiguously, four vectors per loop
// iteration and then one vector at a time, and stops at the last whole
// vector; the Go wrapper finishes the remaining elements with the
// portable loop, so every element gets the same operations in the same
// order as in that loop. No kernel fuses a multiply and an add that the
// portable loop rounds separately, so results are bit-identical to it.
//
// Usage, from the kernel directory:
//
//	go run ./elemgen
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"math/bits"
	"os"
	"strings"
)

// isa describes one instruction set.
type isa struct {
	name  string // AVX2 or AVX512
	vbits int    // vector width in bits
	reg   string // vector register prefix: Y or Z
}

var (
	avx2   = isa{name: "AVX2", vbits: 256, reg: "Y"}
	avx512 = isa{name: "AVX512", vbits: 512, reg: "Z"}
)

// elem describes one element type.
type elem struct {
	name string // F32 or F64
	goty string // float32 or float64
	size int    // bytes
	sfx  string // packed instruction suffix: PS or PD
	isfx string // integer lane suffix: D or Q
}

var (
	f32 = elem{name: "F32", goty: "float32", size: 4, sfx: "PS", isfx: "D"}
	f64 = elem{name: "F64", goty: "float64", size: 8, sfx: "PD", isfx: "Q"}
)

// defaultUnroll is the number of vectors the main loop handles per
// iteration.
const defaultUnroll = 4

func (s isa) lanes(e elem) int { return s.vbits / 8 / e.size }

// v returns vector register i.
func (s isa) v(i int) string {
	if s.name == "AVX2" && i >= rA {
		// AVX2 has 16 vector registers: the optimizer kernels' scalars
		// take those the others leave free.
		i = avx2Scalars[i-rA]
	}
	return fmt.Sprintf("%s%d", s.reg, i)
}

// avx2Scalars are the AVX2 registers of the optimizer kernels' scalars
// rA … rEps. The kernels use V0–V3 for values, V4–V7 for the masks of
// non-finite values (see markNonFinite) and V10 for the exponent mask.
// Only RMSprop and Adam use ε, and neither uses V7 as a mask.
var avx2Scalars = [...]int{8, 9, 11, 12, 13, 14, 15, 7}

// Vector registers by role: values V0–V3, second operands and temporaries
// V4–V7, constants from V8 on.
const (
	rScalar = 8  // the broadcast scalar argument
	rZero   = 9  // zeros
	rExp    = 10 // the exponent mask of a non-finite value
)

// arg is one argument of a kernel.
type arg struct {
	name string
	kind string // "ptr" (element pointer), "bytes" (*uint8), "n" (int) or "scalar" (element)
	reg  string // the general-purpose register of a pointer or n
	vreg int    // the vector register of a scalar, when not rScalar
}

// kernel describes one element-wise kernel.
type kernel struct {
	name    string
	doc     string // the loop it computes, for the declaration's comment
	args    []arg
	ret     string // "", "int" (an index) or "elem" (a value)
	only32  bool
	unroll  int  // vectors per iteration of the main loop; 0 means 4
	bytesIn bool // the loop index walks a byte operand too

	setup func(g *gen, s isa, e elem)
	// body emits the work on vector v of the current iteration; at(name)
	// is the address of that vector in the named operand.
	body func(g *gen, s isa, e elem, v int, at func(name string) string)
	// check, when set, emits the end-of-iteration test of a search kernel
	// over the nv vectors just processed.
	check func(g *gen, s isa, e elem, nv int)
	// finish emits the reduction of an accumulating kernel before RET.
	finish func(g *gen, s isa, e elem)
}

// gen accumulates assembly text and Go declarations.
type gen struct {
	asm  bytes.Buffer
	decl bytes.Buffer
}

func (g *gen) op(format string, args ...any) { fmt.Fprintf(&g.asm, "\t"+format+"\n", args...) }
func (g *gen) label(name string)             { fmt.Fprintf(&g.asm, "%s:\n", name) }

// frame returns the offset of every argument in the Go frame and the
// frame's size, following the Go ABI0 layout: each argument aligned to its
// size, results after the arguments aligned to the pointer size.
func frame(k kernel, e elem) (offs map[string]int, size int) {
	offs = map[string]int{}
	off := 0
	for _, a := range k.args {
		sz := 8
		if a.kind == "scalar" {
			sz = e.size
		}
		off = (off + sz - 1) / sz * sz
		offs[a.name] = off
		off += sz
	}
	switch k.ret {
	case "int":
		off = (off + 7) / 8 * 8
		offs["ret"] = off
		off += 8
	case "elem":
		off = (off + 7) / 8 * 8
		offs["ret"] = off
		off += e.size
	}
	return offs, off
}

func (g *gen) kernel(k kernel, s isa, e elem) {
	name := fmt.Sprintf("%s%s%s", k.name, s.name, e.name)
	offs, size := frame(k, e)
	lanes := s.lanes(e)

	// Declaration.
	var params []string
	for _, a := range k.args {
		switch a.kind {
		case "ptr":
			params = append(params, a.name+" *"+e.goty)
		case "bytes":
			params = append(params, a.name+" *uint8")
		case "n":
			params = append(params, a.name+" int")
		case "scalar":
			params = append(params, a.name+" "+e.goty)
		}
	}
	ret := ""
	switch k.ret {
	case "int":
		ret = " int"
	case "elem":
		ret = " " + e.goty
	}
	fmt.Fprintf(&g.decl, "\n// %s computes, for i < n − n mod %d,\n//\n//\t%s\n//\n//go:noescape\nfunc %s(%s)%s\n",
		name, lanes, k.doc, name, strings.Join(params, ", "), ret)

	// Prologue: load the arguments.
	fmt.Fprintf(&g.asm, "\n// func %s(%s)%s\nTEXT ·%s(SB), NOSPLIT, $0-%d\n", name, strings.Join(params, ", "), ret, name, size)
	for _, a := range k.args {
		switch a.kind {
		case "ptr", "bytes", "n":
			g.op("MOVQ %s+%d(FP), %s", a.name, offs[a.name], a.reg)
		case "scalar":
			b := "VBROADCASTSS"
			if e.size == 8 {
				b = "VBROADCASTSD"
			}
			r := rScalar
			if a.vreg != 0 {
				r = a.vreg
			}
			g.op("%s %s+%d(FP), %s", b, a.name, offs[a.name], s.v(r))
		}
	}
	if k.setup != nil {
		k.setup(g, s, e)
	}
	g.op("XORQ AX, AX")

	at := func(v int) func(string) string {
		return func(n string) string {
			for _, a := range k.args {
				if a.name != n {
					continue
				}
				if a.kind == "bytes" {
					return fmt.Sprintf("%d(%s)(AX*1)", v*lanes, a.reg)
				}
				return fmt.Sprintf("%d(%s)(AX*%d)", v*lanes*e.size, a.reg, e.size)
			}
			log.Fatalf("%s: no argument %s", name, n)
			return ""
		}
	}

	// Main loop: unroll vectors per iteration.
	unroll := k.unroll
	if unroll == 0 {
		unroll = defaultUnroll
	}
	g.op("MOVQ CX, BX")
	g.op("ANDQ $-%d, BX", unroll*lanes)
	g.op("JZ one")
	g.label("loop4")
	for v := range unroll {
		k.body(g, s, e, v, at(v))
	}
	if k.check != nil {
		k.check(g, s, e, unroll)
	}
	g.op("ADDQ $%d, AX", unroll*lanes)
	g.op("CMPQ AX, BX")
	g.op("JB loop4")

	// One vector at a time.
	g.label("one")
	g.op("MOVQ CX, BX")
	g.op("ANDQ $-%d, BX", lanes)
	g.op("CMPQ AX, BX")
	g.op("JAE done")
	g.label("loop1")
	k.body(g, s, e, 0, at(0))
	if k.check != nil {
		k.check(g, s, e, 1)
	}
	g.op("ADDQ $%d, AX", lanes)
	g.op("CMPQ AX, BX")
	g.op("JB loop1")
	g.label("done")
	if k.finish != nil {
		k.finish(g, s, e)
	}
	switch k.ret {
	case "int":
		g.op("MOVQ AX, ret+%d(FP)", offs["ret"])
	case "elem":
		g.op("MOVS%s X0, ret+%d(FP)", e.sfx[1:], offs["ret"])
	}
	g.op("VZEROUPPER")
	g.op("RET")
}

// Operand registers: the destination, then the sources.
var (
	argDst = arg{name: "dst", kind: "ptr", reg: "DI"}
	argA   = arg{name: "a", kind: "ptr", reg: "SI"}
	argB   = arg{name: "b", kind: "ptr", reg: "DX"}
	argZ   = arg{name: "z", kind: "ptr", reg: "DX"}
	argN   = arg{name: "n", kind: "n", reg: "CX"}
)

func scalarArg(name string) arg { return arg{name: name, kind: "scalar"} }

// binary returns a kernel dst = a op b.
func binary(name, instr, sym string) kernel {
	return kernel{
		name: name, doc: "dst[i] = a[i] " + sym + " b[i]",
		args: []arg{argDst, argA, argB, argN},
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("a"), s.v(v))
			g.op("V%s%s %s, %s, %s", instr, e.sfx, at("b"), s.v(v), s.v(v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(v), at("dst"))
		},
	}
}

// zeroSetup sets the zero register.
func zeroSetup(g *gen, s isa, e elem) {
	g.op("%s %s, %s, %s", xorOp(s), s.v(rZero), s.v(rZero), s.v(rZero))
}

// expSetup broadcasts the exponent mask: a value is NaN or ±Inf exactly
// when its exponent bits are all ones.
func expSetup(g *gen, s isa, e elem) {
	if e.size == 4 {
		g.op("MOVL $0x7f800000, R11")
		g.op("VMOVD R11, X%d", rExp)
		g.op("VPBROADCASTD X%d, %s", rExp, s.v(rExp))
	} else {
		g.op("MOVQ $0x7ff0000000000000, R11")
		g.op("VMOVQ R11, X%d", rExp)
		g.op("VPBROADCASTQ X%d, %s", rExp, s.v(rExp))
	}
}

// markNonFinite emits the test of vector register r: its lanes whose
// exponent bits are all ones become mask 1+v (see markMask).
func markNonFinite(g *gen, s isa, e elem, v, r int) {
	markMask(g, s, e, r, 1+v)
}

// markMask sets mask k to the lanes of vector register r whose exponent
// bits are all ones. Mask k is mask register Kk for AVX-512 and vector
// register 3+k for AVX2; AVX-512 uses vector register 3+k for the test.
func markMask(g *gen, s isa, e elem, r, k int) {
	t := s.v(3 + k)
	if s.name == "AVX2" {
		g.op("VPAND %s, %s, %s", s.v(r), s.v(rExp), t)
		g.op("VPCMPEQ%s %s, %s, %s", e.isfx, s.v(rExp), t, t)
		return
	}
	g.op("VPAND%s %s, %s, %s", e.isfx, s.v(r), s.v(rExp), t)
	g.op("VPCMPEQ%s %s, %s, K%d", e.isfx, s.v(rExp), t, k)
}

// anyMask jumps to done when a lane of any of the masks ks is set.
func anyMask(g *gen, s isa, ks ...int) {
	if s.name == "AVX2" {
		for _, k := range ks[1:] {
			g.op("VPOR %s, %s, %s", s.v(3+k), s.v(3+ks[0]), s.v(3+ks[0]))
		}
		g.op("VPTEST %s, %s", s.v(3+ks[0]), s.v(3+ks[0]))
	} else {
		for _, k := range ks[1:] {
			g.op("KORW K%d, K%d, K%d", k, ks[0], ks[0])
		}
		g.op("KORTESTW K%d, K%d", ks[0], ks[0])
	}
	g.op("JNZ done")
}

// checkNonFinite jumps to done, with AX at the first of the nv vectors
// just tested, when any of them held a non-finite value.
func checkNonFinite(g *gen, s isa, e elem, nv int) {
	var ks []int
	for v := range nv {
		ks = append(ks, 1+v)
	}
	anyMask(g, s, ks...)
}

// optScalar returns a scalar argument of an optimizer kernel, broadcast
// into vector register r: from Z16 on with AVX-512, and into the
// registers of avx2Scalars with AVX2.
func optScalar(name string, r int) arg { return arg{name: name, kind: "scalar", vreg: r} }

// The operands of the optimizer kernels: a parameter, its gradient, its
// state buffers and the step between the two passes. The gradient is not
// named g, which the assembler reads as the goroutine register.
var (
	argP     = arg{name: "p", kind: "ptr", reg: "DI"}
	argG     = arg{name: "grad", kind: "ptr", reg: "SI"}
	argM     = arg{name: "m", kind: "ptr", reg: "DX"}
	argV     = arg{name: "v", kind: "ptr", reg: "R8"}
	argDelta = arg{name: "d", kind: "ptr", reg: "R9"}
)

// The vector registers of the optimizer kernels' scalars.
const (
	rA = 16 + iota
	rBeta1
	rOneMinusBeta1
	rBeta2
	rOneMinusBeta2
	rC1
	rC2
	rEps
)

// optimizerKernels are the update rules of package optim, each as the two
// passes that Step makes: a search for a non-finite new value, which also
// stores the step where the rule has one, and the update. Every
// operation is the portable loop's, in its order, with nothing fused.
var optimizerKernels = []kernel{
	{
		// vk = β·v + (1 − β)·g;  next = p − α·vk
		name: "momentumCheck", doc: "the first vector where β·v + (1−β)·g or p − α·(β·v + (1−β)·g) is not finite",
		args: []arg{argP, argG, argV, argN, optScalar("a", rA), optScalar("beta", rBeta1), optScalar("oneMinusBeta", rOneMinusBeta1)},
		ret:  "int", unroll: 2, setup: expSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			x, t := s.v(v), s.v(2+v)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("v"), s.v(rBeta1), x)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta1), t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, x, x) // vk
			markNonFinite(g, s, e, v, v)
			g.op("VMUL%s %s, %s, %s", e.sfx, x, s.v(rA), t)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("p"), x)
			g.op("VSUB%s %s, %s, %s", e.sfx, t, x, x) // next
			markMask(g, s, e, v, 3+v)
		},
		check: optCheck,
	},
	{
		name: "momentumApply", doc: "v = β·v + (1−β)·g;  p = p − α·v",
		args:   []arg{argP, argG, argV, argN, optScalar("a", rA), optScalar("beta", rBeta1), optScalar("oneMinusBeta", rOneMinusBeta1)},
		unroll: 2,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			x, t := s.v(v), s.v(2+v)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("v"), s.v(rBeta1), x)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta1), t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, x, x)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], x, at("v"))
			g.op("VMUL%s %s, %s, %s", e.sfx, x, s.v(rA), t)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("p"), x)
			g.op("VSUB%s %s, %s, %s", e.sfx, t, x, x)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], x, at("p"))
		},
	},
	{
		// mk = β1·m + (1−β1)·g;  vk = β2·v + (1−β2)·g·g
		// d = α·(mk/c1) / (√(vk/c2) + ε);  next = p − d
		name: "adamCheck", doc: "d = α·m̂/(√v̂ + ε), and the first vector where the new m, v or p is not finite",
		args: []arg{argP, argG, argM, argV, argDelta, argN, optScalar("a", rA), optScalar("beta1", rBeta1), optScalar("oneMinusBeta1", rOneMinusBeta1),
			optScalar("beta2", rBeta2), optScalar("oneMinusBeta2", rOneMinusBeta2), optScalar("c1", rC1), optScalar("c2", rC2), optScalar("eps", rEps)},
		ret: "int", unroll: 1, setup: expSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			mk, vk, t, u := s.v(0), s.v(1), s.v(2), s.v(3)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("m"), s.v(rBeta1), mk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta1), t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, mk, mk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("v"), s.v(rBeta2), vk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta2), t)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), t, t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, vk, vk)
			markNonFinite(g, s, e, 0, 0)                      // K1 from mk
			markNonFinite(g, s, e, 1, 1)                      // K2 from vk
			g.op("VDIV%s %s, %s, %s", e.sfx, s.v(rC1), mk, t) // m̂
			g.op("VMUL%s %s, %s, %s", e.sfx, t, s.v(rA), t)   // α·m̂
			g.op("VDIV%s %s, %s, %s", e.sfx, s.v(rC2), vk, u) // v̂
			g.op("VSQRT%s %s, %s", e.sfx, u, u)
			g.op("VADD%s %s, %s, %s", e.sfx, s.v(rEps), u, u)
			g.op("VDIV%s %s, %s, %s", e.sfx, u, t, t) // d
			g.op("VMOVUP%s %s, %s", e.sfx[1:], t, at("d"))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("p"), u)
			g.op("VSUB%s %s, %s, %s", e.sfx, t, u, u) // next
			markMask(g, s, e, 3, 3)
		},
		check: func(g *gen, s isa, e elem, nv int) { anyMask(g, s, 1, 2, 3) },
	},
	{
		name: "adamApply", doc: "m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g·g;  p = p − d",
		args: []arg{argP, argG, argM, argV, argDelta, argN, optScalar("beta1", rBeta1), optScalar("oneMinusBeta1", rOneMinusBeta1),
			optScalar("beta2", rBeta2), optScalar("oneMinusBeta2", rOneMinusBeta2)},
		unroll: 1,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			mk, vk, t := s.v(0), s.v(1), s.v(2)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("m"), s.v(rBeta1), mk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta1), t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, mk, mk)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], mk, at("m"))
			g.op("VMUL%s %s, %s, %s", e.sfx, at("v"), s.v(rBeta2), vk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta2), t)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), t, t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, vk, vk)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], vk, at("v"))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("p"), t)
			g.op("VSUB%s %s, %s, %s", e.sfx, at("d"), t, t)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], t, at("p"))
		},
	},
	{
		// sk = β·s + (1−β)·g·g;  d = α·g / (√sk + ε);  next = p − d
		name: "rmspropCheck", doc: "d = α·g/(√s' + ε), and the first vector where the new s or p is not finite",
		args: []arg{argP, argG, argV, argDelta, argN, optScalar("a", rA), optScalar("beta", rBeta1), optScalar("oneMinusBeta", rOneMinusBeta1), optScalar("eps", rEps)},
		ret:  "int", unroll: 1, setup: expSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			sk, t, u := s.v(0), s.v(2), s.v(3)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("v"), s.v(rBeta1), sk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta1), t)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), t, t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, sk, sk)
			markNonFinite(g, s, e, 0, 0) // K1 from sk
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rA), t)
			g.op("VSQRT%s %s, %s", e.sfx, sk, u)
			g.op("VADD%s %s, %s, %s", e.sfx, s.v(rEps), u, u)
			g.op("VDIV%s %s, %s, %s", e.sfx, u, t, t) // d
			g.op("VMOVUP%s %s, %s", e.sfx[1:], t, at("d"))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("p"), u)
			g.op("VSUB%s %s, %s, %s", e.sfx, t, u, u) // next
			markMask(g, s, e, 3, 3)
		},
		check: func(g *gen, s isa, e elem, nv int) { anyMask(g, s, 1, 3) },
	},
	{
		name: "rmspropApply", doc: "s = β·s + (1−β)·g·g;  p = p − d",
		args:   []arg{argP, argG, argV, argDelta, argN, optScalar("beta", rBeta1), optScalar("oneMinusBeta", rOneMinusBeta1)},
		unroll: 1,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			sk, t := s.v(0), s.v(2)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("v"), s.v(rBeta1), sk)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), s.v(rOneMinusBeta1), t)
			g.op("VMUL%s %s, %s, %s", e.sfx, at("grad"), t, t)
			g.op("VADD%s %s, %s, %s", e.sfx, t, sk, sk)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], sk, at("v"))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("p"), t)
			g.op("VSUB%s %s, %s, %s", e.sfx, at("d"), t, t)
			g.op("VMOVUP%s %s, %s", e.sfx[1:], t, at("p"))
		},
	},
}

// optCheck jumps to done when any lane of the new state (masks 1 and 2)
// or of the new parameter (masks 3 and 4) is not finite.
func optCheck(g *gen, s isa, e elem, nv int) {
	ks := []int{1}
	for v := 1; v < nv; v++ {
		ks = append(ks, 1+v)
	}
	for v := 0; v < nv; v++ {
		ks = append(ks, 3+v)
	}
	anyMask(g, s, ks...)
}

var kernels = []kernel{
	binary("add", "ADD", "+"),
	binary("sub", "SUB", "−"),
	binary("mul", "MUL", "·"),
	{
		name: "scale", doc: "dst[i] = s·a[i]",
		args: []arg{argDst, argA, argN, scalarArg("s")},
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VMUL%s %s, %s, %s", e.sfx, at("a"), s.v(rScalar), s.v(v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(v), at("dst"))
		},
	},
	{
		// The product is rounded before the sum, as in the portable loop.
		name: "addScaled", doc: "dst[i] = a[i] + s·b[i]",
		args: []arg{argDst, argA, argB, argN, scalarArg("s")},
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VMUL%s %s, %s, %s", e.sfx, at("b"), s.v(rScalar), s.v(v))
			g.op("VADD%s %s, %s, %s", e.sfx, at("a"), s.v(v), s.v(v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(v), at("dst"))
		},
	},
	{
		name: "addConst", doc: "dst[i] = a[i] + c",
		args: []arg{argDst, argA, argN, scalarArg("c")},
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VADD%s %s, %s, %s", e.sfx, at("a"), s.v(rScalar), s.v(v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(v), at("dst"))
		},
	},
	{
		// MAXPS returns its second source operand when either operand is
		// NaN or both are zeros, so max(0, z) keeps NaN and −0 as the
		// portable loop does. In Go's operand order that source is first.
		name: "addConstReLU", doc: "z[i] = z[i] + c;  a[i] = max(0, z[i]), NaN and −0 kept",
		args:  []arg{arg{name: "z", kind: "ptr", reg: "DI"}, argA, argN, scalarArg("c")},
		setup: zeroSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VADD%s %s, %s, %s", e.sfx, at("z"), s.v(rScalar), s.v(v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(v), at("z"))
			g.op("VMAX%s %s, %s, %s", e.sfx, s.v(v), s.v(rZero), s.v(4+v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(4+v), at("a"))
		},
	},
	{
		// GT_OQ (0x1e) is false for NaN, so a NaN z gives 0 as z > 0 does.
		name: "mulStep", doc: "dst[i] = a[i] if z[i] > 0, else 0",
		args:  []arg{argDst, argA, argZ, argN},
		setup: zeroSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("z"), s.v(v))
			if s.name == "AVX2" {
				g.op("VCMP%s $0x1e, %s, %s, %s", e.sfx, s.v(rZero), s.v(v), s.v(v))
				g.op("VAND%s %s, %s, %s", e.sfx, at("a"), s.v(v), s.v(v))
				g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(v), at("dst"))
				return
			}
			g.op("VCMP%s $0x1e, %s, %s, K%d", e.sfx, s.v(rZero), s.v(v), 1+v)
			g.op("VMOVUP%s.Z %s, K%d, %s", e.sfx[1:], at("a"), 1+v, s.v(4+v))
			g.op("VMOVUP%s %s, %s", e.sfx[1:], s.v(4+v), at("dst"))
		},
	},
	{
		name: "nonFinite", doc: "the index of the first vector of a holding NaN or ±Inf, else n − n mod lanes",
		args: []arg{argA, argN}, ret: "int",
		setup: expSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VMOVUP%s %s, %s", e.sfx[1:], at("a"), s.v(v))
			markNonFinite(g, s, e, v, v)
		},
		check: checkNonFinite,
	},
	{
		name: "nonFiniteAddScaled", doc: "the index of the first vector of a + s·b holding NaN or ±Inf, else n − n mod lanes",
		args: []arg{argA, argB, argN, scalarArg("s")}, ret: "int",
		setup: expSetup,
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VMUL%s %s, %s, %s", e.sfx, at("b"), s.v(rScalar), s.v(v))
			g.op("VADD%s %s, %s, %s", e.sfx, at("a"), s.v(v), s.v(v))
			markNonFinite(g, s, e, v, v)
		},
		check: checkNonFinite,
	},
	{
		// Bytes convert exactly; the products are fused with the sums,
		// and each lane keeps its own partial sum.
		name: "dotBytes", doc: "Σ x[i]·y[i], x bytes, summed lane by lane", only32: true,
		args: []arg{arg{name: "x", kind: "bytes", reg: "SI"}, arg{name: "y", kind: "ptr", reg: "DX"}, argN}, ret: "elem",
		setup: func(g *gen, s isa, e elem) {
			for v := range defaultUnroll {
				g.op("%s %s, %s, %s", xorOp(s), s.v(v), s.v(v), s.v(v))
			}
		},
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VPMOVZXBD %s, %s", at("x"), s.v(4+v))
			g.op("VCVTDQ2PS %s, %s", s.v(4+v), s.v(4+v))
			g.op("VFMADD231PS %s, %s, %s", at("y"), s.v(4+v), s.v(v))
		},
		finish: func(g *gen, s isa, e elem) {
			g.op("VADDPS %s, %s, %s", s.v(1), s.v(0), s.v(0))
			g.op("VADDPS %s, %s, %s", s.v(3), s.v(2), s.v(2))
			g.op("VADDPS %s, %s, %s", s.v(2), s.v(0), s.v(0))
			if s.name == "AVX512" {
				g.op("VEXTRACTF64X4 $1, Z0, Y1")
				g.op("VADDPS Y1, Y0, Y0")
			}
			g.op("VEXTRACTF128 $1, Y0, X1")
			g.op("VADDPS X1, X0, X0")
			g.op("VMOVHLPS X0, X0, X1")
			g.op("VADDPS X1, X0, X0")
			g.op("VMOVSHDUP X0, X1")
			g.op("VADDSS X1, X0, X0")
		},
	},
	{
		name: "axpyBytes", doc: "y[i] += alpha·x[i], x bytes, the product fused with the sum", only32: true,
		args: []arg{arg{name: "y", kind: "ptr", reg: "DI"}, arg{name: "x", kind: "bytes", reg: "SI"}, argN, scalarArg("alpha")},
		body: func(g *gen, s isa, e elem, v int, at func(string) string) {
			g.op("VPMOVZXBD %s, %s", at("x"), s.v(4+v))
			g.op("VCVTDQ2PS %s, %s", s.v(4+v), s.v(4+v))
			g.op("VMOVUPS %s, %s", at("y"), s.v(v))
			g.op("VFMADD231PS %s, %s, %s", s.v(4+v), s.v(rScalar), s.v(v))
			g.op("VMOVUPS %s, %s", s.v(v), at("y"))
		},
	},
}

// gatherRowsTrans writes the AVX-512 kernel of GatherRowsTrans for
// float32: for each of the n columns i of the source rows, one VGATHERDPS
// per 16 rows collects element i of each row into 16 consecutive elements
// of row i of dst. The rows are given by their element offsets, which fit
// in int32.
func (g *gen) gatherRowsTrans() {
	g.handKernel("gatherRowsTransAVX512F32",
		"sets dst[i·ld + k] = src[offs[k] + i] for i < n and k < w, w a\n// multiple of 16 and at most 64. It reads offs[0] … offs[63].",
		"dst, src *float32, offs *int32, n, w, ld int",
		"dst DI", "src SI", "offs DX", "n CX", "w BX", "ld R9")
	// The offset vectors of up to four groups of 16 rows.
	for c := range 4 {
		g.op("VMOVDQU32 %d(DX), Z%d", 64*c, 16+c)
	}
	g.op("SHLQ $2, R9") // bytes per row of dst
	g.op("SHRQ $4, BX") // groups of 16 rows
	g.op("TESTQ CX, CX")
	g.op("JZ done")
	g.label("row")
	for c := range 4 {
		g.op("CMPQ BX, $%d", c+1)
		g.op("JB next")
		g.op("KXNORW K1, K1, K1")
		g.op("VGATHERDPS (SI)(Z%d*4), K1, Z%d", 16+c, c)
		g.op("VMOVUPS Z%d, %d(DI)", c, 64*c)
	}
	g.label("next")
	g.op("ADDQ $4, SI")
	g.op("ADDQ R9, DI")
	g.op("DECQ CX")
	g.op("JNZ row")
	g.label("done")
	g.op("VZEROUPPER")
	g.op("RET")
}

// dotBytesRows writes the kernel of DotBytesRows for float32: four byte
// rows of x at once against one load of w per vector, with two partial
// sums per row so that eight FMA chains run side by side. Each iteration
// prefetches as many bytes of the next four rows as it reads of these.
// Those rows usually come from memory: without the prefetch the four
// interleaved streams read 7.8 GB/s on one core of the Zen 3 machine,
// with it 19 GB/s.
func (g *gen) dotBytesRows(s isa) {
	lanes := s.vbits / 32
	vbytes := s.vbits / 8
	v := func(i int) string { return fmt.Sprintf("%s%d", s.reg, i) }
	g.handKernel("dotBytesRows4"+s.name+"F32",
		fmt.Sprintf("sets z[r] = Σ_{i<n} x[r·ldx + i]·w[i] for r < 4, n a multiple\n// of %d. Each row keeps two partial sums per lane.", lanes),
		"z *float32, x *uint8, ldx int, w *float32, n int",
		"z DI", "x SI", "ldx BX", "w DX", "n CX")

	rows := []string{"SI", "R8", "R9", "R10"}
	g.op("LEAQ (SI)(BX*1), R8")
	g.op("LEAQ (R8)(BX*1), R9")
	g.op("LEAQ (R9)(BX*1), R10")
	g.op("LEAQ (R10)(BX*1), R11")
	for r := range 8 {
		g.op("%s %s, %s, %s", xorOp(s), v(r), v(r), v(r))
	}
	g.op("XORQ AX, AX")
	g.op("MOVQ CX, BX")
	g.op("ANDQ $-%d, BX", 2*lanes)
	g.op("JZ one")

	// step emits the products of the lanes elements at byte offset off
	// with w's vector in wv, added to the sums acc … acc+3.
	step := func(off, wv, acc int) {
		for r, x := range rows {
			t := 10 + r
			g.op("VPMOVZXBD %d(%s)(AX*1), %s", off, x, v(t))
			g.op("VCVTDQ2PS %s, %s", v(t), v(t))
			g.op("VFMADD231PS %s, %s, %s", v(wv), v(t), v(acc+r))
		}
	}
	g.label("loop")
	// The four rows read 8·lanes bytes per iteration, a cache line for
	// every 64.
	for off := 0; off < 8*lanes; off += 64 {
		g.op("PREFETCHT0 %d(R11)(AX*4)", off)
	}
	g.op("VMOVUPS (DX)(AX*4), %s", v(8))
	g.op("VMOVUPS %d(DX)(AX*4), %s", vbytes, v(9))
	step(0, 8, 0)
	step(lanes, 9, 4)
	g.op("ADDQ $%d, AX", 2*lanes)
	g.op("CMPQ AX, BX")
	g.op("JB loop")
	g.label("one")
	g.op("CMPQ AX, CX")
	g.op("JAE done")
	g.op("VMOVUPS (DX)(AX*4), %s", v(8))
	step(0, 8, 0)
	g.label("done")
	for r := range 4 {
		g.op("VADDPS %s, %s, %s", v(4+r), v(r), v(r))
	}
	if s.name == "AVX512" {
		// Fold the upper halves onto the lower ones.
		for r := range 4 {
			g.op("VEXTRACTF64X4 $1, Z%d, Y%d", r, 8+r)
			g.op("VADDPS Y%d, Y%d, Y%d", 8+r, r, r)
		}
	}

	// Y0 = [a0+a1, a2+a3, b0+b1, b2+b3 | …], then the same for c and d in
	// Y2, then the four row sums in the lanes of each half.
	g.op("VHADDPS Y1, Y0, Y0")
	g.op("VHADDPS Y3, Y2, Y2")
	g.op("VHADDPS Y2, Y0, Y0")
	g.op("VEXTRACTF128 $1, Y0, X1")
	g.op("VADDPS X1, X0, X0")
	g.op("VMOVUPS X0, (DI)")
	g.op("VZEROUPPER")
	g.op("RET")
}

// axpyBytesRows writes the kernel of AxpyBytesRows for float32. It keeps
// up to eight vectors of d in registers while it adds dz[e] times each
// byte row e of x to them. d is then read and written once per call
// instead of once per row. Each element sums the rows in order, as
// AxpyBytes row by row does.
func (g *gen) axpyBytesRows(s isa) {
	lanes := s.vbits / 32
	vbytes := s.vbits / 8
	v := func(i int) string { return fmt.Sprintf("%s%d", s.reg, i) }
	g.handKernel("axpyBytesRows"+s.name+"F32",
		fmt.Sprintf("adds Σ_{e<rows} dz[e]·x[e·ldx + i] to d[i] for i < n, n a\n// multiple of %d, each product fused with the sum, row by row.", lanes),
		"d, dz *float32, x *uint8, ldx, rows, n int",
		"d DI", "dz DX", "x SI", "ldx R8", "rows R9", "n CX")
	g.op("TESTQ R9, R9")
	g.op("JZ done")
	g.op("XORQ AX, AX")

	// columns emits the pass over all rows for the w vectors of d from
	// element AX on, then advances AX.
	columns := func(w int, label string) {
		for k := range w {
			g.op("VMOVUPS %d(DI)(AX*4), %s", vbytes*k, v(k))
		}
		g.op("LEAQ (SI)(AX*1), R10")
		g.op("MOVQ DX, R11")
		g.op("MOVQ R9, R12")
		g.label(label)
		g.op("VBROADCASTSS (R11), %s", v(8))
		for k := range w {
			t := 9 + k%4
			g.op("VPMOVZXBD %d(R10), %s", lanes*k, v(t))
			g.op("VCVTDQ2PS %s, %s", v(t), v(t))
			g.op("VFMADD231PS %s, %s, %s", v(t), v(8), v(k))
		}
		g.op("ADDQ R8, R10")
		g.op("ADDQ $4, R11")
		g.op("DECQ R12")
		g.op("JNZ %s", label)
		for k := range w {
			g.op("VMOVUPS %s, %d(DI)(AX*4)", v(k), vbytes*k)
		}
		g.op("ADDQ $%d, AX", lanes*w)
	}
	g.op("MOVQ CX, BX")
	g.op("ANDQ $-%d, BX", 8*lanes)
	g.label("wide")
	g.op("CMPQ AX, BX")
	g.op("JAE rest")
	columns(8, "rows8")
	g.op("JMP wide")

	// The last n mod 8·lanes elements, 1 to 7 vectors, in one pass.
	g.label("rest")
	g.op("MOVQ CX, BX")
	g.op("SUBQ AX, BX")
	g.op("SHRQ $%d, BX", bits.TrailingZeros(uint(lanes)))
	for w := 1; w <= 7; w++ {
		g.op("CMPQ BX, $%d", w)
		g.op("JEQ rest%d", w)
	}
	g.op("JMP done")
	for w := 1; w <= 7; w++ {
		g.label(fmt.Sprintf("rest%d", w))
		columns(w, fmt.Sprintf("rows%d", w))
		g.op("JMP done")
	}
	g.label("done")
	g.op("VZEROUPPER")
	g.op("RET")
}

// handKernel writes the declaration of a kernel written by hand, with the
// doc after its name and its parameters, and the start of its TEXT block.
// Every argument takes 8 bytes, and args gives each one's name and the
// register it is loaded into, in the order of the parameters.
func (g *gen) handKernel(name, doc, params string, args ...string) {
	fmt.Fprintf(&g.decl, "\n// %s %s\n//\n//go:noescape\nfunc %s(%s)\n", name, doc, name, params)
	fmt.Fprintf(&g.asm, "\n// func %s(%s)\nTEXT ·%s(SB), NOSPLIT, $0-%d\n", name, params, name, 8*len(args))
	for i, a := range args {
		argName, reg, _ := strings.Cut(a, " ")
		g.op("MOVQ %s+%d(FP), %s", argName, 8*i, reg)
	}
}

func main() {
	g := new(gen)
	const header = "// Code generated by elemgen; DO NOT EDIT.\n\n//go:build amd64 && !noasm\n\n"
	g.asm.WriteString(header + "#include \"textflag.h\"\n")
	g.decl.WriteString(header + "package kernel\n")
	for _, s := range []isa{avx2, avx512} {
		for _, e := range []elem{f32, f64} {
			for _, k := range append(kernels, optimizerKernels...) {
				if k.only32 && e.size != 4 {
					continue
				}
				g.kernel(k, s, e)
			}
		}
	}
	g.gatherRowsTrans()
	for _, s := range []isa{avx2, avx512} {
		g.dotBytesRows(s)
		g.axpyBytesRows(s)
	}
	for _, s := range []isa{avx2, avx512} {
		g.sigmoid(s)
		g.sumBCE(s)
	}
	g.logisticTable()
	src, err := format.Source(g.decl.Bytes())
	if err != nil {
		log.Fatalf("formatting the declarations: %v\n%s", err, g.decl.Bytes())
	}
	if err := os.WriteFile("elementwise_amd64.s", g.asm.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("elementwise_decl_amd64.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
