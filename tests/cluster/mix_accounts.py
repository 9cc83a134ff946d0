"""Objects that mix two accounts' records, from a `vigil simulate` tree of two accounts.

Each output object interleaves the records of one object of each account (taken in order), so
every account's records keep their order across the output: CloudTrail as a Records array with
one record per line (half of them gzipped), Route 53 Resolver query logs as JSON lines, and
default-format VPC flow logs with their header line.

usage: mix_accounts.py AWSLOGS_DIR OUT_DIR
"""
import gzip
import json
import os
import sys


def objects(root, account, service):
    found = []
    for d, _, files in os.walk(os.path.join(root, account, service)):
        found += [os.path.join(d, f) for f in files]
    return sorted(found)


def read(path):
    with gzip.open(path, "rt") as f:
        return f.read()


def interleave(a, b):
    out = []
    for i in range(max(len(a), len(b))):
        out += a[i:i + 1] + b[i:i + 1]
    return out


def write(path, text, gz):
    if gz:
        with gzip.open(path + ".gz", "wt") as f:
            f.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


def main(root, out):
    os.makedirs(out, exist_ok=True)
    a, b = sorted(os.listdir(root))[:2]
    for n, (x, y) in enumerate(zip(objects(root, a, "CloudTrail"), objects(root, b, "CloudTrail"))):
        if "Digest" in x or "Digest" in y:
            continue
        recs = interleave(json.loads(read(x))["Records"], json.loads(read(y))["Records"])
        text = '{"Records": [\n' + ",\n".join(json.dumps(r) for r in recs) + "\n]}\n"
        write(os.path.join(out, "ct-%05d.json" % n), text, n % 2 == 0)
    for n, (x, y) in enumerate(zip(objects(root, a, "vpcdnsquerylogs"),
                                   objects(root, b, "vpcdnsquerylogs"))):
        lines = interleave(read(x).splitlines(), read(y).splitlines())
        write(os.path.join(out, "dns-%05d.log" % n), "\n".join(lines) + "\n", False)
    n = 0
    for x, y in zip(objects(root, a, "vpcflowlogs"), objects(root, b, "vpcflowlogs")):
        tx, ty = read(x).splitlines(), read(y).splitlines()
        if not tx or not ty or tx[0] != ty[0]:
            continue  # one of the custom-format flow logs: mix only files of one format
        lines = [tx[0]] + interleave(tx[1:], ty[1:])
        write(os.path.join(out, "flow-%05d.log" % n), "\n".join(lines) + "\n", n % 2 == 1)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
