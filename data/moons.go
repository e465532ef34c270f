package data

import (
	"fmt"
	"math"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// Moons and Circles follow make_moons and make_circles of scikit-learn
// 1.2.1 (sklearn/datasets/_samples_generator.py), called as the course
// calls them: random_state=None, so they draw from NumPy's global
// RandomState that np.random.seed set, shuffle=True, and a noise given.
// The draws are, in order: the shuffle, sklearn.utils.shuffle, which is
// RandomState.shuffle of 0 … m−1 (Source.Perm of rand.NumPy), then
// generator.normal(scale=noise, size=(m, 2)), row by row.
//
// scikit-learn releases of the course's time (0.19) computed the circles
// as np.linspace(0, 2π, m//2 + 1)[:-1], with the inner circle the outer
// one times factor, and gave an odd m one point less. For even m these are
// the same values as 1.2.1's np.linspace(0, 2π, m/2, endpoint=False);
// make_moons is unchanged.

// Moons returns two interleaving half circles, X of shape (2, m) and Y of
// shape (1, m), as sklearn.datasets.make_moons(n_samples=m, noise=noise)
// makes them: class 0 is the upper half circle (cos θ, sin θ) and class 1
// the lower (1 − cos θ, 1 − sin θ − 0.5), θ = linspace(0, π, n) for each
// class's n points (class 1 takes the odd point), then the examples are
// shuffled and N(0, noise²) noise is added to each coordinate. With src =
// rand.NewNumPy(seed) the result equals
//
//	np.random.seed(seed); X, y = sklearn.datasets.make_moons(n_samples=m, noise=noise)
//
// with X transposed; see CourseMoons. It returns an error if m < 2, m is
// above MaxSamples, or noise is negative or not finite.
func Moons[T matrix.Float](src rand.Source, m int, noise float64) (*Dataset[T], error) {
	if err := checkSynthetic("moons", m, noise); err != nil {
		return nil, err
	}
	nOut := m / 2
	nIn := m - nOut
	X := make([][2]float64, 0, m)
	labels := make([]int, 0, m)
	for _, t := range linspace(0, math.Pi, nOut, true) {
		X = append(X, [2]float64{cosRounded(t), sinRounded(t)})
		labels = append(labels, 0)
	}
	for _, t := range linspace(0, math.Pi, nIn, true) {
		X = append(X, [2]float64{1 - cosRounded(t), 1 - sinRounded(t) - 0.5})
		labels = append(labels, 1)
	}
	X, labels = shuffleAndNoise(src, X, labels, noise)
	return points[T](X, labels)
}

// Circles returns a circle of radius 1 (class 0) around a circle of radius
// factor (class 1), X of shape (2, m) and Y of shape (1, m), as
// sklearn.datasets.make_circles(n_samples=m, noise=noise, factor=factor)
// makes them: θ = linspace(0, 2π, n, endpoint=False) for each class's n
// points (class 1 takes the odd point), the points (cos θ, sin θ) and
// (cos θ·factor, sin θ·factor), then the examples are shuffled and
// N(0, noise²) noise is added to each coordinate. With src =
// rand.NewNumPy(seed) the result equals
//
//	np.random.seed(seed); X, y = sklearn.datasets.make_circles(n_samples=m, noise=noise, factor=factor)
//
// with X transposed; see CourseCircles. It returns an error if m < 2, m is
// above MaxSamples, noise is negative or not finite, or factor is outside
// [0, 1).
func Circles[T matrix.Float](src rand.Source, m int, noise, factor float64) (*Dataset[T], error) {
	if err := checkSynthetic("circles", m, noise); err != nil {
		return nil, err
	}
	if !(factor >= 0 && factor < 1) {
		return nil, fmt.Errorf("data: circles: factor %v is outside [0, 1); it is the inner radius over the outer", factor)
	}
	nOut := m / 2
	nIn := m - nOut
	X := make([][2]float64, 0, m)
	labels := make([]int, 0, m)
	for _, t := range linspace(0, 2*math.Pi, nOut, false) {
		X = append(X, [2]float64{cosRounded(t), sinRounded(t)})
		labels = append(labels, 0)
	}
	for _, t := range linspace(0, 2*math.Pi, nIn, false) {
		X = append(X, [2]float64{cosRounded(t) * factor, sinRounded(t) * factor})
		labels = append(labels, 1)
	}
	X, labels = shuffleAndNoise(src, X, labels, noise)
	return points[T](X, labels)
}

// CourseMoons returns Moons drawn from rand.NewNumPy(seed): the course's
// np.random.seed(seed); sklearn.datasets.make_moons(n_samples=m,
// noise=noise). The optimisation assignment uses seed 3, m = 300 and
// noise = 0.2.
func CourseMoons[T matrix.Float](seed uint32, m int, noise float64) (*Dataset[T], error) {
	return Moons[T](rand.NewNumPy(seed), m, noise)
}

// CourseCircles returns Circles with scikit-learn's default factor 0.8,
// drawn from rand.NewNumPy(seed): the course's np.random.seed(seed);
// sklearn.datasets.make_circles(n_samples=m, noise=noise). The
// initialisation assignment trains on seed 1, m = 300 and tests on seed 2,
// m = 100, both with noise = 0.05.
func CourseCircles[T matrix.Float](seed uint32, m int, noise float64) (*Dataset[T], error) {
	return Circles[T](rand.NewNumPy(seed), m, noise, 0.8)
}

// shuffleAndNoise permutes the examples as sklearn.utils.shuffle does and
// adds noise·N(0, 1) to each coordinate, example by example.
func shuffleAndNoise(src rand.Source, X [][2]float64, labels []int, noise float64) ([][2]float64, []int) {
	perm := src.Perm(len(X))
	outX := make([][2]float64, len(X))
	outL := make([]int, len(X))
	for i, p := range perm {
		outX[i], outL[i] = X[p], labels[p]
	}
	for i := range outX {
		for c := range outX[i] {
			// The conversion keeps the multiply and the add apart, as
			// NumPy rounds them.
			outX[i][c] += float64(noise * src.NormFloat64())
		}
	}
	return outX, outL
}
