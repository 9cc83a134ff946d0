/*
 * The tape-building JSON reader; see json.h for why it exists and what it guarantees.
 *
 * Invariants: the parser never reads past `end` (the smaller of the buffer length and
 * max_bytes from the start of the value); it never recurses; every tape slot it hands out is
 * fully written before the parse returns VG_JSON_OK.
 */
#include "parse/json.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void vg_json_parser_init(struct vg_json_parser *p, struct vg_arena *arena, size_t max_bytes)
{
    memset(p, 0, sizeof(*p));
    p->arena = arena;
    p->max_bytes = max_bytes ? max_bytes : VG_MAX_RECORD_BYTES;
}

void vg_json_parser_release(struct vg_json_parser *p)
{
    free(p->tape);
    vg_buf_release(&p->scratch);
    p->tape = NULL;
    p->tape_cap = 0;
}

static bool grow_tape(struct vg_json_parser *p, size_t need)
{
    size_t cap = p->tape_cap ? p->tape_cap : 256;
    while (cap < need)
        cap *= 2;
    struct vg_json_value *t = realloc(p->tape, cap * sizeof(*t));
    if (!t)
        return false;
    p->tape = t;
    p->tape_cap = cap;
    return true;
}

/* Offset of the first byte at or after i that ends the fast path of a string: a quote, a
 * backslash, a control byte or a non-ASCII byte.  Returns end if there is none. */
static size_t scan_plain(const char *buf, size_t i, size_t end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (i + 16 <= end) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
        /* signed compare: bytes >= 0x80 are negative, so one test finds controls and non-ASCII */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                 _mm_cmplt_epi8(x, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < end) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return i;
        i++;
    }
    return end;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool read_hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(s[k]);
        if (h < 0)
            return false;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return true;
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* Slow path: decode escapes and repair invalid UTF-8 from `i` (inside the string, `start` being
 * the first content byte) into the reusable scratch buffer, then copy the exact result into the
 * arena.  On success *ip is past the closing quote. */
static enum vg_json_errcode decode_string(struct vg_json_parser *p, const char *buf, size_t end,
                                          size_t start, size_t *ip, struct vg_json_value *slot,
                                          struct vg_json_error *err)
{
    struct vg_buf *out = &p->scratch;
    size_t i = *ip;
    int rc = VG_OK;
    vg_buf_reset(out);
    rc |= vg_buf_add(out, buf + start, i - start);
    for (;;) {
        size_t run = scan_plain(buf, i, end);
        rc |= vg_buf_add(out, buf + i, run - i);
        i = run;
        if (i >= end)
            goto eof;
        unsigned char c = (unsigned char)buf[i];
        if (c == '"')
            break;
        if (c < 0x20) {
            err->offset = i;
            err->what = "control character in string";
            return err->code = VG_JSON_ESYNTAX;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = vg_utf8_decode((const unsigned char *)buf + i, end - i, &cp);
            if (n == 0) {
                rc |= vg_buf_add(out, REPLACEMENT, 3);
                p->replaced_utf8++;
                i++;
            } else {
                rc |= vg_buf_add(out, buf + i, n);
                i += n;
            }
            continue;
        }
        /* backslash */
        if (i + 1 >= end)
            goto eof;
        char e = buf[i + 1];
        const char *simple = e ? strchr("\"\\/bfnrt", e) : NULL;
        if (simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            rc |= vg_buf_addc(out, map[simple - "\"\\/bfnrt"]);
            i += 2;
            continue;
        }
        if (e != 'u') {
            err->offset = i;
            err->what = "invalid escape in string";
            return err->code = VG_JSON_ESYNTAX;
        }
        uint32_t cp;
        if (i + 6 > end)
            goto eof;
        if (!read_hex4(buf + i + 2, &cp)) {
            err->offset = i;
            err->what = "invalid \\u escape";
            return err->code = VG_JSON_ESYNTAX;
        }
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (i + 6 <= end && buf[i] == '\\' && buf[i + 1] == 'u' &&
                read_hex4(buf + i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            } else {
                cp = 0xFFFD; /* lone high surrogate */
                p->replaced_utf8++;
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD; /* lone low surrogate */
            p->replaced_utf8++;
        }
        char enc[4];
        rc |= vg_buf_add(out, enc, vg_utf8_encode(cp, enc));
    }
    char *copy =
        rc == VG_OK ? vg_arena_strndup(p->arena, out->data ? out->data : "", out->len) : NULL;
    if (!copy) {
        err->offset = i;
        err->what = "out of memory decoding a string";
        return err->code = VG_JSON_ENOMEM;
    }
    slot->ptr = copy;
    slot->len = (uint32_t)out->len;
    *ip = i + 1;
    return VG_JSON_OK;
eof:
    err->offset = end;
    err->what = "unterminated string";
    return err->code = VG_JSON_ESYNTAX;
}

/* buf[*ip] is the opening quote. */
static enum vg_json_errcode parse_string(struct vg_json_parser *p, const char *buf, size_t end,
                                         size_t *ip, struct vg_json_value *slot,
                                         struct vg_json_error *err)
{
    size_t start = *ip + 1;
    size_t i = start;
    slot->type = VG_JSON_STRING;
    slot->skip = 1;
    for (;;) {
        i = scan_plain(buf, i, end);
        if (i >= end) {
            err->offset = end;
            err->what = "unterminated string";
            return err->code = VG_JSON_ESYNTAX;
        }
        unsigned char c = (unsigned char)buf[i];
        if (c == '"') {
            slot->ptr = buf + start;
            slot->len = (uint32_t)(i - start);
            *ip = i + 1;
            return VG_JSON_OK;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = vg_utf8_decode((const unsigned char *)buf + i, end - i, &cp);
            if (n) {
                i += n;
                continue;
            }
        }
        if (c < 0x20) {
            err->offset = i;
            err->what = "control character in string";
            return err->code = VG_JSON_ESYNTAX;
        }
        *ip = i;
        return decode_string(p, buf, end, start, ip, slot, err);
    }
}

static enum vg_json_errcode parse_number(const char *buf, size_t end, size_t *ip,
                                         struct vg_json_value *slot, struct vg_json_error *err)
{
    size_t i = *ip, start = i;
    if (i < end && buf[i] == '-')
        i++;
    if (i >= end || buf[i] < '0' || buf[i] > '9')
        goto bad;
    if (buf[i] == '0')
        i++;
    else
        while (i < end && buf[i] >= '0' && buf[i] <= '9')
            i++;
    if (i < end && buf[i] == '.') {
        i++;
        if (i >= end || buf[i] < '0' || buf[i] > '9')
            goto bad;
        while (i < end && buf[i] >= '0' && buf[i] <= '9')
            i++;
    }
    if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
        i++;
        if (i < end && (buf[i] == '+' || buf[i] == '-'))
            i++;
        if (i >= end || buf[i] < '0' || buf[i] > '9')
            goto bad;
        while (i < end && buf[i] >= '0' && buf[i] <= '9')
            i++;
    }
    slot->type = VG_JSON_NUMBER;
    slot->skip = 1;
    slot->ptr = buf + start;
    slot->len = (uint32_t)(i - start);
    *ip = i;
    return VG_JSON_OK;
bad:
    err->offset = i;
    err->what = "invalid number";
    return err->code = VG_JSON_ESYNTAX;
}

enum vg_json_errcode vg_json_parse(struct vg_json_parser *p, const char *buf, size_t len,
                                   size_t *pos, const struct vg_json_value **root,
                                   struct vg_json_error *err)
{
    uint32_t stack[VG_JSON_MAX_DEPTH];
    unsigned depth = 0;
    size_t n = 0;
    size_t i = vg_json_skip_ws(buf, len, *pos);
    size_t end = len - i > p->max_bytes ? i + p->max_bytes : len;
    enum vg_json_errcode rc;

    err->code = VG_JSON_OK;
    err->offset = i;
    err->what = NULL;

value:
    i = vg_json_skip_ws(buf, end, i);
    if (i >= end)
        goto eof;
    if (VG_UNLIKELY(n + 2 > p->tape_cap) && !grow_tape(p, n + 2))
        goto nomem;
    struct vg_json_value *slot = &p->tape[n];
    switch (buf[i]) {
    case '{':
    case '[':
        if (depth == VG_JSON_MAX_DEPTH) {
            err->offset = i;
            err->what = "nesting deeper than the limit";
            return err->code = VG_JSON_EDEPTH;
        }
        slot->type = buf[i] == '{' ? VG_JSON_OBJECT : VG_JSON_ARRAY;
        slot->len = 0;
        slot->ptr = buf + i;
        stack[depth++] = (uint32_t)n++;
        i = vg_json_skip_ws(buf, end, i + 1);
        if (i >= end)
            goto eof;
        if (buf[i] == (slot->type == VG_JSON_OBJECT ? '}' : ']'))
            goto close;
        if (slot->type == VG_JSON_OBJECT)
            goto key;
        goto value;
    case '"':
        if ((rc = parse_string(p, buf, end, &i, slot, err)) != VG_JSON_OK)
            goto fail;
        n++;
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const lit[] = { "true", "false", "null" };
        static const uint8_t type[] = { VG_JSON_TRUE, VG_JSON_FALSE, VG_JSON_NULL };
        int k = buf[i] == 't' ? 0 : buf[i] == 'f' ? 1 : 2;
        size_t l = strlen(lit[k]);
        if (end - i < l && end < len && (size_t)(len - i) >= l && memcmp(buf + i, lit[k], l) == 0)
            goto eof; /* cut by the size limit, not malformed */
        if (end - i < l || memcmp(buf + i, lit[k], l) != 0) {
            err->offset = i;
            err->what = "invalid literal";
            rc = err->code = VG_JSON_ESYNTAX;
            goto fail;
        }
        slot->type = type[k];
        slot->skip = 1;
        slot->ptr = buf + i;
        slot->len = (uint32_t)l;
        i += l;
        n++;
        break;
    }
    default:
        if (buf[i] == '-' || (buf[i] >= '0' && buf[i] <= '9')) {
            if ((rc = parse_number(buf, end, &i, slot, err)) != VG_JSON_OK)
                goto fail;
            n++;
            break;
        }
        err->offset = i;
        err->what = "unexpected character";
        rc = err->code = VG_JSON_ESYNTAX;
        goto fail;
    }

after_value:
    if (depth == 0)
        goto done;
    {
        struct vg_json_value *top = &p->tape[stack[depth - 1]];
        top->len++;
        i = vg_json_skip_ws(buf, end, i);
        if (i >= end)
            goto eof;
        char c = buf[i];
        if (c == ',') {
            i++;
            if (top->type == VG_JSON_OBJECT)
                goto key;
            goto value;
        }
        if (c == (top->type == VG_JSON_OBJECT ? '}' : ']'))
            goto close;
        err->offset = i;
        err->what = top->type == VG_JSON_OBJECT ? "expected ',' or '}' in object"
                                                : "expected ',' or ']' in array";
        rc = err->code = VG_JSON_ESYNTAX;
        goto fail;
    }

key:
    i = vg_json_skip_ws(buf, end, i);
    if (i >= end)
        goto eof;
    if (buf[i] != '"') {
        err->offset = i;
        err->what = "expected a string as object key";
        rc = err->code = VG_JSON_ESYNTAX;
        goto fail;
    }
    if (VG_UNLIKELY(n + 2 > p->tape_cap) && !grow_tape(p, n + 2))
        goto nomem;
    if ((rc = parse_string(p, buf, end, &i, &p->tape[n], err)) != VG_JSON_OK)
        goto fail;
    n++;
    i = vg_json_skip_ws(buf, end, i);
    if (i >= end)
        goto eof;
    if (buf[i] != ':') {
        err->offset = i;
        err->what = "expected ':' after object key";
        rc = err->code = VG_JSON_ESYNTAX;
        goto fail;
    }
    i++;
    goto value;

close : {
    uint32_t top = stack[--depth];
    p->tape[top].skip = (uint32_t)(n - top) & 0x1FFFFFFF;
    i++;
    goto after_value;
}

done:
    /* a number that runs up to the size limit may go on beyond it */
    if (i >= end && end < len && p->tape[0].type == VG_JSON_NUMBER)
        goto eof;
    *root = p->tape;
    *pos = i;
    return VG_JSON_OK;

eof:
    err->offset = end;
    if (end < len) {
        err->what = "value larger than the record size limit";
        return err->code = VG_JSON_ETOO_BIG;
    }
    err->what = "unexpected end of input";
    return err->code = VG_JSON_ESYNTAX;
nomem:
    err->offset = i;
    err->what = "out of memory";
    return err->code = VG_JSON_ENOMEM;
fail:
    if (rc == VG_JSON_ESYNTAX && err->offset >= end && end < len) {
        err->what = "value larger than the record size limit";
        return err->code = VG_JSON_ETOO_BIG;
    }
    return rc;
}

size_t vg_json_skip_value(const char *buf, size_t len, size_t pos)
{
    size_t i = vg_json_skip_ws(buf, len, pos);
    char open[VG_JSON_MAX_DEPTH];
    size_t depth = 0;
    bool in_string = false;
    if (i >= len)
        return 0;
    if (buf[i] != '{' && buf[i] != '[' && buf[i] != '"') {
        /* a scalar or garbage: it ends at the next structural byte or white space */
        while (i < len && !strchr(",]}\n \t\r", buf[i]))
            i++;
        return i;
    }
    for (; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"') {
                in_string = false;
                if (depth == 0)
                    return i + 1;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (depth < VG_JSON_MAX_DEPTH)
                open[depth] = c;
            depth++;
        } else if (c == '}' || c == ']') {
            /* a closer of the wrong kind means the value is damaged: no reliable end (past the
             * parser's depth limit only the count is kept, so hostile nesting is still skipped) */
            if (depth == 0 ||
                (depth <= VG_JSON_MAX_DEPTH && open[depth - 1] != (c == '}' ? '{' : '[')))
                return 0;
            if (--depth == 0)
                return i + 1;
        }
    }
    return 0;
}

const struct vg_json_value *vg_json_get(const struct vg_json_value *v, const char *key)
{
    if (!v || v->type != VG_JSON_OBJECT)
        return NULL;
    size_t klen = strlen(key);
    const struct vg_json_value *k = v + 1;
    for (uint32_t m = 0; m < v->len; m++) {
        const struct vg_json_value *val = k + 1;
        if (k->len == klen && memcmp(k->ptr, key, klen) == 0)
            return val;
        k = val + val->skip;
    }
    return NULL;
}

const struct vg_json_value *vg_json_path(const struct vg_json_value *v, const char *path)
{
    char part[128];
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof(part))
            return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        v = vg_json_get(v, part);
        path += n + (dot ? 1 : 0);
    }
    return v;
}

const struct vg_json_value *vg_json_next(const struct vg_json_value *parent,
                                         const struct vg_json_value *child)
{
    const struct vg_json_value *next = child + child->skip;
    if (parent->type == VG_JSON_OBJECT)
        next++; /* step over the next key */
    if (next >= parent + parent->skip)
        return NULL;
    return next;
}

struct vg_str vg_json_text(const struct vg_json_value *v)
{
    if (!v || v->type == VG_JSON_ARRAY || v->type == VG_JSON_OBJECT)
        return VG_STR_NULL;
    return (struct vg_str){ v->ptr, v->len };
}

bool vg_json_bool(const struct vg_json_value *v, bool *out)
{
    if (!v)
        return false;
    if (v->type == VG_JSON_TRUE || v->type == VG_JSON_FALSE) {
        *out = v->type == VG_JSON_TRUE;
        return true;
    }
    struct vg_str s = vg_json_str(v);
    if (vg_str_case_eq(s, "true") || vg_str_case_eq(s, "false")) {
        *out = s.len == 4;
        return true;
    }
    return false;
}

bool vg_json_i64(const struct vg_json_value *v, int64_t *out)
{
    if (!v || (v->type != VG_JSON_NUMBER && v->type != VG_JSON_STRING))
        return false;
    struct vg_str s = { v->ptr, v->len };
    bool neg = s.len > 0 && s.ptr[0] == '-';
    uint64_t u;
    if (!vg_str_to_u64((struct vg_str){ s.ptr + neg, s.len - neg }, &u) ||
        u > (uint64_t)INT64_MAX + neg)
        return false;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return true;
}
