package rand

// MT19937 parameters from Matsumoto and Nishimura, "Mersenne Twister: a
// 623-dimensionally equidistributed uniform pseudo-random number
// generator", ACM TOMACS 8(1), 1998, and their reference mt19937ar.c.
const (
	mtN       = 624        // state words
	mtM       = 397        // offset of the word mixed into each new word
	mtMatrixA = 0x9908b0df // twist matrix
	mtUpper   = 0x80000000 // most significant bit of a word
	mtLower   = 0x7fffffff // the other 31 bits
)

// mt19937 is the Mersenne Twister as NumPy's RandomState keeps it: key is
// the untempered state and pos the index of the next word to temper, with
// pos = mtN meaning that the whole block must be regenerated first.
type mt19937 struct {
	key [mtN]uint32
	pos int
}

// seed fills the state as init_genrand of mt19937ar.c does, which is what
// np.random.seed(s) does for an integer s.
func (mt *mt19937) seed(s uint32) {
	mt.key[0] = s
	for i := 1; i < mtN; i++ {
		prev := mt.key[i-1]
		mt.key[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	mt.pos = mtN
}

// twist regenerates all mtN words of the state and resets pos. Word i
// becomes key[i+mtM] ⊕ A(upper bit of key[i] | lower bits of key[i+1]),
// indices mod mtN, where A shifts right by one and adds mtMatrixA when the
// dropped bit is 1. The loops split where the indices wrap.
func (mt *mt19937) twist() {
	k := &mt.key
	i := 0
	for ; i < mtN-mtM; i++ {
		k[i] = k[i+mtM] ^ mix(k[i], k[i+1])
	}
	for ; i < mtN-1; i++ {
		k[i] = k[i+mtM-mtN] ^ mix(k[i], k[i+1])
	}
	k[mtN-1] = k[mtM-1] ^ mix(k[mtN-1], k[0])
	mt.pos = 0
}

// mix joins the upper bit of hi to the lower bits of lo and multiplies the
// result by the twist matrix.
func mix(hi, lo uint32) uint32 {
	y := hi&mtUpper | lo&mtLower
	return y>>1 ^ -(y&1)&mtMatrixA
}

// uint32 returns the next tempered word, genrand_int32 of mt19937ar.c.
func (mt *mt19937) uint32() uint32 {
	if mt.pos == mtN {
		mt.twist()
	}
	y := mt.key[mt.pos]
	mt.pos++

	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// degenerate reports whether the state has none of its 19937 significant
// bits set, a state from which the generator returns only zeros. The low
// 31 bits of key[0] take no part in the recurrence.
func (mt *mt19937) degenerate() bool {
	if mt.key[0]&mtUpper != 0 {
		return false
	}
	for _, w := range mt.key[1:] {
		if w != 0 {
			return false
		}
	}
	return true
}
