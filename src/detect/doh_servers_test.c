/* The compiled-in DoH server table: ordered and disjoint (binary search depends on it), and
 * lookups land on the right provider at range edges of both families. */
#include "detect/doh_servers.h"

#include <setjmp.h>
#include <cmocka.h>

static struct vg_ip ip_of(const char *text)
{
    struct vg_ip ip;
    memset(&ip, 0, sizeof(ip));
    assert_true(vg_ip_parse(vg_str_from(text), &ip));
    return ip;
}

static bool is_v4_mapped(const uint8_t a[16])
{
    static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static void test_doh_servers_sorted_disjoint(void **unused)
{
    (void)unused;
    size_t n = vg_doh_servers_count();
    assert_true(n > 0 && n <= VG_DOH_SERVERS_MAX);
    assert_null(vg_doh_servers_at(n));
    for (size_t i = 0; i < n; i++) {
        const struct vg_doh_server *s = vg_doh_servers_at(i);
        assert_non_null(s->provider);
        assert_true(memcmp(s->lo, s->hi, 16) <= 0);
        assert_int_equal(is_v4_mapped(s->lo), is_v4_mapped(s->hi));
        struct vg_ip lo = { .family = is_v4_mapped(s->lo) ? 4 : 6 };
        memcpy(lo.addr, lo.family == 4 ? s->lo + 12 : s->lo, lo.family == 4 ? 4 : 16);
        assert_false(vg_ip_is_private(&lo));
        if (i > 0)
            assert_true(memcmp(vg_doh_servers_at(i - 1)->hi, s->lo, 16) < 0);
    }
}

static void test_doh_servers_find(void **unused)
{
    (void)unused;
    static const struct {
        const char *ip;
        const char *provider; /* NULL: not a DoH server */
    } cases[] = {
        { "1.1.1.1", "Cloudflare" },
        { "1.1.1.3", "Cloudflare" },
        { "1.1.1.4", NULL },
        { "1.0.0.0", NULL },
        { "8.8.8.8", "Google" },
        { "8.8.8.9", NULL },
        { "9.9.9.10", "Quad9" },
        { "45.90.28.0", "NextDNS" },
        { "45.90.28.255", "NextDNS" },
        { "45.90.29.1", NULL },
        { "149.112.112.112", "Quad9" },
        { "151.101.1.69", NULL }, /* a CDN web server */
        { "223.6.6.6", "AliDNS" },
        { "0.0.0.1", NULL },
        { "255.255.255.255", NULL },
        { "2606:4700:4700::1111", "Cloudflare" },
        { "2606:4700:4700::1110", NULL },
        { "2620:fe::fe", "Quad9" },
        { "2a07:a8c0::12:3456", "NextDNS" },
        { "2a10:50c0::ad1:ff", "AdGuard" },
        { "::", NULL },
        { "ffff::1", NULL },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_ip ip = ip_of(cases[i].ip);
        const struct vg_doh_server *s = NULL;
        int idx = vg_doh_servers_find(&ip, &s);
        if (!cases[i].provider) {
            assert_int_equal(idx, -1);
            continue;
        }
        assert_true(idx >= 0);
        assert_ptr_equal(s, vg_doh_servers_at((size_t)idx));
        assert_string_equal(s->provider, cases[i].provider);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doh_servers_sorted_disjoint),
        cmocka_unit_test(test_doh_servers_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
