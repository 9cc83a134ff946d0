/*
 * "alienvault": AlienVault's IP reputation data (GuardDuty's ALIEN_VAULT),
 *
 *   45.146.164.110#4#2#Malicious Host#RU#Moscow#55.7386,37.6068#11
 *   addr          rel risk activity   country city lat,lon     x
 *
 * The first field is an address or a domain; the activity ("Scanning Host", "Malicious Host;
 * Spamming") is the threat name.  '#' is the separator, so a comment is a line that starts
 * with one.  A line needs the first four fields; the rest are optional.
 */
#include "enrich/intel_alienvault.h"

#include "enrich/csv.h"

enum { F_ADDR, F_REL, F_RISK, F_ACTIVITY, MIN_FIELDS };

static bool is_number(struct vg_str s)
{
    uint64_t v;
    return vg_str_to_u64(s, &v);
}

/* Reliability and risk are small numbers: that is what tells this format from others. */
static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    vg_csv_init(&c, buf, len, '#', 0, NULL, 0);
    while (vg_csv_next(&c)) {
        if (vg_csv_blank(&c) || c.field[0].len == 0)
            continue;
        return c.count >= 6 && is_number(c.field[F_REL]) && is_number(c.field[F_RISK]);
    }
    return false;
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_csv c;
    int rc = VG_OK;
    vg_csv_init(&c, buf, len, '#', 0, NULL, 0);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        if (vg_csv_blank(&c) || c.field[F_ADDR].len == 0)
            continue; /* blank, or a '#' comment */
        if (c.count < MIN_FIELDS) {
            vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc,
                           "too few '#'-separated fields (%zu); expected at least "
                           "'addr#reliability#risk#activity'",
                           c.count);
            vg_intel_builder_bad(ctx->builder, ctx->list);
            continue;
        }
        rc = vg_intel_builder_add(ctx->builder, ctx->list, c.field[F_ADDR], c.field[F_ACTIVITY],
                                  ctx->diag, &loc);
    }
    return rc;
}

const struct vg_intel_format vg_intel_format_alienvault = {
    .name = "alienvault",
    .sniff = sniff,
    .load = load,
};
