package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/train"
)

// The benchmarks below time one unit of each workload with go test's
// timer: an epoch of W1, a run of W2 and W3 shortened to a few
// iterations, one W4 prediction, one W5 product. Their figures are
// comparable between commits; the peer ratios come from the bench
// command, which times whole runs as the peers do.
//
//	go test -run '^$' -bench . -benchtime 3x ./bench

var (
	mnistOnce             sync.Once
	mnistTrain, mnistTest *data.Dataset[float32]
	mnistErr              error
)

// loadMNISTOnce reads MNIST for the benchmarks that need it, or skips b
// when it cannot be found.
func loadMNISTOnce(b *testing.B) (trainSet, testSet *data.Dataset[float32]) {
	b.Helper()
	mnistOnce.Do(func() {
		dir, err := mnistDir()
		if err != nil {
			mnistErr = err
			return
		}
		mnistTrain, mnistTest, mnistErr = data.LoadMNIST[float32](dir)
	})
	if mnistErr != nil {
		b.Skipf("MNIST is not available (%v); set MNIST_DIR", mnistErr)
	}
	return mnistTrain, mnistTest
}

// BenchmarkW1Epoch times one epoch of W1 with train.Stepper, after a
// first, untimed epoch that makes the transposed copy of X and warms the
// caches.
func BenchmarkW1Epoch(b *testing.B) {
	trainSet, _ := loadMNISTOnce(b)
	net, err := newW1Network()
	if err != nil {
		b.Fatal(err)
	}
	s, err := train.NewStepper(net, trainSet, nil, w1Config(1))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.RunEpoch(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.RunEpoch(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkW2 times 100 full-batch iterations of W2's logistic
// regression, a tenth of the workload.
func BenchmarkW2(b *testing.B) {
	trainSet, _ := loadMNISTOnce(b)
	ds, err := zeroVsRest(trainSet)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		bytes bool
	}{{"bytes", true}, {"float32", false}} {
		b.Run(c.name, func(b *testing.B) {
			d := *ds
			if !c.bytes {
				d.XBytes = nil
			}
			for b.Loop() {
				net, err := newW2Network()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := train.Run(net, &d, nil, w2Config(w2Iterations/10)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkW3 times 100 full-batch iterations of W3, a 25th of the
// workload.
func BenchmarkW3(b *testing.B) {
	ds, err := w3Data()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := runW3(ds, w3Iterations/25, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkW4Predict times the forward pass of W1's network on one
// example and on a batch of 1000.
func BenchmarkW4Predict(b *testing.B) {
	net, err := newW1Network()
	if err != nil {
		b.Fatal(err)
	}
	src := newW4Source()
	for _, m := range []int{1, w4Batch} {
		X := w4Input(m, src)
		b.Run(fmt.Sprintf("m=%d", m), func(b *testing.B) {
			for b.Loop() {
				if _, err := net.Forward(X); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("predict/m=1", func(b *testing.B) {
		X := w4Input(1, src)
		for b.Loop() {
			if _, err := net.Predict(X); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkW5Gemm times C = A·B for the W5 shapes in both precisions; the
// custom metric GFLOP/s is 2·M·N·K per second.
func BenchmarkW5Gemm(b *testing.B) {
	b.Run("f32", func(b *testing.B) { benchGemm[float32](b) })
	b.Run("f64", func(b *testing.B) { benchGemm[float64](b) })
}

func benchGemm[T float32 | float64](b *testing.B) {
	src := newW5Source()
	for _, s := range w5Shapes {
		M, K, N := s[0], s[1], s[2]
		A, B, C := gemmOperands[T](M, K, N, src)
		b.Run(fmt.Sprintf("%dx%dx%d", M, K, N), func(b *testing.B) {
			for b.Loop() {
				C.Mul(A, B)
			}
			b.ReportMetric(2*float64(M)*float64(N)*float64(K)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkCatDeep times the course's four-layer cat classifier, 2500
// iterations in float64. It needs the cat images, in the folder named by
// $BACKPROP_CATVNONCAT_DIR.
func BenchmarkCatDeep(b *testing.B) {
	dir := os.Getenv(catDirEnv)
	if dir == "" {
		b.Skipf("set %s to the folder holding train_catvnoncat.h5 and test_catvnoncat.h5", catDirEnv)
	}
	for b.Loop() {
		res, err := runCatDeep(dir, 0)
		if err != nil {
			b.Fatal(err)
		}
		if match, _ := res[0].Extra["match"].(bool); !match {
			b.Fatalf("cat-deep no longer reproduces the course's figures: %v", res[0].Extra)
		}
	}
}

func TestParseWorkloads(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"W1", []string{"W1"}, false},
		{"W1, W5,cat-deep", []string{"W1", "W5", "cat-deep"}, false},
		{"all", workloadNames, false},
		{"W6", nil, true},
		{"", nil, true},
	} {
		got, err := parseWorkloads(c.in)
		if (err != nil) != c.err {
			t.Errorf("parseWorkloads(%q) error %v, want error %v", c.in, err, c.err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("parseWorkloads(%q) = %v, want %v", c.in, got, c.want)
		}
		for _, w := range c.want {
			if !got[w] {
				t.Errorf("parseWorkloads(%q) lacks %s", c.in, w)
			}
		}
	}
}

func TestResultLine(t *testing.T) {
	r := newResult("W3", "s_total", "s", 2, []float64{3, 1, 2, 10}, map[string]any{"iters": 2500})
	var sb strings.Builder
	if err := writeResult(&sb, r); err != nil {
		t.Fatal(err)
	}
	want := `RESULT {"peer":"backprop","workload":"W3","metric":"s_total","unit":"s","threads":2,"values":[3,1,2,10],"median":2.5,"min":1,"max":10,"extra":{"iters":2500}}` + "\n"
	if sb.String() != want {
		t.Errorf("RESULT line\n%s\nwant\n%s", sb.String(), want)
	}
	many := newResult("W4", "single_latency", "us", 1, make([]float64, maxValues+1), nil)
	if many.Values != nil {
		t.Errorf("%d values kept on the line, want none beyond %d", maxValues+1, maxValues)
	}
}

func TestW1Network(t *testing.T) {
	net, err := newW1Network()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := net.NumParams(), 784*256+256+256*128+128+128*10+10; got != want {
		t.Errorf("W1 network has %d parameters, want %d", got, want)
	}
	if net.Act[3] != nn.Softmax || net.Loss != nn.CCE {
		t.Errorf("W1 output is %s with %s, want softmax with cce", net.Act[3], net.Loss)
	}
}

// TestRunFlagErrors checks that run rejects invalid flag values before
// loading any data, naming the value.
func TestRunFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-threads", "0"}, "-threads 0"},
		{[]string{"-epochs", "1"}, "-epochs 1"},
		{[]string{"-w1-seeds", "-2"}, "-w1-seeds -2"},
		{[]string{"-workload", "W9"}, "W9"},
		{[]string{"-workload", "W1,,W2"}, "empty workload name"},
		{[]string{"W1"}, `unexpected argument "W1"`},
	} {
		var out strings.Builder
		err := run(c.args, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) error %v, want one naming %q", c.args, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("run(%q) printed %q before failing", c.args, out.String())
		}
	}
}

// TestCoreRoundTrip checks that the probe returns a time between two
// cores' latency and a scheduler's time slice, and 0 on one thread.
func TestCoreRoundTrip(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	if d := coreRoundTrip(); d < 10*time.Nanosecond || d > time.Millisecond {
		t.Errorf("round trip %v; want between 10 ns and 1 ms", d)
	}
	runtime.GOMAXPROCS(1)
	if d := coreRoundTrip(); d != 0 {
		t.Errorf("round trip on one thread %v, want 0", d)
	}
}

// TestFMAPeak checks that the peak probe measures a rate between a slow
// scalar core's and what a core of today's CPUs can reach.
func TestFMAPeak(t *testing.T) {
	gflops, name := fmaPeak(1)
	if gflops == 0 {
		t.Skip("no FMA loop for this CPU")
	}
	if gflops < 1 || gflops > 1000 {
		t.Errorf("%s FMA peak on one thread %.1f GFLOP/s; want between 1 and 1000", name, gflops)
	}
}

// TestW1NumPyDraw checks that W1's numpy draw gives the weights and the
// first example order that the numpy peer's code gives: np.random.seed(1),
// then (np.random.randn(n, n_prev)·√(2/n_prev)).astype(float32) for each
// layer, then np.random.permutation(60000). The values were printed by
// numpy 1.24.
func TestW1NumPyDraw(t *testing.T) {
	net, src, err := newW1NumPyDraw()
	if err != nil {
		t.Fatal(err)
	}
	for j, want := range []float32{0.08204182982444763, -0.030898364260792732, -0.02667670138180256} {
		if got := net.W[1].At(0, j); got != want {
			t.Errorf("W[1][0, %d] = %v, numpy gives %v", j, got, want)
		}
	}
	if got, want := net.W[3].At(9, 127), float32(0.1272502988576889); got != want {
		t.Errorf("W[3][9, 127] = %v, numpy gives %v", got, want)
	}
	order := src.Perm(60000)
	for k, want := range []int{9532, 39518, 4011, 23734, 6621} {
		if order[k] != want {
			t.Errorf("order[%d] = %d, numpy's permutation gives %d", k, order[k], want)
		}
	}
}
