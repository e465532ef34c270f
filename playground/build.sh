#!/bin/sh
# Builds the playground's engine, package playground/wasm, to WebAssembly
# and copies the Go release's wasm_exec.js beside it. The server embeds
# both, so run this after changing any Go code the engine uses, and commit
# the two files; TestAssetsUpToDate fails while they are stale.
#
#   playground/build.sh          writes playground/assets/
#   playground/build.sh DIR      writes DIR/ instead (for the test)
#
# -trimpath and the stripped symbols keep the file small and the same
# bytes on every machine with the same Go release.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/playground/assets"}
cd "$root"
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$out/engine.wasm" ./playground/wasm
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
chmod 644 "$out/engine.wasm" "$out/wasm_exec.js"
