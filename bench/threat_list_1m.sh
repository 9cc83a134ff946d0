#!/bin/sh
# Print the path of the benchmarks' 1M-entry threat list, writing it first if it is missing, the
# same file on every run (awk's seeded rand).  usage: bench/threat_list_1m.sh [ips|domains]
#   ips (default)  a million random public IPv4 addresses (first octets 11-98), for
#                  bench_cloudtrail.sh and bench_vpcflow.sh;
#   domains        a million random domains under common TLDs, one in ten a "*." wildcard
#                  entry, for bench_dns.sh.
set -eu
KIND=${1:-ips}
case $KIND in
ips) LISTFILE=build/bench-threats-1M.txt ;;
domains) LISTFILE=build/bench-threat-domains-1M.txt ;;
*) echo "usage: $0 [ips|domains]" >&2; exit 2 ;;
esac
if [ ! -f "$LISTFILE" ]; then
    if [ "$KIND" = ips ]; then
        awk 'BEGIN { srand(7); for (i = 0; i < 1000000; i++)
            printf "%d.%d.%d.%d\n", 11 + int(rand() * 88), int(rand() * 256), int(rand() * 256), 1 + int(rand() * 254) }' \
            > "$LISTFILE.tmp"
    else
        awk 'BEGIN { srand(7); split("com net org info biz xyz top io ru cn", tld, " ");
            for (i = 0; i < 1000000; i++) {
                n = 6 + int(rand() * 9); s = "";
                for (j = 0; j < n; j++) s = s substr("abcdefghijklmnopqrstuvwxyz0123456789-", 1 + int(rand() * (j && j < n - 1 ? 37 : 36)), 1);
                printf "%s%s.%s\n", (i % 10 == 0 ? "*." : ""), s, tld[1 + int(rand() * 10)] } }' \
            > "$LISTFILE.tmp"
    fi
    mv "$LISTFILE.tmp" "$LISTFILE"
fi
echo "$LISTFILE"
