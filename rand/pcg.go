package rand

import (
	"fmt"
	"math"
	mathrand "math/rand/v2"
)

// PCG is the project's default source: a *Rand of math/rand/v2 drawing from
// its PCG generator (a 128-bit LCG with the DXSM output function). New(seed)
// gives the same stream as
//
//	rand.New(rand.NewPCG(seed, 0))
//
// from math/rand/v2, so a seed chosen here reproduces in any Go program.
// Use New to create one, because the zero value is not usable.
type PCG struct {
	pcg *mathrand.PCG
	rng *mathrand.Rand
}

// New returns the default source seeded with seed.
func New(seed uint64) *PCG {
	pcg := mathrand.NewPCG(seed, 0)
	return &PCG{pcg: pcg, rng: mathrand.New(pcg)}
}

// Seed resets p to the state New(seed) starts from.
func (p *PCG) Seed(seed uint64) {
	p.pcg.Seed(seed, 0)
}

// Float64 returns a uniform value in [0, 1), a multiple of 2⁻⁵³.
func (p *PCG) Float64() float64 { return p.rng.Float64() }

// NormFloat64 returns a standard normal value from the ziggurat method of
// math/rand/v2.
//
// Unlike the other methods, its value may differ between platforms in rare
// draws. About 97% of draws take integer steps and one rounded float64
// product only. The rest compare against math.Exp or math.Log, whose last
// bit depends on the architecture. In Go 1.26, math.Exp on amd64 also
// depends on whether the CPU has FMA, and the compiler may fuse a float32
// multiply-add in that comparison. A comparison that flips changes the
// value and the number of draws it consumes, and so every later value.
func (p *PCG) NormFloat64() float64 { return p.rng.NormFloat64() }

// Uint32 returns a uniform 32-bit value.
func (p *PCG) Uint32() uint32 { return p.rng.Uint32() }

// Uint64 returns a uniform 64-bit value.
func (p *PCG) Uint64() uint64 { return p.rng.Uint64() }

// Intn returns a uniform value in [0, n) by the unbiased method of
// math/rand/v2's IntN. It panics with ErrIntn if n <= 0.
func (p *PCG) Intn(n int) int {
	if n <= 0 {
		panic(ErrIntn)
	}
	return p.rng.IntN(n)
}

// Perm returns a random permutation of 0, 1, …, n−1 in a new slice, as
// math/rand/v2's Perm does. It panics with ErrNegativeN if n < 0.
func (p *PCG) Perm(n int) []int {
	if n < 0 {
		panic(ErrNegativeN)
	}
	return p.rng.Perm(n)
}

// Shuffle randomises the order of n elements with the Fisher–Yates
// shuffle of math/rand/v2, calling swap(i, j) for each exchange. It panics
// with ErrNegativeN if n < 0.
func (p *PCG) Shuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic(ErrNegativeN)
	}
	p.rng.Shuffle(n, swap)
}

// Uniform returns a uniform value between low and high,
//
//	low + (high − low)·Float64()
//
// rounded after each operation (never fused), as NumPy.Uniform computes it.
// It panics with ErrUniform if high − low is not finite.
func (p *PCG) Uniform(low, high float64) float64 {
	return uniform(low, high, p.Float64())
}

// Normal returns a normal value with mean loc and standard deviation scale,
//
//	loc + scale·NormFloat64()
//
// rounded after each operation. It panics with ErrScale if scale < 0.
func (p *PCG) Normal(loc, scale float64) float64 {
	if scale < 0 {
		panic(ErrScale)
	}
	return normal(loc, scale, p.NormFloat64())
}

// pcgTag starts the encoding of a PCG state; the digit is the format version.
const pcgTag = "backprop/rand.PCG 1\n"

// MarshalBinary encodes the state of p: the tag "backprop/rand.PCG 1\n"
// followed by the 128-bit generator state as two big-endian uint64, high
// word first. A PCG decoded from it continues with the same values p would
// return next.
func (p *PCG) MarshalBinary() ([]byte, error) {
	state, err := p.pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	// math/rand/v2 writes "pcg:" and the two words; keep the words.
	return append([]byte(pcgTag), state[len("pcg:"):]...), nil
}

// UnmarshalBinary sets p to a state written by MarshalBinary. It checks the
// tag and the length, so any bytes are safe to pass; every 128-bit state is
// valid. On error p is unchanged.
func (p *PCG) UnmarshalBinary(data []byte) error {
	const size = len(pcgTag) + 16
	if len(data) != size {
		return fmt.Errorf("rand: PCG state has %d bytes, want %d; pass bytes from PCG.MarshalBinary", len(data), size)
	}
	if string(data[:len(pcgTag)]) != pcgTag {
		return fmt.Errorf("rand: PCG state does not start with the tag %q; pass bytes from PCG.MarshalBinary", pcgTag)
	}
	return p.pcg.UnmarshalBinary(append([]byte("pcg:"), data[len(pcgTag):]...))
}

// uniform returns low + (high−low)·u with each operation rounded, the order
// of random_uniform in NumPy's distributions.c.
func uniform(low, high, u float64) float64 {
	width := high - low
	if math.IsInf(width, 0) || math.IsNaN(width) {
		panic(ErrUniform)
	}
	// The conversion stops the compiler from fusing the multiply and add,
	// which NumPy's x86-64 build does not do.
	return low + float64(width*u)
}

// normal returns loc + scale·z with each operation rounded.
func normal(loc, scale, z float64) float64 {
	return loc + float64(scale*z)
}
