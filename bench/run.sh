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
JAR=target/paylink-routes.jar
# The simulator comes from the sandbox jar (its manifest adds the production jar to the class path); the app is the production jar.
SANDBOX_JAR=target/paylink-routes-sandbox.jar
[ -f "$JAR" ] && [ -f "$SANDBOX_JAR" ] || mvn -q -B package -DskipTests

WORK=bench/work/$(date +%Y%m%d-%H%M%S)-${ROWS}rows-batch${BATCH}
mkdir -p "$WORK/data/inbox"
SIM_PID=""; APP_PID=""; JSTAT_PID=""
cleanup() {
  for pid in $JSTAT_PID $APP_PID $SIM_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "generating $ROWS rows ..."
awk -v n="$ROWS" 'BEGIN {
  print "transactionid;priceNet;description;sendMailToCustomer"
  for (i = 1; i <= n; i++) printf "%d;%d,%02d;Nachzahlung Posten %d;nein\n", 1100000000 + i, 1 + i % 5000, i % 100, i
}' > "$WORK/bench.csv"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
java -Xmx2g -cp "$SANDBOX_JAR" dev.paylink.sandbox.OnOfficeSimulator "$PORT" "$LATENCY_MS" > "$WORK/simulator.log" 2>&1 &
SIM_PID=$!

PAYLINK_ONOFFICE_TOKEN=sandboxTOKEN00000000000000000000 \
PAYLINK_ONOFFICE_SECRET=sandboxSECRET-not-a-real-secret-00000000000000000000000000000000 \
java "$HEAP" -Dpaylink.data="$WORK/data" -Dpaylink.sandbox=false \
  -Dpaylink.onoffice.url="http://127.0.0.1:$PORT/api/stable/api.php" \
  -Dpaylink.onoffice.batch-size="$BATCH" -Dpaylink.onoffice.concurrency="$CONCURRENCY" \
  -Dpaylink.intake.min-age=500ms -Dpaylink.intake.poll-delay=200ms \
  -jar "$JAR" > "$WORK/app.log" 2>&1 &
APP_PID=$!
until grep -q "paylink-routes) started" "$WORK/app.log"; do
  kill -0 "$APP_PID" 2>/dev/null || { echo "the app did not start; see $WORK/app.log"; exit 1; }
  sleep 0.5
done
jstat -gc "$APP_PID" 250 > "$WORK/jstat.txt" &
JSTAT_PID=$!

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
CPU_BEFORE=$(cpu_seconds "$APP_PID")
mv "$WORK/bench.csv" "$WORK/data/inbox/bench.csv"
until [ -f "$WORK/data/outbox/bench.summary.json" ]; do
  kill -0 "$APP_PID" 2>/dev/null || { echo "the app stopped; see $WORK/app.log"; exit 1; }
  sleep 1
done
CPU_AFTER=$(cpu_seconds "$APP_PID")
RSS_PEAK=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status")
kill "$JSTAT_PID" 2>/dev/null || true
HEAP_PEAK=$(awk 'NR > 1 && $1 != "S0C" { used = $3 + $4 + $6 + $8; if (used > max) max = used } END { printf "%.0f", max / 1024 }' "$WORK/jstat.txt")
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""

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
