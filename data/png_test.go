package data_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/backprop-go/backprop/data"
)

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadImageGray(t *testing.T) {
	// A 3×2 gray image: width 3, height 2, row-major levels.
	levels := []uint8{0, 128, 255, 7, 64, 200}
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(img.Pix, levels)
	path := filepath.Join(t.TempDir(), "digit.png")
	if err := os.WriteFile(path, encodePNG(t, img), 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := data.ReadImage[float64](path, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 6 || c != 1 {
		t.Fatalf("shape (%d, %d), want (6, 1)", r, c)
	}
	for i, v := range levels {
		if got, want := x.At(i, 0), float64(v)/255; got != want {
			t.Errorf("x[%d] = %v, want %v", i, got, want)
		}
	}
	x32, err := data.ReadImage[float32](path, 3, 2)
	if err != nil || x32.At(1, 0) != float32(128.0/255) {
		t.Errorf("float32: %v, %v", x32, err)
	}
}

func TestReadImageColor(t *testing.T) {
	// Gray levels of pure colors by (19595·R + 38470·G + 7471·B + 2¹⁵) >> 24
	// on 16-bit channels: red 76, green 150, blue 29; a gray RGB pixel
	// keeps its level; a transparent pixel is black.
	img := image.NewNRGBA(image.Rect(0, 0, 5, 1))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{0, 255, 0, 255})
	img.Set(2, 0, color.NRGBA{0, 0, 255, 255})
	img.Set(3, 0, color.NRGBA{93, 93, 93, 255})
	img.Set(4, 0, color.NRGBA{255, 255, 255, 0})
	x, err := data.DecodeImage[float64]("colors.png", bytes.NewReader(encodePNG(t, img)), 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{76, 150, 29, 93, 0} {
		if got := x.At(i, 0); got != want/255 {
			t.Errorf("pixel %d = %v·255, want %v", i, got*255, want)
		}
	}

	// A 16-bit gray image.
	g16 := image.NewGray16(image.Rect(0, 0, 2, 1))
	g16.SetGray16(0, 0, color.Gray16{0xffff})
	g16.SetGray16(1, 0, color.Gray16{0x8080})
	x, err = data.DecodeImage[float64]("g16.png", bytes.NewReader(encodePNG(t, g16)), 2, 1)
	if err != nil || x.At(0, 0) != 1 || x.At(1, 0) != 128.0/255 {
		t.Errorf("16-bit gray: %v, %v", x, err)
	}
}

func TestReadImageErrors(t *testing.T) {
	small := encodePNG(t, image.NewGray(image.Rect(0, 0, 32, 30)))

	// A 1×1 image whose header claims 100000×100000 pixels, with a valid
	// header checksum, as a malicious file would be.
	huge := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	binary.BigEndian.PutUint32(huge[16:], 100000) // IHDR width
	binary.BigEndian.PutUint32(huge[20:], 100000) // IHDR height
	binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))

	tests := []struct {
		name string
		b    []byte
		w, h int
		want []string
	}{
		{"wrong size", small, 28, 28, []string{`in\.png is 32×30 pixels \(width × height\), but the input needs 28×28: resize the image to 28×28`}},
		{"huge header", huge, 28, 28, []string{`100000×100000 pixels`}},
		{"not PNG", []byte("GIF89a"), 28, 28, []string{`in\.png is not a valid PNG image`, `save it as PNG`}},
		{"truncated", small[:len(small)-20], 32, 30, []string{`not a valid PNG image`}},
		{"bad size", small, 0, 28, []string{`size 0×28 is not positive`}},
	}
	for _, test := range tests {
		x, err := data.DecodeImage[float64]("in.png", bytes.NewReader(test.b), test.w, test.h)
		if x != nil {
			t.Errorf("%s: got an image with error %v", test.name, err)
		}
		mustMatchAll(t, err, append(test.want, `^data: `))
	}
	if _, err := data.ReadImage[float64](filepath.Join(t.TempDir(), "none.png"), 28, 28); !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}
