/*
 * `vigil publish`: the bridge from log files to a vigil cluster.  Each object is read, parsed
 * (so its records' accounts are known and bad records are reported here, with file and line)
 * and published to the JetStream stream under its partition's subject (ingest/jetstream.h).
 *
 * An object of one account that fits in a message goes as stored, gzip and all: the stream
 * keeps what S3 keeps.  Otherwise it goes in pieces, each a run of consecutive records of one
 * account copied verbatim (with the flow log header line, or array brackets, around it) and
 * labelled with where it starts in the object, so the workers' evidence still names the
 * object's own lines and offsets.  Pieces carry a message id made of the object's digest, so
 * publishing the same files again within the stream's duplicate window adds nothing.
 */
#ifndef VG_PIPELINE_PUBLISH_H
#define VG_PIPELINE_PUBLISH_H

#include "core/compat.h"
#include "core/diag.h"
#include "ingest/jetstream.h"

/* Where pieces go: a JetStream stream (`vigil publish` wires ingest/jetstream.h), or a test. */
struct vg_publish_sink {
    size_t max_payload; /* the largest message, headers included */
    unsigned partitions;
    /* Send one piece; VG_OK, or VG_EIO with a message in *why (the publisher reports it and
     * stops).  *duplicate: the sink already had msg_id. */
    int (*send)(void *ctx, const char *subject, const char *name, const char *base,
                const char *msg_id, const void *data, size_t len, bool *duplicate,
                struct vg_buf *why);
    void *ctx;
};

struct vg_publish_stats {
    uint64_t files;
    uint64_t files_not_log;
    uint64_t records;
    uint64_t bad_records;
    uint64_t records_published; /* records in the pieces sent */
    uint64_t records_too_big;   /* larger than a message: reported, not sent */
    uint64_t messages;
    uint64_t duplicates; /* pieces the stream already had */
    uint64_t bytes;      /* message bytes published */
};

struct vg_publisher;

/* The sink is copied.  flow_log_format: the fields of header-less flow logs, or NULL. */
struct vg_publisher *vg_publisher_new(const struct vg_publish_sink *sink,
                                      const char *flow_log_format, vg_diag_fn on_diag,
                                      void *diag_ctx);
void vg_publisher_free(struct vg_publisher *p);
/* Publish a file, or every file below a folder (in name order, as `vigil scan` reads them).
 * Bad input is reported; VG_OK unless memory ran out or the stream refused a message (VG_EIO,
 * reported: the files after it are not published, so nothing is skipped silently). */
int vg_publish_path(struct vg_publisher *p, const char *path);
/* The same for one object in memory (gzip or plain) named `name`. */
int vg_publish_buffer(struct vg_publisher *p, const char *name, const char *data, size_t len);
const struct vg_publish_stats *vg_publisher_stats(const struct vg_publisher *p);

#endif
