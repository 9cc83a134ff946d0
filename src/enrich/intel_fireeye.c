/*
 * "fireeye": FireEye iSIGHT ThreatScape CSV (GuardDuty's FIRE_EYE).  A long header row names
 * the columns (reportId, title, ThreatScape, ..., cidr, domain, ..., ip, port, ..., url,
 * malwareFamily, actor, ...); a row describes one observable and fills only the columns that
 * apply.  Like GuardDuty we take the ip, cidr and domain columns, found by header name in any
 * order; a row with several of them gives one indicator each, and a row with none (a file
 * hash, an e-mail sender) is counted as skipped.  Without a cidr column, networkIdentifier is
 * read in its place (some exports name the network column so).  The threat name is
 * malwareFamily, else the report title.
 */
#include "enrich/intel_fireeye.h"

#include "enrich/csv.h"

enum { C_IP, C_CIDR, C_DOMAIN, N_INDICATOR_COLUMNS };

struct columns {
    int indicator[N_INDICATOR_COLUMNS];
    int family, title;
};

static bool find_columns(const struct vg_csv *c, struct columns *out)
{
    out->indicator[C_IP] = vg_csv_find(c, "ip");
    out->indicator[C_CIDR] = vg_csv_find(c, "cidr");
    if (out->indicator[C_CIDR] < 0)
        out->indicator[C_CIDR] = vg_csv_find(c, "networkIdentifier");
    out->indicator[C_DOMAIN] = vg_csv_find(c, "domain");
    out->family = vg_csv_find(c, "malwareFamily");
    out->title = vg_csv_find(c, "title");
    for (int i = 0; i < N_INDICATOR_COLUMNS; i++)
        if (out->indicator[i] >= 0)
            return true;
    return false;
}

/* The header must be iSIGHT's: a reportId column and some indicator column. */
static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    struct columns cols;
    vg_csv_init(&c, buf, len, ',', VG_CSV_QUOTES, NULL, 0);
    while (vg_csv_next(&c)) {
        if (!vg_csv_blank(&c))
            return vg_csv_find(&c, "reportId") >= 0 && find_columns(&c, &cols);
    }
    return false;
}

static bool header(const struct vg_csv *c, void *cols)
{
    return find_columns(c, cols);
}

static int row(struct vg_intel_load_ctx *ctx, const struct vg_csv *c, const struct vg_diag_loc *loc,
               void *cols_arg)
{
    const struct columns *cols = cols_arg;
    int rc = VG_OK;
    struct vg_str name = vg_csv_field(c, cols->family);
    if (name.len == 0)
        name = vg_csv_field(c, cols->title);
    bool any = false;
    for (int i = 0; i < N_INDICATOR_COLUMNS && rc == VG_OK; i++) {
        struct vg_str v = vg_csv_field(c, cols->indicator[i]);
        if (v.len == 0)
            continue;
        any = true;
        rc = vg_intel_builder_add(ctx->builder, ctx->list, v, name, ctx->diag, loc);
    }
    if (!any)
        vg_intel_builder_skip(ctx->builder, ctx->list);
    return rc;
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct columns cols = { { -1, -1, -1 }, -1, -1 };
    const struct vg_csv_rows spec = {
        .sep = ',',
        .flags = VG_CSV_QUOTES,
        .header_missing = "header has no 'ip', 'cidr' or 'domain' column; file skipped",
        .header = header,
        .row = row,
        .cols = &cols,
    };
    return vg_csv_load_rows(ctx, buf, len, &spec);
}

const struct vg_intel_format vg_intel_format_fireeye = {
    .name = "fireeye",
    .sniff = sniff,
    .load = load,
};
