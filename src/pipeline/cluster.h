/*
 * A cluster worker: vigild reading logs from NATS JetStream instead of folders, one of several
 * processes sharing the stream's partitions and one store (PostgreSQL).  docs/cluster.md tells
 * the design; in short:
 *
 * - Partitions.  Each account's logs are in one partition (ingest/jetstream.h), and detector
 *   state is per account, so a partition is a unit of work with its own detectors (its own
 *   struct vg_scan).  A worker owns whole partitions through leases in a JetStream KV bucket,
 *   renewed by a second thread so a slow store never costs a lease.  Every worker aims at its
 *   share, ceil(partitions / live workers): it releases the surplus when workers join, and takes
 *   free partitions when workers leave or die (their leases expire).
 * - Exactly once in effect.  A partition is read in stream order by a consumer of the owner's
 *   own.  The findings a batch of messages changed and the batch's last stream sequence (the
 *   partition's checkpoint) are written in one store transaction; only then are the messages
 *   acknowledged.  A message at or below the checkpoint (a redelivery, a restart) changes
 *   nothing, so at-least-once delivery never counts a record twice.  The checkpoint is written
 *   by compare-and-set: a worker that lost its lease and is still running cannot commit over
 *   the new owner.
 * - State moves with the partition.  The checkpoint is the partition's state: whoever takes the
 *   partition reads it from the store and rebuilds the detectors by reading the partition from
 *   its first retained message up to the checkpoint with nothing written (detection runs on
 *   event time, so the replay decides as the first reading did), then goes on live.  This is
 *   vigild's ledger replay (service.h), with the stream as the ledger.  The stream's retention
 *   (cluster.retention) must therefore cover the longest detection window.
 * - Faults.  A lost NATS server is a pause (the client reconnects; an R3 stream keeps every
 *   message).  A failed store transaction is rolled back and the worker pauses, retrying, then
 *   rebuilds every partition it owns from its checkpoint, so nothing is lost or doubled.
 */
#ifndef VG_PIPELINE_CLUSTER_H
#define VG_PIPELINE_CLUSTER_H

#include "core/compat.h"

#include "findings/render.h"
#include "ingest/jetstream.h"
#include "pipeline/control.h"
#include "pipeline/scan.h"

struct vg_cluster_opts {
    struct vg_js_opts js;
    const char *worker; /* this worker's name; NULL or "" for host name and process id */
    const char *store_uri;
    struct vg_scan_opts scan; /* every partition's detectors are made with these */
    struct vg_render_opts render;
    size_t batch; /* messages per transaction; 0 for 256 */
    /* stop: commit, release, return; lists reloaded between batches */
    struct vg_run_control control;
};

/* Counters for /metrics (relaxed atomics: written by the worker, read by any thread). */
struct vg_cluster_stats {
    uint64_t partitions_owned;
    uint64_t takeovers;   /* partitions taken */
    uint64_t releases;    /* partitions handed back for balance or at stop */
    uint64_t leases_lost; /* partitions lost to an expired lease */
    uint64_t messages;    /* messages committed */
    uint64_t messages_replayed;
    uint64_t messages_skipped; /* at or below the checkpoint: redeliveries */
    uint64_t records;
    uint64_t bad_records;
    uint64_t bytes;
    uint64_t findings_new;
    uint64_t findings_updated;
    uint64_t findings_suppressed;
    uint64_t findings_evicted; /* pushed out of a partition's full table (stored first) */
    uint64_t state_evictions;  /* detector state entries evicted to stay within memory caps */
    uint64_t commit_conflicts; /* a checkpoint moved by another worker */
    uint64_t store_pauses;     /* failed transactions, each followed by a pause and rebuild */
    uint64_t lag;              /* messages of owned partitions not yet read */
    int64_t replay_ms;
};

struct vg_cluster;

/* Connect to NATS and the store.  VG_OK; VG_EIO / VG_EDB / VG_ECONFIG (reported); VG_ENOMEM. */
int vg_cluster_new(struct vg_cluster **out, const struct vg_cluster_opts *opts);
void vg_cluster_free(struct vg_cluster *c);
/* Work until *opts.stop.  VG_OK, or VG_ENOMEM. */
int vg_cluster_run(struct vg_cluster *c);
void vg_cluster_stats(const struct vg_cluster *c, struct vg_cluster_stats *out);
const char *vg_cluster_worker(const struct vg_cluster *c);
/* Append the counters in Prometheus text format. */
int vg_cluster_metrics(const struct vg_cluster *c, struct vg_buf *out);

/* One partition as `vigil cluster status` shows it. */
struct vg_cluster_partition {
    unsigned partition;
    const char *owner;  /* "" when free */
    uint64_t last_seq;  /* the stream's last message of the partition; 0 when none */
    uint64_t committed; /* the store's checkpoint */
};
typedef int (*vg_cluster_partition_fn)(void *ctx, const struct vg_cluster_partition *p);
/* Every partition, in order.  VG_OK; VG_EIO / VG_EDB with *why. */
int vg_cluster_status(const struct vg_js_opts *js, const char *store_uri,
                      vg_cluster_partition_fn fn, void *ctx, struct vg_buf *why);

#endif
