package optim

import (
	"fmt"
	"math"
	"strings"
)

// Decay names a learning-rate schedule.
type Decay int

// The schedules. In the formulas, α0 is the initial learning rate, r the
// schedule's Rate, and k = ⌊max(e − Lag, 0) / Interval⌋ for the epoch index
// e counted from 0, so the first epoch always runs with α0.
const (
	// Constant keeps α = α0.
	Constant Decay = iota
	// InverseTime is the deeplearning.ai course's decay,
	//
	//	α = α0 / (1 + r·k)
	//
	// with Interval 1 for its decay on every epoch, or its time_interval
	// for fixed-interval scheduling. The command line's --decay sets r of
	// this schedule.
	InverseTime
	// Exponential multiplies the rate by r every Interval epochs,
	//
	//	α = α0 · r^k
	//
	// the form of Keras's ExponentialDecay with staircase=True, counted in
	// epochs instead of updates.
	Exponential
)

var decayNames = map[Decay]string{Constant: "constant", InverseTime: "inverse-time", Exponential: "exponential"}

// String returns the name used in configurations and on the command line.
func (d Decay) String() string {
	if s, ok := decayNames[d]; ok {
		return s
	}
	return fmt.Sprintf("Decay(%d)", int(d))
}

// ParseDecay returns the schedule named s: constant, inverse-time or
// exponential, in any case.
func ParseDecay(s string) (Decay, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d, name := range decayNames {
		if s == name {
			return d, nil
		}
	}
	return 0, fmt.Errorf("optim: unknown learning-rate schedule %q; use constant, inverse-time or exponential", s)
}

// MarshalText implements encoding.TextMarshaler.
func (d Decay) MarshalText() ([]byte, error) {
	if _, ok := decayNames[d]; !ok {
		return nil, fmt.Errorf("optim: invalid learning-rate schedule %d", int(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Decay) UnmarshalText(b []byte) error {
	v, err := ParseDecay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Schedule gives the learning rate of each epoch. The zero Schedule keeps
// the rate constant.
//
// The course's notebook applies update_lr(α0, i, r) after epoch i, so its
// epoch i + 1 runs with α0 / (1 + r·i), where Schedule{Decay: InverseTime,
// Rate: r} gives α0 / (1 + r·(i + 1)). Lag 1 reproduces the notebook.
type Schedule struct {
	Decay Decay `json:"decay"`
	// Rate is r: ≥ 0 for InverseTime, in (0, 1] for Exponential.
	Rate float64 `json:"rate,omitempty"`
	// Interval is the number of epochs between decays; 0 means 1.
	Interval int `json:"interval,omitempty"`
	// Lag is the number of epochs the decay starts late, ≥ 0.
	Lag int `json:"lag,omitempty"`
}

// LearningRate returns the rate for the epoch with index epoch, counted
// from 0, given the initial rate alpha0. A negative epoch counts as 0.
func (s Schedule) LearningRate(alpha0 float64, epoch int) float64 {
	interval := s.Interval
	if interval <= 0 {
		interval = 1
	}
	k := float64(max(epoch-s.Lag, 0) / interval)
	switch s.Decay {
	case InverseTime:
		return alpha0 / (1 + s.Rate*k)
	case Exponential:
		return alpha0 * math.Pow(s.Rate, k)
	}
	return alpha0
}

// Validate returns an error naming the first field out of range.
func (s Schedule) Validate() error {
	if _, ok := decayNames[s.Decay]; !ok {
		return fmt.Errorf("optim: invalid learning-rate schedule %d; use constant, inverse-time or exponential", int(s.Decay))
	}
	if s.Interval < 0 {
		return fmt.Errorf("optim: decay interval %d epochs; it must be ≥ 1, or 0 for 1", s.Interval)
	}
	if s.Lag < 0 {
		return fmt.Errorf("optim: decay lag %d epochs; it must be ≥ 0", s.Lag)
	}
	switch s.Decay {
	case InverseTime:
		if !(s.Rate >= 0) || math.IsInf(s.Rate, 0) {
			return fmt.Errorf("optim: inverse-time decay rate %v; it must be a finite number ≥ 0", s.Rate)
		}
	case Exponential:
		if !(s.Rate > 0 && s.Rate <= 1) {
			return fmt.Errorf("optim: exponential decay rate %v; it must be in (0, 1], such as 0.95", s.Rate)
		}
	}
	return nil
}
