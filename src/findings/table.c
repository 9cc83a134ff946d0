/*
 * Aggregating findings table: chained hash on the 128-bit id plus an LRU list by last event
 * time for eviction.  See table.h for the contract.
 */
#include "findings/table.h"

#include "core/hash.h"
#include "findings/catalog.h"

struct entry {
    struct vg_finding f;
    uint64_t hash;
    struct entry *chain;
    struct entry *lru_prev, *lru_next; /* head = least recently updated */
    struct entry *changed_prev, *changed_next;
    bool changed; /* on the changed list: updated since the last vg_findings_take_changed */
};

struct vg_findings {
    struct entry **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    size_t cap;
    uint64_t evicted;
    struct entry *lru_head, *lru_tail;
    struct entry *changed_head;
    vg_findings_evict_fn on_evict;
    void *evict_ctx;
    const struct vg_finding **sorted;
    size_t sorted_cap;
};

struct vg_findings *vg_findings_new(size_t cap, vg_findings_evict_fn on_evict, void *ctx)
{
    struct vg_findings *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cap = cap ? cap : 100000;
    t->nbuckets = 1024;
    while (t->nbuckets < t->cap && t->nbuckets < (1u << 24))
        t->nbuckets <<= 1;
    t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
    if (!t->buckets) {
        free(t);
        return NULL;
    }
    t->on_evict = on_evict;
    t->evict_ctx = ctx;
    return t;
}

void vg_findings_free(struct vg_findings *t)
{
    if (!t)
        return;
    for (struct entry *e = t->lru_head, *n; e; e = n) {
        n = e->lru_next;
        vg_finding_release(&e->f);
        free(e);
    }
    free(t->buckets);
    free(t->sorted);
    free(t);
}

/* The resource side of the key: for API calls the access key when there is one (GuardDuty's
 * resource), else the ARN; for network findings the instance, else its interface; for DNS
 * findings the instance, else the querying address.  The bucket joins the key separately. */
static struct vg_str resource_id(const struct vg_finding_draft *d)
{
    if (d->event->source == VG_SOURCE_VPCFLOW)
        return d->event->flow.instance_id.len ? d->event->flow.instance_id
                                              : d->event->flow.interface_id;
    if (d->event->source == VG_SOURCE_DNS) {
        /* the querying instance; never the CloudTrail member */
        const struct vg_dns *dns = &d->event->dns;
        if (dns->instance_id.len || !dns->src.family)
            return dns->instance_id;
        /* no srcids.instance (an inbound endpoint's client, an older log): the source address's
         * bytes, so two clients never share a finding */
        return (struct vg_str){ (const char *)dns->src.addr, dns->src.family == 4 ? 4 : 16 };
    }
    const struct vg_cloudtrail *ct = &d->event->ct;
    if (ct->identity.access_key_id.len)
        return ct->identity.access_key_id;
    if (ct->identity.arn.len)
        return ct->identity.arn;
    return ct->identity.principal_id;
}

void vg_findings_key_id(const struct vg_finding_draft *d, char out[33])
{
    struct vg_hash128 h;
    const char *type = vg_catalog_get(d->type)->name;
    struct vg_str rid = resource_id(d);
    vg_hash128_init(&h);
    vg_hash128_field(&h, d->event->account_id.ptr, d->event->account_id.len);
    vg_hash128_field(&h, d->event->region.ptr, d->event->region.len);
    vg_hash128_field(&h, type, strlen(type));
    vg_hash128_field(&h, rid.ptr, rid.len);
    vg_hash128_field(&h, d->bucket.ptr, d->bucket.len);
    vg_hash128_field(&h, d->counterpart.ptr, d->counterpart.len);
    vg_hash128_hex(&h, out);
}

static char *dup_str(struct vg_str s)
{
    if (!s.len)
        return NULL;
    size_t n = s.len > VG_MAX_FIELD_BYTES ? VG_MAX_FIELD_BYTES : s.len;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s.ptr, n);
        p[n] = '\0';
    }
    return p;
}

static void replace(char **field, struct vg_str s)
{
    free(*field);
    *field = dup_str(s);
}

static void lru_unlink(struct vg_findings *t, struct entry *e)
{
    if (e->lru_prev)
        e->lru_prev->lru_next = e->lru_next;
    else
        t->lru_head = e->lru_next;
    if (e->lru_next)
        e->lru_next->lru_prev = e->lru_prev;
    else
        t->lru_tail = e->lru_prev;
    e->lru_prev = e->lru_next = NULL;
}

/* Keep the list ordered by last_seen_ms: walk back from the tail, which is O(1) for logs that
 * arrive in time order and bounded by the list length for stragglers. */
static void lru_insert(struct vg_findings *t, struct entry *e)
{
    struct entry *after = t->lru_tail;
    while (after && after->f.last_seen_ms > e->f.last_seen_ms)
        after = after->lru_prev;
    e->lru_prev = after;
    e->lru_next = after ? after->lru_next : t->lru_head;
    if (e->lru_next)
        e->lru_next->lru_prev = e;
    else
        t->lru_tail = e;
    if (after)
        after->lru_next = e;
    else
        t->lru_head = e;
}

static void changed_unlink(struct vg_findings *t, struct entry *e)
{
    if (!e->changed)
        return;
    if (e->changed_prev)
        e->changed_prev->changed_next = e->changed_next;
    else
        t->changed_head = e->changed_next;
    if (e->changed_next)
        e->changed_next->changed_prev = e->changed_prev;
    e->changed_prev = e->changed_next = NULL;
    e->changed = false;
}

static void changed_mark(struct vg_findings *t, struct entry *e)
{
    if (e->changed)
        return;
    e->changed = true;
    e->changed_prev = NULL;
    e->changed_next = t->changed_head;
    if (t->changed_head)
        t->changed_head->changed_prev = e;
    t->changed_head = e;
}

static void evict_oldest(struct vg_findings *t)
{
    struct entry *e = t->lru_head;
    if (!e)
        return;
    if (t->on_evict)
        t->on_evict(t->evict_ctx, &e->f);
    lru_unlink(t, e);
    changed_unlink(t, e);
    struct entry **pp = &t->buckets[e->hash & (t->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    vg_finding_release(&e->f);
    free(e);
    t->count--;
    t->evicted++;
}

static void record_api_call(struct vg_finding *f, struct vg_str api, int64_t t_ms)
{
    for (unsigned i = 0; i < f->api_call_count; i++) {
        struct vg_finding_api_call *c = &f->api_calls[i];
        if (strlen(c->name) == api.len && memcmp(c->name, api.ptr, api.len) == 0) {
            c->count++;
            if (t_ms < c->first_ms)
                c->first_ms = t_ms;
            if (t_ms > c->last_ms)
                c->last_ms = t_ms;
            return;
        }
    }
    if (f->api_call_count == VG_FINDING_MAX_API_CALLS) {
        f->api_calls_dropped++;
        return;
    }
    char *name = dup_str(api);
    if (!name)
        return;
    f->api_calls[f->api_call_count++] = (struct vg_finding_api_call){ name, 1, t_ms, t_ms };
}

static void record_threats(struct vg_finding *f, const struct vg_finding_draft *d)
{
    for (unsigned i = 0; i < d->threat_count; i++) {
        const struct vg_finding_threat_ref *r = &d->threats[i];
        bool known = false;
        for (unsigned k = 0; k < f->threat_count && !known; k++)
            known =
                vg_str_eq(vg_str_from(f->threats[k].list_name), r->list_name) &&
                vg_str_eq(vg_str_from(f->threats[k].threat_name ? f->threats[k].threat_name : ""),
                          r->threat_name);
        if (known || f->threat_count == VG_FINDING_MAX_THREATS)
            continue;
        struct vg_finding_threat *t = &f->threats[f->threat_count++];
        t->list_name = dup_str(r->list_name.len ? r->list_name : VG_STR("unnamed"));
        t->threat_name = dup_str(r->threat_name);
        size_t n = r->sha256.len < 64 ? r->sha256.len : 64;
        memcpy(t->sha256, r->sha256.ptr ? r->sha256.ptr : "", n);
        t->sha256[n] = '\0';
    }
}

static void record_evidence(struct vg_finding *f, const struct vg_event *ev)
{
    if (f->evidence_count == VG_FINDING_MAX_EVIDENCE)
        return;
    struct vg_finding_evidence *e = &f->evidence[f->evidence_count++];
    e->source = dup_str(vg_str_from(ev->ref.source));
    e->offset = ev->ref.offset;
    e->line = ev->ref.line;
    e->event_id = ev->source == VG_SOURCE_CLOUDTRAIL ? dup_str(ev->ct.event_id) : NULL;
    e->time_ms = ev->time_ms;
}

static void set_api_action(struct vg_finding *f, const struct vg_finding_draft *d)
{
    const struct vg_cloudtrail *ct = &d->event->ct;
    bool is_ip = ct->source_ip.family != 0;
    replace(&f->api, ct->event_name);
    replace(&f->service_name, ct->event_source);
    replace(&f->error_code, ct->error_code);
    replace(&f->user_agent, ct->user_agent);
    replace(&f->remote_ip, is_ip ? ct->source_ip_text : VG_STR_NULL);
    replace(&f->remote_domain, is_ip ? VG_STR_NULL : ct->source_ip_text);
    replace(&f->caller_type, is_ip                    ? VG_STR("Remote IP")
                             : ct->source_ip_text.len ? VG_STR("Domain")
                                                      : VG_STR_NULL);
}

static void set_net_action(struct vg_finding *f, const struct vg_finding_draft *d)
{
    char text[64];
    f->has_net = true;
    f->net = *d->net;
    replace(&f->remote_ip,
            vg_str_from(vg_ip_format(&d->net->remote_ip, text, sizeof(text)) ? text : ""));
}

static void set_dns_action(struct vg_finding *f, const struct vg_finding_dns *dns)
{
    f->has_dns = true;
    f->dns_blocked = dns->blocked;
    replace(&f->dns_domain, dns->domain);
    replace(&f->dns_domain_with_suffix, dns->domain_with_suffix);
    replace(&f->dns_protocol, dns->protocol);
}

/* The action details of the latest occurrence overwrite the earlier ones, as GuardDuty does. */
static void set_action(struct vg_finding *f, const struct vg_finding_draft *d)
{
    if (d->net)
        set_net_action(f, d);
    else if (d->dns)
        set_dns_action(f, d->dns);
    else if (d->event->source != VG_SOURCE_DNS) /* DNS events have no CloudTrail member */
        set_api_action(f, d);
    replace(&f->detail, d->detail);
    if (d->additional.len)
        replace(&f->additional, d->additional);
    if (d->detection.len && d->detection.len <= VG_FINDING_MAX_DETECTION_BYTES) {
        /* not dup_str: its field cap would cut the JSON; the draft's size is capped instead */
        char *copy = malloc(d->detection.len + 1);
        if (copy) {
            memcpy(copy, d->detection.ptr, d->detection.len);
            copy[d->detection.len] = '\0';
            free(f->detection);
            f->detection = copy;
        }
    }
    if (d->public_access.len)
        replace(&f->public_access, d->public_access);
}

/* portProbeAction lists each distinct probe once: (port, local address, remote address). */
static void record_probe(struct vg_finding *f, const struct vg_finding_net *net)
{
    for (unsigned i = 0; i < f->probe_count; i++) {
        const struct vg_finding_probe *p = &f->probes[i];
        if (p->local_port == net->local_port && vg_ip_equal(&p->local_ip, &net->local_ip) &&
            vg_ip_equal(&p->remote_ip, &net->remote_ip))
            return;
    }
    if (f->probe_count == VG_FINDING_MAX_PROBES) {
        f->probes_dropped++;
        return;
    }
    f->probes[f->probe_count++] =
        (struct vg_finding_probe){ net->local_port, net->local_ip, net->remote_ip };
}

static void fill_new_instance(struct vg_finding *f, const struct vg_flow *flow)
{
    f->partition = dup_str(VG_STR("aws"));
    f->instance_id = dup_str(flow->instance_id);
    f->interface_id = dup_str(flow->interface_id);
    f->vpc_id = dup_str(flow->vpc_id);
    f->subnet_id = dup_str(flow->subnet_id);
}

/* The querying instance: srcids.instance, else only its address and VPC. */
static void fill_new_dns_source(struct vg_finding *f, const struct vg_dns *dns)
{
    char text[64];
    f->partition = dup_str(VG_STR("aws"));
    f->instance_id = dup_str(dns->instance_id);
    f->vpc_id = dup_str(dns->vpc_id);
    f->net.local_ip = dns->src;
    if (dns->src.family && vg_ip_format(&dns->src, text, sizeof(text)))
        f->dns_source = dup_str(vg_str_from(text));
}

static void fill_new_principal(struct vg_finding *f, const struct vg_identity *who)
{
    struct vg_str arn = who->arn;
    struct vg_str partition = VG_STR("aws");
    if (vg_str_starts_with(arn, "arn:")) {
        const char *colon = memchr(arn.ptr + 4, ':', arn.len - 4);
        if (colon)
            partition = (struct vg_str){ arn.ptr + 4, (size_t)(colon - arn.ptr - 4) };
    }
    f->partition = dup_str(partition);
    f->access_key_id = dup_str(who->access_key_id);
    f->principal_id = dup_str(who->principal_id);
    f->principal_arn = dup_str(who->arn);
    f->user_name = dup_str(who->user_name.len ? who->user_name : who->issuer_user_name);
    f->user_type = dup_str(who->type_name);
    f->session_issuer = dup_str(who->issuer_arn);
    f->session_created_ms = who->session_created_ms;
    f->mfa_authenticated = who->mfa_authenticated;
}

static void fill_new(struct vg_finding *f, const struct vg_finding_draft *d, const char *id)
{
    const struct vg_event *ev = d->event;
    memcpy(f->id, id, 33);
    f->type = d->type;
    f->account_id = dup_str(ev->account_id);
    f->region = dup_str(ev->region);
    if (ev->source == VG_SOURCE_VPCFLOW)
        fill_new_instance(f, &ev->flow);
    else if (ev->source == VG_SOURCE_CLOUDTRAIL)
        fill_new_principal(f, &ev->ct.identity);
    else if (ev->source == VG_SOURCE_DNS)
        fill_new_dns_source(f, &ev->dns);
    f->port_probe = d->port_probe;
    f->bucket = dup_str(d->bucket);
    f->first_seen_ms = f->last_seen_ms = ev->time_ms;
}

void vg_findings_add(void *table, const struct vg_finding_draft *d)
{
    struct vg_findings *t = table;
    char id[33];
    vg_findings_key_id(d, id);
    uint64_t hash = vg_hash64(id, 32, 0);
    struct entry *e = t->buckets[hash & (t->nbuckets - 1)];
    while (e && memcmp(e->f.id, id, 32) != 0)
        e = e->chain;
    if (!e) {
        if (t->count >= t->cap)
            evict_oldest(t);
        e = calloc(1, sizeof(*e));
        if (!e)
            return;
        e->hash = hash;
        fill_new(&e->f, d, id);
        e->chain = t->buckets[hash & (t->nbuckets - 1)];
        t->buckets[hash & (t->nbuckets - 1)] = e;
        t->count++;
    } else {
        lru_unlink(t, e);
    }
    struct vg_finding *f = &e->f;
    double sev = d->severity > 0 ? d->severity : vg_catalog_get(d->type)->severity;
    if (sev > f->severity)
        f->severity = sev;
    f->count++;
    if (d->event->time_ms < f->first_seen_ms)
        f->first_seen_ms = d->event->time_ms;
    if (d->event->time_ms >= f->last_seen_ms) {
        f->last_seen_ms = d->event->time_ms;
        set_action(f, d);
    } else if (!f->api && !f->has_net && !f->has_dns) {
        set_action(f, d);
    }
    if (d->event->source == VG_SOURCE_CLOUDTRAIL)
        record_api_call(f, d->event->ct.event_name, d->event->time_ms);
    if (d->net && d->port_probe)
        record_probe(f, d->net);
    record_evidence(f, d->event);
    record_threats(f, d);
    lru_insert(t, e);
    changed_mark(t, e);
}

int vg_findings_take_changed(struct vg_findings *t, vg_findings_changed_fn fn, void *ctx)
{
    int rc = 0;
    while (t->changed_head && rc == 0) {
        struct entry *e = t->changed_head;
        if (fn)
            rc = fn(ctx, &e->f);
        if (rc == 0)
            changed_unlink(t, e);
    }
    return rc;
}

size_t vg_findings_count(const struct vg_findings *t)
{
    return t->count;
}

uint64_t vg_findings_evicted(const struct vg_findings *t)
{
    return t->evicted;
}

static int cmp_findings(const void *a, const void *b)
{
    const struct vg_finding *x = *(const struct vg_finding *const *)a;
    const struct vg_finding *y = *(const struct vg_finding *const *)b;
    if (x->first_seen_ms != y->first_seen_ms)
        return x->first_seen_ms < y->first_seen_ms ? -1 : 1;
    return strcmp(x->id, y->id);
}

const struct vg_finding *const *vg_findings_sorted(struct vg_findings *t, size_t *count_out)
{
    *count_out = 0;
    if (t->count == 0)
        return NULL;
    if (t->sorted_cap < t->count) {
        const struct vg_finding **p = realloc(t->sorted, t->count * sizeof(*p));
        if (!p)
            return NULL;
        t->sorted = p;
        t->sorted_cap = t->count;
    }
    size_t n = 0;
    for (struct entry *e = t->lru_head; e; e = e->lru_next)
        t->sorted[n++] = &e->f;
    qsort(t->sorted, n, sizeof(*t->sorted), cmp_findings);
    *count_out = n;
    return t->sorted;
}
