/*
 * The log-format plug-in point.  A format turns one decompressed input object into events,
 * reporting bad records to the diag sink with their location and carrying on.  Formats are
 * listed in formats.c; adding one is one line there (docs/adding-a-log-format.md).
 */
#ifndef VG_PARSE_FORMAT_H
#define VG_PARSE_FORMAT_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/err.h"
#include "core/event.h"
#include "parse/json.h"

struct vg_parse_stats {
    uint64_t records;     /* records seen, good or bad */
    uint64_t events;      /* records turned into events */
    uint64_t bad_records; /* reported to the diag sink and skipped */
    uint64_t digests;     /* CloudTrail digest files recognised and skipped */
    uint64_t foreign;     /* records of another kind (e.g. S3 event notifications) skipped */
};

/* The consumer may annotate the event (enrich/ fills derived fields) before detection. */
typedef void (*vg_event_fn)(void *ctx, struct vg_event *ev);

struct vg_parse_ctx {
    const char *source;          /* name for messages and evidence; borrowed for the run */
    struct vg_arena *arena;      /* the batch arena */
    struct vg_json_parser *json; /* reused across objects */
    struct vg_diag *diag;
    struct vg_parse_stats *stats;
    vg_event_fn on_event; /* called once per event; the event is valid during the call */
    void *event_ctx;
};

struct vg_format {
    const char *name;
    /* true if the bytes look like this format (the first KiB or so is enough) */
    bool (*sniff)(const char *buf, size_t len);
    /* Parse a whole object.  Bad records are data (diag + stats), so this returns VG_OK unless
     * memory ran out. */
    int (*parse)(struct vg_parse_ctx *ctx, const char *buf, size_t len);
};

/* The table of formats, NULL-terminated. */
extern const struct vg_format *const vg_formats[];
/* The format of that name (struct vg_format.name), or NULL. */
const struct vg_format *vg_format_named(const char *name);
/* The first format whose sniff accepts buf, or NULL. */
const struct vg_format *vg_format_detect(const char *buf, size_t len);
/* The format of one object: as vg_format_detect, except that with flow_log_format set (the
 * fields of header-less flow logs, from configuration) an object no format claims is flow log. */
const struct vg_format *vg_format_pick(const char *buf, size_t len, const char *flow_log_format);
/* Parse an object in format fmt (from vg_format_pick with the same flow_log_format). */
int vg_format_parse(const struct vg_format *fmt, struct vg_parse_ctx *ctx,
                    const char *flow_log_format, const char *buf, size_t len);

#endif
