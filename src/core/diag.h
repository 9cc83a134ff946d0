/*
 * The sink for bad input.  Parsers report each bad record here with its location and go on; the
 * sink counts every report per code but keeps (and passes on) only the first `keep` messages, so a
 * flood of garbage can neither flood the log nor exhaust memory.  Tests assert on the counts.
 */
#ifndef VG_CORE_DIAG_H
#define VG_CORE_DIAG_H

#include "core/compat.h"
#include "core/buf.h"

enum vg_diag_code {
    VG_DIAG_IO,       /* a file or directory could not be read */
    VG_DIAG_GZIP,     /* corrupt or truncated compressed data */
    VG_DIAG_JSON,     /* a record is not valid JSON */
    VG_DIAG_TOO_DEEP, /* nesting deeper than VG_JSON_MAX_DEPTH */
    VG_DIAG_TOO_BIG,  /* a record or object past its size limit */
    VG_DIAG_FIELD,    /* a field is missing or has the wrong type */
    VG_DIAG_NOT_LOG,  /* a file that is no log format vigil reads */
    VG_DIAG_COUNT
};

struct vg_diag_loc {
    const char *source; /* file name, or "-" for stdin */
    uint64_t line;      /* 1-based; 0 when the format has no lines (one big JSON document) */
    uint64_t offset;    /* byte offset of the record in the (decompressed) input */
};

typedef void (*vg_diag_fn)(void *ctx, enum vg_diag_code code, const char *message);

struct vg_diag {
    uint64_t counts[VG_DIAG_COUNT];
    uint64_t total;
    unsigned keep;   /* messages passed to `emit` before the sink goes quiet */
    vg_diag_fn emit; /* may be NULL: count only */
    void *emit_ctx;
    char last[256]; /* the most recent message, for tests */
};

void vg_diag_init(struct vg_diag *d, unsigned keep, vg_diag_fn emit, void *ctx);
/* Format "source:line: message" (or "source:@offset: ...") and count it. */
void vg_diag_report(struct vg_diag *d, enum vg_diag_code code, const struct vg_diag_loc *loc,
                    const char *fmt, ...) VG_PRINTF(4, 5);
/* Count and pass on a message already formatted by another sink (one that collected reports on
 * another thread, to be replayed here in input order). */
void vg_diag_forward(struct vg_diag *d, enum vg_diag_code code, const char *message);
const char *vg_diag_code_name(enum vg_diag_code code);

/* Reports made on another thread (a read-ahead worker reading or parsing the next file), kept
 * until the object they are about is taken, then replayed into the sink they were meant for, so
 * messages come out in input order and counts are the same as if the taker had made them.  The
 * tape keeps the text of the first `keep` reports (give the destination's keep: it never shows
 * more) and only counts the rest. */
struct vg_diag_tape {
    struct vg_diag diag; /* report here */
    struct vg_buf kept;  /* per kept report: its code as one byte, then its message and a NUL */
};

void vg_diag_tape_init(struct vg_diag_tape *t, unsigned keep);
void vg_diag_tape_release(struct vg_diag_tape *t);
/* Forget what was recorded (the memory is kept for the next object). */
void vg_diag_tape_clear(struct vg_diag_tape *t);
/* Pass every recorded report on to `into`, counted, then clear the tape. */
void vg_diag_tape_replay(struct vg_diag_tape *t, struct vg_diag *into);

#endif
