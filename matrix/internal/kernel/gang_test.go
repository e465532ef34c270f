package kernel

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestGangBarriers runs gangs of one to three parts through many
// barriers. Between two barriers each part writes its own slot, and
// after the barrier every part must see every slot of that round.
func TestGangBarriers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	var g Gang
	for parts := 1; parts <= 3; parts++ {
		const rounds = 50
		slots := make([]int, parts)
		errs := make([]int, parts)
		for run := range 3 {
			g.Run(parts, func(p int) {
				for r := range rounds {
					slots[p] = run*rounds + r
					g.Wait()
					for q := range parts {
						if slots[q] != run*rounds+r {
							errs[p]++
						}
					}
					g.Wait()
				}
			})
		}
		for p, n := range errs {
			if n != 0 {
				t.Errorf("%d parts: part %d saw a stale slot %d times", parts, p, n)
			}
		}
	}
}

// TestGangSleepersWake makes one part of a gang arrive at each barrier
// long after spinTime, so that the other parts stop polling and block.
// The last part to arrive must wake them, and after each barrier every
// part must see the late part's slot.
func TestGangSleepersWake(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	const parts, rounds = 3, 4
	var g Gang
	slots := make([]int, parts)
	errs := make([]int, parts)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.Run(parts, func(p int) {
			for r := range rounds {
				if p == r%parts {
					time.Sleep(4 * spinTime)
				}
				slots[p] = r
				g.Wait()
				for q := range parts {
					if slots[q] != r {
						errs[p]++
					}
				}
				g.Wait()
			}
		})
	}()
	if !finishesWithin(&wg, 10*time.Second) {
		t.Fatal("a part blocked at a barrier was not woken within 10 s")
	}
	for p, n := range errs {
		if n != 0 {
			t.Errorf("part %d saw a stale slot %d times", p, n)
		}
	}
	if n := g.sleepers.Load(); n != 0 {
		t.Errorf("sleepers = %d after the run, want 0", n)
	}
}

// TestMaxPartsCPUs checks that MaxParts keeps to the CPUs when
// GOMAXPROCS is set above them, and to GOMAXPROCS when it is below.
func TestMaxPartsCPUs(t *testing.T) {
	cpus := runtime.NumCPU()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cpus + 2))
	if got := MaxParts(); got != cpus {
		t.Errorf("GOMAXPROCS %d on %d CPUs: MaxParts() = %d, want %d", cpus+2, cpus, got, cpus)
	}
	runtime.GOMAXPROCS(1)
	if got := MaxParts(); got != 1 {
		t.Errorf("GOMAXPROCS 1 on %d CPUs: MaxParts() = %d, want 1", cpus, got)
	}
}

// TestGangsTwoGoroutines runs gangs of four parts from two goroutines at
// once. Each gang needs three workers. If both ran at the same time,
// each could hold some of the workers and wait for the others forever.
// NOTE: whether they do depends on timing, so without gangMu this test
// fails only sometimes (one of six runs measured on a 2-core machine).
func TestGangsTwoGoroutines(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const parts, runs = 4, 400
	var wg sync.WaitGroup
	var errs [2][parts]int
	for c := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var g Gang
			slots := make([]int, parts)
			for run := range runs {
				g.Run(parts, func(p int) {
					slots[p] = run
					g.Wait()
					for q := range parts {
						if slots[q] != run {
							errs[c][p]++
						}
					}
					g.Wait()
				})
			}
		}()
	}

	if !finishesWithin(&wg, 60*time.Second) {
		t.Fatal("gangs on two goroutines did not finish within 60 s")
	}
	for c := range errs {
		for p, n := range errs[c] {
			if n != 0 {
				t.Errorf("goroutine %d: part %d saw a stale slot %d times", c, p, n)
			}
		}
	}
}

// TestGemmSerialMatchesRef checks GemmSerial against GemmRef, and
// GatherRowsTransCols, range by range, against GatherRowsTrans.
func TestGemmSerialMatchesRef(t *testing.T) {
	rnd := rand.New(rand.NewPCG(31, 32))
	for _, sz := range [][3]int{{0, 3, 4}, {5, 0, 4}, {7, 9, 0}, {33, 17, 300}, {128, 64, 784}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}} {
			a := make([]float64, m*k)
			b := make([]float64, k*n)
			for i := range a {
				a[i] = rnd.NormFloat64()
			}
			for i := range b {
				b[i] = rnd.NormFloat64()
			}
			lda, ldb := k, n
			if tr[0] {
				lda = m
			}
			if tr[1] {
				ldb = k
			}
			got := make([]float64, m*n)
			want := make([]float64, m*n)
			for i := range got {
				got[i], want[i] = 1, 1
			}
			GemmSerial(tr[0], tr[1], m, n, k, 0.5, a, max(lda, 1), b, max(ldb, 1), 2, got, max(n, 1))
			GemmRef(tr[0], tr[1], m, n, k, 0.5, a, max(lda, 1), b, max(ldb, 1), 2, want, max(n, 1))
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-12*float64(k+2)*(1+math.Abs(want[i])) {
					t.Fatalf("m=%d n=%d k=%d trans=%v: C[%d] = %v, want %v", m, n, k, tr, i, got[i], want[i])
				}
			}
		}
	}

	const rows, n = 50, 37
	src := make([]float32, rows*n)
	for i := range src {
		src[i] = float32(rnd.NormFloat64())
	}
	idx := rnd.Perm(rows)[:45]
	want := make([]float32, n*len(idx))
	GatherRowsTrans(want, src, n, idx)
	got := make([]float32, n*len(idx))
	for k0 := 0; k0 < len(idx); k0 += 16 {
		GatherRowsTransCols(got, src, n, idx, k0, min(k0+16, len(idx)))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("gathered element %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestGangSplitJobFullQueue runs a split job on part 0 of a gang that
// holds every worker, with workQueue full of finished jobs' items. No
// worker can drain the queue until the gang ends, so the split job must
// not wait to send on it.
func TestGangSplitJobFullQueue(t *testing.T) {
	parts := int(workStarted.Load()) + 1
	parts = max(parts, 2)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(parts))

	var stale team
	stale.state.Store(1<<(2*partBits) | 1<<partBits | 1)
	r := &countRunner{runs: make([]int, parts)}
	var g Gang
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.Run(parts, func(p int) {
			g.Wait()
			if p == 0 {
				for full := false; !full; {
					select {
					case workQueue <- workItem{t: &stale, gen: 1}:
					default:
						full = true
					}
				}
				// As many helpers as there are workers, so that no
				// worker starts.
				var tm team
				tm.run(r, parts, parts-1)
			}
			g.Wait()
		})
	}()

	if !finishesWithin(&wg, 30*time.Second) {
		t.Fatal("the split job did not finish within 30 s")
	}
	for p, n := range r.runs {
		if n != 1 {
			t.Errorf("part %d of the split job ran %d times, want 1", p, n)
		}
	}
}
