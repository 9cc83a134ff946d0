"""vigild's API through the real boto3 `guardduty` client (Debian's python3-boto3).

usage: python3 boto3_test.py ENDPOINT READ_TOKEN ADMIN_TOKEN LIST_FILE

ENDPOINT serves a store that vigild filled from `vigil simulate --attacks` logs.  The tokens are
those of its tokens file; LIST_FILE is a readable list for the threat intel set calls.  Every
check asserts on what boto3 parsed, so a shape botocore cannot read fails here.
"""
import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.exceptions

endpoint, read_token, admin_token, list_file = sys.argv[1:5]


def client(token):
    c = boto3.client("guardduty", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id="vigil", aws_secret_access_key="vigil")

    def add_token(request, **_):
        request.headers["X-Vigil-Token"] = token
    c.meta.events.register("before-send.guardduty.*", add_token)
    return c


def raw(method, path, body=None, token=None, headers=None):
    """A request without boto3: status and parsed body."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(endpoint + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


admin = client(admin_token)
reader = client(read_token)
checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise SystemExit("boto3_test: FAIL: " + what)
    checks += 1


# detectors: the instance first, then the per-account/Region ones findings name
ids = reader.list_detectors()["DetectorIds"]
check(len(ids) >= 2, "list_detectors gives the instance and finding detectors: %r" % ids)
det = ids[0]
d = reader.get_detector(DetectorId=det)
check(d["Status"] == "ENABLED", "get_detector status")
try:
    reader.get_detector(DetectorId="0" * 32)
    check(False, "an unknown detector is refused")
except admin.exceptions.BadRequestException as e:
    check("not owned" in str(e), "unknown detector message: %s" % e)

# ListFindings: paging with nextToken, criteria, sorting
all_ids, token = [], None
while True:
    kw = {"DetectorId": det, "MaxResults": 50}
    if token:
        kw["NextToken"] = token
    page = reader.list_findings(**kw)
    check(len(page["FindingIds"]) <= 50, "a page holds at most 50 ids")
    all_ids += page["FindingIds"]
    token = page.get("NextToken")
    if not token:
        break
check(len(all_ids) > 50 and len(set(all_ids)) == len(all_ids),
      "paging returns every finding once (%d)" % len(all_ids))
paginated = [i for p in reader.get_paginator("list_findings").paginate(DetectorId=det)
             for i in p["FindingIds"]]
check(sorted(paginated) == sorted(all_ids), "boto3's paginator agrees")

high = reader.list_findings(DetectorId=det, FindingCriteria={
    "Criterion": {"severity": {"GreaterThanOrEqual": 7}}}, MaxResults=50)["FindingIds"]
got = reader.get_findings(DetectorId=det, FindingIds=high)["Findings"]
check(high and all(f["Severity"] >= 7 for f in got), "severity criterion")
tor = reader.list_findings(DetectorId=det, FindingCriteria={"Criterion": {
    "type": {"Equals": ["UnauthorizedAccess:IAMUser/TorIPCaller"]}}})["FindingIds"]
got = reader.get_findings(DetectorId=det, FindingIds=tor)["Findings"]
check(tor and all(f["Type"] == "UnauthorizedAccess:IAMUser/TorIPCaller" for f in got),
      "type criterion")
# a type declared by a user rule (tests/api/rules.yml) goes through boto3's model like any other
own = reader.list_findings(DetectorId=det, FindingCriteria={"Criterion": {
    "type": {"Equals": ["Discovery:IAMUser/InstanceInventory"]}}})["FindingIds"]
own_got = reader.get_findings(DetectorId=det, FindingIds=own)["Findings"]
check(own and all(f["Type"] == "Discovery:IAMUser/InstanceInventory" and
                  f["Title"] == "Instances listed" and "listed the instances" in f["Description"]
                  for f in own_got), "a user rule's own finding type")
by_sev = reader.list_findings(DetectorId=det, SortCriteria={
    "AttributeName": "severity", "OrderBy": "DESC"}, MaxResults=50)["FindingIds"]
sevs = [f["Severity"] for f in reader.get_findings(DetectorId=det, FindingIds=by_sev,
        SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"})["Findings"]]
check(sevs == sorted(sevs, reverse=True), "sorted by severity, descending")

# GetFindings: the full objects, parsed by botocore
one = got[0]
check(one["Id"] == tor[0] or one["Id"] in tor, "get_findings returns what was asked")
check(isinstance(one["Service"]["Count"], int) and one["Service"]["Archived"] is False,
      "service fields parse")
check(one["Resource"]["ResourceType"] == "AccessKey", "resource parses")

# archive, unarchive, feedback; a read-only token may do none of them
try:
    reader.archive_findings(DetectorId=det, FindingIds=[one["Id"]])
    check(False, "a read token cannot archive")
except botocore.exceptions.ClientError as e:
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, "read token gets 403")
admin.archive_findings(DetectorId=det, FindingIds=[one["Id"]])
f = admin.get_findings(DetectorId=det, FindingIds=[one["Id"]])["Findings"][0]
check(f["Service"]["Archived"] is True, "archived")
archived = admin.list_findings(DetectorId=det, FindingCriteria={"Criterion": {
    "service.archived": {"Equals": ["true"]}}})["FindingIds"]
check(archived == [one["Id"]], "service.archived criterion finds it")
admin.unarchive_findings(DetectorId=det, FindingIds=[one["Id"]])
f = admin.get_findings(DetectorId=det, FindingIds=[one["Id"]])["Findings"][0]
check(f["Service"]["Archived"] is False, "unarchived")
admin.update_findings_feedback(DetectorId=det, FindingIds=[one["Id"]], Feedback="USEFUL",
                               Comments="confirmed with the account owner")
f = admin.get_findings(DetectorId=det, FindingIds=[one["Id"]])["Findings"][0]
check(f["Service"].get("UserFeedback") == "USEFUL", "feedback shows in the finding")

# statistics
st = reader.get_findings_statistics(DetectorId=det, FindingStatisticTypes=["COUNT_BY_SEVERITY"])
counts = st["FindingStatistics"]["CountBySeverity"]
check(sum(counts.values()) == len(all_ids), "count by severity adds up")
status, body = raw("POST", "/detector/%s/findings/statistics" % det,
                   {"groupBy": "FINDING_TYPE", "orderBy": "DESC", "maxResults": 5},
                   token=read_token)
groups = json.loads(body)["findingStatistics"]["groupedByFindingType"]
check(status == 200 and 0 < len(groups) <= 5 and
      groups[0]["totalFindings"] >= groups[-1]["totalFindings"], "groupBy FINDING_TYPE")
# newer botocore models know groupBy: then every grouping goes through boto3's parser too
op = reader.meta.service_model.operation_model("GetFindingsStatistics")
if "GroupBy" in op.input_shape.members:
    for by, member, key in [("ACCOUNT", "GroupedByAccount", "AccountId"),
                            ("DATE", "GroupedByDate", "Date"),
                            ("FINDING_TYPE", "GroupedByFindingType", "FindingType"),
                            ("RESOURCE", "GroupedByResource", "ResourceId"),
                            ("SEVERITY", "GroupedBySeverity", "Severity")]:
        st = reader.get_findings_statistics(DetectorId=det, GroupBy=by, OrderBy="DESC",
                                            MaxResults=3)["FindingStatistics"]
        check(0 < len(st[member]) <= 3 and key in st[member][0] and
              st[member][0]["TotalFindings"] >= st[member][-1]["TotalFindings"],
              "groupBy %s through boto3: %r" % (by, st[member][:1]))

# sample findings: marked in the title and in additionalInfo
admin.create_sample_findings(DetectorId=det, FindingTypes=["Recon:EC2/Portscan"])
samples = admin.list_findings(DetectorId=det, FindingCriteria={"Criterion": {
    "type": {"Equals": ["Recon:EC2/Portscan"]}, "accountId": {"Equals": ["000000000000"]}}})
s = admin.get_findings(DetectorId=det, FindingIds=samples["FindingIds"])["Findings"][0]
check(s["Title"].startswith("[SAMPLE]") and s["Service"]["AdditionalInfo"]["Value"] and
      '"sample":true' in s["Service"]["AdditionalInfo"]["Value"].replace(" ", ""),
      "sample finding is marked: %r" % s["Service"]["AdditionalInfo"])
# one sample of every type, each read back through botocore's parser
catalog = [l.split("\t")[0] for l in open("src/findings/catalog.tsv")
           if l.strip() and not l.startswith("#")]
admin.create_sample_findings(DetectorId=det)
ids = [i for p in admin.get_paginator("list_findings").paginate(DetectorId=det, FindingCriteria={
    "Criterion": {"accountId": {"Equals": ["000000000000"]}}}) for i in p["FindingIds"]]
got = [f for k in range(0, len(ids), 50)
       for f in admin.get_findings(DetectorId=det, FindingIds=ids[k:k + 50])["Findings"]]
check(sorted({f["Type"] for f in got}) == sorted(catalog) and len(got) == len(catalog) + 1,
      "a sample of each of the %d types (%d found)" % (len(catalog), len(got)))
check(all(f["Title"].startswith("[SAMPLE]") for f in got), "every sample is marked")
try:
    admin.create_sample_findings(DetectorId=det, FindingTypes=["Nope:EC2/NotAType"])
    check(False, "an unknown type is refused")
except admin.exceptions.BadRequestException:
    checks += 1

# filters: create, get, list, update, delete; a bad criterion is refused with a message
admin.create_filter(DetectorId=det, Name="bastion-ssh", Action="ARCHIVE", Rank=1,
                    Description="bastions are brute-forced all day",
                    FindingCriteria={"Criterion": {"type": {
                        "Equals": ["UnauthorizedAccess:EC2/SSHBruteForce"]}}})
flt = admin.get_filter(DetectorId=det, FilterName="bastion-ssh")
check(flt["Action"] == "ARCHIVE" and
      flt["FindingCriteria"]["Criterion"]["type"]["Equals"] ==
      ["UnauthorizedAccess:EC2/SSHBruteForce"], "get_filter round trip")
check(admin.list_filters(DetectorId=det)["FilterNames"] == ["bastion-ssh"], "list_filters")
admin.update_filter(DetectorId=det, FilterName="bastion-ssh", Action="NOOP")
check(admin.get_filter(DetectorId=det, FilterName="bastion-ssh")["Action"] == "NOOP",
      "update_filter")
try:
    admin.create_filter(DetectorId=det, Name="bad name", FindingCriteria={"Criterion": {}})
    check(False, "a name with a space is refused")
except admin.exceptions.BadRequestException as e:
    check("name must be" in str(e), "filter name message: %s" % e)
try:
    admin.create_filter(DetectorId=det, Name="bad-criteria", FindingCriteria={"Criterion": {
        "severity": {"Gt": "high"}}})
    check(False, "a bad criterion is refused")
except botocore.exceptions.ParamValidationError:
    checks += 1  # boto3 itself refuses a string for a long
status, body = raw("POST", "/detector/%s/filter" % det, {"name": "bad-criteria",
                   "findingCriteria": {"criterion": {"severity": {"gt": "high"}}}},
                   token=admin_token)
check(status == 400 and "criterion.severity: gt must be a number" in body,
      "criteria mistakes are named: %s" % body)
admin.delete_filter(DetectorId=det, FilterName="bastion-ssh")
check(admin.list_filters(DetectorId=det)["FilterNames"] == [], "delete_filter")

# threat intel sets and IP sets
tid = admin.create_threat_intel_set(DetectorId=det, Name="partner-feed", Format="TXT",
                                    Location="file://" + list_file,
                                    Activate=True)["ThreatIntelSetId"]
check(admin.list_threat_intel_sets(DetectorId=det)["ThreatIntelSetIds"] == [tid],
      "list_threat_intel_sets")
t = admin.get_threat_intel_set(DetectorId=det, ThreatIntelSetId=tid)
check(t["Status"] == "ACTIVE" and t["Format"] == "TXT", "get_threat_intel_set")
admin.update_threat_intel_set(DetectorId=det, ThreatIntelSetId=tid, Activate=False)
check(admin.get_threat_intel_set(DetectorId=det, ThreatIntelSetId=tid)["Status"] == "INACTIVE",
      "deactivated")
admin.delete_threat_intel_set(DetectorId=det, ThreatIntelSetId=tid)
check(admin.list_threat_intel_sets(DetectorId=det)["ThreatIntelSetIds"] == [], "deleted")
iid = admin.create_ip_set(DetectorId=det, Name="office", Format="TXT", Location=list_file,
                          Activate=True)["IpSetId"]
check(admin.get_ip_set(DetectorId=det, IpSetId=iid)["Name"] == "office", "get_ip_set")
check(admin.list_ip_sets(DetectorId=det)["IpSetIds"] == [iid], "list_ip_sets")
admin.delete_ip_set(DetectorId=det, IpSetId=iid)
# a list in another of GuardDuty's formats stays active: run.sh checks vigild loaded it
otx = list_file + ".otx.csv"
with open(otx, "w") as f:
    f.write("Indicator type,Indicator,Description\nIPv4,185.220.101.77,partner C2\n")
oid = admin.create_threat_intel_set(DetectorId=det, Name="partner-otx", Format="OTX_CSV",
                                    Location=otx, Activate=True)["ThreatIntelSetId"]
check(admin.get_threat_intel_set(DetectorId=det, ThreatIntelSetId=oid)["Format"] == "OTX_CSV",
      "an OTX_CSV threat intel set")

# the evidence behind a finding: the log record itself
status, body = raw("GET", "/v1/events?findingId=" + one["Id"], token=read_token)
ev = json.loads(body)
check(status == 200 and ev["records"] and all("record" in r for r in ev["records"]),
      "events returns records: %s" % body[:300])
check(json.loads(ev["records"][0]["record"])["eventID"], "the record is the CloudTrail event")

# security: no token, bad JSON, oversized body
status, body = raw("GET", "/detector")
check(status == 401, "no token gives 401")
status, body = raw("POST", "/detector/%s/findings" % det, b'{"maxResults": 5,', token=read_token)
check(status == 400 and "malformed JSON" in json.loads(body)["message"], "bad JSON gives 400")
# an oversized body is refused from its Content-Length, before any of it is sent
conn = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).netloc, timeout=10)
conn.putrequest("POST", "/detector/%s/findings" % det)
conn.putheader("Authorization", "Bearer " + read_token)
conn.putheader("Content-Length", str(2 << 20))
conn.endheaders()
resp = conn.getresponse()
check(resp.status == 413 and resp.getheader("x-amzn-ErrorType") == "PayloadTooLargeException",
      "an oversized body gives 413")
conn.close()
status, body = raw("GET", "/healthz")
check(status == 200 and body == "ok\n", "healthz needs no token")
status, body = raw("GET", "/metrics", token=read_token)
check(status == 200 and "vigil_files_total" in body and
      "vigil_arrival_to_commit_seconds_bucket" in body, "metrics")
dry = [ln for ln in body.splitlines()
       if ln.startswith('vigil_rule_matches_total{rule="decrypt-watch",mode="dry-run"}')]
check(dry and int(dry[0].split()[-1]) > 0, "a dry-run rule's matches in /metrics")
check(not reader.list_findings(DetectorId=det, FindingCriteria={"Criterion": {
    "type": {"Equals": ["Discovery:IAMUser/DecryptWatch"]}}})["FindingIds"],
      "a dry-run rule creates no finding")

print("boto3_test: ok: %d checks against %s with boto3 %s" % (checks, endpoint,
                                                             boto3.__version__))
