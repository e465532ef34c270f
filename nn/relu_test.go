package nn

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/matrix"
)

// TestAddReLUMatchesKernel checks addReLU against matrix.AddColVecReLU
// bit for bit, on sums that give −0, NaN, infinities and values near 0.
func TestAddReLUMatchesKernel(t *testing.T) {
	t.Run("float32", func(t *testing.T) { testAddReLU[float32](t, math.Float32bits) })
	t.Run("float64", func(t *testing.T) { testAddReLU[float64](t, math.Float64bits) })
}

func testAddReLU[T float32 | float64, U uint32 | uint64](t *testing.T, bits func(T) U) {
	negZero, nan, inf := T(math.Copysign(0, -1)), T(math.NaN()), T(math.Inf(1))
	zs := []T{0, negZero, negZero, 0, nan, -nan, inf, -inf, inf, 1, -1, 2.5, -2.5, 1e-30, -1e-30, 3, -3}
	bs := []T{0, negZero, 0, negZero, 1, -1, 0, 0, -inf, -1, 1, -2.5, 2.5, -1e-30, 1e-30, 1, -4}
	for _, withBias := range []bool{true, false} {
		z := append([]T(nil), zs...)
		a := make([]T, len(z))
		Z := matrix.New(len(zs), 1, append([]T(nil), zs...))
		// Without a bias the kernel adds −0, which keeps every value.
		B := matrix.New[T](len(zs), 1, nil)
		B.Fill(negZero)
		var b []T
		if withBias {
			b = bs
			B = matrix.New(len(zs), 1, append([]T(nil), bs...))
		}
		addReLU(a, z, b)
		A := matrix.New[T](len(zs), 1, nil)
		A.AddColVecReLU(Z, B)
		for i := range zs {
			if bits(z[i]) != bits(Z.At(i, 0)) || bits(a[i]) != bits(A.At(i, 0)) {
				t.Errorf("z %v + b %v: addReLU gives z %v, a %v; the kernel z %v, a %v",
					zs[i], B.At(i, 0), z[i], a[i], Z.At(i, 0), A.At(i, 0))
			}
		}
	}
}
