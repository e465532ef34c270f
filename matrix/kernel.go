package matrix

import "github.com/backprop-go/backprop/matrix/internal/kernel"

// KernelInfo describes the compute kernels in use, chosen for this CPU
// when the program starts: the GEMM implementation of each precision and
// its micro-tile, and the element-wise kernels. Benchmarks print it.
func KernelInfo() string { return kernel.Info() }
