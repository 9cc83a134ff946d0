/*
 * The CloudTrail generator behind `vigil simulate`.  It writes what a multi-region trail
 * delivers to S3: one gzipped `{"Records":[...]}` object per account, region and five-minute
 * window, plus one digest per account, region and day.
 *
 * The work runs day -> account -> window.  A window's events are first drawn as small specs
 * (time, region, who, what), sorted by (region, time), and each region's run is then rendered
 * into one reused JSON buffer and handed to the writer pool, which gzips and writes it.
 * Nothing is allocated per event or per file once the buffers have grown: fresh pages cost far
 * more than the JSON itself.
 *
 * Invariants: the output is a pure function of the options (one xoshiro256** stream seeded from
 * opts.seed, every time derived from opts.start_ms, gzip mtime 0); records inside a file are
 * sorted by eventTime; and normal traffic never has an attack shape (no Root identity, no
 * penetration-testing user agent, no logging or public-access change, no address from the
 * sample threat lists), so every finding on simulated data traces back to one injected scenario.
 *
 * With attacks, the threat lists those scenarios call from are written too, as plain text under
 * <out>/intel/, beside AWSLogs rather than in it: `vigil scan <out>/AWSLogs` reads only logs.
 *
 * The same accounts' VPC Flow Logs come from flows.c and their Route 53 Resolver query logs from
 * dns.c (whose instances are the flow fleet's), day by day after each account's CloudTrail; the
 * writer pool, the random stream and the day's traffic curve are shared (sim_util.h).
 */
#include "simulate/simulate.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "simulate/dns.h"
#include "simulate/flows.h"
#include "simulate/sim_util.h"

#define MAX_SLOTS 5  /* regions one account is active in; slot 0 is always us-east-1 */
#define N_BUCKETS 8  /* 0..5 live in us-east-1 (scenarios use them), 6..7 elsewhere */
#define GZIP_LEVEL 6 /* CloudTrail objects */
#define TRAIL_NAME "management-events"
#define TRAIL_REGION "us-east-1"
/* Scenario i happens on day 1 at SCENARIO_START_S + i * SCENARIO_STEP_S (09:00:17Z onwards):
 * distinct times, so a detector's evidence always points at one record. */
#define SCENARIO_START_S (9 * 3600 + 17)
#define SCENARIO_STEP_S 240
#define SERVICE_PER_MILLE 40 /* events by AWS services on the account's behalf */
#define ERROR_PER_MILLE 25   /* failed calls: denied or throttled */

static const char HEX[] = "0123456789abcdef";
static const char UPHEX[] = "0123456789ABCDEF";
static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char LOWER_ALNUM[] = "abcdefghijklmnopqrstuvwxyz0123456789";
/* AWS key and principal ids use upper-case letters and the digits 2-7 */
static const char KEY_CHARS[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A version-4 UUID into out[36] (not NUL-terminated). */
static void rand_uuid(struct vg_sim_rng *r, char *out)
{
    uint64_t hi = vg_sim_rng_next(r), lo = vg_sim_rng_next(r);
    size_t o = 0;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[o++] = '-';
        unsigned nib = i < 16 ? (unsigned)(hi >> (60 - 4 * i)) & 15
                              : (unsigned)(lo >> (60 - 4 * (i - 16))) & 15;
        if (i == 12)
            nib = 4;
        else if (i == 16)
            nib = 8 | (nib & 3);
        out[o++] = HEX[nib];
    }
}

/* ---- JSON output ------------------------------------------------------------------------- */

static void put_strn(struct vg_sim_sink *o, const char *s, size_t n)
{
    int rc = vg_buf_add_json_str(&o->b, (struct vg_str){ s, n });
    if (VG_UNLIKELY(rc) && !o->err)
        o->err = rc;
}

static void put_str(struct vg_sim_sink *o, const char *s)
{
    put_strn(o, s, strlen(s));
}

static void put_bool(struct vg_sim_sink *o, bool v)
{
    if (v)
        VG_SIM_PUT(o, "true");
    else
        VG_SIM_PUT(o, "false");
}

/* One JSON string from a format; every argument comes from our own tables or generators, so
 * the bound is an invariant, not an input check. */
static void put_strf(struct vg_sim_sink *o, const char *fmt, ...) VG_PRINTF(2, 3);
static void put_strf(struct vg_sim_sink *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        VG_BUG("simulated string too long: '%.40s...'", tmp);
    put_strn(o, tmp, (size_t)n);
}

/* ---- the simulated world ----------------------------------------------------------------- */

static const char *const region_names[] = {
    "us-east-1",      "us-west-2", "eu-west-1",    "ap-southeast-2", "eu-central-1",
    "ap-northeast-1", "us-east-2", "ca-central-1", "eu-north-1",     "ap-south-1",
};

enum prof { PROF_CLI, PROF_CONSOLE, PROF_CI, PROF_ROLE, PROF_LAMBDA, PROF_EC2, PROF_COUNT };

/* The principal mix, repeated: roughly a small production account, and even --principals 6
 * has every identity shape. */
static const uint8_t prof_cycle[] = { PROF_CLI, PROF_EC2, PROF_ROLE, PROF_CONSOLE, PROF_LAMBDA,
                                      PROF_CLI, PROF_EC2, PROF_CI,   PROF_ROLE,    PROF_EC2 };
/* Relative call volume: machines are chattier than people. */
static const uint8_t prof_activity[PROF_COUNT] = { 3, 2, 6, 4, 10, 12 };

static const char *const first_names[] = { "alice", "bob",   "carol", "dave", "erin", "frank",
                                           "grace", "heidi", "ivan",  "judy", "ken",  "laura",
                                           "mike",  "nina",  "oscar", "priya" };
static const char *const last_names[] = { "nguyen", "smith", "garcia", "kim",     "muller", "rossi",
                                          "tanaka", "silva", "okafor", "ivanova", "dubois", "khan",
                                          "larsen", "cohen", "novak",  "walsh" };
static const char *const orgs[] = { "acme",     "globex", "initech", "umbrella", "hooli",
                                    "vandelay", "wayne",  "stark",   "tyrell",   "wonka" };
static const char *const bucket_purposes[6] = { "data-lake", "web-assets",  "backups",
                                                "app-logs",  "ml-datasets", "tf-state" };
static const char *const ci_names[] = { "terraform-ci", "github-actions", "jenkins-deploy",
                                        "backup-agent" };
static const char *const role_names[] = { "AWSReservedSSO_AdministratorAccess",
                                          "AWSReservedSSO_ReadOnlyAccess", "DeployRole",
                                          "DataPipelineRole" };
static const char *const assume_targets[] = { "DeployRole", "ReadOnlyAudit", "DataPipelineRole",
                                              "OrganizationAccountAccessRole" };
static const char *const fn_names[] = {
    "order-processor", "thumbnail-generator", "nightly-report",
    "webhook-handler", "stream-consumer",     "auth-authorizer"
};
static const char *const ec2_roles[] = { "web-server-role", "batch-worker-role", "bastion-role",
                                         "eks-node-role" };
static const char *const apps[] = { "orders", "checkout", "billing", "search", "auth" };
static const char *const app_params[] = { "db_host", "api_key", "feature_flags", "redis_url" };
static const char *const tables[] = { "orders", "sessions", "inventory", "user-profiles",
                                      "events" };
static const char *const stacks[] = { "network-prod", "app-prod", "data-pipeline", "monitoring" };
static const char *const key_prefixes[] = { "data/raw",      "data/curated",  "exports",
                                            "uploads",       "reports/daily", "models",
                                            "images/thumbs", "backups/db" };
static const char *const key_exts[] = { ".json", ".parquet", ".csv.gz", ".png", ".tar.gz", ".pdf" };
/* First octets of consumer and office networks, and of AWS and CI-runner address space; none is
 * private, reserved or a well-known anonymiser range. */
static const uint8_t human_octets[] = { 24, 68, 71,  73,  76,  81,  82,  86,  88,  90,
                                        93, 98, 108, 109, 174, 176, 188, 195, 212, 217 };
static const uint8_t aws_octets[] = { 3, 18, 44, 52, 54 };
static const uint8_t runner_octets[] = { 4, 13, 20, 40 };

static const char *const ua_cli[] = {
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1014-aws md/arch#x86_64 "
    "lang/python#3.11.8 md/pyimpl#CPython md/distrib#ubuntu.22 exe/x86_64.ubuntu.22 prompt/off "
    "command/",
    "aws-cli/2.17.2 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 "
    "md/pyimpl#CPython exe/arm64 prompt/off command/",
    "aws-cli/2.13.25 Python/3.11.5 Darwin/23.1.0 exe/x86_64 prompt/off command/",
    "aws-cli/2.16.4 md/awscrt#0.19.19 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.11.8 "
    "md/pyimpl#CPython exe/AMD64 prompt/off command/",
    "aws-cli/1.32.40 md/Botocore#1.34.40 ua/2.0 os/linux#6.2.0-1017-azure md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.40",
    "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/macos#23.3.0 md/arch#arm64 lang/python#3.12.2 "
    "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51",
};
static const char *const ua_ci[] = {
    "APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) "
    "terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
    "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64",
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1017-azure md/arch#x86_64 "
    "lang/python#3.11.8 md/pyimpl#CPython md/distrib#ubuntu.22 exe/x86_64.ubuntu.22 prompt/off "
    "command/",
};
static const char *const ua_app[] = {
    "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.209-198.858.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.9.18 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51",
    "aws-sdk-java/1.12.600 Linux/5.10.205-195.807.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/17.0.9+8-LTS java/17.0.9 vendor/Amazon.com_Inc. "
    "cfg/retry-mode/standard",
    "aws-sdk-go-v2/1.24.1 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64",
    "aws-sdk-js/3.496.0 ua/2.0 os/linux#5.10.205-195.807.amzn2.x86_64 lang/js md/nodejs#18.19.0",
};
static const char *const ua_lambda[] = {
    "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.207-218.824.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython exec-env/AWS_Lambda_python3.11 "
    "cfg/retry-mode#legacy Botocore/1.31.57",
    "aws-sdk-js/3.363.0 ua/2.0 os/linux#5.10.209-220.828.amzn2.x86_64 lang/js md/nodejs#20.10.0 "
    "exec-env/AWS_Lambda_nodejs20.x",
};
static const char *const ua_ec2[] = {
    "Boto3/1.34.40 md/Botocore#1.34.40 ua/2.0 os/linux#6.1.72-96.166.amzn2023.x86_64 "
    "md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.40",
    "aws-sdk-java/2.21.29 Linux/6.1.72-96.166.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/"
    "17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
};
#define UA_SSM_AGENT "aws-sdk-go/1.44.261 (go1.20.11; linux; amd64) amazon-ssm-agent/3.2.1705.0"
#define UA_BROWSER                                                                                 \
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "            \
    "Chrome/119.0.0.0 Safari/537.36"
#define UA_S3_CONSOLE                                                                              \
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 "                                        \
    "Linux/5.10.225-191.887.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 "   \
    "vendor/Oracle_Corporation cfg/retry-mode/standard]"
/* The user agents the PenTest:* findings look for, and an ordinary one that must not match. */
#define UA_KALI                                                                                    \
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 "                \
    "lang/python#3.11.8 md/pyimpl#CPython md/distrib#kali.2024 exe/x86_64.kali.2024 prompt/off "   \
    "command/iam.list-users"
#define UA_PARROT "aws-cli/1.29.0 Python/3.11.2 Linux/6.5.0-13parrot1-amd64 botocore/1.31.0"
#define UA_PENTOO                                                                                  \
    "Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0 os/linux#6.6.13-pentoo md/arch#x86_64 "                \
    "lang/python#3.12.1 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.2"
#define UA_MALLORY                                                                                 \
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 "   \
    "md/pyimpl#CPython exe/arm64 prompt/off command/"
/* Whoever holds the stolen key: an everyday Debian box, nothing a PenTest type looks for. */
#define UA_THIEF_CLI                                                                               \
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 "             \
    "lang/python#3.11.8 md/pyimpl#CPython md/distrib#debian.12 exe/x86_64.debian.12 prompt/off "   \
    "command/"
#define UA_THIEF_SDK                                                                               \
    "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 "             \
    "lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51"

/* ---- API calls ----------------------------------------------------------------------------- */

enum api_flag {
    F_READ = 1u << 0,   /* readOnly */
    F_DATA = 1u << 1,   /* S3 data event: eventCategory Data, managementEvent false */
    F_GLOBAL = 1u << 2, /* logged in us-east-1 whatever the caller's region (IAM, sign-in) */
    F_S3 = 1u << 3,     /* S3 request ids, Host header and additionalEventData */
    F_V108 = 1u << 4,   /* services still logging eventVersion 1.08 */
    F_SIGNIN = 1u << 5, /* AwsConsoleSignIn: no requestID, no access key */
};

/* How requestParameters, responseElements and resources are rendered beyond a constant. */
enum kind {
    K_NONE,
    K_EC2_TAGS_FILTER,
    K_EC2_CREATE_TAGS,
    K_S3_BUCKET_SUB, /* a bucket sub-resource call; api.arg names the sub-resource */
    K_S3_OBJECT,
    K_IAM_ROLE,
    K_IAM_USER,
    K_STS_ASSUME_ROLE,
    K_KMS,
    K_LOGS_CREATE_STREAM,
    K_LAMBDA_FN,
    K_LAMBDA_UPDATE,
    K_CW_METRIC_STATS,
    K_SSM_GET_PARAM,
    K_SSM_UPDATE_INFO,
    K_SSM_PUT_PARAM,
    K_DDB_TABLE,
    K_SECRET,
    K_CFN_STACK,
    K_CONSOLE_LOGIN,
    /* attack scenarios and their near misses */
    K_SC_TRAIL,
    K_SC_LOGGING_OFF,
    K_SC_LOGGING_ON,
    K_SC_ACCOUNT_PAB_OFF,
    K_SC_BUCKET_PAB, /* api.arg is the value of every flag */
    K_SC_POLICY_ANON,
    K_SC_POLICY_PUBLIC,
    K_SC_POLICY_PRIVATE,
    K_SC_POLICY_VPCE,
    K_SC_ACL_AUTH_USERS,
    K_SC_S3_LIST,     /* ListObjects(V2); api.arg is the prefix */
    K_SC_CREATE_USER, /* api.arg is the new user */
    K_SC_CREATE_KEY,  /* api.arg is the user, NULL the caller */
};

struct api {
    const char *source;
    const char *name;
    const char *params; /* constant requestParameters; NULL leaves them to the kind */
    const char *arg;
    enum kind kind;
    unsigned flags;
};

struct call {
    struct api api;
    uint8_t weight[PROF_COUNT]; /* relative frequency for each kind of principal */
};

#define S_EC2 "ec2.amazonaws.com"
#define S_S3 "s3.amazonaws.com"
#define S_IAM "iam.amazonaws.com"
#define S_STS "sts.amazonaws.com"
#define S_KMS "kms.amazonaws.com"
#define S_LOGS "logs.amazonaws.com"
#define S_LAMBDA "lambda.amazonaws.com"
#define S_CW "monitoring.amazonaws.com"
#define S_SSM "ssm.amazonaws.com"
#define S_DDB "dynamodb.amazonaws.com"

/* Normal traffic.  Columns of weight: CLI user, console user, CI user, role, Lambda, EC2. */
static const struct call calls[] = {
    { { S_EC2, "DescribeInstances", "{\"instancesSet\":{},\"filterSet\":{}}", NULL, K_NONE,
        F_READ },
      { 8, 6, 10, 8, 0, 2 } },
    { { S_EC2, "DescribeSecurityGroups",
        "{\"securityGroupSet\":{},\"securityGroupIdSet\":{},\"filterSet\":{}}", NULL, K_NONE,
        F_READ },
      { 3, 3, 8, 3, 0, 0 } },
    { { S_EC2, "DescribeVpcs", "{\"vpcSet\":{},\"filterSet\":{}}", NULL, K_NONE, F_READ },
      { 2, 2, 6, 2, 0, 0 } },
    { { S_EC2, "DescribeSubnets", "{\"subnetSet\":{},\"filterSet\":{}}", NULL, K_NONE, F_READ },
      { 2, 2, 6, 2, 0, 0 } },
    { { S_EC2, "DescribeVolumes", "{\"volumeSet\":{},\"filterSet\":{}}", NULL, K_NONE, F_READ },
      { 2, 2, 4, 2, 0, 1 } },
    { { S_EC2, "DescribeRegions", "{\"regionSet\":{}}", NULL, K_NONE, F_READ },
      { 1, 2, 2, 1, 0, 0 } },
    { { S_EC2, "DescribeTags", NULL, NULL, K_EC2_TAGS_FILTER, F_READ }, { 0, 0, 2, 0, 0, 6 } },
    { { S_EC2, "CreateTags", NULL, NULL, K_EC2_CREATE_TAGS, 0 }, { 1, 1, 3, 1, 0, 0 } },
    { { S_S3, "ListBuckets", "{\"Host\":\"s3.amazonaws.com\"}", NULL, K_NONE,
        F_READ | F_S3 | F_GLOBAL },
      { 5, 4, 3, 4, 0, 1 } },
    { { S_S3, "GetBucketLocation", NULL, "location", K_S3_BUCKET_SUB, F_READ | F_S3 },
      { 3, 3, 4, 4, 1, 2 } },
    { { S_S3, "GetBucketAcl", NULL, "acl", K_S3_BUCKET_SUB, F_READ | F_S3 }, { 1, 2, 3, 1, 0, 0 } },
    { { S_S3, "GetBucketPolicy", NULL, "policy", K_S3_BUCKET_SUB, F_READ | F_S3 },
      { 1, 1, 3, 1, 0, 0 } },
    { { S_S3, "GetBucketVersioning", NULL, "versioning", K_S3_BUCKET_SUB, F_READ | F_S3 },
      { 1, 1, 3, 1, 0, 0 } },
    { { S_S3, "GetObject", NULL, NULL, K_S3_OBJECT, F_READ | F_DATA | F_S3 },
      { 4, 2, 2, 6, 12, 12 } },
    { { S_S3, "PutObject", NULL, NULL, K_S3_OBJECT, F_DATA | F_S3 }, { 1, 1, 2, 3, 8, 8 } },
    { { S_S3, "HeadObject", NULL, NULL, K_S3_OBJECT, F_READ | F_DATA | F_S3 },
      { 1, 0, 1, 2, 4, 4 } },
    { { S_IAM, "GetUser", NULL, NULL, K_NONE, F_READ | F_GLOBAL }, { 2, 1, 1, 0, 0, 0 } },
    { { S_IAM, "ListUsers", NULL, NULL, K_NONE, F_READ | F_GLOBAL }, { 1, 2, 1, 1, 0, 0 } },
    { { S_IAM, "ListRoles", NULL, NULL, K_NONE, F_READ | F_GLOBAL }, { 1, 2, 2, 2, 0, 0 } },
    { { S_IAM, "GetRole", NULL, NULL, K_IAM_ROLE, F_READ | F_GLOBAL }, { 1, 1, 4, 1, 0, 0 } },
    { { S_IAM, "ListAttachedRolePolicies", NULL, NULL, K_IAM_ROLE, F_READ | F_GLOBAL },
      { 1, 1, 3, 1, 0, 0 } },
    { { S_IAM, "ListPolicies", "{\"scope\":\"Local\",\"onlyAttached\":false}", NULL, K_NONE,
        F_READ | F_GLOBAL },
      { 1, 1, 2, 1, 0, 0 } },
    { { S_IAM, "GetAccountSummary", NULL, NULL, K_NONE, F_READ | F_GLOBAL }, { 0, 2, 0, 1, 0, 0 } },
    { { S_IAM, "ListAccessKeys", NULL, NULL, K_IAM_USER, F_READ | F_GLOBAL },
      { 1, 1, 0, 0, 0, 0 } },
    { { S_STS, "GetCallerIdentity", NULL, NULL, K_NONE, F_READ }, { 6, 0, 4, 3, 1, 2 } },
    { { S_STS, "AssumeRole", NULL, NULL, K_STS_ASSUME_ROLE, F_READ | F_V108 },
      { 2, 0, 4, 2, 0, 0 } },
    { { S_KMS, "Decrypt", "{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}", NULL, K_KMS,
        F_READ | F_V108 },
      { 1, 0, 1, 3, 8, 6 } },
    { { S_KMS, "GenerateDataKey", NULL, NULL, K_KMS, F_READ | F_V108 }, { 0, 0, 0, 2, 6, 4 } },
    { { S_LOGS, "DescribeLogGroups", "{\"logGroupNamePrefix\":\"/aws/lambda/\"}", NULL, K_NONE,
        F_READ | F_V108 },
      { 2, 3, 2, 2, 0, 0 } },
    { { S_LOGS, "CreateLogStream", NULL, NULL, K_LOGS_CREATE_STREAM, F_V108 },
      { 0, 0, 0, 0, 3, 2 } },
    { { S_LAMBDA, "ListFunctions20150331", NULL, NULL, K_NONE, F_READ | F_V108 },
      { 2, 3, 3, 2, 0, 0 } },
    { { S_LAMBDA, "GetFunction20150331v2", NULL, NULL, K_LAMBDA_FN, F_READ | F_V108 },
      { 1, 2, 4, 1, 0, 0 } },
    { { S_LAMBDA, "UpdateFunctionCode20150331v2", NULL, NULL, K_LAMBDA_UPDATE, F_V108 },
      { 0, 0, 2, 0, 0, 0 } },
    { { S_CW, "DescribeAlarms", "{\"maxRecords\":100}", NULL, K_NONE, F_READ | F_V108 },
      { 1, 3, 1, 1, 0, 0 } },
    { { S_CW, "GetMetricStatistics", NULL, NULL, K_CW_METRIC_STATS, F_READ | F_V108 },
      { 1, 2, 0, 2, 1, 1 } },
    { { S_SSM, "GetParameter", NULL, NULL, K_SSM_GET_PARAM, F_READ | F_V108 },
      { 1, 0, 2, 2, 6, 5 } },
    { { S_SSM, "DescribeInstanceInformation", "{\"maxResults\":50}", NULL, K_NONE,
        F_READ | F_V108 },
      { 1, 2, 1, 1, 0, 0 } },
    { { S_SSM, "UpdateInstanceInformation", NULL, NULL, K_SSM_UPDATE_INFO, F_V108 },
      { 0, 0, 0, 0, 0, 10 } },
    { { S_SSM, "PutParameter", NULL, NULL, K_SSM_PUT_PARAM, F_V108 }, { 0, 0, 2, 0, 0, 0 } },
    { { S_DDB, "DescribeTable", NULL, NULL, K_DDB_TABLE, F_READ | F_V108 }, { 1, 1, 2, 2, 3, 2 } },
    { { S_DDB, "ListTables", NULL, NULL, K_NONE, F_READ | F_V108 }, { 1, 2, 1, 1, 0, 0 } },
    { { "secretsmanager.amazonaws.com", "GetSecretValue", NULL, NULL, K_SECRET, F_READ | F_V108 },
      { 0, 0, 1, 1, 4, 3 } },
    { { "ecr.amazonaws.com", "GetAuthorizationToken", NULL, NULL, K_NONE, F_READ | F_V108 },
      { 0, 0, 3, 0, 0, 3 } },
    { { "cloudformation.amazonaws.com", "DescribeStacks", NULL, NULL, K_CFN_STACK,
        F_READ | F_V108 },
      { 1, 2, 4, 1, 0, 0 } },
    { { "signin.amazonaws.com", "ConsoleLogin", NULL, NULL, K_CONSOLE_LOGIN, F_GLOBAL | F_SIGNIN },
      { 0, 1, 0, 0, 0, 0 } },
};

/* Calls AWS services make on the account's behalf (userIdentity type AWSService). */
static const struct api svc_trail_acl = { S_S3,  "GetBucketAcl",  NULL,
                                          "acl", K_S3_BUCKET_SUB, F_READ | F_S3 };
static const struct api svc_assume_role = { S_STS, "AssumeRole",      NULL,
                                            NULL,  K_STS_ASSUME_ROLE, F_READ | F_V108 };

/* ---- attack scenarios ---------------------------------------------------------------------- */

enum who {
    WHO_MALLORY,
    WHO_ROOT,
    WHO_ROOT_SESSION,
    WHO_ROOT_CONSOLE,
    WHO_CFN,
    WHO_STOLEN,         /* the account's first principal, always a CLI user, whose key leaked */
    WHO_STOLEN_VIA_EC2, /* the same user, through EC2 acting on its behalf */
};

/* Where a scenario calls from.  Every address but the attacker's is on a sample threat list. */
enum caller {
    FROM_ATTACKER,       /* mallory's address: on no list */
    FROM_TOR,            /* a Tor exit node */
    FROM_CURATED,        /* an address of the curated list */
    FROM_CURATED_NET,    /* inside the curated list's /24 */
    FROM_CUSTOM,         /* an address of the user's own threat list */
    FROM_CUSTOM_TRUSTED, /* on the user's threat list and on the trusted list */
    FROM_PRIVATE,        /* a VPC address through an endpoint: no list may hold it */
    FROM_COUNT
};

struct scenario {
    struct api api;
    enum who who;
    const char *ua;       /* NULL: mallory's everyday aws-cli */
    const char *err_code; /* the message is generated */
    const char *err_msg;  /* a message without a code (failed sign-in) */
    uint8_t bucket;
    bool attack; /* false: a near miss that must not produce a finding */
    enum caller from;
};

#define PW_STRONG                                                                                  \
    "{\"minimumPasswordLength\":16,\"requireSymbols\":true,\"requireNumbers\":true,"               \
    "\"requireUppercaseCharacters\":true,\"requireLowercaseCharacters\":true,"                     \
    "\"allowUsersToChangePassword\":true,\"maxPasswordAge\":90,\"passwordReusePrevention\":24,"    \
    "\"hardExpiry\":false}"
#define PW_WEAK                                                                                    \
    "{\"minimumPasswordLength\":6,\"requireSymbols\":false,\"requireNumbers\":false,"              \
    "\"requireUppercaseCharacters\":false,\"requireLowercaseCharacters\":false,"                   \
    "\"allowUsersToChangePassword\":true,\"maxPasswordAge\":0,\"passwordReusePrevention\":0,"      \
    "\"hardExpiry\":false}"

/* In time order on day 1; the strengthening password policy comes before the weakening one. */
static const struct scenario scenarios[] = {
    { { S_IAM, "UpdateAccountPasswordPolicy", PW_STRONG, NULL, K_NONE, F_GLOBAL },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      false },
    { { S_IAM, "UpdateAccountPasswordPolicy", PW_WEAK, NULL, K_NONE, F_GLOBAL },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { "cloudtrail.amazonaws.com", "StopLogging", NULL, NULL, K_SC_TRAIL, 0 },
      WHO_MALLORY,
      NULL,
      "AccessDenied",
      NULL,
      0,
      false },
    { { "cloudtrail.amazonaws.com", "StopLogging", NULL, NULL, K_SC_TRAIL, 0 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { "cloudtrail.amazonaws.com", "DeleteTrail", NULL, NULL, K_SC_TRAIL, 0 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { S_S3, "PutBucketLogging", NULL, NULL, K_SC_LOGGING_ON, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      2,
      false },
    { { S_S3, "PutBucketLogging", NULL, NULL, K_SC_LOGGING_OFF, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { S_IAM, "ListUsers", NULL, NULL, K_NONE, F_READ | F_GLOBAL },
      WHO_ROOT,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { S_IAM, "DeleteLoginProfile", NULL, NULL, K_NONE, F_GLOBAL },
      WHO_ROOT_SESSION,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { S_S3, "DeleteBucketPolicy", NULL, "policy", K_S3_BUCKET_SUB, F_S3 },
      WHO_ROOT_SESSION,
      NULL,
      NULL,
      NULL,
      5,
      true },
    { { S_IAM, "ListUsers", NULL, NULL, K_NONE, F_READ | F_GLOBAL },
      WHO_MALLORY,
      UA_KALI,
      NULL,
      NULL,
      0,
      true },
    { { S_STS, "GetCallerIdentity", NULL, NULL, K_NONE, F_READ },
      WHO_MALLORY,
      UA_PARROT,
      NULL,
      NULL,
      0,
      true },
    { { S_EC2, "DescribeInstances", "{\"instancesSet\":{},\"filterSet\":{}}", NULL, K_NONE,
        F_READ },
      WHO_MALLORY,
      UA_PENTOO,
      NULL,
      NULL,
      0,
      true },
    { { S_STS, "GetCallerIdentity", NULL, NULL, K_NONE, F_READ },
      WHO_MALLORY,
      "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1014-aws md/arch#x86_64 "
      "lang/python#3.11.8 md/pyimpl#CPython md/distrib#ubuntu.22 exe/x86_64.ubuntu.22 "
      "prompt/off command/sts.get-caller-identity",
      NULL,
      NULL,
      0,
      false },
    { { S_S3, "GetObject", NULL, NULL, K_S3_OBJECT, F_READ | F_DATA | F_S3 },
      WHO_MALLORY,
      UA_KALI,
      NULL,
      NULL,
      0,
      true },
    { { S_S3, "GetObject", NULL, NULL, K_S3_OBJECT, F_READ | F_DATA | F_S3 },
      WHO_MALLORY,
      UA_PARROT,
      NULL,
      NULL,
      0,
      true },
    { { S_S3, "GetObject", NULL, NULL, K_S3_OBJECT, F_READ | F_DATA | F_S3 },
      WHO_MALLORY,
      UA_PENTOO,
      NULL,
      NULL,
      0,
      true },
    { { S_S3, "PutAccountPublicAccessBlock", NULL, NULL, K_SC_ACCOUNT_PAB_OFF, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { S_S3, "PutBucketPublicAccessBlock", NULL, "true", K_SC_BUCKET_PAB, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      1,
      false },
    { { S_S3, "PutBucketPublicAccessBlock", NULL, "false", K_SC_BUCKET_PAB, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      1,
      true },
    { { S_S3, "PutBucketPublicAccessBlock", NULL, "false", K_SC_BUCKET_PAB, F_S3 },
      WHO_CFN,
      NULL,
      NULL,
      NULL,
      4,
      false },
    { { S_S3, "PutBucketPolicy", NULL, NULL, K_SC_POLICY_PRIVATE, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      5,
      false },
    { { S_S3, "PutBucketPolicy", NULL, NULL, K_SC_POLICY_VPCE, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      2,
      false },
    { { S_S3, "PutBucketPolicy", NULL, NULL, K_SC_POLICY_ANON, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      1,
      true },
    { { S_S3, "PutBucketPolicy", NULL, NULL, K_SC_POLICY_PUBLIC, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      4,
      true },
    { { S_S3, "PutBucketAcl", NULL, NULL, K_SC_ACL_AUTH_USERS, F_S3 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      2,
      true },
    { { "bedrock.amazonaws.com", "DeleteModelInvocationLoggingConfiguration", NULL, NULL, K_NONE,
        0 },
      WHO_MALLORY,
      NULL,
      NULL,
      NULL,
      0,
      true },
    { { "signin.amazonaws.com", "ConsoleLogin", NULL, NULL, K_CONSOLE_LOGIN, F_GLOBAL | F_SIGNIN },
      WHO_ROOT_CONSOLE,
      UA_BROWSER,
      NULL,
      "Failed authentication",
      0,
      false },
    /* A stolen access key used from listed addresses.  Per feed: a reconnaissance call, a change,
     * an S3 listing and an object read or change, each giving one threat-list type (see
     * detect/intel_caller.c), and then the look-alikes no list may flag. */
    { .api = { S_IAM, "ListUsers", NULL, NULL, K_NONE, F_READ | F_GLOBAL },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .attack = true,
      .from = FROM_TOR }, /* Recon:IAMUser/TorIPCaller */
    { .api = { S_IAM, "CreateUser", NULL, "support-ops", K_SC_CREATE_USER, F_GLOBAL },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .attack = true,
      .from = FROM_TOR }, /* UnauthorizedAccess:IAMUser/TorIPCaller */
    { .api = { S_S3, "ListObjects", NULL, "finance/", K_SC_S3_LIST, F_READ | F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .attack = true,
      .from = FROM_TOR }, /* Discovery:S3/TorIPCaller */
    { .api = { S_S3, "GetObject", NULL, "finance/2026-q3-forecast.xlsx", K_S3_OBJECT,
               F_READ | F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .attack = true,
      .from = FROM_TOR }, /* UnauthorizedAccess:S3/TorIPCaller */
    { .api = { S_EC2, "DescribeInstances", "{\"instancesSet\":{},\"filterSet\":{}}", NULL, K_NONE,
               F_READ },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .attack = true,
      .from = FROM_CURATED }, /* Recon:IAMUser/MaliciousIPCaller */
    { .api = { S_IAM, "CreateAccessKey", NULL, NULL, K_SC_CREATE_KEY, F_GLOBAL },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .attack = true,
      .from = FROM_CURATED }, /* UnauthorizedAccess:IAMUser/MaliciousIPCaller */
    { .api = { S_S3, "ListObjects", NULL, "db/", K_SC_S3_LIST, F_READ | F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .bucket = 2,
      .attack = true,
      .from = FROM_CURATED }, /* Discovery:S3/MaliciousIPCaller */
    { .api = { S_S3, "GetObject", NULL, "db/customers-2026-10-31.sql.gz", K_S3_OBJECT,
               F_READ | F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .bucket = 2,
      .attack = true,
      .from = FROM_CURATED }, /* Exfiltration:S3/MaliciousIPCaller */
    { .api = { S_S3, "PutObject", NULL, "db/README-RECOVER-FILES.txt", K_S3_OBJECT, F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .bucket = 2,
      .attack = true,
      .from = FROM_CURATED_NET }, /* Impact:S3/MaliciousIPCaller */
    { .api = { S_IAM, "ListAttachedUserPolicies", NULL, NULL, K_IAM_USER, F_READ | F_GLOBAL },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .attack = true,
      .from = FROM_CUSTOM }, /* Recon:IAMUser/MaliciousIPCaller.Custom */
    { .api = { S_IAM, "CreateAccessKey", NULL, "support-ops", K_SC_CREATE_KEY, F_GLOBAL },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .attack = true,
      .from = FROM_CUSTOM }, /* UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom */
    { .api = { S_S3, "ListObjects", NULL, "models/", K_SC_S3_LIST, F_READ | F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .bucket = 4,
      .attack = true,
      .from = FROM_CUSTOM }, /* Discovery:S3/MaliciousIPCaller.Custom */
    { .api = { S_S3, "PutObject", NULL, "models/.cache/sync.bin", K_S3_OBJECT, F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .bucket = 4,
      .attack = true,
      .from = FROM_CUSTOM }, /* UnauthorizedAccess:S3/MaliciousIPCaller.Custom */
    { .api = { S_IAM, "ListRoles", NULL, NULL, K_NONE, F_READ | F_GLOBAL },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_CLI,
      .from = FROM_CUSTOM_TRUSTED }, /* trusted too: the trusted list wins */
    { .api = { S_KMS, "GenerateDataKeyWithoutPlaintext", NULL, NULL, K_KMS, F_READ | F_V108 },
      .who = WHO_STOLEN_VIA_EC2 }, /* the caller is a service, not an address */
    { .api = { S_S3, "GetObject", NULL, "finance/2026-q3-forecast-vpc.xlsx", K_S3_OBJECT,
               F_READ | F_DATA | F_S3 },
      .who = WHO_STOLEN,
      .ua = UA_THIEF_SDK,
      .from = FROM_PRIVATE }, /* a VPC address, 10.b.c.x beside the curated b.c /24 */
};

/* ---- state ---------------------------------------------------------------------------------- */

struct principal {
    enum prof prof;
    uint32_t cum_weight; /* running sum of activity within the account */
    uint8_t home;        /* region slot of machines and roles */
    uint8_t n_ips;
    uint8_t n_uas;
    bool mfa;
    bool vpce;        /* EC2 reaching S3 through a gateway endpoint */
    char name[64];    /* user name, or role name */
    char session[80]; /* role session: e-mail, instance id or function name */
    char pid[24];     /* AIDA... or AROA... */
    char akid[24];    /* AKIA... (long-term) or today's ASIA... */
    char created[24]; /* today's session creationDate */
    char arn[256];
    char ips[3][16];
    char private_ip[16];
    char vpce_id[24];
    const char *uas[2];
    struct vg_sim_sink ident; /* today's userIdentity object */
};

struct account {
    char id[13];
    const char *org;
    uint8_t n_slots;
    uint8_t slot_region[MAX_SLOTS]; /* index into region_names */
    uint32_t slot_cum[MAX_SLOTS];
    int tz_windows; /* local time minus UTC, in windows */
    uint8_t bucket_slot[N_BUCKETS];
    char buckets[N_BUCKETS][64];
    char trail_bucket[64];
    char owner_id[65];
    char kms_key[37];
    char fingerprint[33];
    char sso_suffix[17];
    char attacker_ip[16];
    char listed_ip[FROM_COUNT][16]; /* by enum caller, with --attacks; FROM_ATTACKER unused */
    char listed_vpce[24];           /* the endpoint of the FROM_PRIVATE call */
    unsigned n_pr;
    uint32_t pr_total;
    struct principal *pr;
    struct principal mallory;
};

enum spec_type { T_CALL, T_SERVICE, T_SCENARIO };

/* One event to be, before rendering: enough to sort and to place it in a file. */
struct spec {
    uint64_t key;  /* slot << 56 | second of day << 32 | sequence: the file order */
    int32_t who;   /* principal index, -1 for none */
    uint16_t what; /* call or scenario index */
    uint8_t type;
    uint8_t bucket;
};

/* Everything one record needs, resolved before it is written. */
struct ev {
    const struct api *api;
    const struct principal *p; /* NULL for AWS services, root and scenario identities */
    const struct vg_sim_sink *ident;
    int64_t ms;
    const char *region;
    const char *ip;
    const char *ua;
    const char *err_code;
    const char *err_msg;
    const char *bucket;
    const char *vpce;
    const char *role;    /* AssumeRole target */
    const char *session; /* AssumeRole session name */
    bool tls;
    bool from_console;
    char key[128];
    char host[128];
};

/* The addresses of the sample threat lists, IPv4 in host order. */
#define N_TOR_EXITS 40
#define N_CURATED 30
#define N_CUSTOM 8  /* the last one is on the trusted list too */
#define N_TRUSTED 5 /* plus that one */

struct intel_sample {
    uint32_t tor[N_TOR_EXITS];
    uint32_t curated[N_CURATED];
    uint32_t curated_net; /* the curated list's /24, shifted right by 8 */
    uint32_t custom[N_CUSTOM];
    uint32_t trusted[N_TRUSTED];
};

struct gen {
    const struct vg_simulate_opts *opts;
    struct intel_sample intel;
    struct vg_simulate_stats st;
    struct vg_sim_rng rng;
    struct account *acct;
    struct principal *pr; /* every account's principals, one allocation */
    uint32_t call_cum[PROF_COUNT][VG_ARRAY_LEN(calls)];
    uint64_t win_cum[VG_SIM_WINDOWS_PER_DAY + 1];
    struct spec *specs;
    size_t spec_cap;
    struct vg_sim_sink out;               /* the file being built */
    struct vg_sim_sink scratch_ident;     /* identities built per event (root, services, sign-in) */
    struct vg_sim_sink digest[MAX_SLOTS]; /* logFiles entries of the account-day, per region */
    int64_t dig_oldest[MAX_SLOTS], dig_newest[MAX_SLOTS];
    struct vg_buf key;      /* the file being built, relative to out_dir */
    struct vg_buf prev_key; /* the previous digest's */
    struct vg_sim_pool *pool;
    struct vg_flows *flows; /* the fleet; NULL without flow or query logs */
    struct vg_dns_sim *dns; /* NULL without query logs */
    struct vg_flows_account *flow_accts;
    int64_t day; /* index of the day being generated */
    int64_t day_ms;
    char date[11];  /* "YYYY-MM-DD" of day_ms */
    char msg[1024]; /* the current record's errorMessage */
};

/* ---- setup ---------------------------------------------------------------------------------- */

static void random_ip(struct vg_sim_rng *r, const uint8_t *octets, size_t n, char *out)
{
    snprintf(out, 16, "%u.%u.%u.%u", octets[vg_sim_below(r, n)], (unsigned)vg_sim_below(r, 256),
             (unsigned)vg_sim_below(r, 256), 1 + (unsigned)vg_sim_below(r, 254));
}

/* "first.last" (and "@<domain>.com" when domain is given); unique for every k. */
static void human_name(char *out, size_t cap, unsigned k, const char *domain)
{
    unsigned idx = k % 256, round = k / 256;
    unsigned f = idx % 16, l = (idx / 16 + f) % 16;
    int n = snprintf(out, cap, "%s.%s", first_names[f], last_names[l]);
    if (round && n > 0 && (size_t)n < cap)
        n += snprintf(out + n, cap - (size_t)n, "%u", round + 1);
    if (domain && n > 0 && (size_t)n < cap)
        snprintf(out + n, cap - (size_t)n, "@%s.com", domain);
}

/* name, or name-N when a short list wraps around */
static void list_name(char *out, size_t cap, const char *base, unsigned k, size_t list_len)
{
    if (k < list_len)
        snprintf(out, cap, "%s", base);
    else
        snprintf(out, cap, "%s-%u", base, (unsigned)(k / list_len) + 1);
}

static uint8_t draw_slot(struct vg_sim_rng *r, const struct account *a)
{
    uint64_t x = vg_sim_below(r, a->slot_cum[a->n_slots - 1]);
    uint8_t s = 0;
    while (x >= a->slot_cum[s])
        s++;
    return s;
}

static void principal_init(struct gen *g, struct account *a, struct principal *p, unsigned i,
                           unsigned counters[PROF_COUNT], unsigned name_off)
{
    struct vg_sim_rng *r = &g->rng;
    char rand17[18];
    p->prof = prof_cycle[i % VG_ARRAY_LEN(prof_cycle)];
    /* CLI and console users draw from one pool of people, so no name is used twice */
    unsigned k = counters[p->prof == PROF_CONSOLE ? PROF_CLI : p->prof]++;
    p->home = draw_slot(r, a);
    p->mfa = vg_sim_per_mille(r, 800);
    VG_SIM_RAND_CHARS(r, rand17, 17, KEY_CHARS);

    switch (p->prof) {
    case PROF_CLI:
    case PROF_CONSOLE:
    case PROF_CI:
        if (p->prof == PROF_CI)
            list_name(p->name, sizeof(p->name), ci_names[k % VG_ARRAY_LEN(ci_names)], k,
                      VG_ARRAY_LEN(ci_names));
        else
            human_name(p->name, sizeof(p->name), k + name_off, NULL);
        snprintf(p->pid, sizeof(p->pid), "AIDA%s", rand17);
        memcpy(p->akid, "AKIA", 4);
        VG_SIM_RAND_CHARS(r, p->akid + 4, 16, KEY_CHARS);
        snprintf(p->arn, sizeof(p->arn), "arn:aws:iam::%s:user/%s", a->id, p->name);
        p->n_ips = (uint8_t)(1 + vg_sim_below(r, 3));
        for (unsigned j = 0; j < p->n_ips; j++)
            if (p->prof == PROF_CI)
                random_ip(r, runner_octets, sizeof(runner_octets), p->ips[j]);
            else
                random_ip(r, human_octets, sizeof(human_octets), p->ips[j]);
        if (p->prof == PROF_CI) {
            p->uas[0] = ua_ci[0];
            p->uas[1] = ua_ci[1];
            p->n_uas = 2;
        } else {
            p->uas[0] = VG_SIM_PICK(r, ua_cli);
            p->uas[1] = VG_SIM_PICK(r, ua_cli);
            p->n_uas = (uint8_t)(1 + vg_sim_below(r, 2));
        }
        return;
    case PROF_ROLE: {
        const char *base = role_names[k % VG_ARRAY_LEN(role_names)];
        if (k % VG_ARRAY_LEN(role_names) < 2) {
            snprintf(p->name, sizeof(p->name), "%s_%s", base, a->sso_suffix);
            human_name(p->session, sizeof(p->session), (unsigned)vg_sim_below(r, 256), a->org);
        } else {
            list_name(p->name, sizeof(p->name), base, k, VG_ARRAY_LEN(role_names));
            snprintf(p->session, sizeof(p->session), "botocore-session-%" PRIu64,
                     1790000000 + vg_sim_below(r, 9000000));
        }
        p->n_ips = 2;
        random_ip(r, human_octets, sizeof(human_octets), p->ips[0]);
        random_ip(r, aws_octets, sizeof(aws_octets), p->ips[1]);
        p->uas[0] = VG_SIM_PICK(r, ua_app);
        p->uas[1] = VG_SIM_PICK(r, ua_cli);
        p->n_uas = 2;
        p->mfa = false;
        break;
    }
    case PROF_LAMBDA: {
        char tag[9];
        VG_SIM_RAND_CHARS(r, tag, 8, LOWER_ALNUM);
        list_name(p->session, sizeof(p->session), fn_names[k % VG_ARRAY_LEN(fn_names)], k,
                  VG_ARRAY_LEN(fn_names));
        snprintf(p->name, sizeof(p->name), "%s-role-%s", p->session, tag);
        p->n_ips = 3;
        for (unsigned j = 0; j < 3; j++)
            random_ip(r, aws_octets, sizeof(aws_octets), p->ips[j]);
        p->uas[0] = VG_SIM_PICK(r, ua_lambda);
        p->n_uas = 1;
        p->mfa = false;
        break;
    }
    default: { /* PROF_EC2 */
        char iid[17];
        VG_SIM_RAND_CHARS(r, iid, 16, HEX);
        list_name(p->name, sizeof(p->name), ec2_roles[k % VG_ARRAY_LEN(ec2_roles)], k,
                  VG_ARRAY_LEN(ec2_roles));
        snprintf(p->session, sizeof(p->session), "i-0%s", iid);
        p->n_ips = 1;
        random_ip(r, aws_octets, sizeof(aws_octets), p->ips[0]);
        snprintf(p->private_ip, sizeof(p->private_ip), "10.%u.%u.%u", (unsigned)vg_sim_below(r, 4),
                 (unsigned)vg_sim_below(r, 256), 4 + (unsigned)vg_sim_below(r, 250));
        p->vpce = vg_sim_per_mille(r, 500);
        VG_SIM_RAND_CHARS(r, iid, 16, HEX);
        snprintf(p->vpce_id, sizeof(p->vpce_id), "vpce-0%s", iid);
        p->uas[0] = VG_SIM_PICK(r, ua_ec2);
        p->n_uas = 1;
        p->mfa = false;
        break;
    }
    }
    snprintf(p->pid, sizeof(p->pid), "AROA%s", rand17);
    snprintf(p->arn, sizeof(p->arn), "arn:aws:sts::%s:assumed-role/%s/%s", a->id, p->name,
             p->session);
}

static bool is_user(const struct principal *p)
{
    return p->prof == PROF_CLI || p->prof == PROF_CONSOLE || p->prof == PROF_CI;
}

/* The userIdentity object of p; with_key false is the console sign-in shape. */
static void build_ident(struct vg_sim_sink *s, const struct account *a, const struct principal *p,
                        bool with_key)
{
    vg_buf_reset(&s->b);
    if (is_user(p)) {
        VG_SIM_PUT(s, "{\"type\":\"IAMUser\",\"principalId\":");
        put_str(s, p->pid);
        VG_SIM_PUT(s, ",\"arn\":");
        put_str(s, p->arn);
        VG_SIM_PUT(s, ",\"accountId\":");
        put_str(s, a->id);
        if (with_key) {
            VG_SIM_PUT(s, ",\"accessKeyId\":");
            put_str(s, p->akid);
        }
        VG_SIM_PUT(s, ",\"userName\":");
        put_str(s, p->name);
        if (with_key && p->prof == PROF_CONSOLE) {
            VG_SIM_PUT(s, ",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},"
                          "\"attributes\":{\"creationDate\":");
            put_str(s, p->created);
            VG_SIM_PUT(s, ",\"mfaAuthenticated\":");
            put_str(s, p->mfa ? "true" : "false");
            VG_SIM_PUT(s, "}}");
        }
        VG_SIM_PUT(s, "}");
        return;
    }
    VG_SIM_PUT(s, "{\"type\":\"AssumedRole\",\"principalId\":");
    put_strf(s, "%s:%s", p->pid, p->session);
    VG_SIM_PUT(s, ",\"arn\":");
    put_str(s, p->arn);
    VG_SIM_PUT(s, ",\"accountId\":");
    put_str(s, a->id);
    VG_SIM_PUT(s, ",\"accessKeyId\":");
    put_str(s, p->akid);
    VG_SIM_PUT(s, ",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":");
    put_str(s, p->pid);
    VG_SIM_PUT(s, ",\"arn\":");
    put_strf(s, "arn:aws:iam::%s:role/%s", a->id, p->name);
    VG_SIM_PUT(s, ",\"accountId\":");
    put_str(s, a->id);
    VG_SIM_PUT(s, ",\"userName\":");
    put_str(s, p->name);
    VG_SIM_PUT(s, "},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":");
    put_str(s, p->created);
    VG_SIM_PUT(s, ",\"mfaAuthenticated\":\"false\"}");
    if (p->prof == PROF_EC2)
        VG_SIM_PUT(s, ",\"ec2RoleDelivery\":\"2.0\"");
    VG_SIM_PUT(s, "}}");
}

static void account_init(struct gen *g, struct account *a, struct principal *pr, unsigned n_pr)
{
    static const int8_t tz_hours[] = { -8, -5, -5, 0, 1, 2, 9, 10 };
    struct vg_sim_rng *r = &g->rng;
    char tag[9];

    a->id[0] = (char)('1' + vg_sim_below(r, 9));
    vg_sim_rand_chars(r, a->id + 1, 11, "0123456789", 10);
    a->org = VG_SIM_PICK(r, orgs);

    /* us-east-1 carries most of the traffic; two to four other regions share the rest */
    uint8_t pool[VG_ARRAY_LEN(region_names) - 1];
    for (size_t i = 0; i < VG_ARRAY_LEN(pool); i++)
        pool[i] = (uint8_t)(i + 1);
    a->n_slots = (uint8_t)(3 + vg_sim_below(r, MAX_SLOTS - 2));
    a->slot_region[0] = 0;
    a->slot_cum[0] = (uint32_t)(55 + vg_sim_below(r, 20));
    for (unsigned s = 1; s < a->n_slots; s++) {
        size_t j = s - 1 + vg_sim_below(r, VG_ARRAY_LEN(pool) - (s - 1));
        uint8_t t = pool[s - 1];
        pool[s - 1] = pool[j];
        pool[j] = t;
        a->slot_region[s] = pool[s - 1];
        a->slot_cum[s] = a->slot_cum[s - 1] + (uint32_t)(5 + vg_sim_below(r, 20));
    }
    a->tz_windows = VG_SIM_PICK(r, tz_hours) * (3600 / VG_SIM_WINDOW_S);

    VG_SIM_RAND_CHARS(r, a->sso_suffix, 16, HEX);
    for (unsigned i = 0; i < N_BUCKETS; i++) {
        VG_SIM_RAND_CHARS(r, tag, 6, LOWER_ALNUM);
        if (i < VG_ARRAY_LEN(bucket_purposes)) {
            snprintf(a->buckets[i], sizeof(a->buckets[i]), "%s-%s-%s", a->org, bucket_purposes[i],
                     tag);
            a->bucket_slot[i] = 0;
        } else {
            a->bucket_slot[i] = (uint8_t)(i - VG_ARRAY_LEN(bucket_purposes) + 1);
            snprintf(a->buckets[i], sizeof(a->buckets[i]), "%s-replica-%s-%s", a->org,
                     region_names[a->slot_region[a->bucket_slot[i]]], tag);
        }
    }
    VG_SIM_RAND_CHARS(r, tag, 8, HEX);
    snprintf(a->trail_bucket, sizeof(a->trail_bucket), "aws-cloudtrail-logs-%s-%s", a->id, tag);
    VG_SIM_RAND_CHARS(r, a->owner_id, 64, HEX);
    rand_uuid(r, a->kms_key);
    a->kms_key[36] = '\0';
    VG_SIM_RAND_CHARS(r, a->fingerprint, 32, HEX);
    random_ip(r, human_octets, sizeof(human_octets), a->attacker_ip);

    struct principal *m = &a->mallory;
    m->prof = PROF_CLI;
    snprintf(m->name, sizeof(m->name), "mallory");
    memcpy(m->pid, "AIDA", 4);
    VG_SIM_RAND_CHARS(r, m->pid + 4, 17, KEY_CHARS);
    memcpy(m->akid, "AKIA", 4);
    VG_SIM_RAND_CHARS(r, m->akid + 4, 16, KEY_CHARS);
    snprintf(m->arn, sizeof(m->arn), "arn:aws:iam::%s:user/mallory", a->id);
    memcpy(m->ips[0], a->attacker_ip, sizeof(a->attacker_ip));
    m->n_ips = 1;
    m->uas[0] = UA_MALLORY;
    m->n_uas = 1;

    unsigned counters[PROF_COUNT] = { 0 };
    unsigned name_off = (unsigned)vg_sim_below(r, 256);
    a->pr = pr;
    a->n_pr = n_pr;
    a->pr_total = 0;
    for (unsigned i = 0; i < n_pr; i++) {
        principal_init(g, a, &pr[i], i, counters, name_off);
        a->pr_total += prof_activity[pr[i].prof] * (uint32_t)(1 + vg_sim_below(r, 4));
        pr[i].cum_weight = a->pr_total;
    }
}

/* New session keys and identities for the day: temporary credentials do not outlive it. */
static int account_refresh(struct gen *g, struct account *a)
{
    struct vg_sim_rng *r = &g->rng;
    for (unsigned i = 0; i <= a->n_pr; i++) {
        struct principal *p = i < a->n_pr ? &a->pr[i] : &a->mallory;
        if (!is_user(p) || p->prof == PROF_CONSOLE) {
            memcpy(p->akid, "ASIA", 4);
            VG_SIM_RAND_CHARS(r, p->akid + 4, 16, KEY_CHARS);
            vg_sim_fmt_time(g->day_ms - (int64_t)(60 + vg_sim_below(r, 3600)) * 1000, p->created);
        }
        build_ident(&p->ident, a, p, true);
        if (p->ident.err)
            return p->ident.err;
    }
    return VG_OK;
}

/* ---- sample threat lists ----------------------------------------------------------------------
 *
 * With attacks the run also writes the lists a user would hand to `vigil scan`: Tor exit nodes
 * in the Tor Project's exit-addresses format, a curated list, the user's own threat list and a
 * trusted list.  Every address is public (vigil refuses private and documentation ones) and has
 * a first octet normal traffic never uses (human_octets, aws_octets, runner_octets), so only
 * scenarios call from a listed address.  No address is on two lists except the one meant to be
 * on both.  The lists have a random stream of their own, so asking for attacks does not change
 * the accounts.
 */

/* Tor relays crowd into a few hosting networks: three octets and how many /24s follow. */
static const uint8_t tor_nets[][4] = {
    { 185, 220, 100, 4 }, { 204, 8, 96, 4 }, { 171, 25, 193, 1 }, { 199, 249, 230, 1 }
};
static const uint8_t curated_octets[] = { 45, 91, 141, 193 };
static const uint8_t custom_octets[] = { 37, 62, 146 };
static const uint8_t trusted_octets[] = { 64, 66 };

struct intel_draw {
    uint32_t taken[N_TOR_EXITS + N_CURATED + N_CUSTOM + N_TRUSTED];
    size_t n_taken;
    uint32_t net; /* the curated /24, shifted right by 8 */
};

/* A new address in [base, base + span): not .0 or .255, on no list yet, outside the curated /24
 * (so an address there has exactly one entry to match). */
static uint32_t fresh_ip(struct vg_sim_rng *r, struct intel_draw *d, uint32_t base, uint32_t span)
{
    for (;;) {
        uint32_t ip = base + (uint32_t)vg_sim_below(r, span);
        bool ok = (ip & 255) != 0 && (ip & 255) != 255 && ip >> 8 != d->net;
        for (size_t i = 0; ok && i < d->n_taken; i++)
            ok = d->taken[i] != ip;
        if (ok)
            return d->taken[d->n_taken++] = ip;
    }
}

static uint32_t first_octet(struct vg_sim_rng *r, const uint8_t *octets, size_t n)
{
    return (uint32_t)octets[vg_sim_below(r, n)] << 24;
}

static void intel_draw(struct intel_sample *s, struct vg_sim_rng *r)
{
    struct intel_draw d = { .n_taken = 0 };
    d.net = first_octet(r, curated_octets, sizeof(curated_octets)) >> 8 |
            (uint32_t)vg_sim_below(r, 65536);
    s->curated_net = d.net;
    for (unsigned i = 0; i < N_TOR_EXITS; i++) {
        const uint8_t *t = tor_nets[vg_sim_below(r, VG_ARRAY_LEN(tor_nets))];
        s->tor[i] = fresh_ip(
            r, &d, (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8, t[3] * 256u);
    }
    for (unsigned i = 0; i < N_CURATED; i++)
        s->curated[i] =
            fresh_ip(r, &d, first_octet(r, curated_octets, sizeof(curated_octets)), 1u << 24);
    for (unsigned i = 0; i < N_CUSTOM; i++)
        s->custom[i] =
            fresh_ip(r, &d, first_octet(r, custom_octets, sizeof(custom_octets)), 1u << 24);
    for (unsigned i = 0; i < N_TRUSTED; i++)
        s->trusted[i] =
            fresh_ip(r, &d, first_octet(r, trusted_octets, sizeof(trusted_octets)), 1u << 24);
}

/* The listed addresses account ai calls from; accounts share the lists. */
static void account_listed(struct account *a, unsigned ai, const struct intel_sample *s,
                           struct vg_sim_rng *r)
{
    char hex[17];
    vg_sim_fmt_ip4(s->tor[ai % N_TOR_EXITS], a->listed_ip[FROM_TOR]);
    vg_sim_fmt_ip4(s->curated[ai % N_CURATED], a->listed_ip[FROM_CURATED]);
    vg_sim_fmt_ip4(s->curated_net << 8 | (uint32_t)(1 + vg_sim_below(r, 254)),
                   a->listed_ip[FROM_CURATED_NET]);
    vg_sim_fmt_ip4(s->custom[ai % (N_CUSTOM - 1)], a->listed_ip[FROM_CUSTOM]);
    vg_sim_fmt_ip4(s->custom[N_CUSTOM - 1], a->listed_ip[FROM_CUSTOM_TRUSTED]);
    /* 10.b.c.x for the curated b.c: the /24 must not match on its lower octets */
    vg_sim_fmt_ip4(10u << 24 | (s->curated_net & 0xffff) << 8 |
                       (uint32_t)(1 + vg_sim_below(r, 254)),
                   a->listed_ip[FROM_PRIVATE]);
    VG_SIM_RAND_CHARS(r, hex, 16, HEX);
    snprintf(a->listed_vpce, sizeof(a->listed_vpce), "vpce-0%s", hex);
}

/* ---- one record ----------------------------------------------------------------------------- */

/* The IAM/CLI service name of an event source: "ec2.amazonaws.com" -> "ec2". */
static size_t service_prefix(const char *source, char *out, size_t cap, bool cli)
{
    size_t n = strcspn(source, ".");
    const char *s = source;
    if (n == 10 && memcmp(source, "monitoring", 10) == 0) {
        s = "cloudwatch";
        n = 10;
    } else if (cli && n == 2 && memcmp(source, "s3", 2) == 0) {
        s = "s3api";
        n = 5;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
    return n;
}

/* The IAM action of an event name: versioned Lambda names lose their API date. */
static void action_name(const char *name, char *out, size_t cap)
{
    size_t n = strcspn(name, "0123456789");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

static void set_error(struct gen *g, struct ev *e, const char *arn)
{
    char svc[32], action[64];
    const struct api *api = e->api;
    bool ec2 = strcmp(api->source, S_EC2) == 0;
    service_prefix(api->source, svc, sizeof(svc), false);
    action_name(api->name, action, sizeof(action));
    if (api->flags & F_S3) {
        e->err_code = "AccessDenied";
        e->err_msg = "Access Denied";
    } else if (vg_sim_per_mille(&g->rng, 300)) {
        e->err_code = ec2 ? "Client.RequestLimitExceeded" : "ThrottlingException";
        e->err_msg = ec2 ? "Request limit exceeded." : "Rate exceeded";
    } else {
        e->err_code = ec2 ? "Client.UnauthorizedOperation" : "AccessDenied";
        snprintf(g->msg, sizeof(g->msg),
                 "%sUser: %s is not authorized to perform: %s:%s because no identity-based "
                 "policy allows the %s:%s action",
                 ec2 ? "You are not authorized to perform this operation. " : "", arn, svc, action,
                 svc, action);
        e->err_msg = g->msg;
    }
}

static void set_s3_host(struct ev *e, const char *region)
{
    if (strcmp(region, "us-east-1") == 0)
        snprintf(e->host, sizeof(e->host), "%s.s3.amazonaws.com", e->bucket);
    else
        snprintf(e->host, sizeof(e->host), "%s.s3.%s.amazonaws.com", e->bucket, region);
}

static const char *pick_ua(struct gen *g, const struct principal *p, const struct api *api)
{
    if (p->prof == PROF_CONSOLE) {
        if (api->flags & F_SIGNIN)
            return UA_BROWSER;
        if (api->flags & F_S3)
            return UA_S3_CONSOLE;
        return vg_sim_per_mille(&g->rng, 500) ? "console.amazonaws.com" : "AWS Internal";
    }
    if (p->prof == PROF_EC2 && strcmp(api->source, S_SSM) == 0)
        return UA_SSM_AGENT;
    return p->uas[vg_sim_below(&g->rng, p->n_uas)];
}

static void prepare_call(struct gen *g, struct account *a, const struct spec *sp, struct ev *e)
{
    struct vg_sim_rng *r = &g->rng;
    const struct principal *p = &a->pr[sp->who];
    const struct call *c = &calls[sp->what];
    e->api = &c->api;
    e->p = p;
    e->ident = &p->ident;
    e->ip = p->ips[vg_sim_below(r, p->n_ips)];
    e->ua = pick_ua(g, p, e->api);
    e->bucket = a->buckets[sp->bucket];
    e->tls = vg_sim_per_mille(r, 850);
    e->from_console = p->prof == PROF_CONSOLE;
    if (c->api.kind == K_S3_BUCKET_SUB || c->api.kind == K_S3_OBJECT)
        set_s3_host(e, e->region);
    if (c->api.kind == K_S3_OBJECT) {
        char tag[9];
        VG_SIM_RAND_CHARS(r, tag, 8, HEX);
        snprintf(e->key, sizeof(e->key), "%s/dt=%s/part-%05u-%s%s", VG_SIM_PICK(r, key_prefixes),
                 g->date, (unsigned)vg_sim_below(r, 2000), tag, VG_SIM_PICK(r, key_exts));
    }
    if (c->api.kind == K_STS_ASSUME_ROLE) {
        e->role = VG_SIM_PICK(r, assume_targets);
        e->session = p->prof == PROF_ROLE ? p->session : p->name;
    }
    if (c->api.flags & F_SIGNIN) {
        build_ident(&g->scratch_ident, a, p, false);
        e->ident = &g->scratch_ident;
        e->from_console = false;
        e->tls = true;
    } else if (vg_sim_per_mille(r, ERROR_PER_MILLE)) {
        set_error(g, e, p->arn);
    }
    if (p->prof == PROF_EC2 && p->vpce && (c->api.flags & F_S3)) {
        e->ip = p->private_ip;
        e->vpce = p->vpce_id;
    }
}

static void service_ident(struct vg_sim_sink *s, const char *invoked_by)
{
    vg_buf_reset(&s->b);
    VG_SIM_PUT(s, "{\"type\":\"AWSService\",\"invokedBy\":");
    put_str(s, invoked_by);
    VG_SIM_PUT(s, "}");
}

static void prepare_service(struct gen *g, struct account *a, const struct spec *sp, struct ev *e)
{
    const struct principal *p = &a->pr[sp->who];
    const char *svc;
    if (p->prof == PROF_EC2 || p->prof == PROF_LAMBDA) {
        /* the service fetching the credentials the instance or function then uses */
        svc = p->prof == PROF_EC2 ? "ec2.amazonaws.com" : "lambda.amazonaws.com";
        e->api = &svc_assume_role;
        e->role = p->name;
        e->session = p->session;
    } else {
        /* the trail checking it may still write to its bucket */
        svc = "cloudtrail.amazonaws.com";
        e->api = &svc_trail_acl;
        e->bucket = a->trail_bucket;
        set_s3_host(e, "us-east-1");
    }
    service_ident(&g->scratch_ident, svc);
    e->ident = &g->scratch_ident;
    e->ip = svc;
    e->ua = svc;
}

static void prepare_scenario(struct gen *g, struct account *a, const struct spec *sp, struct ev *e)
{
    const struct scenario *sc = &scenarios[sp->what];
    struct vg_sim_sink *s = &g->scratch_ident;
    char key[24], created[24];
    e->api = &sc->api;
    e->bucket = a->buckets[sc->bucket];
    if ((sc->api.flags & F_S3) && sc->api.kind != K_SC_ACCOUNT_PAB_OFF)
        set_s3_host(e, e->region);
    e->ip = a->attacker_ip;
    e->ua = sc->ua ? sc->ua : UA_MALLORY;
    e->err_code = sc->err_code;
    e->err_msg = sc->err_msg;
    e->tls = true;
    e->ident = s;
    if (sc->api.kind == K_S3_OBJECT)
        snprintf(e->key, sizeof(e->key), "%s",
                 sc->api.arg ? sc->api.arg : "finance/payroll/2026-10-payroll.csv");

    switch (sc->who) {
    case WHO_MALLORY:
        e->p = &a->mallory;
        e->ident = &a->mallory.ident;
        break;
    case WHO_ROOT:
    case WHO_ROOT_SESSION:
    case WHO_ROOT_CONSOLE:
        vg_buf_reset(&s->b);
        VG_SIM_PUT(s, "{\"type\":\"Root\",\"principalId\":");
        put_str(s, a->id);
        VG_SIM_PUT(s, ",\"arn\":");
        put_strf(s, "arn:aws:iam::%s:root", a->id);
        VG_SIM_PUT(s, ",\"accountId\":");
        put_str(s, a->id);
        if (sc->who != WHO_ROOT_CONSOLE) {
            memcpy(key, sc->who == WHO_ROOT ? "AKIA" : "ASIA", 4);
            VG_SIM_RAND_CHARS(&g->rng, key + 4, 16, KEY_CHARS);
            VG_SIM_PUT(s, ",\"accessKeyId\":");
            put_str(s, key);
        }
        if (sc->who == WHO_ROOT_SESSION) {
            /* sts:AssumeRoot from the management account, two minutes earlier */
            vg_sim_fmt_time(e->ms - 120000, created);
            VG_SIM_PUT(s, ",\"sessionContext\":{\"attributes\":{\"creationDate\":");
            put_str(s, created);
            VG_SIM_PUT(s, ",\"mfaAuthenticated\":\"false\"},\"assumedRoot\":\"true\"}");
        }
        VG_SIM_PUT(s, "}");
        break;
    case WHO_CFN:
        service_ident(s, "cloudformation.amazonaws.com");
        e->ip = e->ua = "cloudformation.amazonaws.com";
        e->tls = false;
        break;
    case WHO_STOLEN:
        e->p = &a->pr[0];
        e->ident = &a->pr[0].ident;
        break;
    case WHO_STOLEN_VIA_EC2: {
        /* the user's identity, marked as invoked by the service that called */
        const struct vg_buf *id = &a->pr[0].ident.b;
        vg_buf_reset(&s->b);
        vg_sim_put(s, id->data, id->len - 1);
        VG_SIM_PUT(s, ",\"invokedBy\":\"ec2.amazonaws.com\"}");
        e->p = &a->pr[0];
        e->ip = e->ua = "ec2.amazonaws.com";
        e->tls = false;
        break;
    }
    }
    if (sc->from != FROM_ATTACKER)
        e->ip = a->listed_ip[sc->from];
    if (sc->from == FROM_PRIVATE)
        e->vpce = a->listed_vpce;
    if (sc->err_code) {
        char svc[32];
        service_prefix(sc->api.source, svc, sizeof(svc), false);
        snprintf(g->msg, sizeof(g->msg),
                 "User: %s is not authorized to perform: %s:%s because no identity-based "
                 "policy allows the %s:%s action",
                 a->mallory.arn, svc, sc->api.name, svc, sc->api.name);
        e->err_msg = g->msg;
    }
    if (sc->attack)
        g->st.attacks++;
}

/* n random characters of a set, written raw: callers use sets that need no escaping. */
static void put_rand(struct vg_sim_sink *o, struct vg_sim_rng *r, size_t n, const char *set,
                     size_t setlen)
{
    char tmp[64];
    while (n) {
        size_t k = n < sizeof(tmp) ? n : sizeof(tmp);
        for (size_t i = 0; i < k; i++)
            tmp[i] = set[vg_sim_below(r, setlen)];
        vg_sim_put(o, tmp, k);
        n -= k;
    }
}

#define PUT_RAND(o, r, n, set) put_rand((o), (r), (n), (set), sizeof(set) - 1)

static void put_uuid(struct vg_sim_sink *o, struct vg_sim_rng *r)
{
    char u[36];
    rand_uuid(r, u);
    vg_sim_put(o, u, sizeof(u));
}

/* The user agent, with the `command/` tail aws-cli v2 appends ("command/ec2.describe-instances").
 */
static void put_ua(struct vg_sim_sink *o, const char *ua, const struct api *api)
{
    size_t n = strlen(ua);
    if (n < 8 || memcmp(ua + n - 8, "command/", 8) != 0) {
        put_strn(o, ua, n);
        return;
    }
    char buf[512];
    if (n + 80 > sizeof(buf))
        VG_BUG("user agent too long");
    memcpy(buf, ua, n);
    n += service_prefix(api->source, buf + n, 32, true);
    buf[n++] = '.';
    for (const char *c = api->name; *c && !(*c >= '0' && *c <= '9') && n < sizeof(buf) - 2; c++) {
        if (*c >= 'A' && *c <= 'Z') {
            if (c != api->name)
                buf[n++] = '-';
            buf[n++] = (char)(*c - 'A' + 'a');
        } else {
            buf[n++] = *c;
        }
    }
    put_strn(o, buf, n);
}

static void put_event_time(struct vg_sim_sink *o, const char *date, uint32_t sod)
{
    char t[22];
    unsigned h = sod / 3600, m = sod / 60 % 60, s = sod % 60;
    t[0] = '"';
    memcpy(t + 1, date, 10);
    t[11] = 'T';
    t[12] = (char)('0' + h / 10);
    t[13] = (char)('0' + h % 10);
    t[14] = ':';
    t[15] = (char)('0' + m / 10);
    t[16] = (char)('0' + m % 10);
    t[17] = ':';
    t[18] = (char)('0' + s / 10);
    t[19] = (char)('0' + s % 10);
    t[20] = 'Z';
    t[21] = '"';
    vg_sim_put(o, t, sizeof(t));
}

/* "Nov 1, 2026, 1:03:12 AM": how STS writes credential expiry in responseElements (and IAM its
 * createDate). */
static void put_expiration(struct vg_sim_sink *o, int64_t ms)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    char iso[24];
    vg_sim_fmt_time(ms, iso);
    unsigned mon = (unsigned)(iso[5] - '0') * 10 + (unsigned)(iso[6] - '0');
    unsigned day = (unsigned)(iso[8] - '0') * 10 + (unsigned)(iso[9] - '0');
    unsigned hour = (unsigned)(iso[11] - '0') * 10 + (unsigned)(iso[12] - '0');
    put_strf(o, "%s %u, %.4s, %u:%.5s %s", months[(mon - 1) % 12], day, iso,
             hour % 12 ? hour % 12 : 12, iso + 14, hour < 12 ? "AM" : "PM");
}

static void put_bucket_policy(struct vg_sim_sink *o, const struct account *a, const struct ev *e)
{
    const char *b = e->bucket;
    VG_SIM_PUT(o, "{\"bucketPolicy\":{\"Version\":\"2012-10-17\",\"Statement\":[");
    switch (e->api->kind) {
    case K_SC_POLICY_ANON:
        VG_SIM_PUT(o, "{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                      "\"Action\":\"s3:GetObject\",\"Resource\":");
        put_strf(o, "arn:aws:s3:::%s/*", b);
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_POLICY_PUBLIC:
        VG_SIM_PUT(o, "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                      "\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":[");
        put_strf(o, "arn:aws:s3:::%s", b);
        VG_SIM_PUT(o, ",");
        put_strf(o, "arn:aws:s3:::%s/*", b);
        VG_SIM_PUT(o,
                   "],\"Condition\":{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*\"}}}");
        break;
    case K_SC_POLICY_PRIVATE:
        VG_SIM_PUT(o, "{\"Sid\":\"AccountRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":");
        put_strf(o, "arn:aws:iam::%s:root", a->id);
        VG_SIM_PUT(o, "},\"Action\":\"s3:GetObject\",\"Resource\":");
        put_strf(o, "arn:aws:s3:::%s/*", b);
        VG_SIM_PUT(o, "}");
        break;
    default: /* K_SC_POLICY_VPCE */
        VG_SIM_PUT(o, "{\"Sid\":\"VpceOnly\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                      "\"Action\":\"s3:GetObject\",\"Resource\":");
        put_strf(o, "arn:aws:s3:::%s/*", b);
        VG_SIM_PUT(o, ",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1a2b3c4d\"}}}");
        break;
    }
    VG_SIM_PUT(o, "]},\"bucketName\":");
    put_str(o, b);
    VG_SIM_PUT(o, ",\"Host\":");
    put_str(o, e->host);
    VG_SIM_PUT(o, ",\"policy\":\"\"}");
}

/* The caller's own instance, or some instance of the account's. */
static const char *instance_id(struct vg_sim_rng *r, const struct principal *p, char *buf)
{
    if (p && p->prof == PROF_EC2)
        return p->session;
    memcpy(buf, "i-0", 3);
    VG_SIM_RAND_CHARS(r, buf + 3, 16, HEX);
    return buf;
}

/* requestParameters.  Also sets *target, a name responseElements repeats. */
static void put_params(struct gen *g, const struct account *a, struct ev *e, const char **target)
{
    struct vg_sim_sink *o = &g->out;
    struct vg_sim_rng *r = &g->rng;
    const struct api *api = e->api;
    const struct principal *p = e->p;
    char iid[24], t0[24], t1[24];
    if (api->params) {
        vg_sim_put(o, api->params, strlen(api->params));
        return;
    }
    switch (api->kind) {
    case K_EC2_TAGS_FILTER:
        VG_SIM_PUT(o,
                   "{\"filterSet\":{\"items\":[{\"name\":\"resource-id\",\"valueSet\":{\"items\":"
                   "[{\"value\":");
        put_str(o, instance_id(r, p, iid));
        VG_SIM_PUT(o, "}]}}]}}");
        break;
    case K_EC2_CREATE_TAGS:
        VG_SIM_PUT(o, "{\"resourcesSet\":{\"items\":[{\"resourceId\":");
        put_str(o, instance_id(r, p, iid));
        VG_SIM_PUT(o,
                   "}]},\"tagSet\":{\"items\":[{\"key\":\"Owner\",\"value\":\"platform-team\"}]}}");
        break;
    case K_S3_BUCKET_SUB:
        VG_SIM_PUT(o, "{\"bucketName\":");
        put_str(o, e->bucket);
        VG_SIM_PUT(o, ",\"Host\":");
        put_str(o, e->host);
        VG_SIM_PUT(o, ",");
        put_str(o, api->arg);
        VG_SIM_PUT(o, ":\"\"}");
        break;
    case K_S3_OBJECT:
        VG_SIM_PUT(o, "{\"bucketName\":");
        put_str(o, e->bucket);
        VG_SIM_PUT(o, ",\"Host\":");
        put_str(o, e->host);
        VG_SIM_PUT(o, ",\"key\":");
        put_str(o, e->key);
        VG_SIM_PUT(o, "}");
        break;
    case K_IAM_ROLE:
        VG_SIM_PUT(o, "{\"roleName\":");
        put_str(o, VG_SIM_PICK(r, assume_targets));
        VG_SIM_PUT(o, "}");
        break;
    case K_IAM_USER:
        VG_SIM_PUT(o, "{\"userName\":");
        put_str(o, p->name);
        VG_SIM_PUT(o, "}");
        break;
    case K_STS_ASSUME_ROLE:
        VG_SIM_PUT(o, "{\"roleArn\":");
        put_strf(o, "arn:aws:iam::%s:role/%s", a->id, e->role);
        VG_SIM_PUT(o, ",\"roleSessionName\":");
        put_str(o, e->session);
        VG_SIM_PUT(o, ",\"durationSeconds\":3600}");
        break;
    case K_KMS:
        VG_SIM_PUT(o, "{\"keyId\":");
        put_strf(o, "arn:aws:kms:%s:%s:key/%s", e->region, a->id, a->kms_key);
        VG_SIM_PUT(o, ",\"keySpec\":\"AES_256\"}");
        break;
    case K_LOGS_CREATE_STREAM:
        *target = p && p->prof == PROF_LAMBDA ? p->session : VG_SIM_PICK(r, fn_names);
        VG_SIM_PUT(o, "{\"logGroupName\":");
        put_strf(o, "/aws/lambda/%s", *target);
        VG_SIM_PUT(o, ",\"logStreamName\":\"");
        vg_sim_put(o, g->date, 4);
        VG_SIM_PUT(o, "/");
        vg_sim_put(o, g->date + 5, 2);
        VG_SIM_PUT(o, "/");
        vg_sim_put(o, g->date + 8, 2);
        VG_SIM_PUT(o, "/[$LATEST]");
        PUT_RAND(o, r, 32, HEX);
        VG_SIM_PUT(o, "\"}");
        break;
    case K_LAMBDA_FN:
    case K_LAMBDA_UPDATE:
        *target = VG_SIM_PICK(r, fn_names);
        VG_SIM_PUT(o, "{\"functionName\":");
        put_str(o, *target);
        if (api->kind == K_LAMBDA_UPDATE)
            VG_SIM_PUT(o, ",\"publish\":true,\"dryRun\":false");
        VG_SIM_PUT(o, "}");
        break;
    case K_CW_METRIC_STATS:
        vg_sim_fmt_time(e->ms - 3600000, t0);
        vg_sim_fmt_time(e->ms, t1);
        VG_SIM_PUT(o, "{\"namespace\":\"AWS/EC2\",\"metricName\":\"CPUUtilization\",\"dimensions\":"
                      "[{\"name\":\"InstanceId\",\"value\":");
        put_str(o, instance_id(r, p, iid));
        VG_SIM_PUT(o, "}],\"startTime\":");
        put_str(o, t0);
        VG_SIM_PUT(o, ",\"endTime\":");
        put_str(o, t1);
        VG_SIM_PUT(o, ",\"period\":300,\"statistics\":[\"Average\"]}");
        break;
    case K_SSM_GET_PARAM:
        VG_SIM_PUT(o, "{\"name\":");
        put_strf(o, "/prod/%s/%s", VG_SIM_PICK(r, apps), VG_SIM_PICK(r, app_params));
        VG_SIM_PUT(o, ",\"withDecryption\":true}");
        break;
    case K_SSM_UPDATE_INFO:
        VG_SIM_PUT(o, "{\"instanceId\":");
        put_str(o, instance_id(r, p, iid));
        VG_SIM_PUT(o,
                   ",\"agentVersion\":\"3.2.1705.0\",\"agentStatus\":\"Active\",\"platformType\":"
                   "\"Linux\",\"platformName\":\"Amazon Linux\",\"platformVersion\":\"2023\","
                   "\"iPAddress\":");
        put_str(o, p ? p->private_ip : "10.0.0.10");
        VG_SIM_PUT(o, ",\"agentName\":\"amazon-ssm-agent\",\"availabilityZone\":");
        put_strf(o, "%sa", e->region);
        VG_SIM_PUT(o, "}");
        break;
    case K_SSM_PUT_PARAM:
        VG_SIM_PUT(o, "{\"name\":");
        put_strf(o, "/prod/%s/release", VG_SIM_PICK(r, apps));
        VG_SIM_PUT(o, ",\"type\":\"String\",\"overwrite\":true}");
        break;
    case K_DDB_TABLE:
        VG_SIM_PUT(o, "{\"tableName\":");
        put_str(o, VG_SIM_PICK(r, tables));
        VG_SIM_PUT(o, "}");
        break;
    case K_SECRET:
        VG_SIM_PUT(o, "{\"secretId\":");
        put_strf(o, "prod/%s/db-credentials", VG_SIM_PICK(r, apps));
        VG_SIM_PUT(o, "}");
        break;
    case K_CFN_STACK:
        VG_SIM_PUT(o, "{\"stackName\":");
        put_str(o, VG_SIM_PICK(r, stacks));
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_TRAIL:
        VG_SIM_PUT(o, "{\"name\":");
        put_strf(o, "arn:aws:cloudtrail:%s:%s:trail/%s", TRAIL_REGION, a->id, TRAIL_NAME);
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_LOGGING_OFF:
    case K_SC_LOGGING_ON:
        VG_SIM_PUT(o, "{\"bucketName\":");
        put_str(o, e->bucket);
        VG_SIM_PUT(
            o, ",\"BucketLoggingStatus\":{\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\"");
        if (api->kind == K_SC_LOGGING_ON) {
            VG_SIM_PUT(o, ",\"LoggingEnabled\":{\"TargetBucket\":");
            put_str(o, a->buckets[3]);
            VG_SIM_PUT(o, ",\"TargetPrefix\":\"x/\"}");
        }
        VG_SIM_PUT(o, "},\"Host\":");
        put_str(o, e->host);
        VG_SIM_PUT(o, ",\"logging\":\"\"}");
        break;
    case K_SC_ACCOUNT_PAB_OFF:
        VG_SIM_PUT(o,
                   "{\"PublicAccessBlockConfiguration\":{\"xmlns\":"
                   "\"http://s3-control.amazonaws.com/doc/2018-08-20/\",\"BlockPublicAcls\":false,"
                   "\"IgnorePublicAcls\":false,\"BlockPublicPolicy\":false,"
                   "\"RestrictPublicBuckets\":false},\"x-amz-account-id\":");
        put_str(o, a->id);
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_BUCKET_PAB:
        VG_SIM_PUT(o, "{\"publicAccessBlock\":\"\",\"bucketName\":");
        put_str(o, e->bucket);
        VG_SIM_PUT(o, ",\"PublicAccessBlockConfiguration\":{\"xmlns\":"
                      "\"http://s3.amazonaws.com/doc/2006-03-01/\",\"RestrictPublicBuckets\":");
        vg_sim_put(o, api->arg, strlen(api->arg));
        VG_SIM_PUT(o, ",\"BlockPublicPolicy\":");
        vg_sim_put(o, api->arg, strlen(api->arg));
        VG_SIM_PUT(o, ",\"BlockPublicAcls\":");
        vg_sim_put(o, api->arg, strlen(api->arg));
        VG_SIM_PUT(o, ",\"IgnorePublicAcls\":");
        vg_sim_put(o, api->arg, strlen(api->arg));
        VG_SIM_PUT(o, "},\"Host\":");
        put_str(o, e->host);
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_POLICY_ANON:
    case K_SC_POLICY_PUBLIC:
    case K_SC_POLICY_PRIVATE:
    case K_SC_POLICY_VPCE: put_bucket_policy(o, a, e); break;
    case K_SC_S3_LIST:
        VG_SIM_PUT(o, "{\"list-type\":\"2\",\"bucketName\":");
        put_str(o, e->bucket);
        VG_SIM_PUT(o, ",\"encoding-type\":\"url\",\"max-keys\":\"1000\",\"prefix\":");
        put_str(o, api->arg);
        VG_SIM_PUT(o, ",\"delimiter\":\"/\",\"Host\":");
        put_str(o, e->host);
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_CREATE_USER:
    case K_SC_CREATE_KEY:
        *target = api->arg ? api->arg : p->name;
        VG_SIM_PUT(o, "{\"userName\":");
        put_str(o, *target);
        VG_SIM_PUT(o, "}");
        break;
    case K_SC_ACL_AUTH_USERS:
        VG_SIM_PUT(o, "{\"bucketName\":");
        put_str(o, e->bucket);
        VG_SIM_PUT(o, ",\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":[{\"Grantee\":"
                      "{\"xsi:type\":\"Group\",\"URI\":"
                      "\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\","
                      "\"xmlns:xsi\":\"http://www.w3.org/2001/XMLSchema-instance\"},"
                      "\"Permission\":\"READ\"}]},\"Owner\":{\"ID\":");
        put_str(o, a->owner_id);
        VG_SIM_PUT(o, "},\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\"},\"Host\":");
        put_str(o, e->host);
        VG_SIM_PUT(o, ",\"acl\":\"\"}");
        break;
    case K_NONE:
    case K_CONSOLE_LOGIN: VG_SIM_PUT(o, "null"); break;
    }
}

static void put_response(struct gen *g, const struct account *a, const struct ev *e,
                         const char *target)
{
    struct vg_sim_sink *o = &g->out;
    struct vg_sim_rng *r = &g->rng;
    switch (e->api->kind) {
    case K_EC2_CREATE_TAGS:
        VG_SIM_PUT(o, "{\"requestId\":\"");
        put_uuid(o, r);
        VG_SIM_PUT(o, "\",\"_return\":true}");
        return;
    case K_S3_OBJECT:
        if (e->api->flags & F_READ)
            break;
        VG_SIM_PUT(o, "{\"x-amz-server-side-encryption\":\"AES256\"}");
        return;
    case K_STS_ASSUME_ROLE: {
        char role_id[18];
        VG_SIM_PUT(o, "{\"credentials\":{\"accessKeyId\":\"ASIA");
        PUT_RAND(o, r, 16, KEY_CHARS);
        VG_SIM_PUT(o, "\",\"sessionToken\":\"IQoJb3JpZ2luX2VjE");
        PUT_RAND(o, r, 96, B64);
        VG_SIM_PUT(o, "\",\"expiration\":");
        put_expiration(o, e->ms + 3600000);
        VG_SIM_RAND_CHARS(r, role_id, 17, KEY_CHARS);
        VG_SIM_PUT(o, "},\"assumedRoleUser\":{\"assumedRoleId\":");
        put_strf(o, "AROA%s:%s", role_id, e->session);
        VG_SIM_PUT(o, ",\"arn\":");
        put_strf(o, "arn:aws:sts::%s:assumed-role/%s/%s", a->id, e->role, e->session);
        VG_SIM_PUT(o, "}}");
        return;
    }
    case K_LAMBDA_UPDATE:
        VG_SIM_PUT(o, "{\"functionName\":");
        put_str(o, target);
        VG_SIM_PUT(o, ",\"functionArn\":");
        put_strf(o, "arn:aws:lambda:%s:%s:function:%s", e->region, a->id, target);
        VG_SIM_PUT(o, ",\"runtime\":\"python3.11\",\"codeSize\":");
        vg_sim_put_u64(o, 20000 + vg_sim_below(r, 5000000));
        VG_SIM_PUT(o, ",\"state\":\"Active\",\"lastUpdateStatus\":\"InProgress\"}");
        return;
    case K_SSM_PUT_PARAM:
        VG_SIM_PUT(o, "{\"version\":");
        vg_sim_put_u64(o, 1 + vg_sim_below(r, 400));
        VG_SIM_PUT(o, ",\"tier\":\"Standard\"}");
        return;
    case K_SC_CREATE_USER: {
        char id[18];
        VG_SIM_RAND_CHARS(r, id, 17, KEY_CHARS);
        VG_SIM_PUT(o, "{\"user\":{\"path\":\"/\",\"userName\":");
        put_str(o, target);
        VG_SIM_PUT(o, ",\"userId\":");
        put_strf(o, "AIDA%s", id);
        VG_SIM_PUT(o, ",\"arn\":");
        put_strf(o, "arn:aws:iam::%s:user/%s", a->id, target);
        VG_SIM_PUT(o, ",\"createDate\":");
        put_expiration(o, e->ms);
        VG_SIM_PUT(o, "}}");
        return;
    }
    case K_SC_CREATE_KEY:
        VG_SIM_PUT(o, "{\"accessKey\":{\"userName\":");
        put_str(o, target);
        VG_SIM_PUT(o, ",\"accessKeyId\":\"AKIA");
        PUT_RAND(o, r, 16, KEY_CHARS);
        VG_SIM_PUT(o, "\",\"status\":\"Active\",\"createDate\":");
        put_expiration(o, e->ms);
        VG_SIM_PUT(o, "}}");
        return;
    case K_CONSOLE_LOGIN:
        if (e->err_msg)
            VG_SIM_PUT(o, "{\"ConsoleLogin\":\"Failure\"}");
        else
            VG_SIM_PUT(o, "{\"ConsoleLogin\":\"Success\"}");
        return;
    default: break;
    }
    VG_SIM_PUT(o, "null");
}

static void put_additional(struct gen *g, const struct ev *e)
{
    struct vg_sim_sink *o = &g->out;
    struct vg_sim_rng *r = &g->rng;
    const struct api *api = e->api;
    if (api->flags & F_S3) {
        uint64_t in = 0, out = 0;
        if (!(api->flags & F_READ))
            in =
                api->flags & F_DATA ? 1024 + vg_sim_below(r, 8u << 20) : 200 + vg_sim_below(r, 800);
        else if (strcmp(api->name, "GetObject") == 0)
            out = 512 + vg_sim_below(r, 16u << 20);
        else if (strcmp(api->name, "HeadObject") != 0)
            out = 100 + vg_sim_below(r, 3000);
        VG_SIM_PUT(o, ",\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":"
                      "\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":");
        vg_sim_put_u64(o, in);
        VG_SIM_PUT(o, ",\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"");
        PUT_RAND(o, r, 76, B64);
        VG_SIM_PUT(o, "\",\"bytesTransferredOut\":");
        vg_sim_put_u64(o, e->err_code ? 243 : out);
        VG_SIM_PUT(o, "}");
    } else if (api->kind == K_CONSOLE_LOGIN) {
        char state[17];
        bool mfa = e->p && e->p->mfa && !e->err_msg;
        VG_SIM_RAND_CHARS(r, state, 16, HEX);
        VG_SIM_PUT(o, ",\"additionalEventData\":{\"LoginTo\":");
        put_strf(o,
                 "https://console.aws.amazon.com/console/home?hashArgs=%%23&isauthcode=true"
                 "&state=hashArgsFromTB_us-east-1_%s",
                 state);
        VG_SIM_PUT(o, ",\"MobileVersion\":\"No\"");
        if (mfa) {
            VG_SIM_PUT(o, ",\"MFAIdentifier\":");
            put_strf(o, "arn:aws:iam::%.12s:mfa/%s", e->p->arn + 13, e->p->name);
        }
        VG_SIM_PUT(o, ",\"MFAUsed\":");
        put_str(o, mfa ? "Yes" : "No");
        VG_SIM_PUT(o, "}");
    }
}

static void put_bucket_resource(struct vg_sim_sink *o, const struct account *a, const char *bucket)
{
    VG_SIM_PUT(o, "{\"accountId\":");
    put_str(o, a->id);
    VG_SIM_PUT(o, ",\"type\":\"AWS::S3::Bucket\",\"ARN\":");
    put_strf(o, "arn:aws:s3:::%s", bucket);
    VG_SIM_PUT(o, "}");
}

static void put_resources(struct gen *g, const struct account *a, const struct ev *e)
{
    struct vg_sim_sink *o = &g->out;
    switch (e->api->kind) {
    case K_S3_BUCKET_SUB:
    case K_SC_LOGGING_OFF:
    case K_SC_LOGGING_ON:
    case K_SC_BUCKET_PAB:
    case K_SC_POLICY_ANON:
    case K_SC_POLICY_PUBLIC:
    case K_SC_POLICY_PRIVATE:
    case K_SC_POLICY_VPCE:
    case K_SC_ACL_AUTH_USERS:
    case K_SC_S3_LIST:
        VG_SIM_PUT(o, ",\"resources\":[");
        put_bucket_resource(o, a, e->bucket);
        VG_SIM_PUT(o, "]");
        break;
    case K_S3_OBJECT:
        VG_SIM_PUT(o, ",\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":");
        put_strf(o, "arn:aws:s3:::%s/%s", e->bucket, e->key);
        VG_SIM_PUT(o, "},");
        put_bucket_resource(o, a, e->bucket);
        VG_SIM_PUT(o, "]");
        break;
    case K_STS_ASSUME_ROLE:
        VG_SIM_PUT(o, ",\"resources\":[{\"accountId\":");
        put_str(o, a->id);
        VG_SIM_PUT(o, ",\"type\":\"AWS::IAM::Role\",\"ARN\":");
        put_strf(o, "arn:aws:iam::%s:role/%s", a->id, e->role);
        VG_SIM_PUT(o, "}]");
        break;
    case K_KMS:
        VG_SIM_PUT(o, ",\"resources\":[{\"accountId\":");
        put_str(o, a->id);
        VG_SIM_PUT(o, ",\"type\":\"AWS::KMS::Key\",\"ARN\":");
        put_strf(o, "arn:aws:kms:%s:%s:key/%s", e->region, a->id, a->kms_key);
        VG_SIM_PUT(o, "}]");
        break;
    default: break;
    }
}

static void put_tls(struct gen *g, const struct account *a, const struct ev *e)
{
    struct vg_sim_sink *o = &g->out;
    const struct api *api = e->api;
    bool v13 = vg_sim_per_mille(&g->rng, 800);
    VG_SIM_PUT(o, ",\"tlsDetails\":{\"tlsVersion\":");
    put_str(o, v13 ? "TLSv1.3" : "TLSv1.2");
    VG_SIM_PUT(o, ",\"cipherSuite\":");
    put_str(o, v13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
    VG_SIM_PUT(o, ",\"clientProvidedHostHeader\":");
    size_t svc_len = strcspn(api->source, ".");
    if (e->host[0])
        put_str(o, e->host);
    else if (api->flags & F_SIGNIN)
        put_str(o, "signin.aws.amazon.com");
    else if (api->kind == K_SC_ACCOUNT_PAB_OFF)
        put_strf(o, "%s.s3-control.%s.amazonaws.com", a->id, e->region);
    else if (api->flags & F_GLOBAL)
        put_strf(o, "%.*s.amazonaws.com", (int)svc_len, api->source);
    else
        put_strf(o, "%.*s.%s.amazonaws.com", (int)svc_len, api->source, e->region);
    VG_SIM_PUT(o, "}");
}

static void put_event(struct gen *g, const struct account *a, struct ev *e, uint32_t sod)
{
    struct vg_sim_sink *o = &g->out;
    struct vg_sim_rng *r = &g->rng;
    const struct api *api = e->api;
    const char *target = NULL;
    if (api->flags & F_V108)
        VG_SIM_PUT(o, "{\"eventVersion\":\"1.08\",\"userIdentity\":");
    else
        VG_SIM_PUT(o, "{\"eventVersion\":\"1.09\",\"userIdentity\":");
    vg_sim_put(o, e->ident->b.data, e->ident->b.len);
    VG_SIM_PUT(o, ",\"eventTime\":");
    put_event_time(o, g->date, sod);
    VG_SIM_PUT(o, ",\"eventSource\":");
    put_str(o, api->source);
    VG_SIM_PUT(o, ",\"eventName\":");
    put_str(o, api->name);
    VG_SIM_PUT(o, ",\"awsRegion\":");
    put_str(o, e->region);
    VG_SIM_PUT(o, ",\"sourceIPAddress\":");
    put_str(o, e->ip);
    VG_SIM_PUT(o, ",\"userAgent\":");
    put_ua(o, e->ua, api);
    if (e->err_code) {
        VG_SIM_PUT(o, ",\"errorCode\":");
        put_str(o, e->err_code);
    }
    if (e->err_msg) {
        VG_SIM_PUT(o, ",\"errorMessage\":");
        put_str(o, e->err_msg);
    }
    VG_SIM_PUT(o, ",\"requestParameters\":");
    put_params(g, a, e, &target);
    VG_SIM_PUT(o, ",\"responseElements\":");
    if (e->err_code)
        VG_SIM_PUT(o, "null");
    else
        put_response(g, a, e, target);
    put_additional(g, e);
    if (!(api->flags & F_SIGNIN)) {
        VG_SIM_PUT(o, ",\"requestID\":\"");
        if (api->flags & F_S3)
            PUT_RAND(o, r, 16, UPHEX);
        else
            put_uuid(o, r);
        VG_SIM_PUT(o, "\"");
    }
    VG_SIM_PUT(o, ",\"eventID\":\"");
    put_uuid(o, r);
    VG_SIM_PUT(o, "\",\"readOnly\":");
    put_bool(o, api->flags & F_READ);
    put_resources(g, a, e);
    if (api->flags & F_SIGNIN)
        VG_SIM_PUT(o, ",\"eventType\":\"AwsConsoleSignIn\"");
    else
        VG_SIM_PUT(o, ",\"eventType\":\"AwsApiCall\"");
    VG_SIM_PUT(o, ",\"managementEvent\":");
    put_bool(o, !(api->flags & F_DATA));
    VG_SIM_PUT(o, ",\"recipientAccountId\":");
    put_str(o, a->id);
    if (e->vpce) {
        VG_SIM_PUT(o, ",\"vpcEndpointId\":");
        put_str(o, e->vpce);
        VG_SIM_PUT(o, ",\"vpcEndpointAccountId\":");
        put_str(o, a->id);
    }
    if (api->flags & F_DATA)
        VG_SIM_PUT(o, ",\"eventCategory\":\"Data\"");
    else
        VG_SIM_PUT(o, ",\"eventCategory\":\"Management\"");
    if (e->tls)
        put_tls(g, a, e);
    if (e->from_console)
        VG_SIM_PUT(o, ",\"sessionCredentialFromConsole\":\"true\"");
    VG_SIM_PUT(o, "}");
}

static void render_spec(struct gen *g, struct account *a, const struct spec *sp)
{
    struct ev e;
    uint8_t slot = (uint8_t)(sp->key >> 56);
    uint32_t sod = (uint32_t)(sp->key >> 32) & 0xffffff;
    memset(&e, 0, offsetof(struct ev, key));
    e.key[0] = e.host[0] = '\0';
    e.ms = g->day_ms + (int64_t)sod * 1000;
    e.region = region_names[a->slot_region[slot]];
    switch (sp->type) {
    case T_CALL: prepare_call(g, a, sp, &e); break;
    case T_SERVICE: prepare_service(g, a, sp, &e); break;
    default: prepare_scenario(g, a, sp, &e); break;
    }
    put_event(g, a, &e, sod);
}

/* ---- files ---------------------------------------------------------------------------------- */

/* "YYYY-MM-DD HH:MM:SS", as the exit list writes times. */
static void fmt_tor_time(int64_t ms, char out[21])
{
    vg_sim_fmt_time(ms, out);
    out[10] = ' ';
    out[19] = '\0';
}

/* One relay per address, last tested in the day before day0_ms. */
static void render_tor_list(struct vg_sim_sink *o, const struct intel_sample *s,
                            struct vg_sim_rng *r, int64_t day0_ms)
{
    char fp[41], published[21], status[21], tested[21], ip[16];
    for (unsigned i = 0; i < N_TOR_EXITS; i++) {
        int64_t pub_ms = day0_ms - (int64_t)(6 * 3600 + vg_sim_below(r, 24 * 3600)) * 1000;
        VG_SIM_RAND_CHARS(r, fp, 40, UPHEX);
        fmt_tor_time(pub_ms, published);
        fmt_tor_time(day0_ms - (int64_t)vg_sim_below(r, 2) * 3600000, status);
        fmt_tor_time(pub_ms + (int64_t)vg_sim_below(r, 5 * 3600) * 1000, tested);
        vg_sim_fmt_ip4(s->tor[i], ip);
        vg_sim_putf(o, "ExitNode %s\nPublished %s\nLastStatus %s\nExitAddress %s %s\n", fp,
                    published, status, ip, tested);
    }
}

static void render_txt(struct vg_sim_sink *o, const char *header, const char *date,
                       const uint32_t *ips, size_t n)
{
    char ip[16];
    vg_sim_putf(o, "# %s, %s\n", header, date);
    for (size_t i = 0; i < n; i++) {
        vg_sim_fmt_ip4(ips[i], ip);
        vg_sim_putf(o, "%s\n", ip);
    }
}

/* The four lists into <out>/intel/. */
static int write_lists(struct gen *g, struct vg_sim_rng *r, int64_t day0_ms)
{
    static const char *const names[] = { "tor-exit-addresses.txt", "malicious-ips.txt",
                                         "custom-threats.txt", "trusted-ips.txt" };
    const struct intel_sample *s = &g->intel;
    struct vg_sim_sink o = { VG_BUF_INIT, VG_OK };
    struct vg_buf path = VG_BUF_INIT;
    char date[24], ip[16];
    int rc = VG_OK;
    vg_sim_fmt_time(day0_ms, date);
    date[10] = '\0';

    if ((rc = vg_buf_printf(&path, "%s/intel", g->opts->out_dir)))
        goto out;
    if (mkdir(path.data, 0755) != 0 && errno != EEXIST) {
        rc = vg_sim_io_error("create", path.data);
        goto out;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++) {
        vg_buf_reset(&o.b);
        switch (i) {
        case 0: render_tor_list(&o, s, r, day0_ms); break;
        case 1:
            render_txt(&o, "vigil sample curated list", date, s->curated, N_CURATED);
            vg_sim_putf(&o, "%u.%u.%u.0/24  # bulletproof hosting\n", s->curated_net >> 16,
                        s->curated_net >> 8 & 255, s->curated_net & 255);
            break;
        case 2:
            render_txt(&o, "our own threat list: addresses from past incidents", date, s->custom,
                       N_CUSTOM);
            break;
        default:
            render_txt(&o, "trusted: office and VPN egress", date, s->trusted, N_TRUSTED);
            vg_sim_fmt_ip4(s->custom[N_CUSTOM - 1], ip);
            vg_sim_putf(&o, "%s  # the pentest vendor, also on custom-threats.txt\n", ip);
            if (g->flows)
                vg_flows_put_trusted(g->flows, &o);
            break;
        }
        if ((rc = vg_sim_write_intel(&o, &path, g->opts->out_dir, names[i])))
            goto out;
    }
    if (g->flows)
        rc = vg_flows_write_lists(g->flows, date);
    if (rc == VG_OK && g->dns)
        rc = vg_dns_sim_write_lists(g->dns, date);
out:
    vg_buf_release(&o.b);
    vg_buf_release(&path);
    return rc;
}

/* Hand the object being built (g->key, g->out) to the writers. */
static int submit(struct gen *g)
{
    g->st.files++;
    g->st.bytes_uncompressed += g->out.b.len;
    return vg_sim_pool_submit(g->pool, VG_SIM_CLOUDTRAIL, &g->key, &g->out.b);
}

/* The events of one account, region and window: one CloudTrail object. */
static int write_log_file(struct gen *g, struct account *a, unsigned w, const struct spec *sp,
                          size_t n)
{
    int rc = VG_OK;
    uint8_t slot = (uint8_t)(sp[0].key >> 56);
    const char *region = region_names[a->slot_region[slot]];
    char end[24], oldest[24], newest[24], tag[17];

    vg_buf_reset(&g->out.b);
    VG_SIM_PUT(&g->out, "{\"Records\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            VG_SIM_PUT(&g->out, ",");
        render_spec(g, a, &sp[i]);
    }
    VG_SIM_PUT(&g->out, "]}");
    if ((rc = g->out.err))
        goto out;
    g->st.events += n;

    /* named for its delivery, at the end of the window, as CloudTrail does */
    vg_sim_fmt_time(g->day_ms + (int64_t)(w + 1) * VG_SIM_WINDOW_S * 1000, end);
    VG_SIM_RAND_CHARS(&g->rng, tag, 16, ALNUM);
    vg_buf_reset(&g->key);
    if ((rc = vg_buf_printf(&g->key,
                            "AWSLogs/%s/CloudTrail/%s/%.4s/%.2s/%.2s/%s_CloudTrail_%s_"
                            "%.4s%.2s%.2sT%.2s%.2sZ_%s.json.gz",
                            a->id, region, end, end + 5, end + 8, a->id, region, end, end + 5,
                            end + 8, end + 11, end + 14, tag)))
        goto out;

    int64_t first_ms = g->day_ms + (int64_t)((sp[0].key >> 32) & 0xffffff) * 1000;
    int64_t last_ms = g->day_ms + (int64_t)((sp[n - 1].key >> 32) & 0xffffff) * 1000;
    vg_sim_fmt_time(first_ms, oldest);
    vg_sim_fmt_time(last_ms, newest);
    if (first_ms < g->dig_oldest[slot])
        g->dig_oldest[slot] = first_ms;
    if (last_ms > g->dig_newest[slot])
        g->dig_newest[slot] = last_ms;
    struct vg_sim_sink *d = &g->digest[slot];
    if (d->b.len)
        VG_SIM_PUT(d, ",");
    VG_SIM_PUT(d, "{\"s3Bucket\":");
    put_str(d, a->trail_bucket);
    VG_SIM_PUT(d, ",\"s3Object\":");
    put_strn(d, g->key.data, g->key.len);
    /* Placeholder hashes: real ones would only matter with a real signature, which needs
     * AWS's private key. */
    VG_SIM_PUT(d, ",\"hashValue\":\"");
    PUT_RAND(d, &g->rng, 64, HEX);
    VG_SIM_PUT(d, "\",\"hashAlgorithm\":\"SHA-256\",\"newestEventTime\":");
    put_str(d, newest);
    VG_SIM_PUT(d, ",\"oldestEventTime\":");
    put_str(d, oldest);
    VG_SIM_PUT(d, "}");
    if ((rc = d->err))
        goto out;
    rc = submit(g);
out:
    return rc;
}

/* Hex that both a digest and its successor can recompute, as previousDigestSignature needs. */
static void derived_hex(uint64_t seed, char *out, size_t n)
{
    for (size_t i = 0; i < n; i += 16) {
        uint64_t v = vg_sim_splitmix64(&seed);
        for (size_t j = 0; j < 16 && i + j < n; j++)
            out[i + j] = HEX[(v >> (60 - 4 * j)) & 15];
    }
    out[n] = '\0';
}

static uint64_t digest_seed(const struct gen *g, unsigned ai, unsigned slot, int64_t day,
                            uint64_t salt)
{
    uint64_t x = g->opts->seed ^ salt;
    x ^= vg_sim_splitmix64(&x) + ai;
    x ^= vg_sim_splitmix64(&x) + slot;
    x ^= vg_sim_splitmix64(&x) + (uint64_t)day;
    return vg_sim_splitmix64(&x);
}

static int digest_key(struct vg_buf *b, const struct account *a, const char *region, int64_t end_ms)
{
    char end[24];
    vg_sim_fmt_time(end_ms, end);
    vg_buf_reset(b);
    return vg_buf_printf(b,
                         "AWSLogs/%s/CloudTrail-Digest/%s/%.4s/%.2s/%.2s/%s_CloudTrail-Digest_%s_"
                         "%s_%s_%.4s%.2s%.2sT%.2s%.2s%.2sZ.json.gz",
                         a->id, region, end, end + 5, end + 8, a->id, region, TRAIL_NAME,
                         TRAIL_REGION, end, end + 5, end + 8, end + 11, end + 14, end + 17);
}

/* One digest per account, region and day, chained to the previous day's like CloudTrail's
 * hourly ones. */
static int write_digest(struct gen *g, struct account *a, unsigned ai, unsigned slot)
{
    int rc = VG_OK;
    struct vg_sim_sink *o = &g->out;
    const char *region = region_names[a->slot_region[slot]];
    char t[24], hex[513];

    vg_buf_reset(&o->b);
    VG_SIM_PUT(o, "{\"awsAccountId\":");
    put_str(o, a->id);
    VG_SIM_PUT(o, ",\"digestStartTime\":");
    vg_sim_fmt_time(g->day_ms, t);
    put_str(o, t);
    VG_SIM_PUT(o, ",\"digestEndTime\":");
    vg_sim_fmt_time(g->day_ms + VG_SIM_DAY_MS, t);
    put_str(o, t);
    VG_SIM_PUT(o, ",\"digestS3Bucket\":");
    put_str(o, a->trail_bucket);
    if ((rc = digest_key(&g->key, a, region, g->day_ms + VG_SIM_DAY_MS)))
        goto out;
    VG_SIM_PUT(o, ",\"digestS3Object\":");
    put_strn(o, g->key.data, g->key.len);
    VG_SIM_PUT(o, ",\"digestPublicKeyFingerprint\":");
    put_str(o, a->fingerprint);
    VG_SIM_PUT(o, ",\"digestSignatureAlgorithm\":\"SHA256withRSA\",\"newestEventTime\":");
    if (g->digest[slot].b.len) {
        vg_sim_fmt_time(g->dig_newest[slot], t);
        put_str(o, t);
        VG_SIM_PUT(o, ",\"oldestEventTime\":");
        vg_sim_fmt_time(g->dig_oldest[slot], t);
        put_str(o, t);
    } else {
        VG_SIM_PUT(o, "null,\"oldestEventTime\":null");
    }
    if (g->day == 0) {
        VG_SIM_PUT(o, ",\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,"
                      "\"previousDigestHashValue\":null,\"previousDigestHashAlgorithm\":null,"
                      "\"previousDigestSignature\":null");
    } else {
        if ((rc = digest_key(&g->prev_key, a, region, g->day_ms)))
            goto out;
        VG_SIM_PUT(o, ",\"previousDigestS3Bucket\":");
        put_str(o, a->trail_bucket);
        VG_SIM_PUT(o, ",\"previousDigestS3Object\":");
        put_strn(o, g->prev_key.data, g->prev_key.len);
        VG_SIM_PUT(o, ",\"previousDigestHashValue\":");
        derived_hex(digest_seed(g, ai, slot, g->day - 1, 0x68617368), hex, 64);
        put_str(o, hex);
        VG_SIM_PUT(o, ",\"previousDigestHashAlgorithm\":\"SHA-256\",\"previousDigestSignature\":");
        derived_hex(digest_seed(g, ai, slot, g->day - 1, 0x736967), hex, 512);
        put_str(o, hex);
    }
    VG_SIM_PUT(o, ",\"logFiles\":[");
    vg_sim_put(o, g->digest[slot].b.data, g->digest[slot].b.len);
    VG_SIM_PUT(o, "]}");
    if ((rc = o->err))
        goto out;
    rc = submit(g);
out:
    return rc;
}

/* ---- the day loop -----------------------------------------------------------------------------
 */

static int cmp_spec(const void *x, const void *y)
{
    uint64_t a = ((const struct spec *)x)->key, b = ((const struct spec *)y)->key;
    return (a > b) - (a < b);
}

static int grow_specs(struct gen *g, size_t need)
{
    if (need <= g->spec_cap)
        return VG_OK;
    size_t cap = g->spec_cap ? g->spec_cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > SIZE_MAX / sizeof(struct spec))
        return VG_ENOMEM;
    struct spec *p = realloc(g->specs, cap * sizeof(struct spec));
    if (!p)
        return VG_ENOMEM;
    g->specs = p;
    g->spec_cap = cap;
    return VG_OK;
}

static uint32_t pick_principal(struct gen *g, const struct account *a)
{
    uint64_t x = vg_sim_below(&g->rng, a->pr_total);
    uint32_t lo = 0, hi = a->n_pr - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (a->pr[mid].cum_weight > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static uint16_t pick_call(struct gen *g, enum prof prof)
{
    const uint32_t *cum = g->call_cum[prof];
    uint64_t x = vg_sim_below(&g->rng, cum[VG_ARRAY_LEN(calls) - 1]);
    uint16_t i = 0;
    while (cum[i] <= x)
        i++;
    return i;
}

static void draw_spec(struct gen *g, const struct account *a, unsigned w, struct spec *sp)
{
    struct vg_sim_rng *r = &g->rng;
    uint32_t who = pick_principal(g, a);
    const struct principal *p = &a->pr[who];
    bool machine = p->prof == PROF_ROLE || p->prof == PROF_LAMBDA || p->prof == PROF_EC2;
    uint64_t sod = (uint64_t)w * VG_SIM_WINDOW_S + vg_sim_below(r, VG_SIM_WINDOW_S);
    uint8_t slot;
    sp->who = (int32_t)who;
    sp->bucket = 0;
    if (vg_sim_per_mille(r, SERVICE_PER_MILLE)) {
        sp->type = T_SERVICE;
        sp->what = 0;
        slot = p->prof == PROF_EC2 || p->prof == PROF_LAMBDA ? p->home : 0;
    } else {
        sp->type = T_CALL;
        sp->what = pick_call(g, p->prof);
        const struct api *api = &calls[sp->what].api;
        if (api->kind == K_S3_BUCKET_SUB || api->kind == K_S3_OBJECT) {
            sp->bucket = (uint8_t)vg_sim_below(r, N_BUCKETS);
            slot = a->bucket_slot[sp->bucket]; /* S3 logs a call in the bucket's region */
        } else if (api->flags & F_GLOBAL) {
            slot = 0;
        } else if (machine && vg_sim_per_mille(r, 900)) {
            slot = p->home;
        } else {
            slot = draw_slot(r, a);
        }
    }
    sp->key = (uint64_t)slot << 56 | sod << 32;
}

static int write_window(struct gen *g, struct account *a, unsigned w, uint64_t n)
{
    int rc = VG_OK;
    bool scenes = g->day == 0 && g->opts->attacks;
    size_t k = 0;
    if (n > UINT32_MAX) {
        rc = VG_ELIMIT; /* the sequence number in spec.key has 32 bits */
        goto out;
    }
    if ((rc = grow_specs(g, (size_t)n + (scenes ? VG_ARRAY_LEN(scenarios) : 0))))
        goto out;
    for (; k < n; k++) {
        draw_spec(g, a, w, &g->specs[k]);
        g->specs[k].key |= k;
    }
    for (size_t i = 0; scenes && i < VG_ARRAY_LEN(scenarios); i++) {
        uint64_t sod = SCENARIO_START_S + i * SCENARIO_STEP_S;
        if (sod / VG_SIM_WINDOW_S != w)
            continue;
        struct spec *sp = &g->specs[k];
        sp->key = sod << 32 | k; /* slot 0: us-east-1, where every scenario bucket lives */
        sp->who = -1;
        sp->what = (uint16_t)i;
        sp->type = T_SCENARIO;
        sp->bucket = 0;
        k++;
    }
    if (k > 1)
        qsort(g->specs, k, sizeof(struct spec), cmp_spec);
    for (size_t i = 0; i < k;) {
        size_t j = i + 1;
        while (j < k && g->specs[j].key >> 56 == g->specs[i].key >> 56)
            j++;
        if ((rc = write_log_file(g, a, w, g->specs + i, j - i)))
            goto out;
        i = j;
    }
out:
    return rc;
}

static int write_account_day(struct gen *g, struct account *a, unsigned ai)
{
    int rc = VG_OK;
    uint64_t e = g->opts->events_per_day;

    if ((rc = account_refresh(g, a)))
        goto out;
    vg_sim_day_shape(a->tz_windows, g->win_cum);
    for (unsigned s = 0; s < MAX_SLOTS; s++) {
        vg_buf_reset(&g->digest[s].b);
        g->dig_oldest[s] = INT64_MAX;
        g->dig_newest[s] = INT64_MIN;
    }
    for (unsigned w = 0; w < VG_SIM_WINDOWS_PER_DAY; w++)
        /* exact shares of events_per_day, so every day has exactly that many events */
        if ((rc = write_window(g, a, w, vg_sim_window_share(e, g->win_cum, w))))
            goto out;
    for (unsigned s = 0; s < a->n_slots; s++)
        if ((rc = write_digest(g, a, ai, s)))
            goto out;
out:
    return rc;
}

void vg_simulate_opts_init(struct vg_simulate_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->accounts = 2;
    opts->principals = 20;
    opts->days = 1;
    opts->events_per_day = 20000;
    opts->flows_per_day = 200000;
    opts->dns_per_day = 50000;
    opts->seed = 1;
    opts->start_ms = vg_time_days_from_civil(2026, 11, 1) * VG_SIM_DAY_MS;
}

/* The flow generator's fleets for the accounts just made (their ids, home region, and a second
 * region of theirs for the custom-format flow log), and the query log generator over them. */
static int flows_start(struct gen *g)
{
    const struct vg_simulate_opts *opts = g->opts;
    struct vg_flows_intel intel = { g->intel.tor, N_TOR_EXITS, g->intel.custom, N_CUSTOM };
    g->flow_accts = calloc(opts->accounts, sizeof(*g->flow_accts));
    if (!g->flow_accts)
        return VG_ENOMEM;
    for (unsigned i = 0; i < opts->accounts; i++) {
        const struct account *a = &g->acct[i];
        g->flow_accts[i] =
            (struct vg_flows_account){ a->id, region_names[a->slot_region[0]],
                                       region_names[a->slot_region[1]], a->tz_windows };
    }
    g->flows = vg_flows_new(opts, g->flow_accts, opts->accounts, &intel);
    if (!g->flows)
        return VG_ENOMEM;
    if (opts->dns_per_day &&
        !(g->dns = vg_dns_sim_new(opts, g->flow_accts, opts->accounts, g->flows)))
        return VG_ENOMEM;
    return VG_OK;
}

int vg_simulate_run(const struct vg_simulate_opts *opts, struct vg_simulate_stats *out)
{
    static const int levels[VG_SIM_STREAM_COUNT] = {
        [VG_SIM_CLOUDTRAIL] = GZIP_LEVEL,
        [VG_SIM_FLOWS] = VG_FLOWS_GZIP_LEVEL,
        [VG_SIM_DNS] = VG_DNS_SIM_GZIP_LEVEL,
    };
    int rc = VG_OK;
    bool pool_up = false;
    /* calloc leaves every vg_buf and sink in its VG_BUF_INIT state */
    struct gen *g = calloc(1, sizeof(*g));
    if (!g) {
        rc = VG_ENOMEM;
        goto out;
    }
    g->opts = opts;
    if (!opts->out_dir || !opts->out_dir[0] || opts->accounts == 0 || opts->principals == 0 ||
        (opts->target_bytes && opts->events_per_day == 0 && opts->flows_per_day == 0 &&
         opts->dns_per_day == 0)) {
        vg_log_error("simulate: need an output folder, at least one account and principal, "
                     "and events, flows or queries for a byte target");
        rc = VG_EUSAGE;
        goto out;
    }
    g->acct = calloc(opts->accounts, sizeof(*g->acct));
    g->pr = calloc((size_t)opts->accounts * opts->principals, sizeof(*g->pr));
    if (!g->acct || !g->pr) {
        rc = VG_ENOMEM;
        goto out;
    }
    if ((rc = vg_sim_mkdir_p(opts->out_dir)))
        goto out;
    pool_up = true;
    if ((rc = vg_sim_pool_start(&g->pool, opts->out_dir, levels)))
        goto out;

    vg_sim_rng_seed(&g->rng, opts->seed);
    for (unsigned p = 0; p < PROF_COUNT; p++) {
        uint32_t sum = 0;
        for (size_t c = 0; c < VG_ARRAY_LEN(calls); c++)
            g->call_cum[p][c] = sum += calls[c].weight[p];
    }
    for (unsigned i = 0; i < opts->accounts; i++)
        account_init(g, &g->acct[i], g->pr + (size_t)i * opts->principals, opts->principals);

    /* CloudTrail days start at midnight UTC whatever start_ms says */
    int64_t start =
        opts->start_ms - (((opts->start_ms % VG_SIM_DAY_MS) + VG_SIM_DAY_MS) % VG_SIM_DAY_MS);
    struct vg_sim_rng ir;
    if (opts->attacks) {
        vg_sim_rng_seed(&ir, opts->seed ^ 0x696e74656c6c6973ull); /* a stream of its own */
        intel_draw(&g->intel, &ir);
        for (unsigned i = 0; i < opts->accounts; i++)
            account_listed(&g->acct[i], i, &g->intel, &ir);
    }
    if ((opts->flows_per_day || opts->dns_per_day) && (rc = flows_start(g)))
        goto out;
    if (opts->attacks && (rc = write_lists(g, &ir, start)))
        goto out;
    /* the baseline scenarios (flows) and new domains (DNS) are on the second day, after a day of
     * learning */
    uint64_t days = opts->attacks && g->flows && opts->days < 2 ? 2 : opts->days;
    /* without events or attacks there is no CloudTrail, not even digests */
    bool trail = opts->events_per_day || opts->attacks;
    for (g->day = 0;
         (uint64_t)g->day < days ||
         (opts->target_bytes &&
          g->st.bytes_uncompressed + g->st.flow_bytes_uncompressed + g->st.dns_bytes_uncompressed <
              opts->target_bytes);
         g->day++) {
        char t[24];
        g->day_ms = start + g->day * VG_SIM_DAY_MS;
        vg_sim_fmt_time(g->day_ms, t);
        memcpy(g->date, t, 10);
        g->date[10] = '\0';
        for (unsigned i = 0; i < opts->accounts; i++) {
            if (trail && (rc = write_account_day(g, &g->acct[i], i)))
                goto out;
            if (opts->flows_per_day &&
                (rc = vg_flows_write_day(g->flows, g->pool, i, g->day, g->day_ms, &g->st)))
                goto out;
            if (g->dns &&
                (rc = vg_dns_sim_write_day(g->dns, g->pool, i, g->day, g->day_ms, &g->st)))
                goto out;
        }
    }
    g->st.days = (unsigned)g->day;
out:
    if (pool_up) {
        /* after a writer failure this returns the same code and restores its errno */
        uint64_t gz[VG_SIM_STREAM_COUNT] = { 0 };
        int prc = vg_sim_pool_finish(g->pool, gz);
        g->st.bytes_compressed = gz[VG_SIM_CLOUDTRAIL];
        g->st.flow_bytes_compressed = gz[VG_SIM_FLOWS];
        g->st.dns_bytes_compressed = gz[VG_SIM_DNS];
        if (rc == VG_OK)
            rc = prc;
    }
    if (out) {
        if (g)
            *out = g->st;
        else
            memset(out, 0, sizeof(*out));
    }
    if (g) {
        int saved = errno;
        if (g->pr)
            for (size_t i = 0; i < (size_t)opts->accounts * opts->principals; i++)
                vg_buf_release(&g->pr[i].ident.b);
        if (g->acct)
            for (unsigned i = 0; i < opts->accounts; i++)
                vg_buf_release(&g->acct[i].mallory.ident.b);
        vg_dns_sim_free(g->dns);
        vg_flows_free(g->flows);
        free(g->flow_accts);
        free(g->pr);
        free(g->acct);
        free(g->specs);
        vg_buf_release(&g->out.b);
        vg_buf_release(&g->scratch_ident.b);
        for (unsigned s = 0; s < MAX_SLOTS; s++)
            vg_buf_release(&g->digest[s].b);
        vg_buf_release(&g->key);
        vg_buf_release(&g->prev_key);
        free(g);
        errno = saved;
    }
    return rc;
}
