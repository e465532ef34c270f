package rand_test

import (
	"fmt"

	"github.com/backprop-go/backprop/rand"
)

// The initial weights of a layer with 3 units and 2 inputs, as
// np.random.seed(1); W = np.random.randn(3, 2)*0.01 gives them.
func ExampleNewNumPy() {
	r := rand.NewNumPy(1)
	for range 3 {
		fmt.Printf("%.8f %.8f\n", r.NormFloat64()*0.01, r.NormFloat64()*0.01)
	}
	// Output:
	// 0.01624345 -0.00611756
	// -0.00528172 -0.01072969
	// 0.00865408 -0.02301539
}

// A permutation of the examples for one epoch, as np.random.seed(0);
// np.random.permutation(10) gives it.
func ExampleNumPy_Perm() {
	r := rand.NewNumPy(0)
	fmt.Println(r.Perm(10))
	// Output:
	// [2 8 4 9 1 6 7 3 0 5]
}

// Saving the state in a checkpoint and resuming from it.
func ExampleNumPy_MarshalBinary() {
	r := rand.NewNumPy(1)
	r.NormFloat64() // the second value of the pair is now cached

	state, err := r.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	resumed := rand.NewNumPy(0)
	if err := resumed.UnmarshalBinary(state); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resumed.NormFloat64() == r.NormFloat64())
	// Output:
	// true
}

// The default source, seeded as math/rand/v2's rand.NewPCG(seed, 0).
func ExampleNew() {
	r := rand.New(42)
	fmt.Println(r.Intn(100), r.Perm(5))
	// Output:
	// 85 [2 1 0 3 4]
}
