/*
 * vigil's JSON reader.
 *
 * Why our own: Debian 12 packages no fast C JSON library (yyjson is absent; jansson parses
 * CloudTrail at ~40 MB/s and json-c at ~70 MB/s here), and CloudTrail parsing is most of
 * vigil's CPU.  This reader builds a flat "tape" of 16-byte slots per record, strings are slices
 * of the input (only strings with escapes or invalid UTF-8 are decoded, into the batch arena),
 * and numbers stay as their exact text: account ids and request ids never pass through a double.
 * `make bench` measures it against jansson; src/parse/json_test.c and tests/parse/ compare every
 * value with jansson's on the shared corpus and on generated documents.
 *
 * Deviations from a strict RFC 8259 parser, on purpose:
 *  - invalid UTF-8 bytes and lone \u surrogates become U+FFFD instead of failing the record, so
 *    one hostile byte in a user agent cannot make an attacker's record disappear;
 *  - duplicate keys are kept; lookups return the first.
 * Limits: nesting depth VG_JSON_MAX_DEPTH; a value larger than the parser's max_bytes fails
 * with VG_JSON_ETOO_BIG.  No recursion: the depth stack is an array.
 *
 * Lifetime: values are borrowed.  Tape slots live until the next vg_json_parse() on the same
 * parser; string bytes live as long as the input buffer and the arena.
 */
#ifndef VG_PARSE_JSON_H
#define VG_PARSE_JSON_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"

enum vg_json_type {
    VG_JSON_NULL,
    VG_JSON_FALSE,
    VG_JSON_TRUE,
    VG_JSON_NUMBER,
    VG_JSON_STRING,
    VG_JSON_ARRAY,
    VG_JSON_OBJECT,
};

/* One tape slot.  An object is followed by its members as (key string, value subtree) pairs; an
 * array by its elements.  `skip` jumps over the whole subtree. */
struct vg_json_value {
    const char *ptr;    /* string: decoded bytes; number: its text */
    uint32_t len;       /* string/number: byte length; array/object: element/member count */
    uint32_t skip : 29; /* slots in this subtree, itself included */
    uint32_t type : 3;
};

enum vg_json_errcode {
    VG_JSON_OK,
    VG_JSON_ESYNTAX,
    VG_JSON_EDEPTH,
    VG_JSON_ETOO_BIG,
    VG_JSON_ENOMEM,
};

struct vg_json_error {
    enum vg_json_errcode code;
    size_t offset;    /* where parsing stopped, relative to the buffer start */
    const char *what; /* static text: "expected ':' after object key" */
};

struct vg_json_parser {
    struct vg_json_value *tape;
    size_t tape_cap;
    struct vg_arena *arena; /* for decoded strings; borrowed */
    struct vg_buf scratch;  /* reused decode space */
    size_t max_bytes;       /* largest value accepted */
    uint64_t replaced_utf8; /* invalid sequences turned into U+FFFD, for the summary */
};

void vg_json_parser_init(struct vg_json_parser *p, struct vg_arena *arena, size_t max_bytes);
void vg_json_parser_release(struct vg_json_parser *p);

/* Parse one value starting at buf[*pos] (leading white space skipped).  On success *root is the
 * value and *pos points just past it; returns VG_JSON_OK.  On failure returns the code and fills
 * *err; *pos is unchanged. */
enum vg_json_errcode vg_json_parse(struct vg_json_parser *p, const char *buf, size_t len,
                                   size_t *pos, const struct vg_json_value **root,
                                   struct vg_json_error *err);

/* Find the end of the value starting at buf[pos] without building anything, tracking only
 * strings and brackets; used to resynchronise after a bad record.  Returns the offset just past
 * the value, or 0 if it does not end within len or its brackets do not match (checked within
 * VG_JSON_MAX_DEPTH levels; deeper ones are only counted). */
size_t vg_json_skip_value(const char *buf, size_t len, size_t pos);

static inline size_t vg_json_skip_ws(const char *buf, size_t len, size_t pos)
{
    while (pos < len &&
           (buf[pos] == ' ' || buf[pos] == '\n' || buf[pos] == '\r' || buf[pos] == '\t'))
        pos++;
    return pos;
}

/* The same from pos, after skipping a UTF-8 byte-order mark when pos is the start (some
 * exporters begin files with one). */
static inline size_t vg_json_skip_bom_ws(const char *buf, size_t len, size_t pos)
{
    if (pos == 0 && len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    return vg_json_skip_ws(buf, len, pos);
}

/* Member lookup on an object (NULL if v is no object or has no such key). */
const struct vg_json_value *vg_json_get(const struct vg_json_value *v, const char *key);
/* Dotted path from v: "userIdentity.sessionContext.sessionIssuer.arn". */
const struct vg_json_value *vg_json_path(const struct vg_json_value *v, const char *path);
/* Iterate an array's elements or an object's values: first child, then next sibling.
 * vg_json_first(NULL) is NULL, so optional members need no check. */
static inline const struct vg_json_value *vg_json_first(const struct vg_json_value *v)
{
    if (!v || (v->type != VG_JSON_ARRAY && v->type != VG_JSON_OBJECT) || v->len == 0)
        return NULL;
    return v->type == VG_JSON_OBJECT ? v + 2 : v + 1;
}
/* For object iteration, the key of a value is value[-1]. */
const struct vg_json_value *vg_json_next(const struct vg_json_value *parent,
                                         const struct vg_json_value *child);

/* The string if v is a string, else an empty slice. */
static inline struct vg_str vg_json_str(const struct vg_json_value *v)
{
    if (!v || v->type != VG_JSON_STRING)
        return VG_STR_NULL;
    return (struct vg_str){ v->ptr, v->len };
}
/* Scalar text: strings and numbers as written, "true"/"false"/"null" for literals. */
struct vg_str vg_json_text(const struct vg_json_value *v);
/* JSON booleans, and the strings "true"/"false" that CloudTrail uses for some flags. */
bool vg_json_bool(const struct vg_json_value *v, bool *out);
/* Integer value of a number (or numeric string) that fits in int64. */
bool vg_json_i64(const struct vg_json_value *v, int64_t *out);

#endif
