/* Unit tests for findings/criteria: every condition, paths through arrays, absent fields,
 * timestamps, wildcards, legacy keys, malformed criteria and hostile values. */
#include "findings/criteria.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"

/* A finding shaped as vg_render_json writes one, with a hostile user agent. */
static const char finding[] =
    "{\"accountId\":\"111122223333\",\"region\":\"us-east-1\",\"severity\":8,"
    "\"type\":\"UnauthorizedAccess:EC2/SSHBruteForce\",\"updatedAt\":\"2026-11-01T10:00:00.000Z\","
    "\"resource\":{\"resourceType\":\"Instance\",\"instanceDetails\":{\"instanceId\":"
    "\"i-0abc\",\"tags\":[{\"key\":\"role\",\"value\":\"bastion\"},{\"key\":\"env\",\"value\":"
    "\"prod\"}],\"networkInterfaces\":[{\"privateIpAddresses\":[{\"privateIpAddress\":"
    "\"10.0.0.5\"},{\"privateIpAddress\":\"10.0.0.6\"}]}]}},"
    "\"service\":{\"archived\":false,\"count\":12,\"action\":{\"awsApiCallAction\":{"
    "\"userAgent\":\"curl/8 \\\"x\\\" \\u0000*\"}}}}";

static bool match(const char *criteria)
{
    struct vg_criteria *c;
    char why[256];
    int rc = vg_criteria_parse(criteria, strlen(criteria), &c, why, sizeof(why));
    if (rc != VG_OK)
        fail_msg("criteria refused: %s", why);
    bool m = vg_criteria_match(c, finding, strlen(finding));
    vg_criteria_free(c);
    return m;
}

static void expect_refused(const char *criteria, const char *message)
{
    struct vg_criteria *c = NULL;
    char why[256] = "";
    assert_int_equal(vg_criteria_parse(criteria, strlen(criteria), &c, why, sizeof(why)),
                     VG_EFORMAT);
    assert_null(c);
    assert_string_equal(why, message);
}

static void test_criteria_equals_and_not_equals(void **state)
{
    (void)state;
    assert_true(match("{}"));
    assert_true(match("{\"criterion\":{}}"));
    assert_true(match("{\"criterion\":{\"type\":{\"equals\":[\"Recon:EC2/Portscan\","
                      "\"UnauthorizedAccess:EC2/SSHBruteForce\"]}}}"));
    assert_false(match("{\"criterion\":{\"type\":{\"equals\":[\"Recon:EC2/Portscan\"]}}}"));
    assert_true(match("{\"criterion\":{\"type\":{\"notEquals\":[\"Recon:EC2/Portscan\"]}}}"));
    assert_false(match("{\"criterion\":{\"accountId\":{\"notEquals\":[\"111122223333\"]}}}"));
    /* numbers and booleans compare by their text, and 8 is 8.0 */
    assert_true(match("{\"criterion\":{\"severity\":{\"equals\":[\"8\"]}}}"));
    assert_true(match("{\"criterion\":{\"severity\":{\"equals\":[\"8.0\"]}}}"));
    assert_true(match("{\"criterion\":{\"service.archived\":{\"equals\":[\"false\"]}}}"));
    /* fields AND together */
    assert_false(match("{\"criterion\":{\"region\":{\"equals\":[\"us-east-1\"]},"
                       "\"accountId\":{\"equals\":[\"999\"]}}}"));
    /* legacy keys */
    assert_true(match("{\"criterion\":{\"region\":{\"eq\":[\"us-east-1\"]}}}"));
    assert_false(match("{\"criterion\":{\"region\":{\"neq\":[\"us-east-1\"]}}}"));
}

static void test_criteria_numbers_and_timestamps(void **state)
{
    (void)state;
    assert_true(match("{\"criterion\":{\"severity\":{\"greaterThanOrEqual\":8}}}"));
    assert_false(match("{\"criterion\":{\"severity\":{\"greaterThan\":8}}}"));
    assert_true(match("{\"criterion\":{\"severity\":{\"gt\":7,\"lt\":9}}}"));
    assert_false(match("{\"criterion\":{\"severity\":{\"gte\":2,\"lte\":5}}}"));
    assert_true(match("{\"criterion\":{\"service.count\":{\"lessThan\":\"13\"}}}"));
    /* updatedAt against epoch milliseconds, as boto3 callers pass it */
    assert_true(match("{\"criterion\":{\"updatedAt\":{\"greaterThan\":1793520000000}}}"));
    assert_true(match("{\"criterion\":{\"updatedAt\":{\"lessThanOrEqual\":1793527200000}}}"));
    assert_false(match("{\"criterion\":{\"updatedAt\":{\"lessThan\":1793527200000}}}"));
}

static void test_criteria_paths_arrays_and_absent(void **state)
{
    (void)state;
    /* any element of an array may match */
    assert_true(match("{\"criterion\":{\"resource.instanceDetails.networkInterfaces."
                      "privateIpAddresses.privateIpAddress\":{\"equals\":[\"10.0.0.6\"]}}}"));
    assert_true(match("{\"criterion\":{\"resource.instanceDetails.tags.value\":"
                      "{\"equals\":[\"bastion\"]}}}"));
    assert_false(match("{\"criterion\":{\"resource.instanceDetails.tags.value\":"
                       "{\"notEquals\":[\"bastion\"]}}}"));
    /* an absent field meets no positive condition and every negative one */
    assert_false(match("{\"criterion\":{\"resource.s3BucketDetails.name\":"
                       "{\"equals\":[\"x\"]}}}"));
    assert_false(match("{\"criterion\":{\"service.nothing\":{\"greaterThan\":0}}}"));
    assert_true(match("{\"criterion\":{\"service.nothing\":{\"notEquals\":[\"x\"]}}}"));
    assert_true(match("{\"criterion\":{\"service.nothing\":{\"notMatches\":[\"*\"]}}}"));
    /* a path into a scalar finds nothing */
    assert_false(match("{\"criterion\":{\"severity.value\":{\"equals\":[\"8\"]}}}"));
}

static void test_criteria_wildcards_and_hostile_values(void **state)
{
    (void)state;
    assert_true(match("{\"criterion\":{\"type\":{\"matches\":[\"*:EC2/SSH*\"]}}}"));
    assert_true(match("{\"criterion\":{\"resource.instanceDetails.instanceId\":"
                      "{\"matches\":[\"i-0??c\"]}}}"));
    assert_false(match("{\"criterion\":{\"type\":{\"matches\":[\"Recon:*\"]}}}"));
    assert_true(match("{\"criterion\":{\"type\":{\"notMatches\":[\"Recon:*\"]}}}"));
    /* the user agent holds a quote, a NUL and a star: compared as data */
    assert_true(match("{\"criterion\":{\"service.action.awsApiCallAction.userAgent\":"
                      "{\"matches\":[\"curl/8 \\\"x\\\" *\"]}}}"));
    assert_false(match("{\"criterion\":{\"service.action.awsApiCallAction.userAgent\":"
                       "{\"equals\":[\"curl/8 \\\"x\\\" \"]}}}"));
    /* a pattern built to blow up backtracking stays fast and right */
    char pat[600], crit[800];
    memset(pat, 0, sizeof(pat));
    for (int i = 0; i < 100; i++)
        memcpy(pat + 2 * i, "*a", 2);
    snprintf(crit, sizeof(crit), "{\"criterion\":{\"region\":{\"matches\":[\"%sb\"]}}}", pat);
    assert_false(match(crit));
    /* a finding that is not JSON matches nothing */
    struct vg_criteria *c;
    char why[128];
    assert_int_equal(vg_criteria_parse("{}", 2, &c, why, sizeof(why)), VG_OK);
    assert_true(vg_criteria_match(c, "not json", 8)); /* no condition: nothing to check */
    vg_criteria_free(c);
    const char *cr = "{\"criterion\":{\"region\":{\"equals\":[\"x\"]}}}";
    assert_int_equal(vg_criteria_parse(cr, strlen(cr), &c, why, sizeof(why)), VG_OK);
    assert_false(vg_criteria_match(c, "{\"region\":", 10));
    vg_criteria_free(c);
}

static void test_criteria_refuses_mistakes(void **state)
{
    (void)state;
    expect_refused("{\"criterion\":", "malformed JSON at byte 13: unexpected end of input");
    expect_refused("[]", "findingCriteria must be an object");
    expect_refused("{\"filter\":{}}", "findingCriteria: unknown member (only criterion)");
    expect_refused("{\"criterion\":[]}", "criterion must be an object of field paths");
    expect_refused("{\"criterion\":{\"severity\":{\"greaterThan\":\"high\"}}}",
                   "criterion.severity: greaterThan must be a number");
    expect_refused("{\"criterion\":{\"type\":{\"equals\":\"Recon\"}}}",
                   "criterion.type: equals must be an array of strings");
    expect_refused("{\"criterion\":{\"type\":{\"like\":[\"x\"]}}}",
                   "criterion.type: unknown condition 'like'");
    expect_refused("{\"criterion\":{\"type\":{}}}",
                   "criterion.type: a condition object is required");
    expect_refused("{\"criterion\":{\"a..b\":{\"equals\":[\"x\"]}}}",
                   "criterion: 'a..b' is not a field path");
    expect_refused("{\"criterion\":{\"type\":{\"equals\":[{\"x\":1}]}}}",
                   "criterion.type: equals values must be strings");
    char big[700];
    snprintf(big, sizeof(big), "{\"criterion\":{\"type\":{\"equals\":[\"%0600d\"]}}}", 0);
    expect_refused(big, "criterion.type: a equals value is over 512 bytes");
    struct vg_buf many = VG_BUF_INIT;
    vg_buf_adds(&many, "{\"criterion\":{");
    for (int i = 0; i < 51; i++)
        vg_buf_printf(&many, "%s\"f%d\":{\"equals\":[\"x\"]}", i ? "," : "", i);
    vg_buf_adds(&many, "}}");
    expect_refused(many.data, "criterion: at most 50 fields");
    vg_buf_release(&many);
}

static void test_criteria_sort_keys(void **state)
{
    (void)state;
    struct vg_sort_key sev, upd, type, none;
    size_t len = strlen(finding);
    vg_sort_key_get(finding, len, "severity", &sev);
    vg_sort_key_get(finding, len, "updatedAt", &upd);
    vg_sort_key_get(finding, len, "type", &type);
    vg_sort_key_get(finding, len, "resource.s3BucketDetails.name", &none);
    assert_true(sev.present && sev.is_number && sev.number == 8);
    assert_true(upd.is_number && upd.number == 1793527200000.0);
    assert_true(type.present && !type.is_number);
    assert_string_equal(type.text, "UnauthorizedAccess:EC2/SSHBruteForce");
    assert_false(none.present);
    assert_true(vg_sort_key_cmp(&none, &sev) < 0); /* absent first */
    assert_true(vg_sort_key_cmp(&sev, &upd) < 0);
    assert_true(vg_sort_key_cmp(&sev, &type) < 0); /* numbers before text */
    assert_int_equal(vg_sort_key_cmp(&type, &type), 0);
    assert_true(vg_criteria_path_valid("service.action.dnsRequestAction.domain"));
    assert_false(vg_criteria_path_valid("service..x"));
    assert_false(vg_criteria_path_valid("a b"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_criteria_equals_and_not_equals),
        cmocka_unit_test(test_criteria_numbers_and_timestamps),
        cmocka_unit_test(test_criteria_paths_arrays_and_absent),
        cmocka_unit_test(test_criteria_wildcards_and_hostile_values),
        cmocka_unit_test(test_criteria_refuses_mistakes),
        cmocka_unit_test(test_criteria_sort_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
