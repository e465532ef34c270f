package data_test

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
)

// csvCaseOptions are the options of the load_csv and train_csv cases.
type csvCaseOptions struct {
	Header   *bool  `json:"header"`
	Task     string `json:"task"`
	NClasses int    `json:"n_classes"`
}

// options maps a case's options to CSVOptions: task "binary" is 2
// classes, "multiclass" takes n_classes.
func (o csvCaseOptions) options(t *testing.T) data.CSVOptions {
	var opts data.CSVOptions
	if o.Header != nil {
		opts.Header = data.HeaderAbsent
		if *o.Header {
			opts.Header = data.HeaderPresent
		}
	}
	switch o.Task {
	case "", "multiclass":
		opts.Classes = o.NClasses
	case "binary":
		opts.Classes = 2
	default:
		t.Fatalf("unknown task %q", o.Task)
	}
	return opts
}

type csvCase struct {
	Text    string         `json:"csv_text"`
	Options csvCaseOptions `json:"options"`
}

func TestCSVPublicCases(t *testing.T) {
	cases, err := testcases.Load("load_csv", "train_csv")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			switch c.ID {
			case "csv-format-02":
				// Both parts share the text; (a) loads, (b) fails at line 1.
				var text string
				var a, b struct {
					Options csvCaseOptions `json:"options"`
				}
				testcases.Decode(c.Input, "csv_text", &text)
				testcases.Decode(c.Input, "a", &a)
				testcases.Decode(c.Input, "b", &b)
				var want struct {
					X, Y testcases.Rows
					M    int
				}
				testcases.Decode(c.Expected, "a", &want)
				for _, opts := range []data.CSVOptions{a.Options.options(t), {}} {
					d, err := data.DecodeCSV[float64]("case.csv", strings.NewReader(text), opts)
					if err != nil {
						t.Fatalf("header %v: %v", opts.Header, err)
					}
					if msg := testcases.Compare("X", d.X, want.X, c.Tol()); msg != "" {
						t.Error(msg)
					}
					if msg := testcases.Compare("Y", d.Y, want.Y, c.Tol()); msg != "" {
						t.Error(msg)
					}
					if !slices.Equal(d.FeatureNames, []string{"x1", "x2"}) {
						t.Errorf("header %v: FeatureNames %q, want x1, x2", opts.Header, d.FeatureNames)
					}
				}
				_, err := data.DecodeCSV[float64]("case.csv", strings.NewReader(text), b.Options.options(t))
				mustMatchAll(t, err, []string{`line 1\b`, `"x1"`, `header`})
			case "empty-input-01":
				for _, part := range []string{"a", "b"} {
					var in csvCase
					testcases.Decode(c.Input, part, &in)
					_, err := data.DecodeCSV[float64]("case.csv", strings.NewReader(in.Text), in.Options.options(t))
					var patterns []string
					testcases.Decode(c.Expected, "suggested_match", &patterns)
					mustMatchAll(t, err, patterns)
				}
			default:
				var in csvCase
				if err := testcases.Decode(c.Input, "csv_text", &in.Text); err != nil {
					t.Fatal(err)
				}
				testcases.Decode(c.Input, "options", &in.Options)
				_, err := data.DecodeCSV[float64]("case.csv", strings.NewReader(in.Text), in.Options.options(t))
				var patterns []string
				testcases.Decode(c.Expected, "suggested_match", &patterns)
				mustMatchAll(t, err, append(patterns, csvFacts[c.ID]...))
			}
			seen++
		})
	}
	if seen != 6 {
		t.Errorf("checked %d CSV cases, want 6", seen)
	}
}

// csvFacts are the facts of each error case's error_must_identify, as
// patterns on the message.
var csvFacts = map[string][]string{
	"csv-format-01":       {`line 4 has 2 fields, line 1 has 3`},
	"label-validation-01": {`line 3, column 3`, `class label 3 is out of range`, `0 … 2`},
	"label-validation-02": {`line 2, column 3`, `class label 2`, `must be 0 or 1`},
	"nonfinite-input-01":  {`line 2, column 2`, `value NaN is not a finite number`},
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		file       string
		opts       data.CSVOptions
		X          [][]float64
		Y          [][]float64
		labels     []int
		classes    int
		classNames []string
		features   []string
	}{
		{"header.csv", data.CSVOptions{},
			[][]float64{{0.5, -0.75, 1.5}, {1.25, 2, -0.25}}, [][]float64{{1, 0, 1}},
			[]int{1, 0, 1}, 2, []string{"0", "1"}, []string{"x1", "x2"}},
		{"names.csv", data.CSVOptions{},
			[][]float64{{0.1, 0.3, 0.5, 0.7}, {0.2, 0.4, 0.6, 0.8}},
			[][]float64{{0, 0, 0, 1}, {1, 0, 1, 0}, {0, 1, 0, 0}},
			[]int{1, 2, 1, 0}, 3, []string{"bird", "cat", "dog"}, nil},
		{"regression.csv", data.CSVOptions{Task: data.Regression},
			[][]float64{{50, 80, 120}, {2, 3, 4}}, [][]float64{{150.5, 240, 410.25}},
			nil, 0, nil, []string{"area", "rooms"}},
		{"regression.csv", data.CSVOptions{Task: data.Regression, Label: "0"},
			[][]float64{{2, 3, 4}, {150.5, 240, 410.25}}, [][]float64{{50, 80, 120}},
			nil, 0, nil, []string{"rooms", "price"}},
		{"multiclass.csv", data.CSVOptions{},
			[][]float64{{1, 3, 5, 7}, {2, 4, 6, 8}},
			[][]float64{{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 1, 0, 1}},
			[]int{0, 2, 1, 2}, 3, []string{"0", "1", "2"}, nil},
		{"multiclass.csv", data.CSVOptions{Classes: 4, Header: data.HeaderAbsent},
			[][]float64{{1, 3, 5, 7}, {2, 4, 6, 8}},
			[][]float64{{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 1, 0, 1}, {0, 0, 0, 0}},
			[]int{0, 2, 1, 2}, 4, []string{"0", "1", "2", "3"}, nil},
		{"multiclass.csv", data.CSVOptions{Label: "1"},
			[][]float64{{1, 3, 5, 7}, {0, 2, 1, 2}},
			[][]float64{{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}, {0, 0, 0, 1}},
			[]int{2, 4, 6, 8}, 9, nil, nil},
		{"quoted.csv", data.CSVOptions{},
			[][]float64{{1, 3}, {2, 40}}, [][]float64{{1, 0}},
			[]int{1, 0}, 2, []string{"0", "1"}, []string{"a", "b"}},
	}
	for i, test := range tests {
		path := filepath.Join("testdata", "csv", test.file)
		d, err := data.ReadCSV[float64](path, test.opts)
		if err != nil {
			t.Errorf("case %d: ReadCSV(%s): %v", i, test.file, err)
			continue
		}
		if !equalRows(d.X, test.X) {
			t.Errorf("case %d: X =\n%v\nwant %v", i, d.X, test.X)
		}
		if !equalRows(d.Y, test.Y) {
			t.Errorf("case %d: Y =\n%v\nwant %v", i, d.Y, test.Y)
		}
		if !slices.Equal(d.Labels, test.labels) || d.Classes != test.classes {
			t.Errorf("case %d: labels %v, %d classes, want %v, %d", i, d.Labels, d.Classes, test.labels, test.classes)
		}
		if test.classNames != nil && !slices.Equal(d.ClassNames, test.classNames) {
			t.Errorf("case %d: ClassNames %q, want %q", i, d.ClassNames, test.classNames)
		}
		if !slices.Equal(d.FeatureNames, test.features) {
			t.Errorf("case %d: FeatureNames %q, want %q", i, d.FeatureNames, test.features)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("case %d: Validate: %v", i, err)
		}
	}
}

// equalRows reports whether a holds exactly the given rows.
func equalRows[T matrix.Float](a *matrix.Dense[T], rows [][]float64) bool {
	if a.Rows() != len(rows) {
		return false
	}
	for i, row := range rows {
		if a.Cols() != len(row) {
			return false
		}
		for j, v := range row {
			if a.At(i, j) != T(v) {
				return false
			}
		}
	}
	return true
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		opts data.CSVOptions
		want []string
	}{
		{"empty file", "", data.CSVOptions{}, []string{`no examples`, `empty`}},
		{"blank lines only", "\n\n\n", data.CSVOptions{}, []string{`no examples`}},
		{"header only", "a,b,y\n", data.CSVOptions{}, []string{`no examples`, `header on line 1`}},
		{"ragged after header", "a,b,y\n1,2,0\n1,2\n", data.CSVOptions{},
			[]string{`line 3 has 2 fields, line 1 has 3`}},
		{"ragged long", "1,2,0\n1,2,3,0\n", data.CSVOptions{}, []string{`line 2 has 4 fields, line 1 has 3`}},
		{"ragged after blank lines", "\n\n1,2,0\n1,0\n", data.CSVOptions{}, []string{`line 4 has 2 fields, line 3 has 3`}},
		{"one column", "1\n2\n", data.CSVOptions{}, []string{`line 1: 1 field`, `at least one feature column`}},
		{"header as data", "x1,x2,y\n1,2,0\n", data.CSVOptions{Header: data.HeaderAbsent},
			[]string{`line 1, column 1: value "x1" is not a number`, `set the header option to true or auto`}},
		{"word in data", "x1,x2,y\n1,2,0\n1,abc,1\n", data.CSVOptions{},
			[]string{`line 3, column 2 \(x2\): value "abc" is not a number`}},
		{"empty field", "1,,0\n", data.CSVOptions{}, []string{`line 1, column 2: the field is empty`}},
		{"Inf feature", "1,2,0\n+Inf,2,1\n", data.CSVOptions{}, []string{`line 2, column 1: value \+Inf is not a finite number; remove or impute it`}},
		{"overflow feature", "1,2,0\n1e999,2,1\n", data.CSVOptions{}, []string{`line 2, column 1: value 1e999 is beyond the float64 range`}},
		{"empty label", "1,2,\n", data.CSVOptions{}, []string{`line 1, column 3: the label is empty`}},
		{"negative label", "1,2,0\n1,2,-1\n", data.CSVOptions{}, []string{`line 2, column 3: class label -1 is negative`}},
		{"fractional label", "1,2,0\n1,2,0.5\n", data.CSVOptions{}, []string{`line 2, column 3: class label 0.5 is not an integer`, `regression`}},
		{"NaN label", "1,2,NaN\n", data.CSVOptions{}, []string{`line 1, column 3: label NaN is not a finite number`}},
		{"huge label", "1,2,1e9\n", data.CSVOptions{}, []string{`class label 1e9 is not below 65536`}},
		{"label past classes", "1,2,0\n1,2,5\n", data.CSVOptions{Classes: 4}, []string{`line 2, column 3: class label 5 is out of range: 4 classes take labels 0 … 3`}},
		{"name after index", "1,2,0\n1,2,dog\n", data.CSVOptions{Header: data.HeaderAbsent},
			[]string{`line 2, column 3: label "dog" is not a number, but line 1's label 0 is a class index`}},
		{"index after name", "1,2,cat\n1,2,dog\n1,2,1\n", data.CSVOptions{},
			[]string{`line 3, column 3: label 1 is a number, but line 1 labels its example with the class name "cat"`}},
		{"one class name", "1,2,cat\n1,2,cat\n", data.CSVOptions{}, []string{`every label is "cat"`, `at least 2 classes`}},
		{"names and classes differ", "1,2,cat\n1,2,dog\n1,2,emu\n", data.CSVOptions{Classes: 2},
			[]string{`3 classes \("cat", "dog", "emu"\)`, `set to 2`}},
		{"label name missing", "a,b,y\n1,2,0\n", data.CSVOptions{Label: "z"}, []string{`line 1: the header has no column "z"`}},
		{"label name without header", "1,2,0\n", data.CSVOptions{Label: "z"}, []string{`"z" is a name, but line 1 is not a header`}},
		{"label name missing with header", "a,b,y\n1,2,0\n", data.CSVOptions{Label: "z", Header: data.HeaderPresent},
			[]string{`line 1: the header has no column "z"; its columns are "a", "b", "y"`}},
		{"label name twice", "a,y,y\n1,2,0\n", data.CSVOptions{Label: "y", Header: data.HeaderPresent},
			[]string{`names 2 columns "y" \(columns 2, 3\)`, `index counted from 0`}},
		{"label index too big", "1,2,0\n", data.CSVOptions{Label: "3"}, []string{`label column index 3 is out of range: line 1 has 3 columns, indices 0 … 2`}},
		{"label index header", "x1,x2,y\n1,2,0\n1.5,2,0.5\n", data.CSVOptions{Label: "x1"},
			[]string{`line 3, column 1 \(x1\): class label 1.5 is not an integer`}},
		{"regression NaN target", "a,b\n1,2\n1,nan\n", data.CSVOptions{Task: data.Regression},
			[]string{`line 3, column 2 \(b\): value nan is not a finite number`}},
		{"bad quotes", "1,2,0\n1,\"2,0\n", data.CSVOptions{}, []string{`line 2, column \d+: extraneous or missing " in quoted-field`, `check the quotes`}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			d, err := data.DecodeCSV[float64]("in.csv", strings.NewReader(test.text), test.opts)
			if d != nil {
				t.Errorf("got a dataset with error %v", err)
			}
			mustMatchAll(t, err, append(test.want, `^data: in\.csv`))
		})
	}
}

func TestCSVFloat32Overflow(t *testing.T) {
	text := "1,2,0\n1e39,2,1\n"
	_, err := data.DecodeCSV[float32]("in.csv", strings.NewReader(text), data.CSVOptions{})
	mustMatchAll(t, err, []string{`line 2, column 1: value 1e\+39 overflows float32`})
	d, err := data.DecodeCSV[float64]("in.csv", strings.NewReader(text), data.CSVOptions{})
	if err != nil || d.X.At(0, 1) != 1e39 {
		t.Errorf("float64: %v, %v", d, err)
	}
}

func TestCSVHeaderDetection(t *testing.T) {
	tests := []struct {
		text   string
		opts   data.CSVOptions
		header bool
		m      int
	}{
		{"1,2,0\n3,4,1\n", data.CSVOptions{}, false, 2},
		{"x,2,0\n3,4,1\n", data.CSVOptions{}, true, 1},
		{"1,2,label\n3,4,1\n", data.CSVOptions{}, true, 1},  // label field a name, next label a number
		{"1,2,cat\n3,4,dog\n", data.CSVOptions{}, false, 2}, // class names, no header
		{"1,2,y\n3,4,5.5\n", data.CSVOptions{Task: data.Regression}, true, 1},
		{",x1,y\n0,1,1\n1,2,0\n", data.CSVOptions{}, true, 2}, // pandas' unnamed index column
		{"1,2,3\n4,5,1\n", data.CSVOptions{Header: data.HeaderPresent}, true, 1},
		{"a,b,y\n1,2,0\n", data.CSVOptions{Label: "y"}, true, 1},
		{"a,b,y\n", data.CSVOptions{Label: "2", Header: data.HeaderAbsent}, false, 0},
	}
	for i, test := range tests {
		d, err := data.DecodeCSV[float64]("in.csv", strings.NewReader(test.text), test.opts)
		if test.m == 0 {
			if err == nil {
				t.Errorf("case %d: no error", i)
			}
			continue
		}
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		if (d.FeatureNames != nil) != test.header || d.Len() != test.m {
			t.Errorf("case %d: FeatureNames %q and m = %d, want header %v and m = %d", i, d.FeatureNames, d.Len(), test.header, test.m)
		}
	}
}

func TestParseCSVOptionNames(t *testing.T) {
	for s, want := range map[string]data.HeaderMode{"auto": data.HeaderAuto, "TRUE": data.HeaderPresent, "no": data.HeaderAbsent} {
		if got, err := data.ParseHeaderMode(s); err != nil || got != want {
			t.Errorf("ParseHeaderMode(%q) = %v, %v, want %v", s, got, err, want)
		}
		if got, _ := data.ParseHeaderMode(want.String()); got != want {
			t.Errorf("ParseHeaderMode(%v.String()) = %v", want, got)
		}
	}
	if _, err := data.ParseHeaderMode("maybe"); err == nil || !strings.Contains(err.Error(), "auto, true or false") {
		t.Errorf("ParseHeaderMode(maybe): %v", err)
	}
	for _, want := range []data.Task{data.Classification, data.Regression} {
		if got, err := data.ParseTask(want.String()); err != nil || got != want {
			t.Errorf("ParseTask(%q) = %v, %v", want.String(), got, err)
		}
	}
	if _, err := data.ParseTask("ranking"); err == nil {
		t.Error("ParseTask(ranking): no error")
	}
}

func TestReadCSVMissingFile(t *testing.T) {
	_, err := data.ReadCSV[float64](filepath.Join(t.TempDir(), "none.csv"), data.CSVOptions{})
	if !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("error %v, want a not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// FuzzReadCSV decodes arbitrary text with each task; whatever decodes must
// be finite with consistent shapes.
func FuzzReadCSV(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "csv", "*.csv"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), uint8(0), "")
		f.Add(string(b), uint8(1), "0")
	}
	f.Fuzz(func(t *testing.T, text string, mode uint8, label string) {
		opts := data.CSVOptions{
			Header: data.HeaderMode(mode % 3),
			Task:   data.Task(mode / 3 % 2),
			Label:  label,
		}
		d, err := data.DecodeCSV[float64]("fuzz.csv", strings.NewReader(text), opts)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "data: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		m := d.Len()
		if m == 0 || d.Y.Cols() != m {
			t.Fatalf("X %s, Y %s", d.X.ShapeString(), d.Y.ShapeString())
		}
		for _, v := range d.X.RawData() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite value %v in X", v)
			}
		}
		if opts.Task == data.Classification {
			if len(d.Labels) != m || d.Classes < 2 {
				t.Fatalf("%d labels for m = %d, %d classes", len(d.Labels), m, d.Classes)
			}
			for _, l := range d.Labels {
				if l < 0 || l >= d.Classes {
					t.Fatalf("label %d outside %d classes", l, d.Classes)
				}
			}
		}
	})
}
