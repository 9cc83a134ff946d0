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

enum vg_net_direction { VG_NET_DIR_UNKNOWN, VG_NET_INBOUND, VG_NET_OUTBOUND };

/* The connection behind a network finding, seen from the instance: GuardDuty's
 * networkConnectionAction.  Plain values, copied whole into the finding. */
struct vg_finding_net {
    enum vg_net_direction direction;
    uint8_t protocol; /* IANA number */
    bool blocked;     /* the flow was REJECTed */
    struct vg_ip local_ip;
    struct vg_ip remote_ip;
    uint16_t local_port;
    uint16_t remote_port;
};

/* The query behind a DNS finding: GuardDuty's dnsRequestAction.  Borrowed in drafts. */
struct vg_finding_dns {
    struct vg_str domain;             /* the query name, in its normal form */
    struct vg_str domain_with_suffix; /* its zone (enrich/psl.h); may be empty */
    struct vg_str protocol;           /* the transport as logged: "UDP", "TCP", "DoH" */
    bool blocked;                     /* a DNS Firewall rule blocked it */
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
    /* Network findings (VPC Flow Logs): the connection, seen from the instance, which the
     * event's interface and instance ids name.  NULL for API-call findings. */
    const struct vg_finding_net *net;
    bool port_probe; /* render as portProbeAction, gathering the probed ports */
    /* DNS findings (Route 53 Resolver query logs): the query, made by the instance that the
     * event's srcids.instance names.  NULL for the others. */
    const struct vg_finding_dns *dns;
    /* Members added to additionalInfo, as JSON text without braces ("\"threshold\":20,...");
     * detectors put their thresholds and window here so an analyst sees why it fired. */
    struct vg_str additional;
    /* Members of service.detection, as JSON text without braces ("\"anomaly\":{...}"): why a
     * behaviour finding fired.  At most VG_FINDING_MAX_DETECTION_BYTES; empty for none. */
    struct vg_str detection;
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

/* One probed port of a portProbeAction. */
struct vg_finding_probe {
    uint16_t local_port;
    struct vg_ip local_ip;
    struct vg_ip remote_ip;
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
    /* the credentials (additionalInfo): who issued a role session, when, and with MFA */
    char *session_issuer;
    int64_t session_created_ms; /* 0 when not logged */
    enum vg_tristate mfa_authenticated;
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
    char *additional; /* JSON members for additionalInfo (see the draft) */
    char *detection;  /* JSON members for service.detection (see the draft) */
    /* resource.instanceDetails and the network action (has_net) */
    bool has_net;
    bool port_probe;
    struct vg_finding_net net; /* the latest connection */
    char *instance_id;
    char *interface_id;
    char *vpc_id;
    char *subnet_id;
    /* service.action.dnsRequestAction (has_dns); the instance fields above name the querying
     * instance, net.local_ip its address, dns_source that address as text */
    bool has_dns;
    bool dns_blocked;
    char *dns_domain;
    char *dns_domain_with_suffix;
    char *dns_protocol;
    char *dns_source;
    struct vg_finding_probe probes[VG_FINDING_MAX_PROBES];
    unsigned probe_count;
    uint64_t probes_dropped; /* distinct probes past the cap, counted not kept */
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
