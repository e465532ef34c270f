package nn

import (
	"math"
	"testing"
)

// TestChunkedMathLoops checks that the sigmoid and tanh loops, which
// handle float32 data a chunk or a vector at a time, equal the
// element-by-element float32 definitions bit for bit. The binary
// cross-entropy sum must agree within the rounding of a sum taken in
// another order. The lengths surround the chunk's edges, and ±Inf, NaN
// and −0 are among the values.
func TestChunkedMathLoops(t *testing.T) {
	specials := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), float32(math.Copysign(0, -1)), -800, 800}
	for _, n := range []int{0, 1, wideChunk - 1, wideChunk, wideChunk + 1, 3*wideChunk + 7} {
		z := make([]float32, n)
		y := make([]float32, n)
		for i := range z {
			z[i] = float32(math.Sin(float64(i)*1.3)) * 40
			y[i] = float32(i % 2)
			if i%11 == 5 {
				z[i] = specials[(i/11)%len(specials)]
			}
		}
		for _, c := range []struct {
			name string
			loop func(a, z []float32)
			one  func(float64) float64
		}{
			{"sigmoid", sigmoidForward[float32], sigmoidOne},
			{"tanh", tanhForward[float32], math.Tanh},
		} {
			a := make([]float32, n+1)
			a[n] = 7 // guard
			c.loop(a[:n], z)
			for i, v := range z {
				want := float32(c.one(float64(v)))
				if math.Float32bits(a[i]) != math.Float32bits(want) && !(a[i] != a[i] && want != want) {
					t.Fatalf("%s, length %d: element %d = %v, want %v", c.name, n, i, a[i], want)
				}
			}
			if a[n] != 7 {
				t.Errorf("%s, length %d: wrote past the end", c.name, n)
			}
		}
		// Without ±Inf and NaN, the sum is finite.
		finite := make([]float32, n)
		for i, v := range z {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				v = 1
			}
			finite[i] = v
		}
		var want float64
		for i, zv := range finite {
			want += bceSum([]float32{zv}, []float32{y[i]})
		}
		if got := bceSum(finite, y); math.Abs(got-want) > 1e-14*math.Abs(want) {
			t.Errorf("bceSum, length %d = %v, element by element %v", n, got, want)
		}
	}
}

// sigmoidOne returns the float32 sigmoid of one value as the float32
// networks compute it, widened back to float64.
func sigmoidOne(z float64) float64 {
	a := []float32{0}
	sigmoidForward(a, []float32{float32(z)})
	return float64(a[0])
}
