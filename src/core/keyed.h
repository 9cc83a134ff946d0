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
/* A one-entry memo in front of vg_keyed_get, for an owner whose consecutive gets often repeat a
 * key (flow records come grouped by interface): a repeat skips the hash and the probe, and
 * nothing else differs, since a get that finds its key in the current generation changes
 * nothing and the last get always leaves its entry there.  Valid only while every get on the
 * table goes through the memo (vg_keyed_find is fine); zero-initialised means empty. */
#define VG_KEYED_MEMO_KEY 16

struct vg_keyed_memo {
    unsigned char key[VG_KEYED_MEMO_KEY];
    void *value; /* NULL: nothing remembered */
};

static inline void *vg_keyed_get_memo(struct vg_keyed *k, struct vg_keyed_memo *m, const void *key,
                                      size_t key_size, bool *created)
{
    if (key_size > VG_KEYED_MEMO_KEY)
        return vg_keyed_get(k, key, created);
    if (m->value && memcmp(m->key, key, key_size) == 0) {
        *created = false;
        return m->value;
    }
    m->value = vg_keyed_get(k, key, created);
    memcpy(m->key, key, key_size);
    return m->value;
}

/* The value stored under key, or NULL; never creates or evicts. */
void *vg_keyed_find(struct vg_keyed *k, const void *key);

/* Call fn for every live entry, in no particular order (reports and queries, not the hot
 * path: it reads every slot).  fn must not get from or add to the table. */
void vg_keyed_each(struct vg_keyed *k, void (*fn)(void *ctx, const void *key, void *value),
                   void *ctx);

/* Saved state (`vigil scan --state`).  save appends every live entry, the older generation
 * first, after a header of key size, value size and count (host byte order: a state file moves
 * between runs, not machines): VG_OK or VG_ENOMEM.  load adds the entries at *data to k (same
 * key and value sizes), in that order, so the most recent ones end up in the current generation,
 * and advances *data and *len past them: VG_OK, or VG_EFORMAT for another layout or short
 * bytes.  Values must be plain bytes (no pointers). */
struct vg_buf;
int vg_keyed_save(const struct vg_keyed *k, struct vg_buf *out);
int vg_keyed_load(struct vg_keyed *k, const char **data, size_t *len);

uint64_t vg_keyed_evictions(const struct vg_keyed *k);
/* Entries that can be live at once, and the bytes the table holds. */
size_t vg_keyed_capacity(const struct vg_keyed *k);
size_t vg_keyed_memory(const struct vg_keyed *k);

#endif
