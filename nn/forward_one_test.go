package nn_test

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// oneExampleNet returns a 300-200-70-5 network, whose first product on
// one example is large enough to split between two goroutines, with
// activation g on layer 1, and one example x.
func oneExampleNet[T matrix.Float](t *testing.T, g nn.Activation) (*nn.Network[T], *matrix.Dense[T]) {
	t.Helper()
	net, err := nn.New[T]([]int{300, 200, 70, 5}, []nn.Activation{g, nn.ReLU, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(5)
	if err := net.Init(nn.He, 0, src); err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 3; l++ {
		for i := range net.B[l].RawData() {
			net.B[l].RawData()[i] = T(0.1 * src.NormFloat64())
		}
	}
	x := matrix.New[T](300, 1, nil)
	for i := range x.RawData() {
		x.RawData()[i] = T(src.Float64())
	}
	return net, x
}

// TestForwardOneExample checks the forward pass on one example, whose
// first two products run as one split job, against the same example
// passed twice in a batch, whose products are matrix–matrix products.
// Every cache of every layer must agree within the rounding of sums of
// 300 terms.
func TestForwardOneExample(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, g := range []nn.Activation{nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.Linear} {
		t.Run(g.String()+"/float32", func(t *testing.T) { testForwardOneExample[float32](t, g, 1e-5) })
		t.Run(g.String()+"/float64", func(t *testing.T) { testForwardOneExample[float64](t, g, 1e-13) })
	}
}

func testForwardOneExample[T matrix.Float](t *testing.T, g nn.Activation, tol float64) {
	net, x := oneExampleNet[T](t, g)
	if _, err := net.Forward(x); err != nil {
		t.Fatal(err)
	}
	var got [][]T
	for l := 1; l <= 3; l++ {
		got = append(got, net.Z[l].Clone().RawData(), net.A[l].Clone().RawData())
	}
	X2 := matrix.New[T](300, 2, nil)
	for i, v := range x.RawData() {
		X2.Set(i, 0, v)
		X2.Set(i, 1, v)
	}
	if _, err := net.Forward(X2); err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 3; l++ {
		for q, want := range []*matrix.Dense[T]{net.Z[l], net.A[l]} {
			name := fmt.Sprintf("%c[%d]", "ZA"[q], l)
			for i, v := range got[2*(l-1)+q] {
				w := float64(want.At(i, 0))
				if d := math.Abs(float64(v) - w); math.IsNaN(float64(v)) || d > tol*(1+math.Abs(w)) {
					t.Fatalf("%s row %d: one example %v, batch %v", name, i, v, w)
				}
			}
		}
	}
}

// TestForwardOneExampleNoAlloc checks that the forward pass on one
// example allocates nothing after its first call.
func TestForwardOneExampleNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	net, x := oneExampleNet[float32](t, nn.ReLU)
	forward := func() {
		if _, err := net.Forward(x); err != nil {
			t.Fatal(err)
		}
	}
	forward()
	if n := testing.AllocsPerRun(100, forward); n != 0 {
		t.Errorf("Forward on one example: %v allocations per call, want 0", n)
	}
}

// TestActivateOutputMatchesForward checks that ActivateOutput on
// Z[L] = W[L]·A[L−1] gives Forward's A[L] and cost bit for bit, for a
// softmax and a sigmoid output.
func TestActivateOutputMatchesForward(t *testing.T) {
	for _, out := range []struct {
		g    nn.Activation
		loss nn.Loss
	}{{nn.Softmax, nn.CCE}, {nn.Sigmoid, nn.BCE}} {
		net, err := nn.New[float64]([]int{6, 5, 4}, []nn.Activation{nn.ReLU, out.g}, out.loss)
		if err != nil {
			t.Fatal(err)
		}
		src := rand.New(8)
		if err := net.Init(nn.He, 0, src); err != nil {
			t.Fatal(err)
		}
		X := matrix.New[float64](6, 7, nil)
		Y := matrix.New[float64](4, 7, nil)
		for j := range 7 {
			for i := range 6 {
				X.Set(i, j, src.NormFloat64())
			}
			Y.Set(src.Intn(4), j, 1)
		}
		if _, err := net.Forward(X); err != nil {
			t.Fatal(err)
		}
		wantA := net.A[2].Clone()
		wantCost, err := net.Cost(Y, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		net.Z[2].Mul(net.W[2], net.A[1])
		net.ActivateOutput()
		cost, err := net.Cost(Y, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range net.A[2].RawData() {
			if math.Float64bits(v) != math.Float64bits(wantA.RawData()[k]) {
				t.Fatalf("%v: A[2] element %d = %v, Forward gives %v", out.g, k, v, wantA.RawData()[k])
			}
		}
		if math.Float64bits(cost) != math.Float64bits(wantCost) {
			t.Errorf("%v: cost %v, after Forward %v", out.g, cost, wantCost)
		}
	}
}
