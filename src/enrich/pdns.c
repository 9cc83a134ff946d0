/*
 * Passive DNS table (see pdns.h).
 *
 * Two bounded tables: addresses, each with a few (name hash, first, last, count) slots, and
 * names by hash holding the text once however many addresses point at it.  The name hash is
 * seeded at random per table: the hash stands in for the name on the address side, and a
 * seed an attacker cannot know keeps them from crafting a name whose hash lands on another
 * and so borrowing its text.  Nothing observable depends on the seed (evictions follow
 * insertion order, not hash values), so output stays the same from run to run.
 */
#include "enrich/pdns.h"

#include <sys/random.h>

#include "core/hash.h"
#include "core/keyed.h"

struct ip_key {
    uint8_t family;
    uint8_t addr[16];
};

struct name_ref {
    uint64_t hash; /* 0: free slot */
    int64_t first_ms, last_ms;
    uint32_t answers;
};

struct ip_value {
    struct name_ref refs[VG_PDNS_NAMES_PER_IP];
    uint64_t names_displaced;
};

struct name_value {
    uint16_t len;
    bool cut;
    char text[VG_PDNS_NAME_MAX];
};

struct vg_pdns {
    struct vg_keyed *by_ip;
    struct vg_keyed *names;
    uint64_t seed;
    uint64_t answers;
};

struct vg_pdns *vg_pdns_new(size_t budget_bytes)
{
    struct vg_pdns *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (getrandom(&p->seed, sizeof(p->seed), 0) != (ssize_t)sizeof(p->seed))
        p->seed = (uint64_t)(uintptr_t)p ^ 0x9e3779b97f4a7c15u; /* still unknown to a log writer */
    /* An address slot is about half a name's: give names the larger share so a name is rarely
     * dropped while addresses still point at it. */
    p->by_ip = vg_keyed_new(sizeof(struct ip_key), sizeof(struct ip_value), budget_bytes / 3);
    p->names = vg_keyed_new(sizeof(uint64_t), sizeof(struct name_value), budget_bytes / 3 * 2);
    if (!p->by_ip || !p->names) {
        vg_pdns_free(p);
        return NULL;
    }
    return p;
}

void vg_pdns_free(struct vg_pdns *p)
{
    if (!p)
        return;
    vg_keyed_free(p->by_ip);
    vg_keyed_free(p->names);
    free(p);
}

static struct ip_key key_of(const struct vg_ip *ip)
{
    struct ip_key k;
    memset(&k, 0, sizeof(k));
    k.family = ip->family;
    memcpy(k.addr, ip->addr, ip->family == 4 ? 4 : 16);
    return k;
}

static uint64_t name_hash(const struct vg_pdns *p, struct vg_str name)
{
    uint64_t h = vg_hash64(name.ptr, name.len, p->seed);
    return h ? h : 1; /* 0 marks a free slot */
}

static void remember_name(struct vg_pdns *p, uint64_t hash, struct vg_str name)
{
    bool created;
    struct name_value *v = vg_keyed_get(p->names, &hash, &created);
    if (!created)
        return;
    v->cut = name.len > VG_PDNS_NAME_MAX;
    v->len = (uint16_t)(v->cut ? VG_PDNS_NAME_MAX : name.len);
    memcpy(v->text, name.ptr, v->len);
}

/* The slot for hash in an address's refs: its own, a free one, or the least recently answered
 * one, which gives way. */
static struct name_ref *ref_for(struct ip_value *v, uint64_t hash)
{
    struct name_ref *oldest = &v->refs[0];
    for (unsigned i = 0; i < VG_PDNS_NAMES_PER_IP; i++) {
        struct name_ref *r = &v->refs[i];
        if (r->hash == hash || r->hash == 0)
            return r;
        if (r->last_ms < oldest->last_ms)
            oldest = r;
    }
    v->names_displaced++;
    memset(oldest, 0, sizeof(*oldest));
    return oldest;
}

static void learn_answer(struct vg_pdns *p, const struct vg_ip *ip, struct vg_str name,
                         uint64_t hash, int64_t t)
{
    struct ip_key k = key_of(ip);
    bool created;
    struct ip_value *v = vg_keyed_get(p->by_ip, &k, &created);
    struct name_ref *r = ref_for(v, hash);
    if (r->hash == 0) {
        r->hash = hash;
        r->first_ms = r->last_ms = t;
    }
    /* logs of several resolvers interleave slightly out of order */
    if (t < r->first_ms)
        r->first_ms = t;
    if (t > r->last_ms)
        r->last_ms = t;
    r->answers++;
    remember_name(p, hash, name);
    p->answers++;
}

void vg_pdns_learn(struct vg_pdns *p, const struct vg_event *ev)
{
    if (ev->source != VG_SOURCE_DNS || !ev->dns.answers || !ev->dns.query.text.len)
        return;
    struct vg_str name = ev->dns.query.text;
    uint64_t hash = 0;
    for (uint32_t i = 0; i < ev->dns.answer_count; i++) {
        const struct vg_ip *ip = &ev->dns.answers[i].ip;
        if (!ip->family)
            continue;
        if (!hash)
            hash = name_hash(p, name);
        learn_answer(p, ip, name, hash, ev->time_ms);
    }
}

/* The entry of key/value with its names resolved, those answered after until_ms left out. */
static void fill_entry(struct vg_pdns *p, const struct ip_key *k, const struct ip_value *v,
                       int64_t until_ms, struct vg_pdns_entry *out)
{
    memset(out, 0, sizeof(*out));
    out->ip.family = k->family;
    memcpy(out->ip.addr, k->addr, sizeof(k->addr));
    out->names_displaced = v->names_displaced;
    for (unsigned i = 0; i < VG_PDNS_NAMES_PER_IP; i++) {
        const struct name_ref *r = &v->refs[i];
        if (!r->hash || r->first_ms > until_ms)
            continue;
        const struct name_value *nv = vg_keyed_find(p->names, &r->hash);
        if (!nv) { /* the name table evicted it: the address keeps the fact, not the text */
            out->names_displaced++;
            continue;
        }
        struct vg_pdns_name *n = &out->names[out->count++];
        memcpy(n->domain, nv->text, nv->len);
        n->domain[nv->len] = '\0';
        n->cut = nv->cut;
        n->first_ms = r->first_ms;
        n->last_ms = r->last_ms;
        n->answers = r->answers;
    }
    /* most recently answered first: the name the instance most likely used */
    for (unsigned i = 1; i < out->count; i++)
        for (unsigned j = i; j > 0 && out->names[j].last_ms > out->names[j - 1].last_ms; j--) {
            struct vg_pdns_name t = out->names[j];
            out->names[j] = out->names[j - 1];
            out->names[j - 1] = t;
        }
}

bool vg_pdns_lookup(struct vg_pdns *p, const struct vg_ip *ip, int64_t until_ms,
                    struct vg_pdns_entry *out)
{
    if (!ip->family)
        return false;
    struct ip_key k = key_of(ip);
    const struct ip_value *v = vg_keyed_find(p->by_ip, &k);
    if (!v)
        return false;
    fill_entry(p, &k, v, until_ms, out);
    return out->count > 0;
}

struct each_ctx {
    struct vg_pdns *p;
    struct vg_str domain; /* without the "*." of a zone query */
    bool zone;
    uint64_t hash;
    void (*fn)(void *ctx, const struct vg_pdns_entry *e);
    void *ctx;
    struct vg_pdns_entry entry;
};

static bool name_matches(const struct each_ctx *c, const struct vg_pdns_name *n)
{
    size_t len = strlen(n->domain);
    if (!c->zone)
        return len == c->domain.len && memcmp(n->domain, c->domain.ptr, len) == 0;
    return len > c->domain.len && n->domain[len - c->domain.len - 1] == '.' &&
           memcmp(n->domain + len - c->domain.len, c->domain.ptr, c->domain.len) == 0;
}

static void visit_address(void *ctx, const void *key, void *value)
{
    struct each_ctx *c = ctx;
    const struct ip_value *v = value;
    bool candidate = c->zone;
    for (unsigned i = 0; i < VG_PDNS_NAMES_PER_IP && !candidate; i++)
        candidate = v->refs[i].hash == c->hash;
    if (!candidate)
        return;
    fill_entry(c->p, key, v, INT64_MAX, &c->entry);
    for (unsigned i = 0; i < c->entry.count; i++)
        if (name_matches(c, &c->entry.names[i])) {
            c->fn(c->ctx, &c->entry);
            return;
        }
}

void vg_pdns_each_address_of(struct vg_pdns *p, struct vg_str domain,
                             void (*fn)(void *ctx, const struct vg_pdns_entry *e), void *ctx)
{
    struct each_ctx c = { .p = p, .domain = domain, .fn = fn, .ctx = ctx };
    if (domain.len > 2 && domain.ptr[0] == '*' && domain.ptr[1] == '.') {
        c.zone = true;
        c.domain.ptr += 2;
        c.domain.len -= 2;
    } else {
        c.hash = name_hash(p, domain);
    }
    vg_keyed_each(p->by_ip, visit_address, &c);
}

struct vg_pdns_stats vg_pdns_stats(const struct vg_pdns *p)
{
    return (struct vg_pdns_stats){ p->answers,
                                   vg_keyed_evictions(p->by_ip) + vg_keyed_evictions(p->names) };
}
