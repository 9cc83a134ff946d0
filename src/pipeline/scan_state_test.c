/* `vigil scan --state`: detector state saved after one scan and loaded into the next gives the
 * findings one scan over both parts gives (the golden stories split at the day their attack
 * starts), and a file that is no state is refused without harm. */
#include "pipeline/scan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/time.h"

static void repo_path(char *out, size_t cap, const char *rel)
{
    const char *me = __FILE__, *tail = strstr(me, "src/pipeline/scan_state_test.c");
    int n = tail ? (int)(tail - me) : 0;
    snprintf(out, cap, "%.*s%s", n, me, rel);
}

static void read_file(const char *rel, struct vg_buf *out)
{
    char path[4096], chunk[65536];
    repo_path(path, sizeof(path), rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(vg_buf_add(out, chunk, n), VG_OK);
    fclose(f);
}

/* The findings of one or more runs as a store would keep them: by id, counts added, the
 * latest API and the highest severity. */
#define MAX_SEEN 64

struct seen {
    size_t n;
    struct {
        char id[33];
        char api[64];
        uint64_t count;
        double severity;
    } f[MAX_SEEN];
};

static void summarise(struct vg_scan *s, struct seen *out)
{
    size_t n;
    const struct vg_finding *const *all = vg_findings_sorted(vg_scan_findings(s), &n);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < out->n && strcmp(out->f[k].id, all[i]->id) != 0)
            k++;
        if (k == out->n) {
            assert_true(out->n < MAX_SEEN);
            memcpy(out->f[out->n++].id, all[i]->id, 33);
        }
        snprintf(out->f[k].api, sizeof(out->f[k].api), "%s", all[i]->api ? all[i]->api : "-");
        out->f[k].count += all[i]->count;
        if (all[i]->severity > out->f[k].severity)
            out->f[k].severity = all[i]->severity;
    }
}

static void assert_same(const struct seen *a, const struct seen *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        size_t k = 0;
        while (k < b->n && strcmp(a->f[i].id, b->f[k].id) != 0)
            k++;
        assert_true(k < b->n);
        assert_string_equal(a->f[i].api, b->f[k].api);
        assert_int_equal(a->f[i].count, b->f[k].count);
        assert_true(a->f[i].severity == b->f[k].severity);
    }
}

static struct vg_scan *scan(const struct vg_buf *input, int64_t since, int64_t until,
                            const struct vg_buf *state_in)
{
    struct vg_scan_opts o;
    vg_scan_opts_init(&o);
    o.since_ms = since;
    o.until_ms = until;
    struct vg_scan *s = vg_scan_new(&o);
    assert_non_null(s);
    if (state_in) {
        const char *why = "unset";
        assert_int_equal(vg_scan_state_load(s, state_in->data, state_in->len, &why), VG_OK);
        assert_null(why);
    }
    assert_int_equal(vg_scan_buffer(s, "input.jsonl", input->data, input->len), VG_OK);
    return s;
}

static void check_split(const char *rel, const char *split_at)
{
    struct vg_buf input = VG_BUF_INIT, state = VG_BUF_INIT;
    struct seen whole = { 0 }, parts = { 0 };
    int64_t split;
    assert_true(vg_time_parse_iso(vg_str_from(split_at), &split));
    read_file(rel, &input);

    struct vg_scan *s = scan(&input, INT64_MIN, INT64_MAX, NULL);
    summarise(s, &whole);
    vg_scan_free(s);

    s = scan(&input, INT64_MIN, split, NULL);
    summarise(s, &parts);
    assert_int_equal(vg_scan_state_save(s, &state), VG_OK);
    vg_scan_free(s);
    s = scan(&input, split, INT64_MAX, &state);
    summarise(s, &parts);
    vg_scan_free(s);

    assert_true(whole.n > 0);
    assert_same(&whole, &parts);
    vg_buf_release(&input);
    vg_buf_release(&state);
}

static void test_scan_state_cicd_story_split_before_the_attack(void **unused)
{
    (void)unused;
    check_split("tests/golden/discovery-iamuser-anomalousbehavior/fires-cicd-listaccesskeys/"
                "input.jsonl",
                "2026-03-09T00:00:00Z");
}

static void test_scan_state_s3_story_split_before_the_attack(void **unused)
{
    (void)unused;
    check_split("tests/golden/attacksequence-s3-compromiseddata/fires-list-read-ransom-delete/"
                "input.jsonl",
                "2026-03-09T00:00:00Z");
}

static void test_scan_state_split_inside_the_attack(void **unused)
{
    (void)unused;
    /* the open anomaly finding and the attack sequence carry over */
    check_split("tests/golden/discovery-iamuser-anomalousbehavior/fires-cicd-listaccesskeys/"
                "input.jsonl",
                "2026-03-09T14:04:00Z");
}

static void test_scan_state_refuses_what_is_no_state(void **unused)
{
    (void)unused;
    struct vg_scan_opts o;
    vg_scan_opts_init(&o);
    struct vg_scan *s = vg_scan_new(&o);
    assert_non_null(s);
    const char *why;
    static const char garbage[] = "{\"Records\":[]}";
    assert_int_equal(vg_scan_state_load(s, garbage, sizeof(garbage) - 1, &why), VG_EFORMAT);
    /* a section of a detector this build lacks, and one of another version: skipped */
    static const char other[] = "vigil-state 1\nno-such-detector 1 3\nabcbaseline-anomaly 999 0\n";
    assert_int_equal(vg_scan_state_load(s, other, sizeof(other) - 1, &why), VG_OK);
    assert_non_null(why);
    /* a length running past the end */
    static const char cut[] = "vigil-state 1\nbaseline-anomaly 1 4096\nxx";
    assert_int_equal(vg_scan_state_load(s, cut, sizeof(cut) - 1, &why), VG_EFORMAT);
    /* a section whose tables do not parse: that detector starts afresh */
    static const char bad[] = "vigil-state 1\nbaseline-anomaly 1 3\nabc";
    assert_int_equal(vg_scan_state_load(s, bad, sizeof(bad) - 1, &why), VG_OK);
    assert_non_null(why);
    vg_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_state_cicd_story_split_before_the_attack),
        cmocka_unit_test(test_scan_state_s3_story_split_before_the_attack),
        cmocka_unit_test(test_scan_state_split_inside_the_attack),
        cmocka_unit_test(test_scan_state_refuses_what_is_no_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
