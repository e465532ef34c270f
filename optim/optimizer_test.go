package optim_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/internal/testcases"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
)

// TestRMSprop compares three RMSprop steps with torch.optim.RMSprop
// (PyTorch 1.13, float64, lr 0.01, alpha 0.9, eps 1e-8), whose rule
// s = α·s + (1 − α)·g², p −= lr·g/(√s + ε) is this package's with β = α;
// a numpy loop of the same formula agrees to the last digit.
func TestRMSprop(t *testing.T) {
	grads := [][]float64{{0.1, -0.2, 0, 0.001}, {0.3, 0.1, -0.4, 0.001}, {-0.5, 0, 0.2, 2}}
	wantP := [][]float64{
		{0.968377233398313, -1.9683772283983154, 0.5, -0.03162177663330558},
		{0.9382261019708394, -1.9831214218398925, 0.531622774101684, -0.054562823716646516},
		{0.965378368362047, -1.9831214218398925, 0.5168785795731508, -0.0861855930589642},
	}
	wantS := [][]float64{
		{0.0009999999999999998, 0.003999999999999999, 0, 9.999999999999998e-08},
		{0.009899999999999997, 0.004599999999999999, 0.015999999999999997, 1.8999999999999995e-07},
		{0.033909999999999996, 0.00414, 0.018399999999999996, 0.4000001709999999},
	}
	tol := testcases.DefaultTolerance
	opt, err := optim.New[float64](optim.Config{Method: optim.RMSprop})
	if err != nil {
		t.Fatal(err)
	}
	p := rowVector[float64]([]float64{1, -2, 0.5, 0})
	for s, g := range grads {
		if err := opt.Step([]*matrix.Dense[float64]{p}, []*matrix.Dense[float64]{rowVector[float64](g)}, 0.01); err != nil {
			t.Fatal(err)
		}
		compareVector(t, "params", p, wantP[s], tol)
		compareVector(t, "s", opt.State().Buffers["s"][0], wantS[s], tol)
	}
}

// TestSGD checks p = p − α·g on two parameters of different shapes.
func TestSGD(t *testing.T) {
	W := matrix.New(2, 2, []float64{1, 2, 3, 4})
	b := matrix.New(2, 1, []float64{-1, 0.5})
	dW := matrix.New(2, 2, []float64{0.5, -1, 0, 2})
	db := matrix.New(2, 1, []float64{1, 1})
	opt, err := optim.New[float64](optim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := opt.Step([]*matrix.Dense[float64]{W, b}, []*matrix.Dense[float64]{dW, db}, 0.5); err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.75, 2.5, 3, 3}; !equalSlices(W.RawData(), want) {
		t.Errorf("W = %v, want %v", W.RawData(), want)
	}
	if want := []float64{-1.5, 0}; !equalSlices(b.RawData(), want) {
		t.Errorf("b = %v, want %v", b.RawData(), want)
	}
	if st := opt.State(); st.Step != 1 || len(st.Buffers) != 0 {
		t.Errorf("state after one step: %+v, want step 1 and no buffers", st)
	}
}

// TestStepNonFinite checks that a step whose result would overflow returns
// *NonFiniteError naming the element, and changes neither the parameters
// nor the state, for every method and for overflow in a parameter and in a
// state buffer.
func TestStepNonFinite(t *testing.T) {
	tests := []struct {
		cfg       optim.Config
		alpha     float64
		bad       float64 // the gradient of element (1, 0) of the second parameter
		wantQuant string
	}{
		{optim.Config{Method: optim.SGD}, 1e300, 1e10, "parameter"},
		{optim.Config{Method: optim.Momentum}, 1e300, 1e100, "parameter"},
		{optim.Config{Method: optim.RMSprop}, 0.1, 1e200, "s"},
		{optim.Config{Method: optim.Adam}, 0.1, 1e200, "v"},
		{optim.Config{Method: optim.Adam}, 0.1, math.NaN(), "m"},
		{optim.Config{Method: optim.SGD}, 0.1, math.Inf(-1), "parameter"},
	}
	for i, test := range tests {
		opt, err := optim.New[float64](test.cfg)
		if err != nil {
			t.Fatal(err)
		}
		params := []*matrix.Dense[float64]{matrix.New(1, 2, []float64{1, 2}), matrix.New(2, 2, []float64{3, 4, 5, 6})}
		good := []*matrix.Dense[float64]{matrix.New(1, 2, []float64{0.1, 0.2}), matrix.New(2, 2, []float64{0.3, 0.4, 0.5, 0.6})}
		if err := opt.Step(params, good, 0.1); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		before := opt.State()
		p0, p1 := params[0].Clone(), params[1].Clone()

		grads := []*matrix.Dense[float64]{good[0].Clone(), good[1].Clone()}
		grads[1].Set(1, 0, test.bad)
		err = opt.Step(params, grads, test.alpha)
		var nf *optim.NonFiniteError
		if !errors.As(err, &nf) {
			t.Fatalf("%d (%s): error %v, want *NonFiniteError", i, test.cfg.Method, err)
		}
		if nf.Param != 1 || nf.Row != 1 || nf.Col != 0 || nf.Quantity != test.wantQuant {
			t.Errorf("%d (%s): error at parameter %d (%d, %d) %q, want parameter 1 (1, 0) %q",
				i, test.cfg.Method, nf.Param, nf.Row, nf.Col, nf.Quantity, test.wantQuant)
		}
		if !matrix.Equal(params[0], p0) || !matrix.Equal(params[1], p1) {
			t.Errorf("%d (%s): parameters changed by a rejected step", i, test.cfg.Method)
		}
		if !statesEqual(opt.State(), before) {
			t.Errorf("%d (%s): state changed by a rejected step", i, test.cfg.Method)
		}
	}
}

// TestStepErrors checks the argument errors of Step.
func TestStepErrors(t *testing.T) {
	p := []*matrix.Dense[float64]{matrix.New[float64](2, 3, nil)}
	tests := []struct {
		grads []*matrix.Dense[float64]
		alpha float64
		want  string
	}{
		{nil, 0.1, "1 parameters but 0 gradients"},
		{[]*matrix.Dense[float64]{matrix.New[float64](3, 2, nil)}, 0.1, "gradient 0 is (3, 2) but its parameter is (2, 3)"},
		{[]*matrix.Dense[float64]{matrix.New[float64](2, 3, nil)}, -1, "learning rate -1"},
		{[]*matrix.Dense[float64]{matrix.New[float64](2, 3, nil)}, math.NaN(), "learning rate NaN"},
	}
	for i, test := range tests {
		opt, _ := optim.New[float64](optim.Config{Method: optim.Adam})
		err := opt.Step(p, test.grads, test.alpha)
		if err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%d: error %v, want one containing %q", i, err, test.want)
		}
	}

	// A learning rate that overflows float32 is rejected there.
	opt32, _ := optim.New[float32](optim.Config{})
	p32 := []*matrix.Dense[float32]{matrix.New[float32](1, 1, nil)}
	if err := opt32.Step(p32, p32, 1e39); err == nil {
		t.Errorf("float32 step with learning rate 1e39: no error")
	}
}

// TestStateResume checks that an optimizer restored from State continues
// with bit-identical parameters, and that SetState copies its input.
func TestStateResume(t *testing.T) {
	for _, m := range []optim.Method{optim.SGD, optim.Momentum, optim.RMSprop, optim.Adam} {
		src := rand.New(7)
		params := randomParams(src)
		a, _ := optim.New[float32](optim.Config{Method: m})
		for range 3 {
			if err := a.Step(params, randomGrads(src, params), 0.01); err != nil {
				t.Fatal(err)
			}
		}
		saved := a.State()
		resumed := cloneAll(params)
		b, _ := optim.New[float32](optim.Config{Method: m})
		if err := b.SetState(saved); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		// Changing the saved state must not reach b.
		for _, bufs := range saved.Buffers {
			bufs[0].Fill(99)
		}
		for range 2 {
			g := randomGrads(src, params)
			if err := a.Step(params, g, 0.01); err != nil {
				t.Fatal(err)
			}
			if err := b.Step(resumed, g, 0.01); err != nil {
				t.Fatal(err)
			}
		}
		for i := range params {
			if !bitsEqual(params[i].RawData(), resumed[i].RawData()) {
				t.Errorf("%s: parameter %d differs after resuming", m, i)
			}
		}
		if !statesEqual(a.State(), b.State()) {
			t.Errorf("%s: states differ after resuming", m)
		}
	}
}

// TestSetStateErrors checks that a state from another method, with an
// unknown buffer, or shaped for other parameters is rejected.
func TestSetStateErrors(t *testing.T) {
	adam, _ := optim.New[float64](optim.Config{Method: optim.Adam})
	mom, _ := optim.New[float64](optim.Config{Method: optim.Momentum})
	if err := adam.SetState(mom.State()); err == nil || !strings.Contains(err.Error(), "momentum") {
		t.Errorf("Adam.SetState(momentum state): error %v, want one naming momentum", err)
	}
	bad := optim.State[float64]{Method: optim.Adam, Buffers: map[string][]*matrix.Dense[float64]{"s": nil}}
	if err := adam.SetState(bad); err == nil || !strings.Contains(err.Error(), `"s"`) {
		t.Errorf("SetState with buffer s: error %v, want one naming it", err)
	}
	missing := optim.State[float64]{Method: optim.Adam, Step: 3}
	if err := adam.SetState(missing); err == nil {
		t.Errorf("SetState after 3 steps without buffers: no error")
	}

	p := []*matrix.Dense[float64]{matrix.New[float64](2, 2, nil)}
	other := optim.State[float64]{Method: optim.Momentum, Step: 1, Buffers: map[string][]*matrix.Dense[float64]{
		"v": {matrix.New[float64](3, 1, nil)},
	}}
	if err := mom.SetState(other); err != nil {
		t.Fatal(err)
	}
	if err := mom.Step(p, p, 0.1); err == nil || !strings.Contains(err.Error(), "another network") {
		t.Errorf("Step with a state of other shapes: error %v", err)
	}
}

// TestStepAllocs checks that no step after the first allocates, also with
// a weight large enough that the update splits between goroutines.
func TestStepAllocs(t *testing.T) {
	for _, m := range []optim.Method{optim.SGD, optim.Momentum, optim.RMSprop, optim.Adam} {
		src := rand.New(1)
		params := randomParams(src)
		if !raceEnabled {
			// The race detector makes sync.Pool, which holds the jobs of
			// a split, drop items.
			params = append(params, matrix.New[float32](256, 784, nil))
		}
		grads := randomGrads(src, params)
		opt, _ := optim.New[float32](optim.Config{Method: m})
		if err := opt.Step(params, grads, 1e-3); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if err := opt.Step(params, grads, 1e-3); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per step, want 0", m, allocs)
		}
	}
}

// TestReset checks that Reset returns an optimizer to its first step.
func TestReset(t *testing.T) {
	p := matrix.New(1, 1, []float64{1})
	g := matrix.New(1, 1, []float64{0.5})
	opt, _ := optim.New[float64](optim.Config{Method: optim.Adam})
	step := func() float64 {
		p.Set(0, 0, 1)
		if err := opt.Step([]*matrix.Dense[float64]{p}, []*matrix.Dense[float64]{g}, 0.1); err != nil {
			t.Fatal(err)
		}
		return p.At(0, 0)
	}
	first := step()
	if second := step(); second == first {
		t.Fatalf("second step equals the first; the test cannot see Reset")
	}
	opt.Reset()
	if again := step(); again != first {
		t.Errorf("step after Reset gives %v, want the first step's %v", again, first)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		in   optim.Config
		want optim.Config
		err  string
	}{
		{optim.Config{}, optim.Config{}, ""},
		{optim.Config{Beta: 0.5}, optim.Config{}, ""},
		{optim.Config{Method: optim.Momentum}, optim.Config{Method: optim.Momentum, Beta: 0.9}, ""},
		{optim.Config{Method: optim.RMSprop, Beta: 0.99}, optim.Config{Method: optim.RMSprop, Beta: 0.99, Epsilon: 1e-8}, ""},
		{optim.Config{Method: optim.Adam}, optim.Config{Method: optim.Adam, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}, ""},
		{optim.Config{Method: optim.Momentum, Beta: 1}, optim.Config{}, "momentum beta = 1; it must be in (0, 1)"},
		{optim.Config{Method: optim.Adam, Beta2: -0.1}, optim.Config{}, "adam beta2 = -0.1"},
		{optim.Config{Method: optim.RMSprop, Epsilon: -1}, optim.Config{}, "rmsprop epsilon = -1"},
		{optim.Config{Method: optim.Adam, Epsilon: math.Inf(1)}, optim.Config{}, "adam epsilon = +Inf"},
		{optim.Config{Method: 9}, optim.Config{}, "invalid optimizer 9"},
	}
	for i, test := range tests {
		opt, err := optim.New[float64](test.in)
		if test.err != "" {
			if err == nil || !strings.Contains(err.Error(), test.err) {
				t.Errorf("%d: error %v, want one containing %q", i, err, test.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		if got := opt.Config(); got != test.want {
			t.Errorf("%d: Config() = %+v, want %+v", i, got, test.want)
		}
	}
}

func TestParseMethod(t *testing.T) {
	for _, test := range []struct {
		in   string
		want optim.Method
	}{{"sgd", optim.SGD}, {"gd", optim.SGD}, {"Momentum", optim.Momentum}, {"rmsprop", optim.RMSprop}, {" ADAM ", optim.Adam}} {
		got, err := optim.ParseMethod(test.in)
		if err != nil || got != test.want {
			t.Errorf("ParseMethod(%q) = %v, %v; want %v", test.in, got, err, test.want)
		}
	}
	if _, err := optim.ParseMethod("adagrad"); err == nil || !strings.Contains(err.Error(), "adagrad") {
		t.Errorf("ParseMethod(adagrad): error %v", err)
	}

	c := optim.Config{Method: optim.RMSprop, Beta: 0.95}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"method":"rmsprop","beta":0.95}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back optim.Config
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Errorf("JSON round trip gives %+v, %v; want %+v", back, err, c)
	}
}

func randomParams(src *rand.PCG) []*matrix.Dense[float32] {
	shapes := [][2]int{{3, 2}, {3, 1}, {1, 3}, {1, 1}}
	ps := make([]*matrix.Dense[float32], len(shapes))
	for i, s := range shapes {
		ps[i] = matrix.New[float32](s[0], s[1], nil)
		for k := range ps[i].RawData() {
			ps[i].RawData()[k] = float32(src.NormFloat64())
		}
	}
	return ps
}

func randomGrads(src *rand.PCG, params []*matrix.Dense[float32]) []*matrix.Dense[float32] {
	gs := cloneAll(params)
	for _, g := range gs {
		for k := range g.RawData() {
			g.RawData()[k] = float32(src.NormFloat64())
		}
	}
	return gs
}

func cloneAll[T matrix.Float](ms []*matrix.Dense[T]) []*matrix.Dense[T] {
	out := make([]*matrix.Dense[T], len(ms))
	for i, m := range ms {
		out[i] = m.Clone()
	}
	return out
}

func statesEqual[T matrix.Float](a, b optim.State[T]) bool {
	if a.Method != b.Method || a.Step != b.Step || len(a.Buffers) != len(b.Buffers) {
		return false
	}
	for name, bufs := range a.Buffers {
		other := b.Buffers[name]
		if len(other) != len(bufs) {
			return false
		}
		for i := range bufs {
			if !bitsEqual(bufs[i].RawData(), other[i].RawData()) {
				return false
			}
		}
	}
	return true
}

// bitsEqual reports whether a and b hold the same bits, so NaN equals NaN
// and 0 differs from −0.
func bitsEqual[T matrix.Float](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return false
		}
	}
	return true
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
