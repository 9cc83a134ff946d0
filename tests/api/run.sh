#!/bin/sh
# vigild's API end to end: fill a store from simulated logs, serve it, and drive it with the
# real boto3 guardduty client (tests/api/boto3_test.py); then the start-up refusals: a second
# vigild on the same state, a public address without tokens, a tokens file others can read.
# usage: tests/api/run.sh VIGILD [STORE_URI]   (PYTHON: an interpreter with boto3; Debian's
# python3-boto3 by default).  With STORE_URI (make check-pg: an empty PostgreSQL database) the
# store is that one instead of the state folder's, and the state-folder lock is not tested.
set -eu
VIGILD=$(realpath "$1")
STORE=${2:-}
cd "$(dirname "$0")/../.."
W=$(mktemp -d /tmp/vigil-api.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "api: FAIL: $*" >&2; [ -f "$W/vigild.log" ] && tail -5 "$W/vigild.log" >&2; exit 1; }

"${VIGILD%d}" simulate --out "$W/logs" --attacks --accounts 2 --principals 8 --days 2 \
    --events-per-day 4000 --flows-per-day 30000 --dns-per-day 6000 >/dev/null 2>&1
# shellcheck disable=SC2046
set -- $(scripts/demo_lists.sh "$W/logs") --rules tests/api/rules.yml
if [ -n "$STORE" ]; then set -- "$@" --store "$STORE"; fi
"$VIGILD" --once --listen '' --watch "$W/logs/AWSLogs" --state "$W/state" "$@" 2>"$W/fill.log" ||
    fail "filling the store: $(tail -3 "$W/fill.log")"

umask 077
printf '# name scope token\nanalyst read r3ad-0nly-t0ken-0123456789\nsoar admin adm1n-t0ken-0123456789abcdef\n' >"$W/tokens"
"$VIGILD" --listen 127.0.0.1:0 --tokens "$W/tokens" --watch "$W/logs/AWSLogs" \
    --state "$W/state" "$@" 2>"$W/vigild.log" &
pid=$!
port=$(scripts/vigild_port.sh "$W/vigild.log") || fail "vigild did not say its port"

# one vigild per state folder
if [ -z "$STORE" ] && "$VIGILD" --once --listen '' --watch "$W/logs/AWSLogs" --state "$W/state" 2>"$W/second.log"; then
    fail "a second vigild ran on the same state"
fi
[ -n "$STORE" ] || grep -q "another vigild is using this state folder" "$W/second.log" ||
    fail "second vigild message"

printf 'c2.example.net\n198.51.100.7\n' >"$W/partner.txt"
"${PYTHON:-/usr/bin/python3}" tests/api/boto3_test.py "http://127.0.0.1:$port" r3ad-0nly-t0ken-0123456789 \
    adm1n-t0ken-0123456789abcdef "$W/partner.txt" || fail "boto3 checks"

kill -TERM $pid
wait $pid || fail "vigild did not stop cleanly on SIGTERM"
pid=""
grep -q "lists reloaded" "$W/vigild.log" || fail "the lists were not reloaded after the API changes"
# the sets keep GuardDuty's format names; vigild must load them with its own loaders
if grep -q "unknown threat list format" "$W/vigild.log"; then
    fail "a threat intel set's format was not mapped to a vigil loader"
fi

# refusals at start
mkdir -p "$W/empty"
if "$VIGILD" --listen 0.0.0.0:0 --watch "$W/empty" --state "$W/s2" 2>"$W/public.log"; then
    fail "a public address without tokens was accepted"
fi
grep -q "needs a tokens file" "$W/public.log" || fail "public address message"
chmod 644 "$W/tokens"
if "$VIGILD" --listen 127.0.0.1:0 --tokens "$W/tokens" --watch "$W/empty" --state "$W/s2" \
    2>"$W/perm.log"; then
    fail "a tokens file readable by others was accepted"
fi
grep -q "readable by others" "$W/perm.log" || fail "tokens permission message"
echo "api: ok: boto3 checks passed; second instance, public address without tokens and an open tokens file refused"
