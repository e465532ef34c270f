package main

import (
	"bytes"
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

func TestNoCommand(t *testing.T) {
	status, _, stderr := runCLI(t)
	if status != 2 || !strings.Contains(stderr, "Usage: backprop <command>") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}
