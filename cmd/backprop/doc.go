// Command backprop builds, trains, explains and runs fully-connected
// neural networks.
//
// Usage:
//
//	backprop <command> [flags]
//
// Results go to stdout and progress and messages to stderr; --json prints
// a machine-readable result. The exit status is 0 on success, 1 on
// failure and 2 on a usage error.
package main
