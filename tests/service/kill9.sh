#!/bin/sh
# Never skip, never repeat: vigild killed with SIGKILL at random moments and restarted must end
# with exactly the findings of a run that was never interrupted (ids, types, counts, first and
# last seen, archive state), the same ledger record count, and a JSON-lines output holding each
# finding version exactly once, in the same order.
#
# usage: tests/service/kill9.sh VIGILD KILLS [simulate options...]
#   make check runs a short corpus with 20 kills; the closing note of issue 8 gives the full
#   multi-day run's figures (see the Makefile's service-kill9 target).
set -eu
VIGILD=$(realpath "$1")
KILLS=$2
shift 2
cd "$(dirname "$0")/../.."
W=$(mktemp -d /tmp/vigil-kill9.XXXXXX)
trap 'rm -rf "$W"' EXIT

"${VIGILD%d}" simulate --out "$W/logs" --attacks "$@" >/dev/null 2>&1
# shellcheck disable=SC2046
set -- $(scripts/demo_lists.sh "$W/logs")
run() { # run NAME LIST_OPTIONS...: read everything there into state NAME, then exit
    name=$1
    shift
    exec "$VIGILD" --once --listen '' --watch "$W/logs/AWSLogs" --state "$W/$name" \
        --jsonl "$W/$name.jsonl" "$@" 2>>"$W/$name.log"
}
snapshot() { # the findings as the issue compares them, and the records read
    sqlite3 "$W/$1/vigil.db" \
        "SELECT id, type, count, first_seen_ms, last_seen_ms, archived FROM findings ORDER BY id;
         SELECT 'records', sum(records), 'bytes', sum(end - start) FROM ledger;"
}
versions() { # (id, count) of each JSON line, in order
    python3 -c 'import json,sys
for line in open(sys.argv[1]):
    f = json.loads(line); print(f["id"], f["service"]["count"])' "$W/$1.jsonl"
}

start=$(date +%s.%N)
(run ref "$@")
straight=$(echo "$(date +%s.%N) - $start" | bc)
snapshot ref >"$W/ref.txt"
versions ref >"$W/ref.versions"
findings=$(grep -vc '^records' "$W/ref.txt")
[ "$findings" -gt 10 ] || { echo "kill9: only $findings findings in the straight run" >&2; exit 1; }

# Kill at random points of the work: KILLS distinct random ledger sizes between the first and
# the last piece, in order; each run is killed as soon as its commits reach the next one (any
# moment of a scan, a commit or the JSON-lines flush), and every fourth run is killed instead at
# a random moment of its start-up replay.
total=$(sqlite3 "$W/ref/vigil.db" 'SELECT count(*) FROM ledger')
targets=$(awk -v n="$KILLS" -v total="$total" -v seed="$$" 'BEGIN { srand(seed)
    for (i = 0; i < n; i++) print 1 + int(rand() * (total - 1)) }' | sort -n)
pieces() { sqlite3 "$W/killed/vigil.db" 'SELECT count(*) FROM ledger' 2>/dev/null || echo 0; }
kills=0 at=""
for target in $targets; do
    run killed "$@" &
    pid=$!
    if [ $((kills % 4)) = 3 ]; then
        replay=$(sed -n 's/.*ledger pieces in \([0-9.]*\) s.*/\1/p' "$W/killed.log" | tail -1)
        sleep "$(awk -v r="${replay:-0.1}" -v seed="$$$kills" 'BEGIN { srand(seed); printf "%.3f", rand() * r }')"
    else
        while kill -0 $pid 2>/dev/null && [ "$(pieces)" -lt "$target" ]; do sleep 0.005; done
    fi
    kill -9 $pid 2>/dev/null && kills=$((kills + 1))
    wait $pid 2>/dev/null || true
    at="$at $(pieces)"
done
(run killed "$@")
snapshot killed >"$W/killed.txt"
versions killed >"$W/killed.versions"

if ! cmp -s "$W/ref.txt" "$W/killed.txt"; then
    echo "kill9: FAIL: findings differ after $kills kills" >&2
    diff "$W/ref.txt" "$W/killed.txt" | head -20 >&2
    exit 1
fi
if ! cmp -s "$W/ref.versions" "$W/killed.versions"; then
    echo "kill9: FAIL: the JSON-lines output differs after $kills kills" >&2
    diff "$W/ref.versions" "$W/killed.versions" | head -20 >&2
    exit 1
fi
pieces=$(sqlite3 "$W/killed/vigil.db" 'SELECT count(*) FROM ledger')
echo "kill9: ok: $kills kills, $findings findings and" \
     "$(wc -l <"$W/ref.versions") JSON lines identical to a straight run of ${straight}s;" \
     "$pieces ledger pieces; committed pieces at each kill:$at"
