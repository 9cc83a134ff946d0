/* Registrable domains and name kinds (psl.h): a table of real and hostile names, long names,
 * a property check on generated garbage, and concurrent first use. */
#include "enrich/psl.h"

#include <setjmp.h>
#include <cmocka.h>

struct psl_case {
    const char *name;
    enum vg_psl_kind kind;
    const char *zone; /* NULL: empty */
};

static const struct psl_case cases[] = {
    /* ICANN section */
    { "example.com", VG_PSL_REGISTRABLE, "example.com" },
    { "www.example.com", VG_PSL_REGISTRABLE, "example.com" },
    { "a.b.example.co.uk", VG_PSL_REGISTRABLE, "example.co.uk" },
    { "0.amazon.pool.ntp.org", VG_PSL_REGISTRABLE, "ntp.org" },
    { "sts.amazonaws.com", VG_PSL_REGISTRABLE, "amazonaws.com" },
    { "c2.guarddutyc2activityb.com", VG_PSL_REGISTRABLE, "guarddutyc2activityb.com" },
    { "1.2.3.4.example.com", VG_PSL_REGISTRABLE, "example.com" },
    /* the name is a public suffix: the zone is the name */
    { "com", VG_PSL_SUFFIX, "com" },
    { "uk", VG_PSL_SUFFIX, "uk" },
    { "co.uk", VG_PSL_SUFFIX, "co.uk" },
    { "in-addr.arpa", VG_PSL_SUFFIX, "in-addr.arpa" },
    /* private section: each name under a shared namespace is its own owner */
    { "abc.github.io", VG_PSL_REGISTRABLE, "abc.github.io" },
    { "def.github.io", VG_PSL_REGISTRABLE, "def.github.io" },
    { "x.y.abc.github.io", VG_PSL_REGISTRABLE, "abc.github.io" },
    { "github.io", VG_PSL_SUFFIX, "github.io" },
    { "mybucket.s3.amazonaws.com", VG_PSL_REGISTRABLE, "mybucket.s3.amazonaws.com" },
    { "s3.amazonaws.com", VG_PSL_SUFFIX, "s3.amazonaws.com" },
    { "foo.blogspot.com", VG_PSL_REGISTRABLE, "foo.blogspot.com" },
    /* us-east-1.amazonaws.com is a private suffix (EC2's region names) */
    { "ec2-instance-connect.us-east-1.amazonaws.com", VG_PSL_REGISTRABLE,
      "ec2-instance-connect.us-east-1.amazonaws.com" },
    { "amazonlinux-2-repos-us-east-1.s3.dualstack.us-east-1.amazonaws.com", VG_PSL_REGISTRABLE,
      "amazonlinux-2-repos-us-east-1.s3.dualstack.us-east-1.amazonaws.com" },
    /* wildcard rule *.compute-1.amazonaws.com: an EC2 public host name is itself a suffix */
    { "ec2-54-1-2-3.compute-1.amazonaws.com", VG_PSL_SUFFIX,
      "ec2-54-1-2-3.compute-1.amazonaws.com" },
    { "x.ec2-54-1-2-3.compute-1.amazonaws.com", VG_PSL_REGISTRABLE,
      "x.ec2-54-1-2-3.compute-1.amazonaws.com" },
    /* wildcard *.ck with the exception !www.ck */
    { "a.b.ck", VG_PSL_REGISTRABLE, "a.b.ck" },
    { "b.ck", VG_PSL_SUFFIX, "b.ck" },
    { "www.ck", VG_PSL_REGISTRABLE, "www.ck" },
    { "foo.www.ck", VG_PSL_REGISTRABLE, "www.ck" },
    /* punycode: matched as it is */
    { "a.example.xn--p1ai", VG_PSL_REGISTRABLE, "example.xn--p1ai" },
    { "xn--p1ai", VG_PSL_SUFFIX, "xn--p1ai" },
    { "www.xn--80ak6aa92e.com", VG_PSL_REGISTRABLE, "xn--80ak6aa92e.com" },
    { "xn--c1yn36f.xn--fiqs8s", VG_PSL_REGISTRABLE, "xn--c1yn36f.xn--fiqs8s" },
    /* raw UTF-8 goes through libpsl's IDNA conversion */
    { "a.example.\xd1\x80\xd1\x84", VG_PSL_REGISTRABLE, "example.\xd1\x80\xd1\x84" },
    /* IP literals */
    { "10.0.0.1", VG_PSL_IP, "10.0.0.1" },
    { "169.254.169.254", VG_PSL_IP, "169.254.169.254" },
    { "2001:db8::1", VG_PSL_IP, "2001:db8::1" },
    { "fd00:ec2::254", VG_PSL_IP, "fd00:ec2::254" },
    { "::1", VG_PSL_IP, "::1" },
    /* single labels: search-list host names */
    { "localhost", VG_PSL_SINGLE_LABEL, "localhost" },
    { "ip-10-0-0-1", VG_PSL_SINGLE_LABEL, "ip-10-0-0-1" },
    { "instance-data", VG_PSL_SINGLE_LABEL, "instance-data" },
    { "__cloud_init_expected_not_found__", VG_PSL_SINGLE_LABEL,
      "__cloud_init_expected_not_found__" },
    { "internal", VG_PSL_SINGLE_LABEL, "internal" },
    /* names that never reach the public DNS */
    { "ip-10-0-0-1.ec2.internal", VG_PSL_INTERNAL, "ec2.internal" },
    { "ip-10-0-0-1.us-west-2.compute.internal", VG_PSL_INTERNAL, "compute.internal" },
    { "__cloud_init_expected_not_found__.ec2.internal", VG_PSL_INTERNAL, "ec2.internal" },
    { "printer.local", VG_PSL_INTERNAL, "printer.local" },
    { "example.invalid", VG_PSL_INTERNAL, "example.invalid" },
    { "nas.home.arpa", VG_PSL_INTERNAL, "home.arpa" },
    { "home.arpa", VG_PSL_INTERNAL, "home.arpa" },
    { "db.localdomain", VG_PSL_INTERNAL, "db.localdomain" },
    { "IP-10-0-0-1.EC2.Internal", VG_PSL_INTERNAL, "EC2.Internal" },
    { "notinternal.com", VG_PSL_REGISTRABLE, "notinternal.com" },
    /* reverse lookups */
    { "15.3.4.32.in-addr.arpa", VG_PSL_REVERSE, "32.in-addr.arpa" },
    { "6.c.f.6.a.9.0.e.2.b.9.a.2.f.1.9.2.0.0.4.d.d.a.0.0.4.f.c.2.0.a.2.ip6.arpa", VG_PSL_REVERSE,
      "2.ip6.arpa" },
    /* input that is not quite in normal form */
    { "www.example.com.", VG_PSL_REGISTRABLE, "example.com" },
    { "com.", VG_PSL_SUFFIX, "com" },
    { "WWW.Example.CO.UK", VG_PSL_REGISTRABLE, "Example.CO.UK" },
    { ".example.com", VG_PSL_REGISTRABLE, "example.com" },
    { "a..example.com", VG_PSL_REGISTRABLE, "example.com" },
    /* escapes: "\." is a dot inside a label */
    { "a\\.b.example.com", VG_PSL_REGISTRABLE, "example.com" },
    { "x.evil\\.example.com", VG_PSL_REGISTRABLE, "evil\\.example.com" },
    { "foo\\.co.uk", VG_PSL_REGISTRABLE, "foo\\.co.uk" },
    { "evil\\.com", VG_PSL_SINGLE_LABEL, "evil\\.com" },
    { "x.evil\\.local", VG_PSL_REGISTRABLE, "x.evil\\.local" },
    { "a\\\\.example.com", VG_PSL_REGISTRABLE, "example.com" },
    { "\\000\\001.example.com", VG_PSL_REGISTRABLE, "example.com" },
    { "a.\\.", VG_PSL_REGISTRABLE, "a.\\." },
    /* no zone */
    { "", VG_PSL_INVALID, NULL },
    { ".", VG_PSL_INVALID, NULL },
    { "..", VG_PSL_INVALID, NULL },
    { "a..", VG_PSL_INVALID, NULL },
    { ".com", VG_PSL_INVALID, NULL },
    { "x..co.uk", VG_PSL_INVALID, NULL },
};

static void check(struct vg_str name, enum vg_psl_kind kind, struct vg_str zone)
{
    struct vg_str out;
    enum vg_psl_kind got = vg_psl_registrable(name, &out);
    if (got != kind || !vg_str_eq(out, zone))
        fail_msg("'%.*s': got %s '%.*s', want %s '%.*s'", (int)name.len, name.ptr,
                 vg_psl_kind_name(got), (int)out.len, out.ptr ? out.ptr : "",
                 vg_psl_kind_name(kind), (int)zone.len, zone.ptr ? zone.ptr : "");
    /* the zone is a slice of the name, never a copy */
    if (out.len)
        assert_true(out.ptr >= name.ptr && out.ptr + out.len <= name.ptr + name.len);
}

static void test_psl_table(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        check(vg_str_from(cases[i].name), cases[i].kind,
              cases[i].zone ? vg_str_from(cases[i].zone) : VG_STR_NULL);
}

/* Debian's publicsuffix file is what gets loaded when it is there. */
static void test_psl_source(void **unused)
{
    (void)unused;
    assert_int_equal(vg_psl_init(), VG_OK);
    const char *src = vg_psl_source();
    assert_non_null(src);
    if (access("/usr/share/publicsuffix/public_suffix_list.dat", R_OK) == 0)
        assert_string_equal(src, "/usr/share/publicsuffix/public_suffix_list.dat");
}

/* A NUL byte is an ordinary byte, not the end of the name. */
static void test_psl_nul_byte(void **unused)
{
    (void)unused;
    static const char name[] = "x.ex\0ample.com";
    check((struct vg_str){ name, sizeof(name) - 1 }, VG_PSL_REGISTRABLE,
          (struct vg_str){ name + 2, sizeof(name) - 3 });
    static const char tld[] = "example.c\0m";
    check((struct vg_str){ tld, sizeof(tld) - 1 }, VG_PSL_REGISTRABLE,
          (struct vg_str){ tld, sizeof(tld) - 1 });
}

static char big[1 << 16];

/* labels of `label_len` bytes ('a'), `count` of them, then `suffix`; returns the length */
static size_t build(size_t label_len, size_t count, const char *suffix)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        memset(big + n, 'a', label_len);
        n += label_len;
        big[n++] = '.';
    }
    size_t s = strlen(suffix);
    memcpy(big + n, suffix, s);
    return n + s;
}

/* Long and many-labelled names still have their zone; one huge label is still a label. */
static void test_psl_long_names(void **unused)
{
    (void)unused;
    /* 123 labels, 253 bytes: the longest legal name */
    size_t n = build(1, 120, "example.co.uk");
    assert_int_equal(n, 253);
    check((struct vg_str){ big, n }, VG_PSL_REGISTRABLE, VG_STR("example.co.uk"));
    /* 20 labels above a registrable domain: past the 16-label tail */
    n = build(3, 20, "example.co.uk");
    check((struct vg_str){ big, n }, VG_PSL_REGISTRABLE, VG_STR("example.co.uk"));
    /* 1,000 labels of 63 bytes (names over 253 bytes are data) */
    n = build(63, 1000, "evil.example.com");
    check((struct vg_str){ big, n }, VG_PSL_REGISTRABLE, VG_STR("example.com"));
    /* a 300-byte registrable label: past the 253-byte tail, one more label than the suffix */
    n = build(300, 2, "co.uk");
    check((struct vg_str){ big, n }, VG_PSL_REGISTRABLE, (struct vg_str){ big + 301, n - 301 });
    /* a 300-byte last label: a TLD by the default rule */
    memcpy(big, "x.example.", 10);
    memset(big + 10, 'z', 300);
    check((struct vg_str){ big, 310 }, VG_PSL_REGISTRABLE, (struct vg_str){ big + 2, 308 });
    /* a 60,000-byte single label */
    memset(big, 'q', 60000);
    check((struct vg_str){ big, 60000 }, VG_PSL_SINGLE_LABEL, (struct vg_str){ big, 60000 });
    /* 30,000 dots; 60,000 backslashes then ".com" */
    memset(big, '.', 30000);
    check((struct vg_str){ big, 30000 }, VG_PSL_INVALID, VG_STR_NULL);
    memset(big, '\\', 60000);
    memcpy(big + 60000, ".com", 4);
    check((struct vg_str){ big, 60004 }, VG_PSL_REGISTRABLE, (struct vg_str){ big, 60004 });
    big[0] = 'x'; /* an odd run of backslashes: the dot is escaped, one label */
    check((struct vg_str){ big, 60004 }, VG_PSL_SINGLE_LABEL, (struct vg_str){ big, 60004 });
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Generated names from a hostile alphabet: never a crash, and the zone is always a suffix of
 * the name (its trailing dot aside) that starts at a label. */
static void test_psl_generated(void **unused)
{
    (void)unused;
    static const char alphabet[] = "ab.-_\\.0123456789.\x80\xff\x01Z.:";
    char name[400];
    for (int iter = 0; iter < 200000; iter++) {
        size_t n = next_rand() % sizeof(name);
        for (size_t i = 0; i < n; i++)
            name[i] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
        if (n > 4 && next_rand() % 2)
            memcpy(name + n - 4, ".com", 4);
        struct vg_str out;
        enum vg_psl_kind k = vg_psl_registrable((struct vg_str){ name, n }, &out);
        if (k == VG_PSL_INVALID) {
            assert_int_equal(out.len, 0);
            continue;
        }
        assert_true(out.len > 0);
        size_t end = (size_t)(out.ptr - name) + out.len;
        assert_true(out.ptr >= name && (end == n || (end == n - 1 && name[n - 1] == '.')));
        assert_true(out.ptr == name || out.ptr[-1] == '.');
    }
}

/* The first calls race the load: pthread_once makes them all see the loaded list. */
static void *lookup_thread(void *arg)
{
    int *bad = arg;
    struct vg_str out;
    for (int i = 0; i < 20000; i++) {
        if (vg_psl_registrable(VG_STR("a.b.example.co.uk"), &out) != VG_PSL_REGISTRABLE ||
            !vg_str_eq_lit(out, "example.co.uk"))
            (*bad)++;
    }
    return NULL;
}

/* A repeated lookup answers from the memo: the slice must point into the name passed this time,
 * and a name that differs only in case or length is looked up afresh. */
static void test_psl_repeat_lookup(void **unused)
{
    (void)unused;
    char first[] = "a.b.example.co.uk", second[] = "a.b.example.co.uk",
         upper[] = "A.B.EXAMPLE.CO.UK";
    struct vg_str z1, z2, z3, z4;
    assert_int_equal(vg_psl_registrable(vg_str_from(first), &z1), VG_PSL_REGISTRABLE);
    assert_int_equal(vg_psl_registrable(vg_str_from(second), &z2), VG_PSL_REGISTRABLE);
    assert_ptr_equal(z1.ptr, first + 4);
    assert_ptr_equal(z2.ptr, second + 4);
    assert_int_equal(z2.len, strlen("example.co.uk"));
    assert_int_equal(vg_psl_registrable(vg_str_from(upper), &z3), VG_PSL_REGISTRABLE);
    assert_ptr_equal(z3.ptr, upper + 4);
    assert_int_equal(vg_psl_registrable((struct vg_str){ second + 12, 5 }, &z4), VG_PSL_SUFFIX);
    assert_int_equal(vg_psl_registrable(vg_str_from(""), &z4), VG_PSL_INVALID);
    assert_int_equal(vg_psl_registrable(vg_str_from(""), &z4), VG_PSL_INVALID);
    assert_int_equal(z4.len, 0);
}

static void test_psl_threads(void **unused)
{
    (void)unused;
    pthread_t t[4];
    int bad[4] = { 0 };
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, lookup_thread, &bad[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(bad[i], 0);
    }
}

int main(void)
{
    /* test_psl_threads first, so that its threads are the ones that load the list */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psl_repeat_lookup), cmocka_unit_test(test_psl_threads),
        cmocka_unit_test(test_psl_source),        cmocka_unit_test(test_psl_table),
        cmocka_unit_test(test_psl_nul_byte),      cmocka_unit_test(test_psl_long_names),
        cmocka_unit_test(test_psl_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
