package kernel

import (
	"sync"
	"testing"
	"time"
)

// countRunner counts the runs of each part of a job.
type countRunner struct {
	mu    sync.Mutex
	runs  []int
	delay time.Duration
}

func (r *countRunner) runPart(part int) {
	if r.delay > 0 {
		time.Sleep(r.delay)
	}
	r.mu.Lock()
	r.runs[part]++
	r.mu.Unlock()
}

// TestTeamRunsEveryPartOnce runs jobs from several goroutines at once,
// back to back and after pauses longer than spinTime, so that workers are
// found spinning, busy with another team's job, or blocked. Every part
// of every job must run exactly once before run returns.
func TestTeamRunsEveryPartOnce(t *testing.T) {
	const callers, jobs = 4, 2000
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tm team
			for j := range jobs {
				nparts := 1 + (c+j)%4
				r := &countRunner{runs: make([]int, nparts)}
				if j%50 == 7 {
					// A slow part, so that the caller blocks on finished.
					r.delay = 2 * spinTime
				}
				if j%60 == 11 {
					time.Sleep(2 * spinTime) // let the workers block
				}
				tm.run(r, nparts, nparts-1)
				for p, n := range r.runs {
					if n != 1 {
						t.Errorf("caller %d, job %d: part %d of %d ran %d times", c, j, p, nparts, n)
						return
					}
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("jobs did not finish within 60 s")
	}
}
