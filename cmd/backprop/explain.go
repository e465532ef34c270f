package main

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/rand"
)

func init() {
	register(&command{
		name:    "explain",
		summary: "print the backpropagation equations of a network, or trace them on real numbers",
		run:     runExplain,
	})
}

// runExplain prints explain.NewEquations for the architecture that the
// flags name, or with --trace runs one forward and one backward pass and
// prints explain.NewTrace.
func runExplain(e *env, args []string) error {
	fs := newFlags(e, "explain", "(--layers n0,…,nL [--activations …] [--loss …] | --model FILE)\n"+
		"\t[--examples m | --data FILE] [--l2 λ] [--format text|markdown|latex]\n"+
		"   or: backprop explain --trace (--model FILE | --layers … [--seed N]) [--data FILE]\n"+
		"\t[--examples K] [--l2 λ] [--json] [--precision P]")
	nf := newNetFlags(fs)
	nf.addData("number of examples m: the equations' shapes use it instead of a symbolic m;\n" +
		"with --trace, the first m examples of --data, or the number of random examples (default 5)")
	nf.addSeed("with --trace, seed of the random weights for --layers and of the random examples without --data")
	formatName := fs.String("format", "text", "format of the equations: text, markdown or latex")
	lambda := fs.Float64("l2", 0, "L2 regularisation strength λ ≥ 0")
	trace := fs.Bool("trace", false, "run one forward and one backward pass and print every quantity")
	jsonOut := fs.Bool("json", false, "with --trace, print the trace as JSON")
	precision := fs.Int("precision", explain.DefaultPrecision, "with --trace, significant digits of the printed values, 1 … 17")
	if err := nf.parse(args); err != nil {
		return err
	}

	// Check the flags against each other before reading any file.
	if *lambda < 0 || math.IsNaN(*lambda) || math.IsInf(*lambda, 0) {
		return usagef("--l2 %v: the L2 strength must be a finite number ≥ 0", *lambda)
	}
	format, err := explain.ParseFormat(*formatName)
	if err != nil {
		return usagef("--format %q: use text, markdown or latex", *formatName)
	}
	if *trace {
		if nf.set["format"] {
			return usagef("--format applies to the equations; --trace prints text, or JSON with --json")
		}
		if *precision < 1 || *precision > 17 {
			return usagef("--precision %d: give 1 … 17 significant digits", *precision)
		}
	} else {
		for _, name := range []string{"json", "precision", "seed"} {
			if nf.set[name] {
				return usagef("--%s applies to --trace only", name)
			}
		}
	}
	a, model, err := nf.arch()
	if err != nil {
		return err
	}
	if *trace {
		return runTrace(e, nf, a, model, *lambda, *jsonOut, *precision)
	}

	m := nf.examples
	if nf.data != "" {
		set, err := nf.exampleSet(a, model, nil)
		if err != nil {
			return err
		}
		reportHeader(e, "explain", nf.data, set)
		m = set.X.Cols()
	}
	eq, err := explain.NewEquations(a, m, *lambda)
	if err != nil {
		return fmt.Errorf("%s", trimPackage(err))
	}
	return eq.Render(e.stdout, format)
}

// runTrace runs explain --trace.
func runTrace(e *env, nf *netFlags, a explain.Arch, model *modelio.Model[float64], lambda float64, jsonOut bool, precision int) error {
	if model != nil && nf.data != "" && nf.set["seed"] {
		return usagef("--seed has no effect with --model and --data, which fix the weights and the examples")
	}
	src := rand.New(nf.seed)
	net, err := nf.network(a, model, src)
	if err != nil {
		return err
	}
	set, err := nf.exampleSet(a, model, src)
	if err != nil {
		return err
	}
	reportHeader(e, "explain", nf.data, set)
	if model == nil {
		fmt.Fprintf(e.stderr, "backprop explain: weights drawn by Xavier initialisation with --seed %d\n", nf.seed)
	}
	if nf.data == "" {
		fmt.Fprintf(e.stderr, "backprop explain: no --data; tracing %d random examples drawn with --seed %d\n", set.X.Cols(), nf.seed)
	} else if model != nil && model.Mean != nil {
		fmt.Fprintf(e.stderr, "backprop explain: X is %s standardised with the model's mean and deviation\n", nf.data)
	}

	tr, err := explain.NewTrace(net, set.X, set.Y, lambda)
	if err != nil {
		return fmt.Errorf("%s", trimPackage(err))
	}
	if jsonOut {
		b, err := json.Marshal(tr)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", b)
		return err
	}
	return tr.WriteText(e.stdout, precision)
}
