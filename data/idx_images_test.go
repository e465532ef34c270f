package data

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func idxImagesBytes(m, rows, cols int, pixels []byte) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{IDXImagesMagic, uint32(m), uint32(rows), uint32(cols)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	b.Write(pixels)
	return b.Bytes()
}

func TestDecodeIDXImages(t *testing.T) {
	X, err := DecodeIDXImages[float64]("imgs", bytes.NewReader(idxImagesBytes(2, 1, 3, []byte{0, 255, 51, 102, 0, 255})))
	if err != nil {
		t.Fatal(err)
	}
	// Column j is image j: image 0 is 0, 255, 51 and image 1 is 102, 0, 255.
	want := [][]float64{{0, 102.0 / 255}, {1, 0}, {51.0 / 255, 1}}
	for i, row := range want {
		for j, w := range row {
			if got := X.At(i, j); got != w {
				t.Errorf("X[%d][%d] = %v, want %v", i, j, got, w)
			}
		}
	}
}

func TestDecodeIDXImagesErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"labels file", append([]byte{0, 0, 8, 1, 0, 0, 0, 1}, 3), "labels"},
		{"no images", idxImagesBytes(0, 28, 28, nil), "0 images"},
		{"truncated", idxImagesBytes(2, 2, 2, []byte{1, 2, 3}), "unexpected EOF"},
	}
	for _, tt := range tests {
		_, err := DecodeIDXImages[float32]("imgs", bytes.NewReader(tt.b))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
