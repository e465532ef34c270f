package optim

import (
	"fmt"
	"math"
	"strings"

	"github.com/backprop-go/backprop/matrix"
)

// Optimizer updates parameters from their gradients and keeps the state
// that the update rule carries from one step to the next. An Optimizer is
// not safe for concurrent use.
type Optimizer[T matrix.Float] interface {
	// Step updates every params[i] in place from grads[i] with learning
	// rate alpha. It returns an error and changes nothing when the two
	// lists differ in length or shape, or do not match the state's buffers.
	// The same holds when alpha is negative or not finite in T, and when a
	// new value would not be finite (*NonFiniteError).
	Step(params, grads []*matrix.Dense[T], alpha float64) error

	// State returns a deep copy of the optimizer's state.
	State() State[T]

	// SetState replaces the optimizer's state with a copy of s. It returns
	// an error if s belongs to another method or names unknown buffers.
	// Buffer shapes are checked against the parameters by the next Step.
	SetState(s State[T]) error

	// Reset clears the state, as before the first Step.
	Reset()

	// Config returns the optimizer's method and hyperparameters, with
	// defaults filled in.
	Config() Config
}

// Method names an update rule.
type Method int

// The update rules. The zero Method is SGD.
const (
	// SGD is plain gradient descent: p = p − α·g.
	SGD Method = iota
	// Momentum is gradient descent with an exponentially averaged
	// velocity: v = β·v + (1 − β)·g, p = p − α·v.
	Momentum
	// RMSprop divides by a running root mean square of the gradient:
	// s = β·s + (1 − β)·g², p = p − α·g / (√s + ε).
	RMSprop
	// Adam combines momentum and RMSprop with bias correction.
	Adam
)

var methodNames = map[Method]string{SGD: "sgd", Momentum: "momentum", RMSprop: "rmsprop", Adam: "adam"}

// String returns the name used in configurations and on the command line.
func (m Method) String() string {
	if s, ok := methodNames[m]; ok {
		return s
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod returns the method named s: sgd (or gd), momentum, rmsprop
// or adam, in any case.
func ParseMethod(s string) (Method, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "gd" {
		return SGD, nil
	}
	for m, name := range methodNames {
		if s == name {
			return m, nil
		}
	}
	return 0, fmt.Errorf("optim: unknown optimizer %q; use sgd, momentum, rmsprop or adam", s)
}

// MarshalText implements encoding.TextMarshaler.
func (m Method) MarshalText() ([]byte, error) {
	if _, ok := methodNames[m]; !ok {
		return nil, fmt.Errorf("optim: invalid optimizer %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Default hyperparameters. β = 0.9 is the course's momentum and Keras's
// RMSprop rho. Adam's β1, β2 and ε, and RMSprop's ε, are PyTorch's.
const (
	DefaultBeta    = 0.9   // momentum and RMSprop β
	DefaultBeta1   = 0.9   // Adam β1
	DefaultBeta2   = 0.999 // Adam β2
	DefaultEpsilon = 1e-8  // RMSprop and Adam ε
)

// Config selects an update rule and its hyperparameters. A zero field
// takes its default (DefaultBeta and so on), so the zero Config is SGD and
// Config{Method: Adam} is Adam with β1 = 0.9, β2 = 0.999 and ε = 1e-8. A β
// of exactly 0 cannot be expressed: momentum with β = 0 is SGD.
type Config struct {
	Method Method `json:"method"`
	// Beta is β of Momentum and RMSprop, in (0, 1).
	Beta float64 `json:"beta,omitempty"`
	// Beta1 and Beta2 are β1 and β2 of Adam, each in (0, 1).
	Beta1 float64 `json:"beta1,omitempty"`
	Beta2 float64 `json:"beta2,omitempty"`
	// Epsilon is ε of RMSprop and Adam, > 0.
	Epsilon float64 `json:"epsilon,omitempty"`
}

// WithDefaults returns c with every zero hyperparameter of its method set
// to the default, and the hyperparameters its method does not use cleared.
func (c Config) WithDefaults() Config {
	or := func(v, def float64) float64 {
		if v == 0 {
			return def
		}
		return v
	}
	out := Config{Method: c.Method}
	switch c.Method {
	case Momentum:
		out.Beta = or(c.Beta, DefaultBeta)
	case RMSprop:
		out.Beta = or(c.Beta, DefaultBeta)
		out.Epsilon = or(c.Epsilon, DefaultEpsilon)
	case Adam:
		out.Beta1 = or(c.Beta1, DefaultBeta1)
		out.Beta2 = or(c.Beta2, DefaultBeta2)
		out.Epsilon = or(c.Epsilon, DefaultEpsilon)
	}
	return out
}

// Validate returns an error naming the first hyperparameter out of range,
// after defaults are filled in.
func (c Config) Validate() error {
	if _, ok := methodNames[c.Method]; !ok {
		return fmt.Errorf("optim: invalid optimizer %d; use sgd, momentum, rmsprop or adam", int(c.Method))
	}
	c = c.WithDefaults()
	beta := func(name string, v float64) error {
		if !(v > 0 && v < 1) {
			return fmt.Errorf("optim: %s %s = %v; it must be in (0, 1)", c.Method, name, v)
		}
		return nil
	}
	switch c.Method {
	case Momentum:
		return beta("beta", c.Beta)
	case RMSprop:
		if err := beta("beta", c.Beta); err != nil {
			return err
		}
	case Adam:
		if err := beta("beta1", c.Beta1); err != nil {
			return err
		}
		if err := beta("beta2", c.Beta2); err != nil {
			return err
		}
	}
	if c.Method == RMSprop || c.Method == Adam {
		if !(c.Epsilon > 0) || math.IsInf(c.Epsilon, 0) {
			return fmt.Errorf("optim: %s epsilon = %v; it must be a finite number > 0, usually 1e-8", c.Method, c.Epsilon)
		}
	}
	return nil
}

// New returns an optimizer for precision T configured by c, with empty
// state. It returns an error if c is invalid (see Config.Validate).
func New[T matrix.Float](c Config) (Optimizer[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	switch c.Method {
	case Momentum:
		return &momentum[T]{cfg: c}, nil
	case RMSprop:
		return &rmsprop[T]{cfg: c}, nil
	case Adam:
		return &adam[T]{cfg: c}, nil
	}
	return &sgd[T]{}, nil
}

// State is an optimizer's state between steps: enough to continue
// training with updates bit-identical to an uninterrupted run.
type State[T matrix.Float] struct {
	// Method is the update rule the state belongs to.
	Method Method
	// Step counts the updates applied so far; Adam's next update uses
	// t = Step + 1.
	Step int
	// Buffers holds the per-parameter state, in the order of the
	// parameters, by name: "v" for Momentum, "s" for RMSprop, "m" and "v"
	// for Adam. SGD has none. Before the first Step the lists are empty.
	Buffers map[string][]*matrix.Dense[T]
}

// bufferNames lists the state buffers of each method.
var bufferNames = map[Method][]string{SGD: nil, Momentum: {"v"}, RMSprop: {"s"}, Adam: {"m", "v"}}

// NonFiniteError reports that a step would have made a parameter or a
// state value NaN or ±Inf. The step that returns it changes nothing.
type NonFiniteError struct {
	Param    int     // index of the parameter in the list given to Step
	Row, Col int     // position of the first such element in that parameter
	Quantity string  // the new value that is not finite: "parameter", or a buffer name ("m", "v", "s")
	Value    float64 // that value
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("optim: the update would make %s of parameter %d at (%d, %d) %v; nothing was changed; lower the learning rate",
		e.Quantity, e.Param, e.Row, e.Col, e.Value)
}

// checkStep returns an error unless params and grads pair up in shape and
// alpha is a usable learning rate in precision T.
func checkStep[T matrix.Float](params, grads []*matrix.Dense[T], alpha float64) error {
	if len(params) != len(grads) {
		return fmt.Errorf("optim: %d parameters but %d gradients; give one gradient per parameter", len(params), len(grads))
	}
	for i, p := range params {
		g := grads[i]
		if p == nil || g == nil {
			return fmt.Errorf("optim: parameter %d or its gradient is nil", i)
		}
		if pr, pc := p.Dims(); g.Rows() != pr || g.Cols() != pc {
			return fmt.Errorf("optim: gradient %d is %s but its parameter is %s", i, g.ShapeString(), p.ShapeString())
		}
	}
	a := T(alpha)
	if !(alpha >= 0) || isNonFinite(a) {
		return fmt.Errorf("optim: learning rate %v; it must be a finite number ≥ 0", alpha)
	}
	return nil
}

// prepareBuffers allocates zero buffers shaped as params when bufs is
// empty, and otherwise checks that it matches params. name labels errors.
func prepareBuffers[T matrix.Float](bufs *[]*matrix.Dense[T], params []*matrix.Dense[T], name string) error {
	if len(*bufs) == 0 {
		b := make([]*matrix.Dense[T], len(params))
		for i, p := range params {
			b[i] = matrix.New[T](p.Rows(), p.Cols(), nil)
		}
		*bufs = b
		return nil
	}
	if len(*bufs) != len(params) {
		return fmt.Errorf("optim: state %q has %d buffers for %d parameters; the state belongs to another network", name, len(*bufs), len(params))
	}
	for i, p := range params {
		b := (*bufs)[i]
		if b == nil || b.Rows() != p.Rows() || b.Cols() != p.Cols() {
			got := "nil"
			if b != nil {
				got = b.ShapeString()
			}
			return fmt.Errorf("optim: state %q buffer %d is %s but parameter %d is %s; the state belongs to another network", name, i, got, i, p.ShapeString())
		}
	}
	return nil
}

// isNonFinite reports whether x is NaN or ±Inf: x − x is 0 for every
// finite x and NaN otherwise.
func isNonFinite[T matrix.Float](x T) bool { return x-x != 0 }

// nonFinite returns the error for element k of parameter i of shape
// (·, cols), naming the first of the candidate values that is not finite.
func nonFinite[T matrix.Float](i, k, cols int, names []string, values ...T) *NonFiniteError {
	e := &NonFiniteError{Param: i, Row: k / cols, Col: k % cols}
	for j, v := range values {
		if isNonFinite(v) {
			e.Quantity, e.Value = names[j], float64(v)
			break
		}
	}
	return e
}

// copyBuffers returns deep copies of bufs.
func copyBuffers[T matrix.Float](bufs []*matrix.Dense[T]) []*matrix.Dense[T] {
	out := make([]*matrix.Dense[T], len(bufs))
	for i, b := range bufs {
		if b != nil {
			out[i] = b.Clone()
		}
	}
	return out
}

// stateOf builds a State of method m from named buffer lists.
func stateOf[T matrix.Float](m Method, step int, named map[string][]*matrix.Dense[T]) State[T] {
	s := State[T]{Method: m, Step: step, Buffers: make(map[string][]*matrix.Dense[T], len(named))}
	for name, bufs := range named {
		s.Buffers[name] = copyBuffers(bufs)
	}
	return s
}

// checkState returns an error unless s is a state of method m.
func checkState[T matrix.Float](m Method, s State[T]) error {
	if s.Method != m {
		return fmt.Errorf("optim: state of optimizer %s given to %s", s.Method, m)
	}
	if s.Step < 0 {
		return fmt.Errorf("optim: state step count %d is negative", s.Step)
	}
	known := bufferNames[m]
	if s.Step > 0 {
		for _, name := range known {
			if len(s.Buffers[name]) == 0 {
				return fmt.Errorf("optim: state of %s after %d steps has no buffer %q", m, s.Step, name)
			}
		}
	}
	for name := range s.Buffers {
		found := false
		for _, k := range known {
			found = found || k == name
		}
		if !found {
			return fmt.Errorf("optim: state buffer %q is not one of %s's %v", name, m, known)
		}
	}
	return nil
}
