package data

import (
	"fmt"
	"math"
	"strings"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// MaxSamples is the largest number of examples the generators make, so
// that a mistyped size fails with an error instead of exhausting memory.
const MaxSamples = 1 << 24

// SyntheticSet describes a generated 2-D set that Generate makes, with the
// defaults a command line offers. The course's sets default to the
// course's calls.
type SyntheticSet struct {
	Name    string
	Samples int     // default m
	Noise   float64 // default noise
	Seed    uint64  // default seed
	Classes int
	NumPy   bool   // whether Generate draws from rand.NewNumPy (else rand.New)
	Summary string // one line for help texts
}

// syntheticSets lists the sets in the order SyntheticSets returns them.
var syntheticSets = []SyntheticSet{
	{"flower", 400, 0.2, 1, 2, true, "the course's planar flower: two classes of rose-curve petals"},
	{"moons", 300, 0.2, 3, 2, true, "two interleaving half circles, as scikit-learn's make_moons"},
	{"circles", 300, 0.05, 1, 2, true, "a circle inside another, as scikit-learn's make_circles (factor 0.8)"},
	{"xor", 400, 0.1, 1, 2, false, "uniform points in [−1, 1]², class 1 where x1·x2 < 0"},
	{"spiral", 400, 0.05, 1, 2, false, "two interleaved spirals of 1.5 turns"},
	{"blobs", 300, 0.5, 1, 3, false, "three Gaussian clusters on a circle of radius 2"},
}

// SyntheticSets returns the sets Generate makes, with their defaults.
func SyntheticSets() []SyntheticSet {
	return append([]SyntheticSet(nil), syntheticSets...)
}

// Generate returns the 2-D set called name (see SyntheticSets) of m
// examples with the given noise, X of shape (2, m), drawn from a source
// seeded with seed. flower, moons and circles draw from
// rand.NewNumPy(uint32(seed)), so that the course's numpy-seeded calls
// reproduce: Generate("flower", 400, 0.2, 1) is CourseFlower,
// Generate("circles", 300, 0.05, 1) is the course's training set of
// circles and Generate("moons", 300, 0.2, 3) its moons. xor, spiral and
// blobs draw from rand.New(seed). Generate returns an error for an unknown
// name, a seed of 2³² or more for a NumPy-seeded set, and the errors of
// the generator.
func Generate[T matrix.Float](name string, m int, noise float64, seed uint64) (*Dataset[T], error) {
	var set *SyntheticSet
	for i := range syntheticSets {
		if syntheticSets[i].Name == name {
			set = &syntheticSets[i]
		}
	}
	if set == nil {
		names := make([]string, len(syntheticSets))
		for i, s := range syntheticSets {
			names[i] = s.Name
		}
		return nil, fmt.Errorf("data: unknown generated set %q: use one of %s", name, strings.Join(names, ", "))
	}
	if set.NumPy && seed > math.MaxUint32 {
		return nil, fmt.Errorf("data: %s: seed %d is out of range: the numpy-compatible source takes seeds below 2³² (4294967296)", name, seed)
	}

	switch name {
	case "flower":
		return Flower[T](rand.NewNumPy(uint32(seed)), m, noise)
	case "moons":
		return Moons[T](rand.NewNumPy(uint32(seed)), m, noise)
	case "circles":
		return Circles[T](rand.NewNumPy(uint32(seed)), m, noise, 0.8)
	case "xor":
		return XOR[T](rand.New(seed), m, noise)
	case "spiral":
		return Spiral[T](rand.New(seed), m, noise)
	default:
		return Blobs[T](rand.New(seed), m, 3, noise)
	}
}

// XOR returns m points drawn uniformly from the square [−1, 1]², labelled
// by the exclusive or of the signs of their coordinates: class 1 where
// x1·x2 < 0, class 0 elsewhere. Each point is then moved by noise·N(0, 1)
// in each coordinate, so noise blurs the class boundary along the axes.
// For each example the draws are x1 and x2 (src.Float64, scaled to
// [−1, 1)), then the two normal values. X is (2, m) and Y (1, m). It
// returns an error if m < 2, m is above MaxSamples, or noise is negative
// or not finite.
func XOR[T matrix.Float](src rand.Source, m int, noise float64) (*Dataset[T], error) {
	if err := checkSynthetic("xor", m, noise); err != nil {
		return nil, err
	}
	X := make([][2]float64, m)
	labels := make([]int, m)
	for j := range X {
		x1 := 2*src.Float64() - 1
		x2 := 2*src.Float64() - 1
		if x1*x2 < 0 {
			labels[j] = 1
		}
		// The conversions keep each product rounded before the sum, on
		// every platform, so a seed gives the same points everywhere.
		X[j] = [2]float64{x1 + float64(noise*src.NormFloat64()), x2 + float64(noise*src.NormFloat64())}
	}
	return points[T](X, labels)
}

// Spiral returns two interleaved spirals, X of shape (2, m) and Y of shape
// (1, m). Point i of class j, which has n points (class 0 takes the odd
// one), lies at radius r = (i+1)/n and angle θ = 3π·r + π·j, so each arm
// turns 1.5 times and the arms are half a turn apart:
//
//	x = (r·cos θ, r·sin θ) + noise·(N(0, 1), N(0, 1))
//
// with two normal draws per point. Examples are in class order. It
// returns an error if m < 2, m is above MaxSamples, or noise is negative
// or not finite.
func Spiral[T matrix.Float](src rand.Source, m int, noise float64) (*Dataset[T], error) {
	if err := checkSynthetic("spiral", m, noise); err != nil {
		return nil, err
	}
	X := make([][2]float64, 0, m)
	labels := make([]int, 0, m)
	for j, n := range classSizes(m) {
		for i := 0; i < n; i++ {
			r := float64(i+1) / float64(n)
			theta := float64(3*math.Pi*r) + math.Pi*float64(j)
			X = append(X, [2]float64{
				float64(r*math.Cos(theta)) + float64(noise*src.NormFloat64()),
				float64(r*math.Sin(theta)) + float64(noise*src.NormFloat64()),
			})
			labels = append(labels, j)
		}
	}
	return points[T](X, labels)
}

// Blobs returns k Gaussian clusters, X of shape (2, m). Class c has its
// center at (2·cos(2πc/k), 2·sin(2πc/k)). Example j belongs to class
// j mod k and lies at its center plus std·N(0, 1) in each coordinate, with
// two normal draws per example. Y is (1, m) for k = 2 and (k, m) one-hot for
// k > 2; with m < k the last clusters have no examples. It returns an
// error if k is outside [2, MaxClasses], m < 2, m is above MaxSamples, or
// std is negative or not finite.
func Blobs[T matrix.Float](src rand.Source, m, k int, std float64) (*Dataset[T], error) {
	if err := checkSynthetic("blobs", m, std); err != nil {
		return nil, err
	}
	if k < 2 || k > MaxClasses {
		return nil, fmt.Errorf("data: blobs: %d clusters requested; use between 2 and %d", k, MaxClasses)
	}
	X := make([][2]float64, m)
	labels := make([]int, m)
	for j := range X {
		c := j % k
		angle := 2 * math.Pi * float64(c) / float64(k)
		X[j] = [2]float64{
			2*math.Cos(angle) + float64(std*src.NormFloat64()),
			2*math.Sin(angle) + float64(std*src.NormFloat64()),
		}
		labels[j] = c
	}
	return pointsK[T](X, labels, k)
}

// checkSynthetic validates the size and noise given to a generator.
func checkSynthetic(name string, m int, noise float64) error {
	if m < 2 || m > MaxSamples {
		return fmt.Errorf("data: %s: %d examples requested; use between 2 and %d", name, m, MaxSamples)
	}
	if !(noise >= 0) || math.IsInf(noise, 0) {
		return fmt.Errorf("data: %s: noise %v is not a finite non-negative standard deviation", name, noise)
	}
	return nil
}
