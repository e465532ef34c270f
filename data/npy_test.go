package data_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
)

// The files under testdata/npy are written by testdata/npy/make_testdata.py
// with numpy.save of NumPy 1.24.2.

// npyX is x.npy transposed: (n_x, m) = (3, 4).
var npyX = [][]float64{
	{0.5, 1.5, 4, -0.125},
	{-1, 0.25, 5, 7.5},
	{2, -3, 6, 1e-3},
}

func npyPath(name string) string { return filepath.Join("testdata", "npy", name) }

func TestReadNPY(t *testing.T) {
	tests := []struct {
		x, y    string
		opts    data.NPYOptions
		X, Y    [][]float64
		labels  []int
		classes int
	}{
		{"x.npy", "y.npy", data.NPYOptions{}, npyX,
			[][]float64{{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 1}}, []int{2, 0, 1, 2}, 3},
		{"x_f4_fortran.npy", "y_onehot.npy", data.NPYOptions{}, nil,
			[][]float64{{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 1}}, []int{2, 0, 1, 2}, 3},
		{"x_be.npy", "y_i4_col.npy", data.NPYOptions{}, npyX,
			[][]float64{{1, 0, 1, 1}}, []int{1, 0, 1, 1}, 2},
		{"x.npy", "y_bool.npy", data.NPYOptions{Classes: 2}, npyX,
			[][]float64{{1, 0, 0, 1}}, []int{1, 0, 0, 1}, 2},
		{"x.npy", "y.npy", data.NPYOptions{Classes: 5}, npyX, nil, []int{2, 0, 1, 2}, 5},
		{"x_u1.npy", "y_bool.npy", data.NPYOptions{}, [][]float64{{0, 128, 1, 3}, {255, 7, 2, 4}},
			[][]float64{{1, 0, 0, 1}}, []int{1, 0, 0, 1}, 2},
		{"x.npy", "y_reg.npy", data.NPYOptions{Task: data.Regression}, npyX,
			[][]float64{{1.5, 0, 7, -1}, {-2, 3.25, 8, 0.5}}, nil, 0},
		{"x.npy", "y.npy", data.NPYOptions{Task: data.Regression}, npyX,
			[][]float64{{2, 0, 1, 2}}, nil, 0},
	}
	for i, test := range tests {
		d, err := data.ReadNPY[float64](npyPath(test.x), npyPath(test.y), test.opts)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		wantX := test.X
		if wantX == nil { // float32 data
			wantX = make([][]float64, len(npyX))
			for r, row := range npyX {
				for _, v := range row {
					wantX[r] = append(wantX[r], float64(float32(v)))
				}
			}
		}
		if !equalRows(d.X, wantX) {
			t.Errorf("case %d: X =\n%v\nwant %v", i, d.X, wantX)
		}
		if test.Y != nil && !equalRows(d.Y, test.Y) {
			t.Errorf("case %d: Y =\n%v\nwant %v", i, d.Y, test.Y)
		}
		if !slices.Equal(d.Labels, test.labels) || d.Classes != test.classes {
			t.Errorf("case %d: labels %v, %d classes, want %v, %d", i, d.Labels, d.Classes, test.labels, test.classes)
		}
		if test.classes > 0 && (d.Y.Cols() != 4 || len(d.ClassNames) != test.classes) {
			t.Errorf("case %d: Y %s, ClassNames %q", i, d.Y.ShapeString(), d.ClassNames)
		}
	}
}

// npyBytes returns a version 1.0 .npy file with the given header dict and
// data.
func npyBytes(dict string, payload []byte) []byte {
	h := dict + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(b[8:], uint16(len(h)))
	return append(append(b, h...), payload...)
}

// f8 returns the little-endian bytes of v.
func f8(v ...float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func TestNPYErrors(t *testing.T) {
	x22 := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8(1, 2, 3, 4))
	y2 := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(0, 1))
	tests := []struct {
		name          string
		x, y          []byte
		opts          data.NPYOptions
		want          []string
		unexpectedEOF bool
	}{
		{"not npy", []byte("a,b\n1,2\n"), y2, data.NPYOptions{},
			[]string{`x\.npy is not a \.npy file: it starts with 61 2c 62 0a 31 2c`, `numpy\.save`}, false},
		{"empty", nil, y2, data.NPYOptions{}, []string{`x\.npy is not a \.npy file`}, false},
		{"cut in prefix", []byte("\x93NUMPY\x01"), y2, data.NPYOptions{}, []string{`cut off after 7 bytes`}, true},
		{"version 3", []byte("\x93NUMPY\x03\x00\x00\x00\x00\x00"), y2, data.NPYOptions{}, []string{`version 3\.0 is not supported`}, false},
		{"header length past end", append([]byte("\x93NUMPY\x01\x00\xff\xff"), "{}\n"...), y2, data.NPYOptions{},
			[]string{`header declares 65535 bytes but the file has 3`}, true},
		{"header cut short", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", nil)[:50], y2, data.NPYOptions{},
			[]string{`header declares 60 bytes but the file has 40 after byte 10`}, true},
		{"header not newline-terminated", append([]byte("\x93NUMPY\x01\x00\x03\x00"), "{} "...), y2, data.NPYOptions{},
			[]string{`does not end with a newline`}, false},
		{"garbage header", npyBytes("{'nothing': 1}", nil), y2, data.NPYOptions{}, []string{`header .* is not valid`}, false},
		{"unsupported dtype", npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }", make([]byte, 64)), y2, data.NPYOptions{},
			[]string{`dtype "<c16" is not supported`, `astype`}, false},
		{"3 dimensions", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1, 2), }", f8(1, 2, 3, 4)), y2, data.NPYOptions{},
			[]string{`shape \(2, 1, 2\) has 3 dimensions`, `reshape`}, false},
		{"1-D inputs", y2, y2, data.NPYOptions{}, []string{`inputs have shape \(2,\); they need 2 dimensions`}, false},
		{"truncated data", x22[:len(x22)-3], y2, data.NPYOptions{},
			[]string{`shape \(2, 2\) of <f8 takes 32 bytes`, `found 29`, `truncated`}, true},
		{"trailing data", append(slices.Clone(x22), 0), y2, data.NPYOptions{}, []string{`takes 32 bytes .* but 33 follow`}, false},
		{"huge shape", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", nil), y2, data.NPYOptions{},
			[]string{`shape \(4611686018427387904, 4\) is not valid`}, false},
		{"zero examples", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }", nil),
			npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }", nil), data.NPYOptions{}, []string{`contains no examples`}, false},
		{"count mismatch", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8(0, 1, 1)), data.NPYOptions{},
			[]string{`x\.npy contains 2 examples \(rows\) but y\.npy contains 3 targets`}, false},
		{"NaN input", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8(1, 2, 3, math.NaN())), y2, data.NPYOptions{},
			[]string{`x\.npy: example 1, feature 1 \(counted from 0\) is NaN`}, false},
		{"fractional label", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(0, 1.5)), data.NPYOptions{},
			[]string{`label of example 1 \(counted from 0\), 1\.5, is not an integer`}, false},
		{"negative label", x22, npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", append(make([]byte, 8), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), data.NPYOptions{},
			[]string{`example 1 .*-1, is negative`}, false},
		{"binary label 2", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(2, 0)), data.NPYOptions{Classes: 2},
			[]string{`example 0 .*, 2, is out of range for a binary task: labels must be 0 or 1`}, false},
		{"label past classes", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(3, 0)), data.NPYOptions{Classes: 3},
			[]string{`3 classes take labels 0 … 2`}, false},
		{"not one-hot", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8(0, 1, 0, 0.5, 0.5, 0)), data.NPYOptions{},
			[]string{`row 1 \(example 1, counted from 0\) is \[0\.5 0\.5 0\], not one-hot`}, false},
		{"one-hot width", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8(0, 1, 0, 1, 0, 0)), data.NPYOptions{Classes: 4},
			[]string{`have 3 classes, but the number of classes is set to 4`}, false},
		{"Inf target", x22, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(1, math.Inf(-1))), data.NPYOptions{Task: data.Regression},
			[]string{`y\.npy: example 1, target 0 \(counted from 0\) is -Inf`}, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			d, err := data.DecodeNPY[float64]("x.npy", bytes.NewReader(test.x), "y.npy", bytes.NewReader(test.y), test.opts)
			if d != nil {
				t.Errorf("got a dataset with error %v", err)
			}
			mustMatchAll(t, err, append(test.want, `^data: `))
			if test.unexpectedEOF != errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("errors.Is(err, io.ErrUnexpectedEOF) = %v, want %v", !test.unexpectedEOF, test.unexpectedEOF)
			}
		})
	}
}

func TestNPYFloat32Overflow(t *testing.T) {
	x := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", f8(1, 1e300))
	y := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", f8(1))
	_, err := data.DecodeNPY[float32]("x.npy", bytes.NewReader(x), "y.npy", bytes.NewReader(y), data.NPYOptions{})
	mustMatchAll(t, err, []string{`example 0, feature 1 \(counted from 0\) is 1e\+300, which overflows float32`})
}

func TestWriteNPYMatchesNumPy(t *testing.T) {
	X, err := matrix.FromRows(npyX)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	check := func(got, want string) {
		t.Helper()
		g, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		w, err := os.ReadFile(npyPath(want))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g, w) {
			t.Errorf("%s differs from numpy.save's %s:\n%q\n%q", filepath.Base(got), want, g, w)
		}
	}

	// Classification, float64.
	d, err := data.FromLabels(X, []int{2, 0, 1, 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	xp, yp := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := data.WriteNPY(xp, yp, d); err != nil {
		t.Fatal(err)
	}
	check(xp, "write_x_f8.npy")
	check(yp, "write_y_i8.npy")
	back, err := data.ReadNPY[float64](xp, yp, data.NPYOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !matrix.Equal(back.X, d.X) || !matrix.Equal(back.Y, d.Y) || !slices.Equal(back.Labels, d.Labels) {
		t.Errorf("round trip: got X\n%v\nY\n%v\nlabels %v", back.X, back.Y, back.Labels)
	}

	// Regression, float32 inputs.
	d32 := &data.Dataset[float32]{
		X: matrix.Convert[float32](X),
		Y: matrix.New[float32](1, 4, []float32{1.5, 0, 7, -1}),
	}
	if err := data.WriteNPY(xp, yp, d32); err != nil {
		t.Fatal(err)
	}
	check(xp, "write_x_f4.npy")
	back32, err := data.ReadNPY[float32](xp, yp, data.NPYOptions{Task: data.Regression})
	if err != nil {
		t.Fatal(err)
	}
	if !matrix.Equal(back32.X, d32.X) || !matrix.Equal(back32.Y, d32.Y) {
		t.Errorf("float32 round trip: got X\n%v\nY\n%v", back32.X, back32.Y)
	}

	// Regression, float64 targets of one row, against numpy's file.
	d.Labels, d.Classes, d.ClassNames = nil, 0, nil
	d.Y = matrix.New[float64](1, 4, []float64{1.5, 0, 7, -1})
	if err := data.WriteNPY(xp, yp, d); err != nil {
		t.Fatal(err)
	}
	check(yp, "write_y_f8.npy")
}

func TestWriteNPYInvalid(t *testing.T) {
	d := &data.Dataset[float64]{X: matrix.New[float64](2, 3, nil), Y: matrix.New[float64](1, 2, nil)}
	dir := t.TempDir()
	err := data.WriteNPY(filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy"), d)
	if err == nil {
		t.Fatal("no error for X with 3 examples and Y with 2")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.npy")); !os.IsNotExist(err) {
		t.Errorf("x.npy written for an invalid dataset")
	}
}

// FuzzDecodeNPY decodes arbitrary pairs of streams; whatever decodes must
// be finite with consistent shapes.
func FuzzDecodeNPY(f *testing.F) {
	for _, pair := range [][2]string{{"x.npy", "y.npy"}, {"x_f4_fortran.npy", "y_onehot.npy"}, {"x_be.npy", "y_reg.npy"}, {"x_u1.npy", "y_bool.npy"}} {
		x, err := os.ReadFile(npyPath(pair[0]))
		if err != nil {
			f.Fatal(err)
		}
		y, err := os.ReadFile(npyPath(pair[1]))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(x, y, false)
		f.Add(x, y, true)
	}
	f.Fuzz(func(t *testing.T, x, y []byte, regression bool) {
		opts := data.NPYOptions{}
		if regression {
			opts.Task = data.Regression
		}
		d, err := data.DecodeNPY[float32]("x.npy", bytes.NewReader(x), "y.npy", bytes.NewReader(y), opts)
		if err != nil {
			return
		}
		if d.Len() == 0 || d.Y.Cols() != d.Len() {
			t.Fatalf("X %s, Y %s", d.X.ShapeString(), d.Y.ShapeString())
		}
		if err := d.Check(); err != nil {
			t.Fatalf("decoded set fails Check: %v", err)
		}
	})
}
