/* Which end of a flow record is ours: each rule of flow_sides.h, and the bound on what it
 * learns. */
#include "enrich/flow_sides.h"

#include <setjmp.h>
#include <cmocka.h>

static struct vg_event flow(const char *eni, const char *src, const char *dst)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.source = VG_SOURCE_VPCFLOW;
    ev.flow.interface_id = vg_str_from(eni);
    assert_true(vg_ip_parse(vg_str_from(src), &ev.flow.src));
    assert_true(vg_ip_parse(vg_str_from(dst), &ev.flow.dst));
    return ev;
}

static struct vg_flow_sides *sides(void)
{
    struct vg_flow_sides *s = vg_flow_sides_new(1 << 20);
    assert_non_null(s);
    return s;
}

static void test_flow_direction_field_wins(void **unused)
{
    (void)unused;
    struct vg_flow_sides *s = sides();
    struct vg_event ev = flow("eni-1", "10.0.0.5", "10.0.0.9");
    ev.flow.direction = VG_FLOW_INGRESS;
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_DST);
    ev.flow.direction = VG_FLOW_EGRESS;
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_SRC);
    vg_flow_sides_free(s);
}

/* The private end is ours; the interface then keeps that address for private-to-private flows. */
static void test_private_end_is_learned(void **unused)
{
    (void)unused;
    struct vg_flow_sides *s = sides();
    struct vg_event ev = flow("eni-1", "45.33.32.156", "10.0.0.5");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_DST);
    ev = flow("eni-1", "10.0.0.5", "10.0.7.7");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_SRC);
    ev = flow("eni-1", "10.0.7.7", "10.0.0.5");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_DST);
    /* another interface learned nothing */
    ev = flow("eni-2", "10.0.7.7", "10.0.0.5");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_UNKNOWN);
    vg_flow_sides_free(s);
}

/* IPv6: both ends public; the address repeated across records is the interface's, but a reply
 * (both addresses repeat) decides nothing on its own. */
static void test_ipv6_by_repetition(void **unused)
{
    (void)unused;
    struct vg_flow_sides *s = sides();
    struct vg_event ev = flow("eni-6", "2600:1f18::10", "2a00:1450::1");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_UNKNOWN);
    ev = flow("eni-6", "2a00:1450::1", "2600:1f18::10");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_UNKNOWN);
    ev = flow("eni-6", "2600:1f18::10", "2606:4700::1111");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_SRC);
    ev = flow("eni-6", "2001:4860::8888", "2600:1f18::10");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_DST);
    vg_flow_sides_free(s);
}

/* An inventory address beats the private-end rule (a public address on the interface). */
static void test_inventory_address(void **unused)
{
    (void)unused;
    struct vg_flow_sides *s = sides();
    struct vg_ip ip;
    assert_true(vg_ip_parse(vg_str_from("10.0.0.9"), &ip));
    assert_int_equal(vg_flow_sides_know(s, vg_str_from("eni-9"), &ip), VG_OK);
    struct vg_event ev = flow("eni-9", "10.0.0.9", "10.0.0.5");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_SRC);
    ev = flow("eni-9", "10.0.0.5", "10.0.0.9");
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_DST);
    vg_flow_sides_free(s);
}

static void test_nodata_and_unknown(void **unused)
{
    (void)unused;
    struct vg_flow_sides *s = sides();
    struct vg_event ev = flow("eni-1", "10.0.0.5", "45.33.32.156");
    ev.flow.status = VG_FLOW_NODATA;
    vg_flow_sides_resolve(s, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_UNKNOWN);
    vg_flow_sides_free(s);
}

/* A flood of interfaces cannot grow the learned table: it evicts and counts. */
static void test_bounded(void **unused)
{
    (void)unused;
    struct vg_flow_sides *s = vg_flow_sides_new(64 << 10);
    assert_non_null(s);
    char eni[32];
    for (unsigned i = 0; i < 100000; i++) {
        snprintf(eni, sizeof(eni), "eni-%08x", i);
        struct vg_event ev = flow(eni, "10.0.0.5", "45.33.32.156");
        vg_flow_sides_resolve(s, &ev);
        assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_SRC);
    }
    assert_true(vg_flow_sides_evictions(s) > 90000);
    vg_flow_sides_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_direction_field_wins),
        cmocka_unit_test(test_private_end_is_learned),
        cmocka_unit_test(test_ipv6_by_repetition),
        cmocka_unit_test(test_inventory_address),
        cmocka_unit_test(test_nodata_and_unknown),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
