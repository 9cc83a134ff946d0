/*
 * vigild's main loop: follow log folders, scan each new or grown file once, and commit what it
 * produced to the store.
 *
 * Never skip, never repeat.  Every piece of a file that is scanned becomes one ledger entry
 * (store.h), written in the same transaction as the findings it changed.  Detector state is not
 * serialised: on start the ledger is replayed in commit order through the same detectors with
 * nothing written, which rebuilds exactly the state the last commit had (detection runs on event
 * time, so a replay decides as the first run did).  A kill at any moment therefore loses only the
 * uncommitted piece, which is scanned again.  The price is a start-up time proportional to the
 * logs in the ledger; `vigild` says how long the replay took.
 *
 * Order: pieces found in one pass over the folders are scanned in the event-time order their
 * names say (AWS names every log object with its start time) and a new file waits order_wait
 * for files of other sources arriving with it; a file older than the event-time watermark minus
 * `lateness` is still scanned and counted as late.
 *
 * A file is read when it stops changing for `settle` (gzip objects and JSON documents), or as it
 * grows, up to its last complete line (line formats).  Hidden files (".name") are partial
 * downloads of sync tools and are left alone.  A file replaced under the same name (a new inode)
 * or truncated is a new file.
 */
#ifndef VG_PIPELINE_SERVICE_H
#define VG_PIPELINE_SERVICE_H

#include "core/compat.h"

#include "findings/render.h"
#include "pipeline/control.h"
#include "pipeline/scan.h"

struct vg_service_opts {
    const char *const *watch; /* folders followed recursively */
    size_t watch_count;
    const char *store_uri;
    int64_t rescan_ms; /* a full pass this often even without inotify news (network filesystems) */
    int64_t settle_ms; /* unchanged this long = complete */
    int64_t order_wait_ms;
    int64_t lateness_ms;
    int64_t retention_ms;         /* findings not updated for this long are dropped; 0 keeps them */
    const char *jsonl_path;       /* findings also go here as JSON lines; NULL for none */
    bool webhook;                 /* queue findings for the webhook sender (pipeline/webhook.h) */
    void (*on_commit)(void *ctx); /* after a piece committed (wakes the webhook sender) */
    void *commit_ctx;
    bool once; /* return once nothing is pending (tests, `make demo`) */
    struct vg_scan_opts scan;
    struct vg_render_opts render;
    /* stop: finish the piece, commit, return; lists reloaded between files */
    struct vg_run_control control;
};

/* Counters for /metrics; written by the service thread, read by any (relaxed atomics). */
struct vg_service_stats {
    uint64_t files;          /* pieces committed */
    uint64_t files_late;     /* older than the watermark minus lateness */
    uint64_t files_replayed; /* pieces replayed at start */
    uint64_t replay_missing; /* ledger pieces whose file is gone or changed */
    uint64_t records;
    uint64_t bad_records;
    uint64_t bytes;
    uint64_t findings_new;
    uint64_t findings_updated;
    uint64_t findings_suppressed;
    uint64_t findings_expired;
    uint64_t state_evictions;
    uint64_t findings_evicted;
    uint64_t commit_errors;
    uint64_t commits_lost; /* transactions a lost store connection took: redone after a replay */
    int64_t replay_ms;
    int64_t watermark_ms; /* event time of the newest file scanned */
    /* arrival -> committed latency of pieces, in ms: histogram with these upper bounds */
    uint64_t latency_buckets[8];
    uint64_t latency_count;
    uint64_t latency_sum_ms;
};
extern const int64_t vg_service_latency_bounds_ms[8];

struct vg_service;

/* Open the store, replay its ledger and get ready.  VG_OK; VG_EDB (reported); VG_ENOMEM. */
int vg_service_new(struct vg_service **out, const struct vg_service_opts *opts);
void vg_service_free(struct vg_service *s);
/* Follow the folders until *opts.stop (or, with opts.once, until nothing is pending).  VG_OK, or
 * VG_EDB when the store failed (reported). */
int vg_service_run(struct vg_service *s);
/* Wake the loop from another thread (after setting *opts.lists_changed, or a new filter). */
void vg_service_wake(struct vg_service *s);
/* A snapshot of the counters. */
void vg_service_stats(const struct vg_service *s, struct vg_service_stats *out);
/* The instance's detector id (32 hex), kept in the store. */
const char *vg_service_detector_id(const struct vg_service *s);
/* Append the counters in Prometheus text format. */
int vg_service_metrics(const struct vg_service *s, struct vg_buf *out);

#endif
