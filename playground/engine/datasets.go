package engine

import (
	"fmt"
	"math"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// UploadName is the Settings.Data of a CSV file the page read.
const UploadName = "upload"

// Set describes a data set the page generates.
type Set struct {
	Name       string  `json:"name"`
	Title      string  `json:"title"`
	Samples    int     `json:"samples"` // default m
	Noise      float64 `json:"noise"`   // default noise
	Seed       uint64  `json:"seed"`    // default data seed
	Regression bool    `json:"regression"`
	// CLI reports whether `backprop train --data Name` generates the set.
	CLI bool `json:"cli"`
	// NumPy reports whether the generator draws from rand.NewNumPy, which
	// takes seeds below 2³².
	NumPy bool   `json:"numpy"`
	Help  string `json:"help"`
}

// sets lists the generated sets in the page's order. The ones that
// `backprop train` also generates take their defaults from
// data.SyntheticSets in init.
var sets = []Set{
	{Name: "circles", Title: "Circle", CLI: true, Help: "a circle inside another, as scikit-learn's make_circles"},
	{Name: "xor", Title: "XOR", CLI: true, Help: "class 1 where x1·x2 < 0"},
	{Name: "gauss", Title: "Gaussian", Samples: 300, Noise: 0.5, Seed: 1, Help: "two Gaussian clusters around (±2, 0); noise is their standard deviation"},
	{Name: "spiral", Title: "Spiral", CLI: true, Help: "two interleaved spirals"},
	{Name: "flower", Title: "Flower", CLI: true, Help: "the course's planar flower of rose-curve petals"},
	{Name: "moons", Title: "Moons", CLI: true, Help: "two interleaving half circles, as scikit-learn's make_moons"},
	{Name: "plane", Title: "Plane", Samples: 300, Noise: 0, Seed: 1, Regression: true, Help: "regression: y = (x1 + x2)/4 on [−2, 2]², plus noise"},
	{Name: "gaussmix", Title: "Gaussian mixture", Samples: 400, Noise: 0, Seed: 1, Regression: true, Help: "regression: a sum of six signed Gaussian bumps on [−2, 2]², plus noise"},
}

func init() {
	for _, s := range data.SyntheticSets() {
		for i := range sets {
			if sets[i].Name == s.Name {
				sets[i].Samples, sets[i].Noise, sets[i].Seed, sets[i].NumPy = s.Samples, s.Noise, s.Seed, s.NumPy
			}
		}
	}
}

// Sets returns the data sets the page generates.
func Sets() []Set { return append([]Set(nil), sets...) }

// SetNames returns the names of Sets.
func SetNames() []string {
	names := make([]string, len(sets))
	for i, s := range sets {
		names[i] = s.Name
	}
	return names
}

func lookupSet(name string) (Set, bool) {
	for _, s := range sets {
		if s.Name == name {
			return s, true
		}
	}
	return Set{}, false
}

// generate returns the points of a generated set: X of shape (2, m) and
// Y of shape (1, m).
func generate(s Settings) (*data.Dataset[float64], error) {
	set, ok := lookupSet(s.Data)
	if !ok {
		return nil, fmt.Errorf("data %q is not a generated set", s.Data)
	}
	switch {
	case set.CLI:
		return data.Generate[float64](s.Data, s.Samples, s.Noise, s.DataSeed)
	case s.Data == "gauss":
		return data.Blobs[float64](rand.New(s.DataSeed), s.Samples, 2, s.Noise)
	case s.Data == "plane":
		return Plane(rand.New(s.DataSeed), s.Samples, s.Noise)
	default:
		return GaussianMixture(rand.New(s.DataSeed), s.Samples, s.Noise)
	}
}

// regressionSide is the half-width of the square the regression sets
// draw their points from.
const regressionSide = 2

// Plane returns m points drawn uniformly from [−2, 2]² with real targets
// on a tilted plane,
//
//	y = (x1 + x2)/4 + noise·N(0, 1),
//
// so y lies in [−1, 1] before the noise. For each example the draws are x1
// and x2 (src.Float64, scaled), then the normal value. X is (2, m) and Y
// (1, m). It returns an error if m < 2 or noise is negative or not finite.
func Plane(src rand.Source, m int, noise float64) (*data.Dataset[float64], error) {
	return regression(src, m, noise, func(x1, x2 float64) float64 { return (x1 + x2) / 4 })
}

// mixture holds the centre and sign of each bump of GaussianMixture.
var mixture = []struct{ x1, x2, sign float64 }{
	{-1, 1, 1}, {0, 1, -1}, {1, 1, 1},
	{-1, -1, -1}, {0, -1, 1}, {1, -1, -1},
}

// GaussianMixture returns m points drawn uniformly from [−2, 2]² with real
// targets from six signed Gaussian bumps of width σ = 0.4,
//
//	y = Σ_k s_k·exp(−‖x − c_k‖² / (2σ²)) + noise·N(0, 1),
//
// with centres c_k at (−1, ±1), (0, ±1) and (1, ±1) and signs s_k = ±1
// alternating, so y lies in about [−1, 1]. The draws are Plane's. It
// returns an error if m < 2 or noise is negative or not finite.
func GaussianMixture(src rand.Source, m int, noise float64) (*data.Dataset[float64], error) {
	const sigma = 0.4
	return regression(src, m, noise, func(x1, x2 float64) float64 {
		var y float64
		for _, c := range mixture {
			d1, d2 := x1-c.x1, x2-c.x2
			y += c.sign * math.Exp(-(d1*d1+d2*d2)/(2*sigma*sigma))
		}
		return y
	})
}

func regression(src rand.Source, m int, noise float64, f func(x1, x2 float64) float64) (*data.Dataset[float64], error) {
	if m < 2 || m > data.MaxSamples {
		return nil, fmt.Errorf("m = %d examples is outside 2 … %d", m, data.MaxSamples)
	}
	if !(noise >= 0) || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("noise %v must be a finite number ≥ 0", noise)
	}
	X := matrix.New[float64](2, m, nil)
	Y := matrix.New[float64](1, m, nil)
	for j := range m {
		x1 := regressionSide * (2*src.Float64() - 1)
		x2 := regressionSide * (2*src.Float64() - 1)
		X.Set(0, j, x1)
		X.Set(1, j, x2)
		Y.Set(0, j, f(x1, x2)+noise*src.NormFloat64())
	}
	return &data.Dataset[float64]{X: X, Y: Y}, nil
}

// feature is an input feature computed from a point (x1, x2).
type feature struct {
	Name  string // in Settings.Features and the query
	Label string // on the page and in exported files' headers
	f     func(x1, x2 float64) float64
}

// features lists the input features in the order n[0]'s rows take them.
var features = []feature{
	{"x1", "x1", func(x1, _ float64) float64 { return x1 }},
	{"x2", "x2", func(_, x2 float64) float64 { return x2 }},
	{"x1sq", "x1^2", func(x1, _ float64) float64 { return x1 * x1 }},
	{"x2sq", "x2^2", func(_, x2 float64) float64 { return x2 * x2 }},
	{"x1x2", "x1*x2", func(x1, x2 float64) float64 { return x1 * x2 }},
	{"sinx1", "sin(x1)", func(x1, _ float64) float64 { return math.Sin(x1) }},
	{"sinx2", "sin(x2)", func(_, x2 float64) float64 { return math.Sin(x2) }},
}

// FeatureNames returns the names of the input features, in order.
func FeatureNames() []string {
	names := make([]string, len(features))
	for i, f := range features {
		names[i] = f.Name
	}
	return names
}

func featureIndex(name string) (int, bool) {
	for i, f := range features {
		if f.Name == name {
			return i, true
		}
	}
	return 0, false
}

// sortFeatures returns names in the order of features, so that the rows
// of X do not depend on the order the page selected them in.
func sortFeatures(names []string) []string {
	var out []string
	for _, f := range features {
		for _, n := range names {
			if n == f.Name {
				out = append(out, n)
			}
		}
	}
	return out
}

// featureLabels returns the labels of the selected features.
func featureLabels(names []string) []string {
	labels := make([]string, len(names))
	for i, n := range names {
		k, _ := featureIndex(n)
		labels[i] = features[k].Label
	}
	return labels
}

// transform returns the feature matrix, (len(names), m), of the points
// P, (2, m).
func transform(P *matrix.Dense[float64], names []string) *matrix.Dense[float64] {
	m := P.Cols()
	X := matrix.New[float64](len(names), m, nil)
	p1, p2 := P.RawRow(0), P.RawRow(1)
	for i, n := range names {
		k, _ := featureIndex(n)
		f, row := features[k].f, X.RawRow(i)
		for j := range m {
			row[j] = f(p1[j], p2[j])
		}
	}
	return X
}

// isRaw reports whether names are exactly x1, x2: the points themselves.
func isRaw(names []string) bool {
	return len(names) == 2 && names[0] == "x1" && names[1] == "x2"
}
