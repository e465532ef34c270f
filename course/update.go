package course

import (
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
)

// newUpdater returns the function that applies one update to net from the
// gradients of its last Backward call, with the optimizer named as the
// course names it (gd, momentum, adam) and its default hyperparameters,
// which are the course's: β = 0.9, β1 = 0.9, β2 = 0.999, ε = 1e-8.
func newUpdater(name string, lr float64, net *nn.Network[float64]) (func() error, error) {
	method, err := optim.ParseMethod(name)
	if err != nil {
		return nil, err
	}
	opt, err := optim.New[float64](optim.Config{Method: method})
	if err != nil {
		return nil, err
	}
	params, grads := net.Params(), net.Grads()
	return func() error { return opt.Step(params, grads, lr) }, nil
}
