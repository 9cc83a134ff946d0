/*
 * The store: where vigild keeps what must survive a restart.  Findings (as rendered GuardDuty
 * JSON plus the columns queries need), their archive state and feedback, saved filters, list
 * metadata, the audit log, the ingest ledger and the publishing outbox.
 *
 * One small interface over backends listed in store.c (STYLE.md §2): SQLite (store/sqlite.c) is
 * the embedded default; PostgreSQL (store/pg.c) lets several vigild processes share one store.
 * A struct vg_store is one connection and is used by one thread at a time; threads open their
 * own.
 *
 * Every function that can fail returns VG_OK, VG_EDB (vg_store_error says why), VG_ENOMEM, or
 * VG_ERETRY: the connection to a database server was lost and is back (the backend waits for
 * it, however long).  A transaction in flight is gone then; redo it from its start.  A call
 * outside a transaction that can be repeated safely is repeated by the backend instead.
 *
 * Never skip, never repeat: a file's ledger entry and the findings it produced are written in one
 * transaction (vg_store_begin .. vg_store_commit).  Detector state is rebuilt on start by
 * replaying the ledger in order (pipeline/service.c), so the ledger *is* the checkpoint.
 *
 * Strings given to the store are copied; strings it hands back live in a caller's buffer or
 * until the next call on the same store, as each function says.
 */
#ifndef VG_STORE_STORE_H
#define VG_STORE_STORE_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/finding.h"

struct vg_store;

/* One processed piece of a log file: bytes [start, end) of the file as it was then. */
struct vg_ledger_entry {
    int64_t seq; /* commit order, assigned by the store */
    const char *path;
    uint64_t dev, ino; /* the file's identity: a rotated or replaced file is a new file */
    uint64_t start, end;
    int64_t mtime_ms;
    uint64_t records;   /* events parsed */
    uint64_t bad;       /* bad records reported */
    const char *status; /* "done", "partial" (more may come), "error" */
    const char *error;  /* the first message, or NULL */
    int64_t arrived_ms; /* when vigild first saw the file (wall clock) */
    int64_t done_ms;    /* when this piece committed (wall clock) */
};

/* A finding as stored: the columns a query sorts or filters on without parsing the JSON. */
struct vg_stored_finding {
    const char *id;
    const char *detector_id;
    const char *type;
    const char *account_id;
    const char *region;
    double severity;
    uint64_t count;
    int64_t first_seen_ms, last_seen_ms; /* event time */
    int64_t created_ms, updated_ms;      /* wall clock: when vigil wrote it */
    bool archived;
    bool sample;
    const char *feedback; /* "USEFUL", "NOT_USEFUL" or NULL */
    const char *json;     /* the finding object, "archived" and "userFeedback" as last written */
};

/* A saved filter (GuardDuty's CreateFilter). */
struct vg_stored_filter {
    const char *name;
    const char *description;
    const char *action; /* "NOOP" or "ARCHIVE" */
    int rank;
    const char *criteria;       /* the findingCriteria object as JSON text */
    const char *owner, *reason; /* beyond GuardDuty: who suppressed what and why */
    int64_t expires_ms;         /* 0: never */
    int64_t created_ms, updated_ms;
};

/* A threat or trusted list registered through the API (CreateThreatIntelSet / CreateIPSet). */
struct vg_stored_list {
    const char *id;
    const char *kind; /* "THREAT" or "TRUSTED" */
    const char *name;
    const char *format;
    const char *location;
    const char *status; /* ACTIVE, INACTIVE, ERROR */
    int64_t created_ms, updated_ms;
};

/* One row of the outbox: a finding version to publish (JSON-lines file, webhook). */
struct vg_outbox_row {
    int64_t seq;
    const char *finding_id;
    bool is_new; /* a finding's first version; later versions are updates */
    const char *json;
};

/* Fill *sf for finding f rendered as `json` (vg_render_json): its columns point into f, json
 * and `detector`, which receives the detector id f names, so all must outlive *sf. */
void vg_stored_finding_from(struct vg_stored_finding *sf, char detector[33],
                            const struct vg_finding *f, const char *json, int64_t created_ms,
                            int64_t updated_ms);

typedef int (*vg_ledger_fn)(void *ctx, const struct vg_ledger_entry *e);
typedef int (*vg_finding_fn)(void *ctx, const struct vg_stored_finding *f);
typedef int (*vg_filter_fn)(void *ctx, const struct vg_stored_filter *f);
typedef int (*vg_list_fn)(void *ctx, const struct vg_stored_list *l);
typedef int (*vg_outbox_fn)(void *ctx, const struct vg_outbox_row *r);

/* Open (creating and migrating as needed) the store named by `uri`: a path, "sqlite:PATH", or a
 * libpq URI, "postgresql://..." or "postgres://...".
 * VG_OK; VG_EDB with *why (a static or store-owned message) on failure; VG_ENOMEM.  Schema
 * versions newer than this build are refused. */
int vg_store_open(struct vg_store **out, const char *uri, const char **why);
void vg_store_close(struct vg_store *s);
/* `uri` fit for a log: a password in it (user:PASSWORD@, password=...) shown as "***". */
void vg_store_redact(const char *uri, char *out, size_t cap);
/* The last backend error message, for logs.  Never NULL. */
const char *vg_store_error(const struct vg_store *s);

int vg_store_begin(struct vg_store *s);
int vg_store_commit(struct vg_store *s);
void vg_store_rollback(struct vg_store *s);

/* Small named values: the instance's detector id, its creation time, the JSON-lines offset. */
int vg_store_meta_get(struct vg_store *s, const char *key, struct vg_buf *out); /* VG_ENOTFOUND */
int vg_store_meta_set(struct vg_store *s, const char *key, const char *value);
/* Set key to value unless it has one, then read it into out: of several processes opening one
 * new store at once, all end up with the value of the first. */
int vg_store_meta_init(struct vg_store *s, const char *key, const char *value, struct vg_buf *out);
/* Compare and set: write value only if the key holds `expected` (NULL: only if absent).
 * VG_ECONFLICT when it holds something else: another writer got there first (the fence that
 * keeps a cluster worker that lost its partition from committing over the new owner). */
int vg_store_meta_swap(struct vg_store *s, const char *key, const char *expected,
                       const char *value);

/* The ledger. */
int vg_store_ledger_add(struct vg_store *s, const struct vg_ledger_entry *e);
/* Every entry in commit order. */
int vg_store_ledger_each(struct vg_store *s, vg_ledger_fn fn, void *ctx);

/* Findings.  put inserts or replaces by id.  The store keeps a finding's life: an existing
 * row's created_ms, archive state and feedback stay (unless `rearchive` says otherwise: -1 keep,
 * 0 unarchive, 1 archive) and are written into the JSON it stores (createdAt, archived,
 * userFeedback), whatever the caller rendered there.  *created (may be NULL) tells whether the id
 * was new; *stored_json (may be NULL) is the JSON as stored, valid until the next call on s. */
int vg_store_finding_put(struct vg_store *s, const struct vg_stored_finding *f, int rearchive,
                         bool *created, const char **stored_json);
/* VG_ENOTFOUND when absent; the strings live until the next call on s. */
int vg_store_finding_get(struct vg_store *s, const char *id, vg_finding_fn fn, void *ctx);
/* All findings (detector_id NULL) or one detector's, in no particular order. */
int vg_store_findings_each(struct vg_store *s, const char *detector_id, vg_finding_fn fn,
                           void *ctx);
int vg_store_findings_archive(struct vg_store *s, const char *const *ids, size_t n, bool archived);
int vg_store_findings_feedback(struct vg_store *s, const char *const *ids, size_t n,
                               const char *feedback, const char *comments);
/* Drop findings whose last update is older than before_ms; *dropped counts them. */
int vg_store_findings_expire(struct vg_store *s, int64_t before_ms, uint64_t *dropped);

/* The distinct detector ids findings name (one per account and Region), sorted. */
typedef int (*vg_detector_id_fn)(void *ctx, const char *detector_id);
int vg_store_detector_ids(struct vg_store *s, vg_detector_id_fn fn, void *ctx);

/* Saved filters, by name.  put inserts or replaces. */
int vg_store_filter_put(struct vg_store *s, const struct vg_stored_filter *f);
int vg_store_filter_get(struct vg_store *s, const char *name, vg_filter_fn fn, void *ctx);
int vg_store_filter_delete(struct vg_store *s, const char *name); /* VG_ENOTFOUND */
/* In rank order, then name. */
int vg_store_filters_each(struct vg_store *s, vg_filter_fn fn, void *ctx);

/* Lists registered through the API, by id. */
int vg_store_list_put(struct vg_store *s, const struct vg_stored_list *l);
int vg_store_list_get(struct vg_store *s, const char *id, vg_list_fn fn, void *ctx);
int vg_store_list_delete(struct vg_store *s, const char *id); /* VG_ENOTFOUND */
int vg_store_lists_each(struct vg_store *s, const char *kind, vg_list_fn fn, void *ctx);

/* The audit log: every change to filters, lists, archive state and feedback. */
int vg_store_audit(struct vg_store *s, int64_t at_ms, const char *actor, const char *action,
                   const char *object, const char *detail);
/* Calls fn(ctx, at_ms, actor, action, object, detail) oldest first. */
typedef int (*vg_audit_fn)(void *ctx, int64_t at_ms, const char *actor, const char *action,
                           const char *object, const char *detail);
int vg_store_audit_each(struct vg_store *s, vg_audit_fn fn, void *ctx);

/* The outbox: finding versions waiting to be published, by sink ("jsonl", "webhook"). */
int vg_store_outbox_add(struct vg_store *s, const char *sink, const char *finding_id, bool is_new,
                        const char *json);
/* Up to `limit` rows of a sink, oldest first; with new_first, first versions of findings come
 * before all updates (a sink that holds updates back must still see new findings at once). */
int vg_store_outbox_each(struct vg_store *s, const char *sink, size_t limit, bool new_first,
                         vg_outbox_fn fn, void *ctx);
/* Remove one row (a sink that publishes rows out of order: the webhook holds updates back). */
int vg_store_outbox_remove(struct vg_store *s, const char *sink, int64_t seq);
/* Remove a sink's rows up to and including seq. */
int vg_store_outbox_done(struct vg_store *s, const char *sink, int64_t seq);

#endif
