package kernel

// A network's forward pass on one example is a chain of matrix–vector
// products, z1 = W1·x, then a1 = g(z1 + b1), then z2 = W2·a1. Split one
// product at a time, the second product needs all of a1, half of which
// the other core computed, and it costs a second handoff. GemvPair splits
// the chain once, by the rows of W1. Each goroutine computes its rows of
// z1, passes them through mid, and multiplies its slice of a1 by the
// matching columns of W2. That partial z2 reads only what the same
// goroutine wrote, and the calling goroutine sums the partial products.

// GemvPair computes, for a vector x of length k,
//
//	z1 = W1·x,  then mid(i0, i1) for row ranges covering 0 … n1−1,  then z2 = W2·a1
//
// where W1 is n1×k with row stride ld1, W2 is n2×n1 with row stride ld2,
// and mid sets a1[i0:i1] from z1[i0:i1]. Each range is passed to mid once,
// after its rows of z1 are final, and the ranges do not overlap. mid may
// run on several goroutines at once. When the product is too small to
// split, GemvPair equals the two products of Gemm with mid(0, n1) between
// them, bit for bit. Split, z2 is the sum of the partial products over
// the ranges, in their order, and equals W2·a1 up to rounding.
func GemvPair[T Float](n1, k int, w1 []T, ld1 int, x, z1, a1 []T, mid func(i0, i1 int), n2 int, w2 []T, ld2 int, z2 []T) {
	switch x := any(x).(type) {
	case []float32:
		gemvPair32(n1, k, any(w1).([]float32), ld1, x, any(z1).([]float32), any(a1).([]float32), mid, n2, any(w2).([]float32), ld2, any(z2).([]float32))
	case []float64:
		gemvPair64(n1, k, any(w1).([]float64), ld1, x, any(z1).([]float64), any(a1).([]float64), mid, n2, any(w2).([]float64), ld2, any(z2).([]float64))
	}
}

// gemvPair32 and gemvPair64 are the implementations GemvPair dispatches
// to; an architecture with assembly kernels replaces them at init.
var (
	gemvPair32 = goGemm32.gemvPair
	gemvPair64 = goGemm64.gemvPair
)

// gemvPair computes GemvPair's chain on as many goroutines as the size
// of W1 warrants.
func (g *gemmImpl[T]) gemvPair(n1, k int, w1 []T, ld1 int, x, z1, a1 []T, mid func(i0, i1 int), n2 int, w2 []T, ld2 int, z2 []T) {
	w := workerCount(n1*k*sizeOf[T](), gemvDotMinBytes)
	g.gemvPairSplit(w, n1, k, w1, ld1, x, z1, a1, mid, n2, w2, ld2, z2)
}

// gemvPairSplit computes GemvPair's chain on at most w goroutines.
func (g *gemmImpl[T]) gemvPairSplit(w, n1, k int, w1 []T, ld1 int, x, z1, a1 []T, mid func(i0, i1 int), n2 int, w2 []T, ld2 int, z2 []T) {
	w = min(w, (n1+gemvMinPart-1)/gemvMinPart)
	if w <= 1 || n2 == 0 || k == 0 {
		// What Gemm does for each product, with mid between them.
		g.gemm(false, false, n1, 1, k, 1, w1, ld1, x, 1, 0, z1, 1)
		if n1 > 0 {
			mid(0, n1)
		}
		g.gemm(false, false, n2, 1, n1, 1, w2, ld2, a1, 1, 0, z2, 1)
		return
	}
	j := g.getJob()
	p := &j.pair
	*p = pairJob[T]{g: g, n1: n1, x: x[:k], w1: w1, ld1: ld1, z1: z1, a1: a1, mid: mid, n2: n2, w2: w2, ld2: ld2, z2: z2}
	// As in gemvSplit, the calling goroutine's part 0 is longer by up to
	// gemvLeadBytes of W1, since it starts while the workers are reached.
	lead := min(gemvLeadBytes/(k*sizeOf[T]()), n1/(2*w))
	p.step = (n1 - lead + w - 1) / w
	// Parts start on a cache line of z1, so each later part's columns of
	// W2 also start on a line when W2's rows are aligned.
	if line := 64 / sizeOf[T](); p.step > line {
		p.step = (p.step + line/2) / line * line
	}
	p.first = n1 - (w-1)*p.step
	nparts := w
	if size := (nparts - 1) * n2; cap(j.partial) < size {
		j.partial = make([]T, size)
	}
	p.partial = j.partial[:(nparts-1)*n2]
	j.team.run(p, nparts, nparts-1)

	// z2 = part 0's product + those of parts 1 … nparts−1.
	for q := 0; q < nparts-1; q++ {
		for i, v := range p.partial[q*n2 : (q+1)*n2] {
			z2[i] += v
		}
	}
	g.putJob(j)
}

// pairJob is GemvPair's chain split into ranges of rows of W1: part 0
// computes rows 0 … first−1 and each later part step more.
type pairJob[T Float] struct {
	g           *gemmImpl[T]
	n1, n2      int
	x, w1, z1   []T
	a1, w2, z2  []T
	ld1, ld2    int
	mid         func(i0, i1 int)
	first, step int
	// partial holds the n2 partial sums of z2 of parts 1, 2, …; part 0
	// writes its own to z2.
	partial []T
}

func (p *pairJob[T]) runPart(part int) {
	i0, i1 := 0, p.first
	out := p.z2[:p.n2]
	if part > 0 {
		i0 = p.first + (part-1)*p.step
		i1 = i0 + p.step
		out = p.partial[(part-1)*p.n2 : part*p.n2]
	}
	s := p.g.getScratch()
	p.g.gemvPart(true, i0, i1, p.x, p.w1, p.ld1, 0, p.z1, 1, s)
	p.mid(i0, i1)
	// The slice of a1 is copied, not read in place; see gemvInPlaceMin.
	v := s.vector(i1 - i0)
	copy(v, p.a1[i0:i1])
	p.g.gemvPart(true, 0, p.n2, v, p.w2[i0:], p.ld2, 0, out, 1, s)
	p.g.putScratch(s)
}
