#!/bin/sh
# Cluster throughput with 1, 2 and 3 workers (make bench-cluster): one NATS server with
# JetStream and one PostgreSQL on loopback, a flow-heavy multi-account corpus published once,
# then for each worker count a fresh database and the time from starting the workers to every
# partition being caught up (vigil cluster status --wait).  Next to it, measured in the same
# run on the same files: `vigil scan` (one process, no NATS, no store), the reference the
# ratios are taken against, since these shared machines drift by tens of percent.
#
#   usage: bench/bench_cluster.sh VIGIL [simulate options...]
set -eu
VIGIL=$(realpath "$1")
shift
VIGILD=${VIGIL%/*}/vigild
cd "$(dirname "$0")/.."
W=$(mktemp -d /tmp/vigil-bench-cluster.XXXXXX)
chmod 755 "$W"
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    tests/store/pg_server.sh stop "$W/pg" > /dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
now() { date +%s.%N; }
[ $# -gt 0 ] || set -- --accounts 16 --days 1 --events-per-day 20000 --flows-per-day 600000 \
    --dns-per-day 40000

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listen: 127.0.0.1:%s\nmax_payload: 8MB\njetstream { store_dir: "%s/js" }\n' "$PORT" "$W" \
    > "$W/nats.conf"
nats-server -c "$W/nats.conf" > "$W/nats.log" 2>&1 &
PIDS="$PIDS $!"
NATS=nats://127.0.0.1:$PORT
PG=$(tests/store/pg_server.sh start "$W/pg")

"$VIGIL" simulate --out "$W/logs" --attacks "$@" > /dev/null 2>&1
# shellcheck disable=SC2046
set -- $(scripts/demo_lists.sh "$W/logs")
for _ in $(seq 50); do
    "$VIGIL" cluster status --nats "$NATS" --store "$PG" > /dev/null 2>&1 && break
    sleep 0.2
done
t0=$(now)
"$VIGIL" publish --nats "$NATS" "$W/logs/AWSLogs" 2> "$W/publish.log"
t1=$(now)
PUBLISH=$(echo "$t1 - $t0" | bc -l)

t0=$(now)
"$VIGIL" scan --format jsonl "$@" "$W/logs/AWSLogs" > /dev/null 2> "$W/scan.log" || true
t1=$(now)
SCAN=$(echo "$t1 - $t0" | bc -l)
RECORDS=$(sed -n 's/.*: \([0-9]*\) records, .*/\1/p' "$W/scan.log")
MB=$(sed -n 's/.*files (\([0-9.]*\) MB read.*/\1/p' "$W/scan.log")
echo "corpus: $(sed -n 's/vigil publish: //p' "$W/publish.log")"
printf "%-34s %7.2f s %10.0f records/s\n" "vigil publish (parse + send)" "$PUBLISH" \
    "$(echo "$RECORDS / $PUBLISH" | bc -l)"
printf "%-34s %7.2f s %10.0f records/s  (reference), %s findings\n" "vigil scan, one process" \
    "$SCAN" "$(echo "$RECORDS / $SCAN" | bc -l)" \
    "$(sed -n 's/^vigil: \([0-9]*\) findings .*/\1/p' "$W/scan.log")"

for n in 1 2 3; do
    psql -q "$PG" -c "CREATE DATABASE bench$n" > /dev/null
    store=$(echo "$PG" | sed "s|/[^/?]*\(?.*\)\{0,1\}$|/bench$n\1|")
    workers=""
    t0=$(now)
    for i in $(seq "$n"); do
        "$VIGILD" --nats "$NATS" --store "$store" --worker "b$n-$i" --listen '' "$@" \
            > "$W/w$n-$i.log" 2>&1 &
        workers="$workers $!"
        PIDS="$PIDS $!"
    done
    # shellcheck disable=SC2086
    "$VIGIL" cluster status --nats "$NATS" --store "$store" --wait 600 > /dev/null 2>&1 || {
        echo "bench-cluster: $n workers never caught up"
        exit 1
    }
    t1=$(now)
    # shellcheck disable=SC2086
    kill -TERM $workers
    # shellcheck disable=SC2086
    wait $workers || true
    T=$(echo "$t1 - $t0" | bc -l)
    findings=$(psql -qAt "$store" -c "SELECT count(*) FROM findings")
    printf "%-34s %7.2f s %10.0f records/s  %.2f of vigil scan's rate, %s findings\n" \
        "$n worker(s)" "$T" "$(echo "$RECORDS / $T" | bc -l)" "$(echo "$SCAN / $T" | bc -l)" \
        "$findings"
done
echo "(this machine has $(nproc) cores: NATS, PostgreSQL and the workers share them; $MB MB of gzip read)"
