//go:build amd64 && !noasm

package kernel

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The AVX-512 kernels run on CPUs with AVX512F, and the GEMM kernels on
// those that also have AVX512VL (see the init functions). These patterns
// match the instructions that need AVX512DQ or AVX512BW, and the EVEX forms
// on X and Y registers that need AVX512VL.
var (
	// AVX512DQ: the floating-point logic on Z registers, byte and
	// quadword mask moves, and the DQ conversions and classes.
	needsDQ = regexp.MustCompile(`^\s*(V(AND|ANDN|OR|XOR)P[SD] .*\bZ\d+|KMOV[BDQ] |VCVT[TU]?(QQ|PD2QQ|PS2QQ|UQQ)|VFPCLASS|VRANGE|VREDUCE|VPMULLQ|V(EXTRACT|INSERT)F(32X8|64X2)|VPMOV[DQ]2M|VPMOVM2)`)
	// AVX512BW: byte and word lanes of Z registers.
	needsBW = regexp.MustCompile(`^\s*(VP(ADD|SUB|MAXU|MINU|CMP|SHUF|UNPCK)[A-Z]*[BW] .*\bZ\d+|VPMOVZXBW .*\bZ\d+|VPMOVWB)`)
	// AVX512VL: a mask, or register 16 to 31, on an X or Y register.
	needsVL = regexp.MustCompile(`K[1-7], [XY]\d+|\b[XY](1[6-9]|2\d|3[01])\b`)
)

// TestAVX512Instructions reads the generated assembly and checks that each
// AVX-512 kernel keeps to the extensions its CPU test checks for: AVX512F
// for the element-wise kernels, AVX512F and AVX512VL for GEMM.
func TestAVX512Instructions(t *testing.T) {
	for _, c := range []struct {
		file    string
		allowVL bool
	}{
		{"elementwise_amd64.s", false},
		{"gemm_amd64.s", true},
	} {
		f, err := os.Open(c.file)
		if err != nil {
			t.Fatal(err)
		}
		s := bufio.NewScanner(f)
		text, checked := "", 0
		for n := 1; s.Scan(); n++ {
			line := s.Text()
			if name, ok := strings.CutPrefix(line, "TEXT ·"); ok {
				text, _, _ = strings.Cut(name, "(SB)")
				if strings.Contains(text, "AVX512") {
					checked++
				}
				continue
			}
			if !strings.Contains(text, "AVX512") {
				continue
			}
			switch {
			case needsDQ.MatchString(line):
				t.Errorf("%s:%d: %q in %s needs AVX512DQ", c.file, n, strings.TrimSpace(line), text)
			case needsBW.MatchString(line):
				t.Errorf("%s:%d: %q in %s needs AVX512BW", c.file, n, strings.TrimSpace(line), text)
			case !c.allowVL && needsVL.MatchString(line):
				t.Errorf("%s:%d: %q in %s needs AVX512VL", c.file, n, strings.TrimSpace(line), text)
			}
		}
		f.Close()
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		if checked == 0 {
			t.Errorf("%s: no AVX-512 kernel found", c.file)
		}
	}
}
