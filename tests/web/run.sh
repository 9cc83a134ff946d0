#!/bin/sh
# The workbench's browser tests: Debian's Chromium (scripts/install-deps.sh installs it) driven
# by playwright-core, installed from the npm registry at the version package-lock.json pins.
# usage: tests/web/run.sh VIGIL OUT_DIR
set -eu
vigil=$(realpath "$1")
out=$2
here=$(dirname "$0")
if [ ! -d "$here/node_modules/playwright-core" ]; then
    echo "tests/web: installing playwright-core from the npm registry" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
mkdir -p "$out"
node "$here/workbench.test.mjs" "$vigil" "$(realpath "$out")"
