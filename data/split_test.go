package data_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/rand"
)

// numbered returns a set of m examples whose features are 10·j and
// 10·j + 1, and whose label is j mod 3, so every column names its example.
func numbered(t *testing.T, m int) *data.Dataset[float64] {
	t.Helper()
	X := matrix.New[float64](2, m, nil)
	labels := make([]int, m)
	for j := 0; j < m; j++ {
		X.Set(0, j, float64(10*j))
		X.Set(1, j, float64(10*j+1))
		labels[j] = j % 3
	}
	d, err := data.FromLabels(X, labels, 3)
	if err != nil {
		t.Fatal(err)
	}
	d.FeatureNames = []string{"a", "b"}
	return d
}

// examples returns the original index of each example of a numbered set.
func examples(t *testing.T, d *data.Dataset[float64]) []int {
	t.Helper()
	idx := make([]int, d.Len())
	for k := range idx {
		j := int(d.X.At(0, k)) / 10
		if d.X.At(1, k) != float64(10*j+1) || d.Labels[k] != j%3 || d.Y.At(j%3, k) != 1 {
			t.Fatalf("column %d mixes examples: X (%v, %v), label %d", k, d.X.At(0, k), d.X.At(1, k), d.Labels[k])
		}
		idx[k] = j
	}
	return idx
}

func TestSubset(t *testing.T) {
	d := numbered(t, 5)
	s, err := d.Subset([]int{4, 0, 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := examples(t, s); !slices.Equal(got, []int{4, 0, 4}) {
		t.Errorf("examples %v, want [4 0 4]", got)
	}
	if s.Classes != 3 || s.FeatureNames[1] != "b" || s.Y.Rows() != 3 {
		t.Errorf("subset lost its metadata: %+v", s)
	}
	s.X.Set(0, 0, -1)
	if d.X.At(0, 4) != 40 {
		t.Error("Subset shares X with the original")
	}
	_, err = d.Subset([]int{1, 5})
	mustMatchAll(t, err, []string{`subset index 5 \(position 1\) is outside \[0, 5\) for 5 examples`})
	_, err = d.Subset([]int{-1})
	mustMatchAll(t, err, []string{`index -1`})
}

func TestShuffle(t *testing.T) {
	d := numbered(t, 50)
	a := d.Shuffle(rand.New(7))
	b := d.Shuffle(rand.New(7))
	if !matrix.Equal(a.X, b.X) {
		t.Error("the same seed gives different orders")
	}
	got := examples(t, a)
	if want := rand.New(7).Perm(50); !slices.Equal(got, want) {
		t.Errorf("order %v, want src.Perm(50) = %v", got, want)
	}
	// NumPy's source gives np.random.permutation's order:
	// np.random.seed(0); np.random.permutation(5) is [2 0 1 3 4] (NumPy 1.24.2).
	if got := examples(t, numbered(t, 5).Shuffle(rand.NewNumPy(0))); !slices.Equal(got, []int{2, 0, 1, 3, 4}) {
		t.Errorf("NumPy order %v, want [2 0 1 3 4]", got)
	}
}

func TestSplit(t *testing.T) {
	d := numbered(t, 10)
	train, val, test, err := d.Split(rand.New(3), 0.2, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 5 || val.Len() != 2 || test.Len() != 3 {
		t.Fatalf("sizes %d, %d, %d, want 5, 2, 3", train.Len(), val.Len(), test.Len())
	}
	all := append(append(examples(t, train), examples(t, val)...), examples(t, test)...)
	if want := rand.New(3).Perm(10); !slices.Equal(all, want) {
		t.Errorf("train, validation, test = %v, want the permutation %v", all, want)
	}
	sort.Ints(all)
	for j, v := range all {
		if v != j {
			t.Fatalf("examples %v are not 0 … 9 once each", all)
		}
	}

	// No source: file order; 0.25·10 rounds half away from zero to 3; a
	// zero fraction gives a nil set.
	train, val, test, err = d.Split(nil, 0.25, 0)
	if err != nil {
		t.Fatal(err)
	}
	if test != nil || !slices.Equal(examples(t, train), []int{0, 1, 2, 3, 4, 5, 6}) || !slices.Equal(examples(t, val), []int{7, 8, 9}) {
		t.Errorf("file-order split: train %v, validation %v, test %v", examples(t, train), examples(t, val), test)
	}
	train, val, test, err = d.Split(rand.New(1), 0, 0)
	if err != nil || val != nil || test != nil || train.Len() != 10 {
		t.Errorf("no split: %v", err)
	}
}

func TestSplitErrors(t *testing.T) {
	d := numbered(t, 10)
	tests := []struct {
		val, test float64
		want      string
	}{
		{-0.1, 0, `validation fraction -0.1 is outside \[0, 1\)`},
		{0, 1, `test fraction 1 is outside \[0, 1\)`},
		{0.5, 0.5, `leave 0 of 10 examples to train on`},
		{0.02, 0, `validation fraction of 0.02 of 10 examples rounds to 0 examples; raise it to at least 0.05`},
		{0.45, 0.5, `leave 0 of 10 examples`},
	}
	for _, test := range tests {
		_, _, _, err := d.Split(rand.New(1), test.val, test.test)
		mustMatchAll(t, err, []string{test.want})
	}
}
