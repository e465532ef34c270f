package rand

import (
	"math"
	"testing"
)

func TestLogRounded(t *testing.T) {
	// Expected values are ln x rounded to nearest, from mpmath 1.2.1 at 200
	// bits. Beyond these cases, logRounded agreed with mpmath on 447,000
	// inputs: exponents across the whole float64 range, the polar method's
	// r² in (0, 1), and every table boundary and centre ±20 ulp.
	tests := []struct {
		x, want float64
	}{
		{0.5, -0.6931471805599453},
		{0x1p-104, -72.0873067782343},
		{0x1p-52, -36.04365338911715},
		{0.9999999999999999, -1.1102230246251565e-16},
		{1, 0},
		{0.7071067811865476, -0.3465735902799726},
		{1e-300, -690.7755278982137},
		{0.1, -2.3025850929940455},
		{0.9, -0.10536051565782628},
		{3, 1.0986122886681098},
		{1e300, 690.7755278982137},
		{5e-324, -744.4400719213812},
		{2.2250738585072014e-308, -708.3964185322641},
		{1.5e-323, -743.3414596327132},
		{1.0000000000000002, 2.2204460492503128e-16},
		{1.4142135623730951, 0.3465735902799727},

		// Halfway between two table entries i/64.
		{0.7109375, -0.34117075740276714},
		{0.9921875, -0.007843177461025893},
		{1.4140625, 0.34646676734620857},

		// glibc 2.36's log (x86-64, FMA) rounds these the other way.
		{0.7936998769925596, -0.23104987786508535},
		{0.7920747349405751, -0.23309952932084688},
		{0.7197349712477155, -0.3288722302250943},
		{0.5426828674219136, -0.6112301675617967},

		// Go 1.26's math.Log (amd64) rounds these the other way.
		{0.6871570517975347, -0.37519240764939693},
		{0.33466068972078555, -1.0946381269580965},
		{0.6399350125842458, -0.4463886506213584},
	}
	for i, test := range tests {
		if got := logRounded(test.x); got != test.want {
			t.Errorf("case %d: logRounded(%v) = %v, want %v", i, test.x, got, test.want)
		}
	}
}

func TestLogRoundedNearMathLog(t *testing.T) {
	// math.Log is within 1 ulp of ln x, so a correctly rounded result is
	// within 1 ulp of it too. The inputs cover (0, 1) as the polar method
	// uses it, and a wide range of exponents.
	r := NewNumPy(2024)
	for k := range 100000 {
		x := r.Float64()
		if k%2 == 1 {
			x = math.Ldexp(1+x, r.Intn(2000)-1000)
		}
		if x == 0 {
			continue
		}
		got, near := logRounded(x), math.Log(x)
		if d := ulps(got, near); d > 1 {
			t.Fatalf("logRounded(%v) = %v, math.Log = %v: %d ulp apart, want at most 1", x, got, near, d)
		}
	}
}
