#!/bin/sh
# CloudTrail end to end with detection rules: the built-in detectors alone, against the same
# scan with every shipped rule enabled (--enable-opt-in all) plus 500 generated user rules.
# The rules are generated over the eventNames the corpus holds most, weighted as they occur, so
# they are evaluated, not skipped by the index; a tenth pin only eventSource, and each rule
# carries the operators users write (contains with nocase, prefix, cidr, regex, absent).
# Interleaved best of three, as the machine drifts between runs.  Target: within 15%.
#   usage: bench/bench_rules.sh VIGIL [BYTES]   (default BENCH_BYTES or 256M)
set -eu
VIGIL=$1
SIZE=${2:-${BENCH_BYTES:-256M}}
. bench/bench_lib.sh
DIR=build/bench-corpus-$SIZE
bench_corpus "$DIR" --accounts 4 --principals 40 --bytes "$SIZE" --attacks --seed 7 \
    --flows-per-day 0 --dns-per-day 0
RULES=build/bench-rules
rm -rf "$RULES"
mkdir -p "$RULES"
find "$DIR" -name '*.json.gz' -path '*CloudTrail/*' | head -200 | xargs zcat |
    grep -o '"eventSource":"[^"]*","eventName":"[^"]*"\|"eventName":"[^"]*","eventSource":"[^"]*"' |
    sed 's/"eventSource":"\([^"]*\)"/S=\1/; s/"eventName":"\([^"]*\)"/N=\1/; s/,/ /' |
    sort | uniq -c | sort -rn | head -100 > "$RULES/names.txt"
awk -v out="$RULES/generated.yml" '
{ for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "S") src[NR] = kv[2]; else name[NR] = kv[2] } }
END {
    n = NR
    for (r = 0; r < 500; r++) {
        k = (r % n) + 1
        printf("---\nid: bench-%d\ntype: Suspicious:IAMUser/BenchRule%d\ntitle: Generated rule %d\n", r, r, r) > out
        printf("severity: low\ndescription: rule %d matched {eventName} from {sourceIPAddress}\nmatch:\n", r) > out
        if (r % 10 == 9)
            printf("  eventSource: %s\n", src[k]) > out
        else
            printf("  eventName: %s\n", name[k]) > out
        if (r % 4 == 0) printf("  userAgent: {contains: [sqlmap-%d, nikto, masscan], nocase: true}\n", r) > out
        if (r % 4 == 1) printf("  userIdentity.arn: {prefix: \"arn:aws:iam::0000000%05d:\"}\n", r) > out
        if (r % 4 == 2) printf("  sourceIPAddress: {cidr: [203.0.%d.0/24, \"2001:db8:%x::/48\"]}\n", r % 256, r) > out
        if (r % 4 == 3) printf("  userAgent: {regex: \"(?i)^python-requests/%d\\\\.\"}\n  errorCode: null\n", r) > out
    }
}' "$RULES/names.txt"
echo "== detection rules: 500 generated user rules over the $(wc -l < "$RULES/names.txt") most frequent APIs"
BASE=999999
WITH=999999
S_BASE=build/bench-rules-base.txt
S_WITH=build/bench-rules-with.txt
for _ in 1 2 3; do
    "$VIGIL" scan --format jsonl --fail-on critical "$DIR/AWSLogs" > /dev/null 2> "$S_BASE" || true
    "$VIGIL" scan --format jsonl --fail-on critical --enable-opt-in all --rules "$RULES" \
        "$DIR/AWSLogs" > /dev/null 2> "$S_WITH" || true
    BASE=$(min "$(scan_seconds "$S_BASE")" "$BASE")
    WITH=$(min "$(scan_seconds "$S_WITH")" "$WITH")
done
EVENTS=$(scan_records "$S_BASE")
grep 'rules:' "$S_WITH" | tail -1
printf "%-44s %8.2f s %10.0f events/s\n" "built-in detectors" "$BASE" "$(echo "$EVENTS / $BASE" | bc -l)"
printf "%-44s %8.2f s %10.0f events/s\n" "+ shipped rules (all) + 500 user rules" "$WITH" \
    "$(echo "$EVENTS / $WITH" | bc -l)"
printf "rules cost: %+.1f%% of the scan time (target within 15%%)\n" \
    "$(echo "($WITH / $BASE - 1) * 100" | bc -l)"
