// Package engine is the computing half of the backprop playground: it
// makes the 2-D data, builds and trains the network, and reports what the
// page draws. The page runs this package compiled to WebAssembly, and its
// JavaScript only draws and forwards clicks, so every number on the page
// comes from the project's own nn, optim, train, data and explain
// packages.
//
// # Settings
//
// Settings holds everything that decides a run, seed included, and
// round-trips through a URL query (ParseSettings, Settings.Query), so a
// link reproduces a setup.
//
// # The same run as the command line
//
// New replicates what `backprop train` does for a generated set, in the
// same order and from one source rand.New(Seed):
//
//  1. the data come from data.Generate with the data seed (the set's own
//     seed unless the page regenerated the data);
//  2. the test set is held out with data.Dataset.Split(src, 0, TestFraction);
//  3. the network is built with nn.New and drawn with Network.Init from src;
//  4. training uses train.Config{Shuffle: true, Source: src, …} through a
//     train.Stepper, which gives Run's updates one batch at a time.
//
// The page trains in float64, so `backprop train --float64` with the flags
// of Settings.Command gives the same costs. Sets that `backprop train`
// cannot generate, extra input features, and L1 regularisation are
// reproduced through the data file that ExportData writes (see Command).
//
// # L1 regularisation
//
// Package nn has L2 only: λ enters J and dW[l]. L1 is this package's own,
// applied after each update as the proximal step of the term
// (λ/m_b)·Σ_l ‖W[l]‖₁, the soft threshold
//
//	W[l] = sign(W[l]) ⊙ max(|W[l]| − α·λ/m_b, 0)
//
// which is what TensorFlow Playground does too. It is not part of dW[l],
// and the command line cannot reproduce it.
//
// # Features
//
// The network's inputs are the features the page selects among x1, x2,
// x1², x2², x1·x2, sin x1 and sin x2, in that order, so n[0] is their
// number. A model exported from the page takes those columns, not the raw
// points.
package engine
