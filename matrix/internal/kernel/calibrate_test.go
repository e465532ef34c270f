package kernel

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestCalibrateParallel measures, for square products and square
// matrix–vector products of growing size, the time on one goroutine and
// on two, to set parallelMinFlops, gemvDotMinBytes and gemvAxpyMinBytes.
// It runs only when BACKPROP_CALIBRATE=1, on an otherwise idle machine
// with two or more cores:
//
//	BACKPROP_CALIBRATE=1 go test -run CalibrateParallel -v
func TestCalibrateParallel(t *testing.T) {
	if os.Getenv("BACKPROP_CALIBRATE") != "1" {
		t.Skip("set BACKPROP_CALIBRATE=1 to measure the parallel thresholds")
	}
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("calibration needs GOMAXPROCS ≥ 2")
	}
	t.Run("f32", func(t *testing.T) { calibrate(t, gemmImpls32[len(gemmImpls32)-1]) })
	t.Run("f64", func(t *testing.T) { calibrate(t, gemmImpls64[len(gemmImpls64)-1]) })
}

func calibrate[T Float](t *testing.T, g *gemmImpl[T]) {
	t.Logf("%s blocked GEMM, n×n×n:", g.name)
	first := 0
	for _, n := range []int{8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 128, 192, 256} {
		a := make([]T, n*n)
		b := make([]T, n*n)
		c := make([]T, n*n)
		run := func(w int) func() {
			return func() { g.gemmSplit(w, false, false, n, n, n, 1, a, n, b, nil, n, 0, c, n) }
		}
		t1, t2 := fastest(run(1), run(2))
		t.Logf("n=%4d m·n·k=%9d  1 goroutine %10v  2 goroutines %10v  speedup %.2f", n, n*n*n, t1, t2, float64(t1)/float64(t2))
		if t2 >= t1 {
			first = 0
		} else if first == 0 {
			first = n * n * n
		}
	}
	t.Logf("two goroutines faster from m·n·k = %d (parallelMinFlops = %d)", first, parallelMinFlops)

	// The axpy form, 1×n · n×n, and the dot form, n×n · n×1, which a
	// network's forward pass on one example runs.
	for _, form := range []string{"1×n · n×n", "n×n · n×1"} {
		t.Logf("%s matrix–vector product, %s:", g.name, form)
		first = 0
		for _, n := range []int{32, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048} {
			x := make([]T, n)
			b := make([]T, n*n)
			c := make([]T, n)
			run := func(w int) func() {
				if form == "1×n · n×n" {
					return func() { g.gemvRow(w, false, false, n, n, 1, x, n, b, n, 0, c) }
				}
				return func() { g.gemvCol(w, false, false, n, n, 1, b, n, x, 1, 0, c, 1) }
			}
			t1, t2 := fastest(run(1), run(2))
			t.Logf("n=%4d k·n=%8d  1 goroutine %10v  2 goroutines %10v  speedup %.2f", n, n*n, t1, t2, float64(t1)/float64(t2))
			if t2 >= t1 {
				first = 0
			} else if first == 0 {
				first = n * n
			}
		}
		t.Logf("two goroutines faster from k·n = %d elements (gemvDotMinBytes = %d, gemvAxpyMinBytes = %d)", first, gemvDotMinBytes, gemvAxpyMinBytes)
	}
}

// fastest returns the shortest times f1 and f2 take. It alternates
// between them in rounds of 20 ms, so that a burst of other load on the
// machine slows both alike.
func fastest(f1, f2 func()) (t1, t2 time.Duration) {
	f1()
	f2()
	t1, t2 = time.Duration(1<<62), time.Duration(1<<62)
	for range 10 {
		t1 = min(t1, fastestFor(f1, 20*time.Millisecond))
		t2 = min(t2, fastestFor(f2, 20*time.Millisecond))
	}
	return t1, t2
}

// fastestFor returns the shortest time f takes in runs over d.
func fastestFor(f func(), d time.Duration) time.Duration {
	best := time.Duration(1 << 62)
	for start := time.Now(); time.Since(start) < d; {
		t0 := time.Now()
		f()
		best = min(best, time.Since(t0))
	}
	return best
}
