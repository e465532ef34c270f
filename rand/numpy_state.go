package rand

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// NumPyState is the full state of a NumPy source, in the terms of
// RandomState.get_state() of NumPy: the tuple ('MT19937', key, pos,
// has_gauss, cached_gaussian).
type NumPyState struct {
	Key      [624]uint32 // untempered MT19937 state words
	Pos      int         // index of the next word of Key to return, in [0, 624]
	HasGauss bool        // whether the second value of a polar pair is cached
	Gauss    float64     // the cached value; NumPy stores 0 when HasGauss is false
}

// State returns the state of r. Passed to NumPy's RandomState.set_state,
// its fields make NumPy continue from the same point as r, and SetState
// takes the fields that get_state returns.
func (r *NumPy) State() NumPyState {
	return NumPyState{Key: r.mt.key, Pos: r.mt.pos, HasGauss: r.hasGauss, Gauss: r.gauss}
}

// SetState sets r to s. It returns an error, and leaves r unchanged, if
// s.Pos is outside [0, 624] or if s.Key has none of the 19937 bits that
// MT19937 uses set, a state that yields only zeros. NumPy accepts both.
func (r *NumPy) SetState(s NumPyState) error {
	if s.Pos < 0 || s.Pos > mtN {
		return fmt.Errorf("rand: NumPy state position %d is outside [0, %d]; use a position from RandomState.get_state or NumPy.State", s.Pos, mtN)
	}
	mt := mt19937{key: s.Key, pos: s.Pos}
	if mt.degenerate() {
		return errors.New("rand: NumPy state key is all zeros in the bits MT19937 uses; use a key from RandomState.get_state or NumPy.State")
	}
	r.mt = mt
	r.hasGauss = s.HasGauss
	r.gauss = s.Gauss
	return nil
}

// numpyTag starts the encoding of a NumPy state; the digit is the format
// version.
const numpyTag = "backprop/rand.NumPy 1\n"

// numpyStateSize is the length of an encoded NumPy state: the tag, 624 key
// words, the position, the has-Gaussian byte and the cached Gaussian.
const numpyStateSize = len(numpyTag) + 4*mtN + 4 + 1 + 8

// MarshalBinary encodes the full state of r, so that a NumPy decoded from
// it returns the same values r would return next, including a cached
// Gaussian. The encoding is the tag "backprop/rand.NumPy 1\n", then
// big-endian: the 624 key words as uint32, the position as uint32, one byte
// 1 or 0 for HasGauss, and Gauss as the uint64 of its IEEE 754 bits.
func (r *NumPy) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, numpyStateSize)
	b = append(b, numpyTag...)
	for _, w := range r.mt.key {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(r.mt.pos))
	hasGauss := byte(0)
	if r.hasGauss {
		hasGauss = 1
	}
	b = append(b, hasGauss)
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(r.gauss))
	return b, nil
}

// UnmarshalBinary sets r to a state written by MarshalBinary. It checks the
// length, the tag, the has-Gaussian byte and the state as SetState does, so
// any bytes are safe to pass. On error r is unchanged.
func (r *NumPy) UnmarshalBinary(data []byte) error {
	const fix = "pass bytes from NumPy.MarshalBinary"
	if len(data) != numpyStateSize {
		return fmt.Errorf("rand: NumPy state has %d bytes, want %d; %s", len(data), numpyStateSize, fix)
	}
	if string(data[:len(numpyTag)]) != numpyTag {
		return fmt.Errorf("rand: NumPy state does not start with the tag %q; %s", numpyTag, fix)
	}

	var s NumPyState
	p := data[len(numpyTag):]
	for i := range s.Key {
		s.Key[i] = binary.BigEndian.Uint32(p[4*i:])
	}
	p = p[4*mtN:]
	pos := binary.BigEndian.Uint32(p)
	if pos > mtN {
		return fmt.Errorf("rand: NumPy state position %d at byte %d is outside [0, %d]; %s", pos, len(numpyTag)+4*mtN, mtN, fix)
	}
	s.Pos = int(pos)
	switch p[4] {
	case 0:
	case 1:
		s.HasGauss = true
	default:
		return fmt.Errorf("rand: NumPy state has-Gaussian byte %d at byte %d is neither 0 nor 1; %s", p[4], len(numpyTag)+4*mtN+4, fix)
	}
	s.Gauss = math.Float64frombits(binary.BigEndian.Uint64(p[5:]))
	return r.SetState(s)
}
