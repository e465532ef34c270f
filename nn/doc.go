// Package nn builds fully-connected networks and computes their forward
// pass, cost and backward pass exactly as the lecture derives them.
//
// # Notation
//
// Layers are numbered as in the lecture: the input is layer 0 and the
// layers with parameters are l = 1 … L. Every per-layer slice of a Network
// is indexed by l, so index 0 of W, B, Z, DZ, DW and DB is unused (nil) and
// net.W[l] is the lecture's W[l]. Matrices keep one example per column:
//
//	X = A[0]   (n[0], m)      W[l]   (n[l], n[l−1])     b[l]  (n[l], 1)
//	Z[l] = W[l]·A[l−1] + b[l]       A[l] = g[l](Z[l])   (n[l], m)
//
// The cost is
//
//	J = (1/m)·Σ_i loss(ŷ_i, y_i) + (λ/2m)·Σ_l ‖W[l]‖²_F
//
// and the backward pass, for l = L down to 1, is
//
//	dZ[L] = A[L] − Y                        (matched output and loss)
//	dZ[l] = dA[l] ⊙ g'[l](Z[l])             (otherwise)
//	dW[l] = (1/m)·dZ[l]·A[l−1]ᵀ + (λ/m)·W[l]
//	db[l] = (1/m)·Σ over columns of dZ[l]
//	dA[l−1] = W[l]ᵀ·dZ[l]
//
// dZ[l] and dA[l] are the lecture's: derivatives of the summed loss
// Σ_i loss_i, which is m times the data term of J. dW[l] and db[l] are the
// partial derivatives of J itself.
//
// # Precision
//
// Network is generic over float32 and float64; both run the same code.
// Costs are accumulated and returned in float64.
//
// # Errors
//
// Anything a caller supplies (X, Y, weights, sizes, names) is checked where
// it enters and a wrong value gives an error naming the quantity, for
// example "nn: W[2] must be (7, 20), got (20, 7)". A Network is not safe for
// concurrent use: Forward and Backward keep their caches in it.
package nn
