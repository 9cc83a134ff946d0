/* Unit tests for core/ip: parsing and the not-publicly-routable classification. */
#include "core/ip.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_ip_parse_and_classify(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int family;
        bool priv;
    } cases[] = {
        { "198.51.100.7", 4, true }, /* documentation range */
        { "8.8.8.8", 4, false },        { "10.1.2.3", 4, true },
        { "172.16.0.1", 4, true },      { "172.32.0.1", 4, false },
        { "192.168.1.1", 4, true },     { "100.64.0.1", 4, true }, /* CGNAT */
        { "169.254.169.254", 4, true }, { "127.0.0.1", 4, true },
        { "52.95.110.1", 4, false },    { "9.255.255.255", 4, false },
        { "10.255.0.1", 4, true },      { "11.0.0.1", 4, false },
        { "100.63.255.255", 4, false }, { "126.1.2.3", 4, false },
        { "172.15.0.1", 4, false },     { "198.18.0.1", 4, true },
        { "192.0.2.1", 4, true },       { "192.169.0.1", 4, false },
        { "203.0.113.9", 4, true },     { "223.255.255.255", 4, false },
        { "224.0.0.1", 4, true },       { "255.255.255.255", 4, true },
        { "0.1.2.3", 4, true },         { "2001:db8::1", 6, true },
        { "2600:1f18::1", 6, false },   { "fd00::1", 6, true },
        { "fe80::1", 6, true },         { "::ffff:10.0.0.1", 6, true },
        { "::ffff:8.8.8.8", 6, false }, { "::1", 6, true },
        { "256.1.1.1", 0, true },       { "1.2.3", 0, true },
        { "01.2.3.4", 0, true }, /* leading zero: octal to some parsers */
        { "1.2.3.4.5", 0, true },       { "ec2.amazonaws.com", 0, true },
        { "AWS Internal", 0, true },    { "", 0, true },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vg_ip ip;
        bool ok = vg_ip_parse(vg_str_from(cases[i].in), &ip);
        assert_int_equal(ok, cases[i].family != 0);
        assert_int_equal(ip.family, cases[i].family);
        if (ok) {
            assert_int_equal(vg_ip_is_private(&ip), cases[i].priv);
            char text[64];
            vg_ip_format(&ip, text, sizeof(text));
            struct vg_ip again;
            assert_true(vg_ip_parse(vg_str_from(text), &again));
            assert_memory_equal(ip.addr, again.addr, 16);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_parse_and_classify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
