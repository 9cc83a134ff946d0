/* What the DNS detectors share: the dnsRequestAction and draft of a query (see dns_util.c). */
#ifndef VG_DETECT_DNS_UTIL_H
#define VG_DETECT_DNS_UTIL_H

#include "core/compat.h"
#include "core/event.h"
#include "core/finding.h"

/* The query of a DNS event as GuardDuty's dnsRequestAction: the name, its zone (enrich/psl.h),
 * the transport and whether DNS Firewall blocked it.  Slices borrow from the event. */
struct vg_finding_dns vg_dns_action(const struct vg_event *ev);

/* A draft of `type` for a DNS event with its action; the queried name is the counterpart (one
 * finding per instance and name).  Borrows ev and dns. */
struct vg_finding_draft vg_dns_draft(enum vg_finding_type type, const struct vg_event *ev,
                                     const struct vg_finding_dns *dns);

#endif
