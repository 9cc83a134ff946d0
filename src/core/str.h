/*
 * String slices: a pointer and a length into someone else's memory (the input buffer or a batch
 * arena).  Event fields are slices, so parsing copies nothing it does not have to.
 */
#ifndef VG_CORE_STR_H
#define VG_CORE_STR_H

#include "core/compat.h"

struct vg_str {
    const char *ptr;
    size_t len;
};

#define VG_STR(lit) ((struct vg_str){ (lit), sizeof(lit) - 1 })
#define VG_STR_NULL ((struct vg_str){ NULL, 0 })

static inline struct vg_str vg_str_from(const char *s)
{
    return (struct vg_str){ s, s ? strlen(s) : 0 };
}

static inline bool vg_str_empty(struct vg_str s)
{
    return s.len == 0;
}

static inline bool vg_str_eq(struct vg_str a, struct vg_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool vg_str_eq_lit(struct vg_str a, const char *lit)
{
    size_t n = strlen(lit);
    return a.len == n && memcmp(a.ptr, lit, n) == 0;
}

/* Inline so that strlen() of a literal folds to a constant: these run per event. */
static inline bool vg_str_starts_with(struct vg_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static inline bool vg_str_ends_with(struct vg_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

bool vg_str_case_eq(struct vg_str a, const char *lit);
/* Case-insensitive search for an ASCII needle; returns the offset or -1. */
ptrdiff_t vg_str_case_find(struct vg_str hay, const char *needle);

/* Parse a whole slice as an unsigned decimal; false on anything else or overflow. */
bool vg_str_to_u64(struct vg_str s, uint64_t *out);

#endif
