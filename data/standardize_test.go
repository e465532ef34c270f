package data_test

import (
	"math"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
)

func TestStandardizer(t *testing.T) {
	// Feature 0 is 1, 2, 3, 4 with mean 2.5 and population std √1.25.
	// Feature 1 is constant 7 with std 0, so Std is 1. Feature 2 is
	// 0, 0, 0, 8 with mean 2 and std √12.
	X := matrix.New[float64](3, 4, []float64{
		1, 2, 3, 4,
		7, 7, 7, 7,
		0, 0, 0, 8,
	})
	s, err := data.FitStandardizer(X)
	if err != nil {
		t.Fatal(err)
	}
	wantMean := []float64{2.5, 7, 2}
	wantStd := []float64{math.Sqrt(1.25), 1, math.Sqrt(12)}
	for i := range wantMean {
		if s.Mean[i] != wantMean[i] || s.Std[i] != wantStd[i] {
			t.Errorf("feature %d: mean %v, std %v, want %v, %v", i, s.Mean[i], s.Std[i], wantMean[i], wantStd[i])
		}
	}

	// Fitted on training data, applied to other data unchanged.
	test := matrix.New[float64](3, 2, []float64{2.5, 5, 7, 9, 2, -4})
	if err := s.Transform(test); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 2.5 / math.Sqrt(1.25)}, {0, 2}, {0, -6 / math.Sqrt(12)}}
	for i := range want {
		for j := range want[i] {
			if got := test.At(i, j); math.Abs(got-want[i][j]) > 1e-15 {
				t.Errorf("x'[%d][%d] = %v, want %v", i, j, got, want[i][j])
			}
		}
	}

	// The training data standardises to mean 0 and std 1 (0 for the
	// constant feature).
	d := &data.Dataset[float64]{X: X.Clone(), Y: matrix.New[float64](1, 4, nil)}
	if err := s.Apply(d); err != nil {
		t.Fatal(err)
	}
	for i, wantStd := range []float64{1, 0, 1} {
		var sum, ss float64
		for _, v := range d.X.RawRow(i) {
			sum += v
			ss += v * v
		}
		if math.Abs(sum/4) > 1e-15 || math.Abs(math.Sqrt(ss/4)-wantStd) > 1e-15 {
			t.Errorf("feature %d: mean %v, std %v after standardising", i, sum/4, math.Sqrt(ss/4))
		}
	}
}

func TestStandardizerFloat32(t *testing.T) {
	// A constant float32 feature whose float64 mean would not be exact.
	X := matrix.New[float32](1, 3, []float32{0.1, 0.1, 0.1})
	s, err := data.FitStandardizer(X)
	if err != nil {
		t.Fatal(err)
	}
	if s.Std[0] != 1 || s.Mean[0] != float64(float32(0.1)) {
		t.Errorf("mean %v, std %v, want %v and 1", s.Mean[0], s.Std[0], float64(float32(0.1)))
	}
	s.Transform(X)
	for _, v := range X.RawData() {
		if v != 0 {
			t.Errorf("constant feature standardised to %v, want 0", v)
		}
	}
}

func TestStandardizerErrors(t *testing.T) {
	_, err := data.FitStandardizer(matrix.New[float64](2, 0, nil))
	mustMatchAll(t, err, []string{`no examples \(X is \(2, 0\)\)`})
	_, err = data.FitStandardizer(matrix.New[float64](2, 2, []float64{1, 2, 3, math.Inf(-1)}))
	mustMatchAll(t, err, []string{`X\[1\]\[1\] = -Inf \(example 1, feature 1, counted from 0\) is not finite`})
	s, _ := data.FitStandardizer(matrix.New[float64](2, 2, []float64{1, 2, 3, 4}))
	mustMatchAll(t, s.Transform(matrix.New[float64](3, 1, nil)), []string{`fitted to 2 features, but X has 3`})
}
