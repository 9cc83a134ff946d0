/*
 * The public DoH servers (see doh_servers.h for why a compiled-in table).
 *
 * What goes in: resolvers that a large population can use without an account or with a free
 * one, whose operators publish fixed anycast addresses answering DoH on port 443 (the DoH host
 * names of these services resolve to the same addresses as their plain-DNS service).  Sources,
 * each operator's own setup page: Cloudflare 1.1.1.1 (incl. 1.1.1.2/.3 malware and family
 * filters), Google Public DNS, Quad9 (9.9.9.9 secured, .10 unsecured, .11 with ECS), Cisco
 * OpenDNS (208.67.222.222/220.220, doh.opendns.com at 146.112.41.2), AdGuard DNS (default,
 * family, unfiltered), NextDNS (anycast 45.90.28.0/24 and 45.90.30.0/24, profile-specific
 * IPv6 addresses under 2a07:a8c0::/96 and 2a07:a8c1::/96), Mullvad DNS (194.242.2.2-.9),
 * Control D (free resolvers 76.76.2.0-.5 and 76.76.10.0-.5), DNS.SB, AliDNS and DNSPod (doh.pub)
 * for China-hosted tooling.
 *
 * What stays out: resolvers only reachable by host name on shared CDN addresses (matching a CDN
 * address would flag ordinary web traffic), ISP resolvers, and anything retired (AdGuard's old
 * 176.103.130.0/24).  Keep the table sorted: doh_servers_test.c checks order and overlap.
 */
#include "detect/doh_servers.h"

#define V4(a, b, c, d)                                                                             \
    {                                                                                              \
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d                                       \
    }
#define G(x) (uint8_t)((x) >> 8), (uint8_t)((x)&0xff)
#define V6(a, b, c, d, e, f, g, h)                                                                 \
    {                                                                                              \
        G(a), G(b), G(c), G(d), G(e), G(f), G(g), G(h)                                             \
    }

static const struct vg_doh_server servers[] = {
    { V4(1, 0, 0, 1), V4(1, 0, 0, 3), "Cloudflare" },
    { V4(1, 1, 1, 1), V4(1, 1, 1, 3), "Cloudflare" },
    { V4(1, 12, 12, 12), V4(1, 12, 12, 12), "DNSPod" },
    { V4(8, 8, 4, 4), V4(8, 8, 4, 4), "Google" },
    { V4(8, 8, 8, 8), V4(8, 8, 8, 8), "Google" },
    { V4(9, 9, 9, 9), V4(9, 9, 9, 11), "Quad9" },
    { V4(45, 11, 45, 11), V4(45, 11, 45, 11), "DNS.SB" },
    { V4(45, 90, 28, 0), V4(45, 90, 28, 255), "NextDNS" },
    { V4(45, 90, 30, 0), V4(45, 90, 30, 255), "NextDNS" },
    { V4(76, 76, 2, 0), V4(76, 76, 2, 5), "Control D" },
    { V4(76, 76, 10, 0), V4(76, 76, 10, 5), "Control D" },
    { V4(94, 140, 14, 14), V4(94, 140, 14, 15), "AdGuard" },
    { V4(94, 140, 14, 140), V4(94, 140, 14, 141), "AdGuard" },
    { V4(94, 140, 15, 15), V4(94, 140, 15, 16), "AdGuard" },
    { V4(120, 53, 53, 53), V4(120, 53, 53, 53), "DNSPod" },
    { V4(146, 112, 41, 2), V4(146, 112, 41, 2), "OpenDNS" },
    { V4(149, 112, 112, 10), V4(149, 112, 112, 11), "Quad9" },
    { V4(149, 112, 112, 112), V4(149, 112, 112, 112), "Quad9" },
    { V4(185, 222, 222, 222), V4(185, 222, 222, 222), "DNS.SB" },
    { V4(194, 242, 2, 2), V4(194, 242, 2, 9), "Mullvad" },
    { V4(208, 67, 220, 220), V4(208, 67, 220, 220), "OpenDNS" },
    { V4(208, 67, 222, 222), V4(208, 67, 222, 222), "OpenDNS" },
    { V4(223, 5, 5, 5), V4(223, 5, 5, 5), "AliDNS" },
    { V4(223, 6, 6, 6), V4(223, 6, 6, 6), "AliDNS" },
    { V6(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844),
      V6(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844), "Google" },
    { V6(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888),
      V6(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888), "Google" },
    { V6(0x2400, 0x3200, 0, 0, 0, 0, 0, 1), V6(0x2400, 0x3200, 0, 0, 0, 0, 0, 1), "AliDNS" },
    { V6(0x2400, 0x3200, 0xbaba, 0, 0, 0, 0, 1), V6(0x2400, 0x3200, 0xbaba, 0, 0, 0, 0, 1),
      "AliDNS" },
    { V6(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001),
      V6(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1003), "Cloudflare" },
    { V6(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111),
      V6(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1113), "Cloudflare" },
    { V6(0x2620, 0xfe, 0, 0, 0, 0, 0, 0x9), V6(0x2620, 0xfe, 0, 0, 0, 0, 0, 0x11), "Quad9" },
    { V6(0x2620, 0xfe, 0, 0, 0, 0, 0, 0xfe), V6(0x2620, 0xfe, 0, 0, 0, 0, 0, 0xfe), "Quad9" },
    { V6(0x2620, 0xfe, 0, 0, 0, 0, 0xfe, 0x10), V6(0x2620, 0xfe, 0, 0, 0, 0, 0xfe, 0x11), "Quad9" },
    { V6(0x2620, 0x119, 0x35, 0, 0, 0, 0, 0x35), V6(0x2620, 0x119, 0x35, 0, 0, 0, 0, 0x35),
      "OpenDNS" },
    { V6(0x2620, 0x119, 0x53, 0, 0, 0, 0, 0x53), V6(0x2620, 0x119, 0x53, 0, 0, 0, 0, 0x53),
      "OpenDNS" },
    { V6(0x2620, 0x119, 0xfc, 0, 0, 0, 0, 0x2), V6(0x2620, 0x119, 0xfc, 0, 0, 0, 0, 0x2),
      "OpenDNS" },
    { V6(0x2a07, 0xa8c0, 0, 0, 0, 0, 0, 0), V6(0x2a07, 0xa8c0, 0, 0, 0, 0, 0xffff, 0xffff),
      "NextDNS" },
    { V6(0x2a07, 0xa8c1, 0, 0, 0, 0, 0, 0), V6(0x2a07, 0xa8c1, 0, 0, 0, 0, 0xffff, 0xffff),
      "NextDNS" },
    { V6(0x2a07, 0xe340, 0, 0, 0, 0, 0, 0x2), V6(0x2a07, 0xe340, 0, 0, 0, 0, 0, 0x9), "Mullvad" },
    /* ::1:ff and ::2:ff unfiltered, ::ad1:ff and ::ad2:ff default, ::bad1:ff and ::bad2:ff
     * family: one range, all of it AdGuard's */
    { V6(0x2a10, 0x50c0, 0, 0, 0, 0, 0x1, 0xff), V6(0x2a10, 0x50c0, 0, 0, 0, 0, 0xbad2, 0xff),
      "AdGuard" },
};
_Static_assert(VG_ARRAY_LEN(servers) <= VG_DOH_SERVERS_MAX, "a 64-bit mask per instance");

static void addr16(const struct vg_ip *ip, uint8_t out[16])
{
    if (ip->family == 6) {
        memcpy(out, ip->addr, 16);
        return;
    }
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, ip->addr, 4);
}

int vg_doh_servers_find(const struct vg_ip *ip, const struct vg_doh_server **out)
{
    uint8_t key[16];
    addr16(ip, key);
    /* the last entry starting at or below key is the only one that can cover it */
    size_t lo = 0, hi = VG_ARRAY_LEN(servers);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (memcmp(servers[mid].lo, key, 16) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || memcmp(key, servers[lo - 1].hi, 16) > 0)
        return -1;
    *out = &servers[lo - 1];
    return (int)(lo - 1);
}

size_t vg_doh_servers_count(void)
{
    return VG_ARRAY_LEN(servers);
}

const struct vg_doh_server *vg_doh_servers_at(size_t i)
{
    return i < VG_ARRAY_LEN(servers) ? &servers[i] : NULL;
}
