package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
)

// readModel reads the model file that flag names, choosing the format by
// the extension: .safetensors or .json. Its errors name the flag and the
// file, and for a missing file the fix.
func readModel[T matrix.Float](flag, path string) (*modelio.Model[T], error) {
	if strings.EqualFold(filepath.Ext(path), ".ckpt") {
		return nil, usagef("%s %s: a training checkpoint, not a model; write its model with backprop train --resume %s --out model.safetensors and the flags of the run that saved it", flag, path, path)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, usagef("%s %s: a folder, not a model file; give the .safetensors or .json file in it", flag, path)
	}
	m, err := modelio.Read[T](path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s %s: file not found; check the path, or write the model with backprop train --out %s", flag, path, path)
	case err != nil:
		return nil, fmt.Errorf("%s: %s", flag, trimPackage(err))
	}
	return m, nil
}
