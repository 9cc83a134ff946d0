/*
 * Intel store implementation (see intel.h for the contract).
 *
 * Addresses: every indicator becomes a closed range [lo, hi] tagged with a "meta" (list +
 * threat name, deduplicated).  Freezing sweeps the range end points once and cuts the address
 * space into segments, each carrying the set of metas covering it; consecutive segments with the
 * same set share one copy.  A lookup is one binary search over the segment starts.  For 5 M
 * single IPv4 addresses that is 12 bytes per indicator while building and ~12 bytes per segment
 * after, and ~23 comparisons per lookup.
 *
 * Domains: an open-addressing hash table keyed by (name, wildcard) holding the meta set.  A
 * lookup tries the exact name, then each parent on a label boundary as a wildcard.
 */
#include "enrich/intel.h"

#include "core/buf.h"
#include "core/hash.h"
#include "core/limits.h"

struct meta {
    uint32_t list;
    uint32_t name_off; /* into names */
    uint16_t name_len; /* at most 255 (meta_for) */
    uint8_t category;  /* inferred from the name: enum vg_intel_category, never AUTO */
};

struct range4 {
    uint32_t lo, hi, meta;
};

struct range6 {
    unsigned __int128 lo, hi;
    uint32_t meta;
};

/* A meta set is either one meta stored inline (SET_SINGLE | meta: the common case, no pool
 * space) or an offset into the sets pool, where sets[off] is the count and the metas follow. */
#define SET_SINGLE 0x80000000u

/* Domains live in an open-addressing table of 8-byte slots (32-bit hash tag, entry index + 1;
 * 0 is empty) over dense 12-byte entries.  The builder only collects them; freezing sizes the
 * table once and inserts in slot order (one counting-sort pass), so the inserts walk memory
 * instead of missing the cache on every one.  For 5 M domains this replaced 24-byte slots
 * sorted by qsort: memory ~400 MB -> ~130 MB plus the names (make bench). */
struct dom_pending {
    uint64_t hash;
    uint32_t name_off;
    uint32_t meta;
    uint8_t name_len;
    uint8_t wildcard;
};

struct dom_entry {
    uint32_t name_off; /* into names */
    uint32_t set;
    uint8_t name_len;
    uint8_t wildcard;
};

struct dom_table {
    uint64_t *slots;
    size_t cap; /* power of two */
    struct dom_entry *entries;
    size_t count, alloc;
};

/* a growable array of fixed-size items */
struct vec {
    void *data;
    size_t count, cap, size;
};

static int vec_push(struct vec *v, const void *item)
{
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        void *p = realloc(v->data, cap * v->size);
        if (!p)
            return VG_ENOMEM;
        v->data = p;
        v->cap = cap;
    }
    memcpy((char *)v->data + v->count * v->size, item, v->size);
    v->count++;
    return VG_OK;
}

struct meta_slot {
    uint64_t key; /* 0 = empty */
    uint32_t meta;
};

struct vg_intel_builder {
    struct vec lists;   /* struct vg_intel_list */
    struct vec metas;   /* struct meta */
    struct vec v4;      /* struct range4 */
    struct vec v6;      /* struct range6 */
    struct vec domains; /* struct dom_pending */
    struct vec sets;    /* uint32_t meta sets (see SET_SINGLE) */
    struct vg_buf names;
    struct meta_slot *meta_index; /* dedupe (list, name) -> meta */
    size_t meta_index_cap;
};

/* A segment set: metas[off] is the count, the metas follow.  `index` cuts the search: index[k]
 * is the first segment starting at or after k << 16, so a lookup binary-searches a few entries
 * of its /16 instead of the whole array (a plain search over millions of segments spends its
 * time in cache misses: 1.6 M lookups/s, against ~15 M with the index; make bench). */
struct segs4 {
    uint32_t *lo, *hi, *set;
    size_t count;
    uint32_t *index; /* 65537 entries */
    /* One bit per /24: does any segment touch it?  Most flow records' remote addresses are on
     * no list, and this answers them with one access to 2 MiB instead of a search through the
     * segment arrays (12 bytes a segment: 12 MB for a 1M-entry list), whose cache misses were
     * 4% of a flow scan with a 1M-entry list. */
    uint64_t *any24;
};

struct segs6 {
    unsigned __int128 *lo, *hi;
    uint32_t *set;
    size_t count;
};

struct vg_intel {
    _Atomic uint32_t refs; /* readers plus the publishing ref; see vg_intel_ref */
    struct vg_intel_list *lists;
    size_t list_count;
    struct meta *metas;
    char *names;
    size_t names_len;
    uint32_t *sets;
    size_t sets_len;
    struct segs4 v4;
    struct segs6 v6;
    struct dom_table dom;
    uint64_t indicators;
    size_t memory;
};

struct vg_intel_builder *vg_intel_builder_new(void)
{
    struct vg_intel_builder *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->lists.size = sizeof(struct vg_intel_list);
    b->metas.size = sizeof(struct meta);
    b->v4.size = sizeof(struct range4);
    b->v6.size = sizeof(struct range6);
    b->sets.size = sizeof(uint32_t);
    b->domains.size = sizeof(struct dom_pending);
    vg_buf_init(&b->names, UINT32_MAX);
    vg_buf_addc(&b->names, '\0'); /* offset 0 = the empty name */
    return b;
}

static void free_lists(struct vg_intel_list *lists, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lists[i].name);
        free(lists[i].path);
        free(lists[i].format);
    }
    free(lists);
}

void vg_intel_builder_free(struct vg_intel_builder *b)
{
    if (!b)
        return;
    free_lists(b->lists.data, b->lists.count);
    free(b->metas.data);
    free(b->v4.data);
    free(b->v6.data);
    free(b->domains.data);
    free(b->sets.data);
    vg_buf_release(&b->names);
    free(b->meta_index);
    free(b);
}

static struct vg_intel_list *list_at(struct vg_intel_builder *b, uint32_t id)
{
    return (struct vg_intel_list *)b->lists.data + id;
}

int vg_intel_builder_list(struct vg_intel_builder *b, const char *name, const char *path,
                          enum vg_intel_list_kind kind, enum vg_intel_feed feed, uint32_t *id_out)
{
    struct vg_intel_list l = { 0 };
    l.name = strdup(name ? name : "");
    l.path = strdup(path ? path : "");
    l.kind = kind;
    l.feed = feed;
    l.widest_public_prefix_v4 = 32;
    if (!l.name || !l.path || vec_push(&b->lists, &l) != VG_OK) {
        free(l.name);
        free(l.path);
        return VG_ENOMEM;
    }
    *id_out = (uint32_t)(b->lists.count - 1);
    return VG_OK;
}

void vg_intel_builder_describe(struct vg_intel_builder *b, uint32_t id, const char *format,
                               const char sha256[65])
{
    struct vg_intel_list *l = list_at(b, id);
    free(l->format);
    l->format = format ? strdup(format) : NULL;
    if (sha256)
        memcpy(l->sha256, sha256, 65);
}

void vg_intel_builder_categorize(struct vg_intel_builder *b, uint32_t id,
                                 enum vg_intel_category category)
{
    list_at(b, id)->category = category;
}

void vg_intel_builder_skip(struct vg_intel_builder *b, uint32_t list)
{
    list_at(b, list)->skipped++;
}

void vg_intel_builder_bad(struct vg_intel_builder *b, uint32_t list)
{
    list_at(b, list)->bad_lines++;
}

/* The meta id for (list, threat name), created on first use. */
static int meta_for(struct vg_intel_builder *b, uint32_t list, struct vg_str name, uint32_t *out)
{
    if (name.len > 255)
        name.len = 255; /* a threat name is a label, not a document */
    uint64_t key = vg_hash64(name.ptr, name.len, list + 1) | 1;
    if (b->metas.count * 2 >= b->meta_index_cap) {
        size_t cap = b->meta_index_cap ? b->meta_index_cap * 2 : 1024;
        struct meta_slot *t = calloc(cap, sizeof(*t));
        if (!t)
            return VG_ENOMEM;
        for (size_t i = 0; i < b->meta_index_cap; i++) {
            if (!b->meta_index[i].key)
                continue;
            size_t j = b->meta_index[i].key & (cap - 1);
            while (t[j].key)
                j = (j + 1) & (cap - 1);
            t[j] = b->meta_index[i];
        }
        free(b->meta_index);
        b->meta_index = t;
        b->meta_index_cap = cap;
    }
    size_t j = key & (b->meta_index_cap - 1);
    for (; b->meta_index[j].key; j = (j + 1) & (b->meta_index_cap - 1)) {
        if (b->meta_index[j].key != key)
            continue;
        const struct meta *m = (const struct meta *)b->metas.data + b->meta_index[j].meta;
        if (m->list == list && m->name_len == name.len &&
            (name.len == 0 || memcmp(b->names.data + m->name_off, name.ptr, name.len) == 0)) {
            *out = b->meta_index[j].meta;
            return VG_OK;
        }
    }
    struct meta m = { list, 0, (uint16_t)name.len, (uint8_t)vg_intel_category_infer(name) };
    if (name.len) {
        m.name_off = (uint32_t)b->names.len;
        if (vg_buf_add(&b->names, name.ptr, name.len) != VG_OK)
            return VG_ENOMEM;
    }
    if (vec_push(&b->metas, &m) != VG_OK)
        return VG_ENOMEM;
    *out = (uint32_t)(b->metas.count - 1);
    b->meta_index[j] = (struct meta_slot){ key, *out };
    return VG_OK;
}

static struct vg_str trim(struct vg_str s)
{
    while (s.len && isspace((unsigned char)s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && isspace((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

/* "scheme://[user@]host[:port]/..." -> host; anything else unchanged. */
static struct vg_str url_host(struct vg_str s)
{
    const char *sep = s.len > 3 ? memmem(s.ptr, s.len, "://", 3) : NULL;
    if (!sep)
        return s;
    const char *h = sep + 3, *end = s.ptr + s.len;
    const char *stop = h;
    while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
        stop++;
    const char *at = memchr(h, '@', (size_t)(stop - h));
    if (at)
        h = at + 1;
    if (h < stop && *h == '[') { /* [IPv6]:port */
        const char *close = memchr(h, ']', (size_t)(stop - h));
        if (close)
            return (struct vg_str){ h + 1, (size_t)(close - h - 1) };
    }
    const char *colon = memchr(h, ':', (size_t)(stop - h));
    return (struct vg_str){ h, (size_t)((colon ? colon : stop) - h) };
}

static unsigned __int128 ip_to_u128(const struct vg_ip *ip)
{
    unsigned __int128 v = 0;
    for (int i = 0; i < 16; i++)
        v = v << 8 | ip->addr[i];
    return v;
}

static uint32_t ip_to_u32(const struct vg_ip *ip)
{
    return (uint32_t)ip->addr[0] << 24 | (uint32_t)ip->addr[1] << 16 | (uint32_t)ip->addr[2] << 8 |
           ip->addr[3];
}

static void u128_to_ip(unsigned __int128 v, struct vg_ip *ip)
{
    ip->family = 6;
    for (int i = 15; i >= 0; i--) {
        ip->addr[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void u32_to_ip(uint32_t v, struct vg_ip *ip)
{
    memset(ip, 0, sizeof(*ip));
    ip->family = 4;
    ip->addr[0] = (uint8_t)(v >> 24);
    ip->addr[1] = (uint8_t)(v >> 16);
    ip->addr[2] = (uint8_t)(v >> 8);
    ip->addr[3] = (uint8_t)v;
}

/* Is any private or reserved address inside [lo, hi]?  Checks both ends and the blocks of
 * RFC 6890 that could sit strictly inside. */
static bool range_touches_private(const struct vg_ip *lo, const struct vg_ip *hi)
{
    if (vg_ip_is_private(lo) || vg_ip_is_private(hi))
        return true;
    if (lo->family == 4) {
        static const uint32_t starts[] = { 0x0A000000, 0x64400000, 0x7F000000, 0xA9FE0000,
                                           0xAC100000, 0xC0A80000, 0xC6120000, 0xE0000000 };
        uint32_t a = ip_to_u32(lo), z = ip_to_u32(hi);
        for (size_t i = 0; i < VG_ARRAY_LEN(starts); i++)
            if (starts[i] >= a && starts[i] <= z)
                return true;
        return false;
    }
    unsigned __int128 a = ip_to_u128(lo), z = ip_to_u128(hi);
    static const uint8_t firsts[] = { 0xFC, 0xFE, 0xFF };
    for (size_t i = 0; i < VG_ARRAY_LEN(firsts); i++) {
        unsigned __int128 s = (unsigned __int128)firsts[i] << 120;
        if (s >= a && s <= z)
            return true;
    }
    return false;
}

static int add_range(struct vg_intel_builder *b, uint32_t list, const struct vg_ip *lo,
                     const struct vg_ip *hi, uint32_t meta)
{
    (void)list;
    if (lo->family == 4) {
        struct range4 r = { ip_to_u32(lo), ip_to_u32(hi), meta };
        return vec_push(&b->v4, &r);
    }
    struct range6 r = { ip_to_u128(lo), ip_to_u128(hi), meta };
    return vec_push(&b->v6, &r);
}

/* Lowercase, strip a trailing dot and a leading "*.", check the label syntax.  Writes the
 * normalized name to out (VG_MAX_DOMAIN bytes). */
#define MAX_DOMAIN 253
static bool normalize_domain(struct vg_str s, char *out, size_t *len_out, bool *wildcard)
{
    *wildcard = false;
    if (s.len >= 2 && s.ptr[0] == '*' && s.ptr[1] == '.') {
        *wildcard = true;
        s.ptr += 2;
        s.len -= 2;
    }
    if (s.len && s.ptr[s.len - 1] == '.')
        s.len--;
    if (s.len == 0 || s.len > MAX_DOMAIN)
        return false;
    size_t label = 0, dots = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = (char)tolower((unsigned char)s.ptr[i]);
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            dots++;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
        out[i] = c;
    }
    if (label == 0 || (dots == 0 && !*wildcard))
        return false; /* a bare label would match a whole TLD or an internal host name */
    *len_out = s.len;
    return true;
}

/* Add meta to *set, copying a multi-meta set to the end of the pool when it grows (rare:
 * only when several lists or threat names share one indicator). */
static int set_add(struct vec *sets, uint32_t *set, uint32_t meta)
{
    const uint32_t *old = NULL;
    uint32_t n = 1;
    if (*set & SET_SINGLE) {
        if ((*set & ~SET_SINGLE) == meta)
            return VG_OK;
    } else {
        old = (const uint32_t *)sets->data + *set;
        for (uint32_t i = 1; i <= old[0]; i++)
            if (old[i] == meta)
                return VG_OK;
        n = old[0];
    }
    uint32_t off = (uint32_t)sets->count, count = n + 1;
    uint32_t first = *set & ~SET_SINGLE;
    if (vec_push(sets, &count) != VG_OK)
        return VG_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        /* re-read: the push above may have moved the pool */
        uint32_t m = old ? ((const uint32_t *)sets->data)[*set + 1 + i] : first;
        if (vec_push(sets, &m) != VG_OK)
            return VG_ENOMEM;
    }
    if (vec_push(sets, &meta) != VG_OK)
        return VG_ENOMEM;
    *set = off;
    return VG_OK;
}

static uint64_t dom_hash(const char *name, size_t len, bool wildcard)
{
    return vg_hash64(name, len, wildcard ? 0x2a : 0);
}

static struct dom_entry *dom_find_hashed(const struct dom_table *t, const char *names,
                                         const char *name, size_t len, bool wildcard, uint64_t h)
{
    if (!t->cap)
        return NULL;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t s = h & (t->cap - 1); t->slots[s]; s = (s + 1) & (t->cap - 1)) {
        if ((uint32_t)(t->slots[s] >> 32) != tag)
            continue;
        struct dom_entry *d = &t->entries[(uint32_t)t->slots[s] - 1];
        if (d->wildcard == wildcard && d->name_len == len &&
            memcmp(names + d->name_off, name, len) == 0)
            return d;
    }
    return NULL;
}

static const struct dom_entry *dom_find(const struct dom_table *t, const char *names,
                                        const char *name, size_t len, bool wildcard)
{
    return dom_find_hashed(t, names, name, len, wildcard, dom_hash(name, len, wildcard));
}

static int add_domain(struct vg_intel_builder *b, const char *name, size_t len, bool wildcard,
                      uint32_t meta)
{
    struct dom_pending d = { dom_hash(name, len, wildcard), (uint32_t)b->names.len, meta,
                             (uint8_t)len, wildcard };
    if (vg_buf_add(&b->names, name, len) != VG_OK)
        return VG_ENOMEM;
    return vec_push(&b->domains, &d);
}

/* Build the domain table from the pending entries (see struct dom_pending). */
static int freeze_domains(struct vg_intel_builder *b, struct dom_table *t)
{
    const struct dom_pending *p = b->domains.data;
    size_t n = b->domains.count, cap = 1024;
    while (cap * 3 < n * 4) /* load under 3/4 */
        cap <<= 1;
    unsigned shift = 0;
    while ((cap >> shift) > 65536)
        shift++;
    size_t buckets = cap >> shift;
    uint32_t *order = malloc((n ? n : 1) * sizeof(*order));
    size_t *start = calloc(buckets + 1, sizeof(*start));
    t->slots = calloc(cap, sizeof(*t->slots));
    t->entries = malloc((n ? n : 1) * sizeof(*t->entries));
    t->cap = cap;
    t->alloc = n;
    t->count = 0;
    int rc = VG_ENOMEM;
    if (!order || !start || !t->slots || !t->entries)
        goto out;
    for (size_t i = 0; i < n; i++)
        start[((p[i].hash & (cap - 1)) >> shift) + 1]++;
    for (size_t k = 0; k < buckets; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++)
        order[start[(p[i].hash & (cap - 1)) >> shift]++] = (uint32_t)i;
    for (size_t k = 0; k < n; k++) {
        const struct dom_pending *d = &p[order[k]];
        struct dom_entry *found = dom_find_hashed(t, b->names.data, b->names.data + d->name_off,
                                                  d->name_len, d->wildcard, d->hash);
        if (found) {
            if (set_add(&b->sets, &found->set, d->meta) != VG_OK)
                goto out;
            continue;
        }
        uint32_t idx = (uint32_t)t->count++;
        t->entries[idx] =
            (struct dom_entry){ d->name_off, SET_SINGLE | d->meta, d->name_len, d->wildcard };
        size_t s = d->hash & (cap - 1);
        while (t->slots[s])
            s = (s + 1) & (cap - 1);
        t->slots[s] = (d->hash >> 32 << 32) | (idx + 1);
    }
    rc = VG_OK;
out:
    free(order);
    free(start);
    return rc;
}

/* Parse "addr", "addr/len" or "lo-hi" into a closed range. */
static bool parse_network(struct vg_str s, struct vg_ip *lo, struct vg_ip *hi, unsigned *prefix)
{
    const char *slash = memchr(s.ptr, '/', s.len);
    const char *dash = memchr(s.ptr, '-', s.len);
    if (slash) {
        uint64_t bits;
        struct vg_str addr = { s.ptr, (size_t)(slash - s.ptr) };
        struct vg_str len = { slash + 1, s.len - addr.len - 1 };
        if (!vg_ip_parse(addr, lo) || !vg_str_to_u64(len, &bits))
            return false;
        unsigned width = lo->family == 4 ? 32 : 128;
        if (bits > width)
            return false;
        *prefix = (unsigned)bits;
        if (lo->family == 4) {
            uint32_t mask = bits ? ~(uint32_t)0 << (32 - bits) : 0;
            uint32_t net = ip_to_u32(lo) & mask;
            u32_to_ip(net, lo);
            u32_to_ip(net | ~mask, hi);
        } else {
            unsigned __int128 mask = bits ? ~(unsigned __int128)0 << (128 - bits) : 0;
            unsigned __int128 net = ip_to_u128(lo) & mask;
            u128_to_ip(net, lo);
            u128_to_ip(net | ~mask, hi);
        }
        return true;
    }
    if (dash && !memchr(s.ptr, ':', (size_t)(dash - s.ptr)) ==
                    !memchr(dash, ':', s.len - (size_t)(dash - s.ptr))) {
        struct vg_str a = trim((struct vg_str){ s.ptr, (size_t)(dash - s.ptr) });
        struct vg_str z = trim((struct vg_str){ dash + 1, s.len - (size_t)(dash - s.ptr) - 1 });
        if (!vg_ip_parse(a, lo) || !vg_ip_parse(z, hi) || lo->family != hi->family)
            return false;
        if (lo->family == 4 ? ip_to_u32(lo) > ip_to_u32(hi) : ip_to_u128(lo) > ip_to_u128(hi))
            return false;
        *prefix = 0;
        if (lo->family == 4) {
            uint32_t span = ip_to_u32(hi) - ip_to_u32(lo);
            unsigned p = 32;
            while (p > 0 && span) {
                span >>= 1;
                p--;
            }
            *prefix = p;
        }
        return true;
    }
    if (!vg_ip_parse(s, lo))
        return false;
    *hi = *lo;
    *prefix = lo->family == 4 ? 32 : 128;
    return true;
}

int vg_intel_builder_add(struct vg_intel_builder *b, uint32_t list, struct vg_str indicator,
                         struct vg_str threat_name, struct vg_diag *diag,
                         const struct vg_diag_loc *loc)
{
    struct vg_intel_list *l = list_at(b, list);
    struct vg_str s = url_host(trim(indicator));
    struct vg_ip lo, hi;
    unsigned prefix;
    uint32_t meta;
    int shown = (int)(indicator.len > 80 ? 80 : indicator.len);

    if (s.len && (isdigit((unsigned char)s.ptr[0]) || memchr(s.ptr, ':', s.len)) &&
        parse_network(s, &lo, &hi, &prefix)) {
        if (range_touches_private(&lo, &hi)) {
            l->rejected++;
            vg_diag_report(diag, VG_DIAG_FIELD, loc,
                           "'%.*s' is or covers a private or reserved address; ignored (it would "
                           "match internal traffic)",
                           shown, indicator.ptr);
            return VG_OK;
        }
        bool single = lo.family == 4 ? prefix == 32 : prefix == 128;
        if (single)
            l->addresses++;
        else
            l->networks++;
        if (lo.family == 4 && prefix < l->widest_public_prefix_v4) {
            l->widest_public_prefix_v4 = prefix;
            l->widest_public_v4[0] = lo;
            l->widest_public_v4[1] = hi;
        }
        if (meta_for(b, list, trim(threat_name), &meta) != VG_OK)
            return VG_ENOMEM;
        return add_range(b, list, &lo, &hi, meta);
    }
    char name[MAX_DOMAIN];
    size_t len;
    bool wildcard;
    if (!normalize_domain(s, name, &len, &wildcard)) {
        l->bad_lines++;
        vg_diag_report(diag, VG_DIAG_FIELD, loc,
                       "'%.*s' is not an IP address, network or domain name; ignored", shown,
                       indicator.ptr ? indicator.ptr : "");
        return VG_OK;
    }
    l->domains++;
    if (meta_for(b, list, trim(threat_name), &meta) != VG_OK)
        return VG_ENOMEM;
    return add_domain(b, name, len, wildcard, meta);
}

/* ---- freezing ---- */

/* IPv6 sweep events; IPv4 ones are packed into a u64 (see pack4) so they sort by radix. */
struct sweep_event {
    unsigned __int128 point;
    uint32_t meta;
    int32_t delta; /* +1 at lo, -1 at hi+1 */
};

static int cmp_events(const void *a, const void *b)
{
    const struct sweep_event *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return (x->delta > y->delta) - (x->delta < y->delta);
}

/* point in the high 32 bits, then the opening flag (so closings sort first), then the meta */
static uint64_t pack4(uint32_t point, bool opening, uint32_t meta)
{
    return (uint64_t)point << 32 | (uint64_t)opening << 31 | meta;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* LSD radix sort, four 16-bit digits: qsort spent seconds on 10 M events (make bench).  Small
 * inputs go to qsort: the radix passes have a fixed cost (four 512 KiB histograms) that
 * dominated loading small lists. */
static int radix_sort_u64(uint64_t *keys, size_t n)
{
    if (n < 65536) {
        qsort(keys, n, sizeof(*keys), cmp_u64);
        return VG_OK;
    }
    uint64_t *tmp = malloc((n ? n : 1) * sizeof(*tmp));
    size_t *count = malloc(65536 * sizeof(*count));
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return VG_ENOMEM;
    }
    for (unsigned shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof(*count));
        for (size_t i = 0; i < n; i++)
            count[keys[i] >> shift & 0xFFFF]++;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[keys[i] >> shift & 0xFFFF]++] = keys[i];
        uint64_t *swap = keys;
        keys = tmp;
        tmp = swap;
    }
    /* four passes: the sorted data is back in the caller's array */
    free(tmp);
    free(count);
    return VG_OK;
}

/* The events of one family, sorted: exactly one of k4/e6 is set. */
struct sweep {
    size_t n;
    const uint64_t *k4;
    const struct sweep_event *e6;
};

static unsigned __int128 sw_point(const struct sweep *s, size_t i)
{
    return s->k4 ? s->k4[i] >> 32 : s->e6[i].point;
}

struct active_set {
    uint32_t *metas; /* the active metas, unordered */
    uint32_t *pos;   /* index of a meta in metas */
    uint32_t *count; /* how many ranges of a meta are open */
    size_t len;
};

static void active_update(struct active_set *a, uint32_t meta, bool opening)
{
    if (opening) {
        if (a->count[meta]++ == 0) {
            a->pos[meta] = (uint32_t)a->len;
            a->metas[a->len++] = meta;
        }
        return;
    }
    if (--a->count[meta] == 0) {
        uint32_t at = a->pos[meta];
        uint32_t last = a->metas[--a->len];
        a->metas[at] = last;
        a->pos[last] = at;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The set value for the active metas (inline when single). */
static int active_set_value(struct active_set *a, struct vec *sets, uint32_t *out)
{
    if (a->len == 1) {
        *out = SET_SINGLE | a->metas[0];
        return VG_OK;
    }
    qsort(a->metas, a->len, sizeof(uint32_t), cmp_u32); /* stable output for equal sets */
    for (size_t k = 0; k < a->len; k++)
        a->pos[a->metas[k]] = (uint32_t)k;
    uint32_t count = (uint32_t)a->len;
    *out = (uint32_t)sets->count;
    if (vec_push(sets, &count) != VG_OK)
        return VG_ENOMEM;
    for (size_t k = 0; k < a->len; k++)
        if (vec_push(sets, &a->metas[k]) != VG_OK)
            return VG_ENOMEM;
    return VG_OK;
}

/* Cut the sorted events into segments [lo, hi] with their meta set.  IPv4 segments are written
 * to out->v4 (u32 bounds), IPv6 ones to out->v6. */
static int build_segments(const struct sweep *sw, size_t n_metas, struct vec *sets,
                          struct vg_intel *out)
{
    int rc = VG_ENOMEM;
    bool v4 = sw->k4 != NULL;
    struct active_set a = { 0 };
    size_t segs = 0, cap = sw->n ? sw->n : 1;
    uint32_t *lo4 = NULL, *hi4 = NULL;
    unsigned __int128 *lo6 = NULL, *hi6 = NULL;
    uint32_t *set = malloc(cap * sizeof(*set));
    if (v4) {
        lo4 = malloc(cap * sizeof(*lo4));
        hi4 = malloc(cap * sizeof(*hi4));
    } else {
        lo6 = malloc(cap * sizeof(*lo6));
        hi6 = malloc(cap * sizeof(*hi6));
    }
    a.metas = malloc((n_metas + 1) * sizeof(uint32_t));
    a.pos = malloc((n_metas + 1) * sizeof(uint32_t));
    a.count = calloc(n_metas + 1, sizeof(uint32_t));
    if (!set || !(v4 ? lo4 && hi4 : lo6 && hi6) || !a.metas || !a.pos || !a.count)
        goto out;
    uint32_t current = 0;
    bool changed = true;
    for (size_t i = 0; i < sw->n;) {
        unsigned __int128 p = sw_point(sw, i);
        for (; i < sw->n && sw_point(sw, i) == p; i++) {
            if (v4)
                active_update(&a, (uint32_t)sw->k4[i] & 0x7FFFFFFFu, sw->k4[i] >> 31 & 1);
            else
                active_update(&a, sw->e6[i].meta, sw->e6[i].delta > 0);
            changed = true;
        }
        if (a.len == 0)
            continue;
        /* the segment runs to the next event point - 1, or to the end of the space */
        unsigned __int128 end =
            i < sw->n ? sw_point(sw, i) - 1 : (v4 ? 0xFFFFFFFFu : ~(unsigned __int128)0);
        if (changed && active_set_value(&a, sets, &current) != VG_OK)
            goto out;
        changed = false;
        if (v4) {
            lo4[segs] = (uint32_t)p;
            hi4[segs] = (uint32_t)end;
        } else {
            lo6[segs] = p;
            hi6[segs] = end;
        }
        set[segs++] = current;
    }
    if (v4) {
        out->v4 = (struct segs4){ lo4,
                                  hi4,
                                  set,
                                  segs,
                                  malloc(65537 * sizeof(uint32_t)),
                                  calloc((1u << 24) / 64, sizeof(uint64_t)) };
        lo4 = hi4 = set = NULL;
        if (!out->v4.index || !out->v4.any24)
            goto out;
        /* segments do not overlap, so this sets at most 2^24 + segs bits in all */
        for (size_t i = 0; i < segs; i++)
            for (uint32_t b = out->v4.lo[i] >> 8; b <= out->v4.hi[i] >> 8; b++)
                out->v4.any24[b >> 6] |= (uint64_t)1 << (b & 63);
        size_t k = 0;
        for (uint32_t bucket = 0; bucket <= 65536; bucket++) {
            uint64_t start = (uint64_t)bucket << 16;
            while (k < segs && out->v4.lo[k] < start)
                k++;
            out->v4.index[bucket] = (uint32_t)k;
        }
        out->memory += segs * 12 + 65537 * 4 + (1u << 24) / 8;
    } else {
        out->v6 = (struct segs6){ lo6, hi6, set, segs };
        lo6 = hi6 = NULL;
        set = NULL;
        out->memory += segs * 36;
    }
    rc = VG_OK;
out:
    free(lo4);
    free(hi4);
    free(lo6);
    free(hi6);
    free(set);
    free(a.metas);
    free(a.pos);
    free(a.count);
    return rc;
}

static int freeze_v4(struct vg_intel_builder *b, struct vg_intel *in)
{
    const struct range4 *r = b->v4.data;
    uint64_t *keys = malloc((2 * b->v4.count + 1) * sizeof(*keys));
    if (!keys)
        return VG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < b->v4.count; i++) {
        keys[k++] = pack4(r[i].lo, true, r[i].meta);
        if (r[i].hi != 0xFFFFFFFFu)
            keys[k++] = pack4(r[i].hi + 1, false, r[i].meta);
    }
    /* the ranges are no longer needed: give their memory back before the segments are made */
    free(b->v4.data);
    b->v4.data = NULL;
    int rc = radix_sort_u64(keys, k);
    struct sweep sw = { k, keys, NULL };
    if (rc == VG_OK)
        rc = build_segments(&sw, b->metas.count, &b->sets, in);
    free(keys);
    return rc;
}

static int freeze_v6(struct vg_intel_builder *b, struct vg_intel *in)
{
    const struct range6 *r = b->v6.data;
    struct sweep_event *ev = malloc((2 * b->v6.count + 1) * sizeof(*ev));
    if (!ev)
        return VG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < b->v6.count; i++) {
        ev[k++] = (struct sweep_event){ r[i].lo, r[i].meta, +1 };
        if (r[i].hi != ~(unsigned __int128)0)
            ev[k++] = (struct sweep_event){ r[i].hi + 1, r[i].meta, -1 };
    }
    qsort(ev, k, sizeof(*ev), cmp_events);
    struct sweep sw = { k, NULL, ev };
    int rc = build_segments(&sw, b->metas.count, &b->sets, in);
    free(ev);
    return rc;
}

struct vg_intel *vg_intel_freeze(struct vg_intel_builder *b)
{
    struct vg_intel *in = calloc(1, sizeof(*in));
    if (!in)
        goto fail;
    in->refs = 1;
    in->indicators = b->v4.count + b->v6.count + b->domains.count;
    if (freeze_v4(b, in) != VG_OK || freeze_v6(b, in) != VG_OK ||
        freeze_domains(b, &in->dom) != VG_OK)
        goto fail;
    in->memory += in->dom.cap * sizeof(uint64_t) + in->dom.alloc * sizeof(struct dom_entry);
    in->sets = b->sets.data;
    in->sets_len = b->sets.count;
    b->sets.data = NULL;
    in->metas = b->metas.data;
    b->metas.data = NULL;
    in->lists = b->lists.data;
    in->list_count = b->lists.count;
    b->lists.data = NULL;
    b->lists.count = 0;
    in->names_len = b->names.len;
    in->names = vg_buf_detach(&b->names, NULL);
    in->memory += in->sets_len * 4 + b->metas.count * sizeof(struct meta) + in->names_len;
    vg_intel_builder_free(b);
    return in;
fail:
    vg_intel_free(in);
    vg_intel_builder_free(b);
    return NULL;
}

void vg_intel_free(struct vg_intel *in)
{
    if (!in)
        return;
    free_lists(in->lists, in->list_count);
    free(in->metas);
    free(in->names);
    free(in->sets);
    free(in->v4.lo);
    free(in->v4.hi);
    free(in->v4.set);
    free(in->v4.index);
    free(in->v4.any24);
    free(in->v6.lo);
    free(in->v6.hi);
    free(in->v6.set);
    free(in->dom.slots);
    free(in->dom.entries);
    free(in);
}

size_t vg_intel_list_count(const struct vg_intel *in)
{
    return in->list_count;
}

const struct vg_intel_list *vg_intel_list_at(const struct vg_intel *in, size_t i)
{
    return i < in->list_count ? &in->lists[i] : NULL;
}

uint64_t vg_intel_indicator_count(const struct vg_intel *in)
{
    return in->indicators;
}

size_t vg_intel_memory(const struct vg_intel *in)
{
    return in->memory;
}

static void add_hit(const struct vg_intel *in, uint32_t meta, struct vg_intel_match *out)
{
    const struct meta *m = &in->metas[meta];
    const struct vg_intel_list *l = &in->lists[m->list];
    if (l->kind == VG_INTEL_TRUSTED) {
        if (!out->trusted)
            out->trusted = l;
    } else if (out->count < VG_INTEL_MAX_HITS) {
        enum vg_intel_category cat =
            l->category != VG_INTEL_CAT_AUTO ? l->category : (enum vg_intel_category)m->category;
        out->hits[out->count++] =
            (struct vg_intel_hit){ l, { in->names + m->name_off, m->name_len }, cat };
    }
}

static bool fill_match(const struct vg_intel *in, uint32_t set, struct vg_intel_match *out)
{
    if (set & SET_SINGLE) {
        add_hit(in, set & ~SET_SINGLE, out);
    } else {
        const uint32_t *metas = in->sets + set;
        for (uint32_t i = 1; i <= metas[0]; i++)
            add_hit(in, metas[i], out);
    }
    return out->count > 0;
}

bool vg_intel_match_ip(const struct vg_intel *in, const struct vg_ip *ip,
                       struct vg_intel_match *out)
{
    out->count = 0;
    out->trusted = NULL;
    if (!in)
        return false;
    if (ip->family == 4) {
        uint32_t v = ip_to_u32(ip);
        if (!in->v4.count || !(in->v4.any24[v >> 14] >> (v >> 8 & 63) & 1))
            return false;
        /* the answer is the last segment starting at or before v: inside v's /16, or the one
         * just before it (which may run into this /16) */
        size_t lo = in->v4.index[v >> 16], hi = in->v4.index[(v >> 16) + 1];
        /* the end that decides is near the /16's first segment: fetch it while the search
         * runs, so the cache misses of a large list overlap instead of following each other */
        __builtin_prefetch(&in->v4.hi[lo ? lo - 1 : 0]);
        while (lo < hi) { /* first segment with lo > v */
            size_t mid = lo + (hi - lo) / 2;
            if (in->v4.lo[mid] <= v)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || in->v4.hi[lo - 1] < v)
            return false;
        return fill_match(in, in->v4.set[lo - 1], out);
    }
    if (ip->family != 6)
        return false;
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
    if (memcmp(ip->addr, v4mapped, 12) == 0) { /* ::ffff:a.b.c.d is the IPv4 address */
        struct vg_ip v4 = { .family = 4 };
        memcpy(v4.addr, ip->addr + 12, 4);
        return vg_intel_match_ip(in, &v4, out);
    }
    unsigned __int128 v = ip_to_u128(ip);
    size_t lo = 0, hi = in->v6.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->v6.lo[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || in->v6.hi[lo - 1] < v)
        return false;
    return fill_match(in, in->v6.set[lo - 1], out);
}

bool vg_intel_match_domain(const struct vg_intel *in, struct vg_str domain,
                           struct vg_intel_match *out)
{
    out->count = 0;
    out->trusted = NULL;
    char name[MAX_DOMAIN];
    size_t len;
    bool wildcard;
    if (!in || !normalize_domain(domain, name, &len, &wildcard) || wildcard)
        return false;
    const struct dom_entry *d = dom_find(&in->dom, in->names, name, len, false);
    if (d)
        fill_match(in, d->set, out);
    for (size_t i = 0; i < len; i++) {
        if (name[i] != '.')
            continue;
        d = dom_find(&in->dom, in->names, name + i + 1, len - i - 1, true);
        if (d)
            fill_match(in, d->set, out);
    }
    return out->count > 0;
}

/* ---- categories ---- */

static const char *const category_names[VG_INTEL_CAT_COUNT] = {
    [VG_INTEL_CAT_AUTO] = "auto",
    [VG_INTEL_CAT_OTHER] = "other",
    [VG_INTEL_CAT_C2] = "c2",
    [VG_INTEL_CAT_CRYPTOCURRENCY] = "cryptocurrency",
    [VG_INTEL_CAT_BLACKHOLE] = "blackhole",
    [VG_INTEL_CAT_DROPPOINT] = "droppoint",
    [VG_INTEL_CAT_SCANNER] = "scanner",
    [VG_INTEL_CAT_TOR] = "tor",
    [VG_INTEL_CAT_DGA] = "dga",
    [VG_INTEL_CAT_DRIVEBY] = "driveby",
    [VG_INTEL_CAT_PHISHING] = "phishing",
    [VG_INTEL_CAT_ABUSED] = "abused",
    [VG_INTEL_CAT_SUSPICIOUS] = "suspicious",
};

const char *vg_intel_category_name(enum vg_intel_category category)
{
    return category < VG_INTEL_CAT_COUNT ? category_names[category] : "other";
}

bool vg_intel_category_parse(struct vg_str s, enum vg_intel_category *out)
{
    for (int i = 0; i < VG_INTEL_CAT_COUNT; i++)
        if (vg_str_eq_lit(s, category_names[i])) {
            *out = (enum vg_intel_category)i;
            return true;
        }
    return false;
}

/* How a keyword must appear in the normalised name " word word ... ":
 *   PART   anywhere, even inside a word: distinctive strings ("cnc" in ProofPoint's
 *          "SpywareCnC", "sinkhole" in "sinkholed");
 *   WORD   as whole words (the text is written with its surrounding spaces): short or common
 *          words ("c2" but not "abc2", "tor" but not "mentor", "mining" but not "determining");
 *   WHOLE  as the entire name: "drop" is ProofPoint's drop-point category, while "Spamhaus
 *          DROP" is a blocklist (Don't Route Or Peer) and "dropper" a kind of malware. */
enum keyword_how { PART, WORD, WHOLE };

/* In order of precedence: the first keyword found decides. */
static const struct {
    const char *text;
    enum keyword_how how;
    enum vg_intel_category category;
} keywords[] = {
    { "sinkhole", PART, VG_INTEL_CAT_BLACKHOLE },
    { "blackhole", PART, VG_INTEL_CAT_BLACKHOLE },
    { " black hole ", WORD, VG_INTEL_CAT_BLACKHOLE },
    { " c2 ", WORD, VG_INTEL_CAT_C2 },
    { "c&c", PART, VG_INTEL_CAT_C2 },
    { "cnc", PART, VG_INTEL_CAT_C2 },
    { " command and control ", WORD, VG_INTEL_CAT_C2 },
    { "cobaltstrike", PART, VG_INTEL_CAT_C2 },
    { " cobalt strike ", WORD, VG_INTEL_CAT_C2 },
    { "droppoint", PART, VG_INTEL_CAT_DROPPOINT },
    { "dropzone", PART, VG_INTEL_CAT_DROPPOINT },
    { " drop point ", WORD, VG_INTEL_CAT_DROPPOINT },
    { " drop zone ", WORD, VG_INTEL_CAT_DROPPOINT },
    { " drop site ", WORD, VG_INTEL_CAT_DROPPOINT },
    { " drop ", WHOLE, VG_INTEL_CAT_DROPPOINT },
    { "exfil", PART, VG_INTEL_CAT_DROPPOINT },
    { "bitcoin", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "monero", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "xmrig", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "coinminer", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "coinhive", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "nicehash", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "minergate", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "cryptominer", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "cryptomining", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "cryptojack", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "cryptocurrency", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "miningpool", PART, VG_INTEL_CAT_CRYPTOCURRENCY },
    { " miner ", WORD, VG_INTEL_CAT_CRYPTOCURRENCY },
    { " miners ", WORD, VG_INTEL_CAT_CRYPTOCURRENCY },
    { " mining ", WORD, VG_INTEL_CAT_CRYPTOCURRENCY },
    { "scanner", PART, VG_INTEL_CAT_SCANNER },
    { "masscan", PART, VG_INTEL_CAT_SCANNER },
    { "portscan", PART, VG_INTEL_CAT_SCANNER },
    { " scan ", WORD, VG_INTEL_CAT_SCANNER },
    { " scanning ", WORD, VG_INTEL_CAT_SCANNER },
    { " zmap ", WORD, VG_INTEL_CAT_SCANNER },
    { " tor ", WORD, VG_INTEL_CAT_TOR },
    { "tornode", PART, VG_INTEL_CAT_TOR },
    { "torexit", PART, VG_INTEL_CAT_TOR },
    { " onion router ", WORD, VG_INTEL_CAT_TOR },
    { " dga ", WORD, VG_INTEL_CAT_DGA },
    { " domain generation algorithm ", WORD, VG_INTEL_CAT_DGA },
    { "driveby", PART, VG_INTEL_CAT_DRIVEBY },
    { " drive by ", WORD, VG_INTEL_CAT_DRIVEBY },
    { "exploitkit", PART, VG_INTEL_CAT_DRIVEBY },
    { " exploit kit ", WORD, VG_INTEL_CAT_DRIVEBY },
    { "malvertising", PART, VG_INTEL_CAT_DRIVEBY },
    { "phish", PART, VG_INTEL_CAT_PHISHING },
    /* last: a name that also says what the threat is ("abused for phishing") is that threat */
    { " abused ", WORD, VG_INTEL_CAT_ABUSED },
    { " suspicious ", WORD, VG_INTEL_CAT_SUSPICIOUS },
};

enum vg_intel_category vg_intel_category_infer(struct vg_str threat_name)
{
    /* lowercase letters, digits and '&' (of "C&C"); every other run becomes one space, so
     * "Command-and-Control", "command_and_control" and "Command and Control" read alike */
    char norm[2 + 256 + 1];
    size_t n = 0;
    norm[n++] = ' ';
    for (size_t i = 0; i < threat_name.len && i < 256; i++) {
        unsigned char c = (unsigned char)threat_name.ptr[i];
        if (isalnum(c) || c == '&')
            norm[n++] = (char)tolower(c);
        else if (norm[n - 1] != ' ')
            norm[n++] = ' ';
    }
    if (norm[n - 1] != ' ')
        norm[n++] = ' ';
    norm[n] = '\0';
    for (size_t i = 0; i < VG_ARRAY_LEN(keywords); i++) {
        const char *k = keywords[i].text;
        bool found = keywords[i].how == WHOLE ? strcmp(norm, k) == 0 : strstr(norm, k) != NULL;
        if (found)
            return keywords[i].category;
    }
    return VG_INTEL_CAT_OTHER;
}

struct vg_intel_ref {
    pthread_mutex_t lock;
    struct vg_intel *current;
};

struct vg_intel_ref *vg_intel_ref_new(struct vg_intel *initial)
{
    struct vg_intel_ref *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->current = initial;
    return r;
}

void vg_intel_ref_free(struct vg_intel_ref *r)
{
    if (!r)
        return;
    vg_intel_release(r->current);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

const struct vg_intel *vg_intel_acquire(struct vg_intel_ref *r)
{
    pthread_mutex_lock(&r->lock);
    struct vg_intel *in = r->current;
    if (in)
        in->refs++;
    pthread_mutex_unlock(&r->lock);
    return in;
}

void vg_intel_release(const struct vg_intel *intel)
{
    struct vg_intel *in = (struct vg_intel *)(uintptr_t)intel;
    if (in && --in->refs == 0)
        vg_intel_free(in);
}

void vg_intel_publish(struct vg_intel_ref *r, struct vg_intel *next)
{
    pthread_mutex_lock(&r->lock);
    struct vg_intel *old = r->current;
    r->current = next;
    pthread_mutex_unlock(&r->lock);
    vg_intel_release(old); /* the ref's own reference: freed now unless readers hold it */
}
