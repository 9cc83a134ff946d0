/*
 * Writing findings to the store, the same way for vigild's folder loop (service.c) and for a
 * cluster worker (cluster.c): render the finding, apply the saved ARCHIVE filters (GuardDuty's
 * suppression rules), put it, and queue it for the outputs that publish from the store.  Every
 * call is meant to run inside the caller's transaction, next to the ledger entry or checkpoint
 * the finding came with.
 */
#ifndef VG_PIPELINE_WRITER_H
#define VG_PIPELINE_WRITER_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/finding.h"
#include "findings/render.h"

struct vg_store;
struct vg_criteria;

/* Where vg_writer_put counts what it wrote: the owner's /metrics fields (relaxed atomics). */
struct vg_writer_counts {
    uint64_t *created;    /* findings new to the store */
    uint64_t *updated;    /* new versions of stored findings */
    uint64_t *suppressed; /* writes an ARCHIVE filter archived */
};

/* A saved filter that does not compile: it is left out, and the caller says so. */
typedef void (*vg_writer_warn_fn)(void *ctx, const char *filter, const char *why);

struct vg_writer {
    struct vg_store *store; /* borrowed */
    struct vg_render_opts render;
    bool jsonl, webhook; /* queue rows for these outputs */
    struct vg_writer_counts counts;
    vg_writer_warn_fn warn;
    void *warn_ctx;
    struct vg_writer_filter *supp;
    size_t nsupp;
    struct vg_buf json; /* the rendered finding, reused */
};

void vg_writer_init(struct vg_writer *w, struct vg_store *store,
                    const struct vg_render_opts *render, bool jsonl, bool webhook,
                    const struct vg_writer_counts *counts, vg_writer_warn_fn warn, void *warn_ctx);
void vg_writer_release(struct vg_writer *w);
/* Read the ARCHIVE filters again (they change through the API at any time). */
int vg_writer_load_filters(struct vg_writer *w);
/* Write f as of now_ms (wall clock) with the passive DNS table pdns (may be NULL) for its
 * context, and count it.  A finding an ARCHIVE filter matches is stored archived and not
 * queued.  VG_OK, or the store's error. */
int vg_writer_put(struct vg_writer *w, const struct vg_finding *f, struct vg_pdns *pdns,
                  int64_t now_ms);

/* The instance's detector id (32 hex digits) kept in the store, made at random the first time.
 * Several processes opening one new store at once agree on one id (compare-and-set). */
int vg_writer_instance_id(struct vg_store *store, char out[33]);

#endif
