package main

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// coreRoundTrip returns the median time a counter takes to go from one
// goroutine to another and back, each goroutine spinning on its own OS
// thread: about twice the latency between the two cores that run them.
// On a virtual machine it shows how close its vCPUs sit: the two cores of
// the machine in docs/benchmarks.md took 80–130 ns when their timings
// were quick and about 400 ns when the kernels' handoffs were slow. It
// returns 0 when GOMAXPROCS is below 2, where the two would take turns.
func coreRoundTrip() time.Duration {
	if runtime.GOMAXPROCS(0) < 2 {
		return 0
	}

	// The other goroutine replies to each odd value with the next even one.
	const batches, trips = 5, 20000
	var counter atomic.Int64
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := int64(1); i <= batches*trips; i++ {
			for counter.Load() != 2*i-1 {
			}
			counter.Store(2 * i)
		}
		close(done)
	}()

	// This goroutine sends the odd values and times batches of trips.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	times := make([]time.Duration, batches)
	i := int64(1)
	for b := range times {
		start := time.Now()
		for range trips {
			counter.Store(2*i - 1)
			for counter.Load() != 2*i {
			}
			i++
		}
		times[b] = time.Since(start) / trips
	}
	<-done

	slices.Sort(times)
	return times[batches/2]
}

// fmaPeak returns the float32 rate, in GFLOP/s, of an FMA loop running on
// threads goroutines at once, each on its own OS thread, and the vector
// instructions it used: the machine's peak for the kernels. The loop's
// ten independent chains of fused multiply–adds keep two FMA units busy
// through their latency. It returns 0 where there is no loop for the CPU.
func fmaPeak(threads int) (gflops float64, name string) {
	loop, name, flops := fmaLoop()
	if loop == nil || threads < 1 {
		return 0, ""
	}
	const rounds = 20_000_000
	best := time.Duration(math.MaxInt64)
	for range 3 {
		var wg sync.WaitGroup
		start := time.Now()
		for range threads {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				loop(rounds)
			})
		}
		wg.Wait()
		best = min(best, time.Since(start))
	}
	return float64(threads) * rounds * float64(flops) / best.Seconds() / 1e9, name
}
