#!/usr/bin/python3
"""Canonical form of `vigil scan --format jsonl` output for the golden tests.

    canon.py < findings.jsonl > canonical.json

Each input line is one finding.  The output is a JSON array of the findings with the volatile
fields (createdAt, updatedAt: when vigil wrote the finding, not when the activity happened)
removed, sorted by (type, id), pretty-printed with sorted keys and a 2-space indent.  Every
other field, ids included, is deterministic and compared.

The input must be strict UTF-8 and every line valid JSON: hostile log content (control
characters, quotes, invalid UTF-8) must reach the output escaped, so a finding that does not
parse is a failure, reported with its line number (exit 1).

    canon.py --slug TYPE     print the golden directory name for a finding type
    canon.py --slugs FILE    print the slug of each finding's type in a canonical file, one per line
"""
import json
import re
import sys

VOLATILE = ("createdAt", "updatedAt")


def slug(finding_type):
    return re.sub(r"[^a-z0-9]+", "-", finding_type.lower()).strip("-")


def canon(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"output is not valid UTF-8 at byte {e.start}") from None
    findings = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            f = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"output line {n} is not valid JSON: {e}") from None
        if not isinstance(f, dict):
            raise ValueError(f"output line {n} is not a JSON object")
        for k in VOLATILE:
            f.pop(k, None)
        findings.append(f)
    findings.sort(key=lambda f: (str(f.get("type", "")), str(f.get("id", ""))))
    return json.dumps(findings, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv):
    if len(argv) == 3 and argv[1] == "--slug":
        print(slug(argv[2]))
        return 0
    if len(argv) == 3 and argv[1] == "--slugs":
        with open(argv[2], encoding="utf-8") as f:
            for finding in json.load(f):
                print(slug(str(finding.get("type", ""))))
        return 0
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    try:
        out = canon(sys.stdin.buffer.read())
    except ValueError as e:
        sys.stderr.write(f"canon.py: {e}\n")
        return 1
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
