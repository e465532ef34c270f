package modelio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// MetadataKey is the safetensors metadata key whose value holds the
// architecture as JSON (see architecture).
const MetadataKey = "backprop.architecture"

// FormatVersion is the version of the architecture JSON that this package
// writes. Readers reject a newer version.
const FormatVersion = 1

// architecture is the JSON stored under MetadataKey. The parameters are
// tensors named layers.<l>.weight, (n[l], n[l−1]), and layers.<l>.bias,
// (n[l]), for l = 1 … L, in the layout of PyTorch's nn.Linear.
type architecture struct {
	Version     int       `json:"version"`
	LayerSizes  []int     `json:"layer_sizes"`
	Activations []string  `json:"activations"`
	Loss        string    `json:"loss"`
	LeakySlope  float64   `json:"leaky_slope"`
	Mean        []float64 `json:"mean,omitempty"`
	Std         []float64 `json:"std,omitempty"`
	ClassNames  []string  `json:"class_names,omitempty"`
}

func weightName(l int) string { return "layers." + strconv.Itoa(l) + ".weight" }
func biasName(l int) string   { return "layers." + strconv.Itoa(l) + ".bias" }

// EncodeModel writes m to w as safetensors, in the precision of T (F32 for
// float32, F64 for float64).
func EncodeModel[T matrix.Float](w io.Writer, m *Model[T]) error {
	if err := m.Validate(); err != nil {
		return err
	}
	net := m.Net
	arch := newArchitecture(m)
	var tensors []Tensor
	for l := 1; l <= net.Layers(); l++ {
		tensors = append(tensors,
			NewTensor(weightName(l), []int{net.Sizes[l], net.Sizes[l-1]}, net.W[l].RawData()),
			NewTensor(biasName(l), []int{net.Sizes[l]}, net.B[l].RawData()))
	}
	meta, err := json.Marshal(arch)
	if err != nil {
		return err
	}
	return EncodeSafetensors(w, tensors, map[string]string{MetadataKey: string(meta)})
}

// newArchitecture returns the architecture JSON of m.
func newArchitecture[T matrix.Float](m *Model[T]) architecture {
	net := m.Net
	arch := architecture{
		Version:    FormatVersion,
		LayerSizes: net.Sizes,
		Loss:       net.Loss.String(),
		LeakySlope: float64(net.LeakySlope),
		Mean:       m.Mean,
		Std:        m.Std,
		ClassNames: m.ClassNames,
	}
	for l := 1; l <= net.Layers(); l++ {
		arch.Activations = append(arch.Activations, net.Act[l].String())
	}
	return arch
}

// DecodeModel reads a model from the bytes of a safetensors file. name is
// used in error messages. Beyond the checks of DecodeSafetensors it
// requires the architecture metadata, one weight and one bias tensor per
// layer with the shapes it implies, and no other tensors. Values stored
// in another precision than T are converted.
func DecodeModel[T matrix.Float](name string, b []byte) (*Model[T], error) {
	tensors, meta, err := DecodeSafetensors(name, b)
	if err != nil {
		return nil, err
	}
	raw, ok := meta[MetadataKey]
	if !ok {
		return nil, fmt.Errorf("%s: no %q entry in the safetensors metadata; the file was not written by backprop, so its architecture is unknown", name, MetadataKey)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	var arch architecture
	if err := dec.Decode(&arch); err != nil {
		return nil, fmt.Errorf("%s: metadata %s: %w", name, MetadataKey, err)
	}
	if arch.Version > FormatVersion {
		return nil, fmt.Errorf("%s: architecture version %d is newer than this backprop reads (%d); upgrade backprop", name, arch.Version, FormatVersion)
	}
	m, err := fromArchitecture[T](&arch, tensors)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

func fromArchitecture[T matrix.Float](arch *architecture, tensors []Tensor) (*Model[T], error) {
	if len(arch.LayerSizes) < 2 {
		return nil, fmt.Errorf("layer_sizes must list at least 2 sizes, got %v", arch.LayerSizes)
	}
	acts := make([]nn.Activation, len(arch.Activations))
	for i, s := range arch.Activations {
		g, err := nn.ParseActivation(s)
		if err != nil {
			return nil, fmt.Errorf("activations[%d]: %w", i, err)
		}
		acts[i] = g
	}
	loss, err := nn.ParseLoss(arch.Loss)
	if err != nil {
		return nil, err
	}
	// The tensors' count and shapes are checked against layer_sizes before
	// nn.New allocates anything from those sizes, so a file cannot make
	// the reader allocate more than its own length.
	L := len(arch.LayerSizes) - 1
	if len(tensors) != 2*L {
		return nil, fmt.Errorf("the file holds %d tensors, want %d (layers.<l>.weight and layers.<l>.bias for l = 1 … %d)", len(tensors), 2*L, L)
	}
	byName := make(map[string]Tensor, len(tensors))
	for _, t := range tensors {
		byName[t.Name] = t
	}
	for l := 1; l <= L; l++ {
		for _, p := range []struct {
			name  string
			shape []int
		}{
			{weightName(l), []int{arch.LayerSizes[l], arch.LayerSizes[l-1]}},
			{biasName(l), []int{arch.LayerSizes[l]}},
		} {
			t, ok := byName[p.name]
			if !ok {
				return nil, fmt.Errorf("tensor %s is missing", p.name)
			}
			if !sameInts(t.Shape, p.shape) {
				return nil, fmt.Errorf("tensor %s has shape %v, want %v from layer_sizes %v", p.name, t.Shape, p.shape, arch.LayerSizes)
			}
		}
	}
	net, err := nn.New[T](arch.LayerSizes, acts, loss)
	if err != nil {
		return nil, err
	}
	net.LeakySlope = T(arch.LeakySlope)
	for l := 1; l <= L; l++ {
		copy(net.W[l].RawData(), Values[T](byName[weightName(l)]))
		copy(net.B[l].RawData(), Values[T](byName[biasName(l)]))
	}
	m := &Model[T]{Net: net, Mean: arch.Mean, Std: arch.Std, ClassNames: arch.ClassNames}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ReadSafetensors reads a model from the safetensors file at path.
func ReadSafetensors[T matrix.Float](path string) (*Model[T], error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("modelio: %w", err)
	}
	return DecodeModel[T](path, b)
}

// WriteSafetensors writes m to path as safetensors, atomically. It refuses
// a model with a non-finite weight and leaves path untouched then.
func WriteSafetensors[T matrix.Float](path string, m *Model[T]) error {
	if err := checkWritable(m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteFile(path, 0o644, func(w io.Writer) error { return EncodeModel(w, m) })
}
