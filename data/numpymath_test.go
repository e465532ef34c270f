package data

import (
	"math"
	"testing"
)

func TestSinCosRounded(t *testing.T) {
	// Expected values are sin x and cos x rounded to nearest, from mpmath
	// at 200 bits. The first four are arguments whose sin glibc 2.36
	// rounds the other way.
	tests := []struct{ x, sin, cos float64 }{
		{-3.507973422676116, 0.35823876301327146, -0.9336300063058819},
		{-30.73327989592918, 0.6308487743990224, 0.7759058086129084},
		{9.185217755136648, 0.23727541448273995, -0.9714424211871973},
		{-19.987302223828884, -0.9076900575918835, 0.4196412269413518},
		{0.1, 0.09983341664682815, 0.9950041652780258},
		{1.0, 0.8414709848078965, 0.5403023058681398},
		{3.12, 0.02159097572609596, -0.9997668877129283},
		{6.24, -0.04317188520872868, 0.9990676595343903},
		{3.141592653589793, 1.2246467991473532e-16, -1.0},
		{1.5707963267948966, 1.0, 6.123233995736766e-17},
		{6.283185307179586, -2.4492935982947064e-16, 1.0},
		{12.48, -0.08626326862634386, 0.9962723766550488},
		{-7.5, -0.9379999767747389, 0.3466353178350258},
		{1e-08, 1e-08, 1.0},
		{1000.0, 0.8268795405320025, 0.5623790762907029},
		{1000000.0, -0.34999350217129294, 0.9367521275331447},
		{0, 0, 1},
	}
	for i, test := range tests {
		s, c := sinCosRounded(test.x)
		if s != test.sin || c != test.cos {
			t.Errorf("case %d: sinCosRounded(%v) = %v, %v, want %v, %v", i, test.x, s, c, test.sin, test.cos)
		}
		if sinRounded(test.x) != test.sin || cosRounded(test.x) != test.cos {
			t.Errorf("case %d: sinRounded and cosRounded disagree with sinCosRounded", i)
		}
	}
	if s, _ := sinCosRounded(math.Copysign(0, -1)); !math.Signbit(s) {
		t.Errorf("sin(−0) = %v, want −0", s)
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if s, c := sinCosRounded(x); !math.IsNaN(s) || !math.IsNaN(c) {
			t.Errorf("sinCosRounded(%v) = %v, %v, want NaN", x, s, c)
		}
	}
}

func TestSinCosRoundedNearMath(t *testing.T) {
	// A coarse check against math.Sin and math.Cos, which are accurate to
	// a few ulp (2 ulp off at −1739.6543051568, for example). The grid
	// crosses many quadrant boundaries, so the check catches a wrong
	// quadrant or a lost term, but not a misrounding.
	for k := -200000; k <= 200000; k++ {
		x := float64(k) * 0.0123456789
		s, c := sinCosRounded(x)
		if math.Abs(s-math.Sin(x)) > 4*ulp(math.Sin(x)) || math.Abs(c-math.Cos(x)) > 4*ulp(math.Cos(x)) {
			t.Fatalf("sinCosRounded(%v) = %v, %v; math gives %v, %v", x, s, c, math.Sin(x), math.Cos(x))
		}
	}
}

// ulp returns the spacing of float64 values at x.
func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}

func TestLinspace(t *testing.T) {
	// Expected values from np.linspace of NumPy 1.24.2.
	tests := []struct {
		start, stop float64
		num         int
		endpoint    bool
		at          []int
		want        []float64
	}{
		{0, 3.12, 200, true, []int{1, 57, 198, 199}, []float64{0.015678391959798997, 0.8936683417085428, 3.1043216080402014, 3.12}},
		{3.12, 6.24, 200, true, []int{0, 1, 100, 199}, []float64{3.12, 3.1356783919597992, 4.687839195979899, 6.24}},
		{0, 2 * math.Pi, 150, false, []int{1, 77, 149}, []float64{0.041887902047863905, 3.2253684576855206, 6.241297405131722}},
		{0, math.Pi, 151, true, []int{1, 75, 150}, []float64{0.020943951023931952, 1.5707963267948963, 3.141592653589793}},
		{1, 1, 3, true, []int{0, 1, 2}, []float64{1, 1, 1}},
		{2.5, 7, 1, true, []int{0}, []float64{2.5}},
		{0, 5e-324, 3, true, []int{0, 1, 2}, []float64{0, 0, 5e-324}},
	}
	for i, test := range tests {
		y := linspace(test.start, test.stop, test.num, test.endpoint)
		if len(y) != test.num {
			t.Errorf("case %d: %d values, want %d", i, len(y), test.num)
			continue
		}
		for k, j := range test.at {
			if y[j] != test.want[k] {
				t.Errorf("case %d: y[%d] = %v, want %v", i, j, y[j], test.want[k])
			}
		}
	}
	if y := linspace(0, 1, 0, true); len(y) != 0 {
		t.Errorf("linspace with num 0 = %v, want empty", y)
	}
}
