package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/backprop-go/backprop/matrix"
)

// Magic numbers of the two IDX files of an image set. An IDX magic is
// 0x0000TTDD: two zero bytes, the element type TT (0x08 for unsigned
// bytes) and the number of dimensions DD.
const (
	IDXImagesMagic = 0x00000803 // 2051: unsigned bytes, 3 dimensions (count, rows, columns)
	IDXLabelsMagic = 0x00000801 // 2049: unsigned bytes, 1 dimension (count)
)

// MaxIDXBytes is the largest pixel or label payload, in bytes, that the
// IDX readers accept. A header that declares more is rejected before
// anything is read or allocated. MNIST's training images take 47,040,000
// bytes.
const MaxIDXBytes = 1 << 31

// idxClasses is the number of classes of the IDX sets read here: the ten
// digits of MNIST, or the ten clothing classes of Fashion-MNIST.
const idxClasses = 10

// gzipMagic is the first two bytes of a gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// ReadIDX reads an image set stored as a pair of IDX files, as MNIST and
// Fashion-MNIST are: imagesPath holds the images and labelsPath the
// labels. Each file may be raw or gzip-compressed; gzip is recognised by
// its first two bytes, 1f 8b, not by the file name. See DecodeIDX for the
// format, the result and the errors.
func ReadIDX[T matrix.Float](imagesPath, labelsPath string) (*Dataset[T], error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, fmt.Errorf("data: opening the IDX images file: %w", err)
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, fmt.Errorf("data: opening the IDX labels file: %w", err)
	}
	defer fl.Close()
	return DecodeIDX[T](imagesPath, fi, labelsPath, fl)
}

// DecodeIDX decodes an image set from its IDX images stream and labels
// stream, either of which may be gzip-compressed. imagesName and
// labelsName name the streams in errors.
//
// The IDX format (LeCun et al., the MNIST database page) stores
// big-endian 32-bit integers: the images file holds the magic 2051
// (0x00000803), the count m, the rows and the columns, followed by m·rows·
// columns unsigned bytes, one image after another in row-major order; the
// labels file holds the magic 2049 (0x00000801), the count m and m bytes.
//
// The result has X of shape (rows·columns, m): column j is image j, its
// pixels in row-major order scaled to [0, 1],
//
//	X[r·columns + c, j] = float64(pixel) / 255, then converted to T.
//
// Pixels are not inverted: in MNIST the digits are white (255) on black
// (0). Labels holds the labels, Classes is 10, ClassNames is "0" … "9" and
// Y is the (10, m) one-hot matrix. XBytes holds the pixels as read, one
// image per row, with the scale 1/255.
//
// DecodeIDX validates everything and treats its input as untrusted: the
// magic numbers (with a hint when the files are swapped or a file is a
// gzip stream that does not decompress), the element type and dimension
// count, counts of zero, a payload above MaxIDXBytes, the image and label
// counts, labels of 10 or more, and the lengths of the payloads. A stream
// that ends early gives an error that wraps io.ErrUnexpectedEOF and names
// the expected and the actual byte counts; bytes after the last label or
// image are an error too. Nothing is allocated from a header count before
// the bytes it declares have arrived.
func DecodeIDX[T matrix.Float](imagesName string, images io.Reader, labelsName string, labels io.Reader) (*Dataset[T], error) {
	imgs, err := openIDX(imagesName, "images", images)
	if err != nil {
		return nil, err
	}
	defer imgs.close()
	lbls, err := openIDX(labelsName, "labels", labels)
	if err != nil {
		return nil, err
	}
	defer lbls.close()

	// Headers first, so a swapped pair or a count mismatch is reported
	// before tens of megabytes are read.
	dims, err := imgs.header(IDXImagesMagic, IDXLabelsMagic, "count, rows, columns")
	if err != nil {
		return nil, err
	}
	ldims, err := lbls.header(IDXLabelsMagic, IDXImagesMagic, "count")
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
	if ldims[0] != m {
		return nil, fmt.Errorf("data: the images file %s contains %d images but the labels file %s contains %d labels: pass the labels of the same set (train with train, t10k with t10k)",
			imagesName, m, labelsName, ldims[0])
	}
	n := uint64(rows) * uint64(cols) // at most 2⁶⁴ − 2³³ + 1, no overflow
	if n > MaxIDXBytes || uint64(m) > MaxIDXBytes/n {
		return nil, imgs.errorf(4, "count, rows, columns", "%d images of %d×%d pixels exceed the %d bytes this reader accepts; the header is damaged or the set is too large",
			m, rows, cols, uint64(MaxIDXBytes))
	}

	pixels, err := imgs.payload(16, uint64(m)*n, fmt.Sprintf("%d images of %d×%d pixels", m, rows, cols))
	if err != nil {
		return nil, err
	}
	raw, err := lbls.payload(8, uint64(m), fmt.Sprintf("%d labels", m))
	if err != nil {
		return nil, err
	}

	labelsOut := make([]int, m)
	for j, b := range raw {
		if b >= idxClasses {
			return nil, lbls.errorf(8+int64(j), fmt.Sprintf("label of example %d (counted from 0)", j),
				"value %d is not a class 0 … %d; the file is not an MNIST-style labels file or is damaged", b, idxClasses-1)
		}
		labelsOut[j] = int(b)
	}

	X := pixelColumns[T](pixels, int(n), int(m))
	ds, err := FromLabels(X, labelsOut, idxClasses)
	if err != nil {
		return nil, err
	}
	ds.XBytes = matrix.NewBytes(int(m), int(n), pixels, 1.0/255)
	return ds, nil
}

// pixelColumns returns the (n, m) matrix whose column j holds the n bytes
// of image j, scaled by 1/255.
func pixelColumns[T matrix.Float](pixels []byte, n, m int) *matrix.Dense[T] {
	var scale [256]T
	for b := range scale {
		scale[b] = T(float64(b) / 255)
	}
	X := matrix.New[T](n, m, nil)
	x := X.RawData()
	// Blocks of images by blocks of pixels keep the lines of X being
	// written in cache, where writing whole columns would not.
	const images, rows = 16, 256
	for j0 := 0; j0 < m; j0 += images {
		j1 := min(j0+images, m)
		for p0 := 0; p0 < n; p0 += rows {
			p1 := min(p0+rows, n)
			for j := j0; j < j1; j++ {
				img := pixels[j*n+p0 : j*n+p1]
				for p, b := range img {
					x[(p0+p)*m+j] = scale[b]
				}
			}
		}
	}
	return X
}

// idxStream is one IDX input: its name, its role ("images" or "labels"),
// and a reader that decompresses it when it starts with the gzip magic.
type idxStream struct {
	name, role string
	r          io.Reader
	gz         *gzip.Reader // nil for a raw stream
	head       []byte       // the first 4 bytes as stored, before any decompression
}

// openIDX wraps r, detecting gzip by its first two bytes.
func openIDX(name, role string, r io.Reader) (*idxStream, error) {
	br := bufio.NewReader(r)
	s := &idxStream{name: name, role: role, r: br}
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data: %s file %s: %w", role, name, err)
	}
	s.head = append([]byte(nil), head...)
	if !bytes.HasPrefix(head, gzipMagic) {
		return s, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, s.notGzip(err)
	}
	s.gz, s.r = zr, zr
	return s, nil
}

// notGzip returns the error for a stream that starts with the gzip magic
// but does not decompress: it may be an IDX file whose first bytes are
// damaged, so the message also gives the magic it would have as IDX.
func (s *idxStream) notGzip(err error) error {
	want := uint32(IDXImagesMagic)
	if s.role == "labels" {
		want = IDXLabelsMagic
	}
	as := ""
	if len(s.head) == 4 {
		m := binary.BigEndian.Uint32(s.head)
		as = fmt.Sprintf("; read as raw IDX, its magic 0x%08x (%d) is not the %s magic 0x%08x (%d)", m, m, s.role, want, want)
	}
	return fmt.Errorf("data: %s file %s: starts with the gzip signature 1f 8b but does not decompress (%v)%s: download the file again, or pass the decompressed file",
		s.role, s.name, err, as)
}

func (s *idxStream) close() {
	if s.gz != nil {
		s.gz.Close()
	}
}

// errorf returns an error about field at byte offset off of the stream,
// counted in the decompressed data for a gzip stream.
func (s *idxStream) errorf(off int64, field, format string, args ...any) error {
	where := fmt.Sprintf("byte %d", off)
	if s.gz != nil {
		where += " of the decompressed data"
	}
	return fmt.Errorf("data: %s file %s: %s at %s: %s", s.role, s.name, field, where, fmt.Sprintf(format, args...))
}

// header reads the magic and the dimensions, checking the magic against
// want and, for a clear hint, against other, the magic of the other file
// of the pair. dimNames lists the dimensions for messages.
func (s *idxStream) header(want, other uint32, dimNames string) ([]uint32, error) {
	ndims := int(want & 0xff)
	buf := make([]byte, 4+4*ndims)
	n, err := io.ReadFull(s.r, buf[:4])
	if err != nil && n == 0 && s.gz != nil && !errors.Is(err, io.EOF) {
		return nil, s.notGzip(err)
	}
	if err != nil {
		return nil, s.short(0, "the magic", 4+4*ndims, n, err)
	}
	magic := binary.BigEndian.Uint32(buf)
	switch {
	case magic == want:
	case magic == other:
		order := "pass the images file first and the labels file second"
		return nil, s.errorf(0, "magic", "0x%08x is the %s magic, not the %s magic 0x%08x (%d): %s",
			magic, otherRole(s.role), s.role, want, want, order)
	case magic>>16 != 0:
		return nil, s.errorf(0, "magic", "0x%08x (%d) is not an IDX magic; the %s magic is 0x%08x (%d): check that this is an IDX file",
			magic, magic, s.role, want, want)
	case magic>>8&0xff != 0x08:
		return nil, s.errorf(2, "element type", "0x%02x (%s) is not supported; the %s magic is 0x%08x (%d), unsigned bytes",
			magic>>8&0xff, idxTypeName(magic>>8&0xff), s.role, want, want)
	default:
		return nil, s.errorf(3, "dimension count", "%d dimensions, but an IDX %s file has %d (%s): the magic is 0x%08x, want 0x%08x (%d)",
			magic&0xff, s.role, ndims, dimNames, magic, want, want)
	}

	n, err = io.ReadFull(s.r, buf[4:])
	if err != nil {
		return nil, s.short(4, "the dimensions "+dimNames, 4+4*ndims, 4+n, err)
	}
	dims := make([]uint32, ndims)
	for i := range dims {
		dims[i] = binary.BigEndian.Uint32(buf[4+4*i:])
	}
	return dims, nil
}

// payload reads exactly size bytes that start at byte off, with what
// describing them for messages, and checks that nothing follows. The
// buffer grows with the bytes that arrive, so a header that declares more
// than the stream holds costs no more memory than the stream.
func (s *idxStream) payload(off int64, size uint64, what string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(size, 1<<20)))
	n, err := buf.ReadFrom(io.LimitReader(s.r, int64(size)))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, s.readError(off+n, err)
	}
	if uint64(n) < size {
		return nil, fmt.Errorf("data: %s file %s: expected %d bytes after the %d-byte header for %s, found %d: the file is truncated; download it again: %w",
			s.role, s.name, size, off, what, n, io.ErrUnexpectedEOF)
	}
	var extra [1]byte
	if k, err := io.ReadFull(s.r, extra[:]); k > 0 {
		rest, _ := io.Copy(io.Discard, s.r)
		return nil, s.errorf(off+int64(size), "end of data", "%d more bytes follow the %s that the header declares; the count in the header may be wrong", 1+rest, what)
	} else if err != nil && !errors.Is(err, io.EOF) {
		return nil, s.readError(off+int64(size), err)
	}
	return buf.Bytes(), nil
}

// short returns the error for a header cut off after got of want bytes.
func (s *idxStream) short(off int64, field string, want, got int, err error) error {
	if got == 0 && off == 0 && errors.Is(err, io.EOF) {
		return fmt.Errorf("data: %s file %s is empty: expected an IDX %s file: %w", s.role, s.name, s.role, io.ErrUnexpectedEOF)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("data: %s file %s: the stream ends in the header, in %s, after %d of %d bytes: the file is truncated: %w",
			s.role, s.name, field, got, want, io.ErrUnexpectedEOF)
	}
	return s.readError(off, err)
}

// readError wraps an error of the underlying reader or of gzip.
func (s *idxStream) readError(off int64, err error) error {
	if s.gz != nil {
		return fmt.Errorf("data: %s file %s: decompressing at byte %d of the decompressed data: %w; the gzip stream is damaged or truncated: download it again",
			s.role, s.name, off, err)
	}
	return fmt.Errorf("data: %s file %s: reading at byte %d: %w", s.role, s.name, off, err)
}

func otherRole(role string) string {
	if role == "images" {
		return "labels"
	}
	return "images"
}

// idxTypeName names an IDX element type code.
func idxTypeName(t uint32) string {
	switch t {
	case 0x08:
		return "unsigned byte"
	case 0x09:
		return "signed byte"
	case 0x0b:
		return "16-bit integer"
	case 0x0c:
		return "32-bit integer"
	case 0x0d:
		return "32-bit float"
	case 0x0e:
		return "64-bit float"
	}
	return "unknown type"
}
