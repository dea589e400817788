#!/usr/bin/env bash
# Scale-out benchmark: the same files through 1, 2 and 3 instances of the production jar on one PostgreSQL and one
# inbox, against the onOffice simulator with a fixed latency, on loopback.
#   bench/scale.sh [files=6] [rows-per-file=2000] [latency-ms=50] [instances="1 2 3"]
# For each instance count: a fresh PostgreSQL schema and data folder, the instances started and ready, then every
# file dropped at once; the time runs from the drop to the last results written. Prints rows/s and the ratio to one
# instance. The instances share this machine's cores, so the ratios say more than the absolute figures.
# Needs the PostgreSQL server on 127.0.0.1:5432 (database "test", user "postgres", trust auth, as the tests use).
set -euo pipefail
FILES=${1:-6}
ROWS=${2:-2000}
LATENCY_MS=${3:-50}
COUNTS=${4:-"1 2 3"}
cd "$(dirname "$0")/.."
JAR=target/paylink-routes.jar
SANDBOX_JAR=target/paylink-routes-sandbox.jar
[ -f "$JAR" ] && [ -f "$SANDBOX_JAR" ] || mvn -q -B package -DskipTests
PG="psql -h 127.0.0.1 -U postgres -d test -q -v ON_ERROR_STOP=1"
export PGOPTIONS="-c client_min_messages=warning"

ROOT=bench/work/$(date +%Y%m%d-%H%M%S)-scale-${FILES}x${ROWS}-${LATENCY_MS}ms
mkdir -p "$ROOT"
PIDS=""; SCHEMAS=""
cleanup() {
  for pid in $PIDS; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for s in $SCHEMAS; do $PG -c "DROP SCHEMA IF EXISTS $s CASCADE" || true; done
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
java -Xmx2g -cp "$SANDBOX_JAR" dev.paylink.sandbox.OnOfficeSimulator "$PORT" "$LATENCY_MS" > "$ROOT/simulator.log" 2>&1 &
SIM_PID=$!; PIDS="$PIDS $SIM_PID"

printf '%-10s %8s %10s %10s %8s\n' instances rows seconds rows/s ratio > "$ROOT/table.txt"
BASE=""
for N in $COUNTS; do
  WORK="$ROOT/$N"
  mkdir -p "$WORK/data/inbox" "$WORK/drop"
  SCHEMA="bench_scale_$(date +%s)_$N"
  $PG -c "CREATE SCHEMA $SCHEMA"
  SCHEMAS="$SCHEMAS $SCHEMA"
  # Transaction ids of their own per run: the simulator (shared by the runs) reports any action executed twice.
  for f in $(seq 1 "$FILES"); do
    awk -v n="$ROWS" -v f="$f" -v run="$N" 'BEGIN {
      print "transactionid;priceNet;description;sendMailToCustomer"
      for (i = 1; i <= n; i++) printf "%d;%d,%02d;Nachzahlung %d-%d;nein\n", 1100000000 + run * 100000000 + f * 1000000 + i, 1 + i % 5000, i % 100, f, i
    }' > "$WORK/drop/scale-$f.csv"
  done
  APPS=""
  for i in $(seq 1 "$N"); do
    PAYLINK_ONOFFICE_TOKEN=sandboxTOKEN00000000000000000000 \
    PAYLINK_ONOFFICE_SECRET=sandboxSECRET-not-a-real-secret-00000000000000000000000000000000 \
    java -Xmx256m -Dcamel.management.port=0 -Dpaylink.data="$WORK/data" -Dpaylink.sandbox=false \
      -Dpaylink.ledger.url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" -Dpaylink.ledger.username=postgres \
      -Dpaylink.cluster.instance-id="bench-$i" \
      -Dpaylink.onoffice.url="http://127.0.0.1:$PORT/api/stable/api.php" \
      -Dpaylink.intake.min-age=500ms -Dpaylink.intake.poll-delay=200ms \
      -jar "$JAR" > "$WORK/app-$i.log" 2>&1 &
    APPS="$APPS $!"; PIDS="$PIDS $!"
  done
  for i in $(seq 1 "$N"); do
    until grep -q "paylink-routes) started" "$WORK/app-$i.log"; do
      grep -q "ERROR" "$WORK/app-$i.log" && ! kill -0 $(echo $APPS | cut -d' ' -f"$i") 2>/dev/null && { echo "instance $i did not start; see $WORK/app-$i.log"; exit 1; }
      sleep 0.5
    done
  done
  START=$(date +%s.%N)
  mv "$WORK"/drop/*.csv "$WORK/data/inbox/"
  until [ "$(ls "$WORK"/data/outbox/*.summary.json 2>/dev/null | wc -l)" -ge "$FILES" ]; do sleep 0.2; done
  END=$(date +%s.%N)
  for pid in $APPS; do kill "$pid" 2>/dev/null || true; done
  for pid in $APPS; do wait "$pid" 2>/dev/null || true; done
  python3 - "$N" "$FILES" "$ROWS" "$START" "$END" "${BASE:-}" >> "$ROOT/table.txt" <<'PY'
import sys
n, files, rows, start, end, base = sys.argv[1:]
total = int(files) * int(rows)
secs = float(end) - float(start)
rate = total / secs
ratio = rate / float(base) if base else 1.0
print(f"{n:<10} {total:>8} {secs:>10.1f} {rate:>10,.0f} {ratio:>8.2f}")
PY
  [ -n "$BASE" ] || BASE=$(python3 -c "print($FILES * $ROWS / ($END - $START))")
done
echo "$FILES files x $ROWS rows, simulator latency $LATENCY_MS ms, batch 25, concurrency 2 per instance; work folder $ROOT"
cat "$ROOT/table.txt"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
grep -h "repeated executions" "$ROOT/simulator.log" | tail -1 || true
