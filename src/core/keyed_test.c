/* The bounded keyed tables: values persist, memory stays within budget, eviction is counted and
 * takes the least recently used entries. */
#include "core/keyed.h"

#include <setjmp.h>
#include <cmocka.h>

struct key {
    uint64_t a, b;
};

static void test_get_creates_then_finds(void **unused)
{
    (void)unused;
    struct vg_keyed *k = vg_keyed_new(sizeof(struct key), sizeof(uint64_t), 1 << 16);
    assert_non_null(k);
    bool created;
    struct key key = { 1, 2 };
    uint64_t *v = vg_keyed_get(k, &key, &created);
    assert_true(created);
    assert_int_equal(*v, 0);
    *v = 42;
    v = vg_keyed_get(k, &key, &created);
    assert_false(created);
    assert_int_equal(*v, 42);
    struct key other = { 2, 1 };
    assert_null(vg_keyed_find(k, &other));
    assert_int_equal(*(uint64_t *)vg_keyed_find(k, &key), 42);
    vg_keyed_free(k);
}

/* A hostile stream of distinct keys: memory is fixed at creation, the table never holds more
 * than its capacity, and every entry pushed out is counted. */
static void test_bounded_under_distinct_keys(void **unused)
{
    (void)unused;
    size_t budget = 1 << 20;
    struct vg_keyed *k = vg_keyed_new(sizeof(struct key), 16, budget);
    assert_non_null(k);
    assert_true(vg_keyed_memory(k) <= budget + 4096);
    size_t cap = vg_keyed_capacity(k);
    uint64_t n = 1000000;
    for (uint64_t i = 0; i < n; i++) {
        bool created;
        struct key key = { i, ~i };
        uint64_t *v = vg_keyed_get(k, &key, &created);
        assert_true(created);
        v[0] = i;
    }
    assert_true(vg_keyed_evictions(k) >= n - cap);
    assert_true(vg_keyed_evictions(k) <= n);
    /* the newest entries survive, the oldest are gone */
    struct key newest = { n - 1, ~(n - 1) };
    struct key oldest = { 0, ~(uint64_t)0 };
    assert_non_null(vg_keyed_find(k, &newest));
    assert_null(vg_keyed_find(k, &oldest));
    vg_keyed_free(k);
}

/* An entry touched in every generation survives any number of rotations with its value. */
static void test_active_entry_survives_rotation(void **unused)
{
    (void)unused;
    struct vg_keyed *k = vg_keyed_new(sizeof(struct key), sizeof(uint64_t), 1 << 14);
    assert_non_null(k);
    struct key hot = { 7, 7 };
    bool created;
    uint64_t *v = vg_keyed_get(k, &hot, &created);
    *v = 1;
    for (uint64_t i = 0; i < 100000; i++) {
        struct key key = { i + 100, i };
        vg_keyed_get(k, &key, &created);
        if (i % 64 == 0) {
            v = vg_keyed_get(k, &hot, &created);
            assert_false(created);
            (*v)++;
        }
    }
    v = vg_keyed_get(k, &hot, &created);
    assert_false(created);
    assert_int_equal(*v, 1 + (100000 + 63) / 64);
    vg_keyed_free(k);
}

static void test_rejects_oversized_value(void **unused)
{
    (void)unused;
    assert_null(vg_keyed_new(8, VG_KEYED_MAX_VALUE + 1, 1 << 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_creates_then_finds),
        cmocka_unit_test(test_bounded_under_distinct_keys),
        cmocka_unit_test(test_active_entry_survives_rotation),
        cmocka_unit_test(test_rejects_oversized_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
