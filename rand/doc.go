// Package rand provides the seeded random sources of backprop: PCG, the
// default, and NumPy, which returns the values of NumPy's np.random
// functions for the same seed. Both implement Source, the interface through
// which the rest of backprop draws random numbers.
//
// # The default source
//
// New(seed) returns a PCG: a *Rand of math/rand/v2 drawing from its PCG
// generator, seeded as rand.NewPCG(seed, 0). Use it unless you need NumPy's
// numbers. PCG steps with integer arithmetic only, so for a given seed
// Uint32, Uint64, Intn, Perm, Shuffle and Float64 return the same values on
// every platform. NormFloat64 is the exception: math/rand/v2's ziggurat
// takes about 3% of its draws through math.Exp and math.Log, whose last bit
// varies between platforms, so a rare value can differ and shift the rest of
// the stream (see PCG.NormFloat64).
//
// # The NumPy-compatible source
//
// NewNumPy(seed) returns a NumPy in the state np.random.seed(seed) leaves:
// MT19937 seeded by init_genrand. Its methods follow NumPy's legacy
// RandomState, the generator behind np.random.seed, randn, rand,
// random_sample, randint, permutation, shuffle, uniform and normal:
//
//	np.random.seed(1)                   r := rand.NewNumPy(1)
//	np.random.randn()                   r.NormFloat64()
//	np.random.normal(loc, scale)        r.Normal(loc, scale)
//	np.random.rand(), random_sample()   r.Float64()
//	np.random.uniform(low, high)        r.Uniform(low, high)
//	np.random.randint(0, n)             r.Intn(n)
//	np.random.permutation(n)            r.Perm(n)
//	np.random.shuffle(a)                r.Shuffle(len(a), swap)
//
// Arrays come out in C order, one value per call: np.random.randn(3, 2) is
// six calls to NormFloat64, row by row. Use NumPy to reproduce an experiment
// or a course exercise that seeds numpy, such as initial weights from
// np.random.seed(1) and np.random.randn(n1, n0)*0.01; Seed reseeds as the
// exercises do between steps. np.random.default_rng and its Generator (PCG64
// with a ziggurat) are a different stream and are not reproduced.
//
// Uint32, Float64, Intn, Perm, Shuffle and Uniform equal NumPy 1.24 bit for
// bit. NormFloat64 computes ln correctly rounded where NumPy calls the C
// library's log, which glibc 2.36 rounds the other way for about 0.1% of
// inputs. So about 1 Gaussian in 2,800 differs from NumPy's on Debian 12
// x86-64, by 1 to 3 ulp (measured over 30 million values), and the stream
// of draws stays the same. NumPy's own values can differ between C
// libraries in the same way.
//
// All NumPy methods give the same values on every platform: MT19937 is
// integer-only, the conversions to float64 are exact or rounded once per
// operation, and the logarithm is computed in software.
//
// # Checkpoints
//
// PCG and NumPy implement encoding.BinaryMarshaler and
// encoding.BinaryUnmarshaler with their full state, including NumPy's
// cached second Gaussian, so a training run saved between any two calls
// resumes with the same values. The formats start with a tag naming the
// type and version; UnmarshalBinary checks them and accepts untrusted input.
// NumPy.State and NumPy.SetState exchange the state with NumPy's
// RandomState.get_state and set_state.
//
// # Concurrency
//
// A source is not safe for concurrent use. A run keeps one source and
// calls it from one goroutine, so that the same seed gives the same run.
package rand
