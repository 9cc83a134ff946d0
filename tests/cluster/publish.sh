#!/bin/sh
# `vigil publish` splits what cannot go whole, and the pieces must read as the whole did: one
# NATS server with JetStream and a small message limit (so most objects are split), objects
# that mix two accounts' records (CloudTrail Records arrays, JSON lines, flow logs with a
# header), published and read by one worker into a SQLite store.  Its findings must equal
# `vigil scan`'s of the same files, evidence included: every record's file, byte offset and
# line must be the ones of the object as it is on disk.  Bad records are reported by the
# publisher with file and line.
#
# usage: tests/cluster/publish.sh VIGIL
set -eu
VIGIL=$(realpath "$1")
VIGILD=${VIGIL%/*}/vigild
cd "$(dirname "$0")/../.."
W=$(mktemp -d /tmp/vigil-publish.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    if [ "${KEEP:-}" ]; then echo "publish test: kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
say() { printf 'publish test: %s\n' "$*"; }
fail() { say "FAILED: $*"; for f in "$W"/*.log; do echo "--- $f"; tail -20 "$f"; done; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/nats.conf" <<EOF
listen: 127.0.0.1:$PORT
max_payload: 64KB
jetstream { store_dir: "$W/js" }
EOF
nats-server -c "$W/nats.conf" > "$W/nats.log" 2>&1 &
PIDS="$PIDS $!"
NATS=nats://127.0.0.1:$PORT

"$VIGIL" simulate --out "$W/sim" --attacks --accounts 2 --days 2 --events-per-day 3000 \
    --flows-per-day 20000 --dns-per-day 4000 > /dev/null 2>&1
# shellcheck disable=SC2046
set -- $(scripts/demo_lists.sh "$W/sim")
python3 tests/cluster/mix_accounts.py "$W/sim/AWSLogs" "$W/mixed"
say "$(find "$W/mixed" -type f | wc -l) objects mixing two accounts' records"

"$VIGIL" scan --format jsonl "$@" "$W/mixed" > "$W/scan.jsonl" 2> "$W/scan.log" || true
for _ in $(seq 50); do
    "$VIGIL" cluster status --nats "$NATS" --store "$W/store.db" > /dev/null 2>&1 && break
    sleep 0.2
done
"$VIGIL" publish --nats "$NATS" "$W/mixed" > "$W/publish.log" 2>&1 ||
    fail "publish exited with $?"
grep -q "larger than a message)" "$W/publish.log" || fail "no summary"
pieces=$(sed -n 's/.* \([0-9]*\) messages.*/\1/p' "$W/publish.log")
objects=$(find "$W/mixed" -type f | wc -l)
[ "$pieces" -gt "$objects" ] || fail "$pieces messages for $objects objects: nothing was split"

"$VIGILD" --nats "$NATS" --store "$W/store.db" --worker solo --listen '' "$@" > "$W/worker.log" 2>&1 &
WORKER=$!
PIDS="$PIDS $WORKER"
"$VIGIL" cluster status --nats "$NATS" --store "$W/store.db" --wait 120 > /dev/null 2> "$W/status.log" ||
    fail "not caught up: $(cat "$W/status.log")"
kill -TERM "$WORKER"
wait "$WORKER" || fail "the worker did not stop cleanly"

sqlite3 "$W/store.db" "SELECT json FROM findings" > "$W/cluster.jsonl"
python3 - "$W/scan.jsonl" "$W/cluster.jsonl" <<'EOF' || fail "the findings differ"
import json, sys

def refs(v, out):
    if isinstance(v, dict):
        if "source" in v and "offset" in v:
            out.append((v["source"], v["offset"], v.get("line")))
        for x in v.values():
            refs(x, out)
    elif isinstance(v, list):
        for x in v:
            refs(x, out)
    return out

def load(path):
    rows = {}
    for line in open(path):
        f = json.loads(line)
        rows[f["id"]] = (f["type"], f["service"]["count"], sorted(refs(f["service"], [])))
    return rows

scan, cluster = load(sys.argv[1]), load(sys.argv[2])
if scan != cluster:
    for k in sorted(set(scan) | set(cluster)):
        if scan.get(k) != cluster.get(k):
            print(k, "scan:", str(scan.get(k))[:300], "cluster:", str(cluster.get(k))[:300])
            break
    print(len(scan), "findings from scan,", len(cluster), "from the cluster")
    sys.exit(1)
n = sum(len(v[2]) for v in scan.values())
print("publish test: %d findings and their %d evidence records equal vigil scan's" % (len(scan), n))
EOF

# a bad record is the publisher's to report, with its file and line
printf '{"Records":[{"eventVersion":"1.08","eventTime":"2026-11-01T00:00:00Z",' > "$W/bad.json"
printf '"eventSource":"iam.amazonaws.com","eventName":"ListUsers","recipientAccountId":"111122223333"},\n' >> "$W/bad.json"
printf '{"eventVersion":"1.08", "eventTime": 17}]}\n' >> "$W/bad.json"
"$VIGIL" publish --nats "$NATS" "$W/bad.json" > "$W/bad.log" 2>&1 && fail "bad input exited 0"
grep -q "bad.json:2:" "$W/bad.log" || fail "the bad record was not reported at bad.json:2: $(cat "$W/bad.log")"
say "passed"
