package rand

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"slices"
	"testing"
)

func TestNumPyUint32(t *testing.T) {
	for i, test := range numpyUint32 {
		r := NewNumPy(test.seed)
		for j, want := range test.want {
			if got := r.Uint32(); got != want {
				t.Errorf("case %d (seed %d): Uint32 #%d = %d, want %d", i, test.seed, j, got, want)
			}
		}
	}
}

func TestNumPyUint32Long(t *testing.T) {
	r := NewNumPy(0)
	h := fnv.New64a()
	var b [4]byte
	for range 100000 {
		binary.LittleEndian.PutUint32(b[:], r.Uint32())
		h.Write(b[:])
	}
	if got := h.Sum64(); got != numpyUint32Hash {
		t.Errorf("hash of 100000 outputs = %#x, want %#x", got, uint64(numpyUint32Hash))
	}
}

func TestNumPySeedExtremes(t *testing.T) {
	// init_genrand of mt19937ar.c sets key[i] = 1812433253·(key[i−1] ⊕
	// key[i−1]>>30) + i; these words follow from it by hand for key[0] = 0.
	r := NewNumPy(0)
	s := r.State()
	if s.Key[0] != 0 || s.Key[1] != 1 || s.Key[2] != 1812433255 || s.Pos != 624 {
		t.Errorf("seed 0: key[:3] = %v, pos = %d, want [0 1 1812433255], 624", s.Key[:3], s.Pos)
	}

	// NumPy accepts seeds up to 2³² − 1; the values for it are in
	// numpyUint32 and numpyRandn.
	r = NewNumPy(math.MaxUint32)
	if got := r.State().Key[0]; got != math.MaxUint32 {
		t.Errorf("seed 2³² − 1: key[0] = %d, want %d", got, uint32(math.MaxUint32))
	}
}

func TestNumPyNormFloat64(t *testing.T) {
	for i, test := range numpyRandn {
		r := NewNumPy(test.seed)
		for j, want := range test.want {
			if got := r.NormFloat64(); got != want {
				t.Errorf("case %d (seed %d): NormFloat64 #%d = %v, want %v", i, test.seed, j, got, want)
			}
		}
	}
}

func TestNumPyFirstGaussian(t *testing.T) {
	// np.random.seed(1); np.random.randn() and np.random.randn(3, 2)*0.01,
	// the initial weights of many course exercises.
	r := NewNumPy(1)
	if got, want := r.NormFloat64(), 1.6243453636632417; got != want {
		t.Errorf("seed 1: first NormFloat64 = %v, want %v", got, want)
	}

	r.Seed(1)
	for j, want := range numpyRandnScaled {
		if got := r.NormFloat64() * 0.01; got != want {
			t.Errorf("seed 1: weight %d = %v, want %v", j, got, want)
		}
	}
}

func TestNumPyNormFloat64Long(t *testing.T) {
	for i, test := range numpyLongRandn {
		exceptions := make(map[int]randnException)
		for _, e := range test.exceptions {
			exceptions[e.index] = e
		}

		r := NewNumPy(test.seed)
		h := fnv.New64a()
		var b [8]byte
		for j := range test.n {
			v := r.NormFloat64()
			if e, ok := exceptions[j]; ok {
				if v != e.rounded {
					t.Errorf("case %d (seed %d): NormFloat64 #%d = %v, want %v (ln rounded correctly)", i, test.seed, j, v, e.rounded)
				}
				if d := ulps(v, e.numpy); d > 3 {
					t.Errorf("case %d (seed %d): NormFloat64 #%d = %v is %d ulp from NumPy's %v, want at most 3", i, test.seed, j, v, d, e.numpy)
				}
				// Hash NumPy's value, so that the hash checks every other index.
				v = e.numpy
			}
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
		if got := h.Sum64(); got != test.hash {
			t.Errorf("case %d (seed %d): hash of %d values = %#x, want %#x", i, test.seed, test.n, got, test.hash)
		}
	}
}

// ulps returns the number of float64 values between a and b, for a and b
// of the same sign.
func ulps(a, b float64) uint64 {
	x, y := math.Float64bits(a), math.Float64bits(b)
	if x > y {
		return x - y
	}
	return y - x
}

func TestNumPyFloat64(t *testing.T) {
	for i, test := range numpyRandomSample {
		r := NewNumPy(test.seed)
		for j, want := range test.want {
			if got := r.Float64(); got != want {
				t.Errorf("case %d (seed %d): Float64 #%d = %v, want %v", i, test.seed, j, got, want)
			}
		}
	}

	r := NewNumPy(0)
	h := fnv.New64a()
	var b [8]byte
	for range 100000 {
		v := r.Float64()
		if v < 0 || v >= 1 {
			t.Fatalf("Float64 = %v, want a value in [0, 1)", v)
		}
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	if got := h.Sum64(); got != numpyRandomSampleHash {
		t.Errorf("hash of 100000 values = %#x, want %#x", got, uint64(numpyRandomSampleHash))
	}
}

func TestNumPyPerm(t *testing.T) {
	for i, test := range numpyPerm10 {
		if got := NewNumPy(test.seed).Perm(10); !slices.Equal(got, test.want) {
			t.Errorf("case %d (seed %d): Perm(10) = %v, want %v", i, test.seed, got, test.want)
		}
	}

	if got := NewNumPy(0).Perm(300); !slices.Equal(got, numpyPerm300) {
		t.Errorf("seed 0: Perm(300) = %v, want %v", got, numpyPerm300)
	}

	p := NewNumPy(1).Perm(100000)
	h := fnv.New64a()
	var b [8]byte
	for _, v := range p {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	if got := h.Sum64(); got != numpyPermHash {
		t.Errorf("seed 1: hash of Perm(100000) = %#x, want %#x", got, uint64(numpyPermHash))
	}
}

func TestNumPyPermSmall(t *testing.T) {
	// permutation(0) and permutation(1) consume no draws, so the next value
	// is the first one of the seed.
	for _, n := range []int{0, 1} {
		r := NewNumPy(0)
		if got := r.Perm(n); len(got) != n || (n == 1 && got[0] != 0) {
			t.Errorf("Perm(%d) = %v, want the identity", n, got)
		}
		if got, want := r.Uint32(), numpyUint32[0].want[0]; got != want {
			t.Errorf("after Perm(%d): Uint32 = %d, want %d (no draw consumed)", n, got, want)
		}
	}
}

func TestNumPyShuffle(t *testing.T) {
	a := make([]int, 20)
	for i := range a {
		a[i] = 10 * i
	}
	r := NewNumPy(5)
	r.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
	if !slices.Equal(a, numpyShuffle) {
		t.Errorf("seed 5: Shuffle of 0, 10, …, 190 = %v, want %v", a, numpyShuffle)
	}

	letters := []byte("abcdefgh")
	r.Seed(5)
	r.Shuffle(len(letters), func(i, j int) { letters[i], letters[j] = letters[j], letters[i] })
	if string(letters) != numpyShuffleLetters {
		t.Errorf("seed 5: Shuffle of abcdefgh = %s, want %s", letters, numpyShuffleLetters)
	}
}

func TestNumPyShuffleSwaps(t *testing.T) {
	// Legacy shuffle visits i = n−1 down to 1 and swaps with j in [0, i],
	// j = i included.
	const n = 50
	r := NewNumPy(3)
	next := n - 1
	sawSelf := false
	r.Shuffle(n, func(i, j int) {
		if i != next || j < 0 || j > i {
			t.Fatalf("swap(%d, %d), want i = %d and j in [0, %d]", i, j, next, next)
		}
		sawSelf = sawSelf || i == j
		next--
	})
	if next != 0 {
		t.Errorf("Shuffle(%d) stopped before i = %d", n, next)
	}
	if !sawSelf {
		t.Errorf("Shuffle(%d) never called swap(i, i); for seed 3 NumPy draws j = i at least once", n)
	}
}

func TestNumPyIntn(t *testing.T) {
	if slices.Max(numpyRandintN) > math.MaxInt {
		t.Skip("the NumPy values include n beyond the range of int")
	}
	r := NewNumPy(0)
	for k, want := range numpyRandint {
		n := int(numpyRandintN[k%len(numpyRandintN)])
		if got := int64(r.Intn(n)); got != want {
			t.Errorf("call %d: Intn(%d) = %d, want %d", k, n, got, want)
		}
	}
}

func TestNumPyUniform(t *testing.T) {
	type bounds struct{ low, high float64 }
	calls := []bounds{
		{-1, 1}, {-1, 1}, {-1, 1}, {-1, 1},
		{2.5, 7.25}, {2.5, 7.25}, {2.5, 7.25}, {2.5, 7.25},
		{3, 1}, {3, 1}, {3, 1},
	}
	r := NewNumPy(0)
	for k, c := range calls {
		if got, want := r.Uniform(c.low, c.high), numpyUniform[k]; got != want {
			t.Errorf("call %d: Uniform(%v, %v) = %v, want %v", k, c.low, c.high, got, want)
		}
	}
}

func TestNumPyNormal(t *testing.T) {
	type params struct{ loc, scale float64 }
	calls := []params{{5, 0.1}, {5, 0.1}, {5, 0.1}, {-2, 3}, {-2, 3}, {-2, 3}}
	r := NewNumPy(2)
	for k, c := range calls {
		if got, want := r.Normal(c.loc, c.scale), numpyNormal[k]; got != want {
			t.Errorf("call %d: Normal(%v, %v) = %v, want %v", k, c.loc, c.scale, got, want)
		}
	}
}

func TestNumPyMixedCalls(t *testing.T) {
	// np.random.seed(7), then in order: randn(), rand(), randint(0, 10),
	// randn(), permutation(5), randn(), uniform(0, 2), randn(), randn().
	// The Gaussian cache survives the other calls in between.
	r := NewNumPy(7)
	checkFloat := func(call string, got, want float64) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", call, got, want)
		}
	}
	checkFloat("NormFloat64 #1", r.NormFloat64(), 1.690525703800356)
	checkFloat("Float64", r.Float64(), 0.9779895119966027)
	if got := r.Intn(10); got != 7 {
		t.Errorf("Intn(10) = %d, want 7", got)
	}
	checkFloat("NormFloat64 #2", r.NormFloat64(), -0.4659373705408328)
	if got, want := r.Perm(5), []int{3, 4, 2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("Perm(5) = %v, want %v", got, want)
	}
	checkFloat("NormFloat64 #3", r.NormFloat64(), -0.0008903858579313628)
	checkFloat("Uniform(0, 2)", r.Uniform(0, 2), 1.358459992241881)
	checkFloat("NormFloat64 #4", r.NormFloat64(), -1.7547243063454208)
	checkFloat("NormFloat64 #5", r.NormFloat64(), -0.47693169954525966)
}

func TestNumPyState(t *testing.T) {
	// np.random.seed(1); np.random.randn(3); np.random.get_state() gives
	// pos 16, has_gauss 1, cached_gaussian -1.0729686221561705, key[0]
	// 2629073562, key[623] 116925273, and FNV-1a 64 of the little-endian
	// key 0xc1f33feae1de09de.
	r := NewNumPy(1)
	for range 3 {
		r.NormFloat64()
	}
	s := r.State()
	if s.Pos != 16 || !s.HasGauss || s.Gauss != -1.0729686221561705 {
		t.Errorf("pos, has_gauss, gauss = %d, %v, %v, want 16, true, -1.0729686221561705", s.Pos, s.HasGauss, s.Gauss)
	}
	if s.Key[0] != 2629073562 || s.Key[623] != 116925273 {
		t.Errorf("key[0], key[623] = %d, %d, want 2629073562, 116925273", s.Key[0], s.Key[623])
	}
	h := fnv.New64a()
	for _, w := range s.Key {
		h.Write(binary.LittleEndian.AppendUint32(nil, w))
	}
	if got := h.Sum64(); got != 0xc1f33feae1de09de {
		t.Errorf("hash of key = %#x, want 0xc1f33feae1de09de", got)
	}
}

func TestNumPySeedResets(t *testing.T) {
	r := NewNumPy(1)
	r.NormFloat64() // leaves the second value of the pair cached
	r.Seed(1)
	if got := r.NormFloat64(); got != 1.6243453636632417 {
		t.Errorf("after Seed(1): NormFloat64 = %v, want 1.6243453636632417 (cache dropped)", got)
	}
}

// draw runs a fixed mix of calls on src and returns their results as
// float64, so two sources can be compared call by call.
func draw(src Source, n int) []float64 {
	var out []float64
	for k := range n {
		switch k % 5 {
		case 0, 3:
			out = append(out, src.NormFloat64())
		case 1:
			out = append(out, src.Float64())
		case 2:
			out = append(out, float64(src.Intn(1000)))
		case 4:
			out = append(out, float64(src.Uint32()))
		}
	}
	return out
}

func TestNumPyMarshalRoundTrip(t *testing.T) {
	// Stop after 0 draws, after 1 (a Gaussian cached), after 2 (none
	// cached), and at 700, past the first regeneration of the key.
	for _, skip := range []int{0, 1, 2, 700} {
		r := NewNumPy(42)
		draw(r, skip)
		data, err := r.MarshalBinary()
		if err != nil {
			t.Fatalf("skip %d: MarshalBinary: %v", skip, err)
		}
		if len(data) != numpyStateSize {
			t.Errorf("skip %d: len(MarshalBinary) = %d, want %d", skip, len(data), numpyStateSize)
		}

		var restored NumPy
		if err := restored.UnmarshalBinary(data); err != nil {
			t.Fatalf("skip %d: UnmarshalBinary: %v", skip, err)
		}
		if restored.State() != r.State() {
			t.Errorf("skip %d: state after the round trip differs", skip)
		}
		if got, want := draw(&restored, 2000), draw(r, 2000); !slices.Equal(got, want) {
			t.Errorf("skip %d: values after the round trip differ", skip)
		}
	}
}

func TestNumPyMarshalCachedGaussian(t *testing.T) {
	r := NewNumPy(1)
	r.NormFloat64()
	data, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	restored := NewNumPy(99)
	if err := restored.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	// The second value of NumPy's first pair for seed 1.
	if got := restored.NormFloat64(); got != -0.6117564136500754 {
		t.Errorf("NormFloat64 after restoring mid-pair = %v, want -0.6117564136500754", got)
	}
}

func TestNumPyUnmarshalErrors(t *testing.T) {
	valid, err := NewNumPy(3).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	posAt := len(numpyTag) + 4*mtN
	edit := func(f func(b []byte) []byte) []byte {
		return f(slices.Clone(valid))
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", valid[:len(valid)-1]},
		{"long", append(slices.Clone(valid), 0)},
		{"tag", edit(func(b []byte) []byte { b[0] = 'X'; return b })},
		{"PCG state", mustMarshal(t, New(1))},
		{"position 625", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b[posAt:], 625); return b })},
		{"has-Gaussian byte 2", edit(func(b []byte) []byte { b[posAt+4] = 2; return b })},
		{"zero key", edit(func(b []byte) []byte {
			clear(b[len(numpyTag):posAt])
			return b
		})},
	}
	for _, test := range tests {
		r := NewNumPy(8)
		before := r.State()
		if err := r.UnmarshalBinary(test.data); err == nil {
			t.Errorf("%s: UnmarshalBinary succeeded, want an error", test.name)
		}
		if r.State() != before {
			t.Errorf("%s: failed UnmarshalBinary changed the state", test.name)
		}
	}
}

func TestNumPySetState(t *testing.T) {
	r := NewNumPy(5)
	s := r.State()
	s.Pos = -1
	if err := r.SetState(s); err == nil {
		t.Error("SetState with Pos = -1 succeeded, want an error")
	}

	// Only the upper bit of key[0] takes part in the recurrence, so a key
	// with just that bit set is valid and one with only the lower bits set
	// is not.
	var zero NumPyState
	zero.Pos = mtN
	zero.Key[0] = mtLower
	if err := r.SetState(zero); err == nil {
		t.Error("SetState with key[0] = 0x7fffffff and the rest 0 succeeded, want an error")
	}
	zero.Key[0] = mtUpper
	if err := r.SetState(zero); err != nil {
		t.Errorf("SetState with key[0] = 0x80000000 and the rest 0: %v", err)
	}
}

func mustMarshal(t testing.TB, m interface{ MarshalBinary() ([]byte, error) }) []byte {
	t.Helper()
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return data
}
