package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/backprop-go/backprop/explain"
)

func init() {
	register(&command{
		name:    "summary",
		summary: "count a network's parameters, shapes and derivatives, and say what it computes",
		run:     runSummary,
	})
}

// runSummary prints explain.NewSummary for the architecture that the
// flags name. m stays symbolic unless --examples or --data gives it.
func runSummary(e *env, args []string) error {
	fs := newFlags(e, "summary", "(--layers n0,…,nL [--activations g1,…,gL] [--loss bce|cce|mse] | --model FILE)\n\t[--examples m | --data FILE] [--json]")
	nf := newNetFlags(fs)
	nf.addData("number of examples m to count with (default: m symbolic, or the examples of --data)")
	jsonOut := fs.Bool("json", false, "print the summary as JSON")
	if err := nf.parse(args); err != nil {
		return err
	}
	a, model, err := nf.arch()
	if err != nil {
		return err
	}

	m := nf.examples
	if nf.data != "" {
		set, err := nf.exampleSet(a, model, nil)
		if err != nil {
			return err
		}
		reportHeader(e, "summary", nf.data, set)
		m = set.X.Cols()
	}
	s, err := explain.NewSummary(a, m)
	if err != nil {
		return fmt.Errorf("%s", trimPackage(err))
	}
	if *jsonOut {
		return writeJSON(e.stdout, s)
	}
	return s.WriteText(e.stdout)
}

// reportHeader notes on stderr that the first line of a data file was
// taken as a header.
func reportHeader(e *env, cmd, path string, set *exampleSet) {
	if set.Header != nil {
		fmt.Fprintf(e.stderr, "backprop %s: note: %s: the first line is a header, so it was skipped\n", cmd, path)
	}
}

// writeJSON writes v as indented JSON without HTML escaping, so that
// formulas such as A[1] > 0.5 stay readable.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
