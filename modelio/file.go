package modelio

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/backprop-go/backprop/matrix"
)

// Read reads a model file, choosing the format by the extension of path:
// .safetensors or .json.
func Read[T matrix.Float](path string) (*Model[T], error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".safetensors":
		return ReadSafetensors[T](path)
	case ".json":
		return ReadJSON[T](path)
	case ".onnx":
		return nil, fmt.Errorf("modelio: %s: ONNX is an export format that backprop writes but does not read; give the .safetensors or .json model it was exported from", path)
	}
	return nil, fmt.Errorf("modelio: %s: unknown model file extension %q; use .safetensors or .json", path, filepath.Ext(path))
}

// Write writes a model file atomically, choosing the format by the
// extension of path: .safetensors or .json.
func Write[T matrix.Float](path string, m *Model[T]) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".safetensors":
		return WriteSafetensors(path, m)
	case ".json":
		return WriteJSON(path, m)
	case ".onnx":
		return fmt.Errorf("modelio: %s: Write writes .safetensors and .json files; export ONNX with WriteONNX", path)
	}
	return fmt.Errorf("modelio: %s: unknown model file extension %q; use .safetensors or .json", path, filepath.Ext(path))
}

// CheckPath returns an error if path has no model extension, so a command
// can reject a bad --out before it trains.
func CheckPath(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".safetensors", ".json":
		return nil
	}
	return fmt.Errorf("%s: unknown model file extension %q; use .safetensors or .json", path, filepath.Ext(path))
}
