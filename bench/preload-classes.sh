#!/usr/bin/env bash
# Makes src/main/resources/META-INF/paylink/preload.classes (dev.paylink.Preload): the classes one start of the production
# jar loads, from the jar and the JDK's modules, in the order it loads them, until Camel logs "(paylink-routes) started".
# Preloading is off for that start (-Dpaylink.preload=false), so the list is what the start needs, not the last list.
# The start is the second on one data folder (an existing ledger; a first start loads Flyway's migration classes as well)
# against the onOffice simulator; it is killed (SIGKILL, no shutdown) once started. Run it after a change of dependencies
# or of what a start does, then mvn package; PreloadTest fails when the list no longer fits the class path.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mvn -o -q -B package -DskipTests
WORK=bench/work/$(date +%Y%m%d-%H%M%S)-preload
mkdir -p "$WORK"
trap bench_stop_all EXIT
PORT=$(free_port)
start_simulator "$PORT" 0 "$WORK/simulator.log"
launch_app "$WORK" "$PORT" -Dpaylink.observe.port=0
wait_started "$WORK/app.log"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
launch_app "$WORK" "$PORT" -Dpaylink.observe.port=0 -Dpaylink.preload=false -Xlog:class+load=info:file="$WORK/class-load.txt"
wait_started "$WORK/app.log"
kill -9 "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
# "[...][info][class,load] NAME source: jrt:/java.base" or "... source: file:/.../paylink-routes.jar" (not the CDS archive's)
OUT=src/main/resources/META-INF/paylink/preload.classes
mkdir -p "$(dirname "$OUT")"
awk '/source: jrt:\// || /source: file:.*paylink-routes\.jar$/ { print $2 }' "$WORK/class-load.txt" | grep -v '^dev\.paylink\.sandbox\.' > "$OUT"
echo "$(wc -l < "$OUT") classes in $OUT"
