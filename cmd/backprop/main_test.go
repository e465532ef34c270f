package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its exit status,
// stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	status := run(args, &env{stdout: &out, stderr: &errb})
	return status, out.String(), errb.String()
}

func TestUnknownCommand(t *testing.T) {
	status, _, stderr := runCLI(t, "frobnicate")
	if status != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

func TestUnknownCommandSuggestion(t *testing.T) {
	for _, tc := range []struct{ given, want string }{
		{"tran", `unknown command "tran"; did you mean train? Run 'backprop help'`},
		{"reproduc", `unknown command "reproduc"; did you mean reproduce?`},
		{"xyz", `unknown command "xyz"; run`},
	} {
		status, _, stderr := runCLI(t, tc.given)
		if status != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: status %d, stderr %q; want 2 and %q", tc.given, status, stderr, tc.want)
		}
	}
}

func TestNoCommand(t *testing.T) {
	status, _, stderr := runCLI(t)
	if status != 2 || !strings.Contains(stderr, "Usage: backprop <command>") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

// TestFlagsAfterArguments checks that flags may follow positional
// arguments and that "--" ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	e := &env{stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
	fs := newFlags(e, "x", "")
	n := fs.Int("n", 0, "")
	if err := parseFlags(fs, []string{"a", "-n", "3", "b"}, true); err != nil {
		t.Fatal(err)
	}
	if *n != 3 || fs.NArg() != 2 || fs.Arg(0) != "a" || fs.Arg(1) != "b" {
		t.Errorf("n = %d, args %v", *n, fs.Args())
	}
	fs = newFlags(e, "x", "")
	n = fs.Int("n", 0, "")
	if err := parseFlags(fs, []string{"a", "--", "-n", "3"}, true); err != nil {
		t.Fatal(err)
	}
	if *n != 0 || strings.Join(fs.Args(), " ") != "a -n 3" {
		t.Errorf("n = %d, args %v", *n, fs.Args())
	}
	if err := parseFlags(newFlags(e, "x", ""), []string{"a"}, false); err == nil {
		t.Error("a positional argument was accepted where none is")
	}
}

// TestMissingModelFile checks that every command reading a model file
// names the flag and the file when it is missing, and the fix.
func TestMissingModelFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.json")
	for _, args := range [][]string{
		{"predict", "--model", missing, "x.csv"},
		{"eval", "--model", missing, "--data", "flower"},
		{"explain", "--model", missing},
		{"train", "--from", missing, "--data", "flower", "--epochs", "1"},
	} {
		status, _, stderr := runCLI(t, args...)
		want := args[1] + " " + missing + ": file not found; check the path, or write the model with backprop train --out"
		if status != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%s: status %d, stderr %q; want 1 and %q", args[0], status, stderr, want)
		}
	}
}

// TestCheckpointAsModel checks that a command given a checkpoint where a
// model belongs prints the command that writes the model.
func TestCheckpointAsModel(t *testing.T) {
	ck := filepath.Join(t.TempDir(), "run.ckpt")
	status, _, stderr := runCLI(t, "predict", "--model", ck, "x.csv")
	want := "--model " + ck + ": a training checkpoint, not a model; write its model with backprop train --resume " + ck + " --out"
	if status != 2 || !strings.Contains(stderr, want) {
		t.Errorf("status %d, stderr %q; want 2 and %q", status, stderr, want)
	}
}

// TestFolderAsModel checks that a folder given where a model file belongs
// is named as a folder.
func TestFolderAsModel(t *testing.T) {
	dir := t.TempDir()
	status, _, stderr := runCLI(t, "summary", "--model", dir)
	want := "--model " + dir + ": a folder, not a model file"
	if status != 2 || !strings.Contains(stderr, want) {
		t.Errorf("status %d, stderr %q; want 2 and %q", status, stderr, want)
	}
}

// TestHelpCommand checks that "help train" prints train's flags.
func TestHelpCommand(t *testing.T) {
	status, _, stderr := runCLI(t, "help", "train")
	if status != 0 || !strings.Contains(stderr, "Usage: backprop train") || !strings.Contains(stderr, "-checkpoint-every") {
		t.Errorf("status %d, stderr:\n%s", status, stderr)
	}
}

// TestBadFlagValue checks that a flag value that does not parse is named
// with the kind of value the flag takes.
func TestBadFlagValue(t *testing.T) {
	for _, tc := range []struct{ flag, value, want string }{
		{"--epochs", "abc", `--epochs "abc": expected a whole number, such as 10`},
		{"--lr", "x1", `--lr "x1": expected a number, such as 0.01 or 1e-3`},
		{"--seed", "-3", `--seed "-3": expected a whole number ≥ 0, such as 10`},
		{"--shuffle=maybe", "", `--shuffle "maybe": expected true or false`},
		{"--epochs", "99999999999999999999", `--epochs "99999999999999999999": out of range; expected a whole number, such as 10`},
	} {
		args := []string{"train", tc.flag}
		if tc.value != "" {
			args = append(args, tc.value)
		}
		status, _, stderr := runCLI(t, args...)
		if status != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s %s: status %d, stderr %q; want 2 and %q", tc.flag, tc.value, status, stderr, tc.want)
		}
	}
}
