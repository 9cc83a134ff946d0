/*
 * Workload credentials used where the workload is not (guardduty-notes.md §9):
 *   UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS  an EC2 instance-profile
 *       session (session name = the instance id, or sessionContext.ec2RoleDelivery) calls from an
 *       address in no AWS range;
 *   ...InstanceCredentialExfiltration.InsideAWS  ... from an AWS address other than the ones the
 *       instance itself calls from (the AWS addresses its session used in its first hour);
 *   UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS  a Lambda function or
 *       ECS task role session calls from outside AWS;
 *   ...ResourceCredentialExfiltration.InsideAWS  an ECS task's session from an AWS address other
 *       than the task's own (Lambda has no such variant: its calls leave from many hosts).
 * A session is a Lambda's or an ECS task's when one of its calls carried the SDK's execution
 * environment ("exec-env/AWS_Lambda_...", "exec-env/AWS_ECS_..."); the access key remembers it.
 *
 * Inside or outside is decided with AWS's ip-ranges.json loaded through --ip-data (enrich/
 * ipinfo.h): without it the detector stays silent rather than call every address outside.  The
 * account's own addresses are the ones its sessions were first seen using.  Calls made by AWS
 * services for the role, through a VPC endpoint, or from private addresses never fire: they did
 * not leave the account's network.
 *
 * Learning: each (role, remote network) pair fires on every day it is seen until it has been
 * seen on iam.exfil.learn_days days; from then on it is the role's routine (an on-premises
 * gateway, a partner's egress), and the findings of its first days stay as its first-seen
 * record.  The network is the remote address's AS when known, else its /24 or /48.
 */
#include "detect/cred_exfil.h"

#include "core/keyed.h"
#include "detect/baseline.h"
#include "detect/ct_util.h"
#include "detect/flow_util.h"
#include "enrich/ipinfo.h"

#define MS_PER_DAY 86400000
#define HOMES 4
/* addresses a session calls from within this long of its first call are its own (an instance
 * behind a NAT gateway pair, a task's first minutes) */
#define HOME_LEARNING_MS 3600000

enum kind { KIND_NONE, KIND_INSTANCE, KIND_LAMBDA, KIND_ECS };

/* A session's own AWS addresses. */
struct home {
    int64_t first_ms;
    uint8_t kind;
    uint8_t count;
    struct vg_ip addr[HOMES];
};

/* One (role, remote network): the days it was seen on. */
struct remote {
    int64_t first_ms;
    uint16_t last_day, days;
};

enum { HOMES_TABLE, REMOTES_TABLE };

static const struct vg_flow_table tables[] = {
    [HOMES_TABLE] = { 16, sizeof(struct home), 32 },     /* by instance id or workload key */
    [REMOTES_TABLE] = { 16, sizeof(struct remote), 32 }, /* by role and network */
};

static int state_new(void **out, const struct vg_detect_env *env)
{
    return vg_flow_state_new_budget(out, env, (size_t)env->iam->state_memory, tables,
                                    VG_ARRAY_LEN(tables));
}

/* A session's homes from a state file: within the array, whatever the bytes. */
static void home_sanitize(void *ctx, const void *key, void *value)
{
    (void)ctx, (void)key;
    struct home *h = value;
    if (h->count > HOMES)
        h->count = HOMES;
}

static int state_load(void *state, const char *data, size_t len)
{
    int rc = vg_flow_state_load(state, data, len);
    vg_keyed_each(((struct vg_flow_state *)state)->tables[HOMES_TABLE], home_sanitize, NULL);
    return rc;
}

/* The session name of arn:...:assumed-role/ROLE/SESSION. */
static struct vg_str session_name(struct vg_str arn)
{
    size_t i = arn.len;
    while (i && arn.ptr[i - 1] != '/')
        i--;
    return (struct vg_str){ arn.ptr + i, arn.len - i };
}

static bool is_instance_id(struct vg_str s)
{
    if (!vg_str_starts_with(s, "i-") || (s.len != 10 && s.len != 19))
        return false;
    for (size_t i = 2; i < s.len; i++)
        if (!isxdigit((unsigned char)s.ptr[i]))
            return false;
    return true;
}

static enum kind exec_env(struct vg_str ua)
{
    if (vg_str_case_find(ua, "exec-env/AWS_Lambda") >= 0)
        return KIND_LAMBDA;
    if (vg_str_case_find(ua, "exec-env/AWS_ECS") >= 0)
        return KIND_ECS;
    return KIND_NONE;
}

static bool is_home(const struct home *h, const struct vg_ip *ip)
{
    for (unsigned i = 0; i < h->count; i++)
        if (vg_ip_equal(&h->addr[i], ip))
            return true;
    return false;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct vg_flow_state *s = state;
    const struct vg_cloudtrail *ct = &ev->ct;
    const struct vg_identity *who = &ct->identity;
    const struct vg_ipinfo *info = s->env->ipinfo;
    if (who->type != VG_ID_ASSUMED_ROLE || !vg_str_starts_with(who->access_key_id, "ASIA") ||
        !info || vg_ipinfo_stats(info)->aws_prefixes == 0 || vg_ct_by_aws_service(ev) ||
        ct->source_ip.family == 0 || vg_ip_is_private(&ct->source_ip) || ct->vpc_endpoint_id.len)
        return;
    struct vg_str session = session_name(who->arn);
    bool instance = is_instance_id(session) || who->ec2_role_delivery.len;
    uint64_t key[2];
    vg_baseline_key(ev->account_id, instance ? session : who->access_key_id, VG_STR("home"), key);
    enum kind kind = instance ? KIND_INSTANCE : exec_env(ct->user_agent);
    bool created = false;
    struct home *h = kind ? vg_keyed_get(s->tables[HOMES_TABLE], key, &created)
                          : vg_keyed_find(s->tables[HOMES_TABLE], key);
    if (!h)
        return; /* a person's or an unknown workload's session: not this detector's */
    if (created)
        h->first_ms = ev->time_ms;
    if (kind)
        h->kind = (uint8_t)kind;
    struct vg_ipinfo_result r;
    bool inside = vg_ipinfo_lookup(info, &ct->source_ip, &r) && r.aws_region;
    if (inside && is_home(h, &ct->source_ip))
        return;
    if (inside && h->count < HOMES && ev->time_ms - h->first_ms <= HOME_LEARNING_MS) {
        h->addr[h->count++] = ct->source_ip;
        return;
    }
    if (inside && h->kind == KIND_LAMBDA)
        return;
    enum vg_finding_type type =
        h->kind == KIND_INSTANCE
            ? (inside ? VG_FT_UNAUTHORIZEDACCESS_IAMUSER_INSTANCECREDENTIALEXFILTRATION_INSIDEAWS
                      : VG_FT_UNAUTHORIZEDACCESS_IAMUSER_INSTANCECREDENTIALEXFILTRATION_OUTSIDEAWS)
            : (inside ? VG_FT_UNAUTHORIZEDACCESS_IAMUSER_RESOURCECREDENTIALEXFILTRATION_INSIDEAWS
                      : VG_FT_UNAUTHORIZEDACCESS_IAMUSER_RESOURCECREDENTIALEXFILTRATION_OUTSIDEAWS);
    char home_text[64] = "";
    if (h->count)
        vg_ip_format(&h->addr[0], home_text, sizeof(home_text));

    struct vg_obs obs;
    vg_baseline_observe(ev, info, &obs);
    struct vg_str role = who->issuer_arn.len ? who->issuer_arn : who->arn;
    vg_baseline_key(ev->account_id, role, vg_str_from(obs.text[VG_FEAT_NETWORK]), key);
    struct remote *rem = vg_keyed_get(s->tables[REMOTES_TABLE], key, &created);
    uint16_t day = (uint16_t)(ev->time_ms / MS_PER_DAY);
    if (created)
        rem->first_ms = ev->time_ms;
    if (created || rem->last_day != day) {
        rem->days++;
        rem->last_day = day;
    }
    if (rem->days > s->env->iam->exfil_learn_days)
        return; /* the role's routine by now */

    struct vg_buf detail = VG_BUF_INIT;
    int rc = vg_buf_adds(&detail, h->kind == KIND_INSTANCE ? "The instance"
                                  : h->kind == KIND_ECS    ? "The ECS task"
                                                           : "The Lambda function");
    if (home_text[0])
        rc |= vg_buf_printf(&detail, " itself calls from %s, an AWS address", home_text);
    else
        rc |= vg_buf_adds(&detail, " was not seen calling from an AWS address of its own");
    rc |= vg_buf_adds(&detail, "; this call came from network ");
    rc |= vg_buf_add_printable(&detail, vg_str_from(obs.text[VG_FEAT_NETWORK]));
    /* names from the address data files: printable, like log text */
    if (inside) {
        rc |= vg_buf_adds(&detail, " (AWS ");
        rc |= vg_buf_add_printable(&detail, vg_str_from(r.aws_region));
        rc |= vg_buf_adds(&detail, ", owned by an account vigil cannot name)");
    } else if (r.asn) {
        rc |= vg_buf_adds(&detail, " (");
        rc |= vg_buf_add_printable(&detail, vg_str_from(r.asn_org));
        rc |= vg_buf_addc(&detail, ')');
    }
    rc |= vg_buf_printf(&detail,
                        ", seen for this role on %u of the %" PRId64
                        " days after which vigil takes it as routine. ",
                        rem->days, s->env->iam->exfil_learn_days);
    rc |= vg_ct_credential_text(ev, &detail);
    if (rc == VG_OK) {
        struct vg_finding_draft d = vg_ct_draft(type, ev);
        d.counterpart = vg_str_from(obs.text[VG_FEAT_NETWORK]);
        d.detail = (struct vg_str){ detail.data, detail.len };
        if (inside)
            d.additional = VG_STR("\"remoteAccountDetails\":{\"affiliated\":false}");
        vg_emit_finding(emit, &d);
    }
    vg_buf_release(&detail);
}

static const enum vg_finding_type types[] = {
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_INSTANCECREDENTIALEXFILTRATION_OUTSIDEAWS,
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_INSTANCECREDENTIALEXFILTRATION_INSIDEAWS,
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_RESOURCECREDENTIALEXFILTRATION_OUTSIDEAWS,
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_RESOURCECREDENTIALEXFILTRATION_INSIDEAWS,
};

const struct vg_detector vg_detector_cred_exfil = {
    .name = "cred-exfil",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = vg_flow_state_free,
    .state_evictions = vg_flow_state_evictions,
    .on_event = on_event,
    .state_version = 1,
    .state_save = vg_flow_state_save,
    .state_load = state_load,
};
