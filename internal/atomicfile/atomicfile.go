// Package atomicfile replaces files so that a crash at any moment leaves
// either the old file or the new one at the path, never part of one.
//
// WriteFile writes to a temporary file in the target's folder, named
//
//	<target name>.tmp-<16 lowercase hex digits>
//
// syncs it, renames it over the target and syncs the folder. A process
// killed before the rename leaves that temporary file behind, and
// CleanStale removes it.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// tempInfix separates the target's name from the random suffix in the name
// of a temporary file.
const tempInfix = ".tmp-"

// suffixLen is the number of hex digits in a temporary file's suffix.
const suffixLen = 16

// maxCreateTries bounds the attempts to find an unused temporary name.
// Each attempt draws 64 random bits, so a second attempt is already rare.
const maxCreateTries = 100

// WriteFile writes the file at path with the bytes that write sends to its
// writer, atomically: readers of path see the old file until the new one is
// complete and synced, then the new one.
//
// It creates a temporary file beside path with permissions perm (before the
// umask, as os.WriteFile does) and calls write with a buffered writer on it.
// Then it flushes and fsyncs the file and renames it over path. Last, it
// fsyncs the folder so that the rename survives a power loss. If write or any step before the
// rename fails, or write panics, the temporary file is removed and path is
// left as it was. An error from the final fsync of the folder means the new
// file is in place but its name may not be durable yet.
//
// The new file replaces path whatever path was: its permissions and owner
// are not copied, and if path is a symbolic link the link itself is replaced.
func WriteFile(path string, perm os.FileMode, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if base == "" || base == "." || base == ".." {
		return fmt.Errorf("atomicfile: path %q does not name a file; give a file name such as model.safetensors", path)
	}
	if dir == "" {
		dir = "."
	}

	f, tmp, err := createTemp(dir, base, perm)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			f.Close()
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("atomicfile: writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: syncing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("atomicfile: closing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: replacing %s: %w", path, err)
	}
	committed = true

	if err := syncDir(dir); err != nil {
		return fmt.Errorf("atomicfile: %s is written but syncing its folder failed, so a power loss may undo it: %w", path, err)
	}
	return nil
}

// createTemp creates a new temporary file for base in dir and returns it
// with its path.
func createTemp(dir, base string, perm os.FileMode) (*os.File, string, error) {
	for range maxCreateTries {
		name := filepath.Join(dir, fmt.Sprintf("%s%s%0*x", base, tempInfix, suffixLen, rand.Uint64()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("atomicfile: cannot write %s: folder %s does not exist; create it first: %w", filepath.Join(dir, base), dir, err)
		}
		if err != nil {
			return nil, "", fmt.Errorf("atomicfile: cannot create a temporary file in %s: %w", dir, err)
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("atomicfile: no unused temporary name for %s after %d tries; remove stale %s%s* files from %s", base, maxCreateTries, base, tempInfix, dir)
}

// syncDir fsyncs the folder dir, which makes a rename inside it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// CleanStale removes the temporary files that WriteFile left beside path
// when a process writing path was killed before its rename. It removes only
// regular files named as WriteFile names them for this path, never other
// files in the folder, and returns the paths it removed in sorted order.
// A missing folder has nothing to clean and gives no error.
//
// Call it when no other WriteFile to the same path is running, for example
// before a program first saves: a running WriteFile whose temporary file is
// removed fails, and the file at path stays as it was.
func CleanStale(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if base == "" || base == "." || base == ".." {
		return nil, fmt.Errorf("atomicfile: path %q does not name a file; give a file name such as model.safetensors", path)
	}
	if dir == "" {
		dir = "."
	}

	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("atomicfile: listing %s for stale temporary files: %w", dir, err)
	}

	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name(), base) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("atomicfile: removing stale temporary file %s: %w", name, err)
		}
		removed = append(removed, name)
	}
	sort.Strings(removed)
	return removed, nil
}

// isTempName reports whether name is a temporary name that WriteFile
// creates for a target named base.
func isTempName(name, base string) bool {
	suffix, ok := strings.CutPrefix(name, base+tempInfix)
	if !ok || len(suffix) != suffixLen {
		return false
	}
	for _, c := range suffix {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
