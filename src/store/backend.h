/*
 * What a store backend implements (STYLE.md §2): a connection that runs the statements of the
 * shared table below, plus transactions.  Everything above that (finding life, archive state
 * written into the JSON, row decoding) lives once in store.c, so the backends cannot drift.
 *
 * The statements are written in the SQL both SQLite and PostgreSQL accept, with ?N parameters
 * (pg.c renumbers them $N).  Only the schema and the transaction verbs differ per backend.
 */
#ifndef VG_STORE_BACKEND_H
#define VG_STORE_BACKEND_H

#include "core/compat.h"
#include "store/store.h"

enum vg_sql {
    VG_SQL_META_GET,
    VG_SQL_META_SET,
    VG_SQL_META_INIT,
    VG_SQL_META_SWAP,
    VG_SQL_LEDGER_ADD,
    VG_SQL_LEDGER_EACH,
    VG_SQL_FINDING_STATE,
    VG_SQL_FINDING_PUT,
    VG_SQL_FINDING_GET,
    VG_SQL_FINDING_CURRENT,
    VG_SQL_FINDINGS_ALL,
    VG_SQL_FINDINGS_DETECTOR,
    VG_SQL_FINDING_ARCHIVE,
    VG_SQL_FINDING_FEEDBACK,
    VG_SQL_FINDINGS_EXPIRE,
    VG_SQL_DETECTOR_IDS,
    VG_SQL_FILTER_PUT,
    VG_SQL_FILTER_GET,
    VG_SQL_FILTER_DELETE,
    VG_SQL_FILTERS_EACH,
    VG_SQL_LIST_PUT,
    VG_SQL_LIST_GET,
    VG_SQL_LIST_DELETE,
    VG_SQL_LISTS_EACH,
    VG_SQL_AUDIT_ADD,
    VG_SQL_AUDIT_EACH,
    VG_SQL_OUTBOX_ADD,
    VG_SQL_OUTBOX_EACH,
    VG_SQL_OUTBOX_DONE,
    VG_SQL_OUTBOX_REMOVE,
    VG_SQL_COUNT
};

struct vg_sql_stmt {
    const char *text;
    /* running it twice is not the same as once (it appends a row): after a lost connection the
     * backend may not redo it on its own */
    bool appends;
    /* it reads a row to write it back in the same transaction: where writers do not exclude
     * each other (PostgreSQL) the row is locked until the transaction ends (FOR UPDATE), so an
     * API archive and the ingest's new version of a finding cannot undo each other */
    bool for_update;
};

/* The shared statements, indexed by enum vg_sql. */
extern const struct vg_sql_stmt vg_store_sql[VG_SQL_COUNT];

enum vg_sql_type { VG_SQL_NULL, VG_SQL_TEXT, VG_SQL_INT, VG_SQL_REAL };

struct vg_sql_param {
    enum vg_sql_type type;
    const char *text;
    int64_t i;
    double d;
};

/* The most columns a statement returns, and parameters it takes. */
#define VG_SQL_MAX_COLS 16

/* One result row: each column as text, NULL for SQL NULL; valid during the call. */
typedef int (*vg_sql_row_fn)(void *ctx, const char *const *cols);

struct vg_store_ops {
    /* Connect to `target` (the URI, without "sqlite:" for SQLite) and bring its schema to this
     * build's version.  On failure, a message in why[why_len]. */
    int (*open)(struct vg_store **out, const char *target, char *why, size_t why_len);
    void (*close)(struct vg_store *s);
    int (*begin)(struct vg_store *s);
    int (*commit)(struct vg_store *s);
    void (*rollback)(struct vg_store *s);
    bool (*in_transaction)(struct vg_store *s);
    /* Run SQL of our own (never data), several statements allowed without value; *value (may
     * be NULL) gets the first column of the first row, 0 without one. */
    int (*exec)(struct vg_store *s, const char *sql, int *value);
    /* Run statement `which` with n parameters; each result row goes to row (stop and return
     * its value when non-zero); *changes (may be NULL) counts rows written.  VG_OK, VG_EDB
     * (message in s->error), VG_ERETRY (the connection was lost and is back: the transaction in
     * flight is gone), VG_ENOMEM. */
    int (*run)(struct vg_store *s, enum vg_sql which, const struct vg_sql_param *p, int n,
               vg_sql_row_fn row, void *ctx, uint64_t *changes);
};

/* The part of a connection store.c uses; each backend's struct starts with it. */
struct vg_store {
    const struct vg_store_ops *ops;
    struct vg_buf scratch; /* a finding's JSON with its archive state written in */
    char error[256];
};

/* A backend's connection struct of `size` bytes, zeroed, its vg_store part ready; NULL when out
 * of memory (a message in why).  vg_store_base_free releases what vg_store_base_new made. */
struct vg_store *vg_store_base_new(size_t size, const struct vg_store_ops *ops, char *why,
                                   size_t why_len);
void vg_store_base_free(struct vg_store *s);

/* How a backend keeps its schema version; the steps are its migrations, step i bringing
 * version i to i + 1. */
struct vg_store_schema {
    const char *lock;        /* begins the migration's transaction and keeps others out of it */
    const char *version_get; /* returns the version, 0 for a new store */
    const char *version_set; /* followed by the number, sets it */
    const char *const *steps;
    size_t count;
};

/* Bring the store to the newest version of `schema` in one transaction; a store written by a
 * newer vigil is refused.  VG_OK, VG_EDB with a message in why. */
int vg_store_migrate(struct vg_store *s, const struct vg_store_schema *schema, char *why,
                     size_t why_len);

extern const struct vg_store_ops vg_store_sqlite;
extern const struct vg_store_ops vg_store_pg;

#endif
