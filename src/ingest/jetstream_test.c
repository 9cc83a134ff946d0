/* Unit tests for what of ingest/jetstream.c needs no server: subjects built from log content.
 * (tests/cluster/ drives the rest against real NATS servers.) */
#include "ingest/jetstream.h"

#include <setjmp.h>
#include <cmocka.h>

static void expect_subject(const char *source, const char *account, const char *region,
                           const char *want)
{
    struct vg_buf b = VG_BUF_INIT;
    assert_int_equal(vg_js_subject(&b, 7, source, account, region), VG_OK);
    assert_string_equal(b.data, want);
    vg_buf_release(&b);
}

static void test_subject_plain(void **state)
{
    (void)state;
    expect_subject("vpcflow", "111122223333", "eu-west-1",
                   "vigil.logs.7.vpcflow.111122223333.eu-west-1");
}

/* An account id or region comes from the log: it can neither add tokens nor wildcards. */
static void test_subject_hostile_tokens(void **state)
{
    (void)state;
    expect_subject("cloudtrail", "1.*.>", "us east\r\n1",
                   "vigil.logs.7.cloudtrail.1____.us_east__1");
    expect_subject("route53", "", NULL, "vigil.logs.7.route53.unknown.unknown");
    char longest[200];
    memset(longest, 'a', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    struct vg_buf b = VG_BUF_INIT;
    assert_int_equal(vg_js_subject(&b, 0, "cloudtrail", longest, "r"), VG_OK);
    assert_int_equal(b.len, strlen("vigil.logs.0.cloudtrail.") + VG_JS_TOKEN_MAX + strlen(".r"));
    vg_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subject_plain),
        cmocka_unit_test(test_subject_hostile_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
