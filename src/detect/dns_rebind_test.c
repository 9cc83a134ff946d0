/*
 * Unit tests for the metadata rebinding rule (dns_rebind.c): which answers point at the
 * metadata service (both addresses, the IPv4-mapped form, through a CNAME chain) and which
 * names are AWS's own (instance-data in its three spellings, in any case), each as a Route 53
 * Resolver record parsed by vg_format_route53 and handed to the detector.
 */
#include "detect/dns_rebind.h"

#include "parse/route53_test_util.h"

struct caught {
    unsigned count;
    enum vg_finding_type type;
    char domain[128];
    char zone[128];
};

static void on_finding(void *ctx, const struct vg_finding_draft *d)
{
    struct caught *c = ctx;
    c->count++;
    c->type = d->type;
    assert_non_null(d->dns);
    assert_true(vg_str_eq(d->counterpart, d->dns->domain));
    snprintf(c->domain, sizeof(c->domain), "%.*s", (int)d->dns->domain.len, d->dns->domain.ptr);
    snprintf(c->zone, sizeof(c->zone), "%.*s", (int)d->dns->domain_with_suffix.len,
             d->dns->domain_with_suffix.ptr);
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct vg_emit emit = { on_finding, ctx };
    vg_detector_dns_rebind.on_event(NULL, ev, &emit);
}

/* Run the detector over one record with this query name and these answers (JSON array). */
static struct caught run(const char *name, const char *answers)
{
    struct caught c = { 0 };
    vg_test_route53_feed("2026-03-02T10:15:04Z", name, "NOERROR", answers, on_event, &c);
    return c;
}

static void test_dns_rebind_cases(void **unused)
{
    (void)unused;
    static const struct {
        const char *name;
        const char *answers;
        bool fires;
    } cases[] = {
        { "rebind.example.com.",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]", true },
        { "v6.example.com.", "[{\"Rdata\":\"fd00:ec2::254\",\"Type\":\"AAAA\",\"Class\":\"IN\"}]",
          true },
        { "mapped.example.com.",
          "[{\"Rdata\":\"::ffff:169.254.169.254\",\"Type\":\"AAAA\",\"Class\":\"IN\"}]", true },
        { "www.example.com.",
          "[{\"Rdata\":\"x.example.net.\",\"Type\":\"CNAME\",\"Class\":\"IN\"},"
          "{\"Rdata\":\"203.0.113.5\",\"Type\":\"A\",\"Class\":\"IN\"},"
          "{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]",
          true },
        /* look-alikes of AWS's names */
        { "instance-data.evil.com.",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]", true },
        { "x.instance-data.ec2.internal.",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]", true },
        { "instance-data.a.b.compute.internal.",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]", true },
        /* AWS's own names */
        { "instance-data.", "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]",
          false },
        { "Instance-Data.EC2.Internal.",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]", false },
        { "instance-data.eu-west-1.compute.internal",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]", false },
        /* other link-local services, and the address only as text */
        { "time.example.com.", "[{\"Rdata\":\"169.254.169.123\",\"Type\":\"A\",\"Class\":\"IN\"}]",
          false },
        { "dns.example.com.", "[{\"Rdata\":\"169.254.169.253\",\"Type\":\"A\",\"Class\":\"IN\"}]",
          false },
        { "254.169.254.169.in-addr.arpa.",
          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"PTR\",\"Class\":\"IN\"}]", false },
        { "txt.example.com.", "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"TXT\",\"Class\":\"IN\"}]",
          false },
        { "nothing.example.com.", "[]", false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct caught c = run(cases[i].name, cases[i].answers);
        if (c.count != (cases[i].fires ? 1u : 0u))
            fail_msg("%s: %u findings", cases[i].name, c.count);
        if (c.count)
            assert_int_equal(c.type, VG_FT_UNAUTHORIZEDACCESS_EC2_METADATADNSREBIND);
    }
}

static void test_dns_rebind_action(void **unused)
{
    (void)unused;
    struct caught c = run("A.Rebind.Example.co.uk.",
                          "[{\"Rdata\":\"169.254.169.254\",\"Type\":\"A\",\"Class\":\"IN\"}]");
    assert_int_equal(c.count, 1);
    assert_string_equal(c.domain, "a.rebind.example.co.uk");
    assert_string_equal(c.zone, "example.co.uk");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns_rebind_cases),
        cmocka_unit_test(test_dns_rebind_action),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
