// Command bench measures backprop on the workloads that its speed is
// compared on against other libraries, through the public API that users
// call (nn, train, data, matrix, course), and prints one RESULT line of
// JSON per measurement and INFO lines describing the run.
//
// Usage:
//
//	go run ./bench [-workload W1,W2,W3,W4,W5,cat-deep] [-threads N] [-epochs 5] [-dgemm] [-data-dir DIR] [-cpuprofile FILE]
//
// The workloads:
//
//	W1  MLP 784-256-128-10 on MNIST, ReLU, ReLU, softmax with categorical
//	    cross-entropy, SGD α = 0.1, batches of 64 reshuffled every epoch,
//	    He initialisation, float32: seconds per epoch (epochs 2 … 5) and the
//	    test accuracy after 5 epochs.
//	W2  logistic regression, digit 0 against the rest, 1000 full-batch
//	    iterations on the 60,000 training images, α = 0.1, zero weights,
//	    the cost computed at every iteration, float32: total seconds and the
//	    test accuracy.
//	W3  [12288, 20, 7, 5, 1], ReLU ×3 then sigmoid, 209 examples of uniform
//	    inputs with random labels, 2500 full-batch iterations, α = 0.0075,
//	    randn/√n[l−1] initialisation, float32: total seconds.
//	W4  W1's network (trained, when W1 ran first): microseconds per
//	    single-example forward pass, the median of 20,000 calls timed one
//	    by one, and examples per second at a batch of 1000.
//	W5  C = A·B in float32 (and float64 with -dgemm) for M×K×N = 256³,
//	    512³, 1024³, 2048³, 64×784×256, 64×256×128 and 784×64×256: GFLOP/s.
//	cat-deep
//	    the course's four-layer cat classifier in float64, as
//	    "backprop reproduce cat-deep" runs it: seconds of the 2500
//	    iterations and the accuracies.
//
// W1, W2 and W4's trained network need MNIST: the folder $MNIST_DIR, or
// else the Go module that ships it (see data.MNISTDir). cat-deep needs the
// folder of train_catvnoncat.h5 and test_catvnoncat.h5, from -data-dir or
// $BACKPROP_CATVNONCAT_DIR.
//
// -threads sets GOMAXPROCS, which bounds the goroutines of the GEMM
// kernels; the default is the number of CPUs.
//
// A RESULT line holds the keys peer ("backprop"), workload, metric, unit,
// threads, values (null beyond 50 samples), median, min, max and extra.
// bench/run_peers.sh runs this program and the peer programs in one
// sitting and prints the ratios.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// workloadNames lists the workloads in the order they run.
var workloadNames = []string{"W1", "W2", "W3", "W4", "W5", "cat-deep"}

func main() {
	err := run(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		// -h printed the usage, which is not an error.
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run parses the flags, runs the chosen workloads and prints their
// results to w.
func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	workloads := fs.String("workload", "W1,W2,W3,W4,W5", "comma-separated workloads to run: W1, W2, W3, W4, W5, cat-deep, or all")
	threads := fs.Int("threads", runtime.NumCPU(), "GOMAXPROCS: the most goroutines the kernels use")
	epochs := fs.Int("epochs", w1Epochs, "W1 epochs, at least 2 (the first one is a warm-up)")
	dgemm := fs.Bool("dgemm", false, "W5 also in float64")
	w1NumPy := fs.Bool("w1-numpy-draw", false, "W1 also trains once with its weights and example order drawn as the numpy peer draws them (numpy's generator, seed 1), and reports its test accuracy")
	w1Seeds := fs.Int("w1-seeds", 0, "W1 also trains with `N` other pairs of seeds, weights 1 … N and example order 101 … 100+N, and reports their test accuracies")
	dataDir := fs.String("data-dir", os.Getenv(catDirEnv), "cat-deep: folder holding train_catvnoncat.h5 and test_catvnoncat.h5")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file, for go tool pprof")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q; choose workloads with -workload, such as -workload W1,W3", fs.Arg(0))
	}
	chosen, err := parseWorkloads(*workloads)
	if err != nil {
		return err
	}
	if *threads < 1 {
		return fmt.Errorf("bench: -threads %d; give at least 1", *threads)
	}
	if *w1Seeds < 0 {
		return fmt.Errorf("bench: -w1-seeds %d; give 0 or more", *w1Seeds)
	}
	if *epochs < 2 {
		return fmt.Errorf("bench: -epochs %d; give at least 2, since the first epoch is a warm-up", *epochs)
	}
	runtime.GOMAXPROCS(*threads)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: creating the CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(w, "INFO backprop %s GOOS=%s GOARCH=%s GOMAXPROCS=%d NumCPU=%d kernels=%s\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU(), matrix.KernelInfo())
	if *threads >= 2 {
		fmt.Fprintf(w, "INFO core_round_trip_ns=%d (two goroutines passing a counter back and forth)\n", coreRoundTrip().Nanoseconds())
	}
	if gflops, name := fmaPeak(*threads); gflops > 0 {
		fmt.Fprintf(w, "INFO fma_peak_gflops=%.0f (float32 %s FMA loop on %d threads)\n", gflops, name, *threads)
	}

	emit := func(rs []Result, err error) error {
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := writeResult(w, r); err != nil {
				return err
			}
		}
		return nil
	}

	var trainSet, testSet *data.Dataset[float32]
	if chosen["W1"] || chosen["W2"] {
		dir, err := mnistDir()
		if err != nil {
			return err
		}
		if trainSet, testSet, err = data.LoadMNIST[float32](dir); err != nil {
			return err
		}
	}
	var trained *nn.Network[float32]
	if chosen["W1"] {
		res, net, err := runW1(trainSet, testSet, *epochs, *threads)
		if err := emit(res, err); err != nil {
			return err
		}
		trained = net
		if *w1NumPy {
			if err := emit(runW1NumPyDraw(trainSet, testSet, *threads)); err != nil {
				return err
			}
		}
		if *w1Seeds > 0 {
			if err := emit(runW1Seeds(trainSet, testSet, *w1Seeds, *threads)); err != nil {
				return err
			}
		}
	}
	if chosen["W2"] {
		tr, err := zeroVsRest(trainSet)
		if err != nil {
			return err
		}
		te, err := zeroVsRest(testSet)
		if err != nil {
			return err
		}
		if err := emit(runW2(tr, te, w2Iterations, *threads)); err != nil {
			return err
		}
	}
	if chosen["W3"] {
		ds, err := w3Data()
		if err != nil {
			return err
		}
		if err := emit(runW3(ds, w3Iterations, *threads)); err != nil {
			return err
		}
	}
	if chosen["W4"] {
		if trained == nil {
			if trained, err = newW1Network(); err != nil {
				return err
			}
		}
		if err := emit(runW4(trained, *threads)); err != nil {
			return err
		}
	}
	if chosen["W5"] {
		if err := emit(runW5[float32](*threads), nil); err != nil {
			return err
		}
		if *dgemm {
			if err := emit(runW5[float64](*threads), nil); err != nil {
				return err
			}
		}
	}
	if chosen["cat-deep"] {
		if err := emit(runCatDeep(*dataDir, *threads)); err != nil {
			return err
		}
	}
	return nil
}

// parseWorkloads returns the set of workloads named in the comma-separated
// list s; "all" names every one.
func parseWorkloads(s string) (map[string]bool, error) {
	chosen := make(map[string]bool)
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			return nil, fmt.Errorf("bench: empty workload name in -workload %q; separate the names with single commas", s)
		case name == "all":
			for _, n := range workloadNames {
				chosen[n] = true
			}
		case slices.Contains(workloadNames, name):
			chosen[name] = true
		default:
			return nil, fmt.Errorf("bench: unknown workload %q; use %s or all", name, strings.Join(workloadNames, ", "))
		}
	}
	return chosen, nil
}
