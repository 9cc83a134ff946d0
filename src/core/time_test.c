/* Unit tests for core/time: RFC 3339 parsing and formatting. */
#include "core/time.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_time_parse_cases(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool ok;
        int64_t ms;
    } cases[] = {
        { "1970-01-01T00:00:00Z", true, 0 },
        { "2024-03-12T10:00:00Z", true, 1710237600000 },
        { "2024-03-12T10:00:00.123Z", true, 1710237600123 },
        { "2024-03-12T10:00:00.5Z", true, 1710237600500 },
        { "2024-03-12T12:00:00+02:00", true, 1710237600000 },
        { "2024-03-12T05:30:00-04:30", true, 1710237600000 },
        { "20240312T100000Z", true, 1710237600000 },
        { "2024-02-29T00:00:00Z", true, 1709164800000 },
        { "2023-02-29T00:00:00Z", false, 0 },
        { "2024-03-12T10:00:00", false, 0 }, /* no zone */
        { "2024-13-01T00:00:00Z", false, 0 },
        { "2024-03-12T24:00:00Z", false, 0 },
        { "2024-03-12T10:00:00Zjunk", false, 0 },
        { "2024-03-12T10:00:00.Z", false, 0 },
        { "", false, 0 },
        { "not a time at all!!", false, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = -1;
        bool ok = vg_time_parse_iso(vg_str_from(cases[i].in), &ms);
        assert_int_equal(ok, cases[i].ok);
        if (ok)
            assert_int_equal(ms, cases[i].ms);
    }
}

static void test_time_format_roundtrip(void **state)
{
    (void)state;
    static const int64_t values[] = { 0, 1710237600123, 951782400000 /* 2000-02-29 */,
                                      4102444799999 };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char buf[40];
        int64_t back;
        size_t n = vg_time_format_iso(values[i], buf, sizeof(buf));
        assert_int_equal(n, 24);
        assert_true(vg_time_parse_iso(vg_str_from(buf), &back));
        assert_int_equal(back, values[i]);
    }
    char buf[40];
    vg_time_format_iso(1710237600123, buf, sizeof(buf));
    assert_string_equal(buf, "2024-03-12T10:00:00.123Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parse_cases),
        cmocka_unit_test(test_time_format_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
