package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/train"
)

// flagsKey is the checkpoint metadata key under which train stores the
// flags of the run, as a JSON object from flag name to value.
const flagsKey = "backprop.train.flags"

// resumableFlags are the flags that a resumed run may change: where
// results go, how often checkpoints are saved, where MNIST lies, and the
// number of epochs, which only decides where the run ends.
var resumableFlags = []string{"checkpoint", "checkpoint-every", "data-dir", "epochs", "json", "out", "plot", "resume"}

// checkpointNoteInterval is the least time between two "checkpoint
// written" lines on stderr, so that frequent checkpoints do not flood it.
const checkpointNoteInterval = 10 * time.Second

// recordFlags stores the value and the default of every flag of fs that a
// resumed run must repeat, after the presets have filled them in.
func (f *trainFlags) recordFlags(fs *flag.FlagSet) {
	f.flagValues, f.flagDefaults = map[string]string{}, map[string]string{}
	fs.VisitAll(func(fl *flag.Flag) {
		if !slices.Contains(resumableFlags, fl.Name) {
			f.flagValues[fl.Name] = fl.Value.String()
			f.flagDefaults[fl.Name] = fl.DefValue
		}
	})
}

// checkpointPath returns the file that checkpoints go to: --checkpoint,
// else the --resume file, else --out with the extension .ckpt. It is ""
// when checkpoints are off.
func (f *trainFlags) checkpointPath() string {
	switch {
	case f.checkpointEvery <= 0:
		return ""
	case f.checkpoint != "":
		return f.checkpoint
	case f.resume != "":
		return f.resume
	case f.out != "":
		return strings.TrimSuffix(f.out, filepath.Ext(f.out)) + ".ckpt"
	}
	return ""
}

// checkCheckpointFlags rejects checkpoint flags that cannot work, before
// anything is read or trained.
func (f *trainFlags) checkCheckpointFlags() error {
	if f.checkpointEvery < 0 {
		return usagef("--checkpoint-every %d: give a number of epochs ≥ 1, or 0 for no checkpoints", f.checkpointEvery)
	}
	if f.checkpoint != "" && f.checkpointEvery == 0 {
		return usagef("--checkpoint %s needs --checkpoint-every N, the number of epochs between checkpoints", f.checkpoint)
	}
	path := f.checkpointPath()
	if f.checkpointEvery > 0 && path == "" {
		return usagef("--checkpoint-every %d needs a file to write to; give --checkpoint FILE, or --out, whose name with the extension .ckpt is the default", f.checkpointEvery)
	}
	if path == "" {
		return nil
	}
	for _, other := range []struct{ flag, path string }{{"--out", f.out}, {"--plot", f.plot}} {
		if other.path != "" && filepath.Clean(other.path) == filepath.Clean(path) {
			return usagef("the checkpoint file %s is also the %s file; give --checkpoint another name", path, other.flag)
		}
	}
	return checkOutputPath(path, func(string) error { return nil })
}

// cleanStale removes the temporary files that an interrupted save left
// beside each of paths and reports each on stderr. Empty paths are
// skipped.
func cleanStale(e *env, paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		removed, err := atomicfile.CleanStale(p)
		for _, r := range removed {
			fmt.Fprintf(e.stderr, "backprop train: removed %s, a temporary file left by an interrupted save of %s\n", r, p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readResume reads the --resume checkpoint and checks that the flags of
// this run repeat those of the run that wrote it.
func readResume(f *trainFlags) (*train.Checkpoint, error) {
	c, err := train.ReadCheckpoint(f.resume)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usagef("--resume %s: file not found; pass the checkpoint file that an earlier run of backprop train wrote (its --checkpoint, or its --out with the extension .ckpt)", f.resume)
	}
	if err != nil {
		return nil, fmt.Errorf("--resume: %w", err)
	}
	if f.epochs < c.Epoch {
		return nil, usagef("--epochs %d: the checkpoint %s is after epoch %d; give --epochs %d or more", f.epochs, f.resume, c.Epoch, c.Epoch)
	}
	raw, ok := c.Metadata[flagsKey]
	if !ok {
		// Written by a program other than this command; Resume still
		// checks the network, the data and the settings.
		return c, nil
	}
	var saved map[string]string
	if err := json.Unmarshal([]byte(raw), &saved); err != nil {
		return nil, fmt.Errorf("--resume %s: the flags stored in the checkpoint are invalid: %w", f.resume, err)
	}

	// Compare every flag that either run has, in a fixed order.
	names := make([]string, 0, len(saved)+len(f.flagValues))
	for name := range saved {
		names = append(names, name)
	}
	for name := range f.flagValues {
		if _, ok := saved[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	var may []string
	for _, name := range resumableFlags {
		if name != "resume" {
			may = append(may, "--"+name)
		}
	}
	for _, name := range names {
		old, wasSet := saved[name]
		now, isSet := f.flagValues[name]
		switch {
		case !isSet:
			return nil, usagef("--resume %s: the checkpoint was written with --%s %s, a flag this backprop does not have; resume it with the backprop that wrote it", f.resume, name, old)
		case !wasSet && now != f.flagDefaults[name]:
			return nil, usagef("--resume %s: the checkpoint was written by a backprop without --%s; resume without it", f.resume, name)
		case wasSet && old != now:
			return nil, usagef("--resume %s: --%s is %s here but the checkpoint was written with --%s %s; give the flags of the run that wrote it (only %s may change)",
				f.resume, name, quoteEmpty(now), name, quoteEmpty(old), strings.Join(may, ", "))
		}
	}
	return c, nil
}

// quoteEmpty returns s, or "" in quotes when s is empty, so that a message
// shows an empty value.
func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// checkpointer saves the checkpoints of a run to its file.
type checkpointer struct {
	e     *env
	path  string
	flags string // the JSON of trainFlags.flagValues
	quiet bool   // --json: no notes on stderr

	saved    int  // the epoch of the checkpoint in path, 0 for none
	unnoted  bool // a checkpoint was written since the last note
	lastNote time.Time
}

// newCheckpointer returns the checkpointer of the run, or nil when
// checkpoints are off. resumed is the checkpoint the run resumes from, or
// nil.
func newCheckpointer(e *env, f *trainFlags, resumed *train.Checkpoint) (*checkpointer, error) {
	path := f.checkpointPath()
	if path == "" {
		return nil, nil
	}
	flags, err := json.Marshal(f.flagValues)
	if err != nil {
		return nil, err
	}
	c := &checkpointer{e: e, path: path, flags: string(flags), quiet: f.asJSON}
	if resumed != nil && filepath.Clean(path) == filepath.Clean(f.resume) {
		c.saved = resumed.Epoch
	}
	return c, nil
}

// save writes ck to the checkpoint file with the run's flags.
func (c *checkpointer) save(ck *train.Checkpoint) error {
	ck.Metadata = map[string]string{flagsKey: c.flags}
	if err := train.WriteCheckpoint(c.path, ck); err != nil {
		return err
	}
	c.saved, c.unnoted = ck.Epoch, true
	return nil
}

// note prints a line on stderr for the checkpoint just written: the first
// of the run, then at most one per checkpointNoteInterval.
func (c *checkpointer) note() {
	if !c.unnoted || c.quiet || (!c.lastNote.IsZero() && time.Since(c.lastNote) < checkpointNoteInterval) {
		return
	}
	fmt.Fprintf(c.e.stderr, "checkpoint after epoch %d written to %s\n", c.saved, c.path)
	c.unnoted, c.lastNote = false, time.Now()
}

// wire makes cfg save checkpoints every n epochs through c and note them
// after the epoch's progress line.
func (c *checkpointer) wire(cfg *train.Config, every int) {
	if c == nil {
		return
	}
	cfg.CheckpointEvery = every
	cfg.Checkpoint = c.save
	onEpoch := cfg.OnEpoch
	cfg.OnEpoch = func(m train.Metrics) error {
		var err error
		if onEpoch != nil {
			err = onEpoch(m)
		}
		c.note()
		return err
	}
}

// lastSaved returns a sentence naming the checkpoint that a failed run
// leaves, or "" when there is none.
func (c *checkpointer) lastSaved() string {
	if c == nil || c.saved == 0 {
		return ""
	}
	return fmt.Sprintf("The last checkpoint, after epoch %d, stays in %s.", c.saved, c.path)
}

// errInterrupted ends a run with checkpoints whose process received an
// interrupt (Ctrl+C). run turns it into exit status 130, as a shell
// reports a process ended by SIGINT.
var errInterrupted = errors.New("interrupted")

// stopOnInterrupt makes an interrupt end the run of cfg with
// errInterrupted after the update in progress, so that the error can name
// the last checkpoint. A second interrupt ends the process at once. The
// returned function stops listening.
func stopOnInterrupt(cfg *train.Config) (stop func()) {
	var interrupted atomic.Bool
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
			interrupted.Store(true)
			signal.Stop(signals)
		case <-done:
		}
	}()
	onBatch := cfg.OnBatch
	cfg.OnBatch = func(b train.Batch) error {
		if interrupted.Load() {
			return errInterrupted
		}
		if onBatch != nil {
			return onBatch(b)
		}
		return nil
	}
	return func() {
		signal.Stop(signals)
		close(done)
	}
}

// interruptedError returns the error of a run ended by an interrupt: that
// the model file out, if any, was not written, where the last checkpoint
// is and how to continue from it.
func (c *checkpointer) interruptedError(out string) error {
	var b strings.Builder
	if out != "" {
		fmt.Fprintf(&b, "\nNothing was written to %s.", out)
	}
	if c.saved == 0 {
		return fmt.Errorf("%w before the first checkpoint; no checkpoint was saved.%s", errInterrupted, b.String())
	}
	fmt.Fprintf(&b, "\n%s\nContinue the run with the same flags and --resume %s", c.lastSaved(), c.path)
	return fmt.Errorf("%w.%s", errInterrupted, b.String())
}
