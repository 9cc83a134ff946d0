/* FNV-1a (64 and 128 bit) plus a final avalanche for the 64-bit table hash. */
#include "core/hash.h"

uint64_t vg_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    size_t i = 0;
    /* 8 bytes per step: FNV byte-at-a-time is too slow for intern tables on the hot path */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

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
