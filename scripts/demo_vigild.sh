#!/bin/sh
# The vigild half of `make demo`: start vigild on an empty folder, deliver the simulated logs
# into it hour by hour as an S3 sync would, and watch findings arrive through the API; then
# leave vigild serving the workbench until Ctrl-C.
# usage: scripts/demo_vigild.sh VIGILD DEMO_DIR
#   DEMO_LISTEN  where vigild listens (default 127.0.0.1:8080)
#   DEMO_SERVE   0: stop vigild once the logs are read instead of serving the workbench
set -eu
VIGILD=$1
D=$2
LISTEN=${DEMO_LISTEN:-127.0.0.1:8080}
rm -rf "$D/inbox" "$D/state"
mkdir -p "$D/inbox"
# shellcheck disable=SC2046
set -- $(scripts/demo_lists.sh "$D")
"$VIGILD" --listen "$LISTEN" --watch "$D/inbox" --state "$D/state" --jsonl "$D/findings.jsonl" \
    "$@" 2>"$D/vigild.log" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
port=$(scripts/vigild_port.sh "$D/vigild.log") || {
    cat "$D/vigild.log" >&2
    echo "demo: vigild could not listen on $LISTEN; set DEMO_LISTEN=127.0.0.1:PORT" >&2
    exit 1
}
api="http://${LISTEN%:*}:$port"
echo "vigild: API on $api, following $D/inbox (log: $D/vigild.log)"
det=$(python3 -c 'import json,sys,urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1] + "/detector"))["detectorIds"][0])' "$api")

# Deliver the logs in the time order of their names, as AWS does (a file of an earlier five
# minutes arriving after a later one is late for the windowed detectors), each written under a
# hidden name and renamed, as sync tools do; report through the API every half day.
python3 - "$D" "$api" "$det" <<'PY'
import json, os, re, shutil, sys, time, urllib.request
d, api, det = sys.argv[1:4]
def post(path, body):
    req = urllib.request.Request(api + path, json.dumps(body).encode(), method="POST")
    return json.load(urllib.request.urlopen(req))
def count():
    c = post("/detector/%s/findings/statistics" % det,
             {"findingStatisticTypes": ["COUNT_BY_SEVERITY"]})["findingStatistics"]["countBySeverity"]
    return "%d findings (%d high)" % (sum(c.values()), sum(v for k, v in c.items() if float(k) >= 7))
slot = re.compile(r"_(\d{8}T\d{2})(\d{2})Z_")
src = os.path.join(d, "AWSLogs")
files = sorted((slot.search(f).groups(), os.path.join(r, f)) for r, _, fs in os.walk(src)
               for f in fs if slot.search(f))
prev = None
for (hour, minute), path in files:
    half = (hour[:8], int(hour[-2:]) // 12)  # report at each midnight and noon
    if prev is not None and half != prev:
        time.sleep(1)
        print("vigild: logs before %s %02d:00 delivered: %s" % (half[0], half[1] * 12, count()),
              flush=True)
    prev = half
    dst = os.path.join(d, "inbox", "AWSLogs", os.path.relpath(path, src))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = os.path.join(os.path.dirname(dst), "." + os.path.basename(dst) + ".part")
    shutil.copyfile(path, tmp)
    os.rename(tmp, dst)
time.sleep(2)
print("vigild: all logs delivered: %s" % count())
PY
echo "vigild: the five highest-severity findings (POST /detector/$det/findings, then .../findings/get):"
python3 - "$api" "$det" <<'PY'
import json, sys, urllib.request
api, det = sys.argv[1], sys.argv[2]
def post(path, body):
    req = urllib.request.Request(api + path, json.dumps(body).encode(), method="POST")
    return json.load(urllib.request.urlopen(req))
ids = post("/detector/%s/findings" % det, {"sortCriteria": {"attributeName": "severity",
           "orderBy": "DESC"}, "maxResults": 5})["findingIds"]
for f in post("/detector/%s/findings/get" % det, {"findingIds": ids})["findings"]:
    print("  %-4s %-50s %s" % (f["severity"], f["type"], f["title"][:90]))
PY
curl_metrics=$(python3 -c 'import sys,urllib.request
print(urllib.request.urlopen(sys.argv[1] + "/metrics").read().decode())' "$api")
echo "$curl_metrics" | grep -E '^vigil_(files|records|findings_new)_total|arrival_to_commit_seconds_(count|sum)' |
    sed 's/^/vigild: metrics: /'
echo "vigild: findings also written to $D/findings.jsonl ($(wc -l <"$D/findings.jsonl") lines)"
if [ "${DEMO_SERVE:-1}" = 0 ]; then
    kill -TERM $pid
    wait $pid
    trap - EXIT
    exit 0
fi
trap 'kill -TERM $pid 2>/dev/null; wait $pid; echo; echo "vigild: stopped"; exit 0' INT TERM
trap - EXIT
echo
echo "The workbench: open $api/ in a browser (vigild keeps serving; Ctrl-C stops it)."
echo "Start with a Tor finding: $api/#/findings?type=UnauthorizedAccess:EC2/TorClient"
wait $pid
