package main

import "github.com/backprop-go/backprop/modelio"

// loadModel reads the model file at path in float64, choosing the format
// by the file's extension: .safetensors or .json.
func loadModel(path string) (*modelio.Model[float64], error) {
	return modelio.Read[float64](path)
}
