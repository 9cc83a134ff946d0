#!/bin/sh
# Golden detection tests (STYLE.md §11).
#
#   tests/golden/run.sh [--update] VIGIL
#
# Every case is a directory tests/golden/<finding-slug>/<case>/ holding input.* (CloudTrail,
# one event per line) and expected.json.  The runner scans the inputs from inside the case
# directory (so evidence paths read "input.jsonl"), canonicalises the JSON lines with canon.py
# (drops createdAt/updatedAt, sorts, pretty-prints) and compares with expected.json.
# An optional file `args` in the case holds extra scan options, one per line, relative to the
# case directory (e.g. "--threat-list" and "lists/threats.txt" on two lines).
#
# Rules checked besides the comparison:
#   - a case is named fires-* or near-miss-*;
#   - a near-miss case expects [] (and --update never writes anything else for one);
#   - a fires case produces at least one finding of its directory's type;
#   - vigil reports nothing on stderr (the inputs are clean CloudTrail) and exits 0 or 1;
#   - every type `vigil types` lists has >= 1 fires and >= 2 near-miss cases, and every
#     directory is the slug of a listed type.
#
# --update rewrites expected.json of the fires cases from the actual output (make golden-update);
# review the change as a diff before committing it.
#
# Output: "ok <slug>/<case>", or a unified diff (expected -> actual) and "FAIL <slug>/<case>";
# the last line is "N passed, M failed".  Exit 1 if anything failed, 2 on usage errors.

set -u

usage() {
    echo "usage: $0 [--update] VIGIL_BINARY" >&2
    exit 2
}

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
[ $# -eq 1 ] || usage
vigil=$1
case $vigil in
/*) ;;
*) vigil=$(pwd)/$vigil ;;
esac
if [ ! -x "$vigil" ]; then
    echo "$0: $vigil is not an executable" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
canon=$here/canon.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

passed=0
failed=0

show_diff() { # name: unified diff from expected.json (or nothing) to the actual output
    from=$expected
    [ -f "$from" ] || from=/dev/null
    diff -u --label "$1/expected.json" --label "$1/actual" "$from" "$tmp/actual.json"
}

fail() { # name, reason
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

for dir in "$here"/*/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    case_name=${dir##*/}
    slug=${dir%/*}
    slug=${slug##*/}
    name=$slug/$case_name
    case $case_name in
    fires-*) kind=fires ;;
    near-miss-*) kind=near-miss ;;
    *)
        fail "$name" "case name must start with fires- or near-miss-"
        continue
        ;;
    esac
    set -- "$dir"/input.*
    if [ ! -e "$1" ]; then
        fail "$name" "no input.* file"
        continue
    fi

    (
        cd "$dir" || exit 2
        set --
        if [ -f args ]; then
            while IFS= read -r arg || [ -n "$arg" ]; do
                set -- "$@" "$arg"
            done < args
        fi
        exec "$vigil" scan --format jsonl --quiet --fail-on critical "$@" input.*
    ) >"$tmp/out.jsonl" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        sed 's/^/    /' "$tmp/err"
        fail "$name" "vigil exited with status $rc"
        continue
    fi
    if [ -s "$tmp/err" ]; then
        sed 's/^/    /' "$tmp/err"
        fail "$name" "vigil reported problems with the input (stderr above)"
        continue
    fi
    if ! "$py" "$canon" <"$tmp/out.jsonl" >"$tmp/actual.json" 2>"$tmp/err"; then
        sed 's/^/    /' "$tmp/err"
        fail "$name" "vigil's output is not valid JSON lines"
        continue
    fi

    expected=$dir/expected.json
    if [ "$kind" = near-miss ]; then
        if [ "$update" -eq 1 ] && ! { [ -f "$expected" ] && [ "$(cat "$expected")" = "[]" ]; }; then
            echo "[]" >"$expected"
            echo "updated $name"
        fi
        if [ "$(cat "$tmp/actual.json")" != "[]" ]; then
            show_diff "$name"
            fail "$name" "a near-miss case must produce no findings"
            continue
        fi
    else
        if ! "$py" "$canon" --slugs "$tmp/actual.json" | grep -x -- "$slug" >/dev/null; then
            show_diff "$name"
            fail "$name" "a fires case must produce a finding of the type its directory names"
            continue
        fi
        if [ "$update" -eq 1 ] && ! cmp -s "$expected" "$tmp/actual.json"; then
            cp "$tmp/actual.json" "$expected"
            echo "updated $name"
        fi
    fi

    if [ ! -f "$expected" ]; then
        fail "$name" "no expected.json (make golden-update writes it)"
    elif cmp -s "$expected" "$tmp/actual.json"; then
        echo "ok $name"
        passed=$((passed + 1))
    else
        show_diff "$name"
        fail "$name" "output differs from expected.json"
    fi
done

# Coverage: every implemented type has its cases, and every directory names a type.
if ! "$vigil" types >"$tmp/types"; then
    fail "coverage" "'vigil types' failed"
else
    : >"$tmp/slugs"
    while IFS="$(printf '\t')" read -r type _rest; do
        [ -n "$type" ] || continue
        s=$("$py" "$canon" --slug "$type")
        echo "$s" >>"$tmp/slugs"
        nf=0
        nn=0
        for d in "$here/$s"/fires-*/; do [ -d "$d" ] && nf=$((nf + 1)); done
        for d in "$here/$s"/near-miss-*/; do [ -d "$d" ] && nn=$((nn + 1)); done
        if [ "$nf" -lt 1 ] || [ "$nn" -lt 2 ]; then
            fail "coverage $s" "$type has $nf fires and $nn near-miss cases; it needs at least 1 and 2"
        fi
    done <"$tmp/types"
    for d in "$here"/*/; do
        [ -d "$d" ] || continue
        d=${d%/}
        grep -qx -- "${d##*/}" "$tmp/slugs" ||
            fail "coverage ${d##*/}" "directory is not the slug of a type 'vigil types' lists"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
