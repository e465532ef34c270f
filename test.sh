#!/usr/bin/env bash
# Runs backprop's whole test suite on a fresh machine, installing what the
# tests need:
#
#  1. go vet and go test over every package;
#  2. the GEMM and element-wise kernels' conformance suite again without
#     assembly (-tags noasm);
#  3. every fuzz target for a bounded time (fuzz.sh, $FUZZTIME each,
#     20 s by default);
#  4. the playground's engine under WebAssembly and its page in headless
#     Chromium (e2e/run.sh).
#
#   ./test.sh            everything
#   ./test.sh ./nn/...   only go vet and go test of the given packages
#
# Debian's python3-numpy lets the tests read backprop's safetensors files
# with numpy, and python3-onnx lets them check its ONNX files. The tests
# that reproduce the course's results on its cat images read
# train_catvnoncat.h5 and test_catvnoncat.h5 from the folder in
# $BACKPROP_CATVNONCAT_DIR; without it they are skipped with a message.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import numpy, onnx' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing python3-numpy and python3-onnx for the numpy and ONNX interoperability tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-onnx) >/dev/null 2>&1 ||
      echo "test.sh: could not install python3-numpy and python3-onnx; those tests will skip" >&2
  fi
fi

if [ $# -gt 0 ]; then
  go vet "$@"
  go test -count=1 "$@"
  exit
fi

go vet ./...
go test -count=1 ./...
go test -count=1 -tags noasm ./matrix/...
./fuzz.sh
./e2e/run.sh
