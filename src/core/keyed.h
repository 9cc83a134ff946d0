/*
 * Bounded keyed state: detector windows, distinct counters and baselines, learned addresses.
 *
 * Fixed-size binary keys and values in open-addressed tables sized once from a memory budget.
 * Two generations: entries live in the current one; when it is full the previous generation is
 * dropped (its entries counted as evictions) and the current one becomes the previous.  A hit in
 * the previous generation moves the entry forward, so what is dropped is what nobody touched
 * for a whole generation: the least recently active state, which for logs read in time order is
 * the oldest by event time.  Memory never grows after creation, whatever the input.
 *
 * Values are zeroed when created.  Pointers returned stay valid until the next get on the same
 * table.  Not thread-safe: each owner (a detector, an enrich step) keeps its own tables.
 */
#ifndef VG_CORE_KEYED_H
#define VG_CORE_KEYED_H

#include "core/compat.h"

struct vg_keyed;

/* Largest value a table holds: state per key is a few counters or a small bitmap. */
#define VG_KEYED_MAX_VALUE 512

/* A table whose two generations together take at most budget_bytes (at least one entry per
 * generation).  NULL when out of memory or value_size exceeds VG_KEYED_MAX_VALUE. */
struct vg_keyed *vg_keyed_new(size_t key_size, size_t value_size, size_t budget_bytes);
void vg_keyed_free(struct vg_keyed *k);

/* The value stored under key, created zeroed when absent (*created tells which). */
void *vg_keyed_get(struct vg_keyed *k, const void *key, bool *created);
/* The value stored under key, or NULL; never creates or evicts. */
void *vg_keyed_find(struct vg_keyed *k, const void *key);

/* Call fn for every live entry, in no particular order (reports and queries, not the hot
 * path: it reads every slot).  fn must not get from or add to the table. */
void vg_keyed_each(struct vg_keyed *k, void (*fn)(void *ctx, const void *key, void *value),
                   void *ctx);

uint64_t vg_keyed_evictions(const struct vg_keyed *k);
/* Entries that can be live at once, and the bytes the table holds. */
size_t vg_keyed_capacity(const struct vg_keyed *k);
size_t vg_keyed_memory(const struct vg_keyed *k);

#endif
