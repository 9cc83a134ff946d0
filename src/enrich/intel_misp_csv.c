/*
 * "misp-csv": MISP's CSV export of attributes,
 *
 *   uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,...
 *   5f1c...,42,Network activity,ip-dst|port,45.146.164.110|8443,C2 of the loader,1,1710230400,,
 *
 * Columns are found by header name.  Types taken: ip-src, ip-dst, domain, hostname, url (its
 * host), the "|port" forms (the port is dropped) and domain|ip (both halves are indicators).
 * Every other type (hashes, e-mail addresses, file names...) counts as skipped, and so does an
 * attribute whose to_ids flag is 0: MISP marks context that must not drive detection that way
 * (a sandbox report quoting microsoft.com).  The threat name is the comment, else the category.
 */
#include "enrich/intel_misp_csv.h"

#include "enrich/csv.h"

struct columns {
    int type, value, comment, category, to_ids;
};

static bool find_columns(const struct vg_csv *c, struct columns *out)
{
    out->type = vg_csv_find(c, "type");
    out->value = vg_csv_find(c, "value");
    out->comment = vg_csv_find(c, "comment");
    out->category = vg_csv_find(c, "category");
    out->to_ids = vg_csv_find(c, "to_ids");
    return out->type >= 0 && out->value >= 0;
}

static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    struct columns cols;
    vg_csv_init(&c, buf, len, ',', VG_CSV_QUOTES, NULL, 0);
    while (vg_csv_next(&c)) {
        if (!vg_csv_blank(&c))
            return find_columns(&c, &cols) &&
                   (vg_csv_find(&c, "event_id") >= 0 || vg_csv_find(&c, "uuid") >= 0);
    }
    return false;
}

enum kind { K_SKIP, K_PLAIN, K_URL, K_WITH_PORT, K_DOMAIN_IP };

static enum kind type_kind(struct vg_str t)
{
    static const struct {
        const char *type;
        enum kind kind;
    } types[] = {
        { "ip-src", K_PLAIN },
        { "ip-dst", K_PLAIN },
        { "domain", K_PLAIN },
        { "hostname", K_PLAIN },
        { "url", K_URL },
        { "ip-src|port", K_WITH_PORT },
        { "ip-dst|port", K_WITH_PORT },
        { "hostname|port", K_WITH_PORT },
        { "domain|ip", K_DOMAIN_IP },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(types); i++)
        if (vg_str_case_eq(t, types[i].type))
            return types[i].kind;
    return K_SKIP;
}

static bool is_false(struct vg_str s)
{
    return vg_str_eq_lit(s, "0") || vg_str_case_eq(s, "false");
}

static int add_row(struct vg_intel_load_ctx *ctx, const struct vg_csv *c,
                   const struct columns *cols, const struct vg_diag_loc *loc)
{
    struct vg_str value = vg_csv_field(c, cols->value);
    struct vg_str name = vg_csv_field(c, cols->comment);
    if (name.len == 0)
        name = vg_csv_field(c, cols->category);
    enum kind kind = type_kind(vg_csv_field(c, cols->type));
    if (kind == K_SKIP || is_false(vg_csv_field(c, cols->to_ids))) {
        vg_intel_builder_skip(ctx->builder, ctx->list);
        return VG_OK;
    }
    const char *bar = memchr(value.ptr, '|', value.len);
    struct vg_str left = value, right = { "", 0 };
    if (bar) {
        left = (struct vg_str){ value.ptr, (size_t)(bar - value.ptr) };
        right = (struct vg_str){ bar + 1, value.len - left.len - 1 };
    }
    if (kind == K_URL) {
        left = vg_csv_url_host(value);
        if (left.len == 0) {
            vg_intel_builder_skip(ctx->builder, ctx->list);
            return VG_OK;
        }
    } else if (kind == K_PLAIN) {
        left = value; /* a '|' here is no separator: let the store refuse it */
    } else if (!bar || (kind == K_DOMAIN_IP && (left.len == 0 || right.len == 0))) {
        struct vg_str type = vg_csv_field(c, cols->type);
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "value lacks a part of its type '%.*s'",
                       (int)type.len, type.ptr);
        vg_intel_builder_bad(ctx->builder, ctx->list);
        return VG_OK;
    }
    int rc = vg_intel_builder_add(ctx->builder, ctx->list, left, name, ctx->diag, loc);
    if (rc == VG_OK && kind == K_DOMAIN_IP)
        rc = vg_intel_builder_add(ctx->builder, ctx->list, right, name, ctx->diag, loc);
    return rc;
}

static bool header(const struct vg_csv *c, void *cols)
{
    return find_columns(c, cols);
}

static int row(struct vg_intel_load_ctx *ctx, const struct vg_csv *c, const struct vg_diag_loc *loc,
               void *cols)
{
    if (vg_csv_field(c, ((const struct columns *)cols)->value).len == 0) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "attribute has an empty 'value'");
        vg_intel_builder_bad(ctx->builder, ctx->list);
        return VG_OK;
    }
    return add_row(ctx, c, cols, loc);
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct columns cols = { -1, -1, -1, -1, -1 };
    const struct vg_csv_rows spec = {
        .sep = ',',
        .flags = VG_CSV_QUOTES,
        .header_missing = "header has no 'type' and 'value' columns; file skipped",
        .header = header,
        .row = row,
        .cols = &cols,
    };
    return vg_csv_load_rows(ctx, buf, len, &spec);
}

const struct vg_intel_format vg_intel_format_misp_csv = {
    .name = "misp-csv",
    .sniff = sniff,
    .load = load,
};
