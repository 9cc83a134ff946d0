/*
 * Behaviour profiles of CloudTrail principals, learned in event time: which APIs each one calls,
 * from which networks, with which user-agent families, from which countries and regions, on
 * which buckets, how often, and how often its calls fail.  The anomaly detector
 * (baseline_anomaly.c) asks a profile how usual a call's features are; the findings quote the
 * profile.
 *
 * Who is profiled (vg_baseline_principal_key): an IAM user, a role (every session of an
 * assumed role shares the role's profile: sessions are short and many, the role is what has a
 * habit), root, a federated user, an Identity Center or SAML user; and each account as a whole.
 * AWS services acting for a principal are not profiled.
 *
 * Frequency classes follow GuardDuty's detection.anomaly: each entry carries a weight that
 * gains 1 on every day the feature is seen and halves every iam.baseline.half_life, so a
 * profile follows gradual change and forgets what stopped: FREQUENT at a weight of 4 or more
 * (daily to weekly use), INFREQUENT from 1.5 (a few times a month), RARE below, UNSEEN when
 * absent or faded under 0.1.
 *
 * Memory: one principal's whole profile is one 512-byte entry of a core/keyed.h table (an
 * eviction drops it whole: the principal starts learning again, silent, rather than reporting
 * everything it forgot as unseen), the per-account profiles another table, and the texts of the
 * features (for the findings) a third.  Each feature has a fixed number of entries; when a new
 * one arrives at the cap the lightest entry gives way, and if that one was still in use the
 * feature is marked saturated (a principal using more distinct APIs than the cap has no
 * single-API habit worth alerting on by itself).
 */
#ifndef VG_DETECT_BASELINE_H
#define VG_DETECT_BASELINE_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/event.h"

struct vg_ipinfo;

enum vg_feature {
    VG_FEAT_API,     /* "iam:ListAccessKeys" */
    VG_FEAT_NETWORK, /* "AS16509" when the AS is known, else "198.51.100.0/24" or a /48 */
    VG_FEAT_AGENT,   /* the user agent's family: "aws-cli", "Boto3", "console.amazonaws.com" */
    VG_FEAT_COUNTRY, /* "US", when address data is loaded */
    VG_FEAT_REGION,
    VG_FEAT_BUCKET, /* S3 calls */
    VG_FEAT_COUNT,
};

enum vg_freq { VG_FREQ_UNSEEN, VG_FREQ_RARE, VG_FREQ_INFREQUENT, VG_FREQ_FREQUENT };

#define VG_FEAT_TEXT 64

/* The features of one call. */
struct vg_obs {
    uint16_t day; /* days since 1970-01-01, event time */
    bool failed;  /* the call failed (an error code, a failed sign-in) */
    bool has[VG_FEAT_COUNT];
    uint32_t id[VG_FEAT_COUNT];
    char text[VG_FEAT_COUNT][VG_FEAT_TEXT]; /* log bytes, NUL-terminated: escape on output */
};

struct vg_profile_item {
    uint32_t id;
    uint16_t first_day, last_day;
    float weight;
};

#define VG_PROFILE_ITEMS 40

/* One principal's (or account's) profile; a plain value (saved to disk as bytes). */
struct vg_profile {
    int64_t first_ms;    /* first call: learning runs from here */
    float calls, errors; /* decayed like the entries' weights: the usual error rate */
    uint16_t last_day;
    uint16_t active_days; /* days with at least one call */
    uint8_t count[VG_FEAT_COUNT];
    uint8_t saturated; /* bit per feature */
    uint8_t reserved;
    struct vg_profile_item items[VG_PROFILE_ITEMS]; /* in per-feature runs, see baseline.c */
};

struct vg_baseline;

/* Profiles within budget_bytes (split between the tables), decaying by half every half_life_ms.
 * NULL when out of memory. */
struct vg_baseline *vg_baseline_new(size_t budget_bytes, int64_t half_life_ms);
void vg_baseline_free(struct vg_baseline *b);
uint64_t vg_baseline_evictions(const struct vg_baseline *b);
size_t vg_baseline_memory(const struct vg_baseline *b);
/* Saved state: save appends (VG_OK or VG_ENOMEM); load reads what save wrote at *data and
 * advances *data and *len past it (VG_OK, or VG_EFORMAT), like core/keyed.h's. */
int vg_baseline_save(const struct vg_baseline *b, struct vg_buf *out);
int vg_baseline_load(struct vg_baseline *b, const char **data, size_t *len);

/* The profiled principal of a call, as text ("arn:aws:iam::1:user/ci", the role's ARN for a
 * role session, "root"); false for calls no principal profile covers (AWS services). */
bool vg_baseline_principal_key(const struct vg_event *ev, struct vg_str *out);
/* A 16-byte state key for the IAM detectors' keyed tables: account, then two strings. */
void vg_baseline_key(struct vg_str account, struct vg_str a, struct vg_str b, uint64_t out[2]);
/* The features of a call; ipinfo (may be NULL) gives AS and country. */
void vg_baseline_observe(const struct vg_event *ev, const struct vg_ipinfo *ipinfo,
                         struct vg_obs *out);

/* The profile of the call's principal (key from vg_baseline_principal_key) or account, created
 * empty when new (*created).  Valid until the next call of the same function; NULL never. */
struct vg_profile *vg_baseline_principal(struct vg_baseline *b, const struct vg_event *ev,
                                         struct vg_str key, bool *created);
struct vg_profile *vg_baseline_account(struct vg_baseline *b, const struct vg_event *ev,
                                       bool *created);

/* How usual the feature of obs is in p on obs's day. */
enum vg_freq vg_profile_freq(const struct vg_baseline *b, const struct vg_profile *p,
                             const struct vg_obs *obs, enum vg_feature f);
/* The feature is unseen, or was first seen today (event time): an attacker's first call from
 * a new network may be a routine one, and the unusual call that follows is still new-network
 * activity. */
bool vg_profile_new(const struct vg_baseline *b, const struct vg_profile *p,
                    const struct vg_obs *obs, enum vg_feature f);
bool vg_profile_saturated(const struct vg_profile *p, enum vg_feature f);
/* Add the call to the profile (and its texts to the names the findings quote). */
void vg_profile_learn(struct vg_baseline *b, struct vg_profile *p, const struct vg_obs *obs);

/* The share of the principal's calls that fail, decayed like the weights: 0 to 1. */
float vg_profile_error_rate(const struct vg_profile *p);
/* The text of a feature id the profiles hold, or NULL when it was evicted. */
const char *vg_baseline_name(struct vg_baseline *b, uint32_t id);
/* GuardDuty's "usual" profile of p as JSON members ("api":[{...}],"userAgent":[...]): per
 * feature the entries by frequency class, heaviest first, at most 20 per class, leaving out the
 * nskip ids in skip (what a finding reports as unusual, which p has learned since). */
int vg_baseline_usual_json(struct vg_baseline *b, const struct vg_profile *p, uint16_t day,
                           const uint32_t *skip, unsigned nskip, struct vg_buf *out);
/* The heaviest entries of a feature as "a, b, c" (at most n; skip as above), printable, for
 * descriptions. */
int vg_baseline_usual_text(struct vg_baseline *b, const struct vg_profile *p, enum vg_feature f,
                           uint16_t day, const uint32_t *skip, unsigned nskip, unsigned n,
                           struct vg_buf *out);
/* "api", "network", "userAgent", ...: the member names findings use. */
const char *vg_feature_name(enum vg_feature f);
const char *vg_freq_name(enum vg_freq q);

#endif
