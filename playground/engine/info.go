package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/explain"
)

// Info is what the page draws once per setup: the settings, the data and
// the network's architecture. Status and Curve change as training runs.
type Info struct {
	Settings Settings `json:"settings"`
	Query    string   `json:"query"`

	Regression bool    `json:"regression"`
	Domain     float64 `json:"domain"`
	Train      Points  `json:"train"`
	Test       Points  `json:"test"`
	// ClassNames names classes 0 and 1, or is nil for regression.
	ClassNames []string `json:"class_names"`

	// Sizes holds n[0] … n[L], Activations g[1] … g[L] and Loss the loss,
	// as model files name them.
	Sizes       []int    `json:"sizes"`
	Activations []string `json:"activations"`
	Loss        string   `json:"loss"`
	// FeatureLabels names the rows of X, the network's inputs.
	FeatureLabels []string `json:"feature_labels"`
	// BatchSize is m_b of a full batch, and Batches the batches per epoch.
	BatchSize int `json:"batch_size"`
	Batches   int `json:"batches"`

	// Summary holds the shapes and parameter counts for m = BatchSize,
	// and Equations the method as `backprop explain --examples
	// BatchSize` prints it.
	Summary   *explain.Summary `json:"summary"`
	Equations string           `json:"equations"`

	Warnings []string `json:"warnings"`
}

// Points holds examples as points (x1, x2) with their targets: classes
// 0 and 1, or real values.
type Points struct {
	X1 []float64 `json:"x1"`
	X2 []float64 `json:"x2"`
	Y  []float64 `json:"y"`
}

func pointsOf(d *data.Dataset[float64]) Points {
	if d == nil {
		return Points{X1: []float64{}, X2: []float64{}, Y: []float64{}}
	}
	return Points{
		X1: append([]float64(nil), d.X.RawRow(0)...),
		X2: append([]float64(nil), d.X.RawRow(1)...),
		Y:  append([]float64(nil), d.Y.RawRow(0)...),
	}
}

// Info returns the description of the engine's setup.
func (e *Engine) Info() (*Info, error) {
	sum, err := e.Summary()
	if err != nil {
		return nil, err
	}
	eq, err := e.Equations()
	if err != nil {
		return nil, err
	}
	info := &Info{
		Settings: e.settings, Query: e.settings.Query(),
		Regression: e.settings.Regression(), Domain: e.domain,
		Train: pointsOf(e.trainPts), Test: pointsOf(e.testPts),
		Sizes: e.net.Sizes, Loss: e.net.Loss.String(), FeatureLabels: e.FeatureLabels(),
		BatchSize: e.batchSize(), Batches: e.stepper.Batches(),
		Summary: sum, Equations: eq, Warnings: e.warnings,
	}
	if !info.Regression {
		info.ClassNames = e.points.ClassNames
	}
	for l := 1; l <= e.net.Layers(); l++ {
		info.Activations = append(info.Activations, e.net.Act[l].String())
	}
	return info, nil
}

// finiteOrNil returns v, or nil for NaN and ±Inf, which JSON cannot hold.
func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes the point with null for a NaN or infinite cost.
func (p CurvePoint) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Epoch float64  `json:"epoch"`
		Train *float64 `json:"train"`
		Test  *float64 `json:"test"`
	}{p.Epoch, finiteOrNil(p.Train), finiteOrNil(p.Test)})
}

// MarshalJSON writes the status with null for a cost or accuracy that is
// NaN or infinite.
func (s Status) MarshalJSON() ([]byte, error) {
	type plain Status // without the method
	return json.Marshal(struct {
		plain
		Train         *float64 `json:"train"`
		Test          *float64 `json:"test"`
		TrainAccuracy *float64 `json:"train_accuracy"`
		TestAccuracy  *float64 `json:"test_accuracy"`
	}{plain(s), finiteOrNil(s.Train), finiteOrNil(s.Test), finiteOrNil(s.TrainAccuracy), finiteOrNil(s.TestAccuracy)})
}

// Choices lists what the page's controls offer, with the limits of
// Settings.Validate.
type Choices struct {
	Sets        []Set              `json:"sets"`
	Features    []FeatureChoice    `json:"features"`
	Activations []string           `json:"activations"`
	Outputs     []string           `json:"outputs"`
	Inits       []string           `json:"inits"`
	Optimizers  []string           `json:"optimizers"`
	Regularizes []string           `json:"regularizes"`
	Limits      map[string]float64 `json:"limits"`
	Default     Settings           `json:"default"`
}

// FeatureChoice is an input feature: its name in Settings and its label.
type FeatureChoice struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Catalog returns the choices of the page's controls.
func Catalog() Choices {
	c := Choices{
		Sets: Sets(), Activations: Activations, Outputs: Outputs, Inits: Inits,
		Optimizers: Optimizers, Regularizes: Regularizes, Default: Default(),
		Limits: map[string]float64{
			"hidden": MaxHidden, "units": MaxUnits, "min_samples": MinSamples, "max_samples": MaxSamples,
			"noise": MaxNoise, "test": MaxTestFrac, "batch": MaxBatch, "lr": MaxRate, "rate": MaxRegularize,
		},
	}
	for _, f := range features {
		c.Features = append(c.Features, FeatureChoice{f.Name, f.Label})
	}
	return c
}

// Preview returns the points of the generated set name with its default
// size, noise and seed, and the half-width of the square that holds
// them, for the page's thumbnails.
func Preview(name string) (Points, float64, error) {
	set, ok := lookupSet(name)
	if !ok {
		return Points{}, 0, fmt.Errorf("data %q is not one of %s", name, strings.Join(SetNames(), ", "))
	}
	s := Default()
	s.Data, s.Samples, s.Noise, s.DataSeed = set.Name, set.Samples, set.Noise, set.Seed
	d, err := generate(s)
	if err != nil {
		return Points{}, 0, err
	}
	return pointsOf(d), domainOf(d), nil
}
