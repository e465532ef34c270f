// Package optim updates a network's parameters from their gradients:
// gradient descent, momentum, RMSprop and Adam, and learning-rate
// schedules.
//
// # Parameters and gradients
//
// An Optimizer works on two lists of matrices of equal length, params and
// grads, where grads[i] has the shape of params[i]. For a network they are
// nn.Network's Params and Grads: W[1], b[1], W[2], b[2], … and dW[1],
// db[1], dW[2], db[2], … . The optimizer keeps one state buffer per
// parameter and per moment, in the same order, allocated on the first Step;
// later steps allocate nothing.
//
// The gradients are used as given. With L2 regularisation they already hold
// the (λ/m)·W[l] term, since nn.Network.Backward adds it to dW[l], so no
// optimizer adds weight decay of its own.
//
// # Update rules
//
// With learning rate α and g the gradient of parameter p, element by
// element:
//
//	SGD:      p = p − α·g
//	Momentum: v = β·v + (1 − β)·g;   p = p − α·v
//	RMSprop:  s = β·s + (1 − β)·g²;  p = p − α·g / (√s + ε)
//	Adam:     m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
//	          m̂ = m / (1 − β1^t);     v̂ = v / (1 − β2^t)
//	          p = p − α·m̂ / (√v̂ + ε)
//
// Every state buffer starts at zero and Adam's t is 1 at the first update.
// Momentum is the exponentially averaged form of the deeplearning.ai
// course, not the heavy-ball form v = β·v + g of PyTorch's SGD; for the
// same β its steps are (1 − β) times as large. RMSprop is PyTorch's
// torch.optim.RMSprop with alpha = β. Adam is Kingma and Ba's
// (arXiv:1412.6980) with ε added outside the square root, as PyTorch
// computes it.
//
// # Non-finite updates
//
// Step is all or nothing. It first computes every new value without
// storing it, and if any new parameter or state value would be NaN or ±Inf
// it returns a *NonFiniteError and changes neither the parameters nor the
// optimizer's state.
//
// # State
//
// State and SetState copy the optimizer's buffers and step count out and
// in, so a checkpoint can resume training with bit-identical updates.
package optim
