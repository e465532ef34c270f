package data

import (
	"fmt"
	"io"
	"os"

	"github.com/backprop-go/backprop/matrix"
)

// ReadIDXImages reads an IDX images file without labels, for prediction;
// see DecodeIDXImages.
func ReadIDXImages[T matrix.Float](path string) (*matrix.Dense[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: opening the IDX images file: %w", err)
	}
	defer f.Close()
	return DecodeIDXImages[T](path, f)
}

// DecodeIDXImages decodes an IDX images stream, raw or gzip, into X of
// shape (rows·columns, m), one image per column scaled to [0, 1], with the
// checks of DecodeIDX.
func DecodeIDXImages[T matrix.Float](name string, r io.Reader) (*matrix.Dense[T], error) {
	imgs, err := openIDX(name, "images", r)
	if err != nil {
		return nil, err
	}
	defer imgs.close()
	dims, err := imgs.header(IDXImagesMagic, IDXLabelsMagic, "count, rows, columns")
	if err != nil {
		return nil, err
	}
	m, rows, cols := dims[0], dims[1], dims[2]
	if m == 0 {
		return nil, imgs.errorf(4, "count", "the file declares 0 images: no examples to read; pass a file with at least one image")
	}
	if rows == 0 || cols == 0 {
		return nil, imgs.errorf(8, "rows, columns", "images of %d×%d pixels are empty; the header is damaged", rows, cols)
	}
	n := uint64(rows) * uint64(cols)
	if n > MaxIDXBytes || uint64(m) > MaxIDXBytes/n {
		return nil, imgs.errorf(4, "count, rows, columns", "%d images of %d×%d pixels exceed the %d bytes this reader accepts; the header is damaged or the set is too large",
			m, rows, cols, uint64(MaxIDXBytes))
	}
	pixels, err := imgs.payload(16, uint64(m)*n, fmt.Sprintf("%d images of %d×%d pixels", m, rows, cols))
	if err != nil {
		return nil, err
	}
	return pixelColumns[T](pixels, int(n), int(m)), nil
}
