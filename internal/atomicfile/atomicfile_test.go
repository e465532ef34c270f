package atomicfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
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
)

// tempFiles returns the names of the files in dir that look like
// WriteFile's temporary files for base.
func tempFiles(t *testing.T, dir, base string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), base+tempInfix) {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestWriteFileNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	want := []byte("new contents\n")

	err := WriteFile(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(want)
		return err
	})
	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("file holds %q, want %q", got, want)
	}
	if left := tempFiles(t, dir, "model.safetensors"); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&^0o644 != 0 {
		t.Errorf("file permissions %v exceed the requested 0644", perm)
	}
}

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := os.WriteFile(path, []byte("old, longer contents"), 0o644); err != nil {
		t.Fatal(err)
	}

	err := WriteFile(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	})
	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new" {
		t.Errorf("file holds %q, want %q", got, "new")
	}
}

func TestWriteFileCallbackError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	old := []byte("old contents")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	errWrite := errors.New("encoder failed")

	err := WriteFile(path, 0o644, func(w io.Writer) error {
		// Send more than the buffer holds so part of it reaches the file.
		if _, err := w.Write(make([]byte, 1<<20)); err != nil {
			return err
		}
		return errWrite
	})
	if !errors.Is(err, errWrite) {
		t.Fatalf("WriteFile error = %v, want one wrapping %v", err, errWrite)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, old) {
		t.Errorf("file holds %q after a failed write, want the old %q", got, old)
	}
	if left := tempFiles(t, dir, "model.safetensors"); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteFileCallbackPanic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")

	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in write did not reach the caller")
			}
		}()
		WriteFile(path, 0o644, func(w io.Writer) error { panic("bug in write") })
	}()
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after a panicking write: %v, want the file to be absent", err)
	}
	if left := tempFiles(t, dir, "model.safetensors"); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteFileMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no-such-folder")
	path := filepath.Join(dir, "model.safetensors")
	called := false

	err := WriteFile(path, 0o644, func(w io.Writer) error {
		called = true
		return nil
	})
	if err == nil {
		t.Fatal("WriteFile into a missing folder succeeded")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	for _, want := range []string{dir, "does not exist", "create it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if called {
		t.Error("write was called although no file could be created")
	}
}

func TestWriteFileBadPath(t *testing.T) {
	for i, path := range []string{"", "dir/", "."} {
		err := WriteFile(path, 0o644, func(w io.Writer) error { return nil })
		if err == nil {
			t.Errorf("case %d: WriteFile(%q) succeeded, want an error", i, path)
		}
	}
}

func TestCleanStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	keep := []string{
		"model.safetensors",
		"model.safetensors.tmp-notahexsuffix!!",
		"model.safetensors.tmp-0123",
		"other.safetensors.tmp-0123456789abcdef",
		"notes.txt",
	}
	stale := []string{
		"model.safetensors.tmp-0123456789abcdef",
		"model.safetensors.tmp-ffffffffffffffff",
	}
	for _, name := range append(append([]string{}, keep...), stale...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A folder with a temporary-looking name is not WriteFile's and stays.
	dirLike := filepath.Join(dir, "model.safetensors.tmp-aaaaaaaaaaaaaaaa")
	if err := os.Mkdir(dirLike, 0o755); err != nil {
		t.Fatal(err)
	}

	removed, err := CleanStale(path)
	if err != nil {
		t.Fatalf("CleanStale: %v", err)
	}
	want := []string{filepath.Join(dir, stale[0]), filepath.Join(dir, stale[1])}
	if fmt.Sprint(removed) != fmt.Sprint(want) {
		t.Errorf("CleanStale removed %v, want %v", removed, want)
	}
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale file %s still there (Stat: %v)", name, err)
		}
	}
	for _, name := range append(keep, filepath.Base(dirLike)) {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("CleanStale removed %s, which is not a stale temporary file: %v", name, err)
		}
	}
}

func TestCleanStaleMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", "model.safetensors")
	removed, err := CleanStale(path)
	if err != nil || len(removed) != 0 {
		t.Errorf("CleanStale in a missing folder = %v, %v; want nothing and no error", removed, err)
	}
}

// Crash test.
//
// The parent test starts this test binary again as a child, selected by
// crashChildEnv, which saves versions 0, 1, 2, … of a file in a loop with
// WriteFile and prints "saved N" after each save. The parent kills the child
// with SIGKILL at a random moment, then checks the file: it must be absent
// or one complete version, and no older than the last version the child
// reported saved.

const (
	crashChildEnv   = "ATOMICFILE_CRASH_CHILD_PATH"
	crashVersionEnv = "ATOMICFILE_CRASH_FIRST_VERSION"
	crashKills      = 40
)

// versionPayload returns the payload of a version: 256 KiB to 2 MiB of
// bytes drawn from a source seeded with the version.
func versionPayload(version uint64) []byte {
	r := rand.New(rand.NewPCG(version, 0x5eed))
	p := make([]byte, 256<<10+r.IntN(7*256<<10))
	for i := 0; i+8 <= len(p); i += 8 {
		binary.LittleEndian.PutUint64(p[i:], r.Uint64())
	}
	return p
}

// writeVersion writes a self-verifying file for version: the version and
// the payload length as little-endian uint64s, the payload, and the SHA-256
// of everything before it. It writes in 64 KiB pieces so a kill can land
// between any two of them.
func writeVersion(w io.Writer, version uint64) error {
	payload := versionPayload(version)
	h := sha256.New()
	mw := io.MultiWriter(w, h)

	var head [16]byte
	binary.LittleEndian.PutUint64(head[0:], version)
	binary.LittleEndian.PutUint64(head[8:], uint64(len(payload)))
	if _, err := mw.Write(head[:]); err != nil {
		return err
	}
	for len(payload) > 0 {
		n := min(len(payload), 64<<10)
		if _, err := mw.Write(payload[:n]); err != nil {
			return err
		}
		payload = payload[n:]
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

// checkVersion returns the version that b holds, or an error if b is not
// exactly a file that writeVersion writes.
func checkVersion(b []byte) (uint64, error) {
	if len(b) < 16+sha256.Size {
		return 0, fmt.Errorf("file has %d bytes, fewer than a version's head and checksum", len(b))
	}
	version := binary.LittleEndian.Uint64(b[0:])
	n := binary.LittleEndian.Uint64(b[8:])
	if n != uint64(len(b)-16-sha256.Size) {
		return version, fmt.Errorf("payload length %d does not match the file's %d bytes", n, len(b))
	}
	sum := sha256.Sum256(b[:len(b)-sha256.Size])
	if !bytes.Equal(sum[:], b[len(b)-sha256.Size:]) {
		return version, errors.New("checksum mismatch")
	}
	if !bytes.Equal(b[16:len(b)-sha256.Size], versionPayload(version)) {
		return version, fmt.Errorf("payload differs from version %d's", version)
	}
	return version, nil
}

// runCrashChild saves versions until it is killed.
func runCrashChild(path string) {
	first, err := strconv.ParseUint(os.Getenv(crashVersionEnv), 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad", crashVersionEnv, err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for v := first; ; v++ {
		err := WriteFile(path, 0o644, func(w io.Writer) error { return writeVersion(w, v) })
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(out, "saved %d\n", v)
		out.Flush()
	}
}

func TestWriteFileCrash(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		runCrashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("crash test starts 40 processes; skipped in -short mode")
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "model.bin")
	rng := rand.New(rand.NewPCG(1, 2))
	const versionsPerRun = 1_000_000
	prev := int64(-1) // version in the file before this run, -1 for none
	deadline := time.Now().Add(8 * time.Second)

	for kill := range crashKills {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d kills fit in the time budget", kill, crashKills)
		}
		first := uint64(kill) * versionsPerRun
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileCrash$")
		cmd.Env = append(os.Environ(),
			crashChildEnv+"="+path,
			crashVersionEnv+"="+strconv.FormatUint(first, 10))
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
		readDone := make(chan struct{})
		go func() {
			defer close(readDone)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
					n, _ := strconv.ParseInt(v, 10, 64)
					lastSaved.Store(n)
				}
			}
		}()

		time.Sleep(time.Duration(10+rng.IntN(140)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("kill %d: %v", kill, err)
		}
		<-readDone
		werr := cmd.Wait()
		if cmd.ProcessState.Success() || stderr.Len() > 0 {
			t.Fatalf("kill %d: child ended by itself (%v): %s", kill, werr, stderr.String())
		}

		saved := lastSaved.Load()
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			if prev >= 0 || saved >= 0 {
				t.Fatalf("kill %d: file is absent after version %d was saved", kill, max(prev, saved))
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		v, err := checkVersion(b)
		if err != nil {
			t.Fatalf("kill %d: file is not a complete version: %v", kill, err)
		}
		// A version saved but not yet reported is allowed, one past the last.
		switch {
		case saved >= 0 && (int64(v) < saved || int64(v) > saved+1):
			t.Fatalf("kill %d: file holds version %d, want %d or %d", kill, v, saved, saved+1)
		case saved < 0 && int64(v) != prev && v != first:
			t.Fatalf("kill %d: file holds version %d, want the previous %d or this run's first %d", kill, v, prev, first)
		}
		prev = int64(v)
	}

	// Kills before a rename leave temporary files; CleanStale removes them
	// and leaves the saved version alone.
	removed, err := CleanStale(path)
	if err != nil {
		t.Fatalf("CleanStale: %v", err)
	}
	if len(removed) == 0 {
		t.Errorf("no kill landed inside a write: %d kills left no temporary file", crashKills)
	}
	if left := tempFiles(t, dir, "model.bin"); len(left) != 0 {
		t.Errorf("temporary files left after CleanStale: %v", left)
	}
	if prev >= 0 {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := checkVersion(b); err != nil || int64(v) != prev {
			t.Errorf("after CleanStale the file holds version %d (%v), want %d", v, err, prev)
		}
	}
}
