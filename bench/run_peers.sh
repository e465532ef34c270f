#!/usr/bin/env bash
# Runs backprop's bench command and the peer programs in one sitting, in
# interleaved rounds, and prints the medians of every workload with the
# ratio of backprop's figure to the best peer's.
#
#   PEERS_DIR=/path/to/peer-programs bench/run_peers.sh
#
# PEERS_DIR is required: the peer programs' folder, holding peers/pytorch,
# peers/numpy (and, optionally, the Go peers), course/cat_numpy.py,
# mnist_dir.sh and peak/. Other settings, all optional:
#
#   ROUNDS=3                 rounds; each runs every program once
#   THREADS=2                thread count of backprop, numpy and PyTorch with
#                            OMP_WAIT_POLICY=PASSIVE; PyTorch also runs on 1
#   PEERS="pytorch pytorch-1 numpy"
#                            peers to run; the Go peers gonum, gorgonia and
#                            gonum-openblas need PEERS_DIR/build.sh first
#   WORKLOADS=W1,W2,W3,W4,W5 workloads of every program
#   CAT_DIR                  folder of train_catvnoncat.h5 and
#                            test_catvnoncat.h5; when set (or when
#                            BACKPROP_CATVNONCAT_DIR is), cat-deep runs in
#                            backprop and in the peers' numpy course code
#   OUT=/tmp/backprop-peers/<date>
#                            raw logs, results.jsonl and summary.md; a
#                            folder that already contains an earlier
#                            sitting's results is rejected
#   MNIST_DIR                MNIST's folder; found with mnist_dir.sh if unset
#   INTERLEAVE=workload      "workload": each round runs every program on
#                            one workload, then every program on the next,
#                            so that each workload's figures are measured
#                            minutes apart at most; "program": each program
#                            runs all its workloads in one go
#   PEER_CORETYPE            OpenBLAS kernel of the peers, or "auto" (the
#                            default; see below) or "none" (OpenBLAS's
#                            own choice)
#
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE change OpenBLAS's kernel choice,
# so the caller's values are unset for the peers. OpenBLAS 0.3.21 falls
# back to its generic Prescott kernel on a CPU model missing from its
# table (an Intel Xeon of model 207 under KVM, where its float32 GEMM ran
# at a third of the SkylakeX kernel's speed). With PEER_CORETYPE=auto the
# peers then run with the kernel that the CPU's instructions allow
# (SkylakeX for AVX-512, Haswell for AVX2), and machine.txt and the
# summary record it.
#
# Nothing else CPU-heavy should run meanwhile: the peak probe before each
# round records how much of the machine was free.
#
# Exit status: 0 when every run succeeded, 1 when one failed (after the
# summary, which lacks its figures), 2 for invalid settings.
set -uo pipefail

if [ -z "${PEERS_DIR:-}" ]; then
  echo "run_peers.sh: set PEERS_DIR to the peer programs' folder (holding peers/, course/ and mnist_dir.sh)" >&2
  exit 2
fi
PEERS_DIR=$(cd "$PEERS_DIR" && pwd) || exit 2
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
PEERS=${PEERS:-"pytorch pytorch-1 numpy"}
WORKLOADS=${WORKLOADS:-W1,W2,W3,W4,W5}
CAT_DIR=${CAT_DIR:-${BACKPROP_CATVNONCAT_DIR:-}}
OUT=${OUT:-/tmp/backprop-peers/$(date +%Y%m%d-%H%M%S)}
PY=/usr/bin/python3
BIN=${BIN:-/tmp/bench-bin}
CLEAN=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
PEER_CORETYPE=${PEER_CORETYPE:-auto}
INTERLEAVE=${INTERLEAVE:-workload}
case $INTERLEAVE in
  workload | program) ;;
  *) echo "run_peers.sh: INTERLEAVE=$INTERLEAVE is invalid; use workload or program" >&2; exit 2 ;;
esac
# The logs and results are appended to, so an earlier sitting's would mix
# with this one's.
if [ -e "$OUT/results.jsonl" ] || [ -n "$(ls -A "$OUT/raw" 2>/dev/null)" ]; then
  echo "run_peers.sh: $OUT already contains the results of an earlier sitting; set OUT to a new folder, or remove that one first" >&2
  exit 2
fi
for p in $PEERS; do
  case $p in
    pytorch | pytorch-1 | numpy | gonum | gorgonia | gonum-openblas) ;;
    *) echo "run_peers.sh: unknown peer $p in PEERS; use pytorch, pytorch-1, numpy, gonum, gorgonia or gonum-openblas" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT/raw" || exit 2
export MNIST_DIR=${MNIST_DIR:-$("$PEERS_DIR/mnist_dir.sh")}

echo "building backprop's bench command" >&2
(cd "$REPO" && go build -o "$OUT/backprop-bench" ./bench) || exit 1
PEAK=""
if [ -f "$PEERS_DIR/peak/peak.c" ]; then
  # Built for this CPU at every sitting. The peers' probe needs AVX-512;
  # without it the bench's own probe (INFO fma_peak_gflops) still
  # measures the peak.
  if gcc -O2 -march=native -o "$OUT/peak" "$PEERS_DIR/peak/peak.c" -lpthread 2>/dev/null; then
    PEAK=$OUT/peak
  else
    echo "run_peers.sh: the peers' AVX-512 peak probe does not build on this CPU; using the bench's own probe" >&2
  fi
fi

# openblas_core prints the kernel that OpenBLAS chooses in the peers'
# environment, CLEAN; OpenBLAS names it when OPENBLAS_VERBOSE=2.
openblas_core() {
  "${CLEAN[@]}" OPENBLAS_VERBOSE=2 $PY -c 'import numpy' 2>&1 | sed -n 's/^Core: //p' | head -n 1
}
OPENBLAS_OWN=$(openblas_core)
CORE_ENV=""
case $PEER_CORETYPE in
  none) ;;
  auto)
    if [ "$OPENBLAS_OWN" = Prescott ]; then
      if grep -qw avx512f /proc/cpuinfo; then
        CORE_ENV=OPENBLAS_CORETYPE=SkylakeX
      elif grep -qw avx2 /proc/cpuinfo; then
        CORE_ENV=OPENBLAS_CORETYPE=Haswell
      fi
    fi ;;
  *) CORE_ENV=OPENBLAS_CORETYPE=$PEER_CORETYPE ;;
esac
if [ -n "$CORE_ENV" ]; then
  CLEAN+=("$CORE_ENV")
fi
OPENBLAS_PEERS=$(openblas_core)
if [ "$OPENBLAS_PEERS" != "$OPENBLAS_OWN" ]; then
  echo "run_peers.sh: OpenBLAS chooses its $OPENBLAS_OWN kernel on this CPU; the peers run with $CORE_ENV ($OPENBLAS_PEERS kernel)" >&2
fi
if [ -n "$CAT_DIR" ] && ! $PY -c 'import h5py' 2>/dev/null; then
  echo "run_peers.sh: the course's numpy code for cat-deep needs h5py: apt-get install python3-h5py" >&2
  exit 2
fi

# program_command prints the command line of one program on a
# comma-separated list of workloads.
program_command() { # name workloads
  local t=$THREADS w=$2
  case $1 in
    backprop) echo "$OUT/backprop-bench -threads $t -workload $w" ;;
    backprop-cat) echo "$OUT/backprop-bench -threads $t -workload cat-deep -data-dir $CAT_DIR" ;;
    pytorch) echo "${CLEAN[*]} OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=$t $PY $PEERS_DIR/peers/pytorch/bench.py --threads $t --workload $w --peer-name pytorch-passive" ;;
    pytorch-1) echo "${CLEAN[*]} OPENBLAS_NUM_THREADS=1 $PY $PEERS_DIR/peers/pytorch/bench.py --threads 1 --workload $w" ;;
    numpy) echo "${CLEAN[*]} OPENBLAS_NUM_THREADS=$t $PY $PEERS_DIR/peers/numpy/bench.py --threads $t --workload $w" ;;
    numpy-cat) echo "${CLEAN[*]} OPENBLAS_NUM_THREADS=$t $PY $PEERS_DIR/course/cat_numpy.py $CAT_DIR deep" ;;
    gonum) echo "${CLEAN[*]} GOMAXPROCS=$t $BIN/gonum -w $w" ;;
    gorgonia) echo "${CLEAN[*]} GOMAXPROCS=$t $BIN/gorgonia -w $w" ;;
    gonum-openblas) echo "${CLEAN[*]} OPENBLAS_NUM_THREADS=$t GOMAXPROCS=$t $BIN/gonum-openblas" ;;
    *) echo "run_peers.sh: unknown program $1" >&2; return 1 ;;
  esac
}

# slot_programs prints the programs that run in one slot of a round: a
# workload, "cat-deep", or with INTERLEAVE=program the list of all
# workloads. gorgonia runs only W1 and W4, and gonum-openblas only W5.
slot_programs() { # slot
  if [ "$1" = cat-deep ]; then
    echo "backprop-cat numpy-cat"
    return
  fi
  local p out="backprop"
  for p in $PEERS; do
    case $p in
      gorgonia) [[ ,$1, =~ ,W[14], ]] || continue ;;
      gonum-openblas) [[ ,$1, == *,W5,* ]] || continue ;;
    esac
    out="$out $p"
  done
  echo "$out"
}

# tag adds the round and the run to every RESULT line of a log.
tag() { # log round run
  sed -n 's/^RESULT //p' "$1" | $PY -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    d["round"], d["run"] = int(sys.argv[1]), sys.argv[2]
    print(json.dumps(d))' "$2" "$3"
}

{
  echo "date: $(date -Is)"
  echo "host: $(uname -a)"
  echo "cpus: $(nproc)"
  lscpu | grep -E 'Model name|^CPU\(s\)|Thread|L1d|L2|L3' || true
  echo "go: $(go version)"
  echo "commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null), $(git -C "$REPO" status --porcelain 2>/dev/null | wc -l) files changed since"
  $PY -c 'import numpy, torch; print("numpy", numpy.__version__, "torch", torch.__version__)' 2>&1
  echo "openblas: $OPENBLAS_OWN kernel by its own choice, $OPENBLAS_PEERS for the peers${CORE_ENV:+ ($CORE_ENV)}"
  echo "load before: $(cat /proc/loadavg)"
} > "$OUT/machine.txt"

if [ "$INTERLEAVE" = workload ]; then
  slots=${WORKLOADS//,/ }
else
  slots=$WORKLOADS
fi
[ -n "$CAT_DIR" ] && slots="$slots cat-deep"
failed=""
for r in $(seq 1 "$ROUNDS"); do
  if [ -n "$PEAK" ]; then
    "$PEAK" "$THREADS" 3 "round$r" > "$OUT/raw/peak-r$r.log" 2>&1
    tag "$OUT/raw/peak-r$r.log" "$r" "peak" >> "$OUT/probes.jsonl"
  fi
  for slot in $slots; do
    for p in $(slot_programs "$slot"); do
      cmd=$(program_command "$p" "$slot") || continue
      log="$OUT/raw/$p-${slot//,/-}-r$r.log"
      echo "=== $(date +%T) round $r, $slot: $p" | tee -a "$OUT/progress.txt" >&2
      start=$(date +%s.%N)
      timeout 1200 bash -c "$cmd" > "$log" 2> "$log.err"
      status=$?
      echo "    exit $status after $(awk "BEGIN{printf \"%.0f\", $(date +%s.%N) - $start}") s" | tee -a "$OUT/progress.txt" >&2
      if [ "$status" -ne 0 ]; then
        failed="$failed $p-${slot//,/-}-r$r"
        echo "run_peers.sh: $p failed on $slot in round $r (exit $status): $(tail -n 1 "$log.err")" >&2
      fi
      if [ "$p" = numpy-cat ]; then
        # cat_numpy.py prints "4-layer cost@0,100,2400: … train … test … 26.0s".
        sed -n 's/^4-layer.* train \([0-9.]*\) test \([0-9.]*\) \([0-9.]*\)s$/\1 \2 \3/p' "$log" | $PY -c '
import json, sys
for line in sys.stdin:
    train, test, s = map(float, line.split())
    print("RESULT " + json.dumps({"peer": "numpy-course", "workload": "cat-deep", "metric": "s_total", "unit": "s",
        "threads": int(sys.argv[1]), "values": [s], "median": s, "min": s, "max": s, "extra": {"train_acc": train, "test_acc": test}}))' "$THREADS" >> "$log"
      fi
      tag "$log" "$r" "$p" >> "$OUT/results.jsonl"
      grep -h '^INFO' "$log" | sed "s/^/[$p r$r] /" >> "$OUT/info.txt"
    done
  done
done
echo "load after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
$PY "$REPO/bench/compare_peers.py" "$OUT" | tee "$OUT/summary.md"
echo "results in $OUT" >&2
if [ -n "$failed" ]; then
  echo "run_peers.sh: these runs failed, and the summary lacks their figures:$failed; their errors are in $OUT/raw/*.err" >&2
  exit 1
fi
