/*
 * Reading the next object while this one is parsed.
 *
 * Decompression costs about as much as parsing a flow log, so a scan that reads, inflates and
 * parses one file after another on one thread runs at a fraction of the decompressor's speed.
 * This reader keeps one object ahead: a worker thread reads and inflates object n+1 into its
 * own buffers while the caller parses object n.  Objects come back in submission order, and what
 * the worker had to report (unreadable file, corrupt gzip) is replayed into the caller's diag
 * when its object is taken, so messages and counts are the same as with a plain vg_input.
 *
 * Two slots, each a struct vg_input reused for the whole run (warm buffers, see input.h).
 * Usage, for every path in order:
 *     vg_read_ahead_submit(r, path);        (object n starts on the worker)
 *     vg_read_ahead_take(r, ...);           (object n-1, if any, comes back; parse it)
 * and once the paths are done, a last vg_read_ahead_take for the final object.
 * With `threaded` false the same calls read synchronously (tests, one-core machines).
 */
#ifndef VG_INGEST_READ_AHEAD_H
#define VG_INGEST_READ_AHEAD_H

#include "core/compat.h"
#include "core/diag.h"
#include "ingest/input.h"

struct vg_read_ahead;

/* NULL when out of memory or the thread cannot start. */
struct vg_read_ahead *vg_read_ahead_new(bool threaded);
void vg_read_ahead_free(struct vg_read_ahead *r);

/* Start reading path (copied).  The object submitted before it must have been taken, except for
 * the one right before: one object is in flight while the caller holds the previous one.
 * VG_OK or VG_ENOMEM. */
int vg_read_ahead_submit(struct vg_read_ahead *r, const char *path);

/* Wait for the oldest submitted object that was not taken yet.  Returns VG_OK with its name and
 * plain bytes (valid until the next submit after the following take), VG_EIO when it could not
 * be read (reported to diag), VG_ENOMEM, or VG_ENOTFOUND when nothing is pending. */
int vg_read_ahead_take(struct vg_read_ahead *r, struct vg_diag *diag, const char **path,
                       const char **data, size_t *len);

/* Totals over both slots, as vg_input counts them. */
uint64_t vg_read_ahead_bytes_read(const struct vg_read_ahead *r);
uint64_t vg_read_ahead_bytes_plain(const struct vg_read_ahead *r);

#endif
