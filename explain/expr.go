package explain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Dim is one dimension of a shape: a count, or M for the number of
// examples m when m is left symbolic.
type Dim int

// M is the dimension m, the number of examples, when it is symbolic.
const M Dim = -1

// String returns the count in decimal, or "m" for M.
func (d Dim) String() string {
	if d == M {
		return "m"
	}
	return strconv.Itoa(int(d))
}

// MarshalJSON writes a count as a JSON number and M as the string "m".
func (d Dim) MarshalJSON() ([]byte, error) {
	if d == M {
		return []byte(`"m"`), nil
	}
	return []byte(strconv.Itoa(int(d))), nil
}

// Shape is the shape (rows, columns) of a matrix.
type Shape struct {
	Rows, Cols Dim
}

// String returns the shape as the lecture writes it: "(20, 12288)" or
// "(20, m)".
func (s Shape) String() string { return "(" + s.Rows.String() + ", " + s.Cols.String() + ")" }

// MarshalJSON writes the shape as a two-element array, [20, "m"] when m
// is symbolic.
func (s Shape) MarshalJSON() ([]byte, error) { return json.Marshal([2]Dim{s.Rows, s.Cols}) }

// Kind is the kind of a Term.
type Kind int

// The kinds of term.
const (
	// Quantity is a matrix of the lecture, such as W[1], dZ[2]ᵀ or
	// Y⁽ⁱ⁾: Name with a Layer, a Unit subscript, the column of one
	// Example and a Transpose, each optional.
	Quantity Kind = iota + 1
	// Operator is one of + − · ⊙ = and the comma of a tuple, in Name.
	Operator
	// Number is a literal number, in Name.
	Number
	// Scalar is a scalar symbol: m, α or λ, in Name.
	Scalar
	// Fraction is Args over Den, such as 1/m or λ/2m.
	Fraction
	// Function is Name applied element-wise or column-wise to Args, such
	// as relu(Z[1]) or, with Prime, its derivative σ'(Z[2]).
	Function
	// Summation is Σ over the index Name of Args: i runs over the m
	// examples, k over the output units and l over the layers.
	Summation
	// Group is Args in the brackets Name, "(" or "[".
	Group
	// Norm is ‖Args‖², with the subscript Name ("F" for Frobenius) if
	// any.
	Norm
	// Square is Args squared element-wise.
	Square
)

var kindNames = [...]string{Quantity: "quantity", Operator: "operator", Number: "number", Scalar: "scalar",
	Fraction: "fraction", Function: "function", Summation: "summation", Group: "group", Norm: "norm", Square: "square"}

// String returns the kind's name in lower case.
func (k Kind) String() string {
	if k >= Quantity && k <= Square {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// NoLayer is the Layer of a quantity that belongs to no layer, such as Y.
const NoLayer = -1

// Term is one symbol of an equation. Kind selects the fields that apply.
type Term struct {
	Kind Kind `json:"kind"`
	// Name is the letter of a quantity (W, b, Z, A, dW, db, dZ, dA, Y) or
	// the operator, number or scalar itself. For a function it is σ, tanh,
	// relu, leaky_relu, linear, softmax, log or diag. It is also the index
	// of a summation, the opening bracket of a group and the subscript of
	// a norm.
	Name string `json:"name,omitempty"`
	// Layer is the layer l of a quantity, or NoLayer.
	Layer int `json:"layer"`
	// Unit is a quantity's subscript: a row index such as k for the k-th
	// unit, or a label such as "data" in J_data.
	Unit string `json:"unit,omitempty"`
	// Example marks a quantity restricted to the column of example i,
	// written ⁽ⁱ⁾.
	Example bool `json:"example,omitempty"`
	// Transpose marks a transposed quantity, written ᵀ.
	Transpose bool `json:"transpose,omitempty"`
	// Prime marks the derivative of a function, written g'.
	Prime bool `json:"prime,omitempty"`
	// Shape, if not nil, is written after a quantity or function value.
	Shape *Shape `json:"shape,omitempty"`
	// Args is the argument of a function, the body of a summation, the
	// contents of a group, the base of a norm or square, or the numerator
	// of a fraction.
	Args Expr `json:"args,omitempty"`
	// Den is the denominator of a fraction.
	Den Expr `json:"den,omitempty"`
}

// Expr is an expression: terms read left to right. Two adjacent terms
// with no operator between them are multiplied, as in 2m.
type Expr []Term

// Text returns the expression in Unicode math, as in
//
//	1/m · dZ[1] (20, m) · A[0]ᵀ (m, 12288)
func (e Expr) Text() string {
	var b strings.Builder
	e.writeText(&b)
	return b.String()
}

func (e Expr) writeText(b *strings.Builder) {
	for i, t := range e {
		if i > 0 && spaced(e[i-1], t, i-1 == 0) {
			b.WriteByte(' ')
		}
		t.writeText(b)
	}
}

// spaced reports whether the text form puts a space between prev and t.
// Operators are spaced except a leading unary minus and a comma, which
// follows its term directly, and a number before a scalar or quantity is
// a product written without space, as in 2m.
func spaced(prev, t Term, prevFirst bool) bool {
	switch {
	case t.Kind == Operator && t.Name == ",":
		return false
	case prev.Kind == Operator && prevFirst:
		return false
	case prev.Kind == Operator || t.Kind == Operator:
		return true
	case prev.Kind == Number && (t.Kind == Scalar || t.Kind == Quantity):
		return false
	}
	return true
}

func (t Term) writeText(b *strings.Builder) {
	switch t.Kind {
	case Quantity:
		b.WriteString(t.Name)
		if t.Layer != NoLayer {
			fmt.Fprintf(b, "[%d]", t.Layer)
		}
		if t.Unit != "" {
			b.WriteString("_" + t.Unit)
		}
		if t.Example {
			b.WriteString("⁽ⁱ⁾")
		}
		if t.Transpose {
			b.WriteString("ᵀ")
		}
	case Operator, Number, Scalar:
		b.WriteString(t.Name)
	case Fraction:
		writeTextOperand(b, t.Args)
		b.WriteByte('/')
		writeTextOperand(b, t.Den)
	case Function:
		b.WriteString(t.Name)
		if t.Prime {
			b.WriteByte('\'')
		}
		b.WriteByte('(')
		t.Args.writeText(b)
		b.WriteByte(')')
	case Summation:
		b.WriteString("Σ_" + t.Name + " ")
		t.Args.writeText(b)
	case Group:
		b.WriteString(t.Name)
		t.Args.writeText(b)
		b.WriteString(closing(t.Name))
	case Norm:
		b.WriteString("‖")
		t.Args.writeText(b)
		b.WriteString("‖²")
		if t.Name != "" {
			b.WriteString("_" + t.Name)
		}
	case Square:
		writeTextOperand(b, t.Args)
		b.WriteString("²")
	default:
		panic(fmt.Sprintf("explain: invalid term kind %d", int(t.Kind)))
	}
	if t.Shape != nil {
		b.WriteString(" " + t.Shape.String())
	}
}

// writeTextOperand writes e, in parentheses unless it is a single term.
func writeTextOperand(b *strings.Builder, e Expr) {
	if len(e) == 1 {
		e[0].writeText(b)
		return
	}
	b.WriteByte('(')
	e.writeText(b)
	b.WriteByte(')')
}

func closing(open string) string {
	if open == "[" {
		return "]"
	}
	return ")"
}

// LaTeX returns the expression in LaTeX math mode, with each shape set
// under its term by \underset (package amsmath), as in
//
//	\frac{1}{m} \cdot \underset{(20, m)}{dZ^{[1]}} \cdot \underset{(m, 12288)}{A^{[0]\top}}
func (e Expr) LaTeX() string {
	var b strings.Builder
	e.writeLaTeX(&b)
	return b.String()
}

func (e Expr) writeLaTeX(b *strings.Builder) {
	for i, t := range e {
		if i > 0 && spaced(e[i-1], t, i-1 == 0) {
			b.WriteByte(' ')
		}
		t.writeLaTeX(b)
	}
}

var latexOperators = map[string]string{"+": "+", "−": "-", "·": `\cdot`, "⊙": `\odot`, "=": "=", ",": ","}

var latexSymbols = map[string]string{
	"α": `\alpha`, "λ": `\lambda`,
	"σ": `\sigma`, "tanh": `\tanh`, "log": `\log`,
	"relu": `\operatorname{relu}`, "leaky_relu": `\operatorname{leaky\_relu}`,
	"linear": `\operatorname{linear}`, "softmax": `\operatorname{softmax}`,
	"diag": `\operatorname{diag}`,
}

func latexSymbol(s string) string {
	if v, ok := latexSymbols[s]; ok {
		return v
	}
	return s
}

func (t Term) writeLaTeX(b *strings.Builder) {
	var body strings.Builder
	switch t.Kind {
	case Quantity:
		body.WriteString(t.Name)
		var sup string
		if t.Layer != NoLayer {
			sup += fmt.Sprintf("[%d]", t.Layer)
		}
		if t.Example {
			sup += "(i)"
		}
		if t.Transpose {
			sup += `\top`
		}
		if sup != "" {
			body.WriteString("^{" + sup + "}")
		}
		if len(t.Unit) > 1 {
			// A word such as "data" is a label, set upright.
			body.WriteString(`_{\mathrm{` + t.Unit + "}}")
		} else if t.Unit != "" {
			body.WriteString("_{" + t.Unit + "}")
		}
	case Operator:
		op, ok := latexOperators[t.Name]
		if !ok {
			panic(fmt.Sprintf("explain: no LaTeX form for operator %q", t.Name))
		}
		body.WriteString(op)
	case Number, Scalar:
		body.WriteString(latexSymbol(t.Name))
	case Fraction:
		body.WriteString(`\frac{` + t.Args.LaTeX() + "}{" + t.Den.LaTeX() + "}")
	case Function:
		body.WriteString(latexSymbol(t.Name))
		if t.Prime {
			body.WriteByte('\'')
		}
		body.WriteString(`\left(` + t.Args.LaTeX() + `\right)`)
	case Summation:
		body.WriteString(`\sum_{` + latexIndexRange(t.Name) + "} " + t.Args.LaTeX())
	case Group:
		body.WriteString(`\left` + t.Name + " " + t.Args.LaTeX() + ` \right` + closing(t.Name))
	case Norm:
		body.WriteString(`\lVert ` + t.Args.LaTeX() + ` \rVert`)
		if t.Name != "" {
			body.WriteString("_{" + t.Name + "}")
		}
		body.WriteString("^{2}")
	case Square:
		if len(t.Args) == 1 {
			body.WriteString("{" + t.Args.LaTeX() + "}^{2}")
		} else {
			body.WriteString(`\left(` + t.Args.LaTeX() + `\right)^{2}`)
		}
	default:
		panic(fmt.Sprintf("explain: invalid term kind %d", int(t.Kind)))
	}
	if t.Shape == nil {
		b.WriteString(body.String())
		return
	}
	fmt.Fprintf(b, `\underset{(%s, %s)}{%s}`, t.Shape.Rows, t.Shape.Cols, body.String())
}

// latexIndexRange returns the range of a summation index: i runs over the
// m examples, l over the L layers and k over the output units.
func latexIndexRange(index string) string {
	switch index {
	case "i":
		return "i=1}^{m"
	case "l":
		return "l=1}^{L"
	}
	return index
}

// The builders below keep the equation code in equations.go short.

// quantity returns the quantity name[l]; l may be NoLayer.
func quantity(name string, l int) Term { return Term{Kind: Quantity, Name: name, Layer: l} }

func (t Term) transposed() Term { t.Transpose = true; return t }

func (t Term) ofExample() Term { t.Example = true; return t }

func (t Term) ofUnit(k string) Term { t.Unit = k; return t }

func (t Term) shaped(s Shape) Term { t.Shape = &s; return t }

func operator(s string) Term { return Term{Kind: Operator, Name: s} }

func number(s string) Term { return Term{Kind: Number, Name: s} }

func scalar(s string) Term { return Term{Kind: Scalar, Name: s} }

func fraction(num, den Expr) Term { return Term{Kind: Fraction, Args: num, Den: den} }

func function(name string, args ...Term) Term { return Term{Kind: Function, Name: name, Args: args} }

func derivative(name string, args ...Term) Term {
	return Term{Kind: Function, Name: name, Prime: true, Args: args}
}

func summation(index string, body ...Term) Term {
	return Term{Kind: Summation, Name: index, Args: body}
}

func group(open string, body ...Term) Term { return Term{Kind: Group, Name: open, Args: body} }

func norm(sub string, body ...Term) Term { return Term{Kind: Norm, Name: sub, Args: body} }

func square(base ...Term) Term { return Term{Kind: Square, Args: base} }

// overM returns the fraction 1/m.
func overM() Term { return fraction(Expr{number("1")}, Expr{scalar("m")}) }
