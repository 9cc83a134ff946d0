/*
 * Logging tampering: turning off the records an investigation would need.
 *   Stealth:IAMUser/CloudTrailLoggingDisabled   StopLogging, DeleteTrail, and DeleteBucket of a
 *                                               bucket a trail was seen delivering to
 *   Stealth:S3/ServerAccessLoggingDisabled      PutBucketLogging with no LoggingEnabled
 *   DefenseEvasion:IAMUser/BedrockLoggingDisabled DeleteModelInvocationLoggingConfiguration
 * Only successful calls made by a principal count: a denied attempt changed nothing, and an AWS
 * service acting on its own (e.g. a stack deletion) is not an intruder hiding.
 *
 * State: the set of trail buckets learned from CreateTrail/UpdateTrail, capped; the oldest is
 * overwritten when full and counted as an eviction.
 */
#include "detect/logging_tamper.h"

#include "core/hash.h"
#include "detect/ct_util.h"
#include "parse/json.h"

#define TRAIL_BUCKETS_CAP 4096 /* trails per deployment are few; this is room for many orgs */

struct trail_buckets {
    uint64_t keys[TRAIL_BUCKETS_CAP]; /* hash of (account, bucket); 0 = empty */
    size_t next;                      /* ring position for the next insert */
    size_t count;
    uint64_t evictions;
};

/* Bucket names are global, and organisation trails deliver into another account's bucket, so
 * the key is the name alone. */
static uint64_t bucket_key(struct vg_str bucket)
{
    uint64_t h = vg_hash64(bucket.ptr, bucket.len, 0x7472);
    return h ? h : 1;
}

static bool known_bucket(const struct trail_buckets *s, uint64_t key)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->keys[i] == key)
            return true;
    return false;
}

static void remember_bucket(struct trail_buckets *s, uint64_t key)
{
    if (known_bucket(s, key))
        return;
    if (s->count == TRAIL_BUCKETS_CAP)
        s->evictions++;
    else
        s->count++;
    s->keys[s->next] = key;
    s->next = (s->next + 1) % TRAIL_BUCKETS_CAP;
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    (void)env;
    *out = calloc(1, sizeof(struct trail_buckets));
    return *out ? VG_OK : VG_ENOMEM;
}

static uint64_t state_evictions(const void *state)
{
    return ((const struct trail_buckets *)state)->evictions;
}

static void emit_with_detail(const struct vg_emit *emit, enum vg_finding_type type,
                             const struct vg_event *ev, struct vg_str bucket, const char *detail)
{
    struct vg_finding_draft d = vg_ct_draft(type, ev);
    d.bucket = bucket;
    d.detail = vg_str_from(detail);
    vg_emit_finding(emit, &d);
}

static void trail_event(struct trail_buckets *s, const struct vg_event *ev,
                        const struct vg_emit *emit)
{
    const struct vg_json_value *rp = ev->ct.request_parameters;
    if (vg_str_eq_lit(ev->ct.event_name, "CreateTrail") ||
        vg_str_eq_lit(ev->ct.event_name, "UpdateTrail")) {
        struct vg_str bucket = vg_json_str(vg_json_get(rp, "s3BucketName"));
        if (bucket.len && vg_ct_succeeded(ev))
            remember_bucket(s, bucket_key(bucket));
        return;
    }
    if (!vg_ct_succeeded(ev) || vg_ct_by_aws_service(ev))
        return;
    bool stop = vg_str_eq_lit(ev->ct.event_name, "StopLogging");
    if (!stop && !vg_str_eq_lit(ev->ct.event_name, "DeleteTrail"))
        return;
    /* The trail is named by name or ARN; quote it (cut short: it is the caller's text). */
    struct vg_str trail = vg_json_str(vg_json_get(rp, "name"));
    int n = (int)(trail.len > 200 ? 200 : trail.len);
    char detail[320];
    if (stop)
        snprintf(detail, sizeof(detail),
                 "Logging was stopped on trail '%.*s'; it records nothing "
                 "until StartLogging.",
                 n, trail.ptr ? trail.ptr : "");
    else
        snprintf(detail, sizeof(detail), "Trail '%.*s' was deleted.", n,
                 trail.ptr ? trail.ptr : "");
    emit_with_detail(emit, VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED, ev, VG_STR_NULL,
                     detail);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct trail_buckets *s = state;
    const struct vg_cloudtrail *ct = &ev->ct;
    if (vg_str_eq_lit(ct->event_source, "cloudtrail.amazonaws.com")) {
        trail_event(s, ev, emit);
        return;
    }
    if (!vg_ct_succeeded(ev) || vg_ct_by_aws_service(ev))
        return;
    if (vg_ct_is(ev, "s3.amazonaws.com", "DeleteBucket")) {
        struct vg_str bucket = vg_ct_bucket(ev);
        if (bucket.len && known_bucket(s, bucket_key(bucket)))
            emit_with_detail(emit, VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED, ev, bucket,
                             "The deleted bucket received a trail's log files, so that trail can "
                             "no longer deliver.");
    } else if (vg_ct_is(ev, "s3.amazonaws.com", "PutBucketLogging")) {
        const struct vg_json_value *status =
            vg_json_get(ct->request_parameters, "BucketLoggingStatus");
        struct vg_str bucket = vg_ct_bucket(ev);
        if (status && !vg_json_get(status, "LoggingEnabled") && bucket.len)
            emit_with_detail(emit, VG_FT_STEALTH_S3_SERVERACCESSLOGGINGDISABLED, ev, bucket, NULL);
    } else if (vg_ct_is(ev, "bedrock.amazonaws.com", "DeleteModelInvocationLoggingConfiguration")) {
        emit_with_detail(emit, VG_FT_DEFENSEEVASION_IAMUSER_BEDROCKLOGGINGDISABLED, ev, VG_STR_NULL,
                         NULL);
    }
}

static const enum vg_finding_type types[] = {
    VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED,
    VG_FT_STEALTH_S3_SERVERACCESSLOGGINGDISABLED,
    VG_FT_DEFENSEEVASION_IAMUSER_BEDROCKLOGGINGDISABLED,
};

const struct vg_detector vg_detector_logging_tamper = {
    .name = "logging-tamper",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = free,
    .state_evictions = state_evictions,
    .on_event = on_event,
};
