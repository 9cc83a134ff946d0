/* Behaviour profiles; see baseline.h for what is learned and how it is bounded. */
#include "detect/baseline.h"

#include "core/hash.h"
#include "core/keyed.h"
#include "detect/ct_util.h"
#include "enrich/ipinfo.h"

/* Entries per feature, in this order in vg_profile.items: a CI job or a service role calls a
 * dozen APIs; a person's day-to-day work a few dozen.  Networks, agents, countries and regions
 * are few for anyone with a habit. */
static const uint8_t CAP[VG_FEAT_COUNT] = { 24, 5, 4, 2, 2, 3 };
static const uint8_t START[VG_FEAT_COUNT] = { 0, 24, 29, 33, 35, 37 };
_Static_assert(24 + 5 + 4 + 2 + 2 + 3 == VG_PROFILE_ITEMS, "per-feature runs fill the profile");
_Static_assert(sizeof(struct vg_profile) <= 512, "a profile fits a keyed.h value");

#define FREQUENT_WEIGHT 4.0f
#define INFREQUENT_WEIGHT 1.5f
#define FADED_WEIGHT 0.1f
/* a replaced entry this heavy was still in use: the feature outgrew its cap */
#define LIVE_WEIGHT 0.5f
#define MS_PER_DAY 86400000
#define USUAL_PER_CLASS 20 /* GuardDuty shows up to 20 usual items */

struct key {
    uint64_t h[2];
};

struct name {
    char text[VG_FEAT_TEXT];
};

struct vg_baseline {
    struct vg_keyed *principals;
    struct vg_keyed *accounts;
    struct vg_keyed *names; /* feature id -> text */
    float half_life_days;
};

struct vg_baseline *vg_baseline_new(size_t budget, int64_t half_life_ms)
{
    struct vg_baseline *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    /* principals take most; accounts are few; names are shared by everyone (a few thousand
     * distinct APIs, networks and agents) */
    b->principals = vg_keyed_new(sizeof(struct key), sizeof(struct vg_profile), budget / 8 * 6);
    b->accounts = vg_keyed_new(sizeof(struct key), sizeof(struct vg_profile), budget / 16);
    b->names = vg_keyed_new(sizeof(uint32_t), sizeof(struct name), budget / 8);
    b->half_life_days = (float)half_life_ms / MS_PER_DAY;
    if (b->half_life_days <= 0)
        b->half_life_days = 1;
    if (!b->principals || !b->accounts || !b->names) {
        vg_baseline_free(b);
        return NULL;
    }
    return b;
}

void vg_baseline_free(struct vg_baseline *b)
{
    if (!b)
        return;
    vg_keyed_free(b->principals);
    vg_keyed_free(b->accounts);
    vg_keyed_free(b->names);
    free(b);
}

uint64_t vg_baseline_evictions(const struct vg_baseline *b)
{
    return vg_keyed_evictions(b->principals) + vg_keyed_evictions(b->accounts) +
           vg_keyed_evictions(b->names);
}

size_t vg_baseline_memory(const struct vg_baseline *b)
{
    return vg_keyed_memory(b->principals) + vg_keyed_memory(b->accounts) +
           vg_keyed_memory(b->names);
}

int vg_baseline_save(const struct vg_baseline *b, struct vg_buf *out)
{
    int rc = vg_keyed_save(b->principals, out);
    if (rc == VG_OK)
        rc = vg_keyed_save(b->accounts, out);
    return rc == VG_OK ? vg_keyed_save(b->names, out) : rc;
}

/* A state file is input: a profile from it must not index past its runs or carry weights
 * that are not numbers, whatever bytes it holds. */
static void profile_sanitize(void *ctx, const void *key, void *value)
{
    (void)ctx, (void)key;
    struct vg_profile *p = value;
    for (int f = 0; f < VG_FEAT_COUNT; f++)
        if (p->count[f] > CAP[f])
            p->count[f] = CAP[f];
    for (unsigned i = 0; i < VG_PROFILE_ITEMS; i++)
        if (!(p->items[i].weight >= 0 && p->items[i].weight < 1e6f))
            p->items[i].weight = 0;
    if (!(p->calls >= 0 && p->calls < 1e12f && p->errors >= 0 && p->errors <= p->calls))
        p->calls = p->errors = 0;
}

static void name_sanitize(void *ctx, const void *key, void *value)
{
    (void)ctx, (void)key;
    ((struct name *)value)->text[VG_FEAT_TEXT - 1] = '\0';
}

int vg_baseline_load(struct vg_baseline *b, const char **data, size_t *len)
{
    int rc = vg_keyed_load(b->principals, data, len);
    if (rc == VG_OK)
        rc = vg_keyed_load(b->accounts, data, len);
    if (rc == VG_OK)
        rc = vg_keyed_load(b->names, data, len);
    vg_keyed_each(b->principals, profile_sanitize, NULL);
    vg_keyed_each(b->accounts, profile_sanitize, NULL);
    vg_keyed_each(b->names, name_sanitize, NULL);
    return rc;
}

bool vg_baseline_principal_key(const struct vg_event *ev, struct vg_str *out)
{
    const struct vg_identity *who = &ev->ct.identity;
    switch (who->type) {
    case VG_ID_ROOT: *out = VG_STR("root"); return true;
    case VG_ID_ASSUMED_ROLE:
        if (who->issuer_arn.len) {
            *out = who->issuer_arn;
            return true;
        }
        /* no session issuer: the role part of arn:...:assumed-role/ROLE/SESSION */
        *out = who->arn;
        while (out->len && out->ptr[out->len - 1] != '/')
            out->len--;
        return out->len > 0;
    case VG_ID_IAM_USER:
    case VG_ID_FEDERATED_USER:
    case VG_ID_IDENTITY_CENTER_USER:
    case VG_ID_SAML_USER:
    case VG_ID_WEB_IDENTITY_USER:
        *out = who->arn.len ? who->arn : who->principal_id;
        return out->len > 0;
    default: return false;
    }
}

static void set_text(struct vg_obs *o, enum vg_feature f, struct vg_str s)
{
    size_t n = s.len < VG_FEAT_TEXT - 1 ? s.len : VG_FEAT_TEXT - 1;
    if (n) /* an absent field is a NULL slice */
        memcpy(o->text[f], s.ptr, n);
    o->text[f][n] = '\0';
    o->has[f] = n > 0;
    o->id[f] = (uint32_t)vg_hash64(o->text[f], n, f);
}

/* The family of a user agent: its first product token ("aws-cli/2.15 ..." -> "aws-cli",
 * "[Boto3/1.34 ...]" -> "Boto3"), so version bumps are not new agents. */
static struct vg_str agent_family(struct vg_str ua)
{
    while (ua.len && (ua.ptr[0] == '[' || ua.ptr[0] == ' '))
        ua.ptr++, ua.len--;
    size_t n = 0;
    while (n < ua.len && ua.ptr[n] != '/' && ua.ptr[n] != ' ' && ua.ptr[n] != '(' &&
           ua.ptr[n] != ']')
        n++;
    return n ? (struct vg_str){ ua.ptr, n < 32 ? n : 32 } : VG_STR("(none)");
}

static void network_text(const struct vg_ip *ip, const struct vg_ipinfo_result *r, char *out,
                         size_t cap)
{
    if (r && r->asn) {
        snprintf(out, cap, "AS%" PRIu32, r->asn);
        return;
    }
    if (ip->family == 4) {
        snprintf(out, cap, "%u.%u.%u.0/24", ip->addr[0], ip->addr[1], ip->addr[2]);
        return;
    }
    snprintf(out, cap, "%x:%x:%x::/48", ip->addr[0] << 8 | ip->addr[1],
             ip->addr[2] << 8 | ip->addr[3], ip->addr[4] << 8 | ip->addr[5]);
}

void vg_baseline_observe(const struct vg_event *ev, const struct vg_ipinfo *ipinfo,
                         struct vg_obs *o)
{
    const struct vg_cloudtrail *ct = &ev->ct;
    memset(o->has, 0, sizeof(o->has));
    o->day = (uint16_t)(ev->time_ms / MS_PER_DAY);
    o->failed = !vg_ct_succeeded(ev);
    char api[VG_FEAT_TEXT];
    const char *dot =
        memchr(ct->event_source.ptr ? ct->event_source.ptr : "", '.', ct->event_source.len);
    size_t svc = dot ? (size_t)(dot - ct->event_source.ptr) : ct->event_source.len;
    int n = snprintf(api, sizeof(api), "%.*s:%.*s", (int)(svc > 24 ? 24 : svc),
                     ct->event_source.ptr ? ct->event_source.ptr : "",
                     (int)(ct->event_name.len > 38 ? 38 : ct->event_name.len),
                     ct->event_name.ptr ? ct->event_name.ptr : "");
    set_text(o, VG_FEAT_API, (struct vg_str){ api, (size_t)n });
    set_text(o, VG_FEAT_AGENT, agent_family(ct->user_agent));
    set_text(o, VG_FEAT_REGION, ev->region);
    if (vg_str_eq_lit(ct->event_source, "s3.amazonaws.com"))
        set_text(o, VG_FEAT_BUCKET, vg_ct_bucket(ev));
    if (ct->source_ip.family) {
        struct vg_ipinfo_result r;
        bool known = ipinfo && vg_ipinfo_lookup(ipinfo, &ct->source_ip, &r);
        char net[VG_FEAT_TEXT];
        network_text(&ct->source_ip, known ? &r : NULL, net, sizeof(net));
        set_text(o, VG_FEAT_NETWORK, vg_str_from(net));
        if (known && r.country[0])
            set_text(o, VG_FEAT_COUNTRY, vg_str_from(r.country));
    }
}

void vg_baseline_key(struct vg_str account, struct vg_str a, struct vg_str b, uint64_t out[2])
{
    uint64_t seed = vg_hash64(account.ptr, account.len, 0x5eed);
    seed = vg_hash64(a.ptr, a.len, seed);
    out[0] = vg_hash64(b.ptr, b.len, seed);
    out[1] = vg_hash64(b.ptr, b.len, ~seed);
}

static void profile_created(struct vg_profile *p, const struct vg_event *ev, bool created)
{
    if (created)
        p->first_ms = ev->time_ms;
}

struct vg_profile *vg_baseline_principal(struct vg_baseline *b, const struct vg_event *ev,
                                         struct vg_str who, bool *created)
{
    struct key k;
    vg_baseline_key(ev->account_id, who, VG_STR_NULL, k.h);
    struct vg_profile *p = vg_keyed_get(b->principals, &k, created);
    profile_created(p, ev, *created);
    return p;
}

struct vg_profile *vg_baseline_account(struct vg_baseline *b, const struct vg_event *ev,
                                       bool *created)
{
    struct key k;
    vg_baseline_key(ev->account_id, VG_STR_NULL, VG_STR_NULL, k.h);
    struct vg_profile *p = vg_keyed_get(b->accounts, &k, created);
    profile_created(p, ev, *created);
    return p;
}

static float decayed(const struct vg_baseline *b, const struct vg_profile_item *it, uint16_t day)
{
    float age = day > it->last_day ? (float)(day - it->last_day) : 0.0f;
    return it->weight * exp2f(-age / b->half_life_days);
}

static const struct vg_profile_item *find(const struct vg_profile *p, enum vg_feature f,
                                          uint32_t id)
{
    for (unsigned i = 0; i < p->count[f]; i++)
        if (p->items[START[f] + i].id == id)
            return &p->items[START[f] + i];
    return NULL;
}

static enum vg_freq classify(float w)
{
    return w >= FREQUENT_WEIGHT     ? VG_FREQ_FREQUENT
           : w >= INFREQUENT_WEIGHT ? VG_FREQ_INFREQUENT
           : w >= FADED_WEIGHT      ? VG_FREQ_RARE
                                    : VG_FREQ_UNSEEN;
}

enum vg_freq vg_profile_freq(const struct vg_baseline *b, const struct vg_profile *p,
                             const struct vg_obs *obs, enum vg_feature f)
{
    const struct vg_profile_item *it = find(p, f, obs->id[f]);
    return it ? classify(decayed(b, it, obs->day)) : VG_FREQ_UNSEEN;
}

bool vg_profile_new(const struct vg_baseline *b, const struct vg_profile *p,
                    const struct vg_obs *obs, enum vg_feature f)
{
    const struct vg_profile_item *it = find(p, f, obs->id[f]);
    return !it || it->first_day == obs->day || classify(decayed(b, it, obs->day)) == VG_FREQ_UNSEEN;
}

bool vg_profile_saturated(const struct vg_profile *p, enum vg_feature f)
{
    return p->saturated & 1u << f;
}

static void remember_name(struct vg_baseline *b, uint32_t id, const char *text)
{
    bool created;
    struct name *n = vg_keyed_get(b->names, &id, &created);
    if (created)
        snprintf(n->text, sizeof(n->text), "%s", text);
}

static void learn_feature(struct vg_baseline *b, struct vg_profile *p, const struct vg_obs *obs,
                          enum vg_feature f)
{
    struct vg_profile_item *it = (struct vg_profile_item *)find(p, f, obs->id[f]);
    if (it) {
        if (it->last_day != obs->day) {
            it->weight = decayed(b, it, obs->day) + 1;
            it->last_day = obs->day;
        }
        return;
    }
    if (p->count[f] < CAP[f]) {
        it = &p->items[START[f] + p->count[f]++];
    } else { /* the lightest entry gives way */
        it = &p->items[START[f]];
        for (unsigned i = 1; i < CAP[f]; i++)
            if (decayed(b, &p->items[START[f] + i], obs->day) < decayed(b, it, obs->day))
                it = &p->items[START[f] + i];
        if (decayed(b, it, obs->day) >= LIVE_WEIGHT)
            p->saturated |= (uint8_t)(1u << f);
    }
    *it = (struct vg_profile_item){ obs->id[f], obs->day, obs->day, 1.0f };
    remember_name(b, obs->id[f], obs->text[f]);
}

void vg_profile_learn(struct vg_baseline *b, struct vg_profile *p, const struct vg_obs *obs)
{
    if (p->active_days == 0 || p->last_day != obs->day) {
        if (p->active_days && obs->day > p->last_day) {
            float keep = exp2f(-(float)(obs->day - p->last_day) / b->half_life_days);
            p->calls *= keep;
            p->errors *= keep;
        }
        p->active_days++;
        p->last_day = obs->day;
    }
    p->calls += 1;
    p->errors += obs->failed;
    for (int f = 0; f < VG_FEAT_COUNT; f++)
        if (obs->has[f])
            learn_feature(b, p, obs, (enum vg_feature)f);
}

float vg_profile_error_rate(const struct vg_profile *p)
{
    return p->calls > 0 ? p->errors / p->calls : 0;
}

const char *vg_baseline_name(struct vg_baseline *b, uint32_t id)
{
    const struct name *n = vg_keyed_find(b->names, &id);
    return n ? n->text : NULL;
}

const char *vg_feature_name(enum vg_feature f)
{
    static const char *const names[VG_FEAT_COUNT] = { "api",     "network", "userAgent",
                                                      "country", "region",  "bucket" };
    return names[f];
}

const char *vg_freq_name(enum vg_freq q)
{
    static const char *const names[] = { "UNSEEN", "RARE", "INFREQUENT", "FREQUENT" };
    return names[q];
}

static bool skipped(uint32_t id, const uint32_t *skip, unsigned nskip)
{
    for (unsigned i = 0; i < nskip; i++)
        if (skip[i] == id)
            return true;
    return false;
}

/* The entries of feature f not in skip[], heaviest first, into order[] (returns how many are
 * not faded). */
static unsigned sorted_items(const struct vg_baseline *b, const struct vg_profile *p,
                             enum vg_feature f, uint16_t day, const uint32_t *skip, unsigned nskip,
                             const struct vg_profile_item **order)
{
    unsigned n = 0;
    for (unsigned i = 0; i < p->count[f]; i++) {
        const struct vg_profile_item *it = &p->items[START[f] + i];
        if (classify(decayed(b, it, day)) == VG_FREQ_UNSEEN || skipped(it->id, skip, nskip))
            continue;
        unsigned k = n++;
        for (; k > 0 && decayed(b, order[k - 1], day) < decayed(b, it, day); k--)
            order[k] = order[k - 1];
        order[k] = it;
    }
    return n;
}

int vg_baseline_usual_json(struct vg_baseline *b, const struct vg_profile *p, uint16_t day,
                           const uint32_t *skip, unsigned nskip, struct vg_buf *out)
{
    int rc = VG_OK;
    bool first_feature = true;
    for (int f = 0; f < VG_FEAT_COUNT; f++) {
        const struct vg_profile_item *order[VG_PROFILE_ITEMS];
        unsigned n = sorted_items(b, p, (enum vg_feature)f, day, skip, nskip, order);
        if (n == 0)
            continue;
        rc |= vg_buf_printf(out, "%s\"%s\":[", first_feature ? "" : ",",
                            vg_feature_name((enum vg_feature)f));
        first_feature = false;
        bool first_class = true;
        for (int q = VG_FREQ_FREQUENT; q >= VG_FREQ_RARE; q--) {
            unsigned listed = 0;
            for (unsigned i = 0; i < n; i++) {
                const char *text = vg_baseline_name(b, order[i]->id);
                if ((int)classify(decayed(b, order[i], day)) != q || !text ||
                    listed == USUAL_PER_CLASS)
                    continue;
                if (listed++ == 0)
                    rc |= vg_buf_printf(out,
                                        "%s{\"profileType\":\"FREQUENCY\",\"profileSubtype\":"
                                        "\"%s\",\"observations\":{\"text\":[",
                                        first_class ? "" : ",", vg_freq_name((enum vg_freq)q));
                else
                    rc |= vg_buf_addc(out, ',');
                first_class = false;
                rc |= vg_buf_add_json_str(out, vg_str_from(text));
            }
            if (listed)
                rc |= vg_buf_adds(out, "]}}");
        }
        rc |= vg_buf_adds(out, "]");
    }
    return rc ? VG_ENOMEM : VG_OK;
}

int vg_baseline_usual_text(struct vg_baseline *b, const struct vg_profile *p, enum vg_feature f,
                           uint16_t day, const uint32_t *skip, unsigned nskip, unsigned n,
                           struct vg_buf *out)
{
    const struct vg_profile_item *order[VG_PROFILE_ITEMS];
    unsigned have = sorted_items(b, p, f, day, skip, nskip, order);
    int rc = VG_OK;
    unsigned listed = 0;
    for (unsigned i = 0; i < have && listed < n; i++) {
        const char *text = vg_baseline_name(b, order[i]->id);
        if (!text)
            continue;
        rc |= vg_buf_adds(out, listed++ ? ", " : "");
        rc |= vg_buf_add_printable(out, vg_str_from(text));
    }
    if (listed == 0)
        rc |= vg_buf_adds(out, "nothing yet");
    return rc ? VG_ENOMEM : VG_OK;
}
