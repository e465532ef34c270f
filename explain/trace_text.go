package explain

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/backprop-go/backprop/matrix"
)

// DefaultPrecision is the number of significant digits WriteText rounds
// trace values to when given 0.
const DefaultPrecision = 6

// WriteText writes the trace as plain text: the inputs and parameters,
// then the quantities of the forward pass, the cost and the backward pass
// in the order they are computed. Each quantity comes with the equation
// that produced it, which names it and gives its shape, and with its
// values rounded to precision significant digits (1 … 17, or 0 for
// DefaultPrecision).
func (t *Trace) WriteText(w io.Writer, precision int) error {
	if precision == 0 {
		precision = DefaultPrecision
	}
	if precision < 1 || precision > 17 {
		return fmt.Errorf("explain: precision %d; give 1 … 17 significant digits", precision)
	}
	bw := bufio.NewWriter(w)
	p := matrixPrinter{w: bw, precision: precision}
	L := len(t.Layers)

	fmt.Fprintln(bw, "Trace of one forward and one backward pass")
	fmt.Fprintln(bw, "Architecture: "+t.Arch.String())
	l2 := "no L2 regularisation (λ = 0)"
	if t.Lambda > 0 {
		l2 = "L2 regularisation with λ = " + formatFloat(t.Lambda)
	}
	fmt.Fprintf(bw, "m = %s %s; %s\n", FormatCount(t.M), countNoun(t.M, "example", "examples"), l2)
	fmt.Fprintf(bw, "Values are rounded to %d significant digits; one column per example.\n", precision)

	fmt.Fprintln(bw, "\nInputs and parameters")
	p.print(fmt.Sprintf("X = A[0] %s", shapeOf(t.X)), t.X)
	p.print(fmt.Sprintf("Y %s", shapeOf(t.Y)), t.Y)
	for _, tl := range t.Layers {
		p.print(fmt.Sprintf("W[%d] %s", tl.L, shapeOf(tl.W)), tl.W)
		p.print(fmt.Sprintf("b[%d] %s", tl.L, shapeOf(tl.B)), tl.B)
	}

	fmt.Fprintln(bw, "\nForward propagation")
	for _, q := range t.Forward() {
		p.print(q.Equation.Text(), q.Matrix)
	}

	fmt.Fprintln(bw, "\nCost")
	if t.Lambda > 0 {
		for _, term := range []struct {
			name  string
			value float64
		}{{"J_data", t.CostData}, {"J_L2", t.CostL2}} {
			q, _ := t.Equations.Find(term.name)
			fmt.Fprintln(bw, q.Text())
			fmt.Fprintf(bw, "  %s = %s\n", term.name, formatValue(term.value, precision))
		}
	}
	q, _ := t.Equations.Find("J")
	fmt.Fprintln(bw, q.Text())
	fmt.Fprintf(bw, "  J = %s\n", formatValue(t.Cost, precision))

	fmt.Fprintln(bw, "\nBackward propagation")
	for _, q := range t.Backward() {
		p.print(q.Equation.Text(), q.Matrix)
		if q.Name == "dA[0]" {
			fmt.Fprintln(bw, "  (dA[0] is the gradient with respect to X; training does not compute it.)")
		}
	}
	if t.Arch.Matched() {
		fmt.Fprintf(bw, "\n%s + %s is a matched pair, so dZ[%d] = A[%d] − Y is computed without dA[%d].\n",
			t.Arch.G(L), t.Arch.Loss, L, L, L)
	}
	return bw.Flush()
}

func shapeOf(a *matrix.Dense[float64]) Shape {
	r, c := a.Dims()
	return Shape{Dim(r), Dim(c)}
}

// formatValue formats v with precision significant digits.
func formatValue(v float64, precision int) string {
	return strconv.FormatFloat(v, 'g', precision, 64)
}

// matrixPrinter writes matrices as aligned rows under a heading line.
type matrixPrinter struct {
	w         io.Writer
	precision int
}

// print writes the heading, then the rows of a, each number right-aligned
// in its column.
func (p matrixPrinter) print(heading string, a *matrix.Dense[float64]) {
	fmt.Fprintln(p.w, heading)
	r, c := a.Dims()
	cells := make([][]string, r)
	width := make([]int, c)
	for i := range cells {
		cells[i] = make([]string, c)
		for j := range cells[i] {
			s := formatValue(a.At(i, j), p.precision)
			cells[i][j] = s
			width[j] = max(width[j], utf8.RuneCountInString(s))
		}
	}
	var line strings.Builder
	for i := range cells {
		line.Reset()
		line.WriteString("  [")
		for j, s := range cells[i] {
			line.WriteString(" ")
			line.WriteString(strings.Repeat(" ", width[j]-len(s)))
			line.WriteString(s)
		}
		line.WriteString(" ]")
		fmt.Fprintln(p.w, line.String())
	}
}
