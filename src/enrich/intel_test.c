/* Unit tests for enrich/intel: indicator parsing, overlap handling, trusted lists, domains, and a
 * randomized comparison of the segment store against a naive linear matcher. */
#include "enrich/intel.h"

#include <setjmp.h>
#include <cmocka.h>

static struct vg_diag diag;
static const struct vg_diag_loc loc = { "test.txt", 1, 0 };

static void add(struct vg_intel_builder *b, uint32_t list, const char *ind, const char *name)
{
    assert_int_equal(
        vg_intel_builder_add(b, list, vg_str_from(ind), vg_str_from(name), &diag, &loc), VG_OK);
}

static bool match_ip(const struct vg_intel *in, const char *text, struct vg_intel_match *m)
{
    struct vg_ip ip;
    assert_true(vg_ip_parse(vg_str_from(text), &ip));
    return vg_intel_match_ip(in, &ip, m);
}

static void test_intel_ip_cidr_range_and_overlap(void **state)
{
    (void)state;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t a, c;
    assert_int_equal(
        vg_intel_builder_list(b, "alpha", "a.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &a),
        VG_OK);
    assert_int_equal(
        vg_intel_builder_list(b, "charlie", "c.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, &c),
        VG_OK);
    add(b, a, "203.0.113.0/24", "scanner"); /* documentation range: private, rejected */
    add(b, a, "8.8.8.8", "resolver");
    add(b, a, "45.33.0.0/16", "net");
    add(b, c, "45.33.32.156", "host");
    add(b, c, "45.33.40.0-45.33.40.255", "range");
    add(b, a, "2600:3c01::/32", "v6net");
    add(b, c, "https://user@93.184.216.34:8443/path", "url-ip");
    struct vg_intel *in = vg_intel_freeze(b);
    assert_non_null(in);
    const struct vg_intel_list *la = vg_intel_list_at(in, 0);
    assert_int_equal(la->rejected, 1);
    assert_int_equal(la->addresses, 1);
    assert_int_equal(la->networks, 2);
    assert_int_equal(la->widest_public_prefix_v4, 16);
    char lo[64], hi[64];
    assert_string_equal(vg_ip_format(&la->widest_public_v4[0], lo, sizeof(lo)), "45.33.0.0");
    assert_string_equal(vg_ip_format(&la->widest_public_v4[1], hi, sizeof(hi)), "45.33.255.255");

    struct vg_intel_match m;
    assert_true(match_ip(in, "45.33.32.156", &m));
    assert_int_equal(m.count, 2); /* the /16 of alpha and the host of charlie */
    assert_true(match_ip(in, "45.33.40.7", &m));
    assert_int_equal(m.count, 2);
    assert_true(match_ip(in, "45.33.255.255", &m));
    assert_int_equal(m.count, 1);
    assert_string_equal(m.hits[0].list->name, "alpha");
    assert_int_equal(m.hits[0].threat_name.len, 3);
    assert_false(match_ip(in, "45.34.0.0", &m));
    assert_false(match_ip(in, "203.0.113.5", &m));
    assert_true(match_ip(in, "8.8.8.8", &m));
    assert_false(match_ip(in, "8.8.8.9", &m));
    assert_true(match_ip(in, "2600:3c01::1", &m));
    assert_false(match_ip(in, "2600:3c02::1", &m));
    assert_true(match_ip(in, "93.184.216.34", &m));
    vg_intel_free(in);
}

static void test_intel_trusted_wins(void **state)
{
    (void)state;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t t, ok;
    vg_intel_builder_list(b, "threats", "t.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &t);
    vg_intel_builder_list(b, "ours", "ok.txt", VG_INTEL_TRUSTED, VG_INTEL_FEED_CUSTOM, &ok);
    add(b, t, "52.0.0.0/8", "");
    add(b, ok, "52.1.2.3", "");
    add(b, t, "evil.example.com", "c2");
    add(b, ok, "*.example.com", "");
    struct vg_intel *in = vg_intel_freeze(b);
    struct vg_intel_match m;
    assert_true(match_ip(in, "52.1.2.3", &m));
    assert_non_null(m.trusted);
    assert_true(match_ip(in, "52.1.2.4", &m));
    assert_null(m.trusted);
    assert_true(vg_intel_match_domain(in, VG_STR("evil.example.com"), &m));
    assert_non_null(m.trusted);
    vg_intel_free(in);
}

static void test_intel_domains(void **state)
{
    (void)state;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t l;
    vg_intel_builder_list(b, "doms", "d.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &l);
    add(b, l, "Bad.Example.ORG.", "exact");
    add(b, l, "*.c2.example.net", "wild");
    add(b, l, "http://phish.example.com/login?x=1", "url");
    add(b, l, "localhost", "");     /* a bare label: refused */
    add(b, l, "not a domain!", ""); /* refused */
    add(b, l, "xn--nxasmq6b.example", "idn");
    struct vg_intel *in = vg_intel_freeze(b);
    assert_int_equal(vg_intel_list_at(in, 0)->bad_lines, 2);
    assert_int_equal(diag.counts[VG_DIAG_FIELD], 2);
    static const struct {
        const char *q;
        bool hit;
    } cases[] = {
        { "bad.example.org", true },
        { "BAD.EXAMPLE.ORG.", true },
        { "x.bad.example.org", false },
        { "example.org", false },
        { "a.c2.example.net", true },
        { "deep.a.c2.example.net", true },
        { "c2.example.net", false },
        { "xc2.example.net", false },
        { "phish.example.com", true },
        { "xn--nxasmq6b.example", true },
        { "", false },
        { "..", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vg_intel_match m;
        assert_int_equal(vg_intel_match_domain(in, vg_str_from(cases[i].q), &m), cases[i].hit);
    }
    vg_intel_free(in);
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next_u32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void test_intel_matches_naive_reference(void **state)
{
    (void)state;
    enum { N = 3000, Q = 20000 };
    static uint32_t lo[N], hi[N], list_of[N];
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t lists[3];
    for (int i = 0; i < 3; i++)
        vg_intel_builder_list(b, "l", "p", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &lists[i]);
    size_t n = 0;
    while (n < N) {
        /* public space only: 1.0.0.0 - 9.255.255.255, overlapping networks of many sizes */
        uint32_t base = 0x01000000u + next_u32() % 0x09000000u;
        unsigned bits = 16 + next_u32() % 17;
        uint32_t mask = bits == 32 ? ~0u : ~0u << (32 - bits);
        char text[32];
        snprintf(text, sizeof(text), "%u.%u.%u.%u/%u", base >> 24, base >> 16 & 255,
                 base >> 8 & 255, base & 255, bits);
        lo[n] = base & mask;
        hi[n] = lo[n] | ~mask;
        list_of[n] = lists[next_u32() % 3];
        add(b, list_of[n], text, "");
        n++;
    }
    struct vg_intel *in = vg_intel_freeze(b);
    for (int q = 0; q < Q; q++) {
        uint32_t v =
            q % 2 ? lo[next_u32() % N] + next_u32() % 300 : 0x01000000u + next_u32() % 0x09000000u;
        bool expect[3] = { false, false, false };
        unsigned expected = 0;
        for (size_t i = 0; i < n; i++)
            if (v >= lo[i] && v <= hi[i] && !expect[list_of[i]]) {
                expect[list_of[i]] = true;
                expected++;
            }
        struct vg_ip ip = { .family = 4,
                            .addr = { v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255 } };
        struct vg_intel_match m;
        bool hit = vg_intel_match_ip(in, &ip, &m);
        assert_int_equal(hit, expected > 0);
        assert_int_equal(m.count, expected); /* one meta per list: names are all empty */
    }
    vg_intel_free(in);
}

struct reader_args {
    struct vg_intel_ref *ref;
    unsigned hits;
};

static void *reader(void *p)
{
    struct reader_args *a = p;
    struct vg_ip ip;
    vg_ip_parse(VG_STR("8.8.8.8"), &ip);
    for (int i = 0; i < 20000; i++) {
        const struct vg_intel *in = vg_intel_acquire(a->ref);
        struct vg_intel_match m;
        a->hits += vg_intel_match_ip(in, &ip, &m);
        vg_intel_release(in);
    }
    return NULL;
}

static struct vg_intel *one_address_snapshot(void)
{
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t l;
    vg_intel_builder_list(b, "l", "p", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &l);
    add(b, l, "8.8.8.8", "");
    return vg_intel_freeze(b);
}

/* Readers keep matching while snapshots are replaced under them; ASan catches a use after free. */
static void test_intel_publish_while_reading(void **state)
{
    (void)state;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_intel_ref *ref = vg_intel_ref_new(one_address_snapshot());
    struct reader_args args[2] = { { ref, 0 }, { ref, 0 } };
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, reader, &args[i]);
    for (int i = 0; i < 200; i++)
        vg_intel_publish(ref, one_address_snapshot());
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(args[0].hits + args[1].hits, 40000);
    vg_intel_ref_free(ref);
}

/* Threat names as feeds write them: STIX/MISP/OTX free text, ProofPoint ET categories, abuse.ch
 * labels; and the look-alikes that must not be read as a category. */
static void test_intel_category_infer(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum vg_intel_category want;
    } cases[] = {
        { "C2", VG_INTEL_CAT_C2 },
        { "Cobalt Strike C&C", VG_INTEL_CAT_C2 },
        { "CobaltStrike beacon", VG_INTEL_CAT_C2 },
        { "Emotet botnet C2 server", VG_INTEL_CAT_C2 },
        { "CnC", VG_INTEL_CAT_C2 },                 /* ProofPoint ET */
        { "SpywareCnC", VG_INTEL_CAT_C2 },          /* ProofPoint ET, CamelCase */
        { "Mobile_CnC", VG_INTEL_CAT_C2 },          /* ProofPoint ET */
        { "Command-and-Control", VG_INTEL_CAT_C2 }, /* any separators */
        { "XMRig mining pool", VG_INTEL_CAT_CRYPTOCURRENCY },
        { "Bitcoin_Related", VG_INTEL_CAT_CRYPTOCURRENCY }, /* ProofPoint ET */
        { "Monero miner", VG_INTEL_CAT_CRYPTOCURRENCY },
        { "Trojan.CoinMiner", VG_INTEL_CAT_CRYPTOCURRENCY },
        { "Sinkhole", VG_INTEL_CAT_BLACKHOLE },
        { "Blackhole", VG_INTEL_CAT_BLACKHOLE },           /* ProofPoint ET */
        { "sinkholed Emotet C2", VG_INTEL_CAT_BLACKHOLE }, /* dead C2: a sinkhole now */
        { "Drop", VG_INTEL_CAT_DROPPOINT },                /* ProofPoint ET */
        { "credential drop point", VG_INTEL_CAT_DROPPOINT },
        { "exfiltration server", VG_INTEL_CAT_DROPPOINT },
        { "Scanner", VG_INTEL_CAT_SCANNER },
        { "masscan host", VG_INTEL_CAT_SCANNER },
        { "SSH scanning", VG_INTEL_CAT_SCANNER },
        { "Tor exit node", VG_INTEL_CAT_TOR },
        { "TorNode", VG_INTEL_CAT_TOR }, /* ProofPoint ET */
        { "Tor exit node; mass scanner", VG_INTEL_CAT_SCANNER },
        { "DGA", VG_INTEL_CAT_DGA },
        { "Conficker domain generation algorithm", VG_INTEL_CAT_DGA },
        { "Drive-by download", VG_INTEL_CAT_DRIVEBY },
        { "RIG exploit kit landing", VG_INTEL_CAT_DRIVEBY },
        { "Malvertising redirect", VG_INTEL_CAT_DRIVEBY },
        { "Phishing", VG_INTEL_CAT_PHISHING },
        { "Mentor phishing kit", VG_INTEL_CAT_PHISHING }, /* "tor" inside a word: not Tor */
        { "credential phish", VG_INTEL_CAT_PHISHING },
        { "abused dynamic DNS", VG_INTEL_CAT_ABUSED },
        { "Suspicious", VG_INTEL_CAT_SUSPICIOUS },
        { "Suspicious phishing page", VG_INTEL_CAT_PHISHING }, /* the threat beats the verdict */
        { "DGA C2", VG_INTEL_CAT_C2 },
        /* look-alikes */
        { "", VG_INTEL_CAT_OTHER },
        { "Compromised", VG_INTEL_CAT_OTHER },
        { "Log4j Related", VG_INTEL_CAT_OTHER },
        { "ABC2 campaign", VG_INTEL_CAT_OTHER },           /* not the word C2 */
        { "Spamhaus DROP", VG_INTEL_CAT_OTHER },           /* Don't Route Or Peer, a blocklist */
        { "Emotet dropper", VG_INTEL_CAT_OTHER },          /* malware, not a drop point */
        { "CryptoLocker ransomware", VG_INTEL_CAT_OTHER }, /* "crypto" is not mining */
        { "determining factor", VG_INTEL_CAT_OTHER },      /* "mining" inside a word */
        { "SBL123456", VG_INTEL_CAT_OTHER },
        { "Abuse.ch feed", VG_INTEL_CAT_OTHER }, /* not the word "abused" */
        { "kdga-loader", VG_INTEL_CAT_OTHER },   /* not the word DGA */
        { "phi shing", VG_INTEL_CAT_OTHER },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        enum vg_intel_category got = vg_intel_category_infer(vg_str_from(cases[i].name));
        if (got != cases[i].want)
            fail_msg("'%s': want %s, got %s", cases[i].name, vg_intel_category_name(cases[i].want),
                     vg_intel_category_name(got));
    }
    /* a name longer than any threat name is read in part, never past its end */
    char long_name[600];
    memset(long_name, 'a', sizeof(long_name));
    memcpy(long_name + 590, " sinkhole", 9);
    assert_int_equal(vg_intel_category_infer((struct vg_str){ long_name, sizeof(long_name) }),
                     VG_INTEL_CAT_OTHER);

    for (int c = 0; c < VG_INTEL_CAT_COUNT; c++) {
        enum vg_intel_category back;
        assert_true(vg_intel_category_parse(
            vg_str_from(vg_intel_category_name((enum vg_intel_category)c)), &back));
        assert_int_equal(back, c);
    }
    enum vg_intel_category x;
    assert_false(vg_intel_category_parse(VG_STR("C2"), &x));
    assert_false(vg_intel_category_parse(VG_STR("c2 "), &x));
}

/* A hit carries the list's declared category, else its threat name's. */
static void test_intel_hit_category(void **state)
{
    (void)state;
    vg_diag_init(&diag, 0, NULL, NULL);
    struct vg_intel_builder *b = vg_intel_builder_new();
    uint32_t a, d;
    vg_intel_builder_list(b, "auto", "a.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, &a);
    vg_intel_builder_list(b, "pools", "d.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, &d);
    add(b, a, "45.33.32.156", "Cobalt Strike C&C");
    add(b, a, "45.33.32.157", "");
    add(b, a, "45.33.32.158", "Cobalt Strike C&C"); /* the same meta as the first */
    add(b, d, "45.33.32.156", "Cobalt Strike C&C"); /* the list's category wins */
    vg_intel_builder_categorize(b, d, VG_INTEL_CAT_CRYPTOCURRENCY);
    struct vg_intel *in = vg_intel_freeze(b);
    assert_non_null(in);
    struct vg_intel_match m;
    assert_true(match_ip(in, "45.33.32.156", &m));
    assert_int_equal(m.count, 2);
    for (unsigned i = 0; i < m.count; i++)
        assert_int_equal(m.hits[i].category, m.hits[i].list == vg_intel_list_at(in, 0)
                                                 ? VG_INTEL_CAT_C2
                                                 : VG_INTEL_CAT_CRYPTOCURRENCY);
    assert_true(match_ip(in, "45.33.32.157", &m));
    assert_int_equal(m.hits[0].category, VG_INTEL_CAT_OTHER);
    assert_true(match_ip(in, "45.33.32.158", &m));
    assert_int_equal(m.hits[0].category, VG_INTEL_CAT_C2);
    assert_int_equal(vg_intel_list_at(in, 0)->category, VG_INTEL_CAT_AUTO);
    vg_intel_free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intel_ip_cidr_range_and_overlap),
        cmocka_unit_test(test_intel_trusted_wins),
        cmocka_unit_test(test_intel_domains),
        cmocka_unit_test(test_intel_matches_naive_reference),
        cmocka_unit_test(test_intel_publish_while_reading),
        cmocka_unit_test(test_intel_category_infer),
        cmocka_unit_test(test_intel_hit_category),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
