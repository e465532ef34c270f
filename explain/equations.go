package explain

import (
	"fmt"
	"math"
	"strconv"

	"github.com/backprop-go/backprop/nn"
)

// Equations is the multi-layer backpropagation method for one
// architecture as numbered steps, with every equation instantiated with
// the architecture's shapes.
type Equations struct {
	Arch Arch `json:"architecture"`
	// M is the number of examples m, or 0 when m is symbolic.
	M int `json:"examples,omitempty"`
	// Lambda is the L2 strength λ; 0 leaves the L2 terms out.
	Lambda float64 `json:"lambda"`
	// InputGrad adds dA[0] = W[1]ᵀ·dZ[1], the gradient with respect to X,
	// to the last backward step.
	InputGrad bool   `json:"input_grad,omitempty"`
	Steps     []Step `json:"steps"`
}

// Phase is the part of a gradient step that a Step belongs to.
type Phase int

// The phases, in the order a gradient step runs them.
const (
	Forward  Phase = iota + 1 // Z[l] and A[l] for l = 1 … L
	Cost                      // J
	Output                    // dZ[L], and dA[L] for an unmatched output
	Backward                  // dW[l], db[l], dA[l−1], dZ[l−1] for l = L … 1
	Update                    // W[l] and b[l] for l = 1 … L
)

var phaseNames = [...]string{Forward: "forward", Cost: "cost", Output: "output", Backward: "backward", Update: "update"}

// String returns the phase's name in lower case.
func (p Phase) String() string {
	if p >= Forward && p <= Update {
		return phaseNames[p]
	}
	return "Phase(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Step is one numbered step of the method.
type Step struct {
	Phase Phase `json:"phase"`
	// Layer is the layer l the step works on, or 0 for the cost and the
	// update, which involve every layer.
	Layer int `json:"layer,omitempty"`
	// Title names the step in plain ASCII words, such as "Forward
	// propagation, layer 1 (tanh)".
	Title     string     `json:"title"`
	Equations []Equation `json:"equations"`
	// Notes explain the step: what it keeps, and why its equations hold.
	Notes []Note `json:"notes,omitempty"`
}

// Equation is one computed quantity: LHS Rel RHS[0] = RHS[1] = …, where
// each later right-hand side rewrites the one before.
type Equation struct {
	// Name is the quantity computed, as nn and a Trace name it: "Z[1]",
	// "dW[2]", "dA[0]", "J"; an update is named after the parameter,
	// "W[1]".
	Name string `json:"name"`
	// Shape is the shape of the result, or nil for the scalar J.
	Shape *Shape `json:"shape"`
	LHS   Expr   `json:"lhs"`
	// Rel is "=", or ":=" for an update that overwrites its left-hand side.
	Rel string `json:"rel"`
	RHS []Expr `json:"rhs"`
	// PerExample marks an equation written for the column of one example
	// i, which holds for each i; Shape is still that of the whole result.
	PerExample bool `json:"per_example,omitempty"`
}

// Text returns the equation in Unicode math, as in
//
//	dW[1] (20, 12288) = 1/m · dZ[1] (20, m) · A[0]ᵀ (m, 12288)
func (q Equation) Text() string {
	s := q.LHS.Text() + " " + q.Rel
	for i, r := range q.RHS {
		if i > 0 {
			s += " ="
		}
		s += " " + r.Text()
	}
	if q.PerExample {
		s += ", for each example i"
	}
	return s
}

// LaTeX returns the equation in LaTeX math mode, with an & before its
// relation for an align environment.
func (q Equation) LaTeX() string {
	s := q.LHS.LaTeX() + " &" + q.Rel
	for i, r := range q.RHS {
		if i > 0 {
			s += " ="
		}
		s += " " + r.LaTeX()
	}
	if q.PerExample {
		s += `, \quad \text{for each example } i`
	}
	return s
}

// Find returns the equation that computes the quantity name, such as
// "dW[2]", and whether there is one. Update steps are not searched, so
// "W[1]" is not found.
func (e *Equations) Find(name string) (Equation, bool) {
	for _, st := range e.Steps {
		if st.Phase == Update {
			continue
		}
		for _, q := range st.Equations {
			if q.Name == name {
				return q, true
			}
		}
	}
	return Equation{}, false
}

// NewEquations returns the backpropagation method of architecture a for m
// examples (0 leaves m symbolic) and L2 strength λ (0 leaves the L2 terms
// out). It returns an error if a is invalid (see Arch.Validate), m is
// negative, or λ is negative or not finite.
func NewEquations(a Arch, m int, lambda float64) (*Equations, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if m < 0 {
		return nil, fmt.Errorf("explain: number of examples m = %d; give m ≥ 1, or 0 to leave it symbolic", m)
	}
	if lambda < 0 || math.IsNaN(lambda) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("explain: L2 strength λ = %v; it must be a finite number ≥ 0", lambda)
	}
	e := &Equations{Arch: a, M: m, Lambda: lambda}
	e.build()
	return e, nil
}

// withInputGrad returns a copy of e with dA[0] added to the last backward
// step.
func (e *Equations) withInputGrad() *Equations {
	c := &Equations{Arch: e.Arch, M: e.M, Lambda: e.Lambda, InputGrad: true}
	c.build()
	return c
}

func (e *Equations) build() {
	L := e.Arch.L()
	e.Steps = nil
	for l := 1; l <= L; l++ {
		e.Steps = append(e.Steps, e.forwardStep(l))
	}
	e.Steps = append(e.Steps, e.costStep(), e.outputStep())
	for l := L; l >= 1; l-- {
		e.Steps = append(e.Steps, e.backwardStep(l))
	}
	e.Steps = append(e.Steps, e.updateStep())
}

// cols returns the column count of Z[l] and A[l]: m, or M.
func (e *Equations) cols() Dim {
	if e.M == 0 {
		return M
	}
	return Dim(e.M)
}

// n returns n[l] as a Dim.
func (e *Equations) n(l int) Dim { return Dim(e.Arch.Sizes[l]) }

// The shapes of a layer's quantities.
func (e *Equations) wShape(l int) Shape { return Shape{e.n(l), e.n(l - 1)} }
func (e *Equations) bShape(l int) Shape { return Shape{e.n(l), 1} }
func (e *Equations) zShape(l int) Shape { return Shape{e.n(l), e.cols()} }

// equation returns the equation name = rhs…, whose left-hand side is the
// quantity name[l] with shape s.
func equation(name string, l int, s Shape, rhs ...Expr) Equation {
	return Equation{
		Name:  fmt.Sprintf("%s[%d]", name, l),
		Shape: &s,
		LHS:   Expr{quantity(name, l).shaped(s)},
		Rel:   "=",
		RHS:   rhs,
	}
}

func (e *Equations) forwardStep(l int) Step {
	g := e.Arch.G(l)
	st := Step{
		Phase: Forward,
		Layer: l,
		Title: fmt.Sprintf("Forward propagation, layer %d (%s)", l, g),
	}
	// Z[l] = W[l]·A[l−1] + b[l]
	st.Equations = append(st.Equations, equation("Z", l, e.zShape(l), Expr{
		quantity("W", l).shaped(e.wShape(l)), operator("·"),
		quantity("A", l-1).shaped(e.zShape(l - 1)), operator("+"),
		quantity("b", l).shaped(e.bShape(l)),
	}))
	// A[l] = g[l](Z[l])
	st.Equations = append(st.Equations, equation("A", l, e.zShape(l), Expr{apply(g, quantity("Z", l))}))

	cache := Expr{group("(", quantity("A", l-1), operator(","), quantity("Z", l))}
	if l == 1 {
		st.Notes = append(st.Notes, note(
			quantity("A", 0), mathRaw(" = X", " = X"), " holds the inputs, one example per column."))
		st.Notes = append(st.Notes, note("Keep the cache ", cache, ". Each layer keeps ",
			mathRaw("(A[l−1], Z[l])", `\left(A^{[l-1]}, Z^{[l]}\right)`), " because backward propagation reads ",
			mathRaw("A[l−1]", `A^{[l-1]}`), " to form ", mathRaw("dW[l]", `dW^{[l]}`), " and ",
			mathRaw("Z[l]", `Z^{[l]}`), " to form ", mathRaw("g'[l](Z[l])", `g'^{[l]}\left(Z^{[l]}\right)`),
			", which saves computing them again."))
	} else {
		st.Notes = append(st.Notes, note("Keep the cache ", cache, "."))
	}
	if l == e.Arch.L() {
		st.Notes = append(st.Notes, note(quantity("A", l), mathRaw(" = Ŷ", ` = \hat{Y}`),
			" is the output of the network. "+outputMeaningProse(e.Arch)))
	}
	if a := e.Arch; a.L() == 1 && a.Sizes[1] == 1 && a.Matched() && g == nn.Sigmoid {
		st.Notes = append(st.Notes, note("One sigmoid unit with binary cross-entropy is logistic regression: for one example x, ",
			mathRaw("ŷ = σ(wᵀx + b)", `\hat{y} = \sigma(w^{\top} x + b)`), " with ",
			mathRaw("w = W[1]ᵀ", `w = W^{[1]\top}`), " and ", mathRaw("b = b[1]", `b = b^{[1]}`), "."))
	}
	return st
}

// apply returns g applied to z: σ(Z[1]), relu(Z[2]), or Z[l] itself for
// a linear layer.
func apply(g nn.Activation, z Term) Term {
	if g == nn.Linear {
		return z
	}
	return function(funcName(g), z)
}

// funcName returns the function name of g in equations: σ for the
// sigmoid, the nn name for the others.
func funcName(g nn.Activation) string {
	if g == nn.Sigmoid {
		return "σ"
	}
	return g.String()
}

func outputMeaningProse(a Arch) string {
	L := a.L()
	switch g := a.G(L); {
	case g == nn.Sigmoid && a.Loss == nn.BCE:
		return "Each entry is the predicted probability that its label is 1."
	case g == nn.Softmax && a.Loss == nn.CCE:
		return "Each column holds one example's predicted class probabilities, which sum to 1."
	}
	return "It is the predicted value."
}

func (e *Equations) costStep() Step {
	a := e.Arch
	L := a.L()
	st := Step{Phase: Cost, Title: fmt.Sprintf("Cost (%s)", lossNames[a.Loss])}

	y := quantity("Y", NoLayer).ofExample()
	aL := quantity("A", L).ofExample()
	var rhs Expr
	switch {
	case a.Loss == nn.BCE:
		// Several sigmoid outputs each add a binary cross-entropy term.
		sums := []Term{summation("i")}
		if a.Sizes[L] > 1 {
			y, aL = y.ofUnit("k"), aL.ofUnit("k")
			sums = append(sums, summation("k"))
		}
		body := group("[",
			y, operator("·"), function("log", aL), operator("+"),
			group("(", number("1"), operator("−"), y), operator("·"),
			function("log", number("1"), operator("−"), aL))
		rhs = Expr{operator("−"), overM(), operator("·"), nestSums(sums, body)}
	case a.Loss == nn.CCE:
		y, aL = y.ofUnit("k"), aL.ofUnit("k")
		rhs = Expr{operator("−"), overM(), operator("·"),
			summation("i", summation("k", y, operator("·"), function("log", aL)))}
	default:
		rhs = Expr{fraction(Expr{number("1")}, Expr{number("2"), scalar("m")}), operator("·"),
			summation("i", norm("", aL, operator("−"), y))}
	}
	if e.Lambda == 0 {
		st.Equations = []Equation{{Name: "J", LHS: Expr{scalarQuantity("J")}, Rel: "=", RHS: []Expr{rhs}}}
	} else {
		// J = J_data + J_L2, the two terms nn.Network.CostTerms returns.
		l2 := Expr{fraction(Expr{scalar("λ")}, Expr{number("2"), scalar("m")}), operator("·")}
		var norms Expr
		for l := 1; l <= L; l++ {
			if l > 1 {
				norms = append(norms, operator("+"))
			}
			norms = append(norms, norm("F", quantity("W", l)))
		}
		if L == 1 {
			l2 = append(l2, norms...)
		} else {
			l2 = append(l2, group("(", norms...))
		}
		data, reg := scalarQuantity("J").ofUnit("data"), scalarQuantity("J").ofUnit("L2")
		st.Equations = []Equation{
			{Name: "J_data", LHS: Expr{data}, Rel: "=", RHS: []Expr{rhs}},
			{Name: "J_L2", LHS: Expr{reg}, Rel: "=", RHS: []Expr{l2}},
			{Name: "J", LHS: Expr{scalarQuantity("J")}, Rel: "=", RHS: []Expr{{data, operator("+"), reg}}},
		}
	}

	switch a.Loss {
	case nn.BCE:
		st.Notes = append(st.Notes, note("The data term is computed from the logits ", quantity("Z", L),
			" in the equivalent form ", mathRaw("max(z, 0) − z·y + log(1 + e^−|z|)", `\max(z, 0) - z y + \log\left(1 + e^{-|z|}\right)`),
			", so a saturated sigmoid never gives log(0)."))
	case nn.CCE:
		st.Notes = append(st.Notes, note("The data term is computed from the logits ", quantity("Z", L),
			" with a log-softmax that subtracts each column's maximum first, so no exponential overflows and log(0) never appears."))
	case nn.MSE:
		st.Notes = append(st.Notes, note("The factor 1/2 makes the derivative of the loss with respect to ",
			quantity("A", L), " simply ", Expr{quantity("A", L), operator("−"), quantity("Y", NoLayer)}, "."))
	}
	if e.Lambda > 0 {
		st.Notes = append(st.Notes, note("The L2 term, with ", mathRaw("λ = "+formatFloat(e.Lambda), `\lambda = `+formatFloat(e.Lambda)),
			", adds the squared Frobenius norm of every weight matrix. Biases are not regularised."))
	}
	return st
}

// scalarQuantity returns a quantity without a layer, such as J.
func scalarQuantity(name string) Term { return quantity(name, NoLayer) }

// nestSums returns sums[0](sums[1](… body)).
func nestSums(sums []Term, body Term) Term {
	t := body
	for i := len(sums) - 1; i >= 0; i-- {
		s := sums[i]
		s.Args = Expr{t}
		t = s
	}
	return t
}

func (e *Equations) outputStep() Step {
	a := e.Arch
	L := a.L()
	g := a.G(L)
	st := Step{Phase: Output, Layer: L, Title: fmt.Sprintf("Output layer %d: dZ[%d] (%s + %s)", L, L, g, a.Loss)}
	s := e.zShape(L)
	AminusY := Expr{quantity("A", L).shaped(s), operator("−"), quantity("Y", NoLayer).shaped(s)}
	if a.Matched() {
		st.Equations = []Equation{equation("dZ", L, s, AminusY)}
		st.Notes = append(st.Notes, matchedNotes(a)...)
		return st
	}
	// Only mse takes an unmatched output; nn rejects bce and cce with any
	// output but their own.
	st.Equations = []Equation{equation("dA", L, s, AminusY), e.dzEquation(L)}
	st.Notes = append(st.Notes, note(quantity("dA", L), " is the derivative of the loss ",
		mathRaw("½‖a − y‖²", `\tfrac{1}{2}\lVert a - y \rVert^{2}`), " with respect to a. ",
		fmt.Sprintf("%s + %s is not a matched pair: the derivative of %s does not cancel, so it multiplies ", g, a.Loss, g),
		quantity("dA", L), "."))
	st.Notes = append(st.Notes, e.derivativeNotes(L)...)
	return st
}

// matchedNotes derives dZ[L] = A[L] − Y for a's matched output and loss.
func matchedNotes(a Arch) []Note {
	L := a.L()
	var why Note
	switch a.Loss {
	case nn.BCE:
		why = note("Why ", Expr{quantity("A", L), operator("−"), quantity("Y", NoLayer)}, ": for one example, ",
			mathRaw("loss = −[y·log a + (1 − y)·log(1 − a)]", `\ell = -\left[y \log a + (1 - y) \log(1 - a)\right]`),
			" with ", mathRaw("a = σ(z)", `a = \sigma(z)`), ", so ",
			mathRaw("∂loss/∂a = −y/a + (1 − y)/(1 − a) = (a − y) / (a(1 − a))",
				`\frac{\partial \ell}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a} = \frac{a - y}{a(1 - a)}`),
			", and ", mathRaw("σ'(z) = a(1 − a)", `\sigma'(z) = a(1 - a)`), ". Their product is ",
			mathRaw("∂loss/∂z = a − y", `\frac{\partial \ell}{\partial z} = a - y`),
			": the derivative of the sigmoid cancels against the derivative of the loss.")
	case nn.CCE:
		why = note("Why ", Expr{quantity("A", L), operator("−"), quantity("Y", NoLayer)}, ": for one example, ",
			mathRaw("loss = −Σ_k y_k·log a_k", `\ell = -\sum_k y_k \log a_k`), " with ",
			mathRaw("a = softmax(z)", `a = \operatorname{softmax}(z)`), ", whose Jacobian is ",
			mathRaw("∂a_k/∂z_j = a_k(δ_kj − a_j)", `\frac{\partial a_k}{\partial z_j} = a_k(\delta_{kj} - a_j)`), ". So ",
			mathRaw("∂loss/∂z_j = −Σ_k (y_k/a_k)·a_k(δ_kj − a_j) = −y_j + a_j·Σ_k y_k = a_j − y_j",
				`\frac{\partial \ell}{\partial z_j} = -\sum_k \frac{y_k}{a_k} a_k(\delta_{kj} - a_j) = -y_j + a_j \sum_k y_k = a_j - y_j`),
			", because a one-hot y sums to 1: the softmax Jacobian cancels against the derivative of the loss.")
	case nn.MSE:
		why = note("Why ", Expr{quantity("A", L), operator("−"), quantity("Y", NoLayer)}, ": for one example, ",
			mathRaw("loss = ½‖a − y‖²", `\ell = \tfrac{1}{2}\lVert a - y \rVert^{2}`), " with ",
			mathRaw("a = z", `a = z`), ", so ", mathRaw("∂loss/∂z = ∂loss/∂a = a − y", `\frac{\partial \ell}{\partial z} = \frac{\partial \ell}{\partial a} = a - y`),
			": a linear output has derivative 1.")
	}
	notes := []Note{why}
	switch a.Loss {
	case nn.BCE:
		notes = append(notes, note("It is computed this way, never through ",
			mathRaw(fmt.Sprintf("dA[%d] = −Y/A[%d] + (1 − Y)/(1 − A[%d])", L, L, L),
				fmt.Sprintf(`dA^{[%d]} = -\frac{Y}{A^{[%d]}} + \frac{1 - Y}{1 - A^{[%d]}}`, L, L, L)),
			", which is 0/0 where the sigmoid saturates to exactly 0 or 1. Training never forms ", quantity("dA", L), "."))
	case nn.CCE:
		notes = append(notes, note("It is computed this way, never through ",
			mathRaw(fmt.Sprintf("dA[%d] = −Y/A[%d]", L, L), fmt.Sprintf(`dA^{[%d]} = -\frac{Y}{A^{[%d]}}`, L, L)),
			", which is infinite or 0/0 where a probability underflows to 0. Training never forms ", quantity("dA", L), "."))
	}
	notes = append(notes, note("No 1/m here: ", quantity("dZ", L),
		" is the derivative of the summed loss over the m examples, one column per example."))
	return notes
}

// dzEquation returns dZ[l] = dA[l] pushed through g'[l]: an element-wise
// product for every activation but softmax, whose Jacobian mixes the
// units of a column.
func (e *Equations) dzEquation(l int) Equation {
	g := e.Arch.G(l)
	s := e.zShape(l)
	dA := quantity("dA", l)
	A := quantity("A", l)
	if g == nn.Softmax {
		col := Shape{e.n(l), 1}
		Ai := A.ofExample()
		jac := group("(", function("diag", Ai), operator("−"), Ai, operator("·"), Ai.transposed())
		return Equation{
			Name:       fmt.Sprintf("dZ[%d]", l),
			Shape:      &s,
			LHS:        Expr{quantity("dZ", l).ofExample().shaped(col)},
			Rel:        "=",
			RHS:        []Expr{{jac, operator("·"), dA.ofExample().shaped(col)}},
			PerExample: true,
		}
	}
	first := Expr{dA.shaped(s), operator("⊙"), derivative(funcName(g), quantity("Z", l)).shaped(s)}
	switch g {
	case nn.Sigmoid:
		return equation("dZ", l, s, first, Expr{dA, operator("⊙"), A, operator("⊙"), group("(", number("1"), operator("−"), A)})
	case nn.Tanh:
		return equation("dZ", l, s, first, Expr{dA, operator("⊙"), group("(", number("1"), operator("−"), square(A))})
	case nn.Linear:
		return equation("dZ", l, s, Expr{dA.shaped(s)})
	}
	return equation("dZ", l, s, first)
}

// derivativeNotes explains how dZ[l] is formed from dA[l] for layer l's
// activation.
func (e *Equations) derivativeNotes(l int) []Note {
	g := e.Arch.G(l)
	switch g {
	case nn.Sigmoid:
		return []Note{note(mathRaw("σ'(z) = σ(z)(1 − σ(z))", `\sigma'(z) = \sigma(z)\left(1 - \sigma(z)\right)`),
			", so the derivative comes from the cached ", quantity("A", l), " without another exponential.")}
	case nn.Tanh:
		return []Note{note(mathRaw("tanh'(z) = 1 − tanh²(z)", `\tanh'(z) = 1 - \tanh^{2}(z)`),
			", so the derivative comes from the cached ", quantity("A", l), ".")}
	case nn.ReLU:
		return []Note{note(mathRaw("relu'(z) = 1", `\operatorname{relu}'(z) = 1`), " for z > 0 and 0 otherwise, ",
			"with the convention relu'(0) = 0: the gradient passes through the units that were active and stops at the others.")}
	case nn.LeakyReLU:
		return []Note{note(mathRaw("leaky_relu'(z) = 1", `\operatorname{leaky\_relu}'(z) = 1`), " for z > 0 and ",
			mathRaw(formatFloat(e.Arch.slope()), formatFloat(e.Arch.slope())), " (the slope) otherwise.")}
	case nn.Linear:
		return []Note{note("A linear layer has derivative 1, so ", quantity("dZ", l), " equals ", quantity("dA", l), ".")}
	case nn.Softmax:
		return []Note{note("Softmax is not element-wise: every output of a column depends on every input of it, ",
			"so its Jacobian is the full matrix ",
			mathRaw("diag(a) − a·aᵀ", `\operatorname{diag}(a) - a a^{\top}`),
			" for each example, not a diagonal one. nn computes the product without building the matrix, as ",
			mathRaw("dz = a ⊙ (da − Σ_k a_k·da_k)", `dz = a \odot \left(da - \sum_k a_k\, da_k\right)`), ".")}
	}
	return nil
}

func (e *Equations) backwardStep(l int) Step {
	a := e.Arch
	L := a.L()
	st := Step{Phase: Backward, Layer: l, Title: fmt.Sprintf("Backward propagation, layer %d", l)}

	// dW[l] = 1/m · dZ[l] · A[l−1]ᵀ (+ λ/m · W[l])
	dW := Expr{overM(), operator("·"), quantity("dZ", l).shaped(e.zShape(l)), operator("·"),
		quantity("A", l-1).transposed().shaped(Shape{e.cols(), e.n(l - 1)})}
	if e.Lambda > 0 {
		dW = append(dW, operator("+"), fraction(Expr{scalar("λ")}, Expr{scalar("m")}), operator("·"),
			quantity("W", l).shaped(e.wShape(l)))
	}
	st.Equations = append(st.Equations, equation("dW", l, e.wShape(l), dW))
	// db[l] = 1/m · Σ_i dZ[l]⁽ⁱ⁾
	st.Equations = append(st.Equations, equation("db", l, e.bShape(l), Expr{overM(), operator("·"),
		summation("i", quantity("dZ", l).ofExample().shaped(e.bShape(l)))}))
	if l == L {
		st.Notes = append(st.Notes, note(mathRaw("dW[l]", `dW^{[l]}`), " and ", mathRaw("db[l]", `db^{[l]}`),
			" carry the 1/m because J averages the loss over the m examples. ",
			mathRaw("dZ[l]", `dZ^{[l]}`), " and ", mathRaw("dA[l]", `dA^{[l]}`), " are derivatives of the summed loss, ",
			"so the 1/m enters once, here: the sum over the examples is the matrix product with ",
			mathRaw("A[l−1]ᵀ", `A^{[l-1]\top}`), " in ", mathRaw("dW[l]", `dW^{[l]}`),
			" and the sum over the columns in ", mathRaw("db[l]", `db^{[l]}`), "."))
		if e.Lambda > 0 {
			st.Notes = append(st.Notes, note("The L2 term of J adds ",
				mathRaw("λ/m · W[l]", `\frac{\lambda}{m} \cdot W^{[l]}`),
				" to each ", mathRaw("dW[l]", `dW^{[l]}`), ". It does not depend on Z or A, so dZ and dA do not change."))
		}
	}

	if l == 1 && !e.InputGrad {
		st.Notes = append(st.Notes, note(Expr{quantity("dA", 0), operator("="), quantity("W", 1).transposed(), operator("·"), quantity("dZ", 1)},
			" would be the gradient with respect to X. Training does not need it, so backward propagation stops here."))
		return st
	}
	// dA[l−1] = W[l]ᵀ · dZ[l]
	st.Equations = append(st.Equations, equation("dA", l-1, e.zShape(l-1), Expr{
		quantity("W", l).transposed().shaped(Shape{e.n(l - 1), e.n(l)}), operator("·"),
		quantity("dZ", l).shaped(e.zShape(l)),
	}))
	if l == L {
		st.Notes = append(st.Notes, note(mathRaw("dA[l−1] = W[l]ᵀ·dZ[l]", `dA^{[l-1]} = W^{[l]\top} dZ^{[l]}`),
			" sends the gradient back through the weights: unit j of layer ", mathRaw("l−1", "l-1"),
			" receives the dZ of every unit it feeds, each weighted by the weight that connects them."))
	}
	if l == 1 {
		st.Notes = append(st.Notes, note(quantity("dA", 0), " is the gradient with respect to X. Training does not need it."))
		return st
	}
	// dZ[l−1] = dA[l−1] ⊙ g'[l−1](Z[l−1])
	st.Equations = append(st.Equations, e.dzEquation(l-1))
	if e.firstHiddenDZ(l - 1) {
		st.Notes = append(st.Notes, note("The product is ", mathRaw("⊙", `\odot`), ", element by element, and not a matrix product: ",
			mathRaw(fmt.Sprintf("g[%d]", l-1), fmt.Sprintf("g^{[%d]}", l-1)), " acts on each entry of ", quantity("Z", l-1), " on its own, ",
			"so the Jacobian of ", quantity("A", l-1), " with respect to ", quantity("Z", l-1),
			" is diagonal and multiplying by it scales each entry."))
	}
	if e.firstDerivative(l - 1) {
		st.Notes = append(st.Notes, e.derivativeNotes(l-1)...)
	}
	return st
}

// firstHiddenDZ reports whether dZ[l] is the first element-wise dZ of a
// hidden layer that the backward pass computes, where the ⊙ is explained.
func (e *Equations) firstHiddenDZ(l int) bool {
	for k := e.Arch.L() - 1; k > l; k-- {
		if elementWise(e.Arch.G(k)) {
			return false
		}
	}
	return elementWise(e.Arch.G(l))
}

// firstDerivative reports whether the backward pass meets g[l]'s
// derivative at layer l for the first time: no hidden layer above l has
// the same activation, nor an unmatched output layer, whose step explains
// it too.
func (e *Equations) firstDerivative(l int) bool {
	a := e.Arch
	L := a.L()
	for k := l + 1; k <= L; k++ {
		if a.G(k) != a.G(l) {
			continue
		}
		if k < L || !a.Matched() {
			return false
		}
	}
	return true
}

func elementWise(g nn.Activation) bool { return g != nn.Softmax && g != nn.Linear }

func (e *Equations) updateStep() Step {
	st := Step{Phase: Update, Title: "Update of every layer"}
	for l := 1; l <= e.Arch.L(); l++ {
		for _, p := range []struct {
			name  string
			shape Shape
		}{{"W", e.wShape(l)}, {"b", e.bShape(l)}} {
			s := p.shape
			st.Equations = append(st.Equations, Equation{
				Name:  fmt.Sprintf("%s[%d]", p.name, l),
				Shape: &s,
				LHS:   Expr{quantity(p.name, l).shaped(s)},
				Rel:   ":=",
				RHS:   []Expr{{quantity(p.name, l), operator("−"), scalar("α"), operator("·"), quantity("d"+p.name, l)}},
			})
		}
	}
	if e.Arch.L() > 1 {
		st.Notes = append(st.Notes, note("Every layer is updated after the whole backward pass, because each ",
			mathRaw("dA[l−1]", `dA^{[l-1]}`), " is computed with the old ", mathRaw("W[l]", `W^{[l]}`), "."))
	}
	return st
}

// formatFloat formats v in the shortest form that reads back to it.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
