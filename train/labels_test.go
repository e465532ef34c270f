package train

import (
	"slices"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
)

// TestBatchLabelsMatchGather checks that a batch's targets and labels
// equal the columns of Y and the labels at idx, for one-hot targets, the
// single row of two classes, targets that are not the labels' and more
// classes than a byte holds.
func TestBatchLabelsMatchGather(t *testing.T) {
	idx := []int{5, 0, 5, 12, 3, 11}
	for _, k := range []int{2, 3, 10, 300} {
		for _, soft := range []bool{false, true} {
			m := 13
			labels := make([]int, m)
			for j := range labels {
				labels[j] = (j * 7) % k
			}
			X := matrix.New[float32](2, m, nil)
			ds, err := data.FromLabels(X, labels, k)
			if err != nil {
				t.Fatal(err)
			}
			if soft {
				// Smoothed targets: no longer the labels' targets.
				ds.Y.Scale(0.9, ds.Y)
			}
			var b batchLabels[float32]
			var Y, want matrix.Dense[float32]
			for range 2 {
				Y.Resize(1, 1)
				Y.RawData()[0] = 42
				b.gather(&Y, ds, idx)
				want.GatherCols(ds.Y, idx)
				if Y.Rows() != want.Rows() || !slices.Equal(Y.RawData(), want.RawData()) {
					t.Fatalf("k=%d soft=%v: targets %v, want the columns of Y %v", k, soft, Y.RawData(), want.RawData())
				}
				var wantLabels []int
				for _, j := range idx {
					wantLabels = append(wantLabels, labels[j])
				}
				if !slices.Equal(b.batch, wantLabels) {
					t.Fatalf("k=%d soft=%v: labels %v, want %v", k, soft, b.batch, wantLabels)
				}
			}
			if wantTargets := !soft && k <= 256; b.targets != wantTargets {
				t.Errorf("k=%d soft=%v: targets written from labels = %v, want %v", k, soft, b.targets, wantTargets)
			}
		}
	}
}
