package modelio

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/backprop-go/backprop/internal/atomicfile"
)

// The safetensors format, as the reference implementation
// (github.com/huggingface/safetensors) defines it:
//
//	8 bytes   N, the header length, a little-endian uint64
//	N bytes   the header, a UTF-8 JSON object that starts with '{' and may
//	          end in padding spaces:
//	          {"__metadata__": {"key": "value", …},
//	           "<tensor name>": {"dtype": "F32", "shape": [2, 3],
//	                             "data_offsets": [begin, end]}, …}
//	the rest  the data buffer: each tensor's elements in row-major order,
//	          little-endian, at bytes [begin, end) of the buffer
//
// A tensor with shape [] is a scalar with one element. A tensor with a zero
// dimension has no elements and begin == end.

// MaxHeaderLen is the largest header, in bytes, that DecodeSafetensors
// accepts and EncodeSafetensors writes. It is the reference
// implementation's limit, which keeps a corrupt length from causing a huge
// allocation.
const MaxHeaderLen = 100_000_000

// metadataKey is the header key of the free-form string metadata.
const metadataKey = "__metadata__"

// DType is a safetensors element type, spelled as in the header.
type DType string

// Element types that this package reads and writes. Files with other types
// (F16, BF16, I64, …) are rejected with an error naming the tensor.
const (
	F32 DType = "F32" // IEEE 754 binary32, 4 bytes
	F64 DType = "F64" // IEEE 754 binary64, 8 bytes
)

// Size returns the number of bytes of one element of type d, or 0 if this
// package does not support d.
func (d DType) Size() int {
	switch d {
	case F32:
		return 4
	case F64:
		return 8
	}
	return 0
}

// Tensor is one named tensor of a safetensors file.
//
// Its elements are in row-major order, as numpy and PyTorch store them, in
// F32 when DType is F32 or in F64 when DType is F64. The other slice is nil.
// A tensor's element count is the product of its Shape, 1 for Shape [].
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	F32   []float32
	F64   []float64
}

// NewTensor returns a tensor named name with the given shape whose elements
// are data, of type F32 for []float32 and F64 for []float64. The tensor
// keeps shape and data without copying them.
func NewTensor[T float32 | float64](name string, shape []int, data []T) Tensor {
	t := Tensor{Name: name, Shape: shape}
	switch d := any(data).(type) {
	case []float32:
		t.DType, t.F32 = F32, d
	case []float64:
		t.DType, t.F64 = F64, d
	}
	return t
}

// Values returns the elements of t as a []T. When t's DType matches T, it
// returns t's own slice. Otherwise it returns a converted copy, in which
// F64 values round to the nearest float32 and F32 values convert exactly.
// A tensor whose DType is neither F32 nor F64 gives nil.
func Values[T float32 | float64](t Tensor) []T {
	var zero T
	switch any(zero).(type) {
	case float32:
		if t.DType == F32 {
			return any(t.F32).([]T)
		}
	case float64:
		if t.DType == F64 {
			return any(t.F64).([]T)
		}
	}
	switch t.DType {
	case F32:
		return convert[T](t.F32)
	case F64:
		return convert[T](t.F64)
	}
	return nil
}

func convert[T, U float32 | float64](src []U) []T {
	dst := make([]T, len(src))
	for i, v := range src {
		dst[i] = T(v)
	}
	return dst
}

// NumElements returns the product of t.Shape, or -1 if a dimension is
// negative or the product overflows an int.
func (t Tensor) NumElements() int {
	n, ok := numElements(t.Shape)
	if !ok {
		return -1
	}
	return n
}

// numElements returns the product of shape and whether it is valid: no
// dimension is negative and the product fits in an int.
func numElements(shape []int) (int, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, false
		}
		n = lo
	}
	return int(n), true
}

// dataLen returns the length of the slice that matches t.DType and the
// length of the other slice.
func (t Tensor) dataLen() (matching, other int) {
	if t.DType == F64 {
		return len(t.F64), len(t.F32)
	}
	return len(t.F32), len(t.F64)
}

// FormatError reports a safetensors file that breaks the format.
// Err is io.ErrUnexpectedEOF when the file is shorter than its header
// declares, and nil otherwise.
type FormatError struct {
	File   string // the name given to DecodeSafetensors
	Offset int64  // the byte offset in the file at or just before the fault
	Msg    string // what is wrong and what to do
	Err    error
}

func (e *FormatError) Error() string {
	file := e.File
	if file == "" {
		file = "safetensors"
	}
	return fmt.Sprintf("%s: byte %d: %s", file, e.Offset, e.Msg)
}

func (e *FormatError) Unwrap() error { return e.Err }

// EncodeSafetensors writes tensors and metadata to w in the safetensors
// format, which has no version field.
//
// The writer orders tensors as the reference implementation does: F64
// tensors first, then F32 tensors, each group sorted by name, so every
// tensor starts at a multiple of its element size. The header is compact
// JSON. It lists "__metadata__" first with its keys sorted, unless metadata
// is empty, then the tensors in data order with the fields dtype, shape and
// data_offsets. Spaces pad it to a multiple of 8 bytes. Equal inputs give
// identical bytes.
//
// It checks every tensor before writing anything. It returns an error if a
// tensor has an unsupported DType, a negative dimension, an element count
// that differs from its shape's, the reserved name "__metadata__" or the
// name of another tensor. It also returns one if a name, metadata key or
// metadata value is not valid UTF-8. Errors from w are returned wrapped.
func EncodeSafetensors(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header, order, err := encodeHeader(tensors, metadata)
	if err != nil {
		return err
	}

	bw := bufio.NewWriter(w)
	var length [8]byte
	binary.LittleEndian.PutUint64(length[:], uint64(len(header)))
	bw.Write(length[:])
	bw.Write(header)
	var buf [8]byte
	for _, i := range order {
		t := &tensors[i]
		if t.DType == F64 {
			for _, v := range t.F64 {
				binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
				bw.Write(buf[:8])
			}
		} else {
			for _, v := range t.F32 {
				binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
				bw.Write(buf[:4])
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("modelio: writing safetensors: %w", err)
	}
	return nil
}

// encodeHeader checks tensors and metadata and returns the padded header
// with the order in which the tensors' data follow it.
func encodeHeader(tensors []Tensor, metadata map[string]string) ([]byte, []int, error) {
	names := make(map[string]int, len(tensors))
	for i, t := range tensors {
		if err := checkTensor(t); err != nil {
			return nil, nil, fmt.Errorf("modelio: tensor %d (%q): %w", i, t.Name, err)
		}
		if j, dup := names[t.Name]; dup {
			return nil, nil, fmt.Errorf("modelio: tensors %d and %d are both named %q; give each tensor its own name", j, i, t.Name)
		}
		names[t.Name] = i
	}
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, fmt.Errorf("modelio: metadata %q: key or value is not valid UTF-8; the header is JSON text, so encode binary values, for example in base64", k)
		}
	}

	order := make([]int, len(tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ta, tb := &tensors[a], &tensors[b]
		return cmp.Or(cmp.Compare(tb.DType.Size(), ta.DType.Size()), cmp.Compare(ta.Name, tb.Name))
	})

	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		appendJSONString(&h, metadataKey)
		h.WriteString(":{")
		for i, k := range slices.Sorted(maps.Keys(metadata)) {
			if i > 0 {
				h.WriteByte(',')
			}
			appendJSONString(&h, k)
			h.WriteByte(':')
			appendJSONString(&h, metadata[k])
		}
		h.WriteByte('}')
	}
	var offset uint64
	for i, ti := range order {
		t := &tensors[ti]
		if i > 0 || len(metadata) > 0 {
			h.WriteByte(',')
		}
		n, _ := numElements(t.Shape)
		size := uint64(n) * uint64(t.DType.Size())
		appendJSONString(&h, t.Name)
		fmt.Fprintf(&h, `:{"dtype":"%s","shape":[`, t.DType)
		for j, d := range t.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, offset, offset+size)
		offset += size
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	if h.Len() > MaxHeaderLen {
		return nil, nil, fmt.Errorf("modelio: safetensors header of %d bytes exceeds the %d-byte limit that readers accept; store less metadata or fewer tensors", h.Len(), MaxHeaderLen)
	}
	return h.Bytes(), order, nil
}

// checkTensor returns an error if t cannot be written.
func checkTensor(t Tensor) error {
	if t.DType.Size() == 0 {
		return fmt.Errorf("dtype %q is not supported; use F32 or F64", t.DType)
	}
	if t.Name == metadataKey {
		return fmt.Errorf("the name %q is reserved for the header's metadata; rename the tensor", metadataKey)
	}
	if !utf8.ValidString(t.Name) {
		return errors.New("name is not valid UTF-8")
	}
	n, ok := numElements(t.Shape)
	if !ok {
		return fmt.Errorf("shape %s has a negative dimension or too many elements", formatShape(t.Shape))
	}
	// The data buffer's byte offsets must fit in a uint64 and in memory.
	if n > math.MaxInt/t.DType.Size() {
		return fmt.Errorf("shape %s has too many elements to store", formatShape(t.Shape))
	}
	matching, other := t.dataLen()
	if other != 0 {
		return fmt.Errorf("dtype is %s but the tensor contains %d values of the other type; put the values in the field that matches the dtype", t.DType, other)
	}
	if matching != n {
		return fmt.Errorf("shape %s needs %d elements but the tensor contains %d", formatShape(t.Shape), n, matching)
	}
	return nil
}

// appendJSONString appends s to b as a JSON string. It escapes what JSON
// requires, and U+2028 and U+2029 because Go's encoder always does, but
// not <, > and &.
func appendJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	// Encoding a string cannot fail, and Encode ends it with a newline.
	enc.Encode(s)
	b.Truncate(b.Len() - 1)
}

// DecodeSafetensors decodes the safetensors file whose bytes are b, and
// returns its tensors in the order of their data in the file, with the
// metadata, nil when the header has none. name identifies the file in
// errors. The tensors' slices are new and do not alias b.
//
// The input may be untrusted: DecodeSafetensors does not panic, and it
// allocates memory in proportion to len(b). It returns a
// *FormatError, with the byte offset of the fault, if the file breaks any
// rule of the format:
//   - the header length exceeds MaxHeaderLen or the bytes after the length
//     field (then Err is io.ErrUnexpectedEOF);
//   - the header is not UTF-8, does not start with '{', is not one JSON
//     object, or has anything but whitespace after that object;
//   - a key appears twice in the header, in the metadata or in a tensor's
//     entry (encoding/json would keep the last one silently);
//   - a metadata value is not a string;
//   - a tensor's entry lacks dtype, shape or data_offsets, has a dtype
//     other than F32 or F64, or a shape or offset that is not a
//     non-negative integer;
//   - the tensors' data_offsets, sorted, do not tile the data buffer
//     exactly: they overlap, leave a hole, end before they begin, run past
//     its end (Err is io.ErrUnexpectedEOF), or stop before it ends;
//   - a tensor's end − begin differs from its element count × dtype size.
//
// Fields of a tensor's entry other than these three are ignored, as the
// reference implementation ignores them.
func DecodeSafetensors(name string, b []byte) ([]Tensor, map[string]string, error) {
	fail := func(offset int64, err error, format string, args ...any) error {
		return &FormatError{File: name, Offset: offset, Msg: fmt.Sprintf(format, args...), Err: err}
	}

	if len(b) < 8 {
		return nil, nil, fail(0, io.ErrUnexpectedEOF, "the file has %d bytes, fewer than the 8-byte header length; the file is truncated or not safetensors", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > MaxHeaderLen {
		return nil, nil, fail(0, nil, "header length %d exceeds the %d-byte limit; the file is corrupt or not safetensors", n, MaxHeaderLen)
	}
	if n > uint64(len(b)-8) {
		return nil, nil, fail(0, io.ErrUnexpectedEOF, "header length %d exceeds the %d bytes after the length field; the file is truncated or not safetensors", n, len(b)-8)
	}
	header := b[8 : 8+n]
	data := b[8+n:]

	p := headerParser{file: name, header: header}
	entries, metadata, err := p.parse()
	if err != nil {
		return nil, nil, err
	}

	// Sort by offsets, as a file's header may list tensors in any order,
	// then check that the tensors tile the data buffer.
	slices.SortStableFunc(entries, func(a, b headerEntry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	dataStart := int64(8 + n)
	bufLen := uint64(len(data))
	var start uint64
	for i, e := range entries {
		offs := fmt.Sprintf("data_offsets [%d, %d]", e.begin, e.end)
		switch {
		case e.end < e.begin:
			return nil, nil, fail(e.offset, nil, "tensor %q: %s end before they begin; write them as [begin, end]", e.name, offs)
		case e.begin < start:
			prev := entries[i-1]
			return nil, nil, fail(e.offset, nil, "tensor %q: %s overlap tensor %q's [%d, %d]; each tensor needs its own bytes of the data buffer", e.name, offs, prev.name, prev.begin, prev.end)
		case e.begin > start:
			return nil, nil, fail(e.offset, nil, "tensor %q: %s leave bytes [%d, %d) of the data buffer to no tensor; the offsets must leave no holes", e.name, offs, start, e.begin)
		case e.end-e.begin != e.size:
			return nil, nil, fail(e.offset, nil, "tensor %q: %s span %d bytes, but shape %s of %s needs %d; the offsets or the shape are wrong", e.name, offs, e.end-e.begin, formatShape(e.shape), e.dtype, e.size)
		case e.end > bufLen:
			return nil, nil, fail(e.offset, io.ErrUnexpectedEOF, "tensor %q: %s run past the end of the %d-byte data buffer; the file is truncated", e.name, offs, bufLen)
		}
		start = e.end
	}
	if start != bufLen {
		return nil, nil, fail(dataStart+int64(start), nil, "the data buffer has %d bytes after the last tensor's end at %d, which belong to no tensor; the file has trailing bytes or the header lacks a tensor", bufLen-start, start)
	}

	tensors := make([]Tensor, len(entries))
	for i, e := range entries {
		raw := data[e.begin:e.end]
		t := Tensor{Name: e.name, DType: e.dtype, Shape: e.shape}
		if e.dtype == F64 {
			t.F64 = make([]float64, len(raw)/8)
			for j := range t.F64 {
				t.F64[j] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*j:]))
			}
		} else {
			t.F32 = make([]float32, len(raw)/4)
			for j := range t.F32 {
				t.F32[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
		}
		tensors[i] = t
	}
	return tensors, metadata, nil
}

// headerEntry is one tensor's entry of a safetensors header.
type headerEntry struct {
	name       string
	offset     int64 // byte offset in the file just after the entry's key
	dtype      DType
	shape      []int
	size       uint64 // bytes that dtype and shape need
	begin, end uint64
}

// headerParser walks a safetensors header token by token, which lets it
// reject duplicate keys.
type headerParser struct {
	file   string
	header []byte
	dec    *json.Decoder
}

// headerStart is the byte offset of the header in the file.
const headerStart = 8

// pos returns the file offset just after the last token read.
func (p *headerParser) pos() int64 { return headerStart + p.dec.InputOffset() }

func (p *headerParser) fail(offset int64, format string, args ...any) error {
	return &FormatError{File: p.file, Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// token returns the next JSON token, with a syntax error turned into a
// FormatError.
func (p *headerParser) token() (json.Token, error) {
	off := p.pos()
	tok, err := p.dec.Token()
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			off = headerStart + syn.Offset
		}
		if errors.Is(err, io.EOF) {
			err = errors.New("unexpected end of JSON input")
		}
		return nil, p.fail(off, "the header is not valid JSON: %v; the file is corrupt or not safetensors", err)
	}
	return tok, nil
}

// delim reads the next token and returns an error unless it is want.
func (p *headerParser) delim(want json.Delim, where string) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return p.fail(p.pos(), "%s: found %s where %q should be", where, describe(tok), rune(want))
	}
	return nil
}

// key reads an object key and returns an error if seen holds it already.
func (p *headerParser) key(seen map[string]bool, where string) (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", p.fail(p.pos(), "%s: found %s where a key should be", where, describe(tok))
	}
	if seen[k] {
		return "", p.fail(p.pos(), "%s: key %q appears twice; the format forbids duplicate keys", where, k)
	}
	seen[k] = true
	return k, nil
}

func (p *headerParser) parse() ([]headerEntry, map[string]string, error) {
	if !utf8.Valid(p.header) {
		i := 0
		for i < len(p.header) {
			r, size := utf8.DecodeRune(p.header[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return nil, nil, p.fail(headerStart+int64(i), "the header is not valid UTF-8; the file is corrupt or not safetensors")
	}
	if len(p.header) == 0 || p.header[0] != '{' {
		first := "nothing"
		if len(p.header) > 0 {
			first = fmt.Sprintf("%q", p.header[0])
		}
		return nil, nil, p.fail(headerStart, "the header starts with %s, not '{'; the file is corrupt or not safetensors", first)
	}

	p.dec = json.NewDecoder(bytes.NewReader(p.header))
	p.dec.UseNumber()
	if err := p.delim('{', "header"); err != nil {
		return nil, nil, err
	}
	var (
		entries  []headerEntry
		metadata map[string]string
		seen     = make(map[string]bool)
	)
	for p.dec.More() {
		k, err := p.key(seen, "header")
		if err != nil {
			return nil, nil, err
		}
		if k == metadataKey {
			if metadata, err = p.parseMetadata(); err != nil {
				return nil, nil, err
			}
			continue
		}
		e, err := p.parseEntry(k)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if err := p.delim('}', "header"); err != nil {
		return nil, nil, err
	}

	end := p.dec.InputOffset()
	for i, c := range p.header[end:] {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return nil, nil, p.fail(headerStart+end+int64(i), "the header has %q after its JSON object, where only padding spaces may follow; the file is corrupt", c)
		}
	}
	return entries, metadata, nil
}

// parseMetadata reads the value of "__metadata__": an object of strings,
// or null for none.
func (p *headerParser) parseMetadata() (map[string]string, error) {
	tok, err := p.token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, p.fail(p.pos(), "%s is %s, not an object of strings", metadataKey, describe(tok))
	}
	metadata := make(map[string]string)
	seen := make(map[string]bool)
	for p.dec.More() {
		k, err := p.key(seen, metadataKey)
		if err != nil {
			return nil, err
		}
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		v, ok := tok.(string)
		if !ok {
			return nil, p.fail(p.pos(), "%s[%q] is %s; metadata values must be strings, so store other values as JSON text in a string", metadataKey, k, describe(tok))
		}
		metadata[k] = v
	}
	return metadata, p.delim('}', metadataKey)
}

// parseEntry reads the entry of the tensor called name and checks each
// field on its own. DecodeSafetensors checks the offsets against the
// other tensors and the data buffer.
func (p *headerParser) parseEntry(name string) (headerEntry, error) {
	e := headerEntry{name: name, offset: p.pos()}
	where := fmt.Sprintf("tensor %q", name)
	if err := p.delim('{', where); err != nil {
		return e, err
	}
	var (
		dtype          string
		shape, offsets []uint64
		seen           = make(map[string]bool)
	)
	for p.dec.More() {
		k, err := p.key(seen, where)
		if err != nil {
			return e, err
		}
		switch k {
		case "dtype":
			tok, err := p.token()
			if err != nil {
				return e, err
			}
			s, ok := tok.(string)
			if !ok {
				return e, p.fail(p.pos(), "%s: dtype is %s, not a string such as \"F32\"", where, describe(tok))
			}
			dtype = s
		case "shape":
			if shape, err = p.parseUints(where, "shape"); err != nil {
				return e, err
			}
		case "data_offsets":
			if offsets, err = p.parseUints(where, "data_offsets"); err != nil {
				return e, err
			}
		default:
			var skip json.RawMessage
			if err := p.dec.Decode(&skip); err != nil {
				return e, p.fail(p.pos(), "%s: field %q is not valid JSON: %v", where, k, err)
			}
		}
	}
	if err := p.delim('}', where); err != nil {
		return e, err
	}

	for _, field := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[field] {
			return e, p.fail(e.offset, "%s: the entry lacks %s; each tensor needs dtype, shape and data_offsets", where, field)
		}
	}
	e.dtype = DType(dtype)
	size := e.dtype.Size()
	if size == 0 {
		return e, p.fail(e.offset, "%s: dtype %q is not supported; only F32 and F64 are, so convert the tensor to one of them", where, dtype)
	}
	if len(offsets) != 2 {
		return e, p.fail(e.offset, "%s: data_offsets has %d numbers, want 2: [begin, end]", where, len(offsets))
	}
	e.begin, e.end = offsets[0], offsets[1]

	e.shape = make([]int, len(shape))
	count := uint64(1)
	for i, d := range shape {
		if d > math.MaxInt {
			return e, p.fail(e.offset, "%s: dimension %d of shape %s is too large", where, d, formatShape(shape))
		}
		e.shape[i] = int(d)
		hi, lo := bits.Mul64(count, d)
		if hi != 0 {
			return e, p.fail(e.offset, "%s: shape %s has more elements than a uint64 counts", where, formatShape(shape))
		}
		count = lo
	}
	hi, lo := bits.Mul64(count, uint64(size))
	if hi != 0 {
		return e, p.fail(e.offset, "%s: shape %s of %s has more bytes than a uint64 counts", where, formatShape(shape), dtype)
	}
	e.size = lo
	return e, nil
}

// parseUints reads a JSON array of non-negative integers.
func (p *headerParser) parseUints(where, field string) ([]uint64, error) {
	tok, err := p.token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, p.fail(p.pos(), "%s: %s is %s, not an array of integers", where, field, describe(tok))
	}
	var vals []uint64
	for p.dec.More() {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, p.fail(p.pos(), "%s: %s holds %s, not a non-negative integer", where, field, describe(tok))
		}
		v, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			return nil, p.fail(p.pos(), "%s: %s holds %s, not a non-negative integer below 2⁶⁴", where, field, num)
		}
		vals = append(vals, v)
	}
	return vals, p.delim(']', where+": "+field)
}

// formatShape formats a shape as the header writes it, for example [2, 3].
func formatShape[T int | uint64](shape []T) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
	}
	b.WriteByte(']')
	return b.String()
}

// describe names a JSON token for an error message.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", rune(v))
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(tok)
}

// WriteSafetensorsFile writes tensors and metadata to the file at path as
// EncodeSafetensors does, atomically: a crash leaves the old file or the
// new one at path, never part of one. The file gets permissions 0644 before
// the umask.
func WriteSafetensorsFile(path string, tensors []Tensor, metadata map[string]string) error {
	// Check first, so that bad tensors leave no temporary file behind.
	if _, _, err := encodeHeader(tensors, metadata); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, 0o644, func(w io.Writer) error {
		return EncodeSafetensors(w, tensors, metadata)
	})
}

// ReadSafetensorsFile reads the whole safetensors file at path and decodes
// it with DecodeSafetensors, naming the file by path in errors.
func ReadSafetensorsFile(path string) ([]Tensor, map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("modelio: %w", err)
	}
	return DecodeSafetensors(path, b)
}
