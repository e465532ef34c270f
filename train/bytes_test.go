package train

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// byteSet returns m examples of n byte features with k classes, X =
// (B/255)ᵀ as the IDX readers make it, and XBytes set.
func byteSet[T matrix.Float](t *testing.T, n, m, k int) *data.Dataset[T] {
	t.Helper()
	src := rand.New(7)
	B := make([]uint8, m*n)
	for i := range B {
		B[i] = uint8(src.Intn(256))
	}
	X := matrix.New[T](n, m, nil)
	for j := 0; j < m; j++ {
		for i := 0; i < n; i++ {
			X.Set(i, j, T(float64(B[j*n+i])/255))
		}
	}
	labels := make([]int, m)
	for j := range labels {
		labels[j] = src.Intn(k)
	}
	ds, err := data.FromLabels(X, labels, k)
	if err != nil {
		t.Fatal(err)
	}
	if k == 2 {
		Y, err := data.LabelTargets[T](labels, 2)
		if err != nil {
			t.Fatal(err)
		}
		ds.Y = Y
	}
	ds.XBytes = matrix.NewBytes(m, n, B, 1.0/255)
	return ds
}

// allowSmallBytesStep lets the byte step run on inputs of any size until
// the test ends.
func allowSmallBytesStep(t *testing.T) {
	old := bytesStepMinBytes
	bytesStepMinBytes = 0
	t.Cleanup(func() { bytesStepMinBytes = old })
}

func TestBytesStep(t *testing.T) {
	allowSmallBytesStep(t)
	t.Run("float32", func(t *testing.T) { testBytesStep[float32](t, 1e-4) })
	t.Run("float64", func(t *testing.T) { testBytesStep[float64](t, 1e-11) })
}

// testBytesStep trains the same network with and without XBytes and
// checks that the byte step is taken and that the costs, the training
// accuracies and the weights agree within tol relative.
func testBytesStep[T matrix.Float](t *testing.T, tol float64) {
	for i, c := range []struct {
		n, m, k int
		act     nn.Activation
		loss    nn.Loss
		lambda  float64
	}{
		{30, 50, 2, nn.Sigmoid, nn.BCE, 0},
		{100, 1000, 2, nn.Sigmoid, nn.BCE, 0.5}, // two goroutines, L2
		{40, 300, 3, nn.Softmax, nn.CCE, 0},
		{20, 270, 2, nn.Linear, nn.MSE, 0}, // a short last block
	} {
		ds := byteSet[T](t, c.n, c.m, c.k)
		outputs := c.k
		if c.k == 2 {
			outputs = 1
		}
		train := func(withBytes bool) (*nn.Network[T], *Result) {
			d := *ds
			if !withBytes {
				d.XBytes = nil
			}
			net, err := nn.New[T]([]int{c.n, outputs}, []nn.Activation{c.act}, c.loss)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Init(nn.Xavier, 0, rand.New(3)); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Epochs: 20, LearningRate: 0.05, Lambda: c.lambda}
			lp, err := newLoop(net, &d, nil, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := lp.bytes != nil; got != withBytes {
				t.Fatalf("case %d: byte step taken %v, want %v", i, got, withBytes)
			}
			res, err := Run(net, &d, nil, cfg)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			return net, res
		}
		plainNet, plain := train(false)
		bytesNet, bytes := train(true)
		for e := range plain.History {
			p, b := plain.History[e], bytes.History[e]
			if math.Abs(p.Cost-b.Cost) > tol*math.Abs(p.Cost) {
				t.Errorf("case %d: epoch %d cost %v with bytes, %v without", i, e+1, b.Cost, p.Cost)
			}
			if math.Abs(p.Accuracy-b.Accuracy) > 2.0/float64(c.m) {
				t.Errorf("case %d: epoch %d accuracy %v with bytes, %v without", i, e+1, b.Accuracy, p.Accuracy)
			}
		}
		for l, p := range plainNet.Params() {
			if d := relDiff(bytesNet.Params()[l], p); d > tol {
				t.Errorf("case %d: %s differs by %g relative", i, plainNet.ParamNames()[l], d)
			}
		}
	}
}

// relDiff returns max |a − b| over the elements, divided by max |b|.
func relDiff[T matrix.Float](a, b *matrix.Dense[T]) float64 {
	var diff, size float64
	ad, bd := a.RawData(), b.RawData()
	for k := range bd {
		diff = math.Max(diff, math.Abs(float64(ad[k])-float64(bd[k])))
		size = math.Max(size, math.Abs(float64(bd[k])))
	}
	return diff / size
}

func TestBytesStepCaches(t *testing.T) {
	allowSmallBytesStep(t)
	// After a byte step the network holds what Forward, Cost and Backward
	// leave: the same Z[1], A[1], dZ[1], dW[1] and db[1] up to rounding.
	ds := byteSet[float64](t, 30, 80, 3)
	net, err := nn.New[float64]([]int{30, 3}, []nn.Activation{nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Xavier, 0, rand.New(4)); err != nil {
		t.Fatal(err)
	}
	lp, err := newLoop(net, ds, nil, Config{Epochs: 1, LearningRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	cost, _, err := lp.bytes.passes(lp)
	if err != nil {
		t.Fatal(err)
	}
	ref := net.Clone()
	if _, err := ref.Forward(ds.X); err != nil {
		t.Fatal(err)
	}
	want, err := ref.Cost(ds.Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Backward(ds.Y, 0); err != nil {
		t.Fatal(err)
	}
	if math.Abs(cost-want) > 1e-12*want {
		t.Errorf("cost %v, want %v", cost, want)
	}
	if net.A[0] != ds.X {
		t.Errorf("A[0] is not X")
	}
	for _, q := range []struct {
		name      string
		got, want *matrix.Dense[float64]
	}{
		{"Z[1]", net.Z[1], ref.Z[1]}, {"A[1]", net.A[1], ref.A[1]}, {"dZ[1]", net.DZ[1], ref.DZ[1]},
		{"dW[1]", net.DW[1], ref.DW[1]}, {"db[1]", net.DB[1], ref.DB[1]},
	} {
		if r, c := q.got.Dims(); r != q.want.Rows() || c != q.want.Cols() {
			t.Errorf("%s is (%d, %d), want %s", q.name, r, c, q.want.ShapeString())
			continue
		}
		if d := relDiff(q.got, q.want); d > 1e-12 {
			t.Errorf("%s differs by %g relative", q.name, d)
		}
	}
}

func TestBytesStepNotTaken(t *testing.T) {
	allowSmallBytesStep(t)
	ds := byteSet[float32](t, 30, 50, 2)
	newNet := func(sizes []int, acts []nn.Activation) *nn.Network[float32] {
		net, err := nn.New[float32](sizes, acts, nn.BCE)
		if err != nil {
			t.Fatal(err)
		}
		return net
	}
	changed := *ds
	changed.X = ds.X.Clone()
	changed.X.Set(3, 7, changed.X.At(3, 7)+0.01) // X no longer equals XBytes
	for i, c := range []struct {
		net       *nn.Network[float32]
		ds        *data.Dataset[float32]
		batchSize int
	}{
		{newNet([]int{30, 4, 1}, []nn.Activation{nn.ReLU, nn.Sigmoid}), ds, 0}, // two layers
		{newNet([]int{30, 1}, []nn.Activation{nn.Sigmoid}), ds, 16},            // mini-batches
		{newNet([]int{30, 1}, []nn.Activation{nn.Sigmoid}), &changed, 0},       // stale bytes
	} {
		lp, err := newLoop(c.net, c.ds, nil, Config{Epochs: 1, BatchSize: c.batchSize, LearningRate: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		if lp.bytes != nil {
			t.Errorf("case %d: byte step taken", i)
		}
	}
}

// TestBytesProducts trains networks on inputs also given as bytes. Below
// bytesStepMinBytes the plain passes read the bytes for the products with
// X, and the costs and weights must match training without the bytes.
// Bytes that no longer equal X must be left alone, giving bit for bit the
// results without them.
func TestBytesProducts(t *testing.T) {
	ds := byteSet[float64](t, 50, 120, 3)
	stale := *ds
	stale.X = ds.X.Clone()
	stale.X.Set(3, 7, stale.X.At(3, 7)+0.01)
	for i, c := range []struct {
		sizes []int
		acts  []nn.Activation
	}{
		{[]int{50, 3}, []nn.Activation{nn.Softmax}},
		{[]int{50, 8, 3}, []nn.Activation{nn.ReLU, nn.Softmax}},
		{[]int{50, 8, 6, 3}, []nn.Activation{nn.Tanh, nn.ReLU, nn.Softmax}},
	} {
		run := func(d data.Dataset[float64]) (*nn.Network[float64], *Result) {
			net, err := nn.New[float64](c.sizes, c.acts, nn.CCE)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Init(nn.He, 0, rand.New(5)); err != nil {
				t.Fatal(err)
			}
			res, err := Run(net, &d, nil, Config{Epochs: 30, LearningRate: 0.1, Lambda: 0.2})
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			return net, res
		}
		plainSet := *ds
		plainSet.XBytes = nil
		plainNet, plain := run(plainSet)
		bytesNet, bytes := run(*ds)
		for e := range plain.History {
			p, b := plain.History[e].Cost, bytes.History[e].Cost
			if math.Abs(p-b) > 1e-12*math.Abs(p) {
				t.Errorf("case %d: epoch %d cost %v with bytes, %v without", i, e+1, b, p)
			}
		}
		for l, p := range plainNet.Params() {
			if d := relDiff(bytesNet.Params()[l], p); d > 1e-12 {
				t.Errorf("case %d: %s differs by %g relative", i, plainNet.ParamNames()[l], d)
			}
		}

		stalePlain := stale
		stalePlain.XBytes = nil
		wantNet, _ := run(stalePlain)
		gotNet, _ := run(stale)
		for l, p := range wantNet.Params() {
			if !matrix.Equal(gotNet.Params()[l], p) {
				t.Errorf("case %d: with stale bytes, %s differs from training without them", i, wantNet.ParamNames()[l])
			}
		}
	}
}
