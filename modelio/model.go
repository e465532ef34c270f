package modelio

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// Model is the content of a model file: the network, the standardisation
// that turns a user's raw input into the network's X, and the names of the
// classes its outputs stand for.
type Model[T matrix.Float] struct {
	Net *nn.Network[T]
	// Mean and Std standardise each input feature, x' = (x − Mean)/Std,
	// fitted on the training data. Both are nil when the inputs are used
	// as they are.
	Mean, Std []float64
	// ClassNames names the classes by index; it may be nil.
	ClassNames []string
}

// Validate checks the network and that the standardisation, when present,
// has one finite mean and one positive finite deviation per input.
func (m *Model[T]) Validate() error {
	if m == nil {
		return fmt.Errorf("modelio: the model is nil")
	}
	if m.Net == nil {
		return fmt.Errorf("modelio: model has no network")
	}
	if err := m.Net.Validate(); err != nil {
		return err
	}
	for i, name := range m.ClassNames {
		if !utf8.ValidString(name) {
			return fmt.Errorf("modelio: class name %d, %q, is not valid UTF-8; model files store names as UTF-8 text", i, name)
		}
	}
	if (m.Mean == nil) != (m.Std == nil) {
		return fmt.Errorf("modelio: the standardisation needs both mean and std")
	}
	if m.Mean == nil {
		return nil
	}
	n0 := m.Net.Sizes[0]
	if len(m.Mean) != n0 || len(m.Std) != n0 {
		return fmt.Errorf("modelio: the standardisation has %d means and %d deviations for n[0] = %d inputs", len(m.Mean), len(m.Std), n0)
	}
	for i := range m.Mean {
		if math.IsNaN(m.Mean[i]) || math.IsInf(m.Mean[i], 0) {
			return fmt.Errorf("modelio: mean[%d] = %v is not finite", i, m.Mean[i])
		}
		if !(m.Std[i] > 0) || math.IsInf(m.Std[i], 0) {
			return fmt.Errorf("modelio: std[%d] = %v; each deviation must be positive and finite", i, m.Std[i])
		}
	}
	return nil
}

// Standardize applies the model's standardisation to X, (n[0], m), in
// place. It does nothing for a model without one.
func (m *Model[T]) Standardize(X *matrix.Dense[T]) {
	if m.Mean == nil {
		return
	}
	r, c := X.Dims()
	for i := 0; i < min(r, len(m.Mean)); i++ {
		row := X.RawData()[i*c : (i+1)*c]
		mu, sd := m.Mean[i], m.Std[i]
		for j, v := range row {
			row[j] = T((float64(v) - mu) / sd)
		}
	}
}
