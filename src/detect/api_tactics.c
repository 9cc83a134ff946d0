/*
 * The API -> tactic table (api_tactics.h).  One row per API or name prefix; exact rows win over
 * prefixes, a service's prefixes over the any-service ones.  Sources:
 *   ATT&CK  MITRE ATT&CK Enterprise, Cloud/IaaS matrix (attack.mitre.org/matrices/enterprise/
 *           cloud/iaas/), cited by technique id;
 *   TTC     AWS Threat Technique Catalog (aws-samples.github.io/threat-technique-catalog-for-
 *           aws/), which reuses ATT&CK ids and names the AWS APIs of each technique;
 *   GD      GuardDuty's own example APIs for the type (shared/reference/finding-types.tsv).
 * Routine writes (tags, deployments) have no row on purpose: an unusual UpdateService is a
 * change, not a tactic, and the anomaly types fire only for calls that serve one.
 */
#include "detect/api_tactics.h"

/* clang-format off */
static const struct vg_tactic_row rows[] = {
    /* Discovery: reads that map an account (TA0007) */
    { "iam", "ListAccessKeys", VG_TACTIC_DISCOVERY, "ATT&CK T1087.004 Cloud Account; GD example" },
    { "iam", "GetAccountAuthorizationDetails", VG_TACTIC_DISCOVERY, "TTC T1087.004" },
    { "iam", "ListUsers", VG_TACTIC_DISCOVERY, "ATT&CK T1087.004 Cloud Account" },
    { "iam", "ListRoles", VG_TACTIC_DISCOVERY, "ATT&CK T1087.004 Cloud Account" },
    { "iam", "GetRolePolicy", VG_TACTIC_DISCOVERY, "ATT&CK T1069.003 Cloud Groups; GD example" },
    { "iam", "List*", VG_TACTIC_DISCOVERY, "ATT&CK T1069.003 Cloud Groups" },
    { "iam", "Get*", VG_TACTIC_DISCOVERY, "ATT&CK T1069.003 Cloud Groups" },
    { "sts", "GetCallerIdentity", VG_TACTIC_DISCOVERY, "TTC T1087.004" },
    { "ec2", "DescribeInstances", VG_TACTIC_DISCOVERY, "ATT&CK T1580 Cloud Infrastructure Discovery; GD example" },
    { "ec2", "Describe*", VG_TACTIC_DISCOVERY, "ATT&CK T1580 Cloud Infrastructure Discovery" },
    { "s3", "ListBuckets", VG_TACTIC_DISCOVERY, "ATT&CK T1619 Cloud Storage Object Discovery" },
    { "s3", "GetBucket*", VG_TACTIC_DISCOVERY, "ATT&CK T1619 Cloud Storage Object Discovery" },
    { "organizations", "List*", VG_TACTIC_DISCOVERY, "ATT&CK T1087.004; TTC T1087.004" },
    { "organizations", "Describe*", VG_TACTIC_DISCOVERY, "ATT&CK T1087.004" },
    { "guardduty", "List*", VG_TACTIC_DISCOVERY, "ATT&CK T1518.001 Security Software Discovery" },
    { "guardduty", "Get*", VG_TACTIC_DISCOVERY, "ATT&CK T1518.001 Security Software Discovery" },
    { "cloudtrail", "DescribeTrails", VG_TACTIC_DISCOVERY, "ATT&CK T1518.001; TTC T1518.001" },
    { "cloudtrail", "GetTrailStatus", VG_TACTIC_DISCOVERY, "ATT&CK T1518.001" },
    { "config", "Describe*", VG_TACTIC_DISCOVERY, "ATT&CK T1518.001" },
    { "secretsmanager", "ListSecrets", VG_TACTIC_DISCOVERY, "ATT&CK T1580; TTC T1580" },
    { "ssm", "DescribeParameters", VG_TACTIC_DISCOVERY, "ATT&CK T1580" },
    { "kms", "ListKeys", VG_TACTIC_DISCOVERY, "ATT&CK T1580" },
    { "lambda", "List*", VG_TACTIC_DISCOVERY, "ATT&CK T1580" },
    { "rds", "Describe*", VG_TACTIC_DISCOVERY, "ATT&CK T1580" },
    { "eks", "List*", VG_TACTIC_DISCOVERY, "ATT&CK T1613 Container and Resource Discovery" },
    { "ecs", "List*", VG_TACTIC_DISCOVERY, "ATT&CK T1613 Container and Resource Discovery" },
    { "ecr", "DescribeRepositories", VG_TACTIC_DISCOVERY, "ATT&CK T1613" },
    { "*", "List*", VG_TACTIC_DISCOVERY, "ATT&CK TA0007 Discovery (read-only enumeration)" },
    { "*", "Describe*", VG_TACTIC_DISCOVERY, "ATT&CK TA0007 Discovery (read-only enumeration)" },
    { "*", "Search*", VG_TACTIC_DISCOVERY, "ATT&CK TA0007 Discovery (read-only enumeration)" },
    /* Persistence: new ways back in (TA0003) */
    { "iam", "CreateAccessKey", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.001 Additional Cloud Credentials; GD example" },
    { "iam", "CreateLoginProfile", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.001; TTC T1098.001" },
    { "iam", "UpdateLoginProfile", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.001" },
    { "iam", "CreateUser", VG_TACTIC_PERSISTENCE, "ATT&CK T1136.003 Create Cloud Account" },
    { "iam", "UploadSSHPublicKey", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.004 SSH Authorized Keys" },
    { "iam", "CreateServiceSpecificCredential", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.001" },
    { "ec2", "ImportKeyPair", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.001; GD example" },
    { "ec2", "CreateKeyPair", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.001" },
    { "ec2", "ModifyInstanceAttribute", VG_TACTIC_PERSISTENCE, "TTC T1525 Implant Internal Image (user data); GD example" },
    { "lambda", "AddPermission*", VG_TACTIC_PERSISTENCE, "TTC T1546 Event Triggered Execution" },
    { "lambda", "CreateFunction*", VG_TACTIC_PERSISTENCE, "TTC T1546 Event Triggered Execution" },
    { "lambda", "UpdateFunctionCode*", VG_TACTIC_PERSISTENCE, "TTC T1525" },
    { "ecr", "PutImage", VG_TACTIC_NONE, "routine deployment (a CI/CD job's daily call)" },
    { "ssm", "CreateActivation", VG_TACTIC_PERSISTENCE, "TTC T1098" },
    { "eks", "CreateAccessEntry", VG_TACTIC_PERSISTENCE, "ATT&CK T1098.006 Additional Container Cluster Roles" },
    /* Privilege escalation: policy, role and group changes (TA0004) */
    { "iam", "AttachUserPolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003 Additional Cloud Roles" },
    { "iam", "AttachRolePolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003" },
    { "iam", "AttachGroupPolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003" },
    { "iam", "PutUserPolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003; GD example" },
    { "iam", "PutRolePolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003" },
    { "iam", "PutGroupPolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003" },
    { "iam", "AddUserToGroup", VG_TACTIC_PRIVILEGE_ESCALATION, "ATT&CK T1098.003; GD example" },
    { "iam", "CreatePolicyVersion", VG_TACTIC_PRIVILEGE_ESCALATION, "TTC T1098.003" },
    { "iam", "SetDefaultPolicyVersion", VG_TACTIC_PRIVILEGE_ESCALATION, "TTC T1098.003" },
    { "iam", "UpdateAssumeRolePolicy", VG_TACTIC_PRIVILEGE_ESCALATION, "TTC T1098.003" },
    { "iam", "PassRole", VG_TACTIC_PRIVILEGE_ESCALATION, "TTC T1098.003" },
    { "ec2", "AssociateIamInstanceProfile", VG_TACTIC_PRIVILEGE_ESCALATION, "TTC T1098.003; GD example" },
    { "ec2", "ReplaceIamInstanceProfileAssociation", VG_TACTIC_PRIVILEGE_ESCALATION, "TTC T1098.003" },
    { "sts", "AssumeRole", VG_TACTIC_NONE, "routine: how roles are used" },
    /* Credential access: reading secrets (TA0006) */
    { "ec2", "GetPasswordData", VG_TACTIC_CREDENTIAL_ACCESS, "ATT&CK T1552.005 Cloud Instance Metadata API; GD example" },
    { "secretsmanager", "GetSecretValue", VG_TACTIC_CREDENTIAL_ACCESS, "ATT&CK T1555.006 Cloud Secrets Management Stores; GD example" },
    { "secretsmanager", "BatchGetSecretValue", VG_TACTIC_CREDENTIAL_ACCESS, "ATT&CK T1555.006; GD example" },
    { "rds", "GenerateDbAuthToken", VG_TACTIC_CREDENTIAL_ACCESS, "GD example" },
    { "ssm", "GetParameter*", VG_TACTIC_CREDENTIAL_ACCESS, "ATT&CK T1555.006" },
    { "kms", "Decrypt", VG_TACTIC_CREDENTIAL_ACCESS, "TTC T1555.006" },
    { "sts", "GetSessionToken", VG_TACTIC_CREDENTIAL_ACCESS, "ATT&CK T1528 Steal Application Access Token" },
    { "sts", "GetFederationToken", VG_TACTIC_CREDENTIAL_ACCESS, "ATT&CK T1528" },
    /* Defense evasion: turning off what watches (TA0005) */
    { "cloudtrail", "StopLogging", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008 Disable or Modify Cloud Logs; GD example" },
    { "cloudtrail", "DeleteTrail", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008" },
    { "cloudtrail", "UpdateTrail", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008" },
    { "cloudtrail", "PutEventSelectors", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008" },
    { "ec2", "DeleteFlowLogs", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008; GD example" },
    { "monitoring", "DisableAlarmActions", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008; GD example" },
    { "logs", "DeleteLogGroup", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.008" },
    { "guardduty", "DeleteDetector", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.001 Disable or Modify Tools" },
    { "guardduty", "UpdateDetector", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.001" },
    { "guardduty", "CreateIPSet", VG_TACTIC_DEFENSE_EVASION, "TTC T1562.001 (a trusted list hides callers)" },
    { "guardduty", "DisassociateFromMasterAccount", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.001" },
    { "config", "StopConfigurationRecorder", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.001" },
    { "config", "DeleteConfigurationRecorder", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1562.001" },
    { "organizations", "LeaveOrganization", VG_TACTIC_DEFENSE_EVASION, "ATT&CK T1666 Modify Cloud Resource Hierarchy" },
    { "kms", "ScheduleKeyDeletion", VG_TACTIC_IMPACT, "ATT&CK T1485 Data Destruction" },
    { "kms", "DisableKey", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    /* Exfiltration: control-plane copies out (TA0010) */
    { "s3", "PutBucketReplication", VG_TACTIC_EXFILTRATION, "ATT&CK T1537 Transfer Data to Cloud Account; GD example" },
    { "ec2", "CreateSnapshot", VG_TACTIC_EXFILTRATION, "ATT&CK T1537; GD example" },
    { "ec2", "ModifySnapshotAttribute", VG_TACTIC_EXFILTRATION, "ATT&CK T1537" },
    { "ec2", "ModifyImageAttribute", VG_TACTIC_EXFILTRATION, "ATT&CK T1537" },
    { "ec2", "CopySnapshot", VG_TACTIC_EXFILTRATION, "ATT&CK T1537" },
    { "rds", "CreateDBSnapshot", VG_TACTIC_EXFILTRATION, "ATT&CK T1537" },
    { "rds", "ModifyDBSnapshotAttribute", VG_TACTIC_EXFILTRATION, "ATT&CK T1537" },
    { "rds", "RestoreDBInstanceFromDBSnapshot", VG_TACTIC_EXFILTRATION, "ATT&CK T1537; GD example" },
    { "ecr", "BatchGetImage", VG_TACTIC_NONE, "routine image pulls" },
    /* Impact: tampering and destruction (TA0040) */
    { "ec2", "DeleteSecurityGroup", VG_TACTIC_IMPACT, "ATT&CK T1485; GD example" },
    { "ec2", "TerminateInstances", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "ec2", "RunInstances", VG_TACTIC_IMPACT, "ATT&CK T1496.001 Compute Hijacking" },
    { "ec2", "AuthorizeSecurityGroupIngress", VG_TACTIC_IMPACT, "TTC T1562.007 Disable or Modify Cloud Firewall" },
    { "iam", "UpdateUser", VG_TACTIC_IMPACT, "GD example" },
    { "iam", "DeleteUser", VG_TACTIC_IMPACT, "ATT&CK T1531 Account Access Removal" },
    { "iam", "DeleteAccessKey", VG_TACTIC_IMPACT, "ATT&CK T1531" },
    { "s3", "PutBucketPolicy", VG_TACTIC_IMPACT, "ATT&CK T1530 Data from Cloud Storage; GD example" },
    { "s3", "PutBucketAcl", VG_TACTIC_IMPACT, "ATT&CK T1530" },
    { "s3", "DeleteBucket*", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "s3", "PutBucketLifecycle*", VG_TACTIC_IMPACT, "ATT&CK T1485 (expire every object)" },
    { "rds", "DeleteDB*", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "secretsmanager", "DeleteSecret", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "lambda", "DeleteFunction", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "ecs", "DeleteCluster", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "eks", "DeleteCluster", VG_TACTIC_IMPACT, "ATT&CK T1485" },
    { "organizations", "RemoveAccountFromOrganization", VG_TACTIC_IMPACT, "ATT&CK T1666" },
    /* Initial access: calls that open a session (TA0001) */
    { "ssm", "StartSession", VG_TACTIC_INITIAL_ACCESS, "ATT&CK T1078.004 Valid Cloud Accounts; GD example" },
    { "ecr", "GetAuthorizationToken", VG_TACTIC_INITIAL_ACCESS, "ATT&CK T1078.004; GD example" },
    { "ec2-instance-connect", "SendSSHPublicKey", VG_TACTIC_INITIAL_ACCESS, "TTC T1078.004" },
    { "eks", "CreateToken", VG_TACTIC_INITIAL_ACCESS, "ATT&CK T1078.004" },
    { "signin", "ConsoleLogin", VG_TACTIC_INITIAL_ACCESS, "ATT&CK T1078.004" },
    { "sts", "GetSigninToken", VG_TACTIC_INITIAL_ACCESS, "ATT&CK T1078.004" },
};

/* S3 object-level data events: the S3 AnomalousBehavior family (GD trigger text). */
static const struct vg_tactic_row s3_rows[] = {
    { "s3", "ListObjects*", VG_TACTIC_S3_DISCOVERY, "ATT&CK T1619 Cloud Storage Object Discovery; GD example" },
    { "s3", "ListMultipartUploads", VG_TACTIC_S3_DISCOVERY, "ATT&CK T1619" },
    { "s3", "HeadObject", VG_TACTIC_S3_DISCOVERY, "ATT&CK T1619" },
    { "s3", "GetObjectAcl", VG_TACTIC_S3_DISCOVERY, "ATT&CK T1619" },
    { "s3", "GetObjectTagging", VG_TACTIC_S3_DISCOVERY, "ATT&CK T1619" },
    { "s3", "GetObject", VG_TACTIC_S3_EXFILTRATION, "ATT&CK T1530 Data from Cloud Storage; GD example" },
    { "s3", "SelectObjectContent", VG_TACTIC_S3_EXFILTRATION, "ATT&CK T1530" },
    { "s3", "RestoreObject", VG_TACTIC_S3_EXFILTRATION, "ATT&CK T1530" },
    { "s3", "DeleteObject*", VG_TACTIC_S3_DELETE, "ATT&CK T1485 Data Destruction; GD example" },
    { "s3", "PutObjectAcl", VG_TACTIC_S3_PERMISSION, "ATT&CK T1530; GD example" },
    { "s3", "PutObjectRetention", VG_TACTIC_S3_PERMISSION, "ATT&CK T1486 Data Encrypted for Impact" },
    { "s3", "PutObject", VG_TACTIC_S3_WRITE, "ATT&CK T1486 (ransom overwrite); GD example" },
    { "s3", "CopyObject", VG_TACTIC_S3_WRITE, "ATT&CK T1486; GD example" },
    { "s3", "CompleteMultipartUpload", VG_TACTIC_S3_WRITE, "ATT&CK T1486; GD example" },
    { "s3", "UploadPart*", VG_TACTIC_S3_WRITE, "ATT&CK T1486" },
};
/* clang-format on */

static bool api_matches(const char *pattern, struct vg_str api)
{
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return api.len >= n - 1 && memcmp(api.ptr, pattern, n - 1) == 0;
    return vg_str_eq_lit(api, pattern);
}

static bool is_prefix(const struct vg_tactic_row *r)
{
    return r->api[strlen(r->api) - 1] == '*';
}

/* Pass 0: exact rows of the service; 1: its prefixes; 2: any service's prefixes. */
static const struct vg_tactic_row *search(const struct vg_tactic_row *table, size_t n,
                                          struct vg_str service, struct vg_str api)
{
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < n; i++) {
            const struct vg_tactic_row *r = &table[i];
            bool any = strcmp(r->service, "*") == 0;
            if (any != (pass == 2) || is_prefix(r) != (pass > 0) ||
                (!any && !vg_str_eq_lit(service, r->service)))
                continue;
            if (api_matches(r->api, api))
                return r;
        }
    return NULL;
}

const struct vg_tactic_row *vg_tactic_lookup(struct vg_str service, struct vg_str api, bool s3_data)
{
    return s3_data ? search(s3_rows, VG_ARRAY_LEN(s3_rows), service, api)
                   : search(rows, VG_ARRAY_LEN(rows), service, api);
}

const char *vg_tactic_name(enum vg_tactic t)
{
    static const char *const names[VG_TACTIC_COUNT] = {
        [VG_TACTIC_NONE] = "None",
        [VG_TACTIC_DISCOVERY] = "Discovery",
        [VG_TACTIC_PERSISTENCE] = "Persistence",
        [VG_TACTIC_PRIVILEGE_ESCALATION] = "PrivilegeEscalation",
        [VG_TACTIC_CREDENTIAL_ACCESS] = "CredentialAccess",
        [VG_TACTIC_DEFENSE_EVASION] = "DefenseEvasion",
        [VG_TACTIC_EXFILTRATION] = "Exfiltration",
        [VG_TACTIC_IMPACT] = "Impact",
        [VG_TACTIC_INITIAL_ACCESS] = "InitialAccess",
        [VG_TACTIC_S3_DISCOVERY] = "Discovery",
        [VG_TACTIC_S3_EXFILTRATION] = "Exfiltration",
        [VG_TACTIC_S3_DELETE] = "Impact",
        [VG_TACTIC_S3_PERMISSION] = "Impact",
        [VG_TACTIC_S3_WRITE] = "Impact",
    };
    return t < VG_TACTIC_COUNT ? names[t] : "None";
}
