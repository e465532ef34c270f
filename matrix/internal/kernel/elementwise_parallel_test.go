package kernel

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
)

// TestElementwiseSplit checks Scale, AddScaled and
// FirstNonFiniteAddScaled on lengths they split between goroutines
// against the portable loops: the same values bit for bit, and the first
// bad index wherever the bad values fall relative to the parts.
func TestElementwiseSplit(t *testing.T) {
	t.Run("f32", func(t *testing.T) { testElementwiseSplit[float32](t) })
	t.Run("f64", func(t *testing.T) { testElementwiseSplit[float64](t) })
}

func testElementwiseSplit[T Float](t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("the split needs GOMAXPROCS ≥ 2")
	}
	r := rand.New(rand.NewPCG(11, 12))
	ref := portable[T]()
	for _, n := range []int{elemParallelMin, elemParallelMin + 1, 200_003} {
		a := testValues[T](r, n, true)
		b := testValues[T](r, n, true)
		want := make([]T, n)
		ref.addScaled(want, a, 0.75, b)
		got := make([]T, n+guard)
		for i := range got {
			got[i] = T(math.NaN())
		}
		AddScaled(got[:n], a, 0.75, b)
		for i := range want {
			if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
				t.Fatalf("AddScaled: n = %d: dst[%d] = %v, want %v", n, i, got[i], want[i])
			}
		}
		for i := n; i < len(got); i++ {
			if !math.IsNaN(float64(got[i])) {
				t.Fatalf("AddScaled: n = %d: guard cell %d overwritten", n, i)
			}
		}

		ref.scale(want, -1.5, a)
		Scale(got[:n], -1.5, a)
		for i := range want {
			if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
				t.Fatalf("Scale: n = %d: dst[%d] = %v, want %v", n, i, got[i], want[i])
			}
		}

		finite := testValues[T](r, n, false)
		if got := FirstNonFiniteAddScaled(finite, 0.5, finite); got != -1 {
			t.Errorf("FirstNonFiniteAddScaled: n = %d: %d for finite values, want −1", n, got)
		}
		// Bad values in the first part only, in the last only, and in
		// both, where the first must win.
		for _, bad := range [][]int{{10}, {n - 1}, {n/2 + 3}, {n - 5, 7}, {n/2 + 1, n / 3}} {
			b2 := append([]T(nil), finite...)
			for _, i := range bad {
				b2[i] = T(math.Inf(1))
			}
			want := ref.nonFiniteAddScaled(finite, 0.5, b2)
			if got := FirstNonFiniteAddScaled(finite, 0.5, b2); got != want {
				t.Errorf("FirstNonFiniteAddScaled: n = %d, bad at %v: %d, want %d", n, bad, got, want)
			}
		}
	}
}

// TestCalibrateElementwise measures AddScaled on one goroutine and on
// two for growing lengths, to set elemParallelMin. It runs only when
// BACKPROP_CALIBRATE=1:
//
//	BACKPROP_CALIBRATE=1 go test -run CalibrateElementwise -v
func TestCalibrateElementwise(t *testing.T) {
	if os.Getenv("BACKPROP_CALIBRATE") != "1" {
		t.Skip("set BACKPROP_CALIBRATE=1 to measure the element-wise threshold")
	}
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("calibration needs GOMAXPROCS ≥ 2")
	}
	for _, n := range []int{4 << 10, 16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10, 1 << 20} {
		a := make([]float32, n)
		b := make([]float32, n)
		onOne := func() { impl[float32]().addScaled(a, a, -0.01, b) }
		onTwo := func() {
			j := elemSplit[float32](opAddScaled, n, n)
			if j == nil {
				onOne()
				return
			}
			j.dst, j.a, j.s, j.b = a, a, -0.01, b
			j.finish()
		}
		if n < elemParallelMin {
			// elemSplit refuses short lengths: split them by hand.
			onTwo = func() {
				j := &elemJob[float32]{op: opAddScaled, dst: a, a: a, s: -0.01, b: b, step: roundUp((n+1)/2, 16), first: make([]int, 2)}
				j.run()
			}
		}
		t1, t2 := fastest(onOne, onTwo)
		t.Logf("n=%8d  1 goroutine %10v  2 goroutines %10v  speedup %.2f", n, t1, t2, float64(t1)/float64(t2))
	}
}

// TestElementwiseSplitNoAlloc checks that steady-state calls of the split
// kernels allocate nothing.
func TestElementwiseSplitNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	// b holds the 190 rows of 784 elements that the gather reads.
	a := make([]float32, max(4*elemParallelMin, 190*784))
	b := make([]float32, len(a))
	idx := make([]int, 64)
	for k := range idx {
		idx[k] = 3 * k
	}
	for i, f := range []func(){
		func() { GatherRowsTrans(a, b, 784, idx) },
		func() { Scale(a, 0.5, b) },
		func() { AddScaled(a, a, -0.5, b) },
		func() { FirstNonFiniteAddScaled(a, -0.5, b) },
	} {
		f() // The first call fills the pool.
		if allocs := testing.AllocsPerRun(20, f); allocs != 0 {
			t.Errorf("case %d: %v allocations per call, want 0", i, allocs)
		}
	}
}

// TestGatherSplit checks GatherRowsTrans on destinations large enough to
// split their columns between goroutines, with column counts that leave
// a part of whole gathers, a part ending in the portable loop, and one of
// the portable loop alone.
func TestGatherSplit(t *testing.T) {
	t.Run("f32", func(t *testing.T) { testGatherSplit[float32](t) })
	t.Run("f64", func(t *testing.T) { testGatherSplit[float64](t) })
}

func testGatherSplit[T Float](t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("the split needs GOMAXPROCS ≥ 2")
	}
	const rows, n = 500, 784
	src := make([]T, rows*n)
	for i := range src {
		src[i] = T(i)
	}
	r := rand.New(rand.NewPCG(13, 14))
	for _, w := range []int{45, 64, 100, 129} {
		if n*w < gatherParallelMin {
			t.Fatalf("%d columns of %d do not split", w, n)
		}
		idx := make([]int, w)
		for k := range idx {
			idx[k] = r.IntN(rows)
		}
		dst := withGuard[T](n * w)
		GatherRowsTrans(dst, src, n, idx)
		checkGuard(t, "GatherRowsTrans", dst)
		for i := 0; i < n; i++ {
			for k, j := range idx {
				if got, want := dst[i*w+k], src[j*n+i]; got != want {
					t.Fatalf("%d columns: dst[%d, %d] = %v, want %v", w, i, k, got, want)
				}
			}
		}
	}
}

// TestUpdateSplit checks the optimizer passes on lengths they split
// between goroutines against the portable loops: the same step, state and
// parameters bit for bit, and the first bad index wherever the bad
// gradients fall relative to the parts.
func TestUpdateSplit(t *testing.T) {
	t.Run("f32", func(t *testing.T) { testUpdateSplit[float32](t) })
	t.Run("f64", func(t *testing.T) { testUpdateSplit[float64](t) })
}

func testUpdateSplit[T Float](t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("the split needs GOMAXPROCS ≥ 2")
	}
	r := rand.New(rand.NewPCG(13, 14))
	ref := portableUpdate[T]()
	alpha, b1, b2, c1, c2, eps := T(0.01), T(0.9), T(0.999), T(0.19), T(0.002), T(1e-8)
	for _, n := range []int{elemParallelMin, elemParallelMin + 1, 200_003} {
		p, g := testValues[T](r, n, false), testValues[T](r, n, false)
		m, v := testValues[T](r, n, false), testValues[T](r, n, false)
		for k := range v {
			v[k] *= v[k]
		}

		dGot, dWant := make([]T, n), make([]T, n)
		if got := AdamCheck(p, g, m, v, dGot, alpha, b1, b2, c1, c2, eps); got != -1 {
			t.Fatalf("AdamCheck: n = %d: %d for finite values, want −1", n, got)
		}
		ref.adamCheck(p, g, m, v, dWant, alpha, b1, b2, c1, c2, eps)
		checkSame(t, "AdamCheck d", dGot, dWant)
		pGot, mGot, vGot := guardedCopy(p), guardedCopy(m), guardedCopy(v)
		pWant, mWant, vWant := guardedCopy(p), guardedCopy(m), guardedCopy(v)
		AdamApply(pGot[:n], g, mGot[:n], vGot[:n], dWant, b1, b2)
		ref.adamApply(pWant[:n], g, mWant[:n], vWant[:n], dWant, b1, b2)
		checkSame(t, "AdamApply p", pGot, pWant)
		checkSame(t, "AdamApply m", mGot, mWant)
		checkSame(t, "AdamApply v", vGot, vWant)
		checkGuard(t, "AdamApply p", pGot)
		checkGuard(t, "AdamApply m", mGot)

		dGot, dWant = make([]T, n), make([]T, n)
		if got := RMSpropCheck(p, g, v, dGot, alpha, b2, eps); got != -1 {
			t.Fatalf("RMSpropCheck: n = %d: %d for finite values, want −1", n, got)
		}
		ref.rmspropCheck(p, g, v, dWant, alpha, b2, eps)
		checkSame(t, "RMSpropCheck d", dGot, dWant)
		pGot, vGot, pWant, vWant = guardedCopy(p), guardedCopy(v), guardedCopy(p), guardedCopy(v)
		RMSpropApply(pGot[:n], g, vGot[:n], dWant, b2)
		ref.rmspropApply(pWant[:n], g, vWant[:n], dWant, b2)
		checkSame(t, "RMSpropApply p", pGot, pWant)
		checkSame(t, "RMSpropApply s", vGot, vWant)
		checkGuard(t, "RMSpropApply s", vGot)

		if got := MomentumCheck(p, g, v, alpha, b1); got != -1 {
			t.Fatalf("MomentumCheck: n = %d: %d for finite values, want −1", n, got)
		}
		pGot, vGot, pWant, vWant = guardedCopy(p), guardedCopy(v), guardedCopy(p), guardedCopy(v)
		MomentumApply(pGot[:n], g, vGot[:n], alpha, b1)
		ref.momentumApply(pWant[:n], g, vWant[:n], alpha, b1)
		checkSame(t, "MomentumApply p", pGot, pWant)
		checkSame(t, "MomentumApply v", vGot, vWant)
		checkGuard(t, "MomentumApply v", vGot)

		// Bad gradients in the first part only, in the last only, and in
		// both, where the first must win.
		for _, bad := range [][]int{{10}, {n - 1}, {n/2 + 3}, {n - 5, 7}, {n/2 + 1, n / 3}} {
			g2 := append([]T(nil), g...)
			for _, i := range bad {
				g2[i] = T(math.Inf(1))
			}
			d := make([]T, n)
			if got, want := AdamCheck(p, g2, m, v, d, alpha, b1, b2, c1, c2, eps), ref.adamCheck(p, g2, m, v, d, alpha, b1, b2, c1, c2, eps); got != want {
				t.Errorf("AdamCheck: n = %d, bad at %v: %d, want %d", n, bad, got, want)
			}
			if got, want := RMSpropCheck(p, g2, v, d, alpha, b2, eps), ref.rmspropCheck(p, g2, v, d, alpha, b2, eps); got != want {
				t.Errorf("RMSpropCheck: n = %d, bad at %v: %d, want %d", n, bad, got, want)
			}
			if got, want := MomentumCheck(p, g2, v, alpha, b1), ref.momentumCheck(p, g2, v, alpha, b1); got != want {
				t.Errorf("MomentumCheck: n = %d, bad at %v: %d, want %d", n, bad, got, want)
			}
		}
	}
}
