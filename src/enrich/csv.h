/*
 * The record reader shared by the line-oriented threat-list loaders: CSV (RFC 4180 quoting,
 * fields that span lines), tab- or '#'-separated files, and plain lines (sep '\0').  It never
 * allocates: fields are slices of the input, except quoted fields with doubled quotes, which are
 * unescaped into scratch space the caller provides once per file.
 *
 * Every record is returned, blank ones included, with its 1-based line number and byte offset,
 * so loaders can report "file:line" and decide themselves what a comment or header is.
 * Unquoted fields are trimmed of blanks; a UTF-8 byte-order mark at the start is skipped; CRLF
 * and LF both end a line.
 *
 * Hostile input: a quote that is never closed would swallow the rest of the file, so a quoted
 * field that does not close within VG_CSV_MAX_RECORD_BYTES (or before the end, or before the
 * scratch space runs out) makes the record just its first physical line, split without
 * quoting and flagged bad_quote; reading resumes on the next line.
 */
#ifndef VG_ENRICH_CSV_H
#define VG_ENRICH_CSV_H

#include "core/compat.h"
#include "core/diag.h"
#include "core/str.h"

/* Fields kept per record; the rest are dropped and `truncated` is set.  iSIGHT exports, the
 * widest format we read, have about 45 columns. */
#define VG_CSV_MAX_FIELDS 96

/* Longest record that quoting may stretch over several lines.  Real multi-line fields are
 * descriptions of a few KiB; the bound keeps one stray quote from eating a whole file. */
#define VG_CSV_MAX_RECORD_BYTES (64u << 10)

enum vg_csv_flags {
    VG_CSV_QUOTES = 1u << 0, /* honour "..." quoting */
};

struct vg_csv {
    const char *buf;
    size_t len;
    size_t pos;         /* start of the next record */
    uint64_t next_line; /* line number at pos */
    char sep;           /* '\0': no splitting, the whole line is field 0 */
    unsigned flags;
    char *scratch; /* borrowed from the caller; may be NULL (then "" fields are bad) */
    size_t scratch_cap;

    /* The current record, valid until the next call. */
    struct vg_str text; /* raw text without its line ending (several lines if quoted) */
    uint64_t line;      /* 1-based line of its first byte */
    uint64_t offset;    /* byte offset of its first byte */
    size_t count;       /* fields in `field` (at least 1) */
    bool truncated;     /* more than VG_CSV_MAX_FIELDS fields */
    bool bad_quote;     /* unterminated quote or text after a closing quote */
    struct vg_str field[VG_CSV_MAX_FIELDS];
};

/* Start reading buf (borrowed for the reader's life).  scratch may be NULL; the reader needs at
 * most min(len, VG_CSV_MAX_RECORD_BYTES) bytes of it.  Never fails. */
void vg_csv_init(struct vg_csv *c, const char *buf, size_t len, char sep, unsigned flags,
                 char *scratch, size_t scratch_cap);
/* Read the next record into c->text/line/offset/field; false at the end of the input. */
bool vg_csv_next(struct vg_csv *c);
/* The index of the first field equal to name (ASCII case-insensitive), or -1. */
int vg_csv_find(const struct vg_csv *c, const char *name);
/* Field i of the current record, or an empty slice when i is negative or past the end. */
struct vg_str vg_csv_field(const struct vg_csv *c, int i);
/* True when every field of the current record is empty (a blank line, or ",,,"). */
bool vg_csv_blank(const struct vg_csv *c);
/* If the current record's quoting is broken (bad_quote), report that to diag at loc and return
 * true; the caller counts the record as bad. */
bool vg_csv_report_quotes(const struct vg_csv *c, struct vg_diag *diag,
                          const struct vg_diag_loc *loc);
/* The host of a URL as lists write them: "scheme://[user@]host[:port]/...", also without the
 * scheme ("host/path", Zeek's Intel::URL) and with "[v6]" hosts.  An empty slice when there is
 * no host ("file:///x", "mailto:a@b", "/path"): the caller counts the entry as skipped. */
struct vg_str vg_csv_url_host(struct vg_str url);
/* The loop every CSV-style loader runs, so each keeps only its column finding and row handling:
 * blank records (and, with skip_comments, ones whose first field starts with '#') are skipped;
 * the first remaining record goes to header(); every later one has its quoting checked
 * (vg_csv_report_quotes, counted bad) and goes to row().  A required header that header()
 * refuses is reported with header_missing and counted bad, and the file is skipped; an optional
 * one that it refuses is read as the first row. */
struct vg_intel_load_ctx;

struct vg_csv_rows {
    char sep;       /* as for vg_csv_init */
    unsigned flags; /* enum vg_csv_flags */
    bool skip_comments;
    bool header_optional;
    const char *header_missing; /* the message when a required header is refused */
    /* True when c is the header; it then fills cols with the columns it names. */
    bool (*header)(const struct vg_csv *c, void *cols);
    /* Handle one record; VG_OK, or an error that stops the load (VG_ENOMEM). */
    int (*row)(struct vg_intel_load_ctx *ctx, const struct vg_csv *c, const struct vg_diag_loc *loc,
               void *cols);
    void *cols; /* the loader's column struct, handed to both callbacks */
};

/* Read buf with spec; returns VG_OK unless memory ran out or row() failed. */
int vg_csv_load_rows(struct vg_intel_load_ctx *ctx, const char *buf, size_t len,
                     const struct vg_csv_rows *spec);
/* Line numbers for formats that are not read line by line (XML, one big JSON document):
 * positions are counted forward from the previous one asked for, so asking in order costs one
 * pass over the input. */
struct vg_csv_lines {
    const char *buf;
    size_t len;
    size_t pos;
    uint64_t line;
};

void vg_csv_lines_init(struct vg_csv_lines *l, const char *buf, size_t len);
/* The 1-based line of buf + offset (offset <= len). */
uint64_t vg_csv_line_at(struct vg_csv_lines *l, size_t offset);
/* s without leading and trailing spaces and tabs. */
struct vg_str vg_csv_trim(struct vg_str s);

#endif
