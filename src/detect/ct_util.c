/* Shared CloudTrail predicates; each one encodes a near-miss rule the golden tests check. */
#include "detect/ct_util.h"

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
