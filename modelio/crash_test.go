package modelio_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	backproprand "github.com/backprop-go/backprop/rand"
)

// The environment of the child process of TestWriteCrash, and its size.
const (
	crashDirEnv     = "MODELIO_CRASH_DIR"
	crashFirstEnv   = "MODELIO_CRASH_FIRST_VERSION"
	crashKills      = 30
	versionsPerKill = 1000 // versions stay below 2²⁴, exact in float32
)

// crashSizes is the architecture of the saved model: 67,210 parameters,
// 269 KB as safetensors and about 1 MB as JSON.
var crashSizes = []int{128, 256, 128, 10}

// versionModel returns version v of the saved model: weights drawn from a
// source seeded with v, W[1][0][0] = v, and a standardisation and class
// names that depend on v.
func versionModel(v int) *modelio.Model[float32] {
	net, err := nn.New[float32](crashSizes, []nn.Activation{nn.ReLU, nn.Tanh, nn.Softmax}, nn.CCE)
	if err != nil {
		panic(err)
	}
	src := backproprand.New(uint64(v))
	for _, p := range net.Params() {
		d := p.RawData()
		for i := range d {
			d[i] = float32(src.Float64() - 0.5)
		}
	}
	net.W[1].Set(0, 0, float32(v))
	m := &modelio.Model[float32]{Net: net}
	for i := range crashSizes[0] {
		m.Mean = append(m.Mean, float64(v+i))
		m.Std = append(m.Std, 1+float64(i))
	}
	for c := range crashSizes[len(crashSizes)-1] {
		m.ClassNames = append(m.ClassNames, fmt.Sprintf("class %d of version %d", c, v))
	}
	return m
}

// crashChild saves versions from first on until it is killed, and reports
// each version after both files hold it.
func crashChild(dir string) {
	first, err := strconv.Atoi(os.Getenv(crashFirstEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad", crashFirstEnv, err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for v := first; ; v++ {
		m := versionModel(v)
		for _, name := range []string{"model.safetensors", "model.json"} {
			if err := modelio.Write(filepath.Join(dir, name), m); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		fmt.Fprintf(out, "saved %d\n", v)
		out.Flush()
	}
}

// checkVersion reads path and returns the version it holds, -1 when the
// file does not exist, or an error when it is not one complete version.
func checkVersion(path string) (int, error) {
	m, err := modelio.Read[float32](path)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	if m.Net == nil || len(m.Net.Sizes) != len(crashSizes) || m.Net.Sizes[0] != crashSizes[0] {
		return 0, fmt.Errorf("architecture %v, want %v", m.Net.Sizes, crashSizes)
	}
	v := int(m.Net.W[1].At(0, 0))
	if diff := sameModel(m, versionModel(v)); diff != "" {
		return v, fmt.Errorf("%s differs from version %d's", diff, v)
	}
	return v, nil
}

// TestWriteCrash starts a process that saves a model of about 67,000
// parameters as .safetensors and as .json in a loop, a new version each
// time. It kills the process with SIGKILL at a random moment, 30 times,
// and reads both files with Read after each kill. Each file must be
// absent before its first save. Otherwise it must hold one complete
// version: the last one the child reported saved, or the next one, whose
// save may have finished unreported.
func TestWriteCrash(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("crash test starts 30 processes; skipped in -short mode")
	}

	dir := t.TempDir()
	names := []string{"model.safetensors", "model.json"}
	prev := map[string]int{names[0]: -1, names[1]: -1} // the version each file held after the last kill
	rng := rand.New(rand.NewPCG(3, 4))
	start := time.Now()
	for kill := range crashKills {
		first := kill * versionsPerKill
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteCrash$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashFirstEnv+"="+strconv.Itoa(first))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var lastSaved atomic.Int64
		lastSaved.Store(-1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
					n, _ := strconv.ParseInt(v, 10, 64)
					lastSaved.Store(n)
				}
			}
		}()

		time.Sleep(time.Duration(20+rng.IntN(180)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("kill %d: %v", kill, err)
		}
		<-done
		werr := cmd.Wait()
		if cmd.ProcessState.Success() || stderr.Len() > 0 {
			t.Fatalf("kill %d: the child ended by itself (%v): %s", kill, werr, stderr.String())
		}

		saved := int(lastSaved.Load())
		for _, name := range names {
			v, err := checkVersion(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("kill %d: %s is not a complete version: %v", kill, name, err)
			}
			switch {
			case v < 0 && (prev[name] >= 0 || saved >= 0):
				t.Fatalf("kill %d: %s is absent after version %d was saved", kill, name, max(prev[name], saved))
			case v >= 0 && saved >= 0 && v != saved && v != saved+1:
				t.Fatalf("kill %d: %s holds version %d, want %d or %d", kill, name, v, saved, saved+1)
			case v >= 0 && saved < 0 && v != prev[name] && v != first:
				t.Fatalf("kill %d: %s holds version %d, want the previous %d or this run's first %d", kill, name, v, prev[name], first)
			}
			prev[name] = v
		}
	}
	elapsed := time.Since(start)

	// Kills before a rename leave temporary files, which CleanStale
	// removes without touching the saved versions.
	removed := 0
	for _, name := range names {
		r, err := atomicfile.CleanStale(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		removed += len(r)
		if v, err := checkVersion(filepath.Join(dir, name)); err != nil || v != prev[name] {
			t.Errorf("after CleanStale %s holds version %d (%v), want %d", name, v, err, prev[name])
		}
	}
	t.Logf("%d kills in %v left %d temporary files; last versions %v", crashKills, elapsed.Round(time.Millisecond), removed, prev)
	if removed == 0 {
		t.Errorf("no kill landed inside a save: %d kills left no temporary file", crashKills)
	}
}
