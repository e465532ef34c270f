package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchShapes is the ladder of products the benchmarks run, named MxKxN
// as op(A) is M×K and op(B) K×N, with a suffix _TN, _NT or _TT when an
// operand is transposed. After the squares come the products of a layer
// with 784 inputs and 64 units on a batch of 256: forward W·X
// (64x784x256), backward dW = dZ·Xᵀ (64x256x784_NT) and dA = Wᵀ·dZ
// (784x64x256_TN, and 784x64x256 with Wᵀ stored). 64x256x128 is a layer
// of 64 units on 256 inputs and a batch of 128. Last come a layer of 20
// units on 12288 features (64×64 colour images) for 209 examples, forward
// (20x12288x209) and backward with Xᵀ stored (20x209x12288), and
// logistic regression on the whole MNIST training set (60000 examples),
// forward and backward.
var benchShapes = []struct {
	m, k, n        int
	transA, transB bool
}{
	{m: 64, k: 64, n: 64},
	{m: 128, k: 128, n: 128},
	{m: 256, k: 256, n: 256},
	{m: 512, k: 512, n: 512},
	{m: 1024, k: 1024, n: 1024},
	{m: 64, k: 784, n: 256},
	{m: 64, k: 256, n: 128},
	{m: 784, k: 64, n: 256},
	{m: 784, k: 64, n: 256, transA: true},
	{m: 64, k: 256, n: 784, transB: true},
	{m: 20, k: 12288, n: 209},
	{m: 20, k: 209, n: 12288},
	{m: 1, k: 784, n: 60000},
	{m: 784, k: 60000, n: 1, transB: true},
}

func shapeName(m, k, n int, transA, transB bool) string {
	s := fmt.Sprintf("%dx%dx%d", m, k, n)
	if transA || transB {
		s += "_"
		for _, t := range []bool{transA, transB} {
			if t {
				s += "T"
			} else {
				s += "N"
			}
		}
	}
	return s
}

// BenchmarkGemm runs Gemm over the ladder of shapes, in each precision, on
// one goroutine and on two. It reports GFLOP/s (2·m·n·k per product) and,
// as MB/s, the bytes of A, B and C read once.
//
//	go test -run X -bench 'Gemm/f32/1024x1024x1024/threads=2' -benchtime 20x
func BenchmarkGemm(b *testing.B) {
	benchGemm(b, "f32", Gemm[float32])
	benchGemm(b, "f64", Gemm[float64])
}

// BenchmarkGemmImpl runs each implementation on the shapes, on one
// goroutine.
func BenchmarkGemmImpl(b *testing.B) {
	for _, g := range gemmImpls32 {
		benchGemmThreads(b, "f32/"+g.name, g.gemm, []int{1})
	}
	for _, g := range gemmImpls64 {
		benchGemmThreads(b, "f64/"+g.name, g.gemm, []int{1})
	}
}

func benchGemm[T Float](b *testing.B, prefix string, gemm gemmFunc[T]) {
	benchGemmThreads(b, prefix, gemm, []int{1, 2})
}

func benchGemmThreads[T Float](b *testing.B, prefix string, gemm gemmFunc[T], threads []int) {
	for _, sh := range benchShapes {
		for _, th := range threads {
			name := fmt.Sprintf("%s/%s/threads=%d", prefix, shapeName(sh.m, sh.k, sh.n, sh.transA, sh.transB), th)
			b.Run(name, func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(th))
				benchProduct(b, gemm, sh.m, sh.k, sh.n, sh.transA, sh.transB)
			})
		}
	}
}

func benchProduct[T Float](b *testing.B, gemm gemmFunc[T], m, k, n int, transA, transB bool) {
	rnd := rand.New(rand.NewPCG(1, 1))
	fill := func(x []T) []T {
		for i := range x {
			x[i] = T(rnd.Float64())
		}
		return x
	}
	a := fill(make([]T, m*k))
	bm := fill(make([]T, k*n))
	c := make([]T, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	b.SetBytes(int64((m*k + k*n + m*n) * sizeOf[T]()))
	for b.Loop() {
		gemm(transA, transB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
