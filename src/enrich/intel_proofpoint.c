/*
 * "proofpoint": Proofpoint Emerging Threats reputation CSV (GuardDuty's PROOF_POINT),
 *
 *   domain,category,score,first_seen,last_seen,ports (|)
 *   45.146.164.110,1,100,2024-01-01,2024-03-01,22|80
 *
 * The first column holds an address or a domain; the category is the threat name (ET writes
 * its category number there; we pass on what the file says).  The header line (starting
 * "ip,category" or "domain,category") is optional, and so is everything after the category.
 */
#include "enrich/intel_proofpoint.h"

#include "enrich/csv.h"

enum { F_INDICATOR, F_CATEGORY, F_SCORE, F_FIRST_SEEN, F_LAST_SEEN };

static bool is_header(const struct vg_csv *c)
{
    struct vg_str f = c->field[F_INDICATOR];
    return c->count >= 2 && vg_str_case_eq(c->field[F_CATEGORY], "category") &&
           (vg_str_case_eq(f, "ip") || vg_str_case_eq(f, "domain") ||
            vg_str_case_eq(f, "ip_or_domain"));
}

static bool looks_like_date(struct vg_str s)
{
    return s.len >= 8 && s.ptr[0] >= '0' && s.ptr[0] <= '9' && memchr(s.ptr, '-', s.len);
}

/* The header, or without one a first row of "x,<number>,<number>,<date>,<date>". */
static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    uint64_t n;
    vg_csv_init(&c, buf, len, ',', VG_CSV_QUOTES, NULL, 0);
    while (vg_csv_next(&c)) {
        if (vg_csv_blank(&c) || (c.field[0].len && c.field[0].ptr[0] == '#'))
            continue;
        if (is_header(&c))
            return true;
        return c.count >= 5 && vg_str_to_u64(c.field[F_CATEGORY], &n) &&
               vg_str_to_u64(c.field[F_SCORE], &n) && looks_like_date(c.field[F_FIRST_SEEN]) &&
               looks_like_date(c.field[F_LAST_SEEN]);
    }
    return false;
}

static bool header(const struct vg_csv *c, void *cols)
{
    (void)cols;
    return is_header(c);
}

static int row(struct vg_intel_load_ctx *ctx, const struct vg_csv *c, const struct vg_diag_loc *loc,
               void *cols)
{
    (void)cols;
    if (c->count < 2 || c->field[F_INDICATOR].len == 0) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "%s",
                       c->count < 2 ? "line has no 'category' column"
                                    : "line has no indicator in its first column");
        vg_intel_builder_bad(ctx->builder, ctx->list);
        return VG_OK;
    }
    return vg_intel_builder_add(ctx->builder, ctx->list, c->field[F_INDICATOR],
                                c->field[F_CATEGORY], ctx->diag, loc);
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    const struct vg_csv_rows spec = {
        .sep = ',',
        .flags = VG_CSV_QUOTES,
        .skip_comments = true,
        .header_optional = true,
        .header = header,
        .row = row,
    };
    return vg_csv_load_rows(ctx, buf, len, &spec);
}

const struct vg_intel_format vg_intel_format_proofpoint = {
    .name = "proofpoint",
    .sniff = sniff,
    .load = load,
};
