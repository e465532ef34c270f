package kernel

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// parallelMinFlops is the product size m·n·k (multiply–adds) from which
// the blocked GEMM splits its work between goroutines. Below it, handing
// work to a worker and packing the shared operand twice cost more than the
// second core saves.
//
// TestCalibrateParallel measures it (BACKPROP_CALIBRATE=1 go test -run
// CalibrateParallel -v). On a 2-core AMD EPYC (Zen 5, AVX-512) virtual
// machine, idle, square products back to back ran faster on two goroutines
// from n = 40 (64,000 multiply–adds: 1.42× in float32, 1.48× in float64),
// and slower at n = 24 (0.68× and 0.79×). On a 2-core Intel Xeon with
// AVX-512 two goroutines were faster from n = 48 in float32 (1.25×; 0.96×
// at n = 40) and from n = 40 in float64 (1.14×).
const parallelMinFlops = 64 << 10

// gemvDotMinBytes and gemvAxpyMinBytes are the sizes in bytes of the
// matrix operand of a matrix–vector product from which the product
// splits its outputs between goroutines, in the dot form and in the axpy
// form. Such a product is bound by the bandwidth of the cache or memory
// that holds the matrix, and each goroutine reads its own share of it.
// TestCalibrateParallel measured, on the machine above with spinning
// workers, float32 n×n·n×1 products (the dot form) 0.97× as fast on two
// goroutines as on one at n = 128 (64 KiB), 1.44× at n = 256 (256 KiB)
// and 2.1× at n = 512, and 1×n·n×n products (the axpy form) 0.80× at
// n = 256, 0.99× at n = 384 (576 KiB) and 1.20× at n = 512 (1 MiB). The
// product (1×784)·(784×60000) streams B from memory at about 40 GB/s on
// one core and 55 GB/s on two. On the Intel Xeon the dot form was faster
// on two goroutines from 144 KiB in float32 and 512 KiB in float64.
//
// NOTE: there the float32 axpy form ran slower on two goroutines than on
// one from 1 MiB up to n = 1024 (0.86–0.95× in three runs), and faster
// only at n = 2048 (16 MiB, 1.13–1.28×), while float64 gained from 2 MiB.
// The threshold suits the Zen 5 machine; on the Xeon it costs up to 15%
// at those sizes.
const (
	gemvDotMinBytes  = 128 << 10
	gemvAxpyMinBytes = 1 << 20
)

// workerCount returns how many goroutines a product of the given size
// should use: one below the threshold min, else GOMAXPROCS.
func workerCount(size, min int) int {
	if size < min {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// gemmParallel runs the blocked GEMM on as many goroutines as the size of
// the product warrants.
func (g *gemmImpl[T]) gemmParallel(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	g.gemmSplit(workerCount(m*n*k, parallelMinFlops), transA, transB, m, n, k, alpha, a, lda, b, nil, ldb, beta, c, ldc)
}

// The split dimensions of a blocked GEMM.
const (
	splitM = iota // blocks of rows of C
	splitN        // blocks of columns of C
	splitK        // blocks of the inner dimension, summed at the end
)

// gemmSplit runs the blocked GEMM on at most w goroutines. B is bb, in
// bytes, when bb is not nil; see gemmBlocked.
//
// When k is much larger than m and n, and C has at most two micro-tiles of
// rows per goroutine, it splits the inner dimension. Each goroutine then
// computes a partial product over its range of k from a contiguous part
// of B, and the partial products are summed into C at the end. W3's
// forward product, 20×209 from 12288 (four micro-tiles of rows), ran its
// 2500 iterations in 4.6-4.9 s split by k and 5.1-5.4 s split by columns
// on the Zen 3 machine of docs/benchmarks.md.
//
// Otherwise it splits C along whichever of m and n has more micro-tiles,
// and each goroutine packs its own copy of the operand the blocks share.
// A C large enough for element-wise passes to split it (elemParallelMin)
// is split by rows whenever it has two micro-tiles of rows per goroutine.
// Those passes split ranges of rows too, so each core keeps its rows of a
// gradient through its product and the update of the weights, and its
// rows of the weights through the next forward product. Rows are split
// evenly, not in whole micro-tiles: the longest part needs as many
// micro-tiles either way, and 256 rows split as 128 and 128, as the
// element-wise passes split them.
//
// With kernelBytesPack, a B in bytes is split by columns anyway: each
// goroutine then reads half of B, and the in-place pass over each
// micro-panel, slower than the packed ones, serves all the rows of C. The
// 2500 iterations of cat-deep, whose backward product is 20×12288 from
// 209 bytes per column, took 9.1-10.6 s with that product split by rows
// and 8.7-9.8 s split by columns. Each element of C is summed on one
// goroutine either way, so the results are the same.
func (g *gemmImpl[T]) gemmSplit(w int, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, bb []uint8, ldb int, beta T, c []T, ldc int) {
	tilesM := (m + g.mr - 1) / g.mr
	tilesN := (n + g.nr - 1) / g.nr
	bytesPacked := bb != nil && g.kernelBytesPack != nil
	mode := splitN
	switch {
	case k >= 2*g.kc && k > 2*max(m, n) && tilesM <= 2*w:
		mode = splitK
		w = min(w, k/g.kc)
	case tilesM > tilesN || (m*n >= elemParallelMin && tilesM >= 2*w && !bytesPacked):
		mode = splitM
		w = min(w, tilesM)
	default:
		w = min(w, tilesN)
	}

	if w <= 1 {
		s := g.getScratch()
		g.gemmBlocked(transA, transB, m, n, k, alpha, a, lda, b, bb, ldb, beta, c, ldc, s)
		g.putScratch(s)
		return
	}

	j := g.getJob()
	bj := &j.blocked
	*bj = blockedJob[T]{
		g: g, transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, bb: bb, ldb: ldb, beta: beta, c: c, ldc: ldc,
		mode: mode,
	}
	var nparts int
	switch mode {
	case splitM:
		bj.step = (m + w - 1) / w
		nparts = (m + bj.step - 1) / bj.step
	case splitN:
		bj.step = roundUp((n+w-1)/w, g.nr)
		nparts = (n + bj.step - 1) / bj.step
	case splitK:
		bj.step = roundUp((k+w-1)/w, 4)
		nparts = (k + bj.step - 1) / bj.step
		if size := (nparts - 1) * m * n; cap(j.partial) < size {
			j.partial = make([]T, size)
		}
		bj.partial = j.partial[:(nparts-1)*m*n]
	}
	j.team.run(bj, nparts, min(nparts, w)-1)

	if mode == splitK {
		// C += Σ partial products of parts 1 … nparts−1.
		for p := 0; p < nparts-1; p++ {
			part := bj.partial[p*m*n : (p+1)*m*n]
			for i := 0; i < m; i++ {
				ci := c[i*ldc : i*ldc+n]
				for j, v := range part[i*n : (i+1)*n] {
					ci[j] += v
				}
			}
		}
	}
	g.putJob(j)
}

// gemmJob holds the arguments of a product split between goroutines, kept
// in a pool so that a split allocates nothing.
type gemmJob[T Float] struct {
	blocked blockedJob[T]
	gemv    gemvJob[T]
	pair    pairJob[T]
	team    team
	// partial holds the partial products of a split of k or of a
	// GemvPair.
	partial []T
}

func (g *gemmImpl[T]) getJob() *gemmJob[T] {
	if j, ok := g.jobs.Get().(*gemmJob[T]); ok {
		return j
	}
	return new(gemmJob[T])
}

// putJob drops the job's references to the operands and returns it to the
// pool.
func (g *gemmImpl[T]) putJob(j *gemmJob[T]) {
	j.blocked = blockedJob[T]{}
	j.gemv = gemvJob[T]{}
	j.pair = pairJob[T]{}
	g.jobs.Put(j)
}

// blockedJob is a blocked GEMM split into parts of step rows, columns or
// steps of the inner dimension, as mode selects.
type blockedJob[T Float] struct {
	g              *gemmImpl[T]
	transA, transB bool
	m, n, k        int
	alpha, beta    T
	a, b, c        []T
	bb             []uint8 // B in bytes, when not nil
	lda, ldb, ldc  int
	mode           int
	step           int
	// partial holds the m×n partial products of parts 1, 2, … of a split
	// of k; part 0 adds its own to C.
	partial []T
}

func (j *blockedJob[T]) runPart(part int) {
	a, b, bb, c := j.a, j.b, j.bb, j.c
	m, n, k := j.m, j.n, j.k
	beta, ldc := j.beta, j.ldc
	switch j.mode {
	case splitM:
		i0 := part * j.step
		m = min(j.step, m-i0)
		if j.transA {
			a = a[i0:]
		} else {
			a = a[i0*j.lda:]
		}
		c = c[i0*j.ldc:]
	case splitN:
		j0 := part * j.step
		n = min(j.step, n-j0)
		switch {
		case bb != nil:
			bb = bb[j0:]
		case j.transB:
			b = b[j0*j.ldb:]
		default:
			b = b[j0:]
		}
		c = c[j0:]
	case splitK:
		p0 := part * j.step
		k = min(j.step, k-p0)
		if j.transA {
			a = a[p0*j.lda:]
		} else {
			a = a[p0:]
		}
		switch {
		case bb != nil:
			bb = bb[p0*j.ldb:]
		case j.transB:
			b = b[p0:]
		default:
			b = b[p0*j.ldb:]
		}
		if part > 0 {
			c, ldc, beta = j.partial[(part-1)*m*n:part*m*n], n, 0
		}
	}
	s := j.g.getScratch()
	j.g.gemmBlocked(j.transA, j.transB, m, n, k, j.alpha, a, j.lda, b, bb, j.ldb, beta, c, ldc, s)
	j.g.putScratch(s)
}

// gemvMinPart is the fewest outputs a goroutine of a matrix–vector product
// computes, so that the axpy form keeps whole vectors of 64 bytes.
const gemvMinPart = 64

// gemvSplit computes the cnt outputs of a matrix–vector product in the
// dot form (dot set) or the axpy form on at most w goroutines, or on as
// many as the size warrants when w is 0.
func (g *gemmImpl[T]) gemvSplit(w int, dot bool, cnt int, x, mat []T, ldm int, beta T, c []T, incc int) {
	if w == 0 {
		minBytes := gemvAxpyMinBytes
		if dot {
			minBytes = gemvDotMinBytes
		}
		w = workerCount(cnt*len(x)*sizeOf[T](), minBytes)
	}
	w = min(w, (cnt+gemvMinPart-1)/gemvMinPart)
	if w <= 1 {
		s := g.getScratch()
		g.gemvPart(dot, 0, cnt, x, mat, ldm, beta, c, incc, s)
		g.putScratch(s)
		return
	}
	j := g.getJob()
	v := &j.gemv
	*v = gemvJob[T]{g: g, dot: dot, cnt: cnt, x: x, mat: mat, ldm: ldm, beta: beta, c: c, incc: incc}
	// One part per goroutine: each goroutine then reads the same rows of
	// the matrix at every call, which stay in its core's L2 when they fit
	// there, as a small network's weights do.
	v.step = roundUp((cnt+w-1)/w, gemvMinPart)
	nparts := (cnt + v.step - 1) / v.step
	v.first = v.step
	if dot {
		// Part 0, the calling goroutine's, starts while the workers are
		// still being reached: give it gemvLeadBytes more of the matrix
		// than the others, up to half a part more. In the dot form the
		// outputs are independent rows, split anywhere.
		lead := min(gemvLeadBytes/max(len(x)*sizeOf[T](), 1), cnt/(2*nparts))
		v.step = (cnt - lead + nparts - 1) / nparts
		v.first = cnt - (nparts-1)*v.step
	}
	j.team.run(v, nparts, min(nparts, w)-1)
	g.putJob(j)
}

// gemvLeadBytes is how many more bytes of the matrix the calling
// goroutine reads in a split matrix–vector product in the dot form than
// each worker. It is about what a core reads from its L2 while a worker
// is reached and starts. On the Zen 5 machine above, W1's network on one
// example (256×784 and 128×256 products) took 4.8–4.9 µs with leads of 0
// to 32 KiB alike while a round trip between the cores took about 100 ns.
// While it took about 390 ns, the pass took 6.97 µs with 32 KiB against
// 7.31 µs with none. On an Intel Xeon with AVX-512 and a round trip of
// about 275 ns, the worker started 0.27 µs after the calling goroutine
// and, with 32 KiB, ended 0.3–0.4 µs after it. There the two products
// took 4.83 µs with 80 KiB (25 rows of W1), 4.97 with 64 KiB, 5.05 with
// 112 KiB and 5.15 with 32 KiB, in alternating runs.
const gemvLeadBytes = 80 << 10

// gemvJob is a matrix–vector product split into blocks of outputs.
type gemvJob[T Float] struct {
	g         *gemmImpl[T]
	dot       bool
	cnt       int
	x, mat, c []T
	ldm, incc int
	beta      T
	// Part 0 computes outputs 0 … first−1, and each later part step
	// more.
	first, step int
}

func (v *gemvJob[T]) runPart(part int) {
	j0, j1 := 0, v.first
	if part > 0 {
		j0 = v.first + (part-1)*v.step
		j1 = min(j0+v.step, v.cnt)
	}
	s := v.g.getScratch()
	v.g.gemvPart(v.dot, j0, j1, v.x, v.mat, v.ldm, v.beta, v.c, v.incc, s)
	v.g.putScratch(s)
}

// partRunner is a computation split into parts that may run concurrently.
type partRunner interface {
	runPart(part int)
}

// team runs the parts of one job on the goroutine that split it and on
// workers. The splitting goroutine runs part 0, then each goroutine claims
// the next part until none is left. A worker that starts late takes
// fewer parts, and the splitting goroutine waits only for parts that a
// worker has already claimed.
type team struct {
	// state holds the job's generation, its number of parts and the next
	// unclaimed part (see unpack), in one word, so that a claim checks
	// all three at once. A worker claims parts only while the generation
	// matches the one it was sent for, so a worker that starts after its
	// job ended leaves the team's next job alone.
	state atomic.Uint64
	// done counts the parts completed. A splitting goroutine that polled
	// it for spinTime sets doneWaiting in it and blocks on finished. The
	// worker that completes the last part gets the flag back with the
	// count it adds to, and then sends on finished. The end of a job thus
	// costs a worker one atomic operation.
	done     atomic.Int32
	runner   partRunner
	finished chan struct{}
}

// doneWaiting is the flag of team.done that a blocked splitting goroutine
// sets.
const doneWaiting = 1 << 30

// team.state packs a job's generation, its number of parts n and its next
// unclaimed part p as gen<<(2·partBits) | n<<partBits | p. Claiming part
// p adds 1, which never carries into n since p < n.
const (
	partBits = 20
	partMask = 1<<partBits - 1
	genMask  = 1<<(64-2*partBits) - 1
)

// unpack returns the generation, the number of parts and the next
// unclaimed part held in a state word.
func unpack(v uint64) (gen uint32, nparts, next int) {
	return uint32(v >> (2 * partBits)), int(v >> partBits & partMask), int(v & partMask)
}

// workItem is a request for a worker to help with generation gen of a
// team's job.
type workItem struct {
	t   *team
	gen uint32
}

// spinTime is how long a worker polls for more work, and the goroutine
// that split a job polls for its end, before blocking. Waking a blocked
// goroutine takes from a few microseconds to tens of microseconds on a
// virtual machine, as long as a small product takes. In a mini-batch
// training step, the single-threaded work between two split products (the
// optimizer update, the next batch's gather) lasts up to about 70 µs. On
// the machine above, the 256×784·784×64 product took 64 µs when called
// back to back and 111 µs after 40 µs of other work with a spin of 50 µs,
// 81 µs with 250 µs.
const spinTime = 250 * time.Microsecond

// The worker goroutines are started on first use and never stop. A
// worker that polls for work marks its post as open, and the splitting
// goroutine hands it a team by swapping the mark for the team: one atomic
// operation on a cache line that only these two goroutines touch. Other
// jobs go through workQueue, which also wakes blocked workers. A worker
// closes its post before it blocks, and takes the team it finds there
// instead if it lost that race, so no team is left in a post.
var (
	workMu      sync.Mutex
	workStarted atomic.Int32
	workQueue   = make(chan workItem, 64)
	posts       atomic.Pointer[[]*post] // one per worker, in start order
)

// post is a worker's slot for a handed-over team: nil while the worker
// is busy or blocked, openPost while it polls, or the team to help.
// The padding gives the slot a cache line of its own.
type post struct {
	_    [64]byte
	team atomic.Pointer[team]
	_    [56]byte
}

// openPost marks a post whose worker polls for work.
var openPost = new(team)

// give hands t to a polling worker and reports whether one took it.
func give(t *team) bool {
	ps := posts.Load()
	if ps == nil {
		return false
	}
	for _, p := range *ps {
		if p.team.CompareAndSwap(openPost, t) {
			return true
		}
	}
	return false
}

// run runs parts 0 … nparts−1 of runner on the calling goroutine and at
// most helpers workers, and returns when all are done.
func (t *team) run(runner partRunner, nparts, helpers int) {
	if t.finished == nil {
		t.finished = make(chan struct{}, 1)
	}
	if nparts < 1 || nparts > partMask {
		panic("kernel: a job of " + strconv.Itoa(nparts) + " parts")
	}
	t.runner = runner
	t.done.Store(0)
	gen, _, _ := unpack(t.state.Load())
	gen = (gen + 1) & genMask
	// Part 0 is the calling goroutine's, whatever the workers do: a
	// product split again the same way then finds that part's operands
	// in the caches of the core that read them last time.
	t.state.Store(uint64(gen)<<(2*partBits) | uint64(nparts)<<partBits | 1)

	startWorkers(helpers)
	_, gang := runner.(*Gang)
	for range helpers {
		if give(t) {
			continue
		}
		// Every part of a gang needs a worker, so its items wait for
		// room in the queue. No other gang runs, so workers drain it.
		if gang {
			workQueue <- workItem{t: t, gen: gen}
			continue
		}
		// A split job may run inside a gang's part, and the gang's
		// workers cannot drain a full queue until the gang ends. So a
		// split job skips a full queue and claims the parts itself.
		select {
		case workQueue <- workItem{t: t, gen: gen}:
		default:
		}
	}
	if t.finish(0, nparts) || t.claim(gen) {
		return
	}
	// A worker runs the last part. Poll the count of parts done, which
	// costs no call into the scheduler, and block only after spinTime.
	start := time.Now()
	for i := 1; ; i++ {
		d := t.done.Load()
		if d == int32(nparts) {
			return
		}
		if i%spinCheck == 0 && time.Since(start) >= spinTime && t.done.CompareAndSwap(d, d|doneWaiting) {
			<-t.finished
			return
		}
	}
}

// spinCheck is how many polls a spinning goroutine makes between two
// readings of the clock.
const spinCheck = 64

// claim runs unclaimed parts of generation gen until none is left, and
// reports whether it completed the last part of the job.
func (t *team) claim(gen uint32) bool {
	for {
		v := t.state.Load()
		g, nparts, next := unpack(v)
		if g != gen || next >= nparts {
			return false
		}
		if !t.state.CompareAndSwap(v, v+1) {
			continue
		}
		if t.finish(next, nparts) {
			return true
		}
	}
}

// finish runs a claimed part of a job of nparts parts and reports whether
// it was the last of the job to complete. If it was and the splitting
// goroutine blocks, finish sends on finished.
func (t *team) finish(part, nparts int) bool {
	t.runner.runPart(part)
	d := t.done.Add(1)
	if d&^doneWaiting != int32(nparts) {
		return false
	}
	if d&doneWaiting != 0 {
		t.finished <- struct{}{}
	}
	return true
}

// startWorkers makes sure at least n worker goroutines are running.
func startWorkers(n int) {
	if int(workStarted.Load()) >= n {
		return
	}
	workMu.Lock()
	for int(workStarted.Load()) < n {
		workStarted.Add(1)
		p := new(post)
		var ps []*post
		if old := posts.Load(); old != nil {
			ps = append(ps, *old...)
		}
		ps = append(ps, p)
		posts.Store(&ps)
		go worker(p)
	}
	workMu.Unlock()
}

func worker(p *post) {
	for {
		select {
		case w := <-workQueue:
			w.t.claim(w.gen)
		default:
			w := waitWork(p)
			w.t.claim(w.gen)
		}
	}
}

// waitWork opens the post p and polls it and workQueue for spinTime, then
// closes p and blocks on workQueue. It returns a team handed over through
// p or taken from workQueue. The polls do not yield to the scheduler: a
// call into it costs as much as the handoff being waited for, and the
// spin is short.
func waitWork(p *post) workItem {
	p.team.Store(openPost)
	start := time.Now()
	for i := 1; i%spinCheck != 0 || time.Since(start) < spinTime; i++ {
		if t := p.team.Load(); t != openPost {
			p.team.Store(nil)
			return handed(t)
		}
		if i%spinCheck == 0 {
			select {
			case queued := <-workQueue:
				return closePost(p, queued)
			default:
			}
		}
	}
	if !p.team.CompareAndSwap(openPost, nil) {
		return handed(p.team.Swap(nil))
	}
	return <-workQueue
}

// closePost closes the open post p of a worker that took queued from
// workQueue, and returns queued. If a team was handed over through p
// meanwhile, closePost returns that team and puts queued back on the
// queue for another worker, unless its job has no unclaimed part left.
// The two may be parts of one gang, and a worker that ran them one after
// the other would wait at the gang's first barrier for itself. When the
// queue is full, a new goroutine sends queued, so that the worker does
// not wait for room while the handed job waits for it.
func closePost(p *post, queued workItem) workItem {
	if p.team.CompareAndSwap(openPost, nil) {
		return queued
	}
	if gen, nparts, next := unpack(queued.t.state.Load()); gen == queued.gen && next < nparts {
		select {
		case workQueue <- queued:
		default:
			go func() { workQueue <- queued }()
		}
	}
	return handed(p.team.Swap(nil))
}

// handed returns the work item of a team taken from a post: the job it
// runs now, which may be later than the one it was handed for.
func handed(t *team) workItem {
	gen, _, _ := unpack(t.state.Load())
	return workItem{t: t, gen: gen}
}
