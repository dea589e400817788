#!/usr/bin/env bash
# What the ledger alone costs a row, without HTTP or Camel: the app's own Ledger class.
#   bench/ledger.sh [rows=20000] [rounds=5] [batch=25] [JVM options...]
# dev.paylink.sandbox.bench.LedgerRows: on a new ledger with the app's default settings (an H2 file, crash-safe, compressed;
# -Dpaylink.ledger.compress=false for an uncompressed one), each round claims a file of `rows` rows in chunks of 1,000
# and then sends it in batches of `batch` as the sender does it (next batch, SENDING with its commit and fsync, the
# outcomes). Prints per round the thread's CPU per row for each step, the process's (H2's threads, JIT and GC included),
# rows/s and the bytes H2 wrote per row; the first round or two include the JIT's warm-up.
# -Dledger-rows.threads=2 as a JVM option: each round is two files of rows/2 sent at once, a thread each (the app's two
# senders). LEDGER=postgresql: a new schema of the PostgreSQL the tests use (127.0.0.1:5432/test as $PGUSER, postgres),
# dropped at the end; the server's own CPU is not counted here.
# LEDGER_URL=jdbc:...: any other ledger, e.g. jdbc:h2:mem:bench (nothing on disk: a bound, not a setting).
set -euo pipefail
ROWS=${1:-20000}
ROUNDS=${2:-5}
BATCH=${3:-25}
shift $(( $# < 3 ? $# : 3 ))
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_jars
LEDGER_ARGS=()
[ -z "${LEDGER_URL:-}" ] || LEDGER_ARGS=("$LEDGER_URL")
if [ "${LEDGER:-h2}" = postgresql ]; then
  SCHEMA=bench_ledger_$(date +%s)_$$
  psql -h 127.0.0.1 -U "${PGUSER:-postgres}" -d test -qc "CREATE SCHEMA $SCHEMA"
  trap 'psql -h 127.0.0.1 -U "${PGUSER:-postgres}" -d test -qc "DROP SCHEMA $SCHEMA CASCADE" > /dev/null 2>&1' EXIT
  LEDGER_ARGS=("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" "${PGUSER:-postgres}")
fi
java -Xmx512m "$@" -cp "$SANDBOX_JAR" dev.paylink.sandbox.bench.LedgerRows "$ROWS" "$ROUNDS" "$BATCH" "${LEDGER_ARGS[@]}" 2>&1 \
  | grep -v -e ' INFO ' -e ' WARN ' -e '^SLF4J'
