package explain

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

// Trace is every quantity of one forward and one backward pass of a
// network on real data, in the lecture's shapes. All matrices are copies
// of what nn.Network's Forward, CostTerms and Backward computed.
type Trace struct {
	Arch Arch
	// M is the number of examples m, the column count of X.
	M int
	// Lambda is the L2 strength λ.
	Lambda float64
	// X is A[0], (n[0], m), and Y the targets, (n[L], m).
	X, Y *matrix.Dense[float64]
	// Cost is J = CostData + CostL2: the data term (1/m)·Σ_i loss_i and
	// the L2 term (λ/2m)·Σ_l ‖W[l]‖²_F.
	Cost, CostData, CostL2 float64
	// Layers holds layers 1 … L: Layers[l−1] is layer l.
	Layers []TraceLayer
	// Equations is the method for this network and m, with dA[0], whose
	// equations produced the values.
	Equations *Equations
}

// TraceLayer holds the quantities of one layer l.
type TraceLayer struct {
	L int
	// W and B are the parameters W[l], (n[l], n[l−1]), and b[l], (n[l], 1).
	W, B *matrix.Dense[float64]
	// Z and A are Z[l] and A[l], (n[l], m).
	Z, A *matrix.Dense[float64]
	// DA is dA[l], (n[l], m), for the output layer of an unmatched pair;
	// nil otherwise, because for a matched pair dZ[L] = A[L] − Y is
	// computed without it and a hidden layer's dA[l] is the DAPrev of
	// layer l+1.
	DA *matrix.Dense[float64]
	// DZ is dZ[l], (n[l], m).
	DZ *matrix.Dense[float64]
	// DW and DB are dW[l] and db[l], shaped as W[l] and b[l].
	DW, DB *matrix.Dense[float64]
	// DAPrev is dA[l−1] = W[l]ᵀ·dZ[l], (n[l−1], m); for layer 1 it is
	// dA[0], the gradient with respect to X.
	DAPrev *matrix.Dense[float64]
}

// NewTrace runs one forward pass of net on X, (n[0], m), the cost and one
// backward pass for targets Y, (n[L], m), with L2 strength λ, and returns
// copies of every quantity. It sets net.InputGrad for the pass, to obtain
// dA[0], and restores it; the network's caches hold this pass afterwards.
// Dropout is not applied. It returns the network's error for an invalid
// network, X, Y or λ.
func NewTrace(net *nn.Network[float64], X, Y *matrix.Dense[float64], lambda float64) (*Trace, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	inputGrad := net.InputGrad
	net.InputGrad = true
	defer func() { net.InputGrad = inputGrad }()

	if _, err := net.Forward(X); err != nil {
		return nil, err
	}
	data, l2, err := net.CostTerms(Y, lambda)
	if err != nil {
		return nil, err
	}
	if err := net.Backward(Y, lambda); err != nil {
		return nil, err
	}

	a := ArchOf(net)
	m := X.Cols()
	eq, err := NewEquations(a, m, lambda)
	if err != nil {
		return nil, err
	}
	t := &Trace{
		Arch:      a,
		M:         m,
		Lambda:    lambda,
		X:         X.Clone(),
		Y:         Y.Clone(),
		Cost:      data + l2,
		CostData:  data,
		CostL2:    l2,
		Equations: eq.withInputGrad(),
	}
	L := net.Layers()
	for l := 1; l <= L; l++ {
		tl := TraceLayer{
			L:      l,
			W:      net.W[l].Clone(),
			B:      net.B[l].Clone(),
			Z:      net.Z[l].Clone(),
			A:      net.A[l].Clone(),
			DZ:     net.DZ[l].Clone(),
			DW:     net.DW[l].Clone(),
			DB:     net.DB[l].Clone(),
			DAPrev: net.DA[l-1].Clone(),
		}
		if l == L && !a.Matched() {
			tl.DA = net.DA[L].Clone()
		}
		t.Layers = append(t.Layers, tl)
	}
	return t, nil
}

// traceJSON is the JSON form of a Trace.
type traceJSON struct {
	Cost     jsonFloat        `json:"cost"`
	CostData jsonFloat        `json:"cost_data"`
	CostL2   jsonFloat        `json:"cost_l2"`
	M        int              `json:"m"`
	Lambda   float64          `json:"lambda"`
	Layers   []traceLayerJSON `json:"layers"`
}

type traceLayerJSON struct {
	L      int        `json:"l"`
	Z      jsonMatrix `json:"Z"`
	A      jsonMatrix `json:"A"`
	DA     jsonMatrix `json:"dA,omitempty"`
	DZ     jsonMatrix `json:"dZ"`
	DW     jsonMatrix `json:"dW"`
	DB     jsonMatrix `json:"db"`
	DAPrev jsonMatrix `json:"dA_prev"`
}

// jsonFloat is a float64 written as null when it is NaN or ±Inf, which
// JSON cannot hold.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// jsonMatrix is a matrix written as a list of rows.
type jsonMatrix [][]jsonFloat

func toJSONMatrix(a *matrix.Dense[float64]) jsonMatrix {
	if a == nil {
		return nil
	}
	r, c := a.Dims()
	rows := make(jsonMatrix, r)
	for i := range rows {
		rows[i] = make([]jsonFloat, c)
		for j := range rows[i] {
			rows[i][j] = jsonFloat(a.At(i, j))
		}
	}
	return rows
}

// MarshalJSON writes the trace as one object:
//
//	{"cost": J, "cost_data": …, "cost_l2": …, "m": m, "lambda": λ,
//	 "layers": [{"l": 1, "Z": [[…]], "A": …, "dZ": …, "dW": …, "db": …,
//	             "dA_prev": …}, …]}
//
// with each matrix a list of rows and each number in the shortest form
// that reads back to the same float64. The output layer of an unmatched
// pair also has "dA". NaN and ±Inf, which JSON cannot hold, are written
// as null.
func (t *Trace) MarshalJSON() ([]byte, error) {
	out := traceJSON{
		Cost:     jsonFloat(t.Cost),
		CostData: jsonFloat(t.CostData),
		CostL2:   jsonFloat(t.CostL2),
		M:        t.M,
		Lambda:   t.Lambda,
	}
	for _, tl := range t.Layers {
		out.Layers = append(out.Layers, traceLayerJSON{
			L:      tl.L,
			Z:      toJSONMatrix(tl.Z),
			A:      toJSONMatrix(tl.A),
			DA:     toJSONMatrix(tl.DA),
			DZ:     toJSONMatrix(tl.DZ),
			DW:     toJSONMatrix(tl.DW),
			DB:     toJSONMatrix(tl.DB),
			DAPrev: toJSONMatrix(tl.DAPrev),
		})
	}
	return json.Marshal(out)
}

// Value is one computed matrix of a trace.
type Value struct {
	// Name is the quantity as the lecture writes it: "Z[1]", "dA[0]".
	Name   string
	Matrix *matrix.Dense[float64]
	// Equation is the equation that produced the matrix.
	Equation Equation
}

// Forward returns Z[1], A[1], …, Z[L], A[L] in the order the forward
// pass computes them.
func (t *Trace) Forward() []Value {
	var qs []Value
	for _, tl := range t.Layers {
		qs = append(qs, t.quantity(fmt.Sprintf("Z[%d]", tl.L), tl.Z), t.quantity(fmt.Sprintf("A[%d]", tl.L), tl.A))
	}
	return qs
}

// Backward returns the quantities of the backward pass in the order nn
// computes them: dA[L] for an unmatched output, dZ[L], then dW[l], db[l],
// dA[l−1] and dZ[l−1] for l = L … 1, ending with dA[0].
func (t *Trace) Backward() []Value {
	L := len(t.Layers)
	var qs []Value
	if out := t.Layers[L-1]; out.DA != nil {
		qs = append(qs, t.quantity(fmt.Sprintf("dA[%d]", L), out.DA))
	}
	qs = append(qs, t.quantity(fmt.Sprintf("dZ[%d]", L), t.Layers[L-1].DZ))
	for l := L; l >= 1; l-- {
		tl := t.Layers[l-1]
		qs = append(qs,
			t.quantity(fmt.Sprintf("dW[%d]", l), tl.DW),
			t.quantity(fmt.Sprintf("db[%d]", l), tl.DB),
			t.quantity(fmt.Sprintf("dA[%d]", l-1), tl.DAPrev))
		if l > 1 {
			qs = append(qs, t.quantity(fmt.Sprintf("dZ[%d]", l-1), t.Layers[l-2].DZ))
		}
	}
	return qs
}

func (t *Trace) quantity(name string, v *matrix.Dense[float64]) Value {
	q, ok := t.Equations.Find(name)
	if !ok {
		panic("explain: no equation computes " + name)
	}
	return Value{Name: name, Matrix: v, Equation: q}
}
