package data

import (
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// Flower returns the course's planar "flower": two classes of m/2 points
// each (class 0 takes one more when m is odd) that form the petals of a
// rose curve, X of shape (2, m), Y of shape (1, m). For class j, with n
// its size and each draw a standard normal value from src:
//
//	t = linspace(3.12·j, 3.12·(j+1), n) + noise·draw   (n draws)
//	r = 4·sin(4t) + noise·draw                         (n draws)
//	x = (r·sin t, r·cos t)
//
// where linspace is np.linspace, with both ends included. Examples are in
// class order, class 0 first. With src = rand.NewNumPy(1), m = 400 and
// noise = 0.2 this is the course's load_planar_dataset(),
//
//	np.random.seed(1); … t = np.linspace(j*3.12, (j+1)*3.12, N) + np.random.randn(N)*0.2 …
//
// value for value; CourseFlower returns that set. sin and cos are rounded
// correctly, which reproduces NumPy's values on CPUs where NumPy calls the
// C library (see CourseFlower). Flower returns an error if m < 2, m is
// above MaxSamples, or noise is negative or not finite.
func Flower[T matrix.Float](src rand.Source, m int, noise float64) (*Dataset[T], error) {
	if err := checkSynthetic("flower", m, noise); err != nil {
		return nil, err
	}
	const a = 4 // petal length, the course's a
	X := make([][2]float64, 0, m)
	labels := make([]int, 0, m)
	for j, n := range classSizes(m) {
		t := linspace(float64(j)*3.12, float64(j+1)*3.12, n, true)
		for i := range t {
			// Conversions keep the compiler from fusing a multiply and an
			// add that NumPy rounds separately.
			t[i] = t[i] + float64(src.NormFloat64()*noise)
		}
		for i := range t {
			r := float64(a*sinRounded(4*t[i])) + float64(src.NormFloat64()*noise)
			s, c := sinCosRounded(t[i])
			X = append(X, [2]float64{r * s, r * c})
			labels = append(labels, j)
		}
	}
	return points[T](X, labels)
}

// CourseFlower returns the course's planar flower set exactly: Flower
// with rand.NewNumPy(1), m = 400 and noise = 0.2. Its 400 points equal
// those of load_planar_dataset() run with NumPy 1.24.2 when NumPy takes
// sin and cos from glibc 2.36, as it does on CPUs without AVX-512.
//
// NOTE: on CPUs with AVX-512, NumPy 1.24 computes float64 sin and cos with
// its own vector code, whose results differ by up to 3 ulp, so the
// course's script gives slightly different points there.
func CourseFlower[T matrix.Float]() *Dataset[T] {
	d, err := Flower[T](rand.NewNumPy(1), 400, 0.2)
	if err != nil {
		panic("data: CourseFlower: " + err.Error()) // fixed, valid arguments
	}
	return d
}

// classSizes returns the sizes of two classes that share m examples, the
// first taking the odd one.
func classSizes(m int) [2]int {
	return [2]int{m - m/2, m / 2}
}

// points returns a binary Dataset from points x (one per example) and
// their labels, with FeatureNames x1 and x2.
func points[T matrix.Float](x [][2]float64, labels []int) (*Dataset[T], error) {
	return pointsK[T](x, labels, 2)
}

// pointsK is points for k classes.
func pointsK[T matrix.Float](x [][2]float64, labels []int, k int) (*Dataset[T], error) {
	m := len(x)
	X := matrix.New[T](2, m, nil)
	for j, p := range x {
		X.Set(0, j, T(p[0]))
		X.Set(1, j, T(p[1]))
	}
	d, err := FromLabels(X, labels, k)
	if err != nil {
		return nil, err
	}
	d.FeatureNames = []string{"x1", "x2"}
	return d, nil
}
