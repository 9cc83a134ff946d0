/*
 * CloudTrail calls from listed addresses: the caller's sourceIPAddress is on a threat list.
 *
 * The list's feed picks the family (Tor lists: *TorIPCaller; curated lists: *MaliciousIPCaller;
 * the user's own lists: *MaliciousIPCaller.Custom), the API picks the purpose, as in GuardDuty's
 * catalog:
 *   management events  List/Describe/Get-class -> Recon:IAMUser/...; anything else ->
 *                      UnauthorizedAccess:IAMUser/...
 *   S3 data events     listing and metadata reads -> Discovery:S3/...; object reads ->
 *                      Exfiltration:S3/... (curated) ; changes -> Impact:S3/... (curated); the
 *                      Tor and custom families fold reads and changes into UnauthorizedAccess:S3.
 * Failed calls count: a listed address trying the credentials is the finding.  An address that a
 * trusted list also covers never fires; private addresses never reach the store.  The remote
 * address is the finding's counterpart, so each caller gets its own finding.
 */
#include "detect/intel_caller.h"

#include "detect/ct_util.h"

enum api_class { MGMT_RECON, MGMT_OTHER, S3_DISCOVERY, S3_READ, S3_WRITE, CLASS_COUNT };

/* [class][feed]: custom, curated, tor.  A reputation feed's hits are low confidence and give no
 * caller finding (enrich/intel.h), so it has no column. */
#define C(custom, curated, tor)                                                                    \
    {                                                                                              \
        [VG_INTEL_FEED_CUSTOM] = custom, [VG_INTEL_FEED_CURATED] = curated,                        \
        [VG_INTEL_FEED_TOR] = tor                                                                  \
    }
static const enum vg_finding_type TYPES[CLASS_COUNT][VG_INTEL_FEED_TOR + 1] = {
    [MGMT_RECON] = C(VG_FT_RECON_IAMUSER_MALICIOUSIPCALLER_CUSTOM,
                     VG_FT_RECON_IAMUSER_MALICIOUSIPCALLER, VG_FT_RECON_IAMUSER_TORIPCALLER),
    [MGMT_OTHER] = C(VG_FT_UNAUTHORIZEDACCESS_IAMUSER_MALICIOUSIPCALLER_CUSTOM,
                     VG_FT_UNAUTHORIZEDACCESS_IAMUSER_MALICIOUSIPCALLER,
                     VG_FT_UNAUTHORIZEDACCESS_IAMUSER_TORIPCALLER),
    [S3_DISCOVERY] = C(VG_FT_DISCOVERY_S3_MALICIOUSIPCALLER_CUSTOM,
                       VG_FT_DISCOVERY_S3_MALICIOUSIPCALLER, VG_FT_DISCOVERY_S3_TORIPCALLER),
    [S3_READ] = C(VG_FT_UNAUTHORIZEDACCESS_S3_MALICIOUSIPCALLER_CUSTOM,
                  VG_FT_EXFILTRATION_S3_MALICIOUSIPCALLER, VG_FT_UNAUTHORIZEDACCESS_S3_TORIPCALLER),
    [S3_WRITE] = C(VG_FT_UNAUTHORIZEDACCESS_S3_MALICIOUSIPCALLER_CUSTOM,
                   VG_FT_IMPACT_S3_MALICIOUSIPCALLER, VG_FT_UNAUTHORIZEDACCESS_S3_TORIPCALLER),
};
#undef C

static bool starts_with_any(struct vg_str s, const char *const *prefixes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vg_str_starts_with(s, prefixes[i]))
            return true;
    return false;
}

static enum api_class classify(const struct vg_event *ev)
{
    static const char *const recon[] = { "List",   "Describe", "Get", "Search",
                                         "Lookup", "BatchGet", "Head" };
    static const char *const reads[] = { "GetObject", "CopyObject", "SelectObjectContent",
                                         "UploadPartCopy" };
    struct vg_str name = ev->ct.event_name;
    if (!vg_ct_is_s3_data_event(ev))
        return starts_with_any(name, recon, VG_ARRAY_LEN(recon)) ? MGMT_RECON : MGMT_OTHER;
    if (vg_str_starts_with(name, "List") || vg_str_starts_with(name, "Head") ||
        (vg_str_starts_with(name, "GetObject") && name.len > 9)) /* GetObjectAcl, ...Tagging */
        return S3_DISCOVERY;
    for (size_t i = 0; i < VG_ARRAY_LEN(reads); i++)
        if (vg_str_eq_lit(name, reads[i]))
            return S3_READ;
    return S3_WRITE;
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    *out = (void *)(uintptr_t)env; /* stateless: it only needs the current intel snapshot */
    return VG_OK;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    const struct vg_detect_env *env = state;
    struct vg_intel_match m;
    if (!env->intel || ev->ct.source_ip.family == 0 ||
        !vg_intel_match_ip(env->intel, &ev->ct.source_ip, &m) || m.trusted)
        return;
    enum api_class cls = classify(ev);
    for (int feed = VG_INTEL_FEED_CUSTOM; feed <= VG_INTEL_FEED_TOR; feed++) {
        struct vg_finding_threat_ref refs[VG_INTEL_MAX_HITS];
        unsigned n = 0;
        for (unsigned i = 0; i < m.count; i++) {
            if (m.hits[i].list->feed != (enum vg_intel_feed)feed ||
                vg_intel_hit_low_confidence(&m.hits[i]))
                continue;
            refs[n++] = (struct vg_finding_threat_ref){ vg_str_from(m.hits[i].list->name),
                                                        m.hits[i].threat_name,
                                                        vg_str_from(m.hits[i].list->sha256) };
        }
        if (n == 0)
            continue;
        char detail[300] = "";
        size_t used = 0;
        /* a Tor list's threat name only repeats "Tor exit node" */
        if (refs[0].threat_name.len && feed != VG_INTEL_FEED_TOR)
            used =
                (size_t)snprintf(detail, sizeof(detail), "The list calls it '%.*s'. ",
                                 (int)(refs[0].threat_name.len > 80 ? 80 : refs[0].threat_name.len),
                                 refs[0].threat_name.ptr);
        if (!vg_ct_succeeded(ev) && used < sizeof(detail)) {
            struct vg_str why =
                ev->ct.error_code.len ? ev->ct.error_code : VG_STR("sign-in failure");
            snprintf(detail + used, sizeof(detail) - used,
                     "The call failed (%.*s): whoever is at that address holds the credentials but "
                     "was refused this time.",
                     (int)(why.len > 60 ? 60 : why.len), why.ptr);
        }
        struct vg_finding_draft d = vg_ct_draft(TYPES[cls][feed], ev);
        d.counterpart = ev->ct.source_ip_text;
        d.threats = refs;
        d.threat_count = n;
        d.detail = vg_str_from(detail);
        if (cls >= S3_DISCOVERY)
            d.bucket = vg_ct_bucket(ev);
        vg_emit_finding(emit, &d);
    }
}

static const enum vg_finding_type types[] = {
    VG_FT_RECON_IAMUSER_MALICIOUSIPCALLER_CUSTOM,
    VG_FT_RECON_IAMUSER_MALICIOUSIPCALLER,
    VG_FT_RECON_IAMUSER_TORIPCALLER,
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_MALICIOUSIPCALLER_CUSTOM,
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_MALICIOUSIPCALLER,
    VG_FT_UNAUTHORIZEDACCESS_IAMUSER_TORIPCALLER,
    VG_FT_DISCOVERY_S3_MALICIOUSIPCALLER_CUSTOM,
    VG_FT_DISCOVERY_S3_MALICIOUSIPCALLER,
    VG_FT_DISCOVERY_S3_TORIPCALLER,
    VG_FT_UNAUTHORIZEDACCESS_S3_MALICIOUSIPCALLER_CUSTOM,
    VG_FT_EXFILTRATION_S3_MALICIOUSIPCALLER,
    VG_FT_IMPACT_S3_MALICIOUSIPCALLER,
    VG_FT_UNAUTHORIZEDACCESS_S3_TORIPCALLER,
};

const struct vg_detector vg_detector_intel_caller = {
    .name = "intel-caller",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .on_event = on_event,
};
