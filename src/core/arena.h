/*
 * The batch arena: bump allocation for everything made while parsing and detecting one batch,
 * released all at once by vg_arena_reset().  Reset keeps the chunks, so the next batch reuses
 * warm memory instead of faulting in new pages.
 *
 * With -DVG_ARENA_DEBUG every allocation is its own malloc, so ASan sees overruns between objects.
 */
#ifndef VG_CORE_ARENA_H
#define VG_CORE_ARENA_H

#include "core/compat.h"

struct vg_arena_chunk;

struct vg_arena {
    struct vg_arena_chunk *head; /* chunk being filled */
    struct vg_arena_chunk *free; /* chunks kept by reset */
    size_t chunk_size;
    size_t used_bytes; /* handed out since the last reset */
    size_t cap_bytes;  /* allocation fails once used_bytes would pass this */
};

void vg_arena_init(struct vg_arena *a, size_t chunk_size, size_t cap_bytes);
void vg_arena_release(struct vg_arena *a);
void vg_arena_reset(struct vg_arena *a);
/* 16-byte aligned memory valid until the next reset/release; NULL when out of memory or past
 * the cap.  The caller never frees it. */
void *vg_arena_alloc(struct vg_arena *a, size_t len);
/* Copy len bytes plus a NUL. */
char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t len);

#endif
