#!/usr/bin/env bash
# Start-up time: JVM start -> routes started, over N starts of each case, and where the time goes.
#   bench/startup.sh [starts=10] [JVM options...]
# Cases (CASES="fresh existing sandbox sandbox-existing" by default, any subset):
#   fresh     the production jar against the onOffice simulator, a new data folder (new H2 ledger) each start
#   existing  the same, every start on one data folder whose ledger an earlier start made (a restart)
#   sandbox   the demo, java -jar target/paylink-routes-sandbox.jar, a new data folder each start
#   sandbox-existing  the demo, every start on one data folder an earlier start made (the demo started again: its ./data)
# "JVM start" is taken just before the java process is launched (date +%s%N), "routes started" is the time stamp of
# Camel's "Apache Camel ... (paylink-routes) started in ..." line; the app is stopped (SIGTERM) once it is logged.
# Each start is given the jar's class data sharing archive (target/<jar name>.jsa, made by mvn package) as the README's run
# command gives it: -XX:SharedArchiveFile=...; CDS=off starts without it.
# Then one more start per case with Camel Main's startup recorder (camel.main.startup-recorder=logging) prints its
# slowest steps (a step's time includes that of the steps indented under it). Prints median, min and max per case.
set -euo pipefail
STARTS=${1:-10}
shift || true
CASES=${CASES:-fresh existing sandbox sandbox-existing}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_jars

WORK=bench/work/$(date +%Y%m%d-%H%M%S)-startup
mkdir -p "$WORK"
trap bench_stop_all EXIT

# ms_to_started LOG T0: milliseconds from T0 (ns since the epoch) to the time stamp (HH:mm:ss.SSS, local time) of the
# "started" line; "MAIN CAMEL" after it: to Camel Main's first line, and Camel's own "started in" figure.
ms_to_started() {
  python3 - "$1" "$2" <<'PY'
import datetime, re, sys
log, t0 = open(sys.argv[1]).read(), int(sys.argv[2]) / 1e9
start = datetime.datetime.fromtimestamp(t0)
def at(pattern):
    m = re.search(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) .*" + pattern, log, re.M)
    h, mi, s, ms = map(int, m.groups())
    t = start.replace(hour=h, minute=mi, second=s, microsecond=ms * 1000)
    if t < start - datetime.timedelta(hours=1):
        t += datetime.timedelta(days=1)  # past midnight
    return (t - start).total_seconds() * 1000
camel = re.search(r"paylink-routes\) started in (\S+)", log).group(1)
started, main = at(r"paylink-routes\) started"), at(r"Apache Camel \(Main\) .* is starting")
print(f"{started:.0f} {main:.0f} {camel}")
PY
}

# cds_option JAR: the JVM option that maps JAR's class data sharing archive, or nothing (CDS=off, or no archive).
cds_option() {
  local archive=${1%.jar}.jsa
  if [ "${CDS:-on}" != off ] && [ -f "$archive" ]; then echo "-XX:SharedArchiveFile=$archive"; fi
}

stop_app() { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; APP_PID=""; }

# one_start CASE DIR [JVM options...]: starts the case once in DIR, waits for "started", stops it; prints the figures.
one_start() {
  local case=$1 dir=$2; shift 2
  if [ "$case" = sandbox ] || [ "$case" = sandbox-existing ]; then
    mkdir -p "$dir"
    : > "$dir/app.log"
    APP_T0=$(date +%s%N)
    java $(cds_option "$SANDBOX_JAR") "$@" -Dpaylink.data="$dir/data" -Dpaylink.observe.port=0 -jar "$SANDBOX_JAR" > "$dir/app.log" 2>&1 &
    APP_PID=$!
  else
    launch_app "$dir" "$PORT" $(cds_option "$JAR") "$@" -Dpaylink.observe.port=0
  fi
  wait_started "$dir/app.log"
  local cpu; cpu=$(cpu_seconds "$APP_PID")
  stop_app
  echo "$(ms_to_started "$dir/app.log" "$APP_T0") $cpu"
}

PORT=$(free_port)
start_simulator "$PORT" 0 "$WORK/simulator.log"

echo "JVM start -> routes started, $STARTS starts per case, class data sharing archives: $([ "${CDS:-on}" = off ] && echo off || echo on), JVM options: ${*:-none} (work folder $WORK)"
for case in $CASES; do
  : > "$WORK/$case.txt"
  # existing, sandbox-existing: every start on the data folder of a first start (not counted)
  again=false
  case $case in *existing) again=true ;; esac
  $again && one_start "$case" "$WORK/$case" "$@" > /dev/null
  for i in $(seq 1 "$STARTS"); do
    dir=$WORK/$case-$i
    $again && dir=$WORK/$case
    one_start "$case" "$dir" "$@" >> "$WORK/$case.txt"
  done
  dir=$WORK/$case-recorder
  $again && dir=$WORK/$case
  one_start "$case" "$dir" "$@" -Dcamel.main.startup-recorder=logging > /dev/null
  cp "$dir/app.log" "$WORK/$case-recorder.log"
  python3 - "$case" "$WORK/$case.txt" "$WORK/$case-recorder.log" <<'PY'
import re, statistics, sys
case, runs, rec = sys.argv[1], [l.split() for l in open(sys.argv[2])], open(sys.argv[3]).read()
total = sorted(float(r[0]) for r in runs)
main = sorted(float(r[1]) for r in runs)
print(f"{case:16} JVM start -> routes started: median {statistics.median(total) / 1000:.2f} s "
      f"[{total[0] / 1000:.2f} - {total[-1] / 1000:.2f}] over {len(total)} starts; "
      f"JVM start -> Camel Main's first line: median {statistics.median(main) / 1000:.2f} s; "
      f"CPU: median {statistics.median(float(r[3]) for r in runs):.1f} s; "
      f"Camel's \"started in\": {', '.join(r[2] for r in runs)}")
steps = re.findall(r"LoggingStartupStepRecorder - +(\d+) ms : (.*)$", rec, re.M)
for ms, step in sorted(steps, key=lambda s: -int(s[0]))[:12]:
    print(f"    {int(ms):6d} ms  {step}")
PY
done
stop_simulator "$WORK/simulator.log" > /dev/null
