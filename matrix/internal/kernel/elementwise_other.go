//go:build !amd64 || noasm

package kernel

// elementwiseImpls32 and elementwiseImpls64 list the element-wise
// implementations this build has, for the conformance tests and
// benchmarks.
var (
	elementwiseImpls32 = []*elementwise[float32]{elementwise32}
	elementwiseImpls64 = []*elementwise[float64]{elementwise64}
)
