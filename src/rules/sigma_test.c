/* Unit tests for rules/sigma: each Sigma feature converted and run against sample CloudTrail
 * records through vigil's own rule tests, refusals with their reasons, and hostile input
 * (aliases, deep conditions, quotes and braces in the text). */
#include "rules/sigma.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "rules/rules.h"

static enum vg_finding_type accept_all(void *ctx, struct vg_rule_type_decl *decl, char *why,
                                       size_t why_cap)
{
    (void)ctx, (void)decl, (void)why, (void)why_cap;
    return (enum vg_finding_type)0;
}

static void keep_reason(void *ctx, const char *file, const char *title, const char *why)
{
    (void)file, (void)title;
    snprintf(ctx, 400, "%s", why);
}

static void collect(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)code;
    vg_buf_printf(ctx, "%s\n", message);
}

#define HEAD "title: T\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n"
#define EVENT(extra)                                                                               \
    "    event: {eventVersion: '1.08', eventTime: '2024-05-01T10:00:00Z', awsRegion: us-east-1, "  \
    "recipientAccountId: '111122223333', " extra "}\n"
#define CASE(name, expect, extra) "  - name: " name "\n    expect: " expect "\n" EVENT(extra)

/* A Sigma rule, and vigil tests (the converted rule's `tests:`) of what it must match. */
struct convert_case {
    const char *sigma;
    const char *tests;
    size_t want_tests;
};

static void run_case(const struct convert_case *c)
{
    char why[400] = "";
    struct vg_sigma s;
    assert_int_equal(vg_sigma_init(&s, keep_reason, why), VG_OK);
    assert_int_equal(vg_sigma_convert(&s, "t.yml", c->sigma, strlen(c->sigma)), VG_OK);
    if (s.converted != 1)
        fail_msg("not converted: %s", why);
    struct vg_buf text, msgs;
    vg_buf_init(&text, 0);
    vg_buf_init(&msgs, 0);
    vg_buf_add(&text, s.out.data, s.out.len);
    vg_buf_printf(&text, "tests:\n%s", c->tests);
    struct vg_diag diag;
    vg_diag_init(&diag, 50, collect, &msgs);
    struct vg_rules *rs = vg_rules_new();
    assert_int_equal(vg_rules_load_text(rs, "out.yml", text.data, text.len, &diag), VG_OK);
    assert_int_equal(vg_rules_freeze(rs, accept_all, NULL, &diag), VG_OK);
    size_t run = 0, failed = 0;
    assert_int_equal(vg_rules_self_test(rs, &diag, &run, &failed), VG_OK);
    if (failed || vg_rules_rejected(rs) || run != c->want_tests)
        fail_msg("%s\n%s", msgs.data ? msgs.data : "", text.data);
    vg_rules_free(rs);
    vg_buf_release(&text);
    vg_buf_release(&msgs);
    vg_sigma_release(&s);
}

static void test_sigma_values_and_null(void **state)
{
    (void)state;
    run_case(&(struct convert_case){
        HEAD "  sel:\n    eventSource: iam.amazonaws.com\n    eventName: [CreateUser, CreateRole]\n"
             "    errorCode: null\n  condition: sel\n",
        CASE("role", "true", "eventSource: iam.amazonaws.com, eventName: CreateRole")
            CASE("denied", "false",
                 "eventSource: iam.amazonaws.com, eventName: CreateRole, errorCode: AccessDenied")
                CASE("other", "false", "eventSource: iam.amazonaws.com, eventName: DeleteUser"),
        3 });
}

static void test_sigma_modifiers(void **state)
{
    (void)state;
    run_case(&(struct convert_case){
        HEAD "  sel:\n    eventName|startswith: Get\n    userAgent|contains|all: [python, boto]\n"
             "    requestParameters.secretId|endswith: ['-PROD', '-live']\n"
             "    sourceIPAddress|cidr: 203.0.113.0/24\n"
             "    userIdentity.userName|re: '^svc-[0-9]+$'\n"
             "  condition: sel\n",
        CASE(
            "all hold", "true",
            "eventSource: x.amazonaws.com, eventName: GetSecretValue, userAgent: 'Boto3/1.0 "
            "Python/3.11', sourceIPAddress: "
            "203.0.113.9, requestParameters: {secretId: db-prod}, userIdentity: {userName: svc-12}")
            CASE("one agent word", "false",
                 "eventSource: x.amazonaws.com, eventName: GetSecretValue, userAgent: "
                 "'Python/3.11', sourceIPAddress: "
                 "203.0.113.9, requestParameters: {secretId: db-prod}, userIdentity: {userName: "
                 "svc-12}")
                CASE("outside the network", "false",
                     "eventSource: x.amazonaws.com, eventName: GetSecretValue, userAgent: 'boto "
                     "python', sourceIPAddress: "
                     "198.51.100.1, requestParameters: {secretId: db-prod}, userIdentity: "
                     "{userName: svc-12}")
                    CASE("regex is case-kept", "false",
                         "eventSource: x.amazonaws.com, eventName: GetSecretValue, userAgent: "
                         "'boto python', sourceIPAddress: "
                         "203.0.113.9, requestParameters: {secretId: db-prod}, userIdentity: "
                         "{userName: SVC-12}"),
        4 });
}

static void test_sigma_wildcards_and_cased(void **state)
{
    (void)state;
    run_case(&(struct convert_case){
        HEAD "  sel:\n    eventName: 'Delete*Policy'\n    userIdentity.accessKeyId|cased: 'ASIA*'\n"
             "    requestParameters.name: 'a?c\\*'\n    errorMessage|contains: '*'\n"
             "  condition: sel\n",
        CASE("match", "true",
             "eventSource: x.amazonaws.com, eventName: DeleteUserPolicy, userIdentity: "
             "{accessKeyId: ASIAX}, requestParameters: "
             "{name: 'ABC*'}, errorMessage: x")
            CASE("cased prefix", "false",
                 "eventSource: x.amazonaws.com, eventName: DeleteUserPolicy, userIdentity: "
                 "{accessKeyId: asiax}, "
                 "requestParameters: {name: 'abc*'}, errorMessage: x")
                CASE("star is literal after backslash", "false",
                     "eventSource: x.amazonaws.com, eventName: DeleteUserPolicy, userIdentity: "
                     "{accessKeyId: ASIAX}, "
                     "requestParameters: {name: abcd}, errorMessage: x")
                    CASE("contains star needs the field", "false",
                         "eventSource: x.amazonaws.com, eventName: DeleteUserPolicy, userIdentity: "
                         "{accessKeyId: ASIAX}, "
                         "requestParameters: {name: 'abc*'}"),
        4 });
}

static void test_sigma_conditions(void **state)
{
    (void)state;
    run_case(&(struct convert_case){
        HEAD "  sel_a:\n    - eventName: StopLogging\n    - eventName: DeleteTrail\n"
             "      eventSource: cloudtrail.amazonaws.com\n"
             "  sel_b:\n    eventName: UpdateDetector\n"
             "  filter_1:\n    userIdentity.type: AssumedRole\n"
             "  filter_2:\n    sourceIPAddress: 10.0.0.1\n"
             "  condition: (1 of sel_*) and not 1 of filter_*\n",
        CASE("stop", "true", "eventSource: x.amazonaws.com, eventName: StopLogging")
            CASE("delete from the wrong source", "false",
                 "eventName: DeleteTrail, eventSource: s3.amazonaws.com")
                CASE("filtered", "false",
                     "eventSource: x.amazonaws.com, eventName: UpdateDetector, userIdentity: "
                     "{type: AssumedRole}") CASE("second filter", "false",
                                                 "eventSource: x.amazonaws.com, eventName: "
                                                 "UpdateDetector, sourceIPAddress: 10.0.0.1"),
        4 });
    run_case(&(struct convert_case){
        HEAD "  one:\n    eventName: ConsoleLogin\n  two:\n    errorMessage|contains: failed\n"
             "  _skip:\n    - keyword\n  condition: all of them\n",
        CASE("both", "true",
             "eventSource: x.amazonaws.com, eventName: ConsoleLogin, errorMessage: 'Failed "
             "authentication'")
            CASE("one", "false", "eventSource: x.amazonaws.com, eventName: ConsoleLogin"),
        2 });
    run_case(&(struct convert_case){
        HEAD "  a:\n    eventName: A\n  b:\n    eventName: B\n  c:\n    errorCode: null\n"
             "  condition: a or b and c\n",
        CASE("a alone", "true", "eventSource: x.amazonaws.com, eventName: A, errorCode: X")
            CASE("b needs c", "false", "eventSource: x.amazonaws.com, eventName: B, errorCode: X")
                CASE("b and c", "true", "eventSource: x.amazonaws.com, eventName: B"),
        3 });
}

static void test_sigma_metadata(void **state)
{
    (void)state;
    const char *sigma = "title: 'Odd {title} \"quoted\"\n  on two lines'\nid: 1234abcd-0000\n"
                        "description: 'Uses {braces} and # hashes'\nlevel: informational\n"
                        "tags: [attack.t1098, attack.privilege-escalation, attack.persistence]\n"
                        "references: [https://example.com/x]\n"
                        "logsource: {product: aws, service: cloudtrail}\n"
                        "detection:\n  sel:\n    eventName: X\n  condition: sel\n";
    struct vg_sigma s;
    assert_int_equal(vg_sigma_init(&s, NULL, NULL), VG_OK);
    assert_int_equal(vg_sigma_convert(&s, "m.yml", sigma, strlen(sigma)), VG_OK);
    assert_int_equal(s.converted, 1);
    const char *out = s.out.data;
    assert_non_null(strstr(out, "id: sigma-1234abcd-0000\n"));
    assert_non_null(
        strstr(out, "type: PrivilegeEscalation:IAMUser/Sigma.OddTitleQuotedOnTwoLines\n"));
    assert_non_null(strstr(out, "title: \"Odd (title) \\\"quoted\\\" on two lines\"\n"));
    assert_non_null(strstr(out, "description: \"Uses {{braces}} and # hashes\"\n"));
    assert_non_null(strstr(out, "severity: low\n"));
    assert_non_null(strstr(out, "  - \"sigma:1234abcd-0000\"\n"));
    assert_non_null(strstr(out, "resource: AccessKey\n"));
    vg_sigma_release(&s);
}

static void test_sigma_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *sigma, *why;
    } cases[] = {
        { "title: T\nlogsource: {product: windows}\ndetection: {s: {a: b}, condition: s}\n",
          "logsource is not AWS CloudTrail" },
        { HEAD "  s: {a|base64offset|contains: x}\n  condition: s\n",
          "modifier 'base64offset' is not supported" },
        { HEAD "  s: {a|windash: x}\n  condition: s\n", "modifier 'windash' is not supported" },
        { HEAD "  s: {a|frobnicate: x}\n  condition: s\n", "unknown modifier 'frobnicate'" },
        { HEAD "  s: {a: b}\n  condition: s | count() by c > 5\n", "aggregation" },
        { HEAD "  s: {a: b}\n  timeframe: 1h\n  condition: s\n", "timeframe" },
        { HEAD "  s: {a: b}\n  t: {c: d}\n  condition: s near t\n", "'near'" },
        { HEAD "  s: [evil, words]\n  condition: s\n", "keyword list" },
        { HEAD "  s: {'|contains': x}\n  condition: s\n", "keyword search" },
        { HEAD "  s: {a: b}\n  condition: 2 of s\n", "only '1 of' and 'all of'" },
        { HEAD "  s: {a: b}\n  condition: x\n", "does not define" },
        { HEAD "  s: {a: b}\n  condition: 1 of z*\n", "matches no search" },
        { HEAD "  s: {a: b}\n  condition: (s\n", "without its ')'" },
        { HEAD "  s: {responseElements|contains: x}\n  condition: s\n", "JSON object" },
        { HEAD "  s: {a|re: '(a)\\1'}\n  condition: s\n", "vigil refuses the converted rule" },
        { HEAD "  s: {a|cidr: 300.1.1.1/8}\n  condition: s\n", "vigil refuses the converted rule" },
        { HEAD "  s: {not: x}\n  condition: s\n", "vigil condition keyword" },
        { HEAD "  s: {a: b}\n  condition: s\nlevel: severe\n", "level 'severe'" },
        { "action: global\n" HEAD "  s: {a: b}\n  condition: s\n", "rule collection" },
        { "title: [\n", "not valid YAML" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char why[400] = "";
        struct vg_sigma s;
        assert_int_equal(vg_sigma_init(&s, keep_reason, why), VG_OK);
        assert_int_equal(vg_sigma_convert(&s, "r.yml", cases[i].sigma, strlen(cases[i].sigma)),
                         VG_OK);
        if (s.converted != 0 || s.refused != 1 || !strstr(why, cases[i].why))
            fail_msg("case %zu: want '%s', got '%s'", i, cases[i].why, why);
        assert_int_equal(s.out.len, 0);
        vg_sigma_release(&s);
    }
}

/* A file with several rules: the good ones convert around a bad one, and a repeated id is
 * refused the second time (the output must load as a whole). */
static void test_sigma_file_of_rules(void **state)
{
    (void)state;
    const char *sigma = "title: A\nid: same\n" HEAD "  s: {eventName: A}\n  condition: s\n"
                        "---\ntitle: B\n" HEAD "  s: {a|base64: x}\n  condition: s\n"
                        "---\ntitle: C\nid: same\n" HEAD "  s: {eventName: C}\n  condition: s\n"
                        "---\ntitle: D\n" HEAD "  s: {eventName: D}\n  condition: s\n";
    char why[400] = "";
    struct vg_sigma s;
    assert_int_equal(vg_sigma_init(&s, keep_reason, why), VG_OK);
    assert_int_equal(vg_sigma_convert(&s, "f.yml", sigma, strlen(sigma)), VG_OK);
    assert_int_equal(s.converted, 2);
    assert_int_equal(s.refused, 2);
    assert_non_null(strstr(why, "another rule already has this id"));
    struct vg_rules *rs = vg_rules_new();
    struct vg_diag diag;
    vg_diag_init(&diag, 10, NULL, NULL);
    assert_int_equal(vg_rules_load_text(rs, "o.yml", s.out.data, s.out.len, &diag), VG_OK);
    assert_int_equal(vg_rules_count(rs), 2);
    assert_int_equal(vg_rules_rejected(rs), 0);
    vg_rules_free(rs);
    vg_sigma_release(&s);
}

/* Aliases that expand to a huge tree, and conditions nested past any sane depth, are refused
 * quickly instead of exhausting time, memory or the stack. */
static void test_sigma_hostile(void **state)
{
    (void)state;
    struct vg_buf b;
    vg_buf_init(&b, 0);
    vg_buf_adds(&b, HEAD "  s:\n    a: &v0 [x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++)
        vg_buf_printf(&b, "  s%d: &v%d [*v%d, *v%d, *v%d, *v%d, *v%d, *v%d, *v%d, *v%d]\n", i, i,
                      i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    vg_buf_adds(&b, "  condition: 1 of s*\n");
    char why[400] = "";
    struct vg_sigma s;
    assert_int_equal(vg_sigma_init(&s, keep_reason, why), VG_OK);
    assert_int_equal(vg_sigma_convert(&s, "h.yml", b.data, b.len), VG_OK);
    assert_int_equal(s.refused, 1);

    vg_buf_reset(&b);
    vg_buf_adds(&b, HEAD "  s: {a: b}\n  condition: ");
    for (int i = 0; i < 100000; i++)
        vg_buf_adds(&b, "(not ");
    vg_buf_adds(&b, "s\n");
    assert_int_equal(vg_sigma_convert(&s, "d.yml", b.data, b.len), VG_OK);
    assert_int_equal(s.refused, 2);
    assert_non_null(strstr(why, "nested too deeply"));

    vg_buf_reset(&b);
    vg_buf_adds(&b, HEAD "  s: {eventName: \"a\\\"b\\n---\\nid: x\\u2028\"}\n  condition: s\n");
    assert_int_equal(vg_sigma_convert(&s, "q.yml", b.data, b.len), VG_OK);
    assert_int_equal(s.converted, 1);
    vg_buf_release(&b);
    vg_sigma_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigma_values_and_null),
        cmocka_unit_test(test_sigma_modifiers),
        cmocka_unit_test(test_sigma_wildcards_and_cased),
        cmocka_unit_test(test_sigma_conditions),
        cmocka_unit_test(test_sigma_metadata),
        cmocka_unit_test(test_sigma_refusals),
        cmocka_unit_test(test_sigma_file_of_rules),
        cmocka_unit_test(test_sigma_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
