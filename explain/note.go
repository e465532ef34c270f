package explain

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Note is a sentence or two of prose with formulas, in two forms.
type Note struct {
	// Text is the note in Unicode.
	Text string `json:"text"`
	// TeX is the note in LaTeX text mode, formulas in $…$. It uses ASCII
	// characters only, so pdflatex typesets it without Unicode support.
	TeX string `json:"tex"`

	// wrapText is Text with no-break spaces inside short formulas, for
	// wrapping; empty for a Note built outside this package.
	wrapText string
}

// textForWrap returns the text to wrap: Text, with short formulas kept on
// one line when the package built the note.
func (n Note) textForWrap() string {
	if n.wrapText != "" {
		return n.wrapText
	}
	return n.Text
}

// nbsp is the no-break space, which wrap never breaks a line at.
const nbsp = "\u00a0"

// unbroken returns formula s with its spaces made no-break spaces when it
// is short enough to keep on one line.
func unbroken(s string) string {
	if utf8.RuneCountInString(s) > maxUnbroken {
		return s
	}
	return strings.ReplaceAll(s, " ", nbsp)
}

// maxUnbroken is the longest formula, in runes, that wrapping keeps on one
// line; longer ones may break at their spaces.
const maxUnbroken = 48

// plainSpaces returns s with no-break spaces replaced by spaces.
func plainSpaces(s string) string { return strings.ReplaceAll(s, nbsp, " ") }

// rawMath is a formula outside the Term vocabulary, written out in both
// forms.
type rawMath struct{ text, tex string }

func mathRaw(text, tex string) rawMath { return rawMath{text, tex} }

// note builds a Note from parts: a string is prose, and a Term, an Expr or
// a rawMath is a formula. Prose must be ASCII, so that the TeX form stays
// ASCII; note panics otherwise, which the package tests would catch.
func note(parts ...any) Note {
	var text, wrapText, tex, math strings.Builder
	flush := func() {
		if math.Len() > 0 {
			tex.WriteString("$" + math.String() + "$")
			math.Reset()
		}
	}
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			for _, r := range p {
				if r > 0x7e {
					panic(fmt.Sprintf("explain: prose %q must be ASCII; put formulas in a Term or mathRaw", p))
				}
			}
			flush()
			text.WriteString(p)
			wrapText.WriteString(p)
			tex.WriteString(texEscape(p))
		case Term:
			text.WriteString(Expr{p}.Text())
			wrapText.WriteString(unbroken(Expr{p}.Text()))
			math.WriteString(Expr{p}.LaTeX())
		case Expr:
			text.WriteString(p.Text())
			wrapText.WriteString(unbroken(p.Text()))
			math.WriteString(p.LaTeX())
		case rawMath:
			text.WriteString(p.text)
			wrapText.WriteString(unbroken(p.text))
			math.WriteString(p.tex)
		default:
			panic(fmt.Sprintf("explain: note part of type %T", p))
		}
	}
	flush()
	return Note{Text: text.String(), TeX: tex.String(), wrapText: wrapText.String()}
}

var texEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`,
	"{", `\{`, "}", `\}`,
	"$", `\$`, "&", `\&`, "%", `\%`, "#", `\#`, "_", `\_`,
	"^", `\textasciicircum{}`, "~", `\textasciitilde{}`,
	"<", `\textless{}`, ">", `\textgreater{}`, "|", `\textbar{}`,
)

// texEscape returns ASCII prose s with LaTeX's special characters
// escaped for text mode.
func texEscape(s string) string { return texEscaper.Replace(s) }
