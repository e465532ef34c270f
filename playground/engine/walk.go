package engine

import (
	"strings"

	"github.com/backprop-go/backprop/explain"
	"github.com/backprop-go/backprop/matrix"
)

// Walk is one forward and one backward pass on the batch that the next
// update trains on, with the current weights: what the update will use.
// Its numbers are explain.NewTrace's, which runs nn's own passes.
type Walk struct {
	// Batch holds the indices into the training set of the batch's
	// examples, in column order, and Points their (x1, x2).
	Batch  []int        `json:"batch"`
	Points [][2]float64 `json:"points"`
	M      int          `json:"m"`
	// Cost is J of the batch; CostData and CostL2 are its two terms.
	Cost     float64 `json:"cost"`
	CostData float64 `json:"cost_data"`
	CostL2   float64 `json:"cost_l2"`
	// Steps lists every quantity in the order the passes compute them:
	// Z[1], A[1], …, A[L], J, then the backward pass from dZ[L] down to
	// dA[0].
	Steps []WalkStep `json:"steps"`
	// Text is the trace as `backprop explain --trace` prints it.
	Text string `json:"text"`
	// Note explains what the numbers leave out, or is "".
	Note string `json:"note,omitempty"`
}

// WalkStep is one computed quantity of a Walk.
type WalkStep struct {
	Name     string `json:"name"`  // "Z[1]", "J", "dW[2]"
	Phase    string `json:"phase"` // forward, cost or backward
	Layer    int    `json:"layer"` // the layer l, 0 for dA[0] and for J
	Equation string `json:"equation"`
	// Rows, Cols and Values hold the matrix, row-major; J is (1, 1).
	Rows   int       `json:"rows"`
	Cols   int       `json:"cols"`
	Values []float64 `json:"values"`
	// Notes are explain's notes on the step of the method that computes
	// the quantity: what it keeps and why its equations hold.
	Notes []string `json:"notes,omitempty"`
}

// Walk runs one forward and one backward pass on the next batch with the
// current weights, on a copy of the network, and returns every quantity.
// It changes neither the weights nor the order of training.
func (e *Engine) Walk() (*Walk, error) {
	idx, err := e.stepper.NextBatch()
	if err != nil {
		return nil, err
	}
	X, Y := new(matrix.Dense[float64]), new(matrix.Dense[float64])
	X.GatherCols(e.train.X, idx)
	Y.GatherCols(e.train.Y, idx)
	e.copyToView()
	tr, err := explain.NewTrace(e.view, X, Y, e.settings.lambda())
	if err != nil {
		return nil, err
	}

	w := &Walk{
		Batch: append([]int(nil), idx...), M: tr.M,
		Cost: tr.Cost, CostData: tr.CostData, CostL2: tr.CostL2,
	}
	for _, j := range idx {
		w.Points = append(w.Points, [2]float64{e.trainPts.X.At(0, j), e.trainPts.X.At(1, j)})
	}
	notes := notesByName(tr.Equations)
	for _, v := range tr.Forward() {
		w.Steps = append(w.Steps, walkStep(v, "forward", notes))
	}
	cost := WalkStep{Name: "J", Phase: "cost", Rows: 1, Cols: 1, Values: []float64{tr.Cost}}
	for _, s := range tr.Equations.Steps {
		if s.Phase != explain.Cost {
			continue
		}
		var lines []string
		for _, q := range s.Equations {
			lines = append(lines, q.Text())
		}
		cost.Equation = strings.Join(lines, "\n")
		cost.Notes = noteTexts(s)
	}
	w.Steps = append(w.Steps, cost)
	for _, v := range tr.Backward() {
		w.Steps = append(w.Steps, walkStep(v, "backward", notes))
	}

	var b strings.Builder
	if err := tr.WriteText(&b, explain.DefaultPrecision); err != nil {
		return nil, err
	}
	w.Text = b.String()
	if e.settings.l1() > 0 {
		w.Note = "L1 is applied after the update as a soft threshold of every weight by α·λ/m_b, so dW[l] and J leave it out."
	}
	return w, nil
}

func walkStep(v explain.Value, phase string, notes map[string][]string) WalkStep {
	r, c := v.Matrix.Dims()
	return WalkStep{
		Name: v.Name, Phase: phase, Layer: layerOf(v.Name), Equation: v.Equation.Text(),
		Rows: r, Cols: c, Values: append([]float64(nil), v.Matrix.RawData()...),
		Notes: notes[v.Name],
	}
}

// notesByName returns the notes of the step of the method that computes
// each quantity, by the quantity's name. Update steps are left out: their
// equations name the parameters, which the walk does not show.
func notesByName(eq *explain.Equations) map[string][]string {
	notes := map[string][]string{}
	for _, s := range eq.Steps {
		if s.Phase == explain.Update {
			continue
		}
		for _, q := range s.Equations {
			notes[q.Name] = noteTexts(s)
		}
	}
	return notes
}

func noteTexts(s explain.Step) []string {
	var out []string
	for _, n := range s.Notes {
		out = append(out, n.Text)
	}
	return out
}

// layerOf returns l of a name such as "dW[2]", or 0.
func layerOf(name string) int {
	i := strings.IndexByte(name, '[')
	if i < 0 {
		return 0
	}
	l := 0
	for _, c := range name[i+1:] {
		if c < '0' || c > '9' {
			break
		}
		l = 10*l + int(c-'0')
	}
	return l
}
