package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// command is one subcommand of backprop.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) error
}

// env carries what a command may use to talk to the user; tests replace
// the writers.
type env struct {
	stdout, stderr io.Writer
	// stderrTerminal reports whether stderr is a terminal, for progress bars.
	stderrTerminal bool
}

var commands = map[string]*command{}

// register adds a command; each command's file calls it from init.
func register(c *command) { commands[c.name] = c }

// usageError marks a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr, stderrTerminal: isTerminal(os.Stderr)}))
}

// run executes one command line and returns the exit status: 0 on
// success, 1 on failure, 2 on a usage error, 130 when an interrupt
// ended a training run with checkpoints. A panic inside a command is
// turned into an error here, so a user sees a message and status 1.
func run(args []string, e *env) (status int) {
	if len(args) == 2 && args[0] == "help" && commands[args[1]] != nil {
		// "backprop help train" is "backprop train -h".
		return run([]string{args[1], "-h"}, e)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		if name := suggestCommand(args[0]); name != "" {
			fmt.Fprintf(e.stderr, "backprop: unknown command %q; did you mean %s? Run 'backprop help' for the list\n", args[0], name)
		} else {
			fmt.Fprintf(e.stderr, "backprop: unknown command %q; run 'backprop help' for the list\n", args[0])
		}
		return 2
	}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(e.stderr, "backprop %s: internal error: %v\n", c.name, p)
			status = 1
		}
	}()
	err := c.run(e, args[1:])
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(e.stderr, "backprop %s: %v\n", c.name, err)
		return 130
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "backprop %s: %v\nRun 'backprop %s -h' for its flags.\n", c.name, err, c.name)
		return 2
	default:
		fmt.Fprintf(e.stderr, "backprop %s: %v\n", c.name, err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "backprop builds, trains, explains and runs fully-connected neural networks.")
	fmt.Fprintln(w, "\nUsage: backprop <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'backprop <command> -h' for a command's flags.")
}

// newFlags returns a flag set for a command whose errors become usage
// errors and whose -h output goes to stderr.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: backprop %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and turns a flag error into a usage error. Extra
// positional arguments are an error unless allowPositional. -h prints the
// command's usage and flags.
func parseFlags(fs *flag.FlagSet, args []string, allowPositional bool) error {
	// flag.Parse prints its own message and the usage on every error; the
	// command prints one message instead, so both are silenced here.
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	// Flags may follow positional arguments, as in "reproduce cat-deep
	// --data-dir DIR": each positional argument is set aside and parsing
	// goes on after it; "--" ends the flags.
	var positional []string
	err := fs.Parse(args)
	for err == nil && fs.NArg() > 0 {
		rest := fs.Args()
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
		err = fs.Parse(args)
	}
	if err == nil {
		err = fs.Parse(append([]string{"--"}, positional...))
	}
	fs.Usage = usage
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return flag.ErrHelp
	}
	if err != nil {
		if msg := badValue(fs, err); msg != "" {
			return usagef("%s", msg)
		}
		return usagef("%v%s", err, suggestFlag(fs, err))
	}
	if !allowPositional && fs.NArg() > 0 {
		return usagef("unexpected argument %q; flags start with -", strings.Join(fs.Args(), " "))
	}
	return nil
}

// suggestFlag returns ", did you mean --NAME?" when err is an undefined
// flag that is a prefix of one flag, or that one flag is a prefix of.
func suggestFlag(fs *flag.FlagSet, err error) string {
	const undefined = "flag provided but not defined: -"
	msg := err.Error()
	if !strings.HasPrefix(msg, undefined) {
		return ""
	}
	given := strings.TrimLeft(strings.TrimPrefix(msg, undefined), "-")
	var match []string
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, given) || strings.HasPrefix(given, f.Name) {
			match = append(match, f.Name)
		}
	})
	if len(match) != 1 {
		return ""
	}
	return "; did you mean --" + match[0] + "?"
}

// suggestCommand returns the one command within two edits (insertions,
// deletions or substitutions) of typed, or "" when there is none or more
// than one.
func suggestCommand(typed string) string {
	var match []string
	for name := range commands {
		if editDistance(typed, name) <= 2 {
			match = append(match, name)
		}
	}
	if len(match) != 1 {
		return ""
	}
	return match[0]
}

// editDistance returns the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// badValue rewrites the flag package's message for a value that does not
// parse, such as `invalid value "abc" for flag -epochs: parse error`, as
// the flag, the value and the kind of value it takes. It returns "" for
// other errors.
func badValue(fs *flag.FlagSet, err error) string {
	var value, name string
	if _, e := fmt.Sscanf(err.Error(), "invalid value %q for flag -%s", &value, &name); e != nil {
		if _, e := fmt.Sscanf(err.Error(), "invalid boolean value %q for -%s", &value, &name); e != nil {
			return ""
		}
	}
	f := fs.Lookup(strings.TrimSuffix(name, ":"))
	if f == nil {
		return ""
	}
	getter, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	var kind string
	switch getter.Get().(type) {
	case int, int64:
		kind = "a whole number, such as 10"
	case uint, uint64:
		kind = "a whole number ≥ 0, such as 10"
	case float64:
		kind = "a number, such as 0.01 or 1e-3"
	case bool:
		kind = "true or false"
	case time.Duration:
		kind = "a duration, such as 30s"
	default:
		return ""
	}
	if strings.HasSuffix(err.Error(), "value out of range") {
		return fmt.Sprintf("--%s %q: out of range; expected %s", f.Name, value, kind)
	}
	return fmt.Sprintf("--%s %q: expected %s", f.Name, value, kind)
}
