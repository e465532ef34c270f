package train

import (
	"hash/maphash"
	"math"
	"slices"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// SymmetricHidden returns the first hidden layer l (1 ≤ l < L) that has
// two identical units, and ok = false when there is none. Units i and j
// are identical when rows i and j of W[l], entries i and j of b[l], and
// columns i and j of W[l+1] are equal. Such units compute the same
// activation and receive the same gradient at every step, so training can
// never make them differ. An all-zero or constant initialisation does this
// to every hidden unit. Layers with dropout are skipped, since their masks
// break the tie.
func SymmetricHidden[T matrix.Float](net *nn.Network[T]) (layer int, ok bool) {
	if w := findSymmetry(net); w != nil {
		return w.Layer, true
	}
	return 0, false
}

// findSymmetry returns a warning for the first hidden layer with two
// identical units, or nil. It hashes each unit's incoming weights, bias
// and outgoing weights, and compares units with equal hashes exactly.
func findSymmetry[T matrix.Float](net *nn.Network[T]) *SymmetryWarning {
	L := net.Layers()
	seed := maphash.MakeSeed()
	for l := 1; l < L; l++ {
		if k := net.KeepProb[l]; k > 0 && k < 1 {
			continue
		}
		n := net.Sizes[l]
		W, b, next := net.W[l], net.B[l], net.W[l+1]
		same := func(i, j int) bool {
			if b.At(i, 0) != b.At(j, 0) || !slices.Equal(W.RawRow(i), W.RawRow(j)) {
				return false
			}
			for r := 0; r < next.Rows(); r++ {
				if next.At(r, i) != next.At(r, j) {
					return false
				}
			}
			return true
		}
		var w *SymmetryWarning
		byHash := make(map[uint64][]int, n)
		for i := 0; i < n && w == nil; i++ {
			h := unitHash(seed, W, b, next, i)
			for _, j := range byHash[h] {
				if same(i, j) {
					w = &SymmetryWarning{Layer: l, Unit1: j, Unit2: i, Units: n}
					break
				}
			}
			byHash[h] = append(byHash[h], i)
		}
		if w == nil {
			continue
		}
		w.AllSame = true
		for i := 1; i < n && w.AllSame; i++ {
			w.AllSame = same(0, i)
		}
		return w
	}
	return nil
}

// unitHash hashes the bits of unit i's row of W, its bias and its column of
// next. Zero and −0 hash alike, as they compare equal.
func unitHash[T matrix.Float](seed maphash.Seed, W, b, next *matrix.Dense[T], i int) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	put := func(v T) {
		if v == 0 {
			v = 0
		}
		maphash.WriteComparable(&h, math.Float64bits(float64(v)))
	}
	for _, v := range W.RawRow(i) {
		put(v)
	}
	put(b.At(i, 0))
	for r := 0; r < next.Rows(); r++ {
		put(next.At(r, i))
	}
	return h.Sum64()
}
