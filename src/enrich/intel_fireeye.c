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

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_csv c;
    struct columns cols = { { -1, -1, -1 }, -1, -1 };
    bool have_header = false;
    int rc = VG_OK;
    size_t scratch_cap = len < VG_CSV_MAX_RECORD_BYTES ? len : VG_CSV_MAX_RECORD_BYTES;
    char *scratch = malloc(scratch_cap + 1);
    if (!scratch) {
        rc = VG_ENOMEM;
        goto out;
    }
    vg_csv_init(&c, buf, len, ',', VG_CSV_QUOTES, scratch, scratch_cap);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        if (vg_csv_blank(&c))
            continue;
        if (!have_header) {
            if (!find_columns(&c, &cols)) {
                /* Without the header nothing else in the file can be placed. */
                vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc,
                               "header has no 'ip', 'cidr' or 'domain' column; file skipped");
                vg_intel_builder_bad(ctx->builder, ctx->list);
                break;
            }
            have_header = true;
            continue;
        }
        if (vg_csv_report_quotes(&c, ctx->diag, &loc)) {
            vg_intel_builder_bad(ctx->builder, ctx->list);
            continue;
        }
        struct vg_str name = vg_csv_field(&c, cols.family);
        if (name.len == 0)
            name = vg_csv_field(&c, cols.title);
        bool any = false;
        for (int i = 0; i < N_INDICATOR_COLUMNS && rc == VG_OK; i++) {
            struct vg_str v = vg_csv_field(&c, cols.indicator[i]);
            if (v.len == 0)
                continue;
            any = true;
            rc = vg_intel_builder_add(ctx->builder, ctx->list, v, name, ctx->diag, &loc);
        }
        if (!any)
            vg_intel_builder_skip(ctx->builder, ctx->list);
    }
out:
    free(scratch);
    return rc;
}

const struct vg_intel_format vg_intel_format_fireeye = {
    .name = "fireeye",
    .sniff = sniff,
    .load = load,
};
