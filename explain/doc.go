// Package explain answers the questions a student asks of a
// fully-connected network, for any architecture and any data:
//
//   - what one neuron computes, what the model is, how it learns and how it
//     predicts;
//   - how many parameters it has, and the shape of every W[l], b[l], Z[l]
//     and A[l];
//   - how many derivatives one gradient step computes;
//   - what the forward and backward equations are, instantiated with the
//     model's own shapes, as a numbered method;
//   - what every one of those quantities is on real numbers.
//
// NewSummary returns the first three as a Summary, NewEquations the
// method as Equations, and NewTrace one forward and one backward pass of
// an nn.Network as a Trace.
//
// # Notation
//
// Everything follows the lecture's notation, which package nn uses too:
// layers l = 1 … L with the input as layer 0, one example per column,
//
//	X = A[0]   (n[0], m)      W[l]   (n[l], n[l−1])     b[l]  (n[l], 1)
//	Z[l] = W[l]·A[l−1] + b[l]       A[l] = g[l](Z[l])   (n[l], m)
//
// and dZ[l], dA[l] are derivatives of the summed loss Σ_i loss_i while
// dW[l], db[l] are derivatives of the cost J.
//
// # Equations as data
//
// An equation is a list of Terms rather than a string, so that one
// description renders as Unicode text (Expr.Text) and as LaTeX
// (Expr.LaTeX), and Equations.Render writes the whole method as text,
// Markdown or a LaTeX document. A command-line tool and a web page can
// therefore show the same derivation.
//
// # Numbers
//
// A Trace holds the matrices that nn.Network's own Forward, CostTerms and
// Backward produced, copied after the pass; package explain never
// computes a forward or backward pass of its own.
package explain
