package optim_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/optim"
)

func TestScheduleLearningRate(t *testing.T) {
	tests := []struct {
		s     optim.Schedule
		epoch int
		want  float64
	}{
		{optim.Schedule{}, 0, 0.1},
		{optim.Schedule{}, 50, 0.1},
		// The course's update_lr: α0 / (1 + decay_rate·epoch_num).
		{optim.Schedule{Decay: optim.InverseTime, Rate: 1}, 0, 0.1},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 1}, 1, 0.1 / 2},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 0.5}, 4, 0.1 / 3},
		// The course's schedule_lr_decay with time_interval 1000.
		{optim.Schedule{Decay: optim.InverseTime, Rate: 0.3, Interval: 1000}, 999, 0.1},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 0.3, Interval: 1000}, 2500, 0.1 / 1.6},
		{optim.Schedule{Decay: optim.Exponential, Rate: 0.5}, 3, 0.1 * 0.125},
		{optim.Schedule{Decay: optim.Exponential, Rate: 0.5, Interval: 2}, 3, 0.1 * 0.5},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 1}, -1, 0.1},
		// The course notebook's loop: epoch i + 1 runs with update_lr(α0, i, r).
		{optim.Schedule{Decay: optim.InverseTime, Rate: 1, Lag: 1}, 1, 0.1},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 1, Lag: 1}, 3, 0.1 / 3},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 0.3, Interval: 1000, Lag: 1}, 1000, 0.1},
		{optim.Schedule{Decay: optim.InverseTime, Rate: 0.3, Interval: 1000, Lag: 1}, 1001, 0.1 / 1.3},
	}
	for i, test := range tests {
		if err := test.s.Validate(); err != nil {
			t.Errorf("%d: %v", i, err)
		}
		got := test.s.LearningRate(0.1, test.epoch)
		if math.Abs(got-test.want) > 1e-15 {
			t.Errorf("%d: %+v at epoch %d gives %v, want %v", i, test.s, test.epoch, got, test.want)
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	tests := []struct {
		s    optim.Schedule
		want string
	}{
		{optim.Schedule{Decay: optim.InverseTime, Rate: -1}, "inverse-time decay rate -1"},
		{optim.Schedule{Decay: optim.InverseTime, Rate: math.NaN()}, "inverse-time decay rate NaN"},
		{optim.Schedule{Decay: optim.Exponential, Rate: 0}, "exponential decay rate 0"},
		{optim.Schedule{Decay: optim.Exponential, Rate: 1.5}, "exponential decay rate 1.5"},
		{optim.Schedule{Interval: -2}, "decay interval -2"},
		{optim.Schedule{Lag: -1}, "decay lag -1"},
		{optim.Schedule{Decay: 7}, "invalid learning-rate schedule 7"},
	}
	for i, test := range tests {
		err := test.s.Validate()
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%d: error %v, want one containing %q", i, err, test.want)
		}
	}
}

func TestParseDecay(t *testing.T) {
	for _, name := range []string{"constant", "inverse-time", "exponential"} {
		d, err := optim.ParseDecay(name)
		if err != nil || d.String() != name {
			t.Errorf("ParseDecay(%q) = %v, %v", name, d, err)
		}
	}
	if _, err := optim.ParseDecay("step"); err == nil {
		t.Errorf("ParseDecay(step): no error")
	}
	s := optim.Schedule{Decay: optim.InverseTime, Rate: 1}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"decay":"inverse-time","rate":1}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back optim.Schedule
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Errorf("JSON round trip gives %+v, %v", back, err)
	}
}
