package data

import (
	"fmt"
	"math"

	"github.com/backprop-go/backprop/matrix"
)

// Standardizer rescales each input feature to zero mean and unit standard
// deviation, with statistics fitted on the training set only and then
// applied unchanged to validation, test and new data:
//
//	x' = (x − Mean[i]) / Std[i]   for feature (row) i,
//
// computed in float64 and converted to T. This is the formula of
// modelio.Model.Standardize, so a saved model gets the inputs it was
// trained on.
type Standardizer[T matrix.Float] struct {
	// Mean and Std hold one value per feature, n_x each. Std is the
	// population standard deviation (dividing by m, as NumPy's np.std),
	// and is 1 for a feature whose training values are all equal.
	Mean, Std []float64
}

// FitStandardizer returns the Standardizer of the features of X, (n_x, m):
// Mean[i] and Std[i] are the mean and the standard deviation of row i,
// computed in float64 in two passes. A feature whose values are all equal,
// such as a pixel that is black in every image, has a standard deviation
// of 0; FitStandardizer sets its Std to 1, so the feature becomes 0
// instead of dividing by zero. It returns an error if X has no columns or
// holds a NaN or ±Inf.
func FitStandardizer[T matrix.Float](X *matrix.Dense[T]) (*Standardizer[T], error) {
	n, m := X.Dims()
	if m == 0 {
		return nil, fmt.Errorf("data: cannot fit a standardisation to no examples (X is (%d, 0))", n)
	}
	if i, j, ok := firstNonFinite(X.RawData(), m); ok {
		return nil, fmt.Errorf("data: cannot fit a standardisation: X[%d][%d] = %v (example %d, feature %d, counted from 0) is not finite; remove or impute it",
			i, j, X.At(i, j), j, i)
	}
	s := &Standardizer[T]{Mean: make([]float64, n), Std: make([]float64, n)}
	for i := 0; i < n; i++ {
		row := X.RawRow(i)
		lo, hi := float64(row[0]), float64(row[0])
		var sum float64
		for _, v := range row {
			x := float64(v)
			sum += x
			lo, hi = min(lo, x), max(hi, x)
		}
		if lo == hi {
			s.Mean[i], s.Std[i] = lo, 1
			continue
		}
		mean := sum / float64(m)
		var ss float64
		for _, v := range row {
			dx := float64(v) - mean
			ss += dx * dx
		}
		s.Mean[i], s.Std[i] = mean, math.Sqrt(ss/float64(m))
	}
	return s, nil
}

// Transform standardises X, (n_x, m), in place. It returns an error if X
// has a number of features other than len(s.Mean).
func (s *Standardizer[T]) Transform(X *matrix.Dense[T]) error {
	n, m := X.Dims()
	if n != len(s.Mean) || n != len(s.Std) {
		return fmt.Errorf("data: the standardisation was fitted to %d features, but X has %d (rows); fit it on data of the same features", len(s.Mean), n)
	}
	x := X.RawData()
	for i := 0; i < n; i++ {
		mu, sd := s.Mean[i], s.Std[i]
		row := x[i*m : (i+1)*m]
		for j, v := range row {
			row[j] = T((float64(v) - mu) / sd)
		}
	}
	return nil
}

// Apply standardises the inputs of d in place; see Transform.
func (s *Standardizer[T]) Apply(d *Dataset[T]) error {
	return s.Transform(d.X)
}
