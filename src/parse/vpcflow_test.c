/*
 * Unit tests for the VPC Flow Logs format (vpcflow.h): layouts (the default format, S3 headers
 * in any order and subset, header-less files of later versions and Transit Gateway, a header in
 * mid-file, a configured format), framing (CRLF, BOM, blank and comment lines, runs of blanks, a
 * missing final newline, JSON envelopes and records), the mapping of every field into struct
 * vg_event, the reporting of bad lines at their line while their neighbours still parse, and the
 * sniffer against every file of the shared corpus.
 *
 * Every input is parsed four ways and the four transcripts (each event in full, each message,
 * the counters) must be identical: with the portable and the x86-64-v2 column loops, and as
 * given and followed by blank lines, so that lines near the end of the buffer (careful path)
 * and lines with room after them (the fast line scan) are both compared.  Differential tests
 * hold the hand-written IPv4, IPv6 and number conversions to vg_ip_parse and strtoull.
 */
#include "parse/vpcflow.h"

#include "core/buf.h"
#include "core/limits.h"

#include <setjmp.h>
#include <cmocka.h>

#define MAX_MESSAGES 16

/* An event copied out of the callback (events are only valid during it). */
struct seen {
    char brief[160]; /* "src:sport>dst:dport/proto ACTION STATUS" */
    char version[8], account[24], interface[32], instance[32], vpc[32], subnet[32];
    char pkt_src[48], pkt_dst[48], type[8], region[24], az[16], svc_src[24], svc_dst[24];
    char path[8];
    uint8_t src_family, dst_family;
    unsigned src_port, dst_port, protocol, tcp_flags, has;
    uint64_t packets, bytes, line, offset;
    int64_t time_ms, start_ms, end_ms;
    enum vg_flow_action action;
    enum vg_flow_status status;
    enum vg_flow_direction direction;
    bool raw;
};

struct run {
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_diag diag;
    struct vg_parse_stats stats;
    struct vg_parse_ctx ctx;
    struct seen *events;
    size_t count, cap;
    char messages[MAX_MESSAGES][256];
    enum vg_diag_code codes[MAX_MESSAGES];
    size_t message_count;
    struct vg_buf transcript; /* everything, to compare the ways of parsing */
};

static void copy(char *dst, size_t cap, struct vg_str s)
{
    snprintf(dst, cap, "%.*s", (int)s.len, s.ptr ? s.ptr : "");
}

static const char *action_name(enum vg_flow_action a)
{
    return a == VG_FLOW_ACCEPT ? "ACCEPT" : a == VG_FLOW_REJECT ? "REJECT" : "-";
}

static const char *status_name(enum vg_flow_status s)
{
    return s == VG_FLOW_NODATA ? "NODATA" : s == VG_FLOW_SKIPDATA ? "SKIPDATA" : "OK";
}

static void ip_text(char *out, size_t cap, const struct vg_ip *ip)
{
    if (ip->family == 0)
        snprintf(out, cap, "-");
    else
        vg_ip_format(ip, out, cap);
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct run *r = ctx;
    const struct vg_flow *f = &ev->flow;
    assert_int_equal(ev->source, VG_SOURCE_VPCFLOW);
    assert_string_equal(ev->ref.source, r->ctx.source);
    if (r->count == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->events = realloc(r->events, r->cap * sizeof(*r->events));
        assert_non_null(r->events);
    }
    struct seen *s = &r->events[r->count++];
    memset(s, 0, sizeof(*s));
    char src[48], dst[48], ports[2][8], proto[8];
    ip_text(src, sizeof(src), &f->src);
    ip_text(dst, sizeof(dst), &f->dst);
    ip_text(s->pkt_src, sizeof(s->pkt_src), &f->pkt_src);
    ip_text(s->pkt_dst, sizeof(s->pkt_dst), &f->pkt_dst);
    bool has_ports = f->has & VG_FLOW_HAS_PORTS;
    snprintf(ports[0], sizeof(ports[0]), has_ports ? "%u" : "-", f->src_port);
    snprintf(ports[1], sizeof(ports[1]), has_ports ? "%u" : "-", f->dst_port);
    snprintf(proto, sizeof(proto), f->has & VG_FLOW_HAS_PROTOCOL ? "%u" : "-", f->protocol);
    snprintf(s->brief, sizeof(s->brief), "%s:%s>%s:%s/%s %s %s", src, ports[0], dst, ports[1],
             proto, action_name(f->action), status_name(f->status));
    copy(s->version, sizeof(s->version), f->version);
    copy(s->account, sizeof(s->account), ev->account_id);
    copy(s->interface, sizeof(s->interface), f->interface_id);
    copy(s->instance, sizeof(s->instance), f->instance_id);
    copy(s->vpc, sizeof(s->vpc), f->vpc_id);
    copy(s->subnet, sizeof(s->subnet), f->subnet_id);
    copy(s->type, sizeof(s->type), f->type);
    copy(s->region, sizeof(s->region), ev->region);
    copy(s->az, sizeof(s->az), f->az_id);
    copy(s->svc_src, sizeof(s->svc_src), f->pkt_src_service);
    copy(s->svc_dst, sizeof(s->svc_dst), f->pkt_dst_service);
    copy(s->path, sizeof(s->path), f->traffic_path);
    s->src_family = f->src.family;
    s->dst_family = f->dst.family;
    s->src_port = f->src_port;
    s->dst_port = f->dst_port;
    s->protocol = f->protocol;
    s->tcp_flags = f->tcp_flags;
    s->has = f->has;
    s->packets = f->packets;
    s->bytes = f->bytes;
    s->line = ev->ref.line;
    s->offset = ev->ref.offset;
    s->time_ms = ev->time_ms;
    s->start_ms = f->start_ms;
    s->end_ms = f->end_ms;
    s->action = f->action;
    s->status = f->status;
    s->direction = f->direction;
    s->raw = ev->raw != NULL;
    vg_buf_printf(&r->transcript,
                  "event L%" PRIu64 "@%" PRIu64 " t=%" PRId64 " %s v=%s acct=%s eni=%s i=%s vpc=%s "
                  "sub=%s pkt=%s>%s flags=%u pk=%" PRIu64 " by=%" PRIu64 " [%" PRId64 ",%" PRId64
                  "] dir=%d has=%x type=%s reg=%s az=%s svc=%s>%s path=%s raw=%d\n",
                  s->line, s->offset, s->time_ms, s->brief, s->version, s->account, s->interface,
                  s->instance, s->vpc, s->subnet, s->pkt_src, s->pkt_dst, s->tcp_flags, s->packets,
                  s->bytes, s->start_ms, s->end_ms, (int)s->direction, s->has, s->type, s->region,
                  s->az, s->svc_src, s->svc_dst, s->path, (int)s->raw);
}

static void on_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct run *r = ctx;
    if (r->message_count < MAX_MESSAGES) {
        snprintf(r->messages[r->message_count], sizeof(r->messages[0]), "%s", message);
        r->codes[r->message_count] = code;
        r->message_count++;
    }
    vg_buf_printf(&r->transcript, "diag %s: %s\n", vg_diag_code_name(code), message);
}

static struct run *run_new(void)
{
    struct run *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    vg_arena_init(&r->arena, 1 << 16, 0);
    vg_json_parser_init(&r->json, &r->arena, VG_MAX_RECORD_BYTES);
    vg_diag_init(&r->diag, 1000000, on_diag, r);
    r->ctx = (struct vg_parse_ctx){
        .source = "test.log",
        .arena = &r->arena,
        .json = &r->json,
        .diag = &r->diag,
        .stats = &r->stats,
        .on_event = on_event,
        .event_ctx = r,
    };
    return r;
}

static void run_free(struct run *r)
{
    if (!r)
        return;
    vg_json_parser_release(&r->json);
    vg_arena_release(&r->arena);
    vg_buf_release(&r->transcript);
    free(r->events);
    free(r);
}

/* One parse of len bytes (copied into a block of exactly that size, so a read past the end is
 * an ASan error), with `fields` as the configured format when not NULL. */
static struct run *parse_once(const char *buf, size_t len, const char *fields, bool simd)
{
    struct run *r = run_new();
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, buf, len);
    vg_vpcflow_use_simd(simd);
    int rc = fields ? vg_vpcflow_parse_format(&r->ctx, vg_str_from(fields), exact, len)
                    : vg_format_vpcflow.parse(&r->ctx, exact, len);
    vg_vpcflow_use_simd(true);
    assert_int_equal(rc, VG_OK);
    vg_arena_reset(&r->arena);
    free(exact);
    vg_buf_printf(&r->transcript,
                  "records %" PRIu64 " events %" PRIu64 " bad %" PRIu64 " foreign %" PRIu64 "\n",
                  r->stats.records, r->stats.events, r->stats.bad_records, r->stats.foreign);
    return r;
}

static const char *transcript(const struct run *r)
{
    return r->transcript.data ? r->transcript.data : "";
}

/* Parse four ways (portable and SIMD loops; as given and followed by blank lines, which give
 * every line room for the fast scan), require identical transcripts, return one.  JSON input is
 * only compared within each pair: a truncated record's error names how far the reader got,
 * which the blank lines change. */
static struct run *parse_with(const char *buf, size_t len, const char *fields)
{
    size_t pad = 700;
    char *padded = malloc(len + pad);
    assert_non_null(padded);
    memcpy(padded, buf, len);
    memset(padded + len, '\n', pad);
    struct run *runs[4] = {
        parse_once(buf, len, fields, false),
        parse_once(buf, len, fields, true),
        parse_once(padded, len + pad, fields, false),
        parse_once(padded, len + pad, fields, true),
    };
    free(padded);
    size_t first = 0;
    while (first < len && isspace((unsigned char)buf[first]))
        first++;
    bool json = first < len && (buf[first] == '{' || buf[first] == '[');
    for (int i = 1; i < 4; i++)
        if ((!json || i == 1 || i == 3) &&
            strcmp(transcript(runs[json && i == 3 ? 2 : 0]), transcript(runs[i])) != 0)
            fail_msg("parse %d differs from parse 0:\n--- 0:\n%s--- %d:\n%s", i,
                     transcript(runs[0]), i, transcript(runs[i]));
    for (int i = 1; i < 4; i++)
        run_free(runs[i]);
    struct run *r = runs[0];
    assert_int_equal(r->stats.records, r->stats.events + r->stats.bad_records);
    assert_int_equal(r->stats.events, r->count);
    return r;
}

static struct run *parse_str(const char *buf)
{
    return parse_with(buf, strlen(buf), NULL);
}

/* "3,5": the lines the messages were reported at, from their "test.log:N:" prefix. */
static void message_lines(const struct run *r, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->message_count && n < cap; i++) {
        const char *m = r->messages[i] + strlen("test.log:");
        int w = snprintf(out + n, cap - n, "%s%.*s", i ? "," : "", (int)strcspn(m, ":"), m);
        n += w > 0 ? (size_t)w : 0;
    }
}

static void briefs(const struct run *r, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->count && n < cap; i++) {
        int w = snprintf(out + n, cap - n, "%s%s", i ? ";" : "", r->events[i].brief);
        n += w > 0 ? (size_t)w : 0;
    }
}

static void dump(const struct run *r)
{
    print_message("%s", transcript(r));
}

/* ==== table of inputs ==== */

struct parse_case {
    const char *what;
    const char *input;
    const char *events; /* briefs, ';'-separated, in order */
    uint64_t records, bad, foreign;
    const char *lines; /* where the messages were reported, "3,5" */
    const char *text;  /* part of the first message, or NULL */
};

static void check_case(const struct parse_case *c, size_t i, const char *fields)
{
    struct run *r = parse_with(c->input, strlen(c->input), fields);
    char got[4096], lines[256];
    briefs(r, got, sizeof(got));
    message_lines(r, lines, sizeof(lines));
    bool ok = strcmp(got, c->events) == 0 && r->stats.records == c->records &&
              r->stats.bad_records == c->bad && r->stats.foreign == c->foreign &&
              strcmp(lines, c->lines) == 0 &&
              (c->text == NULL ? r->message_count == 0
                               : r->message_count > 0 && strstr(r->messages[0], c->text));
    if (!ok) {
        print_message("case %zu (%s):\n  events   '%s'\n  expected '%s'\n  records %" PRIu64
                      ", bad %" PRIu64 ", foreign %" PRIu64 ", lines '%s'\n",
                      i, c->what, got, c->events, r->stats.records, r->stats.bad_records,
                      r->stats.foreign, lines);
        dump(r);
        run_free(r);
        fail_msg("case %zu (%s) failed", i, c->what);
    }
    run_free(r);
}

static void check_cases(const struct parse_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_case(&cases[i], i, NULL);
}

#define L1                                                                                         \
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "          \
    "1418530010 1418530070 ACCEPT OK"
#define L2                                                                                         \
    "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 "           \
    "1418530010 1418530070 REJECT OK"
#define B1 "172.31.16.139:20641>172.31.16.21:22/6 ACCEPT OK"
#define B2 "172.31.9.69:49761>172.31.9.12:3389/6 REJECT OK"

#define V5_HEADER                                                                                  \
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "      \
    "start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr "         \
    "pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service "                \
    "pkt-dst-aws-service flow-direction traffic-path"
#define V5_LINE                                                                                    \
    "5 123456789012 eni-1235b8ca123456789 52.95.128.179 10.0.0.71 80 34210 6 14 15044 "            \
    "1616729292 1616729349 ACCEPT OK vpc-abcdefab012345678 subnet-aaaaaaaa012345678 "              \
    "i-0c50d5961bcb2d47b 19 IPv4 52.95.128.179 10.0.0.71 ap-southeast-2 apse2-az3 - - S3 - "       \
    "ingress -"
#define V5_BRIEF "52.95.128.179:80>10.0.0.71:34210/6 ACCEPT OK"

static void test_vpcflow_framing(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "default format", L1 "\n" L2 "\n", B1 ";" B2, 2, 0, 0, "", NULL },
        { "no final newline", L1 "\n" L2, B1 ";" B2, 2, 0, 0, "", NULL },
        { "CRLF", L1 "\r\n" L2 "\r\n", B1 ";" B2, 2, 0, 0, "", NULL },
        { "UTF-8 BOM", "\xEF\xBB\xBF" L1 "\n", B1, 1, 0, 0, "", NULL },
        { "blank and comment lines count nothing",
          "\n# a comment\n   \n" L1 "\n\t\n#\n" L2 "\n\n", B1 ";" B2, 2, 0, 0, "", NULL },
        { "tabs and runs of spaces between fields",
          "2\t123456789010  eni-1235b8ca123456789 \t172.31.16.139 172.31.16.21 20641 22 6 20 "
          "4249 1418530010 1418530070 ACCEPT OK  \n", B1, 1, 0, 0, "", NULL },
        { "leading blanks", "   " L1 "\n", B1, 1, 0, 0, "", NULL },
        { "trailing comment after the last field", L1 " #Traffic to the instance\n" L2 "\n",
          B1 ";" B2, 2, 0, 0, "", NULL },
        { "empty object", "", "", 0, 0, 0, "", NULL },
        { "only blank lines", "\n\n\n", "", 0, 0, 0, "", NULL },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));
}

static void test_vpcflow_header_orders(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "v5 header, AWS order", V5_HEADER "\n" V5_LINE "\n", V5_BRIEF, 1, 0, 0, "", NULL },
        { "shuffled order",
          "action dstport srcaddr log-status protocol dstaddr srcport\n"
          "REJECT 3389 198.51.100.7 OK 6 10.0.0.5 51000\n"
          "ACCEPT 443 10.0.0.5 OK 6 203.0.113.9 40000\n",
          "198.51.100.7:51000>10.0.0.5:3389/6 REJECT OK;"
          "10.0.0.5:40000>203.0.113.9:443/6 ACCEPT OK", 2, 0, 0, "", NULL },
        { "subset without ports, times or status",
          "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n"
          "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n",
          "10.0.1.5:->10.0.0.220:-/- - OK", 1, 0, 0, "", NULL },
        { "unknown names are skipped columns",
          "srcaddr shiny-new-field dstaddr ecs-task-id dstport srcport protocol\n"
          "10.0.0.1 whatever 10.0.0.2 abc123 22 50000 6\n",
          "10.0.0.1:50000>10.0.0.2:22/6 - OK", 1, 0, 0, "", NULL },
        { "TGW fields in a header",
          "version resource-type account-id tgw-id tgw-attachment-id srcaddr dstaddr srcport "
          "dstport protocol packets bytes start end log-status type tcp-flags region "
          "flow-direction\n"
          "6 TransitGateway 123456789012 tgw-0123 tgw-attach-0456 10.1.0.5 10.2.0.9 40000 443 6 "
          "10 5000 1700000000 1700000060 OK IPv4 3 us-east-1 ingress\n",
          "10.1.0.5:40000>10.2.0.9:443/6 - OK", 1, 0, 0, "", NULL },
        { "a header in mid-file takes over (concatenated objects)",
          L1 "\n" "srcaddr dstaddr\n" "10.9.9.9 10.8.8.8\n" V5_HEADER "\n" V5_LINE "\n",
          B1 ";10.9.9.9:->10.8.8.8:-/- - OK;" V5_BRIEF, 3, 0, 0, "", NULL },
        { "header after blank and comment lines",
          "\n# exported\n" "srcaddr dstaddr dstport srcport protocol\n" "10.0.0.1 10.0.0.2 53 5353 17\n",
          "10.0.0.1:5353>10.0.0.2:53/17 - OK", 1, 0, 0, "", NULL },
        { "header only", V5_HEADER "\n", "", 0, 0, 0, "", NULL },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));
}

/* Header-less files in the other default orders are told apart by their field counts. */
static void test_vpcflow_default_by_field_count(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "version 3, all fields (21)",
          "3 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 22 6 3 180 1700000000 1700000060 ACCEPT "
          "OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.2\n",
          "10.0.0.1:1000>10.0.0.2:22/6 ACCEPT OK", 1, 0, 0, "", NULL },
        { "version 4, all fields (25)",
          "4 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 22 6 3 180 1700000000 1700000060 ACCEPT "
          "OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.2 eu-west-1 euw1-az1 - -\n",
          "10.0.0.1:1000>10.0.0.2:22/6 ACCEPT OK", 1, 0, 0, "", NULL },
        { "version 5, all fields (29)", V5_LINE "\n", V5_BRIEF, 1, 0, 0, "", NULL },
        { "version 7 with ECS fields (39)",
          V5_LINE " arn:aws:ecs:us-east-1:1:cluster/c c arn:aws:ecs:us-east-1:1:ci/c/i i-1 "
          "ctr-1 - svc arn:aws:ecs:us-east-1:1:task-definition/t:1 arn:aws:ecs:us-east-1:1:task/c/t t\n",
          V5_BRIEF, 1, 0, 0, "", NULL },
        { "version 8 with reject-reason (40)",
          V5_LINE " - - - - - - - - - - BPA\n", V5_BRIEF, 1, 0, 0, "", NULL },
        { "Transit Gateway default (36)",
          "6 TransitGateway 123456789012 tgw-1 tgw-attach-1 111111111111 222222222222 vpc-1 "
          "vpc-2 subnet-1 subnet-2 eni-1 eni-2 use1-az1 use1-az2 - 10.1.0.1 10.2.0.2 5000 443 6 "
          "10 2000 1700000000 1700000060 OK IPv4 0 0 0 0 19 us-east-1 egress - -\n",
          "10.1.0.1:5000>10.2.0.2:443/6 - OK", 1, 0, 0, "", NULL },
        { "versions mixed line by line",
          L1 "\n" V5_LINE "\n" L2 "\n", B1 ";" V5_BRIEF ";" B2, 3, 0, 0, "", NULL },
        { "a count no default has is reported against the current order",
          L1 "\n" L1 " extra\n" L2 "\n", B1 ";" B2, 3, 1, 0, "2",
          "test.log:2: line has 15 fields, expected 14; skipped" },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));
}

static void test_vpcflow_missing_dash(void **state)
{
    (void)state;
    struct run *r =
        parse_str(V5_HEADER "\n"
                            "5 - - - - - - - - - - - - - - - - - - - - - - - - - - - -\n");
    assert_int_equal(r->count, 1);
    const struct seen *s = &r->events[0];
    assert_string_equal(s->brief, "-:->-:-/- - OK");
    assert_int_equal(s->has, 0);
    assert_int_equal(s->time_ms, 0);
    assert_int_equal(s->src_family, 0);
    assert_string_equal(s->account, "");
    assert_string_equal(s->interface, "");
    assert_string_equal(s->pkt_src, "-");
    assert_string_equal(s->region, "");
    assert_string_equal(s->path, "");
    assert_int_equal(s->direction, VG_FLOW_DIR_UNKNOWN);
    run_free(r);
}

/* The default format has no region and a record may lack its account: the S3 key of the
 * delivered object names both, and findings should too. */
static void test_vpcflow_account_and_region_from_s3_key(void **state)
{
    (void)state;
    static const char text[] =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
        "start end action log-status\n"
        "2 - eni-0a1b2c3d4e5f60718 10.0.1.5 45.33.32.156 49152 443 6 10 840 1700000000 1700000060 "
        "ACCEPT OK\n"
        "2 999988887777 eni-0a1b2c3d4e5f60718 10.0.1.5 45.33.32.156 49153 443 6 10 840 1700000000 "
        "1700000060 ACCEPT OK\n";
    struct run *r = run_new();
    r->ctx.source = "logs/AWSLogs/111122223333/vpcflowlogs/eu-west-3/2023/11/14/"
                    "111122223333_vpcflowlogs_eu-west-3_fl-0123_20231114T2210Z_ab12.log.gz";
    char *exact = malloc(sizeof(text) - 1);
    assert_non_null(exact);
    memcpy(exact, text, sizeof(text) - 1);
    assert_int_equal(vg_format_vpcflow.parse(&r->ctx, exact, sizeof(text) - 1), VG_OK);
    free(exact);
    assert_int_equal(r->count, 2);
    assert_string_equal(r->events[0].account, "111122223333");
    assert_string_equal(r->events[0].region, "eu-west-3");
    assert_string_equal(r->events[1].account, "999988887777"); /* the record wins */
    assert_string_equal(r->events[1].region, "eu-west-3");
    run_free(r);

    /* a file outside that layout gets nothing from its name */
    r = parse_str("2 123456789012 eni-1 10.0.1.5 45.33.32.156 49152 443 6 10 840 1700000000 "
                  "1700000060 ACCEPT OK\n");
    assert_string_equal(r->events[0].region, "");
    run_free(r);
}

static void test_vpcflow_nodata_skipdata(void **state)
{
    (void)state;
    struct run *r = parse_str("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 "
                              "1431280934 - NODATA\n"
                              "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 "
                              "1431280934 - SKIPDATA\n");
    assert_int_equal(r->count, 2);
    assert_int_equal(r->stats.bad_records, 0);
    assert_int_equal(r->message_count, 0);
    assert_int_equal(r->events[0].status, VG_FLOW_NODATA);
    assert_int_equal(r->events[1].status, VG_FLOW_SKIPDATA);
    assert_string_equal(r->events[0].brief, "-:->-:-/- - NODATA");
    assert_int_equal(r->events[0].has, VG_FLOW_HAS_TIMES);
    assert_int_equal(r->events[0].time_ms, INT64_C(1431280876000));
    assert_string_equal(r->events[1].interface, "eni-11111111aaaaaaaaa");
    run_free(r);
}

/* Every field of the default format and of the version-5 order lands where it belongs. */
static void test_vpcflow_fields(void **state)
{
    (void)state;
    struct run *r = parse_str(L1 "\n");
    const struct seen *s = &r->events[0];
    assert_string_equal(s->version, "2");
    assert_string_equal(s->account, "123456789010");
    assert_string_equal(s->interface, "eni-1235b8ca123456789");
    assert_string_equal(s->brief, B1);
    assert_int_equal(s->src_family, 4);
    assert_int_equal(s->packets, 20);
    assert_int_equal(s->bytes, 4249);
    assert_int_equal(s->start_ms, INT64_C(1418530010000));
    assert_int_equal(s->end_ms, INT64_C(1418530070000));
    assert_int_equal(s->time_ms, INT64_C(1418530010000));
    assert_int_equal(s->has, VG_FLOW_HAS_PORTS | VG_FLOW_HAS_PROTOCOL | VG_FLOW_HAS_COUNTS |
                                 VG_FLOW_HAS_TIMES);
    assert_int_equal(s->line, 1);
    assert_int_equal(s->offset, 0);
    assert_false(s->raw);
    run_free(r);

    r = parse_str(V5_HEADER "\n" V5_LINE "\n");
    s = &r->events[0];
    assert_string_equal(s->version, "5");
    assert_string_equal(s->account, "123456789012");
    assert_string_equal(s->vpc, "vpc-abcdefab012345678");
    assert_string_equal(s->subnet, "subnet-aaaaaaaa012345678");
    assert_string_equal(s->instance, "i-0c50d5961bcb2d47b");
    assert_int_equal(s->tcp_flags, 19);
    assert_string_equal(s->type, "IPv4");
    assert_string_equal(s->pkt_src, "52.95.128.179");
    assert_string_equal(s->pkt_dst, "10.0.0.71");
    assert_string_equal(s->region, "ap-southeast-2");
    assert_string_equal(s->az, "apse2-az3");
    assert_string_equal(s->svc_src, "S3");
    assert_string_equal(s->svc_dst, "");
    assert_int_equal(s->direction, VG_FLOW_INGRESS);
    assert_string_equal(s->path, "");
    assert_int_equal(s->has, VG_FLOW_HAS_PORTS | VG_FLOW_HAS_PROTOCOL | VG_FLOW_HAS_COUNTS |
                                 VG_FLOW_HAS_TIMES | VG_FLOW_HAS_TCP_FLAGS);
    assert_int_equal(s->line, 2);
    assert_int_equal(s->offset, strlen(V5_HEADER) + 1);
    run_free(r);
}

static void test_vpcflow_locations(void **state)
{
    (void)state;
    static const char text[] = "# c\n" L1 "\n\n" L2 "\r\n" L1;
    struct run *r = parse_str(text);
    assert_int_equal(r->count, 3);
    assert_int_equal(r->events[0].line, 2);
    assert_int_equal(r->events[1].line, 4);
    assert_int_equal(r->events[2].line, 5);
    assert_int_equal(r->events[0].offset, 4);
    assert_int_equal(r->events[1].offset, strstr(text, L2) - text);
    assert_int_equal(r->events[2].offset, strrchr(text, '\n') - text + 1);
    run_free(r);
}

static void test_vpcflow_timestamps(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "12 digits is the limit",
          "srcaddr start end\n10.0.0.1 999999999999 999999999999\n10.0.0.1 1000000000000 1\n",
          "10.0.0.1:->-:-/- - OK", 2, 1, 0, "3",
          "test.log:3: field 'start' is not a time in Unix seconds ('1000000000000'); skipped" },
        { "not a number",
          "srcaddr start end\n10.0.0.1 2024-01-01T00:00:00Z 1\n",
          "", 1, 1, 0, "2", "field 'start' is not a time in Unix seconds ('2024-01-01T00:00:00Z')" },
        { "negative", "srcaddr start\n10.0.0.1 -5\n", "", 1, 1, 0, "2", "field 'start'" },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));

    struct run *r = parse_str("start end\n1700000000 1700000059\n- 1700000059\n1700000000 -\n- -\n"
                              "0 0\n");
    assert_int_equal(r->count, 5);
    assert_int_equal(r->events[0].time_ms, INT64_C(1700000000000));
    assert_int_equal(r->events[0].end_ms, INT64_C(1700000059000));
    assert_int_equal(r->events[0].has, VG_FLOW_HAS_TIMES);
    assert_int_equal(r->events[1].time_ms, INT64_C(1700000059000)); /* end when no start */
    assert_int_equal(r->events[1].has, 0);
    assert_int_equal(r->events[2].time_ms, INT64_C(1700000000000));
    assert_int_equal(r->events[2].end_ms, 0);
    assert_int_equal(r->events[3].time_ms, 0);
    assert_int_equal(r->events[4].has, VG_FLOW_HAS_TIMES);
    assert_int_equal(r->events[4].time_ms, 0);
    run_free(r);
}

static void test_vpcflow_numbers(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "protocol numbers 0-255",
          "srcaddr protocol\n10.0.0.1 0\n10.0.0.1 1\n10.0.0.1 6\n10.0.0.1 17\n10.0.0.1 58\n"
          "10.0.0.1 255\n10.0.0.1 256\n10.0.0.1 tcp\n10.0.0.1 -\n",
          "10.0.0.1:->-:-/0 - OK;10.0.0.1:->-:-/1 - OK;10.0.0.1:->-:-/6 - OK;"
          "10.0.0.1:->-:-/17 - OK;10.0.0.1:->-:-/58 - OK;10.0.0.1:->-:-/255 - OK;"
          "10.0.0.1:->-:-/- - OK", 9, 2, 0, "8,9",
          "test.log:8: field 'protocol' is not a protocol number (0-255) ('256'); skipped" },
        { "ports 0-65535",
          "srcport dstport\n0 65535\n65536 1\n1 8o\n",
          "-:0>-:65535/- - OK", 3, 2, 0, "3,4",
          "test.log:3: field 'srcport' is not a port number ('65536'); skipped" },
        { "counts up to 19 digits",
          "packets bytes\n9999999999999999999 1234567890123456789\n1 99999999999999999999\n"
          "1.5 2\n",
          "-:->-:-/- - OK", 3, 2, 0, "3,4", "field 'bytes' is not a count" },
        { "version must be a number",
          "version srcaddr\nv2 10.0.0.1\n2 10.0.0.1\n",
          "10.0.0.1:->-:-/- - OK", 2, 1, 0, "2",
          "test.log:2: field 'version' is not a version number ('v2'); skipped" },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));

    struct run *r = parse_str("packets bytes\n9999999999999999999 1234567890123456789\n");
    assert_int_equal(r->events[0].packets, UINT64_C(9999999999999999999));
    assert_int_equal(r->events[0].bytes, UINT64_C(1234567890123456789));
    run_free(r);
}

static void test_vpcflow_tcp_flags(void **state)
{
    (void)state;
    struct run *r = parse_str("tcp-flags\n0\n1\n2\n3\n18\n19\n255\n-\n256\n");
    static const unsigned want[] = { 0, 1, 2, 3, 18, 19, 255 };
    assert_int_equal(r->count, 8);
    for (size_t i = 0; i < VG_ARRAY_LEN(want); i++) {
        assert_int_equal(r->events[i].tcp_flags, want[i]);
        assert_int_equal(r->events[i].has, VG_FLOW_HAS_TCP_FLAGS);
    }
    assert_int_equal(r->events[7].has, 0); /* '-' */
    assert_int_equal(r->stats.bad_records, 1);
    assert_non_null(strstr(r->messages[0], "test.log:10: field 'tcp-flags' is not a TCP flags"));
    run_free(r);
}

static void test_vpcflow_enums(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "actions",
          "srcaddr action\n10.0.0.1 ACCEPT\n10.0.0.1 REJECT\n10.0.0.1 -\n10.0.0.1 accept\n",
          "10.0.0.1:->-:-/- ACCEPT OK;10.0.0.1:->-:-/- REJECT OK;10.0.0.1:->-:-/- - OK", 4, 1, 0,
          "5", "test.log:5: field 'action' is not ACCEPT, REJECT or '-' ('accept'); skipped" },
        { "log status",
          "srcaddr log-status\n10.0.0.1 OK\n10.0.0.1 NODATA\n10.0.0.1 SKIPDATA\n10.0.0.1 -\n"
          "10.0.0.1 NOTOK\n",
          "10.0.0.1:->-:-/- - OK;10.0.0.1:->-:-/- - NODATA;10.0.0.1:->-:-/- - SKIPDATA;"
          "10.0.0.1:->-:-/- - OK", 5, 1, 0, "6", "field 'log-status' is not OK, NODATA" },
        { "flow direction",
          "srcaddr flow-direction\n10.0.0.1 ingress\n10.0.0.1 egress\n10.0.0.1 -\n10.0.0.1 in\n",
          "10.0.0.1:->-:-/- - OK;10.0.0.1:->-:-/- - OK;10.0.0.1:->-:-/- - OK", 4, 1, 0, "5",
          "field 'flow-direction' is not ingress, egress or '-' ('in')" },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));
    struct run *r = parse_str("flow-direction\ningress\negress\n-\n");
    assert_int_equal(r->events[0].direction, VG_FLOW_INGRESS);
    assert_int_equal(r->events[1].direction, VG_FLOW_EGRESS);
    assert_int_equal(r->events[2].direction, VG_FLOW_DIR_UNKNOWN);
    run_free(r);
}

static void test_vpcflow_ipv6(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "the guide's IPv6 record",
          "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 "
          "2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 "
          "ACCEPT OK\n",
          "2001:db8:1234:a100:8d6e:3477:df66:f105:34892>2001:db8:1234:a102:3304:8879:34cf:4071:22/6 "
          "ACCEPT OK", 1, 0, 0, "", NULL },
        { "compressed, upper case, mapped IPv4",
          "srcaddr dstaddr\n::1 2A02:CF40::\n::ffff:10.0.0.1 1::\n2001:db8::1.2.3.4 ::\n",
          "::1:->2a02:cf40:::-/- - OK;::ffff:10.0.0.1:->1:::-/- - OK;"
          "2001:db8::102:304:->:::-/- - OK", 3, 0, 0, "", NULL },
        { "not addresses",
          "srcaddr\n1:2:3:4:5:6:7:8:9\n1::2::3\n12345::\n::1%eth0\n[::1]\n1.2.3\n1.2.3.4.5\n"
          "01.2.3.4\n256.1.1.1\nexample.com\n1.2.3.4\n",
          "1.2.3.4:->-:-/- - OK", 11, 10, 0, "2,3,4,5,6,7,8,9,10,11",
          "test.log:2: field 'srcaddr' is not an IP address ('1:2:3:4:5:6:7:8:9'); skipped" },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));
}

static void test_vpcflow_tgw(void **state)
{
    (void)state;
    struct run *r = parse_str(
        "3 - 748335378900 tgw-0a12bc34de56f7890 tgw-attach-0789ijkl - - vpc-0jkl5678 "
        "vpc-0ghi9012 - - eni-0cc3dd4ee5f66aa7b eni-0cc3dd4ee5f66aa7b - - - 1.128.0.0 "
        "2a02:cf40:: 39464 22 6 49 8947 1755592533 1755592558 SKIPDATA - - - - - - - ingress - -\n"
        "3 - 748335378900 tgw-0a12bc34de56f7890 tgw-attach-0123abcd - - vpc-0abc1234 "
        "vpc-0def5678 - - eni-0ee5f66aa7bcc89d0 eni-0dd4ee5f66aa7bcc8 - - - 216.160.83.56 "
        "89.160.20.128 36721 8080 17 13 6842 1755592553 1755592580 OK - - - - - - - ingress - -\n");
    assert_int_equal(r->count, 2);
    assert_string_equal(r->events[0].brief, "1.128.0.0:39464>2a02:cf40:::22/6 - SKIPDATA");
    assert_string_equal(r->events[0].account, "748335378900");
    assert_string_equal(r->events[0].version, "3");
    assert_string_equal(r->events[0].interface, ""); /* TGW records name no interface */
    assert_int_equal(r->events[0].packets, 49);
    assert_int_equal(r->events[0].time_ms, INT64_C(1755592533000));
    assert_int_equal(r->events[1].direction, VG_FLOW_INGRESS);
    assert_string_equal(r->events[1].brief, "216.160.83.56:36721>89.160.20.128:8080/17 - OK");
    run_free(r);
}

/* Bad lines are reported where they are, once each, and the lines around them still parse. */
static void test_vpcflow_bad_lines(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "too few fields (the guide's '...')",
          L1 "\n...\n" L2 "\n", B1 ";" B2, 3, 1, 0, "2",
          "test.log:2: line has 1 field, expected 14; skipped" },
        { "too many fields",
          L1 " x y\n" L2 "\n", B2, 2, 1, 0, "1", "test.log:1: line has 16 fields, expected 14" },
        { "a port that is no number",
          L1 "\n2 123456789010 eni-1 10.0.0.1 10.0.0.2 ssh 22 6 20 4249 1418530010 1418530070 "
          "ACCEPT OK\n" L2 "\n", B1 ";" B2, 3, 1, 0, "2",
          "test.log:2: field 'srcport' is not a port number ('ssh'); skipped" },
        { "an address that is none",
          "2 123456789010 eni-1 10.0.0.300 10.0.0.2 1 22 6 20 4249 1418530010 1418530070 "
          "ACCEPT OK\n" L1 "\n", B1, 2, 1, 0, "1",
          "test.log:1: field 'srcaddr' is not an IP address ('10.0.0.300'); skipped" },
        { "a control byte inside a field",
          L1 "\n2 123456789010 eni-1\x01x 10.0.0.1 10.0.0.2 1 22 6 20 4249 1418530010 1418530070 "
          "ACCEPT OK\n" L2 "\n", B1 ";" B2, 3, 1, 0, "2",
          "test.log:2: line holds control byte 0x01 at byte 21; skipped" },
        { "several bad lines, each reported",
          "x\n" L1 "\ny z\n\n" L2 "\n2 1 2 3\n", B1 ";" B2, 5, 3, 0, "1,3,6",
          "test.log:1: line has 1 field, expected 14" },
        { "a long value is quoted short",
          "srcaddr\n10.0.0.1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
          "", 1, 1, 0, "2",
          "('10.0.0.1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'); skipped" },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));
}

/* A NUL inside a line, which strlen-based cases cannot hold. */
static void test_vpcflow_nul_byte(void **state)
{
    (void)state;
    static const char text[] = L1 "\n2 1 eni\0x 1.2.3.4\n" L2 "\n";
    struct run *r = parse_with(text, sizeof(text) - 1, NULL);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->stats.bad_records, 1);
    assert_non_null(strstr(r->messages[0], "test.log:2: line holds control byte 0x00 at byte 8"));
    run_free(r);
}

/* A 50 MB line: one report at its line, its neighbours parsed, linear time. */
static void test_vpcflow_long_line(void **state)
{
    (void)state;
    size_t big = 50u << 20;
    struct vg_buf b = VG_BUF_INIT;
    assert_int_equal(vg_buf_adds(&b, L1 "\n2 123456789010 eni-"), VG_OK);
    assert_int_equal(vg_buf_reserve(&b, big), VG_OK);
    memset(b.data + b.len, 'a', big);
    b.len += big;
    assert_int_equal(vg_buf_adds(&b, " 1.2.3.4\n" L2 "\n"), VG_OK);
    struct run *r = parse_once(b.data, b.len, NULL, true);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->stats.bad_records, 1);
    assert_int_equal(r->message_count, 1);
    assert_non_null(strstr(r->messages[0], "test.log:2: line has 4 fields, expected 14"));
    run_free(r);

    /* and 50 MB of fields */
    vg_buf_reset(&b);
    assert_int_equal(vg_buf_adds(&b, L1 "\n"), VG_OK);
    assert_int_equal(vg_buf_reserve(&b, big), VG_OK);
    for (size_t i = 0; i < big / 2; i++) {
        b.data[b.len++] = '1';
        b.data[b.len++] = ' ';
    }
    assert_int_equal(vg_buf_adds(&b, "\n" L2 "\n"), VG_OK);
    r = parse_once(b.data, b.len, NULL, true);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->stats.bad_records, 1);
    assert_non_null(strstr(r->messages[0], "test.log:2: line has "));
    run_free(r);

    /* a long last line without a newline is not copied to be parsed */
    vg_buf_reset(&b);
    assert_int_equal(vg_buf_adds(&b, L1 "\n"), VG_OK);
    assert_int_equal(vg_buf_reserve(&b, 2 * VG_MAX_RECORD_BYTES), VG_OK);
    memset(b.data + b.len, '7', 2 * VG_MAX_RECORD_BYTES);
    b.len += 2 * VG_MAX_RECORD_BYTES;
    r = parse_once(b.data, b.len, NULL, true);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->stats.bad_records, 1);
    assert_int_equal(r->codes[0], VG_DIAG_TOO_BIG);
    assert_non_null(strstr(r->messages[0], "test.log:2: last line is longer than 1048576 bytes "
                                           "and has no newline; skipped"));
    run_free(r);
    vg_buf_release(&b);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Binary garbage between good lines: every garbage line that is a record is reported, the good
 * lines all parse, nothing crashes, and the four ways of parsing agree. */
static void test_vpcflow_binary_garbage(void **state)
{
    (void)state;
    struct vg_buf b = VG_BUF_INIT;
    for (int i = 0; i < 300; i++) {
        assert_int_equal(vg_buf_adds(&b, i % 2 ? L1 "\n" : L2 "\n"), VG_OK);
        size_t n = next_rand() % 300;
        for (size_t k = 0; k < n; k++) {
            char c = (char)next_rand();
            assert_int_equal(vg_buf_addc(&b, c == '\n' ? 'x' : c), VG_OK);
        }
        assert_int_equal(vg_buf_adds(&b, "\n"), VG_OK);
    }
    struct run *r = parse_with(b.data, b.len, NULL);
    assert_int_equal(r->count, 300);
    assert_true(r->stats.bad_records > 250);
    assert_int_equal(r->diag.total, r->stats.bad_records);
    run_free(r);
    vg_buf_release(&b);
}

static void test_vpcflow_header_too_wide(void **state)
{
    (void)state;
    struct vg_buf b = VG_BUF_INIT;
    for (int i = 0; i < 200; i++)
        assert_int_equal(vg_buf_adds(&b, i % 2 ? "srcaddr " : "dstaddr "), VG_OK);
    assert_int_equal(vg_buf_adds(&b, "\n" L1 "\n"), VG_OK);
    struct run *r = parse_with(b.data, b.len, NULL);
    assert_int_equal(r->count, 0);
    assert_int_equal(r->stats.records, 0);
    assert_int_equal(r->message_count, 1);
    assert_int_equal(r->codes[0], VG_DIAG_TOO_BIG);
    assert_non_null(strstr(r->messages[0], "test.log:1: header names 200 fields, more than the "
                                           "limit of 128; rest of file skipped"));
    run_free(r);
    vg_buf_release(&b);
}

/* A header-less file in a custom format, read with the format it was created with. */
static void test_vpcflow_configured_format(void **state)
{
    (void)state;
    static const struct {
        const char *format;
        struct parse_case c;
    } cases[] = {
        { "${srcaddr} ${dstaddr} ${dstport} ${action}",
          { "console syntax", "10.0.0.1 10.0.0.2 443 ACCEPT\n10.0.0.3 10.0.0.4 22 REJECT\n",
            "10.0.0.1:->10.0.0.2:-/- ACCEPT OK;10.0.0.3:->10.0.0.4:-/- REJECT OK", 2, 0, 0, "",
            NULL } },
        { "srcaddr dstaddr",
          { "a header in the file wins", "dstaddr srcaddr\n10.0.0.2 10.0.0.1\n",
            "10.0.0.1:->10.0.0.2:-/- - OK", 1, 0, 0, "", NULL } },
        { "srcaddr dstaddr dstport action",
          { "lines are held to the configured count, never guessed",
            "10.0.0.1 10.0.0.2 443 ACCEPT\n" L1 "\n", "10.0.0.1:->10.0.0.2:-/- ACCEPT OK", 2, 1, 0,
            "2", "test.log:2: line has 14 fields, expected 4; skipped" } },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        check_case(&cases[i].c, i, cases[i].format);

    struct run *e = run_new();
    assert_int_equal(vg_vpcflow_parse_format(&e->ctx, vg_str_from("  "), "x\n", 2), VG_ECONFIG);
    struct vg_buf wide = VG_BUF_INIT;
    for (int i = 0; i < 129; i++)
        assert_int_equal(vg_buf_adds(&wide, "srcaddr "), VG_OK);
    assert_int_equal(
        vg_vpcflow_parse_format(&e->ctx, (struct vg_str){ wide.data, wide.len }, "x\n", 2),
        VG_ECONFIG);
    assert_int_equal(e->stats.records, 0);
    vg_buf_release(&wide);
    run_free(e);
}

static void test_vpcflow_json(void **state)
{
    (void)state;
    // clang-format off
    static const struct parse_case cases[] = {
        { "message envelope per line (CloudWatch Logs, Firehose)",
          "{\"message\":\"" L1 "\"}\n{\"message\": \"" L2 "\", \"id\": \"1\"}\n",
          B1 ";" B2, 2, 0, 0, "", NULL },
        { "escaped message text",
          "{\"message\":\"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 40 1700000000 "
          "1700000001 \\u0041CCEPT OK\"}\n",
          "10.0.0.1:1>10.0.0.2:22/6 ACCEPT OK", 1, 0, 0, "", NULL },
        { "CloudWatch Logs subscription batch",
          "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"flows\","
          "\"logEvents\":[{\"id\":\"1\",\"timestamp\":1,\"message\":\"" L1 "\"},"
          "{\"id\":\"2\",\"timestamp\":2,\"message\":\"" L2 "\"}]}\n"
          "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"id\":\"\",\"timestamp\":1,"
          "\"message\":\"CWL CONTROL MESSAGE: Checking health of destination\"}]}\n",
          B1 ";" B2, 2, 0, 1, "", NULL },
        { "records split into keys (Data Prepper, OCSF input), an array over lines",
          "[\n {\"version\": 5, \"account_id\": \"123456789012\", \"srcaddr\": \"1.2.3.4\", "
          "\"dstaddr\": \"172.31.2.52\", \"srcport\": 56858, \"dstport\": 39938, \"protocol\": 6, "
          "\"action\": \"REJECT\", \"log_status\": \"OK\", \"flow_direction\": \"ingress\", "
          "\"start\": 1649721732, \"end\": 1649721788, \"tcp_flags\": 2, \"sublocation_id\": \"-\"},\n"
          " {\"srcaddr\": \"10.0.0.1\", \"dstaddr\": \"10.0.0.2\", \"log-status\": \"NODATA\", "
          "\"protocol\": null}\n]\n",
          "1.2.3.4:56858>172.31.2.52:39938/6 REJECT OK;10.0.0.1:->10.0.0.2:-/- - NODATA", 2, 0, 0,
          "", NULL },
        { "a bad key-mapped field",
          "{\"srcaddr\":\"1.2.3.4\",\"dstaddr\":\"1.2.3.400\"}\n"
          "{\"srcaddr\":\"1.2.3.4\",\"dstaddr\":[1]}\n"
          "{\"srcaddr\":\"1.2.3.4\",\"dstaddr\":\"5.6.7.8\",\"dstport\":\"80 81\"}\n",
          "", 3, 3, 0, "1,2,3",
          "test.log:1: field 'dstaddr' is not an IP address ('1.2.3.400'); skipped" },
        { "invalid JSON, then good lines",
          "{\"message\":\"" L1 "\"}\n{\"message\": oops}\n{\"message\":\"" L2 "\"}\n",
          B1 ";" B2, 3, 1, 0, "2", "test.log:2: record is not valid JSON" },
        { "a message that is no record",
          "{\"message\":\"hello world\"}\n{\"message\":\"\"}\n{\"message\":5}\n[1]\n",
          "", 4, 4, 0, "1,2,3,4", "test.log:1: line has 2 fields, expected 14" },
        { "objects of another kind are foreign, said once",
          "{\"message\":\"" L1 "\"}\n{\"foo\":1}\n{\"bar\":2}\n",
          B1, 1, 0, 2, "2", "test.log:2: record is not a flow log record (no 'message' and no flow "
          "log fields); it and any like it in this file are skipped" },
        { "truncated array",
          "[{\"srcaddr\":\"1.2.3.4\",\"dstaddr\":\"5.6.7.8\"},\n{\"srcaddr\":",
          "1.2.3.4:->5.6.7.8:-/- - OK", 2, 1, 0, "2", "test.log:2: record is not valid JSON" },
        { "envelope carrying a header and its records",
          "{\"message\":\"srcaddr dstaddr\"}\n{\"message\":\"10.0.0.1 10.0.0.2\"}\n",
          "10.0.0.1:->10.0.0.2:-/- - OK", 1, 0, 0, "", NULL },
    };
    // clang-format on
    check_cases(cases, VG_ARRAY_LEN(cases));

    struct run *r = parse_str("{\"message\":\"" L1 "\"}\n\n{\"srcaddr\":\"1.2.3.4\",\"dstaddr\":"
                              "\"5.6.7.8\",\"version\":\"5\",\"region\":\"us-east-1\"}");
    assert_int_equal(r->count, 2);
    assert_true(r->events[0].raw);
    assert_int_equal(r->events[0].line, 1);
    assert_int_equal(r->events[0].offset, 0);
    assert_true(r->events[1].raw);
    assert_int_equal(r->events[1].line, 3);
    assert_string_equal(r->events[1].version, "5");
    assert_string_equal(r->events[1].region, "us-east-1");
    run_free(r);
}

/* ==== differential tests of the hand-written conversions ==== */

static void random_candidate(char *out, size_t cap, const char *alphabet)
{
    size_t n = 1 + next_rand() % (cap - 2);
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[next_rand() % k];
    out[n] = '\0';
}

/* A valid address, rewritten a little: the neighbourhood of the accepting paths. */
static void mutated_address(char *out, size_t cap, bool v6)
{
    char text[64];
    struct vg_ip ip = { .family = (uint8_t)(v6 ? 6 : 4) };
    for (int i = 0; i < 16; i++) {
        uint64_t x = next_rand();
        ip.addr[i] = (uint8_t)(x % 4 == 0 ? 0 : x >> 8); /* zeros make "::" */
    }
    vg_ip_format(&ip, text, sizeof(text));
    size_t n = strlen(text);
    switch (next_rand() % 6) {
    case 0: /* as formatted */ break;
    case 1: /* a byte replaced */
        text[next_rand() % n] = "0123456789abcdefABCDEF:.xg"[next_rand() % 26];
        break;
    case 2: { /* a byte removed */
        size_t at = next_rand() % n;
        memmove(text + at, text + at + 1, n - at);
        break;
    }
    case 3: /* a byte doubled */
        if (n + 1 < sizeof(text)) {
            size_t at = next_rand() % n;
            memmove(text + at + 1, text + at, n - at + 1);
        }
        break;
    case 4: /* leading zeros */
        if (n + 1 < sizeof(text)) {
            memmove(text + 1, text, n + 1);
            text[0] = '0';
        }
        break;
    default: /* upper case */
        for (size_t i = 0; i < n; i++)
            text[i] = (char)toupper((unsigned char)text[i]);
        break;
    }
    snprintf(out, cap, "%s", text);
}

/* Every candidate address goes through a line (fast and careful paths, portable and SIMD):
 * accepted exactly when vg_ip_parse accepts it, with the same bytes. */
static void test_vpcflow_address_differential(void **state)
{
    (void)state;
    struct vg_buf b = VG_BUF_INIT;
    char(*cand)[64] = calloc(6000, sizeof(*cand));
    assert_non_null(cand);
    assert_int_equal(vg_buf_adds(&b, "srcaddr dstport\n"), VG_OK);
    for (int i = 0; i < 6000; i++) {
        if (i % 4 == 0)
            random_candidate(cand[i], 17, "0123456789.");
        else if (i % 4 == 1)
            random_candidate(cand[i], 42, "0123456789abcdefABCDEF::.");
        else
            mutated_address(cand[i], sizeof(cand[i]), i % 4 == 3);
        assert_int_equal(vg_buf_printf(&b, "%s %d\n", cand[i], i), VG_OK);
    }
    struct run *r = parse_with(b.data, b.len, NULL);
    size_t k = 0, accepted = 0;
    for (int i = 0; i < 6000; i++) {
        struct vg_ip want;
        bool ok = vg_ip_parse(vg_str_from(cand[i]), &want);
        bool got = k < r->count && r->events[k].dst_port == (unsigned)i;
        if (ok != got)
            fail_msg("address '%s': vg_ip_parse says %d, the parser %d", cand[i], ok, got);
        if (ok) {
            char a[64], e[96];
            vg_ip_format(&want, a, sizeof(a));
            snprintf(e, sizeof(e), "%s:->-:-/- - OK", a);
            if (strcmp(r->events[k].brief, e) != 0)
                fail_msg("address '%s': '%s', expected '%s'", cand[i], r->events[k].brief, e);
            k++;
            accepted++;
        }
    }
    assert_int_equal(k, r->count);
    print_message("addresses: %zu of 6000 candidates accepted\n", accepted);
    assert_true(accepted > 600 && accepted < 5400); /* both sides exercised */
    run_free(r);
    free(cand);
    vg_buf_release(&b);
}

/* Counts of 1-22 digits with junk: accepted exactly when they are 1-19 plain digits. */
static void test_vpcflow_number_differential(void **state)
{
    (void)state;
    struct vg_buf b = VG_BUF_INIT;
    char(*cand)[32] = calloc(4000, sizeof(*cand));
    assert_non_null(cand);
    assert_int_equal(vg_buf_adds(&b, "bytes dstport\n"), VG_OK);
    for (int i = 0; i < 4000; i++) {
        random_candidate(cand[i], 24, i % 8 ? "0123456789" : "0123456789-+x. ");
        if (cand[i][0] == ' ' || strchr(cand[i], ' ')) /* keep one field */
            snprintf(cand[i], sizeof(cand[i]), "%d", i);
        assert_int_equal(vg_buf_printf(&b, "%s %d\n", cand[i], i % 65536), VG_OK);
    }
    struct run *r = parse_with(b.data, b.len, NULL);
    size_t k = 0;
    for (int i = 0; i < 4000; i++) {
        size_t n = strlen(cand[i]);
        bool ok = n >= 1 && n <= 19 && strspn(cand[i], "0123456789") == n;
        bool dash = strcmp(cand[i], "-") == 0;
        bool got = k < r->count && r->events[k].dst_port == (unsigned)i;
        if ((ok || dash) != got)
            fail_msg("count '%s': expected %d, the parser %d", cand[i], ok || dash, got);
        if (got) {
            uint64_t want = ok ? strtoull(cand[i], NULL, 10) : 0;
            if (r->events[k].bytes != want)
                fail_msg("count '%s': %" PRIu64 ", expected %" PRIu64, cand[i], r->events[k].bytes,
                         want);
            k++;
        }
    }
    run_free(r);
    free(cand);
    vg_buf_release(&b);
}

/* ==== sniffing and the shared corpus ==== */

static void test_vpcflow_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        bool ok;
    } cases[] = {
        { L1, true },
        { L1 "\n" L2 "\n", true },
        { "\xEF\xBB\xBF" L1, true },
        { "\n# comment\n" L1, true },
        { V5_HEADER "\n", true },
        { "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n", true },
        { "srcaddr\n", true },
        { "srcaddr future-field other-field\n", false }, /* one known name of three */
        { "{\"message\":\"" L1 "\"}", true },
        { "{\"logEvents\":[{\"message\": \"" L1 "\"}]}", true },
        { "[{\"dstaddr\":\"1.2.3.4\",\"log_status\":\"OK\"}]", true },
        { "{\"message\":\"GET /index.html 200\"}", false },
        { "{\"srcaddr\":\"1.2.3.4\",\"srcport\":\"53\",\"query_name\":\"x.\"}",
          false }, /* Route 53 */
        { "{\"Records\":[]}", false },
        { "{\"eventVersion\":\"1.08\",\"eventSource\":\"ec2.amazonaws.com\",\"message\":\"" L1
          "\"}",
          false },
        { "Phony unsupported log format.", false },
        { "2 123456789010 eni-1 10.0.0.1", false }, /* too short for any default */
        { "", false },
        { "   \n\n", false },
        { "# only a comment\n", false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        if (vg_format_vpcflow.sniff(cases[i].input, strlen(cases[i].input)) != cases[i].ok)
            fail_msg("sniff case %zu '%.50s': want %d", i, cases[i].input, cases[i].ok);
}

static const char *corpus_root(void)
{
    const char *env = getenv("VIGIL_CORPUS");
    return env && *env ? env : "../shared/corpus";
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct vg_buf b = VG_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(vg_buf_add(&b, chunk, n), VG_OK);
    fclose(f);
    return vg_buf_detach(&b, len);
}

/* Every file under dir (recursively): fn(path, rel). */
static void walk(const char *dir, const char *rel, void (*fn)(const char *, const char *, void *),
                 void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024], sub[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path, sub, fn, ctx);
        else if (S_ISREG(st.st_mode))
            fn(path, sub, ctx);
    }
    closedir(d);
}

/* What each flow log corpus file holds (tests/parse/vpcflow-expected.tsv says the same of
 * `vigil scan`, and why the two odd files are odd). */
static const struct {
    const char *path;
    bool sniffed;
    uint64_t records, events, bad, foreign;
    const char *lines;
} corpus_expect[] = {
    { "aws-docs/flow-log-example-accepted-rejected.log", true, 2, 2, 0, 0, "" },
    { "aws-docs/flow-log-example-ipv6.log", true, 1, 1, 0, 0, "" },
    { "aws-docs/flow-log-example-nat.log", true, 6, 6, 0, 0, "" },
    { "aws-docs/flow-log-example-no-data.log", true, 2, 2, 0, 0, "" },
    { "aws-docs/flow-log-example-security-groups.log", true, 2, 2, 0, 0, "" },
    { "aws-docs/flow-log-example-tcp-flag.log", true, 8, 8, 0, 0, "" },
    { "aws-docs/flow-log-example-tgw.log", true, 5, 4, 1, 0, "3" },
    { "aws-docs/flow-log-example-traffic-path.log", true, 2, 2, 0, 0, "" },
    { "elastic-beats/bad.log", false, 0, 0, 0, 0, "" },
    { "elastic-integrations/test-extra-samples.log", true, 7, 7, 0, 0, "" },
    { "elastic-integrations/test-tgw-samples.log", true, 10, 10, 0, 0, "" },
    { "elastic-integrations/test-v5-all-fields.log", true, 1, 1, 0, 0, "" },
    { "elastic-integrations/test-v8-samples.log", true, 1, 1, 0, 0, "" },
    { "elastic-integrations/test-with-message-field.log", true, 1, 1, 0, 0, "" },
    { "ocsf-examples/vpcflowlog.raw.json", true, 1, 1, 0, 0, "" },
};

struct corpus_walk {
    unsigned seen;
};

static void check_flow_file(const char *path, const char *rel, void *ctx)
{
    struct corpus_walk *w = ctx;
    size_t k = 0;
    while (k < VG_ARRAY_LEN(corpus_expect) && strcmp(corpus_expect[k].path, rel) != 0)
        k++;
    if (k == VG_ARRAY_LEN(corpus_expect))
        fail_msg("corpus file '%s' has no expectation here", rel);
    w->seen++;
    size_t len;
    char *data = read_whole(path, &len);
    bool sniffed = vg_format_vpcflow.sniff(data, len);
    const struct vg_format *detected = vg_format_detect(data, len);
    if (sniffed != corpus_expect[k].sniffed || (sniffed && detected != &vg_format_vpcflow))
        fail_msg("corpus '%s': sniffed %d, detected as '%s'", rel, sniffed,
                 detected ? detected->name : "none");
    struct run *r = parse_with(data, len, NULL);
    char lines[256];
    message_lines(r, lines, sizeof(lines));
    print_message("corpus %-50s %3" PRIu64 " records %3" PRIu64 " events %" PRIu64 " bad %s\n", rel,
                  r->stats.records, r->stats.events, r->stats.bad_records, lines);
    if (sniffed && (r->stats.records != corpus_expect[k].records ||
                    r->stats.events != corpus_expect[k].events ||
                    r->stats.bad_records != corpus_expect[k].bad ||
                    r->stats.foreign != corpus_expect[k].foreign ||
                    strcmp(lines, corpus_expect[k].lines) != 0)) {
        dump(r);
        fail_msg("corpus '%s' differs from its expectation", rel);
    }
    run_free(r);
    free(data);
}

static void test_vpcflow_corpus(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/vpcflow", corpus_root());
    struct corpus_walk w = { 0 };
    walk(dir, "", check_flow_file, &w);
    if (w.seen != VG_ARRAY_LEN(corpus_expect))
        fail_msg("%u flow log corpus files under '%s', %zu expected", w.seen, dir,
                 VG_ARRAY_LEN(corpus_expect));
}

/* No other corpus file looks like a flow log to the sniffer (it runs before CloudTrail's). */
static void not_a_flow_file(const char *path, const char *rel, void *ctx)
{
    unsigned *n = ctx;
    if (strncmp(rel, "vpcflow/", 8) == 0)
        return;
    size_t len;
    char *data = read_whole(path, &len);
    if (vg_format_vpcflow.sniff(data, len))
        fail_msg("'%s' is not a flow log, but the sniffer says it is", rel);
    (*n)++;
    free(data);
}

static void test_vpcflow_sniff_other_corpora(void **state)
{
    (void)state;
    unsigned n = 0;
    walk(corpus_root(), "", not_a_flow_file, &n);
    assert_true(n > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vpcflow_framing),
        cmocka_unit_test(test_vpcflow_header_orders),
        cmocka_unit_test(test_vpcflow_default_by_field_count),
        cmocka_unit_test(test_vpcflow_missing_dash),
        cmocka_unit_test(test_vpcflow_account_and_region_from_s3_key),
        cmocka_unit_test(test_vpcflow_nodata_skipdata),
        cmocka_unit_test(test_vpcflow_fields),
        cmocka_unit_test(test_vpcflow_locations),
        cmocka_unit_test(test_vpcflow_timestamps),
        cmocka_unit_test(test_vpcflow_numbers),
        cmocka_unit_test(test_vpcflow_tcp_flags),
        cmocka_unit_test(test_vpcflow_enums),
        cmocka_unit_test(test_vpcflow_ipv6),
        cmocka_unit_test(test_vpcflow_tgw),
        cmocka_unit_test(test_vpcflow_bad_lines),
        cmocka_unit_test(test_vpcflow_nul_byte),
        cmocka_unit_test(test_vpcflow_long_line),
        cmocka_unit_test(test_vpcflow_binary_garbage),
        cmocka_unit_test(test_vpcflow_header_too_wide),
        cmocka_unit_test(test_vpcflow_configured_format),
        cmocka_unit_test(test_vpcflow_json),
        cmocka_unit_test(test_vpcflow_address_differential),
        cmocka_unit_test(test_vpcflow_number_differential),
        cmocka_unit_test(test_vpcflow_sniff),
        cmocka_unit_test(test_vpcflow_corpus),
        cmocka_unit_test(test_vpcflow_sniff_other_corpora),
    };
    return cmocka_run_group_tests_name("vpcflow", tests, NULL, NULL);
}
