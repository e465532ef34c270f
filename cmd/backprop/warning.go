package main

import (
	"errors"
	"fmt"

	"github.com/backprop-go/backprop/train"
)

// trainWarning returns the train command's train.Config.Warn: it prints
// each warning on stderr and, for a hidden layer of identical units, the
// flags that break the symmetry.
func trainWarning(e *env, f *trainFlags) func(error) {
	return func(w error) {
		var sw *train.SymmetryWarning
		switch {
		case !errors.As(w, &sw):
		case f.from != "":
			w = fmt.Errorf("%w (the weights come from --from %s; start from a random initialisation instead, such as --init he or --init xavier without --from)", w, f.from)
		default:
			w = fmt.Errorf("%w (--init %s gives the units equal weights; use --init he or --init xavier)", w, f.init)
		}
		fmt.Fprintf(e.stderr, "backprop train: warning: %v\n", w)
	}
}
