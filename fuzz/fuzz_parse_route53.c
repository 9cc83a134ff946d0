/*
 * Fuzz target: the Route 53 Resolver query log format (src/parse/route53.c): sniffing, framing
 * (JSON lines, pretty-printed records, arrays, CloudWatch Logs envelopes and export lines), the
 * mapping of every field, the query name normaliser and the decoding of answers.
 *
 * An input that starts with "N:" is a query name alone: it is normalised into a buffer of the
 * size its first byte after the prefix picks (so cuts at every position are tried).  Anything
 * else goes through vg_format_route53.parse, whatever the sniffer says.
 *
 * Invariants: every record is an event or a bad record; every event is a DNS event with a line;
 * a normal form is printable ASCII, fits its cap, and (unless cut or holding an empty label)
 * normalises to itself with the same shape; the decoded answers are answer_count long,
 * and an A/AAAA address has the family of its type.  Every diag message is formatted (they quote
 * hostile bytes).  Each event also feeds a small passive DNS table (enrich/pdns.c): an address an
 * event just answered is found again under the event's name (when the event holds few enough
 * answers that none could have pushed it out), and every name the table returns is a normal form.
 */
#include "core/compat.h"
#include "core/arena.h"
#include "core/limits.h"
#include "enrich/pdns.h"
#include "parse/json.h"
#include "parse/route53.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_parse_route53: invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_name(struct vg_str in, const char *out, size_t n, size_t cap,
                       const struct vg_dns_name *shape)
{
    CHECK(n <= cap);
    for (size_t i = 0; i < n; i++)
        CHECK(out[i] > 0x20 && out[i] < 0x7f && !(out[i] >= 'A' && out[i] <= 'Z'));
    CHECK(shape->wire_len >= 1);
    CHECK(shape->longest_label <= in.len);
    CHECK(((shape->flags & VG_DNS_NAME_ROOT) != 0) == (shape->labels == 0));
    /* a cut form lost its end; a name with an empty label has no wire form, so "a.." and "a."
     * may share a normal form: neither is a fixed point */
    if (shape->flags & (VG_DNS_NAME_CUT | VG_DNS_NAME_EMPTY_LABEL))
        return;
    char again[VG_DNS_MAX_NAME_BYTES];
    struct vg_dns_name shape2;
    size_t n2 = vg_route53_name_normalise((struct vg_str){ out, n }, again, sizeof(again), &shape2);
    CHECK(n2 == n && memcmp(again, out, n) == 0);
    if (!(shape->flags & VG_DNS_NAME_BAD_ESCAPE)) /* a bad escape's '\' becomes "\\": 2 bytes */
        CHECK(shape2.labels == shape->labels && shape2.wire_len == shape->wire_len &&
              shape2.longest_label == shape->longest_label);
}

static struct vg_pdns *pdns;

/* The last address answered in ev is known under ev's name. */
static void check_pdns(const struct vg_event *ev, const struct vg_ip *last, uint32_t answers)
{
    vg_pdns_learn(pdns, ev);
    struct vg_pdns_entry e;
    if (!last->family || !ev->dns.query.text.len)
        return;
    bool found = vg_pdns_lookup(pdns, last, INT64_MAX, &e);
    CHECK(!found || e.count <= VG_PDNS_NAMES_PER_IP);
    bool named = false;
    for (unsigned i = 0; found && i < e.count; i++) {
        size_t n = strlen(e.names[i].domain);
        CHECK(n <= VG_PDNS_NAME_MAX);
        for (size_t j = 0; j < n; j++)
            CHECK(e.names[i].domain[j] > 0x20 && e.names[i].domain[j] < 0x7f);
        named |= n == ev->dns.query.text.len && !e.names[i].cut &&
                 memcmp(e.names[i].domain, ev->dns.query.text.ptr, n) == 0;
        named |= e.names[i].cut && ev->dns.query.text.len > n &&
                 memcmp(e.names[i].domain, ev->dns.query.text.ptr, n) == 0;
    }
    if (answers <= 64)
        CHECK(named);
}

static void on_event(void *ctx, struct vg_event *ev)
{
    uint64_t *events = ctx;
    const struct vg_dns *d = &ev->dns;
    (*events)++;
    CHECK(ev->source == VG_SOURCE_DNS);
    CHECK(ev->ref.line >= 1);
    CHECK(ev->raw != NULL);
    CHECK(d->rcode <= VG_DNS_RCODE_OTHER && d->firewall_action <= VG_DNS_FW_OTHER);
    CHECK(d->src.family == 0 || d->src.family == 4 || d->src.family == 6);
    CHECK(d->query.text.len <= VG_DNS_MAX_NAME_BYTES);
    CHECK(d->query.text.len == 0 || d->query.text.ptr != NULL);
    check_name(d->query_name_raw, d->query.text.ptr, d->query.text.len, VG_DNS_MAX_NAME_BYTES,
               &d->query);
    uint32_t n = 0;
    struct vg_ip last = { 0 };
    for (; n < d->answer_count; n++) {
        const struct vg_dns_answer a = d->answers[n];
        if (a.ip.family) {
            CHECK(a.ip.family == (a.type == 1 ? 4 : 6) && (a.type == 1 || a.type == 28));
            last = a.ip;
        }
    }
    check_pdns(ev, &last, n);
    CHECK((d->answers == NULL) == (d->answer_count == 0));
}

static struct vg_arena arena;
static struct vg_json_parser json;
static bool ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        vg_arena_init(&arena, 1 << 16, 0);
        vg_json_parser_init(&json, &arena, VG_MAX_RECORD_BYTES);
        pdns = vg_pdns_new(1 << 20); /* small, so inputs reach its eviction paths */
        CHECK(pdns != NULL);
        ready = true;
    }
    if (size >= 3 && memcmp(data, "N:", 2) == 0) {
        size_t cap = data[2] % 64 == 0 ? VG_DNS_MAX_NAME_BYTES : data[2] % 64;
        struct vg_str in = { (const char *)data + 3, size - 3 };
        char *out = malloc(cap);
        CHECK(out != NULL);
        struct vg_dns_name shape;
        size_t n = vg_route53_name_normalise(in, out, cap, &shape);
        check_name(in, out, n, cap, &shape);
        free(out);
        return 0;
    }
    /* an exact-size copy, so a read past the end is an ASan error */
    char *copy = malloc(size ? size : 1);
    CHECK(copy != NULL);
    memcpy(copy, data, size);
    (void)vg_format_route53.sniff(copy, size);
    struct vg_diag diag;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL);
    struct vg_parse_stats stats = { 0 };
    uint64_t events = 0;
    struct vg_parse_ctx ctx = {
        .source = "AWSLogs/111122223333/vpcdnsquerylogs/vpc-0abc/2024/01/01/fuzz.log",
        .arena = &arena,
        .json = &json,
        .diag = &diag,
        .stats = &stats,
        .on_event = on_event,
        .event_ctx = &events,
    };
    int rc = vg_format_route53.parse(&ctx, copy, size);
    CHECK(rc == VG_OK);
    CHECK(stats.records == stats.events + stats.bad_records);
    CHECK(stats.events == events);
    CHECK(diag.total >= stats.bad_records);
    vg_arena_reset(&arena);
    free(copy);
    return 0;
}
