package engine

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/matrix"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

func mustParse(t *testing.T, query string) Settings {
	t.Helper()
	s, err := ParseSettings(query)
	if err != nil {
		t.Fatalf("ParseSettings(%q): %v", query, err)
	}
	return s
}

func mustNew(t *testing.T, query string) *Engine {
	t.Helper()
	e, err := New(mustParse(t, query), nil)
	if err != nil {
		t.Fatalf("New(%q): %v", query, err)
	}
	return e
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// runReference trains the settings' network the way `backprop train`
// does, with train.Run, independently of Engine: the points, the test set
// held out from rand.New(seed), the weights drawn from the same source,
// then Run. It returns the trained network and the two sets.
func runReference(t *testing.T, s Settings, epochs int) (*nn.Network[float64], *data.Dataset[float64], *data.Dataset[float64]) {
	t.Helper()
	pts, err := generate(s)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.New(s.Seed)
	trainPts, testPts := pts, (*data.Dataset[float64])(nil)
	if s.TestFraction > 0 {
		if trainPts, _, testPts, err = pts.Split(src, 0, s.TestFraction); err != nil {
			t.Fatal(err)
		}
	}
	sizes, acts, loss, err := s.arch()
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New[float64](sizes, acts, loss)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := nn.ParseInit(s.Init)
	if err := net.Init(k, NormalScale, src); err != nil {
		t.Fatal(err)
	}
	method, _ := optim.ParseMethod(s.Optimizer)
	trainSet := withFeatures(trainPts, sortFeatures(s.Features))
	cfg := train.Config{
		Epochs: epochs, BatchSize: s.Batch, Shuffle: true, LearningRate: s.LearningRate,
		Optimizer: optim.Config{Method: method}, Lambda: s.lambda(), Source: src,
	}
	if _, err := train.Run(net, trainSet, nil, cfg); err != nil {
		t.Fatal(err)
	}
	var testSet *data.Dataset[float64]
	if testPts != nil {
		testSet = withFeatures(testPts, sortFeatures(s.Features))
	}
	return net, trainSet, testSet
}

// TestEngineMatchesRun trains with the engine, in pieces of single
// batches and epochs, and with train.Run in one go, and compares the bits
// of every weight and of both costs.
func TestEngineMatchesRun(t *testing.T) {
	tests := []struct {
		query  string
		epochs int
	}{
		{"", 6},
		{"data=flower&layers=4&opt=sgd&lr=1.2&batch=0&test=0&init=normal", 20},
		{"data=xor&f=x1,x2,x1x2&layers=3&act=relu&opt=momentum&reg=l2&rate=0.1&batch=16&seed=9", 5},
		{"data=plane&layers=2&out=tanh&opt=rmsprop&lr=0.01&batch=25", 4},
		{"data=gaussmix&f=x1,x2,sinx1,sinx2&layers=5,5&act=sigmoid&opt=adam&lr=0.01", 3},
		{"data=spiral&layers=8,8,8&act=tanh&opt=adam&batch=32&dseed=5&init=he", 3},
	}
	for i, tt := range tests {
		s := mustParse(t, tt.query)
		e, err := New(s, nil)
		if err != nil {
			t.Fatalf("%d: New: %v", i, err)
		}
		// Part of an epoch, the rest of it, then whole epochs.
		if err := e.Step(1); err != nil {
			t.Fatalf("%d: Step: %v", i, err)
		}
		if err := e.Epochs(tt.epochs); err != nil {
			t.Fatalf("%d: Epochs: %v", i, err)
		}
		// With one batch per epoch, that first step was an epoch.
		epochs := tt.epochs
		if e.stepper.Batches() == 1 {
			epochs++
		}
		want, trainSet, testSet := runReference(t, s, epochs)
		for l := 1; l <= want.Layers(); l++ {
			if !sameBits(e.net.W[l].RawData(), want.W[l].RawData()) || !sameBits(e.net.B[l].RawData(), want.B[l].RawData()) {
				t.Errorf("%d (%q): layer %d's weights differ from train.Run's", i, tt.query, l)
			}
		}
		st := e.Status()
		wantTrain, _, _ := train.Evaluate(want, trainSet)
		if st.Train != wantTrain {
			t.Errorf("%d (%q): training cost %v, train.Run gives %v", i, tt.query, st.Train, wantTrain)
		}
		if testSet != nil {
			wantTest, _, _ := train.Evaluate(want, testSet)
			if st.Test != wantTest {
				t.Errorf("%d (%q): test cost %v, train.Run gives %v", i, tt.query, st.Test, wantTest)
			}
		} else if !math.IsNaN(st.Test) {
			t.Errorf("%d (%q): test cost %v without a test set, want NaN", i, tt.query, st.Test)
		}
		if st.Epochs != epochs || st.Iterations != epochs*st.Batches {
			t.Errorf("%d (%q): %d epochs, %d iterations; want %d and %d", i, tt.query, st.Epochs, st.Iterations, epochs, epochs*st.Batches)
		}
		curve := e.Curve()
		if last := curve[len(curve)-1]; last.Epoch != float64(epochs) || last.Train != st.Train {
			t.Errorf("%d (%q): last curve point %+v, want epoch %d and cost %v", i, tt.query, last, epochs, st.Train)
		}
	}
}

// TestWalkIsNextUpdate checks that the walk's gradients are the ones the
// next update uses: with SGD, W[l] after the step is W[l] − α·dW[l].
func TestWalkIsNextUpdate(t *testing.T) {
	for _, mid := range []bool{false, true} {
		e := mustNew(t, "data=moons&layers=3,2&opt=sgd&lr=0.5&batch=16&reg=l2&rate=0.2")
		if mid {
			if err := e.Step(2); err != nil {
				t.Fatal(err)
			}
		}
		w, err := e.Walk()
		if err != nil {
			t.Fatal(err)
		}
		if w.M != 16 || len(w.Batch) != 16 || len(w.Points) != 16 {
			t.Fatalf("walk of m = %d with %d indices and %d points; want 16", w.M, len(w.Batch), len(w.Points))
		}
		L := e.net.Layers()
		before := make([]*matrix.Dense[float64], L+1)
		for l := 1; l <= L; l++ {
			before[l] = e.net.W[l].Clone()
		}
		if err := e.Step(1); err != nil {
			t.Fatal(err)
		}
		for l := 1; l <= L; l++ {
			dW := stepValues(t, w, "dW", l)
			for k, v := range e.net.W[l].RawData() {
				want := before[l].RawData()[k] - 0.5*dW[k]
				if math.Abs(v-want) > 1e-15*math.Max(1, math.Abs(want)) {
					t.Errorf("mid-epoch %v: W[%d] entry %d = %v after the step, want W − α·dW = %v", mid, l, k, v, want)
				}
			}
		}
		// The walk's points are the batch's examples.
		for k, j := range w.Batch {
			if w.Points[k] != [2]float64{e.trainPts.X.At(0, j), e.trainPts.X.At(1, j)} {
				t.Errorf("point %d of the walk is %v, not example %d of the training set", k, w.Points[k], j)
			}
		}
	}
}

// stepValues returns the values of the walk's step name[l].
func stepValues(t *testing.T, w *Walk, name string, l int) []float64 {
	t.Helper()
	for _, s := range w.Steps {
		if s.Name == name+"["+string(rune('0'+l))+"]" {
			return s.Values
		}
	}
	t.Fatalf("the walk has no %s[%d]", name, l)
	return nil
}

func TestWalkOrder(t *testing.T) {
	e := mustNew(t, "layers=3")
	w, err := e.Walk()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range w.Steps {
		names = append(names, s.Name)
		if s.Equation == "" {
			t.Errorf("step %s has no equation", s.Name)
		}
		if len(s.Values) != s.Rows*s.Cols {
			t.Errorf("step %s holds %d values for (%d, %d)", s.Name, len(s.Values), s.Rows, s.Cols)
		}
	}
	want := "Z[1] A[1] Z[2] A[2] J dZ[2] dW[2] db[2] dA[1] dZ[1] dW[1] db[1] dA[0]"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("walk order %s, want %s", got, want)
	}
	if !strings.Contains(w.Text, "Trace of one forward and one backward pass") {
		t.Errorf("the walk's text is not explain's trace: %.80q", w.Text)
	}
	for _, k := range []int{0, 4, 6} {
		if len(w.Steps[k].Notes) == 0 {
			t.Errorf("step %s has no notes from explain", w.Steps[k].Name)
		}
	}
	if w.Steps[4].Values[0] != w.Cost || w.Cost != w.CostData+w.CostL2 {
		t.Errorf("J = %v, cost %v = %v + %v", w.Steps[4].Values[0], w.Cost, w.CostData, w.CostL2)
	}
}

// TestL1SoftThreshold checks the L1 step after an SGD update: every weight
// moves by α·λ/m_b towards 0 and stops there.
func TestL1SoftThreshold(t *testing.T) {
	e := mustNew(t, "data=xor&m=40&layers=4&opt=sgd&lr=1&batch=0&reg=l1&rate=10&test=0")
	w, err := e.Walk()
	if err != nil {
		t.Fatal(err)
	}
	m := float64(w.M)
	before := e.net.W[1].Clone()
	if err := e.Step(1); err != nil {
		t.Fatal(err)
	}
	dW := stepValues(t, w, "dW", 1)
	threshold := 1 * 10 / m
	zeros := 0
	for k, v := range e.net.W[1].RawData() {
		u := before.RawData()[k] - dW[k]
		want := math.Copysign(math.Max(math.Abs(u)-threshold, 0), u)
		if want == 0 {
			want, zeros = 0, zeros+1
		}
		if math.Abs(v-want) > 1e-15 {
			t.Errorf("W[1] entry %d = %v, want soft threshold %v of %v", k, v, want, u)
		}
	}
	if zeros == 0 {
		t.Errorf("no weight reached 0 with threshold %v; the test needs a larger λ", threshold)
	}
	if b := e.net.B[1].RawData(); b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 {
		t.Errorf("biases stayed 0 after an update: %v", b)
	}
	if !strings.Contains(w.Note, "L1") {
		t.Errorf("walk note %q does not say what L1 leaves out", w.Note)
	}
}

func TestGrid(t *testing.T) {
	e := mustNew(t, "f=x1,x2,x1x2&layers=3,2")
	const g = 4
	out, err := e.Grid(g)
	if err != nil {
		t.Fatal(err)
	}
	nf := len(FeatureNames())
	if want := g * g * (nf + 3 + 2 + 1); len(out) != want {
		t.Fatalf("Grid(%d) returned %d values, want %d", g, len(out), want)
	}
	d := e.Domain()
	step := 2 * d / g
	// Pixel (row 1, column 2): x1 = −d + 2.5·step, x2 = d − 1.5·step.
	x1, x2 := -d+2.5*step, d-1.5*step
	k := 1*g + 2
	wantFeatures := []float64{x1, x2, x1 * x1, x2 * x2, x1 * x2, math.Sin(x1), math.Sin(x2)}
	for f, want := range wantFeatures {
		if got := out[f*g*g+k]; math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("feature %s at (%v, %v) = %v, want %v", FeatureNames()[f], x1, x2, got, want)
		}
	}
	X := matrix.New[float64](3, 1, []float64{x1, x2, x1 * x2})
	net := e.net.Clone()
	if _, err := net.Forward(X); err != nil {
		t.Fatal(err)
	}
	off := nf
	for l := 1; l <= net.Layers(); l++ {
		for i := range net.Sizes[l] {
			got, want := float64(out[(off+i)*g*g+k]), net.A[l].At(i, 0)
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("A[%d] unit %d at the pixel = %v, Forward gives %v", l, i, got, want)
			}
		}
		off += net.Sizes[l]
	}
	for _, bad := range []int{1, MaxGrid + 1} {
		if _, err := e.Grid(bad); err == nil {
			t.Errorf("Grid(%d) returned no error", bad)
		}
	}
}

func TestSetParam(t *testing.T) {
	e := mustNew(t, "layers=2")
	if err := e.SetParam("W", 2, 0, 1, 1.5); err != nil {
		t.Fatal(err)
	}
	if err := e.SetParam("b", 1, 1, 0, -0.25); err != nil {
		t.Fatal(err)
	}
	if e.net.W[2].At(0, 1) != 1.5 || e.net.B[1].At(1, 0) != -0.25 {
		t.Errorf("W[2][0][1] = %v, b[1][1] = %v; want 1.5 and −0.25", e.net.W[2].At(0, 1), e.net.B[1].At(1, 0))
	}
	W, b := e.Params()
	if W[2][0][1] != 1.5 || b[1][1][0] != -0.25 || W[0] != nil {
		t.Errorf("Params() = W %v, b %v", W, b)
	}
	// Training goes on from the edited weights.
	if err := e.Step(1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		l, i, j int
		v       float64
		want    string
	}{
		{"W", 0, 0, 0, 1, "layer 0 does not exist"},
		{"W", 3, 0, 0, 1, "layer 3 does not exist"},
		{"W", 1, 2, 0, 1, "no entry [2][0]"},
		{"b", 1, 0, 1, 1, "no entry [0][1]"},
		{"Z", 1, 0, 0, 1, `parameter "Z"`},
		{"W", 1, 0, 0, math.NaN(), "give a finite number"},
		{"b", 1, 0, 0, math.Inf(1), "give a finite number"},
	}
	for k, tt := range tests {
		if err := e.SetParam(tt.name, tt.l, tt.i, tt.j, tt.v); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d: SetParam(%s, %d, %d, %d, %v) = %v, want %q", k, tt.name, tt.l, tt.i, tt.j, tt.v, err, tt.want)
		}
	}
}

func TestExportModelRoundTrip(t *testing.T) {
	e := mustNew(t, "f=x1,x2,x2sq&layers=3")
	if err := e.Epochs(2); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "safetensors"} {
		var b bytes.Buffer
		if err := e.ExportModel(&b, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		var m *modelio.Model[float64]
		var err error
		if format == "json" {
			m, err = modelio.DecodeJSON[float64]("model.json", &b)
		} else {
			m, err = modelio.DecodeModel[float64]("model.safetensors", b.Bytes())
		}
		if err != nil {
			t.Fatalf("%s: reading back: %v", format, err)
		}
		if m.Net.Sizes[0] != 3 || m.Net.Loss != nn.BCE {
			t.Errorf("%s: n = %v, loss %v; want n[0] = 3 and bce", format, m.Net.Sizes, m.Net.Loss)
		}
		for l := 1; l <= e.net.Layers(); l++ {
			if !sameBits(m.Net.W[l].RawData(), e.net.W[l].RawData()) || !sameBits(m.Net.B[l].RawData(), e.net.B[l].RawData()) {
				t.Errorf("%s: layer %d's weights changed in the round trip", format, l)
			}
		}
	}
	if err := e.ExportModel(new(bytes.Buffer), "onnx"); err == nil {
		t.Error("ExportModel(onnx) returned no error")
	}
}

// TestExportDataReadsBack reads the exported data with the command line's
// reader and compares it with the engine's features.
func TestExportDataReadsBack(t *testing.T) {
	for _, query := range []string{"data=gauss&f=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2", "data=gaussmix"} {
		e := mustNew(t, query)
		var b bytes.Buffer
		if err := e.ExportData(&b); err != nil {
			t.Fatal(err)
		}
		task := data.Classification
		if e.settings.Regression() {
			task = data.Regression
		}
		d, err := data.DecodeCSV[float64](DataFile, &b, data.CSVOptions{Task: task})
		if err != nil {
			t.Fatalf("%q: %v", query, err)
		}
		want := withFeatures(e.points, e.features)
		if !sameBits(d.X.RawData(), want.X.RawData()) || !sameBits(d.Y.RawData(), want.Y.RawData()) {
			t.Errorf("%q: the exported examples differ from the engine's", query)
		}
		if strings.Join(d.FeatureNames, ",") != strings.Join(e.FeatureLabels(), ",") {
			t.Errorf("%q: header %v, want %v", query, d.FeatureNames, e.FeatureLabels())
		}
	}
	e := mustNew(t, "batch=7")
	var b bytes.Buffer
	if err := e.ExportBatch(&b); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(b.String(), "\n"); lines != 8 {
		t.Errorf("the batch file has %d lines, want a header and 7 examples", lines)
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		query string
		want  string
		file  bool
		note  bool
	}{
		{"", "backprop train --data circles --samples 300 --noise 0.05 --test-fraction 0.2 --layers 4,2 --activation tanh --output sigmoid --loss bce --init xavier --optimizer adam --lr 0.03 --batch 10 --epochs 7 --seed 1 --float64", false, false},
		{"data=flower&layers=&out=tanh&init=normal&reg=l2&rate=0.5&batch=0", "backprop train --data flower --samples 400 --noise 0.2 --test-fraction 0.2 --layers 0 --activation tanh --output tanh --loss mse --init normal --init-scale 0.01 --optimizer adam --lr 0.03 --l2 0.5 --batch 0 --epochs 7 --seed 1 --float64", false, false},
		{"data=moons&dseed=4", "--data playground-data.csv --standardize=false --test-fraction", true, false},
		{"f=x1,x2,x1sq", "--data playground-data.csv --standardize=false", true, false},
		{"data=plane", "--data playground-data.csv --standardize=false --task regression", true, false},
		{"reg=l1&rate=0.1", "--data circles", false, true},
	}
	for i, tt := range tests {
		e := mustNew(t, tt.query)
		cmd, file, note := e.Command(7)
		if !strings.Contains(cmd, tt.want) || file != tt.file || (note != "") != tt.note {
			t.Errorf("%d: Command(%q) = %q, file %v, note %q; want %q, file %v, note %v", i, tt.query, cmd, file, note, tt.want, tt.file, tt.note)
		}
	}
}

func TestDecodeUpload(t *testing.T) {
	good := []struct {
		text, task string
		classes    int
	}{
		{"x1,x2,label\n0,1,0\n1,0,1\n0.5,0.5,1\n", "classification", 2},
		{"0,1,cat\n1,0,dog\n", "classification", 2},
		{"a,b,y\n0,1,0.25\n1,0,-3\n", "regression", 0},
	}
	for i, tt := range good {
		d, err := DecodeUpload("points.csv", strings.NewReader(tt.text), tt.task)
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		if d.Classes != tt.classes || d.Features() != 2 {
			t.Errorf("%d: %d classes, %d features; want %d and 2", i, d.Classes, d.Features(), tt.classes)
		}
	}
	bad := []struct {
		text, task, want string
	}{
		{"1,2,3,0\n4,5,6,1\n", "classification", "3 feature columns"},
		{"0,1,0\n1,0,1\n1,1,2\n", "classification", "3 classes"},
		{"0,1,0\n", "classification", "1 example"},
		{"0,1,0\n1,x,1\n1,1,1\n", "classification", "line 2"},
		{"0,1,0\n", "clustering", "clustering"},
		{strings.Repeat("0.123456789,0.123456789,1\n", 50000), "classification", "larger than"},
	}
	for i, tt := range bad {
		_, err := DecodeUpload("points.csv", strings.NewReader(tt.text), tt.task)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d: DecodeUpload = %v, want an error containing %q", i, err, tt.want)
		}
	}
}

func TestUploadEngine(t *testing.T) {
	var text strings.Builder
	text.WriteString("x1,x2,label\n")
	src := rand.New(3)
	for range 40 {
		x1, x2 := src.NormFloat64(), src.NormFloat64()
		label := 0
		if x1 > x2 {
			label = 1
		}
		text.WriteString(strings.Join([]string{ftoa(x1), ftoa(x2), ftoa(float64(label))}, ",") + "\n")
	}
	d, err := DecodeUpload("points.csv", strings.NewReader(text.String()), "classification")
	if err != nil {
		t.Fatal(err)
	}
	s := mustParse(t, "data=upload&task=classification&layers=&test=0.25")
	if _, err := New(s, nil); err == nil || !strings.Contains(err.Error(), "no uploaded file") {
		t.Errorf("New without the file: %v", err)
	}
	e, err := New(s, d)
	if err != nil {
		t.Fatal(err)
	}
	if e.train.Len() != 30 || e.test.Len() != 10 {
		t.Errorf("split %d + %d examples, want 30 + 10", e.train.Len(), e.test.Len())
	}
	if err := e.Epochs(30); err != nil {
		t.Fatal(err)
	}
	if st := e.Status(); st.TrainAccuracy < 0.8 {
		t.Errorf("logistic regression on a linear boundary reached %v training accuracy, want ≥ 0.8", st.TrainAccuracy)
	}
	s.Task = "regression"
	if _, err := New(s, d); err == nil || !strings.Contains(err.Error(), "upload it again") {
		t.Errorf("New with the task changed: %v", err)
	}
}

func ftoa(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRegressionSets(t *testing.T) {
	d, err := Plane(rand.New(1), 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	for j := range d.Len() {
		x1, x2 := d.X.At(0, j), d.X.At(1, j)
		if math.Abs(x1) > 2 || math.Abs(x2) > 2 || d.Y.At(0, j) != (x1+x2)/4 {
			t.Fatalf("plane example %d: (%v, %v) → %v", j, x1, x2, d.Y.At(0, j))
		}
	}
	if d.Classes != 0 || d.Labels != nil {
		t.Errorf("plane has %d classes and labels %v, want a regression set", d.Classes, d.Labels)
	}
	// Reference values of the mixture at chosen points, computed in
	// Python from the formula of GaussianMixture's documentation.
	refs := []struct{ x1, x2, y float64 }{
		{-1, 1, 0.9560632301004177},
		{1, -1, -0.9560632301004177},
		{0.3, 0.8, -0.4707804561264353},
	}
	for _, r := range refs {
		P := matrix.New[float64](2, 1, []float64{r.x1, r.x2})
		_ = P
		src := &fixedSource{values: []float64{(r.x1/regressionSide + 1) / 2, (r.x2/regressionSide + 1) / 2}}
		d, err := GaussianMixture(src, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Y.At(0, 0); math.Abs(got-r.y) > 1e-12 {
			t.Errorf("mixture at (%v, %v) = %v, want %v", r.x1, r.x2, got, r.y)
		}
	}
	for _, m := range []int{1, data.MaxSamples + 1} {
		if _, err := Plane(rand.New(1), m, 0); err == nil {
			t.Errorf("Plane with m = %d returned no error", m)
		}
	}
	if _, err := GaussianMixture(rand.New(1), 10, -1); err == nil {
		t.Error("GaussianMixture with noise −1 returned no error")
	}
}

// fixedSource returns its values from Float64 in turn, and 0 from
// NormFloat64.
type fixedSource struct {
	rand.Source
	values []float64
	k      int
}

func (s *fixedSource) Float64() float64 {
	v := s.values[s.k%len(s.values)]
	s.k++
	return v
}

func (s *fixedSource) NormFloat64() float64 { return 0 }

func TestDivergence(t *testing.T) {
	e := mustNew(t, "data=plane&f=x1sq,x2sq,x1x2&layers=&opt=sgd&lr=10&batch=0&noise=0.5")
	var err error
	for k := 0; k < 200 && err == nil; k++ {
		err = e.Epochs(1)
	}
	if err == nil || !strings.Contains(err.Error(), "learning rate") {
		t.Fatalf("training with α = 10 returned %v, want divergence", err)
	}
	st := e.Status()
	if st.Error == "" || math.IsNaN(st.Train) {
		t.Errorf("after divergence: status error %q, training cost %v; want the error and a finite cost", st.Error, st.Train)
	}
	if err2 := e.Step(1); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("Step after divergence returned %v, want %v again", err2, err)
	}
	if _, err := e.Walk(); err == nil {
		t.Error("Walk after divergence returned no error")
	}
}

func TestInfoJSON(t *testing.T) {
	e := mustNew(t, "data=spiral&test=0&f=x1,x2,sinx1&layers=5,3")
	info, err := e.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Summary.Params != nn.NumParams([]int{3, 5, 3, 1}) || info.Summary.M != info.BatchSize {
		t.Errorf("summary of %d parameters for m = %d; want %d for m = %d", info.Summary.Params, info.Summary.M, nn.NumParams([]int{3, 5, 3, 1}), info.BatchSize)
	}
	if len(info.Test.X1) != 0 || len(info.Train.X1) != 400 {
		t.Errorf("%d training and %d test points, want 400 and 0", len(info.Train.X1), len(info.Test.X1))
	}
	if !strings.Contains(info.Equations, "dW[3]") {
		t.Errorf("the equations do not mention dW[3]:\n%s", info.Equations)
	}
	s := Default()
	s.Hidden = nil
	none, err := New(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(none.Settings()); !strings.Contains(string(b), `"layers":[]`) {
		t.Errorf("settings without hidden layers marshal to %s; want layers []", b)
	}
	for _, v := range []any{info, e.Status(), e.Curve(), Catalog()} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%T): %v", v, err)
		}
		if _, ok := v.(Status); ok && !strings.Contains(string(b), `"test":null`) {
			t.Errorf("status without a test set: %s; want test null", b)
		}
	}
}

func TestPreview(t *testing.T) {
	for _, name := range SetNames() {
		pts, d, err := Preview(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		set, _ := lookupSet(name)
		if len(pts.X1) != set.Samples || d < 1 {
			t.Errorf("%s: %d points, domain %v", name, len(pts.X1), d)
		}
		for k := range pts.X1 {
			if math.Abs(pts.X1[k]) > d || math.Abs(pts.X2[k]) > d {
				t.Errorf("%s: point (%v, %v) outside [−%v, %v]²", name, pts.X1[k], pts.X2[k], d, d)
				break
			}
		}
	}
	if _, _, err := Preview("mnist"); err == nil {
		t.Error("Preview(mnist) returned no error")
	}
}
