package engine

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
)

// Limits of the settings, which keep the page responsive.
const (
	MaxHidden     = 6    // hidden layers
	MaxUnits      = 8    // units per hidden layer
	MinSamples    = 10   // examples of a generated set
	MaxSamples    = 2000 // examples of a generated set or an uploaded file
	MaxNoise      = 5.0
	MaxTestFrac   = 0.9
	MaxBatch      = MaxSamples
	MaxRate       = 10.0 // learning rate α
	MaxRegularize = 10.0 // λ of L1 and L2
)

// Settings is everything that decides a run. Its query form, which the
// page keeps in its URL, and its JSON form use the keys of the JSON tags.
type Settings struct {
	Data     string  `json:"data"`  // a name of Sets, or "upload" for a CSV file the page read
	Samples  int     `json:"m"`     // examples, before the test set is held out; ignored for an upload
	Noise    float64 `json:"noise"` // the generator's noise, in the units of the points
	DataSeed uint64  `json:"dseed"` // the generator's seed
	Task     string  `json:"task"`  // "classification" or "regression", for an upload only

	TestFraction float64 `json:"test"`  // the share of the examples held out for testing
	Batch        int     `json:"batch"` // examples per mini-batch, 0 for the full batch

	Features []string `json:"f"` // the input features, names of FeatureNames

	Hidden     []int  `json:"layers"` // units per hidden layer
	Activation string `json:"act"`    // relu, tanh, sigmoid or linear
	Output     string `json:"out"`    // sigmoid (with bce), tanh or linear (with mse)
	Init       string `json:"init"`   // xavier, he, lecun or normal (× 0.01)

	Optimizer    string  `json:"opt"`  // sgd, momentum, rmsprop or adam
	LearningRate float64 `json:"lr"`   // α
	Regularize   string  `json:"reg"`  // none, l1 or l2
	RegRate      float64 `json:"rate"` // λ

	Seed uint64 `json:"seed"` // the run's source, as --seed
}

// Default returns the settings of a first visit: the circles of the
// course with a 2-4-2-1 tanh network.
func Default() Settings {
	return Settings{
		Data: "circles", Samples: 300, Noise: 0.05, DataSeed: 1, Task: "classification",
		TestFraction: 0.2, Batch: 10,
		Features: []string{"x1", "x2"},
		Hidden:   []int{4, 2}, Activation: "tanh", Output: "sigmoid", Init: "xavier",
		Optimizer: "adam", LearningRate: 0.03, Regularize: "none", RegRate: 0,
		Seed: 1,
	}
}

// Hidden activations, outputs, initialisers and optimizers the page offers.
var (
	Activations = []string{"relu", "tanh", "sigmoid", "linear"}
	Outputs     = []string{"sigmoid", "tanh", "linear"}
	Inits       = []string{"xavier", "he", "lecun", "normal"}
	Optimizers  = []string{"sgd", "momentum", "rmsprop", "adam"}
	Regularizes = []string{"none", "l1", "l2"}
	Tasks       = []string{"classification", "regression"}
)

// NormalScale is the multiplier of the normal initialiser, the command
// line's --init-scale default.
const NormalScale = 0.01

// ParseSettings returns the settings of a URL query such as
// "data=xor&layers=4,2&lr=0.03". Missing keys keep Default's values, and
// unknown keys are ignored so that old links still open. It returns an
// error naming the first key whose value is invalid.
func ParseSettings(query string) (Settings, error) {
	s := Default()
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		return s, fmt.Errorf("the link's settings %q cannot be read: %v", query, err)
	}
	// Changing the data set without giving its size, noise and seed takes
	// the set's own.
	if name := q.Get("data"); name != "" {
		s.Data = name
		if set, ok := lookupSet(name); ok {
			s.Samples, s.Noise, s.DataSeed = set.Samples, set.Noise, set.Seed
			if set.Regression {
				s.Output = "linear"
			}
		}
	}
	str := func(key string, dst *string) {
		if v := q.Get(key); v != "" {
			*dst = v
		}
	}
	str("task", &s.Task)
	str("act", &s.Activation)
	str("out", &s.Output)
	str("init", &s.Init)
	str("opt", &s.Optimizer)
	str("reg", &s.Regularize)

	var errs []error
	num := func(key string, dst *float64) {
		if v := q.Get(key); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				errs = append(errs, fmt.Errorf("%s=%q is not a number", key, v))
				return
			}
			*dst = f
		}
	}
	integer := func(key string, dst *int) {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q is not a whole number", key, v))
				return
			}
			*dst = n
		}
	}
	seed := func(key string, dst *uint64) {
		if v := q.Get(key); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q is not a whole number ≥ 0", key, v))
				return
			}
			*dst = n
		}
	}
	integer("m", &s.Samples)
	num("noise", &s.Noise)
	seed("dseed", &s.DataSeed)
	num("test", &s.TestFraction)
	integer("batch", &s.Batch)
	num("lr", &s.LearningRate)
	num("rate", &s.RegRate)
	seed("seed", &s.Seed)
	if q.Has("f") {
		s.Features = nil
		for _, f := range strings.Split(q.Get("f"), ",") {
			if f = strings.TrimSpace(f); f != "" {
				s.Features = append(s.Features, f)
			}
		}
	}
	if q.Has("layers") {
		s.Hidden = []int{} // not nil, so JSON has [] for no hidden layers
		for _, f := range strings.Split(q.Get("layers"), ",") {
			f = strings.TrimSpace(f)
			if f == "" || f == "0" && len(s.Hidden) == 0 {
				continue
			}
			n, err := strconv.Atoi(f)
			if err != nil {
				errs = append(errs, fmt.Errorf("layers=%q: %q is not a whole number", q.Get("layers"), f))
				break
			}
			s.Hidden = append(s.Hidden, n)
		}
	}
	if len(errs) > 0 {
		return s, errs[0]
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	s.Features = sortFeatures(s.Features)
	return s, nil
}

// Query returns the settings as a URL query that ParseSettings reads back
// to equal settings. Every key is written, so a link does not depend on
// the defaults of the version that opens it.
func (s Settings) Query() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	layers := make([]string, len(s.Hidden))
	for i, n := range s.Hidden {
		layers[i] = strconv.Itoa(n)
	}
	// The order is the page's, top to bottom, so links read well.
	pairs := [][2]string{
		{"data", s.Data}, {"m", strconv.Itoa(s.Samples)}, {"noise", f(s.Noise)},
		{"dseed", strconv.FormatUint(s.DataSeed, 10)},
		{"test", f(s.TestFraction)}, {"batch", strconv.Itoa(s.Batch)},
		{"f", strings.Join(s.Features, ",")}, {"layers", strings.Join(layers, ",")},
		{"act", s.Activation}, {"out", s.Output}, {"init", s.Init},
		{"opt", s.Optimizer}, {"lr", f(s.LearningRate)},
		{"reg", s.Regularize}, {"rate", f(s.RegRate)},
		{"seed", strconv.FormatUint(s.Seed, 10)},
	}
	if s.Data == UploadName {
		pairs = append(pairs, [2]string{"task", s.Task})
	}
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p[0])
		b.WriteByte('=')
		// Commas may stand unescaped in a query, which keeps lists such as
		// layers=4,2 readable.
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p[1]), "%2C", ","))
	}
	return b.String()
}

// Validate returns an error naming the first setting out of range, with
// the range.
func (s Settings) Validate() error {
	oneOf := func(key, v string, names []string) error {
		if !slices.Contains(names, v) {
			return fmt.Errorf("%s %q is not one of %s", key, v, strings.Join(names, ", "))
		}
		return nil
	}
	set, known := lookupSet(s.Data)
	switch {
	case s.Data == UploadName:
		if err := oneOf("task", s.Task, Tasks); err != nil {
			return err
		}
	case !known:
		return fmt.Errorf("data %q is not one of %s, or upload", s.Data, strings.Join(SetNames(), ", "))
	case s.Samples < MinSamples || s.Samples > MaxSamples:
		return fmt.Errorf("samples m = %d is outside %d … %d", s.Samples, MinSamples, MaxSamples)
	case !(s.Noise >= 0 && s.Noise <= MaxNoise):
		return fmt.Errorf("noise %v is outside 0 … %v", s.Noise, MaxNoise)
	case set.NumPy && s.DataSeed > math.MaxUint32:
		return fmt.Errorf("data seed %d is out of range: %s draws from the numpy-compatible source, which takes seeds below 2³² (4294967296)", s.DataSeed, s.Data)
	}
	switch {
	case !(s.TestFraction >= 0 && s.TestFraction <= MaxTestFrac):
		return fmt.Errorf("test share %v is outside 0 … %v", s.TestFraction, MaxTestFrac)
	case s.Batch < 0 || s.Batch > MaxBatch:
		return fmt.Errorf("batch size %d is outside 0 (full batch) … %d", s.Batch, MaxBatch)
	case len(s.Features) == 0:
		return fmt.Errorf("no input features: select at least one of %s", strings.Join(FeatureNames(), ", "))
	case len(s.Hidden) > MaxHidden:
		return fmt.Errorf("%d hidden layers; the playground has at most %d", len(s.Hidden), MaxHidden)
	}
	seen := map[string]bool{}
	for _, f := range s.Features {
		if _, ok := featureIndex(f); !ok {
			return fmt.Errorf("input feature %q is not one of %s", f, strings.Join(FeatureNames(), ", "))
		}
		if seen[f] {
			return fmt.Errorf("input feature %q is selected twice", f)
		}
		seen[f] = true
	}
	for l, n := range s.Hidden {
		if n < 1 || n > MaxUnits {
			return fmt.Errorf("hidden layer %d has %d units; give 1 … %d", l+1, n, MaxUnits)
		}
	}
	for _, c := range []struct {
		key, v string
		names  []string
	}{
		{"activation", s.Activation, Activations}, {"output", s.Output, Outputs},
		{"initialisation", s.Init, Inits}, {"optimizer", s.Optimizer, Optimizers},
		{"regularisation", s.Regularize, Regularizes},
	} {
		if err := oneOf(c.key, c.v, c.names); err != nil {
			return err
		}
	}
	switch {
	case !(s.LearningRate > 0 && s.LearningRate <= MaxRate):
		return fmt.Errorf("learning rate α = %v is outside (0, %v]", s.LearningRate, MaxRate)
	case !(s.RegRate >= 0 && s.RegRate <= MaxRegularize):
		return fmt.Errorf("regularisation rate λ = %v is outside 0 … %v", s.RegRate, MaxRegularize)
	}
	return nil
}

// Regression reports whether the settings' data have real targets.
func (s Settings) Regression() bool {
	if s.Data == UploadName {
		return s.Task == "regression"
	}
	set, _ := lookupSet(s.Data)
	return set.Regression
}

// arch returns the layer sizes, activations and loss of the network.
func (s Settings) arch() (sizes []int, acts []nn.Activation, loss nn.Loss, err error) {
	g, err := nn.ParseActivation(s.Activation)
	if err != nil {
		return nil, nil, 0, err
	}
	out, err := nn.ParseActivation(s.Output)
	if err != nil {
		return nil, nil, 0, err
	}
	sizes = append(append([]int{len(s.Features)}, s.Hidden...), 1)
	for range s.Hidden {
		acts = append(acts, g)
	}
	acts = append(acts, out)
	loss = nn.MSE
	if out == nn.Sigmoid {
		loss = nn.BCE
	}
	return sizes, acts, loss, nil
}

// optimizer returns the optimizer configuration, with the command line's
// defaults for β, β1, β2 and ε.
func (s Settings) optimizer() (optim.Config, error) {
	m, err := optim.ParseMethod(s.Optimizer)
	if err != nil {
		return optim.Config{}, err
	}
	return optim.Config{Method: m}.WithDefaults(), nil
}

// lambda returns λ of L2, which nn and train apply, or 0.
func (s Settings) lambda() float64 {
	if s.Regularize == "l2" {
		return s.RegRate
	}
	return 0
}

// l1 returns λ of L1, which this package applies, or 0.
func (s Settings) l1() float64 {
	if s.Regularize == "l1" {
		return s.RegRate
	}
	return 0
}
