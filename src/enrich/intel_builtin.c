/* The compiled-in tester lists; see intel_builtin.h. */
#include "enrich/intel_builtin.h"

#include "core/sha256.h"

struct entry {
    const char *domain;
    const char *threat_name; /* read by vg_intel_category_infer: keep the category word */
};

static const struct entry indicators[] = {
    { "guarddutyc2activityb.com", "GuardDuty tester C&C domain" },
    { "c2.guarddutyc2activityb.com", "GuardDuty tester C&C domain" },
    { "crypto.guarddutyc2activityb.com", "GuardDuty tester cryptocurrency mining domain" },
    { "guarddutydroppointactivity.com", "GuardDuty tester drop point" },
    { "guarddutyblackholeactivity.com", "GuardDuty tester black hole domain" },
    { "guarddutyphishingactivity.com", "GuardDuty tester phishing domain" },
    { "guarddutydrivebyactivity.com", "GuardDuty tester drive-by download source" },
    { "guarddutydgaactivity.com", "GuardDuty tester DGA domain" },
};

/* The reputation names take the category of the reputation type they stand for: abused,
 * cryptocurrency (Bitcoin), c2 (a malicious link), suspicious (dns_reputation.c). */
static const struct entry reputation[] = {
    { "abused-rep.guarddutyc2activityb.com", "GuardDuty tester abused domain" },
    { "crypto-rep.guarddutyc2activityb.com", "GuardDuty tester cryptocurrency domain" },
    { "malicious-rep.guarddutyc2activityb.com", "GuardDuty tester C&C domain (malicious)" },
    { "suspicious-rep.guarddutyc2activityb.com", "GuardDuty tester suspicious domain" },
};

static int add_list(struct vg_intel_builder *b, const char *name, enum vg_intel_feed feed,
                    const struct entry *entries, size_t count)
{
    char text[4096];
    size_t used = 0;
    uint32_t id;
    struct vg_diag diag;
    struct vg_diag_loc loc = { name, 0, 0 };
    int rc = vg_intel_builder_list(b, name, "(built in)", VG_INTEL_THREAT, feed, &id);
    vg_diag_init(&diag, 0, NULL, NULL); /* the entries are ours and valid: nothing to report */
    for (size_t i = 0; i < count && rc == VG_OK; i++) {
        loc.line = i + 1;
        rc = vg_intel_builder_add(b, id, vg_str_from(entries[i].domain),
                                  vg_str_from(entries[i].threat_name), &diag, &loc);
        int n = snprintf(text + used, sizeof(text) - used, "%s\t%s\n", entries[i].domain,
                         entries[i].threat_name);
        if (n < 0 || (size_t)n >= sizeof(text) - used)
            VG_BUG("built-in list '%s' outgrew its text buffer", name);
        used += (size_t)n;
    }
    if (rc == VG_OK) {
        char sha[65];
        vg_sha256_hex(text, used, sha);
        vg_intel_builder_describe(b, id, "builtin", sha);
    }
    return rc;
}

int vg_intel_builtin_add(struct vg_intel_builder *b)
{
    int rc = add_list(b, VG_INTEL_BUILTIN_LIST, VG_INTEL_FEED_CURATED, indicators,
                      VG_ARRAY_LEN(indicators));
    if (rc == VG_OK)
        rc = add_list(b, VG_INTEL_BUILTIN_REPUTATION_LIST, VG_INTEL_FEED_REPUTATION, reputation,
                      VG_ARRAY_LEN(reputation));
    return rc;
}
