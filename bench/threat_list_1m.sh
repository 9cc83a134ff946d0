#!/bin/sh
# Print the path of the benchmarks' 1M-entry threat list, writing it first if it is missing: a
# million random public IPv4 addresses (first octets 11-98), the same file on every run (awk's
# seeded rand), shared by bench_cloudtrail.sh and bench_vpcflow.sh.
set -eu
LISTFILE=build/bench-threats-1M.txt
if [ ! -f "$LISTFILE" ]; then
    awk 'BEGIN { srand(7); for (i = 0; i < 1000000; i++)
        printf "%d.%d.%d.%d\n", 11 + int(rand() * 88), int(rand() * 256), int(rand() * 256), 1 + int(rand() * 254) }' \
        > "$LISTFILE.tmp"
    mv "$LISTFILE.tmp" "$LISTFILE"
fi
echo "$LISTFILE"
