package rand

// Source is a seeded stream of random numbers. PCG and NumPy implement it.
// A Source is not safe for concurrent use: a run shares one Source, and the
// order of calls fixes every value it returns.
type Source interface {
	// Float64 returns a uniform value in [0, 1).
	Float64() float64

	// NormFloat64 returns a standard normal value (mean 0, standard
	// deviation 1).
	NormFloat64() float64

	// Uint32 returns a uniform 32-bit value.
	Uint32() uint32

	// Intn returns a uniform value in [0, n). It panics with ErrIntn if
	// n <= 0.
	Intn(n int) int

	// Perm returns a random permutation of 0, 1, …, n−1 in a new slice.
	// It panics with ErrNegativeN if n < 0.
	Perm(n int) []int

	// Shuffle randomises the order of n elements by calling swap(i, j)
	// with i, j in [0, n). It panics with ErrNegativeN if n < 0.
	Shuffle(n int, swap func(i, j int))
}

var (
	_ Source = (*PCG)(nil)
	_ Source = (*NumPy)(nil)
)
