package explain

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Format is an output format of Equations.Render.
type Format int

// The formats.
const (
	// Text is plain text with Unicode math.
	Text Format = iota + 1
	// Markdown is CommonMark: a heading, a numbered list of steps, each
	// step's equations in a code block of Unicode math and its notes as
	// paragraphs, so it reads the same raw and rendered.
	Markdown
	// LaTeX is a complete LaTeX document for pdflatex, with the packages
	// amsmath and fontenc; each step's equations form an align* block.
	LaTeX
)

var formatNames = map[Format]string{Text: "text", Markdown: "markdown", LaTeX: "latex"}

// String returns the format's name: text, markdown or latex.
func (f Format) String() string {
	if s, ok := formatNames[f]; ok {
		return s
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the format named s: text, markdown (or md) or
// latex (or tex).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "text", "txt":
		return Text, nil
	case "markdown", "md":
		return Markdown, nil
	case "latex", "tex":
		return LaTeX, nil
	}
	return 0, fmt.Errorf("explain: unknown format %q; use text, markdown or latex", s)
}

// Render writes the method in format f.
func (e *Equations) Render(w io.Writer, f Format) error {
	bw := bufio.NewWriter(w)
	switch f {
	case Text:
		e.renderText(bw)
	case Markdown:
		e.renderMarkdown(bw)
	case LaTeX:
		e.renderLaTeX(bw)
	default:
		return fmt.Errorf("explain: invalid format %d; use Text, Markdown or LaTeX", int(f))
	}
	return bw.Flush()
}

// title returns the heading of the method.
func (e *Equations) title() string { return "Backpropagation for " + e.Arch.String() }

// conditions returns the line under the heading: m and λ, in Unicode.
func (e *Equations) conditions() string {
	s := "m examples (symbolic)"
	if e.M > 0 {
		s = fmt.Sprintf("m = %s %s", FormatCount(e.M), countNoun(e.M, "example", "examples"))
	}
	if e.Lambda > 0 {
		return s + "; L2 regularisation with λ = " + formatFloat(e.Lambda)
	}
	return s + "; no L2 regularisation (λ = 0)"
}

func (e *Equations) renderText(w io.Writer) {
	fmt.Fprintln(w, e.title())
	fmt.Fprintln(w, e.conditions())
	for i, st := range e.Steps {
		fmt.Fprintf(w, "\nStep %d. %s\n", i+1, st.Title)
		for _, q := range st.Equations {
			fmt.Fprintln(w, "    "+q.Text())
		}
		for _, n := range st.Notes {
			writeWrapped(w, n.textForWrap(), "  ")
		}
	}
}

func (e *Equations) renderMarkdown(w io.Writer) {
	fmt.Fprintf(w, "# %s\n\n%s.\n", e.title(), e.conditions())
	for i, st := range e.Steps {
		fmt.Fprintf(w, "\n%d. **%s**\n\n", i+1, st.Title)
		// A list item's content is indented by the width of its marker,
		// so that the code block and paragraphs stay inside the item.
		indent := strings.Repeat(" ", len(fmt.Sprint(i+1))+2)
		fmt.Fprintln(w, indent+"```")
		for _, q := range st.Equations {
			fmt.Fprintln(w, indent+q.Text())
		}
		fmt.Fprintln(w, indent+"```")
		for _, n := range st.Notes {
			fmt.Fprintln(w)
			writeWrapped(w, n.textForWrap(), indent)
		}
	}
}

func (e *Equations) renderLaTeX(w io.Writer) {
	a := e.Arch
	acts := make([]string, len(a.Acts))
	for i, g := range a.Acts {
		acts[i] = texEscape(g.String())
	}
	m := "$m$ examples (symbolic)"
	if e.M > 0 {
		m = fmt.Sprintf("$m = %d$ %s", e.M, countNoun(e.M, "example", "examples"))
	}
	l2 := `no L2 regularisation ($\lambda = 0$)`
	if e.Lambda > 0 {
		l2 = `L2 regularisation with $\lambda = ` + formatFloat(e.Lambda) + "$"
	}

	fmt.Fprintln(w, `\documentclass{article}`)
	fmt.Fprintln(w, `\usepackage[T1]{fontenc}`)
	fmt.Fprintln(w, `\usepackage{amsmath}`)
	fmt.Fprintln(w, `\begin{document}`)
	fmt.Fprintf(w, "\\section*{Backpropagation for $n = %s$; %s; loss %s}\n", sizesText(a.Sizes), strings.Join(acts, ", "), a.Loss)
	fmt.Fprintf(w, "%s; %s.\n", m, l2)
	fmt.Fprintln(w, `\begin{enumerate}`)
	for _, st := range e.Steps {
		fmt.Fprintf(w, "\\item \\textbf{%s}\n", texEscape(st.Title))
		fmt.Fprintln(w, `\begin{align*}`)
		for i, q := range st.Equations {
			end := ` \\`
			if i == len(st.Equations)-1 {
				end = ""
			}
			fmt.Fprintln(w, q.LaTeX()+end)
		}
		fmt.Fprintln(w, `\end{align*}`)
		for _, n := range st.Notes {
			fmt.Fprintln(w)
			fmt.Fprintln(w, n.TeX)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, `\end{enumerate}`)
	fmt.Fprintln(w, `\end{document}`)
}
