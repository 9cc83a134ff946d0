/*
 * Non-cryptographic hashes for tables and stable ids.  Finding ids must be the same on every run
 * and every machine, so they come from FNV-1a 128 over a canonical key, never from pointers,
 * random seeds or wall-clock time.
 */
#ifndef VG_CORE_HASH_H
#define VG_CORE_HASH_H

#include "core/compat.h"

uint64_t vg_hash64(const void *data, size_t len, uint64_t seed);

struct vg_hash128 {
    unsigned __int128 state;
};
void vg_hash128_init(struct vg_hash128 *h);
/* Feed a field; the length is mixed in too, so ("ab","c") and ("a","bc") differ. */
void vg_hash128_field(struct vg_hash128 *h, const void *data, size_t len);
/* 32 lowercase hex digits + NUL into out[33]. */
void vg_hash128_hex(const struct vg_hash128 *h, char out[33]);

#endif
