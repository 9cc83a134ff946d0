/*
 * "txt": GuardDuty's plain format, one IP address, CIDR, range, domain or "*.domain" per line.
 * '#' and ';' start a comment anywhere on a line (feeds use both, whole-line and trailing);
 * blank lines and CRLF endings are fine.  Only the first blank-separated word of a line is the
 * indicator (or "a - b", a range written with spaces): feeds that append a note after it
 * ("1.2.3.4  # scanner", "1.2.3.4 2024-03-01") still load.  The list has no threat names.
 *
 * This is the last entry of the format table: its sniff accepts anything.
 */
#include "enrich/intel_txt.h"

#include "enrich/csv.h"

static bool sniff(const char *buf, size_t len)
{
    (void)buf;
    (void)len;
    return true;
}

static size_t word_end(struct vg_str s, size_t i)
{
    while (i < s.len && s.ptr[i] != ' ' && s.ptr[i] != '\t')
        i++;
    return i;
}

static size_t skip_blanks(struct vg_str s, size_t i)
{
    while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
        i++;
    return i;
}

/* The indicator on a line: its first word, or "a - b" when a range is written with spaces. */
static struct vg_str indicator(struct vg_str s)
{
    size_t n = 0;
    while (n < s.len && s.ptr[n] != '#' && s.ptr[n] != ';')
        n++;
    s = vg_csv_trim((struct vg_str){ s.ptr, n });
    n = word_end(s, 0);
    size_t dash = skip_blanks(s, n);
    if (dash < s.len && s.ptr[dash] == '-') {
        size_t hi = skip_blanks(s, dash + 1);
        if (hi < s.len)
            n = word_end(s, hi);
    }
    return (struct vg_str){ s.ptr, n };
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_csv c;
    int rc = VG_OK;
    vg_csv_init(&c, buf, len, '\0', 0, NULL, 0);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_str word = indicator(c.text);
        if (word.len == 0)
            continue;
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        rc = vg_intel_builder_add(ctx->builder, ctx->list, word, VG_STR(""), ctx->diag, &loc);
    }
    return rc;
}

const struct vg_intel_format vg_intel_format_txt = {
    .name = "txt",
    .sniff = sniff,
    .load = load,
};
