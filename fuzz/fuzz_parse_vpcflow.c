/*
 * Fuzz target: the VPC Flow Logs format (src/parse/vpcflow.c): sniffing, text and JSON framing,
 * layouts from headers, defaults and a configured format, and every field conversion.
 *
 * An input that starts with "F:" is read as "F:<configured format>\n<flow log text>" and goes
 * through vg_vpcflow_parse_format; anything else through vg_format_vpcflow.parse, whatever the
 * sniffer says (the parser must survive what sniffing would have refused).
 *
 * Each input is parsed four ways: with the portable and the x86-64-v2 column loops, and as given
 * and followed by blank lines (which give every line room for the fast line scan, where the
 * exact-size input sends its last lines down the careful path).  The four must agree on every
 * counter, on the diag counts by code, and on a checksum of every field of every event; and in
 * each, every record is an event or a bad record.  Every diag message is formatted (they quote
 * hostile bytes).
 */
#include "core/compat.h"
#include "core/arena.h"
#include "core/limits.h"
#include "parse/json.h"
#include "parse/vpcflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_parse_vpcflow: invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define PAD 600

struct outcome {
    struct vg_parse_stats stats;
    uint64_t diag_counts[VG_DIAG_COUNT];
    uint64_t check; /* folds every field of every event */
};

static uint64_t fold(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

static uint64_t fold_str(uint64_t h, struct vg_str s)
{
    CHECK(s.len == 0 || s.ptr != NULL);
    CHECK(s.len <= (64u << 20));
    h = fold(h, &s.len, sizeof(s.len));
    return fold(h, s.ptr, s.len);
}

static uint64_t fold_ip(uint64_t h, const struct vg_ip *ip)
{
    CHECK(ip->family == 0 || ip->family == 4 || ip->family == 6);
    for (size_t i = ip->family == 4 ? 4 : ip->family == 6 ? 16 : 0; i < 16; i++)
        CHECK(ip->addr[i] == 0);
    return fold(h, ip, sizeof(*ip));
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct outcome *o = ctx;
    const struct vg_flow *f = &ev->flow;
    CHECK(ev->source == VG_SOURCE_VPCFLOW);
    CHECK(ev->ref.line >= 1);
    CHECK(f->action <= VG_FLOW_REJECT && f->status <= VG_FLOW_SKIPDATA &&
          f->direction <= VG_FLOW_EGRESS);
    CHECK(f->start_ms >= 0 && f->end_ms >= 0 && f->start_ms % 1000 == 0);
    uint64_t h = o->check * 31 + 7;
    h = fold(h, &ev->time_ms, sizeof(ev->time_ms));
    h = fold(h, &ev->ref.line, sizeof(ev->ref.line));
    h = fold(h, &ev->ref.offset, sizeof(ev->ref.offset));
    h = fold_str(h, ev->account_id);
    h = fold_str(h, ev->region);
    h = fold_str(h, f->version);
    h = fold_str(h, f->interface_id);
    h = fold_str(h, f->instance_id);
    h = fold_str(h, f->vpc_id);
    h = fold_str(h, f->subnet_id);
    h = fold_str(h, f->traffic_path);
    h = fold_str(h, f->type);
    h = fold_str(h, f->az_id);
    h = fold_str(h, f->pkt_src_service);
    h = fold_str(h, f->pkt_dst_service);
    h = fold_ip(h, &f->src);
    h = fold_ip(h, &f->dst);
    h = fold_ip(h, &f->pkt_src);
    h = fold_ip(h, &f->pkt_dst);
    uint64_t nums[] = { f->src_port,    f->dst_port, f->protocol,           f->tcp_flags,
                        f->packets,     f->bytes,    (uint64_t)f->start_ms, (uint64_t)f->end_ms,
                        f->action,      f->status,   f->direction,          f->has,
                        ev->raw != NULL };
    o->check = fold(h, nums, sizeof(nums));
}

static struct vg_arena arena;
static struct vg_json_parser json;
static bool ready;

static void parse(const char *fields, size_t fields_len, const char *text, size_t len, bool simd,
                  struct outcome *o)
{
    struct vg_diag diag;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL);
    memset(o, 0, sizeof(*o));
    struct vg_parse_ctx ctx = {
        .source = "fuzz.log",
        .arena = &arena,
        .json = &json,
        .diag = &diag,
        .stats = &o->stats,
        .on_event = on_event,
        .event_ctx = o,
    };
    /* an exact-size copy, so a read past the end is an ASan error */
    char *copy = malloc(len ? len : 1);
    CHECK(copy != NULL);
    memcpy(copy, text, len);
    vg_vpcflow_use_simd(simd);
    int rc = fields
                 ? vg_vpcflow_parse_format(&ctx, (struct vg_str){ fields, fields_len }, copy, len)
                 : vg_format_vpcflow.parse(&ctx, copy, len);
    vg_vpcflow_use_simd(true);
    CHECK(rc == VG_OK || rc == VG_ECONFIG);
    if (rc == VG_ECONFIG)
        CHECK(o->stats.records == 0 && diag.total == 0);
    CHECK(o->stats.records == o->stats.events + o->stats.bad_records);
    memcpy(o->diag_counts, diag.counts, sizeof(o->diag_counts));
    vg_arena_reset(&arena);
    free(copy);
}

static void same(const struct outcome *a, const struct outcome *b)
{
    CHECK(a->stats.records == b->stats.records);
    CHECK(a->stats.events == b->stats.events);
    CHECK(a->stats.bad_records == b->stats.bad_records);
    CHECK(a->stats.foreign == b->stats.foreign);
    CHECK(memcmp(a->diag_counts, b->diag_counts, sizeof(a->diag_counts)) == 0);
    CHECK(a->check == b->check);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        vg_arena_init(&arena, 1 << 16, 0);
        vg_json_parser_init(&json, &arena, VG_MAX_RECORD_BYTES);
        ready = true;
    }
    const char *text = (const char *)data, *fields = NULL;
    size_t len = size, fields_len = 0;
    if (size >= 2 && memcmp(data, "F:", 2) == 0) {
        const char *nl = memchr(text + 2, '\n', size - 2);
        fields = text + 2;
        fields_len = nl ? (size_t)(nl - fields) : size - 2;
        text = nl ? nl + 1 : text + size;
        len = size - (size_t)(text - (const char *)data);
    } else {
        (void)vg_format_vpcflow.sniff(text, len);
    }

    char *padded = malloc(len + PAD);
    CHECK(padded != NULL);
    memcpy(padded, text, len);
    memset(padded + len, '\n', PAD);

    struct outcome o[4];
    parse(fields, fields_len, text, len, false, &o[0]);
    parse(fields, fields_len, text, len, true, &o[1]);
    parse(fields, fields_len, padded, len + PAD, false, &o[2]);
    parse(fields, fields_len, padded, len + PAD, true, &o[3]);
    free(padded);
    same(&o[0], &o[1]);
    same(&o[2], &o[3]);
    /* JSON errors at the end of the input report counts the same either way */
    CHECK(o[0].stats.records == o[2].stats.records && o[0].stats.events == o[2].stats.events &&
          o[0].check == o[2].check);
    return 0;
}
