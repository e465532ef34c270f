package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Gang runs one computation on several goroutines at once, the calling
// goroutine and workers, which meet at barriers (Wait). Unlike a split
// product, whose parts can run one after another, every part of a gang
// must be running before any passes its first barrier, so a gang needs
// a worker for each part but the first. Its zero value is ready to use.
type Gang struct {
	team  team
	body  func(part int)
	parts int
	// arrived counts the arrivals at every barrier so far, and passed is
	// the number of the last barrier that every part reached. Each has a
	// cache line of its own, so that the parts polling passed do not
	// slow down the arrivals.
	_       [64]byte
	arrived atomic.Int64
	_       [56]byte
	passed  atomic.Int64
	_       [56]byte

	// sleepers counts the parts that stopped polling passed and block on
	// wake, which the last part to reach a barrier broadcasts.
	sleepers atomic.Int32
	mu       sync.Mutex
	wake     sync.Cond
}

// gangMu lets one gang run at a time. Two gangs running at once could
// each hold some of the workers and wait at a barrier for a part that
// only a worker held by the other gang could run.
var gangMu sync.Mutex

// Run runs body(0) on the calling goroutine and body(1) … body(parts−1)
// on workers, and returns when all have returned. parts must be at most
// GOMAXPROCS, so that every part can run at the same time, and should be
// at most MaxParts, so that every part has a CPU. Gangs run one
// at a time, so Run waits for a gang that another goroutine runs, and
// body must not run a gang itself.
func (g *Gang) Run(parts int, body func(part int)) {
	gangMu.Lock()
	defer gangMu.Unlock()
	g.body = body
	g.parts = parts
	// The barriers count from the start of the run, since parts may
	// differ from the last run's.
	g.arrived.Store(0)
	g.passed.Store(0)
	g.wake.L = &g.mu
	g.team.run(g, parts, parts-1)
	g.body = nil
}

func (g *Gang) runPart(part int) { g.body(part) }

// Wait returns when every part of the running gang has called Wait as
// many times as the caller. A part that waits longer than spinTime
// blocks instead of polling, so that its core can run a part that the
// operating system has not scheduled.
func (g *Gang) Wait() {
	n := g.arrived.Add(1)
	barrier := (n + int64(g.parts) - 1) / int64(g.parts)
	if n == barrier*int64(g.parts) {
		g.passed.Store(barrier)
		if g.sleepers.Load() > 0 {
			g.mu.Lock()
			g.wake.Broadcast()
			g.mu.Unlock()
		}
		return
	}
	if g.passed.Load() >= barrier {
		return
	}
	start := time.Now()
	for i := 1; g.passed.Load() < barrier; i++ {
		if i%spinCheck == 0 && time.Since(start) >= spinTime {
			g.sleep(barrier)
			return
		}
	}
}

// sleep blocks until every part has reached barrier. The last part to
// arrive wakes a part counted in sleepers before its arrival, and a part
// counted later reads passed after that arrival stored it.
func (g *Gang) sleep(barrier int64) {
	g.sleepers.Add(1)
	g.mu.Lock()
	for g.passed.Load() < barrier {
		g.wake.Wait()
	}
	g.mu.Unlock()
	g.sleepers.Add(-1)
}

// MaxParts returns the most parts a gang should run: GOMAXPROCS, but no
// more than the CPUs the process may run on. Parts beyond the CPUs
// would take turns on them and wait at every barrier for a turn.
func MaxParts() int {
	return min(runtime.GOMAXPROCS(0), runtime.NumCPU())
}
