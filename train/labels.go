package train

import (
	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
)

// batchLabels is the state a mini-batch step keeps of the training set's
// labels, made at the first batch. A batch reads 64 labels at random
// places. As bytes, MNIST's 60,000 labels take 60 KB and stay in cache,
// where the []int labels, eight times larger, are evicted by the pixels
// each batch streams.
type batchLabels[T matrix.Float] struct {
	ready bool
	// bytes holds the labels as bytes when there are at most 256 classes.
	bytes []uint8
	// targets records that Y is data.LabelTargets of the labels, so that
	// a batch's targets are written from its labels instead of gathered
	// from the rows of Y.
	targets bool
	// batch holds the labels of the current batch.
	batch []int
}

// prepare makes the byte labels of ds and checks whether its Y is the
// targets of its labels. It does nothing for a set without labels.
func (b *batchLabels[T]) prepare(ds *data.Dataset[T]) {
	b.ready = true
	if ds.Labels == nil || ds.Classes < 2 || ds.Classes > 256 {
		return
	}
	b.bytes = make([]uint8, len(ds.Labels))
	for j, c := range ds.Labels {
		if c < 0 || c >= ds.Classes {
			b.bytes = nil
			return
		}
		b.bytes[j] = uint8(c)
	}
	b.targets = isLabelTargets(ds.Y, ds.Labels, ds.Classes)
}

// isLabelTargets reports whether Y equals data.LabelTargets(labels, k):
// the row of the labels for k = 2, their one-hot columns for k > 2.
func isLabelTargets[T matrix.Float](Y *matrix.Dense[T], labels []int, k int) bool {
	rows := k
	if k == 2 {
		rows = 1
	}
	if r, c := Y.Dims(); r != rows || c != len(labels) {
		return false
	}
	y := Y.RawData()
	m := len(labels)
	for i := 0; i < rows; i++ {
		for j, v := range y[i*m : (i+1)*m] {
			want := T(0)
			if (k == 2 && labels[j] == 1) || (k > 2 && labels[j] == i) {
				want = 1
			}
			if v != want {
				return false
			}
		}
	}
	return true
}

// gather sets Y to the targets of the examples idx of ds, and the batch's
// labels, when ds has them, to theirs.
func (b *batchLabels[T]) gather(Y *matrix.Dense[T], ds *data.Dataset[T], idx []int) {
	if !b.ready {
		b.prepare(ds)
	}
	b.batch = b.batch[:0]
	for _, j := range idx {
		switch {
		case b.bytes != nil:
			b.batch = append(b.batch, int(b.bytes[j]))
		case ds.Labels != nil:
			b.batch = append(b.batch, ds.Labels[j])
		}
	}
	if !b.targets {
		Y.GatherCols(ds.Y, idx)
		return
	}

	// Y holds data.LabelTargets of the labels: write the batch's.
	n := len(idx)
	if ds.Classes == 2 {
		Y.Resize(1, n)
		y := Y.RawData()
		for k, c := range b.batch {
			y[k] = T(c)
		}
		return
	}
	Y.Resize(ds.Classes, n)
	Y.Zero()
	y := Y.RawData()
	for k, c := range b.batch {
		y[c*n+k] = 1
	}
}
