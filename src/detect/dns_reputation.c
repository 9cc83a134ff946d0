/*
 * Domain reputation: the Impact:EC2/{Abused,Bitcoin,Malicious,Suspicious}DomainRequest.Reputation
 * types.  Every query for a name no list names exactly gets a score of 0-100, the sum of the
 * points of the features below (each weight is a `dns.reputation.points.*` option; the reasons
 * for the defaults are in config/config.c).  At `dns.reputation.threshold` (50) it fires, and
 * the finding lists every feature with its points and why, in additionalInfo.reputation and in
 * the description, so an analyst can check each one.
 *
 *   reputationList  the name is on a low-confidence list (a reputation feed, or an entry of
 *                   category abused/suspicious: enrich/intel.h), which links it like the entry's
 *                   category says;                                                         50
 *   listProximity   the name is not listed but its parent or its zone is, on a list that would
 *                   fire (a host under a listed C2 apex): the parent entry's link;         35
 *   abusedNamespace under a dynamic DNS provider, a free subdomain or tunnel service, or a
 *                   free TLD (the table below, vigil's own, not a fetched list);            30
 *   newlyObserved   the zone was first queried in the account less than
 *                   dns.reputation.new_window ago, after the account's learning period (zones
 *                   first seen while learning never score);                                20
 *   sinkholeAnswer  an answer is a listed sinkhole/black-hole address: malicious link;     50
 *   listedAnswer    an answer is another listed address: its category's link;              35
 *   dgaLike         the zone's own label looks machine-generated (detect/dga.h): from 0
 *                   points at the DGA threshold (0.7) to the full weight at 1.0; not under
 *                   a cloud provider's namespace, where generated labels are the norm
 *                   (CloudFront distributions, S3 buckets, Akamai edge hosts);        <= 40
 * so no weak feature fires alone (a home lab's duckdns name, a new but ordinary zone, a random
 * CDN label), two corroborating ones do, and a list's own low-confidence verdict or a sinkhole
 * answer does.
 *
 * The type is the strongest link among the features: a cryptocurrency link (a mining list's
 * entry, parent or address) -> Bitcoin; a malicious one (C2, sinkhole, drop point, DGA,
 * phishing, drive-by, an uncategorised threat entry) -> Malicious; the abused namespace (or an
 * abused entry) -> Abused, since the namespace is then what makes the name stand out; no link
 * (new, random-looking, a suspicious entry) -> Suspicious.
 *
 * Never scored: a name an exact or wildcard list entry already reports (dns_intel.c), a name or
 * zone on a trusted list, and names without an owner (IP literals, single labels, AWS-internal
 * and reverse names, public suffixes themselves).
 *
 * State: the seen-set of zones per account and each account's first DNS query, in two keyed
 * tables (core/keyed.h) with shares of dns.state_memory: zones 1/8 (8 MiB of the default 64 MiB,
 * ~280,000 zones), accounts 1/1024.  An evicted zone is new again when it comes back, so the
 * zones table is the larger one; an evicted account starts learning again, which only silences.
 * Per query: one zone lookup (enrich/psl.h), two table lookups, the domain lookups of the name
 * and (when it is unlisted) of its parent and zone, one per A/AAAA answer up to MAX_ANSWERS, and
 * a scan of the last two labels.
 *
 * Aggregation: the queried name is the counterpart (one finding per instance, type and name).
 */
#include "detect/dns_reputation.h"

#include "core/buf.h"
#include "core/hash.h"
#include "core/keyed.h"
#include "core/time.h"
#include "detect/dga.h"
#include "detect/dns_intel.h"
#include "detect/dns_util.h"
#include "enrich/psl.h"

/* Answers looked up per query: a round-robin set of a dozen addresses is common, a hostile one
 * may hold hundreds; a sinkhole answers with one or two. */
#define MAX_ANSWERS 16
#define MAX_FEATURES 7

/* What a feature ties the name to, in increasing strength: the type follows the strongest. */
enum link { LINK_NONE, LINK_ABUSED, LINK_MALICIOUS, LINK_BITCOIN };

struct feature {
    const char *name;
    int points;
    enum link link;
    char detail[200];
};

struct score {
    int total;
    unsigned count;
    struct feature f[MAX_FEATURES];
    struct vg_finding_threat_ref refs[2];
    unsigned ref_count;
};

struct account_key {
    uint64_t account;
};

struct zone_key {
    uint64_t account, zone;
};

struct state {
    const struct vg_detect_env *env;
    struct vg_keyed *accounts; /* -> int64_t: the account's first DNS query (ms) */
    struct vg_keyed *zones;    /* -> int64_t: the zone's first query in the account (ms) */
    struct vg_buf additional;  /* reused for every finding's additionalInfo */
};

/* ---- shared namespaces ---- */

/* Sorted by suffix (strcmp) for bsearch.
 *
 * Abused: dynamic DNS providers and free subdomain and tunnel services whose names anyone can
 * create in a minute, and the free TLDs Freenom handed out; the providers are the ones malware
 * reports keep naming (no-ip's many zones, DuckDNS, Dynu, FreeDNS/afraid.org, ChangeIP), not
 * every provider that exists.  Popular developer hosting (github.io, vercel.app, netlify.app,
 * herokuapp.com) is left out on purpose: ordinary SaaS lives there.
 *
 * Cloud: namespaces where the provider generates each customer's label ("d1234abcd" of
 * CloudFront, S3 bucket and API ids, Akamai edge hosts): a random-looking label is their
 * norm, so it is no evidence there (dgaLike does not count). */
static const struct vg_dns_namespace namespaces[] = {
    { "000webhostapp.com", "free subdomain service", true },
    { "3utilities.com", "dynamic DNS provider", true },
    { "afraid.org", "dynamic DNS provider", true },
    { "akamaiedge.net", "cloud provider namespace", false },
    { "akamaihd.net", "cloud provider namespace", false },
    { "akamaized.net", "cloud provider namespace", false },
    { "amazonaws.com", "cloud provider namespace", false },
    { "appspot.com", "cloud provider namespace", false },
    { "azureedge.net", "cloud provider namespace", false },
    { "azurefd.net", "cloud provider namespace", false },
    { "azurewebsites.net", "cloud provider namespace", false },
    { "bounceme.net", "dynamic DNS provider", true },
    { "cf", "free TLD", true },
    { "changeip.com", "dynamic DNS provider", true },
    { "chickenkiller.com", "dynamic DNS provider", true },
    { "cloudflarestorage.com", "cloud provider namespace", false },
    { "cloudfront.net", "cloud provider namespace", false },
    { "ddns.net", "dynamic DNS provider", true },
    { "ddnsking.com", "dynamic DNS provider", true },
    { "duckdns.org", "dynamic DNS provider", true },
    { "dynu.com", "dynamic DNS provider", true },
    { "dynu.net", "dynamic DNS provider", true },
    { "dynv6.net", "dynamic DNS provider", true },
    { "edgekey.net", "cloud provider namespace", false },
    { "edgesuite.net", "cloud provider namespace", false },
    { "fastly.net", "cloud provider namespace", false },
    { "firebaseapp.com", "cloud provider namespace", false },
    { "freeddns.org", "dynamic DNS provider", true },
    { "ga", "free TLD", true },
    { "googleusercontent.com", "cloud provider namespace", false },
    { "gq", "free TLD", true },
    { "hopto.org", "dynamic DNS provider", true },
    { "loca.lt", "tunnel service", true },
    { "ml", "free TLD", true },
    { "mooo.com", "dynamic DNS provider", true },
    { "myftp.biz", "dynamic DNS provider", true },
    { "myftp.org", "dynamic DNS provider", true },
    { "ngrok-free.app", "tunnel service", true },
    { "ngrok.app", "tunnel service", true },
    { "ngrok.io", "tunnel service", true },
    { "no-ip.biz", "dynamic DNS provider", true },
    { "no-ip.com", "dynamic DNS provider", true },
    { "no-ip.info", "dynamic DNS provider", true },
    { "no-ip.org", "dynamic DNS provider", true },
    { "r2.dev", "cloud provider namespace", false },
    { "redirectme.net", "dynamic DNS provider", true },
    { "serveftp.com", "dynamic DNS provider", true },
    { "servegame.com", "dynamic DNS provider", true },
    { "servehttp.com", "dynamic DNS provider", true },
    { "serveo.net", "tunnel service", true },
    { "sytes.net", "dynamic DNS provider", true },
    { "tk", "free TLD", true },
    { "trycloudflare.com", "tunnel service", true },
    { "windows.net", "cloud provider namespace", false },
    { "zapto.org", "dynamic DNS provider", true },
};

static int compare_suffix(const void *key, const void *elem)
{
    const struct vg_str *k = key;
    const char *s = ((const struct vg_dns_namespace *)elem)->suffix;
    size_t n = strlen(s);
    int c = memcmp(k->ptr, s, k->len < n ? k->len : n);
    return c ? c : k->len < n ? -1 : k->len > n;
}

/* A '.' ends a label unless an odd number of backslashes escapes it ("a\.b" is one label). */
static bool is_boundary(struct vg_str name, size_t i)
{
    size_t slashes = 0;
    while (i > slashes && name.ptr[i - 1 - slashes] == '\\')
        slashes++;
    return slashes % 2 == 0;
}

const struct vg_dns_namespace *vg_dns_reputation_namespace(struct vg_str name)
{
    size_t i = name.len;
    /* the suffixes have at most two labels: try the last one and the last two */
    for (unsigned labels = 0; labels < 2 && i > 0;) {
        i--;
        if (name.ptr[i] != '.' || !is_boundary(name, i))
            continue;
        labels++;
        struct vg_str tail = { name.ptr + i + 1, name.len - i - 1 };
        const struct vg_dns_namespace *ns = bsearch(&tail, namespaces, VG_ARRAY_LEN(namespaces),
                                                    sizeof(namespaces[0]), compare_suffix);
        if (!ns)
            continue;
        /* the provider's own site is not a name someone created under it */
        struct vg_str head = { name.ptr, i };
        return ns->abused && vg_str_eq_lit(head, "www") ? NULL : ns;
    }
    return NULL;
}

/* ---- features ---- */

static int clip(size_t len, size_t max)
{
    return (int)(len > max ? max : len);
}

static struct feature *add(struct score *s, const char *name, int64_t points, enum link link)
{
    if (points <= 0 || s->count == MAX_FEATURES)
        return NULL;
    struct feature *f = &s->f[s->count++];
    *f = (struct feature){ name, (int)points, link, "" };
    s->total += (int)points;
    return f;
}

/* A hit's link.  An uncategorised entry of a threat list is a bad name or address (malicious);
 * of a low-confidence list it is only a suspicion. */
static enum link link_of(const struct vg_intel_hit *h)
{
    switch (h->category) {
    case VG_INTEL_CAT_CRYPTOCURRENCY: return LINK_BITCOIN;
    case VG_INTEL_CAT_ABUSED: return LINK_ABUSED;
    case VG_INTEL_CAT_SUSPICIOUS: return LINK_NONE;
    case VG_INTEL_CAT_OTHER: return vg_intel_hit_low_confidence(h) ? LINK_NONE : LINK_MALICIOUS;
    default: return LINK_MALICIOUS;
    }
}

/* Hits of a kind that says nothing about a name: a Tor node's or a scanner's address. */
static bool says_nothing(const struct vg_intel_hit *h)
{
    return h->list->feed == VG_INTEL_FEED_TOR || h->category == VG_INTEL_CAT_TOR ||
           h->category == VG_INTEL_CAT_SCANNER;
}

/* The hit with the strongest link, or NULL when none counts. */
static const struct vg_intel_hit *strongest(const struct vg_intel_match *m, bool low_confidence)
{
    const struct vg_intel_hit *best = NULL;
    for (unsigned i = 0; i < m->count; i++) {
        const struct vg_intel_hit *h = &m->hits[i];
        if (says_nothing(h) || vg_intel_hit_low_confidence(h) != low_confidence)
            continue;
        if (!best || link_of(h) > link_of(best))
            best = h;
    }
    return best;
}

static void add_ref(struct score *s, const struct vg_intel_hit *h)
{
    if (s->ref_count < VG_ARRAY_LEN(s->refs))
        s->refs[s->ref_count++] =
            (struct vg_finding_threat_ref){ vg_str_from(h->list->name), h->threat_name,
                                            vg_str_from(h->list->sha256) };
}

static void describe_hit(struct feature *f, const char *what, struct vg_str name,
                         const struct vg_intel_hit *h)
{
    if (f)
        snprintf(f->detail, sizeof(f->detail), "%s%.*s on %s as %s%s%.*s%s", what,
                 clip(name.len, 80), name.ptr, h->list->name, vg_intel_category_name(h->category),
                 h->threat_name.len ? " ('" : "", clip(h->threat_name.len, 60), h->threat_name.ptr,
                 h->threat_name.len ? "')" : "");
}

/* The parent (one label up) and the zone, nearest first, when they differ from the name: the
 * first one listed on a list that would fire is list proximity.  A trusted one makes the name
 * trusted: false. */
static bool proximity(const struct vg_detect_env *env, struct vg_str name, struct vg_str zone,
                      struct score *s)
{
    struct vg_str parents[2];
    unsigned n = 0;
    for (size_t i = 0; i < name.len; i++)
        if (name.ptr[i] == '.' && is_boundary(name, i)) {
            struct vg_str p = { name.ptr + i + 1, name.len - i - 1 };
            if (p.len >= zone.len)
                parents[n++] = p;
            break;
        }
    if (zone.len < name.len && (n == 0 || parents[0].len != zone.len))
        parents[n++] = zone;
    const struct vg_intel_hit *found = NULL;
    struct vg_intel_match m;
    struct vg_str where = VG_STR_NULL;
    for (unsigned i = 0; i < n && !found; i++) {
        vg_intel_match_domain(env->intel, parents[i], &m);
        if (m.trusted)
            return false;
        found = strongest(&m, false);
        where = parents[i];
    }
    if (found) {
        struct feature *f =
            add(s, "listProximity", env->dns->reputation_points_proximity, link_of(found));
        describe_hit(f, "not listed itself, but its parent ", where, found);
        add_ref(s, found);
    }
    return true;
}

/* The name's own list entries: false when a list reports it already or trusts it. */
static bool list_features(const struct vg_detect_env *env, struct vg_str name, struct vg_str zone,
                          struct score *s)
{
    struct vg_intel_match m;
    if (!vg_intel_match_domain(env->intel, name, &m) && !m.trusted)
        return proximity(env, name, zone, s);
    if (m.trusted)
        return false;
    for (unsigned i = 0; i < m.count; i++)
        if (vg_dns_intel_route(&m.hits[i]) != VG_FT_COUNT)
            return false; /* dns_intel.c reports it */
    const struct vg_intel_hit *h = strongest(&m, true);
    if (h) {
        struct feature *f = add(s, "reputationList", env->dns->reputation_points_list, link_of(h));
        describe_hit(f, "", name, h);
        add_ref(s, h);
    }
    return true;
}

/* The listed answer with the strongest link (a sinkhole first); the walk stops at MAX_ANSWERS. */
static void answer_feature(const struct vg_detect_env *env, const struct vg_event *ev,
                           struct score *s)
{
    struct vg_intel_hit best = { 0 };
    struct vg_ip best_ip = { 0 };
    struct vg_intel_match m;
    for (uint32_t n = 0; n < MAX_ANSWERS && n < ev->dns.answer_count; n++) {
        const struct vg_dns_answer a = ev->dns.answers[n];
        if (!a.ip.family || !vg_intel_match_ip(env->intel, &a.ip, &m) || m.trusted)
            continue;
        const struct vg_intel_hit *h = strongest(&m, false);
        if (!h)
            h = strongest(&m, true);
        if (!h || (best.list && best.category == VG_INTEL_CAT_BLACKHOLE) ||
            (best.list && h->category != VG_INTEL_CAT_BLACKHOLE && link_of(h) <= link_of(&best)))
            continue;
        best = *h; /* a copy: m is reused by the next answer */
        best_ip = a.ip;
    }
    if (!best.list)
        return;
    bool sinkhole = best.category == VG_INTEL_CAT_BLACKHOLE;
    struct feature *f =
        add(s, sinkhole ? "sinkholeAnswer" : "listedAnswer",
            sinkhole ? env->dns->reputation_points_sinkhole : env->dns->reputation_points_answer,
            link_of(&best));
    if (f) {
        char ip[64];
        snprintf(f->detail, sizeof(f->detail), "resolves to %s, on %s as %s",
                 vg_ip_format(&best_ip, ip, sizeof(ip)), best.list->name,
                 vg_intel_category_name(best.category));
    }
    add_ref(s, &best);
}

static uint64_t account_hash(struct vg_str account)
{
    return vg_hash64(account.ptr, account.len, 0x7265707574ull);
}

/* Record the zone and say whether it is newly observed (after the account's learning). */
static bool newly_observed(struct state *st, const struct vg_event *ev, struct vg_str zone,
                           int64_t *first_out)
{
    const struct vg_dns_thresholds *t = st->env->dns;
    struct account_key ak = { account_hash(ev->account_id) };
    bool created;
    int64_t *since = vg_keyed_get(st->accounts, &ak, &created);
    if (created || ev->time_ms < *since)
        *since = ev->time_ms;
    int64_t learned = *since + t->reputation_learning;
    struct zone_key zk = { ak.account, vg_hash64(zone.ptr, zone.len, 0x7a6f6e65ull) };
    int64_t *first = vg_keyed_get(st->zones, &zk, &created);
    if (created || ev->time_ms < *first)
        *first = ev->time_ms;
    *first_out = *first;
    return *first >= learned && ev->time_ms - *first < t->reputation_new_window;
}

static void dga_feature(const struct vg_detect_env *env, struct vg_str zone, struct score *s)
{
    const char *dot = memchr(zone.ptr, '.', zone.len);
    size_t len = dot ? (size_t)(dot - zone.ptr) : zone.len;
    double score = vg_dga_score(zone.ptr, len);
    if (score < VG_DGA_THRESHOLD)
        return;
    /* from 0 points at the threshold to the full weight at 1.0: a label that barely passes
     * (many product names do) adds next to nothing */
    double scaled = (score - VG_DGA_THRESHOLD) / (1.0 - VG_DGA_THRESHOLD);
    struct feature *f = add(
        s, "dgaLike", (int64_t)(scaled * (double)env->dns->reputation_points_dga + 0.5), LINK_NONE);
    if (f)
        snprintf(f->detail, sizeof(f->detail),
                 "the zone's label '%.*s' looks machine-generated (DGA score %.2f)", clip(len, 63),
                 zone.ptr, score);
}

/* ---- the finding ---- */

static enum vg_finding_type type_of(const struct score *s)
{
    enum link strongest_link = LINK_NONE;
    for (unsigned i = 0; i < s->count; i++)
        if (s->f[i].link > strongest_link)
            strongest_link = s->f[i].link;
    switch (strongest_link) {
    case LINK_BITCOIN: return VG_FT_IMPACT_EC2_BITCOINDOMAINREQUEST_REPUTATION;
    case LINK_MALICIOUS: return VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_REPUTATION;
    case LINK_ABUSED: return VG_FT_IMPACT_EC2_ABUSEDDOMAINREQUEST_REPUTATION;
    default: return VG_FT_IMPACT_EC2_SUSPICIOUSDOMAINREQUEST_REPUTATION;
    }
}

static void emit_finding(struct state *st, const struct vg_event *ev, const struct score *s,
                         const struct vg_emit *emit)
{
    int threshold = (int)st->env->dns->reputation_threshold;
    int total = s->total > 100 ? 100 : s->total;
    char detail[1024];
    size_t used =
        (size_t)snprintf(detail, sizeof(detail),
                         "Its reputation score is %d of 100 (threshold %d):", total, threshold);
    struct vg_buf *b = &st->additional;
    vg_buf_reset(b);
    vg_buf_printf(b, "\"reputation\":{\"score\":%d,\"threshold\":%d,\"features\":[", total,
                  threshold);
    for (unsigned i = 0; i < s->count; i++) {
        const struct feature *f = &s->f[i];
        vg_buf_printf(b, "%s{\"name\":\"%s\",\"points\":%d,\"detail\":", i ? "," : "", f->name,
                      f->points);
        vg_buf_add_json_str(b, vg_str_from(f->detail));
        vg_buf_addc(b, '}');
        if (used < sizeof(detail))
            used += (size_t)snprintf(detail + used, sizeof(detail) - used, "%s %s (+%d)",
                                     i ? ";" : "", f->detail, f->points);
    }
    vg_buf_adds(b, "]}");
    if (used < sizeof(detail))
        snprintf(detail + used, sizeof(detail) - used, ".");
    struct vg_finding_dns dns = vg_dns_action(ev);
    struct vg_finding_draft d = vg_dns_draft(type_of(s), ev, &dns);
    d.threats = s->refs;
    d.threat_count = s->ref_count;
    d.detail = vg_str_from(detail);
    d.additional = (struct vg_str){ b->data, b->len };
    vg_emit_finding(emit, &d);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct state *st = state;
    const struct vg_detect_env *env = st->env;
    struct vg_str name = ev->dns.query.text, zone;
    if (!name.len || vg_psl_registrable(name, &zone) != VG_PSL_REGISTRABLE)
        return; /* no owner to judge: IPs, single labels, internal, reverse, public suffixes */
    struct score s = { 0 };
    int64_t first_ms;
    bool fresh = newly_observed(st, ev, zone, &first_ms);
    if (env->intel && !list_features(env, name, zone, &s))
        return;
    const struct vg_dns_namespace *ns = vg_dns_reputation_namespace(name);
    if (ns && ns->abused) {
        struct feature *f =
            add(&s, "abusedNamespace", env->dns->reputation_points_abused, LINK_ABUSED);
        if (f)
            snprintf(f->detail, sizeof(f->detail), "under %s, a %s", ns->suffix, ns->kind);
    }
    if (fresh) {
        struct feature *f = add(&s, "newlyObserved", env->dns->reputation_points_new, LINK_NONE);
        if (f) {
            char when[32];
            vg_time_format_iso(first_ms, when, sizeof(when));
            snprintf(f->detail, sizeof(f->detail),
                     "the zone %.*s was first queried in the account at %s, after learning",
                     clip(zone.len, 80), zone.ptr, when);
        }
    }
    if (env->intel)
        answer_feature(env, ev, &s);
    if (!ns || ns->abused)
        dga_feature(env, zone, &s);
    if (s.total >= env->dns->reputation_threshold)
        emit_finding(st, ev, &s, emit);
}

static void state_free(void *state)
{
    struct state *st = state;
    if (!st)
        return;
    vg_keyed_free(st->accounts);
    vg_keyed_free(st->zones);
    vg_buf_release(&st->additional);
    free(st);
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    int rc = VG_ENOMEM;
    size_t budget = (size_t)env->dns->state_memory;
    struct state *st = calloc(1, sizeof(*st));
    if (!st)
        goto out;
    st->env = env;
    vg_buf_init(&st->additional, 16384); /* 7 features of 200 bytes, escaped */
    st->accounts = vg_keyed_new(sizeof(struct account_key), sizeof(int64_t), budget / 1024);
    st->zones = vg_keyed_new(sizeof(struct zone_key), sizeof(int64_t), budget / 8);
    if (!st->accounts || !st->zones)
        goto out;
    *out = st;
    st = NULL;
    rc = VG_OK;
out:
    state_free(st);
    return rc;
}

static uint64_t state_evictions(const void *state)
{
    const struct state *st = state;
    return vg_keyed_evictions(st->accounts) + vg_keyed_evictions(st->zones);
}

static const enum vg_finding_type types[] = {
    VG_FT_IMPACT_EC2_ABUSEDDOMAINREQUEST_REPUTATION,
    VG_FT_IMPACT_EC2_BITCOINDOMAINREQUEST_REPUTATION,
    VG_FT_IMPACT_EC2_MALICIOUSDOMAINREQUEST_REPUTATION,
    VG_FT_IMPACT_EC2_SUSPICIOUSDOMAINREQUEST_REPUTATION,
};

const struct vg_detector vg_detector_dns_reputation = {
    .name = "dns-reputation",
    .sources = VG_SOURCE_DNS,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = state_free,
    .state_evictions = state_evictions,
    .on_event = on_event,
};
