#!/bin/sh
# Project rules a compiler cannot check (STYLE.md §2, §4, §7):
#  - stages include only earlier stages' headers;
#  - parse/, enrich/, detect/ never read the clock (event time only);
#  - every header compiles on its own, and every .c includes its own header first.
set -eu
cd "$(dirname "$0")/.."
fail=0
say() { echo "lint: $*" >&2; fail=1; }

# Layering: a stage may include itself and the stages after it in this list.
ORDER="cli pipeline config api store findings detect rules enrich parse ingest core"
later_than() { # prints the stages a given stage may include
    seen=0
    for s in $ORDER; do
        [ "$s" = "$1" ] && seen=1
        [ $seen = 1 ] && printf '%s ' "$s"
    done
}
for dir in src/*/; do
    stage=$(basename "$dir")
    allowed="$(later_than "$stage")simulate"
    [ "$stage" = simulate ] && allowed="simulate core"
    for f in "$dir"*.[ch]; do
        [ -e "$f" ] || continue
        case "$f" in *_test.c) continue ;; esac
        grep -o '#include "[a-z_]*/' "$f" | sed 's/#include "//; s|/||' | sort -u | while read -r inc; do
            case " $allowed " in
                *" $inc "*) ;;
                *) echo "lint: $f: stage '$stage' includes '$inc/', a later stage" >&2; echo x ;;
            esac
        done
    done
done | grep -q x && fail=1

# Event time only in the detection path.
if grep -nE '\b(time|clock_gettime|gettimeofday)\(|core/clock\.h' src/parse/*.[ch] src/enrich/*.[ch] \
    src/detect/*.[ch] 2>/dev/null; then
    say "parse/, enrich/ and detect/ must not read the clock (use event time)"
fi

# Each .c includes its own header first (when it has one).
for c in src/*/*.c; do
    case "$c" in *_test.c) continue ;; esac
    h="${c%.c}.h"
    [ -e "$h" ] || continue
    first=$(grep -m1 '^#include' "$c" | sed 's/#include "\(.*\)"/\1/')
    [ "$first" = "${h#src/}" ] || say "$c: first include should be its own header ${h#src/}"
done

# Every header compiles alone, and starts with core/compat.h.
mkdir -p build/lint
for h in src/*/*.h; do
    rel=${h#src/}
    first=$(grep -m1 '^#include' "$h" | sed 's/#include "\(.*\)"/\1/')
    [ "$rel" = core/compat.h ] || [ "$rel" = core/banned.h ] || [ "$first" = core/compat.h ] || say "$h: first include must be core/compat.h"
    printf '#include "%s"\n' "$rel" > build/lint/hdr.c
    ${CC:-cc} -std=gnu17 -Wall -Wextra -Werror -Isrc -Ibuild/gen $(pkg-config --cflags libdeflate) \
        -fsyntax-only build/lint/hdr.c || say "$h does not compile on its own"
done

[ $fail = 0 ] && echo "lint: ok"
exit $fail
