package matrix

import (
	"runtime"

	"github.com/backprop-go/backprop/matrix/internal/kernel"
)

// Chain runs a training step of a fully-connected network of L ≥ 2
// layers on several goroutines at once: the forward pass, the backward
// pass and the gradient-descent update. Each goroutine keeps its own
// units of every hidden layer. Part p owns a range of rows of Z[l], A[l],
// dZ[l], b[l] and W[1], and the matching columns of W[l+1]:
//
//	Z[1] rows   = W[1] rows·X, then A[1] = g[1](Z[1] + b[1]) on them
//	P[l+1, p]   = W[l+1][:, own rows of layer l]·A[l][own rows]
//	Z[l+1] rows = Σ over parts q of P[l+1, q] rows, then the bias and g
//
// The output layer's sum, activation and dZ[L] run on the calling
// goroutine (Output). The backward pass mirrors the forward pass: part p
// computes dW[l]'s columns and dA[l−1]'s rows for its rows of layer
// l−1, then dZ[l−1] and db[l−1] on them. Each part then updates the
// parameters it owns. Between layers the parts meet at a barrier. What
// crosses between them is the batch, the partial products and dZ[l],
// never a weight, gradient or activation that another part owns.
//
// The sums are those of the plain passes (nn.Network.Forward and
// Backward), split differently: results equal theirs up to rounding, and
// repeat bit for bit for the same number of parts.
//
// Steps of different Chains may be called from several goroutines, but
// they run one at a time, each on all its parts.
type Chain[T Float] struct {
	// W, B, Z, A, DZ, DA, DW and DB hold at index l = 1 … L the weights,
	// biases, caches and gradients of layer l, as nn.Network does; index
	// 0 is unused. Step resizes the caches to the batch.
	W, B, Z, A, DZ, DA, DW, DB []*Dense[T]

	// ReLU[l] reports that hidden layer l applies ReLU, which Chain fuses
	// with the bias and, in the backward pass, with dA[l].
	ReLU []bool

	// Act sets rows i0 … i1−1 of A[l] to g[l] of the same rows of Z[l],
	// which hold the bias already, for a hidden layer l without ReLU.
	Act func(l, i0, i1 int)

	// ActBack sets rows i0 … i1−1 of DZ[l] = DA[l] ⊙ g[l]'(Z[l]) for a
	// hidden layer l without ReLU.
	ActBack func(l, i0, i1 int)

	// Output runs on the goroutine that called Step once Z[L] holds
	// W[L]·A[L−1], without b[L]. It must set A[L] and DZ[L], (n[L], m),
	// and may compute the cost. It returns false to stop the step there,
	// with no gradient computed and no parameter changed.
	Output func() bool

	// Parts is the number of goroutines a step runs on. Zero means
	// GOMAXPROCS. Step lowers it to GOMAXPROCS and to the number of CPUs
	// the process may run on, since the parts wait for each other, and so
	// that every part owns at least one unit of every hidden layer and
	// one example.
	Parts int

	gang    kernel.Gang
	body    func(part int)
	partial [][]Dense[T] // partial products P[l, p], for l = 2 … L
	bad     []bool
	stopped bool

	// The arguments of the running step.
	xt     *Dense[T]
	x      *Dense[T]
	idx    []int
	m      int
	parts  int
	alpha  T
	lambda T
}

// ChainMaxParts returns the most goroutines a Chain step runs on:
// GOMAXPROCS, but no more than the CPUs the process may run on.
func ChainMaxParts() int { return kernel.MaxParts() }

// Step gathers the batch x, column k of which is row idx[k] of xt, the
// training inputs with one example per row. Then it runs the forward
// pass, Output, the backward pass with L2 strength lambda, and the update
// p = p − alpha·dp of every parameter. x becomes (n[0], len(idx)). Step
// reports whether it applied the update. It does not when Output stopped
// the step, nor when some updated value would be NaN or ±Inf: then no
// parameter changed, and the gradients are those of the step.
func (c *Chain[T]) Step(x, xt *Dense[T], idx []int, alpha, lambda float64) bool {
	L := len(c.W) - 1
	if L < 2 || len(c.B) != L+1 || len(c.Z) != L+1 || len(c.A) != L+1 || len(c.DZ) != L+1 ||
		len(c.DA) != L+1 || len(c.DW) != L+1 || len(c.DB) != L+1 || len(c.ReLU) < L {
		panic(ErrShape)
	}
	n0 := c.W[1].cols
	if xt.cols != n0 || overlaps(x, xt) {
		panic(ErrShape)
	}
	m := len(idx)
	x.Resize(n0, m)
	for l := 1; l <= L; l++ {
		n := c.W[l].rows
		c.DW[l].Resize(n, c.W[l].cols)
		c.DB[l].Resize(n, 1)
		c.Z[l].Resize(n, m)
		c.A[l].Resize(n, m)
		c.DZ[l].Resize(n, m)
		if l < L {
			c.DA[l].Resize(n, m)
		}
	}

	parts := c.Parts
	if parts <= 0 {
		parts = runtime.GOMAXPROCS(0)
	}
	parts = min(parts, ChainMaxParts(), m)
	for l := 1; l < L; l++ {
		parts = min(parts, c.W[l].rows)
	}
	parts = max(parts, 1)
	if len(c.partial) < L+1 {
		c.partial = make([][]Dense[T], L+1)
	}
	for l := 2; l <= L; l++ {
		if len(c.partial[l]) < parts {
			c.partial[l] = make([]Dense[T], parts)
		}
		for p := range parts {
			c.partial[l][p].Resize(c.W[l].rows, m)
		}
	}
	if len(c.bad) < parts {
		c.bad = make([]bool, parts)
	}
	if c.body == nil {
		c.body = c.run
	}
	c.xt, c.x, c.idx, c.m, c.parts = xt, x, idx, m, parts
	c.alpha, c.lambda = T(alpha), T(lambda)
	c.stopped = false

	c.gang.Run(parts, c.body)

	c.xt, c.x, c.idx = nil, nil, nil
	if c.stopped {
		return false
	}
	for _, b := range c.bad[:parts] {
		if b {
			return false
		}
	}
	return true
}

// rows returns the range of rows of layer l that part p owns.
func (c *Chain[T]) rows(l, p int) (i0, i1 int) {
	n := c.W[l].rows
	return p * n / c.parts, (p + 1) * n / c.parts
}

// run is part p of a step.
func (c *Chain[T]) run(p int) {
	L := len(c.W) - 1
	m := c.m
	n0 := c.W[1].cols
	X := c.x.data[:n0*m]

	// The batch, whole cache lines of columns per part.
	per := (m + c.parts - 1) / c.parts
	if per < m {
		per = (per + 15) &^ 15
	}
	k0, k1 := min(p*per, m), min((p+1)*per, m)
	kernel.GatherRowsTransCols(X, c.xt.data, n0, c.idx, k0, k1)
	c.gang.Wait()

	// Forward: the part's rows of layer l, and its partial product for
	// layer l+1.
	for l := 1; l < L; l++ {
		i0, i1 := c.rows(l, p)
		n := c.W[l].rows
		z := c.Z[l].data[i0*m : i1*m]
		if l == 1 {
			kernel.GemmSerial(false, false, i1-i0, m, n0, 1, c.W[1].data[i0*n0:], n0, X, m, 0, z, m)
		} else {
			c.sumPartials(l, z, i0, i1)
		}
		a := c.A[l].data[i0*m : i1*m]
		b := c.B[l].data
		for i := i0; i < i1; i++ {
			zi := z[(i-i0)*m : (i-i0+1)*m]
			if c.ReLU[l] {
				kernel.AddConstReLU(zi, a[(i-i0)*m:(i-i0+1)*m], b[i])
			} else {
				kernel.AddConst(zi, zi, b[i])
			}
		}
		if !c.ReLU[l] {
			c.Act(l, i0, i1)
		}
		next := c.W[l+1]
		kernel.GemmSerial(false, false, next.rows, m, i1-i0, 1, next.data[i0:], n, a, m, 0, c.partial[l+1][p].data, m)
		c.gang.Wait()
	}

	// The output layer, on the calling goroutine.
	invM := 1 / T(m)
	if p == 0 {
		nL := c.W[L].rows
		c.sumPartials(L, c.Z[L].data[:nL*m], 0, nL)
		if !c.Output() {
			c.stopped = true
		} else {
			db := c.DB[L].data[:nL]
			kernel.RowSums(db, c.DZ[L].data, nL, m)
			kernel.ScaleSerial(db, invM, db)
		}
	}
	c.gang.Wait()
	if c.stopped {
		return
	}

	// Backward: dW[l]'s columns and dA[l−1]'s rows for the part's rows of
	// layer l−1, then dZ[l−1] and db[l−1] on those rows.
	lambdaM := c.lambda * invM
	for l := L; l >= 2; l-- {
		i0, i1 := c.rows(l-1, p)
		W, DW := c.W[l], c.DW[l]
		n, prev := W.rows, W.cols
		dz := c.DZ[l].data[:n*m]
		aPrev := c.A[l-1].data[i0*m : i1*m]
		kernel.GemmSerial(false, true, n, i1-i0, m, invM, dz, m, aPrev, m, 0, DW.data[i0:], prev)
		if lambdaM != 0 {
			for r := range n {
				row := DW.data[r*prev+i0 : r*prev+i1]
				kernel.AddScaledSerial(row, row, lambdaM, W.data[r*prev+i0:r*prev+i1])
			}
		}
		da := c.DA[l-1].data[i0*m : i1*m]
		kernel.GemmSerial(true, false, i1-i0, m, n, 1, W.data[i0:], prev, dz, m, 0, da, m)
		dzPrev := c.DZ[l-1].data[i0*m : i1*m]
		if c.ReLU[l-1] {
			kernel.MulStep(dzPrev, da, c.Z[l-1].data[i0*m:i1*m])
		} else {
			c.ActBack(l-1, i0, i1)
		}
		db := c.DB[l-1].data[i0:i1]
		kernel.RowSums(db, dzPrev, i1-i0, m)
		kernel.ScaleSerial(db, invM, db)
		if l > 2 {
			c.gang.Wait()
		}
	}
	i0, i1 := c.rows(1, p)
	dw1 := c.DW[1].data[i0*n0 : i1*n0]
	kernel.GemmSerial(false, true, i1-i0, n0, m, invM, c.DZ[1].data[i0*m:], m, X, m, 0, dw1, n0)
	if lambdaM != 0 {
		kernel.AddScaledSerial(dw1, dw1, lambdaM, c.W[1].data[i0*n0:i1*n0])
	}

	// The update of the part's parameters, checked by every part before
	// any applies it.
	c.bad[p] = !c.update(p, true)
	c.gang.Wait()
	for _, b := range c.bad[:c.parts] {
		if b {
			return
		}
	}
	c.update(p, false)
}

// sumPartials sets z, rows i0 … i1−1 of Z[l], to the sum of the parts'
// partial products, in the order of the parts.
func (c *Chain[T]) sumPartials(l int, z []T, i0, i1 int) {
	m := c.m
	copy(z, c.partial[l][0].data[i0*m:i1*m])
	for q := 1; q < c.parts; q++ {
		kernel.Add(z, z, c.partial[l][q].data[i0*m:i1*m])
	}
}

// update checks (check set) or applies p = p − alpha·dp for the
// parameters part p owns. Those are its rows of W[1] and of every b[l],
// its columns of W[l] for l ≥ 2, and b[L] for part 0. Checking, it
// reports whether every new value is finite.
func (c *Chain[T]) update(p int, check bool) bool {
	L := len(c.W) - 1
	s := -c.alpha
	step := func(w, dw []T) bool {
		if check {
			return kernel.FirstNonFiniteAddScaledSerial(w, s, dw) < 0
		}
		kernel.AddScaledSerial(w, w, s, dw)
		return true
	}
	ok := true
	i0, i1 := c.rows(1, p)
	n0 := c.W[1].cols
	ok = step(c.W[1].data[i0*n0:i1*n0], c.DW[1].data[i0*n0:i1*n0]) && ok
	for l := 1; l <= L; l++ {
		if l < L {
			i0, i1 := c.rows(l, p)
			ok = step(c.B[l].data[i0:i1], c.DB[l].data[i0:i1]) && ok
		} else if p == 0 {
			n := c.W[L].rows
			ok = step(c.B[L].data[:n], c.DB[L].data[:n]) && ok
		}
		if l >= 2 {
			j0, j1 := c.rows(l-1, p)
			W, DW := c.W[l], c.DW[l]
			for r := range W.rows {
				ok = step(W.data[r*W.cols+j0:r*W.cols+j1], DW.data[r*W.cols+j0:r*W.cols+j1]) && ok
			}
		}
	}
	return ok
}
