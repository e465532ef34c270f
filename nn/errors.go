package nn

import "fmt"

// ShapeError reports a matrix whose shape is not the one the network needs.
// A negative entry in Want stands for "any", such as the number of
// examples m.
type ShapeError struct {
	Name string // the quantity, as the lecture writes it: "X", "Y", "W[2]", "b[1]"
	Want [2]int
	Got  [2]int
	Hint string // what to do, when a likely cause is known
}

func (e *ShapeError) Error() string {
	s := fmt.Sprintf("nn: %s must be %s, got (%d, %d)", e.Name, shapeText(e.Want), e.Got[0], e.Got[1])
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s
}

func shapeText(s [2]int) string {
	dim := func(v int) string {
		if v < 0 {
			return "m"
		}
		return fmt.Sprint(v)
	}
	return "(" + dim(s[0]) + ", " + dim(s[1]) + ")"
}
