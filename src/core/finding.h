/*
 * The finding model shared by detect/ (which proposes findings) and findings/ (which aggregates,
 * owns and renders them).
 *
 * A detector fills a struct vg_finding_draft with borrowed slices (valid only for the current
 * event) and hands it to a struct vg_emit.  The findings table copies what it keeps into a
 * struct vg_finding it owns: that copy is the only way event data outlives its batch.
 */
#ifndef VG_CORE_FINDING_H
#define VG_CORE_FINDING_H

#include "core/compat.h"
#include "core/event.h"
#include "core/limits.h"
#include "core/str.h"
#include "catalog_gen.h"

/* A threat-list match behind a finding (borrowed in drafts). */
struct vg_finding_threat_ref {
    struct vg_str list_name;
    struct vg_str threat_name; /* may be empty */
    struct vg_str sha256;      /* of the list file */
};

struct vg_finding_draft {
    enum vg_finding_type type;
    double severity;              /* 0 = the catalog's default */
    const struct vg_event *event; /* the record that triggered it */
    struct vg_str bucket;         /* S3 findings: the bucket */
    struct vg_str counterpart;    /* joins the aggregation key where the type is about one */
    struct vg_str detail;         /* one or two sentences for the description, plain words */
    struct vg_str public_access;  /* S3: PUBLIC | NOT_PUBLIC | UNKNOWN (effectivePermission) */
    const struct vg_finding_threat_ref *threats; /* list matches, for threatIntelligenceDetails */
    unsigned threat_count;
};

typedef void (*vg_emit_fn)(void *ctx, const struct vg_finding_draft *draft);

struct vg_emit {
    vg_emit_fn fn;
    void *ctx;
};

static inline void vg_emit_finding(const struct vg_emit *e, const struct vg_finding_draft *d)
{
    e->fn(e->ctx, d);
}

struct vg_finding_evidence {
    char *source; /* file the record came from */
    uint64_t offset;
    uint64_t line;
    char *event_id;
    int64_t time_ms;
};

struct vg_finding_api_call {
    char *name; /* "cloudtrail.amazonaws.com:StopLogging" style: service-less API name */
    uint64_t count;
    int64_t first_ms;
    int64_t last_ms;
};

struct vg_finding_threat {
    char *list_name;
    char *threat_name;
    char sha256[65];
};

/* An owned finding.  Every char * is NULL or a NUL-terminated heap string owned by the finding
 * (freed by vg_finding_release). */
struct vg_finding {
    char id[33];
    enum vg_finding_type type;
    double severity;
    char *account_id;
    char *region;
    char *partition;
    /* resource.accessKeyDetails */
    char *access_key_id;
    char *principal_id;
    char *principal_arn;
    char *user_name;
    char *user_type;
    /* resource.s3BucketDetails */
    char *bucket;
    char *public_access;
    /* service.action.awsApiCallAction: the latest occurrence */
    char *api;
    char *service_name;
    char *caller_type;
    char *error_code;
    char *user_agent;
    char *remote_ip;     /* set when the source was an address */
    char *remote_domain; /* set when the source was a service name */
    char *detail;
    /* service */
    uint64_t count;
    int64_t first_seen_ms;
    int64_t last_seen_ms;
    struct vg_finding_evidence evidence[VG_FINDING_MAX_EVIDENCE];
    unsigned evidence_count;
    struct vg_finding_api_call api_calls[VG_FINDING_MAX_API_CALLS];
    unsigned api_call_count;
    uint64_t api_calls_dropped; /* distinct APIs past the cap, counted not kept */
    struct vg_finding_threat threats[VG_FINDING_MAX_THREATS];
    unsigned threat_count;
};

void vg_finding_release(struct vg_finding *f);

#endif
