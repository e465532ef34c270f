package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/backprop-go/backprop/modelio"
)

// loadModel reads the model file at path in float64, choosing the format
// by the file's extension: .json for the small hand-written form.
func loadModel(path string) (*modelio.Model[float64], error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json":
		return modelio.ReadJSON[float64](path)
	case ".safetensors":
		// TODO: read the architecture from the safetensors metadata once
		// modelio provides a reader for whole models.
		return nil, fmt.Errorf("%s: .safetensors models are not supported yet by this command; give the model in the JSON form (.json)", path)
	default:
		return nil, fmt.Errorf("%s: unknown model file extension %q; use .json or .safetensors", path, ext)
	}
}
