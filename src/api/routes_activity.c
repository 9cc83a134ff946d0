/*
 * GET /v1/activity: the raw log records that name one entity (an access key, a principal, an
 * instance or interface, an address, a domain) within an event-time window, with their volume
 * over the window.  It is the workbench's pivot from a finding to everything around it
 * ("all activity of this access key within an hour"), which GuardDuty leaves to the analyst.
 *
 * vigil keeps no event index: the logs vigild has read are the index.  The files its ledger
 * names are read again, those whose AWS name time lies outside the window (with an hour's
 * slack) skipped unread, and every record in the window that holds the term as a whole token is
 * kept.  A request reads at most MAX_PLAIN_BYTES (a file that would cross it, judged by its
 * stored size, is not read) and quotes at most MAX_ANSWER_BYTES of records, and answers
 * "complete": false past either, so one question can neither stall the API for long nor
 * balloon its memory.
 */
#include "api/route.h"

#include <sys/stat.h>

#include "core/limits.h"
#include "core/time.h"
#include "ingest/input.h"
#include "parse/format.h"
#include "parse/vpcflow.h"

#define MAX_TERM 256
#define MAX_SPAN_MS (31LL * 24 * 3600 * 1000)
#define NAME_SLACK_MS (3600LL * 1000)
#define MAX_PLAIN_BYTES ((uint64_t)512 << 20)
#define MAX_ANSWER_BYTES ((size_t)8 << 20)
#define MAX_LIMIT 1000
#define DEFAULT_LIMIT 200
#define MAX_BUCKETS 200
#define MAX_PATHS 100000

struct activity {
    char terms[2][MAX_TERM + 1];
    size_t term_len[2];
    unsigned term_count;
    int64_t from_ms, to_ms, bucket_ms;
    unsigned limit, buckets;
    uint64_t counts[MAX_BUCKETS];
    uint64_t matched, returned, files, bytes;
    bool complete;
    /* the object being read, and its flow header if it is a flow log with one */
    const char *data;
    size_t len;
    struct vg_str fields;
    struct vg_buf *out;
    int rc;
};

/* A record byte that can continue a token: the term "10.0.0.5" must not match inside
 * "10.0.0.55", nor "alice" inside "alice-admin". */
static bool token_byte(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

static bool holds_token(struct vg_str rec, const char *term, size_t n)
{
    const char *p = rec.ptr, *end = rec.ptr + rec.len;
    while (p < end && (p = memmem(p, (size_t)(end - p), term, n)) != NULL) {
        bool left = p == rec.ptr || !token_byte(p[-1]);
        bool right = p + n == end || !token_byte(p[n]);
        if (left && right)
            return true;
        p++;
    }
    return false;
}

static const char *kind_name(enum vg_source_kind k)
{
    switch (k) {
    case VG_SOURCE_CLOUDTRAIL: return "cloudtrail";
    case VG_SOURCE_VPCFLOW: return "vpcflow";
    case VG_SOURCE_DNS: return "dns";
    }
    return "unknown";
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct activity *a = ctx;
    if (ev->time_ms < a->from_ms || ev->time_ms >= a->to_ms)
        return;
    struct vg_str rec = vg_api_record_at(a->data, a->len, ev->ref.offset);
    for (unsigned i = 0; i < a->term_count; i++)
        if (!rec.ptr || !holds_token(rec, a->terms[i], a->term_len[i]))
            return;
    a->matched++;
    a->counts[(ev->time_ms - a->from_ms) / a->bucket_ms]++;
    if (a->returned >= a->limit)
        return;
    if (a->out->len >= MAX_ANSWER_BYTES) {
        a->complete = false;
        return;
    }
    struct vg_buf *o = a->out;
    a->rc |= vg_buf_adds(o, a->returned++ ? ",{\"eventTime\":" : "{\"eventTime\":");
    a->rc |= vg_api_add_time(o, ev->time_ms);
    a->rc |= vg_buf_printf(o, ",\"kind\":\"%s\",\"source\":", kind_name(ev->source));
    a->rc |= vg_buf_add_json_str(o, vg_str_from(ev->ref.source));
    a->rc |= vg_buf_printf(o, ",\"offset\":%" PRIu64, ev->ref.offset);
    if (ev->ref.line)
        a->rc |= vg_buf_printf(o, ",\"line\":%" PRIu64, ev->ref.line);
    a->rc |= vg_api_add_record(o, rec, a->fields);
    a->rc |= vg_buf_addc(o, '}');
}

struct paths {
    char **v;
    size_t n, cap;
    bool full;
};

static int add_path(void *ctx, const struct vg_ledger_entry *e)
{
    struct paths *p = ctx;
    /* pieces of one file follow each other in the ledger */
    if (p->n && strcmp(p->v[p->n - 1], e->path) == 0)
        return 0;
    if (p->n == MAX_PATHS) {
        p->full = true;
        return 0;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        char **v = realloc(p->v, cap * sizeof(*v));
        if (!v)
            return VG_ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n] = strdup(e->path);
    return p->v[p->n] ? (p->n++, 0) : VG_ENOMEM;
}

static int cmp_path(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void free_paths(struct paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
}

/* The request's parameters into *a; false after failing the request. */
static bool read_params(struct vg_api_req *req, struct activity *a)
{
    static const char *const term_names[] = { "term", "and" };
    for (unsigned i = 0; i < 2; i++) {
        const char *t = req->query(req->conn, term_names[i]);
        if (!t)
            continue;
        size_t n = strlen(t);
        bool printable = n >= 3 && n <= MAX_TERM;
        for (size_t j = 0; printable && j < n; j++)
            printable = (unsigned char)t[j] >= 0x20 && t[j] != 0x7f;
        if (!printable) {
            vg_api_bad(req, "%s: 3 to %d printable characters", term_names[i], MAX_TERM);
            return false;
        }
        memcpy(a->terms[a->term_count], t, n + 1);
        a->term_len[a->term_count++] = n;
    }
    const char *from = req->query(req->conn, "from"), *to = req->query(req->conn, "to");
    if (!a->term_count || !req->query(req->conn, "term") || !from || !to ||
        !vg_time_parse_iso(vg_str_from(from), &a->from_ms) ||
        !vg_time_parse_iso(vg_str_from(to), &a->to_ms)) {
        vg_api_bad(req, "give term=TEXT, from=ISO-8601 and to=ISO-8601 (and=TEXT narrows)");
        return false;
    }
    if (a->to_ms <= a->from_ms || a->to_ms - a->from_ms > MAX_SPAN_MS) {
        vg_api_bad(req, "to must follow from, by at most 31 days");
        return false;
    }
    const char *limit = req->query(req->conn, "limit"), *buckets = req->query(req->conn, "buckets");
    char *end;
    unsigned long v = limit ? strtoul(limit, &end, 10) : DEFAULT_LIMIT;
    if (limit && (*end || v > MAX_LIMIT)) {
        vg_api_bad(req, "limit: 0 to %d records", MAX_LIMIT);
        return false;
    }
    a->limit = (unsigned)v;
    v = buckets ? strtoul(buckets, &end, 10) : 60;
    if (buckets && (*end || v < 1 || v > MAX_BUCKETS)) {
        vg_api_bad(req, "buckets: 1 to %d", MAX_BUCKETS);
        return false;
    }
    a->buckets = (unsigned)v;
    a->bucket_ms = (a->to_ms - a->from_ms + a->buckets - 1) / a->buckets;
    return true;
}

void vg_api_activity(struct vg_api_req *req)
{
    struct activity a = { .complete = true, .out = req->out };
    if (!read_params(req, &a))
        return;
    struct paths paths = { 0 };
    int rc = vg_store_ledger_each(req->store, add_path, &paths);
    if (rc != VG_OK) {
        free_paths(&paths);
        vg_api_store_failed(req, rc);
        return;
    }
    /* a file read in pieces may appear again after other files; read it once */
    if (paths.n)
        qsort(paths.v, paths.n, sizeof(*paths.v), cmp_path);
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_diag diag;
    struct vg_parse_stats stats = { 0 };
    struct vg_input in;
    vg_arena_init(&arena, 1 << 20, 0);
    vg_json_parser_init(&json, &arena, VG_MAX_RECORD_BYTES);
    vg_diag_init(&diag, 0, NULL, NULL);
    vg_input_init(&in);
    struct vg_buf *o = req->out;
    rc = vg_buf_adds(o, "{\"records\":[");
    for (size_t i = 0; i < paths.n && rc == VG_OK && a.rc == VG_OK; i++) {
        if (i && strcmp(paths.v[i], paths.v[i - 1]) == 0)
            continue;
        int64_t named = vg_input_name_time_ms(paths.v[i], INT64_MIN);
        if (named != INT64_MIN &&
            (named < a.from_ms - NAME_SLACK_MS || named >= a.to_ms + NAME_SLACK_MS))
            continue;
        struct stat st;
        if (stat(paths.v[i], &st) != 0)
            continue; /* rotated away since: what is left is still answered */
        if (a.bytes + (uint64_t)st.st_size > MAX_PLAIN_BYTES) {
            a.complete = false;
            break;
        }
        if (vg_input_read(&in, paths.v[i], &diag, &a.data, &a.len) != VG_OK)
            continue; /* rotated away since: what is left is still answered */
        const struct vg_format *fmt = vg_format_detect(a.data, a.len);
        a.files++;
        a.bytes += a.len;
        if (!fmt)
            continue;
        a.fields = fmt == &vg_format_vpcflow ? vg_api_flow_header(a.data, a.len) : VG_STR_NULL;
        struct vg_parse_ctx ctx = {
            .source = paths.v[i],
            .arena = &arena,
            .json = &json,
            .diag = &diag,
            .stats = &stats,
            .on_event = on_event,
            .event_ctx = &a,
        };
        rc = fmt->parse(&ctx, a.data, a.len);
        vg_arena_reset(&arena);
    }
    rc |= a.rc;
    rc |= vg_buf_adds(o, "],\"term\":");
    rc |= vg_buf_add_json_str(o, vg_str_from(a.terms[0]));
    if (a.term_count > 1) {
        rc |= vg_buf_adds(o, ",\"and\":");
        rc |= vg_buf_add_json_str(o, vg_str_from(a.terms[1]));
    }
    rc |= vg_buf_adds(o, ",\"from\":");
    rc |= vg_api_add_time(o, a.from_ms);
    rc |= vg_buf_adds(o, ",\"to\":");
    rc |= vg_api_add_time(o, a.to_ms);
    rc |= vg_buf_printf(o,
                        ",\"matched\":%" PRIu64 ",\"returned\":%" PRIu64 ",\"filesRead\":%" PRIu64
                        ",\"bytesRead\":%" PRIu64 ",\"complete\":%s,\"bucketMs\":%" PRId64
                        ",\"counts\":[",
                        a.matched, a.returned, a.files, a.bytes,
                        a.complete && !paths.full ? "true" : "false", a.bucket_ms);
    for (unsigned b = 0; b < a.buckets; b++)
        rc |= vg_buf_printf(o, b ? ",%" PRIu64 : "%" PRIu64, a.counts[b]);
    rc |= vg_buf_adds(o, "]}");
    vg_input_release(&in);
    vg_json_parser_release(&json);
    vg_arena_release(&arena);
    free_paths(&paths);
    if (rc != VG_OK)
        vg_api_store_failed(req, VG_ENOMEM);
}
