#!/usr/bin/env bash
# Where the app's CPU goes, warm, with bench/run.sh's settings:
#   bench/profile.sh [rows=20000] [batch=25] [latency-ms=0] [concurrency=2] [heap=-Xmx512m] [warm-up-files=1]
# The app (fresh embedded H2 ledger, its default settings) against the onOffice simulator: warm-up files of `rows`
# first, then a Java Flight Recorder recording (settings=profile) is started with jcmd, one more file of `rows` goes
# through, and the recording is stopped. Prints from its jdk.ExecutionSample events (Java code on CPU; GC and JIT threads are not
# in them): the top 20 frames by self time, self time by package group and by package, and the first dev.paylink frame
# on each stack (which of our steps the time is spent under). The recording stays in the work folder (JDK Mission
# Control opens it).
set -euo pipefail
ROWS=${1:-20000}
BATCH=${2:-25}
LATENCY_MS=${3:-0}
CONCURRENCY=${4:-2}
HEAP=${5:--Xmx512m}
WARMUPS=${6:-1}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_jars

WORK=bench/work/$(date +%Y%m%d-%H%M%S)-profile-${ROWS}rows-batch${BATCH}-${LATENCY_MS}ms
mkdir -p "$WORK"
trap bench_stop_all EXIT
PORT=$(free_port)
start_simulator "$PORT" "$LATENCY_MS" "$WORK/simulator.log"
# JFR runs from the start, with the same settings: starting it later instruments the JDK's file and socket classes
# (jdk.FileRead, jdk.SocketRead, ...), which throws away their compiled callers, and the recorded file would mostly show
# the JIT compiling them again (measured: half the CPU of a warm file in C2).
start_app "$WORK/app" "$PORT" "$BATCH" "$CONCURRENCY" "$HEAP" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  -XX:StartFlightRecording=name=background,settings=profile,maxsize=64m

for w in $(seq 1 "$WARMUPS"); do
  gen_csv "$WORK/warmup$w.csv" "$ROWS" $((1400000000 + w * 1000000))
  W0=$(cpu_seconds "$APP_PID")
  drop_and_wait "$WORK/app" "$WORK/warmup$w.csv"
  W1=$(cpu_seconds "$APP_PID")
  echo "warm-up file $w: $(summary_seconds "$WORK/app/data/outbox/warmup$w.summary.json") s, app CPU $(python3 -c "print(round(($W1 - $W0) * 1e6 / $ROWS))") µs/row" >&2
done

JFR_FILE=$(pwd)/$WORK/profile.jfr
gen_csv "$WORK/profiled.csv" "$ROWS" 1300000000
jcmd "$APP_PID" JFR.start name=bench settings=profile > /dev/null
CPU_BEFORE=$(cpu_seconds "$APP_PID")
thread_cpu "$APP_PID" > "$WORK/threads-before.txt"
drop_and_wait "$WORK/app" "$WORK/profiled.csv"
CPU_AFTER=$(cpu_seconds "$APP_PID")
thread_cpu "$APP_PID" > "$WORK/threads-after.txt"
LEDGER_BYTES=$(stat -c %s "$WORK/app/data/ledger.mv.db" 2>/dev/null || echo none)  # none: a ledger elsewhere (APP_OPTS)
jcmd "$APP_PID" JFR.stop name=bench filename="$JFR_FILE" > /dev/null
SECS=$(summary_seconds "$WORK/app/data/outbox/profiled.summary.json")
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
SIM=$(stop_simulator "$WORK/simulator.log")

jfr print --json --stack-depth 64 --events jdk.ExecutionSample "$JFR_FILE" > "$WORK/samples.json"
python3 - "$WORK/samples.json" "$ROWS" "$SECS" "$CPU_BEFORE" "$CPU_AFTER" "$BATCH" "$CONCURRENCY" "$LATENCY_MS" "$SIM" "$WORK" "$LEDGER_BYTES" "$WARMUPS" <<'PY' | tee "$WORK/profile.txt"
import json, sys, collections, os
path, rows, secs, cpu0, cpu1, batch, conc, latency, sim, work, ledger_bytes, warmups = sys.argv[1:]
rows = int(rows)
events = json.load(open(path))["recording"]["events"]

def frames(e):
    st = e["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f["method"]
        out.append((m["type"]["name"].replace("/", "."), m["name"]))
    return out

def group(cls):
    for prefix, name in (("dev.paylink.", None), ("org.h2.", "org.h2"), ("org.apache.camel.", "org.apache.camel"),
                         ("com.fasterxml.jackson.", "com.fasterxml.jackson"), ("org.apache.hc.", "org.apache.hc"),
                         ("ch.qos.logback.", "ch.qos.logback"), ("org.slf4j.", "org.slf4j"), ("org.flywaydb.", "org.flywaydb"),
                         ("java.", "java.*"), ("javax.", "java.*"), ("jdk.", "jdk.* / sun.*"), ("sun.", "jdk.* / sun.*"),
                         ("com.sun.", "jdk.* / sun.*")):
        if cls.startswith(prefix):
            return name or ".".join(cls.split(".")[:3])
    return ".".join(cls.split(".")[:2]) + " (other)"

self_m, self_grp, self_pkg, ours = (collections.Counter() for _ in range(4))
n = 0
for e in events:
    fs = frames(e)
    if not fs:
        continue
    n += 1
    cls, meth = fs[0]
    self_m[f"{cls}.{meth}"] += 1
    self_grp[group(cls)] += 1
    self_pkg[cls.rsplit(".", 1)[0]] += 1
    first = next((f"{c}.{m}" for c, m in fs if c.startswith("dev.paylink.")), "(no dev.paylink frame: Camel/JDK threads)")
    ours[first] += 1

cpu = float(cpu1) - float(cpu0)
print(f"profiled file: {rows} rows, batch {batch}, concurrency {conc}, latency {latency} ms, warm; "
      f"{secs} s = {rows / float(secs):,.0f} rows/s; app CPU {cpu:.2f} s = {cpu * 1e6 / rows:,.0f} µs/row")
print(f"simulator executed/repeated: {sim}; {n} execution samples; " + ("no H2 ledger file" if ledger_bytes == "none" else
      f"ledger file {int(ledger_bytes) / 1e6:.0f} MB = {int(ledger_bytes) / ((int(warmups) + 1) * rows):,.0f} bytes/row ({int(warmups) + 1} files in it)"))
def threads(f):
    out = collections.Counter()
    for line in open(f):
        tid, ticks, name = line.rstrip("\n").split(" ", 2)
        out[(tid, name)] = int(ticks)
    return out
t0, t1 = threads(f"{work}/threads-before.txt"), threads(f"{work}/threads-after.txt")
by_name = collections.Counter()
for (tid, name), ticks in t1.items():
    # thread names without their numbers: the pools' threads add up
    by_name["".join("#" if ch.isdigit() else ch for ch in name)] += ticks - t0.get((tid, name), 0)
total = sum(by_name.values()) or 1
print("\nprocess CPU for the file by thread (from /proc; JIT, GC and H2's own threads included)")
for name, ticks in by_name.most_common(10):
    print(f"  {100.0 * ticks / total:5.1f}%  {ticks / os.sysconf('SC_CLK_TCK'):6.2f} s  {name}")
def table(title, counter, k):
    print(f"\n{title}")
    for name, c in counter.most_common(k):
        print(f"  {100.0 * c / n:5.1f}%  {c:6d}  {name}")
table("top 20 frames by self time", self_m, 20)
table("self time by package group", self_grp, 25)
table("self time by package (top 15)", self_pkg, 15)
table("under which of our methods (first dev.paylink frame on the stack, top 15)", ours, 15)
PY
echo "recording: $JFR_FILE"
