#include "pipeline/publish.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/sha256.h"
#include "ingest/input.h"
#include "parse/format.h"
#include "parse/json.h"
#include "parse/vpcflow.h"

/* A message is the piece plus its headers (name, base, id): keep room for them. */
#define HEADER_ROOM 8192
/* Distinct accounts told apart within one object; a hostile object naming more has the rest
 * published with the last one told apart (their state then shares that account's partition). */
#define ACCOUNTS_MAX 4096

struct record {
    uint64_t offset, line; /* in the decompressed object */
    uint32_t account;      /* index into accounts */
};

struct account {
    char id[VG_JS_TOKEN_MAX + 1];
    char region[VG_JS_TOKEN_MAX + 1];
};

struct vg_publisher {
    struct vg_publish_sink sink;
    char *flow_log_format;
    struct vg_diag diag;
    struct vg_input input;
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_parse_stats parse;
    struct record *recs;
    size_t nrecs, recs_cap;
    struct account *accounts;
    size_t naccounts;
    uint32_t last_account;
    bool oom;
    struct vg_buf piece, subject, why;
    char digest[65];
    unsigned piece_no;
    const char *path;
    const char *source; /* the object's format name: the subject's source token */
    struct vg_publish_stats stats;
};

struct vg_publisher *vg_publisher_new(const struct vg_publish_sink *sink,
                                      const char *flow_log_format, vg_diag_fn on_diag,
                                      void *diag_ctx)
{
    struct vg_publisher *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = *sink;
    vg_diag_init(&p->diag, 100, on_diag, diag_ctx);
    vg_arena_init(&p->arena, 1 << 20, 0);
    vg_json_parser_init(&p->json, &p->arena, VG_MAX_RECORD_BYTES);
    p->accounts = calloc(ACCOUNTS_MAX, sizeof(*p->accounts));
    if ((flow_log_format && !(p->flow_log_format = strdup(flow_log_format))) || !p->accounts ||
        vg_input_init(&p->input) != VG_OK) {
        vg_publisher_free(p);
        return NULL;
    }
    return p;
}

void vg_publisher_free(struct vg_publisher *p)
{
    if (!p)
        return;
    vg_input_release(&p->input);
    vg_json_parser_release(&p->json);
    vg_arena_release(&p->arena);
    free(p->recs);
    free(p->accounts);
    free(p->flow_log_format);
    vg_buf_release(&p->piece);
    vg_buf_release(&p->subject);
    vg_buf_release(&p->why);
    free(p);
}

const struct vg_publish_stats *vg_publisher_stats(const struct vg_publisher *p)
{
    return &p->stats;
}

static void copy_token(char out[VG_JS_TOKEN_MAX + 1], struct vg_str s)
{
    size_t n = s.len < VG_JS_TOKEN_MAX ? s.len : VG_JS_TOKEN_MAX;
    if (n) /* an absent field is a NULL slice */
        memcpy(out, s.ptr, n);
    out[n] = '\0';
}

static uint32_t account_index(struct vg_publisher *p, const struct vg_event *ev)
{
    /* records of one account come in long runs: the last one is the usual answer */
    if (p->naccounts && vg_str_eq(ev->account_id, vg_str_from(p->accounts[p->last_account].id)))
        return p->last_account;
    size_t i = 0;
    char id[VG_JS_TOKEN_MAX + 1];
    copy_token(id, ev->account_id);
    while (i < p->naccounts && strcmp(p->accounts[i].id, id) != 0)
        i++;
    if (i == p->naccounts) {
        if (p->naccounts == ACCOUNTS_MAX)
            i = ACCOUNTS_MAX - 1;
        else {
            memcpy(p->accounts[i].id, id, sizeof(id));
            copy_token(p->accounts[i].region, ev->region);
            p->naccounts++;
        }
    }
    p->last_account = (uint32_t)i;
    return (uint32_t)i;
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct vg_publisher *p = ctx;
    if (p->nrecs == p->recs_cap) {
        size_t cap = p->recs_cap ? p->recs_cap * 2 : 4096;
        struct record *r = realloc(p->recs, cap * sizeof(*r));
        if (!r) {
            p->oom = true;
            return;
        }
        p->recs = r;
        p->recs_cap = cap;
    }
    p->recs[p->nrecs++] = (struct record){ ev->ref.offset, ev->ref.line, account_index(p, ev) };
}

static int send_piece(struct vg_publisher *p, const struct account *a, const char *base,
                      const char *data, size_t len, uint64_t records)
{
    vg_buf_reset(&p->subject);
    unsigned part = vg_js_partition(a->id, strlen(a->id), p->sink.partitions);
    int rc = vg_js_subject(&p->subject, part, p->source, a->id, a->region);
    char msg_id[80];
    snprintf(msg_id, sizeof(msg_id), "%.40s-%u", p->digest, p->piece_no++);
    bool dup = false;
    if (rc == VG_OK)
        rc = p->sink.send(p->sink.ctx, p->subject.data, p->path, base, msg_id, data, len, &dup,
                          &p->why);
    if (rc == VG_EIO) {
        struct vg_diag_loc loc = { p->path, 0, 0 };
        vg_diag_report(&p->diag, VG_DIAG_IO, &loc, "not published: %s", p->why.data);
        return rc;
    }
    if (rc == VG_OK) {
        p->stats.messages++;
        p->stats.bytes += len;
        p->stats.duplicates += dup;
        p->stats.records_published += records;
    }
    return rc;
}

/* Where a record ends in the object.  A JSON record is measured by the parser that read it (a
 * bracket count disagrees with it on damaged text), then its arena is emptied again. */
static size_t record_end(struct vg_publisher *p, const char *plain, size_t len,
                         const struct record *r, bool json)
{
    if (json) {
        size_t pos = (size_t)r->offset;
        const struct vg_json_value *v;
        struct vg_json_error err;
        enum vg_json_errcode ok = vg_json_parse(&p->json, plain, len, &pos, &v, &err);
        vg_arena_reset(&p->arena);
        if (ok == VG_JSON_OK && pos > r->offset)
            return pos;
        size_t end = vg_json_skip_value(plain, len, vg_json_skip_ws(plain, len, r->offset));
        return end > r->offset && end <= len ? end : len;
    }
    const char *nl = memchr(plain + r->offset, '\n', len - r->offset);
    return nl ? (size_t)(nl - plain) + 1 : len;
}

/* Do two records follow each other with nothing between them but white space (and the comma
 * of an array)?  A bad record, a comment or a mid-file header between them ends a run: a bad
 * one is left out of every piece, and a header applies to the records after it only. */
static bool adjacent(const char *plain, size_t prev_end, size_t next, bool json)
{
    for (size_t i = prev_end; i < next; i++)
        if (!strchr(json ? " \t\r\n," : " \t\r\n", plain[i]))
            return false;
    return prev_end <= next;
}

/* The header line a text flow log record at `offset` is read with: the nearest line before it
 * that is one (at the top, or in mid-file).  *len is 0 when there is none (a header-less file:
 * the fields come from the record's count, or from configuration, as for the whole object). */
static const char *header_before(const char *plain, size_t offset, size_t *len)
{
    size_t end = offset;
    while (end > 0) {
        size_t start = end - 1; /* plain[end - 1] is the newline that ends the line before */
        while (start > 0 && plain[start - 1] != '\n')
            start--;
        if (vg_vpcflow_is_header(plain + start, end - 1 - start)) {
            *len = end - start;
            return plain + start;
        }
        end = start;
    }
    *len = 0;
    return plain;
}

/* Is the record at `offset` an element of a JSON array (after '[' or ',')? */
static bool in_array(const char *plain, size_t offset)
{
    while (offset > 0 && strchr(" \t\r\n", plain[offset - 1]))
        offset--;
    return offset > 0 && (plain[offset - 1] == '[' || plain[offset - 1] == ',');
}

/* Publish runs of consecutive records of one account, each within the message size. */
static int publish_runs(struct vg_publisher *p, const struct vg_format *fmt, const char *plain,
                        size_t len)
{
    size_t max = p->sink.max_payload;
    max = max > 2 * HEADER_ROOM ? max - HEADER_ROOM : HEADER_ROOM;
    char lead = plain[vg_json_skip_ws(plain, len, 0)];
    bool json = lead == '{' || lead == '[';
    bool text_flow = fmt == &vg_format_vpcflow && !json;
    int rc = VG_OK;
    for (size_t i = 0; i < p->nrecs && rc == VG_OK;) {
        const struct record *first = &p->recs[i];
        size_t start = (size_t)first->offset, end = record_end(p, plain, len, first, json);
        /* in front of the run: the flow log header it is read with, or an array's bracket */
        const char *prefix = "";
        size_t prefix_len = 0;
        bool array = json && in_array(plain, start);
        if (array) {
            prefix = "[";
            prefix_len = 1;
        } else if (text_flow) {
            prefix = header_before(plain, start, &prefix_len);
        }
        size_t j = i + 1;
        while (j < p->nrecs && p->recs[j].account == first->account &&
               adjacent(plain, end, (size_t)p->recs[j].offset, json)) {
            size_t e = record_end(p, plain, len, &p->recs[j], json);
            if (prefix_len + (e - start) + 1 > max)
                break;
            end = e;
            j++;
        }
        if (prefix_len + (end - start) + 1 > max) {
            struct vg_diag_loc loc = { p->path, first->line, first->offset };
            vg_diag_report(&p->diag, VG_DIAG_TOO_BIG, &loc,
                           "record larger than the stream's largest message (%zu bytes); "
                           "not published",
                           max);
            p->stats.records_too_big += j - i;
            i = j;
            continue;
        }
        vg_buf_reset(&p->piece);
        rc = vg_buf_add(&p->piece, prefix, prefix_len);
        if (rc == VG_OK)
            rc = vg_buf_add(&p->piece, plain + start, end - start);
        if (rc == VG_OK && array)
            rc = vg_buf_addc(&p->piece, ']');
        /* the piece's first record keeps its own place in the object: the base counts the
         * header or bracket in front of it */
        uint64_t prefix_lines = 0;
        for (size_t k = 0; k < prefix_len; k++)
            prefix_lines += prefix[k] == '\n';
        char base[48];
        snprintf(base, sizeof(base), "%llu %llu", (unsigned long long)(start - prefix_len),
                 (unsigned long long)(first->line ? first->line - 1 - prefix_lines : 0));
        if (rc == VG_OK)
            rc = send_piece(p, &p->accounts[first->account], base, p->piece.data, p->piece.len,
                            j - i);
        i = j;
    }
    return rc;
}

static void parse_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct vg_publisher *p = ctx;
    vg_diag_forward(&p->diag, code, message);
}

/* One object: raw as stored, plain decompressed. */
static int publish_decoded(struct vg_publisher *p, const char *path, const char *raw,
                           size_t raw_len, const char *plain, size_t len)
{
    p->path = path;
    const struct vg_format *fmt = vg_format_pick(plain, len, p->flow_log_format);
    if (!fmt) {
        if (vg_json_skip_ws(plain, len, 0) < len) {
            struct vg_diag_loc loc = { path, 0, 0 };
            p->stats.files_not_log++;
            vg_diag_report(&p->diag, VG_DIAG_NOT_LOG, &loc,
                           "not a log format vigil reads; not published");
        }
        return VG_OK;
    }
    /* the parser reports bad records to its own sink, which forwards them to ours */
    struct vg_diag parse_diag_sink;
    vg_diag_init(&parse_diag_sink, UINT32_MAX, parse_diag, p);
    uint64_t records0 = p->parse.records, bad0 = p->parse.bad_records;
    p->nrecs = p->naccounts = p->last_account = 0;
    p->oom = false;
    struct vg_parse_ctx ctx = { .source = path,
                                .arena = &p->arena,
                                .json = &p->json,
                                .diag = &parse_diag_sink,
                                .stats = &p->parse,
                                .on_event = on_event,
                                .event_ctx = p };
    int rc = vg_format_parse(fmt, &ctx, p->flow_log_format, plain, len);
    vg_arena_reset(&p->arena);
    p->stats.records += p->parse.records - records0;
    p->stats.bad_records += p->parse.bad_records - bad0;
    if (rc == VG_OK && p->oom)
        rc = VG_ENOMEM;
    if (rc != VG_OK || p->nrecs == 0)
        return rc;
    vg_sha256_hex(raw, raw_len, p->digest);
    p->piece_no = 0;
    p->source = fmt->name;
    size_t max = p->sink.max_payload;
    bool whole = p->naccounts == 1 && p->parse.bad_records == bad0 && raw_len + HEADER_ROOM <= max;
    if (whole)
        return send_piece(p, &p->accounts[0], NULL, raw, raw_len, p->nrecs);
    return publish_runs(p, fmt, plain, len);
}

static int publish_object(struct vg_publisher *p, const char *path)
{
    const char *plain;
    size_t len;
    p->stats.files++;
    p->path = path;
    int rc = vg_input_read(&p->input, path, &p->diag, &plain, &len);
    if (rc == VG_EIO)
        return VG_OK; /* reported; the next file */
    if (rc != VG_OK)
        return rc;
    return publish_decoded(p, path, p->input.raw.data ? p->input.raw.data : "", p->input.raw.len,
                           plain, len);
}

int vg_publish_buffer(struct vg_publisher *p, const char *name, const char *data, size_t len)
{
    const char *plain;
    size_t plain_len;
    p->stats.files++;
    int rc = vg_input_decode(&p->input, name, data, len, &p->diag, &plain, &plain_len);
    if (rc == VG_EIO)
        return VG_OK; /* reported */
    return rc == VG_OK ? publish_decoded(p, name, data, len, plain, plain_len) : rc;
}

static int walk_one(void *ctx, const char *path)
{
    return publish_object(ctx, path);
}

int vg_publish_path(struct vg_publisher *p, const char *path)
{
    return vg_input_walk(path, &p->diag, walk_one, p);
}
