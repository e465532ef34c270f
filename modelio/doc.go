// Package modelio reads and writes model files: the safetensors layout
// with the architecture in its metadata, and a small JSON form meant to be
// written by hand. It also exports a model as an ONNX graph for other
// runtimes (EncodeONNX), a format it does not read.
//
// Every writer is atomic: it writes a temporary file in the target's
// folder, syncs it and renames it over the target, so a crash leaves the
// old file or the new one, never part of one. Readers accept untrusted
// input and report the file and the field or byte offset at fault.
package modelio
