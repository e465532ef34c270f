//go:build !amd64 || noasm

package kernel

// gemmImpls32 and gemmImpls64 list the GEMM implementations this build
// has, for the conformance tests and benchmarks.
var (
	gemmImpls32 = []*gemmImpl[float32]{goGemm32}
	gemmImpls64 = []*gemmImpl[float64]{goGemm64}
)
