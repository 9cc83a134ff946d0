/* Address owners: ASN ranges, AWS ranges, MaxMind databases (enrich/ipinfo.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <unistd.h>

#include "enrich/ipinfo.h"

static char dir[64];

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/vigil-ipinfo-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* One file of `text` loaded (a folder when as_folder) and frozen. */
static struct vg_ipinfo *load(const char *name, const char *text, bool as_folder,
                              struct vg_diag *diag)
{
    char path[256];
    write_file(name, text, path, sizeof(path));
    vg_diag_init(diag, 10, NULL, NULL);
    struct vg_ipinfo *info = vg_ipinfo_new();
    assert_int_equal(vg_ipinfo_load(info, as_folder ? dir : path, diag), VG_OK);
    assert_int_equal(vg_ipinfo_freeze(info), VG_OK);
    return info;
}

static struct vg_ip ip(const char *text)
{
    struct vg_ip a;
    assert_true(vg_ip_parse(vg_str_from(text), &a));
    return a;
}

static const char asn_csv[] =
    "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
    "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
    "1.0.5.0,1.0.5.127,64510,Nested Customer\n"
    "1.0.8.0,1.0.8.255,38803,Gtelecom Pty Ltd\n"
    "not,a,range\n"
    "1.0.9.0,1.0.9.255,AS64500,\"Says \"\"hi\"\"\"\n"
    "1.0.20.0,1.0.10.0,1,backwards\n"
    "2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n"
    "1.0.30.0,1.0.30.255,64501,"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "X\n"
    "\n";

static void test_ipinfo_asn_csv(void **state)
{
    (void)state;
    struct vg_diag diag;
    struct vg_ipinfo *info = load("asn.csv", asn_csv, false, &diag);
    const struct vg_ipinfo_stats *st = vg_ipinfo_stats(info);
    assert_int_equal(st->asn_ranges_v4, 6);
    assert_int_equal(st->asn_ranges_v6, 1);
    assert_int_equal(st->bad, 2);
    assert_non_null(strstr(diag.last, "asn.csv:7:")); /* the last bad line, by file and line */
    struct vg_ipinfo_result r;
    struct vg_ip a = ip("1.0.0.0");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 13335);
    assert_string_equal(r.asn_org, "Cloudflare, Inc.");
    a = ip("1.0.0.255"); /* the last address of a range */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 13335);
    a = ip("1.0.1.0"); /* between ranges */
    assert_false(vg_ipinfo_lookup(info, &a, &r));
    a = ip("1.0.5.5"); /* a customer range nested in its provider's */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 64510);
    a = ip("1.0.5.200"); /* past the nested one, still the provider's */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 38803);
    a = ip("1.0.6.1");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 38803);
    a = ip("::ffff:1.0.0.7"); /* IPv4-mapped */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 13335);
    a = ip("1.0.8.7");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_string_equal(r.asn_org, "Gtelecom Pty Ltd");
    a = ip("1.0.9.1");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 64500);
    assert_string_equal(r.asn_org, "Says \"hi\"");
    a = ip("1.0.30.9"); /* 130 two-byte characters and an X: cut whole, before the X */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(strlen(r.asn_org), 254);
    assert_int_equal((unsigned char)r.asn_org[253], 0xa9);
    a = ip("2001:200:1::5");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_int_equal(r.asn, 2500);
    a = ip("2001:201::");
    assert_false(vg_ipinfo_lookup(info, &a, &r));
    a = ip("0.0.0.1");
    assert_false(vg_ipinfo_lookup(info, &a, &r));
    vg_ipinfo_free(info);
}

static const char ranges_json[] =
    "{\"syncToken\":\"1764547200\",\"createDate\":\"2025-12-01-00-00-00\",\"prefixes\":["
    "{\"ip_prefix\":\"3.0.0.0/9\",\"region\":\"GLOBAL\",\"service\":\"AMAZON\","
    "\"network_border_group\":\"GLOBAL\"},"
    "{\"ip_prefix\":\"3.5.140.0/22\",\"region\":\"ap-northeast-2\",\"service\":\"AMAZON\","
    "\"network_border_group\":\"ap-northeast-2\"},"
    "{\"ip_prefix\":\"3.5.140.0/22\",\"region\":\"ap-northeast-2\",\"service\":\"S3\","
    "\"network_border_group\":\"ap-northeast-2\"},"
    "{\"ip_prefix\":\"52.94.76.0/22\",\"region\":\"us-west-2\",\"service\":\"EC2\","
    "\"network_border_group\":\"us-west-2\"},"
    "{\"ip_prefix\":\"bogus\",\"region\":\"x\",\"service\":\"y\"}],"
    "\"ipv6_prefixes\":[{\"ipv6_prefix\":\"2600:1f14::/35\",\"region\":\"us-west-2\","
    "\"service\":\"EC2\",\"network_border_group\":\"us-west-2\"}]}";

static void test_ipinfo_aws_ranges(void **state)
{
    (void)state;
    struct vg_diag diag;
    struct vg_ipinfo *info = load("ip-ranges.json", ranges_json, true, &diag); /* by content */
    assert_int_equal(vg_ipinfo_stats(info)->aws_prefixes, 5);
    assert_int_equal(vg_ipinfo_stats(info)->bad, 1);
    assert_string_equal(vg_ipinfo_aws_sync_token(info), "1764547200");
    struct vg_ipinfo_result r;
    struct vg_ip a = ip("3.5.141.9"); /* in the /22 and the /9: the /22 wins, both services */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_string_equal(r.aws_region, "ap-northeast-2");
    assert_string_equal(r.aws_prefix, "3.5.140.0/22");
    assert_int_equal(r.aws_service_count, 2);
    assert_string_equal(r.aws_services[0], "AMAZON");
    assert_string_equal(r.aws_services[1], "S3");
    assert_string_equal(r.aws_sync_token, "1764547200");
    a = ip("3.100.0.1"); /* only the /9 */
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_string_equal(r.aws_region, "GLOBAL");
    assert_string_equal(r.aws_prefix, "3.0.0.0/9");
    a = ip("3.128.0.1"); /* just past the /9 */
    assert_false(vg_ipinfo_lookup(info, &a, &r));
    a = ip("2600:1f14:1234::1");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_string_equal(r.aws_prefix, "2600:1f14::/35");
    assert_string_equal(r.aws_services[0], "EC2");
    vg_ipinfo_free(info);
}

/* The real ip-location-db files when `make enrich-data` has fetched them (libmaxminddb cannot
 * write a database, so there is no small one to make here). */
static void test_ipinfo_mmdb(void **state)
{
    (void)state;
    static const char db[] = "data/enrich/geo-whois-asn-country.mmdb";
    struct vg_diag diag;
    vg_diag_init(&diag, 10, NULL, NULL);
    struct vg_ipinfo *info = vg_ipinfo_new();
    if (access(db, R_OK) != 0) {
        char path[256];
        write_file("fake.mmdb", "not a database", path, sizeof(path));
        assert_int_equal(vg_ipinfo_load(info, path, &diag), VG_EIO); /* read as a CSV: bad */
        vg_ipinfo_free(info);
        skip();
    }
    assert_int_equal(vg_ipinfo_load(info, db, &diag), VG_OK);
    assert_int_equal(vg_ipinfo_freeze(info), VG_OK);
    assert_int_equal(vg_ipinfo_stats(info)->databases, 1);
    struct vg_ipinfo_result r;
    struct vg_ip a = ip("8.8.8.8");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_string_equal(r.country, "US");
    a = ip("2a00:1450:4001::1");
    assert_true(vg_ipinfo_lookup(info, &a, &r));
    assert_true(r.country[0] != '\0');
    vg_ipinfo_free(info);
}

static void test_country_names(void **state)
{
    (void)state;
    assert_string_equal(vg_country_name("US"), "United States");
    assert_string_equal(vg_country_name("AD"), "Andorra");
    assert_string_equal(vg_country_name("ZW"), "Zimbabwe");
    assert_null(vg_country_name("ZZ"));
    assert_null(vg_country_name(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ipinfo_asn_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipinfo_aws_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipinfo_mmdb, setup, teardown),
        cmocka_unit_test(test_country_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
