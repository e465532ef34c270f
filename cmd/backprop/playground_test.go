package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backprop-go/backprop/playground"
	"github.com/backprop-go/backprop/playground/engine"
)

// TestPlaygroundMatchesTrain trains with the playground's engine and runs
// the `backprop train` command that the page shows for the same settings,
// and compares the costs bit for bit: both train in float64 with the same
// seed semantics. Setups that the command line cannot generate go through
// the data file the page exports.
func TestPlaygroundMatchesTrain(t *testing.T) {
	tests := []struct {
		query  string
		epochs int
	}{
		{"", 5},
		{"data=flower&layers=4&opt=sgd&lr=1.2&batch=0&test=0&init=normal", 30},
		{"data=moons&layers=6,3&act=relu&opt=momentum&reg=l2&rate=0.05&batch=32&seed=4&init=he", 4},
		{"data=xor&f=x1,x2,x1x2&layers=3&out=tanh&opt=rmsprop&lr=0.01", 3},
		{"data=spiral&dseed=9&layers=8,8&opt=adam&batch=16", 2},
		{"data=gauss&layers=2&act=sigmoid&out=linear&opt=sgd&lr=0.1&batch=25", 3},
		{"data=gaussmix&f=x1,x2,sinx1,sinx2,x1sq,x2sq&layers=5,5&opt=adam&lr=0.01", 3},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		s, err := engine.ParseSettings(tt.query)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		e, err := engine.New(s, nil)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if err := e.Epochs(tt.epochs); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		page := e.Status()

		cmd, needsFile, _ := e.Command(tt.epochs)
		args := strings.Fields(strings.TrimPrefix(cmd, "backprop "))
		if needsFile {
			path := filepath.Join(dir, engine.DataFile)
			var b bytes.Buffer
			if err := e.ExportData(&b); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			for k, a := range args {
				if a == engine.DataFile {
					args[k] = path
				}
			}
		}
		status, stdout, stderr := runCLI(t, append(args, "--json")...)
		if status != 0 {
			t.Fatalf("%d: %s: status %d\n%s", i, cmd, status, stderr)
		}
		var res trainResult
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("%d: %v in %q", i, err, stdout)
		}
		if res.TrainCost != page.Train {
			t.Errorf("%d (%q): train_cost %v, the page's training cost %v", i, tt.query, res.TrainCost, page.Train)
		}
		switch {
		case res.TestCost == nil && s.TestFraction > 0:
			t.Errorf("%d (%q): the command held out no test set", i, tt.query)
		case res.TestCost != nil && *res.TestCost != page.Test:
			t.Errorf("%d (%q): test_cost %v, the page's test cost %v", i, tt.query, *res.TestCost, page.Test)
		}
		if res.Iterations != page.Iterations {
			t.Errorf("%d (%q): %d updates, the page made %d", i, tt.query, res.Iterations, page.Iterations)
		}
	}
}

// syncBuffer is a bytes.Buffer that the server's goroutine and the test
// can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPlaygroundServes(t *testing.T) {
	ln, err := playground.Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- servePlayground(ctx, &env{stdout: &stdout, stderr: &stderr}, ln) }()

	url := playground.URL(ln)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stdout.String(), url) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	line, _ := bufio.NewReader(strings.NewReader(stdout.String())).ReadString('\n')
	if line != url+"\n" {
		t.Errorf("stdout starts with %q, want the URL %q alone", line, url)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "backprop playground") {
		t.Errorf("GET / = %d, %.60q", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("servePlayground returned %v after the context ended", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop within 10 s of the context ending")
	}
	log := stderr.String()
	if !strings.Contains(log, "serving "+url) || !strings.Contains(log, "backprop playground: stopped") {
		t.Errorf("stderr %q; want the start and stop lines", log)
	}
}

func TestPlaygroundFlags(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"playground", "--addr", "0.0.0.0:0"}, 1, "reachable from other machines"},
		{[]string{"playground", "--addr", ":0"}, 1, "reachable from other machines"},
		{[]string{"playground", "--addr", "nonsense"}, 1, "give host:port"},
		{[]string{"playground", "extra"}, 2, "unexpected argument"},
		{[]string{"playground", "--port", "1"}, 2, "flag provided but not defined"},
	}
	for i, tt := range tests {
		status, _, stderr := runCLI(t, tt.args...)
		if status != tt.status || !strings.Contains(stderr, tt.want) {
			t.Errorf("%d: %v: status %d, stderr %q; want %d and %q", i, tt.args, status, stderr, tt.status, tt.want)
		}
	}
}
