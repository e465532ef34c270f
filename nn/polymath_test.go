package nn

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/rand"
)

// ulpsApart returns the number of float64 values between a and b, for
// finite a and b of the same sign.
func ulpsApart(a, b float64) uint64 {
	ia, ib := math.Float64bits(a), math.Float64bits(b)
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

// TestPolyMathError compares expNonPos and log1pUnit with math.Exp and
// math.Log1p at a million random points and at the ends of their ranges.
func TestPolyMathError(t *testing.T) {
	src := rand.New(3)
	xs := []float64{0, math.Copysign(0, -1), -1e-300, -5e-324, -math.Ln2 / 2, -math.Ln2, -1, -20, -700, -708, -708.3}
	for range 1_000_000 {
		xs = append(xs, -708*src.Float64(), -src.Float64()*src.Float64())
	}
	var worstExp, worstLog uint64
	for _, x := range xs {
		got, want := expNonPos(x), math.Exp(x)
		if d := ulpsApart(got, want); d > worstExp {
			worstExp = d
			if d > 2 {
				t.Errorf("expNonPos(%v) = %v, math.Exp %v: %d ulps apart", x, got, want, d)
			}
		}
		e := want
		gotLog, wantLog := log1pUnit(e), math.Log1p(e)
		if d := ulpsApart(gotLog, wantLog); d > worstLog {
			worstLog = d
			if d > 2 {
				t.Errorf("log1pUnit(%v) = %v, math.Log1p %v: %d ulps apart", e, gotLog, wantLog, d)
			}
		}
	}
	t.Logf("largest distance from math: exp %d ulps, log1p %d ulps", worstExp, worstLog)

	// Below −708 and for non-finite arguments, math.Exp gives the result.
	for _, x := range []float64{-708.5, -745, -746, math.Inf(-1), math.NaN()} {
		got, want := expNonPos(x), math.Exp(x)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("expNonPos(%v) = %v, want %v", x, got, want)
		}
	}
	if got := log1pUnit(1); math.Abs(got-math.Ln2) > 2e-16 {
		t.Errorf("log1pUnit(1) = %v, want ln 2 = %v", got, math.Ln2)
	}
	if got := log1pUnit(math.NaN()); !math.IsNaN(got) {
		t.Errorf("log1pUnit(NaN) = %v, want NaN", got)
	}
}

// TestSigmoidPolyFloat32 checks that sigmoidPoly, rounded to float32,
// equals the float32 rounding of sigmoid on a dense grid of float32
// logits and at the special values. The two float64 values may differ by
// a few ulps. An exact value that close to a float32 rounding boundary
// could therefore round the other way, but none on the grid does.
func TestSigmoidPolyFloat32(t *testing.T) {
	zs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -800, 800, -745, -104, 88, 17, -17}
	for i := -200_000; i <= 200_000; i++ {
		zs = append(zs, float64(float32(float64(i)*1e-4)), float64(float32(float64(i)*4e-3)))
	}
	for _, z := range zs {
		got, want := float32(sigmoidPoly(z)), float32(sigmoid(z))
		if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("float32(sigmoidPoly(%v)) = %v, float32(sigmoid) %v", z, got, want)
		}
	}
	for _, c := range []struct{ z, y float64 }{{-800, 1}, {800, 0}, {800, 1}, {0, 0}, {-3.5, 1}, {2.25, 0}} {
		got := bceTermPoly(c.z, c.y)
		want := math.Max(c.z, 0) - c.z*c.y + math.Log1p(math.Exp(-math.Abs(c.z)))
		if math.Abs(got-want) > 4e-16*math.Abs(want) {
			t.Errorf("bceTermPoly(%v, %v) = %v, want %v", c.z, c.y, got, want)
		}
	}
}

// BenchmarkOutputMath times the sigmoid and the binary cross-entropy sum
// of 4096 logits drawn from N(0, 16): float32 data takes sigmoidPoly and
// bceTermPoly, float64 data math.Exp and math.Log1p.
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
