package data_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
)

// idxFile returns the bytes of an IDX file with the given magic,
// dimensions and payload.
func idxFile(magic uint32, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

// gzipBytes returns b compressed with gzip.
func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// decodeIDX decodes an images/labels pair held in memory.
func decodeIDX[T matrix.Float](images, labels []byte) (*data.Dataset[T], error) {
	return data.DecodeIDX[T]("images.idx", bytes.NewReader(images), "labels.idx", bytes.NewReader(labels))
}

// tinyPixels and tinyLabels are the contents of testdata/idx.
var (
	tinyPixels = []byte{
		0x00, 0xff, 0x01, 0xfe, 0x80, 0x7f,
		0x0a, 0x14, 0x1e, 0x28, 0x32, 0x3c,
		0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
		0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	}
	tinyLabels = []int{5, 0, 9, 3}
)

func TestIDXPublicCases(t *testing.T) {
	cases, err := testcases.Load("load_idx")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no load_idx cases found")
	}
	type pair struct {
		Images string `json:"images_hex"`
		Labels string `json:"labels_hex"`
	}
	decode := func(t *testing.T, p pair) (*data.Dataset[float64], error) {
		t.Helper()
		im, err := hex.DecodeString(p.Images)
		if err != nil {
			t.Fatal(err)
		}
		lb, err := hex.DecodeString(p.Labels)
		if err != nil {
			t.Fatal(err)
		}
		return decodeIDX[float64](im, lb)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			switch c.ID {
			case "idx-format-01":
				var in pair
				testcases.Decode(c.Input, "images_hex", &in.Images)
				testcases.Decode(c.Input, "labels_hex", &in.Labels)
				d, err := decode(t, in)
				if err != nil {
					t.Fatalf("DecodeIDX: %v", err)
				}
				var want testcases.Rows
				var labels []int
				var m, nx int
				testcases.Decode(c.Expected, "X_scaled", &want)
				testcases.Decode(c.Expected, "labels", &labels)
				testcases.Decode(c.Expected, "m", &m)
				testcases.Decode(c.Expected, "n_x", &nx)
				if d.Len() != m || d.Features() != nx {
					t.Errorf("X is (%d, %d), want (%d, %d)", d.Features(), d.Len(), nx, m)
				}
				if msg := testcases.Compare("X", d.X, want, c.Tol()); msg != "" {
					t.Error(msg)
				}
				if !equalInts(d.Labels, labels) {
					t.Errorf("labels = %v, want %v", d.Labels, labels)
				}
			case "idx-format-02":
				var in pair
				testcases.Decode(c.Input, "images_hex", &in.Images)
				testcases.Decode(c.Input, "labels_hex", &in.Labels)
				_, err := decode(t, in)
				var patterns []string
				testcases.Decode(c.Expected, "suggested_match", &patterns)
				mustMatchAll(t, err, append(patterns, `(?i)images`))
			case "idx-format-03":
				var a, b pair
				testcases.Decode(c.Input, "a", &a)
				testcases.Decode(c.Input, "b", &b)
				_, err := decode(t, a)
				mustMatchAll(t, err, []string{`\b12\b`, `\b10\b`, `(?i)truncated`})
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("truncated data: error %v does not wrap io.ErrUnexpectedEOF", err)
				}
				_, err = decode(t, b)
				mustMatchAll(t, err, []string{`\b3 images\b`, `\b2 labels\b`})
			default:
				t.Fatalf("no check written for case %s", c.ID)
			}
		})
	}
}

// mustMatchAll fails unless err is non-nil and its message matches every
// pattern.
func mustMatchAll(t *testing.T, err error, patterns []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one matching %q", patterns)
	}
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(err.Error()) {
			t.Errorf("error %q does not match %q", err, p)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadIDXTestdata(t *testing.T) {
	for _, suffix := range []string{"", ".gz"} {
		images := filepath.Join("testdata", "idx", "tiny-images-idx3-ubyte"+suffix)
		labels := filepath.Join("testdata", "idx", "tiny-labels-idx1-ubyte"+suffix)
		d, err := data.ReadIDX[float64](images, labels)
		if err != nil {
			t.Fatalf("ReadIDX(%q): %v", images, err)
		}
		checkTiny(t, d, suffix)
		d32, err := data.ReadIDX[float32](images, labels)
		if err != nil {
			t.Fatalf("ReadIDX[float32](%q): %v", images, err)
		}
		checkTiny(t, d32, suffix)
	}
}

// checkTiny compares a dataset read from testdata/idx with its bytes.
func checkTiny[T matrix.Float](t *testing.T, d *data.Dataset[T], name string) {
	t.Helper()
	if r, c := d.X.Dims(); r != 6 || c != 4 {
		t.Fatalf("%q: X is (%d, %d), want (6, 4)", name, r, c)
	}
	for j := 0; j < 4; j++ {
		for p := 0; p < 6; p++ {
			want := T(float64(tinyPixels[6*j+p]) / 255)
			if got := d.X.At(p, j); got != want {
				t.Errorf("%q: X[%d][%d] = %v, want %v", name, p, j, got, want)
			}
		}
	}
	if !equalInts(d.Labels, tinyLabels) {
		t.Errorf("%q: labels %v, want %v", name, d.Labels, tinyLabels)
	}
	if d.Classes != 10 || len(d.ClassNames) != 10 || d.ClassNames[9] != "9" {
		t.Errorf("%q: Classes %d, ClassNames %q, want 10 and \"0\" … \"9\"", name, d.Classes, d.ClassNames)
	}
	if r, c := d.Y.Dims(); r != 10 || c != 4 {
		t.Fatalf("%q: Y is (%d, %d), want (10, 4)", name, r, c)
	}
	for j, l := range tinyLabels {
		for k := 0; k < 10; k++ {
			want := T(0)
			if k == l {
				want = 1
			}
			if d.Y.At(k, j) != want {
				t.Errorf("%q: Y[%d][%d] = %v, want %v", name, k, j, d.Y.At(k, j), want)
			}
		}
	}
}

func TestIDXRoundTrip(t *testing.T) {
	// Images of every pixel value, raw and compressed in each combination.
	const m, rows, cols = 7, 5, 8
	pixels := make([]byte, m*rows*cols)
	for i := range pixels {
		pixels[i] = byte(i * 37)
	}
	labels := []byte{3, 1, 4, 1, 5, 9, 2}
	images := idxFile(data.IDXImagesMagic, []uint32{m, rows, cols}, pixels)
	lbls := idxFile(data.IDXLabelsMagic, []uint32{m}, labels)
	for _, zi := range []bool{false, true} {
		for _, zl := range []bool{false, true} {
			im, lb := images, lbls
			if zi {
				im = gzipBytes(im)
			}
			if zl {
				lb = gzipBytes(lb)
			}
			d, err := decodeIDX[float64](im, lb)
			if err != nil {
				t.Fatalf("gzip images %v, labels %v: %v", zi, zl, err)
			}
			for j := 0; j < m; j++ {
				if d.Labels[j] != int(labels[j]) {
					t.Errorf("gzip %v/%v: label %d = %d, want %d", zi, zl, j, d.Labels[j], labels[j])
				}
				for p := 0; p < rows*cols; p++ {
					if got, want := d.X.At(p, j), float64(pixels[j*rows*cols+p])/255; got != want {
						t.Fatalf("gzip %v/%v: X[%d][%d] = %v, want %v", zi, zl, p, j, got, want)
					}
				}
			}
		}
	}
}

func TestIDXErrors(t *testing.T) {
	pix := make([]byte, 3*2*2)
	goodImages := idxFile(data.IDXImagesMagic, []uint32{3, 2, 2}, pix)
	goodLabels := idxFile(data.IDXLabelsMagic, []uint32{3}, []byte{1, 2, 3})
	truncatedGzip := gzipBytes(idxFile(data.IDXImagesMagic, []uint32{3, 2, 2}, make([]byte, 12)))
	truncatedGzip = truncatedGzip[:len(truncatedGzip)-12]
	corruptGzip := gzipBytes(idxFile(data.IDXImagesMagic, []uint32{3, 2, 2}, []byte("abcdefghijkl")))
	corruptGzip[len(corruptGzip)-5] ^= 0xff // the stored length of the data

	tests := []struct {
		name           string
		images, labels []byte
		want           []string // patterns the message must match
		unexpectedEOF  bool
	}{
		{"swapped files", goodLabels, goodImages,
			[]string{`images file images\.idx`, `magic`, `0x00000801 is the labels magic`, `pass the images file first`}, false},
		{"labels file given twice", goodImages, goodImages,
			[]string{`labels file labels\.idx`, `0x00000803 is the images magic`}, false},
		{"not IDX", []byte("PK\x03\x04 a zip file"), goodLabels,
			[]string{`0x504b0304`, `not an IDX magic`, `0x00000803 \(2051\)`}, false},
		{"float32 element type", idxFile(0x00000d03, []uint32{3, 2, 2}, make([]byte, 48)), goodLabels,
			[]string{`element type`, `0x0d \(32-bit float\)`, `not supported`}, false},
		{"two dimensions", idxFile(0x00000802, []uint32{3, 4}, pix), goodLabels,
			[]string{`dimension count`, `2 dimensions`, `has 3`}, false},
		{"empty images file", nil, goodLabels, []string{`images file images\.idx is empty`}, true},
		{"header cut short", goodImages[:10], goodLabels,
			[]string{`ends in the header, in the dimensions count, rows, columns, after 10 of 16 bytes`}, true},
		{"zero images", idxFile(data.IDXImagesMagic, []uint32{0, 2, 2}, nil), idxFile(data.IDXLabelsMagic, []uint32{0}, nil),
			[]string{`0 images`, `no examples`}, false},
		{"zero rows", idxFile(data.IDXImagesMagic, []uint32{3, 0, 2}, nil), goodLabels,
			[]string{`0×2 pixels`}, false},
		{"count mismatch", goodImages, idxFile(data.IDXLabelsMagic, []uint32{4}, []byte{1, 2, 3, 4}),
			[]string{`3 images`, `4 labels`, `same set`}, false},
		{"pixels truncated", goodImages[:len(goodImages)-1], goodLabels,
			[]string{`expected 12 bytes after the 16-byte header for 3 images of 2×2 pixels, found 11`, `truncated`}, true},
		{"labels truncated", goodImages, goodLabels[:9],
			[]string{`labels file`, `expected 3 bytes after the 8-byte header for 3 labels, found 1`}, true},
		{"trailing bytes", append(append([]byte(nil), goodImages...), 0, 0), goodLabels,
			[]string{`end of data at byte 28`, `2 more bytes follow`}, false},
		{"label 10", goodImages, idxFile(data.IDXLabelsMagic, []uint32{3}, []byte{1, 10, 3}),
			[]string{`label of example 1`, `byte 9`, `value 10 is not a class 0 … 9`}, false},
		{"count above the limit", idxFile(data.IDXImagesMagic, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, nil),
			idxFile(data.IDXLabelsMagic, []uint32{0xffffffff}, nil),
			[]string{`4294967295 images of 4294967295×4294967295 pixels exceed the 2147483648 bytes`}, false},
		{"gzip truncated", truncatedGzip, goodLabels, []string{`images file`, `(?i)truncated|damaged`}, true},
		{"gzip corrupt", corruptGzip, goodLabels, []string{`images file`, `gzip`}, false},
		{"gzip magic only", []byte{0x1f, 0x8b, 0x08, 0x00, 0x01}, goodLabels,
			[]string{`gzip signature 1f 8b but does not decompress`, `0x1f8b0800`}, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			d, err := decodeIDX[float32](test.images, test.labels)
			if d != nil {
				t.Errorf("got a dataset with an error %v", err)
			}
			mustMatchAll(t, err, test.want)
			if test.unexpectedEOF && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v does not wrap io.ErrUnexpectedEOF", err)
			}
		})
	}
}

func TestIDXHugeCountAllocatesLittle(t *testing.T) {
	// 1,000,000 images of 28×28 (784 MB, under MaxIDXBytes) declared, 12
	// bytes present: the reader must fail without allocating the 784 MB.
	images := idxFile(data.IDXImagesMagic, []uint32{1000000, 28, 28}, make([]byte, 12))
	labels := idxFile(data.IDXLabelsMagic, []uint32{1000000}, nil)
	for _, gz := range []bool{false, true} {
		im := images
		if gz {
			im = gzipBytes(im)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := decodeIDX[float32](im, labels)
		runtime.ReadMemStats(&after)
		if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("gzip %v: error %v, want a truncation error", gz, err)
		}
		if !strings.Contains(err.Error(), "expected 784000000 bytes") || !strings.Contains(err.Error(), "found 12:") {
			t.Errorf("gzip %v: error %q does not name 784000000 and 12 bytes", gz, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
			t.Errorf("gzip %v: decoding allocated %d bytes, want under 8 MiB", gz, n)
		}
	}
}

func TestReadIDXMissingFile(t *testing.T) {
	dir := t.TempDir()
	labels := filepath.Join(dir, "labels")
	os.WriteFile(labels, idxFile(data.IDXLabelsMagic, []uint32{1}, []byte{1}), 0o644)
	_, err := data.ReadIDX[float64](filepath.Join(dir, "missing"), labels)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing images: error %v, want one wrapping os.ErrNotExist", err)
	}
	_, err = data.ReadIDX[float64](labels, filepath.Join(dir, "missing"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing labels: error %v, want one wrapping os.ErrNotExist", err)
	}
}

// FuzzDecodeIDX decodes arbitrary pairs; whatever decodes must have
// consistent shapes and encode back to its payload.
func FuzzDecodeIDX(f *testing.F) {
	for _, suffix := range []string{"", ".gz"} {
		im, err := os.ReadFile(filepath.Join("testdata", "idx", "tiny-images-idx3-ubyte"+suffix))
		if err != nil {
			f.Fatal(err)
		}
		lb, err := os.ReadFile(filepath.Join("testdata", "idx", "tiny-labels-idx1-ubyte"+suffix))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(im, lb)
		f.Add(lb, im)
		f.Add(im[:len(im)-1], lb)
	}
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		d, err := decodeIDX[float64](images, labels)
		if err != nil {
			if d != nil {
				t.Fatal("dataset returned with an error")
			}
			return
		}
		m, n := d.Len(), d.Features()
		if len(d.Labels) != m || d.Y.Cols() != m || d.Y.Rows() != 10 {
			t.Fatalf("X (%d, %d), %d labels, Y %s", n, m, len(d.Labels), d.Y.ShapeString())
		}
		for j, l := range d.Labels {
			if l < 0 || l > 9 || d.Y.At(l, j) != 1 {
				t.Fatalf("example %d: label %d, Y column inconsistent", j, l)
			}
			for p := 0; p < n; p++ {
				v := d.X.At(p, j) * 255
				if math.Abs(v-math.Round(v)) > 1e-9 || v < 0 || v > 255 {
					t.Fatalf("X[%d][%d]·255 = %v is not a byte", p, j, v)
				}
			}
		}
	})
}
