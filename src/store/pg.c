/*
 * The PostgreSQL store (store.h), through libpq: several vigild processes can share one database
 * (one of them ingesting, the others serving the API).
 *
 * The statements are store.c's shared table, prepared once per connection with ?N renumbered to
 * $N; every value travels as a parameter, never inside SQL.  The schema version is a row of
 * vigil_schema; opening takes a transaction-scoped advisory lock first, so processes opening one
 * empty database at the same moment migrate it once, one after the other.
 *
 * A lost connection (a server restart, a network cut) does not lose work: the failing call waits
 * for the server, however long, reconnects and then either redoes its statement (outside a
 * transaction, when running it twice is the same as once) or returns VG_ERETRY, because the
 * transaction in flight died with the connection and its caller must redo it.
 */
#include "store/backend.h"

#include <libpq-fe.h>

#include "core/clock.h"
#include "core/log.h"

static const char *const migrations[] = {
    /* 1: the first schema, SQLite's with PostgreSQL's types */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE ledger(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " path TEXT NOT NULL, dev BIGINT NOT NULL, ino BIGINT NOT NULL, start BIGINT NOT NULL,"
    " \"end\" BIGINT NOT NULL, mtime_ms BIGINT NOT NULL, records BIGINT NOT NULL,"
    " bad BIGINT NOT NULL, status TEXT NOT NULL, error TEXT, arrived_ms BIGINT NOT NULL,"
    " done_ms BIGINT NOT NULL);"
    "CREATE TABLE findings(id TEXT PRIMARY KEY, detector_id TEXT NOT NULL, type TEXT NOT NULL,"
    " account_id TEXT NOT NULL, region TEXT NOT NULL, severity DOUBLE PRECISION NOT NULL,"
    " count BIGINT NOT NULL, first_seen_ms BIGINT NOT NULL, last_seen_ms BIGINT NOT NULL,"
    " created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, archived INTEGER NOT NULL,"
    " sample INTEGER NOT NULL, feedback TEXT, feedback_comments TEXT, json TEXT NOT NULL);"
    "CREATE INDEX findings_updated ON findings(updated_ms);"
    "CREATE INDEX findings_detector ON findings(detector_id);"
    "CREATE TABLE filters(name TEXT PRIMARY KEY, description TEXT, action TEXT NOT NULL,"
    " rank INTEGER NOT NULL, criteria TEXT NOT NULL, owner TEXT, reason TEXT,"
    " expires_ms BIGINT NOT NULL, created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL);"
    "CREATE TABLE lists(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
    " format TEXT NOT NULL, location TEXT NOT NULL, status TEXT NOT NULL,"
    " created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL);"
    "CREATE TABLE audit(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " at_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,"
    " detail TEXT);"
    "CREATE TABLE outbox(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " sink TEXT NOT NULL, finding_id TEXT NOT NULL, is_new INTEGER NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE INDEX outbox_sink ON outbox(sink, seq);",
};

/* The advisory lock key that serialises migrations: "vigl" in ASCII. */
#define MIGRATION_LOCK "1986619244"

/* Reconnection backoff: the first retry soon (a restart takes a second or two), then no more
 * often than this while the server stays down. */
enum { BACKOFF_FIRST_MS = 100, BACKOFF_MAX_MS = 5000 };

struct pg_store {
    struct vg_store base; /* first: the store.c view */
    PGconn *conn;
    bool in_tx;
};

static struct pg_store *pg_of(struct vg_store *s)
{
    return (struct pg_store *)s;
}

/* The connection's last message, without libpq's trailing newline, into out. */
static void last_message(struct pg_store *d, char *out, size_t cap)
{
    const char *msg = PQerrorMessage(d->conn);
    snprintf(out, cap, "%.*s", (int)strcspn(msg, "\n"), msg);
}

/* Note the server's message in the store's error. */
static int fail(struct pg_store *d, const char *what)
{
    char msg[200];
    last_message(d, msg, sizeof(msg));
    snprintf(d->base.error, sizeof(d->base.error), "%s: %s", what, msg);
    return VG_EDB;
}

/* Notices (CREATE ... IF NOT EXISTS of an existing table) are not news for anyone. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A shared statement in PostgreSQL's words: ?N placeholders become $N (the statements hold no
 * '?' in literals), and a row read to be written back is locked. */
static char *pg_text(const struct vg_sql_stmt *stmt)
{
    static const char lock[] = " FOR UPDATE";
    size_t len = strlen(stmt->text);
    char *out = malloc(len + sizeof(lock));
    if (!out)
        return NULL;
    memcpy(out, stmt->text, len + 1);
    if (stmt->for_update)
        memcpy(out + len, lock, sizeof(lock));
    for (char *p = out; *p; p++)
        if (*p == '?')
            *p = '$';
    return out;
}

static bool lost(struct pg_store *d)
{
    return PQstatus(d->conn) == CONNECTION_BAD;
}

static int pg_exec(struct vg_store *s, const char *sql, int *value)
{
    struct pg_store *d = pg_of(s);
    PGresult *r = PQexec(d->conn, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? VG_OK : fail(d, sql);
    if (value)
        *value = rc == VG_OK && st == PGRES_TUPLES_OK && PQntuples(r) > 0
                     ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10)
                     : 0;
    PQclear(r);
    return rc;
}

static int prepare_all(struct pg_store *d)
{
    for (int i = 0; i < VG_SQL_COUNT; i++) {
        char name[16], *sql = pg_text(&vg_store_sql[i]);
        if (!sql)
            return VG_ENOMEM;
        snprintf(name, sizeof(name), "s%d", i);
        PGresult *r = PQprepare(d->conn, name, sql, 0, NULL);
        bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        free(sql);
        if (!ok)
            return fail(d, "preparing statements");
    }
    return VG_OK;
}

/* The version is one row of vigil_schema, read and written under a transaction-scoped advisory
 * lock: processes opening one new database at the same moment migrate it once, in turn. */
static const struct vg_store_schema schema = {
    .lock = "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ");"
            "CREATE TABLE IF NOT EXISTS vigil_schema(version INTEGER NOT NULL);"
            "INSERT INTO vigil_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM vigil_schema)",
    .version_get = "SELECT version FROM vigil_schema",
    .version_set = "UPDATE vigil_schema SET version = ",
    .steps = migrations,
    .count = VG_ARRAY_LEN(migrations),
};

static void pg_close(struct vg_store *s)
{
    struct pg_store *d = pg_of(s);
    PQfinish(d->conn);
    vg_store_base_free(s);
}

static int pg_open(struct vg_store **out, const char *uri, char *why, size_t why_len)
{
    struct pg_store *d =
        (struct pg_store *)vg_store_base_new(sizeof(*d), &vg_store_pg, why, why_len);
    if (!d)
        return VG_ENOMEM;
    d->conn = PQconnectdb(uri);
    PQsetNoticeProcessor(d->conn, quiet, NULL); /* kept across PQreset */
    int rc = VG_EDB;
    if (lost(d)) {
        /* the URI may hold a password: name the server by host and database only */
        fail(d, "connecting to PostgreSQL");
        snprintf(why, why_len, "%s", d->base.error);
    } else if ((rc = vg_store_migrate(&d->base, &schema, why, why_len)) == VG_OK &&
               (rc = prepare_all(d)) != VG_OK) {
        snprintf(why, why_len, "%s", d->base.error);
    }
    if (rc != VG_OK) {
        pg_close(&d->base);
        return rc;
    }
    *out = &d->base;
    return VG_OK;
}

/* Wait for the server and connect again, however long it takes: vigild pauses rather than exits
 * or drops work.  The transaction that was open is gone. */
static void reconnect(struct pg_store *d)
{
    char why[200];
    last_message(d, why, sizeof(why));
    vg_log_warn("store: lost the PostgreSQL connection to %s/%s (%s); reconnecting",
                PQhost(d->conn), PQdb(d->conn), why);
    d->in_tx = false;
    struct vg_backoff wait = vg_backoff_start(BACKOFF_FIRST_MS, BACKOFF_MAX_MS);
    for (unsigned tries = 1;; tries++) {
        PQreset(d->conn);
        if (!lost(d) && prepare_all(d) == VG_OK)
            break;
        if (tries % 10 == 0) {
            last_message(d, why, sizeof(why));
            vg_log_warn("store: PostgreSQL still unreachable after %u tries: %s", tries, why);
        }
        vg_backoff_sleep(&wait);
    }
    vg_log_warn("store: reconnected to PostgreSQL");
}

static int retry_error(struct pg_store *d)
{
    snprintf(d->base.error, sizeof(d->base.error),
             "the PostgreSQL connection was lost: the transaction in flight is gone");
    return VG_ERETRY;
}

static int pg_begin(struct vg_store *s)
{
    struct pg_store *d = pg_of(s);
    int rc = pg_exec(s, "BEGIN", NULL);
    if (rc != VG_OK && lost(d)) { /* nothing was under way: begin again */
        reconnect(d);
        rc = pg_exec(s, "BEGIN", NULL);
    }
    d->in_tx = rc == VG_OK;
    return rc;
}

static int pg_commit(struct vg_store *s)
{
    struct pg_store *d = pg_of(s);
    int rc = pg_exec(s, "COMMIT", NULL);
    if (rc != VG_OK && lost(d)) {
        reconnect(d);
        return retry_error(d);
    }
    d->in_tx = false;
    return rc;
}

static void pg_rollback(struct vg_store *s)
{
    struct pg_store *d = pg_of(s);
    if (!d->in_tx)
        return;
    d->in_tx = false;
    if (pg_exec(s, "ROLLBACK", NULL) != VG_OK && lost(d))
        reconnect(d);
}

static bool pg_in_transaction(struct vg_store *s)
{
    return pg_of(s)->in_tx;
}

/* Parameters as text: libpq's text format, which the server parses for each column's type. */
static int exec_prepared(struct pg_store *d, enum vg_sql which, const struct vg_sql_param *p, int n,
                         PGresult **out)
{
    char nums[VG_SQL_MAX_COLS][32];
    const char *values[VG_SQL_MAX_COLS];
    char name[16];
    assert(n <= VG_SQL_MAX_COLS);
    for (int i = 0; i < n; i++) {
        switch (p[i].type) {
        case VG_SQL_NULL: values[i] = NULL; break;
        case VG_SQL_TEXT: values[i] = p[i].text; break;
        case VG_SQL_INT:
            snprintf(nums[i], sizeof(nums[i]), "%" PRId64, p[i].i);
            values[i] = nums[i];
            break;
        case VG_SQL_REAL:
            snprintf(nums[i], sizeof(nums[i]), "%.17g", p[i].d);
            values[i] = nums[i];
            break;
        }
    }
    snprintf(name, sizeof(name), "s%d", (int)which);
    *out = PQexecPrepared(d->conn, name, n, values, NULL, NULL, 0);
    ExecStatusType st = *out ? PQresultStatus(*out) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return VG_OK;
    return fail(d, "running a statement");
}

static int pg_run(struct vg_store *s, enum vg_sql which, const struct vg_sql_param *p, int n,
                  vg_sql_row_fn row, void *ctx, uint64_t *changes)
{
    struct pg_store *d = pg_of(s);
    PGresult *r = NULL;
    int rc = exec_prepared(d, which, p, n, &r);
    if (rc != VG_OK && lost(d)) {
        bool was_tx = d->in_tx;
        PQclear(r);
        r = NULL;
        reconnect(d);
        if (was_tx || vg_store_sql[which].appends)
            return retry_error(d);
        rc = exec_prepared(d, which, p, n, &r);
    }
    if (rc == VG_OK && changes)
        *changes = strtoull(PQcmdTuples(r), NULL, 10);
    int ncols = rc == VG_OK ? PQnfields(r) : 0, nrows = rc == VG_OK ? PQntuples(r) : 0;
    for (int i = 0; i < nrows && row && rc == VG_OK; i++) {
        const char *cols[VG_SQL_MAX_COLS];
        for (int c = 0; c < ncols && c < VG_SQL_MAX_COLS; c++)
            cols[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
        rc = row(ctx, cols);
    }
    PQclear(r);
    return rc;
}

const struct vg_store_ops vg_store_pg = {
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .exec = pg_exec,
    .run = pg_run,
};
