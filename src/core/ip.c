/* Address parsing and classification.  IPv4 has a hand-written parser because it is on the
 * per-event path; IPv6 goes through inet_pton, which is strict and rare enough. */
#include "core/ip.h"

static bool parse_v4(const char *p, size_t n, uint8_t out[4])
{
    unsigned part = 0, val = 0, digits = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || p[i] == '.') {
            if (digits == 0 || val > 255 || part > 3)
                return false;
            out[part++] = (uint8_t)val;
            val = digits = 0;
            continue;
        }
        unsigned d = (unsigned)(p[i] - '0');
        if (d > 9 || digits == 3 || (digits == 1 && val == 0))
            return false; /* no leading zeros: "010" is octal to some parsers */
        val = val * 10 + d;
        digits++;
    }
    return part == 4;
}

bool vg_ip_parse(struct vg_str s, struct vg_ip *out)
{
    memset(out, 0, sizeof(*out));
    if (s.len == 0 || s.len > 45)
        return false;
    if (memchr(s.ptr, ':', s.len)) {
        char tmp[46];
        memcpy(tmp, s.ptr, s.len);
        tmp[s.len] = '\0';
        if (inet_pton(AF_INET6, tmp, out->addr) != 1)
            return false;
        out->family = 6;
        return true;
    }
    if (!parse_v4(s.ptr, s.len, out->addr))
        return false;
    out->family = 4;
    return true;
}

const char *vg_ip_format(const struct vg_ip *ip, char *out, size_t cap)
{
    if (ip->family == 4)
        return inet_ntop(AF_INET, ip->addr, out, (socklen_t)cap);
    if (ip->family == 6)
        return inet_ntop(AF_INET6, ip->addr, out, (socklen_t)cap);
    if (cap)
        out[0] = '\0';
    return out;
}

static bool in_v4(const uint8_t *a, uint32_t net, unsigned bits)
{
    uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    uint32_t mask = bits ? ~(uint32_t)0 << (32 - bits) : 0;
    return (v & mask) == net;
}

bool vg_ip_is_private(const struct vg_ip *ip)
{
    static const struct {
        uint32_t net;
        unsigned bits;
    } v4[] = {
        { 0x00000000, 8 },  { 0x0A000000, 8 },  { 0x64400000, 10 }, { 0x7F000000, 8 },
        { 0xA9FE0000, 16 }, { 0xAC100000, 12 }, { 0xC0000000, 24 }, { 0xC0000200, 24 },
        { 0xC0A80000, 16 }, { 0xC6120000, 15 }, { 0xC6336400, 24 }, { 0xCB007100, 24 },
        { 0xE0000000, 4 },  { 0xF0000000, 4 },
    };
    /* The first octets of v4[], as 256-bit sets: those whose every address is in it (0, 10,
     * 127, 224-255) and those that start a longer prefix.  Flow enrichment asks this of every
     * record's remote end, nearly always public or 10.x, which one bit test now decides instead
     * of ten compares and then a walk of the table (38 instructions a call on the bench's flow
     * corpus, 26 with the sets; callgrind).  Keep them in step with v4[]. */
    static const uint64_t whole[4] = { 1ull << 0 | 1ull << 10, 1ull << (127 - 64), 0,
                                       0xFFFFFFFF00000000ull };
    static const uint64_t part[4] = { 0, 1ull << (100 - 64),
                                      1ull << (169 - 128) | 1ull << (172 - 128),
                                      1ull << (192 - 192) | 1ull << (198 - 192) |
                                          1ull << (203 - 192) };
    if (ip->family == 4) {
        uint8_t a = ip->addr[0];
        if (whole[a >> 6] >> (a & 63) & 1)
            return true;
        if (!(part[a >> 6] >> (a & 63) & 1))
            return false;
        for (size_t i = 0; i < VG_ARRAY_LEN(v4); i++)
            if (in_v4(ip->addr, v4[i].net, v4[i].bits))
                return true;
        return false;
    }
    if (ip->family != 6)
        return true;
    const uint8_t *a = ip->addr;
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
    if (memcmp(a, v4mapped, 12) == 0) {
        struct vg_ip v = { .family = 4 };
        memcpy(v.addr, a + 12, 4);
        return vg_ip_is_private(&v);
    }
    static const uint8_t zero[15] = { 0 };
    if (memcmp(a, zero, 15) == 0)
        return true; /* :: and ::1 */
    if ((a[0] & 0xFE) == 0xFC)
        return true; /* fc00::/7 ULA */
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80)
        return true; /* fe80::/10 link-local */
    if (a[0] == 0xFF)
        return true; /* multicast */
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8)
        return true; /* 2001:db8::/32 documentation */
    return false;
}
