package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
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
	r := rand.New(rand.NewPCG(3, 4))
	xs := []float64{0, math.Copysign(0, -1), -1e-300, -5e-324, -math.Ln2 / 2, -math.Ln2, -1, -20, -700, -708, -708.3}
	for range 1_000_000 {
		xs = append(xs, -708*r.Float64(), -r.Float64()*r.Float64())
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
	for _, c := range []struct{ z, y float64 }{{-800, 1}, {800, 0}, {800, 1}, {0, 0}, {-3.5, 1}, {2.25, 0}} {
		got := bceTermPoly(c.z, c.y)
		want := math.Max(c.z, 0) - c.z*c.y + math.Log1p(math.Exp(-math.Abs(c.z)))
		if math.Abs(got-want) > 4e-16*math.Abs(want) {
			t.Errorf("bceTermPoly(%v, %v) = %v, want %v", c.z, c.y, got, want)
		}
	}
}

// logits returns n float32 logits: random ones of either sign up to 30
// and up to 800 in size, which pass the bound −708 of expNonPos, with a
// special value in one of eight.
func logits(r *rand.Rand, n int) []float32 {
	z := make([]float32, n, n+guard)
	for i := range z {
		z[i] = float32(60*r.Float64() - 30)
		switch r.IntN(8) {
		case 0:
			z[i] = float32(specials[r.IntN(len(specials))])
		case 1:
			z[i] = float32(1600*r.Float64() - 800)
		}
	}
	return z
}

// TestLogisticKernels checks each implementation of Sigmoid against the
// portable loop bit for bit, and of SumBCE within the rounding of a sum
// taken in another order, for every length up to maxLen.
func TestLogisticKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, e := range elementwiseImpls32 {
		for n := 0; n <= maxLen; n++ {
			z := logits(r, n)
			y := make([]float32, n)
			for i := range y {
				y[i] = float32(r.IntN(2))
			}
			name := fmt.Sprintf("%s sigmoid", e.name)
			got, want := withGuard[float32](n), withGuard[float32](n)
			e.sigmoid(got, z)
			sigmoidGo(want, z)
			checkSame(t, name, got, want)
			checkGuard(t, name, got)

			// A NaN or an infinite term makes both sums NaN or infinite.
			s, w := e.sumBCE(z, y), sumBCEGo(z, y)
			if !(s == w || s != s && w != w || math.Abs(s-w) <= 1e-14*math.Abs(w)) {
				t.Errorf("%s sumBCE: n = %d: %v, portable loop %v", e.name, n, s, w)
			}
		}
	}
}

// TestLogisticLargeLogits checks the lanes where −|z| < −708: the
// assembly counts e^−|z| as 0 there, which leaves every float32 σ and
// each cross-entropy term within 1e−300 of the portable loop's.
func TestLogisticLargeLogits(t *testing.T) {
	z := []float32{-708.5, 708.5, -745, 745, -800, 800, -3e38, 3e38, float32(math.Inf(-1)), float32(math.Inf(1)), -1000, 1000, 709, -709, 708, -708}
	y := []float32{1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0}
	for _, e := range elementwiseImpls32 {
		got, want := make([]float32, len(z)), make([]float32, len(z))
		e.sigmoid(got, z)
		sigmoidGo(want, z)
		checkSame(t, e.name+" sigmoid", got, want)
		for i := range z {
			s, w := e.sumBCE(z[i:i+1], y[i:i+1]), sumBCEGo(z[i:i+1], y[i:i+1])
			if !(s == w || s != s && w != w || math.Abs(s-w) <= 1e-300) {
				t.Errorf("%s sumBCE(%v, %v) = %v, portable loop %v", e.name, z[i], y[i], s, w)
			}
		}
	}
}

// BenchmarkLogistic times Sigmoid and SumBCE on 4096 float32 logits of
// N(0, 16) for each implementation.
func BenchmarkLogistic(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	z, y, a := make([]float32, 4096), make([]float32, 4096), make([]float32, 4096)
	for i := range z {
		z[i] = float32(4 * r.NormFloat64())
		y[i] = float32(r.IntN(2))
	}
	for _, e := range elementwiseImpls32 {
		b.Run("sigmoid/"+e.name, func(b *testing.B) {
			for b.Loop() {
				e.sigmoid(a, z)
			}
		})
		b.Run("bce/"+e.name, func(b *testing.B) {
			var s float64
			for b.Loop() {
				s += e.sumBCE(z, y)
			}
			if s != s {
				b.Fatal("the sum is NaN")
			}
		})
	}
}
