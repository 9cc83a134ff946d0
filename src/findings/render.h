/*
 * Finding output: GuardDuty's finding JSON (lowerCamel, as the GetFindings REST API returns it,
 * so boto3's parser and existing SOAR scripts read it) and a table for people.
 *
 * Every string from a log goes through vg_buf_add_json_str (JSON) or vg_buf_add_printable
 * (terminal): hostile bytes never reach a consumer raw.
 */
#ifndef VG_FINDINGS_RENDER_H
#define VG_FINDINGS_RENDER_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/finding.h"

struct vg_inventory;
struct vg_ipinfo;
struct vg_pdns;

struct vg_render_opts {
    int64_t now_ms;         /* stamps createdAt/updatedAt (when vigil wrote the finding) */
    int64_t retro_added_ms; /* nonzero: a retro-hunt, with the list's time of addition */
    /* An asset inventory (enrich/inventory.h), frozen; borrowed, may be NULL.  With it, network
     * findings carry the instance's full instanceDetails. */
    const struct vg_inventory *inventory;
    /* Passive DNS (enrich/pdns.h); may be NULL.  With it, a remote address's remoteIpDetails
     * names the domains it was an answer for, and the description says so. */
    struct vg_pdns *pdns;
    /* Address owners (enrich/ipinfo.h), frozen; may be NULL.  With it, a remote address's
     * remoteIpDetails carries its AS, country and AWS range. */
    const struct vg_ipinfo *ipinfo;
    /* A sample finding (CreateSampleFindings): the title starts with "[SAMPLE] " and
     * additionalInfo says "sample": true, so no consumer mistakes it for an alert. */
    bool sample;
};

/* The detectorId a finding names: one per account and Region, the same on every run (32 hex). */
void vg_render_detector_id(const struct vg_finding *f, char out[33]);
/* Append one finding object. */
int vg_render_json(struct vg_buf *out, const struct vg_finding *f,
                   const struct vg_render_opts *opts);
/* Expand a catalog template ({principal}, {principal_type}, {access_key}, {api}, {service},
 * {bucket}, {source_ip}, {user_agent}, {account}, {region}, {detail}, {threat_list}; for network
 * findings {instance}, {local_ip}, {remote_ip}, {local_port}, {remote_port}, {service_port},
 * {protocol}, {direction}, {direction_phrase}; for DNS findings {instance}, {local_ip} (the
 * querying address) and {domain}) as plain text. */
int vg_render_template(struct vg_buf *out, const char *tmpl, const struct vg_finding *f);
/* "TCP", "UDP", "ICMP", "ICMPv6" for an IANA protocol number; NULL for the others. */
const char *vg_protocol_name(uint8_t protocol);
/* GuardDuty's portName for a port ("SSH", "HTTPS"), "Unknown" when it has none. */
const char *vg_port_name(uint16_t port);
/* "High", "Medium", "Low" for a severity value. */
const char *vg_severity_label(double severity);
/* Table output: the header line, then one line per finding. */
int vg_render_table_header(struct vg_buf *out, bool color);
int vg_render_table_row(struct vg_buf *out, const struct vg_finding *f, bool color);

#endif
