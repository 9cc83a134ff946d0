/*
 * Reading the next objects while this one is scanned.
 *
 * Decompression costs about as much as parsing a flow log, so a scan that reads, inflates and
 * parses one file after another on one thread runs at a fraction of the decompressor's speed.
 * This reader keeps objects ahead: a worker thread reads and inflates the next ones into its own
 * buffers while the caller scans the current one.  When the worker has read every object
 * submitted so far, it may also prepare one of them (the scan parses it into events, see
 * pipeline/scan.c), so parsing is shared between the two threads as their loads allow: the
 * worker prepares the youngest object it has read, the caller takes the oldest, and an object
 * the caller takes before the worker has started on it is the caller's to parse.
 *
 * Objects come back in submission order, and what the worker had to report (unreadable file,
 * corrupt gzip) is replayed into the caller's diag when its object is taken, so messages and
 * counts are the same as with a plain vg_input.
 *
 * VG_READ_AHEAD_DEPTH slots, each a struct vg_input reused for the whole run (warm buffers, see
 * input.h).  Usage, for every path in order:
 *     vg_read_ahead_submit(r, path);     (the object starts on the worker)
 *     when VG_READ_AHEAD_DEPTH objects are submitted and not taken:
 *     vg_read_ahead_take(r, ...);        (the oldest comes back; scan it)
 * and once the paths are done, vg_read_ahead_take for each object still pending.
 * With `threaded` false the same calls read synchronously and nothing is prepared (tests,
 * one-core machines).
 */
#ifndef VG_INGEST_READ_AHEAD_H
#define VG_INGEST_READ_AHEAD_H

#include "core/compat.h"
#include "core/diag.h"
#include "ingest/input.h"

/* Objects submitted and not taken, at most.  Three objects ahead of the one being scanned: the
 * worker's reading of one never waits for the caller, and the caller rarely finds the worker
 * still preparing the object it wants next. */
#define VG_READ_AHEAD_DEPTH 4

/* Called on the worker thread for an object read without error, with the slot it is in (below
 * VG_READ_AHEAD_DEPTH).  True: prepared, and whatever it built for that slot stays untouched
 * until the caller has taken the object (with prepared set) and submitted again.  False:
 * declined (too big, say), and the caller gets the object unprepared. */
typedef bool (*vg_read_ahead_prepare_fn)(void *ctx, unsigned slot, const char *path,
                                         const char *data, size_t len);

struct vg_read_ahead;

/* Beyond the first object ahead, the worker reads further ones only while the objects held
 * (the caller's and those read ahead, stored and plain bytes) stay under budget, and a slot
 * whose buffers grew past budget frees them before its next object: big objects are never held
 * more than two at a time.  prepare may be NULL.  NULL when out of memory or the thread cannot
 * start. */
struct vg_read_ahead *vg_read_ahead_new(bool threaded, size_t budget,
                                        vg_read_ahead_prepare_fn prepare, void *prepare_ctx);
void vg_read_ahead_free(struct vg_read_ahead *r);

/* Start reading path (copied).  Fewer than VG_READ_AHEAD_DEPTH objects may be pending, and the
 * caller is done with every object it took.  VG_OK or VG_ENOMEM. */
int vg_read_ahead_submit(struct vg_read_ahead *r, const char *path);

/* Wait for the oldest submitted object that was not taken yet.  Returns VG_OK with its name,
 * plain bytes, slot, and whether the worker prepared it (all valid until the next submit),
 * VG_EIO when it could not be read (reported to diag), VG_ENOMEM, or VG_ENOTFOUND when nothing
 * is pending. */
struct vg_read_ahead_object {
    const char *path;
    const char *data;
    size_t len;
    unsigned slot;
    bool prepared;
};
int vg_read_ahead_take(struct vg_read_ahead *r, struct vg_diag *diag,
                       struct vg_read_ahead_object *out);

/* Objects the worker has started to read (tests: how far ahead it went). */
unsigned vg_read_ahead_started(struct vg_read_ahead *r);

/* Totals over the objects taken, as vg_input counts them. */
uint64_t vg_read_ahead_bytes_read(const struct vg_read_ahead *r);
uint64_t vg_read_ahead_bytes_plain(const struct vg_read_ahead *r);

#endif
