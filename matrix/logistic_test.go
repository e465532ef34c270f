package matrix_test

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/matrix"
)

// TestLogisticFunctions checks Sigmoid and SumBCE against math.Exp and
// math.Log1p in float64, on logits of both signs up to 50 and labels 0
// and 1, and their panics on slices of unequal lengths.
func TestLogisticFunctions(t *testing.T) {
	t.Run("float32", func(t *testing.T) { testLogistic[float32](t, 1.2e-7) })
	t.Run("float64", func(t *testing.T) { testLogistic[float64](t, 1e-15) })
}

func testLogistic[T matrix.Float](t *testing.T, tol float64) {
	var z, y []T
	for i := -500; i <= 500; i++ {
		z = append(z, T(float64(i)/10))
		y = append(y, T(i&1))
	}
	a := make([]T, len(z))
	matrix.Sigmoid(a, z)
	var want float64
	for i, v := range z {
		zv := float64(v)
		s := 1 / (1 + math.Exp(-zv))
		if d := math.Abs(float64(a[i]) - s); d > tol*s {
			t.Errorf("σ(%v) = %v, want %v", zv, a[i], s)
		}
		want += math.Max(zv, 0) - zv*float64(y[i]) + math.Log1p(math.Exp(-math.Abs(zv)))
	}
	if got := matrix.SumBCE(z, y); math.Abs(got-want) > 1e-14*want {
		t.Errorf("SumBCE = %v, want %v", got, want)
	}

	// In place.
	b := append([]T(nil), z...)
	matrix.Sigmoid(b, b)
	for i := range b {
		if b[i] != a[i] {
			t.Fatalf("Sigmoid in place: element %d = %v, want %v", i, b[i], a[i])
		}
	}

	if msg := panics(func() { matrix.Sigmoid(a[:3], z) }); msg != matrix.ErrShape {
		t.Errorf("Sigmoid with a shorter than z: panic %v, want %q", msg, matrix.ErrShape)
	}
	if msg := panics(func() { matrix.SumBCE(z, y[:3]) }); msg != matrix.ErrShape {
		t.Errorf("SumBCE with y shorter than z: panic %v, want %q", msg, matrix.ErrShape)
	}
}
