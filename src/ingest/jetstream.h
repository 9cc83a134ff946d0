/*
 * Logs carried by NATS JetStream, for vigil run as several workers (docs/cluster.md).
 *
 * One stream (VIGIL_LOGS) holds log objects, or pieces of them, as published by `vigil publish`.
 * Subjects carry the partition key: vigil.logs.<partition>.<source>.<account>.<region>.
 * Detector state is per account, so an account's records all go to one partition (a hash of the
 * account id modulo the partition count); a worker owns whole partitions and reads each one in
 * stream order.  The partition count is fixed when the cluster is first set up and kept in the
 * KV bucket vigil_cluster, so publishers and workers agree on it.
 *
 * Ownership of partitions is leased through the KV bucket vigil_leases, whose entries expire
 * after the lease time unless renewed: key p.<n> holds the owner of partition n, key w.<id> says
 * that worker is alive.  Compare-and-set on KV revisions (JetStream's own mechanism) decides who
 * gets a free partition; nothing here is a consensus of vigil's own.
 *
 * The message headers: Vigil-Name names the object the bytes come from (for bad-record messages
 * and evidence); Vigil-Base, when present, is "OFFSET LINE": the bytes are a piece of that
 * object that starts at byte OFFSET + 1 and line LINE + 1 of it (a header line may be repeated
 * before it, and is then counted in the base); Nats-Msg-Id lets JetStream drop a piece published
 * twice.
 */
#ifndef VG_INGEST_JETSTREAM_H
#define VG_INGEST_JETSTREAM_H

#include "core/compat.h"
#include "core/buf.h"

#define VG_JS_STREAM "VIGIL_LOGS"
#define VG_JS_SUBJECT_PREFIX "vigil.logs"
#define VG_JS_HDR_NAME "Vigil-Name"
#define VG_JS_HDR_BASE "Vigil-Base"
#define VG_JS_PARTITIONS_MAX 4096u
#define VG_JS_TOKEN_MAX 64 /* a subject token from log content is cut to this */

struct vg_js_opts {
    const char *servers;  /* comma-separated nats:// URLs of the cluster's servers */
    int replicas;         /* the stream's and buckets' replicas when this creates them */
    unsigned partitions;  /* when this sets the cluster up; 0: what it has, else 16 */
    int64_t lease_ms;     /* lease expiry when this creates the lease bucket */
    int64_t retention_ms; /* the stream's MaxAge when this creates it; 0: unlimited */
};

struct vg_js;

/* Connect (reconnecting for ever afterwards), and find or create the stream and the buckets.
 * VG_OK; VG_EIO with *why naming the server's answer; VG_ECONFIG when opts.partitions differs
 * from the count the cluster already has; VG_ENOMEM. */
int vg_js_open(struct vg_js **out, const struct vg_js_opts *opts, struct vg_buf *why);
void vg_js_close(struct vg_js *j);

unsigned vg_js_partitions(const struct vg_js *j);
int64_t vg_js_lease_ms(const struct vg_js *j);
/* The partition of an account id among `partitions` (a fixed hash, so every process
 * agrees). */
unsigned vg_js_partition(const char *account, size_t len, unsigned partitions);
/* Append the subject of a piece: tokens from log content are reduced to [A-Za-z0-9_-] (at most
 * VG_JS_TOKEN_MAX bytes, "unknown" when empty), so no log text can add tokens or wildcards. */
int vg_js_subject(struct vg_buf *out, unsigned partition, const char *source, const char *account,
                  const char *region);

/* The largest message the servers accept. */
size_t vg_js_max_payload(const struct vg_js *j);

/* Publish one piece and wait for the stream's acknowledgement.  `base` is the Vigil-Base header
 * or NULL; msg_id the Nats-Msg-Id.  *duplicate (may be NULL) is set when the stream already had
 * that id.  VG_OK; VG_EIO with *why. */
int vg_js_publish(struct vg_js *j, const char *subject, const char *name, const char *base,
                  const char *msg_id, const void *data, size_t len, bool *duplicate,
                  struct vg_buf *why);

/* ---- the worker's side ---- */

/* A lease: ownership of partition n by this worker, at a KV revision. */
int vg_js_lease_take(struct vg_js *j, unsigned partition, const char *worker, uint64_t *revision);
/* Renew; VG_ENOTFOUND when the lease was lost (expired and taken, or deleted). */
int vg_js_lease_renew(struct vg_js *j, unsigned partition, const char *worker, uint64_t *revision);
void vg_js_lease_drop(struct vg_js *j, unsigned partition);
/* Say this worker is alive; *alive gets the number of workers that said so within a lease. */
int vg_js_heartbeat(struct vg_js *j, const char *worker, unsigned *alive);
/* Tell the others this worker is leaving (a clean stop): they rebalance at once. */
void vg_js_goodbye(struct vg_js *j, const char *worker);

/* A reader of one partition, in stream order from its first retained message. */
struct vg_js_reader;
/* `name` names the consumer (unique per lease: a stale owner never reads the new owner's). */
int vg_js_reader_open(struct vg_js *j, struct vg_js_reader **out, unsigned partition,
                      const char *name, struct vg_buf *why);
void vg_js_reader_close(struct vg_js *j, struct vg_js_reader *r);

/* One message of a reader; its strings and bytes live until the reader's next fetch. */
struct vg_js_msg {
    uint64_t seq;     /* the stream sequence */
    const char *name; /* Vigil-Name, or the subject when absent */
    char source[16];  /* the format the publisher read it as (the subject's source token) */
    uint64_t base_offset, base_line;
    const char *data;
    size_t len;
};
/* Up to `max` of the messages the consumer holds now (none: *n is 0 at once), waiting at most
 * timeout_ms (at least two seconds) for a stalled server.  VG_OK; VG_ENOTFOUND with *why when the
 * consumer is gone (reopen it); VG_EIO with *why when the cluster could not answer (try again
 * later). */
int vg_js_fetch(struct vg_js_reader *r, struct vg_js_msg *msgs, size_t max, size_t *n,
                int64_t timeout_ms, struct vg_buf *why);
/* Acknowledge everything fetched so far (after it was committed). */
void vg_js_ack(struct vg_js_reader *r);
/* Messages of the partition after the last fetched one (lag), as the server last said. */
uint64_t vg_js_pending(const struct vg_js_reader *r);
/* Ask the server how many of the partition's messages the reader has not been given yet.
 * VG_ENOTFOUND when the consumer is gone (reopen it); VG_EIO when no answer came. */
int vg_js_reader_undelivered(struct vg_js_reader *r, uint64_t *n);

/* ---- what `vigil cluster status` shows ---- */

/* The stream sequence of the partition's last message; 0 when it has none. */
int vg_js_last_seq(struct vg_js *j, unsigned partition, uint64_t *seq, struct vg_buf *why);
/* The worker holding the partition's lease, or "" (out is reset first). */
int vg_js_lease_owner(struct vg_js *j, unsigned partition, struct vg_buf *out);

#endif
