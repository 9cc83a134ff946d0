/*
 * Record reader for the line-oriented threat-list formats (csv.h).  Two paths: a line without
 * quotes (nearly all of them) is cut with memchr; a line with quotes goes through a small state
 * machine that may continue over line ends.  Either way the reader only hands out slices.
 */
#include "enrich/csv.h"

#include "enrich/intel_format.h"

void vg_csv_init(struct vg_csv *c, const char *buf, size_t len, char sep, unsigned flags,
                 char *scratch, size_t scratch_cap)
{
    memset(c, 0, sizeof(*c));
    c->buf = buf;
    c->len = len;
    c->sep = sep;
    c->flags = flags;
    c->scratch = scratch;
    c->scratch_cap = scratch ? scratch_cap : 0;
    c->next_line = 1;
    /* Excel and some exporters start UTF-8 files with a byte-order mark; it is no part of the
     * first header name. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

struct vg_str vg_csv_trim(struct vg_str s)
{
    while (s.len && is_blank(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_blank(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

static void push_field(struct vg_csv *c, struct vg_str f)
{
    if (c->count < VG_CSV_MAX_FIELDS)
        c->field[c->count++] = f;
    else
        c->truncated = true;
}

/* Split one line (no line end inside) on sep, without quoting. */
static void split_plain(struct vg_csv *c, struct vg_str line)
{
    if (c->sep == '\0') {
        push_field(c, vg_csv_trim(line));
        return;
    }
    const char *p = line.ptr, *end = line.ptr + line.len;
    for (;;) {
        const char *s = memchr(p, c->sep, (size_t)(end - p));
        const char *fend = s ? s : end;
        push_field(c, vg_csv_trim((struct vg_str){ p, (size_t)(fend - p) }));
        if (!s)
            break;
        p = s + 1;
    }
}

/* Read one quoted record starting at `start`.  False when the quoting does not work out
 * (unterminated, too long, out of scratch): the caller then falls back to the physical line. */
static bool split_quoted(struct vg_csv *c, size_t start)
{
    const char *buf = c->buf;
    size_t len = c->len, i = start, used = 0;
    uint64_t newlines = 0;

    for (;;) {
        size_t fs = i;
        while (i < len && is_blank(buf[i]) && buf[i] != c->sep)
            i++;
        struct vg_str value;
        if (i < len && buf[i] == '"') {
            size_t cs = ++i, out = used;
            bool copy = false;
            for (;;) {
                if (i >= len || i - start > VG_CSV_MAX_RECORD_BYTES)
                    return false;
                char ch = buf[i];
                if (ch == '"' && i + 1 < len && buf[i + 1] == '"') {
                    /* A doubled quote: from here on the field is built in scratch. */
                    size_t n = copy ? 1 : i + 1 - cs;
                    if (c->scratch_cap - used < n)
                        return false;
                    memcpy(c->scratch + used, copy ? "\"" : buf + cs, n);
                    used += n;
                    copy = true;
                    i += 2;
                    continue;
                }
                if (ch == '"')
                    break;
                if (ch == '\n')
                    newlines++;
                if (copy) {
                    if (used == c->scratch_cap)
                        return false;
                    c->scratch[used++] = ch;
                }
                i++;
            }
            value = copy ? (struct vg_str){ c->scratch + out, used - out }
                         : (struct vg_str){ buf + cs, i - cs };
            i++;
            while (i < len && is_blank(buf[i]) && buf[i] != c->sep)
                i++;
            /* Text between a closing quote and the separator: keep the quoted part, flag the
             * record so the loader can report it. */
            while (i < len && buf[i] != c->sep && buf[i] != '\n') {
                if (!(buf[i] == '\r' && (i + 1 == len || buf[i + 1] == '\n')))
                    c->bad_quote = true;
                i++;
            }
        } else {
            size_t e = i;
            while (e < len && buf[e] != c->sep && buf[e] != '\n')
                e++;
            size_t ve = e;
            if (ve > fs && buf[ve - 1] == '\r' && (ve == len || buf[ve] == '\n'))
                ve--;
            value = vg_csv_trim((struct vg_str){ buf + fs, ve - fs });
            i = e;
        }
        push_field(c, value);
        if (i < len && buf[i] == c->sep) {
            i++;
            continue;
        }
        break;
    }
    size_t tend = i;
    if (tend > start && buf[tend - 1] == '\r')
        tend--;
    c->text = (struct vg_str){ buf + start, tend - start };
    c->pos = i < len ? i + 1 : len;
    c->next_line += newlines + (i < len ? 1 : 0);
    return true;
}

bool vg_csv_next(struct vg_csv *c)
{
    if (c->pos >= c->len)
        return false;
    size_t start = c->pos;
    c->line = c->next_line;
    c->offset = start;
    c->count = 0;
    c->truncated = false;
    c->bad_quote = false;

    const char *nl = memchr(c->buf + start, '\n', c->len - start);
    size_t end = nl ? (size_t)(nl - c->buf) : c->len;
    if ((c->flags & VG_CSV_QUOTES) && c->sep != '\0' && memchr(c->buf + start, '"', end - start)) {
        if (split_quoted(c, start))
            return true;
        c->count = 0;
        c->truncated = false;
        c->bad_quote = true;
    }
    size_t tend = end;
    if (tend > start && c->buf[tend - 1] == '\r')
        tend--;
    c->text = (struct vg_str){ c->buf + start, tend - start };
    c->pos = nl ? end + 1 : c->len;
    if (nl)
        c->next_line++;
    split_plain(c, c->text);
    return true;
}

int vg_csv_find(const struct vg_csv *c, const char *name)
{
    for (size_t i = 0; i < c->count; i++)
        if (vg_str_case_eq(c->field[i], name))
            return (int)i;
    return -1;
}

struct vg_str vg_csv_field(const struct vg_csv *c, int i)
{
    if (i < 0 || (size_t)i >= c->count)
        return (struct vg_str){ "", 0 };
    return c->field[i];
}

bool vg_csv_blank(const struct vg_csv *c)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->field[i].len)
            return false;
    return true;
}

bool vg_csv_report_quotes(const struct vg_csv *c, struct vg_diag *diag,
                          const struct vg_diag_loc *loc)
{
    if (!c->bad_quote)
        return false;
    vg_diag_report(diag, VG_DIAG_FIELD, loc,
                   "quoted field is not closed, or has text after its closing quote");
    return true;
}

static bool is_scheme_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '+' || ch == '-' || ch == '.';
}

struct vg_str vg_csv_url_host(struct vg_str url)
{
    struct vg_str s = vg_csv_trim(url), none = { "", 0 };
    if (s.len == 0)
        return none;
    const char *p = s.ptr, *end = s.ptr + s.len;
    const char *sep = s.len >= 3 ? memmem(s.ptr, s.len, "://", 3) : NULL;
    if (sep) {
        p = sep + 3;
    } else {
        /* "mailto:", "urn:", "data:": a scheme without "//" has no host; "host:8080" has a
         * port, which starts with a digit. */
        size_t i = 0;
        while (i < s.len && is_scheme_char(s.ptr[i]))
            i++;
        if (i > 0 && i < s.len && s.ptr[i] == ':' &&
            !(i + 1 < s.len && isdigit((unsigned char)s.ptr[i + 1])))
            return none;
    }
    const char *stop = p;
    while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
        stop++;
    const char *at = memrchr(p, '@', (size_t)(stop - p));
    if (at)
        p = at + 1;
    if (p < stop && *p == '[') {
        const char *close = memchr(p, ']', (size_t)(stop - p));
        if (!close)
            return none;
        return (struct vg_str){ p + 1, (size_t)(close - p - 1) };
    }
    const char *colon = memchr(p, ':', (size_t)(stop - p));
    return (struct vg_str){ p, (size_t)((colon ? colon : stop) - p) };
}

void vg_csv_lines_init(struct vg_csv_lines *l, const char *buf, size_t len)
{
    *l = (struct vg_csv_lines){ buf, len, 0, 1 };
}

uint64_t vg_csv_line_at(struct vg_csv_lines *l, size_t offset)
{
    if (offset > l->len)
        offset = l->len;
    if (offset < l->pos) {
        l->pos = 0;
        l->line = 1;
    }
    const char *q = l->buf + l->pos, *end = l->buf + offset;
    while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
        l->line++;
        q++;
    }
    l->pos = offset;
    return l->line;
}

static bool is_skipped(const struct vg_csv *c, const struct vg_csv_rows *spec)
{
    if (vg_csv_blank(c))
        return true;
    return spec->skip_comments && c->field[0].len && c->field[0].ptr[0] == '#';
}

int vg_csv_load_rows(struct vg_intel_load_ctx *ctx, const char *buf, size_t len,
                     const struct vg_csv_rows *spec)
{
    struct vg_csv c;
    bool first = true;
    int rc = VG_OK;
    size_t scratch_cap = len < VG_CSV_MAX_RECORD_BYTES ? len : VG_CSV_MAX_RECORD_BYTES;
    char *scratch = malloc(scratch_cap + 1);
    if (!scratch) {
        rc = VG_ENOMEM;
        goto out;
    }
    vg_csv_init(&c, buf, len, spec->sep, spec->flags, scratch, scratch_cap);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        if (is_skipped(&c, spec))
            continue;
        if (first) {
            first = false;
            if (spec->header(&c, spec->cols))
                continue;
            if (!spec->header_optional) {
                /* Without the header nothing else in the file can be placed. */
                vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc, "%s", spec->header_missing);
                vg_intel_builder_bad(ctx->builder, ctx->list);
                break;
            }
        }
        if (vg_csv_report_quotes(&c, ctx->diag, &loc)) {
            vg_intel_builder_bad(ctx->builder, ctx->list);
            continue;
        }
        rc = spec->row(ctx, &c, &loc, spec->cols);
    }
out:
    free(scratch);
    return rc;
}
