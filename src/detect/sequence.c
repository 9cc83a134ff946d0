/*
 * Attack sequences: the findings of one credential, read as one story.
 *   AttackSequence:IAM/CompromisedCredentials  an entry signal (a call from a listed or Tor
 *       address, a penetration-testing client, stolen workload credentials, impossible travel,
 *       an anomalous call) and an action signal (persistence, privilege escalation, defense
 *       evasion, credential access, exfiltration, impact), three kinds of step in all;
 *   AttackSequence:S3/CompromisedData  S3 discovery, then object reads, writes, deletes or
 *       permission changes, three kinds of step in all (e.g. a listed caller or an IAM anomaly
 *       besides).
 * A correlator (detect.h's on_finding): it sees every draft the other detectors emit, keyed by
 * the credential (the access key, else the principal), and keeps the distinct steps seen within
 * iam.sequence.window of the first.  An anomaly finding's bundled calls count by their own
 * API's tactic, so ListAccessKeys -> CreateAccessKey -> AttachUserPolicy within one anomaly
 * finding are three steps.  When a story qualifies, the sequence finding is emitted, and again
 * for each new step: its description and service.detection.sequence list the steps in order,
 * each with its time, type, API and the id of the finding it belongs to.
 */
#include "detect/sequence.h"

#include "core/buf.h"
#include "core/keyed.h"
#include "core/time.h"
#include "detect/api_tactics.h"
#include "detect/baseline.h"
#include "detect/ct_util.h"
#include "detect/flow_util.h"

#define STEPS 5
#define STEP_API 40
#define BUCKET_TEXT 48

enum step_kind {
    S_BAD_IP,
    S_TOOL,
    S_STOLEN,
    S_TRAVEL,
    S_DISCOVERY,
    S_INITIAL,
    S_PERSIST,
    S_PRIVESC,
    S_CRED,
    S_EVASION,
    S_EXFIL,
    S_IMPACT,
    S_S3_DISCOVERY,
    S_S3_READ,
    S_S3_WRITE,
    S_S3_DELETE,
    S_S3_PERMISSION,
    S_COUNT,
};

static const char *const STEP_NAMES[S_COUNT] = {
    [S_BAD_IP] = "a call from a listed or Tor address",
    [S_TOOL] = "a penetration-testing client",
    [S_STOLEN] = "workload credentials used elsewhere",
    [S_TRAVEL] = "console sign-ins from too far apart",
    [S_DISCOVERY] = "unusual discovery",
    [S_INITIAL] = "an unusual new session or token",
    [S_PERSIST] = "persistence",
    [S_PRIVESC] = "privilege escalation",
    [S_CRED] = "credential access",
    [S_EVASION] = "defense evasion",
    [S_EXFIL] = "exfiltration",
    [S_IMPACT] = "impact",
    [S_S3_DISCOVERY] = "S3 object discovery",
    [S_S3_READ] = "S3 object reads",
    [S_S3_WRITE] = "S3 object writes",
    [S_S3_DELETE] = "S3 object deletes",
    [S_S3_PERMISSION] = "S3 permission changes",
};

#define BIT(k) (1u << (k))
#define ENTRY                                                                                      \
    (BIT(S_BAD_IP) | BIT(S_TOOL) | BIT(S_STOLEN) | BIT(S_TRAVEL) | BIT(S_DISCOVERY) |              \
     BIT(S_INITIAL))
#define ACTION                                                                                     \
    (BIT(S_PERSIST) | BIT(S_PRIVESC) | BIT(S_CRED) | BIT(S_EVASION) | BIT(S_EXFIL) | BIT(S_IMPACT))
#define S3_FIND (BIT(S_S3_DISCOVERY) | BIT(S_DISCOVERY))
#define S3_TOUCH (BIT(S_S3_READ) | BIT(S_S3_WRITE) | BIT(S_S3_DELETE) | BIT(S_S3_PERMISSION))
#define MIN_KINDS 3

struct step {
    int64_t time_ms;
    uint16_t type;
    uint8_t kind;
    uint8_t has_id;
    char id[32];
    char api[STEP_API];
};

struct story {
    int64_t first_ms;
    uint32_t mask;
    uint8_t steps;
    uint8_t reserved[3];
    struct step step[STEPS];
    char bucket[BUCKET_TEXT];
};

static const struct vg_flow_table tables[] = { { 16, sizeof(struct story), 32 } };

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new_budget(out, env, (size_t)env->iam->state_memory, tables,
                                    VG_ARRAY_LEN(tables));
}

/* A story from a state file: indexes and strings within bounds, whatever the bytes. */
static void story_sanitize(void *ctx, const void *key, void *value)
{
    (void)ctx, (void)key;
    struct story *st = value;
    if (st->steps > STEPS)
        st->steps = STEPS;
    for (unsigned i = 0; i < STEPS; i++) {
        struct step *p = &st->step[i];
        if (p->kind >= S_COUNT)
            p->kind = S_DISCOVERY;
        if (p->type >= VG_FT_COUNT)
            p->type = 0;
        p->api[STEP_API - 1] = '\0';
    }
    st->mask &= BIT(S_COUNT) - 1;
    st->bucket[BUCKET_TEXT - 1] = '\0';
}

static int state_load(void *state, const char *data, size_t len)
{
    int rc = vg_flow_state_load(state, data, len);
    vg_keyed_each(((struct vg_flow_state *)state)->tables[0], story_sanitize, NULL);
    return rc;
}

static int tactic_step(enum vg_tactic t)
{
    static const int8_t steps[VG_TACTIC_COUNT] = {
        [VG_TACTIC_NONE] = -1,
        [VG_TACTIC_DISCOVERY] = S_DISCOVERY,
        [VG_TACTIC_PERSISTENCE] = S_PERSIST,
        [VG_TACTIC_PRIVILEGE_ESCALATION] = S_PRIVESC,
        [VG_TACTIC_CREDENTIAL_ACCESS] = S_CRED,
        [VG_TACTIC_DEFENSE_EVASION] = S_EVASION,
        [VG_TACTIC_EXFILTRATION] = S_EXFIL,
        [VG_TACTIC_IMPACT] = S_IMPACT,
        [VG_TACTIC_INITIAL_ACCESS] = S_INITIAL,
        [VG_TACTIC_S3_DISCOVERY] = S_S3_DISCOVERY,
        [VG_TACTIC_S3_EXFILTRATION] = S_S3_READ,
        [VG_TACTIC_S3_DELETE] = S_S3_DELETE,
        [VG_TACTIC_S3_PERMISSION] = S_S3_PERMISSION,
        [VG_TACTIC_S3_WRITE] = S_S3_WRITE,
    };
    return steps[t];
}

/* What kind of step a draft is, or -1 for none. */
static int classify(const struct vg_finding_draft *d)
{
    const struct vg_event *ev = d->event;
    switch (d->type) {
    case VG_FT_RECON_IAMUSER_MALICIOUSIPCALLER:
    case VG_FT_RECON_IAMUSER_MALICIOUSIPCALLER_CUSTOM:
    case VG_FT_RECON_IAMUSER_TORIPCALLER:
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_MALICIOUSIPCALLER:
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_MALICIOUSIPCALLER_CUSTOM:
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_TORIPCALLER:
    case VG_FT_DISCOVERY_S3_MALICIOUSIPCALLER:
    case VG_FT_DISCOVERY_S3_MALICIOUSIPCALLER_CUSTOM:
    case VG_FT_DISCOVERY_S3_TORIPCALLER:
    case VG_FT_EXFILTRATION_S3_MALICIOUSIPCALLER:
    case VG_FT_IMPACT_S3_MALICIOUSIPCALLER:
    case VG_FT_UNAUTHORIZEDACCESS_S3_MALICIOUSIPCALLER_CUSTOM:
    case VG_FT_UNAUTHORIZEDACCESS_S3_TORIPCALLER: return S_BAD_IP;
    case VG_FT_PENTEST_IAMUSER_KALILINUX:
    case VG_FT_PENTEST_IAMUSER_PARROTLINUX:
    case VG_FT_PENTEST_IAMUSER_PENTOOLINUX:
    case VG_FT_PENTEST_S3_KALILINUX:
    case VG_FT_PENTEST_S3_PARROTLINUX:
    case VG_FT_PENTEST_S3_PENTOOLINUX: return S_TOOL;
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_INSTANCECREDENTIALEXFILTRATION_OUTSIDEAWS:
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_INSTANCECREDENTIALEXFILTRATION_INSIDEAWS:
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_RESOURCECREDENTIALEXFILTRATION_OUTSIDEAWS:
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_RESOURCECREDENTIALEXFILTRATION_INSIDEAWS: return S_STOLEN;
    case VG_FT_UNAUTHORIZEDACCESS_IAMUSER_CONSOLELOGINSUCCESS_B: return S_TRAVEL;
    case VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED:
    case VG_FT_STEALTH_S3_SERVERACCESSLOGGINGDISABLED:
    case VG_FT_STEALTH_IAMUSER_PASSWORDPOLICYCHANGE:
    case VG_FT_DEFENSEEVASION_IAMUSER_BEDROCKLOGGINGDISABLED: return S_EVASION;
    case VG_FT_POLICY_S3_BUCKETBLOCKPUBLICACCESSDISABLED:
    case VG_FT_POLICY_S3_BUCKETANONYMOUSACCESSGRANTED:
    case VG_FT_POLICY_S3_BUCKETPUBLICACCESSGRANTED: return S_S3_PERMISSION;
    case VG_FT_DISCOVERY_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_PERSISTENCE_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_PRIVILEGEESCALATION_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_CREDENTIALACCESS_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_DEFENSEEVASION_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_EXFILTRATION_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_IMPACT_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_INITIALACCESS_IAMUSER_ANOMALOUSBEHAVIOR:
    case VG_FT_DISCOVERY_S3_ANOMALOUSBEHAVIOR:
    case VG_FT_EXFILTRATION_S3_ANOMALOUSBEHAVIOR:
    case VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_DELETE:
    case VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_PERMISSION:
    case VG_FT_IMPACT_S3_ANOMALOUSBEHAVIOR_WRITE: {
        /* a bundled call counts as its own API's tactic */
        struct vg_str svc = ev->ct.event_source;
        const char *dot = svc.len ? memchr(svc.ptr, '.', svc.len) : NULL;
        if (dot)
            svc.len = (size_t)(dot - svc.ptr);
        const struct vg_tactic_row *row =
            vg_tactic_lookup(svc, ev->ct.event_name, vg_ct_is_s3_data_event(ev));
        return row ? tactic_step(row->tactic) : -1;
    }
    default: return -1;
    }
}

static unsigned kinds(uint32_t mask)
{
    return (unsigned)__builtin_popcount(mask);
}

static int describe(const struct vg_flow_state *s, const struct story *st, struct vg_buf *detail,
                    struct vg_buf *detection)
{
    int rc = vg_buf_printf(detail, "%u kinds of step within %" PRId64 " hours:", kinds(st->mask),
                           s->env->iam->sequence_window / 3600000);
    rc |= vg_buf_adds(detection, "\"sequence\":{\"signals\":[");
    for (unsigned i = 0; i < st->steps; i++) {
        const struct step *p = &st->step[i];
        char when[40];
        vg_time_format_iso(p->time_ms, when, sizeof(when));
        const char *type = s->env->type_name ? s->env->type_name(p->type) : NULL;
        rc |= vg_buf_printf(detail, " %u. %.19sZ %s (", i + 1, when, STEP_NAMES[p->kind]);
        rc |= vg_buf_add_printable(detail, vg_str_from(p->api));
        rc |= vg_buf_printf(detail, ", %s%s%.32s);", type ? type : "a finding",
                            p->has_id ? " " : "", p->has_id ? p->id : "");
        rc |= vg_buf_printf(detection, "%s{\"signalIndex\":%u,\"firstSeenAt\":\"%.19sZ\",",
                            i ? "," : "", i + 1, when);
        rc |= vg_buf_printf(detection, "\"description\":\"%s\",\"api\":", STEP_NAMES[p->kind]);
        rc |= vg_buf_add_json_str(detection, vg_str_from(p->api));
        if (type)
            rc |= vg_buf_printf(detection, ",\"name\":\"%s\"", type);
        if (p->has_id)
            rc |= vg_buf_printf(detection, ",\"findingId\":\"%.32s\"", p->id);
        rc |= vg_buf_addc(detection, '}');
    }
    if (kinds(st->mask) > st->steps)
        rc |= vg_buf_printf(detail, " and %u more.", kinds(st->mask) - st->steps);
    rc |= vg_buf_adds(detection, "]}");
    return rc ? VG_ENOMEM : VG_OK;
}

static void emit_sequence(const struct vg_flow_state *s, const struct story *st,
                          enum vg_finding_type type, const struct vg_finding_draft *cause,
                          const struct vg_emit *emit)
{
    struct vg_buf detail = VG_BUF_INIT, detection = VG_BUF_INIT;
    vg_buf_init(&detection, VG_FINDING_MAX_DETECTION_BYTES);
    int rc = describe(s, st, &detail, &detection);
    rc |= vg_buf_addc(&detail, ' ');
    rc |= vg_ct_credential_text(cause->event, &detail);
    if (rc == VG_OK) {
        struct vg_finding_draft d = vg_ct_draft(type, cause->event);
        unsigned extra = kinds(st->mask) - MIN_KINDS;
        d.severity = 9 + (extra > 4 ? 4 : extra) * 0.25;
        d.detail = (struct vg_str){ detail.data, detail.len };
        d.detection = (struct vg_str){ detection.data, detection.len };
        if (type == VG_FT_ATTACKSEQUENCE_S3_COMPROMISEDDATA)
            d.bucket = vg_str_from(st->bucket);
        vg_emit_finding(emit, &d);
    }
    vg_buf_release(&detail);
    vg_buf_release(&detection);
}

static void on_finding(void *state, const struct vg_finding_draft *d, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    const struct vg_event *ev = d->event;
    int kind = ev->source == VG_SOURCE_CLOUDTRAIL ? classify(d) : -1;
    if (kind < 0)
        return;
    const struct vg_identity *who = &ev->ct.identity;
    uint64_t key[2];
    vg_baseline_key(ev->account_id, who->access_key_id.len ? who->access_key_id : who->arn,
                    VG_STR("story"), key);
    bool created;
    struct story *st = vg_keyed_get(s->tables[0], key, &created);
    if (created || ev->time_ms - st->first_ms > s->env->iam->sequence_window ||
        ev->time_ms < st->first_ms) {
        memset(st, 0, sizeof(*st));
        st->first_ms = ev->time_ms;
    }
    if (d->bucket.len)
        snprintf(st->bucket, sizeof(st->bucket), "%.*s",
                 (int)(d->bucket.len < BUCKET_TEXT ? d->bucket.len : BUCKET_TEXT - 1),
                 d->bucket.ptr);
    if (st->mask & BIT(kind))
        return;
    st->mask |= BIT(kind);
    if (st->steps < STEPS) {
        struct step *p = &st->step[st->steps++];
        p->time_ms = ev->time_ms;
        p->type = (uint16_t)d->type;
        p->kind = (uint8_t)kind;
        snprintf(p->api, sizeof(p->api), "%.*s",
                 (int)(ev->ct.event_name.len < STEP_API ? ev->ct.event_name.len : STEP_API - 1),
                 ev->ct.event_name.ptr ? ev->ct.event_name.ptr : "");
        if (s->env->finding_id) {
            char id[33];
            s->env->finding_id(d, id);
            memcpy(p->id, id, sizeof(p->id));
            p->has_id = 1;
        }
    }
    if (kinds(st->mask) < MIN_KINDS)
        return;
    if ((st->mask & ENTRY) && (st->mask & ACTION))
        emit_sequence(s, st, VG_FT_ATTACKSEQUENCE_IAM_COMPROMISEDCREDENTIALS, d, emit);
    if ((st->mask & S3_FIND) && (st->mask & S3_TOUCH) && st->bucket[0])
        emit_sequence(s, st, VG_FT_ATTACKSEQUENCE_S3_COMPROMISEDDATA, d, emit);
}

static const enum vg_finding_type types[] = {
    VG_FT_ATTACKSEQUENCE_IAM_COMPROMISEDCREDENTIALS,
    VG_FT_ATTACKSEQUENCE_S3_COMPROMISEDDATA,
};

const struct vg_detector vg_detector_sequence = {
    .name = "attack-sequence",
    .sources = 0, /* reads findings, not events */
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_finding = on_finding,
    .state_version = 1,
    .state_save = vg_flow_state_save,
    .state_load = state_load,
};
