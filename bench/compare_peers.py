#!/usr/bin/python3
"""Summarise a run of bench/run_peers.sh as a Markdown table.

  /usr/bin/python3 bench/compare_peers.py OUT

OUT is the folder run_peers.sh wrote. For every workload and metric the
table gives each program's median and the ratio of backprop's median to
the best peer's. When every run kept its samples (W1 epochs, W5 samples),
the samples of all rounds are pooled; otherwise (W2 and W3 totals, W4
latencies) the median is that of the per-run medians. A ratio below 1 is
better for times, and above 1 for rates and accuracies."""
import json
import os
import re
import statistics
import sys
from collections import defaultdict

HIGHER_IS_BETTER = {"GFLOP/s", "examples/s", "frac"}


def load(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def median_of(recs):
    """Returns the median, minimum, maximum and count of a group's figures."""
    if all(r.get("values") for r in recs):
        xs = [v for r in recs for v in r["values"]]
    else:
        xs = [r["median"] for r in recs]
    return statistics.median(xs), min(xs), max(xs), len(xs)


def fmt(v, unit):
    if unit == "frac":
        return f"{100 * v:.2f}%"
    if unit == "examples/s":
        return f"{v / 1000:.0f}k"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def info_values(path, key):
    """Returns the values of an INFO key in backprop's rounds, in order."""
    if not os.path.exists(path):
        return []
    pattern = re.compile(r"^\[backprop r\d+\] INFO " + key + r"=(\d+)")
    with open(path) as f:
        return [m.group(1) for m in map(pattern.match, f) if m]


def main():
    out = sys.argv[1]
    results = load(os.path.join(out, "results.jsonl"))
    probes = load(os.path.join(out, "probes.jsonl"))
    groups = defaultdict(list)
    for r in results:
        groups[(r["workload"], r["metric"], r["peer"], r["threads"])].append(r)
    keys = sorted({(w, m) for (w, m, _, _) in groups}, key=lambda k: (k[0] if k[0] != "cat-deep" else "W9", k[1]))
    peers = sorted({(p, t) for (_, _, p, t) in groups if p != "backprop"})

    machine = os.path.join(out, "machine.txt")
    if os.path.exists(machine):
        with open(machine) as f:
            for line in f:
                if line.startswith("openblas: "):
                    print(f"OpenBLAS: {line[len('openblas: '):].strip()}\n")

    peak = [p["max"] for p in probes if p.get("metric") == "fma_avx512"]
    if peak:
        print(f"Float32 FMA peak probe before each round (AVX-512, GFLOP/s): {', '.join(f'{v:.0f}' for v in peak)}\n")
    own_peak = info_values(os.path.join(out, "info.txt"), "fma_peak_gflops")
    if own_peak:
        print(f"Float32 FMA peak measured by backprop's bench at the start of each of its runs (GFLOP/s): {', '.join(own_peak)}\n")
    trips = info_values(os.path.join(out, "info.txt"), "core_round_trip_ns")
    if trips:
        print(f"Core round trip at the start of each of backprop's runs (ns): {', '.join(trips)}; "
              "80–130 ns is a quick moment and 360–450 ns a slow one (docs/benchmarks.md)\n")

    head = ["workload", "metric", "unit", "backprop", "best peer", "backprop / best"]
    head += [f"{p} ({t})" for p, t in peers]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for w, m in keys:
        ours = [(t, groups[(w, m, "backprop", t)]) for t in sorted({t for (w2, m2, p, t) in groups if (w2, m2, p) == (w, m, "backprop")})]
        unit = None
        cells = []
        best = None
        for p, t in peers:
            recs = groups.get((w, m, p, t))
            if not recs:
                cells.append("—")
                continue
            unit = recs[0]["unit"]
            med, lo, hi, n = median_of(recs)
            cells.append(fmt(med, unit))
            better = (lambda a, b: a > b) if unit in HIGHER_IS_BETTER else (lambda a, b: a < b)
            if best is None or better(med, best[0]):
                best = (med, f"{p} ({t})")
        for t, recs in ours or [(None, None)]:
            if recs:
                unit = recs[0]["unit"]
                med, lo, hi, n = median_of(recs)
                mine = f"{fmt(med, unit)} ({fmt(lo, unit)}–{fmt(hi, unit)})" if n > 1 else fmt(med, unit)
            else:
                med, mine = None, "—"
            ratio = f"{med / best[0]:.2f}" if med is not None and best and best[0] else "—"
            bestcell = f"{fmt(best[0], unit)} {best[1]}" if best else "—"
            print(f"| {w} | {m} | {unit} | {mine} | {bestcell} | {ratio} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
