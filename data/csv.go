package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/backprop-go/backprop/matrix"
)

// HeaderMode is the rule that decides whether the first line of a CSV file
// names the columns.
type HeaderMode int

const (
	// HeaderAuto takes the first line as a header when one of its feature
	// fields is not a number. It also does when the label field is not a
	// number but the second line's is, so that files labelled with class
	// names such as "cat" still load without a header. A header whose
	// names are all numbers must be declared with HeaderPresent.
	HeaderAuto HeaderMode = iota
	// HeaderPresent takes the first line as a header.
	HeaderPresent
	// HeaderAbsent takes every line as data.
	HeaderAbsent
)

// ParseHeaderMode returns the HeaderMode that s names: "auto", "true" or
// "yes" for HeaderPresent, "false" or "no" for HeaderAbsent.
func ParseHeaderMode(s string) (HeaderMode, error) {
	switch strings.ToLower(s) {
	case "auto", "":
		return HeaderAuto, nil
	case "true", "yes":
		return HeaderPresent, nil
	case "false", "no":
		return HeaderAbsent, nil
	}
	return 0, fmt.Errorf("data: unknown header mode %q: use auto, true or false", s)
}

// String returns "auto", "true" or "false".
func (h HeaderMode) String() string {
	switch h {
	case HeaderAuto:
		return "auto"
	case HeaderPresent:
		return "true"
	case HeaderAbsent:
		return "false"
	}
	return fmt.Sprintf("HeaderMode(%d)", int(h))
}

// Task is the kind of values in the label column.
type Task int

const (
	// Classification labels are class indices 0, 1, … or class names.
	Classification Task = iota
	// Regression labels are real numbers.
	Regression
)

// ParseTask returns the Task that s names: "classification" or
// "regression".
func ParseTask(s string) (Task, error) {
	switch strings.ToLower(s) {
	case "classification", "":
		return Classification, nil
	case "regression":
		return Regression, nil
	}
	return 0, fmt.Errorf("data: unknown task %q: use classification or regression", s)
}

// String returns "classification" or "regression".
func (t Task) String() string {
	switch t {
	case Classification:
		return "classification"
	case Regression:
		return "regression"
	}
	return fmt.Sprintf("Task(%d)", int(t))
}

// MaxClasses is the largest number of classes a CSV file may have; a
// label of MaxClasses or more is rejected before Y is allocated.
const MaxClasses = 1 << 16

// CSVOptions controls ReadCSV and DecodeCSV. The zero value detects a
// header, takes the last column as the label and infers the number of
// classes of a classification task.
type CSVOptions struct {
	// Header decides whether line 1 is a header.
	Header HeaderMode

	// Label selects the label column by its header name or by its index
	// counted from 0; "" selects the last column. A name is looked up
	// first, so a header column named "2" is found by name.
	Label string

	// Classes is the number of classes of a classification task; labels
	// must then lie in [0, Classes). 0 infers it as the largest label
	// plus one, and at least 2. Use 2 for a binary task.
	Classes int

	// Task is the kind of labels: classes or real targets.
	Task Task
}

// ReadCSV reads a dataset from the CSV file at path; see DecodeCSV.
func ReadCSV[T matrix.Float](path string, opts CSVOptions) (*Dataset[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: opening the CSV file: %w", err)
	}
	defer f.Close()
	return DecodeCSV[T](path, f, opts)
}

// DecodeCSV reads a dataset from CSV text, name naming it in errors. The
// text is comma-separated (RFC 4180 quoting, as encoding/csv reads it),
// one example per line, with a '.' decimal point. A UTF-8 byte order mark
// is skipped, blank lines are ignored and spaces around a field are
// trimmed. Every column other than the label column is a feature.
//
// The result has X of shape (n_x, m), one example per column, the features
// in file order. FeatureNames is set, without the label column, only when
// the file has a header (given or detected).
//
// For classification, labels are either class indices, written as
// non-negative integers ("3" or "3.0"), or class names, decided by the
// first data line: if its label is not a number, every label is a name,
// and the distinct names, sorted as strings, become classes 0, 1, …, with
// ClassNames holding them (so "cat", "dog" give cat = 0, dog = 1).
// Index labels give ClassNames "0", "1", …. Y is a (1, m) row of 0/1 for
// 2 classes and (K, m) one-hot for K > 2; see LabelTargets. For
// regression, Y is the (1, m) row of the label column, Labels is nil and
// Classes is 0.
//
// Lines are counted from 1, a header included, and columns from 1, as
// editors count them. A value in a quoted field that spans lines is
// reported at the line where its record starts. Every error names the
// file, the line, the column (with its header name when there is one), the
// bad value and the fix. DecodeCSV rejects: fields that are not numbers,
// empty, NaN or ±Inf, or beyond the range of T; lines whose field count
// differs from line 1's; a file with no data lines ("no examples"); a
// label column that does not exist; and class labels that are negative,
// not integers, at least Classes (when given) or at least MaxClasses.
func DecodeCSV[T matrix.Float](name string, r io.Reader, opts CSVOptions) (*Dataset[T], error) {
	p := &csvParser{name: name, opts: opts}
	p.open(r)
	if err := p.readAll(); err != nil {
		return nil, err
	}
	return buildCSV[T](p)
}

// csvParser holds the state of one DecodeCSV call.
type csvParser struct {
	name string
	opts CSVOptions
	r    *csv.Reader

	header   []string // the header fields, nil without a header
	line1    int      // the line of the first record
	ncols    int      // fields per line, from the first record
	label    int      // index of the label column
	features int      // ncols − 1

	// Per example, in file order.
	x          []float64 // features, example after example
	numLabels  []int     // class indices
	nameLabels []string  // class names
	targets    []float64 // regression targets
	lines      []int     // line of each example, for messages
	byName     bool      // whether the labels are class names
	firstLine  int       // the line whose label decided byName
	firstLabel string    // its label
}

// open prepares the CSV reader, skipping a UTF-8 byte order mark.
func (p *csvParser) open(r io.Reader) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
	}
	p.r = csv.NewReader(br)
	p.r.FieldsPerRecord = -1 // checked here, for a clearer message
	p.r.TrimLeadingSpace = true
	p.r.ReuseRecord = true
}

// next returns the next record, a copy of it, and the line it starts on;
// io.EOF at the end.
func (p *csvParser) next() ([]string, int, error) {
	rec, err := p.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, fmt.Errorf("data: %s, line %d, column %d: %v: check the quotes on that line", p.name, pe.Line, pe.Column, pe.Err)
		}
		return nil, 0, fmt.Errorf("data: reading %s: %w", p.name, err)
	}
	line, _ := p.r.FieldPos(0)
	out := make([]string, len(rec))
	for i, f := range rec {
		out[i] = strings.TrimSpace(f)
	}
	return out, line, nil
}

// readAll reads the header, if any, and every data line.
func (p *csvParser) readAll() error {
	first, line1, err := p.next()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("data: %s: no examples: the file is empty; pass a file with one example per line", p.name)
	}
	if err != nil {
		return err
	}
	second, line2, err := p.next()
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	p.line1, p.ncols = line1, len(first)

	if err := p.decideHeader(first, second, line1); err != nil {
		return err
	}
	if p.header == nil {
		if err := p.addExample(first, line1); err != nil {
			return err
		}
	}
	if second != nil {
		if err := p.addExample(second, line2); err != nil {
			return err
		}
		for {
			rec, line, err := p.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if err := p.addExample(rec, line); err != nil {
				return err
			}
		}
	}

	if len(p.lines) == 0 {
		return fmt.Errorf("data: %s: no examples: the file has a header on line %d and no data lines; add one example per line after it", p.name, line1)
	}
	return nil
}

// decideHeader applies the header mode to the first two records and
// resolves the label column.
func (p *csvParser) decideHeader(first, second []string, line1 int) error {
	if p.ncols < 2 {
		return fmt.Errorf("data: %s, line %d: %d field; a CSV file needs at least one feature column and the label column", p.name, line1, p.ncols)
	}

	// A label given by a name that is not an index needs a header.
	labelName := p.opts.Label != "" && !isIndex(p.opts.Label)
	header := false
	switch p.opts.Header {
	case HeaderPresent:
		header = true
	case HeaderAbsent:
		header = false
	default:
		if labelName {
			header = slices.Contains(first, p.opts.Label) || slices.ContainsFunc(first, func(f string) bool { return f != "" && !isNumber(f) })
			break
		}
		col, err := p.labelIndex(nil, line1)
		if err != nil {
			return err
		}
		// An empty field decides nothing, because it is an error in data
		// but an unnamed column (such as pandas' index) in a header.
		for i, f := range first {
			if i != col && f != "" && !isNumber(f) {
				header = true
			}
		}
		if !header && !isNumber(first[col]) {
			header = p.opts.Task == Regression || (second != nil && col < len(second) && isNumber(second[col]))
		}
	}
	if header {
		p.header = first
	}
	col, err := p.labelIndex(p.header, line1)
	if err != nil {
		return err
	}
	p.label = col
	p.features = p.ncols - 1
	return nil
}

// labelIndex resolves the Label option against header, which is nil for a
// file without one.
func (p *csvParser) labelIndex(header []string, line1 int) (int, error) {
	l := p.opts.Label
	if l == "" {
		return p.ncols - 1, nil
	}
	if header != nil {
		var at []int
		for i, h := range header {
			if h == l {
				at = append(at, i)
			}
		}
		if len(at) == 1 {
			return at[0], nil
		}
		if len(at) > 1 {
			return 0, fmt.Errorf("data: %s, line %d: the header names %d columns %q (columns %s); pass the label column as an index counted from 0",
				p.name, line1, len(at), l, joinInts(at, 1))
		}
	}
	if isIndex(l) {
		i, err := strconv.Atoi(l)
		if err != nil || i >= p.ncols {
			return 0, fmt.Errorf("data: %s: label column index %s is out of range: line %d has %d columns, indices 0 … %d", p.name, l, line1, p.ncols, p.ncols-1)
		}
		return i, nil
	}
	if header == nil {
		return 0, fmt.Errorf("data: %s: the label column %q is a name, but line %d is not a header (its fields are numbers): give the label column as an index counted from 0, or add a header",
			p.name, l, line1)
	}
	return 0, fmt.Errorf("data: %s, line %d: the header has no column %q; its columns are %s", p.name, line1, l, strings.Join(quoteAll(header), ", "))
}

// column describes column i (counted from 0) for messages: "column 2" or
// "column 2 (x2)".
func (p *csvParser) column(i int) string {
	if p.header != nil && p.header[i] != "" {
		return fmt.Sprintf("column %d (%s)", i+1, p.header[i])
	}
	return fmt.Sprintf("column %d", i+1)
}

// errorf returns an error about column col of line.
func (p *csvParser) errorf(line, col int, format string, args ...any) error {
	return fmt.Errorf("data: %s, line %d, %s: %s", p.name, line, p.column(col), fmt.Sprintf(format, args...))
}

// addExample parses one data record.
func (p *csvParser) addExample(rec []string, line int) error {
	if len(rec) != p.ncols {
		return fmt.Errorf("data: %s: line %d has %d fields, line %d has %d: every line needs the same fields (the features and the label); fix or remove line %d",
			p.name, line, len(rec), p.line1, p.ncols, line)
	}
	for i, f := range rec {
		if i == p.label {
			continue
		}
		v, err := p.value(f, line, i)
		if err != nil {
			return err
		}
		p.x = append(p.x, v)
	}
	if err := p.addLabel(rec[p.label], line); err != nil {
		return err
	}
	p.lines = append(p.lines, line)
	return nil
}

// value parses a feature field.
func (p *csvParser) value(f string, line, col int) (float64, error) {
	if f == "" {
		return 0, p.errorf(line, col, "the field is empty; fill in a value or remove the line")
	}
	v, err := strconv.ParseFloat(f, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		hint := "write it as a number with a '.' decimal point"
		if len(p.lines) == 0 && p.header == nil && p.opts.Header == HeaderAbsent {
			hint += ", or, if this line is a header, set the header option to true or auto"
		}
		hint += ", or, if the column holds the labels, select it as the label column"
		return 0, p.errorf(line, col, "value %q is not a number; %s", f, hint)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		what := "is not a finite number"
		if errors.Is(err, strconv.ErrRange) {
			what = "is beyond the float64 range"
		}
		return 0, p.errorf(line, col, "value %s %s; remove or impute it", f, what)
	}
	return v, nil
}

// addLabel parses the label field of one data line.
func (p *csvParser) addLabel(f string, line int) error {
	if f == "" {
		return p.errorf(line, p.label, "the label is empty; fill it in or remove the line")
	}
	if p.opts.Task == Regression {
		v, err := p.value(f, line, p.label)
		if err != nil {
			return err
		}
		p.targets = append(p.targets, v)
		return nil
	}

	if len(p.lines) == 0 {
		p.byName = !isNumber(f)
		p.firstLine, p.firstLabel = line, f
	}
	if p.byName {
		if isNumber(f) {
			return p.errorf(line, p.label, "label %s is a number, but line %d labels its example with the class name %q: use class names or class indices throughout", f, p.firstLine, p.firstLabel)
		}
		p.nameLabels = append(p.nameLabels, strings.Clone(f))
		return nil
	}

	v, err := strconv.ParseFloat(f, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return p.errorf(line, p.label, "label %q is not a number, but line %d's label %s is a class index: use class indices or class names throughout", f, p.firstLine, p.firstLabel)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return p.errorf(line, p.label, "label %s is not a finite number; class labels are 0, 1, …", f)
	case v != math.Trunc(v):
		return p.errorf(line, p.label, "class label %s is not an integer; classes are numbered 0, 1, …, and real-valued targets need the regression task", f)
	case v < 0:
		return p.errorf(line, p.label, "class label %s is negative; classes are numbered from 0", f)
	case p.opts.Classes == 2 && v >= 2:
		return p.errorf(line, p.label, "class label %s is out of range for a binary task: labels must be 0 or 1; fix the label, or set more classes for a multi-class task", f)
	case p.opts.Classes > 0 && v >= float64(p.opts.Classes):
		return p.errorf(line, p.label, "class label %s is out of range: %d classes take labels 0 … %d; fix the label or raise the number of classes", f, p.opts.Classes, p.opts.Classes-1)
	case v >= MaxClasses:
		return p.errorf(line, p.label, "class label %s is not below %d, the largest number of classes supported; check that this column holds class indices", f, MaxClasses)
	}
	p.numLabels = append(p.numLabels, int(v))
	return nil
}

// buildCSV assembles the Dataset from the parsed values.
func buildCSV[T matrix.Float](p *csvParser) (*Dataset[T], error) {
	m, n := len(p.lines), p.features
	X := matrix.New[T](n, m, nil)
	x := X.RawData()
	for j := 0; j < m; j++ {
		for i := 0; i < n; i++ {
			v := p.x[j*n+i]
			if err := fitsIn[T](v); err != nil {
				col := i
				if col >= p.label {
					col++
				}
				return nil, p.errorf(p.lines[j], col, "value %v %v; rescale the column or use float64", v, err)
			}
			x[i*m+j] = T(v)
		}
	}
	d := &Dataset[T]{X: X}
	if p.header != nil {
		d.FeatureNames = slices.Delete(slices.Clone(p.header), p.label, p.label+1)
	}

	switch {
	case p.opts.Task == Regression:
		Y := matrix.New[T](1, m, nil)
		for j, v := range p.targets {
			if err := fitsIn[T](v); err != nil {
				return nil, p.errorf(p.lines[j], p.label, "target %v %v; rescale the column or use float64", v, err)
			}
			Y.Set(0, j, T(v))
		}
		d.Y = Y
		return d, nil
	case p.byName:
		names := slices.Clone(p.nameLabels)
		sort.Strings(names)
		names = slices.Compact(names)
		if len(names) < 2 {
			return nil, fmt.Errorf("data: %s, %s: every label is %q; a classifier needs at least 2 classes", p.name, p.column(p.label), names[0])
		}
		if p.opts.Classes > 0 && len(names) != p.opts.Classes {
			return nil, fmt.Errorf("data: %s, %s: the labels name %d classes (%s), but the number of classes is set to %d: fix the labels or the number of classes",
				p.name, p.column(p.label), len(names), strings.Join(quoteAll(names), ", "), p.opts.Classes)
		}
		index := make(map[string]int, len(names))
		for i, s := range names {
			index[s] = i
		}
		d.Labels = make([]int, m)
		for j, s := range p.nameLabels {
			d.Labels[j] = index[s]
		}
		d.Classes, d.ClassNames = len(names), names
	default:
		k := p.opts.Classes
		if k == 0 {
			k = 2
			for _, l := range p.numLabels {
				k = max(k, l+1)
			}
		}
		d.Labels, d.Classes, d.ClassNames = p.numLabels, k, indexNames(k)
	}
	Y, err := LabelTargets[T](d.Labels, d.Classes)
	if err != nil {
		return nil, err
	}
	d.Y = Y
	return d, nil
}

// fitsIn returns an error when the finite v overflows T.
func fitsIn[T matrix.Float](v float64) error {
	if c := float64(T(v)); math.IsInf(c, 0) {
		return errors.New("overflows float32")
	}
	return nil
}

// isNumber reports whether s parses as a float64; NaN and ±Inf count, as
// they are values, not names.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// isIndex reports whether s is a non-negative decimal integer.
func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// joinInts formats the values of a plus offset as "2, 5".
func joinInts(a []int, offset int) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = strconv.Itoa(v + offset)
	}
	return strings.Join(s, ", ")
}

// quoteAll returns each string of a quoted with %q.
func quoteAll(a []string) []string {
	out := make([]string, len(a))
	for i, s := range a {
		out[i] = strconv.Quote(s)
	}
	return out
}
