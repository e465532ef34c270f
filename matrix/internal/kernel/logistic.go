package kernel

import "math"

// Sigmoid sets a[i] = σ(z[i]) = 1/(1 + e^−z[i]) for i < len(z), computed
// in float64 with sigmoidPoly and rounded to T. a must be at least as
// long as z.
func Sigmoid[T Float](a, z []T) {
	impl[T]().sigmoid(a[:len(z)], z)
}

// SumBCE returns the sum over i < len(z) of the binary cross-entropy of
// the logit z[i] against the label y[i], max(z, 0) − z·y + ln(1 + e^−|z|),
// computed in float64 with bceTermPoly. y must be at least as long as z.
func SumBCE[T Float](z, y []T) float64 {
	return impl[T]().sumBCE(z, y[:len(z)])
}

// wideChunk is the number of elements sigmoidGo and sumBCEGo widen to
// float64 at a time. Converting in a loop of its own keeps the
// conversions out of the polynomial's loop, where each one would wait for
// the last use of its register (CVTSS2SD writes only the low lane) and
// chain the elements one after another.
const wideChunk = 256

func sigmoidGo[T Float](a, z []T) {
	var buf [wideChunk]float64
	a = a[:len(z)]
	for len(z) > 0 {
		w := buf[:min(len(z), wideChunk)]
		for i := range w {
			w[i] = float64(z[i])
		}
		for i, v := range w {
			w[i] = sigmoidPoly(v)
		}
		for i, v := range w {
			a[i] = T(v)
		}
		a, z = a[len(w):], z[len(w):]
	}
}

func sumBCEGo[T Float](z, y []T) float64 {
	var zBuf, yBuf [wideChunk]float64
	y = y[:len(z)]
	var s float64
	for len(z) > 0 {
		zw, yw := zBuf[:min(len(z), wideChunk)], yBuf[:min(len(z), wideChunk)]
		for i := range zw {
			zw[i], yw[i] = float64(z[i]), float64(y[i])
		}
		for i, v := range zw {
			s += bceTermPoly(v, yw[i])
		}
		z, y = z[len(zw):], y[len(zw):]
	}
	return s
}

// The sigmoid and the binary cross-entropy are computed in float64 with
// the exp and log1p below instead of math.Exp and math.Log1p. Their error
// is 2 float64 ulps at most in TestPolyMathError, far below float32's
// rounding, and they take no branch that depends on the data, where
// math.Log1p's branches on the size of its argument are often
// mispredicted. The same operations run in the assembly kernels, a vector
// of float64 lanes at a time.

// Constants of expNonPos: ln 2 split in a high part with trailing zero
// bits, so that k·ln2Hi is exact for |k| < 2^11, and the rest.
const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	log2E = 1.44269504088896338700e+00
	// roundShift is 1.5·2^52: adding it to a float64 of magnitude below
	// 2^51 rounds it to an integer, held in the low bits of the sum.
	roundShift = 0x1.8p52
	// expNormalMin is a bound above ln of the smallest normal float64,
	// −708.40, so that e^x ≥ expNormalMin scales by a normal power of 2.
	expNormalMin = -708
)

// expNonPos returns e^x for x ≤ 0 within 2 ulps of math.Exp. It reduces
// x to k·ln 2 + r with |r| ≤ ln(2)/2 and evaluates the Taylor polynomial
// of e^r to degree 13, whose remainder is below 5e-18, as
// 1 + (r + r²·Q(r)), with Q in Estrin's scheme: its chain of dependent
// operations is less than half as long as Horner's, so the evaluations
// for successive elements overlap. Below −708, where the result is subnormal
// or 0, and for NaN it returns math.Exp(x).
func expNonPos(x float64) float64 {
	if !(x >= expNormalMin) {
		return math.Exp(x)
	}
	t := x*log2E + roundShift
	k := int64(math.Float64bits(t)) - int64(math.Float64bits(roundShift))
	kf := t - roundShift
	r := (x - kf*ln2Hi) - kf*ln2Lo
	r2 := r * r
	r4 := r2 * r2
	r8 := r4 * r4
	// Q(r) = Σ r^i/(i + 2)! for i = 0 … 11, in pairs of terms, then
	// fours, then eights.
	q0 := 1.0/2 + r*(1.0/6)
	q1 := 1.0/24 + r*(1.0/120)
	q2 := 1.0/720 + r*(1.0/5040)
	q3 := 1.0/40320 + r*(1.0/362880)
	q4 := 1.0/3628800 + r*(1.0/39916800)
	q5 := 1.0/479001600 + r*(1.0/6227020800)
	q := ((q0 + q1*r2) + (q2+q3*r2)*r4) + (q4+q5*r2)*r8
	p := 1 + (r + r2*q)
	return p * math.Float64frombits(uint64(k+1023)<<52)
}

// log1pUnit returns ln(1 + e) for 0 ≤ e ≤ 1 within 2 ulps of
// math.Log1p, as 2·atanh(s) with s = e/(2 + e) ≤ 1/3: the series
// 2s·Σ s^(2j)/(2j + 1) to j = 15, whose remainder is below 2e-17 of the
// sum, as 2s + 2s·t·Q(t) with t = s² and Q in Estrin's scheme. NaN gives
// NaN.
func log1pUnit(e float64) float64 {
	s := e / (2 + e)
	t := s * s
	t2 := t * t
	t4 := t2 * t2
	t8 := t4 * t4
	// Q(t) = Σ t^j/(2j + 3) for j = 0 … 14.
	q0 := 1.0/3 + t*(1.0/5)
	q1 := 1.0/7 + t*(1.0/9)
	q2 := 1.0/11 + t*(1.0/13)
	q3 := 1.0/15 + t*(1.0/17)
	q4 := 1.0/19 + t*(1.0/21)
	q5 := 1.0/23 + t*(1.0/25)
	q6 := 1.0/27 + t*(1.0/29)
	q7 := 1.0 / 31
	q := ((q0 + q1*t2) + (q2+q3*t2)*t4) + ((q4+q5*t2)+(q6+q7*t2)*t4)*t8
	s2 := 2 * s
	return s2 + s2*(t*q)
}

// sigmoidPoly returns σ(z) = 1/(1 + e^−z), with expNonPos for the
// exponential and no branch on the sign of z: with e = e^−|z|, σ(z) is
// 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0.
func sigmoidPoly(z float64) float64 {
	e := expNonPos(-math.Abs(z))
	// num is 1 where z ≥ 0 and e where z < 0 (or z is −0 or a NaN with
	// its sign bit set, where e gives the same σ), chosen by the sign bit.
	neg := uint64(int64(math.Float64bits(z)) >> 63)
	num := math.Float64frombits(math.Float64bits(1)&^neg | math.Float64bits(e)&neg)
	return num / (1 + e)
}

// bceTermPoly returns the loss of one example as SumBCE sums it,
// max(z, 0) − z·y + ln(1 + e^−|z|), with expNonPos and log1pUnit. The
// max clears z where its sign bit is set, without a branch: it differs
// from math.Max(z, 0) only for a NaN with its sign bit set, where the
// other terms are NaN too.
func bceTermPoly(z, y float64) float64 {
	bits := math.Float64bits(z)
	pos := math.Float64frombits(bits &^ uint64(int64(bits)>>63))
	return pos - z*y + log1pUnit(expNonPos(-math.Abs(z)))
}
