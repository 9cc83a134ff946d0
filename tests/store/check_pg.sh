#!/bin/sh
# vigild on PostgreSQL (make check-pg): a throwaway server (tests/store/pg_server.sh), then
#   1. the store suite's PostgreSQL leg (STORE_TEST, with VIGIL_TEST_PG_URI);
#   2. the boto3 API tests of tests/api against a vigild whose store is PostgreSQL;
#   3. two vigilds on one database, one following the logs and one serving the API only: the
#      same detector and, once the first has read everything, the same answers (boto3);
#   4. a PostgreSQL restart (pg_ctl stop -m fast, start) while vigild reads a corpus: vigild
#      waits, resumes, and ends with the findings, ledger and JSON-lines output of a run that
#      was never interrupted.
# usage: tests/store/check_pg.sh VIGILD STORE_TEST
set -eu
VIGILD=$(realpath "$1")
STORE_TEST=$(realpath "$2")
cd "$(dirname "$0")/../.."
W=$(mktemp -d /tmp/vigil-pg.XXXXXX)
chmod 755 "$W"
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    tests/store/pg_server.sh stop "$W/pg" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "check-pg: FAIL: $*" >&2; exit 1; }
t0=$(date +%s.%N)
lap() { echo "check-pg: $1 ($(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s)"; }

URI=$(tests/store/pg_server.sh start "$W/pg") || fail "cannot start PostgreSQL"
# a database per step: postgresql://vigil@/NAME?host=...
db() {
    psql -q "$URI" -c "CREATE DATABASE $1" >/dev/null
    echo "$URI" | sed "s,@/postgres?,@/$1?,"
}
sql() { psql -At "$1" -c "$2"; }
lap "server up"

VIGIL_TEST_PG_URI=$(db unit) "$STORE_TEST" >"$W/unit.log" 2>&1 || {
    grep -v '^\[ *\(RUN\|OK\) ' "$W/unit.log" >&2
    fail "store suite"
}
lap "store suite: sqlite and postgresql legs passed"

tests/api/run.sh "$VIGILD" "$(db api)" || fail "API tests on PostgreSQL"
lap "API tests passed on PostgreSQL"

"${VIGILD%d}" simulate --out "$W/logs" --attacks --accounts 1 --principals 8 --days 2 \
    --events-per-day 5000 --flows-per-day 40000 --dns-per-day 8000 >/dev/null 2>&1
files=$(find "$W/logs/AWSLogs" -type f | wc -l)
LISTS=$(scripts/demo_lists.sh "$W/logs")
# shellcheck disable=SC2086
set -- $LISTS

# 3. the API-only one starts first, on an empty database; the other creates what it reads
TWO=$(db two)
"$VIGILD" --store "$TWO" --listen 127.0.0.1:0 "$@" 2>"$W/api-only.log" &
pids="$pids $!"
"$VIGILD" --store "$TWO" --listen 127.0.0.1:0 --watch "$W/logs/AWSLogs" "$@" 2>"$W/ingest.log" &
pids="$pids $!"
port_a=$(scripts/vigild_port.sh "$W/api-only.log") || fail "the API-only vigild: $(tail -3 "$W/api-only.log")"
port_b=$(scripts/vigild_port.sh "$W/ingest.log") || fail "the ingesting vigild: $(tail -3 "$W/ingest.log")"
grep -q "serving the store's findings only" "$W/api-only.log" || fail "API-only message"
for _ in $(seq 600); do
    [ "$(sql "$TWO" 'SELECT count(*) FROM ledger')" -ge "$files" ] && break
    sleep 0.1
done
[ "$(sql "$TWO" 'SELECT count(*) FROM ledger')" -ge "$files" ] || fail "the ingesting vigild did not read everything"
detector_a=$(sed -n 's/.*detector \([0-9a-f]*\);.*/\1/p' "$W/api-only.log")
detector_b=$(sed -n 's/.*detector \([0-9a-f]*\);.*/\1/p' "$W/ingest.log")
[ -n "$detector_a" ] && [ "$detector_a" = "$detector_b" ] || fail "two detector ids: '$detector_a' '$detector_b'"
same=$("${PYTHON:-/usr/bin/python3}" tests/store/same_answers.py "http://127.0.0.1:$port_a" \
    "http://127.0.0.1:$port_b") || fail "two vigilds on one store"
for p in $pids; do kill -TERM "$p"; wait "$p" || fail "a vigild did not stop cleanly"; done
pids=""
lap "two vigilds, one ingesting and one API-only, gave the same answers: $same"

# 4. the straight run, then one with the server restarted under it
run() { # run DB JSONL: read everything there, then exit (the caller's subshell becomes vigild)
    # shellcheck disable=SC2086
    exec "$VIGILD" --once --listen '' --watch "$W/logs/AWSLogs" --store "$1" --jsonl "$2" $LISTS \
        2>>"$2.log"
}
snapshot() {
    sql "$1" "SELECT id, type, count, first_seen_ms, last_seen_ms, archived FROM findings ORDER BY id"
    sql "$1" "SELECT 'records', sum(records), 'bytes', sum(\"end\" - start), count(*) FROM ledger"
}
REF=$(db ref)
start=$(date +%s.%N)
(run "$REF" "$W/ref.jsonl") || fail "the straight run: $(tail -3 "$W/ref.jsonl.log")"
straight=$(echo "$(date +%s.%N) - $start" | bc | cut -c1-5)
snapshot "$REF" >"$W/ref.txt"
RS=$(db restarted)
run "$RS" "$W/rs.jsonl" &
pid=$!
pids=$pid
while kill -0 $pid 2>/dev/null && [ "$(sql "$RS" 'SELECT count(*) FROM ledger' 2>/dev/null || echo 0)" -lt $((files / 4)) ]; do
    sleep 0.02
done
# frozen while the server goes down, so the restart lands mid-corpus however loaded the machine
kill -STOP $pid 2>/dev/null || fail "vigild finished before the restart"
at=$(sql "$RS" 'SELECT count(*) FROM ledger')
tests/store/pg_server.sh stop "$W/pg"
kill -CONT $pid
[ "$at" -lt "$files" ] || fail "vigild finished before the restart"
sleep 2 # vigild waits meanwhile
kill -0 $pid 2>/dev/null || fail "vigild exited while PostgreSQL was down: $(tail -3 "$W/rs.jsonl.log")"
tests/store/pg_server.sh start "$W/pg" >/dev/null
wait $pid || fail "vigild failed after the restart: $(tail -3 "$W/rs.jsonl.log")"
pids=""
grep -q "lost the PostgreSQL connection" "$W/rs.jsonl.log" || fail "vigild did not notice the restart"
grep -q "reconnected to PostgreSQL" "$W/rs.jsonl.log" || fail "vigild did not reconnect"
snapshot "$RS" >"$W/rs.txt"
cmp -s "$W/ref.txt" "$W/rs.txt" || { diff "$W/ref.txt" "$W/rs.txt" | head >&2; fail "findings differ after the restart"; }
versions() { # (id, count) of each JSON line, in order: the rest holds wall-clock times
    python3 -c 'import json,sys
for line in open(sys.argv[1]):
    f = json.loads(line); print(f["id"], f["service"]["count"])' "$1"
}
versions "$W/ref.jsonl" >"$W/ref.versions"
versions "$W/rs.jsonl" >"$W/rs.versions"
cmp -s "$W/ref.versions" "$W/rs.versions" || fail "the JSON-lines output differs after the restart"
lost=$(grep -c "reading it again: the store.s connection dropped" "$W/rs.jsonl.log" || true)
lap "restart at $at of $files pieces: $(grep -vc '^records' "$W/ref.txt") findings, ledger and $(wc -l <"$W/ref.jsonl") JSON lines as a straight run of ${straight}s; $lost piece(s) redone"
echo "check-pg: ok"
