/*
 * The store's front (store.h): picks a backend by the URI's scheme from the table below, and
 * holds everything that is the same whatever the backend: the statements, a finding's life
 * (createdAt, archive state and feedback written into its JSON), and decoding rows into the
 * structs of store.h.  A backend only connects, migrates and runs statements (backend.h).
 */
#include "store/store.h"

#include "core/time.h"
#include "store/backend.h"

/* A URI scheme and the backend behind it; a URI matching none is a SQLite path. */
static const struct {
    const char *prefix;
    bool keep_prefix; /* libpq wants the whole URI */
    const struct vg_store_ops *ops;
} backends[] = {
    { "sqlite:", false, &vg_store_sqlite },
    { "postgresql://", true, &vg_store_pg },
    { "postgres://", true, &vg_store_pg },
};

#define FINDING_COLS                                                                               \
    "id, detector_id, type, account_id, region, severity, count, first_seen_ms, last_seen_ms,"     \
    " created_ms, updated_ms, archived, sample, feedback, json"
#define FILTER_COLS                                                                                \
    "name, description, action, rank, criteria, owner, reason, expires_ms, created_ms, updated_ms"
#define LIST_COLS "id, kind, name, format, location, status, created_ms, updated_ms"

/* "end" is quoted: PostgreSQL reserves the word. */
const struct vg_sql_stmt vg_store_sql[VG_SQL_COUNT] = {
    [VG_SQL_META_GET] = { "SELECT value FROM meta WHERE key = ?1", false },
    [VG_SQL_META_SET] = { "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                          false },
    [VG_SQL_META_INIT] = { "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                           "ON CONFLICT(key) DO NOTHING",
                           false },
    [VG_SQL_META_SWAP] = { "UPDATE meta SET value = ?2 WHERE key = ?1 AND value = ?3", false },
    [VG_SQL_LEDGER_ADD] = { "INSERT INTO ledger(path, dev, ino, start, \"end\", mtime_ms, records, "
                            "bad, status, error, arrived_ms, done_ms) "
                            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                            true },
    [VG_SQL_LEDGER_EACH] = { "SELECT seq, path, dev, ino, start, \"end\", mtime_ms, records, bad, "
                             "status, error, arrived_ms, done_ms FROM ledger ORDER BY seq",
                             false },
    [VG_SQL_FINDING_STATE] = { "SELECT created_ms, archived, feedback FROM findings WHERE id = ?1",
                               false, true },
    /* feedback_comments is the one column a new version does not carry */
    [VG_SQL_FINDING_PUT] = { "INSERT INTO findings(" FINDING_COLS ") "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                             "?15) ON CONFLICT(id) DO UPDATE SET detector_id = "
                             "excluded.detector_id,"
                             " type = excluded.type, account_id = excluded.account_id,"
                             " region = excluded.region, severity = excluded.severity,"
                             " count = excluded.count, first_seen_ms = excluded.first_seen_ms,"
                             " last_seen_ms = excluded.last_seen_ms,"
                             " created_ms = excluded.created_ms, updated_ms = excluded.updated_ms,"
                             " archived = excluded.archived, sample = excluded.sample,"
                             " feedback = excluded.feedback, json = excluded.json",
                             false },
    [VG_SQL_FINDING_GET] = { "SELECT " FINDING_COLS " FROM findings WHERE id = ?1", false },
    [VG_SQL_FINDING_CURRENT] = { "SELECT " FINDING_COLS " FROM findings WHERE id = ?1", false,
                                 true },
    [VG_SQL_FINDINGS_ALL] = { "SELECT " FINDING_COLS " FROM findings", false },
    [VG_SQL_FINDINGS_DETECTOR] = { "SELECT " FINDING_COLS " FROM findings WHERE detector_id = ?1",
                                   false },
    [VG_SQL_FINDING_ARCHIVE] = { "UPDATE findings SET archived = ?2, json = ?3 WHERE id = ?1",
                                 false },
    [VG_SQL_FINDING_FEEDBACK] = { "UPDATE findings SET feedback = ?2, feedback_comments = ?3, "
                                  "json = ?4 WHERE id = ?1",
                                  false },
    [VG_SQL_FINDINGS_EXPIRE] = { "DELETE FROM findings WHERE updated_ms < ?1", false },
    [VG_SQL_DETECTOR_IDS] = { "SELECT DISTINCT detector_id FROM findings ORDER BY detector_id",
                              false },
    [VG_SQL_FILTER_PUT] = { "INSERT INTO filters(" FILTER_COLS ") "
                            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                            "ON CONFLICT(name) DO UPDATE SET description = excluded.description,"
                            " action = excluded.action, rank = excluded.rank,"
                            " criteria = excluded.criteria, owner = excluded.owner,"
                            " reason = excluded.reason, expires_ms = excluded.expires_ms,"
                            " created_ms = excluded.created_ms, updated_ms = excluded.updated_ms",
                            false },
    [VG_SQL_FILTER_GET] = { "SELECT " FILTER_COLS " FROM filters WHERE name = ?1", false },
    [VG_SQL_FILTER_DELETE] = { "DELETE FROM filters WHERE name = ?1", false },
    [VG_SQL_FILTERS_EACH] = { "SELECT " FILTER_COLS " FROM filters ORDER BY rank, name", false },
    [VG_SQL_LIST_PUT] = { "INSERT INTO lists(" LIST_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                          "ON CONFLICT(id) DO UPDATE SET kind = excluded.kind,"
                          " name = excluded.name, format = excluded.format,"
                          " location = excluded.location, status = excluded.status,"
                          " created_ms = excluded.created_ms, updated_ms = excluded.updated_ms",
                          false },
    [VG_SQL_LIST_GET] = { "SELECT " LIST_COLS " FROM lists WHERE id = ?1", false },
    [VG_SQL_LIST_DELETE] = { "DELETE FROM lists WHERE id = ?1", false },
    /* the cast gives PostgreSQL the parameter's type where it only meets IS NULL */
    [VG_SQL_LISTS_EACH] = { "SELECT " LIST_COLS " FROM lists WHERE CAST(?1 AS TEXT) IS NULL "
                            "OR kind = ?1 ORDER BY created_ms, id",
                            false },
    [VG_SQL_AUDIT_ADD] = { "INSERT INTO audit(at_ms, actor, action, object, detail) "
                           "VALUES(?1, ?2, ?3, ?4, ?5)",
                           true },
    [VG_SQL_AUDIT_EACH] = { "SELECT at_ms, actor, action, object, detail FROM audit ORDER BY seq",
                            false },
    [VG_SQL_OUTBOX_ADD] = { "INSERT INTO outbox(sink, finding_id, is_new, json) "
                            "VALUES(?1, ?2, ?3, ?4)",
                            true },
    [VG_SQL_OUTBOX_EACH] = { "SELECT seq, finding_id, is_new, json FROM outbox WHERE sink = ?1 "
                             "ORDER BY (?3 <> 0 AND is_new = 0), seq LIMIT ?2",
                             false },
    [VG_SQL_OUTBOX_DONE] = { "DELETE FROM outbox WHERE sink = ?1 AND seq <= ?2", false },
    [VG_SQL_OUTBOX_REMOVE] = { "DELETE FROM outbox WHERE sink = ?1 AND seq = ?2", false },
};

#define TEXT(v) ((struct vg_sql_param){ .type = (v) ? VG_SQL_TEXT : VG_SQL_NULL, .text = (v) })
#define INT(v) ((struct vg_sql_param){ .type = VG_SQL_INT, .i = (int64_t)(v) })
#define REAL(v) ((struct vg_sql_param){ .type = VG_SQL_REAL, .d = (v) })

static int run(struct vg_store *s, enum vg_sql which, const struct vg_sql_param *p, int n,
               vg_sql_row_fn row, void *ctx)
{
    return s->ops->run(s, which, p, n, row, ctx, NULL);
}

static int64_t num(const char *col)
{
    return col ? strtoll(col, NULL, 10) : 0;
}

int vg_store_open(struct vg_store **out, const char *uri, const char **why)
{
    /* the message outlives the failed connection: the caller reads it after we return */
    static _Thread_local char last_error[256];
    const struct vg_store_ops *ops = &vg_store_sqlite;
    const char *target = uri;
    for (size_t i = 0; i < VG_ARRAY_LEN(backends); i++) {
        size_t len = strlen(backends[i].prefix);
        if (strncmp(uri, backends[i].prefix, len) == 0) {
            ops = backends[i].ops;
            target = backends[i].keep_prefix ? uri : uri + len;
            break;
        }
    }
    *out = NULL;
    last_error[0] = '\0';
    int rc = ops->open(out, target, last_error, sizeof(last_error));
    *why = rc == VG_OK ? NULL : last_error;
    return rc;
}

void vg_store_redact(const char *uri, char *out, size_t cap)
{
    static const char param[] = "password=";
    const char *auth = strstr(uri, "://");
    auth = auth ? auth + 3 : NULL;
    const char *at = auth ? strchr(auth, '@') : NULL;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    const char *p = strstr(uri, param);
    if (colon) /* user:password@host */
        snprintf(out, cap, "%.*s:***%s", (int)(colon - uri), uri, at);
    else if (p) /* ...?password=...&... */
        snprintf(out, cap, "%.*s%s***%s", (int)(p - uri), uri, param, p + strcspn(p, "& "));
    else
        snprintf(out, cap, "%s", uri);
}

struct vg_store *vg_store_base_new(size_t size, const struct vg_store_ops *ops, char *why,
                                   size_t why_len)
{
    struct vg_store *s = calloc(1, size);
    if (!s) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    s->ops = ops;
    vg_buf_init(&s->scratch, 0);
    return s;
}

void vg_store_base_free(struct vg_store *s)
{
    vg_buf_release(&s->scratch);
    free(s);
}

int vg_store_migrate(struct vg_store *s, const struct vg_store_schema *schema, char *why,
                     size_t why_len)
{
    int version = 0;
    int rc = s->ops->exec(s, schema->lock, NULL);
    if (rc == VG_OK)
        rc = s->ops->exec(s, schema->version_get, &version);
    if (rc == VG_OK && version > (int)schema->count) {
        snprintf(s->error, sizeof(s->error),
                 "the store was written by a newer vigil (schema version too new)");
        rc = VG_EDB;
    }
    for (int v = version; v < (int)schema->count && rc == VG_OK; v++)
        rc = s->ops->exec(s, schema->steps[v], NULL);
    if (rc == VG_OK && version < (int)schema->count) {
        char set[128];
        snprintf(set, sizeof(set), "%s%d", schema->version_set, (int)schema->count);
        rc = s->ops->exec(s, set, NULL);
    }
    if (rc == VG_OK)
        rc = s->ops->exec(s, "COMMIT", NULL);
    if (rc != VG_OK) {
        snprintf(why, why_len, "%s", s->error);
        s->ops->exec(s, "ROLLBACK", NULL);
    }
    return rc;
}

void vg_store_close(struct vg_store *s)
{
    if (s)
        s->ops->close(s);
}

const char *vg_store_error(const struct vg_store *s)
{
    return s->error;
}

int vg_store_begin(struct vg_store *s)
{
    return s->ops->begin(s);
}

int vg_store_commit(struct vg_store *s)
{
    return s->ops->commit(s);
}

void vg_store_rollback(struct vg_store *s)
{
    s->ops->rollback(s);
}

static int meta_row(void *ctx, const char *const *cols)
{
    struct vg_buf *out = ctx;
    vg_buf_reset(out);
    return vg_buf_adds(out, cols[0]) == VG_OK ? 1 : VG_ENOMEM; /* 1: found */
}

int vg_store_meta_get(struct vg_store *s, const char *key, struct vg_buf *out)
{
    struct vg_sql_param p[] = { TEXT(key) };
    int rc = run(s, VG_SQL_META_GET, p, 1, meta_row, out);
    return rc == 1 ? VG_OK : rc == VG_OK ? VG_ENOTFOUND : rc;
}

int vg_store_meta_set(struct vg_store *s, const char *key, const char *value)
{
    struct vg_sql_param p[] = { TEXT(key), TEXT(value) };
    return run(s, VG_SQL_META_SET, p, 2, NULL, NULL);
}

int vg_store_meta_init(struct vg_store *s, const char *key, const char *value, struct vg_buf *out)
{
    struct vg_sql_param p[] = { TEXT(key), TEXT(value) };
    int rc = run(s, VG_SQL_META_INIT, p, 2, NULL, NULL);
    return rc == VG_OK ? vg_store_meta_get(s, key, out) : rc;
}

int vg_store_meta_swap(struct vg_store *s, const char *key, const char *expected, const char *value)
{
    struct vg_sql_param p[] = { TEXT(key), TEXT(value), TEXT(expected) };
    uint64_t changes = 0;
    int rc = s->ops->run(s, expected ? VG_SQL_META_SWAP : VG_SQL_META_INIT, p, expected ? 3 : 2,
                         NULL, NULL, &changes);
    return rc == VG_OK && changes == 0 ? VG_ECONFLICT : rc;
}

int vg_store_ledger_add(struct vg_store *s, const struct vg_ledger_entry *e)
{
    struct vg_sql_param p[] = {
        TEXT(e->path),   INT(e->dev),      INT(e->ino),        INT(e->start),
        INT(e->end),     INT(e->mtime_ms), INT(e->records),    INT(e->bad),
        TEXT(e->status), TEXT(e->error),   INT(e->arrived_ms), INT(e->done_ms),
    };
    return run(s, VG_SQL_LEDGER_ADD, p, (int)VG_ARRAY_LEN(p), NULL, NULL);
}

/* A caller's callback, for the row decoders; found: a row came. */
struct each {
    void *fn;
    void *ctx;
    bool found;
};

static int ledger_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    e->found = true;
    struct vg_ledger_entry l = {
        .seq = num(c[0]),
        .path = c[1],
        .dev = (uint64_t)num(c[2]),
        .ino = (uint64_t)num(c[3]),
        .start = (uint64_t)num(c[4]),
        .end = (uint64_t)num(c[5]),
        .mtime_ms = num(c[6]),
        .records = (uint64_t)num(c[7]),
        .bad = (uint64_t)num(c[8]),
        .status = c[9],
        .error = c[10],
        .arrived_ms = num(c[11]),
        .done_ms = num(c[12]),
    };
    return ((vg_ledger_fn)e->fn)(e->ctx, &l);
}

int vg_store_ledger_each(struct vg_store *s, vg_ledger_fn fn, void *ctx)
{
    struct each e = { (void *)fn, ctx, false };
    return run(s, VG_SQL_LEDGER_EACH, NULL, 0, ledger_row, &e);
}

/* Write the store's part of a finding's life into its JSON: createdAt (when created_ms is not
 * 0), the archive state and the feedback.  vg_render_json writes `"createdAt":"...` near
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

/* What an existing row keeps across versions of a finding. */
struct life {
    bool exists;
    int64_t created_ms;
    bool archived;
    char feedback[16];
};

static int life_row(void *ctx, const char *const *c)
{
    struct life *l = ctx;
    l->exists = true;
    l->created_ms = num(c[0]);
    l->archived = num(c[1]) != 0;
    snprintf(l->feedback, sizeof(l->feedback), "%s", c[2] ? c[2] : "");
    return 0;
}

int vg_store_finding_put(struct vg_store *s, const struct vg_stored_finding *f, int rearchive,
                         bool *created, const char **stored_json)
{
    struct life life = { .exists = false };
    struct vg_sql_param key[] = { TEXT(f->id) };
    int rc = run(s, VG_SQL_FINDING_STATE, key, 1, life_row, &life);
    if (rc != VG_OK)
        return rc;
    int64_t created_ms = life.exists ? life.created_ms : f->created_ms;
    bool archived = rearchive >= 0 ? rearchive == 1 : life.archived;
    const char *feedback = life.feedback[0] ? life.feedback : NULL;
    if (patch_json(&s->scratch, f->json, created_ms, archived, feedback) != VG_OK)
        return VG_ENOMEM;
    if (stored_json)
        *stored_json = s->scratch.data;
    struct vg_sql_param p[] = {
        TEXT(f->id),          TEXT(f->detector_id), TEXT(f->type),         TEXT(f->account_id),
        TEXT(f->region),      REAL(f->severity),    INT(f->count),         INT(f->first_seen_ms),
        INT(f->last_seen_ms), INT(created_ms),      INT(f->updated_ms),    INT(archived),
        INT(f->sample),       TEXT(feedback),       TEXT(s->scratch.data),
    };
    rc = run(s, VG_SQL_FINDING_PUT, p, (int)VG_ARRAY_LEN(p), NULL, NULL);
    if (created)
        *created = !life.exists;
    return rc;
}

static int finding_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    e->found = true;
    struct vg_stored_finding f = {
        .id = c[0],
        .detector_id = c[1],
        .type = c[2],
        .account_id = c[3],
        .region = c[4],
        .severity = c[5] ? strtod(c[5], NULL) : 0,
        .count = (uint64_t)num(c[6]),
        .first_seen_ms = num(c[7]),
        .last_seen_ms = num(c[8]),
        .created_ms = num(c[9]),
        .updated_ms = num(c[10]),
        .archived = num(c[11]) != 0,
        .sample = num(c[12]) != 0,
        .feedback = c[13],
        .json = c[14],
    };
    return ((vg_finding_fn)e->fn)(e->ctx, &f);
}

/* Run a statement whose rows go to a caller's callback fn, decoded by `row`. */
static int each(struct vg_store *s, enum vg_sql which, const struct vg_sql_param *p, int n,
                vg_sql_row_fn row, void *fn, void *ctx)
{
    struct each e = { fn, ctx, false };
    return run(s, which, p, n, row, &e);
}

/* A keyed lookup: VG_ENOTFOUND when no row came. */
static int get_one(struct vg_store *s, enum vg_sql which, const char *key, vg_sql_row_fn row,
                   void *fn, void *ctx)
{
    struct each e = { fn, ctx, false };
    struct vg_sql_param p[] = { TEXT(key) };
    int rc = run(s, which, p, 1, row, &e);
    return rc == VG_OK && !e.found ? VG_ENOTFOUND : rc;
}

int vg_store_finding_get(struct vg_store *s, const char *id, vg_finding_fn fn, void *ctx)
{
    return get_one(s, VG_SQL_FINDING_GET, id, finding_row, (void *)fn, ctx);
}

int vg_store_findings_each(struct vg_store *s, const char *detector_id, vg_finding_fn fn, void *ctx)
{
    struct vg_sql_param p[] = { TEXT(detector_id) };
    return each(s, detector_id ? VG_SQL_FINDINGS_DETECTOR : VG_SQL_FINDINGS_ALL, p,
                detector_id ? 1 : 0, finding_row, (void *)fn, ctx);
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
    int rc = get_one(s, VG_SQL_FINDING_CURRENT, id, finding_row, (void *)current_row, &cur);
    if (rc == VG_ENOTFOUND) {
        vg_buf_release(&json);
        return VG_OK;
    }
    if (rc == VG_OK) {
        bool a = archived >= 0 ? archived == 1 : cur.archived;
        const char *fb = feedback ? feedback : cur.feedback[0] ? cur.feedback : NULL;
        rc = patch_json(&s->scratch, json.data, 0, a, fb);
    }
    if (rc == VG_OK && archived >= 0) {
        struct vg_sql_param p[] = { TEXT(id), INT(archived), TEXT(s->scratch.data) };
        rc = run(s, VG_SQL_FINDING_ARCHIVE, p, 3, NULL, NULL);
    } else if (rc == VG_OK) {
        struct vg_sql_param p[] = { TEXT(id), TEXT(feedback), TEXT(comments),
                                    TEXT(s->scratch.data) };
        rc = run(s, VG_SQL_FINDING_FEEDBACK, p, 4, NULL, NULL);
    }
    vg_buf_release(&json);
    return rc;
}

/* Apply update_one to every id in one transaction, unless the caller holds one already. */
static int update_many(struct vg_store *s, const char *const *ids, size_t n, int archived,
                       const char *feedback, const char *comments)
{
    bool own = !s->ops->in_transaction(s);
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
    struct vg_sql_param p[] = { INT(before_ms) };
    *dropped = 0;
    return s->ops->run(s, VG_SQL_FINDINGS_EXPIRE, p, 1, NULL, NULL, dropped);
}

static int detector_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    return ((vg_detector_id_fn)e->fn)(e->ctx, c[0]);
}

int vg_store_detector_ids(struct vg_store *s, vg_detector_id_fn fn, void *ctx)
{
    return each(s, VG_SQL_DETECTOR_IDS, NULL, 0, detector_row, (void *)fn, ctx);
}

int vg_store_filter_put(struct vg_store *s, const struct vg_stored_filter *f)
{
    struct vg_sql_param p[] = {
        TEXT(f->name),      TEXT(f->description), TEXT(f->action), INT(f->rank),
        TEXT(f->criteria),  TEXT(f->owner),       TEXT(f->reason), INT(f->expires_ms),
        INT(f->created_ms), INT(f->updated_ms),
    };
    return run(s, VG_SQL_FILTER_PUT, p, (int)VG_ARRAY_LEN(p), NULL, NULL);
}

static int filter_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    e->found = true;
    struct vg_stored_filter f = {
        .name = c[0],
        .description = c[1],
        .action = c[2],
        .rank = (int)num(c[3]),
        .criteria = c[4],
        .owner = c[5],
        .reason = c[6],
        .expires_ms = num(c[7]),
        .created_ms = num(c[8]),
        .updated_ms = num(c[9]),
    };
    return ((vg_filter_fn)e->fn)(e->ctx, &f);
}

int vg_store_filter_get(struct vg_store *s, const char *name, vg_filter_fn fn, void *ctx)
{
    return get_one(s, VG_SQL_FILTER_GET, name, filter_row, (void *)fn, ctx);
}

/* Delete by key: VG_ENOTFOUND when nothing was there. */
static int delete_one(struct vg_store *s, enum vg_sql which, const char *key)
{
    struct vg_sql_param p[] = { TEXT(key) };
    uint64_t changes = 0;
    int rc = s->ops->run(s, which, p, 1, NULL, NULL, &changes);
    return rc == VG_OK && changes == 0 ? VG_ENOTFOUND : rc;
}

int vg_store_filter_delete(struct vg_store *s, const char *name)
{
    return delete_one(s, VG_SQL_FILTER_DELETE, name);
}

int vg_store_filters_each(struct vg_store *s, vg_filter_fn fn, void *ctx)
{
    return each(s, VG_SQL_FILTERS_EACH, NULL, 0, filter_row, (void *)fn, ctx);
}

int vg_store_list_put(struct vg_store *s, const struct vg_stored_list *l)
{
    struct vg_sql_param p[] = {
        TEXT(l->id),       TEXT(l->kind),   TEXT(l->name),      TEXT(l->format),
        TEXT(l->location), TEXT(l->status), INT(l->created_ms), INT(l->updated_ms),
    };
    return run(s, VG_SQL_LIST_PUT, p, (int)VG_ARRAY_LEN(p), NULL, NULL);
}

static int list_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    e->found = true;
    struct vg_stored_list l = {
        .id = c[0],
        .kind = c[1],
        .name = c[2],
        .format = c[3],
        .location = c[4],
        .status = c[5],
        .created_ms = num(c[6]),
        .updated_ms = num(c[7]),
    };
    return ((vg_list_fn)e->fn)(e->ctx, &l);
}

int vg_store_list_get(struct vg_store *s, const char *id, vg_list_fn fn, void *ctx)
{
    return get_one(s, VG_SQL_LIST_GET, id, list_row, (void *)fn, ctx);
}

int vg_store_list_delete(struct vg_store *s, const char *id)
{
    return delete_one(s, VG_SQL_LIST_DELETE, id);
}

int vg_store_lists_each(struct vg_store *s, const char *kind, vg_list_fn fn, void *ctx)
{
    struct vg_sql_param p[] = { TEXT(kind) };
    return each(s, VG_SQL_LISTS_EACH, p, 1, list_row, (void *)fn, ctx);
}

int vg_store_audit(struct vg_store *s, int64_t at_ms, const char *actor, const char *action,
                   const char *object, const char *detail)
{
    struct vg_sql_param p[] = { INT(at_ms), TEXT(actor), TEXT(action), TEXT(object), TEXT(detail) };
    return run(s, VG_SQL_AUDIT_ADD, p, (int)VG_ARRAY_LEN(p), NULL, NULL);
}

static int audit_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    return ((vg_audit_fn)e->fn)(e->ctx, num(c[0]), c[1], c[2], c[3], c[4]);
}

int vg_store_audit_each(struct vg_store *s, vg_audit_fn fn, void *ctx)
{
    return each(s, VG_SQL_AUDIT_EACH, NULL, 0, audit_row, (void *)fn, ctx);
}

int vg_store_outbox_add(struct vg_store *s, const char *sink, const char *finding_id, bool is_new,
                        const char *json)
{
    struct vg_sql_param p[] = { TEXT(sink), TEXT(finding_id), INT(is_new), TEXT(json) };
    return run(s, VG_SQL_OUTBOX_ADD, p, (int)VG_ARRAY_LEN(p), NULL, NULL);
}

static int outbox_row(void *ctx, const char *const *c)
{
    struct each *e = ctx;
    struct vg_outbox_row r = {
        .seq = num(c[0]),
        .finding_id = c[1],
        .is_new = num(c[2]) != 0,
        .json = c[3],
    };
    return ((vg_outbox_fn)e->fn)(e->ctx, &r);
}

int vg_store_outbox_each(struct vg_store *s, const char *sink, size_t limit, bool new_first,
                         vg_outbox_fn fn, void *ctx)
{
    struct vg_sql_param p[] = { TEXT(sink), INT(limit), INT(new_first) };
    return each(s, VG_SQL_OUTBOX_EACH, p, 3, outbox_row, (void *)fn, ctx);
}

int vg_store_outbox_remove(struct vg_store *s, const char *sink, int64_t seq)
{
    struct vg_sql_param p[] = { TEXT(sink), INT(seq) };
    return run(s, VG_SQL_OUTBOX_REMOVE, p, 2, NULL, NULL);
}

int vg_store_outbox_done(struct vg_store *s, const char *sink, int64_t seq)
{
    struct vg_sql_param p[] = { TEXT(sink), INT(seq) };
    return run(s, VG_SQL_OUTBOX_DONE, p, 2, NULL, NULL);
}
