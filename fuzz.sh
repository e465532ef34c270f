#!/usr/bin/env bash
# Runs each fuzz target of backprop (every func Fuzz… in a _test.go file)
# for a bounded time, one after another, and fails if any target finds an
# input that makes it fail.
#
#   ./fuzz.sh                          every target, $FUZZTIME each
#   ./fuzz.sh FuzzDecodeJSON FuzzX…    only the named targets
#   FUZZTIME=5m ./fuzz.sh              longer runs (default 20s)
#
# go test saves a failing input under the package's testdata/fuzz/<target>/.
# Commit it together with the fix: from then on plain go test runs it as a
# regression test.
set -euo pipefail
cd "$(dirname "$0")"

fuzztime=${FUZZTIME:-20s}
# go test spends up to 60 s minimising each new input that widens coverage,
# and a large input (such as a 2.5 KB random-source state) then stalls every
# worker for the rest of a short run. One second keeps them fuzzing; a failing
# input is still saved, only less minimised.
minimizetime=${FUZZMINIMIZETIME:-1s}

# Each target as "<package dir> <name>", sorted by file.
targets=()
while IFS=: read -r file _ decl; do
  name=${decl#func }
  name=${name%%(*}
  if [ $# -gt 0 ]; then
    wanted=false
    for arg in "$@"; do
      [ "$arg" = "$name" ] && wanted=true
    done
    $wanted || continue
  fi
  targets+=("./$(dirname "${file#./}") $name")
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | sort)

if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz target matches ${*:-any name}; list them with: grep -rn '^func Fuzz' --include='*_test.go' ." >&2
  exit 2
fi

# inputs lists the saved failing inputs of a target.
inputs() {
  ls "$1/testdata/fuzz/$2" 2>/dev/null || true
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
flaked=()
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "fuzz.sh: $name in $pkg for $fuzztime" >&2
  before=$(inputs "$pkg" "$name")
  status=0
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimizetime" "$pkg" 2>&1 | tee "$log" || status=$?
  [ "$status" -eq 0 ] && continue
  # Go 1.26's fuzzing coordinator can fail a run with "context deadline
  # exceeded" when -fuzztime ends while a worker is inside a call, without
  # any failing input. Such a run found nothing, so it only warns.
  if [ "$(inputs "$pkg" "$name")" = "$before" ] && grep -q '^    context deadline exceeded$' "$log" &&
    ! grep -q 'Failing input written' "$log"; then
    echo "fuzz.sh: warning: $name ended with the fuzzing engine's \"context deadline exceeded\" and saved no failing input; not counted as a failure" >&2
    flaked+=("$name in $pkg")
    continue
  fi
  failed+=("$name in $pkg")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${#failed[@]} of ${#targets[@]} targets failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  echo "fuzz.sh: the failing inputs are in each package's testdata/fuzz/<target>/; run go test there to reproduce" >&2
  exit 1
fi
echo "fuzz.sh: all ${#targets[@]} targets ran $fuzztime without a failure (${#flaked[@]} ended on the engine's deadline error)" >&2
