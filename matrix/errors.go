package matrix

// Panic messages. Each names the operation's contract that was broken.
const (
	ErrShape       = "matrix: dimension mismatch"
	ErrNegative    = "matrix: negative dimension"
	ErrDataLength  = "matrix: data length does not match the shape"
	ErrIndex       = "matrix: index out of range"
	ErrColumnShape = "matrix: column vector must be (r, 1) for an (r, c) matrix"
	ErrAlias       = "matrix: receiver shares memory with an operand"
	ErrColRange    = "matrix: column range out of bounds"
	ErrScale       = "matrix: byte matrix scale must be finite"
	ErrBlockSize   = "matrix: block size must be at least 1"
)
