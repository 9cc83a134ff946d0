/*
 * Unit tests for passive DNS (pdns.c): what is learned from Route 53 Resolver records (A and
 * AAAA answers, not CNAME or PTR data, names in their normal form), event-time filtering, the
 * per-address cap, zone queries, and that a flood of addresses stays in its memory.
 */
#include "enrich/pdns.h"

#include "core/time.h"
#include "parse/route53_test_util.h"

#define T0 1772446504000 /* 2026-03-02T10:15:04Z */

static void on_event(void *ctx, struct vg_event *ev)
{
    vg_pdns_learn(ctx, ev);
}

/* Feed one record: query name, answers (a JSON array), time in seconds after T0. */
static void feed(struct vg_pdns *p, const char *name, const char *answers, int seconds)
{
    char ts[40];
    vg_time_format_iso(T0 + seconds * 1000ll, ts, sizeof(ts));
    vg_test_route53_feed(ts, name, "NOERROR", answers, on_event, p);
}

static struct vg_ip ip_of(const char *text)
{
    struct vg_ip ip;
    assert_true(vg_ip_parse(vg_str_from(text), &ip));
    return ip;
}

static void test_pdns_learns_addresses_of_answers(void **unused)
{
    (void)unused;
    struct vg_pdns *p = vg_pdns_new(1 << 20);
    assert_non_null(p);
    feed(p, "Update.Example.COM.",
         "[{\"Rdata\":\"edge.cdn.example.net.\",\"Type\":\"CNAME\",\"Class\":\"IN\"},"
         "{\"Rdata\":\"185.220.101.4\",\"Type\":\"A\",\"Class\":\"IN\"},"
         "{\"Rdata\":\"2a0b:f4c2::4\",\"Type\":\"AAAA\",\"Class\":\"IN\"}]",
         0);
    feed(p, "update.example.com.",
         "[{\"Rdata\":\"185.220.101.4\",\"Type\":\"A\",\"Class\":\"IN\"}]", 60);
    feed(p, "4.101.220.185.in-addr.arpa.",
         "[{\"Rdata\":\"tor-exit.example.org.\",\"Type\":\"PTR\",\"Class\":\"IN\"}]", 5);

    struct vg_pdns_entry e;
    struct vg_ip v4 = ip_of("185.220.101.4");
    assert_true(vg_pdns_lookup(p, &v4, INT64_MAX, &e));
    assert_int_equal(e.count, 1);
    assert_string_equal(e.names[0].domain, "update.example.com");
    assert_int_equal(e.names[0].answers, 2);
    assert_int_equal(e.names[0].first_ms, T0);
    assert_int_equal(e.names[0].last_ms, T0 + 60000);
    struct vg_ip v6 = ip_of("2a0b:f4c2::4");
    assert_true(vg_pdns_lookup(p, &v6, INT64_MAX, &e));
    assert_string_equal(e.names[0].domain, "update.example.com");
    /* a CNAME target is not an address, a PTR answer is not a forward resolution */
    struct vg_ip other = ip_of("10.0.1.25");
    assert_false(vg_pdns_lookup(p, &other, INT64_MAX, &e));
    assert_int_equal(vg_pdns_stats(p).answers, 3);
    vg_pdns_free(p);
}

static void test_pdns_event_time_and_order(void **unused)
{
    (void)unused;
    struct vg_pdns *p = vg_pdns_new(1 << 20);
    feed(p, "old.example.com.", "[{\"Rdata\":\"45.9.20.1\",\"Type\":\"A\",\"Class\":\"IN\"}]", 0);
    feed(p, "new.example.com.", "[{\"Rdata\":\"45.9.20.1\",\"Type\":\"A\",\"Class\":\"IN\"}]",
         3600);
    struct vg_pdns_entry e;
    struct vg_ip ip = ip_of("45.9.20.1");
    /* a finding whose activity ended before the second answer was not led there by it */
    assert_true(vg_pdns_lookup(p, &ip, T0 + 60000, &e));
    assert_int_equal(e.count, 1);
    assert_string_equal(e.names[0].domain, "old.example.com");
    assert_false(vg_pdns_lookup(p, &ip, T0 - 1, &e));
    /* both, the most recent answer first */
    assert_true(vg_pdns_lookup(p, &ip, INT64_MAX, &e));
    assert_int_equal(e.count, 2);
    assert_string_equal(e.names[0].domain, "new.example.com");
    vg_pdns_free(p);
}

static void test_pdns_caps_names_per_address(void **unused)
{
    (void)unused;
    struct vg_pdns *p = vg_pdns_new(1 << 20);
    char name[64];
    for (int i = 0; i < VG_PDNS_NAMES_PER_IP + 3; i++) {
        snprintf(name, sizeof(name), "n%d.flood.example.", i);
        feed(p, name, "[{\"Rdata\":\"91.92.93.94\",\"Type\":\"A\",\"Class\":\"IN\"}]", i);
    }
    struct vg_pdns_entry e;
    struct vg_ip ip = ip_of("91.92.93.94");
    assert_true(vg_pdns_lookup(p, &ip, INT64_MAX, &e));
    assert_int_equal(e.count, VG_PDNS_NAMES_PER_IP);
    assert_int_equal(e.names_displaced, 3);
    snprintf(name, sizeof(name), "n%d.flood.example", VG_PDNS_NAMES_PER_IP + 2);
    assert_string_equal(e.names[0].domain, name); /* the newest survive */
    vg_pdns_free(p);
}

struct collected {
    unsigned count;
    char first[64];
};

static void collect(void *ctx, const struct vg_pdns_entry *e)
{
    struct collected *c = ctx;
    if (!c->count++)
        vg_ip_format(&e->ip, c->first, sizeof(c->first));
}

static void test_pdns_queries_by_name_and_zone(void **unused)
{
    (void)unused;
    struct vg_pdns *p = vg_pdns_new(1 << 20);
    feed(p, "a.evil.example.", "[{\"Rdata\":\"45.1.1.1\",\"Type\":\"A\",\"Class\":\"IN\"}]", 0);
    feed(p, "b.evil.example.", "[{\"Rdata\":\"45.1.1.2\",\"Type\":\"A\",\"Class\":\"IN\"}]", 0);
    feed(p, "notevil.example.", "[{\"Rdata\":\"45.1.1.3\",\"Type\":\"A\",\"Class\":\"IN\"}]", 0);
    struct collected c = { 0 };
    vg_pdns_each_address_of(p, vg_str_from("b.evil.example"), collect, &c);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.first, "45.1.1.2");
    c = (struct collected){ 0 };
    vg_pdns_each_address_of(p, vg_str_from("*.evil.example"), collect, &c);
    assert_int_equal(c.count, 2); /* not notevil.example: a zone match is on a label boundary */
    c = (struct collected){ 0 };
    vg_pdns_each_address_of(p, vg_str_from("evil.example"), collect, &c);
    assert_int_equal(c.count, 0);
    vg_pdns_free(p);
}

static void test_pdns_flood_stays_bounded(void **unused)
{
    (void)unused;
    struct vg_pdns *p = vg_pdns_new(1 << 20);
    char answers[128];
    for (int i = 0; i < 40000; i++) {
        snprintf(answers, sizeof(answers),
                 "[{\"Rdata\":\"100.%d.%d.1\",\"Type\":\"A\",\"Class\":\"IN\"}]", (i >> 8) & 255,
                 i & 255);
        feed(p, "x.flood.example.", answers, i);
    }
    struct vg_pdns_stats st = vg_pdns_stats(p);
    assert_int_equal(st.answers, 40000);
    assert_true(st.evictions > 0);
    /* the latest addresses are still known */
    struct vg_pdns_entry e;
    struct vg_ip ip = ip_of("100.156.63.1"); /* i = 39999 */
    assert_true(vg_pdns_lookup(p, &ip, INT64_MAX, &e));
    vg_pdns_free(p);
}

/* The default dns.passive_memory keeps what its documentation promises. */
static void test_pdns_default_budget_holds_documented_addresses(void **unused)
{
    (void)unused;
    struct vg_pdns *p = vg_pdns_new((size_t)64 << 20);
    char answers[128], name[64];
    for (int i = 0; i < 32768; i++) {
        snprintf(answers, sizeof(answers),
                 "[{\"Rdata\":\"100.64.%d.%d\",\"Type\":\"A\",\"Class\":\"IN\"}]", i >> 8, i & 255);
        snprintf(name, sizeof(name), "host-%d.example.", i);
        feed(p, name, answers, i);
    }
    assert_int_equal(vg_pdns_stats(p).evictions, 0);
    struct vg_pdns_entry e;
    struct vg_ip ip = ip_of("100.64.0.0");
    assert_true(vg_pdns_lookup(p, &ip, INT64_MAX, &e));
    assert_string_equal(e.names[0].domain, "host-0.example");
    vg_pdns_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdns_learns_addresses_of_answers),
        cmocka_unit_test(test_pdns_event_time_and_order),
        cmocka_unit_test(test_pdns_caps_names_per_address),
        cmocka_unit_test(test_pdns_queries_by_name_and_zone),
        cmocka_unit_test(test_pdns_flood_stays_bounded),
        cmocka_unit_test(test_pdns_default_budget_holds_documented_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
