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
