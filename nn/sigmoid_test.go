package nn

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/rand"
)

// TestSigmoidFloat32 checks that the float32 sigmoid, computed by
// matrix.Sigmoid, equals the float32 rounding of sigmoid on a dense grid
// of float32 logits and at the special values. The two float64 values may
// differ by a few ulps. An exact value that close to a float32 rounding
// boundary could therefore round the other way, but none on the grid does.
func TestSigmoidFloat32(t *testing.T) {
	zs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -800, 800, -745, -104, 88, 17, -17}
	for i := -200_000; i <= 200_000; i++ {
		zs = append(zs, float64(float32(float64(i)*1e-4)), float64(float32(float64(i)*4e-3)))
	}
	z32 := make([]float32, len(zs))
	for i, z := range zs {
		z32[i] = float32(z)
	}
	a := make([]float32, len(zs))
	sigmoidForward(a, z32)
	for i, z := range zs {
		got, want := a[i], float32(sigmoid(z))
		if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("float32 σ(%v) = %v, float32(sigmoid) %v", z, got, want)
		}
	}
	for _, c := range []struct{ z, y float64 }{{-800, 1}, {800, 0}, {800, 1}, {0, 0}, {-3.5, 1}, {2.25, 0}} {
		got := bceSum([]float32{float32(c.z)}, []float32{float32(c.y)})
		want := math.Max(c.z, 0) - c.z*c.y + math.Log1p(math.Exp(-math.Abs(c.z)))
		if math.Abs(got-want) > 4e-16*math.Abs(want) {
			t.Errorf("float32 bceSum(%v, %v) = %v, want %v", c.z, c.y, got, want)
		}
	}
}

// BenchmarkOutputMath times the sigmoid and the binary cross-entropy sum
// of 4096 logits drawn from N(0, 16): float32 data takes matrix.Sigmoid and
// matrix.SumBCE, float64 data math.Exp and math.Log1p.
//
//	go test -run X -bench OutputMath ./nn
func BenchmarkOutputMath(b *testing.B) {
	benchOutputMath[float32](b, "float32")
	benchOutputMath[float64](b, "float64")
}

func benchOutputMath[T float32 | float64](b *testing.B, name string) {
	src := rand.New(5)
	z, y, a := make([]T, 4096), make([]T, 4096), make([]T, 4096)
	for i := range z {
		z[i] = T(src.NormFloat64() * 4)
		y[i] = T(src.Intn(2))
	}
	b.Run("sigmoid/"+name, func(b *testing.B) {
		for b.Loop() {
			sigmoidForward(a, z)
		}
	})
	b.Run("bce/"+name, func(b *testing.B) {
		var s float64
		for b.Loop() {
			s += bceSum(z, y)
		}
		if math.IsNaN(s) {
			b.Fatal("bceSum is NaN")
		}
	})
}
