package engine

import (
	"fmt"

	"github.com/backprop-go/backprop/matrix"
)

// MaxGrid is the largest side of the grid that Grid evaluates.
const MaxGrid = 200

// Domain returns the half-width d of the square [−d, d]² that the page
// draws, which holds every point.
func (e *Engine) Domain() float64 { return e.domain }

// Grid evaluates the network on a g × g grid of points covering the
// square [−d, d]² of Domain, at the centres of its cells, and returns
// the values there: first every input feature of FeatureNames, selected
// or not, in that order, then every unit's output A[1] … A[L]. Each map
// holds g² values in image order (row 0 at x2 = +d, column 0 at x1 = −d).
// Map k starts at offset g²·k, so unit i of layer l ≥ 1 starts at
// g²·(7 + n[1] + … + n[l−1] + i) with the 7 features first. It returns an
// error if g is outside 2 … MaxGrid.
func (e *Engine) Grid(g int) ([]float32, error) {
	if g < 2 || g > MaxGrid {
		return nil, fmt.Errorf("grid side %d is outside 2 … %d", g, MaxGrid)
	}
	d := e.domain
	P := matrix.New[float64](2, g*g, nil)
	step := 2 * d / float64(g)
	for r := range g {
		for c := range g {
			P.Set(0, r*g+c, -d+(float64(c)+0.5)*step)
			P.Set(1, r*g+c, d-(float64(r)+0.5)*step)
		}
	}
	var out []float32
	for _, v := range transform(P, FeatureNames()).RawData() {
		out = append(out, float32(v))
	}
	e.copyToView()
	if _, err := e.view.Forward(transform(P, e.features)); err != nil {
		return nil, err
	}
	for l := 1; l <= e.view.Layers(); l++ {
		for _, v := range e.view.A[l].RawData() {
			out = append(out, float32(v))
		}
	}
	return out, nil
}

// copyToView copies the network's parameters into the view network.
func (e *Engine) copyToView() {
	for l := 1; l <= e.net.Layers(); l++ {
		e.view.W[l].Copy(e.net.W[l])
		e.view.B[l].Copy(e.net.B[l])
	}
}
