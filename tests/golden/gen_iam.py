#!/usr/bin/python3
"""Writes the golden cases of the IAM behaviour types (issue 6): multi-day CloudTrail histories
in which one principal learns its habits, then a story that is (fires-*) or is not (near-miss-*)
unusual.

    tests/golden/gen_iam.py            (re)write the input.jsonl and args of every case
    make golden-update                 then refresh the expected.json files, and review the diff

The output is a pure function of this file (event ids are hashes of the event's place), so a
re-run rewrites the same bytes.  Days are 2026-03-01 onwards; the default learning period is 7
days, so a story on day 9 (index 8) comes after it and a story on day 3 during it.
"""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "111122223333"
DAY0 = "2026-03-"
CLI = "aws-cli/2.15.30 Python/3.11.8 Linux/6.2.0-1017-aws exe/x86_64.ubuntu.22 prompt/off"
BOTO = "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.12.1"
LAMBDA_UA = ("Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#5.10.209 md/arch#x86_64 "
             "lang/python#3.12.1 exec-env/AWS_Lambda_python3.12")
ECS_UA = "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux exec-env/AWS_ECS_FARGATE"
CONSOLE_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"
RUNNER = "20.10.4.{}"     # the CI/CD job's runners
OFFICE = "198.51.100.{}"  # people's office network
ATTACKER = "91.240.118.77"  # a public address outside AWS (not a documentation range: those are not public)
AWS_OWN = "54.164.10.20"  # an instance's or task's own address (in lists/ip-ranges.json)
AWS_OTHER = "3.91.5.6"    # another AWS address (in lists/ip-ranges.json)

IP_RANGES = {
    "syncToken": "1772323200",
    "createDate": "2026-03-01-00-00-00",
    "prefixes": [
        {"ip_prefix": "54.160.0.0/11", "region": "us-east-1", "service": "AMAZON",
         "network_border_group": "us-east-1"},
        {"ip_prefix": "54.160.0.0/11", "region": "us-east-1", "service": "EC2",
         "network_border_group": "us-east-1"},
        {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "AMAZON",
         "network_border_group": "us-east-1"},
        {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "EC2",
         "network_border_group": "us-east-1"},
    ],
    "ipv6_prefixes": [],
}


def when(day, minute):
    return f"{DAY0}{day + 1:02d}T{minute // 60:02d}:{minute % 60:02d}:{(day * 7 + minute) % 60:02d}Z"


def user(name, key):
    return {"type": "IAMUser", "principalId": "AIDA" + name.upper().replace("-", "")[:12].ljust(12, "X"),
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT,
            "accessKeyId": key, "userName": name}


def console_user(name):
    u = user(name, "")
    del u["accessKeyId"]
    return u


def role(name, session, key, ec2=False):
    ident = {"type": "AssumedRole", "principalId": f"AROA{name.upper()[:12]}:{session}",
             "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{session}", "accountId": ACCOUNT,
             "accessKeyId": key,
             "sessionContext": {
                 "sessionIssuer": {"type": "Role", "principalId": f"AROA{name.upper()[:12]}",
                                   "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                   "accountId": ACCOUNT, "userName": name},
                 "attributes": {"creationDate": f"{DAY0}01T00:00:00Z", "mfaAuthenticated": "false"}}}
    if ec2:
        ident["sessionContext"]["ec2RoleDelivery"] = "2.0"
    return ident


class Log:
    def __init__(self, name):
        self.name = name
        self.events = []

    def call(self, t, ident, api, ip, ua, params=None, error=None, data=False, extra=None):
        source, name = api.split(":")
        ev = {
            "eventVersion": "1.09", "userIdentity": ident, "eventTime": t,
            "eventSource": f"{source}.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
            "sourceIPAddress": ip, "userAgent": ua, "requestParameters": params or {},
            "responseElements": None,
        }
        if error:
            ev["errorCode"] = error
            ev["errorMessage"] = "User is not authorized to perform this operation"
        h = hashlib.sha256(f"{self.name}|{len(self.events)}|{t}|{api}".encode()).hexdigest()
        ev.update({"requestID": h[:16].upper(),
                   "eventID": f"{h[16:24]}-{h[24:28]}-4{h[29:32]}-8{h[33:36]}-{h[36:48]}",
                   "readOnly": name.startswith(("List", "Get", "Describe", "Head")),
                   "eventType": "AwsApiCall", "managementEvent": not data,
                   "recipientAccountId": ACCOUNT, "eventCategory": "Data" if data else "Management"})
        if extra:
            ev.update(extra)
        self.events.append(ev)

    def login(self, t, name, ip, ok=True):
        ev = {"eventVersion": "1.09", "userIdentity": console_user(name), "eventTime": t,
              "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
              "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": CONSOLE_UA,
              "requestParameters": None,
              "responseElements": {"ConsoleLogin": "Success" if ok else "Failure"},
              "additionalEventData": {"MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/"},
              "eventType": "AwsConsoleSignIn", "managementEvent": True,
              "recipientAccountId": ACCOUNT, "eventCategory": "Management"}
        if not ok:
            ev["errorMessage"] = "Failed authentication"
        h = hashlib.sha256(f"{self.name}|{len(self.events)}|{t}|login".encode()).hexdigest()
        ev["eventID"] = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"
        self.events.append(ev)

    def write(self, slug, case, args=()):
        d = os.path.join(HERE, slug, case)
        os.makedirs(d, exist_ok=True)
        self.events.sort(key=lambda e: e["eventTime"])
        with open(os.path.join(d, "input.jsonl"), "w") as f:
            for ev in self.events:
                f.write(json.dumps(ev, separators=(",", ":")) + "\n")
        args_path = os.path.join(d, "args")
        if args:
            with open(args_path, "w") as f:
                f.write("\n".join(args) + "\n")
            os.makedirs(os.path.join(d, "lists"), exist_ok=True)
            with open(os.path.join(d, "lists", "ip-ranges.json"), "w") as f:
                json.dump(IP_RANGES, f, indent=1)
                f.write("\n")
        elif os.path.exists(args_path):
            os.remove(args_path)


# ---- the CI/CD story ----------------------------------------------------------------------
CI = user("ci-deployer", "AKIACIDEPLOYEREXAMP1")
OPS = user("ops-alice", "AKIAOPSALICEEXAMPLE2")
DEPLOY = ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
          "ecr:PutImage", "ecs:RegisterTaskDefinition", "ecs:UpdateService", "ecs:DescribeServices"]


def cicd_history(log, days, extra_apis=None):
    """The job deploys twice a day from its runners; a colleague does routine work."""
    for day in range(days):
        for run, start in enumerate((10 * 60, 16 * 60)):
            for i, api in enumerate(DEPLOY + (extra_apis or {}).get(day, [])):
                log.call(when(day, start + i), CI, api, RUNNER.format(11 + run), CLI)
        log.call(when(day, 9 * 60 + 30), OPS, "ec2:DescribeInstances", OFFICE.format(40), CLI)
        log.call(when(day, 9 * 60 + 31), OPS, "iam:ListUsers", OFFICE.format(40), CLI)


PIVOT = [("iam:ListAccessKeys", None), ("iam:ListUsers", None), ("iam:ListRoles", None),
         ("iam:CreateAccessKey", {"userName": "ops-alice"}),
         ("iam:AttachUserPolicy", {"userName": "ci-deployer",
                                   "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})]


def pivot(log, day, ip=ATTACKER, ua=BOTO):
    for i, (api, params) in enumerate(PIVOT):
        log.call(when(day, 14 * 60 + 2 + i), CI, api, ip, ua, params)


def cicd_cases():
    slug = "discovery-iamuser-anomalousbehavior"
    log = Log("cicd")
    cicd_history(log, 9)
    pivot(log, 8)
    log.write(slug, "fires-cicd-listaccesskeys")
    log.write("attacksequence-iam-compromisedcredentials", "fires-cicd-pivot")

    log = Log("routine")
    cicd_history(log, 10)
    log.write(slug, "near-miss-cicd-routine-calls")

    log = Log("learning")
    cicd_history(log, 3)
    pivot(log, 2)
    log.write(slug, "near-miss-during-learning-period")
    log.write("attacksequence-iam-compromisedcredentials", "near-miss-during-learning-period")

    # colleagues in the same role: bob's session lists access keys daily; alice's (the same
    # role) does it for the first time, from her own network
    log = Log("peers")
    for day in range(9):
        bob = role("ops-admin", "bob", f"ASIABOBSESSION{day:06d}")
        log.call(when(day, 9 * 60), bob, "iam:ListAccessKeys", OFFICE.format(40), CLI)
        log.call(when(day, 9 * 60 + 1), bob, "ec2:DescribeInstances", OFFICE.format(40), CLI)
    alice = role("ops-admin", "alice", "ASIAALICESESSION0001")
    log.call(when(8, 11 * 60), alice, "iam:ListAccessKeys", "192.0.2.44", BOTO)
    log.write(slug, "near-miss-api-peers-in-same-role-use")

    # gradual drift: the job adds a step now and then, from its runners; later its runners move
    log = Log("drift")
    cicd_history(log, 10, {4: ["ecs:DescribeTaskDefinition"], 6: ["ecs:ListServices"],
                           8: ["iam:ListAccessKeys"], 9: ["iam:ListAccessKeys"]})
    for i, api in enumerate(DEPLOY):
        log.call(when(9, 20 * 60 + i), CI, api, "20.10.9.30", CLI)
    log.write(slug, "near-miss-gradual-drift")

    # the admin's usual work: persistence and privilege changes from where they always work
    log = Log("admin")
    admin = user("iam-admin", "AKIAIAMADMINEXAMPLE3")
    for day in range(9):
        for i, (api, params) in enumerate(PIVOT):
            if day % 2 == 0 or api == "iam:ListUsers":
                log.call(when(day, 11 * 60 + i), admin, api, OFFICE.format(50), CLI, params)
    log.write("attacksequence-iam-compromisedcredentials", "near-miss-admins-usual-work")


# ---- one case set per tactic --------------------------------------------------------------
IAM_TACTICS = {
    "persistence-iamuser-anomalousbehavior": ("iam:CreateAccessKey", {"userName": "ops-alice"}),
    "privilegeescalation-iamuser-anomalousbehavior":
        ("iam:AttachUserPolicy", {"userName": "ci-deployer",
                                  "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    "credentialaccess-iamuser-anomalousbehavior": ("secretsmanager:GetSecretValue",
                                                   {"secretId": "prod/db/password"}),
    "defenseevasion-iamuser-anomalousbehavior": ("ec2:DeleteFlowLogs",
                                                 {"flowLogIds": ["fl-0123456789abcdef0"]}),
    "exfiltration-iamuser-anomalousbehavior": ("ec2:CreateSnapshot",
                                               {"volumeId": "vol-0123456789abcdef0"}),
    "impact-iamuser-anomalousbehavior": ("ec2:DeleteSecurityGroup", {"groupId": "sg-0123456789abcdef0"}),
    "initialaccess-iamuser-anomalousbehavior": ("ssm:StartSession", {"target": "i-0123456789abcdef0"}),
}


def tactic_cases():
    for slug, (api, params) in IAM_TACTICS.items():
        for case, days, ip, ua in (("fires-new-api-from-new-network", 9, ATTACKER, BOTO),
                                   ("near-miss-new-api-from-usual-place", 9, RUNNER.format(11), CLI),
                                   ("near-miss-during-learning-period", 3, ATTACKER, BOTO)):
            log = Log(slug + case)
            cicd_history(log, days)
            log.call(when(days - 1, 14 * 60), CI, api, ip, ua, params)
            log.write(slug, case)
        if slug == "impact-iamuser-anomalousbehavior":
            log = Log(slug + "failed")
            cicd_history(log, 9)
            log.call(when(8, 14 * 60), CI, api, ATTACKER, BOTO, params, error="AccessDenied")
            log.write(slug, "fires-failed-call-lower-severity")


APP = ("app-role", "app-task")
S3_TACTICS = {
    "discovery-s3-anomalousbehavior": ("s3:ListObjects", "s3:GetObject"),
    "exfiltration-s3-anomalousbehavior": ("s3:GetObject", "s3:PutObject"),
    "impact-s3-anomalousbehavior-delete": ("s3:DeleteObject", "s3:GetObject"),
    "impact-s3-anomalousbehavior-permission": ("s3:PutObjectAcl", "s3:GetObject"),
    "impact-s3-anomalousbehavior-write": ("s3:PutObject", "s3:GetObject"),
}


def s3_params(key="reports/2026/03/summary.json"):
    return {"bucketName": "acme-app-data", "key": key, "Host": "acme-app-data.s3.amazonaws.com"}


def app_history(log, days, routine):
    for day in range(days):
        ident = role(*APP, f"ASIAAPPTASK{day:09d}")
        for i in range(4):
            log.call(when(day, 8 * 60 + 90 * i), ident, routine, "20.10.5.8", BOTO, s3_params(),
                     data=True)
    return role(*APP, f"ASIAAPPTASK{days - 1:09d}")


def s3_cases():
    for slug, (api, routine) in S3_TACTICS.items():
        for case, days, ip, ua in (("fires-new-api-from-new-network", 9, ATTACKER, CLI),
                                   ("near-miss-new-api-from-usual-place", 9, "20.10.5.8", BOTO),
                                   ("near-miss-during-learning-period", 3, ATTACKER, CLI)):
            log = Log(slug + case)
            ident = app_history(log, days, routine)
            log.call(when(days - 1, 15 * 60), ident, api, ip, ua, s3_params("exports/all.csv"),
                     data=True)
            log.write(slug, case)
    slug = "attacksequence-s3-compromiseddata"
    for case, days, ip, ua in (("fires-list-read-ransom-delete", 9, ATTACKER, CLI),
                               ("near-miss-usual-place", 9, "20.10.5.8", BOTO),
                               ("near-miss-during-learning-period", 3, ATTACKER, CLI)):
        log = Log(slug + case)
        ident = app_history(log, days, "s3:HeadObject")
        for i, api in enumerate(("s3:ListObjects", "s3:GetObject", "s3:PutObject", "s3:DeleteObject")):
            key = "README-RANSOM.txt" if api == "s3:PutObject" else "exports/all.csv"
            log.call(when(days - 1, 15 * 60 + i), ident, api, ip, ua, s3_params(key), data=True)
        log.write(slug, case)


# ---- credentials used elsewhere -----------------------------------------------------------
INSTANCE = "i-0a1b2c3d4e5f60718"
ARGS = ("--ip-data", "lists/ip-ranges.json")


def session(slug, case, ident, calls, args=ARGS):
    """One session's calls, (minute of day 1, api, address, user agent[, extra fields])."""
    log = Log(slug + case)
    for minute, api, ip, ua, *extra in calls:
        log.call(when(0, minute), ident, api, ip, ua, extra=extra[0] if extra else None)
    log.write(slug, case, args)


def routine(n, step, api, ips, ua, extra=None):
    """n calls from 09:00, step minutes apart, cycling through ips."""
    return [(9 * 60 + step * i, api, ips[i % len(ips)], ua) + ((extra,) if extra else ())
            for i in range(n)]


def exfil_cases():
    web = role("web-server-role", INSTANCE, "ASIAWEBINSTANCE00001", ec2=True)
    vpce = {"vpcEndpointId": "vpce-0123456789abcdef0"}
    own = routine(5, 1, "ssm:GetParameters", [AWS_OWN], BOTO)
    slug = "unauthorizedaccess-iamuser-instancecredentialexfiltration-outsideaws"
    session(slug, "fires-instance-credentials-from-outside", web,
            own + [(13 * 60, "s3:ListBuckets", ATTACKER, CLI)])
    session(slug, "near-miss-through-vpc-endpoint", web,
            routine(5, 1, "ssm:GetParameters", ["10.0.3.17"], BOTO, vpce))
    session(slug, "near-miss-person-session-of-same-role",
            role("web-server-role", "dev-carol", "ASIADEVCAROL00000001"),
            [(13 * 60, "ssm:GetParameters", ATTACKER, CLI)])
    session(slug, "near-miss-no-ip-ranges-loaded", web,
            own[:1] + [(13 * 60, "s3:ListBuckets", ATTACKER, CLI)], args=())

    slug = "unauthorizedaccess-iamuser-instancecredentialexfiltration-insideaws"
    session(slug, "fires-instance-credentials-from-other-aws-address", web,
            own + [(13 * 60, "s3:ListBuckets", AWS_OTHER, CLI)])
    session(slug, "near-miss-two-nat-addresses-from-the-start", web,
            routine(5, 10, "ssm:GetParameters", [AWS_OWN, AWS_OTHER], BOTO)
            + [(13 * 60, "s3:ListBuckets", AWS_OTHER, BOTO)])
    session(slug, "near-miss-through-vpc-endpoint", web,
            own[:1] + [(13 * 60, "s3:ListBuckets", "10.0.3.17", BOTO, vpce)])

    fn = role("orders-fn-role", "orders-fn", "ASIAORDERSFN00000001")
    fleet = [f"3.9{i}.1.{i + 5}" for i in range(6)]
    slug = "unauthorizedaccess-iamuser-resourcecredentialexfiltration-outsideaws"
    session(slug, "fires-lambda-credentials-from-outside", fn,
            [(9 * 60, "dynamodb:PutItem", AWS_OWN, LAMBDA_UA),
             (9 * 60 + 30, "sts:GetCallerIdentity", ATTACKER, CLI)])
    session(slug, "near-miss-lambda-from-many-aws-hosts", fn,
            routine(6, 20, "dynamodb:PutItem", fleet, LAMBDA_UA))
    session(slug, "near-miss-developer-session-of-same-role",
            role("orders-fn-role", "dev-dan", "ASIADEVDAN0000000001"),
            [(9 * 60 + 30, "sts:GetCallerIdentity", ATTACKER, CLI)])

    task = role("orders-task-role", "9f3c2b1a0d8e4f6a7b5c3d2e1f0a9b8c", "ASIAORDERSTASK000001")
    slug = "unauthorizedaccess-iamuser-resourcecredentialexfiltration-insideaws"
    session(slug, "fires-ecs-task-credentials-from-other-aws-address", task,
            routine(3, 1, "sqs:ReceiveMessage", [AWS_OWN], ECS_UA)
            + [(15 * 60, "sqs:ReceiveMessage", AWS_OTHER, CLI)])
    session(slug, "near-miss-task-from-its-own-address", task,
            routine(12, 40, "sqs:ReceiveMessage", [AWS_OWN], ECS_UA))
    session(slug, "near-miss-lambda-has-no-inside-variant", fn,
            routine(3, 90, "dynamodb:PutItem", fleet, LAMBDA_UA))


def console_cases():
    slug = "unauthorizedaccess-iamuser-consoleloginsuccess-b"
    for case, second_ip, gap, ok in (("fires-two-networks-minutes-apart", "203.0.113.20", 12, True),
                                     ("near-miss-same-network", "198.51.7.9", 12, True),
                                     ("near-miss-second-sign-in-failed", "203.0.113.20", 12, False),
                                     ("near-miss-hours-apart", "203.0.113.20", 180, True)):
        log = Log(slug + case)
        log.login(when(0, 9 * 60), "erin", "198.51.100.10")
        log.login(when(0, 9 * 60 + gap), "erin", second_ip, ok)
        log.write(slug, case)


if __name__ == "__main__":
    cicd_cases()
    tactic_cases()
    s3_cases()
    exfil_cases()
    console_cases()
