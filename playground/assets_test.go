package playground

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestAssetsUpToDate rebuilds the engine with build.sh into a temporary
// folder and compares it, and wasm_exec.js, with the committed files, so
// a change to any Go package the engine uses fails until build.sh is run
// again. The build takes about 2 s with a warm build cache and 16 s with
// a cold one (GOOS=js GOARCH=wasm compiles the standard library anew), so
// -short skips it.
func TestAssetsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilding the engine takes up to 20 s; run without -short")
	}
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("the build runs the go command, which a WebAssembly test cannot")
	}
	committed, err := os.ReadFile(filepath.Join("assets", "engine.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	// The engine holds the version of the Go release that built it; another
	// release builds other bytes from the same sources.
	if !bytes.Contains(committed, []byte(runtime.Version())) {
		t.Skipf("assets/engine.wasm was built by another Go release than %s; run playground/build.sh to compare", runtime.Version())
	}
	dir := t.TempDir()
	cmd := exec.Command("sh", "build.sh", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"engine.wasm", "wasm_exec.js"} {
		fresh, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		old, err := os.ReadFile(filepath.Join("assets", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, old) {
			t.Errorf("assets/%s is stale: it differs from a fresh build of the sources; run playground/build.sh (or go generate ./playground) and commit the result", name)
		}
	}
}
