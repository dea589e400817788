#!/usr/bin/env bash
# Benchmark: one CSV of N rows through the runnable jar against the onOffice simulator, on loopback.
#   bench/run.sh [rows=100000] [batch-size=25] [heap=-Xmx512m] [concurrency=2] [latency-ms=0]
# latency-ms: the simulator holds every answer back this long after executing it, like a real API over a network.
# Prints rows/s (pick-up to results written), CPU seconds of the app for the file, peak heap and peak RSS.
# The simulator runs in a JVM of its own so the figures are the app's alone; it also reports whether any
# action was executed twice. Everything it starts listens on 127.0.0.1 and is stopped at the end.
set -euo pipefail
ROWS=${1:-100000}
BATCH=${2:-25}
HEAP=${3:--Xmx512m}
CONCURRENCY=${4:-2}
LATENCY_MS=${5:-0}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_jars

WORK=bench/work/$(date +%Y%m%d-%H%M%S)-${ROWS}rows-batch${BATCH}
mkdir -p "$WORK"
trap bench_stop_all EXIT

echo "generating $ROWS rows ..."
gen_csv "$WORK/bench.csv" "$ROWS" 1100000000

PORT=$(free_port)
start_simulator "$PORT" "$LATENCY_MS" "$WORK/simulator.log"
# the app's data folder is the work folder itself (bench/work/.../data), its log app.log and jstat.txt beside it
start_app "$WORK" "$PORT" "$BATCH" "$CONCURRENCY" "$HEAP"

measure_file "$WORK" "$WORK/bench.csv"
stop_simulator "$WORK/simulator.log" > /dev/null

python3 - "$WORK" "$ROWS" "$BATCH" "$HEAP" "$CONCURRENCY" "$LATENCY_MS" "$CPU_BEFORE" "$CPU_AFTER" "$HEAP_PEAK" "$RSS_PEAK" <<'PY'
import json, sys, datetime, re
work, rows, batch, heap, conc, latency, cpu0, cpu1, heap_peak, rss_peak = sys.argv[1:]
s = json.load(open(f"{work}/data/outbox/bench.summary.json"))
t = lambda x: datetime.datetime.fromisoformat(x.replace("Z", "+00:00"))
secs = (t(s["finishedAt"]) - t(s["startedAt"])).total_seconds()
sim = open(f"{work}/simulator.log").read()
m = re.search(r"(\d+) actions executed, (\d+) repeated executions", sim)
print(f"rows {rows}  batch-size {batch}  concurrency {conc}  heap {heap}  simulator latency {latency} ms")
print(f"  results: {s['counts']}")
print(f"  time {secs:.1f} s  ->  {int(rows) / secs:,.0f} rows/s")
print(f"  app CPU for the file {float(cpu1) - float(cpu0):.1f} s  (total since start {cpu1} s)")
print(f"  peak heap used {heap_peak} MB  peak RSS {rss_peak} MB")
if m:
    print(f"  simulator: {m.group(1)} actions executed, {m.group(2)} executed twice")
PY
echo "work folder: $WORK"
