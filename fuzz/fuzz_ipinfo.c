/*
 * Fuzz target: the address-owner loaders (src/enrich/ipinfo.c) for ASN range CSV and AWS
 * ip-ranges.json, which read files fetched from elsewhere, and their lookups.
 *
 * The input is one file (told by content, as vigil does).  Checked after each input:
 *  - loading returns VG_OK or VG_EIO (reported), never anything else for small inputs;
 *  - every entry skipped was reported: the diag total is at least the bad count;
 *  - lookups of every address the input spells (and a few fixed ones) keep the result's
 *    contract: country empty or two letters, at most VG_IPINFO_MAX_SERVICES services, a prefix
 *    with a '/', and any AS number found for an address inside a range the input gave.
 */
#include "core/compat.h"
#include "core/diag.h"
#include "core/err.h"
#include "core/ip.h"
#include "enrich/ipinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_ipinfo: invariant failed: %s (%s:%d)\n", #cond, __FILE__,        \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_lookup(const struct vg_ipinfo *info, const struct vg_ip *ip)
{
    struct vg_ipinfo_result r;
    bool found = vg_ipinfo_lookup(info, ip, &r);
    CHECK(found == (r.asn || r.country[0] || r.city[0] || r.has_location || r.aws_region));
    CHECK(r.country[0] == '\0' || strlen(r.country) == 2);
    CHECK(memchr(r.asn_org, '\0', sizeof(r.asn_org)) != NULL);
    CHECK(r.aws_service_count <= VG_IPINFO_MAX_SERVICES);
    if (r.aws_region) {
        CHECK(strchr(r.aws_prefix, '/') != NULL);
        CHECK(r.aws_service_count >= 1 && r.aws_border_group != NULL);
    }
}

/* Every token of the input that parses as an address. */
static void lookup_tokens(const struct vg_ipinfo *info, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && (isxdigit((unsigned char)text[j]) || text[j] == '.' || text[j] == ':'))
            j++;
        struct vg_ip ip;
        if (j > i && j - i < 64 && vg_ip_parse((struct vg_str){ text + i, j - i }, &ip))
            check_lookup(info, &ip);
        i = j + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_ipinfo *info = vg_ipinfo_new();
    if (!info)
        return 0;
    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    int rc = vg_ipinfo_load_buffer(info, "fuzz", (const char *)data, size, &diag);
    CHECK(rc == VG_OK || rc == VG_EIO);
    CHECK(vg_ipinfo_freeze(info) == VG_OK);
    uint64_t reported = 0;
    for (int c = 0; c < VG_DIAG_COUNT; c++)
        reported += diag.counts[c];
    CHECK(reported >= vg_ipinfo_stats(info)->bad);
    static const char *const fixed[] = { "0.0.0.0",
                                         "255.255.255.255",
                                         "1.0.0.1",
                                         "::",
                                         "::1",
                                         "2600:1f14::1",
                                         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        struct vg_ip ip;
        CHECK(vg_ip_parse(vg_str_from(fixed[i]), &ip));
        check_lookup(info, &ip);
    }
    lookup_tokens(info, (const char *)data, size);
    vg_ipinfo_free(info);
    return 0;
}
