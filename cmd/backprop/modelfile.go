package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
)

// loadModel reads the model file at path in float64, choosing the format
// by the file's extension: .safetensors or .json.
func loadModel(path string) (*modelio.Model[float64], error) {
	return readModel[float64]("--model", path)
}

// readModel reads the model file that flag names. Its errors name the
// flag and the file, and for a missing file the fix: the path, or a train
// run that writes it.
func readModel[T matrix.Float](flag, path string) (*modelio.Model[T], error) {
	m, err := modelio.Read[T](path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s %s: file not found; check the path, or write the model with backprop train --out %s", flag, path, path)
	case err != nil:
		return nil, fmt.Errorf("%s: %s", flag, trimPackage(err))
	}
	return m, nil
}
