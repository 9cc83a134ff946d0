#!/bin/sh
# Parsing ahead on the reader's thread changes nothing a user sees (src/pipeline/scan.c): the
# same scan with scan.read_ahead on (objects read and mostly parsed on a second thread) and off
# (everything in turn on one) gives the same findings, the same bad-input messages in the same
# order, and the same summary counts.
#
#   tests/parse/read_ahead.sh VIGIL_BINARY
#
# The input is a simulated estate with attacks (every source, thousands of objects, findings
# of many types), the shared corpus (real logs of each source, with their bad records), and
# objects made to take the unusual roads: bad lines, a file of no log format, corrupt gzip, an
# object too big to be parsed ahead and one with more events than a slot keeps.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 VIGIL_BINARY" >&2; exit 2; }
vigil=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${VIGIL_CORPUS:-$root/../shared/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$vigil" simulate --out "$tmp/in" --accounts 2 --principals 10 --days 1 --attacks > /dev/null 2>&1
for source in cloudtrail vpcflow route53; do
    mkdir -p "$tmp/corpus/$source"
    cp -R "$corpus/$source/." "$tmp/corpus/$source/"
done
odd=$tmp/odd
mkdir -p "$odd"
line='2 123456789012 eni-0a1b2c3d4e5f60718 10.0.0.5 198.51.100.7 443 50123 6 10 840 1700000000 1700000060 ACCEPT OK'
{
    echo 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
    echo "$line"
    echo '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.0.500 198.51.100.7 443 50123 6 10 840 1700000000 1700000060 ACCEPT OK'
    echo "$line"
    echo '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.0.5'
} > "$odd/bad-lines.log"
echo 'neither a log nor anything vigil reads' > "$odd/notes.txt"
printf '\037\213\010\000\000\000\000\000\000\003garbage' > "$odd/corrupt.log.gz"
# more events than a slot keeps (65536), and an object over the size parsed ahead (8 MiB)
awk -v l="$line" 'BEGIN { for (i = 0; i < 70000; i++) print l }' > "$odd/many-events.log"
awk -v l="$line" 'BEGIN { for (i = 0; i < 110000; i++) print l }' > "$odd/big.log"

lists=$("$root/scripts/demo_lists.sh" "$tmp/in")
fail=0
# all messages shown, and only the first few (the rest counted in the summary)
for keep in 100000 7; do
    for ahead in true false; do
        printf 'scan:\n  read_ahead: %s\n' "$ahead" > "$tmp/$ahead.yaml"
        status=0
        "$vigil" scan --config "$tmp/$ahead.yaml" --format jsonl --max-errors $keep \
            $lists "$tmp/in/AWSLogs" "$tmp/corpus" "$odd" > "$tmp/$ahead.jsonl" \
            2> "$tmp/$ahead.err" || status=$?
        [ "$status" -le 1 ] || { cat "$tmp/$ahead.err" >&2; exit 1; }
        # the summary's time and rate differ from run to run
        sed -E 's/ in [0-9.]+ s.*//' "$tmp/$ahead.err" > "$tmp/$ahead.msgs"
        python3 "$root/tests/golden/canon.py" < "$tmp/$ahead.jsonl" > "$tmp/$ahead.json"
    done
    cmp -s "$tmp/true.json" "$tmp/false.json" || {
        echo "FAIL read-ahead: findings differ (read ahead -> one thread)"
        diff -u "$tmp/true.json" "$tmp/false.json" | head -40
        fail=1
    }
    cmp -s "$tmp/true.msgs" "$tmp/false.msgs" || {
        echo "FAIL read-ahead: messages or counts differ, --max-errors $keep (read ahead -> one thread)"
        diff -u "$tmp/true.msgs" "$tmp/false.msgs" | head -40
        fail=1
    }
    [ $keep -gt 7 ] || [ "$(grep -c '^vigil: .*/' "$tmp/true.msgs")" -eq 7 ] ||
        { echo "FAIL read-ahead: --max-errors 7 did not show 7 messages"; fail=1; }
done
findings=$(grep -c . "$tmp/true.jsonl" || true)
problems=$(sed -n 's/^vigil: \([0-9]*\) input problems.*/\1/p' "$tmp/true.msgs")
# the comparison means something only if there was plenty to compare
[ "$findings" -ge 50 ] || { echo "FAIL read-ahead: only $findings findings"; fail=1; }
[ "${problems:-0}" -ge 10 ] || { echo "FAIL read-ahead: only ${problems:-0} input problems"; fail=1; }
[ $fail -eq 0 ] && echo "read-ahead: $findings findings and $problems input problems alike"
exit $fail
