#!/usr/bin/env bash
# Benchmark: how soon a big file's first link exists, and that memory stays flat. One CSV of N rows through the runnable jar
# under a small heap, against the onOffice simulator on loopback (no latency), on a fresh embedded H2 ledger.
#   bench/million.sh [rows=1000000] [heap=-Xmx128m] [batch-size=25] [concurrency=2]
# Prints: pick-up to the first link created (the simulator's first executed request against the app's "picked up" line,
# both logged on this machine's clock) and to the first batch handed out (the app's own line), pick-up to results written
# and rows/s, the app's CPU per row, peak heap (jstat) and peak RSS, and the ledger file (data/ledger.mv.db) at its largest
# while the file ran (sampled every 250 ms), at the end, once the idle app has shrunk it, and after a clean stop, in bytes
# per row (and how long the stop took).
set -euo pipefail
ROWS=${1:-1000000}
HEAP=${2:--Xmx128m}
BATCH=${3:-25}
CONCURRENCY=${4:-2}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_jars

WORK=bench/work/$(date +%Y%m%d-%H%M%S)-million-${ROWS}rows
mkdir -p "$WORK"
SIZE_PID=""
trap 'kill $SIZE_PID 2>/dev/null || true; bench_stop_all' EXIT

echo "generating $ROWS rows ..."
gen_csv "$WORK/million.csv" "$ROWS" 1100000000

PORT=$(free_port)
start_simulator "$PORT" 0 "$WORK/simulator.log"
start_app "$WORK" "$PORT" "$BATCH" "$CONCURRENCY" "$HEAP"
( while kill -0 "$APP_PID" 2>/dev/null; do stat -c %s "$WORK/data/ledger.mv.db" 2>/dev/null || true; sleep 0.25; done ) > "$WORK/ledger-size.txt" &
SIZE_PID=$!

measure_file "$WORK" "$WORK/million.csv"
kill "$SIZE_PID" 2>/dev/null || true; SIZE_PID=""
LEDGER_END=$(stat -c %s "$WORK/data/ledger.mv.db")
stop_simulator "$WORK/simulator.log" > /dev/null
# Idle: the app's housekeeping (routes/ledger.camel.yaml) shrinks the file and logs "ledger file shrunk ..." when it has
# done (the app is still running; events queued for outputs may keep it busy for a while first). Given up after 600 s,
# or once the file's size (in MB) has not changed for 60 s.
IDLE_T0=$(date +%s%N); LINES0=$(grep -ac 'H2Housekeeping - ledger file shrunk' "$WORK/app.log" || true)
LAST=$(( LEDGER_END >> 20 )); SAME_SINCE=$IDLE_T0
while [ "$(grep -ac 'H2Housekeeping - ledger file shrunk' "$WORK/app.log" || true)" = "$LINES0" ]; do
  sleep 0.5
  NOW=$(date +%s%N); SIZE=$(( $(stat -c %s "$WORK/data/ledger.mv.db") >> 20 ))
  if [ "$SIZE" != "$LAST" ]; then LAST=$SIZE; SAME_SINCE=$NOW; fi
  if [ $(( (NOW - SAME_SINCE) / 1000000000 )) -ge 60 ] || [ $(( (NOW - IDLE_T0) / 1000000000 )) -ge 600 ]; then break; fi
done
SAME_SINCE=$(date +%s%N); LAST=$(stat -c %s "$WORK/data/ledger.mv.db")
LEDGER_IDLE=$LAST; IDLE_SECONDS=$(( (SAME_SINCE - IDLE_T0) / 1000000 ))
# A clean stop (SIGTERM): its size after the stop (H2 closes it without compacting: MAX_COMPACT_TIME=0), and how long the stop took.
STOP_T0=$(date +%s%N); kill "$APP_PID"; while kill -0 "$APP_PID" 2>/dev/null; do sleep 0.1; done
STOP_MS=$(( ($(date +%s%N) - STOP_T0) / 1000000 )); LEDGER_STOPPED=$(stat -c %s "$WORK/data/ledger.mv.db")

python3 - "$WORK" "$ROWS" "$BATCH" "$HEAP" "$CONCURRENCY" "$CPU_BEFORE" "$CPU_AFTER" "$HEAP_PEAK" "$RSS_PEAK" "$LEDGER_END" "$LEDGER_IDLE" "$IDLE_SECONDS" "$LEDGER_STOPPED" "$STOP_MS" <<'PY'
import json, sys, datetime, re
work, rows, batch, heap, conc, cpu0, cpu1, heap_peak, rss_peak, ledger_end, ledger_idle, idle_ms, ledger_stopped, stop_ms = sys.argv[1:]
rows = int(rows)
s = json.load(open(f"{work}/data/outbox/million.summary.json"))
t = lambda x: datetime.datetime.fromisoformat(x.replace("Z", "+00:00"))
total = (t(s["finishedAt"]) - t(s["startedAt"])).total_seconds()

def clock(line):
    h, m, rest = line[:12].split(":")
    return int(h) * 3600 + int(m) * 60 + float(rest)

def first(path, pattern):
    with open(path) as f:
        for line in f:
            if re.search(pattern, line):
                return line
    return None

picked = first(f"{work}/app.log", r"million\.csv: picked up")
created = first(f"{work}/simulator.log", r"onOffice sandbox: token .*: [1-9]\d* created")
handed = first(f"{work}/app.log", r"million\.csv: first batch handed out (\d+) ms")
readable = first(f"{work}/app.log", r"million\.csv: \d+ rows readable, read in (\d+) ms")
to_link = (clock(created) - clock(picked)) % 86400 if picked and created else float("nan")
pass1 = int(re.search(r"read in (\d+) ms", readable).group(1)) / 1000 if readable else float("nan")
to_batch = int(re.search(r"out (\d+) ms", handed).group(1)) / 1000 if handed else float("nan")
sizes = [int(x) for x in open(f"{work}/ledger-size.txt").read().split()] or [0]
cpu = float(cpu1) - float(cpu0)
sim = open(f"{work}/simulator.log").read()
m = re.search(r"(\d+) actions executed, (\d+) repeated executions", sim)
print(f"rows {rows:,}  batch-size {batch}  concurrency {conc}  heap {heap}")
print(f"  results: {s['counts']}")
print(f"  pick-up -> first link created {to_link:.2f} s  (pass 1, every row read: {pass1:.2f} s; first batch handed out at {to_batch:.2f} s)")
print(f"  pick-up -> results written {total:.1f} s  ->  {rows / total:,.0f} rows/s")
print(f"  app CPU for the file {cpu:.1f} s = {cpu * 1e6 / rows:.0f} us/row")
print(f"  peak heap used {heap_peak} MB  peak RSS {rss_peak} MB")
print(f"  ledger file: max {max(sizes) / 1e6:.0f} MB during the run = {max(sizes) / rows:,.0f} bytes/row; "
      f"{int(ledger_end) / 1e6:.0f} MB at the end = {int(ledger_end) / rows:,.0f} bytes/row")
print(f"  ledger file once idle: {int(ledger_idle) / 1e6:.0f} MB = {int(ledger_idle) / rows:,.0f} bytes/row, "
      f"{int(idle_ms) / 1000:.1f} s after the end (the app still running)")
idle_lines = [l for l in open(f"{work}/app.log", errors="replace") if "H2Housekeeping - ledger file shrunk" in l]
idle_line = idle_lines[-1] if idle_lines else None
if idle_line:
    print(f"  housekeeping: {idle_line.split('H2Housekeeping - ', 1)[1].strip()}")
print(f"  ledger file after a clean stop: {int(ledger_stopped) / 1e6:.0f} MB = {int(ledger_stopped) / rows:,.0f} bytes/row "
      f"(the stop took {int(stop_ms) / 1000:.1f} s)")
if m:
    print(f"  simulator: {m.group(1)} actions executed, {m.group(2)} executed twice")
PY
echo "work folder: $WORK"
