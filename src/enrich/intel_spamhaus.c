/*
 * "spamhaus": the Spamhaus Don't Route Or Peer lists, in both shapes Spamhaus has published:
 *
 *   ; Spamhaus DROP List 2024/03/12 - (c) 2024 The Spamhaus Project     (DROP, EDROP, DROPv6)
 *   1.10.16.0/20 ; SBL256894
 *
 *   {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}             (drop_v4.json, ...)
 *   {"type":"metadata","timestamp":1710230400,"size":...,"records":...}
 *   {"asn":6134,"rir":"arin","domain":"xn.net","cc":"US","asname":"XNNET"} (asn_drop.json)
 *
 * The SBL id is the threat name.  ASN-DROP entries name an autonomous system, not addresses,
 * so they count as skipped; the metadata line is read past.  JSON lines are parsed one at a
 * time with one parser and arena, reset per line, so a file costs the same memory as its
 * longest line.
 */
#include "enrich/intel_spamhaus.h"

#include "enrich/csv.h"
#include "parse/json.h"

static bool json_line_is_drop(struct vg_str s)
{
    struct vg_str head = { s.ptr, s.len > 512 ? 512 : s.len };
    return vg_str_case_find(head, "\"sblid\"") >= 0 ||
           (vg_str_case_find(head, "\"asn\"") >= 0 && vg_str_case_find(head, "\"asname\"") >= 0);
}

/* Comment lines first; then the first data line decides. */
static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    vg_csv_init(&c, buf, len, '\0', 0, NULL, 0);
    while (vg_csv_next(&c)) {
        struct vg_str s = c.field[0];
        if (s.len == 0)
            continue;
        if (s.ptr[0] == ';') {
            if (vg_str_case_find(s, "spamhaus") >= 0)
                return true;
            continue;
        }
        if (s.ptr[0] == '{')
            return json_line_is_drop(s);
        return vg_str_case_find(s, "; SBL") >= 0;
    }
    return false;
}

static int load_json_line(struct vg_intel_load_ctx *ctx, struct vg_json_parser *parser,
                          struct vg_str line, const struct vg_diag_loc *loc)
{
    const struct vg_json_value *root;
    struct vg_json_error err;
    size_t pos = 0;
    int rc = VG_OK;

    vg_arena_reset(parser->arena);
    enum vg_json_errcode jrc = vg_json_parse(parser, line.ptr, line.len, &pos, &root, &err);
    if (jrc == VG_JSON_ENOMEM) {
        rc = VG_ENOMEM;
        goto out;
    }
    if (jrc == VG_JSON_OK && vg_json_skip_ws(line.ptr, line.len, pos) != line.len) {
        jrc = VG_JSON_ESYNTAX;
        err.what = "text after the JSON value";
    }
    if (jrc != VG_JSON_OK) {
        vg_diag_report(ctx->diag, VG_DIAG_JSON, loc, "record is not valid JSON: %s", err.what);
        vg_intel_builder_bad(ctx->builder, ctx->list);
        goto out;
    }
    const struct vg_json_value *cidr = vg_json_get(root, "cidr");
    if (cidr && cidr->type == VG_JSON_STRING) {
        struct vg_str sbl = vg_json_str(vg_json_get(root, "sblid"));
        rc = vg_intel_builder_add(ctx->builder, ctx->list, vg_json_str(cidr),
                                  sbl.ptr ? sbl : VG_STR(""), ctx->diag, loc);
    } else if (vg_json_get(root, "asn")) {
        vg_intel_builder_skip(ctx->builder, ctx->list);
    } else if (!vg_str_eq_lit(vg_json_str(vg_json_get(root, "type")), "metadata")) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "record has no string 'cidr' or 'asn'");
        vg_intel_builder_bad(ctx->builder, ctx->list);
    }
out:
    return rc;
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_arena arena;
    struct vg_json_parser parser;
    struct vg_csv c;
    int rc = VG_OK;

    /* Nothing is allocated until the first JSON line; decoded strings never outgrow a line. */
    vg_arena_init(&arena, 4096, len + 4096);
    vg_json_parser_init(&parser, &arena, len + 1);
    vg_csv_init(&c, buf, len, '\0', 0, NULL, 0);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_str s = c.field[0];
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        if (s.len == 0 || s.ptr[0] == ';' || s.ptr[0] == '#')
            continue;
        if (s.ptr[0] == '{') {
            rc = load_json_line(ctx, &parser, s, &loc);
            continue;
        }
        const char *semi = memchr(s.ptr, ';', s.len);
        struct vg_str cidr = s, sbl = VG_STR("");
        if (semi) {
            cidr = vg_csv_trim((struct vg_str){ s.ptr, (size_t)(semi - s.ptr) });
            sbl = vg_csv_trim((struct vg_str){ semi + 1, s.len - (size_t)(semi - s.ptr) - 1 });
        }
        rc = vg_intel_builder_add(ctx->builder, ctx->list, cidr, sbl, ctx->diag, &loc);
    }
    vg_json_parser_release(&parser);
    vg_arena_release(&arena);
    return rc;
}

const struct vg_intel_format vg_intel_format_spamhaus = {
    .name = "spamhaus",
    .sniff = sniff,
    .load = load,
};
