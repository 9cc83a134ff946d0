/*
 * The SQLite store (store.h): one database file in WAL mode, so the API's readers never wait
 * for the service's writer and a crash loses at most the transaction in flight.
 *
 * Every statement of the shared table (store.c) is prepared once per connection and bound: no
 * SQL is ever built from data.  The schema is versioned in PRAGMA user_version; each migration is
 * one entry of `migrations` applied in a transaction, so a store is always at a version this build
 * knows or refused.
 */
#include "store/backend.h"

#include <sqlite3.h>

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE ledger(seq INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL,"
    " dev INTEGER NOT NULL, ino INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
    " mtime_ms INTEGER NOT NULL, records INTEGER NOT NULL, bad INTEGER NOT NULL,"
    " status TEXT NOT NULL, error TEXT, arrived_ms INTEGER NOT NULL, done_ms INTEGER NOT NULL);"
    "CREATE TABLE findings(id TEXT PRIMARY KEY, detector_id TEXT NOT NULL, type TEXT NOT NULL,"
    " account_id TEXT NOT NULL, region TEXT NOT NULL, severity REAL NOT NULL,"
    " count INTEGER NOT NULL, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL,"
    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, archived INTEGER NOT NULL,"
    " sample INTEGER NOT NULL, feedback TEXT, feedback_comments TEXT, json TEXT NOT NULL);"
    "CREATE INDEX findings_updated ON findings(updated_ms);"
    "CREATE INDEX findings_detector ON findings(detector_id);"
    "CREATE TABLE filters(name TEXT PRIMARY KEY, description TEXT, action TEXT NOT NULL,"
    " rank INTEGER NOT NULL, criteria TEXT NOT NULL, owner TEXT, reason TEXT,"
    " expires_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
    "CREATE TABLE lists(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
    " format TEXT NOT NULL, location TEXT NOT NULL, status TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
    "CREATE TABLE audit(seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,"
    " actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT);"
    "CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL,"
    " finding_id TEXT NOT NULL, is_new INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX outbox_sink ON outbox(sink, seq);",
};

struct sqlite_store {
    struct vg_store base; /* first: the store.c view */
    sqlite3 *db;
    sqlite3_stmt *stmt[VG_SQL_COUNT];
};

static struct sqlite_store *db_of(struct vg_store *s)
{
    return (struct sqlite_store *)s;
}

static int fail(struct sqlite_store *d, const char *what)
{
    snprintf(d->base.error, sizeof(d->base.error), "%s: %s", what, sqlite3_errmsg(d->db));
    return VG_EDB;
}

static int exec_sql(struct sqlite_store *d, const char *sql, const char *what)
{
    return sqlite3_exec(d->db, sql, NULL, NULL, NULL) == SQLITE_OK ? VG_OK : fail(d, what);
}

static int sqlite_exec(struct vg_store *s, const char *sql, int *value)
{
    struct sqlite_store *d = db_of(s);
    if (!value)
        return exec_sql(d, sql, "migrating the schema");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(d, sql);
    int rc = sqlite3_step(st);
    *value = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? VG_OK : fail(d, sql);
}

/* The version is read inside the write transaction, so processes opening one new file at the
 * same moment migrate it once, one after the other. */
static const struct vg_store_schema schema = {
    .lock = "BEGIN IMMEDIATE",
    .version_get = "PRAGMA user_version",
    .version_set = "PRAGMA user_version = ",
    .steps = migrations,
    .count = VG_ARRAY_LEN(migrations),
};

static void sqlite_close(struct vg_store *s)
{
    struct sqlite_store *d = db_of(s);
    for (int i = 0; i < VG_SQL_COUNT; i++)
        sqlite3_finalize(d->stmt[i]);
    sqlite3_close(d->db);
    vg_store_base_free(s);
}

static int sqlite_open(struct vg_store **out, const char *path, char *why, size_t why_len)
{
    struct sqlite_store *d =
        (struct sqlite_store *)vg_store_base_new(sizeof(*d), &vg_store_sqlite, why, why_len);
    if (!d)
        return VG_ENOMEM;
    int rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf(why, why_len, "%s: %s", path, d->db ? sqlite3_errmsg(d->db) : "cannot open");
        goto failed;
    }
    /* Another connection (the API, a second process) may hold the write lock for a moment. */
    sqlite3_busy_timeout(d->db, 10000);
    /* WAL with synchronous=FULL: a committed ledger entry survives power loss, not only a
     * crash of vigild, which is the promise the kill -9 test checks. */
    if (exec_sql(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", path) != VG_OK) {
        snprintf(why, why_len, "%s", d->base.error);
        goto failed;
    }
    if (vg_store_migrate(&d->base, &schema, why, why_len) != VG_OK) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s", why);
        snprintf(why, why_len, "%s: %s", path, msg);
        goto failed;
    }
    for (int i = 0; i < VG_SQL_COUNT; i++) {
        if (sqlite3_prepare_v3(d->db, vg_store_sql[i].text, -1, SQLITE_PREPARE_PERSISTENT,
                               &d->stmt[i], NULL) != SQLITE_OK) {
            fail(d, "preparing statements");
            snprintf(why, why_len, "%s", d->base.error);
            goto failed;
        }
    }
    *out = &d->base;
    return VG_OK;

failed:
    sqlite_close(&d->base);
    return VG_EDB;
}

static int sqlite_begin(struct vg_store *s)
{
    return exec_sql(db_of(s), "BEGIN IMMEDIATE", "begin");
}

static int sqlite_commit(struct vg_store *s)
{
    return exec_sql(db_of(s), "COMMIT", "commit");
}

static bool sqlite_in_transaction(struct vg_store *s)
{
    return sqlite3_get_autocommit(db_of(s)->db) == 0;
}

static void sqlite_rollback(struct vg_store *s)
{
    if (sqlite_in_transaction(s))
        exec_sql(db_of(s), "ROLLBACK", "rollback");
}

static void bind_param(sqlite3_stmt *st, int i, const struct vg_sql_param *p)
{
    switch (p->type) {
    case VG_SQL_NULL: sqlite3_bind_null(st, i); break;
    case VG_SQL_TEXT: sqlite3_bind_text(st, i, p->text, -1, SQLITE_TRANSIENT); break;
    case VG_SQL_INT: sqlite3_bind_int64(st, i, p->i); break;
    case VG_SQL_REAL: sqlite3_bind_double(st, i, p->d); break;
    }
}

static int sqlite_run(struct vg_store *s, enum vg_sql which, const struct vg_sql_param *p, int n,
                      vg_sql_row_fn row, void *ctx, uint64_t *changes)
{
    struct sqlite_store *d = db_of(s);
    sqlite3_stmt *st = d->stmt[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (int i = 0; i < n; i++)
        bind_param(st, i + 1, &p[i]);
    int ncols = sqlite3_column_count(st), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cols[VG_SQL_MAX_COLS];
        for (int i = 0; i < ncols && i < VG_SQL_MAX_COLS; i++)
            cols[i] = (const char *)sqlite3_column_text(st, i);
        int r = row ? row(ctx, cols) : 0;
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail(d, vg_store_sql[which].text);
    if (changes)
        *changes = (uint64_t)sqlite3_changes(d->db);
    return VG_OK;
}

const struct vg_store_ops vg_store_sqlite = {
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .in_transaction = sqlite_in_transaction,
    .exec = sqlite_exec,
    .run = sqlite_run,
};
