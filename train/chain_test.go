package train

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// chainSetup returns a 20-16-12-3 ReLU network with a softmax output and
// a labelled training set of m examples, with the chain's size threshold
// lowered to reach it on two goroutines until the test ends.
func chainSetup(t *testing.T, m int) (*nn.Network[float64], *data.Dataset[float64]) {
	t.Helper()
	old := chainMinMulAdds
	chainMinMulAdds = 0
	procs := runtime.GOMAXPROCS(2)
	t.Cleanup(func() {
		chainMinMulAdds = old
		runtime.GOMAXPROCS(procs)
	})
	net, err := nn.New[float64]([]int{20, 16, 12, 3}, []nn.Activation{nn.ReLU, nn.ReLU, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(1)
	if err := net.Init(nn.He, 0, src); err != nil {
		t.Fatal(err)
	}
	return net, labelledSet[float64](src, src.Float64, 20, 3, m)
}

// TestChainStepMatchesPlainStep runs three shuffled mini-batch steps,
// the last one smaller, through the chain and through the plain passes
// from the same weights, and compares the costs, the correct counts,
// every cache and gradient and the updated parameters.
func TestChainStepMatchesPlainStep(t *testing.T) {
	net, ds := chainSetup(t, 40)
	cfg := Config{Epochs: 1, BatchSize: 16, Shuffle: true, LearningRate: 0.5, Lambda: 0.2, Source: rand.New(2)}
	nets := [2]*nn.Network[float64]{net, net.Clone()}
	var loops [2]*loop[float64]
	for i, n := range nets {
		lp, err := newLoop(n, ds, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		lp.alpha = cfg.LearningRate
		if err := lp.drawOrder(); err != nil {
			t.Fatal(err)
		}
		loops[i] = lp
	}
	if loops[0].chain == nil {
		t.Fatal("the chain does not run the network's steps")
	}
	loops[1].chain = nil

	for _, idx := range [][]int{loops[0].order[:16], loops[0].order[16:32], loops[0].order[32:]} {
		var costs [2]float64
		var correct [2]int
		for i, lp := range loops {
			var err error
			if costs[i], correct[i], err = lp.step(idx); err != nil {
				t.Fatal(err)
			}
		}
		if math.Abs(costs[0]-costs[1]) > 1e-12 || correct[0] != correct[1] {
			t.Fatalf("batch of %d: chain cost %v and %d correct, plain %v and %d", len(idx), costs[0], correct[0], costs[1], correct[1])
		}
		L := net.Layers()
		for l := 1; l <= L; l++ {
			for _, q := range []struct {
				name string
				a, b *matrix.Dense[float64]
			}{
				{"Z", nets[0].Z[l], nets[1].Z[l]}, {"A", nets[0].A[l], nets[1].A[l]},
				{"dZ", nets[0].DZ[l], nets[1].DZ[l]}, {"dW", nets[0].DW[l], nets[1].DW[l]},
				{"db", nets[0].DB[l], nets[1].DB[l]}, {"W", nets[0].W[l], nets[1].W[l]}, {"b", nets[0].B[l], nets[1].B[l]},
			} {
				name := fmt.Sprintf("batch of %d: %s[%d]", len(idx), q.name, l)
				if ra, ca := q.a.Dims(); ra != q.b.Rows() || ca != q.b.Cols() {
					t.Fatalf("%s: chain %s, plain %s", name, q.a.ShapeString(), q.b.ShapeString())
				}
				for k, v := range q.a.RawData() {
					if w := q.b.RawData()[k]; math.Abs(v-w) > 1e-12*(1+math.Abs(w)) {
						t.Fatalf("%s element %d: chain %v, plain %v", name, k, v, w)
					}
				}
			}
		}
	}
	if got := loops[0].opt.State().Step + loops[0].chainSteps; got != loops[0].iteration {
		t.Errorf("optimizer steps %d with the chain's, want the %d updates", got, loops[0].iteration)
	}
}

// TestChainStepAllocs checks that a step through the chain allocates
// nothing after its first call.
func TestChainStepAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	net, ds := chainSetup(t, 64)
	lp, err := newLoop(net, ds, nil, Config{Epochs: 1, BatchSize: 32, Shuffle: true, LearningRate: 0.1, Source: rand.New(3)})
	if err != nil {
		t.Fatal(err)
	}
	lp.alpha = 0.1
	if err := lp.drawOrder(); err != nil {
		t.Fatal(err)
	}
	if lp.chain == nil {
		t.Fatal("the chain does not run the network's steps")
	}
	idx := lp.order[:32]
	if _, _, err := lp.step(idx); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, _, err := lp.step(idx); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per step, want 0", allocs)
	}
}

// TestChainStepDiverges checks that a step through the chain whose
// update overflows, or whose cost does, returns an error and leaves the
// weights as they were.
func TestChainStepDiverges(t *testing.T) {
	for _, tc := range []string{"update", "cost"} {
		net, ds := chainSetup(t, 32)
		lambda := 0.0
		if tc == "update" {
			// Input 0 is always 0, so W[1][0, 0] changes no Z, but its L2
			// term times the learning rate overflows.
			for j := range ds.X.Cols() {
				ds.X.Set(0, j, 0)
			}
			net.W[1].Set(0, 0, 1e300)
			lambda = 1
		} else {
			net.W[3].Set(0, 0, 1e300)
		}
		before := net.Clone()
		lp, err := newLoop(net, ds, nil, Config{Epochs: 1, BatchSize: 16, Shuffle: true, LearningRate: 1e10, Lambda: lambda, Source: rand.New(4)})
		if err != nil {
			t.Fatal(err)
		}
		lp.alpha = 1e10
		if err := lp.drawOrder(); err != nil {
			t.Fatal(err)
		}
		if _, _, err = lp.step(lp.order[:16]); err == nil {
			t.Fatalf("%s: no error for a step that overflows", tc)
		}
		for l := 1; l <= net.Layers(); l++ {
			if !matrix.Equal(net.W[l], before.W[l]) || !matrix.Equal(net.B[l], before.B[l]) {
				t.Errorf("%s: layer %d's parameters changed: %v", tc, l, err)
			}
		}
	}
}
