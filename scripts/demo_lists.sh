#!/bin/sh
# The list options for the threat lists `vigil simulate --attacks` writes to DIR/intel/, as
# `vigil simulate --help` says to load them, and --ip-data for the address data `make
# enrich-data` fetched, when it is there: one place for `make demo` and the vigild tests.
# usage: scripts/demo_lists.sh DIR
set -eu
i="$1/intel"
echo "--curated-list $i/malicious-ips.txt --threat-list $i/custom-threats.txt" \
     "--threat-list tor=$i/tor-exit-addresses.txt --trusted-list $i/trusted-ips.txt" \
     "--list-category c2 --curated-list $i/c2-ips.txt" \
     "--list-category cryptocurrency --curated-list $i/mining-pools.txt" \
     "--list-category blackhole --curated-list $i/sinkholes.txt" \
     "--list-category droppoint --curated-list $i/drop-points.txt" \
     "--list-category scanner --curated-list $i/scanners.txt" \
     "--threat-list $i/custom-domains.txt --trusted-list $i/trusted-domains.txt" \
     "--list-category c2 --curated-list $i/c2-domains.txt" \
     "--list-category cryptocurrency --curated-list $i/mining-domains.txt" \
     "--list-category blackhole --curated-list $i/blackhole-domains.txt" \
     "--list-category droppoint --curated-list $i/drop-point-domains.txt" \
     "--list-category dga --curated-list $i/dga-domains.txt" \
     "--list-category driveby --curated-list $i/driveby-domains.txt" \
     "--list-category phishing --curated-list $i/phishing-domains.txt" \
     "--list-category suspicious --reputation-list $i/suspicious-domains.txt"
[ -d data/enrich ] && echo "--ip-data $(pwd)/data/enrich"
exit 0
