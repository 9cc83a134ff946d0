/*
 * S3 public access.
 *   Policy:S3/AccountBlockPublicAccessDisabled  account-level Block Public Access relaxed or
 * removed Policy:S3/BucketBlockPublicAccessDisabled   the same on one bucket
 *   Policy:S3/BucketAnonymousAccessGranted      a policy or ACL now lets anyone, unauthenticated,
 * in Policy:S3/BucketPublicAccessGranted         ... lets every authenticated AWS principal in
 *
 * Policy evaluation (ours, deliberately conservative): an Allow statement whose Principal is
 * "*" (or {"AWS":"*"}, or uses NotPrincipal) is public unless one of its conditions pins the
 * caller to something the bucket owner controls (source IP or VPC, organisation, account, a
 * specific principal ARN).  If the only conditions merely require an authenticated principal
 * (aws:PrincipalArn "arn:aws:iam::*…", aws:PrincipalType), it is public to every AWS customer.
 * Otherwise it is anonymous.  Block Public Access is not considered, as in GuardDuty.
 */
#include "detect/s3_public.h"

#include "core/limits.h"
#include "detect/ct_util.h"
#include "parse/json.h"

enum exposure { PRIVATE, AUTHENTICATED, ANONYMOUS };

struct state {
    struct vg_arena arena; /* for bucket policies CloudTrail wrote as a JSON string */
    struct vg_json_parser parser;
};

static int state_new(void **out, const struct vg_detect_env *env)
{
    (void)env;
    struct state *s = calloc(1, sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    vg_arena_init(&s->arena, 64 << 10, VG_MAX_RECORD_BYTES * 4);
    vg_json_parser_init(&s->parser, &s->arena, VG_MAX_RECORD_BYTES);
    *out = s;
    return VG_OK;
}

static void state_free(void *state)
{
    struct state *s = state;
    vg_json_parser_release(&s->parser);
    vg_arena_release(&s->arena);
    free(s);
}

/* Condition keys that restrict who can use the grant to the owner's own world. */
static bool restricting_key(struct vg_str k)
{
    static const char *const keys[] = {
        "aws:SourceIp",          "aws:SourceVpc",
        "aws:SourceVpce",        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths", "aws:PrincipalAccount",
        "aws:SourceAccount",     "aws:SourceArn",
        "aws:SourceOwner",       "aws:userid",
        "aws:username",          "aws:SourceOrgID",
        "aws:SourceOrgPaths",    "aws:PrincipalServiceName",
        "aws:CalledVia",         "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn", "aws:VpceAccount",
        "aws:VpceOrgID",         "aws:VpceOrgPaths",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(keys); i++)
        if (vg_str_case_eq(k, keys[i]))
            return true;
    return false;
}

/* Does every value of a condition operand contain a wildcard account ("*" where the account
 * id goes)?  A principal ARN pattern like arn:aws:iam::111122223333:* restricts; arn:aws:iam::*
 * does not. */
static bool wildcard_arn_only(const struct vg_json_value *v)
{
    if (v->type == VG_JSON_ARRAY) {
        for (const struct vg_json_value *e = vg_json_first(v); e; e = vg_json_next(v, e))
            if (!wildcard_arn_only(e))
                return false;
        return v->len > 0;
    }
    struct vg_str s = vg_json_str(v);
    if (vg_str_eq_lit(s, "*"))
        return true;
    /* arn:partition:iam::ACCOUNT:... -> the 5th field is the account */
    int colons = 0;
    size_t i = 0;
    while (i < s.len && colons < 4)
        if (s.ptr[i++] == ':')
            colons++;
    return colons == 4 && i < s.len && (s.ptr[i] == '*' || s.ptr[i] == '?');
}

/* Only a positive match pins the caller down.  "Not…" operators admit everyone but a few,
 * "…IfExists" admits every request that lacks the key (most of the internet), and "Null" tests
 * presence only: none of them makes a grant private. */
static bool operator_can_restrict(struct vg_str op)
{
    if (vg_str_starts_with(op, "ForAnyValue:"))
        op = (struct vg_str){ op.ptr + 12, op.len - 12 };
    else if (vg_str_starts_with(op, "ForAllValues:"))
        op = (struct vg_str){ op.ptr + 13, op.len - 13 };
    return !vg_str_starts_with(op, "Not") && !vg_str_ends_with(op, "IfExists") &&
           !vg_str_eq_lit(op, "Null") && vg_str_case_find(op, "NotEquals") < 0 &&
           vg_str_case_find(op, "NotLike") < 0;
}

/* An address condition that admits the whole internet restricts nothing. */
static bool any_address(const struct vg_json_value *v)
{
    if (v->type == VG_JSON_ARRAY) {
        for (const struct vg_json_value *e = vg_json_first(v); e; e = vg_json_next(v, e))
            if (any_address(e))
                return true;
        return false;
    }
    struct vg_str s = vg_json_str(v);
    return vg_str_eq_lit(s, "0.0.0.0/0") || vg_str_eq_lit(s, "::/0") || vg_str_eq_lit(s, "*");
}

static enum exposure statement_exposure(const struct vg_json_value *st)
{
    if (!vg_str_eq_lit(vg_json_str(vg_json_get(st, "Effect")), "Allow"))
        return PRIVATE;
    const struct vg_json_value *principal = vg_json_get(st, "Principal");
    bool wildcard = vg_json_get(st, "NotPrincipal") != NULL;
    if (principal) {
        if (vg_str_eq_lit(vg_json_str(principal), "*"))
            wildcard = true;
        const struct vg_json_value *aws = vg_json_get(principal, "AWS");
        if (aws && vg_str_eq_lit(vg_json_str(aws), "*"))
            wildcard = true;
        if (aws && aws->type == VG_JSON_ARRAY)
            for (const struct vg_json_value *e = vg_json_first(aws); e; e = vg_json_next(aws, e))
                if (vg_str_eq_lit(vg_json_str(e), "*"))
                    wildcard = true;
    }
    if (!wildcard)
        return PRIVATE;
    const struct vg_json_value *cond = vg_json_get(st, "Condition");
    bool authenticated_only = false;
    for (const struct vg_json_value *op = vg_json_first(cond); op; op = vg_json_next(cond, op)) {
        if (!operator_can_restrict((struct vg_str){ op[-1].ptr, op[-1].len }))
            continue;
        for (const struct vg_json_value *kv = vg_json_first(op); kv; kv = vg_json_next(op, kv)) {
            struct vg_str key = { kv[-1].ptr, kv[-1].len };
            if (vg_str_case_eq(key, "aws:PrincipalArn")) {
                if (!wildcard_arn_only(kv))
                    return PRIVATE;
                authenticated_only = true;
            } else if (vg_str_case_eq(key, "aws:PrincipalType") ||
                       vg_str_case_eq(key, "aws:PrincipalIsAWSService")) {
                authenticated_only = true;
            } else if (restricting_key(key) && !any_address(kv)) {
                return PRIVATE;
            }
        }
    }
    return authenticated_only ? AUTHENTICATED : ANONYMOUS;
}

static enum exposure policy_exposure(struct state *s, const struct vg_json_value *policy)
{
    if (policy && policy->type == VG_JSON_STRING) {
        size_t pos = 0;
        const struct vg_json_value *root;
        struct vg_json_error err;
        vg_arena_reset(&s->arena);
        if (vg_json_parse(&s->parser, policy->ptr, policy->len, &pos, &root, &err) != VG_JSON_OK)
            return PRIVATE;
        policy = root;
    }
    const struct vg_json_value *st = vg_json_get(policy, "Statement");
    if (!st)
        return PRIVATE;
    if (st->type == VG_JSON_OBJECT)
        return statement_exposure(st);
    enum exposure worst = PRIVATE;
    for (const struct vg_json_value *e = vg_json_first(st); e; e = vg_json_next(st, e)) {
        enum exposure x = statement_exposure(e);
        if (x > worst)
            worst = x;
    }
    return worst;
}

static enum exposure grantee_exposure(const struct vg_json_value *grant)
{
    struct vg_str uri = vg_json_str(vg_json_path(grant, "Grantee.URI"));
    if (vg_str_ends_with(uri, "/global/AllUsers"))
        return ANONYMOUS;
    if (vg_str_ends_with(uri, "/global/AuthenticatedUsers"))
        return AUTHENTICATED;
    return PRIVATE;
}

static enum exposure acl_exposure(const struct vg_json_value *rp)
{
    enum exposure worst = PRIVATE;
    const struct vg_json_value *canned = vg_json_get(rp, "x-amz-acl");
    if (canned && canned->type == VG_JSON_ARRAY)
        canned = vg_json_first(canned);
    struct vg_str c = vg_json_str(canned);
    if (vg_str_eq_lit(c, "public-read") || vg_str_eq_lit(c, "public-read-write"))
        worst = ANONYMOUS;
    else if (vg_str_eq_lit(c, "authenticated-read"))
        worst = AUTHENTICATED;
    const struct vg_json_value *grants =
        vg_json_path(rp, "AccessControlPolicy.AccessControlList.Grant");
    if (grants && grants->type == VG_JSON_OBJECT) {
        enum exposure x = grantee_exposure(grants);
        worst = x > worst ? x : worst;
    } else if (grants && grants->type == VG_JSON_ARRAY) {
        for (const struct vg_json_value *g = vg_json_first(grants); g;
             g = vg_json_next(grants, g)) {
            enum exposure x = grantee_exposure(g);
            worst = x > worst ? x : worst;
        }
    }
    return worst;
}

/* Which Block Public Access flags does the request switch off?  Names them in `out` ("" when
 * none). */
static bool bpa_relaxed(const struct vg_json_value *rp, char *out, size_t cap)
{
    static const char *const flags[] = { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                         "RestrictPublicBuckets" };
    const struct vg_json_value *cfg = vg_json_get(rp, "PublicAccessBlockConfiguration");
    size_t n = 0;
    out[0] = '\0';
    if (!cfg)
        return false;
    for (size_t i = 0; i < VG_ARRAY_LEN(flags); i++) {
        bool b;
        const struct vg_json_value *v = vg_json_get(cfg, flags[i]);
        /* an omitted flag is false in the API, so it relaxes too */
        if (!v || (vg_json_bool(v, &b) && !b))
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? ", " : "", flags[i]);
    }
    return n > 0;
}

static void emit(const struct vg_emit *out, enum vg_finding_type type, const struct vg_event *ev,
                 struct vg_str bucket, const char *detail, bool public_now)
{
    struct vg_finding_draft d = vg_ct_draft(type, ev);
    d.bucket = bucket;
    d.detail = vg_str_from(detail);
    if (public_now)
        d.public_access = VG_STR("PUBLIC");
    vg_emit_finding(out, &d);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *out)
{
    const struct vg_cloudtrail *ct = &ev->ct;
    if (!vg_str_eq_lit(ct->event_source, "s3.amazonaws.com") || !vg_ct_succeeded(ev) ||
        vg_ct_by_aws_service(ev))
        return;
    const struct vg_json_value *rp = ct->request_parameters;
    struct vg_str name = ct->event_name;
    struct vg_str bucket = vg_ct_bucket(ev);
    bool account_level = vg_str_eq_lit(name, "PutAccountPublicAccessBlock") ||
                         vg_str_eq_lit(name, "DeleteAccountPublicAccessBlock") ||
                         (!bucket.len && (vg_str_eq_lit(name, "PutPublicAccessBlock") ||
                                          vg_str_eq_lit(name, "DeletePublicAccessBlock")));
    bool is_delete = vg_str_starts_with(name, "Delete");
    bool bpa_call = vg_str_eq_lit(name, "PutBucketPublicAccessBlock") ||
                    vg_str_eq_lit(name, "DeleteBucketPublicAccessBlock") ||
                    vg_str_eq_lit(name, "PutPublicAccessBlock") ||
                    vg_str_eq_lit(name, "DeletePublicAccessBlock");
    if (account_level || bpa_call) {
        char flags[128], detail[256];
        if (!is_delete && !bpa_relaxed(rp, flags, sizeof(flags)))
            return;
        if (account_level && !is_delete)
            snprintf(detail, sizeof(detail), "Account-level settings now off: %s.", flags);
        else if (account_level)
            snprintf(detail, sizeof(detail),
                     "The account-level Block Public Access configuration was deleted.");
        else if (!is_delete)
            snprintf(detail, sizeof(detail), "Bucket settings now off: %s.", flags);
        else
            snprintf(detail, sizeof(detail),
                     "The bucket's Block Public Access configuration was deleted.");
        if (account_level)
            emit(out, VG_FT_POLICY_S3_ACCOUNTBLOCKPUBLICACCESSDISABLED, ev, VG_STR_NULL, detail,
                 false);
        else if (bucket.len)
            emit(out, VG_FT_POLICY_S3_BUCKETBLOCKPUBLICACCESSDISABLED, ev, bucket, detail, false);
    } else if (vg_str_eq_lit(name, "PutBucketPolicy") && bucket.len) {
        enum exposure x = policy_exposure(state, vg_json_get(rp, "bucketPolicy"));
        if (x == ANONYMOUS)
            emit(out, VG_FT_POLICY_S3_BUCKETANONYMOUSACCESSGRANTED, ev, bucket,
                 "The new bucket policy allows Principal \"*\" with no condition that limits who "
                 "the caller can be.",
                 true);
        else if (x == AUTHENTICATED)
            emit(out, VG_FT_POLICY_S3_BUCKETPUBLICACCESSGRANTED, ev, bucket,
                 "The new bucket policy allows any AWS principal; its only condition requires the "
                 "caller to be authenticated, not to belong to you.",
                 true);
    } else if (vg_str_eq_lit(name, "PutBucketAcl") && bucket.len) {
        enum exposure x = acl_exposure(rp);
        if (x == ANONYMOUS)
            emit(out, VG_FT_POLICY_S3_BUCKETANONYMOUSACCESSGRANTED, ev, bucket,
                 "The new ACL grants access to the AllUsers group.", true);
        else if (x == AUTHENTICATED)
            emit(out, VG_FT_POLICY_S3_BUCKETPUBLICACCESSGRANTED, ev, bucket,
                 "The new ACL grants access to the AuthenticatedUsers group (every AWS account).",
                 true);
    }
}

static const enum vg_finding_type types[] = {
    VG_FT_POLICY_S3_ACCOUNTBLOCKPUBLICACCESSDISABLED,
    VG_FT_POLICY_S3_BUCKETBLOCKPUBLICACCESSDISABLED,
    VG_FT_POLICY_S3_BUCKETANONYMOUSACCESSGRANTED,
    VG_FT_POLICY_S3_BUCKETPUBLICACCESSGRANTED,
};

const struct vg_detector vg_detector_s3_public = {
    .name = "s3-public",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = state_free,
    .on_event = on_event,
};
