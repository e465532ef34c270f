package optim

import (
	"testing"

	"github.com/backprop-go/backprop/matrix"
)

// BenchmarkStep times one update of parameters shaped as an MLP
// 784-256-128-10's, 235,146 float32 values, for every method.
func BenchmarkStep(b *testing.B) {
	sizes := []int{784, 256, 128, 10}
	var params, grads []*matrix.Dense[float32]
	for l := 1; l < len(sizes); l++ {
		for _, shape := range [][2]int{{sizes[l], sizes[l-1]}, {sizes[l], 1}} {
			p := matrix.New[float32](shape[0], shape[1], nil)
			g := matrix.New[float32](shape[0], shape[1], nil)
			for k := range p.RawData() {
				p.RawData()[k] = float32(k%7) - 3
				g.RawData()[k] = 1e-3 * float32(k%5)
			}
			params, grads = append(params, p), append(grads, g)
		}
	}
	for _, m := range []Method{SGD, Momentum, RMSprop, Adam} {
		b.Run(m.String(), func(b *testing.B) {
			o, err := New[float32](Config{Method: m})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := o.Step(params, grads, 1e-6); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
