#!/bin/sh
# End-to-end Route 53 Resolver query log throughput: S3 objects (.log.gz) on disk -> findings,
# every DNS detector on and a 1M-domain threat list loaded, next to references measured in the
# same run on the same files: gzip -dc (decompression alone, to /dev/null) and a jansson parse of
# the same lines (bench_jansson -l: one json_loadb per line, decompression timed apart).  Issue
# 5's target: vigil end to end at least 3 times jansson's parse-only rate.
#
# The corpus (`vigil simulate --dns-per-day`, two accounts, one day: ~2 M queries) is generated
# once into build/ and reused.  These machines drift by tens of percent within minutes, so the
# contenders run interleaved and each keeps its best of BENCH_ROUNDS (3) rounds.
#   usage: bench/bench_dns.sh VIGIL [QUERIES]   (QUERIES per account and day, 1000000 by default)
set -eu
VIGIL=$1
PER_DAY=${2:-${BENCH_DNS_PER_DAY:-1000000}}
ROUNDS=${BENCH_ROUNDS:-3}
REF=build/bench_jansson
. bench/bench_lib.sh

DIR=build/bench-dns-$PER_DAY
bench_corpus "$DIR" --accounts 2 --days 1 --events-per-day 0 --flows-per-day 0 \
    --dns-per-day "$PER_DAY" --seed 7
LIST=build/bench-dns-files.txt
find "$DIR/AWSLogs" -name '*.log.gz' | sort > "$LIST"
NFILES=$(wc -l < "$LIST")
DOMAINS=$(bench/threat_list_1m.sh domains)
# warm the page cache so the first contender does not pay for the disk
xargs cat < "$LIST" > /dev/null

SUMMARY=build/bench-vigil-dns.txt
GZIP=999999 JANSSON=999999 VIG=999999 VIG_WALL=999999
for _ in $(seq "$ROUNDS"); do
    t0=$(now); xargs gzip -dc < "$LIST" > /dev/null; t1=$(now)
    GZIP=$(min "$(echo "$t1 - $t0" | bc -l)" "$GZIP")
    # xargs may start the reference more than once: add up the parse times
    t=$(xargs "$REF" -l < "$LIST" | awk '{p += $(NF-4)} END {print p}')
    JANSSON=$(min "$t" "$JANSSON")
    t0=$(now)
    "$VIGIL" scan --format jsonl --fail-on critical --threat-list "$DOMAINS" "$DIR/AWSLogs" \
        > /dev/null 2> "$SUMMARY" || true
    t1=$(now)
    VIG_WALL=$(min "$(echo "$t1 - $t0" | bc -l)" "$VIG_WALL")
    VIG=$(min "$(scan_seconds "$SUMMARY")" "$VIG")
done

QUERIES=$(scan_records "$SUMMARY")
MB=$(echo "$(xargs gzip -dc < "$LIST" | wc -c) / 1000000" | bc -l)
GZ_MB=$(echo "$(xargs cat < "$LIST" | wc -c) / 1000000" | bc -l)
printf "corpus: %s files, %s queries, %.0f MB uncompressed, %.0f MB gzipped (%s)\n" \
    "$NFILES" "$QUERIES" "$MB" "$GZ_MB" "$DIR"
row() { printf "%-46s %7.2f s %12.0f queries/s %7.0f MB/s\n" "$1" "$2" \
    "$(echo "$QUERIES / $2" | bc -l)" "$(echo "$MB / $2" | bc -l)"; }
row "gzip -dc" "$GZIP"
row "jansson parse, line by line (no inflate)" "$JANSSON"
row "vigil scan, 1M-domain list (scan only)" "$VIG"
row "vigil scan, 1M-domain list (with list load)" "$VIG_WALL"
printf "vigil from .log.gz vs jansson parse alone: %.2f times its rate (target >= 3)\n" \
    "$(echo "$JANSSON / $VIG" | bc -l)"
printf "vigil vs gzip -dc: %.2f of its rate (best of %s, interleaved)\n" \
    "$(echo "$GZIP / $VIG" | bc -l)" "$ROUNDS"
grep -E "findings|evicted" "$SUMMARY" | sed 's/^/  /'
