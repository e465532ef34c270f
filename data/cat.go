package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/backprop-go/backprop/matrix"
)

// The file names of the course's cat-vs-non-cat image set.
const (
	catTrainFile = "train_catvnoncat.h5"
	catTestFile  = "test_catvnoncat.h5"
)

// LoadCatVNonCat reads the course's cat-vs-non-cat images from the folder
// dir, which must contain train_catvnoncat.h5 (209 examples) and
// test_catvnoncat.h5 (50 examples). Each file stores its images as a uint8
// dataset train_set_x or test_set_x of shape (m, 64, 64, 3), its labels as
// an integer dataset train_set_y or test_set_y of shape (m,), with 1 for
// cat, and the class names as list_classes.
//
// In each returned Dataset, X is (12288, m): column j is image j flattened
// in (row, column, channel) order and scaled to [0, 1],
//
//	X[r·64·3 + c·3 + ch, j] = image_j[r, c, ch] / 255,
//
// computed in float64 and then converted to T. Y is (1, m) with 1 for cat
// and 0 for non-cat, Labels holds the same 0/1 values, Classes is 2 and
// ClassNames comes from list_classes ("non-cat", "cat"). XBytes holds the
// pixels as stored, one image per row, with scale 1/255.
//
// LoadCatVNonCat returns an error that names the path if a file is
// missing, is not a readable HDF5 file (see HDF5File), lacks a dataset, or
// holds datasets of the wrong type or shape, or labels other than 0 and 1.
func LoadCatVNonCat[T matrix.Float](dir string) (train, test *Dataset[T], err error) {
	train, err = loadCatFile[T](filepath.Join(dir, catTrainFile), "train_set")
	if err != nil {
		return nil, nil, err
	}
	test, err = loadCatFile[T](filepath.Join(dir, catTestFile), "test_set")
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// loadCatFile reads one file of the cat-vs-non-cat set, whose datasets are
// named prefix+"_x" and prefix+"_y".
func loadCatFile[T matrix.Float](path, prefix string) (*Dataset[T], error) {
	f, err := ReadHDF5(path)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
			return nil, fmt.Errorf("data: folder %s not found: pass the folder that holds the course's %s and %s", dir, catTrainFile, catTestFile)
		}
		return nil, fmt.Errorf("data: cat-vs-non-cat file %s not found: pass the folder that holds the course's %s and %s", path, catTrainFile, catTestFile)
	}
	if err != nil {
		return nil, err
	}

	// Images: (m, height, width, channels) uint8.
	xd, err := f.Dataset(prefix + "_x")
	if err != nil {
		return nil, err
	}
	if len(xd.Shape) != 4 || xd.Len() == 0 {
		return nil, fmt.Errorf("data: %s: %v: want images of shape (m, height, width, channels), none of them 0", path, xd)
	}
	pixels, err := xd.Uint8s()
	if err != nil {
		return nil, err
	}
	m := xd.Shape[0]
	nx := len(pixels) / m

	// Labels: m integers, each 0 or 1.
	yd, err := f.Dataset(prefix + "_y")
	if err != nil {
		return nil, err
	}
	ys, err := yd.Int64s()
	if err != nil {
		return nil, err
	}
	if len(ys) != m {
		return nil, fmt.Errorf("data: %s: %v: want %d labels, one per image of %s", path, yd, m, xd.Name)
	}

	cd, err := f.Dataset("list_classes")
	if err != nil {
		return nil, err
	}
	names, err := cd.Strings()
	if err != nil {
		return nil, err
	}
	if len(names) != 2 {
		return nil, fmt.Errorf("data: %s: %v: want 2 class names, non-cat and cat", path, cd)
	}

	// X[k, j] = pixel k of image j / 255: a transpose of the stored
	// (m, n_x) bytes, scaled through a table of the 256 possible values.
	var scale [256]T
	for v := range scale {
		scale[v] = T(float64(v) / 255)
	}
	x := make([]T, nx*m)
	for j := range m {
		img := pixels[j*nx : (j+1)*nx]
		for k, v := range img {
			x[k*m+j] = scale[v]
		}
	}

	y := make([]T, m)
	labels := make([]int, m)
	for j, v := range ys {
		if v != 0 && v != 1 {
			return nil, fmt.Errorf("data: %s: %s[%d] = %d: want 0 (non-cat) or 1 (cat)", path, yd.Name, j, v)
		}
		y[j] = T(v)
		labels[j] = int(v)
	}

	d := &Dataset[T]{
		X:          matrix.New(nx, m, x),
		Y:          matrix.New(1, m, y),
		Labels:     labels,
		Classes:    2,
		ClassNames: names,
		XBytes:     matrix.NewBytes(m, nx, pixels, 1.0/255),
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return d, nil
}
