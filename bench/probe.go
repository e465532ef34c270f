package main

import (
	"runtime"
	"slices"
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
