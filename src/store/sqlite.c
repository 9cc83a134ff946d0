/*
 * The SQLite store (store.h): one database file in WAL mode, so the API's readers never wait
 * for the service's writer and a crash loses at most the transaction in flight.
 *
 * Every statement is prepared once per connection from the table below and bound: no SQL is
 * ever built from data.  The schema is versioned in PRAGMA user_version; each migration is one
 * entry of `migrations` applied in a transaction, so a store is always at a version this build
 * knows or refused.
 */
#include "store/store.h"

#include <sqlite3.h>

#include "core/limits.h"
#include "core/time.h"

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

enum stmt {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_META_GET,
    S_META_SET,
    S_META_CREATE,
    S_META_SWAP,
    S_LEDGER_ADD,
    S_LEDGER_EACH,
    S_FINDING_STATE,
    S_FINDING_PUT,
    S_FINDING_GET,
    S_FINDINGS_ALL,
    S_FINDINGS_DETECTOR,
    S_FINDING_ARCHIVE,
    S_FINDING_FEEDBACK,
    S_FINDINGS_EXPIRE,
    S_DETECTOR_IDS,
    S_FILTER_PUT,
    S_FILTER_GET,
    S_FILTER_DELETE,
    S_FILTERS_EACH,
    S_LIST_PUT,
    S_LIST_GET,
    S_LIST_DELETE,
    S_LISTS_EACH,
    S_AUDIT_ADD,
    S_AUDIT_EACH,
    S_OUTBOX_ADD,
    S_OUTBOX_EACH,
    S_OUTBOX_DONE,
    S_OUTBOX_REMOVE,
    S_COUNT
};

#define FINDING_COLS                                                                               \
    "id, detector_id, type, account_id, region, severity, count, first_seen_ms, last_seen_ms,"     \
    " created_ms, updated_ms, archived, sample, feedback, json"

static const char *const sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
    [S_META_CREATE] = "INSERT OR IGNORE INTO meta(key, value) VALUES(?1, ?2)",
    [S_META_SWAP] = "UPDATE meta SET value = ?2 WHERE key = ?1 AND value = ?3",
    [S_LEDGER_ADD] = "INSERT INTO ledger(path, dev, ino, start, end, mtime_ms, records, bad, "
                     "status, error, arrived_ms, done_ms) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_LEDGER_EACH] = "SELECT seq, path, dev, ino, start, end, mtime_ms, records, bad, status, "
                      "error, arrived_ms, done_ms FROM ledger ORDER BY seq",
    [S_FINDING_STATE] = "SELECT created_ms, archived, feedback FROM findings WHERE id = ?1",
    [S_FINDING_PUT] = "INSERT OR REPLACE INTO findings(" FINDING_COLS ", feedback_comments) "
                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                      "(SELECT feedback_comments FROM findings WHERE id = ?1))",
    [S_FINDING_GET] = "SELECT " FINDING_COLS " FROM findings WHERE id = ?1",
    [S_FINDINGS_ALL] = "SELECT " FINDING_COLS " FROM findings",
    [S_FINDINGS_DETECTOR] = "SELECT " FINDING_COLS " FROM findings WHERE detector_id = ?1",
    [S_FINDING_ARCHIVE] = "UPDATE findings SET archived = ?2, json = ?3 WHERE id = ?1",
    [S_FINDING_FEEDBACK] = "UPDATE findings SET feedback = ?2, feedback_comments = ?3, json = ?4 "
                           "WHERE id = ?1",
    [S_FINDINGS_EXPIRE] = "DELETE FROM findings WHERE updated_ms < ?1",
    [S_DETECTOR_IDS] = "SELECT DISTINCT detector_id FROM findings ORDER BY detector_id",
    [S_FILTER_PUT] = "INSERT OR REPLACE INTO filters(name, description, action, rank, criteria, "
                     "owner, reason, expires_ms, created_ms, updated_ms) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [S_FILTER_GET] = "SELECT name, description, action, rank, criteria, owner, reason, "
                     "expires_ms, created_ms, updated_ms FROM filters WHERE name = ?1",
    [S_FILTER_DELETE] = "DELETE FROM filters WHERE name = ?1",
    [S_FILTERS_EACH] = "SELECT name, description, action, rank, criteria, owner, reason, "
                       "expires_ms, created_ms, updated_ms FROM filters ORDER BY rank, name",
    [S_LIST_PUT] = "INSERT OR REPLACE INTO lists(id, kind, name, format, location, status, "
                   "created_ms, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_LIST_GET] = "SELECT id, kind, name, format, location, status, created_ms, updated_ms "
                   "FROM lists WHERE id = ?1",
    [S_LIST_DELETE] = "DELETE FROM lists WHERE id = ?1",
    [S_LISTS_EACH] = "SELECT id, kind, name, format, location, status, created_ms, updated_ms "
                     "FROM lists WHERE ?1 IS NULL OR kind = ?1 ORDER BY created_ms, id",
    [S_AUDIT_ADD] = "INSERT INTO audit(at_ms, actor, action, object, detail) "
                    "VALUES(?1, ?2, ?3, ?4, ?5)",
    [S_AUDIT_EACH] = "SELECT at_ms, actor, action, object, detail FROM audit ORDER BY seq",
    [S_OUTBOX_ADD] = "INSERT INTO outbox(sink, finding_id, is_new, json) VALUES(?1, ?2, ?3, ?4)",
    [S_OUTBOX_EACH] = "SELECT seq, finding_id, is_new, json FROM outbox WHERE sink = ?1 "
                      "ORDER BY (?3 AND NOT is_new), seq LIMIT ?2",
    [S_OUTBOX_DONE] = "DELETE FROM outbox WHERE sink = ?1 AND seq <= ?2",
    [S_OUTBOX_REMOVE] = "DELETE FROM outbox WHERE sink = ?1 AND seq = ?2",
};

struct vg_store {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    struct vg_buf scratch; /* a finding's JSON with its archive state written in */
    char error[256];
};

static int fail(struct vg_store *s, const char *what)
{
    snprintf(s->error, sizeof(s->error), "%s: %s", what, sqlite3_errmsg(s->db));
    return VG_EDB;
}

/* A statement ready for binding: reset from its last use. */
static sqlite3_stmt *stmt(struct vg_store *s, enum stmt which)
{
    sqlite3_stmt *st = s->stmt[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Run a statement that returns no rows. */
static int exec(struct vg_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? VG_OK : fail(s, what);
}

static int migrate(struct vg_store *s, const char **why)
{
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return fail(s, "reading the schema version");
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > (int)VG_ARRAY_LEN(migrations)) {
        *why = "the store was written by a newer vigil (schema version too new)";
        return VG_EDB;
    }
    for (int v = version; v < (int)VG_ARRAY_LEN(migrations); v++) {
        char set[64];
        snprintf(set, sizeof(set), "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, set, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            int rc = fail(s, "migrating the schema");
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            *why = s->error;
            return rc;
        }
    }
    return VG_OK;
}

int vg_store_open(struct vg_store **out, const char *uri, const char **why)
{
    static const char prefix[] = "sqlite:";
    const char *path =
        strncmp(uri, prefix, sizeof(prefix) - 1) == 0 ? uri + sizeof(prefix) - 1 : uri;
    struct vg_store *s = calloc(1, sizeof(*s));
    *out = NULL;
    *why = "out of memory";
    if (!s)
        return VG_ENOMEM;
    vg_buf_init(&s->scratch, 0);
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf(s->error, sizeof(s->error), "%s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto failed;
    }
    /* Another connection (the API, a second process) may hold the write lock for a moment. */
    sqlite3_busy_timeout(s->db, 10000);
    /* WAL with synchronous=FULL: a committed ledger entry survives power loss, not only a
     * crash of vigild, which is the promise the kill -9 test checks. */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        fail(s, path);
        goto failed;
    }
    if (migrate(s, why) != VG_OK) {
        if (*why != s->error)
            snprintf(s->error, sizeof(s->error), "%s: %s", path, *why);
        goto failed;
    }
    for (int i = 0; i < S_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
            SQLITE_OK) {
            fail(s, "preparing statements");
            goto failed;
        }
    }
    *why = NULL;
    *out = s;
    return VG_OK;

failed:;
    /* the message outlives the connection: the caller reads it after we return */
    static _Thread_local char last_error[256];
    memcpy(last_error, s->error, sizeof(last_error));
    *why = last_error;
    vg_store_close(s);
    return VG_EDB;
}

void vg_store_close(struct vg_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    vg_buf_release(&s->scratch);
    free(s);
}

const char *vg_store_error(const struct vg_store *s)
{
    return s->error;
}

int vg_store_begin(struct vg_store *s)
{
    return exec(s, stmt(s, S_BEGIN), "begin");
}

int vg_store_commit(struct vg_store *s)
{
    return exec(s, stmt(s, S_COMMIT), "commit");
}

void vg_store_rollback(struct vg_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        exec(s, stmt(s, S_ROLLBACK), "rollback");
}

int vg_store_meta_get(struct vg_store *s, const char *key, struct vg_buf *out)
{
    sqlite3_stmt *st = stmt(s, S_META_GET);
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return VG_ENOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return fail(s, "reading meta");
    vg_buf_reset(out);
    rc = vg_buf_adds(out, col_text(st, 0));
    sqlite3_reset(st);
    return rc;
}

int vg_store_meta_set(struct vg_store *s, const char *key, const char *value)
{
    sqlite3_stmt *st = stmt(s, S_META_SET);
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    return exec(s, st, "writing meta");
}

int vg_store_meta_swap(struct vg_store *s, const char *key, const char *expected, const char *value)
{
    sqlite3_stmt *st = stmt(s, expected ? S_META_SWAP : S_META_CREATE);
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    if (expected)
        bind_text(st, 3, expected);
    int rc = exec(s, st, "writing meta");
    return rc == VG_OK && sqlite3_changes(s->db) == 0 ? VG_ECONFLICT : rc;
}

int vg_store_ledger_add(struct vg_store *s, const struct vg_ledger_entry *e)
{
    sqlite3_stmt *st = stmt(s, S_LEDGER_ADD);
    bind_text(st, 1, e->path);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)e->dev);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->ino);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)e->start);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->end);
    sqlite3_bind_int64(st, 6, e->mtime_ms);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)e->records);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)e->bad);
    bind_text(st, 9, e->status);
    bind_text(st, 10, e->error);
    sqlite3_bind_int64(st, 11, e->arrived_ms);
    sqlite3_bind_int64(st, 12, e->done_ms);
    return exec(s, st, "writing the ledger");
}

/* Step a query to its end, handing each row to `row`; stops early (and returns) when it
 * returns non-zero. */
static int each_row(struct vg_store *s, sqlite3_stmt *st, const char *what,
                    int (*row)(sqlite3_stmt *st, void *fn, void *ctx), void *fn, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int r = row(st, fn, ctx);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? VG_OK : fail(s, what);
}

static int ledger_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    struct vg_ledger_entry e = {
        .seq = sqlite3_column_int64(st, 0),
        .path = col_text(st, 1),
        .dev = (uint64_t)sqlite3_column_int64(st, 2),
        .ino = (uint64_t)sqlite3_column_int64(st, 3),
        .start = (uint64_t)sqlite3_column_int64(st, 4),
        .end = (uint64_t)sqlite3_column_int64(st, 5),
        .mtime_ms = sqlite3_column_int64(st, 6),
        .records = (uint64_t)sqlite3_column_int64(st, 7),
        .bad = (uint64_t)sqlite3_column_int64(st, 8),
        .status = col_text(st, 9),
        .error = col_text(st, 10),
        .arrived_ms = sqlite3_column_int64(st, 11),
        .done_ms = sqlite3_column_int64(st, 12),
    };
    return ((vg_ledger_fn)fn)(ctx, &e);
}

int vg_store_ledger_each(struct vg_store *s, vg_ledger_fn fn, void *ctx)
{
    return each_row(s, stmt(s, S_LEDGER_EACH), "reading the ledger", ledger_row, (void *)fn, ctx);
}

/* Write what the store keeps of a finding's life into its JSON: createdAt (when created_ms is
 * nonzero), the archive state and the feedback.  vg_render_json writes `"createdAt":"...` near
 * the start and `"archived":false,"count"` in service; hostile text cannot fake either sequence
 * because every quote inside a JSON string is escaped, so the first unescaped match is the
 * member. */
static int patch_json(struct vg_buf *out, const char *json, int64_t created_ms, bool archived,
                      const char *feedback)
{
    static const char created_mark[] = "\"createdAt\":\"";
    static const char *const marks[] = { "\"archived\":false", "\"archived\":true" };
    vg_buf_reset(out);
    int rc = 0;
    const char *c = created_ms ? strstr(json, created_mark) : NULL;
    const char *c_end = c ? strchr(c + sizeof(created_mark) - 1, '"') : NULL;
    if (c_end) {
        char iso[40];
        vg_time_format_iso(created_ms, iso, sizeof(iso));
        rc |= vg_buf_add(out, json, (size_t)(c - json) + sizeof(created_mark) - 1);
        rc |= vg_buf_adds(out, iso);
        json = c_end;
    }
    const char *at = NULL, *after = NULL;
    for (size_t i = 0; i < VG_ARRAY_LEN(marks) && !at; i++) {
        at = strstr(json, marks[i]);
        after = at ? at + strlen(marks[i]) : NULL;
    }
    if (!at)
        return rc | vg_buf_adds(out, json) ? VG_ENOMEM : VG_OK;
    /* a feedback member written earlier follows the archive state */
    static const char fb[] = ",\"userFeedback\":\"";
    if (strncmp(after, fb, sizeof(fb) - 1) == 0) {
        const char *end = strchr(after + sizeof(fb) - 1, '"');
        after = end ? end + 1 : after;
    }
    rc |= vg_buf_add(out, json, (size_t)(at - json));
    rc |= vg_buf_adds(out, archived ? marks[1] : marks[0]);
    if (feedback)
        rc |= vg_buf_printf(out, "%s%s\"", fb, feedback);
    rc |= vg_buf_adds(out, after);
    return rc ? VG_ENOMEM : VG_OK;
}

int vg_store_finding_put(struct vg_store *s, const struct vg_stored_finding *f, int rearchive,
                         bool *created, const char **stored_json)
{
    sqlite3_stmt *st = stmt(s, S_FINDING_STATE);
    bind_text(st, 1, f->id);
    int rc = sqlite3_step(st);
    bool exists = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return fail(s, "reading a finding");
    }
    int64_t created_ms = exists ? sqlite3_column_int64(st, 0) : f->created_ms;
    bool archived = rearchive >= 0 ? rearchive == 1 : exists ? sqlite3_column_int(st, 1) : false;
    char feedback[16] = "";
    if (exists && col_text(st, 2))
        snprintf(feedback, sizeof(feedback), "%s", col_text(st, 2));
    sqlite3_reset(st);
    if (patch_json(&s->scratch, f->json, created_ms, archived, feedback[0] ? feedback : NULL) !=
        VG_OK)
        return VG_ENOMEM;
    if (stored_json)
        *stored_json = s->scratch.data;

    st = stmt(s, S_FINDING_PUT);
    bind_text(st, 1, f->id);
    bind_text(st, 2, f->detector_id);
    bind_text(st, 3, f->type);
    bind_text(st, 4, f->account_id);
    bind_text(st, 5, f->region);
    sqlite3_bind_double(st, 6, f->severity);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)f->count);
    sqlite3_bind_int64(st, 8, f->first_seen_ms);
    sqlite3_bind_int64(st, 9, f->last_seen_ms);
    sqlite3_bind_int64(st, 10, created_ms);
    sqlite3_bind_int64(st, 11, f->updated_ms);
    sqlite3_bind_int(st, 12, archived);
    sqlite3_bind_int(st, 13, f->sample);
    bind_text(st, 14, feedback[0] ? feedback : NULL);
    sqlite3_bind_text(st, 15, s->scratch.data, (int)s->scratch.len, SQLITE_TRANSIENT);
    if (created)
        *created = !exists;
    return exec(s, st, "writing a finding");
}

static int finding_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    struct vg_stored_finding f = {
        .id = col_text(st, 0),
        .detector_id = col_text(st, 1),
        .type = col_text(st, 2),
        .account_id = col_text(st, 3),
        .region = col_text(st, 4),
        .severity = sqlite3_column_double(st, 5),
        .count = (uint64_t)sqlite3_column_int64(st, 6),
        .first_seen_ms = sqlite3_column_int64(st, 7),
        .last_seen_ms = sqlite3_column_int64(st, 8),
        .created_ms = sqlite3_column_int64(st, 9),
        .updated_ms = sqlite3_column_int64(st, 10),
        .archived = sqlite3_column_int(st, 11) != 0,
        .sample = sqlite3_column_int(st, 12) != 0,
        .feedback = col_text(st, 13),
        .json = col_text(st, 14),
    };
    return ((vg_finding_fn)fn)(ctx, &f);
}

int vg_store_finding_get(struct vg_store *s, const char *id, vg_finding_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, S_FINDING_GET);
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return VG_ENOTFOUND;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail(s, "reading a finding");
    }
    rc = finding_row(st, (void *)fn, ctx);
    sqlite3_reset(st);
    return rc;
}

int vg_store_findings_each(struct vg_store *s, const char *detector_id, vg_finding_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, detector_id ? S_FINDINGS_DETECTOR : S_FINDINGS_ALL);
    if (detector_id)
        bind_text(st, 1, detector_id);
    return each_row(s, st, "reading findings", finding_row, (void *)fn, ctx);
}

/* The current row of a finding, for an update of its archive state or feedback. */
struct current {
    bool found;
    bool archived;
    char feedback[16];
    struct vg_buf *json;
};

static int current_row(void *ctx, const struct vg_stored_finding *f)
{
    struct current *c = ctx;
    c->found = true;
    c->archived = f->archived;
    snprintf(c->feedback, sizeof(c->feedback), "%s", f->feedback ? f->feedback : "");
    vg_buf_reset(c->json);
    return vg_buf_adds(c->json, f->json);
}

/* Update one finding's archive state (archived >= 0) or feedback; absent ids are skipped, as
 * GuardDuty does. */
static int update_one(struct vg_store *s, const char *id, int archived, const char *feedback,
                      const char *comments)
{
    struct vg_buf json = VG_BUF_INIT;
    struct current cur = { .json = &json };
    int rc = vg_store_finding_get(s, id, current_row, &cur);
    if (rc == VG_ENOTFOUND) {
        vg_buf_release(&json);
        return VG_OK;
    }
    if (rc == VG_OK) {
        bool a = archived >= 0 ? archived == 1 : cur.archived;
        const char *fb = feedback ? feedback : cur.feedback[0] ? cur.feedback : NULL;
        rc = patch_json(&s->scratch, json.data, 0, a, fb);
    }
    if (rc == VG_OK) {
        sqlite3_stmt *st = stmt(s, archived >= 0 ? S_FINDING_ARCHIVE : S_FINDING_FEEDBACK);
        bind_text(st, 1, id);
        if (archived >= 0) {
            sqlite3_bind_int(st, 2, archived);
            sqlite3_bind_text(st, 3, s->scratch.data, (int)s->scratch.len, SQLITE_TRANSIENT);
        } else {
            bind_text(st, 2, feedback);
            bind_text(st, 3, comments);
            sqlite3_bind_text(st, 4, s->scratch.data, (int)s->scratch.len, SQLITE_TRANSIENT);
        }
        rc = exec(s, st, "updating a finding");
    }
    vg_buf_release(&json);
    return rc;
}

/* Apply update_one to every id in one transaction, unless the caller holds one already. */
static int update_many(struct vg_store *s, const char *const *ids, size_t n, int archived,
                       const char *feedback, const char *comments)
{
    bool own = sqlite3_get_autocommit(s->db) != 0;
    int rc = own ? vg_store_begin(s) : VG_OK;
    for (size_t i = 0; i < n && rc == VG_OK; i++)
        rc = update_one(s, ids[i], archived, feedback, comments);
    if (own)
        rc = rc == VG_OK ? vg_store_commit(s) : (vg_store_rollback(s), rc);
    return rc;
}

int vg_store_findings_archive(struct vg_store *s, const char *const *ids, size_t n, bool archived)
{
    return update_many(s, ids, n, archived ? 1 : 0, NULL, NULL);
}

int vg_store_findings_feedback(struct vg_store *s, const char *const *ids, size_t n,
                               const char *feedback, const char *comments)
{
    return update_many(s, ids, n, -1, feedback, comments);
}

int vg_store_findings_expire(struct vg_store *s, int64_t before_ms, uint64_t *dropped)
{
    sqlite3_stmt *st = stmt(s, S_FINDINGS_EXPIRE);
    sqlite3_bind_int64(st, 1, before_ms);
    int rc = exec(s, st, "expiring findings");
    *dropped = rc == VG_OK ? (uint64_t)sqlite3_changes(s->db) : 0;
    return rc;
}

static int detector_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    return ((vg_detector_id_fn)fn)(ctx, col_text(st, 0));
}

int vg_store_detector_ids(struct vg_store *s, vg_detector_id_fn fn, void *ctx)
{
    return each_row(s, stmt(s, S_DETECTOR_IDS), "reading detector ids", detector_row, (void *)fn,
                    ctx);
}

int vg_store_filter_put(struct vg_store *s, const struct vg_stored_filter *f)
{
    sqlite3_stmt *st = stmt(s, S_FILTER_PUT);
    bind_text(st, 1, f->name);
    bind_text(st, 2, f->description);
    bind_text(st, 3, f->action);
    sqlite3_bind_int(st, 4, f->rank);
    bind_text(st, 5, f->criteria);
    bind_text(st, 6, f->owner);
    bind_text(st, 7, f->reason);
    sqlite3_bind_int64(st, 8, f->expires_ms);
    sqlite3_bind_int64(st, 9, f->created_ms);
    sqlite3_bind_int64(st, 10, f->updated_ms);
    return exec(s, st, "writing a filter");
}

static int filter_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    struct vg_stored_filter f = {
        .name = col_text(st, 0),
        .description = col_text(st, 1),
        .action = col_text(st, 2),
        .rank = sqlite3_column_int(st, 3),
        .criteria = col_text(st, 4),
        .owner = col_text(st, 5),
        .reason = col_text(st, 6),
        .expires_ms = sqlite3_column_int64(st, 7),
        .created_ms = sqlite3_column_int64(st, 8),
        .updated_ms = sqlite3_column_int64(st, 9),
    };
    return ((vg_filter_fn)fn)(ctx, &f);
}

/* Run a keyed lookup: VG_ENOTFOUND when no row came. */
static int get_one(struct vg_store *s, sqlite3_stmt *st, const char *key, const char *what,
                   int (*row)(sqlite3_stmt *st, void *fn, void *ctx), void *fn, void *ctx)
{
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = row(st, fn, ctx);
    } else {
        rc = rc == SQLITE_DONE ? VG_ENOTFOUND : fail(s, what);
    }
    sqlite3_reset(st);
    return rc;
}

int vg_store_filter_get(struct vg_store *s, const char *name, vg_filter_fn fn, void *ctx)
{
    return get_one(s, stmt(s, S_FILTER_GET), name, "reading a filter", filter_row, (void *)fn, ctx);
}

/* Delete by key: VG_ENOTFOUND when nothing was there. */
static int delete_one(struct vg_store *s, enum stmt which, const char *key, const char *what)
{
    sqlite3_stmt *st = stmt(s, which);
    bind_text(st, 1, key);
    int rc = exec(s, st, what);
    return rc == VG_OK && sqlite3_changes(s->db) == 0 ? VG_ENOTFOUND : rc;
}

int vg_store_filter_delete(struct vg_store *s, const char *name)
{
    return delete_one(s, S_FILTER_DELETE, name, "deleting a filter");
}

int vg_store_filters_each(struct vg_store *s, vg_filter_fn fn, void *ctx)
{
    return each_row(s, stmt(s, S_FILTERS_EACH), "reading filters", filter_row, (void *)fn, ctx);
}

int vg_store_list_put(struct vg_store *s, const struct vg_stored_list *l)
{
    sqlite3_stmt *st = stmt(s, S_LIST_PUT);
    bind_text(st, 1, l->id);
    bind_text(st, 2, l->kind);
    bind_text(st, 3, l->name);
    bind_text(st, 4, l->format);
    bind_text(st, 5, l->location);
    bind_text(st, 6, l->status);
    sqlite3_bind_int64(st, 7, l->created_ms);
    sqlite3_bind_int64(st, 8, l->updated_ms);
    return exec(s, st, "writing a list");
}

static int list_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    struct vg_stored_list l = {
        .id = col_text(st, 0),
        .kind = col_text(st, 1),
        .name = col_text(st, 2),
        .format = col_text(st, 3),
        .location = col_text(st, 4),
        .status = col_text(st, 5),
        .created_ms = sqlite3_column_int64(st, 6),
        .updated_ms = sqlite3_column_int64(st, 7),
    };
    return ((vg_list_fn)fn)(ctx, &l);
}

int vg_store_list_get(struct vg_store *s, const char *id, vg_list_fn fn, void *ctx)
{
    return get_one(s, stmt(s, S_LIST_GET), id, "reading a list", list_row, (void *)fn, ctx);
}

int vg_store_list_delete(struct vg_store *s, const char *id)
{
    return delete_one(s, S_LIST_DELETE, id, "deleting a list");
}

int vg_store_lists_each(struct vg_store *s, const char *kind, vg_list_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, S_LISTS_EACH);
    bind_text(st, 1, kind);
    return each_row(s, st, "reading lists", list_row, (void *)fn, ctx);
}

int vg_store_audit(struct vg_store *s, int64_t at_ms, const char *actor, const char *action,
                   const char *object, const char *detail)
{
    sqlite3_stmt *st = stmt(s, S_AUDIT_ADD);
    sqlite3_bind_int64(st, 1, at_ms);
    bind_text(st, 2, actor);
    bind_text(st, 3, action);
    bind_text(st, 4, object);
    bind_text(st, 5, detail);
    return exec(s, st, "writing the audit log");
}

static int audit_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    return ((vg_audit_fn)fn)(ctx, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
                             col_text(st, 3), col_text(st, 4));
}

int vg_store_audit_each(struct vg_store *s, vg_audit_fn fn, void *ctx)
{
    return each_row(s, stmt(s, S_AUDIT_EACH), "reading the audit log", audit_row, (void *)fn, ctx);
}

int vg_store_outbox_add(struct vg_store *s, const char *sink, const char *finding_id, bool is_new,
                        const char *json)
{
    sqlite3_stmt *st = stmt(s, S_OUTBOX_ADD);
    bind_text(st, 1, sink);
    bind_text(st, 2, finding_id);
    sqlite3_bind_int(st, 3, is_new);
    bind_text(st, 4, json);
    return exec(s, st, "writing the outbox");
}

static int outbox_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    struct vg_outbox_row r = {
        .seq = sqlite3_column_int64(st, 0),
        .finding_id = col_text(st, 1),
        .is_new = sqlite3_column_int(st, 2) != 0,
        .json = col_text(st, 3),
    };
    return ((vg_outbox_fn)fn)(ctx, &r);
}

int vg_store_outbox_each(struct vg_store *s, const char *sink, size_t limit, bool new_first,
                         vg_outbox_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, S_OUTBOX_EACH);
    bind_text(st, 1, sink);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    sqlite3_bind_int(st, 3, new_first);
    return each_row(s, st, "reading the outbox", outbox_row, (void *)fn, ctx);
}

int vg_store_outbox_remove(struct vg_store *s, const char *sink, int64_t seq)
{
    sqlite3_stmt *st = stmt(s, S_OUTBOX_REMOVE);
    bind_text(st, 1, sink);
    sqlite3_bind_int64(st, 2, seq);
    return exec(s, st, "clearing the outbox");
}

int vg_store_outbox_done(struct vg_store *s, const char *sink, int64_t seq)
{
    sqlite3_stmt *st = stmt(s, S_OUTBOX_DONE);
    bind_text(st, 1, sink);
    sqlite3_bind_int64(st, 2, seq);
    return exec(s, st, "clearing the outbox");
}
