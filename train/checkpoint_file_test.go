package train_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// checkpointBytes returns the encoded last checkpoint of a short run:
// with Adam, a validation set and early stopping when full is set, and
// with plain gradient descent and no validation set otherwise.
func checkpointBytes(t testing.TB, full bool, metadata map[string]string) []byte {
	ds := blobs(30, 3, rand.New(1))
	net, err := nn.New[float64]([]int{2, 4, 3}, []nn.Activation{nn.Tanh, nn.Softmax}, nn.CCE)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Init(nn.Xavier, 0, rand.New(2)); err != nil {
		t.Fatal(err)
	}
	cfg := train.Config{Epochs: 3, BatchSize: 8, Shuffle: true, LearningRate: 0.05, Source: rand.New(3), CheckpointEvery: 3}
	valid := blobs(10, 3, rand.New(4))
	if full {
		cfg.Optimizer = optim.Config{Method: optim.Adam}
		cfg.Patience = 5
		net.KeepProb[1] = 0.9
	} else {
		valid = nil
	}
	var b bytes.Buffer
	cfg.Checkpoint = func(c *train.Checkpoint) error {
		c.Metadata = metadata
		return train.EncodeCheckpoint(&b, c)
	}
	if _, err := train.Run(net, ds, valid, cfg); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCheckpointRoundTrip decodes and re-encodes checkpoints: the bytes
// must not change, and the progress, the metadata and the NaN of a
// missing validation set must survive.
func TestCheckpointRoundTrip(t *testing.T) {
	meta := map[string]string{"flags": `{"seed":"1"}`, "tool": "test"}
	for _, full := range []bool{false, true} {
		b := checkpointBytes(t, full, meta)
		path := filepath.Join(t.TempDir(), "run.ckpt")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := train.ReadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		if c.Epoch != 3 || c.Iteration != 12 || len(c.History) != 3 || c.Metadata["tool"] != "test" || c.Metadata["flags"] != meta["flags"] {
			t.Errorf("full %v: decoded epoch %d, iteration %d, %d history entries, metadata %v", full, c.Epoch, c.Iteration, len(c.History), c.Metadata)
		}
		if !full && (!math.IsNaN(c.History[0].ValidCost) || !math.IsNaN(c.BestValidCost) || c.BestEpoch != 0) {
			t.Errorf("without a validation set: valid cost %v, best %d (%v); want NaN, 0 (NaN)", c.History[0].ValidCost, c.BestEpoch, c.BestValidCost)
		}
		if full && (c.BestEpoch < 1 || math.IsNaN(c.BestValidCost)) {
			t.Errorf("with early stopping: best epoch %d (%v)", c.BestEpoch, c.BestValidCost)
		}
		var again bytes.Buffer
		if err := train.EncodeCheckpoint(&again, c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), b) {
			t.Errorf("full %v: re-encoding changed the %d bytes to %d", full, len(b), again.Len())
		}
	}
}

// editCheckpoint decodes the safetensors file b, lets edit change its
// tensors and the checkpoint JSON, and encodes the result.
func editCheckpoint(t *testing.T, b []byte, edit func(ts *[]modelio.Tensor, meta map[string]any)) []byte {
	t.Helper()
	ts, md, err := modelio.DecodeSafetensors("edit", b)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal([]byte(md[train.CheckpointKey]), &meta); err != nil {
		t.Fatal(err)
	}
	edit(&ts, meta)
	raw, err := json.Marshal(meta)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := modelio.EncodeSafetensors(&out, ts, map[string]string{train.CheckpointKey: string(raw)}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestDecodeCheckpointErrors(t *testing.T) {
	good := checkpointBytes(t, true, nil)
	if _, err := train.DecodeCheckpoint("good", good); err != nil {
		t.Fatalf("unedited checkpoint: %v", err)
	}
	net, _ := nn.New[float64]([]int{2, 3}, []nn.Activation{nn.Softmax}, nn.CCE)
	var model bytes.Buffer
	if err := modelio.EncodeModel(&model, &modelio.Model[float64]{Net: net}); err != nil {
		t.Fatal(err)
	}
	var otherMeta bytes.Buffer
	modelio.EncodeSafetensors(&otherMeta, nil, map[string]string{"format": "pt"})

	setMeta := func(key string, v any) []byte {
		return editCheckpoint(t, good, func(_ *[]modelio.Tensor, meta map[string]any) { meta[key] = v })
	}
	setTensor := func(name string, f func(*modelio.Tensor)) []byte {
		return editCheckpoint(t, good, func(ts *[]modelio.Tensor, _ map[string]any) {
			for i := range *ts {
				if (*ts)[i].Name == name {
					f(&(*ts)[i])
				}
			}
		})
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"model file", model.Bytes(), "this is a model file, not a checkpoint"},
		{"other safetensors", otherMeta.Bytes(), `no "backprop.checkpoint" entry`},
		{"truncated", good[:len(good)-5], "byte"},
		{"version", setMeta("version", 2), "checkpoint version 2"},
		{"unknown field", setMeta("colour", "blue"), `unknown field "colour"`},
		{"epoch", setMeta("epoch", 2), "after 12 updates in 2 epochs"},
		{"history", editCheckpoint(t, good, func(_ *[]modelio.Tensor, meta map[string]any) {
			meta["history"] = meta["history"].([]any)[:2]
		}), "after epoch 3 has 2 history entries"},
		{"iteration", setMeta("iteration", 11), "after 11 updates in 3 epochs of 4 batches"},
		{"optimizer step", setMeta("optimizer_step", 13), "optimizer step 13"},
		{"best epoch", setMeta("best_epoch", 4), "best epoch 4 is outside 1 … 3"},
		{"best cost", setMeta("best_valid_cost", 0.5), "best validation cost 0.5 differs"},
		{"bad number", setMeta("best_valid_cost", "Infinity"), "invalid number"},
		{"hash", setMeta("training_set", map[string]any{"examples": 30, "features": 2, "outputs": 3, "sha256": "abc"}), "is not 64 lowercase hex digits"},
		{"features", setMeta("training_set", map[string]any{"examples": 30, "features": 5, "outputs": 3, "sha256": strings.Repeat("0", 64)}), "has 5 features"},
		{"NaN weight", setTensor("layers.2.weight", func(t *modelio.Tensor) { t.F64[4] = math.NaN() }), "tensor layers.2.weight has the non-finite value NaN at element 4"},
		{"shape", setTensor("layers.1.bias", func(t *modelio.Tensor) { t.Shape = []int{2, 2} }), "tensor layers.1.bias has shape [2 2], want [4]"},
		{"precision", setTensor("best.layers.1.bias", func(t *modelio.Tensor) {
			t.DType, t.F32, t.F64 = modelio.F32, []float32{1, 2, 3, 4}, nil
		}), "tensor best.layers.1.bias is F32, but the run was F64"},
		{"missing", editCheckpoint(t, good, func(ts *[]modelio.Tensor, _ map[string]any) { *ts = (*ts)[1:] }), "is missing"},
		{"extra", editCheckpoint(t, good, func(ts *[]modelio.Tensor, _ map[string]any) {
			*ts = append(*ts, modelio.NewTensor("optimizer.m.extra", []int{1}, []float64{0}))
		}), `unexpected tensor "optimizer.m.extra"`},
		{"unknown buffer", editCheckpoint(t, good, func(ts *[]modelio.Tensor, _ map[string]any) {
			for _, x := range *ts {
				if name, ok := strings.CutPrefix(x.Name, "optimizer.m."); ok {
					*ts = append(*ts, modelio.NewTensor("optimizer.q."+name, x.Shape, x.F64))
				}
			}
		}), `buffer "q"`},
	} {
		_, err := train.DecodeCheckpoint(tc.name, tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.name+":") {
			t.Errorf("%s: error %q does not start with the file's name", tc.name, err)
		}
	}
}

// TestWriteCheckpointRejectsEmpty checks that a Checkpoint that Run did
// not make is not written.
func TestWriteCheckpointRejectsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.ckpt")
	if err := train.WriteCheckpoint(path, &train.Checkpoint{Epoch: 1}); err == nil {
		t.Fatal("WriteCheckpoint of an empty checkpoint: no error")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s exists after the failed write", path)
	}
}

// FuzzDecodeCheckpoint checks that DecodeCheckpoint never panics and that
// a checkpoint it accepts encodes to bytes that decode and encode to the
// same bytes again.
func FuzzDecodeCheckpoint(f *testing.F) {
	f.Add(checkpointBytes(f, false, nil))
	f.Add(checkpointBytes(f, true, map[string]string{"k": "v"}))
	net, _ := nn.New[float32]([]int{2, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE)
	var model bytes.Buffer
	modelio.EncodeModel(&model, &modelio.Model[float32]{Net: net})
	f.Add(model.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := train.DecodeCheckpoint("fuzz", b)
		if err != nil {
			return
		}
		var first bytes.Buffer
		if err := train.EncodeCheckpoint(&first, c); err != nil {
			t.Fatalf("encoding an accepted checkpoint: %v", err)
		}
		c2, err := train.DecodeCheckpoint("re-encoded", first.Bytes())
		if err != nil {
			t.Fatalf("decoding a re-encoded checkpoint: %v", err)
		}
		var second bytes.Buffer
		if err := train.EncodeCheckpoint(&second, c2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("a second round trip changed the checkpoint")
		}
	})
}
