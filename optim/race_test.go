//go:build race

package optim_test

// The race detector makes some synchronisation allocate, so allocation
// counts are not checked under it.
const raceEnabled = true
