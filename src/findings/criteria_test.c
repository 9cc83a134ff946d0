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
    assert_true(vg_criteria_match(c, "{}", 2));
    assert_false(vg_criteria_match(c, "not json", 8)); /* even with nothing to check */
    assert_false(vg_criteria_match(c, "[]", 2));
    vg_criteria_free(c);
    const char *cr = "{\"criterion\":{\"region\":{\"equals\":[\"x\"]}}}";
    assert_int_equal(vg_criteria_parse(cr, strlen(cr), &c, why, sizeof(why)), VG_OK);
    assert_false(vg_criteria_match(c, "{\"region\":", 10));
    vg_criteria_free(c);
}

/* Compile {"criterion":{"v":{"matches":[pat]}}} and match it against {"v":text}. */
static bool glob_matches(const char *pat, const char *text, size_t text_len)
{
    struct vg_buf crit = VG_BUF_INIT, f = VG_BUF_INIT;
    vg_buf_adds(&crit, "{\"criterion\":{\"v\":{\"matches\":[");
    vg_buf_add_json_str(&crit, vg_str_from(pat));
    vg_buf_adds(&crit, "]}}}");
    vg_buf_adds(&f, "{\"v\":");
    vg_buf_add_json_str(&f, (struct vg_str){ text, text_len });
    vg_buf_adds(&f, "}");
    struct vg_criteria *c;
    char why[256];
    if (vg_criteria_parse(crit.data, crit.len, &c, why, sizeof(why)) != VG_OK)
        fail_msg("pattern '%s' refused: %s", pat, why);
    bool m = vg_criteria_match(c, f.data, f.len);
    vg_criteria_free(c);
    vg_buf_release(&crit);
    vg_buf_release(&f);
    return m;
}

static void test_criteria_glob_table(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *text;
        bool want;
    } cases[] = {
        { "abc", "abc", true },
        { "abc", "abcd", false },
        { "", "", true },
        { "", "a", false },
        { "*", "", true },
        { "**", "", true },
        { "*", "anything at all", true },
        { "a*", "a", true },
        { "*a", "ba", true },
        { "*a", "ab", false },
        { "a*b*c", "aXbYc", true },
        { "a*b*c", "acb", false },
        { "a*b*c", "abcbc", true },
        { "ab*ba", "aba", false }, /* prefix and suffix may not share bytes */
        { "ab*ab", "abab", true },
        { "*aa*a", "aaa", true },
        { "*aa*a", "aa", false },
        { "a*?*c", "ac", false },
        { "a*?*c", "abc", true },
        { "*b", "*xb", true }, /* a star in the value is only a byte */
        { "x?z", "x*z", true },
        { "recon:*", "Recon:EC2/Portscan", false }, /* case matters, as in equals */
        /* `?` is one character, not one byte */
        { "?", "\xc3\xa9", true },
        { "??", "\xc3\xa9", false },
        { "?b",
          "\xc3\xa9"
          "b",
          true },
        { "*?", "\xc3\xa9", true },
        { "*??", "\xc3\xa9", false },
        { "a?c",
          "a\xe2\x82\xac"
          "c",
          true },
        { "*\xe2\x82\xac?",
          "x\xe2\x82\xac"
          "y",
          true },
        { "*?x*", "\xc3\xa9\xc3\xa9x", true },
        { "?\xc3\xa9", "\xc3\xa9\xc3\xa9", true },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        if (glob_matches(cases[i].pat, cases[i].text, strlen(cases[i].text)) != cases[i].want)
            fail_msg("case %zu: '%s' against '%s' should be %s", i, cases[i].pat, cases[i].text,
                     cases[i].want ? "true" : "false");
    /* a NUL in the value is a byte like any other */
    assert_true(glob_matches("a?b", "a\0b", 3));
    assert_true(glob_matches("*b", "a\0b", 3));
    assert_false(glob_matches("a", "a\0", 2));
}

static void test_criteria_hostile_sizes(void **state)
{
    (void)state;
    /* a 200 KB value and patterns built to make a backtracking matcher quadratic */
    size_t n = 200000;
    char *text = malloc(n);
    assert_non_null(text);
    memset(text, 'a', n);
    char pat[520];
    pat[0] = '*';
    memset(pat + 1, 'a', 500);
    memcpy(pat + 501, "b", 2);
    assert_false(glob_matches(pat, text, n));
    pat[250] = '?';
    assert_false(glob_matches(pat, text, n));
    pat[501] = '*';
    assert_true(glob_matches(pat, text, n));
    memset(pat, 0, sizeof(pat));
    for (int i = 0; i < 200; i++)
        memcpy(pat + 2 * i, "*a", 2);
    assert_true(glob_matches(pat, text, n));
    free(text);

    /* exactly at the limits is accepted; one past is refused, naming the field */
    struct vg_buf b = VG_BUF_INIT;
    struct vg_criteria *c = NULL;
    char why[256];
    vg_buf_printf(&b, "{\"criterion\":{\"type\":{\"matches\":[\"%0512d\"],\"equals\":[", 0);
    for (int i = 0; i < 50; i++)
        vg_buf_printf(&b, "%s\"%d\"", i ? "," : "", i);
    vg_buf_adds(&b, "]}}}");
    assert_int_equal(vg_criteria_parse(b.data, b.len, &c, why, sizeof(why)), VG_OK);
    vg_criteria_free(c);
    vg_buf_reset(&b);
    vg_buf_adds(&b, "{\"criterion\":{\"type\":{\"notEquals\":[");
    for (int i = 0; i < 51; i++)
        vg_buf_printf(&b, "%s\"%d\"", i ? "," : "", i);
    vg_buf_adds(&b, "]}}}");
    expect_refused(b.data, "criterion.type: notEquals takes at most 50 values");
    vg_buf_reset(&b);
    /* repeated keys cannot multiply conditions */
    vg_buf_adds(&b, "{\"criterion\":{\"severity\":{\"gt\":1");
    for (int i = 0; i < 1000; i++)
        vg_buf_adds(&b, ",\"gt\":1");
    vg_buf_adds(&b, "}}}");
    expect_refused(b.data, "criterion.severity: 'gt' repeats an earlier condition");
    vg_buf_release(&b);
}

static void test_criteria_nul_and_number_text(void **state)
{
    (void)state;
    /* the user agent is `curl/8 "x" <NUL>*`: a value with \u0000 is data, not an end */
    assert_true(match("{\"criterion\":{\"service.action.awsApiCallAction.userAgent\":"
                      "{\"equals\":[\"curl/8 \\\"x\\\" \\u0000*\"]}}}"));
    assert_false(match("{\"criterion\":{\"service.action.awsApiCallAction.userAgent\":"
                       "{\"equals\":[\"curl/8 \\\"x\\\" \\u0000\"]}}}"));
    assert_true(match("{\"criterion\":{\"service.action.awsApiCallAction.userAgent\":"
                      "{\"matches\":[\"*\\u0000?\"]}}}"));
    assert_true(match("{\"criterion\":{\"service.action.awsApiCallAction.userAgent\":"
                      "{\"notMatches\":[\"*\\u0000\"]}}}"));
    /* numbers equal by value when both sides are numbers, never by loose parsing */
    assert_true(match("{\"criterion\":{\"severity\":{\"equals\":[\"8e0\"]}}}"));
    assert_true(match("{\"criterion\":{\"severity\":{\"equals\":[\"08\"]}}}"));
    assert_false(match("{\"criterion\":{\"severity\":{\"equals\":[\"0x8\"]}}}"));
    assert_false(match("{\"criterion\":{\"severity\":{\"equals\":[\" 8\"]}}}"));
    assert_true(match("{\"criterion\":{\"severity\":{\"equals\":[8]}}}"));
    assert_false(match("{\"criterion\":{\"service.archived\":{\"equals\":[\"true\"]}}}"));
    assert_true(match("{\"criterion\":{\"service.count\":{\"equals\":[\"12\"]}}}"));
    /* a string that looks like a number is still compared as text by equals */
    assert_false(match("{\"criterion\":{\"accountId\":{\"equals\":[\"111122223333.0\"]}}}"));
    /* comparisons also take an ISO 8601 bound, and a numeric string */
    assert_true(match("{\"criterion\":{\"updatedAt\":{\"gt\":\"2026-11-01T09:59:59Z\"}}}"));
    assert_false(match("{\"criterion\":{\"updatedAt\":{\"gt\":\"2026-11-01T10:00:00Z\"}}}"));
    assert_true(match("{\"criterion\":{\"updatedAt\":{\"gte\":\"2026-11-01T12:00:00+02:00\"}}}"));
    /* a timestamp field against a text bound that is no time or number never meets it */
    assert_false(match("{\"criterion\":{\"type\":{\"greaterThan\":0}}}"));
}

static void test_criteria_refuses_hostile_criteria(void **state)
{
    (void)state;
    expect_refused("{\"criterion\":{\"severity\":{\"gt\":\"0x10\"}}}",
                   "criterion.severity: gt must be a number");
    expect_refused("{\"criterion\":{\"severity\":{\"lte\":1e999}}}",
                   "criterion.severity: lte must be a number");
    expect_refused("{\"criterion\":{\"severity\":{\"lessThan\":[5]}}}",
                   "criterion.severity: lessThan must be a number");
    expect_refused("{\"criterion\":{\"type\":{\"equals\":[null]}}}",
                   "criterion.type: equals values must be strings");
    expect_refused("{\"criterion\":{\"type\":{\"notMatches\":[[\"x\"]]}}}",
                   "criterion.type: notMatches values must be strings");
    expect_refused("{\"criterion\":{\"type\":{\"matches\":{}}}}",
                   "criterion.type: matches must be an array of strings");
    expect_refused("{\"criterion\":{\"type\":{\"equals\":[\"x\"],\"eq\":[\"y\"]}}}",
                   "criterion.type: 'eq' repeats an earlier condition");
    expect_refused("{\"criterion\":{\"type\":\"Recon\"}}",
                   "criterion.type: a condition object is required");
    expect_refused("{} {}", "findingCriteria must be one JSON object");
    /* client text in a message: control bytes and NULs shown as '?', cut at 32 bytes */
    expect_refused("{\"criterion\":{\"type\":{\"eq\\u0001\\\"x\":[\"a\"]}}}",
                   "criterion.type: unknown condition 'eq?\"x'");
    expect_refused("{\"criterion\":{\"a\\nb\":{\"eq\":[\"a\"]}}}",
                   "criterion: 'a?b' is not a field path");
    expect_refused("{\"criterion\":{\"a\\u0000b\":{\"eq\":[\"a\"]}}}",
                   "criterion: 'a?b' is not a field path");
    expect_refused("{\"criterion\":{\"type\":{\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":1}}}",
                   "criterion.type: unknown condition 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
    expect_refused("{\"findingCriteria\":{}}",
                   "findingCriteria: unknown member 'findingCriteria' (only criterion)");
}

static void test_criteria_refuses_mistakes(void **state)
{
    (void)state;
    expect_refused("{\"criterion\":", "malformed JSON at byte 13: unexpected end of input");
    expect_refused("[]", "findingCriteria must be an object");
    expect_refused("{\"filter\":{}}", "findingCriteria: unknown member 'filter' (only criterion)");
    expect_refused("{\"criterion\":[]}", "criterion must be an object of field paths");
    /* duplicates are ambiguous (readers differ on which one wins), so they are refused */
    expect_refused("{\"criterion\":{},\"criterion\":{\"type\":{\"equals\":[\"x\"]}}}",
                   "findingCriteria: 'criterion' appears twice");
    expect_refused("{\"criterion\":{\"severity\":{\"gt\":1},\"region\":{\"eq\":[\"x\"]},"
                   "\"severity\":{\"lt\":5}}}",
                   "criterion.severity: the field appears twice");
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
    expect_refused(big, "criterion.type: equals value 1 is over 512 bytes");
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
    assert_false(vg_criteria_path_valid(".a"));
    assert_false(vg_criteria_path_valid(""));

    /* arrays give their first element; booleans are text; timestamps in any offset compare as
     * instants; long text is cut, never overrun */
    struct vg_sort_key tag, arch, t1, t2, big;
    vg_sort_key_get(finding, len, "resource.instanceDetails.tags.value", &tag);
    assert_string_equal(tag.text, "bastion");
    vg_sort_key_get(finding, len, "service.archived", &arch);
    assert_true(arch.present && !arch.is_number);
    assert_string_equal(arch.text, "false");
    assert_true(vg_sort_key_cmp(&tag, &arch) < 0); /* text by bytes */
    const char *f1 = "{\"updatedAt\":\"2026-11-01T10:00:00+02:00\"}";
    const char *f2 = "{\"updatedAt\":\"2026-11-01T09:00:00Z\"}";
    vg_sort_key_get(f1, strlen(f1), "updatedAt", &t1);
    vg_sort_key_get(f2, strlen(f2), "updatedAt", &t2);
    assert_true(vg_sort_key_cmp(&t1, &t2) < 0 && vg_sort_key_cmp(&t2, &t1) > 0);
    char fb[400];
    snprintf(fb, sizeof(fb), "{\"v\":\"%0300d\"}", 7);
    fb[8] = 'x'; /* text, not a number */
    vg_sort_key_get(fb, strlen(fb), "v", &big);
    assert_true(big.present && !big.is_number);
    assert_int_equal(strlen(big.text), sizeof(big.text) - 1);
    /* not JSON: absent */
    vg_sort_key_get("{\"v\":", 5, "v", &big);
    assert_false(big.present);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_criteria_equals_and_not_equals),
        cmocka_unit_test(test_criteria_numbers_and_timestamps),
        cmocka_unit_test(test_criteria_paths_arrays_and_absent),
        cmocka_unit_test(test_criteria_wildcards_and_hostile_values),
        cmocka_unit_test(test_criteria_glob_table),
        cmocka_unit_test(test_criteria_hostile_sizes),
        cmocka_unit_test(test_criteria_nul_and_number_text),
        cmocka_unit_test(test_criteria_refuses_mistakes),
        cmocka_unit_test(test_criteria_refuses_hostile_criteria),
        cmocka_unit_test(test_criteria_sort_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
