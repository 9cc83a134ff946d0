#!/bin/sh
# Fetch free address-owner data for `--ip-data` / enrich.ip_data from the npm registry, where
# ip-location-db publishes it, into DEST (default data/enrich):
#   geo-whois-asn-country.mmdb  country of every address (CC0; from @ip-location-db/
#                               geo-whois-asn-country-mmdb)
#   asn-ipv4.csv, asn-ipv6.csv  AS number and organisation of every routed range (from
#                               @ip-location-db/asn; licences beside them)
# The versions are pinned, so every machine gets the same bytes; bump them to refresh.
# Idempotent: present files are kept.  vigil runs without these files (the fields are absent).
# usage: scripts/enrich_data.sh [DEST]
set -eu
dest=${1:-data/enrich}
version=2.3.2026061719
if [ -f "$dest/geo-whois-asn-country.mmdb" ] && [ -f "$dest/asn-ipv4.csv" ] &&
    [ -f "$dest/asn-ipv6.csv" ]; then
    echo "enrich-data: $dest is complete" >&2
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "enrich-data: npm is needed" >&2; exit 1; }
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "enrich-data: fetching ip-location-db $version from the npm registry" >&2
(cd "$tmp" && npm pack --silent "@ip-location-db/geo-whois-asn-country-mmdb@$version" \
    "@ip-location-db/asn@$version" >/dev/null)
tar xzf "$tmp"/ip-location-db-geo-whois-asn-country-mmdb-$version.tgz -C "$tmp" \
    package/geo-whois-asn-country.mmdb
mv "$tmp/package/geo-whois-asn-country.mmdb" "$dest/"
tar xzf "$tmp"/ip-location-db-asn-$version.tgz -C "$tmp" package/asn-ipv4.csv \
    package/asn-ipv6.csv package/DBIP-LICENSE package/NRO_LICENSE package/ROUTEVIEWS-LICENSE
for f in asn-ipv4.csv asn-ipv6.csv DBIP-LICENSE NRO_LICENSE ROUTEVIEWS-LICENSE; do
    mv "$tmp/package/$f" "$dest/$f"
done
echo "ip-location-db $version (npm), fetched $(date -u +%Y-%m-%d)" >"$dest/VERSION"
echo "enrich-data: $dest: $(ls "$dest" | tr '\n' ' ')" >&2
