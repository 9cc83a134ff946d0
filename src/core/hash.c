/* FNV-1a 128 for stable ids; the 64-bit table hash is inline in hash.h. */
#include "core/hash.h"

static const unsigned __int128 FNV128_PRIME =
    ((unsigned __int128)0x0000000001000000ull << 64) | 0x000000000000013Bull;

void vg_hash128_init(struct vg_hash128 *h)
{
    h->state = ((unsigned __int128)0x6c62272e07bb0142ull << 64) | 0x62b821756295c58dull;
}

static void feed(struct vg_hash128 *h, const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h->state ^= p[i];
        h->state *= FNV128_PRIME;
    }
}

void vg_hash128_field(struct vg_hash128 *h, const void *data, size_t len)
{
    uint64_t n = len;
    unsigned char lenbytes[8];
    for (int i = 0; i < 8; i++)
        lenbytes[i] = (unsigned char)(n >> (8 * i));
    feed(h, lenbytes, 8);
    feed(h, data, len);
}

void vg_hash128_hex(const struct vg_hash128 *h, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned __int128 v = h->state;
    for (int i = 31; i >= 0; i--) {
        out[i] = hex[(unsigned)(v & 15)];
        v >>= 4;
    }
    out[32] = '\0';
}
