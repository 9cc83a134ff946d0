/*
 * Fuzz target: every threat-list loader (src/enrich/intel_<format>.c) and the format sniffers,
 * through a real intel builder, vg_intel_freeze() and lookups.
 *
 * The first byte picks the format (its value modulo the table size plus one; the extra value
 * means "detect it", which runs every sniffer on the input); the rest is the file.  One target
 * for all formats keeps the corpus in one place and lets the fuzzer carry a structure that one
 * loader accepts over to the others (CSV quoting into OTX, MISP and iSIGHT alike).
 *
 * Checked after each input, the loaders' contract:
 *  - load returns VG_OK (only running out of memory may fail, and inputs are small);
 *  - every report was counted and every count reported: the diag total equals the list's bad
 *    lines plus its rejected entries (loaders report then count; the store does both);
 *  - the frozen store holds exactly the addresses, networks and domains the list counted;
 *  - lookups of addresses and of names cut from the input neither crash nor read outside.
 */
#include "core/compat.h"
#include "enrich/intel_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_intel_load: invariant failed: %s (%s:%d)\n", #cond, __FILE__,    \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static size_t format_count(void)
{
    size_t n = 0;
    while (vg_intel_formats[n])
        n++;
    return n;
}

static void probe_ip(const struct vg_intel *in, const char *text)
{
    struct vg_ip ip;
    struct vg_intel_match m;
    if (vg_ip_parse(vg_str_from(text), &ip) && vg_intel_match_ip(in, &ip, &m))
        CHECK(m.count >= 1 && m.count <= VG_INTEL_MAX_HITS && m.hits[0].list);
}

/* Look up every line of the input as a domain (and as an address): the names a list holds
 * are the likeliest to hit, so the hit paths get exercised, not only the misses. */
static void probe_lines(const struct vg_intel *in, const char *buf, size_t len)
{
    unsigned budget = 64;
    size_t i = 0;
    while (i < len && budget--) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        struct vg_str s = { buf + i, end - i };
        struct vg_intel_match m;
        struct vg_ip ip;
        if (vg_intel_match_domain(in, s, &m))
            CHECK(m.count >= 1 && m.count <= VG_INTEL_MAX_HITS && m.hits[0].list);
        if (vg_ip_parse(s, &ip) && vg_intel_match_ip(in, &ip, &m))
            CHECK(m.count >= 1 && m.hits[0].threat_name.len <= 255);
        i = end + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1, n = format_count();
    const struct vg_intel_format *f;
    if (data[0] % (n + 1) == n) {
        f = vg_intel_format_detect(buf, len);
        CHECK(f != NULL);
    } else {
        f = vg_intel_formats[data[0] % (n + 1)];
    }

    struct vg_diag diag;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL); /* format every message: they quote input */
    struct vg_intel_builder *b = vg_intel_builder_new();
    CHECK(b != NULL);
    uint32_t id;
    CHECK(vg_intel_builder_list(b, "fuzz", "fuzz.list", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM,
                                &id) == VG_OK);
    struct vg_intel_load_ctx ctx = { b, id, "fuzz.list", &diag };
    CHECK(f->load(&ctx, buf, len) == VG_OK);
    struct vg_intel *in = vg_intel_freeze(b);
    CHECK(in != NULL);

    const struct vg_intel_list *l = vg_intel_list_at(in, 0);
    CHECK(diag.total == l->bad_lines + l->rejected);
    CHECK(vg_intel_indicator_count(in) == l->addresses + l->networks + l->domains);

    static const char *const ips[] = { "45.33.32.156", "185.220.101.1",   "1.1.1.1",
                                       "2600:3c01::1", "255.255.255.255", "::" };
    for (size_t i = 0; i < VG_ARRAY_LEN(ips); i++)
        probe_ip(in, ips[i]);
    probe_lines(in, buf, len);
    vg_intel_free(in);
    return 0;
}
