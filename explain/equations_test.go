package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/nn"
)

var slope02 = 0.2

// testArchs covers every activation, each loss, matched and unmatched
// outputs, and a hidden softmax layer.
var testArchs = []Arch{
	{Sizes: []int{12288, 1}, Acts: []nn.Activation{nn.Sigmoid}, Loss: nn.BCE},
	{Sizes: []int{2, 4, 1}, Acts: []nn.Activation{nn.Tanh, nn.Sigmoid}, Loss: nn.BCE},
	{Sizes: []int{12288, 20, 7, 5, 1}, Acts: []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, Loss: nn.BCE},
	{Sizes: []int{4, 5, 3}, Acts: []nn.Activation{nn.LeakyReLU, nn.Softmax}, Loss: nn.CCE, LeakySlope: &slope02},
	{Sizes: []int{3, 6, 2}, Acts: []nn.Activation{nn.Sigmoid, nn.Sigmoid}, Loss: nn.BCE},
	{Sizes: []int{2, 4, 2}, Acts: []nn.Activation{nn.Tanh, nn.Tanh}, Loss: nn.MSE},
	{Sizes: []int{2, 3}, Acts: []nn.Activation{nn.Softmax}, Loss: nn.MSE},
	{Sizes: []int{3, 4, 4, 1}, Acts: []nn.Activation{nn.Softmax, nn.Linear, nn.Linear}, Loss: nn.MSE},
	{Sizes: []int{3, 4, 1}, Acts: []nn.Activation{nn.ReLU, nn.Sigmoid}, Loss: nn.MSE},
	{Sizes: []int{3, 4, 1}, Acts: []nn.Activation{nn.LeakyReLU, nn.ReLU}, Loss: nn.MSE},
}

// resultShape evaluates the shapes of a right-hand side. It splits the
// expression at + and − into summands; within a summand · multiplies
// matrices and ⊙ needs equal shapes, while scalars, Σ_i (which keeps the
// shape of one column) and unshaped terms are skipped. The summands must
// have equal shapes, except that + broadcasts a column b[l]. ok is false
// when the expression has no shaped term.
func resultShape(e Expr) (s Shape, ok bool, err error) {
	product := func(terms Expr) (s Shape, ok bool, err error) {
		op := ""
		for _, t := range terms {
			if t.Kind == Operator {
				op = t.Name
				continue
			}
			if t.Kind == Summation && len(t.Args) == 1 {
				t = t.Args[0]
			}
			if t.Shape == nil {
				continue
			}
			cur := *t.Shape
			switch {
			case !ok:
				s, ok = cur, true
			case op == "·":
				if s.Cols != cur.Rows {
					return s, ok, fmt.Errorf("%v · %v: inner dimensions differ", s, cur)
				}
				s = Shape{s.Rows, cur.Cols}
			case op == "⊙":
				if s != cur {
					return s, ok, fmt.Errorf("%v ⊙ %v: shapes differ", s, cur)
				}
			}
		}
		return s, ok, nil
	}

	var summand Expr
	op := ""
	flush := func() error {
		cur, curOK, err := product(summand)
		summand = nil
		if err != nil || !curOK {
			return err
		}
		switch {
		case !ok:
			s, ok = cur, true
		case cur == s:
		case op == "+" && cur.Cols == 1 && cur.Rows == s.Rows:
		default:
			return fmt.Errorf("%v %s %v: shapes differ", s, op, cur)
		}
		return nil
	}
	for _, t := range e {
		if t.Kind == Operator && (t.Name == "+" || t.Name == "−") {
			if err := flush(); err != nil {
				return s, ok, err
			}
			op = t.Name
			continue
		}
		summand = append(summand, t)
	}
	err = flush()
	return s, ok, err
}

func TestEquationShapes(t *testing.T) {
	for i, a := range testArchs {
		for _, m := range []int{0, 7} {
			e, err := NewEquations(a, m, 0.5)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			for _, st := range e.withInputGrad().Steps {
				for _, q := range st.Equations {
					if q.Shape == nil {
						continue
					}
					lhs := q.LHS[0]
					if lhs.Shape == nil {
						t.Errorf("case %d m %d: %s has no shape on its left-hand side", i, m, q.Name)
						continue
					}
					want := *lhs.Shape
					if !q.PerExample && want != *q.Shape {
						t.Errorf("case %d m %d: %s: left-hand side %v, Shape %v", i, m, q.Name, want, *q.Shape)
					}
					got, ok, err := resultShape(q.RHS[0])
					if err != nil {
						t.Errorf("case %d m %d: %s: %v", i, m, q.Text(), err)
						continue
					}
					if ok && got != want {
						t.Errorf("case %d m %d: %s: right-hand side is %v, want %v", i, m, q.Text(), got, want)
					}
				}
			}
		}
	}
}

func TestEquationsSteps(t *testing.T) {
	for i, a := range testArchs {
		e, err := NewEquations(a, 0, 0)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		L := a.L()
		var phases []Phase
		for _, st := range e.Steps {
			phases = append(phases, st.Phase)
		}
		var want []Phase
		for l := 1; l <= L; l++ {
			want = append(want, Forward)
		}
		want = append(want, Cost, Output)
		for l := 1; l <= L; l++ {
			want = append(want, Backward)
		}
		want = append(want, Update)
		if fmt.Sprint(phases) != fmt.Sprint(want) {
			t.Errorf("case %d: phases %v, want %v", i, phases, want)
		}

		// Every quantity of a pass has exactly the equation nn's names
		// give it, dA[0] only with InputGrad.
		names := []string{"J"}
		for l := 1; l <= L; l++ {
			names = append(names, fmt.Sprintf("Z[%d]", l), fmt.Sprintf("A[%d]", l),
				fmt.Sprintf("dZ[%d]", l), fmt.Sprintf("dW[%d]", l), fmt.Sprintf("db[%d]", l))
			if l < L {
				names = append(names, fmt.Sprintf("dA[%d]", l))
			}
		}
		for _, name := range names {
			if _, ok := e.Find(name); !ok {
				t.Errorf("case %d: no equation for %s", i, name)
			}
		}
		_, hasOutputDA := e.Find(fmt.Sprintf("dA[%d]", L))
		if hasOutputDA == a.Matched() {
			t.Errorf("case %d: equation for dA[%d] present = %v for matched = %v", i, L, hasOutputDA, a.Matched())
		}
		if _, ok := e.Find("dA[0]"); ok {
			t.Errorf("case %d: dA[0] without InputGrad", i)
		}
		if _, ok := e.withInputGrad().Find("dA[0]"); !ok {
			t.Errorf("case %d: no dA[0] with InputGrad", i)
		}

		out, _ := e.Find(fmt.Sprintf("dZ[%d]", L))
		fused := fmt.Sprintf("dZ[%d] %s = A[%d] %s − Y %s", L, e.zShape(L), L, e.zShape(L), e.zShape(L))
		if a.Matched() != (out.Text() == fused) {
			t.Errorf("case %d: output equation %q, matched = %v", i, out.Text(), a.Matched())
		}
	}
}

func TestEquationsText(t *testing.T) {
	a := goldenArchs[3].arch
	e, err := NewEquations(a, 0, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"Z[1]", "Z[1] (20, m) = W[1] (20, 12288) · A[0] (12288, m) + b[1] (20, 1)"},
		{"A[1]", "A[1] (20, m) = relu(Z[1])"},
		{"A[4]", "A[4] (1, m) = σ(Z[4])"},
		{"J", "J = J_data + J_L2"},
		{"J_L2", "J_L2 = λ/(2m) · (‖W[1]‖²_F + ‖W[2]‖²_F + ‖W[3]‖²_F + ‖W[4]‖²_F)"},
		{"dZ[4]", "dZ[4] (1, m) = A[4] (1, m) − Y (1, m)"},
		{"dW[1]", "dW[1] (20, 12288) = 1/m · dZ[1] (20, m) · A[0]ᵀ (m, 12288) + λ/m · W[1] (20, 12288)"},
		{"db[2]", "db[2] (7, 1) = 1/m · Σ_i dZ[2]⁽ⁱ⁾ (7, 1)"},
		{"dA[3]", "dA[3] (5, m) = W[4]ᵀ (5, 1) · dZ[4] (1, m)"},
		{"dZ[3]", "dZ[3] (5, m) = dA[3] (5, m) ⊙ relu'(Z[3]) (5, m)"},
	} {
		q, ok := e.Find(tc.name)
		if !ok {
			t.Errorf("no equation for %s", tc.name)
			continue
		}
		if got := q.Text(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestEquationsUnmatched(t *testing.T) {
	for i, tc := range []struct {
		arch Arch
		want []string
	}{
		{testArchs[5], []string{
			"dA[2] (2, m) = A[2] (2, m) − Y (2, m)",
			"dZ[2] (2, m) = dA[2] (2, m) ⊙ tanh'(Z[2]) (2, m) = dA[2] ⊙ (1 − A[2]²)",
		}},
		{testArchs[6], []string{
			"dA[1] (3, m) = A[1] (3, m) − Y (3, m)",
			"dZ[1]⁽ⁱ⁾ (3, 1) = (diag(A[1]⁽ⁱ⁾) − A[1]⁽ⁱ⁾ · A[1]⁽ⁱ⁾ᵀ) · dA[1]⁽ⁱ⁾ (3, 1), for each example i",
		}},
		{testArchs[8], []string{
			"dA[2] (1, m) = A[2] (1, m) − Y (1, m)",
			"dZ[2] (1, m) = dA[2] (1, m) ⊙ σ'(Z[2]) (1, m) = dA[2] ⊙ A[2] ⊙ (1 − A[2])",
		}},
	} {
		e, err := NewEquations(tc.arch, 0, 0)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var out Step
		for _, st := range e.Steps {
			if st.Phase == Output {
				out = st
			}
		}
		if len(out.Equations) != len(tc.want) {
			t.Fatalf("case %d: %d output equations, want %d", i, len(out.Equations), len(tc.want))
		}
		for k, q := range out.Equations {
			if got := q.Text(); got != tc.want[k] {
				t.Errorf("case %d:\n got %s\nwant %s", i, got, tc.want[k])
			}
		}
	}
}

func TestEquationsLaTeXIsASCII(t *testing.T) {
	for i, a := range testArchs {
		e, err := NewEquations(a, 5, 0.1)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var b bytes.Buffer
		if err := e.withInputGrad().Render(&b, LaTeX); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		for n, line := range strings.Split(b.String(), "\n") {
			for _, r := range line {
				if r > 0x7e {
					t.Errorf("case %d: LaTeX line %d has %q: %s", i, n+1, r, line)
					break
				}
			}
		}
		if !strings.HasSuffix(b.String(), "\\end{document}\n") {
			t.Errorf("case %d: LaTeX does not end the document", i)
		}
	}
}

func TestEquationsErrors(t *testing.T) {
	a := goldenArchs[1].arch
	for i, tc := range []struct {
		m      int
		lambda float64
		want   string
	}{
		{-1, 0, "m = -1"},
		{0, -0.5, "λ = -0.5"},
		{0, nanValue(), "λ = NaN"},
	} {
		if _, err := NewEquations(a, tc.m, tc.lambda); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: error %v, want one containing %q", i, err, tc.want)
		}
	}
	if _, err := NewEquations(Arch{Sizes: []int{2, 1}, Acts: []nn.Activation{nn.Tanh}, Loss: nn.CCE}, 0, 0); err == nil {
		t.Error("tanh with cce: no error")
	}
}

func TestEquationsJSON(t *testing.T) {
	e, err := NewEquations(goldenArchs[1].arch, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"phase":"forward"`, `"kind":"quantity","name":"W","layer":1,"shape":[4,2]`, `"rel":"="`, `"tex":"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want Format
	}{{"text", Text}, {"md", Markdown}, {"Markdown", Markdown}, {"latex", LaTeX}, {"tex", LaTeX}} {
		if got, err := ParseFormat(tc.s); err != nil || got != tc.want {
			t.Errorf("ParseFormat(%q) = %v, %v, want %v", tc.s, got, err, tc.want)
		}
	}
	if _, err := ParseFormat("html"); err == nil || !strings.Contains(err.Error(), `"html"`) {
		t.Errorf("ParseFormat(html): error %v", err)
	}
	if err := (&Equations{}).Render(&bytes.Buffer{}, Format(9)); err == nil {
		t.Error("Render with an invalid format: no error")
	}
}

func TestExprRender(t *testing.T) {
	for i, tc := range []struct {
		e           Expr
		text, latex string
	}{
		{Expr{overM(), operator("·"), quantity("dZ", 1).shaped(Shape{20, M}), operator("·"), quantity("A", 0).transposed().shaped(Shape{M, 12288})},
			"1/m · dZ[1] (20, m) · A[0]ᵀ (m, 12288)",
			`\frac{1}{m} \cdot \underset{(20, m)}{dZ^{[1]}} \cdot \underset{(m, 12288)}{A^{[0]\top}}`},
		{Expr{operator("−"), overM(), operator("·"), summation("i", summation("k", quantity("Y", NoLayer).ofUnit("k").ofExample(), operator("·"),
			function("log", quantity("A", 2).ofUnit("k").ofExample())))},
			"−1/m · Σ_i Σ_k Y_k⁽ⁱ⁾ · log(A[2]_k⁽ⁱ⁾)",
			`-\frac{1}{m} \cdot \sum_{i=1}^{m} \sum_{k} Y^{(i)}_{k} \cdot \log\left(A^{[2](i)}_{k}\right)`},
		{Expr{fraction(Expr{scalar("λ")}, Expr{number("2"), scalar("m")}), operator("·"), norm("F", quantity("W", 1))},
			"λ/(2m) · ‖W[1]‖²_F",
			`\frac{\lambda}{2m} \cdot \lVert W^{[1]} \rVert_{F}^{2}`},
		{Expr{quantity("dA", 1), operator("⊙"), group("(", number("1"), operator("−"), square(quantity("A", 1)))},
			"dA[1] ⊙ (1 − A[1]²)",
			`dA^{[1]} \odot \left( 1 - {A^{[1]}}^{2} \right)`},
		{Expr{derivative("leaky_relu", quantity("Z", 2)).shaped(Shape{3, 4})},
			"leaky_relu'(Z[2]) (3, 4)",
			`\underset{(3, 4)}{\operatorname{leaky\_relu}'\left(Z^{[2]}\right)}`},
		{Expr{scalarQuantity("J").ofUnit("data")}, "J_data", `J_{\mathrm{data}}`},
	} {
		if got := tc.e.Text(); got != tc.text {
			t.Errorf("case %d: Text\n got %s\nwant %s", i, got, tc.text)
		}
		if got := tc.e.LaTeX(); got != tc.latex {
			t.Errorf("case %d: LaTeX\n got %s\nwant %s", i, got, tc.latex)
		}
	}
}

func TestNoteForms(t *testing.T) {
	n := note("Keep ", Expr{group("(", quantity("A", 0), operator(","), quantity("Z", 1))}, " 50% & more_{x}.")
	if n.Text != "Keep (A[0], Z[1]) 50% & more_{x}." {
		t.Errorf("Text = %q", n.Text)
	}
	if want := `Keep $\left( A^{[0]}, Z^{[1]} \right)$ 50\% \& more\_\{x\}.`; n.TeX != want {
		t.Errorf("TeX = %q, want %q", n.TeX, want)
	}
	if n.textForWrap() != "Keep (A[0],"+nbsp+"Z[1]) 50% & more_{x}." {
		t.Errorf("wrap text = %q", n.textForWrap())
	}
	defer func() {
		if recover() == nil {
			t.Error("note with non-ASCII prose did not panic")
		}
	}()
	note("λ in prose")
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four"+nbsp+"five six", 10)
	want := []string{"one two", "three", "four five", "six"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("wrap = %q, want %q", got, want)
	}
}
