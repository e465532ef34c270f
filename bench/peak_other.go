//go:build !amd64

package main

// fmaLoop returns nil: there is no FMA loop for this architecture.
func fmaLoop() (loop func(n int), name string, flops int) { return nil, "", 0 }
