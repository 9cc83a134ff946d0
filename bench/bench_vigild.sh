#!/bin/sh
# vigild under a steady load: simulated CloudTrail and VPC flow logs are delivered into a
# followed folder, five minutes of event time at a time, at a pace that makes the target rates
# (default 50,000 CloudTrail events/s plus 500,000 flow records/s); then the sustained rates,
# the latency from a file being written to its findings being committed (p50, p99, max, from
# the ingest ledger: done_ms - mtime_ms of every piece), and vigild's peak RSS.
# usage: bench/bench_vigild.sh VIGILD [ROUNDS] [CT_PER_S] [FLOWS_PER_S]
#   each round delivers one simulated day (500,000 events and 5,000,000 flow records of four
#   accounts) again under a new folder, so ROUNDS sets the run's length.
set -eu
VIGILD=$(realpath "$1")
ROUNDS=${2:-6}
CT_RATE=${3:-50000}
FLOW_RATE=${4:-500000}
W=$(mktemp -d /tmp/vigil-bench-vigild.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$W"' EXIT
"${VIGILD%d}" simulate --out "$W/day" --accounts 4 --days 1 --events-per-day 125000 \
    --flows-per-day 1250000 --dns-per-day 0 >/dev/null 2>&1
ct=500000
flows=$(find "$W/day/AWSLogs" -path '*vpcflowlogs*' -type f -exec zcat {} + | grep -vc '^version')
# seconds one day's logs take at the target rates; 288 five-minute slots per day
day_s=$(echo "a = $ct / $CT_RATE; b = $flows / $FLOW_RATE; if (a > b) a else b" | bc -l)
slot_s=$(echo "$day_s / 288" | bc -l)
mkdir -p "$W/inbox"
"$VIGILD" --listen '' --watch "$W/inbox" --state "$W/state" 2>"$W/vigild.log" &
pid=$!
sleep 1
# stage every round's copies first (untimed), then deliver by rename, as sync tools do
for r in $(seq "$ROUNDS"); do mkdir -p "$W/stage/r$r" && cp -r "$W/day/AWSLogs" "$W/stage/r$r/"; done
start=$(date +%s.%N)
python3 - "$W" "$ROUNDS" "$slot_s" "$pid" <<'PY'
import os, re, sys, time
w, rounds, slot_s, pid = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
slot_re = re.compile(r"_(\d{8}T\d{4})Z_")
start = time.time()
due = start
for r in range(1, rounds + 1):
    base = os.path.join(w, "stage", "r%d" % r)
    by_slot = {}
    for d, _, files in os.walk(base):
        for f in files:
            m = slot_re.search(f)
            by_slot.setdefault(m.group(1) if m else "", []).append(os.path.join(d, f))
    for slot in sorted(by_slot):
        for src in by_slot[slot]:
            dst = os.path.join(w, "inbox", os.path.relpath(src, os.path.join(w, "stage")))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.rename(src, dst)
            os.utime(dst)  # its mtime now says when it was delivered: the latency's start
        due += slot_s
        time.sleep(max(0.0, due - time.time()))
    hwm = [l for l in open("/proc/%s/status" % pid) if l.startswith("VmHWM")][0].split()[1]
    print("bench_vigild: round %d delivered at %.1f s; vigild peak RSS %d MiB"
          % (r, time.time() - start, int(hwm) // 1024), flush=True)
PY
delivered=$(date +%s.%N)
files=$(find "$W/inbox" -type f ! -name '.*' | wc -l)
while [ "$(sqlite3 "$W/state/vigil.db" 'SELECT count(*) FROM ledger')" -lt "$files" ]; do sleep 0.2; done
finished=$(date +%s.%N)
rss=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status)
kill -TERM $pid
wait $pid
pid=""
sqlite3 "$W/state/vigil.db" 'SELECT done_ms - mtime_ms FROM ledger ORDER BY 1' >"$W/lat"
n=$(wc -l <"$W/lat")
p50=$(sed -n "$(( (n + 1) / 2 ))p" "$W/lat")
p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$W/lat")
max=$(tail -1 "$W/lat")
records=$(sqlite3 "$W/state/vigil.db" 'SELECT sum(records) FROM ledger')
secs=$(echo "$finished - $start" | bc -l)
echo "bench_vigild: $ROUNDS simulated days, $files files, $records records in $(printf %.1f "$secs") s:" \
     "$(echo "$ROUNDS * $ct / $secs" | bc) CloudTrail events/s + $(echo "$ROUNDS * $flows / $secs" | bc)" \
     "flow records/s sustained (target $CT_RATE + $FLOW_RATE; delivery took" \
     "$(printf %.1f "$(echo "$delivered - $start" | bc -l)") s)"
echo "bench_vigild: file written -> findings committed: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms" \
     "over $n pieces; peak RSS $((rss / 1024)) MiB"
