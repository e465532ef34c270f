package data

import (
	"fmt"
	"math"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// Subset returns a new Dataset with the examples of d listed in idx, in
// that order: column k of its X and Y is column idx[k] of d's, and
// Labels, Classes, ClassNames and FeatureNames follow. Indices may repeat.
// It copies X, Y and Labels and shares the name slices. It returns an
// error naming the first index outside [0, m).
func (d *Dataset[T]) Subset(idx []int) (*Dataset[T], error) {
	m := d.Len()
	for k, j := range idx {
		if j < 0 || j >= m {
			return nil, fmt.Errorf("data: subset index %d (position %d) is outside [0, %d) for %d examples", j, k, m, m)
		}
	}
	out := &Dataset[T]{
		X:            new(matrix.Dense[T]),
		Y:            new(matrix.Dense[T]),
		Classes:      d.Classes,
		ClassNames:   d.ClassNames,
		FeatureNames: d.FeatureNames,
	}
	out.X.GatherCols(d.X, idx)
	out.Y.GatherCols(d.Y, idx)
	if d.Labels != nil {
		out.Labels = make([]int, len(idx))
		for k, j := range idx {
			out.Labels[k] = d.Labels[j]
		}
	}
	return out, nil
}

// Shuffle returns a copy of d with its examples in the order src.Perm(m)
// gives, so a seeded source gives the same order every run.
func (d *Dataset[T]) Shuffle(src rand.Source) *Dataset[T] {
	s, err := d.Subset(src.Perm(d.Len()))
	if err != nil {
		panic("data: Shuffle: " + err.Error()) // a permutation is always in range
	}
	return s
}

// Split divides d into training, validation and test sets. The validation
// and test sets take round(validation·m) and round(test·m) examples
// (halves rounded away from zero), the training set the rest, in this order from a permutation src.Perm(m), or
// from the file order when src is nil. The validation or test set is nil
// when its fraction is 0. The sets are copies (see Subset), and the split
// draws nothing from src beyond the one permutation.
//
// Split returns an error if a fraction is negative or not finite, if the
// two sum to 1 or more, if a positive fraction rounds to no examples, or
// if no examples are left to train on.
func (d *Dataset[T]) Split(src rand.Source, validation, test float64) (train, val, tst *Dataset[T], err error) {
	m := d.Len()
	for _, f := range []struct {
		name string
		v    float64
	}{{"validation", validation}, {"test", test}} {
		if !(f.v >= 0 && f.v < 1) {
			return nil, nil, nil, fmt.Errorf("data: %s fraction %v is outside [0, 1)", f.name, f.v)
		}
		if f.v > 0 && math.Round(f.v*float64(m)) == 0 {
			return nil, nil, nil, fmt.Errorf("data: a %s fraction of %v of %d examples rounds to 0 examples; raise it to at least %.3g, or use 0", f.name, f.v, m, 0.5/float64(m))
		}
	}
	nVal := int(math.Round(validation * float64(m)))
	nTest := int(math.Round(test * float64(m)))
	nTrain := m - nVal - nTest
	if validation+test >= 1 || nTrain < 1 {
		return nil, nil, nil, fmt.Errorf("data: validation %v and test %v leave %d of %d examples to train on; lower the fractions", validation, test, max(nTrain, 0), m)
	}

	order := make([]int, m)
	if src != nil {
		order = src.Perm(m)
	} else {
		for j := range order {
			order[j] = j
		}
	}
	if train, err = d.Subset(order[:nTrain]); err != nil {
		return nil, nil, nil, err
	}
	if nVal > 0 {
		if val, err = d.Subset(order[nTrain : nTrain+nVal]); err != nil {
			return nil, nil, nil, err
		}
	}
	if nTest > 0 {
		if tst, err = d.Subset(order[nTrain+nVal:]); err != nil {
			return nil, nil, nil, err
		}
	}
	return train, val, tst, nil
}
