package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReproduceFlower runs an experiment that needs no data files and
// checks the table, the legend of the bracketed figures, the note of the
// figure compared within a tolerance, and the verdict.
func TestReproduceFlower(t *testing.T) {
	if testing.Short() {
		t.Skip("trains eight networks")
	}
	status, stdout, _ := runCLI(t, "reproduce", "planar-flower")
	if status != 0 {
		t.Fatalf("status %d, want 0; stdout:\n%s", status, stdout)
	}
	for _, want := range []string{
		"cost at iteration 0",
		"0.693048",
		"90.75 (90%)",
		"In brackets after an expected figure: the course's own printout",
		"(±0.0001, note 1)",
		"(±0.5, note 2)",
		"[1] Compared within the tolerance shown, since from iteration 7000 on",
		"[2] Compared within the tolerance shown, since a last-bit rounding change moves one or two of the 400 points",
		"all figures match in",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestReproduceJSON checks the one JSON object that --json prints.
func TestReproduceJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three networks")
	}
	status, stdout, _ := runCLI(t, "reproduce", "--json", "init-circles")
	if status != 0 {
		t.Fatalf("status %d, want 0; stdout:\n%s", status, stdout)
	}
	var got struct {
		Name    string  `json:"name"`
		Match   bool    `json:"match"`
		Seconds float64 `json:"seconds"`
		Figures []struct {
			What     string  `json:"what"`
			Expected float64 `json:"expected"`
			Actual   float64 `json:"actual"`
			Match    bool    `json:"match"`
		} `json:"figures"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
	}
	if got.Name != "init-circles" || !got.Match || got.Seconds <= 0 || len(got.Figures) == 0 {
		t.Errorf("got name %q, match %t, seconds %v, %d figures", got.Name, got.Match, got.Seconds, len(got.Figures))
	}
	for _, f := range got.Figures {
		if !f.Match || f.What == "" {
			t.Errorf("figure %+v does not match", f)
		}
	}
}

func TestReproduceErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-folder")
	t.Setenv("BACKPROP_CATVNONCAT_DIR", "")
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"reproduce", "no-such-experiment"}, 2, `no experiment "no-such-experiment"`},
		{[]string{"reproduce"}, 2, "give one experiment name, or --list"},
		{[]string{"reproduce", "cat-deep"}, 2, "BACKPROP_CATVNONCAT_DIR"},
		{[]string{"reproduce", "cat-deep", "--data-dir", missing}, 1, missing},
	} {
		status, stdout, stderr := runCLI(t, c.args...)
		if status != c.status || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: status %d, stderr %q; want status %d and %q", c.args, status, stderr, c.status, c.want)
		}
		if stdout != "" {
			t.Errorf("%q: printed %q to stdout", c.args, stdout)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("the missing data folder was created")
	}
}
