package main

import (
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/gradcheck"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/rand"
)

func init() {
	register(&command{
		name:    "gradcheck",
		summary: "compare backpropagation's gradient with numerical differences of the cost",
		run:     runGradcheck,
	})
}

// Settings of the gradcheck report.
const (
	// defaultMaxParams is the default of --max-params, the largest
	// network checked: each parameter costs two forward passes.
	defaultMaxParams = 100_000
	// worstShown is the number of entries listed when a check fails.
	worstShown = 5
)

// gradcheckJSON is the --json form of a gradient check.
type gradcheckJSON struct {
	Difference float64        `json:"difference"`
	Verdict    string         `json:"verdict"`
	Pass       bool           `json:"pass"`
	Tensors    []tensorJSON   `json:"tensors"`
	Worst      []entryJSON    `json:"worst"`
	Kinks      []kinkJSON     `json:"kinks"`
	Examples   int            `json:"m"`
	Lambda     float64        `json:"lambda"`
	Arch       explain.Arch   `json:"architecture"`
	Thresholds thresholdsJSON `json:"thresholds"`
}

type tensorJSON struct {
	Name       string  `json:"name"`
	Difference float64 `json:"difference"`
	Verdict    string  `json:"verdict"`
}

type entryJSON struct {
	Name   string  `json:"name"`
	Grad   float64 `json:"grad"`
	Approx float64 `json:"approx"`
}

type kinkJSON struct {
	Layer   int     `json:"layer"`
	Unit    int     `json:"unit"`
	Example int     `json:"example"`
	Z       float64 `json:"z"`
}

type thresholdsJSON struct {
	Epsilon   float64 `json:"epsilon"`
	PassBelow float64 `json:"pass_below"`
	WarnBelow float64 `json:"warn_below"`
}

// runGradcheck runs gradcheck.Check on the network and examples that the
// flags name and prints the differences. A FAIL returns an error after
// the report, so the exit status is 1.
func runGradcheck(e *env, args []string) error {
	fs := newFlags(e, "gradcheck", "(--model FILE | --layers n0,…,nL [--activations …] [--loss …] [--seed N])\n"+
		"\t[--data FILE] [--examples m] [--l2 λ] [--json] [--max-params N]")
	nf := newNetFlags(fs)
	nf.addData(fmt.Sprintf("number of examples: the first m of --data, or the number of random examples (default %d)", defaultExamples))
	nf.addSeed("seed of the random weights for --layers and of the random examples without --data")
	lambda := fs.Float64("l2", 0, "L2 regularisation strength λ ≥ 0; the checked cost includes the L2 term")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	maxParams := fs.Int("max-params", defaultMaxParams, "largest number of parameters to check; each takes two forward passes")
	if err := nf.parse(args); err != nil {
		return err
	}
	if *lambda < 0 || math.IsNaN(*lambda) || math.IsInf(*lambda, 0) {
		return usagef("--l2 %v: the L2 strength must be a finite number ≥ 0", *lambda)
	}
	if *maxParams < 1 {
		return usagef("--max-params %d: give a number ≥ 1", *maxParams)
	}
	a, model, err := nf.arch()
	if err != nil {
		return err
	}
	if model != nil && nf.data != "" && nf.set["seed"] {
		return usagef("--seed has no effect with --model and --data, which fix the weights and the examples")
	}
	if p := nn.NumParams(a.Sizes); p > *maxParams {
		return fmt.Errorf("the network has %s parameters, more than --max-params %s; a check takes two forward passes per parameter, so check a smaller network or raise --max-params",
			explain.FormatCount(p), explain.FormatCount(*maxParams))
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
	reportHeader(e, "gradcheck", nf.data, set)
	res, err := gradcheck.Check(net, set.X, set.Y, *lambda)
	if err != nil {
		return fmt.Errorf("%s", trimPackage(err))
	}

	if *jsonOut {
		if err := writeJSON(e.stdout, gradcheckResultJSON(res, a, set.X.Cols(), *lambda)); err != nil {
			return err
		}
	} else {
		weights := "from " + nf.model
		if model == nil {
			weights = fmt.Sprintf("Xavier initialisation with --seed %d", nf.seed)
		}
		writeGradcheckText(e, res, a, weights, fmt.Sprintf("m = %d, %s", set.X.Cols(), set.Source), *lambda)
	}
	if res.Verdict == gradcheck.Fail {
		if len(res.Kinks) > 0 {
			return fmt.Errorf("gradient check FAILED: difference %.3g is not below %g, and %d %s at a ReLU kink (see the report)",
				res.Difference, gradcheck.WarnBelow, len(res.Kinks), countNoun(len(res.Kinks), "pre-activation lies", "pre-activations lie"))
		}
		return fmt.Errorf("gradient check FAILED: difference %.3g is not below %g; backpropagation and the cost disagree",
			res.Difference, gradcheck.WarnBelow)
	}
	return nil
}

func gradcheckResultJSON(res *gradcheck.Result, a explain.Arch, m int, lambda float64) gradcheckJSON {
	out := gradcheckJSON{
		Difference: res.Difference,
		Verdict:    res.Verdict.String(),
		Pass:       res.Verdict != gradcheck.Fail,
		Tensors:    []tensorJSON{},
		Worst:      []entryJSON{},
		Kinks:      []kinkJSON{},
		Examples:   m,
		Lambda:     lambda,
		Arch:       a,
		Thresholds: thresholdsJSON{gradcheck.Epsilon, gradcheck.PassBelow, gradcheck.WarnBelow},
	}
	for _, t := range res.Tensors {
		out.Tensors = append(out.Tensors, tensorJSON{t.Name, t.Difference, t.Verdict.String()})
	}
	for _, en := range res.Worst(worstShown) {
		out.Worst = append(out.Worst, entryJSON{en.Name, en.Grad, en.Approx})
	}
	for _, k := range res.Kinks {
		out.Kinks = append(out.Kinks, kinkJSON{k.Layer, k.Unit, k.Example, k.Z})
	}
	return out
}

// writeGradcheckText writes the report of res. weights and examples
// describe where the parameters and the examples came from.
func writeGradcheckText(e *env, res *gradcheck.Result, a explain.Arch, weights, examples string, lambda float64) {
	w := e.stdout
	fmt.Fprintf(w, "Gradient check of %s\n", a)
	fmt.Fprintf(w, "Weights: %s\nExamples: %s\nL2: λ = %g\n", weights, examples, lambda)
	fmt.Fprintf(w, "ε = %g; difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)\n", gradcheck.Epsilon)
	fmt.Fprintf(w, "PASS below %g, WARN below %g, FAIL otherwise\n\n", gradcheck.PassBelow, gradcheck.WarnBelow)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  gradient\tdifference\tverdict")
	for _, t := range res.Tensors {
		fmt.Fprintf(tw, "  %s\t%.3g\t%s\n", t.Name, t.Difference, t.Verdict)
	}
	fmt.Fprintf(tw, "  all\t%.3g\t%s\n", res.Difference, res.Verdict)
	tw.Flush()

	if res.Verdict != gradcheck.Pass {
		fmt.Fprintln(w, "\nLargest disagreements:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  parameter\tbackprop\tnumerical\t|difference|")
		for _, en := range res.Worst(worstShown) {
			fmt.Fprintf(tw, "  %s\t%.9g\t%.9g\t%.3g\n", en.Name, en.Grad, en.Approx, math.Abs(en.Grad-en.Approx))
		}
		tw.Flush()
	}
	if len(res.Kinks) > 0 {
		fmt.Fprintf(w, "\nPre-activations within ε = %g of a ReLU kink (unit and example counted from 0):\n", gradcheck.Epsilon)
		for _, k := range res.Kinks {
			fmt.Fprintf(w, "  Z[%d][%d][%d] = %g: layer %d, unit %d, example %d\n", k.Layer, k.Unit, k.Example, k.Z, k.Layer, k.Unit, k.Example)
		}
		fmt.Fprintln(w, "At a kink the two-sided difference averages the slopes on either side, while")
		fmt.Fprintln(w, "backpropagation uses relu'(0) = 0, so the parameters that feed these units may")
		fmt.Fprintln(w, "disagree without a fault in backpropagation. Check with data or weights that keep")
		fmt.Fprintln(w, "every pre-activation away from 0 to tell the two apart.")
	}

	fmt.Fprintln(w)
	switch res.Verdict {
	case gradcheck.Pass:
		fmt.Fprintln(w, "PASS: backpropagation agrees with the numerical gradient.")
	case gradcheck.Warn:
		fmt.Fprintln(w, "WARN: close, but not below the PASS threshold; check the largest disagreements above.")
	case gradcheck.Fail:
		fmt.Fprintln(w, "FAIL: backpropagation and the numerical gradient disagree.")
	}
}
