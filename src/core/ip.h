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

static inline bool vg_ip_equal(const struct vg_ip *a, const struct vg_ip *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

#endif
