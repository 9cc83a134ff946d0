/* Shared CloudTrail predicates; each one encodes a near-miss rule the golden tests check. */
#include "detect/ct_util.h"

#include "core/buf.h"
#include "core/time.h"
#include "parse/json.h"

bool vg_ct_succeeded(const struct vg_event *ev)
{
    if (ev->ct.error_code.len)
        return false;
    /* A failed console sign-in has no errorCode: only errorMessage and this flag say so. */
    struct vg_str outcome = vg_json_str(vg_json_get(ev->ct.response_elements, "ConsoleLogin"));
    return !vg_str_eq_lit(outcome, "Failure");
}

bool vg_ct_by_aws_service(const struct vg_event *ev)
{
    const struct vg_cloudtrail *ct = &ev->ct;
    if (ct->identity.type == VG_ID_AWS_SERVICE)
        return true;
    if (vg_str_ends_with(ct->identity.invoked_by, ".amazonaws.com") ||
        vg_str_eq_lit(ct->identity.invoked_by, "AWS Internal"))
        return true;
    return ct->source_ip.family == 0 && (vg_str_ends_with(ct->source_ip_text, ".amazonaws.com") ||
                                         vg_str_eq_lit(ct->source_ip_text, "AWS Internal"));
}

bool vg_ct_is(const struct vg_event *ev, const char *source, const char *name)
{
    return vg_str_eq_lit(ev->ct.event_name, name) && vg_str_eq_lit(ev->ct.event_source, source);
}

bool vg_ct_is_s3_data_event(const struct vg_event *ev)
{
    if (!vg_str_eq_lit(ev->ct.event_source, "s3.amazonaws.com"))
        return false;
    if (ev->ct.event_category.len)
        return vg_str_eq_lit(ev->ct.event_category, "Data");
    return !ev->ct.management_event;
}

struct vg_str vg_ct_bucket(const struct vg_event *ev)
{
    return vg_json_str(vg_json_get(ev->ct.request_parameters, "bucketName"));
}

struct vg_finding_draft vg_ct_draft(enum vg_finding_type type, const struct vg_event *ev)
{
    return (struct vg_finding_draft){ .type = type, .event = ev };
}

int vg_ct_credential_text(const struct vg_event *ev, struct vg_buf *out)
{
    const struct vg_identity *who = &ev->ct.identity;
    struct vg_str key = who->access_key_id;
    key.len = key.len > 32 ? 32 : key.len;
    int rc = VG_OK;
    const char *mfa = who->mfa_authenticated == VG_TRUE    ? "with MFA"
                      : who->mfa_authenticated == VG_FALSE ? "without MFA"
                                                           : "MFA state not logged";
    if (vg_str_starts_with(key, "AKIA")) {
        rc |= vg_buf_adds(out, "The call was signed with the long-lived access key ");
        rc |= vg_buf_add_printable(out, key);
        rc |= vg_buf_adds(out, " of an IAM user: if its owner did not make it, the key has "
                               "probably leaked (search public repositories, CI logs and "
                               "laptops for it); deactivate and rotate it.");
    } else if (vg_str_starts_with(key, "ASIA")) {
        rc |= vg_buf_adds(out, "The call was signed with temporary credentials ");
        rc |= vg_buf_add_printable(out, key);
        rc |= vg_buf_adds(out, " (valid 1 to 12 hours)");
        if (who->issuer_arn.len) {
            rc |= vg_buf_adds(out, " of a session issued by ");
            rc |= vg_buf_add_printable(out, who->issuer_arn);
        }
        if (who->session_created_ms) {
            char when[40];
            vg_time_format_iso(who->session_created_ms, when, sizeof(when));
            rc |= vg_buf_printf(out, " created %s", when);
        }
        rc |= vg_buf_printf(out,
                            ", %s: find where the session came from (an instance's "
                            "metadata service reached through SSRF, a compromised "
                            "workload or CI job) and revoke the role's active sessions.",
                            mfa);
    }
    return rc ? VG_ENOMEM : VG_OK;
}
