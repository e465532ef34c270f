// Package plot draws training curves with gonum/plot: the cost and the
// accuracy of each epoch, for the training set and, when there is one,
// the validation set.
package plot

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/backprop-go/backprop/internal/atomicfile"
	"github.com/backprop-go/backprop/train"
)

// CheckPath returns an error unless path ends in .png or .svg.
func CheckPath(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg":
		return nil
	}
	return fmt.Errorf("%s: unknown image extension %q; use .png or .svg", path, filepath.Ext(path))
}

// Curves draws the cost (top) and the accuracy (bottom) of each epoch of
// history to path, a PNG or SVG file chosen by its extension, written
// atomically. Accuracies that are NaN (regression) leave the bottom panel
// empty.
func Curves(path string, history []train.Metrics) error {
	if err := CheckPath(path); err != nil {
		return err
	}
	if len(history) == 0 {
		return fmt.Errorf("plot: no epochs to draw")
	}
	cost := gplot.New()
	cost.Title.Text = "Cost per epoch"
	cost.X.Label.Text = "epoch"
	cost.Y.Label.Text = "J"
	cost.Legend.Top = true
	acc := gplot.New()
	acc.Title.Text = "Accuracy per epoch"
	acc.X.Label.Text = "epoch"
	acc.Y.Label.Text = "accuracy (%)"

	series := func(value func(train.Metrics) float64, scale float64) plotter.XYs {
		var xy plotter.XYs
		for _, m := range history {
			if v := value(m); !math.IsNaN(v) && !math.IsInf(v, 0) {
				xy = append(xy, plotter.XY{X: float64(m.Epoch), Y: scale * v})
			}
		}
		return xy
	}
	if err := addLines(cost, "training", series(func(m train.Metrics) float64 { return m.Cost }, 1), 0); err != nil {
		return err
	}
	if err := addLines(cost, "validation", series(func(m train.Metrics) float64 { return m.ValidCost }, 1), 1); err != nil {
		return err
	}
	if err := addLines(acc, "training", series(func(m train.Metrics) float64 { return m.Accuracy }, 100), 0); err != nil {
		return err
	}
	if err := addLines(acc, "validation", series(func(m train.Metrics) float64 { return m.ValidAccuracy }, 100), 1); err != nil {
		return err
	}

	const w, h = 16 * vg.Centimeter, 20 * vg.Centimeter
	var canvas draw.Canvas
	var save func(w io.Writer) error
	if strings.EqualFold(filepath.Ext(path), ".svg") {
		c := vgsvg.New(w, h)
		canvas = draw.New(c)
		save = func(out io.Writer) error { _, err := c.WriteTo(out); return err }
	} else {
		c := vgimg.New(w, h)
		canvas = draw.New(c)
		save = func(out io.Writer) error { _, err := vgimg.PngCanvas{Canvas: c}.WriteTo(out); return err }
	}
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadX: vg.Millimeter, PadY: 4 * vg.Millimeter, PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 2 * vg.Millimeter}
	plots := [][]*gplot.Plot{{cost}, {acc}}
	canvases := gplot.Align(plots, tiles, canvas)
	cost.Draw(canvases[0][0])
	acc.Draw(canvases[1][0])
	return atomicfile.WriteFile(path, 0o644, save)
}

// addLines adds a named line to p when xy has points.
func addLines(p *gplot.Plot, name string, xy plotter.XYs, color int) error {
	if len(xy) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color = plotutil.Color(color)
	l.Width = vg.Points(1.5)
	if color == 1 {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}
