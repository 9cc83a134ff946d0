#!/bin/sh
# The cluster under faults (make check-cluster): a 3-node NATS cluster with JetStream (the log
# stream and lease buckets with 3 replicas) and a PostgreSQL server, all on loopback and started
# here; 3 vigild workers over a multi-account corpus that is published while they run.  During
# the run one worker is killed with SIGKILL, then one NATS server, then PostgreSQL is
# restarted, one worker is frozen (SIGSTOP) past its lease and thawed, and the killed ones come
# back.  At the end the store must hold exactly the findings of `vigil scan` over the same
# files (ids, types, counts), every partition must be caught up, and the logs must show that
# each fault happened and was survived (partitions taken over and rebuilt, a store pause, a
# stale worker's commit refused).
#
# usage: tests/cluster/run.sh VIGIL [simulate options...]
set -eu
VIGIL=$(realpath "$1")
shift
VIGILD=${VIGIL%/*}/vigild
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
W=$(mktemp -d /tmp/vigil-cluster.XXXXXX)
chmod 755 "$W"
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    [ -n "${PG_URI:-}" ] && tests/store/pg_server.sh stop "$W/pg" >/dev/null 2>&1 || true
    if [ "${KEEP:-}" ]; then echo "cluster test: kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
say() { printf 'cluster test: %s\n' "$*"; }
fail() { say "FAILED: $*"; for f in "$W"/*.log; do echo "--- $f"; tail -20 "$f"; done; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- NATS: three servers in one cluster ----
for i in 1 2 3; do
    eval "C$i=$(free_port)"
    eval "P$i=$(free_port)"
done
nats_conf() { # nats_conf N: the configuration of server N
    i=$1
    eval "p=\$P$i c=\$C$i"
    routes=""
    for j in 1 2 3; do
        [ "$j" = "$i" ] && continue
        eval "routes=\"\$routes nats-route://127.0.0.1:\$C$j\""
    done
    cat <<EOF
server_name: n$i
listen: 127.0.0.1:$p
max_payload: 8MB
jetstream { store_dir: "$W/n$i" }
cluster { name: vigil, listen: 127.0.0.1:$c, routes: [$(echo $routes | sed 's/ /, /g')] }
EOF
}
start_nats() { # start_nats N
    nats_conf "$1" > "$W/n$1.conf"
    nats-server -c "$W/n$1.conf" >> "$W/nats$1.log" 2>&1 &
    eval "NATS$1=$!"
    PIDS="$PIDS $!"
}
for i in 1 2 3; do start_nats $i; done
NATS_URLS="nats://127.0.0.1:$P1,nats://127.0.0.1:$P2,nats://127.0.0.1:$P3"

# ---- PostgreSQL ----
PG_URI=$(tests/store/pg_server.sh start "$W/pg")
say "NATS at $NATS_URLS; PostgreSQL at $PG_URI"

cat > "$W/cluster.yaml" <<EOF
cluster:
  nats: "$NATS_URLS"
  partitions: 16
  replicas: 3
  lease: 3s
EOF

# ---- the corpus, and what a single vigil makes of it ----
"$VIGIL" simulate --out "$W/logs" --attacks "$@" >/dev/null 2>&1
# shellcheck disable=SC2046
set -- $(scripts/demo_lists.sh "$W/logs")
"$VIGIL" scan --format jsonl "$@" "$W/logs/AWSLogs" > "$W/scan.jsonl" 2> "$W/scan.log" || true
python3 -c '
import json, sys
rows = sorted((f["id"], f["type"], f["service"]["count"]) for f in map(json.loads, open(sys.argv[1])))
print("\n".join("%s|%s|%d" % r for r in rows))' "$W/scan.jsonl" > "$W/expected.txt"
say "vigil scan: $(wc -l < "$W/expected.txt") findings"

# the cluster is set up by the first process that reaches it (JetStream needs a moment to
# elect its leaders first)
for _ in $(seq 60); do
    "$VIGIL" cluster status --config "$W/cluster.yaml" --store "$PG_URI" >/dev/null 2>&1 && break
    sleep 0.5
done

WORKER_ARGS="$*"
worker() { # worker NAME [LISTEN]: start it with the lists (and its API on LISTEN)
    # shellcheck disable=SC2086
    "$VIGILD" --config "$W/cluster.yaml" --store "$PG_URI" --worker "$1" --listen "${2:-}" \
        $WORKER_ARGS >> "$W/$1.log" 2>&1 &
    eval "PID_$1=$!"
    PIDS="$PIDS $!"
}
worker w1
worker w2
worker w3 127.0.0.1:0 # its /metrics are checked at the end

# ---- the first half of the accounts, read by all three workers ----
ls -d "$W/logs/AWSLogs"/* > "$W/accounts.txt"
half=$(($(wc -l < "$W/accounts.txt") / 2))
head -n "$half" "$W/accounts.txt" | xargs "$VIGIL" publish --config "$W/cluster.yaml" \
    >> "$W/publish.log" 2>&1 || fail "publishing failed"
"$VIGIL" cluster status --config "$W/cluster.yaml" --store "$PG_URI" --wait 120 \
    > /dev/null 2> "$W/status.log" || fail "not caught up: $(cat "$W/status.log")"

# ---- the second half, account by account, while the faults happen ----
(
    tail -n +"$((half + 1))" "$W/accounts.txt" | while read -r acct; do
        "$VIGIL" publish --config "$W/cluster.yaml" "$acct" || exit 1
        sleep 1
    done
) >> "$W/publish.log" 2>&1 &
PUBLISHER=$!
PIDS="$PIDS $PUBLISHER"

say "kill -9 worker w2"
kill -9 "$PID_w2"
sleep 5
say "kill -9 NATS server n3"
kill -9 "$NATS3"
sleep 3
say "stop PostgreSQL for 3 s"
tests/store/pg_server.sh stop "$W/pg" >/dev/null
sleep 3
tests/store/pg_server.sh start "$W/pg" >/dev/null
sleep 2
say "freeze worker w1 past its lease (SIGSTOP for 8 s), then thaw it"
kill -STOP "$PID_w1"
sleep 8
kill -CONT "$PID_w1"
say "restart worker w2 and NATS server n3"
worker w2
start_nats 3
wait "$PUBLISHER" || fail "publishing failed"
say "published: $(awk '/vigil publish:/ {f += $3; m += $14} END {print f " files, " m " messages"}' \
    "$W/publish.log")"

"$VIGIL" cluster status --config "$W/cluster.yaml" --store "$PG_URI" --wait 180 \
    > "$W/status.txt" 2> "$W/status.log" || fail "not caught up: $(cat "$W/status.log")"
# a worker's /metrics speak of the cluster
port=$(scripts/vigild_port.sh "$W/w3.log") || fail "worker w3 never said its API port"
python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
    "http://127.0.0.1:$port/metrics" > "$W/metrics.txt" || fail "no /metrics from w3"
awk '$1 == "vigil_cluster_messages_total" && $2 > 0 {ok = 1} END {exit !ok}' "$W/metrics.txt" ||
    fail "w3's /metrics count no committed messages"
grep -q '^vigil_cluster_lag 0$' "$W/metrics.txt" || fail "w3 reports a lag when caught up"
grep -q '^vigil_cluster_state_evictions_total [0-9]' "$W/metrics.txt" ||
    fail "w3's /metrics do not count state evictions"
for w in w1 w2 w3; do eval "kill -TERM \$PID_$w"; done
for w in w1 w2 w3; do eval "wait \$PID_$w" || fail "worker $w did not stop cleanly"; done

psql -qAt "$PG_URI" -c "SELECT id || '|' || type || '|' || count FROM findings ORDER BY id" \
    > "$W/cluster.txt"
if ! cmp -s "$W/expected.txt" "$W/cluster.txt"; then
    diff "$W/expected.txt" "$W/cluster.txt" | head -20
    fail "the cluster's findings differ from vigil scan's"
fi
say "the cluster's $(wc -l < "$W/cluster.txt") findings equal vigil scan's (ids, types, counts)"

# the faults were real: each left its trace
grep -qh "took partition" "$W"/w1.log "$W"/w3.log || fail "no partition was taken over"
grep -qh "store failed\|lost the PostgreSQL connection" "$W"/w*.log ||
    fail "no worker saw PostgreSQL go away"
grep -qh "another worker committed it\|lost partition" "$W/w1.log" ||
    fail "the frozen worker did not find its partitions gone"
moved=$(grep -h "took partition" "$W"/w*.log | grep -vc "sequence 0)" || true)
[ "$moved" -gt 0 ] || fail "no partition with committed work changed hands"
replayed=$(grep -h "stopped:" "$W"/w*.log | sed 's/.* \([0-9]*\) messages replayed.*/\1/' |
    awk '{s += $1} END {print s + 0}')
[ "$replayed" -gt 0 ] || fail "no detector state was rebuilt from the stream"
say "$moved partitions with committed work changed hands; $replayed messages replayed to rebuild their detectors"
say "passed"
