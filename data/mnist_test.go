package data_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
)

func TestLoadMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 55 MB of MNIST; skipped with -short")
	}
	dir, err := data.MNISTDir()
	if err != nil {
		t.Skipf("MNIST module unavailable: %v", err)
	}
	train, test, err := data.LoadMNIST[float32](dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("m = %d and %d, want 60000 and 10000", train.Len(), test.Len())
	}
	if train.Features() != 784 || test.Features() != 784 {
		t.Errorf("n_x = %d and %d, want 784", train.Features(), test.Features())
	}

	// Reference values read from the same files with Python's gzip and
	// numpy: the first labels, the counts of each digit among the first
	// 100 test labels and in the whole training set, and pixels 150 … 159
	// of the first training image.
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels %d and %d, want 5 and 7", train.Labels[0], test.Labels[0])
	}
	wantFirst100 := [10]int{8, 14, 8, 11, 14, 7, 10, 15, 2, 11}
	var got [10]int
	for _, l := range test.Labels[:100] {
		got[l]++
	}
	if got != wantFirst100 {
		t.Errorf("digit counts of the first 100 test labels %v, want %v", got, wantFirst100)
	}
	wantTrain := [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	got = [10]int{}
	for _, l := range train.Labels {
		got[l]++
	}
	if got != wantTrain {
		t.Errorf("digit counts of the training labels %v, want %v", got, wantTrain)
	}
	pixels := []byte{0, 0, 3, 18, 18, 18, 126, 136, 175, 26}
	for i, b := range pixels {
		if got, want := train.X.At(150+i, 0), float32(float64(b)/255); got != want {
			t.Errorf("X[%d][0] = %v, want %v", 150+i, got, want)
		}
	}
	if train.Y.At(5, 0) != 1 || train.Y.At(0, 0) != 0 {
		t.Errorf("Y column 0 is not one-hot for 5")
	}
}

func TestLoadMNISTMissingFile(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{data.MNISTTrainImages, data.MNISTTrainLabels, data.MNISTTestImages + ".gz"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	_, _, err := data.LoadMNIST[float64](dir)
	if err == nil {
		t.Fatal("no error for a folder without t10k-labels-idx1-ubyte")
	}
	for _, want := range []string{"t10k-labels-idx1-ubyte.gz", dir, "--data-dir", "gzip or raw"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// TestLoadMNISTMissingFolder checks that a folder that does not exist is
// named as such, with the fix.
func TestLoadMNISTMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "absent")
	_, _, err := data.LoadMNIST[float32](dir)
	if err == nil {
		t.Fatal("no error for a folder that does not exist")
	}
	for _, want := range []string{"folder " + dir + " not found", "--data-dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// TestLoadMNISTFileNotFolder checks that a file given as the folder is
// named as a file, with the fix.
func TestLoadMNISTFileNotFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "train.csv")
	if err := os.WriteFile(path, []byte("x,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := data.LoadMNIST[float32](path)
	if err == nil {
		t.Fatal("no error for a file given as the folder")
	}
	for _, want := range []string{path + " is a file, not a folder", "--data-dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestLoadMNISTGzipAndRaw(t *testing.T) {
	// A folder mixing raw and gzip files, as a user may unpack only some.
	dir := t.TempDir()
	images := idxFile(data.IDXImagesMagic, []uint32{2, 28, 28}, make([]byte, 2*784))
	labels := idxFile(data.IDXLabelsMagic, []uint32{2}, []byte{4, 2})
	os.WriteFile(filepath.Join(dir, data.MNISTTrainImages+".gz"), gzipBytes(images), 0o644)
	os.WriteFile(filepath.Join(dir, data.MNISTTrainLabels), labels, 0o644)
	os.WriteFile(filepath.Join(dir, data.MNISTTestImages), images, 0o644)
	os.WriteFile(filepath.Join(dir, data.MNISTTestLabels+".gz"), gzipBytes(labels), 0o644)
	train, test, err := data.LoadMNIST[float64](dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 2 || test.Len() != 2 || train.Labels[0] != 4 || test.Labels[1] != 2 {
		t.Errorf("train m %d labels %v, test m %d labels %v", train.Len(), train.Labels, test.Len(), test.Labels)
	}
}

func TestMNISTDirWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := data.MNISTDir()
	if err == nil {
		t.Fatal("no error without a go command on PATH")
	}
	for _, want := range []string{"install Go", "--data-dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
