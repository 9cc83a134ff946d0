/*
 * Queries for listed domains: the name an instance asked the Route 53 Resolver for is on a
 * threat list, as an exact entry or under a "*.domain" entry (a wildcard covers the
 * subdomains, not the apex: enrich/intel.c).
 *
 * The list's feed and the hit's category (enrich/intel.h) pick the type:
 *   the user's own lists  Impact:EC2/MaliciousDomainRequest.Custom;
 *   curated lists         c2 -> Backdoor:EC2/C&CActivity.B!DNS, cryptocurrency ->
 *                         CryptoCurrency:EC2/BitcoinTool.B!DNS, blackhole ->
 *                         Trojan:EC2/BlackholeTraffic!DNS, droppoint -> Trojan:EC2/DropPoint!DNS,
 *                         dga -> Trojan:EC2/DGADomainRequest.C!DNS, driveby ->
 *                         Trojan:EC2/DriveBySourceTraffic!DNS, phishing ->
 *                         Trojan:EC2/PhishingDomainRequest!DNS;
 *                         other (neither the list nor the threat name gives a category) ->
 *                         MaliciousDomainRequest.Custom, so a curated list without categories is
 *                         never silent; scanner and tor have no DNS type (a scanner's or a Tor
 *                         node's name is not what the instance is suspected of);
 *   low confidence        a reputation feed's hits and abused/suspicious ones, whatever the
 *                         feed, only score the name's reputation (dns_reputation.c).
 * Every query counts, whatever its answer: NXDOMAIN for a taken-down C2 name is still malware
 * calling home, and a query DNS Firewall blocked is still the instance asking (the finding says
 * blocked).  A name that a trusted list also covers never fires.
 *
 * Aggregation: the queried name is the counterpart (one finding per instance and name).
 * Stateless.
 */
#include "detect/dns_intel.h"

#include "detect/dns_util.h"

#define NO_TYPE VG_FT_COUNT

enum vg_finding_type vg_dns_intel_route(const struct vg_intel_hit *h)
{
    if (vg_intel_hit_low_confidence(h))
        return NO_TYPE;
    if (h->list->feed == VG_INTEL_FEED_CUSTOM)
        return VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_CUSTOM;
    if (h->list->feed == VG_INTEL_FEED_TOR)
        return NO_TYPE;
    switch (h->category) {
    case VG_INTEL_CAT_C2: return VG_FT_BACKDOOR_EC2_C_CACTIVITY_B_DNS;
    case VG_INTEL_CAT_CRYPTOCURRENCY: return VG_FT_CRYPTOCURRENCY_EC2_BITCOINTOOL_B_DNS;
    case VG_INTEL_CAT_BLACKHOLE: return VG_FT_TROJAN_EC2_BLACKHOLETRAFFIC_DNS;
    case VG_INTEL_CAT_DROPPOINT: return VG_FT_TROJAN_EC2_DROPPOINT_DNS;
    case VG_INTEL_CAT_DGA: return VG_FT_TROJAN_EC2_DGADOMAINREQUEST_C_DNS;
    case VG_INTEL_CAT_DRIVEBY: return VG_FT_TROJAN_EC2_DRIVEBYSOURCETRAFFIC_DNS;
    case VG_INTEL_CAT_PHISHING: return VG_FT_TROJAN_EC2_PHISHINGDOMAINREQUEST_DNS;
    case VG_INTEL_CAT_SCANNER:
    case VG_INTEL_CAT_TOR: return NO_TYPE;
    default: return VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_CUSTOM;
    }
}

static int clip(size_t len, size_t max)
{
    return (int)(len > max ? max : len);
}

/* The description's {detail}: what the list calls the name, why a curated name became the
 * generic finding, and that a blocked query was still asked. */
static void describe(char *out, size_t cap, enum vg_finding_type type,
                     const struct vg_intel_hit *hit, const struct vg_finding_dns *dns)
{
    size_t used = 0;
    out[0] = '\0';
    if (hit->threat_name.len)
        used = (size_t)snprintf(out, cap, "The list calls it '%.*s'. ",
                                clip(hit->threat_name.len, 80), hit->threat_name.ptr);
    if (used < cap && type == VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_CUSTOM &&
        hit->list->feed == VG_INTEL_FEED_CURATED)
        used += (size_t)snprintf(out + used, cap - used,
                                 "The curated list gives no category for it (c2, "
                                 "cryptocurrency, blackhole, droppoint, dga, driveby, phishing), "
                                 "so it is reported as a listed domain. ");
    if (used < cap && dns->blocked)
        snprintf(out + used, cap - used,
                 "DNS Firewall blocked the query, but whatever runs on the instance asked.");
}

/* One finding of `type` for the hits that route to it. */
static void emit_hits(const struct vg_event *ev, const struct vg_intel_match *m,
                      const enum vg_finding_type *types, enum vg_finding_type type,
                      const struct vg_emit *emit)
{
    struct vg_finding_threat_ref refs[VG_INTEL_MAX_HITS];
    const struct vg_intel_hit *first = NULL;
    unsigned n = 0;
    for (unsigned i = 0; i < m->count; i++) {
        if (types[i] != type)
            continue;
        if (!first)
            first = &m->hits[i];
        const struct vg_intel_hit *h = &m->hits[i];
        refs[n++] = (struct vg_finding_threat_ref){ vg_str_from(h->list->name), h->threat_name,
                                                    vg_str_from(h->list->sha256) };
    }
    struct vg_finding_dns dns = vg_dns_action(ev);
    char detail[512], additional[128];
    describe(detail, sizeof(detail), type, first, &dns);
    const char *source = first->list->category != VG_INTEL_CAT_AUTO ? "list"
                         : first->category != VG_INTEL_CAT_OTHER    ? "threatName"
                                                                    : "none";
    snprintf(additional, sizeof(additional),
             "\"threatCategory\":\"%s\",\"threatCategorySource\":\"%s\"",
             vg_intel_category_name(first->category), source);
    struct vg_finding_draft d = vg_dns_draft(type, ev, &dns);
    d.threats = refs;
    d.threat_count = n;
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    vg_emit_finding(emit, &d);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    const struct vg_detect_env *env = state;
    struct vg_intel_match m;
    if (!env->intel || !ev->dns.query.text.len ||
        !vg_intel_match_domain(env->intel, ev->dns.query.text, &m) || m.trusted)
        return;
    enum vg_finding_type types[VG_INTEL_MAX_HITS];
    for (unsigned i = 0; i < m.count; i++)
        types[i] = vg_dns_intel_route(&m.hits[i]);
    for (unsigned i = 0; i < m.count; i++) {
        bool done = types[i] == NO_TYPE;
        for (unsigned j = 0; j < i && !done; j++)
            done = types[j] == types[i]; /* emitted with hit j */
        if (!done)
            emit_hits(ev, &m, types, types[i], emit);
    }
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    *out = (void *)(uintptr_t)env; /* stateless: it only needs the current intel snapshot */
    return VG_OK;
}

static const enum vg_finding_type types[] = {
    VG_FT_BACKDOOR_EC2_C_CACTIVITY_B_DNS,       VG_FT_CRYPTOCURRENCY_EC2_BITCOINTOOL_B_DNS,
    VG_FT_TROJAN_EC2_BLACKHOLETRAFFIC_DNS,      VG_FT_TROJAN_EC2_DROPPOINT_DNS,
    VG_FT_TROJAN_EC2_DGADOMAINREQUEST_C_DNS,    VG_FT_TROJAN_EC2_DRIVEBYSOURCETRAFFIC_DNS,
    VG_FT_TROJAN_EC2_PHISHINGDOMAINREQUEST_DNS, VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_CUSTOM,
};

const struct vg_detector vg_detector_dns_intel = {
    .name = "dns-intel",
    .sources = VG_SOURCE_DNS,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .on_event = on_event,
};
