package kernel

import "sync"

// elemParallelMin is the length from which Scale, AddScaled and
// FirstNonFiniteAddScaled, the 1/m of a gradient and the two passes of a
// gradient-descent update, and the passes of the other optimizers
// (update.go) split their range between goroutines. The
// split gives each goroutine the same share at every call, as the split
// of a matrix product does, so that the share of the weights a core
// updates is the share it multiplies. On the Zen 5 machine of
// gemm_parallel.go, TestCalibrateElementwise measured AddScaled on two
// goroutines 0.84× as fast as on one at 16K float32 elements, 1.05× at
// 32K, 1.21× at 64K and 2.25× at 256K. In a training step the split
// gains more, since the row split of the products leaves each half of a
// gradient in the cache of the core that updates it. With 32K instead of
// 64K, which splits the update of W1's 128×256 W[2], its epochs ran 4%
// faster in interleaved runs. They ran while the two vCPUs sat far apart,
// a round trip between them taking about 400 ns.
const elemParallelMin = 32 << 10

// gatherParallelMin is the number of elements of the destination of
// GatherRowsTrans from which it splits its columns between goroutines.
// A batch of 64 MNIST images is 50,176.
const gatherParallelMin = 32 << 10

// The operations an elemJob runs. The optimizer passes are those of
// update.go.
const (
	opScale = iota
	opAddScaled
	opNonFiniteAddScaled
	opGather
	opMomentumCheck
	opMomentumApply
	opAdamCheck
	opAdamApply
	opRMSpropCheck
	opRMSpropApply
)

// findsFirst reports whether op returns the first bad index of its range.
func findsFirst(op int) bool {
	switch op {
	case opNonFiniteAddScaled, opMomentumCheck, opAdamCheck, opRMSpropCheck:
		return true
	}
	return false
}

// elemJob is an element-wise operation split into parts of step
// elements, one per goroutine.
type elemJob[T Float] struct {
	op        int
	dst, a, b []T
	s         T
	step      int
	// n and idx are the row length and the rows of a gather, whose parts
	// are ranges of columns of dst.
	n   int
	idx []int
	// An optimizer pass reads the parameters from a, the gradient from b
	// and the state from s1 and s2, writes its step to dst, and takes its
	// scalars from c, in the order of its kernel's arguments.
	s1, s2 []T
	c      [6]T
	// first holds the result of each part of a pass that finds the first
	// bad index, as an index into the whole range.
	first []int
	team  team
}

func (j *elemJob[T]) runPart(part int) {
	lo := part * j.step
	if j.op == opGather {
		gatherRange(j.dst, j.a, j.n, j.idx, lo, min(lo+j.step, len(j.idx)))
		return
	}
	hi := min(lo+j.step, len(j.a))
	switch j.op {
	case opScale:
		impl[T]().scale(j.dst[lo:hi], j.s, j.a[lo:hi])
	case opAddScaled:
		impl[T]().addScaled(j.dst[lo:hi], j.a[lo:hi], j.s, j.b[lo:hi])
	case opNonFiniteAddScaled:
		j.found(part, lo, impl[T]().nonFiniteAddScaled(j.a[lo:hi], j.s, j.b[lo:hi]))
	default:
		j.runUpdate(part, lo, hi)
	}
}

// runUpdate runs elements lo … hi−1 of an optimizer pass.
func (j *elemJob[T]) runUpdate(part, lo, hi int) {
	u, c := updates[T](), &j.c
	p, g := j.a[lo:hi], j.b[lo:hi]
	switch j.op {
	case opMomentumCheck:
		j.found(part, lo, u.momentumCheck(p, g, j.s1[lo:hi], c[0], c[1]))
	case opMomentumApply:
		u.momentumApply(p, g, j.s1[lo:hi], c[0], c[1])
	case opAdamCheck:
		j.found(part, lo, u.adamCheck(p, g, j.s1[lo:hi], j.s2[lo:hi], j.dst[lo:hi], c[0], c[1], c[2], c[3], c[4], c[5]))
	case opAdamApply:
		u.adamApply(p, g, j.s1[lo:hi], j.s2[lo:hi], j.dst[lo:hi], c[0], c[1])
	case opRMSpropCheck:
		j.found(part, lo, u.rmspropCheck(p, g, j.s1[lo:hi], j.dst[lo:hi], c[0], c[1], c[2]))
	case opRMSpropApply:
		u.rmspropApply(p, g, j.s1[lo:hi], j.dst[lo:hi], c[0])
	}
}

// found records the result i of a part that starts at element lo.
func (j *elemJob[T]) found(part, lo, i int) {
	if i >= 0 {
		i += lo
	}
	j.first[part] = i
}

var elemJobs32, elemJobs64 sync.Pool

func elemJobs[T Float]() *sync.Pool {
	if sizeOf[T]() == 4 {
		return &elemJobs32
	}
	return &elemJobs64
}

// elemSplit returns a job for op over n elements split between the
// goroutines, or nil when n is too short to split. A gather splits the n
// columns of its destination, of size elements in all.
func elemSplit[T Float](op, n, size int) *elemJob[T] {
	minSize := elemParallelMin
	if op == opGather {
		minSize = gatherParallelMin
	}
	w := workerCount(size, minSize)
	// Whole cache lines per part.
	step := roundUp((n+w-1)/w, 64/sizeOf[T]())
	if w <= 1 || step >= n {
		return nil
	}
	j, ok := elemJobs[T]().Get().(*elemJob[T])
	if !ok {
		j = new(elemJob[T])
	}
	j.op = op
	j.step = step
	if cap(j.first) < w {
		j.first = make([]int, w)
	}
	j.first = j.first[:(n+j.step-1)/j.step]
	return j
}

// run runs the job's parts on the calling goroutine and the workers.
func (j *elemJob[T]) run() {
	nparts := len(j.first)
	j.team.run(j, nparts, nparts-1)
}

// finish runs the job, returns it to the pool without its operands, and
// returns the lowest bad index its parts found, or −1.
func (j *elemJob[T]) finish() int {
	j.run()
	first := -1
	if findsFirst(j.op) {
		for _, i := range j.first {
			if i >= 0 {
				first = i
				break
			}
		}
	}
	j.dst, j.a, j.b, j.idx, j.s1, j.s2 = nil, nil, nil, nil, nil, nil
	elemJobs[T]().Put(j)
	return first
}

// scaleSplit is Scale on as many goroutines as the length warrants.
func scaleSplit[T Float](dst []T, s T, a []T) {
	j := elemSplit[T](opScale, len(dst), len(dst))
	if j == nil {
		impl[T]().scale(dst, s, a)
		return
	}
	j.dst, j.a, j.s = dst, a, s
	j.finish()
}

// addScaledSplit is AddScaled on as many goroutines as the length
// warrants.
func addScaledSplit[T Float](dst, a []T, s T, b []T) {
	j := elemSplit[T](opAddScaled, len(dst), len(dst))
	if j == nil {
		impl[T]().addScaled(dst, a, s, b)
		return
	}
	j.dst, j.a, j.s, j.b = dst, a, s, b
	j.finish()
}

// nonFiniteAddScaledSplit is FirstNonFiniteAddScaled on as many
// goroutines as the length warrants.
func nonFiniteAddScaledSplit[T Float](a []T, s T, b []T) int {
	j := elemSplit[T](opNonFiniteAddScaled, len(a), len(a))
	if j == nil {
		return impl[T]().nonFiniteAddScaled(a, s, b)
	}
	j.a, j.s, j.b = a, s, b
	return j.finish()
}

// gatherSplit is GatherRowsTrans on as many goroutines as the size of dst
// warrants, each filling a range of its columns.
func gatherSplit[T Float](dst, src []T, n int, idx []int) {
	j := elemSplit[T](opGather, len(idx), len(dst))
	if j == nil {
		gatherRange(dst, src, n, idx, 0, len(idx))
		return
	}
	j.dst, j.a, j.n, j.idx = dst, src, n, idx
	j.finish()
}

// updateSplit runs the optimizer pass op over the parameters p on as many
// goroutines as their number warrants, with the gradient g, the state s1
// and s2, the step d and the scalars c (see elemJob). It reports false
// when p is too short to split, and then runs nothing. A check pass
// returns the first bad index, or −1.
func updateSplit[T Float](op int, p, g, s1, s2, d []T, c [6]T) (first int, split bool) {
	j := elemSplit[T](op, len(p), len(p))
	if j == nil {
		return 0, false
	}
	j.dst, j.a, j.b, j.s1, j.s2, j.c = d, p, g, s1, s2, c
	return j.finish(), true
}
