package rand

import (
	"bytes"
	"testing"
)

// FuzzNumPyUnmarshal checks that UnmarshalBinary either rejects the bytes
// and leaves the source as it was, or accepts them and MarshalBinary writes
// them back unchanged.
func FuzzNumPyUnmarshal(f *testing.F) {
	for _, seed := range []uint32{0, 1} {
		r := NewNumPy(seed)
		f.Add(mustMarshal(f, r))
		r.NormFloat64()
		f.Add(mustMarshal(f, r))
	}
	f.Add([]byte(numpyTag))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewNumPy(9)
		before := r.State()
		if err := r.UnmarshalBinary(data); err != nil {
			if r.State() != before {
				t.Errorf("UnmarshalBinary failed with %v and changed the state", err)
			}
			return
		}
		if got := mustMarshal(t, r); !bytes.Equal(got, data) {
			t.Errorf("MarshalBinary after UnmarshalBinary = %x, want %x", got, data)
		}
	})
}

// FuzzPCGUnmarshal is FuzzNumPyUnmarshal for PCG.
func FuzzPCGUnmarshal(f *testing.F) {
	f.Add(mustMarshal(f, New(0)))
	f.Add(mustMarshal(f, New(1<<64-1)))
	f.Add([]byte(pcgTag))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := New(9)
		before := mustMarshal(t, p)
		if err := p.UnmarshalBinary(data); err != nil {
			if got := mustMarshal(t, p); !bytes.Equal(got, before) {
				t.Errorf("UnmarshalBinary failed with %v and changed the state", err)
			}
			return
		}
		if got := mustMarshal(t, p); !bytes.Equal(got, data) {
			t.Errorf("MarshalBinary after UnmarshalBinary = %x, want %x", got, data)
		}
	})
}
