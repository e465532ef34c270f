package explain

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/backprop-go/backprop/nn"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenArchs are the lecture's models whose summaries and equations are
// kept as golden files. The counts in the files were checked by hand:
//
//	[12288, 1]:            12288 + 1                                  = 12,289
//	[2, 4, 1]:             4·3 + 1·5                                   = 17
//	[12288, 7, 1]:         7·12289 + 1·8 = 86,023 + 8                  = 86,031
//	[12288, 20, 7, 5, 1]:  20·12289 + 7·21 + 5·8 + 1·6 = 245,780 + 147 + 40 + 6 = 245,973
var goldenArchs = []struct {
	name string
	arch Arch
}{
	{"logistic_12288_1", Arch{Sizes: []int{12288, 1}, Acts: []nn.Activation{nn.Sigmoid}, Loss: nn.BCE}},
	{"shallow_2_4_1", Arch{Sizes: []int{2, 4, 1}, Acts: []nn.Activation{nn.Tanh, nn.Sigmoid}, Loss: nn.BCE}},
	{"two_layer_12288_7_1", Arch{Sizes: []int{12288, 7, 1}, Acts: []nn.Activation{nn.ReLU, nn.Sigmoid}, Loss: nn.BCE}},
	{"deep_12288_20_7_5_1", Arch{Sizes: []int{12288, 20, 7, 5, 1}, Acts: []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Sigmoid}, Loss: nn.BCE}},
}

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, got)
	}
}

func TestSummaryGolden(t *testing.T) {
	for _, tc := range goldenArchs {
		s, err := NewSummary(tc.arch, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var b bytes.Buffer
		if err := s.WriteText(&b); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		checkGolden(t, tc.name+".summary.golden", b.Bytes())
	}
}

// TestSummaryGoldenExamples keeps one summary with a numeric m: the 209
// training images of the lecture's cat classifier.
func TestSummaryGoldenExamples(t *testing.T) {
	tc := goldenArchs[3]
	s, err := NewSummary(tc.arch, 209)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, tc.name+".m209.summary.golden", b.Bytes())
}

func TestEquationsGolden(t *testing.T) {
	formats := []struct {
		f   Format
		ext string
	}{{Text, "txt"}, {Markdown, "md"}, {LaTeX, "tex"}}
	for _, tc := range goldenArchs {
		e, err := NewEquations(tc.arch, 0, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, f := range formats {
			var b bytes.Buffer
			if err := e.Render(&b, f.f); err != nil {
				t.Fatalf("%s %s: %v", tc.name, f.f, err)
			}
			checkGolden(t, tc.name+".equations."+f.ext+".golden", b.Bytes())
		}
	}
}

// TestEquationsGoldenL2 keeps the shallow model's method with L2, whose cost
// splits into a data term and an L2 term.
func TestEquationsGoldenL2(t *testing.T) {
	e, err := NewEquations(goldenArchs[1].arch, 0, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := e.Render(&b, Text); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, goldenArchs[1].name+".l2.equations.txt.golden", b.Bytes())
}
