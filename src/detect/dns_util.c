/* The dnsRequestAction of a Route 53 Resolver query, shared by the DNS detectors. */
#include "detect/dns_util.h"

#include "enrich/psl.h"

struct vg_finding_dns vg_dns_action(const struct vg_event *ev)
{
    const struct vg_dns *dns = &ev->dns;
    struct vg_finding_dns a = { .domain = dns->query.text,
                                .protocol = dns->transport,
                                .blocked = dns->firewall_action == VG_DNS_FW_BLOCK };
    struct vg_str zone = VG_STR_NULL;
    if (vg_psl_registrable(dns->query.text, &zone) != VG_PSL_INVALID)
        a.domain_with_suffix = zone;
    return a;
}

struct vg_finding_draft vg_dns_draft(enum vg_finding_type type, const struct vg_event *ev,
                                     const struct vg_finding_dns *dns)
{
    return (struct vg_finding_draft){
        .type = type,
        .event = ev,
        .counterpart = dns->domain,
        .dns = dns,
    };
}
