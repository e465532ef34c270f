package data

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/matrix"
)

// catDirEnv names the environment variable that points the tests at the
// folder holding the course's train_catvnoncat.h5 and test_catvnoncat.h5.
const catDirEnv = "BACKPROP_CATVNONCAT_DIR"

func catDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(catDirEnv)
	if dir == "" {
		t.Skipf("set %s to the folder holding train_catvnoncat.h5 and test_catvnoncat.h5 to run this test", catDirEnv)
	}
	return dir
}

// TestLoadCatVNonCatSmall reads the stand-in files under testdata/hdf5/cat,
// whose images are (m, 2, 3, 3) with pixel [i, r, c, ch] =
// 100·i + 10·(3·r + c) + ch, so every pixel has its own value and any other
// flattening order puts other values in X.
func TestLoadCatVNonCatSmall(t *testing.T) {
	train, test, err := LoadCatVNonCat[float64](filepath.Join("testdata", "hdf5", "cat"))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		d      *Dataset[float64]
		labels []int
	}{{train, []int{0, 1, 0}}, {test, []int{1, 1}}} {
		m := len(c.labels)
		if r, cols := c.d.X.Dims(); r != 18 || cols != m {
			t.Fatalf("%d: X is (%d, %d), want (18, %d)", i, r, cols, m)
		}
		if c.d.XBytes == nil {
			t.Fatalf("%d: XBytes is nil", i)
		}
		if r, cols := c.d.XBytes.Dims(); r != m || cols != 18 || c.d.XBytes.Scale() != 1.0/255 {
			t.Fatalf("%d: XBytes is (%d, %d) with scale %v, want (%d, 18) with 1/255", i, r, cols, c.d.XBytes.Scale(), m)
		}
		for j := range m {
			for r := range 2 {
				for col := range 3 {
					for ch := range 3 {
						k := r*3*3 + col*3 + ch
						want := float64(100*j+10*(3*r+col)+ch) / 255
						if got := c.d.X.At(k, j); got != want {
							t.Errorf("%d: X[%d, %d] (image %d, row %d, column %d, channel %d) = %v, want %v", i, k, j, j, r, col, ch, got, want)
						}
						if got, want := c.d.XBytes.RawData()[j*18+k], 100*j+10*(3*r+col)+ch; int(got) != want {
							t.Errorf("%d: XBytes[%d, %d] = %d, want %d", i, j, k, got, want)
						}
					}
				}
			}
		}
		y := make([]int, m)
		for j := range m {
			y[j] = int(c.d.Y.At(0, j))
		}
		if !slices.Equal(y, c.labels) || !slices.Equal(c.d.Labels, c.labels) {
			t.Errorf("%d: Y = %v, Labels = %v; want %v", i, y, c.d.Labels, c.labels)
		}
		if c.d.Classes != 2 || !slices.Equal(c.d.ClassNames, []string{"non-cat", "cat"}) {
			t.Errorf("%d: Classes %d, ClassNames %q; want 2, [non-cat cat]", i, c.d.Classes, c.d.ClassNames)
		}
	}
}

func TestLoadCatVNonCatMissing(t *testing.T) {
	dir := t.TempDir()
	_, _, err := LoadCatVNonCat[float32](dir)
	path := filepath.Join(dir, "train_catvnoncat.h5")
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "pass the folder that holds the course's train_catvnoncat.h5 and test_catvnoncat.h5") {
		t.Errorf("error %v, want one naming %s and the folder to pass", err, path)
	}

	// A folder that does not exist is named as such.
	absent := filepath.Join(dir, "no-such-folder")
	_, _, err = LoadCatVNonCat[float32](absent)
	if err == nil || !strings.Contains(err.Error(), "folder "+absent+" not found") {
		t.Errorf("error %v, want one saying folder %s is not found", err, absent)
	}

	// The training file alone is not enough.
	b := readHDF5Testdata(t, "cat/train_catvnoncat.h5")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadCatVNonCat[float32](dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "test_catvnoncat.h5")) {
		t.Errorf("error %v, want one naming the missing test file", err)
	}
}

func TestLoadCatVNonCatBadFiles(t *testing.T) {
	train := readHDF5Testdata(t, "cat/train_catvnoncat.h5")
	test := readHDF5Testdata(t, "cat/test_catvnoncat.h5")
	// The training labels [0 1 0] as stored: little-endian int64.
	labels := []byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	at := strings.Index(string(train), string(labels))
	if at < 0 || strings.LastIndex(string(train), string(labels)) != at {
		t.Fatal("cannot find the training labels in the file")
	}

	for i, c := range []struct {
		name   string
		change func(b []byte) []byte
		want   string
		errIs  error
	}{
		{"label 2", func(b []byte) []byte { b[at+8] = 2; return b }, "/train_set_y[1] = 2: want 0 (non-cat) or 1 (cat)", nil},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "file is truncated", io.ErrUnexpectedEOF},
		{"not HDF5", func([]byte) []byte { return []byte("x,y\n1,0\n") }, "not an HDF5 file", nil},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "train_catvnoncat.h5")
		if err := os.WriteFile(path, c.change(slices.Clone(train)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "test_catvnoncat.h5"), test, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadCatVNonCat[float64](dir)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%d: %s: error %v, want one naming %s and containing %q", i, c.name, err, path, c.want)
		}
		if c.errIs != nil && !errors.Is(err, c.errIs) {
			t.Errorf("%d: %s: error %v does not match %v", i, c.name, err, c.errIs)
		}
	}
}

// The reference values below come from h5py 3.7 and numpy 1.24 reading the
// course's files: x = f["train_set_x"][:], and the pixel at (image i, row r,
// column c, channel ch) is x[i, r, c, ch] = x[i].reshape(-1)[r*192 + c*3 + ch].
// The positions were chosen so that (column, row, channel) or
// (channel, row, column) order would read other values.

type catPixel struct{ image, row, col, ch, value int }

var catReference = []struct {
	name          string
	m, cats       int
	firstLabels   []int
	pixels        []catPixel
	firstImageSum int // sum of the 12288 bytes of the first image
	lastImageSum  int
}{
	{
		name: "train", m: 209, cats: 72,
		firstLabels: []int{0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1},
		pixels: []catPixel{
			{0, 0, 0, 0, 17}, {0, 0, 0, 1, 31}, {0, 1, 2, 0, 30}, {2, 10, 20, 2, 156},
			{7, 31, 5, 1, 14}, {13, 0, 63, 1, 23}, {208, 63, 62, 2, 0},
		},
		firstImageSum: 838615, lastImageSum: 750620,
	},
	{
		name: "test", m: 50, cats: 33,
		firstLabels: []int{1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1},
		pixels: []catPixel{
			{0, 0, 0, 0, 158}, {0, 0, 0, 1, 104}, {0, 1, 2, 0, 162}, {2, 10, 20, 2, 133},
			{7, 31, 5, 1, 76}, {13, 0, 63, 1, 230}, {49, 63, 62, 2, 18},
		},
		firstImageSum: 1283788, lastImageSum: 1327118,
	},
}

func TestLoadCatVNonCat(t *testing.T) {
	dir := catDir(t)
	t.Run("float64", func(t *testing.T) { testLoadCatVNonCat[float64](t, dir) })
	t.Run("float32", func(t *testing.T) { testLoadCatVNonCat[float32](t, dir) })
}

func testLoadCatVNonCat[T matrix.Float](t *testing.T, dir string) {
	train, test, err := LoadCatVNonCat[T](dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range []*Dataset[T]{train, test} {
		ref := catReference[i]
		if r, c := d.X.Dims(); r != 12288 || c != ref.m {
			t.Fatalf("%s: X is (%d, %d), want (12288, %d)", ref.name, r, c, ref.m)
		}
		if r, c := d.Y.Dims(); r != 1 || c != ref.m {
			t.Fatalf("%s: Y is (%d, %d), want (1, %d)", ref.name, r, c, ref.m)
		}
		cats := 0
		for j, l := range d.Labels {
			cats += l
			if y := d.Y.At(0, j); y != T(l) {
				t.Errorf("%s: Y[0, %d] = %v but Labels[%d] = %d", ref.name, j, y, j, l)
			}
		}
		if cats != ref.cats || !slices.Equal(d.Labels[:20], ref.firstLabels) {
			t.Errorf("%s: %d cats, first labels %v; want %d, %v", ref.name, cats, d.Labels[:20], ref.cats, ref.firstLabels)
		}
		if d.Classes != 2 || !slices.Equal(d.ClassNames, []string{"non-cat", "cat"}) {
			t.Errorf("%s: Classes %d, ClassNames %q; want 2, [non-cat cat]", ref.name, d.Classes, d.ClassNames)
		}
		for _, p := range ref.pixels {
			k := p.row*64*3 + p.col*3 + p.ch
			want := T(float64(p.value) / 255)
			if got := d.X.At(k, p.image); got != want {
				t.Errorf("%s: X[%d, %d] (image %d, row %d, column %d, channel %d) = %v, want %d/255 = %v",
					ref.name, k, p.image, p.image, p.row, p.col, p.ch, got, p.value, want)
			}
		}
		for _, s := range []struct{ image, want int }{{0, ref.firstImageSum}, {ref.m - 1, ref.lastImageSum}} {
			sum := 0
			for k := range 12288 {
				sum += int(math.Round(float64(d.X.At(k, s.image)) * 255))
			}
			if sum != s.want {
				t.Errorf("%s: image %d: pixels sum to %d, want %d", ref.name, s.image, sum, s.want)
			}
		}
	}
}
