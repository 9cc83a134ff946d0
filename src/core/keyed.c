/* Two-generation bounded hash tables; see keyed.h for the eviction contract. */
#include "core/keyed.h"

#include "core/buf.h"
#include "core/hash.h"

enum { SLOT_EMPTY, SLOT_LIVE, SLOT_MOVED };

struct generation {
    unsigned char *slots;
    size_t live; /* entries inserted, moved ones included until the generation is dropped */
};

struct vg_keyed {
    size_t key_size, value_size, slot_size;
    size_t nslots;   /* per generation, a power of two */
    size_t max_live; /* per generation: half the slots, so probes stay short */
    struct generation gen[2];
    unsigned current;
    uint64_t evictions;
};

/* Slot layout: state byte, padding, key, value (value 8-byte aligned). */
static size_t key_offset(void)
{
    return 8;
}

static size_t value_offset(const struct vg_keyed *k)
{
    return (key_offset() + k->key_size + 7) & ~(size_t)7;
}

struct vg_keyed *vg_keyed_new(size_t key_size, size_t value_size, size_t budget_bytes)
{
    if (value_size > VG_KEYED_MAX_VALUE)
        return NULL;
    struct vg_keyed *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    k->key_size = key_size;
    k->value_size = value_size;
    k->slot_size = (value_offset(k) + value_size + 7) & ~(size_t)7;
    size_t per_gen = budget_bytes / 2 / k->slot_size;
    k->nslots = 2;
    while (k->nslots * 2 <= per_gen)
        k->nslots *= 2;
    k->max_live = k->nslots / 2;
    for (int g = 0; g < 2; g++) {
        k->gen[g].slots = calloc(k->nslots, k->slot_size);
        if (!k->gen[g].slots) {
            vg_keyed_free(k);
            return NULL;
        }
    }
    return k;
}

void vg_keyed_free(struct vg_keyed *k)
{
    if (!k)
        return;
    free(k->gen[0].slots);
    free(k->gen[1].slots);
    free(k);
}

static unsigned char *slot_at(const struct vg_keyed *k, const struct generation *g, size_t i)
{
    return g->slots + i * k->slot_size;
}

/* Keys are a few words: comparing them inline beats a call to memcmp, which showed as 3% of a
 * flow scan. */
static inline bool keys_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return false;
    }
    for (; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The slot holding key, or the empty slot where it would go. */
static unsigned char *probe(const struct vg_keyed *k, const struct generation *g, const void *key,
                            uint64_t hash)
{
    size_t mask = k->nslots - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        unsigned char *s = slot_at(k, g, i);
        if (s[0] == SLOT_EMPTY)
            return s;
        if (s[0] == SLOT_LIVE && keys_equal(s + key_offset(), key, k->key_size))
            return s;
    }
}

static void rotate(struct vg_keyed *k)
{
    struct generation *old = &k->gen[k->current ^ 1];
    size_t moved = 0;
    for (size_t i = 0; i < k->nslots; i++)
        moved += slot_at(k, old, i)[0] == SLOT_MOVED;
    k->evictions += old->live - moved;
    memset(old->slots, 0, k->nslots * k->slot_size);
    old->live = 0;
    k->current ^= 1;
}

/* The same value as vg_hash64 over the key, with the length constant for the sizes detector
 * state uses (two hashes, and those plus an address and discriminators), so the loop unrolls. */
static uint64_t key_hash(const struct vg_keyed *k, const void *key)
{
    switch (k->key_size) {
    case 16: return vg_hash64(key, 16, 0);
    case 40: return vg_hash64(key, 40, 0);
    default: return vg_hash64(key, k->key_size, 0);
    }
}

void *vg_keyed_find(struct vg_keyed *k, const void *key)
{
    uint64_t hash = key_hash(k, key);
    for (unsigned n = 0; n < 2; n++) {
        unsigned char *s = probe(k, &k->gen[k->current ^ n], key, hash);
        if (s[0] == SLOT_LIVE)
            return s + value_offset(k);
    }
    return NULL;
}

void *vg_keyed_get(struct vg_keyed *k, const void *key, bool *created)
{
    uint64_t hash = key_hash(k, key);
    struct generation *cur = &k->gen[k->current];
    unsigned char *s = probe(k, cur, key, hash);
    if (s[0] == SLOT_LIVE) {
        *created = false;
        return s + value_offset(k);
    }
    unsigned char *prev = probe(k, &k->gen[k->current ^ 1], key, hash);
    const unsigned char *old_value = NULL;
    unsigned char carried[VG_KEYED_MAX_VALUE];
    if (prev[0] == SLOT_LIVE) {
        prev[0] = SLOT_MOVED; /* keeps the probe chain intact; not an eviction when dropped */
        old_value = prev + value_offset(k);
    }
    if (cur->live == k->max_live) {
        /* the previous generation is about to go: carry the entry over first */
        if (old_value) {
            memcpy(carried, old_value, k->value_size);
            old_value = carried;
        }
        rotate(k);
        cur = &k->gen[k->current];
        s = probe(k, cur, key, hash);
    }
    s[0] = SLOT_LIVE;
    memcpy(s + key_offset(), key, k->key_size);
    cur->live++;
    if (old_value)
        memcpy(s + value_offset(k), old_value, k->value_size);
    *created = !old_value;
    return s + value_offset(k);
}

void vg_keyed_each(struct vg_keyed *k, void (*fn)(void *ctx, const void *key, void *value),
                   void *ctx)
{
    for (unsigned g = 0; g < 2; g++)
        for (size_t i = 0; i < k->nslots; i++) {
            unsigned char *s = slot_at(k, &k->gen[g], i);
            if (s[0] == SLOT_LIVE) /* a moved entry is live in the other generation */
                fn(ctx, s + key_offset(), s + value_offset(k));
        }
}

struct keyed_header {
    uint32_t key_size, value_size;
    uint64_t count;
};

int vg_keyed_save(const struct vg_keyed *k, struct vg_buf *out)
{
    struct keyed_header h = { (uint32_t)k->key_size, (uint32_t)k->value_size, 0 };
    size_t at = out->len;
    int rc = vg_buf_add(out, &h, sizeof(h));
    for (unsigned n = 1; n <= 2 && rc == VG_OK; n++) {
        const struct generation *g = &k->gen[(k->current + n) % 2]; /* previous, then current */
        for (size_t i = 0; i < k->nslots && rc == VG_OK; i++) {
            const unsigned char *s = g->slots + i * k->slot_size;
            if (s[0] != SLOT_LIVE)
                continue;
            rc = vg_buf_add(out, s + key_offset(), k->key_size);
            if (rc == VG_OK)
                rc = vg_buf_add(out, s + value_offset(k), k->value_size);
            h.count++;
        }
    }
    if (rc == VG_OK)
        memcpy(out->data + at, &h, sizeof(h));
    return rc;
}

int vg_keyed_load(struct vg_keyed *k, const char **data, size_t *len)
{
    struct keyed_header h;
    if (*len < sizeof(h))
        return VG_EFORMAT;
    memcpy(&h, *data, sizeof(h));
    size_t entry = k->key_size + k->value_size;
    if (h.key_size != k->key_size || h.value_size != k->value_size ||
        h.count > (*len - sizeof(h)) / entry)
        return VG_EFORMAT;
    const char *p = *data + sizeof(h);
    for (uint64_t i = 0; i < h.count; i++, p += entry) {
        bool created;
        void *v = vg_keyed_get(k, p, &created);
        memcpy(v, p + k->key_size, k->value_size);
    }
    *len -= (size_t)(p - *data);
    *data = p;
    return VG_OK;
}

uint64_t vg_keyed_evictions(const struct vg_keyed *k)
{
    return k->evictions;
}

size_t vg_keyed_capacity(const struct vg_keyed *k)
{
    return k->max_live * 2;
}

size_t vg_keyed_memory(const struct vg_keyed *k)
{
    return sizeof(*k) + 2 * k->nslots * k->slot_size;
}
