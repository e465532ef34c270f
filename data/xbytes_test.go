package data

import (
	"testing"

	"github.com/backprop-go/backprop/matrix"
)

func TestReadIDXKeepsBytes(t *testing.T) {
	for _, gz := range []string{"", ".gz"} {
		ds, err := ReadIDX[float32]("testdata/idx/tiny-images-idx3-ubyte"+gz, "testdata/idx/tiny-labels-idx1-ubyte"+gz)
		if err != nil {
			t.Fatal(err)
		}
		if ds.XBytes == nil {
			t.Fatalf("ReadIDX%s: XBytes is nil", gz)
		}
		if r, c := ds.XBytes.Dims(); r != ds.Len() || c != ds.Features() {
			t.Errorf("ReadIDX%s: XBytes is (%d, %d), want (%d, %d)", gz, r, c, ds.Len(), ds.Features())
		}
		if !matrix.EqualBytesTrans(ds.X, ds.XBytes) {
			t.Errorf("ReadIDX%s: XBytes does not equal X", gz)
		}
	}
	ds64, err := ReadIDX[float64]("testdata/idx/tiny-images-idx3-ubyte", "testdata/idx/tiny-labels-idx1-ubyte")
	if err != nil {
		t.Fatal(err)
	}
	if !matrix.EqualBytesTrans(ds64.X, ds64.XBytes) {
		t.Errorf("ReadIDX[float64]: XBytes does not equal X")
	}
}
