/* Deciding the local end of flow records; see flow_sides.h for the rules and their order. */
#include "enrich/flow_sides.h"

#include "core/hash.h"
#include "core/keyed.h"

/* Per interface: its known addresses (from the inventory or learned, at most two: an IPv4 and
 * an IPv6 one in practice) and the addresses of its previous record, for rule 4. */
struct interface_state {
    struct vg_ip known[2];
    struct vg_ip last_src, last_dst;
    bool declared; /* from the inventory: learning must not replace it */
};

struct interface_key {
    uint64_t hash[2];
};

struct vg_flow_sides {
    struct vg_keyed *interfaces;
    struct vg_keyed_memo last; /* the interface of the previous record, usually this one's */
    /* the inventory is small and must never be evicted, so it has its own table */
    struct vg_keyed *declared;
};

struct vg_flow_sides *vg_flow_sides_new(size_t budget_bytes)
{
    struct vg_flow_sides *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->interfaces =
        vg_keyed_new(sizeof(struct interface_key), sizeof(struct interface_state), budget_bytes);
    if (!s->interfaces) {
        free(s);
        return NULL;
    }
    return s;
}

void vg_flow_sides_free(struct vg_flow_sides *s)
{
    if (!s)
        return;
    vg_keyed_free(s->interfaces);
    vg_keyed_free(s->declared);
    free(s);
}

/* One hash of the id plus its length: a second full hash cost 5% of a flow scan, and two ids
 * of one account colliding in 64 bits (odds about n^2 / 2^65 for n interfaces) would only merge
 * two interfaces' learned addresses. */
static struct interface_key key_of(struct vg_str interface_id)
{
    struct interface_key k;
    k.hash[0] = vg_hash64(interface_id.ptr, interface_id.len, 0);
    k.hash[1] = interface_id.len;
    return k;
}

static void remember(struct interface_state *st, const struct vg_ip *addr)
{
    if (st->declared || vg_ip_equal(&st->known[0], addr) || vg_ip_equal(&st->known[1], addr))
        return;
    /* one slot per family: an interface's IPv4 and IPv6 address */
    st->known[addr->family == 6] = *addr;
}

int vg_flow_sides_know(struct vg_flow_sides *s, struct vg_str interface_id,
                       const struct vg_ip *addr)
{
    if (!s->declared) {
        s->declared = vg_keyed_new(sizeof(struct interface_key), sizeof(struct interface_state),
                                   (size_t)64 << 20);
        if (!s->declared)
            return VG_ENOMEM;
    }
    struct interface_key k = key_of(interface_id);
    bool created;
    struct interface_state *st = vg_keyed_get(s->declared, &k, &created);
    st->known[addr->family == 6] = *addr;
    st->declared = true;
    return VG_OK;
}

static enum vg_flow_local by_known(const struct interface_state *st, const struct vg_flow *f)
{
    for (int i = 0; i < 2; i++) {
        if (!st->known[i].family)
            continue;
        if (vg_ip_equal(&st->known[i], &f->src))
            return VG_FLOW_LOCAL_SRC;
        if (vg_ip_equal(&st->known[i], &f->dst))
            return VG_FLOW_LOCAL_DST;
    }
    return VG_FLOW_LOCAL_UNKNOWN;
}

/* Rule 4: exactly one address of this record was in the previous one.  A reply (both repeat)
 * or an unrelated record (neither does) decides nothing. */
static enum vg_flow_local by_repeat(const struct interface_state *st, const struct vg_flow *f)
{
    bool src_seen = vg_ip_equal(&f->src, &st->last_src) || vg_ip_equal(&f->src, &st->last_dst);
    bool dst_seen = vg_ip_equal(&f->dst, &st->last_src) || vg_ip_equal(&f->dst, &st->last_dst);
    if (src_seen == dst_seen)
        return VG_FLOW_LOCAL_UNKNOWN;
    return src_seen ? VG_FLOW_LOCAL_SRC : VG_FLOW_LOCAL_DST;
}

/* *key: the interface id's key, made here when a rule needs it (else left unset) and
 * *have_key set; a record with flow-direction never needs it. */
static enum vg_flow_local decide(struct vg_flow_sides *s, struct vg_flow *f,
                                 struct interface_key *key, bool *have_key)
{
    if (f->direction == VG_FLOW_INGRESS)
        return VG_FLOW_LOCAL_DST;
    if (f->direction == VG_FLOW_EGRESS)
        return VG_FLOW_LOCAL_SRC;
    *key = key_of(f->interface_id);
    *have_key = true;
    struct interface_key k = *key;
    if (s->declared) {
        const struct interface_state *inv = vg_keyed_find(s->declared, &k);
        enum vg_flow_local side = inv ? by_known(inv, f) : VG_FLOW_LOCAL_UNKNOWN;
        if (side != VG_FLOW_LOCAL_UNKNOWN)
            return side;
    }
    bool created;
    struct interface_state *st =
        vg_keyed_get_memo(s->interfaces, &s->last, &k, sizeof(k), &created);
    enum vg_flow_local side = by_known(st, f);
    if (side == VG_FLOW_LOCAL_UNKNOWN) {
        bool src_private = vg_ip_is_private(&f->src), dst_private = vg_ip_is_private(&f->dst);
        if (src_private != dst_private)
            side = src_private ? VG_FLOW_LOCAL_SRC : VG_FLOW_LOCAL_DST;
        else
            side = by_repeat(st, f);
        if (side != VG_FLOW_LOCAL_UNKNOWN)
            remember(st, side == VG_FLOW_LOCAL_SRC ? &f->src : &f->dst);
    }
    st->last_src = f->src;
    st->last_dst = f->dst;
    return side;
}

enum { TCP_SYN = 0x02, TCP_ACK = 0x10 };

/* Who opened the connection: TCP flags when logged (SYN without ACK is the initiator, SYN-ACK
 * the responder), else the ports (the side on a port below 1024, or the side not on an
 * ephemeral port >= 32768, or the lower port, is the server). */
static bool source_initiated(const struct vg_flow *f)
{
    if (f->protocol == 6 && (f->has & VG_FLOW_HAS_TCP_FLAGS) && (f->tcp_flags & TCP_SYN))
        return !(f->tcp_flags & TCP_ACK);
    uint16_t sp = f->src_port, dp = f->dst_port;
    if ((sp < 1024) != (dp < 1024))
        return dp < 1024;
    if ((sp >= 32768) != (dp >= 32768))
        return sp >= 32768;
    return dp <= sp;
}

/* interface: the interface id's key when the caller has it (the instance key is the same when
 * the record names no instance), else NULL. */
static void annotate(struct vg_flow *f, const struct interface_key *interface)
{
    if (f->local == VG_FLOW_LOCAL_UNKNOWN)
        return;
    /* once here, not in every detector that looks at the record */
    struct interface_key k =
        interface && !f->instance_id.len ? *interface : key_of(f->instance_id.len ? f->instance_id : f->interface_id);
    f->instance_key[0] = k.hash[0];
    f->instance_key[1] = k.hash[1];
    f->src_initiated = source_initiated(f);
    f->remote_public = !vg_ip_is_private(f->local == VG_FLOW_LOCAL_SRC ? &f->dst : &f->src);
}

void vg_flow_sides_resolve(struct vg_flow_sides *s, struct vg_event *ev)
{
    struct vg_flow *f = &ev->flow;
    f->local = VG_FLOW_LOCAL_UNKNOWN;
    if (f->status != VG_FLOW_OK || !f->src.family || !f->dst.family)
        return;
    /* hashed only when needed: records with flow-direction and an instance id never need it */
    struct interface_key k;
    bool have_key = false;
    f->local = decide(s, f, &k, &have_key);
    annotate(f, have_key ? &k : NULL);
}

void vg_flow_sides_annotate(struct vg_flow *f)
{
    annotate(f, NULL);
}

uint64_t vg_flow_sides_evictions(const struct vg_flow_sides *s)
{
    return vg_keyed_evictions(s->interfaces);
}
