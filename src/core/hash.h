/*
 * Non-cryptographic hashes for tables and stable ids.  Finding ids must be the same on every run
 * and every machine, so they come from FNV-1a 128 over a canonical key, never from pointers,
 * random seeds or wall-clock time.
 */
#ifndef VG_CORE_HASH_H
#define VG_CORE_HASH_H

#include "core/compat.h"

/* FNV-1a 8 bytes per step, plus a final avalanche.  Inline: keyed tables and flow detectors
 * hash a few fixed-size keys per record, and with the length known at the call the loop unrolls
 * and the call goes (callgrind, one account-day of bench/bench_vpcflow.sh's corpus: 0.6% fewer
 * instructions in the whole scan, inflating included). */
static inline uint64_t vg_hash64(const void *data, size_t len, uint64_t seed)
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

struct vg_hash128 {
    unsigned __int128 state;
};
void vg_hash128_init(struct vg_hash128 *h);
/* Feed a field; the length is mixed in too, so ("ab","c") and ("a","bc") differ. */
void vg_hash128_field(struct vg_hash128 *h, const void *data, size_t len);
/* 32 lowercase hex digits + NUL into out[33]. */
void vg_hash128_hex(const struct vg_hash128 *h, char out[33]);

#endif
