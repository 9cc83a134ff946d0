#!/bin/sh
# GuardDuty compatibility test (make check-compat):
#
#   tests/compat/run.sh VIGIL [SAMPLE_TEST]
#
# Scans the golden test inputs with `vigil scan --format json` (a GetFindings-style response):
# each case on its own, then all of them in one run, plus an empty input, plus this folder's own
# cases (cases/<name>/: input.*, optional args, as a golden case), each of which must yield a
# network finding with instance details from an asset inventory (--inventory).  With SAMPLE_TEST
# (build/tests/findings/sample_test), the sample finding of every type (CreateSampleFindings)
# that the test writes to $VIGIL_SAMPLE_FINDINGS_OUT is one more response.  Then
# botocore_check.py parses every response the way boto3 parses GuardDuty's GetFindings, with
# botocore's rest-json parser and the GuardDuty model (Debian's python3-botocore), and checks the
# findings against the model, the catalog and GuardDuty's sample finding.  See botocore_check.py.
#
# The sample finding is read from $VIGIL_SAMPLE_FINDING, else from the shared reference folder
# beside the repository; without it that one check is skipped (and says so).
#
# Output: "ok"/"FAIL" lines and "N passed, M failed"; exit 1 if anything failed, 2 on usage
# errors.

set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 VIGIL_BINARY [SAMPLE_TEST_BINARY]" >&2
    exit 2
fi
vigil=$1
sample_test=${2:-}
for bin in "$@"; do
    if [ ! -x "$bin" ]; then
        echo "$0: $bin is not an executable" >&2
        exit 2
    fi
done
case $vigil in
/*) ;;
*) vigil=$(pwd)/$vigil ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
golden=$repo/tests/golden
py=/usr/bin/python3
if ! "$py" -c 'import botocore' 2>/dev/null; then
    echo "$0: $py cannot import botocore (Debian: apt-get install python3-botocore)" >&2
    exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-compat.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP
out=$tmp/out
mkdir -p "$out"
scan_failed=0
extra=

scan() { # label, directory to run in, glob of the inputs (expanded there)
    label=$1
    mkdir -p "$(dirname "$out/$label")"
    # shellcheck disable=SC2086 # $3 is a glob, expanded inside $2
    (
        cd "$2" || exit 2
        set -- $3
        # a golden case's extra scan options (threat lists...), one per line, go first
        if [ -f args ]; then
            n=$#
            while IFS= read -r arg || [ -n "$arg" ]; do
                set -- "$@" "$arg"
            done < args
            while [ "$n" -gt 0 ]; do # rotate the inputs behind the options
                set -- "$@" "$1"
                shift
                n=$((n - 1))
            done
        fi
        # shellcheck disable=SC2086 # $extra is options without blanks
        exec "$vigil" scan --format json --quiet --fail-on critical $extra "$@"
    ) >"$out/$label.json" 2>"$tmp/err"
    rc=$?
    if { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; } || [ -s "$tmp/err" ]; then
        sed 's/^/    /' "$tmp/err"
        echo "FAIL $label: vigil exited with status $rc or reported input problems"
        scan_failed=$((scan_failed + 1))
    fi
}

for dir in "$golden"/*/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    set -- "$dir"/input.*
    [ -e "$1" ] || continue
    scan "golden/${dir#"$golden"/}" "$dir" 'input.*'
done
scan all-golden-inputs "$golden" './*/*/input.*'
# the same with address-owner data covering every address: organization and awsIpRange must
# parse as GuardDuty's model says (asn is a string there)
extra="--ip-data $here/ip-data"
scan all-golden-inputs-ip-data "$golden" './*/*/input.*'
extra=
for member in '"organization":{"asn":"64496","asnOrg":"vigil compat test org"' '"awsIpRange":{'; do
    if ! grep -q "$member" "$out/all-golden-inputs-ip-data.json"; then
        echo "FAIL all-golden-inputs-ip-data: no $member in the findings"
        scan_failed=$((scan_failed + 1))
    fi
done
set --
for dir in "$here"/cases/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    scan "cases/${dir##*/}" "$dir" 'input.*'
    set -- "$@" --require-inventory "cases/${dir##*/}"
done
required="$*"
: >"$tmp/empty.jsonl"
scan empty-input "$tmp" empty.jsonl
if [ -n "$sample_test" ] &&
    ! VIGIL_SAMPLE_FINDINGS_OUT=$out/samples.json "$sample_test" >"$tmp/err" 2>&1; then
    sed 's/^/    /' "$tmp/err"
    echo "FAIL samples: $sample_test failed"
    scan_failed=$((scan_failed + 1))
fi

if ! "$vigil" types >"$tmp/types"; then
    echo "FAIL vigil types"
    exit 1
fi

sample=${VIGIL_SAMPLE_FINDING:-$(cd "$repo/.." && pwd)/shared/reference/sample-finding.json}
# shellcheck disable=SC2086 # "--require-inventory LABEL" pairs; labels have no blanks
set -- $required
if [ -f "$sample" ]; then
    set -- "$@" --sample "$sample"
else
    echo "skip sample-finding check: $sample not found (set VIGIL_SAMPLE_FINDING)"
fi

find "$out" -name '*.json' | LC_ALL=C sort >"$tmp/list"
"$py" "$here/botocore_check.py" --catalog "$repo/src/findings/catalog.tsv" --types "$tmp/types" \
    --root "$out" --failed-before "$scan_failed" --list "$tmp/list" "$@"
