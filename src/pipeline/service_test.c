/* Unit tests for pipeline/service: pieces, the ledger, restarts, suppression, JSON lines. */
#include "pipeline/service.h"

#include <setjmp.h>
#include <cmocka.h>

#include "enrich/intel_builtin.h"
#include "store/store.h"

/* A Route 53 Resolver record asking for the tester's C&C name (a built-in list hit). */
static void query_line(char *out, size_t cap, const char *when, const char *name)
{
    snprintf(out, cap,
             "{\"version\":\"1.100000\",\"account_id\":\"123456789012\",\"region\":\"us-east-1\","
             "\"vpc_id\":\"vpc-0a1b2c3d4e5f60718\",\"query_timestamp\":\"%s\","
             "\"query_name\":\"%s\",\"query_type\":\"A\",\"query_class\":\"IN\","
             "\"rcode\":\"NOERROR\",\"answers\":[],\"srcaddr\":\"10.0.1.25\",\"srcport\":"
             "\"51514\",\"transport\":\"UDP\",\"srcids\":{\"instance\":\"i-0abc123def4567890\"}}\n",
             when, name);
}

struct fixture {
    char dir[64];
    char logs[96];
    char log[160];
    char store[128];
    char jsonl[128];
    struct vg_intel *intel;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/vigil-service-test-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->logs, sizeof(fx->logs), "%s/logs", fx->dir);
    assert_int_equal(mkdir(fx->logs, 0700), 0);
    snprintf(fx->log, sizeof(fx->log), "%s/resolver.log", fx->logs);
    snprintf(fx->store, sizeof(fx->store), "%s/vigil.db", fx->dir);
    snprintf(fx->jsonl, sizeof(fx->jsonl), "%s/findings.jsonl", fx->dir);
    struct vg_intel_builder *b = vg_intel_builder_new();
    assert_int_equal(vg_intel_builtin_add(b), VG_OK);
    fx->intel = vg_intel_freeze(b);
    assert_non_null(fx->intel);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
    vg_intel_free(fx->intel);
    free(fx);
    return 0;
}

static void append(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Run the service once over the fixture's folder, as a fresh process would. */
static void run_once(struct fixture *fx, int64_t settle_ms, struct vg_service_stats *st)
{
    const char *watch[] = { fx->logs };
    struct vg_service_opts o = {
        .watch = watch,
        .watch_count = 1,
        .store_uri = fx->store,
        .rescan_ms = 1000,
        .settle_ms = settle_ms,
        .lateness_ms = 3600000,
        .jsonl_path = fx->jsonl,
        .once = true,
    };
    vg_scan_opts_init(&o.scan);
    o.scan.intel = fx->intel;
    struct vg_service *s;
    assert_int_equal(vg_service_new(&s, &o), VG_OK);
    assert_int_equal(vg_service_run(s), VG_OK);
    vg_service_stats(s, st);
    vg_service_free(s);
}

struct seen {
    size_t findings;
    uint64_t count;
    bool archived;
    char json[8192];
    size_t ledger;
    uint64_t last_start, last_end;
    char last_status[16];
};

static int on_finding(void *ctx, const struct vg_stored_finding *f)
{
    struct seen *s = ctx;
    s->findings++;
    s->count = f->count;
    s->archived = f->archived;
    snprintf(s->json, sizeof(s->json), "%s", f->json);
    return 0;
}

static int on_ledger(void *ctx, const struct vg_ledger_entry *e)
{
    struct seen *s = ctx;
    s->ledger++;
    s->last_start = e->start;
    s->last_end = e->end;
    snprintf(s->last_status, sizeof(s->last_status), "%s", e->status);
    return 0;
}

static void look(struct fixture *fx, struct seen *out)
{
    struct vg_store *st;
    const char *why;
    memset(out, 0, sizeof(*out));
    assert_int_equal(vg_store_open(&st, fx->store, &why), VG_OK);
    assert_int_equal(vg_store_findings_each(st, NULL, on_finding, out), VG_OK);
    assert_int_equal(vg_store_ledger_each(st, on_ledger, out), VG_OK);
    vg_store_close(st);
}

static size_t count_lines_of(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    for (int c; f && (c = fgetc(f)) != EOF;)
        n += c == '\n';
    if (f)
        fclose(f);
    return n;
}

/* A growing line file is read piece by piece, each piece once, across restarts; line numbers
 * and offsets of evidence are those of the whole file. */
static void test_service_reads_growing_file_once(void **state)
{
    struct fixture *fx = *state;
    struct vg_service_stats st;
    struct seen seen;
    char line[1024];
    query_line(line, sizeof(line), "2026-11-01T10:00:00Z", "c2.guarddutyc2activityb.com.");
    append(fx->log, line);
    size_t first_len = strlen(line);
    run_once(fx, 3600000, &st); /* not settled: only complete lines are read */
    assert_int_equal(st.files, 1);
    assert_int_equal(st.findings_new, 1);
    look(fx, &seen);
    assert_int_equal(seen.findings, 1);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.ledger, 1);
    assert_string_equal(seen.last_status, "partial");

    run_once(fx, 3600000, &st); /* nothing new: a restart repeats nothing */
    assert_int_equal(st.files, 0);
    assert_int_equal(st.files_replayed, 1);
    look(fx, &seen);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.ledger, 1);

    query_line(line, sizeof(line), "2026-11-01T10:05:00Z", "c2.guarddutyc2activityb.com.");
    append(fx->log, line);
    line[40] = '\0'; /* half a record: waits for the rest */
    append(fx->log, line);
    run_once(fx, 3600000, &st);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.findings_updated, 1);
    look(fx, &seen);
    assert_int_equal(seen.count, 2);
    assert_int_equal(seen.ledger, 2);
    assert_int_equal(seen.last_start, first_len);
    assert_int_equal(seen.last_end, 2 * first_len);
    /* the second record's evidence names line 2 and its offset in the whole file */
    char want[64];
    snprintf(want, sizeof(want), "\"offset\":%zu,\"line\":2", first_len);
    assert_non_null(strstr(seen.json, want));
    assert_int_equal(count_lines_of(fx->jsonl), 2); /* a new finding, then its update */
}

/* A file that stopped growing is read to its end, even without a final newline. */
static void test_service_reads_settled_remainder(void **state)
{
    struct fixture *fx = *state;
    struct vg_service_stats st;
    struct seen seen;
    char line[1024];
    query_line(line, sizeof(line), "2026-11-01T10:00:00Z", "c2.guarddutyc2activityb.com.");
    line[strlen(line) - 1] = '\0';
    append(fx->log, line);
    run_once(fx, 3600000, &st);
    assert_int_equal(st.files, 0);
    run_once(fx, 0, &st);
    assert_int_equal(st.files, 1);
    look(fx, &seen);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.last_status, "done");
}

/* An ARCHIVE filter stores matching findings archived and keeps them out of the JSON lines. */
static void test_service_suppression_archives(void **state)
{
    struct fixture *fx = *state;
    struct vg_store *st;
    const char *why;
    assert_int_equal(vg_store_open(&st, fx->store, &why), VG_OK);
    struct vg_stored_filter f = {
        .name = "lab-c2-tests",
        .action = "ARCHIVE",
        .rank = 1,
        .criteria = "{\"criterion\":{\"service.action.dnsRequestAction.domain\":"
                    "{\"equals\":[\"c2.guarddutyc2activityb.com\"]}}}",
    };
    assert_int_equal(vg_store_filter_put(st, &f), VG_OK);
    vg_store_close(st);
    char line[1024];
    query_line(line, sizeof(line), "2026-11-01T10:00:00Z", "c2.guarddutyc2activityb.com.");
    append(fx->log, line);
    struct vg_service_stats stats;
    struct seen seen;
    run_once(fx, 0, &stats);
    assert_int_equal(stats.findings_suppressed, 1);
    look(fx, &seen);
    assert_int_equal(seen.findings, 1);
    assert_true(seen.archived);
    assert_non_null(strstr(seen.json, "\"archived\":true"));
    assert_int_equal(count_lines_of(fx->jsonl), 0);
}

/* A file replaced under the same name is a new file, read from its start. */
static void test_service_replaced_file_is_new(void **state)
{
    struct fixture *fx = *state;
    struct vg_service_stats st;
    struct seen seen;
    char line[1024];
    query_line(line, sizeof(line), "2026-11-01T10:00:00Z", "c2.guarddutyc2activityb.com.");
    append(fx->log, line);
    run_once(fx, 0, &st);
    char tmp[192];
    snprintf(tmp, sizeof(tmp), "%s/.next", fx->logs);
    append(tmp, line); /* hidden: a partial download, not read */
    run_once(fx, 0, &st);
    assert_int_equal(st.files, 0);
    assert_int_equal(rename(tmp, fx->log), 0);
    run_once(fx, 0, &st);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.replay_missing, 1); /* the first file's bytes are gone */
    look(fx, &seen);
    assert_int_equal(seen.ledger, 2);
    assert_int_equal(seen.last_start, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_service_reads_growing_file_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_reads_settled_remainder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_suppression_archives, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_replaced_file_is_new, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
