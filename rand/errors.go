package rand

// Panic messages. A panic here is a programmer's error: an argument that no
// caller should pass, as with Intn of math/rand/v2.
const (
	ErrIntn      = "rand: Intn argument n must be positive"
	ErrNegativeN = "rand: Perm or Shuffle argument n must not be negative"
	ErrUniform   = "rand: Uniform bounds must give a finite high − low"
	ErrScale     = "rand: Normal scale must not be negative"
)
