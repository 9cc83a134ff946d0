#!/bin/sh
# make check-sigma: convert tests/sigma with `vigil rules import-sigma` and check that every
# rule converts except the refuse-*.yml ones, each refused for the reason its "# expect:" line
# names, and that vigil loads the output with no rule refused.
set -eu
vigil=$1
dir=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
want_ok=$(cat "$dir"/[!r]*.yml | grep -c '^title:')
want_refused=$(ls "$dir"/refuse-*.yml | wc -l)
"$vigil" rules import-sigma "$dir" -o "$tmp/out.yml" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
fail=0
tail -n 1 "$tmp/err" | grep -qx "$want_ok converted, $want_refused not converted" ||
    { echo "check-sigma: want $want_ok converted, $want_refused not; got:"; cat "$tmp/err"; fail=1; }
for f in "$dir"/refuse-*.yml; do
    why=$(sed -n 's/^# expect: //p' "$f")
    grep -F "$f: " "$tmp/err" | grep -qF "$why" ||
        { echo "check-sigma: $f: want a refusal naming '$why'"; fail=1; }
done
"$vigil" rules test --no-builtin --rules "$tmp/out.yml" >"$tmp/test" 2>&1 ||
    { echo "check-sigma: the converted rules do not load:"; cat "$tmp/test"; fail=1; }
listed=$("$vigil" rules list --rules "$tmp/out.yml" | grep -c '^sigma-' || true)
[ "$listed" = "$want_ok" ] || { echo "check-sigma: $listed rules listed, want $want_ok"; fail=1; }
# nothing convertible: exit 1, and an existing OUT is left as it was
echo keep >"$tmp/kept.yml"
if "$vigil" rules import-sigma "$dir"/refuse-*.yml -o "$tmp/kept.yml" 2>/dev/null; then
    echo "check-sigma: refused rules only, yet exit 0"; fail=1
fi
[ "$(cat "$tmp/kept.yml")" = keep ] || { echo "check-sigma: OUT was replaced though nothing converted"; fail=1; }
[ $fail = 0 ] && echo "check-sigma: $want_ok converted, $want_refused refused as expected"
exit $fail
