//go:build amd64

package main

import "golang.org/x/sys/cpu"

// fmaLoopAVX2 runs n rounds of ten independent 8-wide float32 FMAs: 160
// floating-point operations a round.
//
//go:noescape
func fmaLoopAVX2(n int)

// fmaLoopAVX512 runs n rounds of ten independent 16-wide float32 FMAs:
// 320 floating-point operations a round.
//
//go:noescape
func fmaLoopAVX512(n int)

// fmaLoop returns the widest FMA loop this CPU runs, its name and the
// floating-point operations of one round, or nil where there is none.
func fmaLoop() (loop func(n int), name string, flops int) {
	switch {
	case cpu.X86.HasAVX512F:
		return fmaLoopAVX512, "AVX-512", 320
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return fmaLoopAVX2, "AVX2", 160
	}
	return nil, "", 0
}
