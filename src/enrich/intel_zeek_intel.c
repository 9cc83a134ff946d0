/*
 * "zeek-intel": input files of Zeek's intelligence framework,
 *
 *   #fields<TAB>indicator<TAB>indicator_type<TAB>meta.source<TAB>meta.desc
 *   45.146.164.110<TAB>Intel::ADDR<TAB>feodo<TAB>Emotet C2
 *
 * The #fields line places the columns (the other '#' lines are Zeek log metadata and are read
 * past); before one, indicator, indicator_type, meta.source is assumed.  Types taken:
 * Intel::ADDR, Intel::SUBNET, Intel::DOMAIN and Intel::URL (written without a scheme in Zeek;
 * we take its host).  Other types (hashes, e-mail addresses, certificates, software) count as
 * skipped.  The threat name is meta.desc when set, else meta.source; Zeek writes "-" for an
 * unset field and "(empty)" for an empty one.
 */
#include "enrich/intel_zeek_intel.h"

#include "enrich/csv.h"

struct columns {
    int indicator, type, source, desc;
};

/* Column numbers of a "#fields" line, whose first field is "#fields" itself. */
static bool find_columns(const struct vg_csv *c, struct columns *out)
{
    struct columns cols = { vg_csv_find(c, "indicator"), vg_csv_find(c, "indicator_type"),
                            vg_csv_find(c, "meta.source"), vg_csv_find(c, "meta.desc") };
    if (cols.indicator < 1 || cols.type < 1)
        return false;
    *out =
        (struct columns){ cols.indicator - 1, cols.type - 1, cols.source > 0 ? cols.source - 1 : -1,
                          cols.desc > 0 ? cols.desc - 1 : -1 };
    return true;
}

static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    struct columns cols;
    vg_csv_init(&c, buf, len, '\t', 0, NULL, 0);
    while (vg_csv_next(&c)) {
        struct vg_str f = c.field[0];
        if (vg_str_eq_lit(f, "#fields"))
            return find_columns(&c, &cols);
        if (f.len == 0 || f.ptr[0] != '#')
            return false;
    }
    return false;
}

static struct vg_str zeek_value(struct vg_str s)
{
    if (vg_str_eq_lit(s, "-") || vg_str_eq_lit(s, "(empty)"))
        return (struct vg_str){ "", 0 };
    return s;
}

enum kind { K_SKIP, K_PLAIN, K_URL };

static enum kind type_kind(struct vg_str t)
{
    if (vg_str_starts_with(t, "Intel::"))
        t = (struct vg_str){ t.ptr + 7, t.len - 7 };
    if (vg_str_eq_lit(t, "ADDR") || vg_str_eq_lit(t, "SUBNET") || vg_str_eq_lit(t, "DOMAIN"))
        return K_PLAIN;
    return vg_str_eq_lit(t, "URL") ? K_URL : K_SKIP;
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_csv c;
    struct columns cols = { 0, 1, 2, -1 };
    int rc = VG_OK;
    vg_csv_init(&c, buf, len, '\t', 0, NULL, 0);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        struct vg_str f = c.field[0];
        if (vg_csv_blank(&c))
            continue;
        if (vg_str_eq_lit(f, "#fields")) {
            if (!find_columns(&c, &cols)) {
                vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc,
                               "'#fields' names no 'indicator' and 'indicator_type'");
                vg_intel_builder_bad(ctx->builder, ctx->list);
            }
            continue;
        }
        if (f.len && f.ptr[0] == '#')
            continue;
        struct vg_str indicator = zeek_value(vg_csv_field(&c, cols.indicator));
        struct vg_str type = zeek_value(vg_csv_field(&c, cols.type));
        if (indicator.len == 0 || type.len == 0) {
            vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc, "line has no tab-separated '%s'",
                           indicator.len == 0 ? "indicator" : "indicator_type");
            vg_intel_builder_bad(ctx->builder, ctx->list);
            continue;
        }
        enum kind kind = type_kind(type);
        if (kind == K_URL)
            indicator = vg_csv_url_host(indicator);
        if (kind == K_SKIP || indicator.len == 0) {
            vg_intel_builder_skip(ctx->builder, ctx->list);
            continue;
        }
        struct vg_str name = zeek_value(vg_csv_field(&c, cols.desc));
        if (name.len == 0)
            name = zeek_value(vg_csv_field(&c, cols.source));
        rc = vg_intel_builder_add(ctx->builder, ctx->list, indicator, name, ctx->diag, &loc);
    }
    return rc;
}

const struct vg_intel_format vg_intel_format_zeek_intel = {
    .name = "zeek-intel",
    .sniff = sniff,
    .load = load,
};
