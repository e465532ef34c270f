package kernel

import "sync"

// elemParallelMin is the length from which Scale, AddScaled and
// FirstNonFiniteAddScaled, the 1/m of a gradient and the two passes of a
// gradient-descent update, split their range between goroutines. The
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

// The operations an elemJob runs.
const (
	opScale = iota
	opAddScaled
	opNonFiniteAddScaled
	opGather
)

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
	// first holds each part's FirstNonFiniteAddScaled result, as an index
	// into the whole range.
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
		i := impl[T]().nonFiniteAddScaled(j.a[lo:hi], j.s, j.b[lo:hi])
		if i >= 0 {
			i += lo
		}
		j.first[part] = i
	}
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
	if j.op == opNonFiniteAddScaled {
		for _, i := range j.first {
			if i >= 0 {
				first = i
				break
			}
		}
	}
	j.dst, j.a, j.b, j.idx = nil, nil, nil, nil
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
