package explain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/nn"
)

func TestNewSummaryCounts(t *testing.T) {
	// Each count is written as the formula that gives it:
	// params Σ n[l](n[l−1]+1), dZ Σ n[l], dA Σ_{l<L} n[l] (+ n[L] unmatched).
	for i, tc := range []struct {
		sizes            []int
		acts             []nn.Activation
		loss             nn.Loss
		m                int
		params, weights  int
		dz, da           int
		inter, total     int
		outputDAIsFormed bool
	}{
		{[]int{12288, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE, 0,
			1 * 12289, 12288, 1, 0, 0, 0, false},
		{[]int{2, 4, 1}, []nn.Activation{nn.Tanh, nn.Sigmoid}, nn.BCE, 0,
			4*3 + 1*5, 4*2 + 1*4, 4 + 1, 4, 0, 0, false},
		{[]int{12288, 20, 7, 5, 1}, []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, nn.BCE, 209,
			20*12289 + 7*21 + 5*8 + 1*6, 20*12288 + 7*20 + 5*7 + 1*5, 20 + 7 + 5 + 1, 20 + 7 + 5,
			(33 + 32) * 209, 245973 + 65*209, false},
		// tanh + mse is unmatched: dA[L] is formed.
		{[]int{2, 4, 2}, []nn.Activation{nn.Tanh, nn.Tanh}, nn.MSE, 3,
			4*3 + 2*5, 4*2 + 2*4, 4 + 2, 4 + 2, (6 + 6) * 3, 22 + 36, true},
		{[]int{4, 5, 3}, []nn.Activation{nn.ReLU, nn.Softmax}, nn.CCE, 10,
			5*5 + 3*6, 5*4 + 3*5, 5 + 3, 5, (8 + 5) * 10, 43 + 130, false},
		{[]int{3, 2}, []nn.Activation{nn.Softmax}, nn.MSE, 0,
			2 * 4, 2 * 3, 2, 2, 0, 0, true},
	} {
		a := Arch{Sizes: tc.sizes, Acts: tc.acts, Loss: tc.loss}
		s, err := NewSummary(a, tc.m)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if s.Params != tc.params {
			t.Errorf("case %d: Params = %d, want %d", i, s.Params, tc.params)
		}
		if s.Params != nn.NumParams(tc.sizes) {
			t.Errorf("case %d: Params = %d, nn.NumParams = %d", i, s.Params, nn.NumParams(tc.sizes))
		}
		if s.Weights != tc.weights || s.Biases != tc.params-tc.weights {
			t.Errorf("case %d: Weights, Biases = %d, %d, want %d, %d", i, s.Weights, s.Biases, tc.weights, tc.params-tc.weights)
		}
		d := s.Derivatives
		if d.Params != tc.params || d.DZPerExample != tc.dz || d.DAPerExample != tc.da {
			t.Errorf("case %d: derivatives %+v, want params %d, dZ %d, dA %d", i, d, tc.params, tc.dz, tc.da)
		}
		if d.Intermediate != tc.inter || d.Total != tc.total {
			t.Errorf("case %d: Intermediate, Total = %d, %d, want %d, %d", i, d.Intermediate, d.Total, tc.inter, tc.total)
		}
		L := len(tc.sizes) - 1
		if got := s.Layers[L-1].DA != nil; got != tc.outputDAIsFormed {
			t.Errorf("case %d: output layer DA formed = %v, want %v", i, got, tc.outputDAIsFormed)
		}
		for l := 1; l <= L; l++ {
			ls := s.Layers[l-1]
			wantW := Shape{Dim(tc.sizes[l]), Dim(tc.sizes[l-1])}
			if ls.L != l || ls.W != wantW || ls.B != (Shape{Dim(tc.sizes[l]), 1}) {
				t.Errorf("case %d layer %d: L %d, W %v, b %v", i, l, ls.L, ls.W, ls.B)
			}
			wantZ := Shape{Dim(tc.sizes[l]), M}
			if tc.m > 0 {
				wantZ.Cols = Dim(tc.m)
			}
			if ls.Z != wantZ || ls.A != wantZ || ls.DZ != wantZ {
				t.Errorf("case %d layer %d: Z %v, A %v, dZ %v, want %v", i, l, ls.Z, ls.A, ls.DZ, wantZ)
			}
			if ls.Params != ls.Weights+ls.Biases || ls.Params != tc.sizes[l]*(tc.sizes[l-1]+1) {
				t.Errorf("case %d layer %d: Params %d, Weights %d, Biases %d", i, l, ls.Params, ls.Weights, ls.Biases)
			}
		}
	}
}

func TestNewSummaryErrors(t *testing.T) {
	for i, tc := range []struct {
		arch Arch
		m    int
		want string
	}{
		{Arch{Sizes: []int{5}, Acts: nil, Loss: nn.BCE}, 0, "at least 2 layer sizes"},
		{Arch{Sizes: []int{2, 0, 1}, Acts: []nn.Activation{nn.ReLU, nn.Sigmoid}, Loss: nn.BCE}, 0, "n[1] = 0"},
		{Arch{Sizes: []int{2, 3, 1}, Acts: []nn.Activation{nn.Sigmoid}, Loss: nn.BCE}, 0, "1 activations for 2 layers"},
		{Arch{Sizes: []int{2, 1}, Acts: []nn.Activation{nn.Tanh}, Loss: nn.BCE}, 0, "bce needs a sigmoid output"},
		{Arch{Sizes: []int{2, 1}, Acts: []nn.Activation{nn.Softmax}, Loss: nn.CCE}, 0, "at least 2 output units"},
		{Arch{Sizes: []int{2, 1}, Acts: []nn.Activation{nn.Sigmoid}, Loss: nn.BCE}, -1, "m = -1"},
		{Arch{Sizes: []int{1 << 40, 1 << 40, 1 << 40}, Acts: []nn.Activation{nn.ReLU, nn.Linear}, Loss: nn.MSE}, 0, "does not fit in an int"},
		{Arch{Sizes: []int{2, 3}, Acts: []nn.Activation{nn.Linear}, Loss: nn.MSE}, 1 << 62, "does not fit in an int"},
	} {
		_, err := NewSummary(tc.arch, tc.m)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: error %v, want one containing %q", i, err, tc.want)
		}
	}
}

func TestFormatCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {12289, "12,289"},
		{245973, "245,973"}, {1234567, "1,234,567"}, {-1234, "-1,234"},
	} {
		if got := FormatCount(tc.n); got != tc.want {
			t.Errorf("FormatCount(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	for i, tc := range []struct {
		sizes []int
		want  []nn.Activation
		loss  nn.Loss
	}{
		{[]int{12288, 1}, []nn.Activation{nn.Sigmoid}, nn.BCE},
		{[]int{12288, 20, 7, 5, 1}, []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, nn.BCE},
		{[]int{784, 128, 10}, []nn.Activation{nn.ReLU, nn.Softmax}, nn.CCE},
	} {
		acts := DefaultActivations(tc.sizes)
		if len(acts) != len(tc.want) {
			t.Fatalf("case %d: %v, want %v", i, acts, tc.want)
		}
		for l := range acts {
			if acts[l] != tc.want[l] {
				t.Errorf("case %d: g[%d] = %v, want %v", i, l+1, acts[l], tc.want[l])
			}
		}
		if got := DefaultLoss(acts[len(acts)-1]); got != tc.loss {
			t.Errorf("case %d: loss %v, want %v", i, got, tc.loss)
		}
	}
	if got := DefaultLoss(nn.Linear); got != nn.MSE {
		t.Errorf("DefaultLoss(linear) = %v, want mse", got)
	}
	if got := DefaultActivations([]int{3}); got != nil {
		t.Errorf("DefaultActivations of one size = %v, want nil", got)
	}
}

func TestSummaryAnswers(t *testing.T) {
	for i, tc := range []struct {
		arch Arch
		want map[string][]string // question → phrases its answer must contain
	}{
		{Arch{Sizes: []int{12288, 1}, Acts: []nn.Activation{nn.Sigmoid}, Loss: nn.BCE}, map[string][]string{
			QuestionNeuron:  {"single neuron", "z = wᵀx + b", "w = W[1]ᵀ (12288, 1)", "σ(z)"},
			QuestionModel:   {"12,289 numbers", "W[1] and b[1]"},
			QuestionLearn:   {"binary cross-entropy", "for layer 1"},
			QuestionPredict: {"A[1] > 0.5"},
		}},
		{Arch{Sizes: []int{4, 5, 3}, Acts: []nn.Activation{nn.ReLU, nn.Softmax}, Loss: nn.CCE}, map[string][]string{
			QuestionNeuron:  {"layer 1 (5 units) uses relu(z) = max(0, z)", "not a set of independent neurons", "3 classes"},
			QuestionLearn:   {"categorical cross-entropy", "l = 2 … 1"},
			QuestionPredict: {"largest A[2]_k"},
		}},
		{Arch{Sizes: []int{3, 8, 8, 8, 2}, Acts: []nn.Activation{nn.Tanh, nn.Tanh, nn.LeakyReLU, nn.Linear}, Loss: nn.MSE}, map[string][]string{
			QuestionNeuron:  {"layers 1–2 (8 and 8 units) use tanh", "layer 3 (8 units) uses leaky_relu", "slope 0.01", "predicted value ŷ"},
			QuestionModel:   {"W[1], b[1], …, W[4] and b[4]"},
			QuestionPredict: {"ŷ = A[4]", "2 numbers", "regression"},
		}},
	} {
		s, err := NewSummary(tc.arch, 0)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got := map[string]string{}
		for _, a := range s.Answers {
			got[a.Question] = a.Answer
			if strings.Contains(a.Answer, nbsp) {
				t.Errorf("case %d: answer to %q holds a no-break space", i, a.Question)
			}
		}
		for q, phrases := range tc.want {
			for _, p := range phrases {
				if !strings.Contains(got[q], p) {
					t.Errorf("case %d: answer to %q = %q, want it to contain %q", i, q, got[q], p)
				}
			}
		}
	}
}

func TestSummaryJSON(t *testing.T) {
	s, err := NewSummary(goldenArchs[3].arch, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Arch struct {
			Sizes []int    `json:"layer_sizes"`
			Acts  []string `json:"activations"`
			Loss  string   `json:"loss"`
		} `json:"architecture"`
		Examples *int `json:"examples"`
		Params   int  `json:"params"`
		Layers   []struct {
			L  int             `json:"l"`
			W  [2]any          `json:"W"`
			Z  [2]any          `json:"Z"`
			DA *[2]any         `json:"dA"`
			X  json.RawMessage `json:"activation"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	if got.Params != 245973 || got.Examples != nil || got.Arch.Loss != "bce" || got.Arch.Acts[3] != "sigmoid" {
		t.Errorf("params %d, examples %v, loss %q, acts %v", got.Params, got.Examples, got.Arch.Loss, got.Arch.Acts)
	}
	if l := got.Layers[0]; l.W != [2]any{20.0, 12288.0} || l.Z != [2]any{20.0, "m"} || string(l.X) != `"relu"` {
		t.Errorf("layer 1: W %v, Z %v, activation %s", l.W, l.Z, l.X)
	}
	if got.Layers[3].DA != nil {
		t.Errorf("output layer dA = %v, want null for a matched pair", *got.Layers[3].DA)
	}
}
