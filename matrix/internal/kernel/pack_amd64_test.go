//go:build amd64 && !noasm

package kernel

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestPackTransposeAVX2 compares the AVX2 transposing pack with the
// portable one for panels of A and B of every length up to 40 steps, with
// NaN guard cells after the panel.
func TestPackTransposeAVX2(t *testing.T) {
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("the CPU lacks AVX2 with FMA")
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, w := range []int{6, 16} {
		for _, cnt := range []int{w, w - 1} {
			for _, ld := range []int{40, 41, 64} {
				for steps := 0; steps <= 40; steps++ {
					src := make([]float32, w*ld)
					for i := range src {
						src[i] = rnd.Float32()
					}
					want := make([]float32, steps*w)
					packTranspose(want, steps, w, cnt, src, ld)
					got := make([]float32, steps*w+guardLen)
					for i := range got {
						got[i] = float32(math.NaN())
					}
					packTransposeAVX2F32Slices(got[:steps*w], steps, w, cnt, src, ld)
					for i, v := range want {
						if got[i] != v {
							t.Fatalf("w %d, cnt %d, ld %d, steps %d: panel[%d] = %v, want %v", w, cnt, ld, steps, i, got[i], v)
						}
					}
					for i, v := range got[steps*w:] {
						if !math.IsNaN(float64(v)) {
							t.Fatalf("w %d, cnt %d, ld %d, steps %d: guard cell %d after the panel changed to %v", w, cnt, ld, steps, i, v)
						}
					}
				}
			}
		}
	}
}
