package data

import "math"

// This file holds the arithmetic that the course's generators take from
// NumPy: np.linspace, and np.sin and np.cos, which NumPy computes with the
// C library's sin and cos (glibc on Linux) on CPUs without AVX-512.

// linspace returns num values from start towards stop as np.linspace does
// in NumPy 1.24: with div = num − 1 when endpoint is true and num
// otherwise, step = (stop − start)/div and
//
//	y[i] = i·step + start,
//
// each operation rounded, and y[num−1] = stop when endpoint is true and
// num > 1. A step that underflows to 0 is handled as NumPy does, as
// y[i] = (i/div)·(stop − start) + start.
func linspace(start, stop float64, num int, endpoint bool) []float64 {
	y := make([]float64, num)
	div := num
	if endpoint {
		div = num - 1
	}
	delta := stop - start
	for i := range y {
		v := float64(i)
		switch {
		case div <= 0:
			v = v * delta
		case delta/float64(div) == 0:
			v = float64(v/float64(div)) * delta
		default:
			v = v * (delta / float64(div))
		}
		// The conversion keeps the compiler from fusing the multiply
		// and the add, which NumPy rounds separately.
		y[i] = float64(v) + start
	}
	if endpoint && num > 1 {
		y[num-1] = stop
	}
	return y
}

// sinRounded returns sin x rounded to the nearest float64. Of 200,000
// uniform arguments in [−40, 40], Go's math.Sin differed from glibc 2.36's
// sin, which NumPy uses, in about a quarter. glibc's was correctly rounded
// (checked with mpmath) in all but 0.12% of them, so rounding once gives
// the course's values far more often.
// The method is that of logRounded in package rand: double-double
// arithmetic with math.FMA, which is exact on every platform, so the result
// does not depend on the platform. Arguments beyond trigMax fall back to
// math.Sin, and NaN and ±Inf give NaN.
func sinRounded(x float64) float64 {
	s, _ := sinCosRounded(x)
	return s
}

// cosRounded returns cos x rounded to the nearest float64, as sinRounded
// does for sin.
func cosRounded(x float64) float64 {
	_, c := sinCosRounded(x)
	return c
}

// trigMax bounds the arguments that sinCosRounded reduces itself: the
// quadrant k = round(x·2/π) then has at most 21 bits, so k·piOver2[0] is
// exact as a double-double.
const trigMax = 1 << 20

// piOver2 is π/2 as an unevaluated sum of three float64s, accurate to about
// 2⁻¹⁶⁰ (from mpmath at 300 bits).
var piOver2 = [3]float64{0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54, -0x1.f1976b7ed8fbcp-110}

// sinCosRounded returns sin x and cos x, each rounded to the nearest
// float64. With k = round(x·2/π) and r = x − k·π/2, |r| ≤ π/4 (up to the
// rounding of k), computed in double-double arithmetic, and
//
//	sin r = r·Σ (−r²)ʲ/(2j+1)!,  cos r = Σ (−r²)ʲ/(2j)!
//
// summed by Horner's rule until the terms fall below 2⁻¹¹⁰; k mod 4
// selects the quadrant.
func sinCosRounded(x float64) (sin, cos float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > trigMax {
		return math.Sin(x), math.Cos(x)
	}
	if x == 0 {
		return x, 1 // keeps the sign of −0
	}

	// Argument reduction: r = x − k·(P1 + P2 + P3).
	k := math.RoundToEven(x * (2 / math.Pi))
	r := dd{x, 0}
	if k != 0 {
		r = addDD(r, negDD(twoProd(k, piOver2[0])))
		r = addDD(r, negDD(twoProd(k, piOver2[1])))
		r = addDD(r, dd{-k * piOver2[2], 0})
	}

	// Taylor series in r², by Horner's rule from the smallest term.
	r2 := mulDD(r, r)
	s := trigCoef[len(trigCoef)-1]
	c := trigCoef[len(trigCoef)-2]
	for n := len(trigCoef) - 3; n >= 0; n-- {
		if n%2 == 1 {
			s = subDD(trigCoef[n], mulDD(s, r2))
		} else {
			c = subDD(trigCoef[n], mulDD(c, r2))
		}
	}
	s = mulDD(s, r)

	sr, cr := s.hi+s.lo, c.hi+c.lo
	switch int64(k) & 3 {
	case 0:
		return sr, cr
	case 1:
		return cr, -sr
	case 2:
		return -sr, -cr
	default:
		return -cr, sr
	}
}

// trigTerms is the number of Taylor coefficients 1/n!, n = 0 … trigTerms−1;
// for |r| ≤ π/4, r²⁸/28! is below 2⁻¹¹⁰.
const trigTerms = 30

// trigCoef holds 1/n! as double-doubles, each the previous divided by n.
// The error grows by about 2⁻¹⁰⁵ per division, which the small size of the
// later terms makes negligible.
var trigCoef = func() [trigTerms]dd {
	var c [trigTerms]dd
	c[0] = dd{1, 0}
	for n := 1; n < trigTerms; n++ {
		c[n] = divDDInt(c[n-1], float64(n))
	}
	return c
}()

// dd is a double-double: the unevaluated sum hi + lo with |lo| ≤ ½ ulp(hi).
type dd struct{ hi, lo float64 }

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

// twoProd returns a·b exactly, the error term from an FMA.
func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

// negDD returns −a.
func negDD(a dd) dd { return dd{-a.hi, -a.lo} }

// addDD returns a + b with a relative error of about 2⁻¹⁰⁴ (the accurate
// addition of Hida, Li and Bailey's QD library).
func addDD(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s = quickTwoSum(s.hi, s.lo+t.hi)
	return quickTwoSum(s.hi, s.lo+t.lo)
}

// subDD returns a − b.
func subDD(a, b dd) dd { return addDD(a, negDD(b)) }

// mulDD returns a·b with a relative error of about 2⁻¹⁰⁴.
func mulDD(a, b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return quickTwoSum(p.hi, p.lo)
}

// divDDInt returns a/n for a float64 n, with a relative error of about
// 2⁻¹⁰⁴.
func divDDInt(a dd, n float64) dd {
	q := a.hi / n
	rem := math.FMA(-q, n, a.hi) + a.lo
	return quickTwoSum(q, rem/n)
}
