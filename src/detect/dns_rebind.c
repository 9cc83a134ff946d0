/*
 * DNS rebinding toward instance metadata: an A or AAAA answer returned to an instance maps the
 * queried name to the Instance Metadata Service, 169.254.169.254 or fd00:ec2::254 (also written
 * as the IPv4-mapped ::ffff:169.254.169.254).  A web application that fetches a URL it was
 * given checks the name's address once, then fetches again after a short TTL: a name that
 * answers first with a public address and then with the metadata address turns that fetch into
 * a read of the instance's role credentials.  UnauthorizedAccess:EC2/MetadataDNSRebind.
 *
 * Names that resolve there legitimately never fire: AWS's own "instance-data" (the search-list
 * form), "instance-data.ec2.internal" (us-east-1) and "instance-data.<region>.compute.internal".
 * Every other name is suspect, whatever its answer also holds: one metadata address in a
 * round-robin set is enough for an attacker who retries.  The answers are walked, not the
 * query type, so a CNAME chain that ends at the metadata address counts as well.
 *
 * Aggregation: the queried name is the counterpart (one finding per instance and name).
 * Stateless.
 */
#include "detect/dns_rebind.h"

#include "detect/dns_util.h"

static const struct vg_ip imds_v4 = { 4, { 169, 254, 169, 254 } };
static const struct vg_ip imds_v6 = {
    6, { 0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54 }
};
static const struct vg_ip imds_mapped = {
    6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 169, 254, 169, 254 }
};

static bool is_imds(const struct vg_ip *ip)
{
    return vg_ip_equal(ip, &imds_v4) || vg_ip_equal(ip, &imds_v6) || vg_ip_equal(ip, &imds_mapped);
}

/* AWS's names for the metadata service: "instance-data", "instance-data.ec2.internal" and
 * "instance-data.<one label>.compute.internal".  The name is in normal form (lowercase, no
 * trailing dot), so a plain comparison is exact. */
static bool is_metadata_name(struct vg_str name)
{
    static const char prefix[] = "instance-data.";
    static const char suffix[] = ".compute.internal";
    if (vg_str_eq_lit(name, "instance-data") || vg_str_eq_lit(name, "instance-data.ec2.internal"))
        return true;
    size_t p = sizeof(prefix) - 1, s = sizeof(suffix) - 1;
    if (name.len <= p + s || !vg_str_starts_with(name, prefix) || !vg_str_ends_with(name, suffix))
        return false;
    struct vg_str region = { name.ptr + p, name.len - p - s };
    return memchr(region.ptr, '.', region.len) == NULL &&
           memchr(region.ptr, '\\', region.len) == NULL;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    (void)state;
    const struct vg_dns *dns = &ev->dns;
    if (!dns->answers || !dns->query.text.len || is_metadata_name(dns->query.text))
        return;
    const struct vg_dns_answer *a = NULL;
    for (uint32_t i = 0; i < dns->answer_count && !a; i++)
        if (dns->answers[i].ip.family && is_imds(&dns->answers[i].ip))
            a = &dns->answers[i];
    if (!a)
        return;
    char text[64], detail[160], additional[96];
    vg_ip_format(&a->ip, text, sizeof(text));
    snprintf(detail, sizeof(detail), "The answer gave %s (%.*s record).", text,
             (int)(a->type_text.len > 16 ? 16 : a->type_text.len), a->type_text.ptr);
    snprintf(additional, sizeof(additional), "\"answerAddress\":\"%s\"", text);
    struct vg_finding_dns action = vg_dns_action(ev);
    struct vg_finding_draft d =
        vg_dns_draft(VG_FT_UNAUTHORIZEDACCESS_EC2_METADATADNSREBIND, ev, &action);
    d.detail = vg_str_from(detail);
    d.additional = vg_str_from(additional);
    vg_emit_finding(emit, &d);
}

static const enum vg_finding_type types[] = {
    VG_FT_UNAUTHORIZEDACCESS_EC2_METADATADNSREBIND,
};

const struct vg_detector vg_detector_dns_rebind = {
    .name = "dns-rebind",
    .sources = VG_SOURCE_DNS,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .on_event = on_event,
};
