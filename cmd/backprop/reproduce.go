package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/backprop-go/backprop/course"
)

func init() {
	register(&command{
		name:    "reproduce",
		summary: "rerun one of the course's published experiments and compare its figures",
		run:     runReproduce,
	})
}

// errMismatch reports a figure that did not reproduce; the report is
// already printed.
var errMismatch = errors.New("a figure did not match the published value")

func runReproduce(e *env, args []string) error {
	fs := newFlags(e, "reproduce", "[--data-dir DIR] [--json] NAME | --list")
	list := fs.Bool("list", false, "list the experiments and exit")
	dataDir := fs.String("data-dir", "", "folder holding the course's train_catvnoncat.h5 and test_catvnoncat.h5 (default $BACKPROP_CATVNONCAT_DIR)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if *list {
		if fs.NArg() > 0 {
			return usagef("--list takes no experiment name")
		}
		return listExperiments(e, *asJSON)
	}
	if fs.NArg() != 1 {
		return usagef("give one experiment name, or --list to see them")
	}
	exp, err := course.Lookup(fs.Arg(0))
	if err != nil {
		return usagef("%v", err)
	}
	opts := course.Options{CatDir: *dataDir}
	if opts.CatDir == "" {
		opts.CatDir = os.Getenv("BACKPROP_CATVNONCAT_DIR")
	}
	if exp.Data == course.Cat && opts.CatDir == "" {
		return usagef("%s needs the course's cat data: pass --data-dir with the folder holding train_catvnoncat.h5 and test_catvnoncat.h5, or set BACKPROP_CATVNONCAT_DIR", exp.Name)
	}
	if !*asJSON {
		fmt.Fprintf(e.stderr, "%s: %s\n", exp.Name, exp.Title)
		opts.Progress = func(r *course.RunResult) {
			fmt.Fprintf(e.stderr, "  %s done in %.1f s\n", r.Label, r.Seconds)
		}
	}
	res, err := course.Reproduce(exp, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := printReproduceJSON(e, res); err != nil {
			return err
		}
	} else {
		printReproduceText(e, exp, res)
	}
	if !res.Match {
		return errMismatch
	}
	return nil
}

type figureJSON struct {
	What     string  `json:"what"`
	Expected float64 `json:"expected"`
	Actual   float64 `json:"actual"`
	Match    bool    `json:"match"`
	Printed  string  `json:"printed,omitempty"`
	// Tolerance and Why are set for a figure compared with an absolute
	// tolerance, with the reason in Why.
	Tolerance float64 `json:"tolerance,omitempty"`
	Why       string  `json:"why,omitempty"`
}

func printReproduceJSON(e *env, res *course.Result) error {
	out := struct {
		Name    string       `json:"name"`
		Match   bool         `json:"match"`
		Seconds float64      `json:"seconds"`
		Figures []figureJSON `json:"figures"`
	}{Name: res.Name, Match: res.Match, Seconds: res.Seconds, Figures: []figureJSON{}}
	for _, f := range res.Figures() {
		out.Figures = append(out.Figures, figureJSON{What: f.What, Expected: f.Expected, Actual: f.Actual, Match: f.Match, Printed: f.Printed, Tolerance: f.Tolerance, Why: f.Why})
	}
	enc := json.NewEncoder(e.stdout)
	return enc.Encode(out)
}

func printReproduceText(e *env, exp *course.Experiment, res *course.Result) {
	fmt.Fprintf(e.stdout, "%s\n\n", exp.Title)
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "figure\texpected\tactual\t\n")
	var notes, reasons []string
	printed := false
	for _, f := range res.Figures() {
		mark := "ok"
		if !f.Match {
			mark = "MISMATCH"
		}
		if f.Tolerance > 0 {
			// Figures that share a reason share its note.
			note := slices.Index(reasons, f.Why) + 1
			if note == 0 {
				reasons = append(reasons, f.Why)
				notes = append(notes, fmt.Sprintf("[%d] Compared within the tolerance shown, since %s.", len(reasons), f.Why))
				note = len(reasons)
			}
			mark += fmt.Sprintf(" (±%g, note %d)", f.Tolerance, note)
		}
		expected := formatFigure(f.Expected, f.Digits)
		if f.Printed != "" {
			expected += " (" + f.Printed + ")"
			printed = true
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", f.What, expected, formatFigure(f.Actual, f.Digits), mark)
	}
	w.Flush()
	if printed {
		fmt.Fprintln(e.stdout, "In brackets after an expected figure: the course's own printout, where it differs from what its numpy code gives here.")
	}
	for _, n := range notes {
		fmt.Fprintf(e.stdout, "%s\n", n)
	}
	verdict := "all figures match"
	if !res.Match {
		verdict = "some figures do NOT match"
	}
	fmt.Fprintf(e.stdout, "%s in %.1f s\n", verdict, res.Seconds)
}

func formatFigure(v float64, digits int) string {
	if digits > 0 {
		return fmt.Sprintf("%.*f", digits, v)
	}
	return fmt.Sprint(v)
}

func listExperiments(e *env, asJSON bool) error {
	exps := course.Experiments()
	if asJSON {
		type item struct {
			Name         string `json:"name"`
			Title        string `json:"title"`
			Data         string `json:"data"`
			Reproducible bool   `json:"reproducible"`
			Note         string `json:"note,omitempty"`
		}
		var items []item
		for _, x := range exps {
			items = append(items, item{x.Name, x.Title, string(x.Data), x.Reproducible, x.Note})
		}
		return json.NewEncoder(e.stdout).Encode(items)
	}
	for _, x := range exps {
		fmt.Fprintf(e.stdout, "%-14s %s\n", x.Name, x.Title)
		fmt.Fprintf(e.stdout, "%-14s %s\n", "", x.Description)
		if x.Note != "" {
			fmt.Fprintf(e.stdout, "%-14s %s\n", "", strings.TrimSpace(x.Note))
		}
	}
	return nil
}
