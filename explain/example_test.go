package explain_test

import (
	"fmt"
	"log"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// A 2-3-1 network: two inputs, three tanh units, one sigmoid output.
var arch231 = explain.Arch{Sizes: []int{2, 3, 1}, Acts: []nn.Activation{nn.Tanh, nn.Sigmoid}, Loss: nn.BCE}

func ExampleNewSummary() {
	s, err := explain.NewSummary(arch231, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Params, "parameters")
	for _, l := range s.Layers {
		fmt.Printf("layer %d: W %v, b %v, Z and A %v: %d parameters\n", l.L, l.W, l.B, l.Z, l.Params)
	}
	d := s.Derivatives
	fmt.Printf("per step: %d derivatives of parameters, %d·m of dZ and %d·m of dA\n", d.Params, d.DZPerExample, d.DAPerExample)
	// Output:
	// 13 parameters
	// layer 1: W (3, 2), b (3, 1), Z and A (3, m): 9 parameters
	// layer 2: W (1, 3), b (1, 1), Z and A (1, m): 4 parameters
	// per step: 13 derivatives of parameters, 4·m of dZ and 3·m of dA
}

func ExampleNewEquations() {
	e, err := explain.NewEquations(arch231, 0, 0)
	if err != nil {
		log.Fatal(err)
	}
	for i, st := range e.Steps {
		fmt.Printf("%d. %s\n", i+1, st.Title)
		for _, q := range st.Equations {
			fmt.Println("  ", q.Text())
		}
	}
	// Output:
	// 1. Forward propagation, layer 1 (tanh)
	//    Z[1] (3, m) = W[1] (3, 2) · A[0] (2, m) + b[1] (3, 1)
	//    A[1] (3, m) = tanh(Z[1])
	// 2. Forward propagation, layer 2 (sigmoid)
	//    Z[2] (1, m) = W[2] (1, 3) · A[1] (3, m) + b[2] (1, 1)
	//    A[2] (1, m) = σ(Z[2])
	// 3. Cost (binary cross-entropy)
	//    J = −1/m · Σ_i [Y⁽ⁱ⁾ · log(A[2]⁽ⁱ⁾) + (1 − Y⁽ⁱ⁾) · log(1 − A[2]⁽ⁱ⁾)]
	// 4. Output layer 2: dZ[2] (sigmoid + bce)
	//    dZ[2] (1, m) = A[2] (1, m) − Y (1, m)
	// 5. Backward propagation, layer 2
	//    dW[2] (1, 3) = 1/m · dZ[2] (1, m) · A[1]ᵀ (m, 3)
	//    db[2] (1, 1) = 1/m · Σ_i dZ[2]⁽ⁱ⁾ (1, 1)
	//    dA[1] (3, m) = W[2]ᵀ (3, 1) · dZ[2] (1, m)
	//    dZ[1] (3, m) = dA[1] (3, m) ⊙ tanh'(Z[1]) (3, m) = dA[1] ⊙ (1 − A[1]²)
	// 6. Backward propagation, layer 1
	//    dW[1] (3, 2) = 1/m · dZ[1] (3, m) · A[0]ᵀ (m, 2)
	//    db[1] (3, 1) = 1/m · Σ_i dZ[1]⁽ⁱ⁾ (3, 1)
	// 7. Update of every layer
	//    W[1] (3, 2) := W[1] − α · dW[1]
	//    b[1] (3, 1) := b[1] − α · db[1]
	//    W[2] (1, 3) := W[2] − α · dW[2]
	//    b[2] (1, 1) := b[2] − α · db[2]
}

// The trace of one example through the 2-3-1 network. numpy gives the
// same numbers from the lecture's formulas (J = 1.1000686880514365,
// dW[1][2][1] = −1.1540907657605193), and so does PyTorch autograd.
func ExampleNewTrace() {
	net, err := nn.New[float64](arch231.Sizes, arch231.Acts, arch231.Loss)
	if err != nil {
		log.Fatal(err)
	}
	W := []*matrix.Dense[float64]{nil,
		matrix.New(3, 2, []float64{0.1, -0.2, 0.4, 0.3, -0.5, 0.2}),
		matrix.New(1, 3, []float64{0.3, -0.6, 0.9})}
	b := []*matrix.Dense[float64]{nil,
		matrix.New(3, 1, []float64{0, 0.1, -0.1}),
		matrix.New(1, 1, []float64{0.05})}
	if err := net.SetParams(W, b); err != nil {
		log.Fatal(err)
	}
	X := matrix.New(2, 1, []float64{1, 2})
	Y := matrix.New(1, 1, []float64{1})

	tr, err := explain.NewTrace(net, X, Y, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("J = %.6f\n", tr.Cost)
	for _, v := range tr.Backward() {
		fmt.Printf("%-5s %.4f\n", v.Name, v.Matrix.RawData())
	}
	dW1, _ := tr.Equations.Find("dW[1]")
	fmt.Println(dW1.Text())
	// Output:
	// J = 1.100069
	// dZ[2] [-0.6672]
	// dW[2] [0.1943 -0.5341 0.1317]
	// db[2] [-0.6672]
	// dA[1] [-0.2001 0.4003 -0.6004]
	// dZ[1] [-0.1832 0.1438 -0.5770]
	// dW[1] [-0.1832 -0.3663 0.1438 0.2876 -0.5770 -1.1541]
	// db[1] [-0.1832 0.1438 -0.5770]
	// dA[0] [0.3277 -0.0356]
	// dW[1] (3, 2) = 1/m · dZ[1] (3, 1) · A[0]ᵀ (1, 2)
}
