// Package matrix provides Dense, a row-major matrix of float32 or float64,
// with the operations backpropagation needs: GEMM with either operand
// transposed, adding a column vector to every column, element-wise maps,
// the Hadamard product, row sums and scaling.
//
// # Orientation
//
// A Dense with r rows and c columns stores element (i, j) at index i·c + j
// of its backing slice. Networks in this project keep one example per
// column, so a batch X of m examples with n features is an (n, m) matrix.
//
// # Results and allocation
//
// Methods that compute a result store it in the receiver, as in
// gonum/mat: c.Mul(a, b) sets c = a·b. A receiver whose shape differs from
// the result's is resized, reusing its backing slice when the capacity is
// large enough, so a loop that keeps its receivers allocates only on the
// first pass. The zero value of Dense is an empty 0×0 matrix, ready to
// receive a result.
//
// # Aliasing
//
// Element-wise methods (Add, Sub, MulElem, Scale, Apply, AddColVec,
// AddColVecReLU, MulStep) accept a receiver that is also an operand. Mul, MulTrans, Gemm and Transpose do
// not: the receiver must not share memory with an operand.
//
// # Panics
//
// Operands of incompatible shapes are a programmer's error and panic with
// one of the messages in errors.go, as gonum/mat does. Data supplied by a
// user is checked by the packages above matrix, which return errors.
package matrix
