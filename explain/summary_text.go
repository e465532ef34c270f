package explain

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// textWidth is the line width that prose is wrapped to.
const textWidth = 78

// WriteText writes the summary as plain text with Unicode math: the
// architecture, a table of shapes and parameter counts, a table of the
// derivatives of one gradient step, and the warm-up answers.
func (s *Summary) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	a := s.Arch
	L := a.L()

	fmt.Fprintf(bw, "Architecture: %s\n", a)
	fmt.Fprintf(bw, "L = %d %s with parameters (the input, layer 0, has none); %s\n\n",
		L, countNoun(L, "layer", "layers"), s.examplesText())

	// Shapes and parameters.
	fmt.Fprintln(bw, "Shapes and parameters")
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  l\tn[l]\tg[l]\tW[l]\tb[l]\tZ[l], A[l]\tparameters n[l]·(n[l−1] + 1)")
	fmt.Fprintf(tw, "  0\t%s\t(input)\t\t\t\tX = A[0] is %s\n", FormatCount(a.Sizes[0]), Shape{Dim(a.Sizes[0]), s.cols()})
	for _, ls := range s.Layers {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s·%s = %s\n", ls.L, FormatCount(ls.Units), ls.Activation,
			ls.W, ls.B, ls.Z, FormatCount(ls.Units), FormatCount(ls.Inputs+1), FormatCount(ls.Params))
	}
	tw.Flush()
	fmt.Fprintf(bw, "  total: %s %s (%s %s and %s %s)\n\n",
		FormatCount(s.Params), countNoun(s.Params, "parameter", "parameters"),
		FormatCount(s.Weights), countNoun(s.Weights, "weight", "weights"),
		FormatCount(s.Biases), countNoun(s.Biases, "bias", "biases"))

	// Derivatives, in the order backward propagation computes them.
	fmt.Fprintln(bw, "Derivatives of one gradient step, in the order backward propagation computes them")
	tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  l\tdZ[l]\tdA[l]\tdW[l]\tdb[l]")
	for l := L; l >= 1; l-- {
		ls := s.Layers[l-1]
		da := "not formed (see below)"
		if ls.DA != nil {
			da = ls.DA.String()
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s: %s\t%s: %s\n", l, ls.DZ, da,
			ls.W, FormatCount(ls.Weights), ls.B, FormatCount(ls.Biases))
	}
	tw.Flush()
	d := s.Derivatives
	fmt.Fprintf(bw, "  dW[l] and db[l]: %s derivatives, one per parameter\n", FormatCount(d.Params))
	perExample := d.DZPerExample + d.DAPerExample
	fmt.Fprintf(bw, "  %s\n", s.perExampleText())
	if s.M == 0 {
		fmt.Fprintf(bw, "  intermediate values: %s·m\n", FormatCount(perExample))
		fmt.Fprintf(bw, "  in all: %s + %s·m per step\n", FormatCount(d.Params), FormatCount(perExample))
	} else {
		fmt.Fprintf(bw, "  intermediate values: %s·%s = %s\n", FormatCount(perExample), FormatCount(s.M), FormatCount(d.Intermediate))
		fmt.Fprintf(bw, "  in all: %s + %s = %s per step\n", FormatCount(d.Params), FormatCount(d.Intermediate), FormatCount(d.Total))
	}
	if a.Matched() {
		writeWrapped(bw, fmt.Sprintf("%s + %s is a matched pair, so dZ[%d] = A[%d] − Y is computed "+
			"directly and dA[%d] is never formed.", a.G(L), a.Loss, L, L, L), "  ")
	}
	writeWrapped(bw, "dA[0] = W[1]ᵀ·dZ[1], the gradient with respect to X, is not needed to "+
		"train and is not counted.", "  ")

	// Warm-up questions.
	for _, ans := range s.Answers {
		fmt.Fprintf(bw, "\n%s\n", ans.Question)
		text := ans.wrapText
		if text == "" {
			text = ans.Answer
		}
		writeWrapped(bw, text, "  ")
	}
	return bw.Flush()
}

// perExampleText counts the entries of dZ and dA per example.
func (s *Summary) perExampleText() string {
	d := s.Derivatives
	dz := fmt.Sprintf("dZ[l]: %s %s per example", FormatCount(d.DZPerExample), countNoun(d.DZPerExample, "value", "values"))
	if d.DAPerExample == 0 {
		return dz + "; dA[l]: none"
	}
	return dz + fmt.Sprintf("; dA[l]: %s %s per example", FormatCount(d.DAPerExample), countNoun(d.DAPerExample, "value", "values"))
}

func (s *Summary) cols() Dim {
	if s.M == 0 {
		return M
	}
	return Dim(s.M)
}

func (s *Summary) examplesText() string {
	if s.M == 0 {
		return "m examples (m symbolic)"
	}
	return fmt.Sprintf("m = %s %s", FormatCount(s.M), countNoun(s.M, "example", "examples"))
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// writeWrapped writes text wrapped to textWidth, each line starting with
// indent.
func writeWrapped(w io.Writer, text, indent string) {
	for _, line := range wrap(text, textWidth-utf8.RuneCountInString(indent)) {
		fmt.Fprintln(w, indent+line)
	}
}

// wrap splits text at spaces into lines of at most width runes; a word
// longer than width gets a line of its own. Non-breaking spaces (U+00A0)
// keep their neighbours together and are written as spaces.
func wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	n := 0
	isBreak := func(r rune) bool { return r != '\u00a0' && unicode.IsSpace(r) }
	for _, word := range strings.FieldsFunc(text, isBreak) {
		wn := utf8.RuneCountInString(word)
		if n > 0 && n+1+wn > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(strings.ReplaceAll(word, "\u00a0", " "))
		n += wn
	}
	if n > 0 {
		lines = append(lines, line.String())
	}
	return lines
}
