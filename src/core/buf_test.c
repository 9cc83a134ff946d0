/* Unit tests for core/buf: the cap, and the escaping writers that stand between hostile log
 * bytes and every consumer. */
#include "core/buf.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_buf_json_escaping(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        { "plain", 5, "\"plain\"" },
        { "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
        { "line\nbreak\ttab\r", 15, "\"line\\nbreak\\ttab\\r\"" },
        { "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
        { "nul\0x", 5, "\"nul\\u0000x\"" },
        { "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
        { "bad\xff\xfe", 5, "\"bad\\ufffd\\ufffd\"" },
        { "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" }, /* encoded surrogate */
        { "\xe2\x80\xa8", 3, "\"\\u2028\"" },
        { "</script>", 9, "\"</script>\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vg_buf b = VG_BUF_INIT;
        assert_int_equal(vg_buf_add_json_str(&b, (struct vg_str){ cases[i].in, cases[i].len }),
                         VG_OK);
        assert_string_equal(b.data, cases[i].out);
        vg_buf_release(&b);
    }
}

static void test_buf_printable(void **state)
{
    (void)state;
    struct vg_buf b = VG_BUF_INIT;
    static const char in[] = "ok \x1b[31mred\x07 \xc3\xa9\xff";
    vg_buf_add_printable(&b, (struct vg_str){ in, sizeof(in) - 1 });
    assert_string_equal(b.data, "ok \\x1b[31mred\\x07 \xc3\xa9\\xff");
    vg_buf_release(&b);
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 10);
    assert_int_equal(vg_buf_add(&b, "0123456789", 10), VG_OK);
    assert_int_equal(vg_buf_addc(&b, 'x'), VG_ELIMIT);
    assert_int_equal(b.len, 10);
    vg_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_json_escaping),
        cmocka_unit_test(test_buf_printable),
        cmocka_unit_test(test_buf_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
