"""Two vigild APIs over one store must answer alike (make check-pg).

usage: python3 same_answers.py ENDPOINT_A ENDPOINT_B

Asks both, through the boto3 `guardduty` client (so botocore parses every answer), for their
detectors, every finding id, every finding and the severity statistics, and fails on the first
difference.  Prints how many findings were compared.
"""
import sys

import boto3


def client(endpoint):
    return boto3.client("guardduty", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="vigil", aws_secret_access_key="vigil")


def answers(endpoint):
    c = client(endpoint)
    detectors = c.list_detectors()["DetectorIds"]
    out = {"detectors": detectors}
    for d in detectors:
        ids, token = [], ""
        while True:
            page = c.list_findings(DetectorId=d, MaxResults=50, NextToken=token)
            ids += page["FindingIds"]
            token = page.get("NextToken", "")
            if not token:
                break
        findings = []
        for i in range(0, len(ids), 50):
            findings += c.get_findings(DetectorId=d, FindingIds=ids[i:i + 50])["Findings"]
        stats = c.get_findings_statistics(DetectorId=d,
                                          FindingStatisticTypes=["COUNT_BY_SEVERITY"])
        out[d] = (sorted(ids), sorted(findings, key=lambda f: f["Id"]),
                  stats["FindingStatistics"])
    return out


a, b = answers(sys.argv[1]), answers(sys.argv[2])
if a != b:
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            raise SystemExit("same_answers: FAIL: the two vigilds differ on " + key)
n = sum(len(v[0]) for k, v in a.items() if k != "detectors")
if n < 10:
    raise SystemExit("same_answers: FAIL: only %d findings" % n)
print("%d detectors, %d findings" % (len(a["detectors"]), n))
