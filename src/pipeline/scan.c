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

/*
 * An object the reader's thread parsed ahead (see read_ahead.h): its events, and what parsing it
 * reported and counted, kept until the scan takes the object and runs them through enrichment
 * and detection, which stay on the scan's thread in input order.  Parsing moves to the other
 * core, detection state does not, so findings are the same either way.
 */
struct prepared {
    struct vg_arena arena;      /* what the events point to, besides the object's bytes */
    struct vg_json_parser json; /* over arena */
    struct vg_diag_tape diag;   /* the parse's reports */
    struct vg_scan_stats stats; /* the parse's counts, added to the scan's when taken */
    struct vg_event *events;    /* count of them, in input order */
    size_t count, cap;
    bool full; /* an event it cannot keep (too many, or one tied to its record): the scan's
                * thread parses the object instead */
};

/* Bounds on what one slot holds: objects above PREPARED_MAX_BYTES (AWS delivers flow logs in
 * five- or ten-minute objects, a few MB at most) or with more events are parsed on the scan's
 * thread as they stream, so hostile input cannot make the slots hold it all. */
#define PREPARED_MAX_BYTES (8u << 20)
#define PREPARED_MAX_EVENTS 65536

/* Bytes the objects held ahead may take before the reader stops at one object ahead (see
 * read_ahead.h): a few times PREPARED_MAX_BYTES, so flow logs flow freely, and big objects
 * take no more memory than they did with one slot ahead. */
#define READ_AHEAD_BUDGET (64u << 20)

struct vg_scan {
    struct vg_scan_opts opts;
    struct vg_scan_stats stats;
    struct vg_diag diag;
    struct vg_read_ahead *reader;
    unsigned in_flight; /* objects submitted to the reader and not scanned yet */
    struct prepared prepared[VG_READ_AHEAD_DEPTH]; /* by reader slot */
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

static bool prepare(void *ctx, unsigned slot, const char *path, const char *data, size_t len);

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
    for (int i = 0; i < VG_READ_AHEAD_DEPTH; i++) {
        struct prepared *p = &s->prepared[i];
        vg_arena_init(&p->arena, 1 << 20, 0);
        vg_json_parser_init(&p->json, &p->arena, VG_MAX_RECORD_BYTES);
        vg_diag_tape_init(&p->diag, opts->diag_keep);
    }
    s->reader = vg_read_ahead_new(opts->read_ahead, READ_AHEAD_BUDGET, prepare, s);
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
    for (int i = 0; i < VG_READ_AHEAD_DEPTH; i++) {
        struct prepared *p = &s->prepared[i];
        vg_json_parser_release(&p->json);
        vg_arena_release(&p->arena);
        vg_diag_tape_release(&p->diag);
        free(p->events);
    }
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

/* Where one object's parse goes: the scan's own (events straight to detection) or a slot's
 * (events kept for later, see struct prepared). */
struct lane {
    struct vg_arena *arena;
    struct vg_json_parser *json;
    struct vg_diag *diag;
    struct vg_scan_stats *stats;
    vg_event_fn on_event;
    void *event_ctx;
};

static int parse_object(const struct vg_scan *s, const struct lane *lane, const char *name,
                        const struct vg_format *format, const char *data, size_t len)
{
    lane->stats->files++;
    size_t i = vg_json_skip_ws(data, len, 0);
    if (i == len)
        return VG_OK; /* an empty object is a quiet five minutes, not an error */
    const struct vg_format *fmt =
        format ? format : vg_format_pick(data, len, s->opts.flow_log_format);
    if (!fmt) {
        struct vg_diag_loc loc = { name, 0, 0 };
        lane->stats->files_not_log++;
        vg_diag_report(lane->diag, VG_DIAG_NOT_LOG, &loc, "not a log format vigil reads; skipped");
        return VG_OK;
    }
    struct vg_parse_ctx ctx = {
        .source = name,
        .arena = lane->arena,
        .json = lane->json,
        .diag = lane->diag,
        .stats = &lane->stats->parse,
        .on_event = lane->on_event,
        .event_ctx = lane->event_ctx,
    };
    uint64_t replaced = lane->json->replaced_utf8;
    int rc = vg_format_parse(fmt, &ctx, s->opts.flow_log_format, data, len);
    lane->stats->utf8_replaced += lane->json->replaced_utf8 - replaced;
    return rc;
}

static int scan_object(struct vg_scan *s, const char *name, const struct vg_format *format,
                       const char *data, size_t len)
{
    struct lane lane = { &s->arena, &s->json, &s->diag, &s->stats, on_event, s };
    int rc = parse_object(s, &lane, name, format, data, len);
    vg_arena_reset(&s->arena);
    return rc;
}

static void keep_event(void *ctx, struct vg_event *ev)
{
    struct prepared *p = ctx;
    if (p->full) /* declined already: the rest is not worth copying */
        return;
    if (ev->raw) { /* points into the JSON parser's tape (see json_object): not ours to keep */
        p->full = true;
        return;
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        struct vg_event *grown = NULL;
        if (cap > PREPARED_MAX_EVENTS || !(grown = realloc(p->events, cap * sizeof(*grown)))) {
            p->full = true;
            return;
        }
        p->events = grown;
        p->cap = cap;
    }
    /* a flow event is a fifth of the union's size: copy what it uses */
    size_t used = ev->source == VG_SOURCE_VPCFLOW
                      ? offsetof(struct vg_event, flow) + sizeof(ev->flow)
                      : sizeof(*ev);
    memcpy(&p->events[p->count++], ev, used);
}

/* JSON objects (CloudTrail, Route 53 query logs, flow logs in CloudWatch envelopes) are left to
 * the scan's thread: the JSON parser reuses one value tape for every record, and their events
 * point into it, so an event outlives its record only while it is being detected on.  Text flow
 * logs, the bulk of the bytes, have events that point only into the object and the arena. */
static bool json_object(const char *data, size_t len)
{
    size_t i = vg_json_skip_bom_ws(data, len, 0);
    return i < len && (data[i] == '{' || data[i] == '[');
}

/* The reader's thread parses an object it has read ahead (read_ahead.h). */
static bool prepare(void *ctx, unsigned slot, const char *path, const char *data, size_t len)
{
    struct vg_scan *s = ctx;
    struct prepared *p = &s->prepared[slot];
    if (len > PREPARED_MAX_BYTES || json_object(data, len))
        return false;
    vg_arena_reset(&p->arena);
    vg_diag_tape_clear(&p->diag);
    memset(&p->stats, 0, sizeof(p->stats));
    p->count = 0;
    p->full = false;
    struct lane lane = { &p->arena, &p->json, &p->diag.diag, &p->stats, keep_event, p };
    return parse_object(s, &lane, path, NULL, data, len) == VG_OK && !p->full;
}

static void add_stats(struct vg_scan_stats *into, const struct vg_scan_stats *from)
{
    into->files += from->files;
    into->files_not_log += from->files_not_log;
    into->utf8_replaced += from->utf8_replaced;
    into->parse.records += from->parse.records;
    into->parse.events += from->parse.events;
    into->parse.bad_records += from->parse.bad_records;
    into->parse.digests += from->parse.digests;
    into->parse.foreign += from->parse.foreign;
}

/* An object parsed ahead: its reports and counts, then its events, as if parsed here. */
static void scan_prepared(struct vg_scan *s, struct prepared *p)
{
    vg_diag_tape_replay(&p->diag, &s->diag);
    add_stats(&s->stats, &p->stats);
    for (size_t i = 0; i < p->count; i++)
        on_event(s, &p->events[i]);
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
    struct vg_read_ahead_object o;
    int rc = vg_read_ahead_take(s->reader, &s->diag, &o);
    s->stats.bytes_read = vg_read_ahead_bytes_read(s->reader);
    s->stats.bytes_plain = vg_read_ahead_bytes_plain(s->reader);
    s->in_flight--;
    if (rc == VG_EIO)
        return VG_OK; /* reported; go on with the next file */
    if (rc)
        return rc;
    if (o.prepared) {
        scan_prepared(s, &s->prepared[o.slot]);
        return VG_OK;
    }
    return vg_scan_buffer(s, o.path, o.data, o.len);
}

/* One file of the walk: start reading it, and scan the oldest one once the reader is full. */
static int scan_file(void *ctx, const char *path)
{
    struct vg_scan *s = ctx;
    int rc = vg_read_ahead_submit(s->reader, path);
    if (rc)
        return rc;
    s->in_flight++;
    return s->in_flight == VG_READ_AHEAD_DEPTH ? scan_next(s) : VG_OK;
}

int vg_scan_path(struct vg_scan *s, const char *path)
{
    int rc = vg_input_walk(path, &s->diag, scan_file, s);
    while (s->in_flight && rc == VG_OK)
        rc = scan_next(s);
    while (s->in_flight) { /* stopped early: collect what was read, scan nothing more */
        struct vg_read_ahead_object o;
        vg_read_ahead_take(s->reader, &s->diag, &o);
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
