// Package testcases loads the reference cases in public/ for the tests of
// other packages. See README.md for their origin and schema.
package testcases

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"

	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/nn"
)

//go:embed public/*.json
var files embed.FS

// Case is one reference case. Input and Expected keep the raw JSON, since
// each operation has its own fields.
type Case struct {
	ID        string                     `json:"id"`
	Kind      string                     `json:"kind"`
	Category  string                     `json:"category"`
	Operation string                     `json:"operation"`
	Input     map[string]json.RawMessage `json:"input"`
	Expected  map[string]json.RawMessage `json:"expected"`
	Tolerance *Tolerance                 `json:"tolerance"`
	Raw       []byte                     `json:"-"`
}

// Tolerance is a case's comparison rule: |got − want| ≤ Abs + Rel·|want|.
type Tolerance struct {
	Abs float64 `json:"abs"`
	Rel float64 `json:"rel"`
}

// DefaultTolerance is the rule for cases that state none.
var DefaultTolerance = Tolerance{Abs: 1e-12, Rel: 1e-9}

// Close reports whether got is within the tolerance of want.
func (t Tolerance) Close(got, want float64) bool {
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return false
	}
	return math.Abs(got-want) <= t.Abs+t.Rel*math.Abs(want)
}

// Load returns every case whose operation is one of ops, sorted by id;
// no ops means all cases.
func Load(ops ...string) ([]*Case, error) {
	names, err := fs.Glob(files, "public/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Case
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		c := new(Case)
		if err := json.Unmarshal(b, c); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		c.Raw = b
		if len(ops) == 0 || contains(ops, c.Operation) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Get returns the case with the given id.
func Get(id string) (*Case, error) {
	all, err := Load()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, fmt.Errorf("testcases: no case %q", id)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Tol returns the case's tolerance, or DefaultTolerance.
func (c *Case) Tol() Tolerance {
	if c.Tolerance != nil {
		return *c.Tolerance
	}
	return DefaultTolerance
}

// Decode decodes field key of m into v.
func Decode(m map[string]json.RawMessage, key string, v any) error {
	raw, ok := m[key]
	if !ok {
		return fmt.Errorf("testcases: field %q missing", key)
	}
	return json.Unmarshal(raw, v)
}

// Network is the network description of a case, which is also the JSON
// model form.
type Network struct {
	LayerSizes  []int         `json:"layer_sizes"`
	Activations []string      `json:"activations"`
	Loss        string        `json:"loss"`
	W           [][][]float64 `json:"W"`
	B           [][][]float64 `json:"b"`
	LeakySlope  *float64      `json:"leaky_slope"`
}

// BuildNetwork returns the case's network in precision T. Parameter
// shapes are checked by nn.Network.SetParams, so shape-error cases reach
// the code under test.
func BuildNetwork[T matrix.Float](n *Network) (*nn.Network[T], error) {
	acts := make([]nn.Activation, len(n.Activations))
	for i, s := range n.Activations {
		g, err := nn.ParseActivation(s)
		if err != nil {
			return nil, err
		}
		acts[i] = g
	}
	loss, err := nn.ParseLoss(n.Loss)
	if err != nil {
		return nil, err
	}
	net, err := nn.New[T](n.LayerSizes, acts, loss)
	if err != nil {
		return nil, err
	}
	if n.LeakySlope != nil {
		net.LeakySlope = T(*n.LeakySlope)
	}
	L := len(n.LayerSizes) - 1
	W := make([]*matrix.Dense[T], L+1)
	b := make([]*matrix.Dense[T], L+1)
	for l := 1; l <= L; l++ {
		if W[l], err = Matrix[T](n.W[l-1]); err != nil {
			return nil, err
		}
		if b[l], err = Matrix[T](n.B[l-1]); err != nil {
			return nil, err
		}
	}
	return net, net.SetParams(W, b)
}

// Matrix converts nested rows to a Dense.
func Matrix[T matrix.Float](rows [][]float64) (*matrix.Dense[T], error) {
	conv := make([][]T, len(rows))
	for i, r := range rows {
		conv[i] = make([]T, len(r))
		for j, v := range r {
			conv[i][j] = T(v)
		}
	}
	return matrix.FromRows(conv)
}

// Rows is a matrix in the cases' JSON: a list of rows whose entries may be
// null (not compared).
type Rows [][]*float64

// Compare returns a description of every element of got that is not within
// tol of want, or "" when all are. name labels the messages.
func Compare[T matrix.Float](name string, got *matrix.Dense[T], want Rows, tol Tolerance) string {
	r, c := got.Dims()
	if len(want) != r || (r > 0 && len(want[0]) != c) {
		wc := 0
		if len(want) > 0 {
			wc = len(want[0])
		}
		return fmt.Sprintf("%s: shape (%d, %d), want (%d, %d)", name, r, c, len(want), wc)
	}
	var b strings.Builder
	for i := range want {
		for j, w := range want[i] {
			if w == nil {
				continue
			}
			if g := float64(got.At(i, j)); !tol.Close(g, *w) {
				fmt.Fprintf(&b, "%s[%d][%d] = %.17g, want %.17g\n", name, i, j, g, *w)
			}
		}
	}
	return b.String()
}
