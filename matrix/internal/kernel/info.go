package kernel

import "fmt"

// Info describes the kernels this build and CPU run: the GEMM
// implementation of each precision with its micro-tile, and the
// element-wise kernels.
func Info() string {
	g32 := gemmImpls32[len(gemmImpls32)-1]
	g64 := gemmImpls64[len(gemmImpls64)-1]
	return fmt.Sprintf("gemm float32 %s %d×%d, float64 %s %d×%d; element-wise %s",
		g32.name, g32.mr, g32.nr, g64.name, g64.mr, g64.nr, elementwise32.name)
}
