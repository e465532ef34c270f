package rand

import (
	"math"
	"math/bits"
)

// NumPy is a source that returns the values of NumPy's legacy RandomState,
// the generator behind np.random.seed, np.random.randn, np.random.rand,
// np.random.randint, np.random.permutation and the other np.random
// functions. It is MT19937 seeded by init_genrand, with NumPy's conversions
// to floats and integers and its polar Gaussian, so an experiment that
// seeds numpy reproduces here value for value. Each method names the NumPy
// function it matches, and the tests check the values against NumPy 1.24.
// Use NewNumPy to create one, because the zero value is not usable.
type NumPy struct {
	mt       mt19937
	hasGauss bool    // whether gauss holds the second value of a polar pair
	gauss    float64 // that value, or 0 when hasGauss is false
}

// NewNumPy returns a source in the state np.random.seed(seed) leaves.
func NewNumPy(seed uint32) *NumPy {
	r := &NumPy{}
	r.Seed(seed)
	return r
}

// Seed resets r to the state np.random.seed(seed) leaves, which also drops
// any cached Gaussian.
func (r *NumPy) Seed(seed uint32) {
	r.mt.seed(seed)
	r.hasGauss = false
	r.gauss = 0
}

// Uint32 returns the next raw 32-bit output of MT19937, genrand_int32 of
// the reference implementation.
func (r *NumPy) Uint32() uint32 { return r.mt.uint32() }

// Uint64 returns two 32-bit outputs joined, the first in the high half,
// as NumPy's mt19937_next64 does.
func (r *NumPy) Uint64() uint64 {
	hi := uint64(r.mt.uint32())
	lo := uint64(r.mt.uint32())
	return hi<<32 | lo
}

// Float64 returns a uniform value in [0, 1) from two 32-bit outputs a and b,
//
//	(⌊a/2⁵⌋·2²⁶ + ⌊b/2⁶⌋) / 2⁵³
//
// as np.random.random_sample and np.random.rand do. Every step is exact.
func (r *NumPy) Float64() float64 {
	a := r.mt.uint32() >> 5
	b := r.mt.uint32() >> 6
	return (float64(a)*67108864.0 + float64(b)) / 9007199254740992.0
}

// NormFloat64 returns a standard normal value, as np.random.randn and
// np.random.standard_normal do (legacy_gauss in NumPy). The polar
// Box–Muller method draws pairs x1, x2 = 2·Float64() − 1 until
// 0 < r² = x1² + x2² < 1, then with f = √(−2·ln(r²)/r²) returns f·x2 and
// keeps f·x1 for the next call.
//
// NOTE: NumPy takes ln from the C library, and this method rounds it
// correctly. glibc 2.36 rounds about 0.1% of these logarithms the other
// way, so about 1 value in 2,800 differs from NumPy's on Debian 12 x86-64,
// by 1 to 3 ulp. Later values and the number of draws are not affected.
func (r *NumPy) NormFloat64() float64 {
	if r.hasGauss {
		r.hasGauss = false
		g := r.gauss
		r.gauss = 0
		return g
	}

	var x1, x2, r2 float64
	for {
		x1 = 2*r.Float64() - 1
		x2 = 2*r.Float64() - 1
		// The conversions stop the compiler from fusing a multiply and
		// the add, which NumPy's x86-64 build does not do. Go 1.26 fuses
		// on arm64, loong64, ppc64, riscv64 and s390x, and on amd64 with
		// GOAMD64=v3. A fused sum changes the first value of seed 1.
		r2 = float64(x1*x1) + float64(x2*x2)
		if r2 < 1 && r2 != 0 {
			break
		}
	}
	f := math.Sqrt(-2 * logRounded(r2) / r2)
	r.gauss = f * x1
	r.hasGauss = true
	return f * x2
}

// Normal returns loc + scale·NormFloat64(), rounded after each operation,
// as np.random.normal(loc, scale) does. It panics with ErrScale if
// scale < 0, where NumPy raises ValueError.
func (r *NumPy) Normal(loc, scale float64) float64 {
	if scale < 0 {
		panic(ErrScale)
	}
	return normal(loc, scale, r.NormFloat64())
}

// Uniform returns low + (high − low)·Float64(), rounded after each
// operation, as np.random.uniform(low, high) does. For low < high the
// result lies in [low, high), except that rounding can give high itself,
// as NumPy's documentation notes. It panics with ErrUniform if high − low is not finite, where NumPy
// raises OverflowError.
func (r *NumPy) Uniform(low, high float64) float64 {
	return uniform(low, high, r.Float64())
}

// Intn returns a uniform value in [0, n), as np.random.randint(n) and
// np.random.randint(0, n) do. It panics with ErrIntn if n <= 0.
func (r *NumPy) Intn(n int) int {
	if n <= 0 {
		panic(ErrIntn)
	}
	return int(r.interval(uint64(n - 1)))
}

// interval returns a uniform value in [0, limit] by rejection: it masks
// each draw to the bit length of limit and retries while the result exceeds
// limit. It takes 32-bit draws while limit fits in 32 bits, 64-bit draws
// (Uint64) above, and no draw at all for limit = 0. This is random_interval
// of NumPy's legacy distributions, which its shuffle and permutation call.
// The masked bounded integers of randint give the same values and draws.
func (r *NumPy) interval(limit uint64) uint64 {
	if limit == 0 {
		return 0
	}
	// The smallest all-ones mask ≥ limit. For a limit with the top bit set,
	// Len64 is 64 and the shift yields 0, so the mask is all ones.
	mask := uint64(1)<<bits.Len64(limit) - 1
	if limit <= math.MaxUint32 {
		for {
			v := uint64(r.mt.uint32()) & mask
			if v <= limit {
				return v
			}
		}
	}
	for {
		v := r.Uint64() & mask
		if v <= limit {
			return v
		}
	}
}

// Shuffle randomises the order of n elements as np.random.shuffle does on a
// sequence of length n: for i from n−1 down to 1 it calls swap(i, j) with j
// uniform in [0, i], including j = i. It panics with ErrNegativeN if n < 0.
func (r *NumPy) Shuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic(ErrNegativeN)
	}
	for i := n - 1; i > 0; i-- {
		j := int(r.interval(uint64(i)))
		swap(i, j)
	}
}

// Perm returns the values of np.random.permutation(n) in a new slice: a
// Shuffle of 0, 1, …, n−1. It panics with ErrNegativeN if n < 0.
func (r *NumPy) Perm(n int) []int {
	if n < 0 {
		panic(ErrNegativeN)
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}
