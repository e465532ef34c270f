package data

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"

	"github.com/backprop-go/backprop/matrix"
)

// ReadImage reads the PNG image at path as one input column; see
// DecodeImage.
func ReadImage[T matrix.Float](path string, width, height int) (*matrix.Dense[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: opening the image: %w", err)
	}
	defer f.Close()
	return DecodeImage[T](path, f, width, height)
}

// DecodeImage decodes a PNG image of exactly width × height pixels, name
// naming it in errors. It returns an input column of shape
// (width·height, 1) with the pixels in row-major order. Each pixel is
// converted to 8-bit gray by color.GrayModel, the luma
// 0.299·R + 0.587·G + 0.114·B of ITU-R BT.601 computed on 16-bit channels
// as
//
//	gray = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 24
//
// and scaled to [0, 1] as float64(gray)/255, then converted to T. A gray
// PNG keeps its 8-bit levels exactly. Colors are alpha-premultiplied, so
// transparent pixels count as black.
//
// Gray levels are not inverted. MNIST digits are white (1) on black (0),
// so a digit drawn in black on white must be inverted before a network
// trained on MNIST can read it.
//
// The size is checked from the PNG header before the pixels are decoded,
// so a large image costs nothing to reject. DecodeImage returns an error
// naming both sizes if they differ, and an error if the data is not a
// valid PNG image or width or height is not positive.
func DecodeImage[T matrix.Float](name string, r io.Reader, width, height int) (*matrix.Dense[T], error) {
	if width <= 0 || height <= 0 {
		return nil, fmt.Errorf("data: %s: the expected image size %d×%d is not positive", name, width, height)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("data: reading %s: %w", name, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("data: %s is not a valid PNG image (%v): save it as PNG", name, err)
	}
	if cfg.Width != width || cfg.Height != height {
		return nil, fmt.Errorf("data: %s is %d×%d pixels (width × height), but the input needs %d×%d: resize the image to %d×%d",
			name, cfg.Width, cfg.Height, width, height, width, height)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("data: %s is not a valid PNG image (%v): save it as PNG", name, err)
	}
	return grayColumn[T](img), nil
}

// grayColumn returns the pixels of img, gray and scaled to [0, 1], as a
// column in row-major order.
func grayColumn[T matrix.Float](img image.Image) *matrix.Dense[T] {
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	X := matrix.New[T](w*h, 1, nil)
	x := X.RawData()
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			g := color.GrayModel.Convert(img.At(bounds.Min.X+c, bounds.Min.Y+r)).(color.Gray)
			x[r*w+c] = T(float64(g.Y) / 255)
		}
	}
	return X
}
