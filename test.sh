#!/usr/bin/env bash
# Runs backprop's whole test suite on a fresh machine: installs what the
# tests need, then go vet and go test.
#
#   ./test.sh            everything
#   ./test.sh ./nn/...   only the given packages
#
# Debian's python3-numpy lets the tests read backprop's safetensors files
# with numpy. The tests that reproduce the course's results read its cat
# data (train_catvnoncat.h5, test_catvnoncat.h5) from the folder in
# $BACKPROP_CATVNONCAT_DIR; without it they are skipped and say so.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing python3-numpy for the numpy interoperability tests" >&2
    (apt-get update -qq && apt-get install -y -qq python3-numpy) >/dev/null 2>&1 ||
      echo "test.sh: could not install python3-numpy; those tests will skip" >&2
  fi
fi

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
go vet "${pkgs[@]}"
go test -count=1 "${pkgs[@]}"
