package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestUpdateKernels(t *testing.T) {
	for _, u := range updateImpls32 {
		t.Run("f32/"+u.name, func(t *testing.T) { testUpdateKernels(t, u) })
	}
	for _, u := range updateImpls64 {
		t.Run("f64/"+u.name, func(t *testing.T) { testUpdateKernels(t, u) })
	}
}

// testUpdateKernels compares an implementation with the portable loops,
// bit for bit, on random operands with an occasional huge or non-finite
// gradient.
func testUpdateKernels[T Float](t *testing.T, u *update[T]) {
	r := rand.New(rand.NewPCG(9, 10))
	ref := portableUpdate[T]()
	alpha, b1, b2, c1, c2, eps := T(0.01), T(0.9), T(0.999), T(0.19), T(0.002), T(1e-8)
	for n := 0; n <= maxLen; n++ {
		for trial := range 3 {
			p, g := testValues[T](r, n, false), testValues[T](r, n, false)
			m, v := testValues[T](r, n, false), testValues[T](r, n, false)
			for k := range v {
				v[k] = v[k] * v[k] // second moments are not negative
			}
			if trial > 0 && n > 0 {
				huge := 1e300 // overflows float32 to +Inf, and the update in float64
				bad := []T{T(math.NaN()), T(math.Inf(1)), T(huge)}[trial%3]
				g[r.IntN(n)] = bad
			}

			if got, want := u.momentumCheck(p, g, v, alpha, b1), ref.momentumCheck(p, g, v, alpha, b1); got != want {
				t.Errorf("momentumCheck: n = %d: %d, want %d", n, got, want)
			}
			dGot, dWant := make([]T, n), make([]T, n)
			got := u.adamCheck(p, g, m, v, dGot, alpha, b1, b2, c1, c2, eps)
			want := ref.adamCheck(p, g, m, v, dWant, alpha, b1, b2, c1, c2, eps)
			if got != want {
				t.Errorf("adamCheck: n = %d: %d, want %d", n, got, want)
			}
			if want < 0 {
				checkSame(t, "adamCheck d", dGot, dWant)
			}

			dGot, dWant = make([]T, n), make([]T, n)
			got = u.rmspropCheck(p, g, v, dGot, alpha, b2, eps)
			want = ref.rmspropCheck(p, g, v, dWant, alpha, b2, eps)
			if got != want {
				t.Errorf("rmspropCheck: n = %d: %d, want %d", n, got, want)
			}
			if want < 0 {
				checkSame(t, "rmspropCheck d", dGot, dWant)
				sGot, sWant, pGot, pWant := guardedCopy(v), guardedCopy(v), guardedCopy(p), guardedCopy(p)
				u.rmspropApply(pGot, g, sGot, dWant, b2)
				ref.rmspropApply(pWant, g, sWant, dWant, b2)
				checkSame(t, "rmspropApply p", pGot, pWant)
				checkSame(t, "rmspropApply s", sGot, sWant)
				checkGuard(t, "rmspropApply s", sGot)
			}

			pGot, vGot, pWant, vWant := guardedCopy(p), guardedCopy(v), guardedCopy(p), guardedCopy(v)
			u.momentumApply(pGot, g, vGot, alpha, b1)
			ref.momentumApply(pWant, g, vWant, alpha, b1)
			checkSame(t, "momentumApply p", pGot, pWant)
			checkSame(t, "momentumApply v", vGot, vWant)
			checkGuard(t, "momentumApply p", pGot)
			checkGuard(t, "momentumApply v", vGot)

			pGot, pWant = guardedCopy(p), guardedCopy(p)
			mGot, mWant, vGot, vWant := guardedCopy(m), guardedCopy(m), guardedCopy(v), guardedCopy(v)
			u.adamApply(pGot, g, mGot, vGot, dWant, b1, b2)
			ref.adamApply(pWant, g, mWant, vWant, dWant, b1, b2)
			checkSame(t, "adamApply p", pGot, pWant)
			checkSame(t, "adamApply m", mGot, mWant)
			checkSame(t, "adamApply v", vGot, vWant)
			checkGuard(t, "adamApply p", pGot)
		}
	}
}
