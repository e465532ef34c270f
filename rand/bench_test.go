package rand

import (
	"fmt"
	"testing"
)

// benchSink keeps the compiler from discarding the values benchmarked.
var benchSink float64

func BenchmarkNormFloat64(b *testing.B) {
	for _, s := range sources() {
		b.Run(s.name, func(b *testing.B) {
			var sum float64
			for b.Loop() {
				sum += s.src.NormFloat64()
			}
			benchSink = sum
		})
	}
}

func BenchmarkFloat64(b *testing.B) {
	for _, s := range sources() {
		b.Run(s.name, func(b *testing.B) {
			var sum float64
			for b.Loop() {
				sum += s.src.Float64()
			}
			benchSink = sum
		})
	}
}

func BenchmarkPerm(b *testing.B) {
	for _, n := range []int{100, 10000} {
		for _, s := range sources() {
			b.Run(fmt.Sprintf("n=%d/%s", n, s.name), func(b *testing.B) {
				for b.Loop() {
					s.src.Perm(n)
				}
			})
		}
	}
}

func BenchmarkLogRounded(b *testing.B) {
	x := 0.3
	var sum float64
	for b.Loop() {
		sum += logRounded(x)
		x += 1e-9
	}
	benchSink = sum
}
