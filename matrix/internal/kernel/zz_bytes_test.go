package kernel

import (
	"fmt"
	"testing"
)

func benchBytesSkinny[T Float](b *testing.B, m, n, k int) {
	a := make([]T, m*k)
	x := make([]uint8, k*n)
	for i := range x {
		x[i] = uint8(i * 7)
	}
	for i := range a {
		a[i] = T(i%89) / 89
	}
	c := make([]T, m*n)
	for b.Loop() {
		GemmBytes(m, n, k, 1, a, k, x, n, 0, c, n)
	}
	b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkZZBytes(b *testing.B) {
	b.Run(fmt.Sprint("f64/fwd"), func(b *testing.B) { benchBytesSkinny[float64](b, 20, 209, 12288) })
	b.Run(fmt.Sprint("f64/bwd"), func(b *testing.B) { benchBytesSkinny[float64](b, 20, 12288, 209) })
}
