package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/train"
)

// trainOK runs a train command line in-process and fails the test unless
// it succeeds. It returns stderr.
func trainOK(t *testing.T, args ...string) string {
	t.Helper()
	status, _, stderr := runCLI(t, append([]string{"train"}, args...)...)
	if status != 0 {
		t.Fatalf("train %s: exit status %d\n%s", strings.Join(args, " "), status, stderr)
	}
	return stderr
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTrainRepeatable trains twice with the same flags and compares the
// model files byte for byte; another seed must give another file.
func TestTrainRepeatable(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		ext  string
	}{
		{"moons", []string{"--data", "moons", "--epochs", "20"}, ".safetensors"},
		{"spiral/dropout/validation", []string{"--data", "spiral", "--epochs", "15", "--keep-prob", "0.8", "--validation", "0.2", "--patience", "5"}, ".json"},
	} {
		file := func(name string) string {
			return filepath.Join(dir, strings.ReplaceAll(tc.name, "/", "-")+"-"+name+tc.ext)
		}
		trainOK(t, append(tc.args, "--out", file("a"))...)
		trainOK(t, append(tc.args, "--out", file("b"))...)
		trainOK(t, append(tc.args, "--out", file("seed2"), "--seed", "2")...)
		a, b, c := readBytes(t, file("a")), readBytes(t, file("b")), readBytes(t, file("seed2"))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs with seed 1 wrote different model files", tc.name)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s: seeds 1 and 2 wrote the same model file", tc.name)
		}
	}
}

// resumeArgs are the flags of the runs that TestTrainResume... interrupt:
// mini-batches with shuffling, dropout and early stopping's best weights,
// so that the random source, the optimizer and the best epoch all matter.
var resumeArgs = []string{"--data", "moons", "--epochs", "60", "--batch", "16", "--keep-prob", "0.9",
	"--validation", "0.2", "--patience", "1000"}

func withArgs(extra ...string) []string {
	return append(append([]string(nil), resumeArgs...), extra...)
}

// setFlag returns args with the value of --name replaced by value.
func setFlag(args []string, name, value string) []string {
	out := append([]string(nil), args...)
	for i := range out[:len(out)-1] {
		if out[i] == "--"+name {
			out[i+1] = value
			return out
		}
	}
	return append(out, "--"+name, value)
}

// TestTrainResumeExtends trains 20 epochs with checkpoints, then resumes
// the last one to 60 epochs: the model must equal that of a 60-epoch run.
func TestTrainResumeExtends(t *testing.T) {
	dir := t.TempDir()
	ref, out, ck := filepath.Join(dir, "ref.safetensors"), filepath.Join(dir, "out.safetensors"), filepath.Join(dir, "run.ckpt")
	trainOK(t, withArgs("--out", ref)...)

	first := withArgs("--out", filepath.Join(dir, "first.safetensors"), "--checkpoint-every", "7", "--checkpoint", ck)
	trainOK(t, setFlag(first, "epochs", "20")...)
	c, err := train.ReadCheckpoint(ck)
	if err != nil {
		t.Fatal(err)
	}
	if c.Epoch != 20 {
		t.Fatalf("checkpoint after epoch %d, want the last, 20", c.Epoch)
	}
	stderr := trainOK(t, withArgs("--out", out, "--resume", ck)...)
	if !strings.Contains(stderr, "resuming "+ck+" after epoch 20") {
		t.Errorf("stderr does not say where the run resumes:\n%s", stderr)
	}
	if strings.Contains(stderr, "--resume without --out") {
		t.Errorf("a resumed run with --out warns that it has none:\n%s", stderr)
	}
	stderr = trainOK(t, withArgs("--resume", ck)...)
	if !strings.Contains(stderr, "warning: --resume without --out: the resumed run writes no model file") {
		t.Errorf("a resumed run without --out does not warn that it writes no model:\n%s", stderr)
	}
	if !bytes.Equal(readBytes(t, out), readBytes(t, ref)) {
		t.Errorf("the resumed run's model differs from the uninterrupted run's")
	}
}

// Environment of the child process of TestTrainResumeAfterKill.
const (
	childArgsEnv  = "BACKPROP_TEST_TRAIN_ARGS"   // JSON list of command-line arguments
	childDelayEnv = "BACKPROP_TEST_STDERR_DELAY" // pause before each write to stderr
)

// slowWriter pauses before each write, which slows a run's epochs down to
// at least the pause: train writes one progress line per epoch.
type slowWriter struct {
	w     io.Writer
	pause time.Duration
}

func (s slowWriter) Write(p []byte) (int, error) {
	time.Sleep(s.pause)
	return s.w.Write(p)
}

// runChild runs the command line of childArgsEnv as the backprop command
// and exits with its status.
func runChild() {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(childArgsEnv)), &args); err != nil {
		panic(err)
	}
	pause, err := time.ParseDuration(os.Getenv(childDelayEnv))
	if err != nil {
		panic(err)
	}
	os.Exit(run(args, &env{stdout: io.Discard, stderr: slowWriter{os.Stderr, pause}}))
}

// TestTrainResumeAfterKill runs train with checkpoints as a separate
// process, kills it with SIGKILL at a random moment after its first
// checkpoint, resumes it in another process that is killed the same way,
// and resumes that one to the end in-process. The model must equal that
// of an uninterrupted run byte for byte.
func TestTrainResumeAfterKill(t *testing.T) {
	if os.Getenv(childArgsEnv) != "" {
		runChild()
		return
	}
	if testing.Short() {
		t.Skip("starts and kills two processes; skipped in -short mode")
	}
	dir := t.TempDir()
	ref, out, ck := filepath.Join(dir, "ref.safetensors"), filepath.Join(dir, "out.safetensors"), filepath.Join(dir, "run.ckpt")
	trainOK(t, withArgs("--out", ref)...)

	rng := rand.New(rand.NewPCG(7, 7))
	args := withArgs("--out", out, "--checkpoint-every", "3", "--checkpoint", ck)
	for kill := range 2 {
		if kill > 0 {
			args = append(args, "--resume", ck)
		}
		startEpoch := 0
		if c, err := train.ReadCheckpoint(ck); err == nil {
			startEpoch = c.Epoch
		}
		signalAfterCheckpoint(t, append([]string{"train"}, args...), time.Duration(rng.IntN(300))*time.Millisecond, os.Kill)
		c, err := train.ReadCheckpoint(ck)
		if err != nil {
			t.Fatalf("kill %d: reading the checkpoint: %v", kill, err)
		}
		if c.Epoch <= startEpoch || c.Epoch >= 60 {
			t.Fatalf("kill %d: checkpoint after epoch %d, want one after epoch %d and before the last", kill, c.Epoch, startEpoch)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("kill %d: the killed run wrote %s", kill, out)
		}
		t.Logf("kill %d: resuming after epoch %d", kill, c.Epoch)
	}
	trainOK(t, args...)
	if !bytes.Equal(readBytes(t, out), readBytes(t, ref)) {
		t.Errorf("the model of the killed and resumed run differs from the uninterrupted run's")
	}
}

// signalAfterCheckpoint starts the test binary as the backprop command
// with args, waits until it writes its first checkpoint, waits wait more
// and sends it sig. It returns what the child wrote on stderr and its exit
// status.
func signalAfterCheckpoint(t *testing.T, args []string, wait time.Duration, sig os.Signal) (string, int) {
	t.Helper()
	enc, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrainResumeAfterKill$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(enc), childDelayEnv+"=20ms")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	// Read stderr up to the note of the first checkpoint.
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	saved := false
	for !saved && sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		saved = strings.HasPrefix(sc.Text(), "checkpoint after epoch")
	}
	if !saved {
		cmd.Wait()
		t.Fatalf("the child ended before its first checkpoint:\n%s", log.String())
	}

	// Keep reading, so the child never blocks on a full pipe, until it
	// ends and closes it.
	var rest bytes.Buffer
	drained := make(chan struct{})
	go func() {
		io.Copy(&rest, stderr)
		close(drained)
	}()
	time.Sleep(wait)
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	<-drained
	cmd.Wait()
	log.Write(rest.Bytes())
	if cmd.ProcessState.Success() {
		t.Fatalf("the child finished before the signal; slow it down:\n%s", log.String())
	}
	return log.String(), cmd.ProcessState.ExitCode()
}

// TestTrainInterrupt sends an interrupt (Ctrl+C) to a run with
// checkpoints: it must end with status 130, write no model, and name the
// checkpoint and the flag that continues it. Continued so, the run must
// end with the model of an uninterrupted run.
func TestTrainInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and interrupts a process; skipped in -short mode")
	}
	dir := t.TempDir()
	ref, out, ck := filepath.Join(dir, "ref.safetensors"), filepath.Join(dir, "out.safetensors"), filepath.Join(dir, "run.ckpt")
	trainOK(t, withArgs("--out", ref)...)

	args := withArgs("--out", out, "--checkpoint-every", "3", "--checkpoint", ck)
	log, status := signalAfterCheckpoint(t, append([]string{"train"}, args...), 50*time.Millisecond, os.Interrupt)
	if status != 130 {
		t.Fatalf("exit status %d after an interrupt, want 130:\n%s", status, log)
	}
	c, err := train.ReadCheckpoint(ck)
	if err != nil {
		t.Fatalf("reading the checkpoint: %v", err)
	}
	for _, want := range []string{
		"backprop train: interrupted.",
		"Nothing was written to " + out,
		fmt.Sprintf("The last checkpoint, after epoch %d, stays in %s.", c.Epoch, ck),
		"--resume " + ck,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr after the interrupt lacks %q:\n%s", want, log)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the interrupted run wrote %s", out)
	}

	trainOK(t, append(args, "--resume", ck)...)
	if !bytes.Equal(readBytes(t, out), readBytes(t, ref)) {
		t.Errorf("the model of the interrupted and resumed run differs from the uninterrupted run's")
	}
}

func TestTrainResumeErrors(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "run.ckpt")
	model := filepath.Join(dir, "m.safetensors")
	trainOK(t, setFlag(withArgs("--out", model, "--checkpoint-every", "2", "--checkpoint", ck), "epochs", "4")...)
	resume := func(extra ...string) []string {
		return setFlag(withArgs(append([]string{"--resume", ck}, extra...)...), "epochs", "8")
	}

	for _, tc := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"learning rate", resume("--lr", "0.02"), 2,
			[]string{"--lr is 0.02 here but the checkpoint was written with --lr 0.01", "only --checkpoint, --checkpoint-every"}},
		{"seed", resume("--seed", "3"), 2, []string{"--seed is 3 here", "--seed 1"}},
		{"layers", resume("--layers", "4"), 2, []string{"--layers is 4 here", "--layers 8,8"}},
		{"precision", resume("--float64"), 2, []string{"--float64 is true here", "--float64 false"}},
		{"fewer epochs", setFlag(resume(), "epochs", "2"), 2, []string{"--epochs 2: the checkpoint " + ck + " is after epoch 4; give --epochs 4 or more"}},
		{"missing file", withArgs("--resume", filepath.Join(dir, "none.ckpt")), 2, []string{"none.ckpt: file not found", "an earlier run of backprop train wrote"}},
		{"model file", withArgs("--resume", model), 1, []string{"this is a model file, not a checkpoint"}},
	} {
		status, _, stderr := runCLI(t, append([]string{"train"}, tc.args...)...)
		if status != tc.status {
			t.Errorf("%s: exit status %d, want %d; stderr:\n%s", tc.name, status, tc.status, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr does not contain %q:\n%s", tc.name, w, stderr)
			}
		}
	}
}

func TestTrainCheckpointFlagErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.safetensors")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--checkpoint", filepath.Join(dir, "c.ckpt")}, "needs --checkpoint-every N"},
		{[]string{"--checkpoint-every", "2"}, "needs a file to write to"},
		{[]string{"--checkpoint-every", "-1", "--out", out}, "--checkpoint-every -1"},
		{[]string{"--checkpoint-every", "2", "--out", out, "--checkpoint", out}, "is also the --out file"},
		{[]string{"--checkpoint-every", "2", "--checkpoint", filepath.Join(dir, "no", "c.ckpt")}, "does not exist"},
	} {
		args := append([]string{"train", "--data", "moons", "--epochs", "2"}, tc.args...)
		status, _, stderr := runCLI(t, args...)
		if status != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit status %d, stderr %q; want 2 and %q", tc.args, status, stderr, tc.want)
		}
	}
	// The default checkpoint file is --out with the extension .ckpt.
	trainOK(t, "--data", "moons", "--epochs", "2", "--out", out, "--checkpoint-every", "1")
	if _, err := train.ReadCheckpoint(filepath.Join(dir, "m.ckpt")); err != nil {
		t.Errorf("default checkpoint file: %v", err)
	}
}

// TestTrainCleansStaleFiles leaves temporary files of interrupted saves
// beside --out, --checkpoint and --plot: train must remove them, say so,
// and leave other files alone.
func TestTrainCleansStaleFiles(t *testing.T) {
	dir := t.TempDir()
	out, ck, plotFile := filepath.Join(dir, "m.safetensors"), filepath.Join(dir, "run.ckpt"), filepath.Join(dir, "curves.svg")
	stale := []string{out + ".tmp-0123456789abcdef", ck + ".tmp-fedcba9876543210", plotFile + ".tmp-00000000000000ff"}
	keep := []string{out + ".tmp-notours", filepath.Join(dir, "other.tmp-0123456789abcdef")}
	for _, p := range append(append([]string(nil), stale...), keep...) {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stderr := trainOK(t, "--data", "moons", "--epochs", "2", "--out", out, "--checkpoint-every", "1", "--checkpoint", ck, "--plot", plotFile)
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("stale %s was not removed", p)
		}
		if !strings.Contains(stderr, "removed "+p) {
			t.Errorf("stderr does not report removing %s:\n%s", p, stderr)
		}
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s should stay: %v", p, err)
		}
	}
	stderr = trainOK(t, "--data", "moons", "--epochs", "2", "--out", out)
	if strings.Contains(stderr, "removed") {
		t.Errorf("a run without stale files reports removing some:\n%s", stderr)
	}
}

// TestTrainWarnsSymmetricInit trains a network with a hidden layer from
// all-zero weights: train must warn that its units can never differ and
// suggest another --init. Without a hidden layer there is nothing to warn
// about.
func TestTrainWarnsSymmetricInit(t *testing.T) {
	stderr := trainOK(t, "--data", "moons", "--epochs", "1", "--init", "zeros", "--layers", "5")
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "can never make them differ") ||
		!strings.Contains(stderr, "all 5 units of hidden layer 1") || !strings.Contains(stderr, "--init he") {
		t.Errorf("stderr does not warn about the symmetric hidden layer with a fix:\n%s", stderr)
	}
	stderr = trainOK(t, "--data", "moons", "--epochs", "1", "--init", "zeros", "--layers", "0")
	if strings.Contains(stderr, "warning") {
		t.Errorf("logistic regression from zeros gives a warning:\n%s", stderr)
	}
	stderr = trainOK(t, "--data", "moons", "--epochs", "1", "--init", "xavier", "--layers", "5")
	if strings.Contains(stderr, "warning") {
		t.Errorf("a random initialisation gives a warning:\n%s", stderr)
	}
}

// TestDivergenceKeepsCheckpoint trains the divergence case's linear unit
// until the cost overflows, with checkpoints and an existing model file:
// the run must fail naming the last checkpoint, which must hold finite
// weights, and the model file must keep its earlier contents.
func TestDivergenceKeepsCheckpoint(t *testing.T) {
	c, err := testcases.Get("divergence-nonfinite-01")
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		Network json.RawMessage `json:"network"`
		X, Y    [][]float64
	}
	json.Unmarshal(mustMarshal(t, c.Input), &in)
	var want struct {
		First int `json:"first_iteration_with_nonfinite_cost"`
	}
	json.Unmarshal(mustMarshal(t, c.Expected), &want)
	dir := t.TempDir()
	model := filepath.Join(dir, "net.json")
	if err := os.WriteFile(model, in.Network, 0o644); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	for j := range in.X[0] {
		csv.WriteString(strconv.FormatFloat(in.X[0][j], 'g', -1, 64) + "," + strconv.FormatFloat(in.Y[0][j], 'g', -1, 64) + "\n")
	}
	data := filepath.Join(dir, "line.csv")
	os.WriteFile(data, []byte(csv.String()), 0o644)
	args := []string{"train", "--data", data, "--task", "regression", "--from", model,
		"--optimizer", "sgd", "--batch", "0", "--epochs", "2000", "--shuffle=false",
		"--test-fraction", "0", "--float64"}

	// A model from a run with a small learning rate is on disk.
	out, ck := filepath.Join(dir, "trained.json"), filepath.Join(dir, "run.ckpt")
	trainOK(t, append(args[1:], "--lr", "0.01", "--out", out)...)
	before := readBytes(t, out)

	const every = 25
	status, _, stderr := runCLI(t, append(args, "--lr", "1", "--out", out, "--checkpoint-every", strconv.Itoa(every), "--checkpoint", ck)...)
	if status != 1 || !strings.Contains(stderr, "diverged") {
		t.Fatalf("exit status %d, want 1 with a divergence; stderr:\n%s", status, stderr)
	}
	// Full batch: epoch e is iteration e, and the checkpoints stop before
	// the first non-finite cost.
	last := (want.First - 1) / every * every
	if !strings.Contains(stderr, "The last checkpoint, after epoch "+strconv.Itoa(last)+", stays in "+ck) {
		t.Errorf("stderr does not name the last checkpoint, after epoch %d:\n%s", last, stderr)
	}
	if !bytes.Equal(readBytes(t, out), before) {
		t.Errorf("the diverged run changed %s", out)
	}
	cp, err := train.ReadCheckpoint(ck)
	if err != nil {
		t.Fatalf("the last checkpoint does not read back: %v", err)
	}
	if cp.Epoch != last {
		t.Errorf("checkpoint after epoch %d, want %d", cp.Epoch, last)
	}
	for _, m := range cp.History {
		if math.IsNaN(m.Cost) || math.IsInf(m.Cost, 0) {
			t.Errorf("checkpoint history: epoch %d has cost %v", m.Epoch, m.Cost)
		}
	}
	// Every file in the folder reads back; models hold finite weights
	// (ReadCheckpoint rejects non-finite values itself).
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch filepath.Ext(p) {
		case ".json":
			if e.Name() == "net.json" {
				continue
			}
			m, err := modelio.Read[float64](p)
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			for i, w := range m.Net.Params() {
				for _, v := range w.RawData() {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("%s: %s holds %v", p, m.Net.ParamNames()[i], v)
					}
				}
			}
		case ".ckpt", ".csv":
		default:
			t.Errorf("unexpected file %s left by the diverged run", p)
		}
	}
}
