# Shared by bench/run.sh, bench/peer.sh and bench/profile.sh (sourced, not run): the jars, the CSV, the simulator, one app run
# measured like bench/run.sh measures it. Everything listens on 127.0.0.1; the caller's trap stops what is started here
# (SIM_PID, APP_PID, JSTAT_PID).
BENCH_TOKEN=sandboxTOKEN00000000000000000000
BENCH_SECRET=sandboxSECRET-not-a-real-secret-00000000000000000000000000000000
JAR=${JAR:-target/paylink-routes.jar}
SANDBOX_JAR=${SANDBOX_JAR:-target/paylink-routes-sandbox.jar}
SIM_PID=""; APP_PID=""; JSTAT_PID=""

bench_jars() {
  [ -f "$JAR" ] && [ -f "$SANDBOX_JAR" ] || mvn -q -B package -DskipTests
}

bench_stop_all() {
  for pid in $JSTAT_PID $APP_PID $SIM_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# gen_csv FILE ROWS FIRST-TRANSACTION-ID: the bench/run.sh rows, transaction ids from FIRST+1 (one range per run,
# so the shared simulator's count of repeated executions means something).
gen_csv() {
  awk -v n="$2" -v base="$3" 'BEGIN {
    print "transactionid;priceNet;description;sendMailToCustomer"
    for (i = 1; i <= n; i++) printf "%d;%d,%02d;Nachzahlung Posten %d;nein\n", base + i, 1 + i % 5000, i % 100, i
  }' > "$1"
}

# start_simulator PORT LATENCY-MS LOG: sets SIM_PID, returns once it listens.
start_simulator() {
  java -Xmx2g -cp "$SANDBOX_JAR" dev.paylink.sandbox.OnOfficeSimulator "$1" "$2" > "$3" 2>&1 &
  SIM_PID=$!
  until grep -q "listening on" "$3"; do
    kill -0 "$SIM_PID" 2>/dev/null || { echo "the simulator did not start; see $3"; exit 1; }
    sleep 0.2
  done
}

# stop_simulator LOG: prints "EXECUTED REPEATED" from its last line.
stop_simulator() {
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  sed -n 's/.* \([0-9]*\) actions executed, \([0-9]*\) repeated executions.*/\1 \2/p' "$1" | tail -1
}

# launch_app WORK PORT [JVM options...]: the production jar against the simulator on PORT, with a data folder WORK/data
# (a fresh H2 ledger the first time) and its log in WORK/app.log; sets APP_PID and APP_T0 (ns since the epoch, just
# before the JVM is started). It does not wait.
launch_app() {
  local work=$1 port=$2; shift 2
  mkdir -p "$work/data/inbox"
  : > "$work/app.log"  # emptied first: wait_started must not find the "started" line of an earlier start in the same folder
  APP_T0=$(date +%s%N)
  PAYLINK_ONOFFICE_TOKEN=$BENCH_TOKEN PAYLINK_ONOFFICE_SECRET=$BENCH_SECRET \
  java "$@" -Dpaylink.data="$work/data" -Dpaylink.sandbox=false \
    -Dpaylink.onoffice.url="http://127.0.0.1:$port/api/stable/api.php" \
    -jar "$JAR" > "$work/app.log" 2>&1 &
  APP_PID=$!
}

# wait_started LOG: returns once Camel has logged "(paylink-routes) started" in LOG, or exits if APP_PID stopped first.
wait_started() {
  until grep -q "paylink-routes) started" "$1"; do
    kill -0 "$APP_PID" 2>/dev/null || { echo "the app did not start; see $1"; exit 1; }
    sleep 0.1
  done
}

# start_app WORK PORT BATCH CONCURRENCY HEAP [JVM options...]: a fresh data folder (fresh H2 ledger) in WORK/data;
# sets APP_PID, returns once Camel has started, with jstat sampling into WORK/jstat.txt.
# APP_OPTS: more JVM options for the app, split on spaces (e.g. a PostgreSQL ledger: -Dpaylink.ledger.url=... -Dpaylink.ledger.username=...).
start_app() {
  local work=$1 port=$2 batch=$3 conc=$4 heap=$5; shift 5
  # shellcheck disable=SC2086
  launch_app "$work" "$port" "$heap" ${APP_OPTS:-} "$@" \
    -Dpaylink.onoffice.batch-size="$batch" -Dpaylink.onoffice.concurrency="$conc" \
    -Dpaylink.intake.min-age=500ms -Dpaylink.intake.poll-delay=200ms
  wait_started "$work/app.log"
  jstat -gc "$APP_PID" 250 > "$work/jstat.txt" &
  JSTAT_PID=$!
}

# drop_and_wait WORK CSV: moves the CSV into the inbox and returns once its summary is written.
drop_and_wait() {
  local name; name=$(basename "$2" .csv)
  mv "$2" "$1/data/inbox/"
  until [ -f "$1/data/outbox/$name.summary.json" ]; do
    kill -0 "$APP_PID" 2>/dev/null || { echo "the app stopped; see $1/app.log"; exit 1; }
    sleep 0.2
  done
}

# measure_file WORK CSV: drops the CSV into the running app and, once its results are written, sets CPU_BEFORE and
# CPU_AFTER (the app's CPU seconds), RSS_PEAK (MB) and HEAP_PEAK (MB, jstat since the start); stops jstat.
measure_file() {
  CPU_BEFORE=$(cpu_seconds "$APP_PID")
  drop_and_wait "$1" "$2"
  CPU_AFTER=$(cpu_seconds "$APP_PID")
  RSS_PEAK=$(rss_peak_mb "$APP_PID")
  kill "$JSTAT_PID" 2>/dev/null || true; JSTAT_PID=""
  HEAP_PEAK=$(heap_peak_mb "$1/jstat.txt")
}

# summary_seconds SUMMARY-JSON: pick-up to results written, as bench/run.sh counts it.
summary_seconds() {
  python3 - "$1" <<'PY'
import json, sys, datetime
s = json.load(open(sys.argv[1]))
t = lambda x: datetime.datetime.fromisoformat(x.replace("Z", "+00:00"))
print(f'{(t(s["finishedAt"]) - t(s["startedAt"])).total_seconds():.3f}')
PY
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# thread_cpu PID: "TID TICKS NAME" per thread (utime + stime in clock ticks; the name may hold spaces).
thread_cpu() {
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" -v name="$(cat "$t/comm" 2>/dev/null)" '{ sub(/^.*\) /, ""); print tid, $12 + $13, name }' "$t/stat" 2>/dev/null || true
  done
}
rss_peak_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# heap_peak_mb JSTAT-FILE: the largest S0U+S1U+EU+OU sampled.
heap_peak_mb() {
  awk 'NR > 1 && $1 != "S0C" { used = $3 + $4 + $6 + $8; if (used > max) max = used } END { printf "%.0f", max / 1024 }' "$1"
}
