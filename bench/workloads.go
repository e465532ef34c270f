package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/backprop-go/backprop/course"
	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// The workloads' fixed settings, as the peer programs use them.
const (
	w1Epochs    = 5
	w1BatchSize = 64
	w1Rate      = 0.1

	w2Iterations = 1000
	w2Rate       = 0.1

	w3Examples   = 209
	w3Iterations = 2500
	w3Rate       = 0.0075

	w4Calls       = 20000
	w4WarmUpCalls = 200
	w4Batch       = 1000
	w4BatchCalls  = 100

	// w5SampleTime is the target duration of one W5 sample, and
	// w5Samples the number of samples per shape.
	w5SampleTime = 200 * time.Millisecond
	w5Samples    = 7
)

// Seeds of the random sources: weights, example order, W3's data and
// W4's inputs. Any fixed values do; these are the peers' choices of
// seed, though the peers' generators differ from package rand's.
const (
	seedWeights = 1
	seedOrder   = 2
	seedW3      = 1
	seedW4      = 3
	seedW5      = 5
)

// w1Sizes are the layer sizes of the W1 network, n[0] … n[L].
var w1Sizes = []int{784, 256, 128, 10}

// w3Sizes are the layer sizes of the W3 network, the course's four-layer
// cat classifier.
var w3Sizes = []int{12288, 20, 7, 5, 1}

// w5Shapes are the GEMM shapes M×K×N of W5: C (M, N) = A (M, K)·B (K, N).
// The last three are the products of W1's forward and backward passes.
var w5Shapes = [][3]int{
	{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{64, 784, 256}, {64, 256, 128}, {784, 64, 256},
}

// mnistDir returns the folder of the MNIST files: $MNIST_DIR when set,
// otherwise the folder of the Go module that ships them.
func mnistDir() (string, error) {
	if d := os.Getenv("MNIST_DIR"); d != "" {
		return d, nil
	}
	return data.MNISTDir()
}

// catDirEnv names the environment variable holding the folder of the
// course's cat images, train_catvnoncat.h5 and test_catvnoncat.h5.
const catDirEnv = "BACKPROP_CATVNONCAT_DIR"

// newW1Network returns the W1 network, 784-256-128-10 with ReLU, ReLU and
// softmax, He-initialised from a fixed seed.
func newW1Network() (*nn.Network[float32], error) {
	return newW1NetworkSeed(seedWeights)
}

// newW1NetworkSeed returns the W1 network He-initialised from seed.
func newW1NetworkSeed(seed uint64) (*nn.Network[float32], error) {
	net, err := nn.New[float32](w1Sizes, []nn.Activation{nn.ReLU, nn.ReLU, nn.Softmax}, nn.CCE)
	if err != nil {
		return nil, err
	}
	if err := net.Init(nn.He, 0, rand.New(seed)); err != nil {
		return nil, err
	}
	return net, nil
}

// runW1Seeds trains W1 for w1Epochs epochs with the weights drawn from
// seed s and the example order from seed 100+s, for s = 1 … n, and
// returns the test accuracies as the metric test_acc_5ep_seeds. The
// accuracy after five epochs of SGD at α = 0.1 varies with the seeds by
// about a quarter of a percentage point. One pair shows little about an
// implementation, and the spread of many pairs shows more.
func runW1Seeds(trainSet, testSet *data.Dataset[float32], n, threads int) ([]Result, error) {
	accs := make([]float64, n)
	for s := 1; s <= n; s++ {
		net, err := newW1NetworkSeed(uint64(s))
		if err != nil {
			return nil, err
		}
		cfg := w1Config(w1Epochs)
		cfg.Source = rand.New(uint64(100 + s))
		if _, err := train.Run(net, trainSet, nil, cfg); err != nil {
			return nil, fmt.Errorf("bench: W1 training with seeds %d and %d: %w", s, 100+s, err)
		}
		if _, accs[s-1], err = train.Evaluate(net, testSet); err != nil {
			return nil, err
		}
	}
	extra := map[string]any{"seeds": n, "weights_seeds": "1 … n", "order_seeds": "101 … 100+n"}
	return []Result{newResult("W1", "test_acc_5ep_seeds", "frac", threads, accs, extra)}, nil
}

// runW1NumPyDraw trains W1 for w1Epochs epochs with its weights and
// example order drawn as the numpy peer draws them. numpy's legacy
// generator seeded with 1 gives the weights, randn·√(2/n[l−1]) layer by
// layer, then one permutation per epoch. backprop and the peer then start
// from the same weights and see the same batches, and their accuracies
// differ only through float32 rounding. It returns the test accuracy as
// the metric test_acc_5ep_numpy_draw.
func runW1NumPyDraw(trainSet, testSet *data.Dataset[float32], threads int) ([]Result, error) {
	net, src, err := newW1NumPyDraw()
	if err != nil {
		return nil, err
	}
	cfg := w1Config(w1Epochs)
	cfg.Source = src
	if _, err := train.Run(net, trainSet, nil, cfg); err != nil {
		return nil, fmt.Errorf("bench: W1 training with numpy's draw: %w", err)
	}
	_, acc, err := train.Evaluate(net, testSet)
	if err != nil {
		return nil, err
	}
	extra := map[string]any{"generator": "numpy RandomState", "seed": 1}
	return []Result{newResult("W1", "test_acc_5ep_numpy_draw", "frac", threads, []float64{acc}, extra)}, nil
}

// newW1NumPyDraw returns the W1 network with its weights drawn as the
// numpy peer draws them, and the source that then draws the example
// order.
func newW1NumPyDraw() (*nn.Network[float32], *rand.NumPy, error) {
	net, err := nn.New[float32](w1Sizes, []nn.Activation{nn.ReLU, nn.ReLU, nn.Softmax}, nn.CCE)
	if err != nil {
		return nil, nil, err
	}
	src := rand.NewNumPy(1)
	if err := net.Init(nn.He, 0, src); err != nil {
		return nil, nil, err
	}
	return net, src, nil
}

// w1Config returns the training settings of W1 for the given number of
// epochs: SGD with α = 0.1, batches of 64, reshuffled every epoch.
func w1Config(epochs int) train.Config {
	return train.Config{
		Epochs:       epochs,
		BatchSize:    w1BatchSize,
		Shuffle:      true,
		LearningRate: w1Rate,
		Source:       rand.New(seedOrder),
	}
}

// runW1 trains the W1 network for epochs epochs and returns the seconds
// of every epoch after the first, the test accuracy, and the network.
func runW1(trainSet, testSet *data.Dataset[float32], epochs, threads int) ([]Result, *nn.Network[float32], error) {
	net, err := newW1Network()
	if err != nil {
		return nil, nil, err
	}
	cfg := w1Config(epochs)
	var epochSeconds []float64
	var last time.Duration
	cfg.OnEpoch = func(m train.Metrics) error {
		epochSeconds = append(epochSeconds, (m.Elapsed - last).Seconds())
		last = m.Elapsed
		return nil
	}
	if _, err := train.Run(net, trainSet, nil, cfg); err != nil {
		return nil, nil, fmt.Errorf("bench: W1 training: %w", err)
	}
	_, acc, err := train.Evaluate(net, testSet)
	if err != nil {
		return nil, nil, err
	}
	extra := map[string]any{"warmup_s": epochSeconds[0], "epochs": epochs, "test_acc": acc}
	res := []Result{
		newResult("W1", "s_per_epoch", "s", threads, epochSeconds[1:], extra),
		newResult("W1", fmt.Sprintf("test_acc_%dep", epochs), "frac", threads, []float64{acc}, nil),
	}
	return res, net, nil
}

// zeroVsRest returns the binary task of W2 on ds: label 1 for the digit
// 0 and 0 for the others, with ds's inputs shared, not copied.
func zeroVsRest(ds *data.Dataset[float32]) (*data.Dataset[float32], error) {
	labels := make([]int, len(ds.Labels))
	for j, c := range ds.Labels {
		if c == 0 {
			labels[j] = 1
		}
	}
	Y, err := data.LabelTargets[float32](labels, 2)
	if err != nil {
		return nil, err
	}
	out := *ds
	out.Y, out.Labels, out.Classes, out.ClassNames = Y, labels, 2, []string{"not 0", "0"}
	return &out, nil
}

// newW2Network returns W2's logistic regression, one sigmoid unit on 784
// inputs, with zero weights.
func newW2Network() (*nn.Network[float32], error) {
	return nn.New[float32]([]int{784, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE)
}

// w2Config returns the training settings of W2: iterations full-batch
// gradient-descent steps with α = 0.1.
func w2Config(iterations int) train.Config {
	return train.Config{Epochs: iterations, LearningRate: w2Rate}
}

// runW2 trains W2's logistic regression and returns the total seconds of
// train.Run and the test accuracy.
func runW2(trainSet, testSet *data.Dataset[float32], iterations, threads int) ([]Result, error) {
	net, err := newW2Network()
	if err != nil {
		return nil, err
	}
	var cost float64
	cfg := w2Config(iterations)
	cfg.OnEpoch = func(m train.Metrics) error {
		cost = m.Cost
		return nil
	}
	start := time.Now()
	if _, err := train.Run(net, trainSet, nil, cfg); err != nil {
		return nil, fmt.Errorf("bench: W2 training: %w", err)
	}
	seconds := time.Since(start).Seconds()
	_, acc, err := train.Evaluate(net, testSet)
	if err != nil {
		return nil, err
	}
	extra := map[string]any{"iters": iterations, "lr": w2Rate, "final_cost": cost, "test_acc": acc}
	return []Result{
		newResult("W2", "s_total", "s", threads, []float64{seconds}, extra),
		newResult("W2", "test_acc", "frac", threads, []float64{acc}, nil),
	}, nil
}

// w3Data returns W3's examples: X (12288, 209) uniform in [0, 1) and
// random 0/1 labels, from a fixed seed.
func w3Data() (*data.Dataset[float32], error) {
	src := rand.New(seedW3)
	X := matrix.New[float32](w3Sizes[0], w3Examples, nil)
	x := X.RawData()
	for i := range x {
		x[i] = float32(src.Float64())
	}
	labels := make([]int, w3Examples)
	for j := range labels {
		labels[j] = src.Intn(2)
	}
	Y, err := data.LabelTargets[float32](labels, 2)
	if err != nil {
		return nil, err
	}
	return &data.Dataset[float32]{X: X, Y: Y, Labels: labels, Classes: 2}, nil
}

// newW3Network returns the W3 network with the course's deep
// initialisation, randn/√n[l−1].
func newW3Network() (*nn.Network[float32], error) {
	net, err := nn.New[float32](w3Sizes, []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, nn.BCE)
	if err != nil {
		return nil, err
	}
	if err := net.Init(nn.LeCun, 0, rand.New(seedWeights)); err != nil {
		return nil, err
	}
	return net, nil
}

// runW3 trains the W3 network and returns the total seconds of train.Run.
func runW3(ds *data.Dataset[float32], iterations, threads int) ([]Result, error) {
	net, err := newW3Network()
	if err != nil {
		return nil, err
	}
	var cost float64
	cfg := train.Config{
		Epochs: iterations, LearningRate: w3Rate,
		OnEpoch: func(m train.Metrics) error { cost = m.Cost; return nil },
	}
	start := time.Now()
	if _, err := train.Run(net, ds, nil, cfg); err != nil {
		return nil, fmt.Errorf("bench: W3 training: %w", err)
	}
	seconds := time.Since(start).Seconds()
	extra := map[string]any{"iters": iterations, "lr": w3Rate, "final_cost": cost}
	return []Result{newResult("W3", "s_total", "s", threads, []float64{seconds}, extra)}, nil
}

// newW4Source returns the random source of W4's inputs.
func newW4Source() *rand.PCG { return rand.New(seedW4) }

// newW5Source returns the random source of W5's operands.
func newW5Source() *rand.PCG { return rand.New(seedW5) }

// w4Input returns m random input columns in [0, 1) for W4.
func w4Input(m int, src *rand.PCG) *matrix.Dense[float32] {
	X := matrix.New[float32](w1Sizes[0], m, nil)
	x := X.RawData()
	for i := range x {
		x[i] = float32(src.Float64())
	}
	return X
}

// runW4 measures the forward pass of net, W1's network: the latency of
// one example, each call timed on its own, and the throughput at a batch
// of 1000. It also times Predict, which adds the class of each example.
func runW4(net *nn.Network[float32], threads int) ([]Result, error) {
	src := newW4Source()
	x := w4Input(1, src)
	forward := func() error { _, err := net.Forward(x); return err }
	predict := func() error { _, err := net.Predict(x); return err }

	var res []Result
	for _, c := range []struct {
		metric, call string
		f            func() error
	}{
		{"single_latency", "nn.Network.Forward", forward},
		{"single_latency_predict", "nn.Network.Predict", predict},
	} {
		for range w4WarmUpCalls {
			if err := c.f(); err != nil {
				return nil, err
			}
		}
		us := make([]float64, w4Calls)
		for i := range us {
			start := time.Now()
			err := c.f()
			us[i] = float64(time.Since(start).Nanoseconds()) / 1e3
			if err != nil {
				return nil, err
			}
		}
		res = append(res, newResult("W4", c.metric, "us", threads, us, map[string]any{"calls": w4Calls, "call": c.call}))
	}

	X := w4Input(w4Batch, src)
	for range 5 {
		if _, err := net.Forward(X); err != nil {
			return nil, err
		}
	}
	rate := make([]float64, w4BatchCalls)
	for i := range rate {
		start := time.Now()
		if _, err := net.Forward(X); err != nil {
			return nil, err
		}
		rate[i] = w4Batch / time.Since(start).Seconds()
	}
	res = append(res, newResult("W4", "batch1000_throughput", "examples/s", threads, rate, map[string]any{"calls": w4BatchCalls}))
	return res, nil
}

// gemmOperands returns random operands A (M, K), B (K, N) and a result
// C (M, N) for W5.
func gemmOperands[T matrix.Float](M, K, N int, src *rand.PCG) (A, B, C *matrix.Dense[T]) {
	A, B, C = matrix.New[T](M, K, nil), matrix.New[T](K, N, nil), matrix.New[T](M, N, nil)
	for _, d := range [][]T{A.RawData(), B.RawData()} {
		for i := range d {
			d[i] = T(src.Float64())
		}
	}
	return A, B, C
}

// runW5 measures C = A·B for every W5 shape in precision T and returns
// GFLOP/s = 2·M·N·K / t, named sgemm_MxKxN for float32 and dgemm_MxKxN
// for float64. Each of the samples repeats the product for about
// w5SampleTime.
func runW5[T matrix.Float](threads int) []Result {
	prefix := "sgemm"
	var zero T
	if any(zero) == any(float64(0)) {
		prefix = "dgemm"
	}
	src := newW5Source()
	var res []Result
	for _, s := range w5Shapes {
		M, K, N := s[0], s[1], s[2]
		A, B, C := gemmOperands[T](M, K, N, src)
		flops := 2 * float64(M) * float64(N) * float64(K)
		C.Mul(A, B)
		start := time.Now()
		C.Mul(A, B)
		one := time.Since(start)
		reps := max(1, int(w5SampleTime/max(one, time.Microsecond/10)))
		gflops := make([]float64, w5Samples)
		for i := range gflops {
			start := time.Now()
			for range reps {
				C.Mul(A, B)
			}
			gflops[i] = flops * float64(reps) / time.Since(start).Seconds() / 1e9
		}
		metric := fmt.Sprintf("%s_%dx%dx%d", prefix, M, K, N)
		res = append(res, newResult("W5", metric, "GFLOP/s", threads, gflops,
			map[string]any{"M": M, "K": K, "N": N, "reps_per_sample": reps}))
	}
	return res
}

// runCatDeep reruns the course's four-layer cat classifier in float64
// with course.Reproduce and returns the seconds of its training run,
// without reading the files, and whether every published figure matched.
func runCatDeep(dir string, threads int) ([]Result, error) {
	if dir == "" {
		return nil, errors.New("bench: cat-deep needs the folder holding train_catvnoncat.h5 and test_catvnoncat.h5; set " + catDirEnv + " or -data-dir")
	}
	e, err := course.Lookup("cat-deep")
	if err != nil {
		return nil, err
	}
	res, err := course.Reproduce(e, course.Options{CatDir: dir})
	if err != nil {
		return nil, err
	}
	run := res.Runs[0]
	extra := map[string]any{
		"match":       res.Match,
		"iters":       len(run.Costs),
		"final_cost":  run.Costs[len(run.Costs)-1],
		"with_load_s": res.Seconds,
	}
	for _, f := range run.Figures {
		extra[f.What] = f.Actual
	}
	return []Result{newResult("cat-deep", "s_total", "s", threads, []float64{run.Seconds}, extra)}, nil
}
