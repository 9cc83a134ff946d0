/* Unit tests for findings/table: aggregation, stable ids, capped memory with eviction. */
#include "findings/table.h"

#include <setjmp.h>
#include <cmocka.h>

#include "findings/catalog.h"

static struct vg_event make_event(const char *key, const char *api, int64_t t_ms)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.source = VG_SOURCE_CLOUDTRAIL;
    ev.time_ms = t_ms;
    ev.account_id = VG_STR("111122223333");
    ev.region = VG_STR("us-east-1");
    ev.ref.source = "test.jsonl";
    ev.ct.identity.type = VG_ID_IAM_USER;
    ev.ct.identity.type_name = VG_STR("IAMUser");
    ev.ct.identity.access_key_id = vg_str_from(key);
    ev.ct.identity.user_name = VG_STR("alice");
    ev.ct.event_name = vg_str_from(api);
    ev.ct.event_source = VG_STR("cloudtrail.amazonaws.com");
    ev.ct.source_ip_text = VG_STR("203.0.113.9");
    vg_ip_parse(ev.ct.source_ip_text, &ev.ct.source_ip);
    return ev;
}

static void add(struct vg_findings *t, const struct vg_event *ev, double severity)
{
    struct vg_finding_draft d = { .type = VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED,
                                  .event = ev,
                                  .severity = severity };
    vg_findings_add(t, &d);
}

static void test_table_aggregates_same_key(void **state)
{
    (void)state;
    struct vg_findings *t = vg_findings_new(10, NULL, NULL);
    struct vg_event a = make_event("AKIAEXAMPLE1", "StopLogging", 1000);
    struct vg_event b = make_event("AKIAEXAMPLE1", "DeleteTrail", 5000);
    struct vg_event c = make_event("AKIAEXAMPLE1", "StopLogging", 3000);
    add(t, &a, 0);
    add(t, &b, 5);
    add(t, &c, 0);
    size_t n;
    const struct vg_finding *const *all = vg_findings_sorted(t, &n);
    assert_int_equal(n, 1);
    const struct vg_finding *f = all[0];
    assert_int_equal(f->count, 3);
    assert_int_equal(f->first_seen_ms, 1000);
    assert_int_equal(f->last_seen_ms, 5000);
    assert_string_equal(f->api, "DeleteTrail"); /* the latest occurrence's details */
    assert_true(f->severity == 5);              /* the highest seen */
    assert_int_equal(f->api_call_count, 2);
    assert_int_equal(f->evidence_count, 3);
    vg_findings_free(t);
}

static void test_table_ids_are_stable_and_distinct(void **state)
{
    (void)state;
    struct vg_event a = make_event("AKIAEXAMPLE1", "StopLogging", 1000);
    struct vg_event b = make_event("AKIAEXAMPLE2", "StopLogging", 1000);
    struct vg_finding_draft da = { .type = VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED,
                                   .event = &a };
    struct vg_finding_draft db = { .type = VG_FT_STEALTH_IAMUSER_CLOUDTRAILLOGGINGDISABLED,
                                   .event = &b };
    char ida[33], ida2[33], idb[33];
    vg_findings_key_id(&da, ida);
    vg_findings_key_id(&da, ida2);
    vg_findings_key_id(&db, idb);
    assert_string_equal(ida, ida2);
    assert_string_not_equal(ida, idb);
    assert_int_equal(strlen(ida), 32);
    /* pinned: a change here changes every finding id users have stored */
    assert_string_equal(ida, "d6cfe523fa57cf3fc255deb9ffb04e30");
}

struct evicted {
    size_t count;
    char last_key[32];
};

static void on_evict(void *ctx, const struct vg_finding *f)
{
    struct evicted *e = ctx;
    e->count++;
    snprintf(e->last_key, sizeof(e->last_key), "%s", f->access_key_id);
}

static void test_table_evicts_least_recent_at_cap(void **state)
{
    (void)state;
    struct evicted ev = { 0 };
    struct vg_findings *t = vg_findings_new(3, on_evict, &ev);
    char key[32];
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof(key), "AKIAKEY%02d", i);
        struct vg_event e = make_event(key, "StopLogging", 1000 + i);
        add(t, &e, 0);
        if (i == 2) { /* touch key 0 so key 1 becomes the least recent */
            struct vg_event again = make_event("AKIAKEY00", "StopLogging", 2000);
            add(t, &again, 0);
        }
    }
    assert_int_equal(vg_findings_count(t), 3);
    assert_int_equal(vg_findings_evicted(t), 7);
    assert_int_equal(ev.count, 7);
    size_t n;
    const struct vg_finding *const *all = vg_findings_sorted(t, &n);
    assert_int_equal(n, 3);
    bool has_key0 = false;
    for (size_t i = 0; i < n; i++)
        has_key0 |= strcmp(all[i]->access_key_id, "AKIAKEY00") == 0;
    assert_true(has_key0); /* touched at t=2000, newer than keys 1..9 */
    vg_findings_free(t);
}

static int collect_changed(void *ctx, const struct vg_finding *f)
{
    char *seen = ctx;
    size_t len = strlen(seen);
    snprintf(seen + len, 256 - len, "%s;", f->access_key_id);
    return 0;
}

/* vigild writes what a file changed: every added or updated finding once, nothing twice, and
 * never an evicted one (the evict callback had it). */
static void test_table_hands_over_changed_findings(void **state)
{
    (void)state;
    struct vg_findings *t = vg_findings_new(2, NULL, NULL);
    struct vg_event a = make_event("AKIAEXAMPLE1", "StopLogging", 1000);
    struct vg_event b = make_event("AKIAEXAMPLE2", "StopLogging", 2000);
    struct vg_event c = make_event("AKIAEXAMPLE3", "StopLogging", 3000);
    char seen[256] = "";
    add(t, &a, 0);
    add(t, &a, 0);
    assert_int_equal(vg_findings_take_changed(t, collect_changed, seen), 0);
    assert_string_equal(seen, "AKIAEXAMPLE1;");
    seen[0] = '\0';
    assert_int_equal(vg_findings_take_changed(t, collect_changed, seen), 0);
    assert_string_equal(seen, "");
    add(t, &b, 0);
    add(t, &c, 0); /* evicts key 1, which had not changed since */
    assert_int_equal(vg_findings_take_changed(t, collect_changed, seen), 0);
    assert_true(strstr(seen, "AKIAEXAMPLE2;") && strstr(seen, "AKIAEXAMPLE3;"));
    assert_int_equal(strlen(seen), 26);
    seen[0] = '\0';
    add(t, &b, 0);
    add(t, &a, 0); /* evicts key 2, the oldest by event time, changed but handed to on_evict */
    assert_int_equal(vg_findings_take_changed(t, collect_changed, seen), 0);
    assert_string_equal(seen, "AKIAEXAMPLE1;");
    vg_findings_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_aggregates_same_key),
        cmocka_unit_test(test_table_ids_are_stable_and_distinct),
        cmocka_unit_test(test_table_evicts_least_recent_at_cap),
        cmocka_unit_test(test_table_hands_over_changed_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
