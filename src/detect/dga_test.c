/* The DGA label score (dga.h): real benign names stay under the threshold, generated ones go
 * over it, names without a scoreable label score 0, and any bytes are safe. */
#include "detect/dga.h"

#include <setjmp.h>
#include <cmocka.h>

/* Real names (popular sites, AWS endpoints, the shared Route 53 corpus) that must stay under. */
static const char *const benign[] = {
    "www.google.com",
    "youtube.com",
    "stackoverflow.com",
    "login.microsoftonline.com",
    "api.github.com",
    "www.wikipedia.org",
    "weather.com",
    "slack.com",
    "salesforce.com",
    "dropbox.com",
    "0.amazon.pool.ntp.org",
    "ssm.us-east-1.amazonaws.com",
    "guarddutyc2activityb.com",
    "update-check.example.net",
    "bbc.co.uk",
    "xkcd.com",           /* too short to judge */
    "xn--80ak6aa92e.com", /* punycode: random by construction */
};

/* Names whose label is handed out or absent: 0 whatever it looks like. */
static const char *const unscored[] = {
    "d1234abcd5ef.cloudfront.net",
    "a1b2c3d4e5f6g7.s3.amazonaws.com",
    "xjwqpzkrvbtd.herokuapp.com",
    "ip-10-0-0-1.ec2.internal",
    "ip-10-0-0-1.us-west-2.compute.internal",
    "15.3.4.32.in-addr.arpa",
    "ec2-54-1-2-3.compute-1.amazonaws.com",
    "10.0.0.1",
    "xjwqpzkrvbtd",
    "",
};

/* Generated the ways DGA families do: random letters, hex, letters and digits. */
static const char *const generated[] = {
    "xjwqpzkrvbtd.com",         "qwmvnbxzlkj.ru",     "kjhgfdsaqwzx.info",   "a3f9c02e7d1b4e5f.net",
    "7c2ac2f76da9e62375d2.net", "x9k2m4q7z1p8w3.biz", "www.tsatvwkcjlj.net",
};

static void test_dga_benign_under(void **state)
{
    (void)state;
    for (size_t i = 0; i < VG_ARRAY_LEN(benign); i++) {
        double s = vg_dga_name_score(vg_str_from(benign[i]));
        if (s >= VG_DGA_THRESHOLD)
            fail_msg("%s scored %.3f", benign[i], s);
    }
}

static void test_dga_unscored(void **state)
{
    (void)state;
    for (size_t i = 0; i < VG_ARRAY_LEN(unscored); i++) {
        double s = vg_dga_name_score(vg_str_from(unscored[i]));
        if (s != 0.0)
            fail_msg("%s scored %.3f", unscored[i], s);
    }
}

static void test_dga_generated_over(void **state)
{
    (void)state;
    for (size_t i = 0; i < VG_ARRAY_LEN(generated); i++) {
        double s = vg_dga_name_score(vg_str_from(generated[i]));
        if (s < VG_DGA_THRESHOLD)
            fail_msg("%s scored %.3f", generated[i], s);
    }
}

/* Case does not matter; the label alone scores the same as the name's registrable label. */
static void test_dga_label_and_case(void **state)
{
    (void)state;
    double a = vg_dga_score("xjwqpzkrvbtd", 12);
    assert_true(a == vg_dga_score("XJWQPZKRVBTD", 12));
    assert_true(a == vg_dga_name_score(VG_STR("www.xjwqpzkrvbtd.com")));
    assert_true(vg_dga_score(NULL, 0) == 0.0);
    assert_true(vg_dga_score("abcde", 5) == 0.0);
}

/* Any bytes, any length: a score in [0, 1], never a crash (ASan/UBSan check the reads). */
static void test_dga_hostile_bytes(void **state)
{
    (void)state;
    static char buf[4096];
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 2000; round++) {
        size_t len = (size_t)(x % sizeof(buf));
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = round % 3 == 0 ? (char)x : "ab.\\-0\x80"[x % 7];
        }
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double s = vg_dga_score(buf, len);
        double n = vg_dga_name_score((struct vg_str){ buf, len });
        assert_true(s >= 0.0 && s <= 1.0);
        assert_true(n >= 0.0 && n <= 1.0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dga_benign_under),   cmocka_unit_test(test_dga_unscored),
        cmocka_unit_test(test_dga_generated_over), cmocka_unit_test(test_dga_label_and_case),
        cmocka_unit_test(test_dga_hostile_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
