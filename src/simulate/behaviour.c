/*
 * The behaviour generator (behaviour.h): one account, many principals, many days.
 *
 * Who (archetypes, in the mix real accounts show): CI/CD users deploying twice a day from a
 * shared runner pool; service roles and data roles calling a few APIs (and S3 objects of their
 * own bucket) from fixed AWS addresses; EC2 instance roles, Lambda functions and ECS tasks;
 * developers (IAM users, or sessions of their team's SSO role) and admins working weekdays
 * from an office or home network with one or two tools, on a personal set of APIs picked with
 * Zipf weights (a few daily, the rest now and then).
 *
 * Drift, the benign change a baseline must absorb: a deployment adds a step (2% of machine
 * principals a day); a developer picks up a new API (3% a day) or a new tool (0.5%), moves
 * home network (0.5%), travels (1% of workdays: a day from a hotel network, doing their usual
 * work, a tenth of those days trying something new too); new team members join (0.3% a day).
 *
 * Attacks (opts.attacks), on day days-3 from 14:00: one story per IAM behaviour finding type,
 * each on a principal of the right archetype, from an address outside AWS (91.240.118.77) or
 * an AWS address none of the account's workloads uses (3.91.200.9), reported to on_attack.
 *
 * Determinism: one xoshiro stream from opts.seed, times from opts.start_ms.
 */
#include "simulate/behaviour.h"

#include "core/err.h"
#include "core/time.h"
#include "simulate/sim_util.h"

#define DAY_MS 86400000ll
#define MAX_APIS 32
#define ACCOUNT "210987654321"
#define ATTACKER_OUT "91.240.118.77"
#define ATTACKER_IN "3.91.200.9"

enum arch { A_CI, A_SERVICE, A_DATA, A_EC2, A_LAMBDA, A_ECS, A_DEV, A_ADMIN, ARCH_COUNT };

/* archetype mix per 100 principals */
static const uint8_t MIX[ARCH_COUNT] = { 5, 10, 10, 10, 8, 5, 44, 8 };

static const char *const UA[] = {
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.2.0-1017-aws exe/x86_64.ubuntu.22",
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.12.1",
    "console.amazonaws.com",
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40",
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64",
    "aws-sdk-java/2.25.0 Linux/6.1.77 OpenJDK_64-Bit_Server_VM/17.0.10 Java/17.0.10",
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#5.10.209 lang/python#3.12.1 "
    "exec-env/AWS_Lambda_python3.12",
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 exec-env/AWS_ECS_FARGATE",
};
enum { UA_CLI, UA_BOTO, UA_CONSOLE, UA_TF, UA_GO, UA_JAVA, UA_LAMBDA, UA_ECS, UA_TOOLS = 6 };

/* What people call: the first ones are everyone's daily bread, the tail is what a task brings. */
static const char *const DEV_APIS[] = {
    "sts:GetCallerIdentity",
    "ec2:DescribeInstances",
    "logs:FilterLogEvents",
    "cloudwatch:GetMetricData",
    "s3:ListBuckets",
    "ecs:DescribeServices",
    "lambda:ListFunctions",
    "logs:DescribeLogGroups",
    "ec2:DescribeSecurityGroups",
    "dynamodb:DescribeTable",
    "cloudformation:DescribeStacks",
    "ssm:GetParameter",
    "ecr:DescribeRepositories",
    "rds:DescribeDBInstances",
    "lambda:GetFunction",
    "ec2:DescribeVpcs",
    "ecs:ListClusters",
    "sqs:ListQueues",
    "sns:ListTopics",
    "iam:GetRole",
    "iam:ListRoles",
    "ec2:DescribeSubnets",
    "s3:GetBucketPolicy",
    "kms:ListKeys",
    "secretsmanager:ListSecrets",
    "ecs:DescribeTasks",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "ec2:CreateTags",
    "cloudformation:UpdateStack",
    "lambda:UpdateFunctionCode",
    "ec2:RunInstances",
    "ec2:AuthorizeSecurityGroupIngress",
    "dynamodb:Query",
    "lambda:InvokeFunction",
    "ssm:DescribeParameters",
    "ec2:DescribeImages",
    "cloudformation:ListStacks",
    "ecr:GetAuthorizationToken",
    "iam:GetUser",
};
static const char *const ADMIN_APIS[] = {
    "iam:ListUsers",
    "iam:GetUser",
    "iam:ListRoles",
    "iam:ListAccessKeys",
    "iam:ListPolicies",
    "iam:GetRole",
    "iam:CreateRole",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "organizations:ListAccounts",
    "guardduty:ListDetectors",
    "cloudtrail:DescribeTrails",
    "config:DescribeConfigRules",
    "ec2:DescribeInstances",
    "sts:GetCallerIdentity",
    "s3:ListBuckets",
    "iam:CreateUser",
    "iam:AddUserToGroup",
    "kms:ListKeys",
};
static const char *const CI_APIS[] = {
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecs:RegisterTaskDefinition",
    "ecs:UpdateService",
    "ecs:DescribeServices",
    /* what a pipeline adds later */
    "ecs:DescribeTaskDefinition",
    "lambda:UpdateFunctionCode",
    "cloudformation:DescribeStacks",
    "s3:PutObject",
    "ssm:GetParameter",
};
static const char *const SERVICE_APIS[] = {
    "dynamodb:GetItem", "dynamodb:PutItem",  "dynamodb:Query",    "sqs:ReceiveMessage",
    "sqs:SendMessage",  "sqs:DeleteMessage", "kms:Decrypt",       "secretsmanager:GetSecretValue",
    "sns:Publish",      "events:PutEvents",  "ssm:GetParameters", "ec2:DescribeTags",
};
static const char *const DATA_APIS[] = { "s3:GetObject", "s3:PutObject", "s3:HeadObject" };

struct principal {
    uint8_t arch;
    bool user;    /* an IAM user (long-lived key) rather than role sessions */
    bool console; /* signs in to the console on workdays */
    char name[40];
    char role[48]; /* the role, for role sessions */
    char key[24];  /* AKIA... of a user */
    unsigned join_day;
    uint32_t net[3]; /* its usual addresses (a /24's host), office and home for people */
    uint8_t nnet;
    uint8_t ua[3];
    uint8_t nua;
    const char *const *pool; /* where its APIs come from */
    uint8_t pool_len;
    uint8_t api[MAX_APIS]; /* indexes into pool, in order of habit */
    uint8_t napi;
    char bucket[40];
};

struct spec {
    int64_t t;
    uint32_t who;
    const char *api;
    uint32_t ip; /* 0: ip_text */
    const char *ip_text;
    uint8_t ua;
    const char *ua_text; /* overrides ua */
    const char *bucket;  /* overrides the principal's */
    bool login;
};

struct gen {
    const struct vg_behaviour_opts *o;
    struct vg_sim_rng r;
    struct principal *p;
    unsigned np, cap;
    struct spec *s;
    size_t ns, scap;
    struct vg_buf out;
    uint32_t travel[4096]; /* today's hotel address per person (0: home), first 4096 only */
    struct vg_behaviour_stats *st;
};

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

static uint32_t aws_ip(struct vg_sim_rng *r)
{
    return vg_sim_per_mille(r, 500)
               ? ip4(3, 80 + (unsigned)vg_sim_below(r, 12), (unsigned)vg_sim_below(r, 256),
                     1 + (unsigned)vg_sim_below(r, 250))
               : ip4(54, 160 + (unsigned)vg_sim_below(r, 32), (unsigned)vg_sim_below(r, 256),
                     1 + (unsigned)vg_sim_below(r, 250));
}

static uint32_t public_ip(struct vg_sim_rng *r, unsigned first_lo, unsigned first_n)
{
    return ip4(first_lo + (unsigned)vg_sim_below(r, first_n), (unsigned)vg_sim_below(r, 256),
               (unsigned)vg_sim_below(r, 256), 1 + (unsigned)vg_sim_below(r, 250));
}

static void add_api(struct principal *p, unsigned idx)
{
    for (unsigned i = 0; i < p->napi; i++)
        if (p->api[i] == idx)
            return;
    if (p->napi < MAX_APIS && idx < p->pool_len)
        p->api[p->napi++] = (uint8_t)idx;
}

static void principal_init(struct gen *g, struct principal *p, unsigned i, unsigned join_day)
{
    struct vg_sim_rng *r = &g->r;
    unsigned roll = (unsigned)vg_sim_below(r, 100), arch = 0;
    for (unsigned acc = MIX[0]; roll >= acc && arch + 1 < ARCH_COUNT; acc += MIX[++arch])
        ;
    memset(p, 0, sizeof(*p));
    p->arch = (uint8_t)arch;
    p->join_day = join_day;
    char id[17];
    VG_SIM_RAND_CHARS(r, id, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    snprintf(p->key, sizeof(p->key), "AKIA%s", id);
    switch (arch) {
    case A_CI:
        p->user = true;
        snprintf(p->name, sizeof(p->name), "ci-deploy-%u", i);
        p->net[p->nnet++] = ip4(20, 10, 4 + (unsigned)vg_sim_below(r, 3), 10);
        p->ua[p->nua++] = UA_CLI;
        p->pool = CI_APIS, p->pool_len = VG_ARRAY_LEN(CI_APIS);
        for (unsigned k = 0; k < 7; k++)
            add_api(p, k);
        break;
    case A_SERVICE:
    case A_DATA:
        snprintf(p->role, sizeof(p->role), "%s-%u-role", arch == A_DATA ? "data" : "svc", i);
        snprintf(p->name, sizeof(p->name), "%s", "worker");
        p->net[p->nnet++] = aws_ip(r);
        p->ua[p->nua++] = (uint8_t)(UA_BOTO + 3 * (vg_sim_below(r, 2)));
        if (arch == A_DATA) {
            p->pool = DATA_APIS, p->pool_len = VG_ARRAY_LEN(DATA_APIS);
            add_api(p, 0);
            if (vg_sim_per_mille(r, 600))
                add_api(p, 1);
            snprintf(p->bucket, sizeof(p->bucket), "acme-data-%u", i);
        } else {
            p->pool = SERVICE_APIS, p->pool_len = VG_ARRAY_LEN(SERVICE_APIS);
            for (unsigned k = 0, n = 3 + (unsigned)vg_sim_below(r, 4); k < n; k++)
                add_api(p, (unsigned)vg_sim_below(r, VG_ARRAY_LEN(SERVICE_APIS)));
        }
        break;
    case A_EC2:
    case A_LAMBDA:
    case A_ECS:
        snprintf(p->role, sizeof(p->role), "%s-%u-role",
                 arch == A_EC2      ? "instance"
                 : arch == A_LAMBDA ? "fn"
                                    : "task",
                 i);
        if (arch == A_EC2) {
            vg_sim_hex_id(r, p->name, "i-0");
            p->name[19] = '\0';
        } else if (arch == A_LAMBDA) {
            snprintf(p->name, sizeof(p->name), "orders-fn-%u", i);
        } else {
            VG_SIM_RAND_CHARS(r, p->name, 32, "0123456789abcdef");
        }
        p->net[p->nnet++] = aws_ip(r);
        p->ua[p->nua++] = arch == A_EC2 ? UA_BOTO : arch == A_LAMBDA ? UA_LAMBDA : UA_ECS;
        p->pool = SERVICE_APIS, p->pool_len = VG_ARRAY_LEN(SERVICE_APIS);
        for (unsigned k = 0, n = 2 + (unsigned)vg_sim_below(r, 4); k < n; k++)
            add_api(p, (unsigned)vg_sim_below(r, VG_ARRAY_LEN(SERVICE_APIS)));
        break;
    default: /* people */
        p->user = vg_sim_per_mille(r, 600);
        snprintf(p->name, sizeof(p->name), "%s-%u", arch == A_ADMIN ? "admin" : "dev", i);
        if (!p->user)
            snprintf(p->role, sizeof(p->role), "AWSReservedSSO_%s_team%u",
                     arch == A_ADMIN ? "Admin" : "Developer", i % 6);
        p->console = vg_sim_per_mille(r, 400);
        p->net[p->nnet++] = ip4(81, 2, 69 + (unsigned)vg_sim_below(r, 2), 10 + i % 200);
        p->net[p->nnet++] = public_ip(r, 82, 14); /* home */
        p->ua[p->nua++] = p->console ? UA_CONSOLE : UA_CLI;
        if (vg_sim_per_mille(r, 500))
            p->ua[p->nua++] = (uint8_t)vg_sim_below(r, UA_TOOLS);
        p->pool = arch == A_ADMIN ? ADMIN_APIS : DEV_APIS;
        p->pool_len =
            (uint8_t)(arch == A_ADMIN ? VG_ARRAY_LEN(ADMIN_APIS) : VG_ARRAY_LEN(DEV_APIS));
        for (unsigned k = 0, n = 6 + (unsigned)vg_sim_below(r, 14); k < n; k++)
            add_api(p, k < 4 ? k : (unsigned)vg_sim_below(r, p->pool_len));
        break;
    }
}

static int add_spec(struct gen *g, struct spec s)
{
    if (g->ns == g->scap) {
        size_t cap = g->scap ? g->scap * 2 : 4096;
        struct spec *n = realloc(g->s, cap * sizeof(*n));
        if (!n)
            return VG_ENOMEM;
        g->s = n, g->scap = cap;
    }
    g->s[g->ns++] = s;
    return VG_OK;
}

/* One principal's ordinary day. */
static int plan_day(struct gen *g, uint32_t who, unsigned day, int64_t t0)
{
    struct vg_sim_rng *r = &g->r;
    struct principal *p = &g->p[who];
    bool person = p->arch == A_DEV || p->arch == A_ADMIN;
    bool weekend = (day + 6) % 7 >= 5; /* 2026-11-01 is a Sunday: day 0 is a weekend day */
    if (person && weekend)
        return VG_OK;
    uint32_t hotel = who < VG_ARRAY_LEN(g->travel) ? g->travel[who] : 0;
    unsigned calls = p->arch == A_CI ? 2 * p->napi
                     : person        ? 8 + (unsigned)vg_sim_below(r, 25)
                                     : 10 + (unsigned)vg_sim_below(r, 20);
    int64_t start = t0 + (person ? 8 * 3600000ll : 0);
    int64_t span = person ? 10 * 3600000ll : DAY_MS - 60000;
    uint32_t ip = hotel ? hotel : p->net[vg_sim_below(r, p->nnet)];
    if (p->console && !hotel) {
        int rc = add_spec(g, (struct spec){ .t = start + (int64_t)vg_sim_below(r, 3600000),
                                            .who = who,
                                            .ip = ip,
                                            .login = true });
        if (rc)
            return rc;
    }
    for (unsigned i = 0; i < calls; i++) {
        unsigned k;
        if (p->arch == A_CI) {
            k = i % p->napi;
        } else { /* Zipf over the principal's habits: the first ones daily */
            uint64_t total = 0, pick;
            for (unsigned j = 0; j < p->napi; j++)
                total += 1000 / (j + 1);
            pick = vg_sim_below(r, total);
            for (k = 0; k + 1 < p->napi && pick >= 1000 / (k + 1); k++)
                pick -= 1000 / (k + 1);
        }
        struct spec s = {
            .t = p->arch == A_CI ? start + (i < p->napi ? 10 : 16) * 3600000ll + 20000ll * i
                                 : start + (int64_t)vg_sim_below(r, (uint64_t)span),
            .who = who,
            .api = p->pool[p->api[k]],
            .ip = person && !hotel && vg_sim_per_mille(r, 200) ? p->net[vg_sim_below(r, p->nnet)]
                                                               : ip,
            .ua = p->ua[vg_sim_below(r, p->nua)],
        };
        if (p->arch == A_LAMBDA) /* each invocation on some host of the fleet */
            s.ip = aws_ip(r);
        int rc = add_spec(g, s);
        if (rc)
            return rc;
    }
    /* a tenth of travel days: something new, from the hotel */
    if (hotel && vg_sim_per_mille(r, 100)) {
        unsigned k = (unsigned)vg_sim_below(r, p->pool_len);
        add_api(p, k);
        return add_spec(g, (struct spec){ .t = start + 5 * 3600000ll,
                                          .who = who,
                                          .api = p->pool[k],
                                          .ip = hotel,
                                          .ua = p->ua[0] });
    }
    return VG_OK;
}

static void drift(struct gen *g, unsigned day)
{
    struct vg_sim_rng *r = &g->r;
    for (uint32_t i = 0; i < g->np; i++) {
        struct principal *p = &g->p[i];
        if (p->join_day > day)
            continue;
        bool person = p->arch == A_DEV || p->arch == A_ADMIN;
        if (i < VG_ARRAY_LEN(g->travel))
            g->travel[i] = person && vg_sim_per_mille(r, 10) ? public_ip(r, 145, 20) : 0;
        if (!person && p->arch != A_DATA && vg_sim_per_mille(r, 20))
            add_api(p, (unsigned)vg_sim_below(r, p->pool_len));
        if (person && vg_sim_per_mille(r, 30))
            add_api(p, (unsigned)vg_sim_below(r, p->pool_len));
        if (person && vg_sim_per_mille(r, 5) && p->nua < 3)
            p->ua[p->nua++] = (uint8_t)vg_sim_below(r, UA_TOOLS);
        if (person && vg_sim_per_mille(r, 5))
            p->net[1] = public_ip(r, 82, 14);
    }
}

static void fmt_ip(uint32_t ip, char out[16])
{
    vg_sim_fmt_ip4(ip, out);
}

static int render(struct gen *g, const struct spec *s, unsigned day, size_t n)
{
    const struct principal *p = &g->p[s->who];
    struct vg_buf *b = &g->out;
    char t[21], ip[16], key[24], arn[160];
    vg_sim_fmt_time(s->t, t);
    if (s->ip_text)
        snprintf(ip, sizeof(ip), "%s", s->ip_text);
    else
        fmt_ip(s->ip, ip);
    snprintf(key, sizeof(key), "ASIA%08X%08X", s->who, day); /* a session a day */
    int rc = vg_buf_adds(b, n ? ",\n{" : "{");
    rc |= vg_buf_adds(b, "\"eventVersion\":\"1.09\",\"userIdentity\":");
    if (p->user) {
        snprintf(arn, sizeof(arn), "arn:aws:iam::%s:user/%s", ACCOUNT, p->name);
        rc |= vg_buf_printf(b,
                            "{\"type\":\"IAMUser\",\"principalId\":\"AIDA%.16s\",\"arn\":\"%s\","
                            "\"accountId\":\"%s\",%s%s%s\"userName\":\"%s\"}",
                            p->key + 4, arn, ACCOUNT, s->login ? "" : "\"accessKeyId\":\"",
                            s->login ? "" : p->key, s->login ? "" : "\",", p->name);
    } else {
        rc |= vg_buf_printf(
            b,
            "{\"type\":\"AssumedRole\",\"principalId\":\"AROA%08X:%s\",\"arn\":\"arn:aws:sts::%s:"
            "assumed-role/%s/%s\",\"accountId\":\"%s\",\"accessKeyId\":\"%s\",\"sessionContext\":"
            "{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA%08X\",\"arn\":\"arn:aws:"
            "iam::%s:role/%s\",\"accountId\":\"%s\",\"userName\":\"%s\"},\"attributes\":{"
            "\"creationDate\":\"%.10sT00:00:00Z\",\"mfaAuthenticated\":\"false\"}%s}}",
            s->who, p->name, ACCOUNT, p->role, p->name, ACCOUNT, key, s->who, ACCOUNT, p->role,
            ACCOUNT, p->role, t, p->arch == A_EC2 ? ",\"ec2RoleDelivery\":\"2.0\"" : "");
    }
    if (s->login) {
        rc |= vg_buf_printf(b,
                            ",\"eventTime\":\"%s\",\"eventSource\":\"signin.amazonaws.com\","
                            "\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"us-east-1\","
                            "\"sourceIPAddress\":\"%s\",\"userAgent\":\"Mozilla/5.0 (X11; Linux "
                            "x86_64; rv:123.0) Gecko/20100101 Firefox/123.0\",\"requestParameters\""
                            ":null,\"responseElements\":{\"ConsoleLogin\":\"Success\"},"
                            "\"eventID\":\"%08x-0000-4000-8000-%012zx\",\"eventType\":"
                            "\"AwsConsoleSignIn\",\"managementEvent\":true,\"recipientAccountId\":"
                            "\"%s\",\"eventCategory\":\"Management\"}",
                            t, ip, day, n, ACCOUNT);
        return rc;
    }
    const char *colon = strchr(s->api, ':');
    bool data = strncmp(s->api, "s3:", 3) == 0 && strstr(s->api, "Object");
    const char *bucket = s->bucket ? s->bucket : p->bucket[0] ? p->bucket : "acme-shared";
    rc |= vg_buf_printf(b,
                        ",\"eventTime\":\"%s\",\"eventSource\":\"%.*s.amazonaws.com\","
                        "\"eventName\":\"%s\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":"
                        "\"%s\",\"userAgent\":",
                        t, (int)(colon - s->api), s->api, colon + 1, ip);
    rc |= vg_buf_add_json_str(b, vg_str_from(s->ua_text ? s->ua_text : UA[s->ua]));
    if (strncmp(s->api, "s3:", 3) == 0)
        rc |= vg_buf_printf(b, ",\"requestParameters\":{\"bucketName\":\"%s\",\"key\":\"obj/%zu\"}",
                            bucket, n % 97);
    else
        rc |= vg_buf_adds(b, ",\"requestParameters\":{}");
    rc |= vg_buf_printf(b,
                        ",\"responseElements\":null,\"eventID\":\"%08x-0000-4000-8000-%012zx\","
                        "\"eventType\":\"AwsApiCall\",\"managementEvent\":%s,"
                        "\"recipientAccountId\":\"%s\",\"eventCategory\":\"%s\"}",
                        day, n, data ? "false" : "true", ACCOUNT, data ? "Data" : "Management");
    return rc;
}

static int cmp_spec(const void *a, const void *b)
{
    const struct spec *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : (x->who > y->who) - (x->who < y->who);
}

/* The first principal of an archetype not yet attacked. */
static int victim(struct gen *g, enum arch a, bool user, unsigned *used, size_t nused)
{
    for (uint32_t i = 0; i < g->np; i++) {
        bool taken = false;
        for (size_t k = 0; k < nused; k++)
            taken |= used[k] == i;
        if (!taken && g->p[i].arch == a && g->p[i].join_day == 0 &&
            (a != A_DEV || g->p[i].user == user))
            return (int)i;
    }
    return -1;
}

struct story {
    const char *type;
    enum arch arch;
    bool user;
    const char *apis[5];
    const char *ip;
    const char *what;
    const char *bucket;
};

static const struct story STORIES[] = {
    { "Discovery:IAMUser/AnomalousBehavior",
      A_CI,
      true,
      { "iam:ListAccessKeys", "iam:ListUsers", "iam:CreateAccessKey", "iam:AttachUserPolicy" },
      ATTACKER_OUT,
      "a CI/CD user's key lists access keys, then creates one and attaches a policy",
      NULL },
    { "AttackSequence:IAM/CompromisedCredentials",
      A_CI,
      true,
      { NULL },
      NULL,
      "the same story, as one attack sequence",
      NULL },
    { "CredentialAccess:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "secretsmanager:GetSecretValue" },
      ATTACKER_OUT,
      "a developer's key reads a secret",
      NULL },
    { "DefenseEvasion:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "ec2:DeleteFlowLogs" },
      ATTACKER_OUT,
      "a developer's key deletes flow logs",
      NULL },
    { "Exfiltration:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "ec2:CreateSnapshot" },
      ATTACKER_OUT,
      "a developer's key snapshots a volume",
      NULL },
    { "Impact:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "ec2:DeleteSecurityGroup" },
      ATTACKER_OUT,
      "a developer's key deletes a security group",
      NULL },
    { "InitialAccess:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "ssm:StartSession" },
      ATTACKER_OUT,
      "a developer's key opens an SSM session",
      NULL },
    { "Persistence:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "iam:CreateLoginProfile" },
      ATTACKER_OUT,
      "a developer's key creates a console password",
      NULL },
    { "PrivilegeEscalation:IAMUser/AnomalousBehavior",
      A_DEV,
      true,
      { "iam:PutUserPolicy" },
      ATTACKER_OUT,
      "a developer's key writes an inline policy",
      NULL },
    { "Discovery:S3/AnomalousBehavior",
      A_DATA,
      false,
      { "s3:ListObjects" },
      ATTACKER_OUT,
      "a data role lists its bucket",
      NULL },
    { "Exfiltration:S3/AnomalousBehavior",
      A_DATA,
      false,
      { "s3:GetObject" },
      ATTACKER_OUT,
      "a data role reads another team's bucket",
      "acme-finance-exports" },
    { "Impact:S3/AnomalousBehavior.Delete",
      A_DATA,
      false,
      { "s3:DeleteObject" },
      ATTACKER_OUT,
      "a data role deletes objects",
      NULL },
    { "Impact:S3/AnomalousBehavior.Permission",
      A_DATA,
      false,
      { "s3:PutObjectAcl" },
      ATTACKER_OUT,
      "a data role makes an object public",
      NULL },
    { "Impact:S3/AnomalousBehavior.Write",
      A_DATA,
      false,
      { "s3:PutObject" },
      ATTACKER_OUT,
      "a data role writes into another bucket",
      "acme-website" },
    { "AttackSequence:S3/CompromisedData",
      A_DATA,
      false,
      { "s3:ListObjects", "s3:GetObject", "s3:PutObject", "s3:DeleteObject" },
      ATTACKER_OUT,
      "a data role lists, reads, leaves a ransom note and deletes",
      "acme-backups" },
    { "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
      A_EC2,
      false,
      { "s3:ListBuckets" },
      ATTACKER_OUT,
      "an instance's credentials used outside AWS",
      NULL },
    { "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
      A_EC2,
      false,
      { "s3:ListBuckets" },
      ATTACKER_IN,
      "an instance's credentials used from another AWS host",
      NULL },
    { "UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS",
      A_LAMBDA,
      false,
      { "sts:GetCallerIdentity" },
      ATTACKER_OUT,
      "a Lambda function's credentials used outside",
      NULL },
    { "UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.InsideAWS",
      A_ECS,
      false,
      { "sts:GetCallerIdentity" },
      ATTACKER_IN,
      "an ECS task's credentials used from another AWS host",
      NULL },
    { "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
      A_DEV,
      true,
      { NULL },
      ATTACKER_OUT,
      "a developer signs in from the office and, ten minutes later, from abroad",
      NULL },
};

static int inject(struct gen *g, unsigned day, int64_t t0)
{
    unsigned used[VG_ARRAY_LEN(STORIES)];
    size_t nused = 0;
    int rc = VG_OK;
    int last = -1;
    for (size_t i = 0; i < VG_ARRAY_LEN(STORIES) && rc == VG_OK; i++) {
        const struct story *st = &STORIES[i];
        int who =
            st->apis[0] || st->type[0] == 'U' ? victim(g, st->arch, st->user, used, nused) : last;
        if (who < 0)
            continue;
        if (who != last)
            used[nused++] = (unsigned)who;
        last = who;
        struct principal *p = &g->p[who];
        int64_t t = t0 + 14 * 3600000ll + (int64_t)i * 600000;
        if (!st->apis[0] && st->ip) { /* console travel: office, then abroad */
            p->console = true;
            rc |= add_spec(
                g, (struct spec){ .t = t, .who = (uint32_t)who, .ip = p->net[0], .login = true });
            rc |= add_spec(
                g, (struct spec){
                       .t = t + 600000, .who = (uint32_t)who, .ip_text = st->ip, .login = true });
        }
        for (unsigned k = 0; k < VG_ARRAY_LEN(st->apis) && st->apis[k]; k++)
            rc |= add_spec(g, (struct spec){ .t = t + 60000 * k,
                                             .who = (uint32_t)who,
                                             .api = st->apis[k],
                                             .ip_text = st->ip,
                                             .ua_text = "python-requests/2.31.0 Boto3/1.34.0",
                                             .bucket = st->bucket });
        char principal[160];
        if (p->user)
            snprintf(principal, sizeof(principal), "arn:aws:iam::%s:user/%s", ACCOUNT, p->name);
        else
            snprintf(principal, sizeof(principal), "arn:aws:iam::%s:role/%s", ACCOUNT, p->role);
        if (g->o->on_attack)
            g->o->on_attack(g->o->ctx,
                            &(struct vg_behaviour_attack){ st->type, principal, st->what, day });
        g->st->attacks++;
    }
    return rc;
}

void vg_behaviour_opts_init(struct vg_behaviour_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->principals = 1000;
    o->days = 30;
    o->seed = 1;
    o->start_ms = vg_time_days_from_civil(2026, 11, 1) * DAY_MS;
}

int vg_simulate_behaviour(const struct vg_behaviour_opts *o, struct vg_behaviour_stats *st)
{
    struct gen g = { .o = o, .st = st };
    int rc = VG_ENOMEM;
    memset(st, 0, sizeof(*st));
    vg_sim_rng_seed(&g.r, o->seed);
    g.cap = o->principals + (o->principals * 3 / 1000 + 1) * o->days;
    g.p = calloc(g.cap, sizeof(*g.p));
    if (!g.p)
        goto out;
    for (; g.np < o->principals; g.np++)
        principal_init(&g, &g.p[g.np], g.np, 0);
    rc = VG_OK;
    for (unsigned day = 0; day < o->days && rc == VG_OK; day++) {
        int64_t t0 = o->start_ms + (int64_t)day * DAY_MS;
        /* new team members: 0.3% of the principals a day */
        unsigned joining =
            o->principals * 3 / 1000 + (vg_sim_per_mille(&g.r, o->principals * 3 % 1000) ? 1 : 0);
        for (unsigned k = 0; day && k < joining && g.np < g.cap; k++, g.np++)
            principal_init(&g, &g.p[g.np], g.np, day);
        drift(&g, day);
        g.ns = 0;
        for (uint32_t i = 0; i < g.np && rc == VG_OK; i++)
            if (g.p[i].join_day <= day)
                rc = plan_day(&g, i, day, t0);
        if (rc == VG_OK && o->attacks && o->days >= 12 && day == o->days - 3)
            rc = inject(&g, day, t0);
        if (rc != VG_OK)
            break;
        qsort(g.s, g.ns, sizeof(*g.s), cmp_spec);
        vg_buf_reset(&g.out);
        rc = vg_buf_adds(&g.out, "{\"Records\":[\n");
        for (size_t i = 0; i < g.ns && rc == VG_OK; i++)
            rc = render(&g, &g.s[i], day, i);
        if (rc == VG_OK)
            rc = vg_buf_adds(&g.out, "]}\n");
        if (rc != VG_OK)
            break;
        st->events += g.ns;
        rc = o->on_day(o->ctx, day, g.out.data, g.out.len);
    }
    st->principals = g.np;
out:
    free(g.p);
    free(g.s);
    vg_buf_release(&g.out);
    return rc;
}

int vg_behaviour_ip_ranges(int64_t start_ms, struct vg_buf *out)
{
    char date[21];
    vg_sim_fmt_time(start_ms, date);
    int rc =
        vg_buf_printf(out,
                      "{\n  \"syncToken\": \"%" PRId64 "\",\n  \"createDate\": \"%.4s-%.2s-%.2s-"
                      "00-00-00\",\n  \"prefixes\": [\n",
                      start_ms / 1000, date, date + 5, date + 8);
    static const char *const prefixes[] = { "3.80.0.0/12", "54.160.0.0/11" };
    for (size_t i = 0; i < VG_ARRAY_LEN(prefixes); i++)
        rc |= vg_buf_printf(out,
                            "    { \"ip_prefix\": \"%s\", \"region\": \"us-east-1\", \"service\": "
                            "\"AMAZON\", \"network_border_group\": \"us-east-1\" },\n"
                            "    { \"ip_prefix\": \"%s\", \"region\": \"us-east-1\", \"service\": "
                            "\"EC2\", \"network_border_group\": \"us-east-1\" }%s\n",
                            prefixes[i], prefixes[i], i + 1 < VG_ARRAY_LEN(prefixes) ? "," : "");
    rc |= vg_buf_adds(out, "  ],\n  \"ipv6_prefixes\": []\n}\n");
    return rc ? VG_ENOMEM : VG_OK;
}

struct writer {
    const char *out_dir;
    struct vg_buf path;
    int64_t start_ms;
};

static int write_day(void *ctx, unsigned day, const char *data, size_t len)
{
    struct writer *w = ctx;
    char t[21];
    vg_sim_fmt_time(w->start_ms + (int64_t)day * DAY_MS, t);
    vg_buf_reset(&w->path);
    int rc = vg_buf_printf(&w->path, "%s/AWSLogs/%s/CloudTrail/us-east-1/%.4s/%.2s/%.2s",
                           w->out_dir, ACCOUNT, t, t + 5, t + 8);
    if (rc == VG_OK)
        rc = vg_sim_mkdir_p(w->path.data);
    if (rc == VG_OK)
        rc = vg_buf_printf(&w->path, "/%s_CloudTrail_us-east-1_%.4s%.2s%.2sT0000Z_behaviour.json",
                           ACCOUNT, t, t + 5, t + 8);
    return rc == VG_OK ? vg_sim_write_file(w->path.data, data, len) : rc;
}

int vg_behaviour_write(struct vg_behaviour_opts *o, const char *out_dir,
                       struct vg_behaviour_stats *st)
{
    struct writer w = { out_dir, VG_BUF_INIT, o->start_ms };
    struct vg_buf ranges = VG_BUF_INIT;
    o->on_day = write_day;
    o->ctx = &w;
    int rc = vg_buf_printf(&w.path, "%s/intel", out_dir);
    if (rc == VG_OK)
        rc = vg_sim_mkdir_p(w.path.data);
    if (rc == VG_OK)
        rc = vg_behaviour_ip_ranges(o->start_ms, &ranges);
    if (rc == VG_OK)
        rc = vg_buf_adds(&w.path, "/aws-ip-ranges.json");
    if (rc == VG_OK)
        rc = vg_sim_write_file(w.path.data, ranges.data, ranges.len);
    if (rc == VG_OK)
        rc = vg_simulate_behaviour(o, st);
    vg_buf_release(&w.path);
    vg_buf_release(&ranges);
    return rc;
}
