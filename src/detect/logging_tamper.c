/*
 * Stealth:IAMUser/CloudTrailLoggingDisabled by DeleteBucket of a bucket a trail was seen
 * delivering to.  The stateless cases (StopLogging, DeleteTrail, PutBucketLogging off, Bedrock
 * invocation logging deleted) are rules in rules/logging.yml; this one needs what was learned
 * of the trails.  Only successful calls made by a principal count, as there.
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

/* CreateTrail/UpdateTrail teach the trails' buckets; deleting one is the finding. */
static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct trail_buckets *s = state;
    const struct vg_cloudtrail *ct = &ev->ct;
    if (vg_ct_is(ev, "cloudtrail.amazonaws.com", "CreateTrail") ||
        vg_ct_is(ev, "cloudtrail.amazonaws.com", "UpdateTrail")) {
        struct vg_str bucket = vg_json_str(vg_json_get(ct->request_parameters, "s3BucketName"));
        if (bucket.len && vg_ct_succeeded(ev))
            remember_bucket(s, bucket_key(bucket));
        return;
    }
    if (!vg_ct_is(ev, "s3.amazonaws.com", "DeleteBucket") || !vg_ct_succeeded(ev) ||
        vg_ct_by_aws_service(ev))
        return;
    struct vg_str bucket = vg_ct_bucket(ev);
    if (!bucket.len || !known_bucket(s, bucket_key(bucket)))
        return;
    struct vg_finding_draft d = vg_ct_draft(VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED, ev);
    d.bucket = bucket;
    d.detail = VG_STR("The deleted bucket received a trail's log files, so that trail can no "
                      "longer deliver.");
    vg_emit_finding(emit, &d);
}

static const enum vg_finding_type types[] = { VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED };

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
