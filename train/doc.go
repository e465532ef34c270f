// Package train runs the training loop: mini-batches, shuffles, epochs,
// an optimizer from package optim, learning-rate schedules, dropout, early
// stopping, metrics and callbacks.
//
// # One epoch
//
// Run trains an nn.Network on a data.Dataset. At the start of each epoch,
// with Config.Shuffle set, the order of the examples is drawn as
// Source.Perm(m); otherwise the file order is kept. The order is cut into
// batches of Config.BatchSize consecutive examples, and the last, smaller
// batch keeps the remainder: m = 67 with batch size 64 gives batches of 64
// and 3 examples. A batch size of 0 or ≥ m is full-batch gradient descent,
// one batch of all m examples per epoch, and draws no order. For each batch
// of size m_b:
//
//	A[L] = forward pass (inverted dropout where net.KeepProb sets it)
//	J_b  = (1/m_b)·Σ loss + (λ/2m_b)·Σ_l ‖W[l]‖²_F
//	dW[l], db[l] = backward pass, averaged over the batch's own m_b
//	W[l], b[l]   = optimizer step with the epoch's learning rate
//
// # Metrics
//
// After each epoch Run reports Metrics. The training cost is the mean of
// the batch costs J_b measured before each batch's update, weighted by
// batch size, Σ_b m_b·J_b / m. With one full batch it is the lecture's cost
// J at iteration i before update i. The training accuracy is measured the
// same way, on each batch's forward pass before its update (with dropout
// when the network has it), so both describe the weights as they changed
// during the epoch. The validation cost and accuracy come from Evaluate
// after the epoch: the data term of J without L2 and without dropout.
//
// # Randomness
//
// A run draws every random number from Config.Source: the example order of
// each epoch, then the dropout masks of each batch. The same network,
// data, configuration and seed give bit-identical weights.
//
// # Errors
//
// Run checks the configuration, the network and both datasets before the
// first update and trains nothing when one is invalid. The error names the
// value at fault. If the cost, a gradient or an update becomes NaN or ±Inf
// during training, Run returns a *DivergedError and leaves the network
// with the weights of before that iteration.
package train
