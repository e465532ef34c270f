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
	if !finishesWithin(&wg, 60*time.Second) {
		t.Fatal("jobs did not finish within 60 s")
	}
}

// finishesWithin reports whether wg finishes within d. A goroutine
// stays blocked on wg if it does not.
func finishesWithin(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// signalRunner closes ran when its one part runs.
type signalRunner struct{ ran chan struct{} }

func (r signalRunner) runPart(int) { close(r.ran) }

// TestClosePostHandedTeam gives closePost a post through which a team
// was handed over after its worker took a job from workQueue. closePost
// must return the handed team and leave the queued job to another
// goroutine: a worker, or the test if no worker takes it.
func TestClosePostHandedTeam(t *testing.T) {
	var handedTeam team
	handedTeam.state.Store(5<<(2*partBits) | 3<<partBits | 1)
	p := new(post)
	p.team.Store(&handedTeam)

	ran := make(chan struct{})
	queuedTeam := team{runner: signalRunner{ran: ran}}
	queuedTeam.state.Store(9<<(2*partBits) | 1<<partBits)
	queued := workItem{t: &queuedTeam, gen: 9}

	got := closePost(p, queued)
	if got.t != &handedTeam {
		t.Errorf("closePost returned team %p, want the handed team %p", got.t, &handedTeam)
	}
	if got.gen != 5 {
		t.Errorf("closePost returned generation %d, want 5", got.gen)
	}
	if p.team.Load() != nil {
		t.Error("closePost left the post holding a team")
	}

	timeout := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case w := <-workQueue:
			w.t.claim(w.gen)
		case <-ran:
			done = true
		case <-timeout:
			t.Fatal("queued job lost: not on workQueue and not run by a worker after 10 s")
		}
	}
}

// TestClosePostOpen checks that closePost closes a post still open and
// returns the job taken from workQueue.
func TestClosePostOpen(t *testing.T) {
	p := new(post)
	p.team.Store(openPost)
	queued := workItem{t: new(team), gen: 9}

	if got := closePost(p, queued); got != queued {
		t.Errorf("closePost returned %+v, want the queued %+v", got, queued)
	}
	if p.team.Load() != nil {
		t.Error("closePost left the post open")
	}
}
