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
    uint32_t name_len;
};

struct range4 {
    uint32_t lo, hi, meta;
};

struct range6 {
    unsigned __int128 lo, hi;
    uint32_t meta;
};

struct domain_entry {
    uint64_t hash;
    uint32_t name_off, name_len; /* into names */
    uint32_t meta;
    bool wildcard;
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
    struct vec domains; /* struct domain_entry */
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
};

struct segs6 {
    unsigned __int128 *lo, *hi;
    uint32_t *set;
    size_t count;
};

struct domain_slot {
    uint64_t hash; /* 0 = empty */
    uint32_t name_off, name_len;
    uint32_t set;
    bool wildcard;
};

struct vg_intel {
    struct vg_intel_list *lists;
    size_t list_count;
    struct meta *metas;
    char *names;
    size_t names_len;
    uint32_t *sets;
    size_t sets_len;
    struct segs4 v4;
    struct segs6 v6;
    struct domain_slot *dom;
    size_t dom_cap; /* power of two */
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
    b->domains.size = sizeof(struct domain_entry);
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
            memcmp(b->names.data + m->name_off, name.ptr, name.len) == 0) {
            *out = b->meta_index[j].meta;
            return VG_OK;
        }
    }
    struct meta m = { list, 0, (uint32_t)name.len };
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

static int add_domain(struct vg_intel_builder *b, const char *name, size_t len, bool wildcard,
                      uint32_t meta)
{
    struct domain_entry d = { vg_hash64(name, len, wildcard) | 1, (uint32_t)b->names.len,
                              (uint32_t)len, meta, wildcard };
    if (vg_buf_add(&b->names, name, len) != VG_OK)
        return VG_ENOMEM;
    return vec_push(&b->domains, &d);
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
    if (dash && !memchr(s.ptr, ':', (size_t)(dash - s.ptr)) == !memchr(dash, ':', s.len - (size_t)(dash - s.ptr))) {
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
        if (lo.family == 4 && prefix < l->widest_public_prefix_v4)
            l->widest_public_prefix_v4 = prefix;
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

struct active_set {
    uint32_t *metas;  /* the active metas, unordered */
    uint32_t *pos;    /* index of a meta in metas, or UINT32_MAX */
    uint32_t *count;  /* how many ranges of a meta are open */
    size_t len;
};

static void active_update(struct active_set *a, uint32_t meta, int32_t delta)
{
    if (delta > 0) {
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
        a->pos[meta] = UINT32_MAX;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sweep ranges into segments.  `events` holds 2 per range; v4 segments are stored as u32. */
static int build_segments(struct sweep_event *ev, size_t n_ev, size_t n_metas, bool v4,
                          struct vec *sets, struct vg_intel *out)
{
    int rc = VG_ENOMEM;
    struct active_set a = { 0 };
    size_t segs = 0, cap = n_ev ? n_ev : 1;
    unsigned __int128 *lo = malloc(cap * sizeof(*lo)), *hi = malloc(cap * sizeof(*hi));
    uint32_t *set = malloc(cap * sizeof(*set));
    a.metas = malloc((n_metas + 1) * sizeof(uint32_t));
    a.pos = malloc((n_metas + 1) * sizeof(uint32_t));
    a.count = calloc(n_metas + 1, sizeof(uint32_t));
    if (!lo || !hi || !set || !a.metas || !a.pos || !a.count)
        goto out;
    qsort(ev, n_ev, sizeof(*ev), cmp_events);
    uint32_t last_set = UINT32_MAX;
    bool changed = true;
    for (size_t i = 0; i < n_ev;) {
        unsigned __int128 p = ev[i].point;
        for (; i < n_ev && ev[i].point == p; i++) {
            active_update(&a, ev[i].meta, ev[i].delta);
            changed = true;
        }
        if (a.len == 0)
            continue;
        /* the segment runs from p to the next event point - 1 (an open range has one) */
        unsigned __int128 end = i < n_ev ? ev[i].point - 1 : (v4 ? 0xFFFFFFFFu : ~(unsigned __int128)0);
        if (changed) {
            uint32_t count = (uint32_t)a.len;
            qsort(a.metas, a.len, sizeof(uint32_t), cmp_u32); /* stable output for equal sets */
            for (size_t k = 0; k < a.len; k++)
                a.pos[a.metas[k]] = (uint32_t)k;
            last_set = (uint32_t)sets->count;
            if (vec_push(sets, &count) != VG_OK)
                goto out;
            for (size_t k = 0; k < a.len; k++)
                if (vec_push(sets, &a.metas[k]) != VG_OK)
                    goto out;
            changed = false;
        }
        lo[segs] = p;
        hi[segs] = end;
        set[segs] = last_set;
        segs++;
    }
    if (v4) {
        out->v4.lo = malloc((segs ? segs : 1) * sizeof(uint32_t));
        out->v4.hi = malloc((segs ? segs : 1) * sizeof(uint32_t));
        if (!out->v4.lo || !out->v4.hi)
            goto out;
        for (size_t k = 0; k < segs; k++) {
            out->v4.lo[k] = (uint32_t)lo[k];
            out->v4.hi[k] = (uint32_t)hi[k];
        }
        out->v4.set = set;
        out->v4.count = segs;
        set = NULL;
        out->v4.index = malloc(65537 * sizeof(uint32_t));
        if (!out->v4.index)
            goto out;
        size_t k = 0;
        for (uint32_t bucket = 0; bucket <= 65536; bucket++) {
            uint64_t start = (uint64_t)bucket << 16;
            while (k < segs && out->v4.lo[k] < start)
                k++;
            out->v4.index[bucket] = (uint32_t)k;
        }
        out->memory += segs * 12 + 65537 * 4;
    } else {
        out->v6.lo = lo;
        out->v6.hi = hi;
        out->v6.set = set;
        out->v6.count = segs;
        lo = hi = NULL;
        set = NULL;
        out->memory += segs * 36;
    }
    rc = VG_OK;
out:
    free(lo);
    free(hi);
    free(set);
    free(a.metas);
    free(a.pos);
    free(a.count);
    return rc;
}

static int cmp_domains(const void *a, const void *b)
{
    const struct domain_entry *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->meta > y->meta) - (x->meta < y->meta);
}

static int build_domains(struct vg_intel_builder *b, struct vec *sets, struct vg_intel *out)
{
    size_t n = b->domains.count;
    struct domain_entry *d = b->domains.data;
    size_t cap = 16;
    while (cap < n * 2)
        cap <<= 1;
    out->dom = calloc(cap, sizeof(*out->dom));
    if (!out->dom)
        return VG_ENOMEM;
    out->dom_cap = cap;
    out->memory += cap * sizeof(*out->dom);
    qsort(d, n, sizeof(*d), cmp_domains);
    for (size_t i = 0; i < n;) {
        /* group equal (name, wildcard); equal hashes of different names are rare: compare */
        size_t j = i + 1;
        while (j < n && d[j].hash == d[i].hash && d[j].wildcard == d[i].wildcard &&
               d[j].name_len == d[i].name_len &&
               memcmp(b->names.data + d[j].name_off, b->names.data + d[i].name_off, d[i].name_len) == 0)
            j++;
        uint32_t set_off = (uint32_t)sets->count, count = 0;
        if (vec_push(sets, &count) != VG_OK)
            return VG_ENOMEM;
        for (size_t k = i; k < j; k++) {
            if (k > i && d[k].meta == d[k - 1].meta)
                continue;
            if (vec_push(sets, &d[k].meta) != VG_OK)
                return VG_ENOMEM;
            count++;
        }
        ((uint32_t *)sets->data)[set_off] = count;
        size_t s = d[i].hash & (cap - 1);
        while (out->dom[s].hash)
            s = (s + 1) & (cap - 1);
        out->dom[s] = (struct domain_slot){ d[i].hash, d[i].name_off, d[i].name_len, set_off, d[i].wildcard };
        i = j;
    }
    return VG_OK;
}

struct vg_intel *vg_intel_freeze(struct vg_intel_builder *b)
{
    struct vg_intel *in = calloc(1, sizeof(*in));
    struct vec sets = { .size = sizeof(uint32_t) };
    struct sweep_event *ev = NULL;
    if (!in)
        goto fail;
    size_t n4 = b->v4.count, n6 = b->v6.count;
    size_t n_ev = 2 * (n4 > n6 ? n4 : n6);
    ev = malloc((n_ev ? n_ev : 1) * sizeof(*ev));
    if (!ev)
        goto fail;
    const struct range4 *r4 = b->v4.data;
    size_t k = 0;
    for (size_t i = 0; i < n4; i++) {
        ev[k++] = (struct sweep_event){ r4[i].lo, r4[i].meta, +1 };
        if (r4[i].hi != 0xFFFFFFFFu)
            ev[k++] = (struct sweep_event){ (unsigned __int128)r4[i].hi + 1, r4[i].meta, -1 };
    }
    if (build_segments(ev, k, b->metas.count, true, &sets, in) != VG_OK)
        goto fail;
    const struct range6 *r6 = b->v6.data;
    k = 0;
    for (size_t i = 0; i < n6; i++) {
        ev[k++] = (struct sweep_event){ r6[i].lo, r6[i].meta, +1 };
        if (r6[i].hi != ~(unsigned __int128)0)
            ev[k++] = (struct sweep_event){ r6[i].hi + 1, r6[i].meta, -1 };
    }
    if (build_segments(ev, k, b->metas.count, false, &sets, in) != VG_OK)
        goto fail;
    free(ev);
    ev = NULL;
    if (build_domains(b, &sets, in) != VG_OK)
        goto fail;
    in->indicators = n4 + n6 + b->domains.count;
    in->sets = sets.data;
    in->sets_len = sets.count;
    sets.data = NULL;
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
    free(ev);
    free(sets.data);
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
    free(in->v6.lo);
    free(in->v6.hi);
    free(in->v6.set);
    free(in->dom);
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

static bool fill_match(const struct vg_intel *in, uint32_t set_off, struct vg_intel_match *out)
{
    const uint32_t *set = in->sets + set_off;
    for (uint32_t i = 1; i <= set[0]; i++) {
        const struct meta *m = &in->metas[set[i]];
        const struct vg_intel_list *l = &in->lists[m->list];
        if (l->kind == VG_INTEL_TRUSTED) {
            if (!out->trusted)
                out->trusted = l;
        } else if (out->count < VG_INTEL_MAX_HITS) {
            out->hits[out->count++] = (struct vg_intel_hit){ l, { in->names + m->name_off, m->name_len } };
        }
    }
    return out->count > 0;
}

bool vg_intel_match_ip(const struct vg_intel *in, const struct vg_ip *ip, struct vg_intel_match *out)
{
    out->count = 0;
    out->trusted = NULL;
    if (!in)
        return false;
    if (ip->family == 4) {
        uint32_t v = ip_to_u32(ip);
        if (!in->v4.count)
            return false;
        /* the answer is the last segment starting at or before v: inside v's /16, or the one
         * just before it (which may run into this /16) */
        size_t lo = in->v4.index[v >> 16], hi = in->v4.index[(v >> 16) + 1];
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

static const struct domain_slot *find_domain(const struct vg_intel *in, const char *name,
                                             size_t len, bool wildcard)
{
    if (!in->dom_cap)
        return NULL;
    uint64_t h = vg_hash64(name, len, wildcard) | 1;
    for (size_t s = h & (in->dom_cap - 1); in->dom[s].hash; s = (s + 1) & (in->dom_cap - 1)) {
        const struct domain_slot *d = &in->dom[s];
        if (d->hash == h && d->wildcard == wildcard && d->name_len == len &&
            memcmp(in->names + d->name_off, name, len) == 0)
            return d;
    }
    return NULL;
}

bool vg_intel_match_domain(const struct vg_intel *in, struct vg_str domain, struct vg_intel_match *out)
{
    out->count = 0;
    out->trusted = NULL;
    char name[MAX_DOMAIN];
    size_t len;
    bool wildcard;
    if (!in || !normalize_domain(domain, name, &len, &wildcard) || wildcard)
        return false;
    const struct domain_slot *d = find_domain(in, name, len, false);
    if (d)
        fill_match(in, d->set, out);
    for (size_t i = 0; i < len; i++) {
        if (name[i] != '.')
            continue;
        d = find_domain(in, name + i + 1, len - i - 1, true);
        if (d)
            fill_match(in, d->set, out);
    }
    return out->count > 0;
}
