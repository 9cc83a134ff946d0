#!/bin/sh
# The false-positive and detection rates of the DGA label model (detect/dga.h), as quoted in
# docs/dga-model.md:
#
#   make dga-eval            (or: bench/dga_eval.sh build/dga_score [THRESHOLD])
#
# Benign names the model never saw in training come from two npm packages, fetched here with
# `npm pack` into build/dga-eval (nothing is committed): top-sites (the 500 most linked sites,
# MIT) and free-email-domains (14,000 mail providers, MIT; it includes throwaway-mail domains,
# some of which really are random strings).  The DGA families are bench/dga_eval.py's own code.
set -eu
scorer=${1:?usage: dga_eval.sh SCORER [THRESHOLD]}
threshold=${2:-0.70}
work=build/dga-eval
mkdir -p "$work"
(
    cd "$work"
    for p in top-sites@1.1.222 free-email-domains@1.12.6; do
        ls "${p%@*}"-*.tgz >/dev/null 2>&1 || npm pack --silent "$p" >/dev/null
    done
    tar xzf top-sites-*.tgz package/top-sites.json
    tar xzf free-email-domains-*.tgz package/domains.json
    /usr/bin/python3 - <<'PY'
import json
sites = json.load(open("package/top-sites.json"))
open("top-sites.txt", "w").write("".join(s["rootDomain"] + "\n" for s in sites))
mail = json.load(open("package/domains.json"))
open("free-email-domains.txt", "w").write("".join(d + "\n" for d in mail))
PY
)
/usr/bin/python3 bench/dga_eval.py "$scorer" "$threshold" "$work/top-sites.txt" \
    "$work/free-email-domains.txt"
