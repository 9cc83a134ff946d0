/* The store suite every backend runs (STYLE.md §14): schema versions, findings and their
 * archive state, the ledger, filters, lists, the audit log, the outbox, a value several
 * processes initialise at once, and (PostgreSQL) a connection cut in the middle of work.
 * SQLite always runs; PostgreSQL runs against VIGIL_TEST_PG_URI (make check-pg starts a
 * server), each test on an emptied database. */
#include "store/store.h"

#include <setjmp.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

static char dir[64];
static char uri[1024]; /* the store under test */
static const char *pg_uri;

/* Run administrative SQL on the store under test, behind vigil's back. */
static void admin(const char *sql)
{
    if (pg_uri) {
        PGconn *c = PQconnectdb(pg_uri);
        PQclear(PQexec(c, "SET client_min_messages = warning"));
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *db;
        assert_int_equal(sqlite3_open(uri, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
    }
}

static int setup(void **state)
{
    (void)state;
    if (pg_uri) {
        snprintf(uri, sizeof(uri), "%s", pg_uri);
        admin("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        return 0;
    }
    snprintf(dir, sizeof(dir), "/tmp/vigil-store-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(uri, sizeof(uri), "%s/vigil.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (pg_uri)
        return 0;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static struct vg_store *open_store(void)
{
    struct vg_store *s;
    const char *why;
    assert_int_equal(vg_store_open(&s, uri, &why), VG_OK);
    return s;
}

/* A finding JSON as vg_render_json lays it out, with hostile text where a log puts it. */
static const char finding_json[] =
    "{\"accountId\":\"111122223333\",\"createdAt\":\"2026-11-01T00:00:00.000Z\","
    "\"description\":\"agent \\\"archived\\\":false,\\\"count\\\" trick\",\"id\":\"f1\","
    "\"service\":{\"archived\":false,\"count\":3,\"detectorId\":\"d1\"},\"severity\":8}";

static struct vg_stored_finding finding(const char *json, int64_t updated)
{
    struct vg_stored_finding f = {
        .id = "f1",
        .detector_id = "d1",
        .type = "Recon:EC2/Portscan",
        .account_id = "111122223333",
        .region = "us-east-1",
        .severity = 8,
        .count = 3,
        .first_seen_ms = 1000,
        .last_seen_ms = 2000,
        .created_ms = updated,
        .updated_ms = updated,
        .json = json,
    };
    return f;
}

struct got {
    int rows;
    struct vg_stored_finding f;
    char json[1024];
    char feedback[16];
};

static int on_finding(void *ctx, const struct vg_stored_finding *f)
{
    struct got *g = ctx;
    g->rows++;
    g->f = *f;
    snprintf(g->json, sizeof(g->json), "%s", f->json);
    snprintf(g->feedback, sizeof(g->feedback), "%s", f->feedback ? f->feedback : "");
    return 0;
}

static void test_store_findings_keep_state_across_updates(void **state)
{
    (void)state;
    struct vg_store *s = open_store();
    struct vg_stored_finding f = finding(finding_json, 100);
    bool created;
    assert_int_equal(vg_store_finding_put(s, &f, -1, &created, NULL), VG_OK);
    assert_true(created);
    const char *ids[] = { "f1", "absent" };
    assert_int_equal(vg_store_findings_archive(s, ids, 2, true), VG_OK);
    assert_int_equal(vg_store_findings_feedback(s, ids, 1, "USEFUL", "checked"), VG_OK);
    struct got g = { 0 };
    assert_int_equal(vg_store_finding_get(s, "f1", on_finding, &g), VG_OK);
    assert_true(g.f.archived);
    assert_string_equal(g.feedback, "USEFUL");
    /* the service member changed; the look-alike inside the description did not */
    assert_non_null(strstr(g.json, "{\"archived\":true,\"userFeedback\":\"USEFUL\",\"count\":3"));
    assert_non_null(strstr(g.json, "agent \\\"archived\\\":false,\\\"count\\\" trick"));

    /* an update keeps createdAt, archive state (-1) and feedback */
    f = finding(finding_json, 200);
    f.count = 4;
    assert_int_equal(vg_store_finding_put(s, &f, -1, &created, NULL), VG_OK);
    assert_false(created);
    memset(&g, 0, sizeof(g));
    assert_int_equal(vg_store_finding_get(s, "f1", on_finding, &g), VG_OK);
    assert_int_equal(g.f.created_ms, 100);
    assert_int_equal(g.f.updated_ms, 200);
    /* the JSON says when the finding was created, not when this version was rendered */
    assert_non_null(strstr(g.json, "\"createdAt\":\"1970-01-01T00:00:00.100Z\","));
    assert_int_equal(g.f.count, 4);
    assert_true(g.f.archived);
    assert_non_null(strstr(g.json, "\"archived\":true,\"userFeedback\":\"USEFUL\""));
    /* new activity unarchives (0) */
    assert_int_equal(vg_store_finding_put(s, &f, 0, NULL, NULL), VG_OK);
    memset(&g, 0, sizeof(g));
    assert_int_equal(vg_store_finding_get(s, "f1", on_finding, &g), VG_OK);
    assert_false(g.f.archived);
    assert_non_null(strstr(g.json, "{\"archived\":false,\"userFeedback\":\"USEFUL\",\"count\":3"));
    assert_int_equal(vg_store_finding_get(s, "nope", on_finding, &g), VG_ENOTFOUND);

    uint64_t dropped;
    assert_int_equal(vg_store_findings_expire(s, 150, &dropped), VG_OK);
    assert_int_equal(dropped, 0);
    assert_int_equal(vg_store_findings_expire(s, 250, &dropped), VG_OK);
    assert_int_equal(dropped, 1);
    vg_store_close(s);
}

struct ledger_seen {
    int n;
    int64_t seqs[4];
    char paths[4][32];
};

static int on_ledger(void *ctx, const struct vg_ledger_entry *e)
{
    struct ledger_seen *l = ctx;
    l->seqs[l->n] = e->seq;
    snprintf(l->paths[l->n++], 32, "%s", e->path);
    return 0;
}

/* A ledger entry and its findings commit together or not at all. */
static void test_store_ledger_commits_with_findings(void **state)
{
    (void)state;
    struct vg_store *s = open_store();
    struct vg_ledger_entry e = { .path = "a.log", .status = "done", .end = 10 };
    assert_int_equal(vg_store_begin(s), VG_OK);
    assert_int_equal(vg_store_ledger_add(s, &e), VG_OK);
    struct vg_stored_finding f = finding(finding_json, 1);
    assert_int_equal(vg_store_finding_put(s, &f, -1, NULL, NULL), VG_OK);
    vg_store_rollback(s); /* a crash before the commit */
    struct ledger_seen l = { 0 };
    assert_int_equal(vg_store_ledger_each(s, on_ledger, &l), VG_OK);
    assert_int_equal(l.n, 0);
    struct got g = { 0 };
    assert_int_equal(vg_store_finding_get(s, "f1", on_finding, &g), VG_ENOTFOUND);

    assert_int_equal(vg_store_begin(s), VG_OK);
    assert_int_equal(vg_store_ledger_add(s, &e), VG_OK);
    e.path = "b.log";
    assert_int_equal(vg_store_ledger_add(s, &e), VG_OK);
    assert_int_equal(vg_store_commit(s), VG_OK);
    vg_store_close(s);
    s = open_store(); /* as after a restart */
    assert_int_equal(vg_store_ledger_each(s, on_ledger, &l), VG_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.paths[0], "a.log");
    assert_string_equal(l.paths[1], "b.log");
    assert_true(l.seqs[0] < l.seqs[1]);
    vg_store_close(s);
}

/* A store written by a newer vigil is refused rather than misread. */
static void test_store_refuses_newer_schema(void **state)
{
    (void)state;
    vg_store_close(open_store());
    admin(pg_uri ? "UPDATE vigil_schema SET version = 99" : "PRAGMA user_version = 99");
    struct vg_store *s;
    const char *why;
    assert_int_equal(vg_store_open(&s, uri, &why), VG_EDB);
    assert_non_null(strstr(why, "newer vigil"));
}

static int on_filter(void *ctx, const struct vg_stored_filter *f)
{
    char *names = ctx;
    size_t len = strlen(names);
    snprintf(names + len, 128 - len, "%s(%d);", f->name, f->rank);
    return 0;
}

static int on_outbox(void *ctx, const struct vg_outbox_row *r)
{
    int64_t *last = ctx;
    *last = r->seq;
    return 0;
}

static int on_audit(void *ctx, int64_t at, const char *actor, const char *action,
                    const char *object, const char *detail)
{
    (void)at;
    (void)detail;
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 128 - len, "%s:%s:%s;", actor, action, object);
    return 0;
}

static void test_store_filters_outbox_audit(void **state)
{
    (void)state;
    struct vg_store *s = open_store();
    struct vg_stored_filter a = {
        .name = "zeta", .action = "ARCHIVE", .rank = 1, .criteria = "{}"
    };
    struct vg_stored_filter b = { .name = "alpha",
                                  .action = "NOOP",
                                  .rank = 2,
                                  .criteria = "{}",
                                  .owner = "soc",
                                  .expires_ms = 5 };
    assert_int_equal(vg_store_filter_put(s, &a), VG_OK);
    assert_int_equal(vg_store_filter_put(s, &b), VG_OK);
    char names[128] = "";
    assert_int_equal(vg_store_filters_each(s, on_filter, names), VG_OK);
    assert_string_equal(names, "zeta(1);alpha(2);"); /* by rank */
    assert_int_equal(vg_store_filter_delete(s, "zeta"), VG_OK);
    assert_int_equal(vg_store_filter_delete(s, "zeta"), VG_ENOTFOUND);

    assert_int_equal(vg_store_outbox_add(s, "jsonl", "f1", true, "{}"), VG_OK);
    assert_int_equal(vg_store_outbox_add(s, "jsonl", "f1", false, "{}"), VG_OK);
    assert_int_equal(vg_store_outbox_add(s, "webhook", "f1", true, "{}"), VG_OK);
    int64_t last = 0;
    assert_int_equal(vg_store_outbox_each(s, "jsonl", 1, false, on_outbox, &last), VG_OK);
    assert_int_equal(vg_store_outbox_done(s, "jsonl", last), VG_OK);
    int64_t next = 0;
    assert_int_equal(vg_store_outbox_each(s, "jsonl", 10, false, on_outbox, &next), VG_OK);
    assert_true(next > last);
    assert_int_equal(vg_store_outbox_done(s, "jsonl", next), VG_OK);
    next = 0;
    assert_int_equal(vg_store_outbox_each(s, "jsonl", 10, false, on_outbox, &next), VG_OK);
    assert_int_equal(next, 0);

    /* names and details are data: quotes and SQL are stored as written */
    assert_int_equal(vg_store_audit(s, 1, "soc", "DeleteFilter", "x'); DROP TABLE audit;--", NULL),
                     VG_OK);
    char audit[128] = "";
    assert_int_equal(vg_store_audit_each(s, on_audit, audit), VG_OK);
    assert_string_equal(audit, "soc:DeleteFilter:x'); DROP TABLE audit;--;");
    vg_store_close(s);
}

/* Several processes opening one new store at once: one schema, one detector id. */
enum { RACERS = 8 };

struct racer {
    pthread_t thread;
    char mine[16];
    char got[16];
    int rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct vg_store *s;
    const char *why;
    struct vg_buf v = VG_BUF_INIT;
    r->rc = vg_store_open(&s, uri, &why);
    if (r->rc == VG_OK) {
        r->rc = vg_store_meta_init(s, "detector_id", r->mine, &v);
        if (r->rc == VG_OK)
            snprintf(r->got, sizeof(r->got), "%s", v.data);
        vg_store_close(s);
    }
    vg_buf_release(&v);
    return NULL;
}

static void test_store_meta_init_once(void **state)
{
    (void)state;
    struct racer r[RACERS];
    for (int i = 0; i < RACERS; i++) {
        snprintf(r[i].mine, sizeof(r[i].mine), "id-%d", i);
        assert_int_equal(pthread_create(&r[i].thread, NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        assert_int_equal(pthread_join(r[i].thread, NULL), 0);
    for (int i = 0; i < RACERS; i++) {
        assert_int_equal(r[i].rc, VG_OK);
        assert_string_equal(r[i].got, r[0].got);
    }
    struct vg_store *s = open_store();
    struct vg_buf v = VG_BUF_INIT;
    assert_int_equal(vg_store_meta_init(s, "detector_id", "late", &v), VG_OK);
    assert_string_equal(v.data, r[0].got);
    vg_buf_release(&v);
    vg_store_close(s);
}

/* The cluster's fence: a checkpoint moves only from the value its writer last saw.  Two
 * connections (two workers) in their own transactions: the second to commit loses. */
static void test_store_meta_swap_fences(void **state)
{
    (void)state;
    struct vg_store *a = open_store(), *b = open_store();
    struct vg_buf v = VG_BUF_INIT;
    assert_int_equal(vg_store_meta_swap(a, "cluster.p3", NULL, "10"), VG_OK);
    assert_int_equal(vg_store_meta_swap(b, "cluster.p3", NULL, "12"), VG_ECONFLICT);
    assert_int_equal(vg_store_meta_swap(b, "cluster.p3", "9", "12"), VG_ECONFLICT);
    assert_int_equal(vg_store_meta_swap(a, "cluster.p3", "10", "20"), VG_OK);

    assert_int_equal(vg_store_begin(a), VG_OK);
    assert_int_equal(vg_store_meta_swap(a, "cluster.p3", "20", "30"), VG_OK);
    assert_int_equal(vg_store_commit(a), VG_OK);
    /* b still believes 20: its batch must not land */
    assert_int_equal(vg_store_begin(b), VG_OK);
    assert_int_equal(vg_store_meta_swap(b, "cluster.p3", "20", "25"), VG_ECONFLICT);
    vg_store_rollback(b);
    assert_int_equal(vg_store_meta_get(b, "cluster.p3", &v), VG_OK);
    assert_string_equal(v.data, "30");
    vg_buf_release(&v);
    vg_store_close(a);
    vg_store_close(b);
}

/* The server drops our connection (as a restart does): a transaction in flight is reported
 * lost (VG_ERETRY) and left no trace; a lone read is redone without the caller noticing; a
 * lone append is not redone behind the caller's back. */
static void cut_connections(void)
{
    admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE pid <> pg_backend_pid() AND datname = current_database()");
}

static void test_store_pg_connection_lost(void **state)
{
    (void)state;
    if (!pg_uri)
        skip();
    struct vg_store *s = open_store();
    struct vg_ledger_entry e = { .path = "a.log", .status = "done", .end = 10 };
    assert_int_equal(vg_store_begin(s), VG_OK);
    assert_int_equal(vg_store_ledger_add(s, &e), VG_OK);
    cut_connections();
    struct vg_stored_finding f = finding(finding_json, 1);
    assert_int_equal(vg_store_finding_put(s, &f, -1, NULL, NULL), VG_ERETRY);
    vg_store_rollback(s);
    struct ledger_seen l = { 0 };
    assert_int_equal(vg_store_ledger_each(s, on_ledger, &l), VG_OK);
    assert_int_equal(l.n, 0);

    /* the redo commits */
    assert_int_equal(vg_store_begin(s), VG_OK);
    assert_int_equal(vg_store_ledger_add(s, &e), VG_OK);
    assert_int_equal(vg_store_commit(s), VG_OK);
    cut_connections();
    assert_int_equal(vg_store_ledger_each(s, on_ledger, &l), VG_OK);
    assert_int_equal(l.n, 1);

    cut_connections();
    assert_int_equal(vg_store_audit(s, 1, "soc", "x", "y", NULL), VG_ERETRY);
    cut_connections();
    assert_int_equal(vg_store_meta_set(s, "k", "v"), VG_OK);
    vg_store_close(s);
}

static int run_suite(const char *name)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_findings_keep_state_across_updates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_ledger_commits_with_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_refuses_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_filters_outbox_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_meta_init_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_meta_swap_fences, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_pg_connection_lost, setup, teardown),
    };
    return _cmocka_run_group_tests(name, tests, VG_ARRAY_LEN(tests), NULL, NULL);
}

int main(void)
{
    int failed = run_suite("store: sqlite");
    pg_uri = getenv("VIGIL_TEST_PG_URI");
    if (pg_uri && *pg_uri)
        failed += run_suite("store: postgresql");
    else
        fprintf(stderr, "store_test: VIGIL_TEST_PG_URI is not set: the PostgreSQL leg is "
                        "skipped (make check-pg runs it)\n");
    return failed;
}
