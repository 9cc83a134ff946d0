/*
 * Root credential use.
 *   Policy:IAMUser/RootCredentialUsage          a request signed with the root user's own
 *                                               credentials (password session or root access key)
 *   Policy:IAMUser/ShortTermRootCredentialUsage a task-scoped root session from sts:AssumeRoot
 * Only successful requests count, and not those an AWS service made on root's behalf
 * (invokedBy): root's credentials were not in anyone's hands there.  A failed console sign-in is
 * not usage either: it is a different question (brute force) for a different detector.
 */
#include "detect/root_usage.h"

#include "detect/ct_util.h"

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    (void)state;
    const struct vg_identity *who = &ev->ct.identity;
    if (who->type != VG_ID_ROOT || !vg_ct_succeeded(ev) || vg_ct_by_aws_service(ev))
        return;
    bool short_term = who->assumed_root;
    struct vg_finding_draft d =
        vg_ct_draft(short_term ? VG_FT_POLICY_IAMUSER_SHORTTERMROOTCREDENTIALUSAGE
                               : VG_FT_POLICY_IAMUSER_ROOTCREDENTIALUSAGE,
                    ev);
    if (short_term)
        d.detail = VG_STR("The session came from sts:AssumeRoot, so it is limited to the task "
                          "policy chosen when it was created.");
    else if (vg_str_starts_with(who->access_key_id, "AKIA"))
        d.detail = VG_STR("The request was signed with a long-term root access key; AWS advises "
                          "that root have none.");
    else if (vg_str_eq_lit(ev->ct.event_name, "ConsoleLogin"))
        d.detail = VG_STR("This was a successful console sign-in as root.");
    else
        d.detail = VG_STR("The request came from a root console session.");
    vg_emit_finding(emit, &d);
}

static const enum vg_finding_type types[] = {
    VG_FT_POLICY_IAMUSER_ROOTCREDENTIALUSAGE,
    VG_FT_POLICY_IAMUSER_SHORTTERMROOTCREDENTIALUSAGE,
};

const struct vg_detector vg_detector_root_usage = {
    .name = "root-usage",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .on_event = on_event,
};
