/* Connects the stages for one-shot scans; see scan.h. */
#include "pipeline/scan.h"

#include "core/err.h"
#include "core/limits.h"
#include "config/config.h"
#include "detect/detect.h"
#include "enrich/flow_sides.h"
#include "enrich/inventory.h"
#include "enrich/pdns.h"
#include "findings/catalog.h"
#include "ingest/input.h"
#include "ingest/read_ahead.h"

struct vg_scan {
    struct vg_scan_opts opts;
    struct vg_scan_stats stats;
    struct vg_diag diag;
    struct vg_read_ahead *reader;
    unsigned in_flight; /* objects submitted to the reader and not scanned yet (0 to 2) */
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_detect_env env;
    char *flow_log_format; /* our copy of opts.flow_log_format */
    struct vg_flow_sides *flow_sides;
    struct vg_pdns *pdns;
    struct vg_detect *detect;
    struct vg_findings *findings;
    struct vg_emit emit;
    uint64_t base_offset, base_line; /* where the buffer being scanned starts in its file */
};

void vg_scan_opts_init(struct vg_scan_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->since_ms = INT64_MIN;
    opts->until_ms = INT64_MAX;
    opts->diag_keep = 100;
    struct vg_config defaults; /* the option table is the one place defaults are written */
    vg_config_init(&defaults);
    opts->flow = defaults.flow;
    opts->dns = defaults.dns;
    opts->iam = defaults.iam;
    opts->pdns_memory = (size_t)defaults.dns_passive_memory;
    opts->read_ahead = defaults.scan_read_ahead;
    vg_config_release(&defaults);
}

static const char *type_name(enum vg_finding_type t)
{
    return vg_catalog[t].name;
}

struct vg_scan *vg_scan_new(const struct vg_scan_opts *opts)
{
    struct vg_scan *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->opts = *opts;
    if (opts->flow_log_format && *opts->flow_log_format) {
        s->flow_log_format = strdup(opts->flow_log_format);
        s->opts.flow_log_format = s->flow_log_format;
        if (!s->flow_log_format) {
            free(s);
            return NULL;
        }
    }
    vg_diag_init(&s->diag, opts->diag_keep, opts->on_diag, opts->diag_ctx);
    vg_arena_init(&s->arena, 1 << 20, 0);
    vg_json_parser_init(&s->json, &s->arena, VG_MAX_RECORD_BYTES);
    s->env.intel = opts->intel;
    s->env.flow = &s->opts.flow;
    s->env.dns = &s->opts.dns;
    s->env.rules = opts->rules;
    s->env.iam = &s->opts.iam;
    s->env.ipinfo = opts->ipinfo;
    s->env.finding_id = vg_findings_key_id;
    s->env.type_name = type_name;
    /* learned interface addresses: a small share of the flow state budget */
    s->flow_sides = vg_flow_sides_new((size_t)opts->flow.state_memory / 16);
    s->pdns = vg_pdns_new(opts->pdns_memory);
    s->detect = vg_detect_new(&s->env);
    s->findings = vg_findings_new(opts->findings_cap, opts->on_evict, opts->evict_ctx);
    s->emit = (struct vg_emit){ vg_findings_add, s->findings };
    s->reader = vg_read_ahead_new(opts->read_ahead);
    if (!s->reader || !s->flow_sides || !s->pdns || !s->detect || !s->findings ||
        (opts->inventory && vg_inventory_declare(opts->inventory, s->flow_sides) != VG_OK)) {
        vg_scan_free(s);
        return NULL;
    }
    return s;
}

void vg_scan_free(struct vg_scan *s)
{
    if (!s)
        return;
    vg_read_ahead_free(s->reader);
    vg_json_parser_release(&s->json);
    vg_arena_release(&s->arena);
    vg_detect_free(s->detect);
    vg_flow_sides_free(s->flow_sides);
    vg_pdns_free(s->pdns);
    free(s->flow_log_format);
    vg_findings_free(s->findings);
    free(s);
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct vg_scan *s = ctx;
    ev->ref.offset += s->base_offset;
    if (ev->ref.line)
        ev->ref.line += s->base_line;
    if (ev->time_ms < s->opts.since_ms || ev->time_ms >= s->opts.until_ms) {
        s->stats.out_of_range++;
        return;
    }
    if (ev->source == VG_SOURCE_VPCFLOW) {
        if (s->opts.inventory)
            vg_inventory_annotate(s->opts.inventory, ev);
        vg_flow_sides_resolve(s->flow_sides, ev);
    } else if (ev->source == VG_SOURCE_DNS) {
        vg_pdns_learn(s->pdns, ev);
    }
    if (!s->opts.enrich_only)
        vg_detect_event(s->detect, ev, &s->emit);
}

static int scan_object(struct vg_scan *s, const char *name, const struct vg_format *format,
                       const char *data, size_t len)
{
    s->stats.files++;
    size_t i = vg_json_skip_ws(data, len, 0);
    if (i == len)
        return VG_OK; /* an empty object is a quiet five minutes, not an error */
    const struct vg_format *fmt =
        format ? format : vg_format_pick(data, len, s->opts.flow_log_format);
    if (!fmt) {
        struct vg_diag_loc loc = { name, 0, 0 };
        s->stats.files_not_log++;
        vg_diag_report(&s->diag, VG_DIAG_NOT_LOG, &loc, "not a log format vigil reads; skipped");
        return VG_OK;
    }
    struct vg_parse_ctx ctx = {
        .source = name,
        .arena = &s->arena,
        .json = &s->json,
        .diag = &s->diag,
        .stats = &s->stats.parse,
        .on_event = on_event,
        .event_ctx = s,
    };
    int rc = vg_format_parse(fmt, &ctx, s->opts.flow_log_format, data, len);
    vg_arena_reset(&s->arena);
    s->stats.utf8_replaced = s->json.replaced_utf8;
    return rc;
}

int vg_scan_buffer(struct vg_scan *s, const char *name, const char *data, size_t len)
{
    return scan_object(s, name, NULL, data, len);
}

int vg_scan_buffer_as(struct vg_scan *s, const char *name, const struct vg_format *format,
                      const char *data, size_t len, uint64_t base_offset, uint64_t base_line)
{
    s->base_offset = base_offset;
    s->base_line = base_line;
    int rc = scan_object(s, name, format, data, len);
    s->base_offset = s->base_line = 0;
    return rc;
}

int vg_scan_buffer_at(struct vg_scan *s, const char *name, const char *data, size_t len,
                      uint64_t base_offset, uint64_t base_line)
{
    return vg_scan_buffer_as(s, name, NULL, data, len, base_offset, base_line);
}

void vg_scan_set_intel(struct vg_scan *s, const struct vg_intel *intel)
{
    s->opts.intel = intel;
    s->env.intel = intel;
}

/* Take the oldest object the reader holds and scan it. */
static int scan_next(struct vg_scan *s)
{
    const char *path, *data;
    size_t len;
    int rc = vg_read_ahead_take(s->reader, &s->diag, &path, &data, &len);
    s->stats.bytes_read = vg_read_ahead_bytes_read(s->reader);
    s->stats.bytes_plain = vg_read_ahead_bytes_plain(s->reader);
    s->in_flight--;
    if (rc == VG_EIO)
        return VG_OK; /* reported; go on with the next file */
    if (rc)
        return rc;
    return vg_scan_buffer(s, path, data, len);
}

/* One file of the walk: start reading it, then scan the one before it meanwhile. */
static int scan_file(void *ctx, const char *path)
{
    struct vg_scan *s = ctx;
    int rc = vg_read_ahead_submit(s->reader, path);
    if (rc)
        return rc;
    s->in_flight++;
    return s->in_flight == 2 ? scan_next(s) : VG_OK;
}

int vg_scan_path(struct vg_scan *s, const char *path)
{
    int rc = vg_input_walk(path, &s->diag, scan_file, s);
    while (s->in_flight && rc == VG_OK)
        rc = scan_next(s);
    while (s->in_flight) { /* stopped early: collect what was read, scan nothing more */
        const char *p, *d;
        size_t n;
        vg_read_ahead_take(s->reader, &s->diag, &p, &d, &n);
        s->in_flight--;
    }
    return rc;
}

const struct vg_scan_stats *vg_scan_stats(const struct vg_scan *s)
{
    return &s->stats;
}

const struct vg_diag *vg_scan_diag(const struct vg_scan *s)
{
    return &s->diag;
}

struct vg_diag *vg_scan_diag_sink(struct vg_scan *s)
{
    return &s->diag;
}

struct vg_findings *vg_scan_findings(struct vg_scan *s)
{
    return s->findings;
}

uint64_t vg_scan_state_evictions(const struct vg_scan *s)
{
    return vg_detect_evictions(s->detect) + vg_flow_sides_evictions(s->flow_sides) +
           vg_pdns_stats(s->pdns).evictions;
}

int vg_scan_state_save(const struct vg_scan *s, struct vg_buf *out)
{
    return vg_detect_save(s->detect, out);
}

int vg_scan_state_load(struct vg_scan *s, const char *data, size_t len, const char **why)
{
    return vg_detect_load(s->detect, data, len, why);
}

struct vg_pdns *vg_scan_pdns(struct vg_scan *s)
{
    return s->pdns;
}
