/* IP addresses as values: parsed once from log text, compared and classified without strings. */
#ifndef VG_CORE_IP_H
#define VG_CORE_IP_H

#include "core/compat.h"
#include "core/str.h"

struct vg_ip {
    uint8_t family;   /* 0 = none, 4 or 6 */
    uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/* Parse a literal IPv4 or IPv6 address (no brackets, no port, no zone). */
bool vg_ip_parse(struct vg_str s, struct vg_ip *out);
/* Text form into out (INET6_ADDRSTRLEN bytes suffice). */
const char *vg_ip_format(const struct vg_ip *ip, char *out, size_t cap);
/* True for addresses that are not publicly routable: RFC 1918, loopback, link-local, CGNAT,
 * multicast, documentation and other special-purpose ranges (RFC 6890), ULA. */
bool vg_ip_is_private(const struct vg_ip *ip);

/* Word compares, not memcmp: its length depends on the family, so the compiler calls the library
 * for it, and flow enrichment compares several addresses per record. */
static inline bool vg_ip_equal(const struct vg_ip *a, const struct vg_ip *b)
{
    if (a->family != b->family)
        return false;
    uint32_t a4, b4;
    memcpy(&a4, a->addr, 4);
    memcpy(&b4, b->addr, 4);
    if (a4 != b4)
        return false;
    if (a->family == 4)
        return true;
    uint32_t a_rest[3], b_rest[3];
    memcpy(a_rest, a->addr + 4, 12);
    memcpy(b_rest, b->addr + 4, 12);
    return ((a_rest[0] ^ b_rest[0]) | (a_rest[1] ^ b_rest[1]) | (a_rest[2] ^ b_rest[2])) == 0;
}

#endif
