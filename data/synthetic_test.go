package data_test

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// The reference sets under testdata/synthetic are written by
// testdata/synthetic/make_testdata.py: the course's load_planar_dataset()
// and scikit-learn 1.2.1's make_circles and make_moons after
// np.random.seed, with NumPy 1.24.2 calling glibc 2.36's sin and cos.

// referenceSet reads a testdata/synthetic file: one example per line, x1
// and x2 as hexadecimal floats, then the label.
func referenceSet(t *testing.T, name string) (X [][2]float64, labels []int) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "synthetic", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) != 3 {
			t.Fatalf("%s: line %q", name, s.Text())
		}
		x1, err1 := strconv.ParseFloat(fields[0], 64)
		x2, err2 := strconv.ParseFloat(fields[1], 64)
		l, err3 := strconv.Atoi(fields[2])
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("%s: line %q", name, s.Text())
		}
		X = append(X, [2]float64{x1, x2})
		labels = append(labels, l)
	}
	return X, labels
}

// checkReference compares d bit for bit with a reference set, and the
// sums of its coordinates, added in file order, with sums computed in
// Python from the same file.
func checkReference(t *testing.T, d *data.Dataset[float64], name string, sum1, sum2 float64) {
	t.Helper()
	X, labels := referenceSet(t, name)
	if d.Len() != len(X) || d.Features() != 2 {
		t.Fatalf("%s: X is %s, want (2, %d)", name, d.X.ShapeString(), len(X))
	}
	var s1, s2 float64
	differ := 0
	for j, p := range X {
		s1 += p[0]
		s2 += p[1]
		if d.X.At(0, j) != p[0] || d.X.At(1, j) != p[1] || d.Labels[j] != labels[j] {
			if differ++; differ <= 5 {
				t.Errorf("%s: example %d = (%v, %v) label %d, want (%v, %v) label %d",
					name, j, d.X.At(0, j), d.X.At(1, j), d.Labels[j], p[0], p[1], labels[j])
			}
		}
		if d.Y.At(0, j) != float64(labels[j]) {
			t.Errorf("%s: Y[0][%d] = %v, want %d", name, j, d.Y.At(0, j), labels[j])
		}
	}
	if differ > 0 {
		t.Errorf("%s: %d of %d examples differ", name, differ, len(X))
	}
	if s1 != sum1 || s2 != sum2 {
		t.Errorf("%s: the reference file has sums %v, %v, want %v, %v: it has changed", name, s1, s2, sum1, sum2)
	}
}

func TestCourseFlower(t *testing.T) {
	d := data.CourseFlower[float64]()
	checkReference(t, d, "flower.txt", -17.338363670404394, 27.426346947846046)

	// A few values printed by the course's code with NumPy 1.24.2.
	for _, v := range []struct {
		j     int
		x1    float64
		x2    float64
		label int
	}{
		{0, 1.204442292254319, 3.5761141481288448, 0},
		{399, 0.7307808250007513, 3.0683292081876545, 1},
	} {
		if d.X.At(0, v.j) != v.x1 || d.X.At(1, v.j) != v.x2 || d.Labels[v.j] != v.label {
			t.Errorf("example %d = (%v, %v) label %d, want (%v, %v) label %d",
				v.j, d.X.At(0, v.j), d.X.At(1, v.j), d.Labels[v.j], v.x1, v.x2, v.label)
		}
	}
	if d.Classes != 2 || d.Y.Rows() != 1 || d.FeatureNames[1] != "x2" {
		t.Errorf("Classes %d, Y %s, FeatureNames %q", d.Classes, d.Y.ShapeString(), d.FeatureNames)
	}

	g, err := data.Generate[float64]("flower", 400, 0.2, 1)
	if err != nil || !matrix.Equal(g.X, d.X) {
		t.Errorf("Generate(flower, 400, 0.2, 1) differs from CourseFlower: %v", err)
	}
	f32 := data.CourseFlower[float32]()
	if !matrix.Equal(f32.X, matrix.Convert[float32](d.X)) {
		t.Error("float32 flower is not the float64 flower rounded")
	}
}

func TestCourseCirclesAndMoons(t *testing.T) {
	tests := []struct {
		name       string
		make       func() (*data.Dataset[float64], error)
		generate   func() (*data.Dataset[float64], error)
		sum1, sum2 float64
	}{
		{"circles_seed1_300.txt",
			func() (*data.Dataset[float64], error) { return data.CourseCircles[float64](1, 300, 0.05) },
			func() (*data.Dataset[float64], error) { return data.Generate[float64]("circles", 300, 0.05, 1) },
			0.08752101204353774, 0.015659577954547754},
		{"circles_seed2_100.txt",
			func() (*data.Dataset[float64], error) { return data.CourseCircles[float64](2, 100, 0.05) },
			func() (*data.Dataset[float64], error) { return data.Circles[float64](rand.NewNumPy(2), 100, 0.05, 0.8) },
			0.12013291081721345, -0.5383859814779978},
		{"moons_seed3_300.txt",
			func() (*data.Dataset[float64], error) { return data.CourseMoons[float64](3, 300, 0.2) },
			func() (*data.Dataset[float64], error) { return data.Generate[float64]("moons", 300, 0.2, 3) },
			149.627705610401, 79.68444213648147},
	}
	for _, test := range tests {
		d, err := test.make()
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		checkReference(t, d, test.name, test.sum1, test.sum2)
		g, err := test.generate()
		if err != nil || !matrix.Equal(g.X, d.X) {
			t.Errorf("%s: the second way to make the set differs: %v", test.name, err)
		}
	}
}

func TestGeneratedShapes(t *testing.T) {
	for _, set := range data.SyntheticSets() {
		for _, m := range []int{2, 7, set.Samples} {
			d, err := data.Generate[float32](set.Name, m, set.Noise, set.Seed)
			if err != nil {
				t.Errorf("%s, m = %d: %v", set.Name, m, err)
				continue
			}
			if err := d.Check(); err != nil {
				t.Errorf("%s, m = %d: %v", set.Name, m, err)
			}
			wantY := 1
			if set.Classes > 2 {
				wantY = set.Classes
			}
			if d.Features() != 2 || d.Len() != m || d.Classes != set.Classes || d.Y.Rows() != wantY {
				t.Errorf("%s, m = %d: X %s, Y %s, %d classes", set.Name, m, d.X.ShapeString(), d.Y.ShapeString(), d.Classes)
			}
			again, _ := data.Generate[float32](set.Name, m, set.Noise, set.Seed)
			if !matrix.Equal(again.X, d.X) {
				t.Errorf("%s: the same seed gives different points", set.Name)
			}
			other, _ := data.Generate[float32](set.Name, m, set.Noise, set.Seed+1)
			if set.Noise > 0 && matrix.Equal(other.X, d.X) {
				t.Errorf("%s: seeds %d and %d give the same points", set.Name, set.Seed, set.Seed+1)
			}
		}
	}
}

func TestGeneratedClassSizes(t *testing.T) {
	// Odd m: flower and spiral give class 0 the odd example, moons and
	// circles class 1, as scikit-learn does.
	for name, want := range map[string][2]int{"flower": {4, 3}, "spiral": {4, 3}, "moons": {3, 4}, "circles": {3, 4}, "blobs": {3, 2}} {
		d, err := data.Generate[float64](name, 7, 0.1, 5)
		if err != nil {
			t.Fatal(err)
		}
		var got [3]int
		for _, l := range d.Labels {
			got[l]++
		}
		if got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s: class sizes %v, want %v", name, got[:2], want)
		}
	}
}

func TestGeneratedGeometry(t *testing.T) {
	// Without noise the points lie exactly where the doc comments put them.
	xor, _ := data.XOR[float64](rand.New(9), 500, 0)
	for j := 0; j < 500; j++ {
		x1, x2 := xor.X.At(0, j), xor.X.At(1, j)
		if math.Abs(x1) > 1 || math.Abs(x2) > 1 || (x1*x2 < 0) != (xor.Labels[j] == 1) {
			t.Fatalf("xor example %d = (%v, %v) label %d", j, x1, x2, xor.Labels[j])
		}
	}
	blobs, _ := data.Blobs[float64](rand.New(9), 8, 4, 0)
	for j := 0; j < 8; j++ {
		c := j % 4
		angle := 2 * math.Pi * float64(c) / 4
		if blobs.Labels[j] != c || blobs.X.At(0, j) != 2*math.Cos(angle) || blobs.X.At(1, j) != 2*math.Sin(angle) {
			t.Errorf("blobs example %d = (%v, %v) label %d", j, blobs.X.At(0, j), blobs.X.At(1, j), blobs.Labels[j])
		}
	}
	if blobs.Y.Rows() != 4 {
		t.Errorf("blobs Y is %s, want (4, 8) one-hot", blobs.Y.ShapeString())
	}
	spiral, _ := data.Spiral[float64](rand.New(9), 10, 0)
	for j := 0; j < 10; j++ {
		i := j % 5
		r := math.Hypot(spiral.X.At(0, j), spiral.X.At(1, j))
		if math.Abs(r-float64(i+1)/5) > 1e-15 {
			t.Errorf("spiral example %d at radius %v, want %v", j, r, float64(i+1)/5)
		}
	}
	circles, _ := data.Circles[float64](rand.New(9), 40, 0, 0.3)
	for j := 0; j < 40; j++ {
		r := math.Hypot(circles.X.At(0, j), circles.X.At(1, j))
		want := 1.0
		if circles.Labels[j] == 1 {
			want = 0.3
		}
		if math.Abs(r-want) > 1e-15 {
			t.Errorf("circles example %d at radius %v, want %v", j, r, want)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		name  string
		m     int
		noise float64
		seed  uint64
		want  string
	}{
		{"petals", 10, 0.1, 1, `unknown generated set "petals": use one of flower, moons, circles, xor, spiral, blobs`},
		{"flower", 1, 0.1, 1, `flower: 1 examples requested; use between 2 and 16777216`},
		{"moons", data.MaxSamples + 1, 0.1, 1, `moons: 16777217 examples requested`},
		{"xor", 10, -1, 1, `xor: noise -1 is not a finite non-negative standard deviation`},
		{"spiral", 10, math.NaN(), 1, `noise NaN`},
		{"circles", 10, math.Inf(1), 1, `noise \+Inf`},
		{"circles", 10, 0.1, 1 << 32, `circles: seed 4294967296 is out of range: the numpy-compatible source takes seeds below 2³²`},
	}
	for _, test := range tests {
		_, err := data.Generate[float64](test.name, test.m, test.noise, test.seed)
		mustMatchAll(t, err, []string{`^data: `, test.want})
	}
	_, err := data.Circles[float64](rand.New(1), 10, 0, 1)
	mustMatchAll(t, err, []string{`factor 1 is outside \[0, 1\)`})
	_, err = data.Blobs[float64](rand.New(1), 10, 1, 0)
	mustMatchAll(t, err, []string{`blobs: 1 clusters requested; use between 2 and 65536`})
	if _, err := data.Generate[float64]("xor", 10, 0.1, 1<<40); err != nil {
		t.Errorf("xor with a 64-bit seed: %v", err)
	}
}
