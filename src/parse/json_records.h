/*
 * A buffer of JSON records as log formats deliver them: JSON lines, concatenated or
 * pretty-printed values, or arrays of records (read one element at a time, so an array's size
 * is not limited by the JSON reader's per-record cap).  A value that does not parse is reported
 * with file:line and skipped (to the next element of its array, or the next line), and the
 * records around it are still read.  Shared by the parsers whose files hold one record per value
 * (Route 53 Resolver logs, VPC flow logs exported as JSON).
 */
#ifndef VG_PARSE_JSON_RECORDS_H
#define VG_PARSE_JSON_RECORDS_H

#include "core/compat.h"
#include "parse/format.h"

/* File lines of byte offsets met in increasing order: newlines are counted from the previous
 * offset only.  Start at { buf, 0, 1 }. */
struct vg_line_counter {
    const char *buf;
    size_t pos;    /* newlines are counted up to here */
    uint64_t line; /* line number at pos */
};
uint64_t vg_line_at(struct vg_line_counter *lc, size_t offset);

struct vg_json_records_cb {
    /* optional: where a top-level record really starts at pos (a line prefix to skip) */
    size_t (*prefix)(const char *buf, size_t len, size_t pos);
    /* one parsed record; false stops the reading */
    bool (*record)(void *ctx, const struct vg_json_value *v, const struct vg_diag_loc *loc);
    /* one value that did not parse, already reported: count it */
    void (*bad)(void *ctx);
    void *ctx;
};

/* The diag code of a JSON reader error (too deep, too big, or malformed). */
enum vg_diag_code vg_json_diag_code(const struct vg_json_error *err);

/* Read the records of buf from pos (after any byte-order mark).  VG_OK, or VG_ENOMEM when the
 * JSON reader ran out of memory. */
int vg_json_records(struct vg_parse_ctx *ctx, const char *buf, size_t len, size_t pos,
                    const struct vg_json_records_cb *cb);

#endif
