/*
 * Anomalous API use per principal, against its profile (baseline.h):
 *   <Tactic>:IAMUser/AnomalousBehavior   a management call (8 tactics, api_tactics.h)
 *   Discovery:S3/AnomalousBehavior, Exfiltration:S3/AnomalousBehavior,
 *   Impact:S3/AnomalousBehavior.{Delete,Permission,Write}   an S3 data event
 *
 * A call is anomalous when, after the principal's learning period (iam.baseline.learning of
 * event time since its first call, and activity on iam.baseline.learning_days days):
 *   - its API has a tactic (routine and unmapped APIs never fire),
 *   - the API is unseen for the principal (for S3 data events: the API or the bucket), and
 *   - it comes from somewhere unusual: a network, user-agent family or country the principal
 *     has not used (two of them for a principal whose API set outgrew its profile).
 * So a principal's routine calls, a new API from its usual place and client (gradual drift: a
 * new deployment step, a new team task), a new network for its usual APIs (a new office, a
 * CI runner pool), and every session of a role calling what the role's other sessions already
 * call (colleagues in the same role) stay silent, and everything is learned as it is seen.
 *
 * Bundling: once a finding opens, further unseen calls by the same principal within
 * iam.anomaly.window of the previous one join it (whatever their tactic): the first call is
 * the primary API and sets the type; additionalInfo lists the anomalous APIs, successful and
 * failed.  Severity is the primary call's tactic's (GuardDuty's per type), two less when none
 * of the bundled calls succeeded.  service.detection.anomaly says what was unusual and what is
 * usual.
 *
 * State: the profiles (baseline.c) and one small bundle entry per principal with an open
 * finding; both saved by `vigil scan --state`.
 */
#include "detect/baseline_anomaly.h"

#include "core/keyed.h"
#include "core/time.h"
#include "detect/api_tactics.h"
#include "detect/baseline.h"
#include "detect/ct_util.h"

#define BUNDLE_APIS 8
#define MS_PER_DAY 86400000

/* An open finding: the primary call's unusual features, and the unseen APIs that joined it. */
struct bundle {
    int64_t start_ms, last_ms;
    int64_t history_ms;     /* the principal's history when the primary call came */
    float usual_error_rate; /* ... and the share of its calls that failed until then */
    uint8_t tactic;         /* the primary call's */
    uint8_t apis;           /* in api[]; api[0] is the primary */
    uint8_t succeeded, failed;
    uint8_t unusual, account_unusual; /* feature bits, of the primary call */
    uint8_t api_failed[BUNDLE_APIS];
    uint32_t api[BUNDLE_APIS];
    uint32_t feature[VG_FEAT_COUNT]; /* the primary call's feature ids */
};

struct state {
    const struct vg_detect_env *env;
    struct vg_baseline *profiles;
    struct vg_keyed *bundles;
};

static const enum vg_finding_type TYPES[VG_TACTIC_COUNT] = {
    [VG_TACTIC_DISCOVERY] = VG_FT_DISCOVERY_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_PERSISTENCE] = VG_FT_PERSISTENCE_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_PRIVILEGE_ESCALATION] = VG_FT_PRIVILEGEESCALATION_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_CREDENTIAL_ACCESS] = VG_FT_CREDENTIALACCESS_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_DEFENSE_EVASION] = VG_FT_DEFENSEEVASION_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_EXFILTRATION] = VG_FT_EXFILTRATION_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_IMPACT] = VG_FT_IMPACT_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_INITIAL_ACCESS] = VG_FT_INITIALACCESS_IAMUSER_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_S3_DISCOVERY] = VG_FT_DISCOVERY_S3_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_S3_EXFILTRATION] = VG_FT_EXFILTRATION_S3_ANOMALOUSBEHAVIOR,
    [VG_TACTIC_S3_DELETE] = VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_DELETE,
    [VG_TACTIC_S3_PERMISSION] = VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_PERMISSION,
    [VG_TACTIC_S3_WRITE] = VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_WRITE,
};

/* GuardDuty's severities per tactic (finding-types.tsv). */
static const float SEVERITY[VG_TACTIC_COUNT] = {
    [VG_TACTIC_DISCOVERY] = 2,
    [VG_TACTIC_PERSISTENCE] = 5,
    [VG_TACTIC_PRIVILEGE_ESCALATION] = 5,
    [VG_TACTIC_CREDENTIAL_ACCESS] = 5,
    [VG_TACTIC_DEFENSE_EVASION] = 5,
    [VG_TACTIC_EXFILTRATION] = 8,
    [VG_TACTIC_IMPACT] = 8,
    [VG_TACTIC_INITIAL_ACCESS] = 5,
    [VG_TACTIC_S3_DISCOVERY] = 2,
    [VG_TACTIC_S3_EXFILTRATION] = 8,
    [VG_TACTIC_S3_DELETE] = 8,
    [VG_TACTIC_S3_PERMISSION] = 8,
    [VG_TACTIC_S3_WRITE] = 5,
};

/* The context features whose novelty makes a new API suspicious. */
static const enum vg_feature CONTEXT[] = { VG_FEAT_NETWORK, VG_FEAT_AGENT, VG_FEAT_COUNTRY };

static void state_free(void *state)
{
    struct state *s = state;
    if (!s)
        return;
    vg_baseline_free(s->profiles);
    vg_keyed_free(s->bundles);
    free(s);
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    struct state *s = calloc(1, sizeof(*s));
    if (!s)
        return VG_ENOMEM;
    s->env = env;
    size_t budget = (size_t)env->iam->state_memory;
    /* iam.state_memory: 3/4 here, 1/32 for open findings; cred_exfil.c takes 1/16,
     * console_travel.c 1/64, sequence.c 1/32 */
    s->profiles = vg_baseline_new(budget / 4 * 3, env->iam->half_life);
    s->bundles = vg_keyed_new(16, sizeof(struct bundle), budget / 32);
    if (!s->profiles || !s->bundles) {
        state_free(s);
        return VG_ENOMEM;
    }
    *out = s;
    return VG_OK;
}

static uint64_t state_evictions(const void *state)
{
    const struct state *s = state;
    return vg_baseline_evictions(s->profiles) + vg_keyed_evictions(s->bundles);
}

static int state_save(const void *state, struct vg_buf *out)
{
    const struct state *s = state;
    int rc = vg_baseline_save(s->profiles, out);
    return rc == VG_OK ? vg_keyed_save(s->bundles, out) : rc;
}

/* An open finding from a state file: indexes within their arrays, whatever the bytes. */
static void bundle_sanitize(void *ctx, const void *key, void *value)
{
    (void)ctx, (void)key;
    struct bundle *b = value;
    if (b->apis > BUNDLE_APIS)
        b->apis = BUNDLE_APIS;
    if (!(b->usual_error_rate >= 0 && b->usual_error_rate <= 1))
        b->usual_error_rate = 0;
    if (b->tactic == VG_TACTIC_NONE || b->tactic >= VG_TACTIC_COUNT)
        b->tactic = VG_TACTIC_DISCOVERY;
}

static int state_load(void *state, const char *data, size_t len)
{
    struct state *s = state;
    int rc = vg_baseline_load(s->profiles, &data, &len);
    if (rc == VG_OK)
        rc = vg_keyed_load(s->bundles, &data, &len);
    vg_keyed_each(s->bundles, bundle_sanitize, NULL);
    return rc == VG_OK && len == 0 ? VG_OK : VG_EFORMAT;
}

/* The ids a finding reports as unusual, left out of the "usual" lists of the profile that has
 * already learned them. */
static unsigned bundle_ids(const struct bundle *b, uint32_t *ids)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->apis; i++)
        ids[n++] = b->api[i];
    for (int f = 1; f < VG_FEAT_COUNT; f++)
        if (b->unusual & 1u << f)
            ids[n++] = b->feature[f];
    return n;
}

/* {"<feature>":{"profileType":"FREQUENCY","profileSubtype":"UNSEEN","observations":...}} for
 * each feature in `mask`: every unseen API of the bundle, the primary call's other features */
static int unusual_json(struct state *s, const struct bundle *b, unsigned mask, struct vg_buf *out)
{
    int rc = vg_buf_addc(out, '{');
    bool first = true;
    for (int f = 0; f < VG_FEAT_COUNT; f++) {
        if (!(mask & 1u << f))
            continue;
        rc |= vg_buf_printf(out,
                            "%s\"%s\":{\"profileType\":\"FREQUENCY\",\"profileSubtype\":"
                            "\"UNSEEN\",\"observations\":{\"text\":[",
                            first ? "" : ",", vg_feature_name((enum vg_feature)f));
        const uint32_t *ids = f == VG_FEAT_API ? b->api : &b->feature[f];
        unsigned n = f == VG_FEAT_API ? b->apis : 1;
        for (unsigned i = 0, listed = 0; i < n; i++) {
            const char *text = vg_baseline_name(s->profiles, ids[i]);
            if (!text)
                continue;
            rc |= vg_buf_adds(out, listed++ ? "," : "");
            rc |= vg_buf_add_json_str(out, vg_str_from(text));
        }
        rc |= vg_buf_adds(out, "]}}");
        first = false;
    }
    return rc | vg_buf_addc(out, '}');
}

static int add_name(struct state *s, uint32_t id, struct vg_buf *out)
{
    const char *text = vg_baseline_name(s->profiles, id);
    return vg_buf_add_printable(out, vg_str_from(text ? text : "(forgotten)"));
}

/* Plain words, from the primary call's point of view whichever call is the latest. */
static int describe(struct state *s, const struct vg_event *ev, const struct vg_profile *p,
                    const struct bundle *b, struct vg_buf *out)
{
    uint32_t skip[BUNDLE_APIS + VG_FEAT_COUNT];
    unsigned nskip = bundle_ids(b, skip);
    uint16_t day = (uint16_t)(ev->time_ms / MS_PER_DAY);
    char when[40];
    vg_time_format_iso(b->start_ms, when, sizeof(when));
    int rc = add_name(s, b->api[0], out);
    rc |= vg_buf_printf(out,
                        " (at %.19sZ) was new for this principal after %u days of history "
                        "(it usually calls ",
                        when, (unsigned)(b->history_ms / MS_PER_DAY));
    rc |= vg_baseline_usual_text(s->profiles, p, VG_FEAT_API, day, skip, nskip, 5, out);
    rc |= vg_buf_adds(out, ").");
    for (size_t i = 0; i < VG_ARRAY_LEN(CONTEXT); i++) {
        enum vg_feature f = CONTEXT[i];
        if (!(b->unusual & 1u << f))
            continue;
        rc |= vg_buf_printf(out, " Its %s ",
                            f == VG_FEAT_NETWORK ? "network"
                            : f == VG_FEAT_AGENT ? "user agent"
                                                 : "country");
        rc |= add_name(s, b->feature[f], out);
        rc |= vg_buf_printf(out, " was new for it%s (usually ",
                            b->account_unusual & 1u << f ? " and for the whole account" : "");
        rc |= vg_baseline_usual_text(s->profiles, p, f, day, skip, nskip, 3, out);
        rc |= vg_buf_adds(out, ").");
    }
    if (b->unusual & 1u << VG_FEAT_BUCKET) {
        rc |= vg_buf_adds(out, " The bucket ");
        rc |= add_name(s, b->feature[VG_FEAT_BUCKET], out);
        rc |= vg_buf_adds(out, " was new for it.");
    }
    if (b->apis > 1) {
        rc |= vg_buf_adds(out, " Unseen calls that followed within the window: ");
        for (unsigned i = 1; i < b->apis; i++) {
            rc |= vg_buf_adds(out, i > 1 ? ", " : "");
            rc |= add_name(s, b->api[i], out);
        }
        rc |= vg_buf_addc(out, '.');
    }
    if (b->failed)
        rc |= vg_buf_printf(out, " %s failed, where usually %.0f%% of its calls fail.",
                            b->succeeded ? "Some of these calls" : "Every one of these calls",
                            100.0 * b->usual_error_rate);
    rc |= vg_buf_addc(out, ' ');
    return rc | vg_ct_credential_text(ev, out);
}

static int detection_json(struct state *s, struct vg_str who, const struct vg_profile *p,
                          const struct bundle *b, uint16_t day, struct vg_buf *out)
{
    uint32_t skip[BUNDLE_APIS + VG_FEAT_COUNT];
    unsigned nskip = bundle_ids(b, skip);
    int rc = vg_buf_adds(out, "\"anomaly\":{\"profiles\":{");
    rc |= vg_buf_add_json_str(out, who);
    rc |= vg_buf_adds(out, ":{");
    rc |= vg_baseline_usual_json(s->profiles, p, day, skip, nskip, out);
    rc |= vg_buf_adds(out, "}},\"unusual\":{\"behavior\":{");
    rc |= vg_buf_add_json_str(out, who);
    rc |= vg_buf_addc(out, ':');
    rc |= unusual_json(s, b, b->unusual, out);
    if (b->account_unusual) {
        rc |= vg_buf_adds(out, ",\"account\":");
        rc |= unusual_json(s, b, b->account_unusual, out);
    }
    return rc | vg_buf_adds(out, "}}}");
}

static int additional_json(struct state *s, const struct bundle *b, struct vg_buf *out)
{
    const char *primary = vg_baseline_name(s->profiles, b->api[0]);
    int rc =
        vg_buf_printf(out, "\"usualErrorRate\":%.3f,\"primaryApi\":", (double)b->usual_error_rate);
    rc |= vg_buf_add_json_str(out, vg_str_from(primary ? primary : "unknown"));
    rc |= vg_buf_adds(out, ",\"anomalousApis\":{");
    for (int failed = 0; failed < 2; failed++) {
        rc |= vg_buf_adds(out, failed ? "],\"failed\":[" : "\"successful\":[");
        for (unsigned i = 0, n = 0; i < b->apis; i++) {
            const char *name = vg_baseline_name(s->profiles, b->api[i]);
            if (b->api_failed[i] != failed || !name)
                continue;
            rc |= vg_buf_adds(out, n++ ? "," : "");
            rc |= vg_buf_add_json_str(out, vg_str_from(name));
        }
    }
    return rc | vg_buf_adds(out, "]}");
}

static void emit_anomaly(struct state *s, const struct vg_event *ev, struct vg_str who,
                         const struct vg_profile *p, struct bundle *b, uint32_t api,
                         const struct vg_emit *emit)
{
    bool ok = vg_ct_succeeded(ev);
    bool known = false;
    for (unsigned i = 0; i < b->apis && !known; i++)
        known = b->api[i] == api;
    if (!known && b->apis < BUNDLE_APIS) {
        b->api_failed[b->apis] = !ok;
        b->api[b->apis++] = api;
    }
    b->succeeded += ok && b->succeeded < 255;
    b->failed += !ok && b->failed < 255;

    struct vg_buf detail = VG_BUF_INIT, detection = VG_BUF_INIT, additional = VG_BUF_INIT;
    vg_buf_init(&detection, VG_FINDING_MAX_DETECTION_BYTES);
    int rc = describe(s, ev, p, b, &detail);
    rc |= detection_json(s, who, p, b, (uint16_t)(ev->time_ms / MS_PER_DAY), &detection);
    rc |= additional_json(s, b, &additional);
    if (rc == VG_OK) {
        struct vg_finding_draft d = vg_ct_draft(TYPES[b->tactic], ev); /* the primary's type */
        float sev = SEVERITY[b->tactic];
        d.severity = b->succeeded ? sev : sev > 3 ? sev - 2 : 1;
        d.detail = (struct vg_str){ detail.data, detail.len };
        d.detection = (struct vg_str){ detection.data, detection.len };
        d.additional = (struct vg_str){ additional.data, additional.len };
        if (b->tactic >= VG_TACTIC_S3_DISCOVERY)
            d.bucket = vg_ct_bucket(ev);
        vg_emit_finding(emit, &d);
    }
    vg_buf_release(&detail);
    vg_buf_release(&detection);
    vg_buf_release(&additional);
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct state *s = state;
    const struct vg_iam_thresholds *cfg = s->env->iam;
    struct vg_str who;
    if (vg_ct_by_aws_service(ev) || !vg_baseline_principal_key(ev, &who))
        return;
    struct vg_obs obs;
    vg_baseline_observe(ev, s->env->ipinfo, &obs);
    bool created;
    struct vg_profile *acct = vg_baseline_account(s->profiles, ev, &created);
    struct vg_profile *p = vg_baseline_principal(s->profiles, ev, who, &created);
    bool s3_data = vg_ct_is_s3_data_event(ev);
    struct vg_str svc = ev->ct.event_source;
    const char *dot = svc.len ? memchr(svc.ptr, '.', svc.len) : NULL;
    if (dot)
        svc.len = (size_t)(dot - svc.ptr);
    const struct vg_tactic_row *row = vg_tactic_lookup(svc, ev->ct.event_name, s3_data);
    enum vg_tactic tactic = row ? row->tactic : VG_TACTIC_NONE;
    bool learned =
        ev->time_ms - p->first_ms >= cfg->learning && p->active_days >= cfg->learning_days;

    unsigned unusual = 0, account_unusual = 0;
    for (int f = 0; f < VG_FEAT_COUNT; f++) {
        if (!obs.has[f])
            continue;
        /* the API must be unseen; where it comes from may be new since today */
        bool api = f == VG_FEAT_API || f == VG_FEAT_BUCKET;
        if (api ? vg_profile_freq(s->profiles, p, &obs, (enum vg_feature)f) == VG_FREQ_UNSEEN
                : vg_profile_new(s->profiles, p, &obs, (enum vg_feature)f))
            unusual |= 1u << f;
        if (vg_profile_new(s->profiles, acct, &obs, (enum vg_feature)f))
            account_unusual |= 1u << f;
    }
    account_unusual &= unusual;
    bool novel = unusual & (1u << VG_FEAT_API | (s3_data ? 1u << VG_FEAT_BUCKET : 0));
    uint64_t key[2];
    vg_baseline_key(ev->account_id, who, VG_STR("bundle"), key);
    struct bundle *b = learned && tactic != VG_TACTIC_NONE ? vg_keyed_find(s->bundles, key) : NULL;
    bool open = b && ev->time_ms - b->last_ms <= cfg->bundle_window && ev->time_ms >= b->start_ms;
    /* while a finding is open, calls from the network that opened it belong to it too, even
     * to APIs its profile knows: the same hands (an attacker reading what the role reads) */
    bool related = open && (b->unusual & 1u << VG_FEAT_NETWORK) &&
                   obs.id[VG_FEAT_NETWORK] == b->feature[VG_FEAT_NETWORK];
    if (learned && (novel || related) && tactic != VG_TACTIC_NONE) {
        /* a new value of a feature the principal already has more of than its profile holds
         * (a team role used from every member's home) is no evidence */
        unsigned context = 0;
        for (size_t i = 0; i < VG_ARRAY_LEN(CONTEXT); i++)
            context += (unusual >> CONTEXT[i]) & !vg_profile_saturated(p, CONTEXT[i]);
        unsigned needed = vg_profile_saturated(p, VG_FEAT_API) ? 2 : 1;
        if (open || context >= needed) {
            b = vg_keyed_get(s->bundles, key, &created);
            if (!open || created) {
                *b = (struct bundle){ .start_ms = ev->time_ms,
                                      .history_ms = ev->time_ms - p->first_ms,
                                      .usual_error_rate = vg_profile_error_rate(p),
                                      .tactic = (uint8_t)tactic,
                                      .unusual = (uint8_t)unusual,
                                      .account_unusual = (uint8_t)account_unusual };
                memcpy(b->feature, obs.id, sizeof(b->feature));
            }
            b->last_ms = ev->time_ms;
            /* the profile learns first, so the names the finding quotes exist */
            vg_profile_learn(s->profiles, p, &obs);
            vg_profile_learn(s->profiles, acct, &obs);
            emit_anomaly(s, ev, who, p, b, obs.id[VG_FEAT_API], emit);
            return;
        }
    }
    vg_profile_learn(s->profiles, p, &obs);
    vg_profile_learn(s->profiles, acct, &obs);
}

static const enum vg_finding_type types[] = {
    VG_FT_DISCOVERY_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_PERSISTENCE_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_PRIVILEGEESCALATION_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_CREDENTIALACCESS_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_DEFENSEEVASION_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_EXFILTRATION_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_IMPACT_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_INITIALACCESS_IAMUSER_ANOMALOUSBEHAVIOR,
    VG_FT_DISCOVERY_S3_ANOMALOUSBEHAVIOR,
    VG_FT_EXFILTRATION_S3_ANOMALOUSBEHAVIOR,
    VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_DELETE,
    VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_PERMISSION,
    VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_WRITE,
};

const struct vg_detector vg_detector_baseline_anomaly = {
    .name = "baseline-anomaly",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = state_free,
    .state_evictions = state_evictions,
    .on_event = on_event,
    .state_version = 1,
    .state_save = state_save,
    .state_load = state_load,
};
