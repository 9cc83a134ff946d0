/*
 * Where bytes come from: files, directory trees and stdin, plain or gzip (detected by the magic
 * bytes, never by the name).  One struct vg_input is reused for every object of a run: its
 * buffers and decompressor stay warm, which matters because faulting in fresh pages costs far
 * more here than reusing them.
 */
#ifndef VG_INGEST_INPUT_H
#define VG_INGEST_INPUT_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/diag.h"

struct libdeflate_decompressor;

struct vg_input {
    struct vg_buf raw;   /* the object as stored */
    struct vg_buf plain; /* decompressed */
    struct libdeflate_decompressor *inflater;
    uint64_t bytes_read;  /* stored bytes, all objects */
    uint64_t bytes_plain; /* decompressed bytes, all objects */
    uint64_t objects;
    uint64_t gzip_objects;
};

int vg_input_init(struct vg_input *in);
void vg_input_release(struct vg_input *in);

/* Read one object ("-" is stdin) and decompress it if it is gzip.  On success *data and *len are
 * the plain bytes, valid until the next read.  Corrupt or truncated gzip is reported to diag and
 * whatever decompressed before the damage is returned, so the records in it are not lost.
 * Returns VG_OK, VG_EIO (reported) or VG_ENOMEM. */
int vg_input_read(struct vg_input *in, const char *path, struct vg_diag *diag, const char **data,
                  size_t *len);

/* The same for an object already in memory (a message from a stream): bytes are decompressed
 * into the input's buffer if they are gzip, else handed back as they are. */
int vg_input_decode(struct vg_input *in, const char *name, const char *bytes, size_t size,
                    struct vg_diag *diag, const char **data, size_t *len);

typedef int (*vg_walk_fn)(void *ctx, const char *path);

/* Call fn for `path` if it is a file, or for every regular file below it (sorted by name,
 * recursively, hidden entries included) if it is a directory.  Unreadable entries are reported
 * to diag and skipped.  Stops early and returns fn's result if fn returns non-zero. */
int vg_input_walk(const char *path, struct vg_diag *diag, vg_walk_fn fn, void *ctx);

/* The time AWS writes into log object names ("..._20250101T0005Z_..."), else `fallback`: the
 * records of such an object lie within minutes of it. */
int64_t vg_input_name_time_ms(const char *path, int64_t fallback);

#endif
