#!/usr/bin/python3
"""GuardDuty compatibility check: does AWS's own SDK read vigil's findings as GetFindings output?

    botocore_check.py [--catalog CATALOG_TSV] [--types TYPES_TXT] [--sample SAMPLE_JSON]
                      RESPONSE.json...

Each RESPONSE is the output of `vigil scan --format json` ({"findings": [...]}).  It is parsed
the way boto3 parses a real GetFindings HTTP response: botocore's rest-json response parser
against the GuardDuty service model botocore ships.  Then, for every finding:

  - the finding parses on its own, and the whole response parses with one entry per finding;
  - every required member of every structure we emit is present (Finding, Resource, ...);
  - every key we emit is a member the model defines at that level (compared with the members'
    serialization names), and botocore's parsed result kept it; the only key allowed outside
    the model is vigil's documented extension service.evidence.logRecords;
  - the JSON type of every value matches the model's member type;
  - keys are lowerCamel;
  - the values: Type is a type `vigil types` lists; Severity a number, the catalog's severity
    (or one of GuardDuty's documented alternatives for the types whose severity varies); Id 32
    lowercase hex; Arn arn:<partition>:guardduty:<region>:<account>:detector/<32 hex>/finding/<id>;
    SchemaVersion "2.0"; Resource.ResourceType the catalog's; Service.Count >= 1;
    EventFirstSeen <= EventLastSeen, both ISO-8601 UTC with ms;
  - API-call findings: Resource.AccessKeyDetails, Service.Action.ActionType AWS_API_CALL with
    exactly that action detail, and Count equal to the calls listed in additionalInfo;
  - network and DNS findings (resource Instance): Resource.InstanceDetails with at least one
    network interface, ActionType NETWORK_CONNECTION, PORT_PROBE or DNS_REQUEST with exactly the
    matching detail (direction, protocol and ports; at least one probe; the domain, protocol and
    blocked); when the instance details came from
    an asset inventory (instanceType is set), every interface and tag names its id or key.

With --require-inventory LABEL, the response with that label must hold a network finding whose
instanceDetails came from an inventory, so the check cannot pass by having nothing to check.

With --sample, GuardDuty's own sample finding (PascalCase, as the AWS CLI prints it) is converted
to the wire names (lowerCamel) and must have the same top-level and service-level keys as ours; it also goes
through the structural checks above, which tests this checker against a real finding.

Every finding and every response counts as one check.  Prints "ok" per response, "FAIL" with
the reasons per failed check, and "N passed, M failed"; exit status 1 if anything failed.
"""
import argparse
import json
import math
import re
import sys

import botocore.parsers
import botocore.session

# vigil's additions that GuardDuty consumers ignore (findings/render.c): path -> reason.
EXTENSIONS = {
    "service.evidence.logRecords": "references to the log records behind the finding",
    # passive DNS (enrich/pdns.h): the names a remote address was the answer for; boto3 drops
    # them, and the description carries the most recent one in words for such consumers
    "service.action.networkConnectionAction.remoteIpDetails.passiveDns": "passive DNS names",
    "service.action.awsApiCallAction.remoteIpDetails.passiveDns": "passive DNS names",
    "service.action.portProbeAction.portProbeDetails.remoteIpDetails.passiveDns": "passive DNS",
    # the AWS Region and services whose published range (ip-ranges.json) holds the address
    # (enrich/ipinfo.h); organization, country, city and geoLocation are GuardDuty's own
    "service.action.networkConnectionAction.remoteIpDetails.awsIpRange": "AWS range of the peer",
    "service.action.awsApiCallAction.remoteIpDetails.awsIpRange": "AWS range of the caller",
    "service.action.portProbeAction.portProbeDetails.remoteIpDetails.awsIpRange": "AWS range",
    # GuardDuty's own field (guardduty-notes.md section 2), newer than the 2022 model that
    # Debian 12's python3-botocore 1.29 carries
    "service.evidence.threatIntelligenceDetails.threatFileSha256": "sha256 of the matching list file",
    # GuardDuty's service.detection (anomaly profiles and unusual behaviour of the
    # AnomalousBehavior types, the steps of attack sequences): in the model since 2023, same reason
    "service.detection": "why a behaviour finding fired",
    "service.action.awsApiCallAction.remoteIpDetails.ipAddressV6": "an IPv6 caller (same reason)",
    "service.action.networkConnectionAction.localNetworkInterface": "the interface (same reason)",
    # IPv6 flows (GuardDuty's own member, same reason; its flow findings skip IPv6, vigil's not)
    "service.action.networkConnectionAction.localIpDetails.ipAddressV6": "an IPv6 instance address",
    "service.action.networkConnectionAction.remoteIpDetails.ipAddressV6": "an IPv6 peer",
    "service.action.portProbeAction.portProbeDetails.localIpDetails.ipAddressV6": "an IPv6 instance address",
    "service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV6": "an IPv6 prober",
    # GuardDuty's own member (the registrable domain of the query), newer than the same 2022 model
    "service.action.dnsRequestAction.domainWithSuffix": "the queried name's registrable domain",
}
# GuardDuty's documented alternatives (shared/reference/finding-types.tsv): Low when the instance
# is the target, High when it is the actor or the port is a sensitive one.
VARIABLE_SEVERITY = {
    "Stealth:IAMUser/PasswordPolicyChange": {2.0, 5.0, 8.0},
    "Behavior:EC2/NetworkPortUnusual": {5.0, 8.0},
    "Recon:EC2/PortProbeUnprotectedPort": {2.0, 8.0},
    "UnauthorizedAccess:EC2/SSHBruteForce": {2.0, 8.0},
    "UnauthorizedAccess:EC2/RDPBruteForce": {2.0, 8.0},
    "Impact:EC2/WinRMBruteForce": {2.0, 8.0},
    # the opt-in rule-library types whose signals differ in severity (finding-types.tsv's
    # severity column; rules/*.yml give each signal its own); CredentialAccess:EC2's Low is
    # vigil's own signal for denied GetPasswordData calls (rules/ec2.yml)
    "CredentialAccess:EC2/UnsecuredCredentials": {2.0, 5.0},
    "DefenseImpairment:EC2/DisableOrModifyTools": {2.0, 8.0},
    "Impact:SES/ResourceHijacking": {2.0, 5.0},
    "Persistence:IAM/AccountManipulation": {2.0, 5.0, 8.0},
    "PrivilegeEscalation:IAM/AccountManipulation": {5.0, 8.0},
    # behaviour findings whose every bundled call failed are two lower (detect/baseline_anomaly.c)
    "Discovery:IAMUser/AnomalousBehavior": {1.0, 2.0},
    "Discovery:S3/AnomalousBehavior": {1.0, 2.0},
    # attack sequences: Critical, 9.0 to 10.0, higher with more kinds of step (detect/sequence.c)
    "AttackSequence:IAM/CompromisedCredentials": {9.0, 9.25, 9.5, 9.75, 10.0},
    "AttackSequence:S3/CompromisedData": {9.0, 9.25, 9.5, 9.75, 10.0},
}
for _t, _sev in (("Persistence", 5.0), ("PrivilegeEscalation", 5.0), ("CredentialAccess", 5.0),
                 ("DefenseEvasion", 5.0), ("InitialAccess", 5.0), ("Exfiltration", 8.0),
                 ("Impact", 8.0)):
    VARIABLE_SEVERITY[f"{_t}:IAMUser/AnomalousBehavior"] = {_sev, _sev - 2}
for _t, _sev in (("Exfiltration:S3/AnomalousBehavior", 8.0),
                 ("Impact:S3/AnomalousBehavior.Delete", 8.0),
                 ("Impact:S3/AnomalousBehavior.Permission", 8.0),
                 ("Impact:S3/AnomalousBehavior.Write", 5.0)):
    VARIABLE_SEVERITY[_t] = {_sev, _sev - 2}
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
LOWER_CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # a catalog template placeholder left unrendered
ACTION_DETAILS = ("awsApiCallAction", "dnsRequestAction", "networkConnectionAction",
                  "portProbeAction", "kubernetesApiCallAction", "rdsLoginAttemptAction")

JSON_TYPES = {
    "string": (str,),
    "timestamp": (str, int, float),
    "double": (int, float),
    "float": (int, float),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}


def wire_name(member_name, shape):
    return shape.serialization.get("name", member_name)


def type_ok(value, shape):
    want = JSON_TYPES.get(shape.type_name)
    if want is None:
        return True
    if isinstance(value, bool) and bool not in want:
        return False
    return isinstance(value, want)


def walk(raw, parsed, shape, path, problems):
    """Compare the raw JSON value we emitted with the model shape and botocore's parse of it."""
    if not type_ok(raw, shape):
        problems.append(f"{path}: {type(raw).__name__} where the model has {shape.type_name} ({shape.name})")
        return
    if shape.type_name == "structure":
        by_wire = {wire_name(n, s): (n, s) for n, s in shape.members.items()}
        for req in shape.required_members:
            if wire_name(req, shape.members[req]) not in raw:
                problems.append(f"{path or 'finding'}: required member {wire_name(req, shape.members[req])} "
                                f"({shape.name}.{req}) is missing")
        for key, value in raw.items():
            sub = f"{path}.{key}" if path else key
            if not LOWER_CAMEL.match(key):
                problems.append(f"{sub}: key is not lowerCamel")
            if key not in by_wire:
                if re.sub(r"\[\d+\]", "", sub) not in EXTENSIONS:
                    problems.append(f"{sub}: not a member of {shape.name} in the GuardDuty model "
                                    f"(botocore drops it)")
                continue
            name, member = by_wire[key]
            if not isinstance(parsed, dict) or name not in parsed:
                if value is not None:
                    problems.append(f"{sub}: botocore's parse dropped it ({shape.name}.{name})")
                continue
            walk(value, parsed[name], member, sub, problems)
    elif shape.type_name == "list":
        if not isinstance(parsed, list) or len(parsed) != len(raw):
            problems.append(f"{path}: botocore parsed {len(parsed) if isinstance(parsed, list) else parsed!r} "
                            f"items from {len(raw)}")
            return
        for i, (r, p) in enumerate(zip(raw, parsed)):
            walk(r, p, shape.member, f"{path}[{i}]", problems)
    elif shape.type_name == "map":
        for k, v in raw.items():
            walk(v, (parsed or {}).get(k), shape.value, f"{path}.{k}", problems)
    elif shape.type_name in ("double", "float") and not math.isfinite(raw):
        problems.append(f"{path}: {raw!r} is not a finite number")


class Checker:
    def __init__(self, catalog, types, sample, require_inventory=()):
        session = botocore.session.get_session()
        self.model = session.get_service_model("guardduty")
        self.op = self.model.operation_model("GetFindings")
        self.finding_shape = self.model.shape_for("Finding")
        self.parser = botocore.parsers.create_parser("rest-json")
        self.catalog = catalog
        self.types = types
        self.sample = sample
        self.passed = 0
        self.failed = 0
        self.require_inventory = set(require_inventory)

    def result(self, label, problems, quiet_ok=False):
        if problems:
            self.failed += 1
            print(f"FAIL {label}")
            for p in problems:
                print(f"    {p}")
        else:
            self.passed += 1
            if not quiet_ok:
                print(f"ok {label}")

    def parse(self, body):
        response = {"status_code": 200, "headers": {}, "body": body}
        return self.parser.parse(response, self.op.output_shape)

    def check_response(self, path, label):
        problems = []
        with open(path, "rb") as f:
            body = f.read()
        try:
            raw = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self.result(label, [f"not strict UTF-8 JSON: {e}"])
            return
        if not isinstance(raw, dict) or not isinstance(raw.get("findings"), list):
            self.result(label, ['not a {"findings": [...]} object'])
            return
        for key in raw:
            if key not in ("findings", "nextToken"):
                problems.append(f"{key}: not a member of GetFindingsResponse")
        try:
            parsed = self.parse(body)
        except Exception as e:  # botocore raises its own ResponseParserError and others
            parsed = {}
            problems.append(f"botocore could not parse the response: {e}")
        if len(parsed.get("Findings", [])) != len(raw["findings"]):
            problems.append(f"botocore parsed {len(parsed.get('Findings', []))} findings from "
                            f"{len(raw['findings'])}")
        bad = self.failed
        for f in raw["findings"]:
            self.check_finding(f, label)
        bad = self.failed - bad
        if label in self.require_inventory:
            self.require_inventory.discard(label)
            if not any(inventory_backed(f) for f in raw["findings"]):
                problems.append("no network finding carries instance details from an inventory")
        self.result(f"{label}: response parses, {len(raw['findings'])} findings"
                    f"{f' ({bad} failed, above)' if bad else ''}", problems)

    def structural(self, raw):
        """Parse one finding alone with botocore and walk it against the model."""
        problems = []
        body = json.dumps({"findings": [raw]}).encode()
        try:
            parsed = self.parse(body)["Findings"][0]
        except Exception as e:
            return None, [f"botocore could not parse the finding: {e!r}"]
        walk(raw, parsed, self.finding_shape, "", problems)
        return parsed, problems

    def check_finding(self, raw, where):
        if not isinstance(raw, dict):
            self.result(f"{where}: finding", ["a finding is not a JSON object"])
            return
        label = f"{where}: {raw.get('type', '?')} {raw.get('id', '?')}"
        parsed, problems = self.structural(raw)
        if parsed is not None:
            problems += self.values(raw, parsed)
        self.result(label, problems, quiet_ok=True)

    def values(self, raw, p):
        problems = []

        def expect(cond, what):
            if not cond:
                problems.append(what)

        ftype = p.get("Type")
        expect(ftype in self.types, f"Type {ftype!r} is not one `vigil types` lists")
        sev = p.get("Severity")
        expect(isinstance(sev, (int, float)) and not isinstance(sev, bool), f"Severity {sev!r} is not a number")
        if isinstance(sev, (int, float)) and ftype in self.catalog:
            allowed = VARIABLE_SEVERITY.get(ftype, {self.catalog[ftype]["severity"]})
            expect(float(sev) in allowed, f"Severity {sev} is not {sorted(allowed)} for {ftype}")
        fid = p.get("Id", "")
        expect(bool(HEX32.match(fid)), f"Id {fid!r} is not 32 lowercase hex digits")
        arn = re.match(r"^arn:([a-z-]+):guardduty:([a-z0-9-]+):(\d{12}):detector/([0-9a-f]{32})/finding/(.+)$",
                       p.get("Arn", ""))
        expect(arn is not None, f"Arn {p.get('Arn')!r} is not a GuardDuty finding ARN")
        if arn:
            expect(arn.group(1) == p.get("Partition"), f"Arn partition {arn.group(1)} != Partition {p.get('Partition')}")
            expect(arn.group(2) == p.get("Region"), f"Arn region {arn.group(2)} != Region {p.get('Region')}")
            expect(arn.group(3) == p.get("AccountId"), f"Arn account {arn.group(3)} != AccountId {p.get('AccountId')}")
            expect(arn.group(4) == p.get("Service", {}).get("DetectorId"),
                   f"Arn detector {arn.group(4)} != Service.DetectorId")
            expect(arn.group(5) == fid, f"Arn finding id {arn.group(5)} != Id {fid}")
        expect(p.get("SchemaVersion") == "2.0", f"SchemaVersion {p.get('SchemaVersion')!r} is not '2.0'")
        for k in ("CreatedAt", "UpdatedAt"):
            expect(bool(ISO_MS.match(str(p.get(k, "")))), f"{k} {p.get(k)!r} is not ISO-8601 UTC with ms")
        expect(bool(p.get("Title")) and bool(p.get("Description")), "Title or Description is empty")
        for text in ("Title", "Description"):
            m = PLACEHOLDER.search(str(p.get(text, "")))
            expect(m is None, f"{text} has an unrendered placeholder {m and m.group(0)}")

        res = p.get("Resource", {})
        resource = self.catalog.get(ftype, {}).get("resource")
        if ftype in self.catalog:
            expect(res.get("ResourceType") == resource, f"Resource.ResourceType {res.get('ResourceType')!r} is not {resource!r}")
        svc = p.get("Service", {})
        act = svc.get("Action", {})
        details = [k for k in ACTION_DETAILS if k in raw.get("service", {}).get("action", {})]
        count = svc.get("Count")
        if resource == "Instance":
            problems += self.network_values(res, act, details)
        else:
            problems += self.api_values(res, act, details)
        expect(svc.get("ServiceName") == "guardduty", f"Service.ServiceName {svc.get('ServiceName')!r}")
        expect(svc.get("ResourceRole") in ("TARGET", "ACTOR"), f"Service.ResourceRole {svc.get('ResourceRole')!r}")
        expect(svc.get("Archived") is False, f"Service.Archived {svc.get('Archived')!r}")
        expect(isinstance(count, int) and not isinstance(count, bool) and count >= 1, f"Service.Count {count!r} is not >= 1")
        first, last = svc.get("EventFirstSeen", ""), svc.get("EventLastSeen", "")
        expect(bool(ISO_MS.match(str(first))) and bool(ISO_MS.match(str(last))),
               f"EventFirstSeen/EventLastSeen {first!r}/{last!r} are not ISO-8601 UTC with ms")
        expect(str(first) <= str(last), f"EventFirstSeen {first} is after EventLastSeen {last}")
        info = svc.get("AdditionalInfo", {})
        expect(info.get("Type") == "default", f"Service.AdditionalInfo.Type {info.get('Type')!r} is not 'default'")
        try:
            value = json.loads(info.get("Value", ""))
        except ValueError as e:
            value = None
            problems.append(f"Service.AdditionalInfo.Value is not JSON text: {e}")
        if isinstance(value, dict):
            calls = value.get("apiCalls", [])
            if resource != "Instance" and isinstance(count, int) and "apiCallsNotListed" not in value:
                total = sum(c.get("count", 0) for c in calls)
                expect(total == count, f"additionalInfo apiCalls add up to {total}, Service.Count is {count}")
            for k, v in value.items():
                m = PLACEHOLDER.search(v) if isinstance(v, str) else None
                expect(m is None, f"additionalInfo.{k} has an unrendered placeholder {m and m.group(0)}: {v!r}")
        elif value is not None:
            problems.append("Service.AdditionalInfo.Value is not a JSON object")
        records = raw.get("service", {}).get("evidence", {}).get("logRecords", [])
        if isinstance(count, int):
            expect(1 <= len(records) <= count, f"{len(records)} evidence logRecords for Count {count}")
        return problems

    @staticmethod
    def api_values(res, act, details):
        problems = []
        akd = res.get("AccessKeyDetails")
        if not (isinstance(akd, dict) and akd.get("UserType")):
            problems.append("Resource.AccessKeyDetails.UserType is missing")
        if act.get("ActionType") != "AWS_API_CALL":
            problems.append(f"Service.Action.ActionType {act.get('ActionType')!r} is not AWS_API_CALL")
        if details != ["awsApiCallAction"]:
            problems.append(f"Service.Action carries {details}, not exactly awsApiCallAction")
        api = act.get("AwsApiCallAction", {})
        if not (api.get("Api") and api.get("ServiceName")):
            problems.append("AwsApiCallAction.Api or ServiceName is missing")
        return problems

    @staticmethod
    def network_values(res, act, details):
        """Instance findings from flow and DNS logs: the instance, and the connection, the probes
        or the query."""
        problems = []
        inst = res.get("InstanceDetails")
        if not isinstance(inst, dict):
            return ["Resource.InstanceDetails is missing"]
        if "AccessKeyDetails" in res:
            problems.append("Resource.AccessKeyDetails on a network finding")
        nics = inst.get("NetworkInterfaces") or []
        if not nics:
            problems.append("InstanceDetails.NetworkInterfaces is empty")
        if "InstanceType" in inst:  # from an asset inventory: records are whole
            if not str(inst.get("InstanceId", "")).startswith("i-"):
                problems.append(f"InstanceDetails.InstanceId {inst.get('InstanceId')!r} is not an instance id")
            for i, n in enumerate(nics):
                if not n.get("NetworkInterfaceId"):
                    problems.append(f"InstanceDetails.NetworkInterfaces[{i}] has no NetworkInterfaceId")
                for a in n.get("PrivateIpAddresses", []):
                    if not a.get("PrivateIpAddress"):
                        problems.append(f"NetworkInterfaces[{i}].PrivateIpAddresses has an entry without an address")
                for g in n.get("SecurityGroups", []):
                    if not g.get("GroupId"):
                        problems.append(f"NetworkInterfaces[{i}].SecurityGroups has an entry without GroupId")
            for t in inst.get("Tags", []):
                if not t.get("Key") or "Value" not in t:
                    problems.append(f"InstanceDetails.Tags entry {t!r} lacks Key or Value")
        kind = act.get("ActionType")
        want = {"NETWORK_CONNECTION": "networkConnectionAction", "PORT_PROBE": "portProbeAction",
                "DNS_REQUEST": "dnsRequestAction"}.get(kind)
        if want is None:
            problems.append(f"Service.Action.ActionType {kind!r} is not NETWORK_CONNECTION, PORT_PROBE "
                            "or DNS_REQUEST")
        elif details != [want]:
            problems.append(f"Service.Action carries {details}, not exactly {want}")
        if kind == "NETWORK_CONNECTION":
            nca = act.get("NetworkConnectionAction", {})
            if nca.get("ConnectionDirection") not in ("INBOUND", "OUTBOUND", "UNKNOWN"):
                problems.append(f"ConnectionDirection {nca.get('ConnectionDirection')!r}")
            if not nca.get("Protocol"):
                problems.append("NetworkConnectionAction.Protocol is missing")
            for k in ("LocalPortDetails", "RemotePortDetails", "RemoteIpDetails"):
                if not nca.get(k):
                    problems.append(f"NetworkConnectionAction.{k} is missing")
        elif kind == "DNS_REQUEST":
            dra = act.get("DnsRequestAction", {})
            for k in ("Domain", "Protocol"):
                if not dra.get(k):
                    problems.append(f"DnsRequestAction.{k} is missing")
            if not isinstance(dra.get("Blocked"), bool):
                problems.append("DnsRequestAction.Blocked is missing")
        elif kind == "PORT_PROBE":
            probes = act.get("PortProbeAction", {}).get("PortProbeDetails") or []
            if not probes:
                problems.append("PortProbeAction.PortProbeDetails is empty")
        return problems

    def check_sample(self, ours):
        """GuardDuty's sample finding, lowerCameled, against our key sets and the model."""
        with open(self.sample, encoding="utf-8") as f:
            sample = json.load(f)
        findings = sample.get("Findings", sample.get("findings", []))
        problems = []
        if not findings:
            self.result(f"sample {self.sample}", ["no findings in the sample"])
            return

        def wire(v, shape):
            """PascalCase member names (as the CLI prints) -> the model's wire names."""
            if shape is not None and shape.type_name == "list" and isinstance(v, list):
                return [wire(x, shape.member) for x in v]
            if shape is not None and shape.type_name == "map" and isinstance(v, dict):
                return {k: wire(x, shape.value) for k, x in v.items()}
            if isinstance(v, dict):
                members = shape.members if shape is not None and shape.type_name == "structure" else {}
                out = {}
                for k, x in v.items():
                    m = members.get(k)
                    out[wire_name(k, m) if m is not None else k[:1].lower() + k[1:]] = wire(x, m)
                return out
            return v

        s = wire(findings[0], self.finding_shape)
        _, structural = self.structural(s)
        problems += [f"GuardDuty's own sample: {p}" for p in structural]
        if not ours:
            problems.append("no vigil findings to compare with the sample")
        for f in ours:
            for where, a, b in (("top level", s, f), ("service", s.get("service", {}), f.get("service", {}))):
                missing = sorted(set(a) - set(b))
                # service.detection is there only on behaviour findings (the sample has none)
                extra = sorted(set(b) - set(a) - ({"detection"} if where == "service" else set()))
                if missing or extra:
                    problems.append(f"{f.get('type')} {f.get('id')}: {where} keys differ from the sample: "
                                    f"missing {missing}, extra {extra}")
            if problems:
                break
        self.result(f"sample {self.sample}: same keys, lowerCamel, model-valid", problems)


def inventory_backed(finding):
    """True for a network finding whose instanceDetails came from an asset inventory."""
    inst = finding.get("resource", {}).get("instanceDetails") if isinstance(finding, dict) else None
    return isinstance(inst, dict) and "instanceType" in inst


def load_catalog(path):
    catalog = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            catalog[cols[0]] = {"resource": cols[1], "severity": float(cols[3])}
    return catalog


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--catalog", required=True, help="src/findings/catalog.tsv")
    ap.add_argument("--types", required=True, help="output of `vigil types`")
    ap.add_argument("--sample", help="GuardDuty sample finding (PascalCase, as the AWS CLI prints)")
    ap.add_argument("--root", default="", help="strip this prefix and .json from response paths in labels")
    ap.add_argument("--list", help="a file naming more RESPONSE files, one a line")
    ap.add_argument("--failed-before", type=int, default=0, help="failures the caller already reported")
    ap.add_argument("--require-inventory", action="append", default=[], metavar="LABEL",
                    help="this response must hold a finding with inventory instance details")
    ap.add_argument("responses", nargs="*")
    args = ap.parse_args()
    if args.list:
        with open(args.list, encoding="utf-8") as f:
            args.responses += [line.rstrip("\n") for line in f if line.strip()]
    if not args.responses:
        ap.error("no RESPONSE files")
    with open(args.types, encoding="utf-8") as f:
        types = {line.split("\t")[0] for line in f if line.strip()}
    checker = Checker(load_catalog(args.catalog), types, args.sample, args.require_inventory)
    checker.failed = args.failed_before
    missing = sorted(types - set(checker.catalog))
    checker.result("catalog lists every type `vigil types` lists",
                   [f"{t} is not in {args.catalog}" for t in missing])
    ours = []
    for path in args.responses:
        label = path[len(args.root):].lstrip("/") if args.root and path.startswith(args.root) else path
        checker.check_response(path, label[:-5] if label.endswith(".json") else label)
        with open(path, "rb") as f:
            try:
                ours += json.loads(f.read()).get("findings", [])
            except ValueError:
                pass
    checker.result("responses required to carry inventory details were all checked",
                   [f"{label}: no such response" for label in sorted(checker.require_inventory)],
                   quiet_ok=True)
    if args.sample:
        checker.check_sample(ours)
    print(f"{checker.passed} passed, {checker.failed} failed")
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
