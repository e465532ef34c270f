package matrix

import (
	"fmt"
	"unsafe"

	"github.com/backprop-go/backprop/matrix/internal/kernel"
)

// Float is the set of element types a Dense may hold.
type Float interface{ float32 | float64 }

// Dense is a row-major matrix of float32 or float64. The zero value is a
// 0×0 matrix.
type Dense[T Float] struct {
	rows, cols int
	data       []T
}

// New returns an r×c matrix backed by data, which New does not copy. A nil
// data allocates a matrix of zeros. New panics if r or c is negative or if
// len(data) ≠ r·c.
func New[T Float](r, c int, data []T) *Dense[T] {
	if r < 0 || c < 0 {
		panic(ErrNegative)
	}
	if data == nil {
		data = make([]T, r*c)
	}
	if len(data) != r*c {
		panic(ErrDataLength)
	}
	return &Dense[T]{rows: r, cols: c, data: data}
}

// FromRows returns a matrix holding a copy of rows, one slice per row. It
// returns an error if the rows differ in length, since rows usually come
// from a user's file.
func FromRows[T Float](rows [][]T) (*Dense[T], error) {
	if len(rows) == 0 {
		return New[T](0, 0, nil), nil
	}
	c := len(rows[0])
	m := New[T](len(rows), c, nil)
	for i, row := range rows {
		if len(row) != c {
			return nil, fmt.Errorf("matrix: row %d has %d values, row 0 has %d", i, len(row), c)
		}
		copy(m.data[i*c:], row)
	}
	return m, nil
}

// Dims returns the number of rows and columns.
func (m *Dense[T]) Dims() (r, c int) { return m.rows, m.cols }

// Rows returns the number of rows.
func (m *Dense[T]) Rows() int { return m.rows }

// Cols returns the number of columns.
func (m *Dense[T]) Cols() int { return m.cols }

// Len returns the number of elements, rows × columns.
func (m *Dense[T]) Len() int { return m.rows * m.cols }

// ShapeString formats the shape as the lecture writes it, "(r, c)".
func (m *Dense[T]) ShapeString() string { return fmt.Sprintf("(%d, %d)", m.rows, m.cols) }

// At returns element (i, j). It panics if the index is out of range.
func (m *Dense[T]) At(i, j int) T {
	if uint(i) >= uint(m.rows) || uint(j) >= uint(m.cols) {
		panic(ErrIndex)
	}
	return m.data[i*m.cols+j]
}

// Set sets element (i, j) to v. It panics if the index is out of range.
func (m *Dense[T]) Set(i, j int, v T) {
	if uint(i) >= uint(m.rows) || uint(j) >= uint(m.cols) {
		panic(ErrIndex)
	}
	m.data[i*m.cols+j] = v
}

// RawData returns the backing slice, row-major, of length r·c. Changes to it
// change the matrix.
func (m *Dense[T]) RawData() []T { return m.data[:m.rows*m.cols] }

// RawRow returns row i of the backing slice.
func (m *Dense[T]) RawRow(i int) []T {
	if uint(i) >= uint(m.rows) {
		panic(ErrIndex)
	}
	return m.data[i*m.cols : (i+1)*m.cols]
}

// Resize makes m an r×c matrix, reusing the backing slice when its
// capacity suffices. The elements' values after Resize are unspecified.
func (m *Dense[T]) Resize(r, c int) {
	if r < 0 || c < 0 {
		panic(ErrNegative)
	}
	if cap(m.data) < r*c {
		m.data = make([]T, r*c)
	}
	m.data = m.data[:r*c]
	m.rows, m.cols = r, c
}

// Zero sets every element to zero.
func (m *Dense[T]) Zero() { clear(m.RawData()) }

// Fill sets every element to v.
func (m *Dense[T]) Fill(v T) {
	d := m.RawData()
	for i := range d {
		d[i] = v
	}
}

// Copy makes m a copy of a, resizing m to a's shape.
func (m *Dense[T]) Copy(a *Dense[T]) {
	if m == a {
		return
	}
	m.Resize(a.rows, a.cols)
	copy(m.data, a.RawData())
}

// Clone returns a new matrix equal to m, with its own storage.
func (m *Dense[T]) Clone() *Dense[T] {
	c := New[T](m.rows, m.cols, nil)
	copy(c.data, m.RawData())
	return c
}

// ToRows returns a copy of the elements as one slice per row.
func (m *Dense[T]) ToRows() [][]T {
	out := make([][]T, m.rows)
	for i := range out {
		out[i] = append([]T(nil), m.data[i*m.cols:(i+1)*m.cols]...)
	}
	return out
}

// Equal reports whether a and b have the same shape and elements. NaN is
// unequal to everything, as with ==.
func Equal[T Float](a, b *Dense[T]) bool {
	if a.rows != b.rows || a.cols != b.cols {
		return false
	}
	bd := b.RawData()
	for i, v := range a.RawData() {
		if v != bd[i] {
			return false
		}
	}
	return true
}

// Convert returns a copy of a with elements of type U.
func Convert[U, T Float](a *Dense[T]) *Dense[U] {
	out := New[U](a.rows, a.cols, nil)
	for i, v := range a.RawData() {
		out.data[i] = U(v)
	}
	return out
}

// FirstNonFinite returns the position of the first NaN or ±Inf element in
// row-major order, and ok = false when every element is finite.
func FirstNonFinite[T Float](a *Dense[T]) (i, j int, ok bool) {
	k := kernel.FirstNonFinite(a.RawData())
	if k < 0 {
		return 0, 0, false
	}
	return k / a.cols, k % a.cols, true
}

// overlaps reports whether the backing slices of a and b share memory.
func overlaps[T Float](a, b *Dense[T]) bool {
	ad, bd := a.RawData(), b.RawData()
	if len(ad) == 0 || len(bd) == 0 {
		return false
	}
	size := unsafe.Sizeof(ad[0])
	a0 := uintptr(unsafe.Pointer(&ad[0]))
	b0 := uintptr(unsafe.Pointer(&bd[0]))
	a1 := a0 + uintptr(len(ad))*size
	b1 := b0 + uintptr(len(bd))*size
	return a0 < b1 && b0 < a1
}

// String formats m as rows of numbers, one row a line.
func (m *Dense[T]) String() string {
	s := ""
	for i := 0; i < m.rows; i++ {
		s += fmt.Sprint(m.data[i*m.cols : (i+1)*m.cols])
		if i < m.rows-1 {
			s += "\n"
		}
	}
	return s
}
