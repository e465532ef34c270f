package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

// netFlags are the flags that summary, explain and gradcheck share to name
// a network (--layers with --activations and --loss, or --model) and its
// examples (--data and --examples, or random examples from --seed).
type netFlags struct {
	layers, activations, loss, model string
	data                             string
	examples                         int
	seed                             uint64

	fs  *flag.FlagSet
	set map[string]bool // the flags given on the command line
}

// Defaults of the flags that draw random weights and examples.
const (
	defaultSeed     = 1
	defaultExamples = 5
	// maxBuiltParams bounds the networks that --layers builds for a trace
	// or gradient check: 10⁸ float64 parameters take 800 MB.
	maxBuiltParams = 100_000_000
)

func newNetFlags(fs *flag.FlagSet) *netFlags {
	f := &netFlags{fs: fs}
	fs.StringVar(&f.layers, "layers", "", "layer sizes n[0],…,n[L], comma-separated, such as 12288,20,7,5,1")
	fs.StringVar(&f.activations, "activations", "", "activations g[1],…,g[L], comma-separated: sigmoid, tanh, relu, leaky_relu, linear, softmax\n(default relu for hidden layers, and sigmoid for 1 output unit or softmax for more)")
	fs.StringVar(&f.loss, "loss", "", "loss: bce, cce or mse (default bce for a sigmoid output, cce for softmax, mse otherwise)")
	fs.StringVar(&f.model, "model", "", "model `file` (.safetensors or .json) to take the architecture and parameters from, instead of --layers")
	return f
}

// addData adds --data and --examples with the given usage of --examples.
func (f *netFlags) addData(examplesUsage string) {
	f.fs.StringVar(&f.data, "data", "", "CSV `file` of examples, one per line: the n[0] features, then the target\n(a class index 0 … n[L]−1 for a softmax output, or n[L] targets for other outputs with n[L] > 1)")
	f.fs.IntVar(&f.examples, "examples", 0, examplesUsage)
}

// addSeed adds --seed.
func (f *netFlags) addSeed(usage string) {
	f.fs.Uint64Var(&f.seed, "seed", defaultSeed, usage)
}

// parse parses args and records which flags were given.
func (f *netFlags) parse(args []string) error {
	if err := parseFlags(f.fs, args, false); err != nil {
		return err
	}
	f.set = map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if f.set["examples"] && f.examples < 1 {
		return usagef("--examples %d: give a number of examples ≥ 1", f.examples)
	}
	return nil
}

// arch returns the architecture that the flags name, and the model when
// it comes from --model. Mistakes in the flags are usage errors; a model
// file that cannot be read is an error.
func (f *netFlags) arch() (explain.Arch, *modelio.Model[float64], error) {
	switch {
	case f.layers != "" && f.model != "":
		return explain.Arch{}, nil, usagef("give either --layers or --model, not both")
	case f.layers == "" && f.model == "":
		return explain.Arch{}, nil, usagef("missing --layers or --model: give the layer sizes, such as --layers 2,4,1, or a model file")
	case f.model != "" && (f.activations != "" || f.loss != ""):
		return explain.Arch{}, nil, usagef("--activations and --loss go with --layers; the model file %s sets its own", f.model)
	}
	if f.model != "" {
		m, err := readModel[float64]("--model", f.model)
		if err != nil {
			return explain.Arch{}, nil, err
		}
		return explain.ArchOf(m.Net), m, nil
	}

	sizes, err := parseLayerSizes(f.layers)
	if err != nil {
		return explain.Arch{}, nil, err
	}
	a := explain.Arch{Sizes: sizes, Acts: explain.DefaultActivations(sizes)}
	if f.activations != "" {
		names := strings.Split(f.activations, ",")
		if len(names) != a.L() {
			return explain.Arch{}, nil, usagef("--activations %q lists %d %s, but --layers %s has %d %s; give one activation per layer",
				f.activations, len(names), countNoun(len(names), "activation", "activations"),
				f.layers, a.L(), countNoun(a.L(), "layer", "layers"))
		}
		for i, name := range names {
			g, err := nn.ParseActivation(strings.TrimSpace(name))
			if err != nil {
				return explain.Arch{}, nil, usagef("--activations: %s", trimPackage(err))
			}
			a.Acts[i] = g
		}
	}
	a.Loss = explain.DefaultLoss(a.G(a.L()))
	if f.loss != "" {
		if a.Loss, err = nn.ParseLoss(strings.TrimSpace(f.loss)); err != nil {
			return explain.Arch{}, nil, usagef("--loss: %s", trimPackage(err))
		}
	}
	if err := a.Validate(); err != nil {
		return explain.Arch{}, nil, usagef("%s", trimPackage(err))
	}
	return a, nil, nil
}

// parseLayerSizes parses --layers.
func parseLayerSizes(s string) ([]int, error) {
	fields := strings.Split(s, ",")
	sizes := make([]int, len(fields))
	for i, field := range fields {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, usagef("--layers %q: size %q is not a whole number ≥ 1; give sizes such as 12288,20,7,5,1", s, field)
		}
		sizes[i] = n
	}
	if len(sizes) < 2 {
		return nil, usagef("--layers %q has 1 size; give at least the inputs n[0] and the outputs n[L], such as 2,1", s)
	}
	return sizes, nil
}

// trimPackage returns err's message without the package prefixes that
// library errors carry, which mean nothing to a user of the command.
func trimPackage(err error) string {
	msg := err.Error()
	for _, p := range []string{"explain: ", "modelio: ", "nn: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// network returns the network to run: the model's own, or for --layers a
// network whose weights are drawn from src by Xavier initialisation.
func (f *netFlags) network(a explain.Arch, model *modelio.Model[float64], src *rand.PCG) (*nn.Network[float64], error) {
	if model != nil {
		return model.Net, nil
	}
	if p := nn.NumParams(a.Sizes); p > maxBuiltParams {
		return nil, fmt.Errorf("--layers %s has %s parameters; this command builds networks of at most %s",
			f.layers, explain.FormatCount(p), explain.FormatCount(maxBuiltParams))
	}
	net, err := nn.New[float64](a.Sizes, a.Acts, a.Loss)
	if err != nil {
		return nil, err
	}
	if err := net.Init(nn.Xavier, 0, src); err != nil {
		return nil, err
	}
	return net, nil
}

// exampleSet is the X and Y a command runs on, and a description of
// where they came from.
type exampleSet struct {
	X, Y   *matrix.Dense[float64]
	Source string // "from data.csv", "random (seed 1)"
	Header []string
}

// exampleSet returns the examples of --data, or the first --examples of
// them, standardised with the model's mean and deviation when it has
// them. Without --data it draws --examples random ones (5 by default)
// from src.
func (f *netFlags) exampleSet(a explain.Arch, model *modelio.Model[float64], src *rand.PCG) (*exampleSet, error) {
	if f.data == "" {
		m := f.examples
		if m == 0 {
			m = defaultExamples
		}
		X, Y := randomExamples(a, m, src)
		return &exampleSet{X: X, Y: Y, Source: fmt.Sprintf("random, drawn with --seed %d", f.seed)}, nil
	}
	ex, err := readExamplesCSV(f.data, a)
	if err != nil {
		return nil, err
	}
	set := &exampleSet{X: ex.X, Y: ex.Y, Header: ex.Header, Source: "from " + f.data}
	if k := f.examples; k > 0 {
		m := ex.X.Cols()
		if k > m {
			return nil, fmt.Errorf("--examples %d, but %s has only %d %s; give --examples %d or fewer", k, f.data, m, countNoun(m, "example", "examples"), m)
		}
		set.X, set.Y = new(matrix.Dense[float64]), new(matrix.Dense[float64])
		set.X.SliceCols(ex.X, 0, k)
		set.Y.SliceCols(ex.Y, 0, k)
		if k < m {
			set.Source = fmt.Sprintf("the first %d of %d in %s", k, m, f.data)
		}
	}
	if model != nil && model.Mean != nil {
		model.Standardize(set.X)
		set.Source += ", standardised with the model's mean and deviation"
	}
	return set, nil
}

// randomExamples draws X, (n[0], m), from the standard normal and Y,
// (n[L], m), to suit the output and loss: 0/1 labels for bce, one-hot
// columns for a softmax output, values in the output's range otherwise.
func randomExamples(a explain.Arch, m int, src *rand.PCG) (X, Y *matrix.Dense[float64]) {
	L := a.L()
	n0, nL := a.Sizes[0], a.Sizes[L]
	X = matrix.New[float64](n0, m, nil)
	for i := range X.RawData() {
		X.RawData()[i] = src.NormFloat64()
	}
	Y = matrix.New[float64](nL, m, nil)
	g := a.G(L)
	switch {
	case g == nn.Softmax:
		for j := 0; j < m; j++ {
			Y.Set(src.Intn(nL), j, 1)
		}
	case a.Loss == nn.BCE:
		for i := range Y.RawData() {
			if src.Float64() < 0.5 {
				Y.RawData()[i] = 1
			}
		}
	default:
		for i := range Y.RawData() {
			switch g {
			case nn.Sigmoid:
				Y.RawData()[i] = src.Float64()
			case nn.Tanh:
				Y.RawData()[i] = 2*src.Float64() - 1
			default:
				Y.RawData()[i] = src.NormFloat64()
			}
		}
	}
	return X, Y
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
