package engine

import (
	"reflect"
	"strings"
	"testing"
)

func TestSettingsQueryRoundTrip(t *testing.T) {
	custom := Default()
	custom.Data, custom.Samples, custom.Noise, custom.DataSeed = "spiral", 500, 0.125, 7
	custom.TestFraction, custom.Batch = 0.35, 0
	custom.Features = []string{"x1", "x1sq", "sinx2"}
	custom.Hidden = []int{8, 3, 1}
	custom.Activation, custom.Output, custom.Init = "relu", "tanh", "he"
	custom.Optimizer, custom.LearningRate = "momentum", 0.003
	custom.Regularize, custom.RegRate, custom.Seed = "l1", 0.01, 1<<40

	upload := Default()
	upload.Data, upload.Task = UploadName, "regression"

	none := Default()
	none.Hidden = nil

	for i, s := range []Settings{Default(), custom, upload, none} {
		q := s.Query()
		got, err := ParseSettings(q)
		if err != nil {
			t.Errorf("%d: ParseSettings(%q): %v", i, q, err)
			continue
		}
		if !reflect.DeepEqual(got, s) && !(len(got.Hidden) == 0 && len(s.Hidden) == 0) {
			t.Errorf("%d: ParseSettings(%q) = %+v, want %+v", i, q, got, s)
		}
	}
}

func TestParseSettingsDefaults(t *testing.T) {
	// A set without its size, noise and seed takes its own.
	s, err := ParseSettings("data=flower")
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 400 || s.Noise != 0.2 || s.DataSeed != 1 {
		t.Errorf("flower: m = %d, noise %v, seed %d; want the command line's 400, 0.2, 1", s.Samples, s.Noise, s.DataSeed)
	}
	s, err = ParseSettings("data=moons&m=123")
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 123 || s.DataSeed != 3 {
		t.Errorf("moons with m=123: m = %d, seed %d; want 123 and the set's seed 3", s.Samples, s.DataSeed)
	}
	s, err = ParseSettings("data=plane")
	if err != nil {
		t.Fatal(err)
	}
	if s.Output != "linear" || !s.Regression() {
		t.Errorf("plane: output %q, regression %v; want linear and true", s.Output, s.Regression())
	}
	// Features come back in the order of n[0]'s rows.
	s, err = ParseSettings("f=sinx1,x2,x1")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"x1", "x2", "sinx1"}; !reflect.DeepEqual(s.Features, want) {
		t.Errorf("features %v, want %v", s.Features, want)
	}
	s, err = ParseSettings("layers=")
	if err != nil || len(s.Hidden) != 0 {
		t.Errorf(`layers="": hidden %v, error %v; want none`, s.Hidden, err)
	}
	if _, err := ParseSettings("x=1&unknown=yes"); err != nil {
		t.Errorf("unknown keys: %v; want them ignored", err)
	}
}

func TestParseSettingsErrors(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{"data=mnist", `data "mnist" is not one of`},
		{"m=5", "samples m = 5"},
		{"m=abc", `m="abc" is not a whole number`},
		{"noise=-1", "noise -1"},
		{"noise=NaN", `noise="NaN" is not a number`},
		{"test=0.95", "test share 0.95"},
		{"batch=-2", "batch size -2"},
		{"f=", "no input features"},
		{"f=x3", `input feature "x3"`},
		{"f=x1,x1", `"x1" is selected twice`},
		{"layers=1,2,3,4,5,6,7", "7 hidden layers"},
		{"layers=4,9", "hidden layer 2 has 9 units"},
		{"layers=4,x", `"x" is not a whole number`},
		{"act=softmax", `activation "softmax"`},
		{"out=softmax", `output "softmax"`},
		{"opt=lbfgs", `optimizer "lbfgs"`},
		{"lr=0", "learning rate α = 0"},
		{"lr=11", "learning rate α = 11"},
		{"reg=l3", `regularisation "l3"`},
		{"rate=-0.1", "regularisation rate λ = -0.1"},
		{"seed=-1", `seed="-1"`},
		{"data=flower&dseed=4294967296", "below 2³²"},
		{"data=upload&task=clustering", `task "clustering"`},
		{"%zz", "cannot be read"},
	}
	for i, tt := range tests {
		_, err := ParseSettings(tt.query)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d: ParseSettings(%q) = %v, want an error containing %q", i, tt.query, err, tt.want)
		}
	}
}

func TestQueryKeepsCommas(t *testing.T) {
	s := Default()
	q := s.Query()
	if !strings.Contains(q, "layers=4,2") || !strings.Contains(q, "f=x1,x2") {
		t.Errorf("Query() = %q; want readable lists layers=4,2 and f=x1,x2", q)
	}
}
