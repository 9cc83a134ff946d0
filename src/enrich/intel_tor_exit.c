/*
 * "tor-exit": the Tor Project's TorDNSEL exit list (check.torproject.org/exit-addresses):
 *
 *   ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E
 *   Published 2024-03-12 02:29:55
 *   LastStatus 2024-03-12 13:00:00
 *   ExitAddress 185.241.208.232 2024-03-12 08:10:51
 *
 * Every ExitAddress is an indicator named "Tor exit node" (a relay may list several); the other
 * keywords are read past, and so are CollecTor's "@type" and "Downloaded" header lines.  A
 * line holding nothing but one word is taken as an address, so the bulk exit list (one IP per
 * line) gets the Tor threat name when a list names this format explicitly; sniffing leaves
 * that one to "txt".
 */
#include "enrich/intel_tor_exit.h"

#include "enrich/csv.h"

static const struct vg_str tor_name = { "Tor exit node", 13 };

/* The first blank-separated word of s; *rest is what follows it, trimmed. */
static struct vg_str split_word(struct vg_str s, struct vg_str *rest)
{
    size_t n = 0;
    while (n < s.len && s.ptr[n] != ' ' && s.ptr[n] != '\t')
        n++;
    *rest = vg_csv_trim((struct vg_str){ s.ptr + n, s.len - n });
    return (struct vg_str){ s.ptr, n };
}

static bool sniff(const char *buf, size_t len)
{
    struct vg_csv c;
    vg_csv_init(&c, buf, len, '\0', 0, NULL, 0);
    while (vg_csv_next(&c)) {
        struct vg_str s = c.field[0];
        if (s.len == 0 || s.ptr[0] == '@' || vg_str_starts_with(s, "Downloaded "))
            continue;
        return vg_str_starts_with(s, "ExitNode ");
    }
    return false;
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_csv c;
    int rc = VG_OK;
    vg_csv_init(&c, buf, len, '\0', 0, NULL, 0);
    while (rc == VG_OK && vg_csv_next(&c)) {
        struct vg_diag_loc loc = { ctx->source, c.line, c.offset };
        struct vg_str rest, word = split_word(c.field[0], &rest);
        if (word.len == 0 || word.ptr[0] == '@' || vg_str_eq_lit(word, "ExitNode") ||
            vg_str_eq_lit(word, "Published") || vg_str_eq_lit(word, "LastStatus") ||
            vg_str_eq_lit(word, "Downloaded"))
            continue;
        if (vg_str_eq_lit(word, "ExitAddress")) {
            struct vg_str after, addr = split_word(rest, &after);
            if (addr.len == 0) {
                vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc, "'ExitAddress' has no address");
                vg_intel_builder_bad(ctx->builder, ctx->list);
                continue;
            }
            rc = vg_intel_builder_add(ctx->builder, ctx->list, addr, tor_name, ctx->diag, &loc);
        } else if (rest.len == 0) {
            rc = vg_intel_builder_add(ctx->builder, ctx->list, word, tor_name, ctx->diag, &loc);
        } else {
            vg_diag_report(ctx->diag, VG_DIAG_FIELD, &loc,
                           "unknown keyword '%.*s'; expected 'ExitNode', 'Published', "
                           "'LastStatus' or 'ExitAddress'",
                           (int)(word.len > 40 ? 40 : word.len), word.ptr);
            vg_intel_builder_bad(ctx->builder, ctx->list);
        }
    }
    return rc;
}

const struct vg_intel_format vg_intel_format_tor_exit = {
    .name = "tor-exit",
    .sniff = sniff,
    .load = load,
};
