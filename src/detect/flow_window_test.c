/* Two-pane windows (sliding, late records, the quiet period after a firing) and the
 * linear-counting bitmaps (exact while sparse, within a few percent at the option maxima). */
#include "detect/flow_window.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/hash.h"

#define T0 1699999800000ll /* a multiple of every pane length used here (10 minutes) */
#define MINUTE 60000ll

static void test_flow_window_slides_by_panes(void **unused)
{
    (void)unused;
    struct vg_flow_window w = { 0 };
    uint32_t panes[2] = { 0, 0 };
    int64_t window = 10 * MINUTE; /* panes of 5 minutes */
    assert_int_equal(vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0, window), 0);
    panes[0] = 7;
    /* same pane */
    assert_int_equal(vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + 4 * MINUTE, window), 0);
    assert_int_equal(panes[0], 7);
    /* next pane: the current one becomes the previous */
    assert_int_equal(vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + 5 * MINUTE, window), 0);
    assert_int_equal(panes[0], 0);
    assert_int_equal(panes[1], 7);
    panes[0] = 3;
    /* a late record of the previous pane still counts there; an older one is ignored */
    assert_int_equal(vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + MINUTE, window), 1);
    assert_int_equal(vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 - MINUTE, window), -1);
    assert_int_equal(panes[0], 3);
    assert_int_equal(panes[1], 7);
    /* a gap of two panes or more forgets both */
    assert_int_equal(vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + 15 * MINUTE, window),
                     0);
    assert_int_equal(panes[0], 0);
    assert_int_equal(panes[1], 0);
}

/* After a firing the key stays quiet until the pane it fired in has left the window. */
static void test_flow_window_quiet_after_firing(void **unused)
{
    (void)unused;
    struct vg_flow_window w = { 0 };
    uint32_t panes[2] = { 0, 0 };
    int64_t window = 10 * MINUTE;
    assert_true(vg_flow_window_may_fire(&w));
    vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + 2 * MINUTE, window);
    vg_flow_window_fired(&w, window);
    assert_false(vg_flow_window_may_fire(&w));
    vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + 9 * MINUTE, window);
    assert_false(vg_flow_window_may_fire(&w)); /* the firing pane is still the previous one */
    vg_flow_window_slide(&w, panes, sizeof(panes[0]), T0 + 10 * MINUTE, window);
    assert_true(vg_flow_window_may_fire(&w));
}

static void test_flow_window_words(void **unused)
{
    (void)unused;
    char buf[32];
    assert_string_equal(vg_flow_window_words(10 * MINUTE, buf, sizeof(buf)), "10 minutes");
    assert_string_equal(vg_flow_window_words(MINUTE, buf, sizeof(buf)), "1 minute");
    assert_string_equal(vg_flow_window_words(60 * MINUTE, buf, sizeof(buf)), "1 hour");
    assert_string_equal(vg_flow_window_words(90000, buf, sizeof(buf)), "90 seconds");
    assert_string_equal(vg_flow_window_words(1500, buf, sizeof(buf)), "1500 ms");
}

static uint64_t item_hash(uint64_t i)
{
    return vg_hash64(&i, sizeof(i), 0);
}

/* Sparse bitmaps count (nearly) exactly; a repeat never counts twice; the two panes union. */
static void test_flow_distinct_small_counts(void **unused)
{
    (void)unused;
    uint64_t a[8] = { 0 }, b[8] = { 0 };
    for (uint64_t i = 0; i < 10; i++)
        vg_flow_distinct_add(a, 8, item_hash(i));
    assert_false(vg_flow_distinct_add(a, 8, item_hash(3)));
    uint64_t n = vg_flow_distinct_count(a, b, 8);
    assert_in_range(n, 9, 10);
    /* the same items in the other pane add nothing; new ones do */
    for (uint64_t i = 5; i < 20; i++)
        vg_flow_distinct_add(b, 8, item_hash(i));
    n = vg_flow_distinct_count(a, b, 8);
    assert_in_range(n, 18, 21);
}

/* At each table's option maximum (1,000 ports in 512 bits, 4,000 hosts in 1,984 bits) the
 * estimate is within 10% (its standard error is under 5%); a full bitmap saturates, it does not
 * wrap. */
static void test_flow_distinct_accuracy_at_the_maxima(void **unused)
{
    (void)unused;
    static const struct {
        size_t words;
        uint64_t items;
    } cases[] = { { 8, 1000 }, { 31, 4000 } };
    for (size_t c = 0; c < VG_ARRAY_LEN(cases); c++) {
        uint64_t a[31] = { 0 }, b[31] = { 0 };
        for (uint64_t i = 0; i < cases[c].items; i++)
            vg_flow_distinct_add(i % 2 ? a : b, cases[c].words, item_hash(i + 1000000 * c));
        uint64_t n = vg_flow_distinct_count(a, b, cases[c].words);
        assert_in_range(n, cases[c].items * 9 / 10, cases[c].items * 11 / 10);
    }
    uint64_t full[8], none[8] = { 0 };
    memset(full, 0xff, sizeof(full));
    assert_true(vg_flow_distinct_count(full, none, 8) > 3000); /* 512 ln 512 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_window_slides_by_panes),
        cmocka_unit_test(test_flow_window_quiet_after_firing),
        cmocka_unit_test(test_flow_window_words),
        cmocka_unit_test(test_flow_distinct_small_counts),
        cmocka_unit_test(test_flow_distinct_accuracy_at_the_maxima),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
