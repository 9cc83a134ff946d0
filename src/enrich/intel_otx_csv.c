/*
 * "otx-csv": AlienVault OTX pulse exports (GuardDuty's OTX_CSV),
 *
 *   Indicator type,Indicator,Description
 *   IPv4,45.146.164.110,"Scanner, seen on port 22"
 *   domain,evil.example.org,Phishing kit
 *   FileHash-SHA256,0f3c...,Dropper
 *
 * Columns are found by their header names (GuardDuty's own example writes ", " between them);
 * without a header the order above is assumed.  Types are matched case-insensitively: IPv4,
 * IPv6, CIDR, domain, hostname, "Domain name" and URL (its host; none: skipped) are
 * indicators; FileHash-*, email, URI, CVE, YARA, Mutex and the like are counted as skipped.
 * The description is the threat name.
 */
#include "enrich/intel_otx_csv.h"

#include "enrich/csv.h"

struct columns {
    int type, indicator, description;
};

static bool find_columns(const struct vg_csv *c, struct columns *out)
{
    out->type = vg_csv_find(c, "Indicator type");
    out->indicator = vg_csv_find(c, "Indicator");
    out->description = vg_csv_find(c, "Description");
    return out->type >= 0 && out->indicator >= 0;
}

static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    struct columns cols;
    vg_csv_init(&c, buf, len, ',', VG_CSV_QUOTES, NULL, 0);
    while (vg_csv_next(&c)) {
        if (!vg_csv_blank(&c))
            return find_columns(&c, &cols);
    }
    return false;
}

static bool is_indicator_type(struct vg_str t)
{
    static const char *const types[] = {
        "IPv4", "IPv6", "CIDR", "domain", "hostname", "Domain name"
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(types); i++)
        if (vg_str_case_eq(t, types[i]))
            return true;
    return false;
}

/* Keeps the assumed order unless the first line names the columns. */
static bool header(const struct vg_csv *c, void *cols)
{
    struct columns found;
    if (!find_columns(c, &found))
        return false;
    *(struct columns *)cols = found;
    return true;
}

static int row(struct vg_intel_load_ctx *ctx, const struct vg_csv *c, const struct vg_diag_loc *loc,
               void *cols_arg)
{
    const struct columns *cols = cols_arg;
    struct vg_str type = vg_csv_field(c, cols->type);
    struct vg_str indicator = vg_csv_field(c, cols->indicator);
    if (type.len == 0 || indicator.len == 0) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "line has no %s",
                       type.len == 0 ? "'Indicator type'" : "'Indicator'");
        vg_intel_builder_bad(ctx->builder, ctx->list);
        return VG_OK;
    }
    if (vg_str_case_eq(type, "URL"))
        indicator = vg_csv_url_host(indicator);
    else if (!is_indicator_type(type))
        indicator = VG_STR("");
    if (indicator.len == 0) {
        vg_intel_builder_skip(ctx->builder, ctx->list);
        return VG_OK;
    }
    return vg_intel_builder_add(ctx->builder, ctx->list, indicator,
                                vg_csv_field(c, cols->description), ctx->diag, loc);
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct columns cols = { 0, 1, 2 };
    const struct vg_csv_rows spec = {
        .sep = ',',
        .flags = VG_CSV_QUOTES,
        .header_optional = true,
        .header = header,
        .row = row,
        .cols = &cols,
    };
    return vg_csv_load_rows(ctx, buf, len, &spec);
}

const struct vg_intel_format vg_intel_format_otx_csv = {
    .name = "otx-csv",
    .sniff = sniff,
    .load = load,
};
