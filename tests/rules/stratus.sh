#!/bin/sh
# The opt-in rules against real attacks: every Stratus Red Team detonation of the shared corpus
# (cloudtrail/stratus-red-team, one technique a file) is scanned with --enable-opt-in all, and the
# set of opt-in finding types it produces must equal the one tests/rules/stratus-expected.tsv
# gives for the file.  Types of the built-in detectors (always on) are not compared: the opt-in
# types are those `vigil rules list` shows as "opt-in off" before anything is enabled.
#
#   tests/rules/stratus.sh VIGIL_BINARY
#
# Fails on a corpus file the expectations do not list (a new detonation needs its line), a listed
# file that is missing, a scan that exits above 1 or writes to stderr, and any difference.
# The corpus is ../shared/corpus from the repository root, or $VIGIL_CORPUS.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 VIGIL_BINARY" >&2
    exit 2
fi
vigil=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${VIGIL_CORPUS:-$root/../shared/corpus}/cloudtrail/stratus-red-team
expected=$root/tests/rules/stratus-expected.tsv
if [ ! -x "$vigil" ]; then
    echo "stratus: '$vigil' is not an executable" >&2
    exit 2
fi
if [ ! -d "$corpus" ]; then
    echo "stratus: '$corpus' is missing (set VIGIL_CORPUS)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-stratus.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

tab=$(printf '\t')
if ! "$vigil" rules list >"$tmp/rules"; then
    echo "stratus: 'vigil rules list' failed" >&2
    exit 2
fi
awk -F'\t' '$3 == "opt-in off" { print $2 }' "$tmp/rules" | sort -u >"$tmp/opt-in"
if [ ! -s "$tmp/opt-in" ]; then
    echo "stratus: 'vigil rules list' shows no opt-in rule" >&2
    exit 2
fi

passed=0
failed=0
fail() { # file, reason
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

for path in "$corpus"/*.jsonl; do
    [ -e "$path" ] || continue
    file=${path##*/}
    want=$(awk -F'\t' -v f="$file" '$1 == f { print $2; found = 1 } END { exit !found }' \
        "$expected") || {
        fail "$file" "not in $expected (add its line)"
        continue
    }
    "$vigil" scan --quiet --enable-opt-in all --format jsonl "$path" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -gt 1 ] || [ -s "$tmp/err" ]; then
        sed 's/^/    /' "$tmp/err"
        fail "$file" "vigil exited with status $rc or reported problems"
        continue
    fi
    if ! python3 -c 'import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.loads(line)["type"])' <"$tmp/out" >"$tmp/types"; then
        fail "$file" "vigil's output is not valid JSON lines"
        continue
    fi
    got=$(sort -u "$tmp/types" | comm -12 - "$tmp/opt-in" | paste -sd, -)
    [ -n "$got" ] || got=-
    want=$(echo "$want" | tr ',' '\n' | sort -u | paste -sd, -)
    if [ "$got" = "$want" ]; then
        echo "ok $file: $got"
        passed=$((passed + 1))
    else
        fail "$file" "expected $want, got $got"
    fi
done

# every expectation names a file that is there (a renamed detonation would otherwise pass unseen)
while IFS="$tab" read -r file _types; do
    case $file in '#'* | '' | file) continue ;; esac
    [ -e "$corpus/$file" ] || fail "$file" "listed in $expected but not in the corpus"
done <"$expected"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
