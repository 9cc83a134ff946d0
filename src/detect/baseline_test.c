/* Profiles and the API -> tactic table: who is profiled, user-agent families, frequency classes
 * and their decay, saturation, the order of tactic rows, and save/load of the tables. */
#include "detect/baseline.h"

#include <setjmp.h>
#include <cmocka.h>

#include "detect/api_tactics.h"

#define DAY 86400000ll
#define T0 (20500 * DAY)

static struct vg_event call(const char *arn, const char *issuer, enum vg_identity_type type,
                            const char *api, const char *ua, const char *ip, int64_t t)
{
    struct vg_event ev = { .source = VG_SOURCE_CLOUDTRAIL, .time_ms = t };
    ev.account_id = VG_STR("111122223333");
    ev.region = VG_STR("us-east-1");
    ev.ct.identity.type = type;
    ev.ct.identity.arn = vg_str_from(arn);
    ev.ct.identity.issuer_arn = vg_str_from(issuer);
    ev.ct.event_source = VG_STR("iam.amazonaws.com");
    ev.ct.event_name = vg_str_from(api);
    ev.ct.user_agent = vg_str_from(ua);
    ev.ct.source_ip_text = vg_str_from(ip);
    assert_true(vg_ip_parse(ev.ct.source_ip_text, &ev.ct.source_ip));
    return ev;
}

static void test_baseline_principal_key(void **unused)
{
    (void)unused;
    static const struct {
        enum vg_identity_type type;
        const char *arn, *issuer, *key; /* NULL key: not profiled */
    } cases[] = {
        { VG_ID_IAM_USER, "arn:aws:iam::1:user/ci", "", "arn:aws:iam::1:user/ci" },
        { VG_ID_ASSUMED_ROLE, "arn:aws:sts::1:assumed-role/ops/alice", "arn:aws:iam::1:role/ops",
          "arn:aws:iam::1:role/ops" },
        /* no issuer logged: the role part of the session ARN */
        { VG_ID_ASSUMED_ROLE, "arn:aws:sts::1:assumed-role/ops/bob", "",
          "arn:aws:sts::1:assumed-role/ops/" },
        { VG_ID_ROOT, "arn:aws:iam::1:root", "", "root" },
        { VG_ID_AWS_SERVICE, "", "", NULL },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_event ev = call(cases[i].arn, cases[i].issuer, cases[i].type, "ListUsers",
                                  "aws-cli/2", "198.51.100.1", T0);
        struct vg_str key;
        bool ok = vg_baseline_principal_key(&ev, &key);
        assert_int_equal(ok, cases[i].key != NULL);
        if (ok)
            assert_true(vg_str_eq_lit(key, cases[i].key));
    }
}

static void test_baseline_features(void **unused)
{
    (void)unused;
    static const struct {
        const char *ua, *family, *ip, *network;
    } cases[] = {
        { "aws-cli/2.15.30 Python/3.11.8", "aws-cli", "198.51.100.7", "198.51.100.0/24" },
        { "[Boto3/1.34.11 md/Botocore#1.34.11]", "Boto3", "2001:db8:1:2::9", "2001:db8:1::/48" },
        { "console.amazonaws.com", "console.amazonaws.com", "203.0.113.9", "203.0.113.0/24" },
        { "", "(none)", "192.0.2.1", "192.0.2.0/24" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_event ev = call("arn:aws:iam::1:user/a", "", VG_ID_IAM_USER, "ListUsers",
                                  cases[i].ua, cases[i].ip, T0);
        struct vg_obs obs;
        vg_baseline_observe(&ev, NULL, &obs);
        assert_string_equal(obs.text[VG_FEAT_API], "iam:ListUsers");
        assert_string_equal(obs.text[VG_FEAT_AGENT], cases[i].family);
        assert_string_equal(obs.text[VG_FEAT_NETWORK], cases[i].network);
        assert_false(obs.has[VG_FEAT_COUNTRY]); /* no address data */
    }
}

static void test_baseline_classes_decay_and_saturate(void **unused)
{
    (void)unused;
    struct vg_baseline *b = vg_baseline_new(4 << 20, 30 * DAY);
    assert_non_null(b);
    struct vg_event ev = call("arn:aws:iam::1:user/ci", "", VG_ID_IAM_USER, "PutImage", "aws-cli/2",
                              "198.51.100.7", T0);
    struct vg_str key;
    assert_true(vg_baseline_principal_key(&ev, &key));
    bool created;
    struct vg_profile *p = vg_baseline_principal(b, &ev, key, &created);
    assert_true(created);
    struct vg_obs obs;
    vg_baseline_observe(&ev, NULL, &obs);
    assert_int_equal(vg_profile_freq(b, p, &obs, VG_FEAT_API), VG_FREQ_UNSEEN);
    for (int day = 0; day < 8; day++) {
        ev.time_ms = T0 + day * DAY;
        vg_baseline_observe(&ev, NULL, &obs);
        vg_profile_learn(b, p, &obs);
        if (day == 0)
            assert_int_equal(vg_profile_freq(b, p, &obs, VG_FEAT_API), VG_FREQ_RARE);
        if (day == 2)
            assert_int_equal(vg_profile_freq(b, p, &obs, VG_FEAT_API), VG_FREQ_INFREQUENT);
    }
    assert_int_equal(vg_profile_freq(b, p, &obs, VG_FEAT_API), VG_FREQ_FREQUENT);
    assert_int_equal(p->active_days, 8);
    assert_true(vg_profile_error_rate(p) == 0);
    obs.failed = true;
    vg_profile_learn(b, p, &obs);
    assert_true(vg_profile_error_rate(p) > 0.1 && vg_profile_error_rate(p) < 0.2);
    obs.failed = false;
    /* unused for half a year, it fades to unseen */
    obs.day = (uint16_t)(obs.day + 200);
    assert_int_equal(vg_profile_freq(b, p, &obs, VG_FEAT_API), VG_FREQ_UNSEEN);

    /* more APIs in daily use than the profile holds: the API feature saturates */
    assert_false(vg_profile_saturated(p, VG_FEAT_API));
    char name[32];
    for (int day = 0; day < 3; day++)
        for (int i = 0; i < 40; i++) {
            snprintf(name, sizeof(name), "Api%d", i);
            struct vg_event e2 = call("arn:aws:iam::1:user/ci", "", VG_ID_IAM_USER, name,
                                      "aws-cli/2", "198.51.100.7", T0 + (10 + day) * DAY);
            vg_baseline_observe(&e2, NULL, &obs);
            vg_profile_learn(b, p, &obs);
        }
    assert_true(vg_profile_saturated(p, VG_FEAT_API));

    /* save and load: the same profile, the same names */
    struct vg_buf saved = VG_BUF_INIT;
    assert_int_equal(vg_baseline_save(b, &saved), VG_OK);
    struct vg_baseline *b2 = vg_baseline_new(4 << 20, 30 * DAY);
    const char *data = saved.data;
    size_t len = saved.len;
    assert_int_equal(vg_baseline_load(b2, &data, &len), VG_OK);
    assert_int_equal(len, 0);
    struct vg_profile *p2 = vg_baseline_principal(b2, &ev, key, &created);
    assert_false(created);
    assert_memory_equal(p, p2, sizeof(*p));
    assert_string_equal(vg_baseline_name(b2, obs.id[VG_FEAT_API]), "iam:Api39");
    /* cut short: refused */
    data = saved.data;
    len = saved.len - 1;
    struct vg_baseline *b3 = vg_baseline_new(4 << 20, 30 * DAY);
    assert_int_equal(vg_baseline_load(b3, &data, &len), VG_EFORMAT);
    vg_baseline_free(b3);
    vg_baseline_free(b2);
    vg_buf_release(&saved);
    vg_baseline_free(b);
}

static void test_tactic_lookup(void **unused)
{
    (void)unused;
    static const struct {
        const char *service, *api;
        bool s3_data;
        enum vg_tactic tactic;
    } cases[] = {
        { "iam", "ListAccessKeys", false, VG_TACTIC_DISCOVERY },    /* exact */
        { "iam", "ListGroupsForUser", false, VG_TACTIC_DISCOVERY }, /* the service's prefix */
        { "dynamodb", "ListTables", false, VG_TACTIC_DISCOVERY },   /* any service's prefix */
        { "iam", "CreateAccessKey", false, VG_TACTIC_PERSISTENCE },
        { "ecr", "PutImage", false, VG_TACTIC_NONE },           /* routine, on purpose */
        { "ecs", "UpdateService", false, VG_TACTIC_NONE },      /* no row */
        { "s3", "PutBucketPolicy", false, VG_TACTIC_IMPACT },   /* management */
        { "s3", "GetObject", true, VG_TACTIC_S3_EXFILTRATION }, /* data event */
        { "s3", "DeleteObjects", true, VG_TACTIC_S3_DELETE },
        { "s3", "ListBuckets", true, VG_TACTIC_NONE }, /* not a data row */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const struct vg_tactic_row *r = vg_tactic_lookup(
            vg_str_from(cases[i].service), vg_str_from(cases[i].api), cases[i].s3_data);
        enum vg_tactic got = r ? r->tactic : VG_TACTIC_NONE;
        if (got != cases[i].tactic)
            fail_msg("%s:%s: tactic %s, expected %s", cases[i].service, cases[i].api,
                     vg_tactic_name(got), vg_tactic_name(cases[i].tactic));
        if (r)
            assert_true(strlen(r->source) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_principal_key),
        cmocka_unit_test(test_baseline_features),
        cmocka_unit_test(test_baseline_classes_decay_and_saturate),
        cmocka_unit_test(test_tactic_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
