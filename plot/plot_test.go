package plot

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/train"
)

func history() []train.Metrics {
	var h []train.Metrics
	for e := 1; e <= 10; e++ {
		h = append(h, train.Metrics{Epoch: e, Cost: 1 / float64(e), Accuracy: 1 - 0.5/float64(e), ValidCost: math.NaN(), ValidAccuracy: math.NaN()})
	}
	return h
}

func TestCurvesPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.png")
	if err := Curves(path, history()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 300 {
		t.Errorf("image is %v", r)
	}
}

func TestCurvesSVG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.svg")
	if err := Curves(path, history()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "Cost per epoch") {
		t.Error("the SVG lacks its title")
	}
}

func TestCurvesErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Curves(filepath.Join(dir, "c.gif"), history()); err == nil || !strings.Contains(err.Error(), ".gif") {
		t.Errorf("error %v, want one naming .gif", err)
	}
	if err := Curves(filepath.Join(dir, "c.png"), nil); err == nil {
		t.Error("no error for an empty history")
	}
	if _, err := os.Stat(filepath.Join(dir, "c.png")); !os.IsNotExist(err) {
		t.Error("a file was written for an empty history")
	}
}
