#!/usr/bin/env bash
# The app beside what a user would write without it, against ONE onOffice simulator on loopback:
#   bench/peer.sh [rows=20000] [latency-ms=0] [batch=25] [heap=-Xmx512m] [app-warm-up-files=1]
# Runs in turn, each in a JVM of its own and on rows (transaction ids) of its own:
#   naive  dev.paylink.sandbox.bench.NaivePeer, one action per request, sequential, no ledger
#   sdk    the same loop with `batch` actions per request (what the official PHP SDK does in a loop), no ledger
#   app    target/paylink-routes.jar: batch `batch`, concurrency 2, a fresh embedded H2 ledger (its default, crash-safe settings;
#          LEDGER=postgresql runs it on a new schema of the PostgreSQL the tests use, 127.0.0.1:5432/test as $PGUSER
#          (postgres), dropped at the end, and adds the server's CPU for the measured file: the postgres processes'
#          utime+stime+cutime+cstime from /proc, so backends that ended are counted; other work on that server counts too),
#          warm: `app-warm-up-files` files of `rows` go through it first (a long-running service is measured, not its JIT warm-up)
# and prints one table: rows/s, CPU µs per row, peak heap used (jstat), peak RSS (VmHWM), and each mode's rows/s and
# CPU per row divided by the app's. Time and CPU: the peers from reading the CSV to the last answer, the app from
# pick-up to results written (as bench/run.sh). The simulator runs in its own JVM; at the end it must have executed every
# row once and none twice.
set -euo pipefail
ROWS=${1:-20000}
LATENCY_MS=${2:-0}
BATCH=${3:-25}
HEAP=${4:--Xmx512m}
WARMUPS=${5:-1}
CONCURRENCY=2
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_jars

WORK=bench/work/$(date +%Y%m%d-%H%M%S)-peer-${ROWS}rows-${LATENCY_MS}ms-batch${BATCH}
mkdir -p "$WORK"
trap bench_stop_all EXIT
LEDGER=${LEDGER:-h2}
if [ "$LEDGER" = postgresql ]; then
  SCHEMA=bench_$(date +%s)_$$
  psql -h 127.0.0.1 -U "${PGUSER:-postgres}" -d test -qc "CREATE SCHEMA $SCHEMA"
  trap 'bench_stop_all; psql -h 127.0.0.1 -U "${PGUSER:-postgres}" -d test -qc "DROP SCHEMA $SCHEMA CASCADE" > /dev/null 2>&1' EXIT
  APP_OPTS="${APP_OPTS:-} -Dpaylink.ledger.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA -Dpaylink.ledger.username=${PGUSER:-postgres}"
fi
# postgres_cpu_ticks: CPU of every postgres process so far, with that of its ended children, in clock ticks (1/100 s).
postgres_cpu_ticks() {
  for pid in $(pgrep -x postgres); do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'
}
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/api/stable/api.php"
start_simulator "$PORT" "$LATENCY_MS" "$WORK/simulator.log"
echo "simulator on $URL, latency $LATENCY_MS ms; $ROWS rows per mode; work folder $WORK"

# run_peer MODE BATCH FIRST-ID: prints "rows/s cpu-s heap-MB rss-MB"
run_peer() {
  local mode=$1 batch=$2 csv="$WORK/$1.csv"
  gen_csv "$csv" "$ROWS" "$3"
  java "$HEAP" -cp "$SANDBOX_JAR" dev.paylink.sandbox.bench.NaivePeer "$URL" "$csv" "$batch" "$mode-" > "$WORK/$mode.log" 2>&1 &
  local pid=$!
  # jstat attaches once the JVM is up; the samples end with the process
  ( until jstat -gc "$pid" 250 > "$WORK/$mode.jstat.txt" 2>/dev/null; do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.05; done ) &
  local sampler=$!
  wait "$pid" || { echo "$mode: not every row created a link; see $WORK/$mode.log" >&2; cat "$WORK/$mode.log" >&2; exit 1; }
  wait "$sampler" 2>/dev/null || true
  local line; line=$(grep '^peer ' "$WORK/$mode.log")
  echo "$mode: $line" >&2
  python3 - "$line" "$(heap_peak_mb "$WORK/$mode.jstat.txt")" <<'PY'
import sys
f = dict(kv.split("=") for kv in sys.argv[1].split()[1:])
print(int(f["rows"]) / float(f["seconds"]), f["cpu_seconds"], sys.argv[2], round(int(f["rss_peak_kb"]) / 1024))
PY
}

NAIVE=$(run_peer naive 1 1100000000)
SDK=$(run_peer sdk "$BATCH" 1200000000)

gen_csv "$WORK/bench.csv" "$ROWS" 1300000000
start_app "$WORK/app" "$PORT" "$BATCH" "$CONCURRENCY" "$HEAP"
for w in $(seq 1 "$WARMUPS"); do
  gen_csv "$WORK/warmup$w.csv" "$ROWS" $((1400000000 + w * 1000000))
  drop_and_wait "$WORK/app" "$WORK/warmup$w.csv"
done
PG_BEFORE=$(postgres_cpu_ticks)
measure_file "$WORK/app" "$WORK/bench.csv"
PG_TICKS=$(( $(postgres_cpu_ticks) - PG_BEFORE ))
SECS=$(summary_seconds "$WORK/app/data/outbox/bench.summary.json")
COUNTS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"])' "$WORK/app/data/outbox/bench.summary.json")
echo "app: $COUNTS in $SECS s" >&2
APP="$(python3 -c "print($ROWS / $SECS)") $(python3 -c "print(round($CPU_AFTER - $CPU_BEFORE, 2))") $HEAP_PEAK $RSS_PEAK"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
SIM=$(stop_simulator "$WORK/simulator.log")

LEDGER_NAME=H2
case "${APP_OPTS:-}" in *jdbc:postgresql:*) LEDGER_NAME=PostgreSQL ;; esac
[ "$LEDGER" = postgresql ] || PG_TICKS=""
python3 - "$ROWS" "$LATENCY_MS" "$BATCH" "$HEAP" "$SIM" "$NAIVE" "$SDK" "$APP" "$WARMUPS" "$LEDGER_NAME" "$PG_TICKS" <<'PY' | tee "$WORK/table.txt"
import sys
rows, latency, batch, heap, sim = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split()
modes = [("naive (1/request)", sys.argv[6]), (f"sdk loop ({batch}/request)", sys.argv[7]), (f"app (batch {batch}, conc 2, {sys.argv[10]})", sys.argv[8])]
data = []
for name, v in modes:
    rate, cpu, heap_mb, rss = v.split()
    data.append((name, float(rate), float(cpu) * 1e6 / rows, heap_mb, rss))
app_rate, app_cpu = data[-1][1], data[-1][2]
print(f"{rows} rows per mode, simulator latency {latency} ms, {heap}")
print(f"{'mode':<36} {'rows/s':>9} {'CPU µs/row':>11} {'heap MB':>8} {'RSS MB':>7} {'rows/s ÷ app':>13} {'CPU ÷ app':>10}")
for name, rate, cpu, heap_mb, rss in data:
    print(f"{name:<36} {rate:>9,.0f} {cpu:>11,.0f} {heap_mb:>8} {rss:>7} {rate / app_rate:>13.2f} {cpu / app_cpu:>10.3f}")
if sys.argv[11]:
    server = int(sys.argv[11]) * 1e4 / rows
    print(f"PostgreSQL server for the app's file: {server:,.0f} µs/row more (app and its ledger together: {app_cpu + server:,.0f} µs/row)")
if len(sim) == 2:
    expected = (3 + int(sys.argv[9])) * rows
    ok = int(sim[0]) == expected and sim[1] == "0"
    print(f"simulator: {sim[0]} actions executed (expected {expected}), {sim[1]} executed twice{'' if ok else '  <-- MISMATCH'}")
PY
echo "work folder: $WORK"
