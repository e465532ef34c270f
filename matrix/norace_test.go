//go:build !race

package matrix

// raceEnabled reports whether the race detector is on; it allocates on
// its own, so allocation counts are not checked under it.
const raceEnabled = false
