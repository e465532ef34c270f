package nn

import "github.com/backprop-go/backprop/matrix"

// Backward computes the gradients of J with respect to every W[l] and b[l]
// for targets Y, (n[L], m), from the caches of the last forward pass, with
// L2 strength λ. For l = L down to 1:
//
//	dZ[L] = A[L] − Y                          (matched output and loss)
//	dZ[l] = dA[l] ⊙ g'[l](Z[l])               (otherwise)
//	dW[l] = (1/m)·dZ[l]·A[l−1]ᵀ + (λ/m)·W[l]
//	db[l] = (1/m)·Σ over columns of dZ[l]
//	dA[l−1] = W[l]ᵀ·dZ[l]
//
// With dropout on layer l−1, dA[l−1] is multiplied by the forward pass's
// mask D[l−1] and divided by keep_prob before g' (DAMasked holds the
// result). The results replace those of any earlier call, so calling
// Backward twice gives the same gradients, never their sum. dA[0] is
// computed only when InputGrad is set.
func (net *Network[T]) Backward(Y *matrix.Dense[T], lambda float64) error {
	if err := net.checkPass(Y, lambda); err != nil {
		return err
	}
	L := net.Layers()
	m := T(net.A[0].Cols())

	// Output layer: dZ[L] = A[L] − Y, fused for a matched pair, so
	// dA[L] = −Y/A[L] (0/0 where A[L] saturates) is never formed.
	if net.Loss.Matches(net.Act[L]) {
		net.DZ[L].Sub(net.A[L], Y)
		net.DA[L].Resize(0, 0)
	} else {
		OutputGrad(net.Loss, net.DA[L], net.A[L], Y)
		ActivateBackward(net.Act[L], net.LeakySlope, net.DZ[L], net.DA[L], net.Z[L], net.A[L])
	}

	for l := L; l >= 1; l-- {
		dZ := net.DZ[l]
		// dW[l] = (1/m)·dZ[l]·A[l−1]ᵀ + (λ/m)·W[l]. The product is
		// rounded before the 1/m, as the formula reads.
		if l == 1 && net.xB != nil && net.xBFor == net.A[0] {
			// The same product with Xᵀ read as bytes.
			net.DW[l].MulBytes(dZ, net.xBT)
			net.DW[l].Scale(1/m, net.DW[l])
		} else if l == 1 && net.xT != nil && net.xTFor == net.A[0] {
			// The same product with Xᵀ given, (m, n[0]), read as it is
			// instead of transposed anew at every step.
			net.DW[l].ScaledMulTrans(1/m, dZ, false, net.xT, false)
		} else {
			net.DW[l].ScaledMulTrans(1/m, dZ, false, net.A[l-1], true)
		}
		if lambda != 0 {
			net.DW[l].AddScaled(net.DW[l], T(lambda)/m, net.W[l])
		}
		// db[l] = (1/m)·Σ over columns of dZ[l]
		net.DB[l].RowSums(dZ)
		net.DB[l].Scale(1/m, net.DB[l])

		if l == 1 && !net.InputGrad {
			net.DA[0].Resize(0, 0)
			break
		}
		// dA[l−1] = W[l]ᵀ·dZ[l]
		dAPrev := net.DA[l-1]
		dAPrev.MulTrans(net.W[l], true, dZ, false)
		if l == 1 {
			break
		}
		// dZ[l−1] = dA[l−1] ⊙ g'[l−1](Z[l−1]), through the dropout mask
		// first when layer l−1 dropped units.
		g, Z, A := net.Act[l-1], net.Z[l-1], net.A[l-1]
		if D := net.D[l-1]; D.Len() > 0 {
			masked := net.DAMasked[l-1]
			masked.MulElem(dAPrev, D)
			masked.Scale(T(1/net.KeepProb[l-1]), masked)
			dAPrev, A = masked, net.G[l-1]
		} else {
			net.DAMasked[l-1].Resize(0, 0)
		}
		ActivateBackward(g, net.LeakySlope, net.DZ[l-1], dAPrev, Z, A)
	}
	return nil
}

// Update takes one plain gradient-descent step with learning rate α:
//
//	W[l] = W[l] − α·dW[l]     b[l] = b[l] − α·db[l]
func (net *Network[T]) Update(alpha T) {
	for l := 1; l <= net.Layers(); l++ {
		net.W[l].AddScaled(net.W[l], -alpha, net.DW[l])
		net.B[l].AddScaled(net.B[l], -alpha, net.DB[l])
	}
}

// SetInputTranspose gives Backward XT = Xᵀ, (m, n[0]), for passes whose
// input is X itself, the same matrix, not a copy. Full-batch training runs
// thousands of passes on one X, and dW[1] = (1/m)·dZ[1]·A[0]ᵀ then reads
// XT as it is instead of transposing X at each step; results are the
// same. X must not change while it is set, since XT is not checked
// against it element by element. A nil X removes it. SetInputTranspose
// panics if XT is not X's transpose in shape.
func (net *Network[T]) SetInputTranspose(X, XT *matrix.Dense[T]) {
	if X == nil {
		net.xT, net.xTFor = nil, nil
		return
	}
	if r, c := X.Dims(); XT.Rows() != c || XT.Cols() != r {
		panic(matrix.ErrShape)
	}
	net.xT, net.xTFor = XT, X
}

// SetInputBytes gives Forward and Backward the input X as bytes, for
// passes whose input is X itself: X = s·B with B, (n[0], m), and
// Xᵀ = s·BT with BT, (m, n[0]), the same bytes transposed. Z[1] = W[1]·X
// is then computed as W[1]·(s·B) and dW[1] = (1/m)·dZ[1]·Xᵀ as
// (1/m)·dZ[1]·(s·BT), converting the bytes as they are read: an eighth of
// the memory traffic of float64 inputs, a quarter of float32. The results
// equal those from X up to rounding, since s multiplies whole sums rather
// than each element. X must not change while the bytes are set, and must
// equal them; matrix.EqualBytesTrans(X, BT) checks it. A nil X removes
// them. SetInputBytes panics if B or BT is not shaped as X or Xᵀ.
func (net *Network[T]) SetInputBytes(X *matrix.Dense[T], B, BT *matrix.Bytes) {
	if X == nil {
		net.xB, net.xBT, net.xBFor = nil, nil, nil
		return
	}
	r, c := X.Dims()
	if br, bc := B.Dims(); br != r || bc != c {
		panic(matrix.ErrShape)
	}
	if br, bc := BT.Dims(); br != c || bc != r {
		panic(matrix.ErrShape)
	}
	net.xB, net.xBT, net.xBFor = B, BT, X
}
