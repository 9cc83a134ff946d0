/* The event time AWS writes into log object names (ingest/input.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/time.h"
#include "ingest/input.h"

static int64_t iso(const char *text)
{
    int64_t t;
    assert_true(vg_time_parse_iso(vg_str_from(text), &t));
    return t;
}

static void test_name_time(void **state)
{
    (void)state;
    assert_int_equal(vg_input_name_time_ms("AWSLogs/1/CloudTrail/us-east-1/2026/11/01/"
                                           "1_CloudTrail_us-east-1_20261101T1005Z_abc.json.gz",
                                           -1),
                     iso("2026-11-01T10:05:00Z"));
    assert_int_equal(
        vg_input_name_time_ms("x/1_vpcflowlogs_us-east-1_fl-0a_20261101T2355Z_h.log.gz", -1),
        iso("2026-11-01T23:55:00Z"));
    /* digest files carry seconds */
    assert_int_equal(
        vg_input_name_time_ms("1_CloudTrail-Digest_us-east-2_management-events_us-east-1_"
                              "20261103T000000Z.json.gz",
                              -1),
        iso("2026-11-03T00:00:00Z"));
    /* the directory part never counts, and names without a time give the fallback */
    assert_int_equal(vg_input_name_time_ms("_20261101T1005Z_/flows.log", 7), 7);
    assert_int_equal(vg_input_name_time_ms("a_2026110XT1005Z_b", 7), 7);
    assert_int_equal(vg_input_name_time_ms("a_20261101T1005", 7), 7);
    assert_int_equal(vg_input_name_time_ms("a_20261101T10051Z", 7), 7);
    assert_int_equal(vg_input_name_time_ms("a_20261399T1005Z_b", 7), 7); /* not a date */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
