package modelio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goldenTensors returns the tensors of testdata/golden.safetensors, in the
// order of their data, as make_golden.py writes them.
func goldenTensors() ([]Tensor, map[string]string) {
	tensors := []Tensor{
		NewTensor("empty", []int{0, 3}, []float64{}),
		NewTensor("layers.2.weight", []int{1, 2}, []float64{1e-300, -2.5}),
		NewTensor("scale", []int{}, []float64{3.141592653589793}),
		NewTensor("layers.1.bias", []int{2}, []float32{1, -2}),
		NewTensor("layers.1.weight", []int{2, 3}, []float32{0.5, -1.25, 3, 0.1, float32(math.Copysign(0, -1)), 1e-40}),
	}
	metadata := map[string]string{
		"architecture": `{"layer_sizes":[3,2,1],"activations":["tanh","sigmoid"]}`,
		"format":       "backprop",
	}
	return tensors, metadata
}

// sameTensor reports whether a and b have the same name, dtype, shape and
// element bits. Nil and empty slices are the same.
func sameTensor(a, b Tensor) bool {
	if a.Name != b.Name || a.DType != b.DType || !slices.Equal(a.Shape, b.Shape) {
		return false
	}
	if len(a.F32) != len(b.F32) || len(a.F64) != len(b.F64) {
		return false
	}
	for i := range a.F32 {
		if math.Float32bits(a.F32[i]) != math.Float32bits(b.F32[i]) {
			return false
		}
	}
	for i := range a.F64 {
		if math.Float64bits(a.F64[i]) != math.Float64bits(b.F64[i]) {
			return false
		}
	}
	return true
}

// checkTensors fails t unless got holds the tensors of want, in order.
func checkTensors(t *testing.T, prefix string, got, want []Tensor) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d tensors, want %d", prefix, len(got), len(want))
		return
	}
	for i := range want {
		if !sameTensor(got[i], want[i]) {
			t.Errorf("%s: tensor %d = %+v, want %+v", prefix, i, got[i], want[i])
		}
	}
}

// checkMetadata fails t unless got and want hold the same pairs; nil and
// empty are the same.
func checkMetadata(t *testing.T, prefix string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: metadata %q, want %q", prefix, got, want)
		return
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s: metadata %q, want %q", prefix, got, want)
			return
		}
	}
}

// dataOrder returns tensors sorted as EncodeSafetensors lays them out.
func dataOrder(tensors []Tensor) []Tensor {
	sorted := slices.Clone(tensors)
	slices.SortStableFunc(sorted, func(a, b Tensor) int {
		if a.DType != b.DType {
			return b.DType.Size() - a.DType.Size()
		}
		return strings.Compare(a.Name, b.Name)
	})
	return sorted
}

func TestSafetensorsRoundTrip(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for i, test := range []struct {
		tensors  []Tensor
		metadata map[string]string
	}{
		{},
		{metadata: map[string]string{"k": "v"}},
		{tensors: []Tensor{NewTensor("w", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})}},
		{tensors: []Tensor{NewTensor("w", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})}},
		{
			tensors: []Tensor{
				NewTensor("layers.2.weight", []int{1, 2}, []float32{0.25, -8}),
				NewTensor("layers.1.weight", []int{2, 2}, []float64{math.Pi, negZero, math.SmallestNonzeroFloat64, math.MaxFloat64}),
				NewTensor("layers.1.bias", []int{2}, []float32{float32(math.Inf(1)), float32(math.Inf(-1))}),
				NewTensor("nan", []int{3}, []float64{math.NaN(), math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000002)}),
				NewTensor("nan32", []int{2}, []float32{math.Float32frombits(0x7fc00001), math.Float32frombits(0xff800001)}),
			},
			metadata: map[string]string{"architecture": `{"layer_sizes":[2,2,1]}`, "": "empty key", "ключ": "значение ✓"},
		},
		{
			// Zero-size dimensions anywhere, and a scalar.
			tensors: []Tensor{
				NewTensor("a", []int{0}, []float32{}),
				NewTensor("b", []int{3, 0}, []float32(nil)),
				NewTensor("c", []int{0, 4, 5}, []float64{}),
				NewTensor("d", []int{}, []float64{7}),
				NewTensor("e", []int{2, 0, 2}, []float64(nil)),
				NewTensor("f", []int{1, 1, 1, 1}, []float32{-1}),
			},
		},
		{
			// Names that need escaping in JSON, and the empty name.
			tensors: []Tensor{
				NewTensor(`quote"back\slash`, []int{1}, []float32{1}),
				NewTensor("tab\tnewline\n<&>\u2028", []int{1}, []float32{2}),
				NewTensor("", []int{1}, []float64{3}),
			},
			metadata: map[string]string{"json": `{"a": "b\n"}`},
		},
	} {
		var buf bytes.Buffer
		if err := EncodeSafetensors(&buf, test.tensors, test.metadata); err != nil {
			t.Errorf("case %d: EncodeSafetensors: %v", i, err)
			continue
		}
		b := buf.Bytes()
		n := binary.LittleEndian.Uint64(b)
		if n%8 != 0 {
			t.Errorf("case %d: header length %d is not a multiple of 8", i, n)
		}
		if b[8] != '{' {
			t.Errorf("case %d: header starts with %q, want '{'", i, b[8])
		}

		got, metadata, err := DecodeSafetensors("roundtrip.safetensors", b)
		if err != nil {
			t.Errorf("case %d: DecodeSafetensors: %v", i, err)
			continue
		}
		prefix := fmt.Sprintf("case %d", i)
		checkTensors(t, prefix, got, dataOrder(test.tensors))
		checkMetadata(t, prefix, metadata, test.metadata)
		if len(test.metadata) == 0 && metadata != nil {
			t.Errorf("case %d: metadata %q for a file without metadata, want nil", i, metadata)
		}
	}
}

func TestSafetensorsRandomRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 200 {
		var tensors []Tensor
		for j := range rng.IntN(6) {
			shape := make([]int, rng.IntN(4))
			for k := range shape {
				shape[k] = rng.IntN(4)
			}
			n, _ := numElements(shape)
			name := fmt.Sprintf("t%d.%d", rng.IntN(100), j)
			if rng.IntN(2) == 0 {
				data := make([]float32, n)
				for k := range data {
					data[k] = math.Float32frombits(rng.Uint32())
				}
				tensors = append(tensors, NewTensor(name, shape, data))
			} else {
				data := make([]float64, n)
				for k := range data {
					data[k] = math.Float64frombits(rng.Uint64())
				}
				tensors = append(tensors, NewTensor(name, shape, data))
			}
		}
		metadata := map[string]string{}
		for range rng.IntN(3) {
			metadata[fmt.Sprint(rng.IntN(1000))] = strings.Repeat("x", rng.IntN(20))
		}

		var buf bytes.Buffer
		if err := EncodeSafetensors(&buf, tensors, metadata); err != nil {
			t.Fatalf("case %d: EncodeSafetensors: %v", i, err)
		}
		got, gotMeta, err := DecodeSafetensors("random.safetensors", buf.Bytes())
		if err != nil {
			t.Fatalf("case %d: DecodeSafetensors: %v", i, err)
		}
		prefix := fmt.Sprintf("case %d", i)
		checkTensors(t, prefix, got, dataOrder(tensors))
		checkMetadata(t, prefix, gotMeta, metadata)

		var again bytes.Buffer
		if err := EncodeSafetensors(&again, got, gotMeta); err != nil {
			t.Fatalf("case %d: EncodeSafetensors of decoded tensors: %v", i, err)
		}
		if !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Errorf("case %d: encoding the decoded tensors gives other bytes", i)
		}
	}
}

func TestEncodeSafetensorsGolden(t *testing.T) {
	want, err := os.ReadFile("testdata/golden.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tensors, metadata := goldenTensors()
	// EncodeSafetensors sorts the tensors itself, so give them in reverse.
	slices.Reverse(tensors)

	var buf bytes.Buffer
	if err := EncodeSafetensors(&buf, tensors, metadata); err != nil {
		t.Fatalf("EncodeSafetensors: %v", err)
	}
	if got := buf.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("EncodeSafetensors wrote\n%q\nwant testdata/golden.safetensors\n%q", got, want)
	}
}

func TestDecodeSafetensorsGolden(t *testing.T) {
	wantTensors, wantMeta := goldenTensors()
	for _, file := range []string{"golden.safetensors", "unordered.safetensors"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		tensors, metadata, err := DecodeSafetensors(file, b)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		checkTensors(t, file, tensors, wantTensors)
		checkMetadata(t, file, metadata, wantMeta)
	}
}

// stFile returns a safetensors file with the given header, padded with
// spaces to a multiple of 8 bytes, and data buffer.
func stFile(header string, data []byte) []byte {
	for len(header)%8 != 0 {
		header += " "
	}
	return stFileN(uint64(len(header)), []byte(header), data)
}

// stFileN returns a file whose length field is n, followed by rest.
func stFileN(n uint64, rest ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, n)
	for _, r := range rest {
		b = append(b, r...)
	}
	return b
}

func TestDecodeSafetensorsRejects(t *testing.T) {
	const eof = true
	eight := make([]byte, 8)
	for i, test := range []struct {
		name   string
		file   []byte
		eof    bool     // whether the error must wrap io.ErrUnexpectedEOF
		offset int64    // the error's Offset, or -1 for any
		want   []string // parts of the message
	}{
		{"empty file", nil, eof, 0, []string{"0 bytes", "truncated"}},
		{"short length field", []byte{8, 0, 0}, eof, 0, []string{"3 bytes", "truncated"}},
		{"header too large", stFileN(MaxHeaderLen + 1), false, 0, []string{"header length 100000001", "100000000-byte limit"}},
		{"header length huge", stFileN(math.MaxUint64, eight), false, 0, []string{"header length 18446744073709551615", "limit"}},
		{"header past end", stFileN(1000, make([]byte, 100)), eof, 0, []string{"header length 1000", "exceeds the 100 bytes", "truncated"}},
		{"header length past end by one", stFileN(9, []byte("{}      ")), eof, 0, []string{"header length 9", "8 bytes"}},
		{"empty header", stFileN(0), false, 8, []string{"starts with nothing", "not '{'"}},
		{"header starts with space", stFile(` {}`, nil), false, 8, []string{`starts with ' '`}},
		{"header is array", stFile(`[]`, nil), false, 8, []string{`starts with '['`}},
		{"header not UTF-8", stFile("{\"a\xff\":1}", nil), false, 11, []string{"not valid UTF-8"}},
		{"invalid JSON", stFile(`{"a" 1}`, nil), false, -1, []string{"not valid JSON"}},
		{"unclosed header", stFile(`{`, nil), false, -1, []string{"not valid JSON", "unexpected end"}},
		{"trailing garbage", stFile(`{}x`, nil), false, 10, []string{`'x' after its JSON object`, "only padding spaces"}},
		{"second object", stFile(`{} {}`, nil), false, 11, []string{`'{' after its JSON object`}},
		{
			"duplicate tensor", stFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)),
			false, -1, []string{`key "w" appears twice`, "duplicate keys"},
		},
		{
			"duplicate tensor spelled with an escape", stFile(`{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"\u0077":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}`, make([]byte, 8)),
			false, -1, []string{`key "w" appears twice`},
		},
		{"duplicate metadata section", stFile(`{"__metadata__":{},"__metadata__":{}}`, nil), false, -1, []string{`"__metadata__" appears twice`}},
		{"duplicate metadata key", stFile(`{"__metadata__":{"a":"1","a":"2"}}`, nil), false, -1, []string{`__metadata__: key "a" appears twice`}},
		{"duplicate entry field", stFile(`{"w":{"dtype":"F32","dtype":"F64","shape":[],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{`tensor "w": key "dtype" appears twice`}},
		{"metadata not an object", stFile(`{"__metadata__":["a"]}`, nil), false, -1, []string{"__metadata__ is an array"}},
		{"metadata value a number", stFile(`{"__metadata__":{"epochs":10}}`, nil), false, -1, []string{`__metadata__["epochs"] is the number 10`, "must be strings"}},
		{"metadata value an object", stFile(`{"__metadata__":{"arch":{"a":1}}}`, nil), false, -1, []string{`__metadata__["arch"] is an object`}},
		{"entry not an object", stFile(`{"w":[1]}`, nil), false, -1, []string{`tensor "w": found an array where '{'`}},
		{"missing dtype", stFile(`{"w":{"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), false, 12, []string{`tensor "w": the entry lacks dtype`}},
		{"missing shape", stFile(`{"w":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"lacks shape"}},
		{"missing data_offsets", stFile(`{"w":{"dtype":"F32","shape":[1]}}`, make([]byte, 4)), false, -1, []string{"lacks data_offsets"}},
		{"dtype F16", stFile(`{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), false, 12, []string{`tensor "w": dtype "F16" is not supported`, "F32 and F64"}},
		{"dtype unknown", stFile(`{"w":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{`dtype "Q4_K" is not supported`}},
		{"dtype lower case", stFile(`{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{`dtype "f32" is not supported`}},
		{"dtype a number", stFile(`{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"dtype is the number 32"}},
		{"negative dimension", stFile(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"shape holds -1", "non-negative integer"}},
		{"fractional dimension", stFile(`{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"shape holds 1.5"}},
		{"exponent offset", stFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4e0]}}`, make([]byte, 4)), false, -1, []string{"data_offsets holds 4e0"}},
		{"shape a string", stFile(`{"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{`shape is the string "1"`}},
		{"shape holds null", stFile(`{"w":{"dtype":"F32","shape":[null],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"shape holds null"}},
		{"three offsets", stFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, make([]byte, 4)), false, -1, []string{"data_offsets has 3 numbers, want 2"}},
		{"dimension past int", stFile(`{"w":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"dimension 9223372036854775808", "too large"}},
		{"element count overflow", stFile(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, make([]byte, 4)), false, -1, []string{"more elements than a uint64 counts"}},
		{"byte count overflow", stFile(`{"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}}`, make([]byte, 8)), false, -1, []string{"more bytes than a uint64 counts"}},
		{
			"overlapping offsets", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)),
			false, -1, []string{`tensor "b": data_offsets [4, 12] overlap tensor "a"'s [0, 8]`},
		},
		{
			"same offsets", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)),
			false, -1, []string{"overlap"},
		},
		{
			"empty tensor inside another", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}`, make([]byte, 8)),
			false, -1, []string{`tensor "z": data_offsets [4, 4] overlap tensor "a"'s [0, 8]`},
		},
		{
			"hole between tensors", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, make([]byte, 12)),
			false, -1, []string{`tensor "b": data_offsets [8, 12] leave bytes [4, 8)`, "no holes"},
		},
		{"hole at start", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), false, -1, []string{"leave bytes [0, 4)"}},
		{"end before begin", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}`, make([]byte, 8)), false, -1, []string{"data_offsets [8, 4] end before they begin"}},
		{"offsets past end", stFile(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, make([]byte, 12)), eof, -1, []string{`tensor "a": data_offsets [0, 16] run past the end of the 12-byte data buffer`, "truncated"}},
		{"offsets far past end", stFile(`{"a":{"dtype":"F64","shape":[1000000000000],"data_offsets":[0,8000000000000]}}`, nil), eof, -1, []string{"run past the end of the 0-byte data buffer"}},
		{"shape needs more bytes", stFile(`{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}`, make([]byte, 20)), false, -1, []string{"span 20 bytes, but shape [2, 3] of F32 needs 24"}},
		{"shape needs fewer bytes", stFile(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,24]}}`, make([]byte, 24)), false, -1, []string{"span 24 bytes, but shape [2] of F64 needs 16"}},
		{"scalar with no bytes", stFile(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,0]}}`, nil), false, -1, []string{"span 0 bytes, but shape [] of F32 needs 4"}},
		{"trailing data bytes", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 7)), false, 8 + 56 + 4, []string{"3 bytes after the last tensor's end at 4", "belong to no tensor"}},
		{"data without tensors", stFile(`{}`, []byte{1}), false, 16, []string{"1 bytes after the last tensor's end at 0"}},
	} {
		tensors, metadata, err := DecodeSafetensors("model.safetensors", test.file)
		if err == nil {
			t.Errorf("case %d (%s): DecodeSafetensors returned %d tensors and %q, want an error", i, test.name, len(tensors), metadata)
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("case %d (%s): error %v is a %T, want a *FormatError", i, test.name, err, err)
			continue
		}
		if fe.File != "model.safetensors" {
			t.Errorf("case %d (%s): error names file %q, want model.safetensors", i, test.name, fe.File)
		}
		if !strings.HasPrefix(err.Error(), "model.safetensors: byte ") {
			t.Errorf("case %d (%s): error %q does not start with the file name and byte offset", i, test.name, err)
		}
		if test.offset >= 0 && fe.Offset != test.offset {
			t.Errorf("case %d (%s): error at byte %d, want %d: %v", i, test.name, fe.Offset, test.offset, err)
		}
		if test.offset < 0 && (fe.Offset < 0 || fe.Offset > int64(len(test.file))) {
			t.Errorf("case %d (%s): error at byte %d, outside the %d-byte file: %v", i, test.name, fe.Offset, len(test.file), err)
		}
		if got := errors.Is(err, io.ErrUnexpectedEOF); got != test.eof {
			t.Errorf("case %d (%s): errors.Is(err, io.ErrUnexpectedEOF) = %t, want %t: %v", i, test.name, got, test.eof, err)
		}
		for _, want := range test.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("case %d (%s): error %q does not contain %q", i, test.name, err, want)
			}
		}
	}
}

func TestDecodeSafetensorsAccepts(t *testing.T) {
	for i, test := range []struct {
		name  string
		file  []byte
		count int
	}{
		{"no tensors", stFile(`{}`, nil), 0},
		{"header without padding", stFileN(2, []byte(`{}`)), 0},
		{"padding with newline and tabs", stFileN(6, []byte("{}\n\t\r ")), 0},
		{"null metadata", stFile(`{"__metadata__":null}`, nil), 0},
		{"unknown entry field", stFile(`{"a":{"dtype":"F32","extra":{"x":[1,{"y":null}]},"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), 1},
		{"two empty tensors at one offset", stFile(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"F64","shape":[3,0],"data_offsets":[0,0]}}`, nil), 2},
		{"empty tensor after the last", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F64","shape":[0],"data_offsets":[4,4]}}`, make([]byte, 4)), 2},
		{"unaligned F64", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F64","shape":[1],"data_offsets":[4,12]}}`, make([]byte, 12)), 2},
	} {
		tensors, _, err := DecodeSafetensors("ok.safetensors", test.file)
		if err != nil {
			t.Errorf("case %d (%s): %v", i, test.name, err)
			continue
		}
		if len(tensors) != test.count {
			t.Errorf("case %d (%s): %d tensors, want %d", i, test.name, len(tensors), test.count)
		}
	}
}

func TestDecodeSafetensorsTruncated(t *testing.T) {
	for _, file := range []string{"golden.safetensors", "unordered.safetensors"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		for cut := range len(b) {
			_, _, err := DecodeSafetensors(file, b[:cut])
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s cut to %d of %d bytes: error %v, want one wrapping io.ErrUnexpectedEOF", file, cut, len(b), err)
			}
		}
	}
}

func TestDecodeSafetensorsNoAliasing(t *testing.T) {
	b, err := os.ReadFile("testdata/golden.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tensors, _, err := DecodeSafetensors("golden.safetensors", b)
	if err != nil {
		t.Fatal(err)
	}
	clear(b)
	want, _ := goldenTensors()
	checkTensors(t, "after clearing the input", tensors, want)
}

func TestEncodeSafetensorsRejects(t *testing.T) {
	ok := NewTensor("ok", []int{1}, []float32{1})
	for i, test := range []struct {
		name     string
		tensors  []Tensor
		metadata map[string]string
		want     []string
	}{
		{"dtype F16", []Tensor{ok, {Name: "h", DType: "F16", Shape: []int{1}}}, nil, []string{`tensor 1 ("h")`, `dtype "F16" is not supported`}},
		{"dtype empty", []Tensor{{Name: "z", Shape: []int{0}}}, nil, []string{`dtype "" is not supported`}},
		{"duplicate name", []Tensor{ok, ok}, nil, []string{`tensors 0 and 1 are both named "ok"`}},
		{"reserved name", []Tensor{NewTensor("__metadata__", []int{1}, []float32{1})}, nil, []string{`"__metadata__" is reserved`}},
		{"name not UTF-8", []Tensor{NewTensor("a\xff", []int{1}, []float32{1})}, nil, []string{"not valid UTF-8"}},
		{"negative dimension", []Tensor{NewTensor("w", []int{2, -1}, []float32{})}, nil, []string{"shape [2, -1] has a negative dimension"}},
		{"too few values", []Tensor{NewTensor("w", []int{2, 3}, []float32{1, 2})}, nil, []string{`tensor 0 ("w")`, "shape [2, 3] needs 6 elements but the tensor contains 2"}},
		{"too many values", []Tensor{NewTensor("w", []int{}, []float64{1, 2})}, nil, []string{"shape [] needs 1 elements but the tensor contains 2"}},
		{"values in the other field", []Tensor{{Name: "w", DType: F32, Shape: []int{1}, F32: []float32{1}, F64: []float64{1}}}, nil, []string{"dtype is F32 but the tensor contains 1 values of the other type"}},
		{"shape too large", []Tensor{NewTensor("w", []int{math.MaxInt / 2, 3}, []float32{})}, nil, []string{"too many elements"}},
		{"metadata key not UTF-8", []Tensor{ok}, map[string]string{"\xfe": "v"}, []string{"not valid UTF-8"}},
		{"metadata value not UTF-8", []Tensor{ok}, map[string]string{"k": "\xfe"}, []string{`metadata "k"`, "not valid UTF-8"}},
		{"header too large", nil, map[string]string{"big": strings.Repeat("x", MaxHeaderLen)}, []string{"exceeds the 100000000-byte limit"}},
	} {
		var buf bytes.Buffer
		err := EncodeSafetensors(&buf, test.tensors, test.metadata)
		if err == nil {
			t.Errorf("case %d (%s): EncodeSafetensors succeeded, want an error", i, test.name)
			continue
		}
		if buf.Len() != 0 {
			t.Errorf("case %d (%s): EncodeSafetensors wrote %d bytes before failing", i, test.name, buf.Len())
		}
		for _, want := range test.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("case %d (%s): error %q does not contain %q", i, test.name, err, want)
			}
		}
	}
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestEncodeSafetensorsWriteError(t *testing.T) {
	tensors := []Tensor{NewTensor("w", []int{1000, 100}, make([]float64, 100000))}
	for _, n := range []int{0, 7, 100, 5000, 799999} {
		err := EncodeSafetensors(&failingWriter{n: n}, tensors, nil)
		if !errors.Is(err, errDiskFull) {
			t.Errorf("writer failing after %d bytes: error %v, want one wrapping %v", n, err, errDiskFull)
		}
	}
}

func TestValues(t *testing.T) {
	f32 := NewTensor("a", []int{3}, []float32{1.5, -2, 0.1})
	f64 := NewTensor("b", []int{3}, []float64{1.5, -2, 0.1})

	if got := Values[float32](f32); &got[0] != &f32.F32[0] {
		t.Error("Values[float32] of an F32 tensor copied its data, want the tensor's own slice")
	}
	if got := Values[float64](f64); &got[0] != &f64.F64[0] {
		t.Error("Values[float64] of an F64 tensor copied its data, want the tensor's own slice")
	}
	if got, want := Values[float64](f32), []float64{1.5, -2, float64(float32(0.1))}; !slices.Equal(got, want) {
		t.Errorf("Values[float64] of F32 = %v, want %v", got, want)
	}
	if got, want := Values[float32](f64), []float32{1.5, -2, 0.1}; !slices.Equal(got, want) {
		t.Errorf("Values[float32] of F64 = %v, want %v", got, want)
	}
	if got := Values[float64](Tensor{DType: "I64"}); got != nil {
		t.Errorf("Values of an I64 tensor = %v, want nil", got)
	}
}

func TestNumElements(t *testing.T) {
	for i, test := range []struct {
		shape []int
		want  int
	}{
		{nil, 1},
		{[]int{}, 1},
		{[]int{0}, 0},
		{[]int{2, 3, 4}, 24},
		{[]int{5, 0, 7}, 0},
		{[]int{-1}, -1},
		{[]int{math.MaxInt, 2}, -1},
		{[]int{1 << 32, 1 << 32}, -1},
	} {
		if got := (Tensor{Shape: test.shape}).NumElements(); got != test.want {
			t.Errorf("case %d: NumElements of shape %v = %d, want %d", i, test.shape, got, test.want)
		}
	}
}

func TestSafetensorsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	tensors, metadata := goldenTensors()

	if err := WriteSafetensorsFile(path, tensors, metadata); err != nil {
		t.Fatalf("WriteSafetensorsFile: %v", err)
	}
	got, gotMeta, err := ReadSafetensorsFile(path)
	if err != nil {
		t.Fatalf("ReadSafetensorsFile: %v", err)
	}
	checkTensors(t, path, got, tensors)
	checkMetadata(t, path, gotMeta, metadata)

	// Bad tensors leave the old file and no temporary file.
	bad := []Tensor{NewTensor("w", []int{2}, []float32{1})}
	if err := WriteSafetensorsFile(path, bad, nil); err == nil {
		t.Error("WriteSafetensorsFile of a bad tensor succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after a failed write, want only model.safetensors", len(entries))
	}
	if got, _, err := ReadSafetensorsFile(path); err != nil || len(got) != len(tensors) {
		t.Errorf("after a failed write the file reads as %d tensors, %v; want the old %d tensors", len(got), err, len(tensors))
	}

	if _, _, err := ReadSafetensorsFile(filepath.Join(dir, "missing.safetensors")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadSafetensorsFile of a missing file: %v, want fs.ErrNotExist", err)
	}
	if err := os.WriteFile(path, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = ReadSafetensorsFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("ReadSafetensorsFile of a bad file: %v, want an error starting with the path", err)
	}
}

func FuzzDecodeSafetensors(f *testing.F) {
	for _, file := range []string{"golden.safetensors", "unordered.safetensors"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(stFile(`{}`, nil))
	f.Add(stFile(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(stFile(`{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}`, make([]byte, 8)))

	f.Fuzz(func(t *testing.T, b []byte) {
		tensors, metadata, err := DecodeSafetensors("fuzz.safetensors", b)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is a %T, want a *FormatError", err, err)
			}
			return
		}

		// What decodes must encode, and decode again to the same tensors.
		var buf bytes.Buffer
		if err := EncodeSafetensors(&buf, tensors, metadata); err != nil {
			t.Fatalf("EncodeSafetensors of decoded tensors: %v", err)
		}
		again, againMeta, err := DecodeSafetensors("again.safetensors", buf.Bytes())
		if err != nil {
			t.Fatalf("DecodeSafetensors of re-encoded tensors: %v", err)
		}
		checkTensors(t, "re-encoded", again, dataOrder(tensors))
		checkMetadata(t, "re-encoded", againMeta, metadata)
	})
}
