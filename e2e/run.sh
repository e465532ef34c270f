#!/usr/bin/env bash
# Tests backprop playground as a learner uses it:
#
#  1. the engine's Go tests, compiled to WebAssembly and run by Node.js
#     through Go's go_js_wasm_exec, as the page runs the engine;
#  2. the page in headless Chromium (playground.test.mjs, Node's test
#     runner with playwright-core): it trains, walks the backward pass,
#     exports, and compares the numbers with `backprop train` and
#     `backprop explain` built from this tree.
#
# It installs what is missing: Debian's chromium (as root, with apt-get)
# and playwright-core from package-lock.json (npm ci, no browser
# download). Screenshots go to e2e/artifacts/. Exits non-zero on any
# failure.
#
#   e2e/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

echo "e2e: engine tests under GOOS=js GOARCH=wasm" >&2
exec_wasm="$(go env GOROOT)/lib/wasm/go_js_wasm_exec"
if ! command -v node >/dev/null; then
  echo "e2e: node is missing; install Node.js 20 or later" >&2
  exit 1
fi
GOOS=js GOARCH=wasm go test -count=1 -exec="$exec_wasm" ./playground/engine/...

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "e2e: installing chromium with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "e2e: $chromium is missing; install Debian's chromium package or set CHROMIUM" >&2
    exit 1
  fi
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "e2e: installing playwright-core (npm ci)" >&2
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
go build -o "$bin_dir/backprop" ./cmd/backprop
mkdir -p "$here/artifacts"

echo "e2e: browser tests" >&2
cd "$here"
BACKPROP_BIN="$bin_dir/backprop" CHROMIUM="$chromium" node --test --test-concurrency=1 playground.test.mjs
