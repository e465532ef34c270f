package main

import (
	"encoding/json"
	"fmt"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

func init() {
	register(&command{
		name:    "eval",
		summary: "report a model's cost and accuracy on a data set",
		run:     runEval,
	})
}

func runEval(e *env, args []string) error {
	fs := newFlags(e, "eval", "--model M --data D [flags]")
	var d dataFlags
	d.register(fs, "")
	modelPath := fs.String("model", "", "the model file: .safetensors or .json")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if *modelPath == "" || d.spec == "" {
		return usagef("give --model and --data")
	}
	model, err := readModel[float32]("--model", *modelPath)
	if err != nil {
		return err
	}
	// The whole set is evaluated: nothing is held out. For MNIST that is
	// the test set.
	d.testFrac = 0
	set, test, err := loadData[float32](&d, rand.New(1))
	if err != nil {
		return err
	}
	if test != nil {
		set = test
	}
	if err := checkFeatures(*modelPath, model.Net.Sizes[0], set); err != nil {
		return err
	}
	model.Standardize(set.X)
	cost, acc, err := train.Evaluate(model.Net, set)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(struct {
			Examples int      `json:"examples"`
			Cost     float64  `json:"cost"`
			Accuracy *float64 `json:"accuracy,omitempty"`
		}{set.Len(), cost, finite(acc)})
	}
	fmt.Fprintf(e.stdout, "%d examples: cost %.6g", set.Len(), cost)
	if a := finite(acc); a != nil {
		fmt.Fprintf(e.stdout, ", accuracy %.2f%%", 100**a)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// checkFeatures returns an error when the data's feature count differs
// from the model's n[0].
func checkFeatures[T interface{ float32 | float64 }](model string, n0 int, d *data.Dataset[T]) error {
	if d.Features() != n0 {
		return fmt.Errorf("%s takes %d input features, but the data have %d; use data with the columns the model was trained on", model, n0, d.Features())
	}
	return nil
}
