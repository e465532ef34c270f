package data

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"
)

// ErrHDF5Unsupported is matched, through errors.Is, by the errors of
// ReadHDF5, ParseHDF5 and HDF5File.Dataset that reject a valid HDF5 feature
// this reader does not implement, such as chunked storage or compression.
var ErrHDF5Unsupported = errors.New("unsupported HDF5 feature")

// HDF5File is an HDF5 file held in memory: the paths of its datasets and
// their decoded headers. Use ReadHDF5 or ParseHDF5 to get one.
//
// The reader implements the part of the HDF5 file format (specification
// version 3.0, The HDF Group) that libhdf5 writes with its default
// "earliest" format bounds, which is also h5py's default:
//   - superblock versions 0 and 1, with offsets and lengths of 2, 4 or 8
//     bytes, and an optional user block before the superblock;
//   - version 1 object headers, with continuation blocks;
//   - groups stored as symbol tables (version 1 B-tree and local heap);
//   - datasets with contiguous or compact storage, no filters, and a scalar
//     or simple dataspace of rank at most 32;
//   - datatypes: integers of 1, 2, 4 or 8 bytes, signed or unsigned, in
//     either byte order, IEEE 754 binary32 and binary64 in either byte
//     order, and fixed-length strings.
//
// Other features give an error that matches ErrHDF5Unsupported and names the
// feature and the object: superblock versions 2 and 3, version 2 object
// headers, groups stored as links, shared (committed) datatypes, chunked and
// virtual storage, filter pipelines (compression), external storage,
// storage never written, null dataspaces, and the other datatype classes
// (compound, enum, array, variable-length, reference, opaque, bitfield and
// time). A file that uses such a feature only in some datasets still opens;
// Dataset returns the error for those datasets alone. Attributes, fill
// values and modification times are skipped.
//
// Input may be untrusted. Parsing never panics. Every address and length is
// checked against the file before it is used, and no allocation is sized by
// a value that has not been checked against the file's length. Each
// metadata structure is read once, and parsing stops with an error once the
// metadata it reads and the object paths it builds pass 16 times the file
// size plus 1 MiB, so work and memory stay linear in the file size.
// Checksums are not verified, because the structures read here carry none.
type HDF5File struct {
	name     string
	datasets map[string]h5Entry
	paths    []string
}

// h5Entry is a dataset as found under one path: decoded, or the reason it
// cannot be read.
type h5Entry struct {
	dataset *HDF5Dataset
	err     error
}

// ReadHDF5 reads the whole HDF5 file at path into memory and parses it as
// ParseHDF5 does, naming the file by path in errors.
func ReadHDF5(path string) (*HDF5File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: read HDF5 file: %w", err)
	}
	return ParseHDF5(path, b)
}

// ParseHDF5 parses the HDF5 file image b, walking every group from the root
// and decoding the header of every dataset. The name is used only in error
// messages. The datasets keep references into b, so b must not be modified
// afterwards.
//
// ParseHDF5 returns an error if the file is not HDF5, is truncated (the
// error then matches io.ErrUnexpectedEOF), is corrupt, or uses an
// unsupported feature in its superblock, object headers or groups (the
// error then matches ErrHDF5Unsupported). Errors name the file, the object
// when there is one, the field and its byte offset in the file. See
// HDF5File for what is supported.
func ParseHDF5(name string, b []byte) (*HDF5File, error) {
	r := &h5Reader{
		name:     name,
		b:        b,
		budget:   16*int64(len(b)) + 1<<20,
		headers:  make(map[int64]*h5Header),
		blocks:   make(map[int64]bool),
		nodes:    make(map[int64]bool),
		groups:   make(map[int64]bool),
		paths:    make(map[string]bool),
		datasets: make(map[string]h5Entry),
	}
	root, err := r.readSuperblock()
	if err != nil {
		return nil, err
	}
	if err := r.visit("/", root, 0, -1); err != nil {
		return nil, err
	}
	f := &HDF5File{name: name, datasets: r.datasets}
	for p := range r.datasets {
		f.paths = append(f.paths, p)
	}
	slices.Sort(f.paths)
	return f, nil
}

// Datasets returns the full paths of the file's datasets, such as
// "/train_set_x", in sorted order, including those Dataset cannot read.
func (f *HDF5File) Datasets() []string { return slices.Clone(f.paths) }

// Dataset returns the dataset at path, written with or without the leading
// "/". It returns an error if there is no dataset at path, or if the
// dataset uses a feature this reader does not support (matching
// ErrHDF5Unsupported) or has a corrupt header.
func (f *HDF5File) Dataset(path string) (*HDF5Dataset, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	e, ok := f.datasets[path]
	if !ok {
		list := f.paths
		more := ""
		if len(list) > 10 {
			list, more = list[:10], ", …"
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("data: %s: dataset %s not found: the file has no datasets", f.name, path)
		}
		return nil, fmt.Errorf("data: %s: dataset %s not found: the file has %s%s", f.name, path, strings.Join(list, ", "), more)
	}
	if e.err != nil {
		return nil, e.err
	}
	d := *e.dataset
	d.Name = path
	d.Shape = slices.Clone(d.Shape)
	return &d, nil
}

// HDF5Kind is the kind of number or text a dataset stores.
type HDF5Kind int

// The kinds of dataset elements ParseHDF5 reads.
const (
	HDF5Int    HDF5Kind = iota + 1 // signed two's-complement integer
	HDF5Uint                       // unsigned integer
	HDF5Float                      // IEEE 754 binary32 or binary64
	HDF5String                     // fixed-length byte string
)

// String returns "int", "uint", "float" or "string".
func (k HDF5Kind) String() string {
	switch k {
	case HDF5Int:
		return "int"
	case HDF5Uint:
		return "uint"
	case HDF5Float:
		return "float"
	case HDF5String:
		return "string"
	}
	return fmt.Sprintf("HDF5Kind(%d)", int(k))
}

// HDF5Dataset is one dataset of an HDF5File. Its elements are stored in
// row-major (C) order of Shape, as HDF5 stores them.
type HDF5Dataset struct {
	// Name is the dataset's full path in the file, such as "/train_set_x".
	Name string
	// Shape lists the dimensions, outermost first. It is empty for a
	// scalar dataset, which has one element.
	Shape []int
	// Kind is the kind of element.
	Kind HDF5Kind
	// Size is the number of bytes per element: 1, 2, 4 or 8 for numbers,
	// the fixed length for strings.
	Size int

	file  string
	order binary.ByteOrder
	pad   uint8  // string padding: 0 NUL-terminated, 1 NUL-padded, 2 space-padded
	raw   []byte // the stored elements, len = Len()·Size, aliasing the file image
}

// Len returns the number of elements, the product of Shape.
func (d *HDF5Dataset) Len() int {
	if d.Size <= 0 {
		return 0
	}
	return len(d.raw) / d.Size
}

// String describes the dataset as its name, element type and shape, such
// as "/train_set_x uint8 (209, 64, 64, 3)".
func (d *HDF5Dataset) String() string {
	dims := make([]string, len(d.Shape))
	for i, n := range d.Shape {
		dims[i] = fmt.Sprint(n)
	}
	shape := "(" + strings.Join(dims, ", ") + ")"
	if len(d.Shape) == 1 {
		shape = "(" + dims[0] + ",)"
	}
	return d.Name + " " + d.typeName() + " " + shape
}

// typeName returns the element type as numpy spells it, such as "uint8",
// "float64" or "string(7)".
func (d *HDF5Dataset) typeName() string {
	if d.Kind == HDF5String {
		return fmt.Sprintf("string(%d)", d.Size)
	}
	return fmt.Sprintf("%s%d", d.Kind, 8*d.Size)
}

// Uint8s returns a copy of the elements of a uint8 dataset. It returns an
// error for any other element type.
func (d *HDF5Dataset) Uint8s() ([]uint8, error) {
	if d.Kind != HDF5Uint || d.Size != 1 {
		return nil, fmt.Errorf("data: %s: dataset %s is %s, not uint8; use Int64s or Float64s", d.file, d.Name, d.typeName())
	}
	return slices.Clone(d.raw), nil
}

// Int64s returns the elements of an integer dataset as int64. It returns
// an error for floats and strings, and for a uint64 element above
// math.MaxInt64, naming its index.
func (d *HDF5Dataset) Int64s() ([]int64, error) {
	if d.Kind != HDF5Int && d.Kind != HDF5Uint {
		return nil, fmt.Errorf("data: %s: dataset %s is %s, not an integer type; use Float64s or Strings", d.file, d.Name, d.typeName())
	}
	out := make([]int64, d.Len())
	for i := range out {
		u := d.uint(i)
		if d.Kind == HDF5Int {
			out[i] = d.signExtend(u)
			continue
		}
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("data: %s: dataset %s: element %d = %d does not fit in int64", d.file, d.Name, i, u)
		}
		out[i] = int64(u)
	}
	return out, nil
}

// Float64s returns the elements of a numeric dataset as float64. Integers
// convert exactly up to magnitude 2⁵³ and are rounded to the nearest
// float64 beyond. It returns an error for strings.
func (d *HDF5Dataset) Float64s() ([]float64, error) {
	if d.Kind == HDF5String {
		return nil, fmt.Errorf("data: %s: dataset %s is %s, not a numeric type; use Strings", d.file, d.Name, d.typeName())
	}
	out := make([]float64, d.Len())
	for i := range out {
		u := d.uint(i)
		switch {
		case d.Kind == HDF5Int:
			out[i] = float64(d.signExtend(u))
		case d.Kind == HDF5Uint:
			out[i] = float64(u)
		case d.Size == 4:
			out[i] = float64(math.Float32frombits(uint32(u)))
		default:
			out[i] = math.Float64frombits(u)
		}
	}
	return out, nil
}

// Strings returns the elements of a fixed-length string dataset with their
// padding removed: a NUL-terminated string ends at its first NUL, a
// NUL-padded one loses its trailing NULs, and a space-padded one its
// trailing spaces. The bytes are returned as stored, whether the file marks
// them ASCII or UTF-8. It returns an error for numeric datasets.
func (d *HDF5Dataset) Strings() ([]string, error) {
	if d.Kind != HDF5String {
		return nil, fmt.Errorf("data: %s: dataset %s is %s, not a string type; use Float64s or Int64s", d.file, d.Name, d.typeName())
	}
	out := make([]string, d.Len())
	for i := range out {
		s := d.raw[i*d.Size : (i+1)*d.Size]
		switch d.pad {
		case 0:
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
		case 1:
			s = bytes.TrimRight(s, "\x00")
		default:
			s = bytes.TrimRight(s, " ")
		}
		out[i] = string(s)
	}
	return out, nil
}

// uint returns the bits of numeric element i, zero-extended.
func (d *HDF5Dataset) uint(i int) uint64 {
	p := d.raw[i*d.Size : (i+1)*d.Size]
	switch d.Size {
	case 1:
		return uint64(p[0])
	case 2:
		return uint64(d.order.Uint16(p))
	case 4:
		return uint64(d.order.Uint32(p))
	}
	return d.order.Uint64(p)
}

// signExtend interprets the low Size bytes of u as a two's-complement
// integer.
func (d *HDF5Dataset) signExtend(u uint64) int64 {
	shift := 64 - 8*d.Size
	return int64(u<<shift) >> shift
}

// HDF5 structure signatures and message types (format specification
// sections II, III and IV.A.2).
const (
	h5Signature = "\x89HDF\r\n\x1a\n"

	h5MsgNIL          = 0x00
	h5MsgDataspace    = 0x01
	h5MsgLinkInfo     = 0x02
	h5MsgDatatype     = 0x03
	h5MsgLink         = 0x06
	h5MsgExternal     = 0x07
	h5MsgLayout       = 0x08
	h5MsgGroupInfo    = 0x0A
	h5MsgFilters      = 0x0B
	h5MsgContinuation = 0x10
	h5MsgSymbolTable  = 0x11

	// h5MsgFlagShared marks a message stored elsewhere and referenced here.
	h5MsgFlagShared = 0x02
	// h5MsgFlagFailUnknown requires a reader that does not know the
	// message type to fail.
	h5MsgFlagFailUnknown = 0x80

	// h5MaxRank is the largest dataspace rank libhdf5 accepts (H5S_MAX_RANK).
	h5MaxRank = 32
	// h5MaxDepth bounds group nesting so that a corrupt file cannot recurse
	// without end; real files nest a handful of levels.
	h5MaxDepth = 256

	h5Undefined = math.MaxUint64 // the undefined address, all bits set
)

// h5Known lists the message types ParseHDF5 reads or may skip, so that an
// unknown message flagged "fail if unknown" is rejected.
var h5Known = map[uint16]bool{
	0x00: true, 0x01: true, 0x02: true, 0x03: true, 0x04: true, 0x05: true,
	0x06: true, 0x07: true, 0x08: true, 0x0A: true, 0x0B: true, 0x0C: true,
	0x0D: true, 0x0E: true, 0x10: true, 0x11: true, 0x12: true, 0x13: true,
	0x14: true, 0x15: true, 0x16: true, 0x17: true,
}

// h5Reader holds the state of one ParseHDF5 call.
type h5Reader struct {
	name        string
	b           []byte
	base        int64 // file offset of the superblock; addresses count from here
	sizeOffsets int
	sizeLengths int

	budget   int64               // bytes of metadata and paths still allowed
	headers  map[int64]*h5Header // object headers by file offset
	blocks   map[int64]bool      // object header blocks read
	nodes    map[int64]bool      // B-tree and symbol table nodes read
	groups   map[int64]bool      // groups walked, by object header offset
	paths    map[string]bool     // every object path visited
	datasets map[string]h5Entry  // by full path
}

// h5Error is a parse error at a byte offset of the file.
type h5Error struct {
	file        string
	object      string // such as "dataset /x"; empty for the superblock
	field       string
	offset      int64
	err         error
	unsupported bool
}

func (e *h5Error) Error() string {
	s := "data: " + e.file + ": "
	if e.object != "" {
		s += e.object + ": "
	}
	return s + fmt.Sprintf("%s at byte %d: %v", e.field, e.offset, e.err)
}

func (e *h5Error) Unwrap() error { return e.err }

func (e *h5Error) Is(target error) bool {
	return e.unsupported && target == ErrHDF5Unsupported
}

// errorf returns an error about field at file offset off of object.
func (r *h5Reader) errorf(off int64, object, field, format string, args ...any) error {
	return &h5Error{file: r.name, object: object, field: field, offset: off, err: fmt.Errorf(format, args...)}
}

// unsupportedf returns an error matching ErrHDF5Unsupported.
func (r *h5Reader) unsupportedf(off int64, object, field, format string, args ...any) error {
	return &h5Error{file: r.name, object: object, field: field, offset: off, err: fmt.Errorf(format, args...), unsupported: true}
}

// spend charges n bytes of work to the budget that keeps parsing linear in
// the file size.
func (r *h5Reader) spend(n int64, off int64, object, field string) error {
	r.budget -= n
	if r.budget < 0 {
		return r.errorf(off, object, field, "metadata read exceeds 16 times the file size: structures overlap or repeat, so the file is corrupt")
	}
	return nil
}

// offset converts address addr, read from field at file offset at, to a
// file offset, checking that it lies inside the file.
func (r *h5Reader) offset(addr uint64, at int64, object, field string) (int64, error) {
	if addr == h5Undefined {
		return 0, r.errorf(at, object, field, "address is undefined")
	}
	if addr >= uint64(len(r.b)) || r.base+int64(addr) >= int64(len(r.b)) {
		return 0, r.errorf(at, object, field, "address %d points past the end of the file (%d bytes): %w", addr, len(r.b), io.ErrUnexpectedEOF)
	}
	return r.base + int64(addr), nil
}

// slice returns the n bytes at address addr, checking that they lie inside
// the file.
func (r *h5Reader) slice(addr, n uint64, at int64, object, field string) ([]byte, int64, error) {
	off, err := r.offset(addr, at, object, field)
	if err != nil {
		return nil, 0, err
	}
	if n > uint64(len(r.b))-uint64(off) {
		return nil, 0, r.errorf(at, object, field, "%d bytes at byte %d run past the end of the file (%d bytes): %w", n, off, len(r.b), io.ErrUnexpectedEOF)
	}
	return r.b[off : off+int64(n)], off, nil
}

// h5Cursor reads little-endian fields from one structure of the file. The
// first error sticks: later reads return zero and the caller checks err
// once after a run of fields.
type h5Cursor struct {
	r      *h5Reader
	object string
	what   string // the structure, such as "object header", for overruns
	start  int64  // file offset of buf[0]
	buf    []byte
	pos    int
	last   int64 // file offset of the field read last
	eof    bool  // buf ends where the file ends, so an overrun is truncation
	err    error
}

// cursor returns a cursor over the file from offset off to its end.
func (r *h5Reader) cursor(off int64, object, what string) *h5Cursor {
	return &h5Cursor{r: r, object: object, what: what, start: off, buf: r.b[off:], last: off, eof: true}
}

// within returns a cursor over p, which starts at file offset off.
func (r *h5Reader) within(p []byte, off int64, object, what string) *h5Cursor {
	return &h5Cursor{r: r, object: object, what: what, start: off, buf: p, last: off}
}

func (c *h5Cursor) at() int64 { return c.start + int64(c.pos) }

// next consumes n bytes for field.
func (c *h5Cursor) next(n int, field string) []byte {
	if c.err != nil {
		return nil
	}
	c.last = c.at()
	if n < 0 || n > len(c.buf)-c.pos {
		if c.eof {
			c.err = c.r.errorf(c.last, c.object, field, "%d bytes needed but the file ends after %d: %w", n, len(c.buf)-c.pos, io.ErrUnexpectedEOF)
		} else {
			c.err = c.r.errorf(c.last, c.object, field, "%d bytes needed but the %s has %d left", n, c.what, len(c.buf)-c.pos)
		}
		return nil
	}
	p := c.buf[c.pos : c.pos+n]
	c.pos += n
	return p
}

func (c *h5Cursor) u8(field string) uint8 {
	p := c.next(1, field)
	if p == nil {
		return 0
	}
	return p[0]
}

func (c *h5Cursor) u16(field string) uint16 { return uint16(c.uint(2, field)) }
func (c *h5Cursor) u32(field string) uint32 { return uint32(c.uint(4, field)) }

// uint reads an n-byte little-endian unsigned integer; an n-byte value with
// all bits set becomes h5Undefined, as the undefined address is written.
func (c *h5Cursor) uint(n int, field string) uint64 {
	p := c.next(n, field)
	if p == nil {
		return 0
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(p[i])
	}
	if n < 8 && v == 1<<(8*n)-1 {
		return h5Undefined
	}
	return v
}

// addr reads a file address, sized by the superblock.
func (c *h5Cursor) addr(field string) uint64 { return c.uint(c.r.sizeOffsets, field) }

// length reads a length, sized by the superblock.
func (c *h5Cursor) length(field string) uint64 { return c.uint(c.r.sizeLengths, field) }

// signature reads and checks a 4-byte structure signature.
func (c *h5Cursor) signature(want, field string) {
	p := c.next(len(want), field)
	if c.err == nil && string(p) != want {
		c.err = c.r.errorf(c.last, c.object, field, "found %q, want %q", p, want)
	}
}

// fail records an error about the field read last, unless one is pending.
func (c *h5Cursor) fail(field, format string, args ...any) error {
	if c.err == nil {
		c.err = c.r.errorf(c.last, c.object, field, format, args...)
	}
	return c.err
}

// unsupported records an ErrHDF5Unsupported error about the field read
// last, unless one is pending.
func (c *h5Cursor) unsupported(field, format string, args ...any) error {
	if c.err == nil {
		c.err = c.r.unsupportedf(c.last, c.object, field, format, args...)
	}
	return c.err
}

// readSuperblock finds and decodes the superblock (versions 0 and 1) and
// returns the file offset of the root group's object header.
func (r *h5Reader) readSuperblock() (int64, error) {
	// The superblock sits at byte 0 or, after a user block, at 512, 1024,
	// 2048 and so on.
	sig := int64(-1)
	for off := int64(0); off+int64(len(h5Signature)) <= int64(len(r.b)); off = max(512, 2*off) {
		if string(r.b[off:off+int64(len(h5Signature))]) == h5Signature {
			sig = off
			break
		}
	}
	if sig < 0 {
		if len(r.b) < len(h5Signature) {
			return 0, r.errorf(0, "", "signature", "file has %d bytes, too short for HDF5: %w", len(r.b), io.ErrUnexpectedEOF)
		}
		return 0, r.errorf(0, "", "signature", "not an HDF5 file: no HDF5 signature at byte 0, 512, 1024 or a later power of two")
	}

	// Addresses count from the superblock. libhdf5 and h5py also write its
	// offset in the base address field, which is not needed here.
	r.base = sig

	c := r.cursor(sig, "", "superblock")
	c.next(len(h5Signature), "signature")
	version := c.u8("superblock version")
	if c.err == nil && version > 1 {
		return 0, c.unsupported("superblock version", "superblock version %d is not supported, only 0 and 1; write the file with libhdf5's default format bounds (in h5py, without libver='latest')", version)
	}
	c.u8("free-space storage version")
	c.u8("root group symbol table entry version")
	c.u8("reserved")
	c.u8("shared header message format version")
	so := c.u8("size of offsets")
	if c.err == nil && so != 2 && so != 4 && so != 8 {
		return 0, c.unsupported("size of offsets", "offsets of %d bytes are not supported, only 2, 4 or 8", so)
	}
	r.sizeOffsets = int(so)
	sl := c.u8("size of lengths")
	if c.err == nil && sl != 2 && sl != 4 && sl != 8 {
		return 0, c.unsupported("size of lengths", "lengths of %d bytes are not supported, only 2, 4 or 8", sl)
	}
	r.sizeLengths = int(sl)
	c.u8("reserved")
	c.u16("group leaf node K")
	c.u16("group internal node K")
	c.u32("file consistency flags")
	if version == 1 {
		c.u16("indexed storage internal node K")
		c.u16("reserved")
	}
	c.addr("base address")
	c.addr("free-space info address")
	eof := c.addr("end of file address")
	eofAt := c.last
	c.addr("driver information block address")
	_, _, root, rootAt := r.readEntry(c)
	if c.err != nil {
		return 0, c.err
	}
	// libhdf5 records the end of file including any user block.
	if eof != h5Undefined && eof > uint64(len(r.b)) {
		return 0, r.errorf(eofAt, "", "end of file address", "file is truncated: its end of file address is %d but it has %d bytes: %w", eof, len(r.b), io.ErrUnexpectedEOF)
	}
	return r.offset(root, rootAt, "group /", "root group object header address")
}

// readEntry decodes a symbol table entry: the offset of the link name in
// the group's local heap, the address of the object header, and the file
// offsets of both fields.
func (r *h5Reader) readEntry(c *h5Cursor) (name uint64, nameAt int64, header uint64, at int64) {
	name = c.length("link name offset")
	nameAt = c.last
	header = c.addr("object header address")
	at = c.last
	c.u32("cache type")
	c.u32("reserved")
	c.next(16, "scratch-pad")
	return name, nameAt, header, at
}

// h5Header is a decoded object header: its messages and the file offset
// of each message's data.
type h5Header struct {
	at   int64 // file offset of the header
	msgs []h5Message
}

// h5Message is one message of an object header.
type h5Message struct {
	typ   uint16
	flags uint8
	at    int64 // file offset of data
	data  []byte
}

// readHeader decodes the version 1 object header at file offset off,
// following continuation blocks. Headers are cached, so an object reached
// by several paths is read once.
func (r *h5Reader) readHeader(off int64, object string) (*h5Header, error) {
	if h, ok := r.headers[off]; ok {
		return h, nil
	}

	c := r.cursor(off, object, "object header")
	if bytes.HasPrefix(c.buf, []byte("OHDR")) {
		return nil, r.unsupportedf(off, object, "object header signature", "version 2 object headers (\"OHDR\") are not supported, only version 1; write the file with libhdf5's default format bounds and without creation-order tracking (in h5py, without libver='latest' or track_order=True)")
	}
	version := c.u8("object header version")
	if c.err == nil && version != 1 {
		return nil, c.fail("object header version", "object header version %d is not valid here: want 1", version)
	}
	c.u8("reserved")
	c.u16("number of header messages")
	c.u32("object reference count")
	size := c.u32("object header size")
	sizeAt := c.last
	c.next(4, "reserved (alignment)")
	if c.err != nil {
		return nil, c.err
	}

	// The header's first block follows its 16-byte prefix; continuation
	// messages add more blocks anywhere in the file.
	h := &h5Header{at: off}
	type block struct {
		addr  uint64 // relative to the base, as continuation messages store it
		size  uint64
		at    int64 // where the block's address was read, for errors
		field string
	}
	queue := []block{{addr: uint64(off + 16 - r.base), size: uint64(size), at: sizeAt, field: "object header size"}}
	for len(queue) > 0 {
		blk := queue[0]
		queue = queue[1:]
		p, start, err := r.slice(blk.addr, blk.size, blk.at, object, blk.field)
		if err != nil {
			return nil, err
		}
		if r.blocks[start] {
			return nil, r.errorf(blk.at, object, blk.field, "object header block at byte %d is read twice: the header loops or overlaps another", start)
		}
		r.blocks[start] = true
		if err := r.spend(int64(len(p)), blk.at, object, blk.field); err != nil {
			return nil, err
		}
		mc := r.within(p, start, object, "object header block")
		for len(mc.buf)-mc.pos >= 8 {
			typ := mc.u16("message type")
			msize := mc.u16("message size")
			flags := mc.u8("message flags")
			mc.next(3, "reserved")
			data := mc.next(int(msize), "message data")
			if mc.err != nil {
				return nil, mc.err
			}
			m := h5Message{typ: typ, flags: flags, at: mc.at() - int64(msize), data: data}
			h.msgs = append(h.msgs, m)
			if typ != h5MsgContinuation {
				continue
			}
			cc := r.within(data, m.at, object, "continuation message")
			addr := cc.addr("continuation offset")
			at := cc.last
			n := cc.length("continuation length")
			if cc.err != nil {
				return nil, cc.err
			}
			queue = append(queue, block{addr: addr, size: n, at: at, field: "continuation offset"})
		}
	}
	r.headers[off] = h
	return h, nil
}

// find returns the first message of type typ, or nil.
func (h *h5Header) find(typ uint16) *h5Message {
	for i := range h.msgs {
		if h.msgs[i].typ == typ {
			return &h.msgs[i]
		}
	}
	return nil
}

// visit reads the object header at file offset off, reached as path, and
// walks it if it is a group or decodes it if it is a dataset. Other objects,
// such as committed datatypes, are skipped. at is where the header's address
// was read, or -1 for the root.
func (r *h5Reader) visit(path string, off int64, depth int, at int64) error {
	object := "object " + path
	if r.paths[path] {
		return r.errorf(at, object, "link name", "path %s appears twice", path)
	}
	r.paths[path] = true

	h, err := r.readHeader(off, object)
	if err != nil {
		return err
	}
	switch {
	case h.find(h5MsgSymbolTable) != nil:
		return r.walkGroup(path, off, h, depth)
	case h.find(h5MsgLinkInfo) != nil || h.find(h5MsgLink) != nil || h.find(h5MsgGroupInfo) != nil:
		return r.unsupportedf(off, "group "+path, "object header", "groups stored as links (link info, link or group info messages) are not supported, only symbol table groups; write the file without libver='latest' or track_order=True in h5py")
	case h.find(h5MsgLayout) != nil || h.find(h5MsgDataspace) != nil:
		d, err := r.decodeDataset(path, h)
		r.datasets[path] = h5Entry{dataset: d, err: err}
	}
	return nil
}

// walkGroup lists a symbol table group: its symbol table message points to
// a version 1 B-tree of symbol table nodes and to the local heap that
// stores the link names.
func (r *h5Reader) walkGroup(path string, off int64, h *h5Header, depth int) error {
	object := "group " + path
	if r.groups[off] {
		// A group reached again through a hard link is not listed twice.
		return nil
	}
	r.groups[off] = true

	if depth >= h5MaxDepth {
		return r.errorf(off, object, "object header", "groups nest more than %d deep: the file is corrupt", h5MaxDepth)
	}
	m := h.find(h5MsgSymbolTable)
	if m.flags&h5MsgFlagShared != 0 {
		return r.unsupportedf(m.at, object, "symbol table message", "shared messages are not supported")
	}

	c := r.within(m.data, m.at, object, "symbol table message")
	btree := c.addr("v1 B-tree address")
	btreeAt := c.last
	heap := c.addr("local heap address")
	heapAt := c.last
	if c.err != nil {
		return c.err
	}

	names, err := r.readLocalHeap(heap, heapAt, object)
	if err != nil {
		return err
	}
	nodeOff, err := r.offset(btree, btreeAt, object, "v1 B-tree address")
	if err != nil {
		return err
	}
	g := &h5Group{path: path, object: object, depth: depth, names: names}
	return r.walkBTree(g, nodeOff, -1)
}

// h5Group is a group being listed.
type h5Group struct {
	path   string
	object string
	depth  int
	names  []byte // the local heap's data segment
}

// readLocalHeap decodes the local heap at addr and returns its data
// segment.
func (r *h5Reader) readLocalHeap(addr uint64, at int64, object string) ([]byte, error) {
	off, err := r.offset(addr, at, object, "local heap address")
	if err != nil {
		return nil, err
	}
	c := r.cursor(off, object, "local heap")
	c.signature("HEAP", "local heap signature")
	if v := c.u8("local heap version"); c.err == nil && v != 0 {
		return nil, c.fail("local heap version", "local heap version %d is not valid: want 0", v)
	}
	c.next(3, "reserved")
	size := c.length("data segment size")
	c.length("offset to head of free list")
	data := c.addr("data segment address")
	dataAt := c.last
	if c.err != nil {
		return nil, c.err
	}
	if err := r.spend(int64(c.pos), off, object, "local heap"); err != nil {
		return nil, err
	}
	p, _, err := r.slice(data, size, dataAt, object, "data segment address")
	return p, err
}

// walkBTree walks the version 1 group B-tree node at file offset off.
// wantLevel is the level the parent expects, or -1 at the root: levels must
// fall by one per step, so the walk ends.
func (r *h5Reader) walkBTree(g *h5Group, off int64, wantLevel int) error {
	if r.nodes[off] {
		return r.errorf(off, g.object, "v1 B-tree node", "node is reached twice: the B-tree is corrupt")
	}
	r.nodes[off] = true

	c := r.cursor(off, g.object, "v1 B-tree node")
	c.signature("TREE", "v1 B-tree signature")
	if typ := c.u8("v1 B-tree node type"); c.err == nil && typ != 0 {
		return c.fail("v1 B-tree node type", "node type %d in a group's B-tree: want 0 (group nodes)", typ)
	}
	level := int(c.u8("v1 B-tree node level"))
	if c.err == nil && wantLevel >= 0 && level != wantLevel {
		return c.fail("v1 B-tree node level", "node level %d under a node of level %d: want %d", level, wantLevel+1, wantLevel)
	}
	used := int(c.u16("v1 B-tree entries used"))
	c.addr("v1 B-tree left sibling address")
	c.addr("v1 B-tree right sibling address")
	if c.err != nil {
		return c.err
	}

	// Keys and children alternate, with one more key than children: for a
	// group, a key is a heap offset and a child the address of a node one
	// level down, or of a symbol table node at level 0.
	entrySize := r.sizeLengths + r.sizeOffsets
	if err := r.spend(int64(c.pos+used*entrySize+r.sizeLengths), off, g.object, "v1 B-tree node"); err != nil {
		return err
	}
	children := c.sub(used*entrySize+r.sizeLengths, "v1 B-tree keys and children")
	if c.err != nil {
		return c.err
	}

	for range used {
		children.length("v1 B-tree key")
		child := children.addr("v1 B-tree child address")
		childAt := children.last
		if children.err != nil {
			return children.err
		}
		childOff, err := r.offset(child, childAt, g.object, "v1 B-tree child address")
		if err != nil {
			return err
		}
		if level > 0 {
			err = r.walkBTree(g, childOff, level-1)
		} else {
			err = r.readSymbolNode(g, childOff)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sub consumes n bytes and returns a cursor over them that reports
// overruns as this cursor would.
func (c *h5Cursor) sub(n int, what string) *h5Cursor {
	start := c.at()
	p := c.next(n, what)
	return &h5Cursor{r: c.r, object: c.object, what: c.what, start: start, buf: p, last: start, eof: c.eof, err: c.err}
}

// readSymbolNode lists the entries of the symbol table node at file offset
// off and visits each linked object.
func (r *h5Reader) readSymbolNode(g *h5Group, off int64) error {
	if r.nodes[off] {
		return r.errorf(off, g.object, "symbol table node", "node is reached twice: the group's B-tree is corrupt")
	}
	r.nodes[off] = true

	c := r.cursor(off, g.object, "symbol table node")
	c.signature("SNOD", "symbol table node signature")
	if v := c.u8("symbol table node version"); c.err == nil && v != 1 {
		return c.fail("symbol table node version", "version %d is not valid: want 1", v)
	}
	c.u8("reserved")
	n := int(c.u16("number of symbols"))
	if c.err != nil {
		return c.err
	}

	// An entry is a link name offset (a length), an object header address,
	// the cache type, 4 reserved bytes and a 16-byte scratch pad.
	entrySize := r.sizeLengths + r.sizeOffsets + 24
	if err := r.spend(int64(8+n*entrySize), off, g.object, "symbol table node"); err != nil {
		return err
	}
	entries := c.sub(n*entrySize, "symbol table entries")
	if entries.err != nil {
		return entries.err
	}

	for range n {
		nameOff, nameAt, header, headerAt := r.readEntry(entries)
		if entries.err != nil {
			return entries.err
		}
		name, err := r.linkName(g, nameOff, nameAt)
		if err != nil {
			return err
		}

		path := g.path + name
		if g.path != "/" {
			path = g.path + "/" + name
		}
		if err := r.spend(int64(len(path)), nameAt, g.object, "link name"); err != nil {
			return err
		}
		hOff, err := r.offset(header, headerAt, "object "+path, "object header address")
		if err != nil {
			return err
		}
		if err := r.visit(path, hOff, g.depth+1, headerAt); err != nil {
			return err
		}
	}
	return nil
}

// linkName returns the NUL-terminated name at offset nameOff of the
// group's local heap.
func (r *h5Reader) linkName(g *h5Group, nameOff uint64, at int64) (string, error) {
	if nameOff >= uint64(len(g.names)) {
		return "", r.errorf(at, g.object, "link name offset", "offset %d is outside the local heap's %d-byte data segment", nameOff, len(g.names))
	}
	rest := g.names[nameOff:]
	n := bytes.IndexByte(rest, 0)
	if err := r.spend(int64(max(n, len(rest))), at, g.object, "link name"); err != nil {
		return "", err
	}
	if n < 0 {
		return "", r.errorf(at, g.object, "link name offset", "name at heap offset %d has no terminating NUL", nameOff)
	}
	name := string(rest[:n])
	if name == "" || strings.Contains(name, "/") || name == "." {
		return "", r.errorf(at, g.object, "link name offset", "invalid link name %q", name)
	}
	return name, nil
}

// decodeDataset decodes the dataspace, datatype, layout and filter
// messages of the dataset at path.
func (r *h5Reader) decodeDataset(path string, h *h5Header) (*HDF5Dataset, error) {
	object := "dataset " + path
	var space, dtype, layout *h5Message
	for i := range h.msgs {
		m := &h.msgs[i]
		var slot **h5Message
		switch m.typ {
		case h5MsgDataspace:
			slot = &space
		case h5MsgDatatype:
			slot = &dtype
		case h5MsgLayout:
			slot = &layout
		case h5MsgFilters:
			return nil, r.filterError(m, object)
		case h5MsgExternal:
			return nil, r.unsupportedf(m.at, object, "external data files message", "storage in external files is not supported; store the data in the HDF5 file itself")
		default:
			if !h5Known[m.typ] && m.flags&h5MsgFlagFailUnknown != 0 {
				return nil, r.unsupportedf(m.at, object, "message type", "message type %#x is unknown and flagged as required", m.typ)
			}
			continue
		}
		if *slot != nil {
			return nil, r.errorf(m.at, object, "message type", "message type %#x appears twice", m.typ)
		}
		if m.flags&h5MsgFlagShared != 0 {
			return nil, r.unsupportedf(m.at, object, "message flags", "shared messages of type %#x (committed datatypes or shared dataspaces) are not supported", m.typ)
		}
		*slot = m
	}
	for _, need := range []struct {
		m    *h5Message
		name string
	}{{space, "dataspace"}, {dtype, "datatype"}, {layout, "data layout"}} {
		if need.m == nil {
			return nil, r.errorf(h.at, object, "object header", "dataset has no %s message", need.name)
		}
	}

	d := &HDF5Dataset{Name: path, file: r.name}
	dims, err := r.decodeDataspace(space, object)
	if err != nil {
		return nil, err
	}
	if err := r.decodeDatatype(d, dtype, object); err != nil {
		return nil, err
	}

	// The stored size is the element count times the element size; with
	// a zero dimension the other dimensions may be anything.
	elems := uint64(1)
	for _, n := range dims {
		hi, lo := bits.Mul64(elems, n)
		if hi != 0 {
			elems = h5Undefined
			break
		}
		elems = lo
	}
	if slices.Contains(dims, 0) {
		elems = 0
	}
	hi, want := bits.Mul64(elems, uint64(d.Size))
	if hi != 0 || elems == h5Undefined {
		return nil, r.errorf(space.at, object, "dataspace dimensions", "%v elements of %d bytes overflow 64 bits", dims, d.Size)
	}
	if d.raw, err = r.decodeLayout(layout, want, object); err != nil {
		return nil, err
	}
	for _, n := range dims {
		if n > math.MaxInt {
			return nil, r.errorf(space.at, object, "dataspace dimensions", "dimension %d is too large for this platform", n)
		}
		d.Shape = append(d.Shape, int(n))
	}
	return d, nil
}

// decodeDataspace returns the dimensions of a scalar or simple dataspace
// (message versions 1 and 2); a scalar has none.
func (r *h5Reader) decodeDataspace(m *h5Message, object string) ([]uint64, error) {
	c := r.within(m.data, m.at, object, "dataspace message")
	version := c.u8("dataspace version")
	if c.err == nil && version != 1 && version != 2 {
		return nil, c.fail("dataspace version", "dataspace version %d is not valid: want 1 or 2", version)
	}
	rank := int(c.u8("dataspace rank"))
	if c.err == nil && rank > h5MaxRank {
		return nil, c.fail("dataspace rank", "rank %d exceeds HDF5's maximum of %d", rank, h5MaxRank)
	}
	flags := c.u8("dataspace flags")
	if c.err == nil && version == 1 && flags&0x02 != 0 {
		return nil, c.unsupported("dataspace flags", "dimension permutations are not supported")
	}

	if version == 1 {
		c.next(5, "reserved")
	} else {
		switch typ := c.u8("dataspace type"); {
		case c.err != nil:
		case typ == 2:
			return nil, c.unsupported("dataspace type", "null dataspaces (no elements) are not supported")
		case typ > 2:
			return nil, c.fail("dataspace type", "dataspace type %d is not valid: want 0 (scalar) or 1 (simple)", typ)
		}
	}

	dims := make([]uint64, rank)
	for i := range dims {
		dims[i] = c.length("dataspace dimension size")
	}
	// Maximum sizes, present when flags bit 0 is set, only matter to
	// writers.
	return dims, c.err
}

// decodeDatatype sets the kind, size, byte order and padding of d from a
// datatype message.
func (r *h5Reader) decodeDatatype(d *HDF5Dataset, m *h5Message, object string) error {
	c := r.within(m.data, m.at, object, "datatype message")
	class := c.u8("datatype class and version") & 0x0f
	classBits := c.next(3, "datatype class bit field")
	size := c.u32("datatype size")
	sizeAt := c.last
	if c.err != nil {
		return c.err
	}

	var err error
	switch class {
	case 0:
		err = r.decodeInteger(d, c, classBits, size, sizeAt)
	case 1:
		err = r.decodeFloat(d, c, classBits, size)
	case 3:
		err = r.decodeString(d, c, classBits, size, sizeAt)
	default:
		names := map[uint8]string{2: "time", 4: "bitfield", 5: "opaque", 6: "compound", 7: "reference", 8: "enum", 9: "variable-length", 10: "array"}
		name, ok := names[class]
		if !ok {
			return r.errorf(m.at, object, "datatype class and version", "datatype class %d is not valid", class)
		}
		return r.unsupportedf(m.at, object, "datatype class and version", "%s datatypes are not supported, only integers, IEEE floats and fixed-length strings", name)
	}
	if err != nil {
		return err
	}
	if size > uint32(len(r.b)) {
		return r.errorf(sizeAt, object, "datatype size", "element size %d exceeds the file size %d", size, len(r.b))
	}
	d.Size = int(size)
	return nil
}

// h5ByteOrder returns the byte order that bit 0 of a numeric datatype's bit
// field selects.
func h5ByteOrder(classBits []byte) binary.ByteOrder {
	if classBits[0]&0x01 != 0 {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// decodeInteger decodes the properties of a fixed-point datatype, whose
// class bit field holds the byte order (bit 0) and signedness (bit 3).
func (r *h5Reader) decodeInteger(d *HDF5Dataset, c *h5Cursor, classBits []byte, size uint32, sizeAt int64) error {
	d.Kind = HDF5Uint
	if classBits[0]&0x08 != 0 {
		d.Kind = HDF5Int
	}
	d.order = h5ByteOrder(classBits)
	if size != 1 && size != 2 && size != 4 && size != 8 {
		return r.unsupportedf(sizeAt, c.object, "datatype size", "integers of %d bytes are not supported, only 1, 2, 4 or 8", size)
	}
	bitOffset := c.u16("fixed-point bit offset")
	precision := c.u16("fixed-point bit precision")
	if c.err == nil && (bitOffset != 0 || uint32(precision) != 8*size) {
		return c.unsupported("fixed-point bit precision", "integers with padding bits (bit offset %d, precision %d in %d bytes) are not supported", bitOffset, precision, size)
	}
	return c.err
}

// decodeFloat decodes the properties of a floating-point datatype, whose
// class bit field holds the byte order (bits 0 and 6), the mantissa
// normalization (bits 4 and 5) and the sign bit's position (bits 8 to 15).
func (r *h5Reader) decodeFloat(d *HDF5Dataset, c *h5Cursor, classBits []byte, size uint32) error {
	d.Kind = HDF5Float
	d.order = h5ByteOrder(classBits)
	if classBits[0]&0x40 != 0 {
		return r.unsupportedf(c.start+1, c.object, "datatype class bit field", "VAX byte order is not supported")
	}
	c.u16("floating-point bit offset")
	precision := c.u16("floating-point bit precision")
	expLoc := c.u8("floating-point exponent location")
	expSize := c.u8("floating-point exponent size")
	mantLoc := c.u8("floating-point mantissa location")
	mantSize := c.u8("floating-point mantissa size")
	bias := c.u32("floating-point exponent bias")
	if c.err != nil {
		return c.err
	}

	// Only the two IEEE 754 layouts, with an implied leading mantissa bit
	// (normalization 2), are read.
	got := h5FloatLayout{size, precision, classBits[1], expLoc, expSize, mantLoc, mantSize, bias, (classBits[0] >> 4) & 0x03}
	if got != h5Binary32 && got != h5Binary64 {
		return r.unsupportedf(c.start, c.object, "datatype", "floating-point layout is not IEEE 754 binary32 or binary64 (size %d, precision %d, sign bit %d, exponent %d bits at %d, mantissa %d bits at %d, bias %d, normalization %d)",
			size, precision, got.sign, expSize, expLoc, mantSize, mantLoc, bias, got.norm)
	}
	return nil
}

// decodeString decodes a fixed-length string datatype, whose class bit
// field holds the padding (bits 0 to 3) and the character set (bits 4 to 7).
func (r *h5Reader) decodeString(d *HDF5Dataset, c *h5Cursor, classBits []byte, size uint32, sizeAt int64) error {
	d.Kind = HDF5String
	d.pad = classBits[0] & 0x0f
	if d.pad > 2 {
		return r.errorf(c.start+1, c.object, "datatype class bit field", "string padding type %d is not valid: want 0, 1 or 2", d.pad)
	}
	if cset := classBits[0] >> 4; cset > 1 {
		return r.errorf(c.start+1, c.object, "datatype class bit field", "string character set %d is not valid: want 0 (ASCII) or 1 (UTF-8)", cset)
	}
	if size == 0 {
		return r.errorf(sizeAt, c.object, "datatype size", "fixed-length strings of 0 bytes are not valid")
	}
	return nil
}

// h5FloatLayout describes a floating-point datatype.
type h5FloatLayout struct {
	size                  uint32
	precision             uint16
	sign, expLoc, expSize uint8
	mantLoc, mantSize     uint8
	bias                  uint32
	norm                  uint8 // 2: the leading mantissa bit is implied
}

// The IEEE 754 layouts libhdf5 writes for float and double.
var (
	h5Binary32 = h5FloatLayout{4, 32, 31, 23, 8, 0, 23, 127, 2}
	h5Binary64 = h5FloatLayout{8, 64, 63, 52, 11, 0, 52, 1023, 2}
)

// decodeLayout returns the stored data of a contiguous or compact dataset
// of want bytes (layout message versions 1 to 4).
func (r *h5Reader) decodeLayout(m *h5Message, want uint64, object string) ([]byte, error) {
	c := r.within(m.data, m.at, object, "data layout message")
	version := c.u8("data layout version")
	if c.err == nil && (version < 1 || version > 4) {
		return nil, c.fail("data layout version", "data layout version %d is not valid: want 1 to 4", version)
	}
	var rank int
	if version <= 2 {
		rank = int(c.u8("data layout dimensionality"))
	}
	class := c.u8("data layout class")
	switch {
	case c.err != nil:
		return nil, c.err
	case class == 2:
		return nil, c.unsupported("data layout class", "chunked storage is not supported, only contiguous and compact; re-save the dataset without chunks, compression or maxshape")
	case class == 3 && version == 4:
		return nil, c.unsupported("data layout class", "virtual datasets are not supported")
	case class > 1:
		return nil, c.fail("data layout class", "layout class %d is not valid", class)
	}

	// Read the data's address and size (contiguous) or the data themselves
	// (compact).
	var addr, size uint64
	var addrAt, sizeAt int64
	var compact []byte
	if version <= 2 {
		c.next(5, "reserved")
		if class == 1 {
			addr = c.addr("data address")
			addrAt = c.last
		}
		// The dimension sizes repeat the dataspace, so want serves as
		// the size of contiguous data.
		c.next(4*rank, "data layout dimension sizes")
		size = want
		if class == 0 {
			size = uint64(c.u32("compact data size"))
			sizeAt = c.last
			compact = c.next(int(size), "compact data")
		}
	} else {
		if class == 1 {
			addr = c.addr("data address")
			addrAt = c.last
			size = c.length("data size")
			sizeAt = c.last
		} else {
			size = uint64(c.u16("compact data size"))
			sizeAt = c.last
			compact = c.next(int(size), "compact data")
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	if size != want {
		return nil, r.errorf(sizeAt, object, "data size", "%d bytes of data for a dataspace and datatype that need %d", size, want)
	}
	if class == 0 {
		return compact, nil
	}
	if addr == h5Undefined {
		if want == 0 {
			return nil, nil
		}
		return nil, r.unsupportedf(addrAt, object, "data address", "storage was never written (undefined address), so the data are fill values; this reader does not return fill values")
	}
	p, _, err := r.slice(addr, size, addrAt, object, "data address")
	return p, err
}

// filterError describes a filter pipeline message, naming its first
// filter.
func (r *h5Reader) filterError(m *h5Message, object string) error {
	c := r.within(m.data, m.at, object, "filter pipeline message")
	version := c.u8("filter pipeline version")
	c.u8("number of filters")
	if version == 1 {
		c.next(6, "reserved")
	}
	id := c.u16("filter identification value")
	names := map[uint16]string{1: "deflate (gzip)", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset", 32000: "lzf", 32001: "blosc", 32015: "zstd"}
	name := names[id]
	if name == "" {
		name = fmt.Sprintf("filter %d", id)
	}
	if c.err != nil {
		name = "a filter"
	}
	return r.unsupportedf(m.at, object, "filter pipeline message", "filters (compression, shuffle, checksums) are not supported, and this dataset uses %s; re-save it without compression", name)
}
