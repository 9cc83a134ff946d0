/* The record framing loop of the JSON-based log parsers; see json_records.h. */
#include "parse/json_records.h"

uint64_t vg_line_at(struct vg_line_counter *lc, size_t offset)
{
    const char *p = lc->buf + lc->pos;
    const char *end = lc->buf + offset;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lc->line++;
        p++;
    }
    lc->pos = offset;
    return lc->line;
}

enum vg_diag_code vg_json_diag_code(const struct vg_json_error *err)
{
    return err->code == VG_JSON_EDEPTH     ? VG_DIAG_TOO_DEEP
           : err->code == VG_JSON_ETOO_BIG ? VG_DIAG_TOO_BIG
                                           : VG_DIAG_JSON;
}

int vg_json_records(struct vg_parse_ctx *ctx, const char *buf, size_t len, size_t pos,
                    const struct vg_json_records_cb *cb)
{
    struct vg_line_counter lc = { buf, 0, 1 };
    bool in_array = false;
    for (;;) {
        pos = vg_json_skip_ws(buf, len, pos);
        struct vg_diag_loc loc = { ctx->source, vg_line_at(&lc, pos), pos };
        if (pos >= len) {
            if (in_array)
                vg_diag_report(ctx->diag, VG_DIAG_JSON, &loc,
                               "file ends inside the array of records (truncated?)");
            return VG_OK;
        }
        if (!in_array && buf[pos] == '[') {
            in_array = true;
            pos++;
            continue;
        }
        if (in_array && buf[pos] == ']') {
            in_array = false;
            pos++;
            continue;
        }
        if (buf[pos] == ',') {
            pos++;
            continue;
        }
        if (!in_array && cb->prefix)
            pos = cb->prefix(buf, len, pos);
        const struct vg_json_value *v;
        struct vg_json_error err;
        size_t start = pos;
        enum vg_json_errcode rc = vg_json_parse(ctx->json, buf, len, &pos, &v, &err);
        if (rc == VG_JSON_OK) {
            if (!cb->record(cb->ctx, v, &loc))
                return VG_OK;
            continue;
        }
        if (rc == VG_JSON_ENOMEM)
            return VG_ENOMEM;
        cb->bad(cb->ctx);
        vg_diag_report(ctx->diag, vg_json_diag_code(&err), &loc,
                       "record is not valid JSON: %s (at byte %zu of the record)", err.what,
                       err.offset - start);
        /* resynchronise: the next element of the array, or the next line; an array that never
         * closes has been reported enough; a byte that starts no value (a NUL) moves on to the
         * next line */
        size_t next = in_array ? vg_json_skip_value(buf, len, start) : 0;
        if (in_array && next == 0)
            return VG_OK;
        if (next <= start) {
            const char *nl = memchr(buf + start, '\n', len - start);
            next = nl ? (size_t)(nl - buf) + 1 : len;
        }
        pos = next;
    }
}
