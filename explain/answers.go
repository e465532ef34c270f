package explain

import (
	"fmt"
	"strings"

	"github.com/backprop-go/backprop/nn"
)

// The warm-up questions, in the order Summary.Answers lists them.
const (
	QuestionNeuron  = "What does a neuron compute?"
	QuestionModel   = "What is the model?"
	QuestionLearn   = "How does it learn?"
	QuestionPredict = "How does it predict?"
)

// answers returns the answers to the warm-up questions for a, which has
// params parameters.
//
// The answers mark their formulas with no-break spaces (see unbroken), so
// that WriteText never splits a short formula across lines; Answer holds
// the same text with plain spaces.
func answers(a Arch, params int) []Answer {
	qs := []struct{ question, answer string }{
		{QuestionNeuron, neuronAnswer(a)},
		{QuestionModel, modelAnswer(a, params)},
		{QuestionLearn, learnAnswer(a)},
		{QuestionPredict, predictAnswer(a)},
	}
	out := make([]Answer, len(qs))
	for i, q := range qs {
		out[i] = Answer{Question: q.question, Answer: plainSpaces(q.answer), wrapText: q.answer}
	}
	return out
}

func neuronAnswer(a Arch) string {
	L := a.L()
	if L == 1 && a.Sizes[1] == 1 {
		return fmt.Sprintf("The model is a single neuron. For one example x (%s values) it computes %s "+
			"with weights %s and bias %s, then %s. %s",
			FormatCount(a.Sizes[0]), unbroken("z = wᵀx + b"),
			unbroken(fmt.Sprintf("w = W[1]ᵀ (%d, 1)", a.Sizes[0])), unbroken("b = b[1]"),
			unbroken("a = "+a.G(1).Formula()), outputMeaning(a))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Unit j of layer l has a weight vector w, row j of W[l] read as a column %s, "+
		"and a bias b, entry j of b[l]. For one example it takes the n[l−1] activations a of "+
		"layer l−1 (the input x for layer 1) and computes %s, then %s. Here ",
		unbroken("(n[l−1], 1)"), unbroken("z = wᵀa + b"), unbroken("a = g[l](z)"))
	b.WriteString(strings.Join(activationGroups(a), "; "))
	b.WriteString(". ")
	if a.G(L) == nn.Softmax || hasHiddenSoftmax(a) {
		b.WriteString("A softmax layer is not a set of independent neurons: each unit " +
			"divides its e^z by the sum over all units of the layer. ")
	}
	b.WriteString(outputMeaning(a))
	return b.String()
}

// activationGroups describes the layers in runs of equal activation, as
// in "layers 1–3 (20, 7 and 5 units) use relu(z) = max(0, z)". The
// output layer always forms its own run.
func activationGroups(a Arch) []string {
	L := a.L()
	var groups []string
	for l := 1; l <= L; {
		end := l
		for end+1 < L && a.G(end+1) == a.G(l) {
			end++
		}
		var units []string
		for k := l; k <= end; k++ {
			units = append(units, FormatCount(a.Sizes[k]))
		}
		var who string
		verb := " uses "
		switch {
		case l == L:
			who = fmt.Sprintf("the output layer %d (%s)", L, unitCount(a.Sizes[L]))
		case l == end:
			who = fmt.Sprintf("layer %d (%s)", l, unitCount(a.Sizes[l]))
		default:
			who = fmt.Sprintf("layers %d–%d (%s units)", l, end, joinAnd(units))
			verb = " use "
		}
		groups = append(groups, who+verb+activationText(a, a.G(l)))
		l = end + 1
	}
	return groups
}

func unitCount(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return FormatCount(n) + " units"
}

func hasHiddenSoftmax(a Arch) bool {
	for l := 1; l < a.L(); l++ {
		if a.G(l) == nn.Softmax {
			return true
		}
	}
	return false
}

// activationText returns g's formula, with the slope for leaky ReLU.
func activationText(a Arch, g nn.Activation) string {
	if g == nn.LeakyReLU {
		return fmt.Sprintf("%s (slope %g)", g.Formula(), a.slope())
	}
	return unbroken(g.Formula())
}

// outputMeaning returns what the output activation A[L] stands for.
func outputMeaning(a Arch) string {
	L := a.L()
	switch g := a.G(L); {
	case g == nn.Sigmoid && a.Sizes[L] == 1 && a.Loss == nn.BCE:
		return fmt.Sprintf("A[%d] is the predicted probability that %s.", L, unbroken("y = 1"))
	case g == nn.Sigmoid && a.Loss == nn.BCE:
		return fmt.Sprintf("Each row of A[%d] is the predicted probability that its label is 1.", L)
	case g == nn.Softmax && a.Loss == nn.CCE:
		return fmt.Sprintf("Column i of A[%d] holds the predicted probabilities of the %s classes "+
			"for example i, which sum to 1.", L, FormatCount(a.Sizes[L]))
	}
	return fmt.Sprintf("A[%d] is the predicted value ŷ, compared with y by the squared error.", L)
}

func modelAnswer(a Arch, params int) string {
	L := a.L()
	var ps string
	switch L {
	case 1:
		ps = "W[1] and b[1]"
	case 2:
		ps = "W[1], b[1], W[2] and b[2]"
	default:
		ps = fmt.Sprintf("W[1], b[1], …, W[%d] and b[%d]", L, L)
	}
	acts := make([]string, L)
	for i, g := range a.Acts {
		acts[i] = g.String()
	}
	return fmt.Sprintf("The architecture, layer sizes %s with %s %s and loss %s, "+
		"together with the parameters %s: %s numbers. The architecture is chosen "+
		"before training, and training chooses the parameters.",
		unbroken("n = "+sizesText(a.Sizes)), countNoun(L, "activation", "activations"), strings.Join(acts, ", "),
		a.Loss, ps, FormatCount(params))
}

var lossNames = map[nn.Loss]string{
	nn.BCE: "binary cross-entropy",
	nn.CCE: "categorical cross-entropy",
	nn.MSE: "half the squared error",
}

func learnAnswer(a Arch) string {
	L := a.L()
	forward, backward := fmt.Sprintf("for l = 1 … %d", L), fmt.Sprintf("for l = %d … 1", L)
	if L == 1 {
		forward, backward = "for layer 1", "for layer 1"
	}
	return fmt.Sprintf("By gradient descent on the cost %s, the average over the m examples of %s, %s. "+
		"Each step runs forward propagation %s and keeps each layer's cache %s, computes J, "+
		"runs backward propagation %s, which gives dW[l] and db[l], and updates %s and %s "+
		"with learning rate α.",
		unbroken(fmt.Sprintf("J = 1/m · Σ_i loss(A[%d]⁽ⁱ⁾, Y⁽ⁱ⁾)", L)), lossNames[a.Loss],
		unbroken(a.Loss.Formula()), unbroken(forward), unbroken("(A[l−1], Z[l])"),
		unbroken(backward), unbroken("W[l] := W[l] − α·dW[l]"), unbroken("b[l] := b[l] − α·db[l]"))
}

func predictAnswer(a Arch) string {
	L := a.L()
	switch g := a.G(L); {
	case g == nn.Sigmoid && a.Sizes[L] == 1:
		return fmt.Sprintf("It runs forward propagation and predicts class 1 where %s, "+
			"which is where %s, and class 0 elsewhere.", unbroken(fmt.Sprintf("A[%d] > 0.5", L)), unbroken(fmt.Sprintf("Z[%d] > 0", L)))
	case g == nn.Softmax:
		return fmt.Sprintf("It runs forward propagation and predicts, for each example, the class k "+
			"with the largest A[%d]_k: the argmax over the column, the first class on ties.", L)
	case g == nn.Sigmoid:
		return fmt.Sprintf("It runs forward propagation. Each row of A[%d] is a probability on its own. "+
			"nn.Network.Predict returns the row with the largest one (the first on ties), "+
			"while a threshold of 0.5 on each row gives one yes-or-no answer per output.", L)
	}
	return fmt.Sprintf("It runs forward propagation and returns the value %s itself "+
		"(%s per example): the model does regression, not classification.",
		unbroken(fmt.Sprintf("ŷ = A[%d]", L)), valueCount(a.Sizes[L]))
}

func valueCount(n int) string {
	if n == 1 {
		return "one number"
	}
	return FormatCount(n) + " numbers"
}

// joinAnd joins items as "a", "a and b" or "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
