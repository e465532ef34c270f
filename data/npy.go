package data

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/matrix"
)

// NPYOptions controls ReadNPY and DecodeNPY.
type NPYOptions struct {
	// Classes is the number of classes of a classification task, as in
	// CSVOptions: 0 infers it from the labels (or from the width of
	// one-hot targets).
	Classes int

	// Task is the kind of targets y contains: classes or real values.
	Task Task
}

// npyMagic starts every .npy file.
var npyMagic = []byte("\x93NUMPY")

// ReadNPY reads a dataset from two NumPy .npy files, the inputs at xPath
// and the targets at yPath; see DecodeNPY.
func ReadNPY[T matrix.Float](xPath, yPath string, opts NPYOptions) (*Dataset[T], error) {
	fx, err := os.Open(xPath)
	if err != nil {
		return nil, fmt.Errorf("data: opening the .npy inputs: %w", err)
	}
	defer fx.Close()
	fy, err := os.Open(yPath)
	if err != nil {
		return nil, fmt.Errorf("data: opening the .npy targets: %w", err)
	}
	defer fy.Close()
	return DecodeNPY[T](xPath, fx, yPath, fy, opts)
}

// DecodeNPY reads a dataset from the .npy streams x and y (format versions
// 1.0 and 2.0, as numpy.save writes them), named xName and yName in
// errors. The headers are parsed by codeberg.org/sbinet/npyio after this
// function has checked their framing; both streams are read whole.
//
// x holds the inputs as NumPy keeps them, one example per row: shape
// (m, n_x). DecodeNPY transposes them into X of shape (n_x, m), one
// example per column, as the rest of the project expects. Any boolean,
// integer or float dtype of either byte order is accepted, in C or Fortran
// order. Values are taken as they are, so uint8 pixels are not scaled.
//
// y holds the targets. For classification it is either (m,) or (m, 1)
// class indices 0, 1, … (integers, or floats with integer values, or
// booleans), or (m, k) one-hot rows with k ≥ 2, from which Labels are
// taken and Classes = k; Y then comes from LabelTargets. For regression
// it is (m,), giving Y of shape (1, m), or (m, k), giving Y of shape
// (k, m).
//
// DecodeNPY returns an error that names the file and the fix for a bad
// magic or header, an unsupported dtype or version, a shape of the wrong
// rank, data shorter (wrapping io.ErrUnexpectedEOF) or longer than the
// shape declares, m = 0, example counts that differ between x and y, a
// NaN or ±Inf (naming example and feature, counted from 0), a value beyond
// the range of T, and labels that are negative, not integers, at least
// Classes or at least MaxClasses, or one-hot rows that are not.
func DecodeNPY[T matrix.Float](xName string, x io.Reader, yName string, y io.Reader, opts NPYOptions) (*Dataset[T], error) {
	xa, err := readNPYArray(xName, x)
	if err != nil {
		return nil, err
	}
	ya, err := readNPYArray(yName, y)
	if err != nil {
		return nil, err
	}

	// Shapes: X is (m, n_x); y is (m,), (m, 1) or (m, k).
	if len(xa.shape) != 2 {
		return nil, fmt.Errorf("data: %s: the inputs have shape %s; they need 2 dimensions, (m, n_x) with one example per row: reshape with x.reshape(len(x), -1)", xName, xa.shapeString())
	}
	m, n := xa.shape[0], xa.shape[1]
	if m == 0 {
		return nil, fmt.Errorf("data: %s: shape %s contains no examples", xName, xa.shapeString())
	}
	if n == 0 {
		return nil, fmt.Errorf("data: %s: shape %s contains examples with no features", xName, xa.shapeString())
	}
	if len(ya.shape) != 1 && len(ya.shape) != 2 {
		return nil, fmt.Errorf("data: %s: the targets have shape %s; they need shape (m,) or (m, k)", yName, ya.shapeString())
	}
	if ya.shape[0] != m {
		return nil, fmt.Errorf("data: %s contains %d examples (rows) but %s contains %d targets: pass the targets of the same examples", xName, m, yName, ya.shape[0])
	}
	k := 1
	if len(ya.shape) == 2 {
		k = ya.shape[1]
		if k == 0 {
			return nil, fmt.Errorf("data: %s: shape %s contains no targets per example", yName, ya.shapeString())
		}
	}

	X, err := npyColumns[T](xa, "feature")
	if err != nil {
		return nil, err
	}
	d := &Dataset[T]{X: X}

	if opts.Task == Regression {
		if d.Y, err = npyColumns[T](ya, "target"); err != nil {
			return nil, err
		}
		return d, nil
	}

	var labels []int
	if k == 1 {
		labels, err = ya.labels(opts.Classes)
	} else {
		labels, err = ya.oneHotLabels(opts.Classes)
	}
	if err != nil {
		return nil, err
	}
	classes := opts.Classes
	switch {
	case classes != 0:
	case k > 1:
		classes = k
	default:
		classes = 2
		for _, l := range labels {
			classes = max(classes, l+1)
		}
	}
	d.Labels, d.Classes, d.ClassNames = labels, classes, indexNames(classes)
	if d.Y, err = LabelTargets[T](labels, classes); err != nil {
		return nil, err
	}
	return d, nil
}

// npyArray is a decoded .npy array, its values in C order as float64.
type npyArray struct {
	name    string
	dtype   string // such as "<f8" or "|u1"
	shape   []int
	values  []float64
	integer bool // whether the dtype is a boolean or integer type
}

func (a *npyArray) shapeString() string {
	s := make([]string, len(a.shape))
	for i, v := range a.shape {
		s[i] = strconv.Itoa(v)
	}
	if len(s) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// npyTypes maps the dtypes read here, without their byte-order character,
// to their item sizes.
var npyTypes = map[string]int{
	"b1": 1, "i1": 1, "u1": 1,
	"i2": 2, "u2": 2,
	"i4": 4, "u4": 4, "f4": 4,
	"i8": 8, "u8": 8, "f8": 8,
}

// readNPYArray reads and validates one .npy stream of at most 2
// dimensions.
func readNPYArray(name string, r io.Reader) (*npyArray, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("data: reading %s: %w", name, err)
	}

	// The framing: magic, version, header length, header. npyio trusts
	// the header length and allocates it, and panics on a header without
	// its final newline, so both are checked here first.
	if !bytes.HasPrefix(b, npyMagic) {
		n := min(len(b), 6)
		return nil, fmt.Errorf("data: %s is not a .npy file: it starts with % x, not the magic 93 4e 55 4d 50 59 (\"\\x93NUMPY\"); save the array with numpy.save", name, b[:n])
	}
	if len(b) < 10 {
		return nil, fmt.Errorf("data: %s: the .npy header is cut off after %d bytes: %w", name, len(b), io.ErrUnexpectedEOF)
	}
	var start, hlen int
	switch b[6] {
	case 1:
		start, hlen = 10, int(binary.LittleEndian.Uint16(b[8:]))
	case 2:
		if len(b) < 12 {
			return nil, fmt.Errorf("data: %s: the .npy header is cut off after %d bytes: %w", name, len(b), io.ErrUnexpectedEOF)
		}
		start, hlen = 12, int(binary.LittleEndian.Uint32(b[8:]))
	default:
		return nil, fmt.Errorf("data: %s: .npy format version %d.%d is not supported (1.0 and 2.0 are); save the array with numpy.save", name, b[6], b[7])
	}
	if hlen > len(b)-start {
		return nil, fmt.Errorf("data: %s: the .npy header declares %d bytes but the file has %d after byte %d: the file is truncated: %w", name, hlen, len(b)-start, start, io.ErrUnexpectedEOF)
	}
	if hlen == 0 || b[start+hlen-1] != '\n' {
		return nil, fmt.Errorf("data: %s: the .npy header at byte %d does not end with a newline: the header is damaged", name, start)
	}

	h, err := parseNPYHeader(b)
	if err != nil {
		return nil, fmt.Errorf("data: %s: the .npy header %q is not valid (%v): save the array with numpy.save", name, b[start:start+hlen], err)
	}
	a := &npyArray{name: name, dtype: strings.Trim(h.Descr.Type, `'"`), shape: h.Descr.Shape}

	// dtype and shape.
	if len(a.dtype) < 2 || !strings.ContainsRune("<>|=", rune(a.dtype[0])) {
		return nil, fmt.Errorf("data: %s: dtype %q is not supported; use a boolean, integer or float dtype", name, a.dtype)
	}
	size, ok := npyTypes[a.dtype[1:]]
	if !ok {
		return nil, fmt.Errorf("data: %s: dtype %q is not supported; convert the array with .astype(np.float64) or, for labels, .astype(np.int64)", name, a.dtype)
	}
	a.integer = a.dtype[1] != 'f'
	if len(a.shape) > 2 {
		return nil, fmt.Errorf("data: %s: shape %s has %d dimensions; give the inputs as (m, n_x) and the targets as (m,) or (m, k): reshape with a.reshape(len(a), -1)",
			name, a.shapeString(), len(a.shape))
	}
	count := 1
	for _, d := range a.shape {
		if d < 0 || (d > 0 && count > math.MaxInt/size/d) {
			return nil, fmt.Errorf("data: %s: shape %s is not valid", name, a.shapeString())
		}
		count *= d
	}
	data := len(b) - start - hlen
	switch {
	case count*size > data:
		return nil, fmt.Errorf("data: %s: shape %s of %s takes %d bytes after the %d-byte header, found %d: the file is truncated: %w",
			name, a.shapeString(), a.dtype, count*size, start+hlen, data, io.ErrUnexpectedEOF)
	case count*size < data:
		return nil, fmt.Errorf("data: %s: shape %s of %s takes %d bytes after the %d-byte header, but %d follow: the header does not match the data",
			name, a.shapeString(), a.dtype, count*size, start+hlen, data)
	}

	if a.values, err = readNPYValues(b, a.dtype[1:], count); err != nil {
		return nil, fmt.Errorf("data: %s: reading the %s values: %v", name, a.dtype, err)
	}
	if h.Descr.Fortran && len(a.shape) == 2 {
		a.values = fortranToC(a.values, a.shape[0], a.shape[1])
	}
	return a, nil
}

// parseNPYHeader parses the header with npyio, turning its panics on
// malformed headers into errors.
func parseNPYHeader(b []byte) (h npy.Header, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	r, err := npy.NewReader(bytes.NewReader(b))
	if err != nil {
		return h, err
	}
	return r.Header, nil
}

// readNPYValues reads count values of type typ (a dtype without its
// byte-order character) with npyio and converts them to float64.
func readNPYValues(b []byte, typ string, count int) (v []float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	r, err := npy.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	v = make([]float64, 0, count)
	switch typ {
	case "b1":
		var s []bool
		err = r.Read(&s)
		for _, x := range s {
			if x {
				v = append(v, 1)
			} else {
				v = append(v, 0)
			}
		}
	case "i1":
		v, err = readAs[int8](r, v)
	case "u1":
		v, err = readAs[uint8](r, v)
	case "i2":
		v, err = readAs[int16](r, v)
	case "u2":
		v, err = readAs[uint16](r, v)
	case "i4":
		v, err = readAs[int32](r, v)
	case "u4":
		v, err = readAs[uint32](r, v)
	case "i8":
		v, err = readAs[int64](r, v)
	case "u8":
		v, err = readAs[uint64](r, v)
	case "f4":
		v, err = readAs[float32](r, v)
	case "f8":
		v, err = readAs[float64](r, v)
	}
	if err == nil && len(v) != count {
		err = fmt.Errorf("read %d values, want %d", len(v), count)
	}
	return v, err
}

// readAs reads the array as a []E and appends its values to v.
func readAs[E int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64](r *npy.Reader, v []float64) ([]float64, error) {
	var s []E
	if err := r.Read(&s); err != nil {
		return nil, err
	}
	for _, x := range s {
		v = append(v, float64(x))
	}
	return v, nil
}

// fortranToC reorders an (r, c) array from column-major to row-major.
func fortranToC(v []float64, r, c int) []float64 {
	out := make([]float64, len(v))
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = v[j*r+i]
		}
	}
	return out
}

// npyColumns returns the transpose of the (m, n) or (m,) array a as an
// (n, m) matrix, checking that every value is finite and fits in T; what
// names the second axis in errors ("feature", "target").
func npyColumns[T matrix.Float](a *npyArray, what string) (*matrix.Dense[T], error) {
	m, n := a.shape[0], 1
	if len(a.shape) == 2 {
		n = a.shape[1]
	}
	out := matrix.New[T](n, m, nil)
	o := out.RawData()
	for j := 0; j < m; j++ {
		for i := 0; i < n; i++ {
			v := a.values[j*n+i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("data: %s: example %d, %s %d (counted from 0) is %v: remove or impute it", a.name, j, what, i, v)
			}
			if err := fitsIn[T](v); err != nil {
				return nil, fmt.Errorf("data: %s: example %d, %s %d (counted from 0) is %v, which %v; rescale it or use float64", a.name, j, what, i, v, err)
			}
			o[i*m+j] = T(v)
		}
	}
	return out, nil
}

// labels checks the (m,) or (m, 1) class indices of a.
func (a *npyArray) labels(classes int) ([]int, error) {
	labels := make([]int, len(a.values))
	for j, v := range a.values {
		bad := ""
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			bad = "is not a finite number"
		case v != math.Trunc(v):
			bad = "is not an integer; for real-valued targets use the regression task"
		case v < 0:
			bad = "is negative; classes are numbered from 0"
		case classes == 2 && v >= 2:
			bad = "is out of range for a binary task: labels must be 0 or 1"
		case classes > 0 && v >= float64(classes):
			bad = fmt.Sprintf("is out of range: %d classes take labels 0 … %d", classes, classes-1)
		case v >= MaxClasses:
			bad = fmt.Sprintf("is not below %d, the largest number of classes supported", MaxClasses)
		}
		if bad != "" {
			return nil, fmt.Errorf("data: %s: the label of example %d (counted from 0), %v, %s", a.name, j, v, bad)
		}
		labels[j] = int(v)
	}
	return labels, nil
}

// oneHotLabels checks that each row of the (m, k) array a is one-hot and
// returns the index of its 1.
func (a *npyArray) oneHotLabels(classes int) ([]int, error) {
	m, k := a.shape[0], a.shape[1]
	if classes != 0 && classes != k {
		return nil, fmt.Errorf("data: %s: one-hot targets of shape %s have %d classes, but the number of classes is set to %d", a.name, a.shapeString(), k, classes)
	}
	labels := make([]int, m)
	for j := 0; j < m; j++ {
		row := a.values[j*k : (j+1)*k]
		ones, zeros, at := 0, 0, 0
		for c, v := range row {
			switch v {
			case 1:
				ones, at = ones+1, c
			case 0:
				zeros++
			}
		}
		if ones != 1 || zeros != k-1 {
			return nil, fmt.Errorf("data: %s: row %d (example %d, counted from 0) is %v, not one-hot: each row of (m, k) class targets needs one 1 and k − 1 zeros; pass (m,) class indices instead, or use the regression task for real targets",
				a.name, j, j, row)
		}
		labels[j] = at
	}
	return labels, nil
}

// WriteNPY writes the dataset d as two .npy files (format 1.0, the bytes
// numpy.save writes for the same arrays), each atomically: the inputs at
// xPath as X transposed back to one example per row, shape (m, n_x) with
// dtype <f4 or <f8 following T, and the targets at yPath, as the <i8
// labels of shape (m,) when d has Labels, or otherwise Y transposed, of
// shape (m,) when Y has one row and (m, n_y) when it has more. ReadNPY
// reads the files back into an equal dataset. WriteNPY returns an error if
// d is not valid or a file cannot be written.
func WriteNPY[T matrix.Float](xPath, yPath string, d *Dataset[T]) error {
	if err := d.Validate(); err != nil {
		return err
	}
	descr := "<f8"
	if _, ok := any(T(0)).(float32); ok {
		descr = "<f4"
	}
	m, n := d.X.Cols(), d.X.Rows()
	err := atomicfile.WriteFile(xPath, 0o644, func(w io.Writer) error {
		return encodeNPY(w, descr, []int{m, n}, transposed(d.X))
	})
	if err != nil {
		return fmt.Errorf("data: writing %s: %w", xPath, err)
	}

	var shape []int
	var values func(w io.Writer) error
	switch {
	case d.Labels != nil:
		descr, shape = "<i8", []int{m}
		values = func(w io.Writer) error {
			buf := make([]byte, 8*m)
			for j, l := range d.Labels {
				binary.LittleEndian.PutUint64(buf[8*j:], uint64(int64(l)))
			}
			_, err := w.Write(buf)
			return err
		}
	case d.Y.Rows() == 1:
		shape, values = []int{m}, transposed(d.Y)
	default:
		shape, values = []int{m, d.Y.Rows()}, transposed(d.Y)
	}
	err = atomicfile.WriteFile(yPath, 0o644, func(w io.Writer) error {
		return encodeNPY(w, descr, shape, values)
	})
	if err != nil {
		return fmt.Errorf("data: writing %s: %w", yPath, err)
	}
	return nil
}

// transposed returns a function that writes the elements of aᵀ in
// row-major order, little-endian.
func transposed[T matrix.Float](a *matrix.Dense[T]) func(w io.Writer) error {
	return func(w io.Writer) error {
		r, c := a.Dims()
		size := 8
		if _, ok := any(T(0)).(float32); ok {
			size = 4
		}
		buf := make([]byte, size*r)
		for j := 0; j < c; j++ {
			for i := 0; i < r; i++ {
				switch v := any(a.At(i, j)).(type) {
				case float32:
					binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
				case float64:
					binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(v))
				}
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	}
}

// encodeNPY writes a version 1.0 .npy header as NumPy 1.24's numpy.save
// writes it, then the data that values writes. The header is the dict
//
//	{'descr': '<f8', 'fortran_order': False, 'shape': (m, n), }
//
// followed by 21 − len(str(shape[0])) spaces that leave room for the
// first axis to grow, then spaces and a newline up to a multiple of 64
// bytes.
func encodeNPY(w io.Writer, descr string, shape []int, values func(w io.Writer) error) error {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	if len(shape) > 0 {
		h += strings.Repeat(" ", max(0, 21-len(dims[0])))
	}
	const prefix = 10 // magic, version, header length
	// Like NumPy, add a full 64 spaces when the header is already aligned.
	pad := 64 - (prefix+len(h)+1)%64
	h += strings.Repeat(" ", pad) + "\n"

	head := make([]byte, 0, prefix+len(h))
	head = append(head, npyMagic...)
	head = append(head, 1, 0)
	head = binary.LittleEndian.AppendUint16(head, uint16(len(h)))
	head = append(head, h...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	return values(w)
}
