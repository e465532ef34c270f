package modelio_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
)

// sameModel returns a description of the first difference between a and
// b, or "" when they are the same model bit for bit. The leaky ReLU slope
// counts only where a layer uses it, and dropout is not part of a model
// file.
func sameModel[T matrix.Float](a, b *modelio.Model[T]) string {
	na, nb := a.Net, b.Net
	switch {
	case !slices.Equal(na.Sizes, nb.Sizes):
		return "layer sizes"
	case !slices.Equal(na.Act, nb.Act):
		return "activations"
	case na.Loss != nb.Loss:
		return "loss"
	case slices.Contains(na.Act, nn.LeakyReLU) && !sameBits(na.LeakySlope, nb.LeakySlope):
		return "leaky ReLU slope"
	case (a.Mean == nil) != (b.Mean == nil) || !sameFloats(a.Mean, b.Mean) || !sameFloats(a.Std, b.Std):
		return "standardisation"
	case !slices.Equal(a.ClassNames, b.ClassNames):
		return "class names"
	}
	pb := nb.Params()
	for i, p := range na.Params() {
		if !sameFloats(p.RawData(), pb[i].RawData()) {
			return na.ParamNames()[i]
		}
	}
	return ""
}

func sameBits[T matrix.Float](a, b T) bool {
	return math.Float64bits(float64(a)) == math.Float64bits(float64(b))
}

func sameFloats[T matrix.Float](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameBits(a[i], b[i]) {
			return false
		}
	}
	return true
}

// FuzzDecodeJSON checks that DecodeJSON never panics, that its errors
// name the file, and that a model it accepts survives EncodeJSON and
// DecodeJSON bit for bit, in both precisions.
func FuzzDecodeJSON(f *testing.F) {
	hand, err := os.ReadFile(filepath.Join("testdata", "net231.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(hand)
	for _, b := range [][]byte{{1, 2, 3, 4, 5, 6}, {2, 0, 4, 4, 1, 7, 200, 3}, bytes.Repeat([]byte{0x7f, 0xf0, 0, 0}, 40)} {
		if m := modelFromBytes[float64](b); m != nil {
			var buf bytes.Buffer
			if err := modelio.EncodeJSON(&buf, m); err == nil {
				f.Add(buf.Bytes())
			}
		}
	}
	f.Add([]byte(`{"layer_sizes": [1, 1], "activations": ["linear"], "loss": "mse", "W": [[[1e39]]], "b": [[[0]]]}`))
	f.Add([]byte(`{"layer_sizes": [2, 1], "activations": ["sigmoid"], "loss": "bce", "W": [[[1, 2], [3]]], "b": [[[0]]]}`))
	f.Add([]byte(`{"layer_sizes": [1, 2], "activations": ["softmax"], "loss": "cce", "W": [[[1], [2]]], "b": [[[0], [1]]], "class_names": ["a", "b"], "mean": [0.5], "std": [2]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		jsonRoundTrip[float64](t, b)
		jsonRoundTrip[float32](t, b)
	})
}

func jsonRoundTrip[T matrix.Float](t *testing.T, b []byte) {
	m, err := modelio.DecodeJSON[T]("fuzz.json", bytes.NewReader(b))
	if err != nil {
		if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
			t.Errorf("error %q does not start with the file's name", err)
		}
		return
	}
	var buf bytes.Buffer
	if err := modelio.EncodeJSON(&buf, m); err != nil {
		t.Fatalf("EncodeJSON of a decoded model: %v", err)
	}
	again, err := modelio.DecodeJSON[T]("again.json", &buf)
	if err != nil {
		t.Fatalf("DecodeJSON of a re-encoded model: %v\n%s", err, buf.Bytes())
	}
	if diff := sameModel(m, again); diff != "" {
		t.Errorf("%s changed in a JSON round trip", diff)
	}
}

// FuzzModelRoundTrip builds a network from the fuzz bytes: architecture,
// activations, loss, and the raw bits of every weight, so NaN, ±Inf, −0
// and subnormal values occur. It writes the network to a .safetensors and
// a .json file with Write and reads both back with Read. A model with a
// non-finite weight must be rejected and leave no file. Any other must
// come back bit for bit.
func FuzzModelRoundTrip(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, false)
	f.Add([]byte{2, 4, 3, 2, 1, 3, 0, 9, 1, 1, 0x80, 0, 0, 0, 0, 0, 0, 0}, true)
	f.Add(bytes.Repeat([]byte{1, 0xff, 0x80, 0x7f}, 30), false)
	// L = 2, sizes [2 2 1], sigmoid layers, no options, then +Inf in float32.
	f.Add([]byte{1, 1, 1, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x7f}, false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte, double bool) {
		if double {
			fileRoundTrip[float64](t, dir, b)
		} else {
			fileRoundTrip[float32](t, dir, b)
		}
	})
}

func fileRoundTrip[T matrix.Float](t *testing.T, dir string, b []byte) {
	m := modelFromBytes[T](b)
	if m == nil {
		return
	}
	finite := true
	for _, p := range m.Net.Params() {
		if _, _, bad := matrix.FirstNonFinite(p); bad {
			finite = false
		}
	}
	for _, name := range []string{"model.safetensors", "model.json"} {
		path := filepath.Join(dir, name)
		os.Remove(path)
		err := modelio.Write(path, m)
		if !finite {
			if err == nil || !strings.Contains(err.Error(), "non-finite") {
				t.Errorf("%s: Write of a model with a non-finite weight: error %v, want a rejection", name, err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("%s: the rejected model left a file", name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: Write: %v", name, err)
		}
		got, err := modelio.Read[T](path)
		if err != nil {
			t.Fatalf("%s: Read of a written model: %v", name, err)
		}
		if diff := sameModel(m, got); diff != "" {
			t.Errorf("%s: %s changed in a round trip", name, diff)
		}
	}
}

// modelFromBytes builds a small model from b, or returns nil when b
// describes a network that nn.New rejects. Byte 0 sets L and the next L+1
// bytes the sizes. Then one byte per layer sets its activation, and one
// byte the options. The rest are the raw bits of the weights, followed by
// the standardisation and the class names.
func modelFromBytes[T matrix.Float](b []byte) *modelio.Model[T] {
	next := func() byte {
		if len(b) == 0 {
			return 0
		}
		c := b[0]
		b = b[1:]
		return c
	}
	L := 1 + int(next()%3)
	sizes := make([]int, L+1)
	for l := range sizes {
		sizes[l] = 1 + int(next()%5)
	}
	hidden := []nn.Activation{nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Linear}
	acts := make([]nn.Activation, L)
	for l := range L - 1 {
		acts[l] = hidden[int(next())%len(hidden)]
	}
	outputs := []struct {
		g    nn.Activation
		loss nn.Loss
	}{{nn.Sigmoid, nn.BCE}, {nn.Softmax, nn.CCE}, {nn.Linear, nn.MSE}}
	out := outputs[int(next())%len(outputs)]
	acts[L-1] = out.g
	options := next()
	net, err := nn.New[T](sizes, acts, out.loss)
	if err != nil {
		return nil
	}

	// Weights from the raw bits of the bytes; after the bytes run out, a
	// pattern of the index.
	k := 0
	value := func() T {
		k++
		var zero T
		if _, ok := any(zero).(float32); ok {
			if len(b) >= 4 {
				v := math.Float32frombits(binary.LittleEndian.Uint32(b))
				b = b[4:]
				return T(v)
			}
		} else if len(b) >= 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(b))
			b = b[8:]
			return T(v)
		}
		return T(float64(k%7-3) / 8)
	}
	for _, p := range net.Params() {
		d := p.RawData()
		for i := range d {
			d[i] = value()
		}
	}
	net.LeakySlope = T(float64(options>>4) / 16)

	m := &modelio.Model[T]{Net: net}
	if options&1 != 0 {
		for range sizes[0] {
			m.Mean = append(m.Mean, float64(int8(next()))/3)
			m.Std = append(m.Std, 1+float64(next())/7)
		}
	}
	if options&2 != 0 {
		classes := max(sizes[L], 2)
		for range classes {
			n := int(next() % 6)
			if n > len(b) {
				n = len(b)
			}
			// NOTE: both file forms replace invalid UTF-8 in a class name
			// with U+FFFD when writing, so such a name would not survive.
			// The names are made valid here until modelio rejects them.
			name := strings.ToValidUTF8(string(b[:n]), "?")
			b = b[n:]
			m.ClassNames = append(m.ClassNames, name)
		}
	}
	return m
}

// FuzzDecodeModel checks that DecodeModel never panics and that a model
// it accepts survives EncodeModel and DecodeModel bit for bit, in both
// precisions.
func FuzzDecodeModel(f *testing.F) {
	for _, b := range [][]byte{{1, 2, 3, 4, 5, 6}, {2, 0, 4, 4, 1, 7, 3, 3}, {0, 3, 1, 1, 1, 2}} {
		for _, double := range []bool{false, true} {
			var buf bytes.Buffer
			var err error
			if double {
				err = modelio.EncodeModel(&buf, modelFromBytes[float64](b))
			} else {
				err = modelio.EncodeModel(&buf, modelFromBytes[float32](b))
			}
			if err != nil {
				f.Fatal(err)
			}
			f.Add(buf.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		modelRoundTrip[float64](t, b)
		modelRoundTrip[float32](t, b)
	})
}

func modelRoundTrip[T matrix.Float](t *testing.T, b []byte) {
	m, err := modelio.DecodeModel[T]("fuzz.safetensors", b)
	if err != nil {
		if !strings.HasPrefix(err.Error(), "fuzz.safetensors: ") {
			t.Errorf("error %q does not start with the file's name", err)
		}
		return
	}
	var buf bytes.Buffer
	if err := modelio.EncodeModel(&buf, m); err != nil {
		t.Fatalf("EncodeModel of a decoded model: %v", err)
	}
	again, err := modelio.DecodeModel[T]("again.safetensors", buf.Bytes())
	if err != nil {
		t.Fatalf("DecodeModel of a re-encoded model: %v", err)
	}
	if diff := sameModel(m, again); diff != "" {
		t.Errorf("%s changed in a safetensors round trip", diff)
	}
}
