#!/bin/sh
# Parser corpus test (STYLE.md §11): run `vigil scan` over every file of one source's shared
# corpus, one file at a time, and compare what the summary says about it with
# tests/parse/<source>-expected.tsv: records, events, bad records, digest files, foreign
# records, the input problems by kind and the lines they were reported at.
#
#   tests/parse/corpus.sh [--update] SOURCE VIGIL_BINARY     (SOURCE: cloudtrail, vpcflow, route53)
#
# Fails on a crash (exit status above 2, or a signal), a missing summary, a file whose records
# are not all accounted for (records != events + bad), a file that yields nothing and says
# nothing (a silent drop), and any difference from the expectations.  --update rewrites the
# expectations (keeping their comment block, which says why each file with a report has one);
# review the diff.
#
# The corpus is ../shared/corpus/SOURCE from the repository root, or $VIGIL_CORPUS/SOURCE.
set -u

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 [--update] SOURCE VIGIL_BINARY" >&2
    exit 2
fi
source=$1
vigil=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${VIGIL_CORPUS:-$root/../shared/corpus}/$source
expected=$root/tests/parse/$source-expected.tsv

if [ ! -x "$vigil" ]; then
    echo "$source: '$vigil' is not an executable" >&2
    exit 2
fi
if [ ! -d "$corpus" ]; then
    echo "$source: '$corpus' is missing (set VIGIL_CORPUS)" >&2
    exit 2
fi
if [ ! -f "$expected" ]; then
    echo "$source: '$expected' is missing" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
: >"$tmp/actual.tsv"
passed=0
failed=0

fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

# One line of results for a file, from vigil's stderr:
#   records events bad digests foreign problems located
# problems: "field=1,not-a-log=1" from the "input problems" line, or "-";
# located: where the reported problems are, "3,@0" (line, or @offset), or "-".
summarize() { # path stderr-file
    awk -v path="$1" '
        /^vigil: scanned / {
            s = $0
            sub(/.*\): /, "", s)
            n = split(s, f, ", ")
            for (i = 1; i <= n; i++) {
                split(f[i], w, " ")
                v[i] = w[1]
            }
            summary = v[1] "\t" v[2] "\t" v[3] "\t" v[4] "\t" v[5]
            next
        }
        /^vigil: [0-9]+ input problems:/ {
            s = $0
            sub(/^vigil: [0-9]+ input problems: /, "", s)
            n = split(s, w, " ")
            problems = ""
            for (i = 1; i + 1 <= n; i += 2)
                problems = problems (problems == "" ? "" : ",") w[i] "=" w[i + 1]
            next
        }
        index($0, "vigil: " path ":") == 1 {
            s = substr($0, length("vigil: " path ":") + 1)
            sub(/:.*/, "", s)
            located = located (located == "" ? "" : ",") s
        }
        END {
            if (summary == "")
                exit 1
            printf "%s\t%s\t%s\n", summary, problems == "" ? "-" : problems,
                located == "" ? "-" : located
        }' "$2"
}

(cd "$corpus" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/files"
while IFS= read -r rel; do
    "$vigil" scan --format jsonl "$corpus/$rel" </dev/null >/dev/null 2>"$tmp/err"
    status=$?
    if [ $status -gt 2 ]; then
        fail "$rel" "crashed (exit status $status)"
        sed 's/^/    /' "$tmp/err" | head -20
        continue
    fi
    if ! line=$(summarize "$corpus/$rel" "$tmp/err"); then
        fail "$rel" "no summary line (exit status $status)"
        sed 's/^/    /' "$tmp/err" | head -20
        continue
    fi
    printf '%s\t%s\n' "$rel" "$line" >>"$tmp/actual.tsv"
    # records events bad digests foreign problems located
    set -- $line
    if [ "$1" -ne $(($2 + $3)) ]; then
        fail "$rel" "$1 records but $2 events + $3 bad records"
        continue
    fi
    if [ "$2" -eq 0 ] && [ "$4" -eq 0 ] && [ "$5" -eq 0 ] && [ "$6" = "-" ]; then
        fail "$rel" "nothing read and nothing reported (silent drop)"
        continue
    fi
    if [ $update -eq 1 ]; then
        passed=$((passed + 1))
        continue
    fi
    want=$(awk -F '\t' -v f="$rel" '$1 == f { sub(/^[^\t]*\t/, ""); print; exit }' "$expected")
    got=$(printf '%s' "$line")
    if [ -z "$want" ]; then
        fail "$rel" "not in $(basename "$expected") (new file? run with --update)"
    elif [ "$want" != "$got" ]; then
        fail "$rel" "expected [$want], got [$got] (records events bad digests foreign problems located)"
        grep -v '^vigil: scanned\|findings (' "$tmp/err" | sed 's/^/    /' | head -10
    else
        passed=$((passed + 1))
    fi
done <"$tmp/files"

if [ $update -eq 0 ]; then
    # expectations for files that are gone
    grep -v '^#' "$expected" | cut -f1 >"$tmp/expected-files"
    while IFS= read -r rel; do
        [ -f "$corpus/$rel" ] || fail "$rel" "expected but not in the corpus"
    done <"$tmp/expected-files"
fi

if [ $update -eq 1 ] && [ $failed -eq 0 ]; then
    { grep '^#' "$expected"; cat "$tmp/actual.tsv"; } >"$tmp/new.tsv"
    cp "$tmp/new.tsv" "$expected"
    echo "$source: wrote $expected; files with rejects, to review:"
    awk -F '\t' '$4 > 0 || $6 > 0 || $7 != "-" { print "    " $0 }' "$tmp/actual.tsv"
fi

echo "$source: $passed passed, $failed failed"
[ $failed -eq 0 ]
