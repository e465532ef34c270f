package matrix

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/backprop-go/backprop/matrix/internal/kernel"
)

// Bytes is an (r, c) matrix of unsigned bytes B with a scale s, standing
// for the real matrix s·B: pixels stand for intensities in [0, 1] with
// s = 1/255, in a quarter of the memory of float32 values. It is
// row-major: element (i, j) is B[i·c + j]. A Bytes is read-only once made.
type Bytes struct {
	rows, cols int
	data       []uint8
	scale      float64
}

// NewBytes returns the (r, c) matrix s·B with B backed by data, which
// NewBytes does not copy. It panics if r or c is negative, if
// len(data) ≠ r·c, or if s is not finite.
func NewBytes(r, c int, data []uint8, s float64) *Bytes {
	if r < 0 || c < 0 {
		panic(ErrNegative)
	}
	if len(data) != r*c {
		panic(ErrDataLength)
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		panic(ErrScale)
	}
	return &Bytes{rows: r, cols: c, data: data, scale: s}
}

// Dims returns the number of rows and columns.
func (b *Bytes) Dims() (r, c int) { return b.rows, b.cols }

// Scale returns s.
func (b *Bytes) Scale() float64 { return b.scale }

// RawData returns B, row-major, of length r·c. It must not be changed.
func (b *Bytes) RawData() []uint8 { return b.data }

// At returns element (i, j), s·B[i, j]. It panics if the index is out of
// range.
func (b *Bytes) At(i, j int) float64 {
	if uint(i) >= uint(b.rows) || uint(j) >= uint(b.cols) {
		panic(ErrIndex)
	}
	return b.scale * float64(b.data[i*b.cols+j])
}

// Transpose returns Bᵀ with the same scale, (c, r), in new memory.
func (b *Bytes) Transpose() *Bytes {
	t := make([]uint8, len(b.data))
	kernel.Transpose(t, b.data, b.rows, b.cols)
	return &Bytes{rows: b.cols, cols: b.rows, data: t, scale: b.scale}
}

// MulBytes sets m = a·(s·B), where b is s·B, for an (r, k) a and a (k, c)
// b. The bytes are converted as they are read, so the product reads a
// quarter of the memory that float32 values of b would take and an
// eighth of float64; the scale s multiplies the sums, so the results
// equal those of a·X with X = s·B stored as T up to rounding. MulBytes
// panics on mismatched shapes.
func (m *Dense[T]) MulBytes(a *Dense[T], b *Bytes) {
	if a.cols != b.rows {
		panic(ErrShape)
	}
	if overlaps(m, a) {
		panic(ErrAlias)
	}
	m.Resize(a.rows, b.cols)
	if m.Len() == 0 {
		return
	}
	kernel.GemmBytes(a.rows, b.cols, a.cols, T(b.scale), a.RawData(), max(a.cols, 1), b.data, max(b.cols, 1), 0, m.RawData(), m.cols)
}

// EqualBytesTrans reports whether x, (n, m), equals the transpose of s·B,
// (m, n), up to the rounding of T: every element x[i, j] within one unit in
// the last place of s·B[j, i]. A matrix made from bytes by T(v·s) or
// T(v/255) passes; one changed since, by standardising for example, or
// containing a NaN, does not. It reads both once, with the examples split
// between up to GOMAXPROCS goroutines when x has at least
// bytesParallelMin elements.
func EqualBytesTrans[T Float](x *Dense[T], b *Bytes) bool {
	if x.rows != b.cols || x.cols != b.rows {
		return false
	}
	// lo[v] and hi[v] are the least and the greatest T within one unit in
	// the last place of s·v.
	var lo, hi [256]T
	eps := 0x1p-52
	var zero T
	if any(zero) == any(float32(0)) {
		eps = 0x1p-23
	}
	for v := range lo {
		want := b.scale * float64(v)
		tol := math.Abs(want) * eps
		lo[v] = roundToward[T](want-tol, math.Inf(1))
		hi[v] = roundToward[T](want+tol, math.Inf(-1))
	}

	n, m := x.rows, x.cols
	// Blocks of examples keep their rows of B in cache while the rows of x
	// are read in runs of block elements. On an Intel Xeon, the check of
	// 60,000 random examples of 784 bytes (MNIST's shape) took 90–98 ms
	// on one core with blocks of 256 and 108–119 ms with blocks of 64
	// (BenchmarkEqualBytesTrans).
	const block = 256
	blocks := (m + block - 1) / block
	workers := 1
	if n*m >= bytesParallelMin {
		workers = min(runtime.GOMAXPROCS(0), blocks)
	}
	var differ atomic.Bool
	check := func(b0, b1 int) {
		xd := x.RawData()
		for j0 := b0 * block; j0 < min(b1*block, m); j0 += block {
			if differ.Load() {
				return
			}
			j1 := min(j0+block, m)
			for i := 0; i < n; i++ {
				row := xd[i*m+j0 : i*m+j1]
				for k, v := range row {
					bv := b.data[(j0+k)*n+i]
					if !(v >= lo[bv] && v <= hi[bv]) {
						differ.Store(true)
						return
					}
				}
			}
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { check(w*blocks/workers, (w+1)*blocks/workers) })
	}
	check(0, blocks/workers)
	wg.Wait()
	return !differ.Load()
}

// roundToward returns the T nearest to v on the side of dir: the least T
// ≥ v for dir = +Inf, the greatest T ≤ v for dir = −Inf.
func roundToward[T Float](v, dir float64) T {
	r := T(v)
	if float64(r) == v || (float64(r) > v) == (dir > v) {
		return r
	}
	if f, ok := any(r).(float32); ok {
		return T(math.Nextafter32(f, float32(dir)))
	}
	return T(math.Nextafter(float64(r), dir))
}

// BytesBlock is one block of examples of AffineGradBytes.
type BytesBlock[T Float] struct {
	// Index numbers the block in example order, from 0; the block holds
	// the examples J0 … J1−1.
	Index, J0, J1 int
	// Z holds W·X for the block's examples, (k, J1 − J0). The function
	// given to AffineGradBytes overwrites it with dZ.
	Z *Dense[T]
}

// bytesParallelMin is the size m·n of X from which AffineGradBytes
// splits the examples between goroutines. Below it, handing work to
// another goroutine costs more than the second core saves.
const bytesParallelMin = 1 << 16

// AffineGradBytes runs the forward and backward pass of an affine map
// whose input X, (n, m), is given as its transpose s·B, (m, n), one
// example per row of bytes, reading each example from memory once:
//
//	Z  = W·X              (k, m)
//	dZ = f(Z)             block by block of examples
//	m  = alpha·dZ·Xᵀ      (k, n)
//
// W is (k, n). For each block of up to blockSize examples, Z's columns are
// computed into blk.Z and f is called with the block. f overwrites blk.Z
// with dZ's columns, and it may record what it computes, such as
// activations and losses, by blk.Index. The block's examples are then used
// again while they are in cache. Blocks are spread over up to GOMAXPROCS goroutines, in
// contiguous runs, so f is called concurrently for different blocks and
// must only write what belongs to its block. The partial sums of
// dZ·Xᵀ are added in a fixed order, so the result depends on the number of
// goroutines but not on their timing.
//
// The products are summed in another order than Gemm sums them, and the
// sums of products may be fused, so results equal those of the plain
// products only up to rounding. AffineGradBytes panics if the shapes do
// not match, blockSize < 1, or m shares memory with W.
func (m *Dense[T]) AffineGradBytes(W *Dense[T], X *Bytes, alpha T, blockSize int, f func(blk *BytesBlock[T])) {
	k, n := W.Dims()
	examples := X.rows
	if X.cols != n {
		panic(ErrShape)
	}
	if blockSize < 1 {
		panic(ErrBlockSize)
	}
	if overlaps(m, W) {
		panic(ErrAlias)
	}
	m.Resize(k, n)
	m.Zero()
	if examples == 0 || k == 0 {
		return
	}

	blocks := (examples + blockSize - 1) / blockSize
	workers := 1
	if examples*n >= bytesParallelMin {
		workers = min(runtime.GOMAXPROCS(0), blocks)
	}
	c := getAffineCall[T](workers, k, n, blockSize)
	c.job = bytesJob[T]{W: W, X: X, blockSize: blockSize, f: f}
	startBytesWorkers(workers - 1)
	c.wg.Add(workers - 1)
	for w := range workers {
		t := &c.tasks[w]
		t.b0, t.b1 = w*blocks/workers, (w+1)*blocks/workers
		if w < workers-1 {
			bytesTasks <- t
		}
	}
	c.tasks[workers-1].work()
	c.wg.Wait()

	// m = alpha·s·Σ parts, summed in worker order.
	md := m.RawData()
	for _, p := range c.parts[:workers] {
		kernel.Add(md, md, p.D.RawData())
	}
	kernel.Scale(md, alpha*T(X.scale), md)
	c.job = bytesJob[T]{}
	putAffineCall(c)
}

// bytesJob is the work AffineGradBytes shares between its goroutines.
type bytesJob[T Float] struct {
	W         *Dense[T]
	X         *Bytes
	blockSize int
	f         func(blk *BytesBlock[T])
}

// affineScratch holds one goroutine's buffers: its partial sum D of
// dZ·B, the sum over the current block, and the block itself.
type affineScratch[T Float] struct {
	D, blockD *Dense[T]
	blk       BytesBlock[T]
}

// affineCall is the state of one AffineGradBytes call, kept in a pool so
// that a call allocates nothing once the pool holds one of the right size.
type affineCall[T Float] struct {
	job   bytesJob[T]
	parts []*affineScratch[T]
	tasks []affineTask[T]
	wg    sync.WaitGroup
}

// affineTask is one goroutine's run of blocks b0 … b1−1.
type affineTask[T Float] struct {
	c      *affineCall[T]
	w      int
	b0, b1 int
}

func (t *affineTask[T]) work() { t.c.job.run(t.c.parts[t.w], t.b0, t.b1) }

// run is work on a worker goroutine.
func (t *affineTask[T]) run() {
	t.work()
	t.c.wg.Done()
}

var affineCalls32, affineCalls64 sync.Pool

func affineCalls[T Float]() *sync.Pool {
	var zero T
	if any(zero) == any(float32(0)) {
		return &affineCalls32
	}
	return &affineCalls64
}

func getAffineCall[T Float](workers, k, n, blockSize int) *affineCall[T] {
	c, _ := affineCalls[T]().Get().(*affineCall[T])
	if c == nil {
		c = new(affineCall[T])
	}
	for len(c.parts) < workers {
		s := &affineScratch[T]{D: new(Dense[T]), blockD: new(Dense[T])}
		s.blk.Z = new(Dense[T])
		c.parts = append(c.parts, s)
		c.tasks = append(c.tasks, affineTask[T]{})
	}
	for w, s := range c.parts[:workers] {
		s.D.Resize(k, n)
		s.D.Zero()
		s.blockD.Resize(k, n)
		s.blk.Z.Resize(k, blockSize)
		c.tasks[w] = affineTask[T]{c: c, w: w}
	}
	return c
}

func putAffineCall[T Float](c *affineCall[T]) { affineCalls[T]().Put(c) }

// bytesTask is work for the long-lived worker goroutines.
type bytesTask interface{ run() }

// bytesTasks hands tasks to the workers. Sending a pointer in an
// interface allocates nothing, where starting a goroutine would.
var bytesTasks = make(chan bytesTask)

var bytesWorkers struct {
	sync.Mutex
	started int
}

// startBytesWorkers makes sure that at least n worker goroutines run.
func startBytesWorkers(n int) {
	bytesWorkers.Lock()
	defer bytesWorkers.Unlock()
	for ; bytesWorkers.started < n; bytesWorkers.started++ {
		go func() {
			for t := range bytesTasks {
				t.run()
			}
		}()
	}
}

// run processes the blocks b0 … b1−1 into s.D, which holds Σ dZ·B over
// them, without the scale s and alpha.
func (j *bytesJob[T]) run(s *affineScratch[T], b0, b1 int) {
	k, n := j.W.Dims()
	w, x := j.W.RawData(), j.X.data
	sx := T(j.X.scale)
	for b := b0; b < b1; b++ {
		j0 := b * j.blockSize
		j1 := min(j0+j.blockSize, j.X.rows)
		cols := j1 - j0
		Z := s.blk.Z
		Z.Resize(k, cols)
		z := Z.RawData()

		// Z = W·X for the block: one dot product per unit and example.
		xb := x[j0*n : j1*n]
		for u := 0; u < k; u++ {
			kernel.DotBytesRows(z[u*cols:(u+1)*cols], sx, xb, w[u*n:(u+1)*n])
		}

		s.blk.Index, s.blk.J0, s.blk.J1 = b, j0, j1
		j.f(&s.blk)

		// D += dZ·B for the block, summed on its own first so that each
		// partial sum stays short.
		d := s.blockD.RawData()
		clear(d)
		for u := 0; u < k; u++ {
			kernel.AxpyBytesRows(d[u*n:(u+1)*n], z[u*cols:(u+1)*cols], xb)
		}
		kernel.Add(s.D.RawData(), s.D.RawData(), d)
	}
}
