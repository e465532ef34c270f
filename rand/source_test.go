package rand

import (
	"encoding"
	"math"
	"slices"
	"testing"
)

// sources returns a fresh instance of every Source implementation, for the
// tests that each of them must pass.
func sources() []struct {
	name string
	src  Source
} {
	return []struct {
		name string
		src  Source
	}{
		{"PCG", New(11)},
		{"NumPy", NewNumPy(11)},
	}
}

func TestSourceFloat64Range(t *testing.T) {
	for _, s := range sources() {
		for k := range 10000 {
			if v := s.src.Float64(); v < 0 || v >= 1 {
				t.Fatalf("%s: Float64 #%d = %v, want a value in [0, 1)", s.name, k, v)
			}
		}
	}
}

func TestSourceNormFloat64Moments(t *testing.T) {
	// The mean of n standard normal values has standard deviation 1/√n and
	// the variance about √(2/n); 5 standard deviations make a false
	// failure about one in 10⁶ for a new seed, and the seeds are fixed.
	const n = 100000
	for _, s := range sources() {
		var sum, sumSq float64
		for range n {
			v := s.src.NormFloat64()
			sum += v
			sumSq += v * v
		}
		mean := sum / n
		variance := sumSq/n - mean*mean
		if math.Abs(mean) > 5/math.Sqrt(n) {
			t.Errorf("%s: mean of %d values = %v, want within %v of 0", s.name, n, mean, 5/math.Sqrt(n))
		}
		if math.Abs(variance-1) > 5*math.Sqrt(2.0/n) {
			t.Errorf("%s: variance of %d values = %v, want within %v of 1", s.name, n, variance, 5*math.Sqrt(2.0/n))
		}
	}
}

func TestSourceIntnRange(t *testing.T) {
	for _, s := range sources() {
		for _, n64 := range []int64{1, 2, 3, 7, 1000, 1<<31 - 1, 1 << 31, 1<<32 + 5, math.MaxInt64} {
			n := int(n64)
			if int64(n) != n64 {
				continue // beyond int on 32-bit platforms
			}
			for range 200 {
				if v := s.src.Intn(n); v < 0 || v >= n {
					t.Fatalf("%s: Intn(%d) = %d, want a value in [0, %d)", s.name, n, v, n)
				}
			}
		}
	}
}

func TestSourceIntnCoversAll(t *testing.T) {
	const n = 6
	for _, s := range sources() {
		var counts [n]int
		for range 6000 {
			counts[s.src.Intn(n)]++
		}
		// Each count is binomial(6000, 1/6): mean 1000, standard deviation
		// about 29.
		for v, c := range counts {
			if c < 850 || c > 1150 {
				t.Errorf("%s: Intn(%d) returned %d %d times in 6000, want about 1000", s.name, n, v, c)
			}
		}
	}
}

func TestSourcePermIsPermutation(t *testing.T) {
	for _, s := range sources() {
		for _, n := range []int{0, 1, 2, 10, 257} {
			p := s.src.Perm(n)
			sorted := slices.Sorted(slices.Values(p))
			for i, v := range sorted {
				if v != i {
					t.Errorf("%s: Perm(%d) = %v, want each of 0 … %d once", s.name, n, p, n-1)
					break
				}
			}
			if len(p) != n {
				t.Errorf("%s: len(Perm(%d)) = %d", s.name, n, len(p))
			}
		}
	}
}

func TestSourceShuffleZero(t *testing.T) {
	for _, s := range sources() {
		s.src.Shuffle(0, func(i, j int) { t.Errorf("%s: Shuffle(0) called swap(%d, %d)", s.name, i, j) })
		s.src.Shuffle(1, func(i, j int) { t.Errorf("%s: Shuffle(1) called swap(%d, %d)", s.name, i, j) })
	}
}

func TestSourcePanics(t *testing.T) {
	type call struct {
		name string
		f    func(Source)
		want string
	}
	calls := []call{
		{"Intn(0)", func(s Source) { s.Intn(0) }, ErrIntn},
		{"Intn(-3)", func(s Source) { s.Intn(-3) }, ErrIntn},
		{"Perm(-1)", func(s Source) { s.Perm(-1) }, ErrNegativeN},
		{"Shuffle(-1)", func(s Source) { s.Shuffle(-1, func(i, j int) {}) }, ErrNegativeN},
		{"Uniform(0, +Inf)", func(s Source) { s.(uniformNormal).Uniform(0, math.Inf(1)) }, ErrUniform},
		{"Uniform(−MaxFloat64, MaxFloat64)", func(s Source) { s.(uniformNormal).Uniform(-math.MaxFloat64, math.MaxFloat64) }, ErrUniform},
		{"Uniform(NaN, 1)", func(s Source) { s.(uniformNormal).Uniform(math.NaN(), 1) }, ErrUniform},
		{"Normal(0, -1)", func(s Source) { s.(uniformNormal).Normal(0, -1) }, ErrScale},
	}
	for _, s := range sources() {
		for _, c := range calls {
			if got := panicMessage(func() { c.f(s.src) }); got != c.want {
				t.Errorf("%s: %s panicked with %q, want %q", s.name, c.name, got, c.want)
			}
		}
	}
}

// uniformNormal is the part of the API that PCG and NumPy share beyond
// Source.
type uniformNormal interface {
	Uniform(low, high float64) float64
	Normal(loc, scale float64) float64
}

// panicMessage runs f and returns the string it panicked with, or "" if it
// returned.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}

func TestSourceUniformBounds(t *testing.T) {
	for _, s := range sources() {
		u := s.src.(uniformNormal)
		for range 1000 {
			if v := u.Uniform(-2, 3); v < -2 || v > 3 {
				t.Fatalf("%s: Uniform(-2, 3) = %v, want a value in [-2, 3]", s.name, v)
			}
			if v := u.Uniform(3, -2); v < -2 || v > 3 {
				t.Fatalf("%s: Uniform(3, -2) = %v, want a value in [-2, 3]", s.name, v)
			}
		}
		if v := u.Uniform(1.5, 1.5); v != 1.5 {
			t.Errorf("%s: Uniform(1.5, 1.5) = %v, want 1.5", s.name, v)
		}
		if v := u.Normal(4, 0); v != 4 {
			t.Errorf("%s: Normal(4, 0) = %v, want 4", s.name, v)
		}
	}
}

func TestSourceMarshalInterfaces(t *testing.T) {
	for _, s := range sources() {
		if _, ok := s.src.(encoding.BinaryMarshaler); !ok {
			t.Errorf("%s does not implement encoding.BinaryMarshaler", s.name)
		}
		if _, ok := s.src.(encoding.BinaryUnmarshaler); !ok {
			t.Errorf("%s does not implement encoding.BinaryUnmarshaler", s.name)
		}
	}
}
