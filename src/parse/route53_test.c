/*
 * Unit tests for the Route 53 Resolver query log format (route53.h): every field of a record,
 * query name normalisation and hostile names, the answers walk, framing (JSON lines,
 * pretty-printed records, arrays, CloudWatch Logs subscription batches, `aws logs` output,
 * {"message"} envelopes, export lines), the S3 key fallbacks, bad records reported with their
 * line while their neighbours still parse, and sniffing against CloudTrail and VPC flow logs.
 *
 * Each case runs vg_format_route53.parse with a test vg_parse_ctx that copies every event
 * (events are only valid during the callback) and every diag message.
 */
#include "parse/route53.h"

#include "core/limits.h"
#include "parse/cloudtrail.h"
#include "parse/vpcflow.h"

#include <setjmp.h>
#include <cmocka.h>

#define MAX_EVENTS 16
#define MAX_MESSAGES 16
#define MAX_ANSWERS 8

struct seen_answer {
    char rdata[64];
    char type[16];
    char cls[8];
    uint16_t type_num;
    uint8_t ip_family;
};

/* An event copied out of the callback. */
struct seen {
    char account[32], region[32], version[16], name[VG_DNS_MAX_NAME_BYTES + 1], raw_name[300];
    char qtype[16], qclass[16], rcode[16], transport[8], vpc[32], instance[32], endpoint[32];
    char rni[32], fw_action[16], fw_group[32], fw_list[32];
    struct vg_dns_name shape;
    uint16_t qtype_num, qclass_num, port;
    enum vg_dns_rcode rcode_enum;
    enum vg_dns_firewall_action fw;
    struct vg_ip src;
    uint32_t answer_count;
    struct seen_answer answers[MAX_ANSWERS];
    size_t answers_walked;
    int64_t time_ms;
    uint64_t line, offset;
};

struct run {
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_diag diag;
    struct vg_parse_stats stats;
    struct vg_parse_ctx ctx;
    struct seen events[MAX_EVENTS];
    size_t count;
    char messages[MAX_MESSAGES][256];
    size_t message_count;
};

static void copy(char *dst, size_t cap, struct vg_str s)
{
    snprintf(dst, cap, "%.*s", (int)s.len, s.ptr ? s.ptr : "");
}

static void on_event(void *ctx, struct vg_event *ev)
{
    struct run *r = ctx;
    assert_true(r->count < MAX_EVENTS);
    struct seen *s = &r->events[r->count++];
    const struct vg_dns *d = &ev->dns;
    assert_int_equal(ev->source, VG_SOURCE_DNS);
    assert_non_null(ev->raw);
    copy(s->account, sizeof(s->account), ev->account_id);
    copy(s->region, sizeof(s->region), ev->region);
    copy(s->version, sizeof(s->version), d->version);
    copy(s->name, sizeof(s->name), d->query.text);
    copy(s->raw_name, sizeof(s->raw_name), d->query_name_raw);
    copy(s->qtype, sizeof(s->qtype), d->query_type_text);
    copy(s->qclass, sizeof(s->qclass), d->query_class_text);
    copy(s->rcode, sizeof(s->rcode), d->rcode_text);
    copy(s->transport, sizeof(s->transport), d->transport);
    copy(s->vpc, sizeof(s->vpc), d->vpc_id);
    copy(s->instance, sizeof(s->instance), d->instance_id);
    copy(s->endpoint, sizeof(s->endpoint), d->resolver_endpoint_id);
    copy(s->rni, sizeof(s->rni), d->resolver_interface_id);
    copy(s->fw_action, sizeof(s->fw_action), d->firewall_rule_action);
    copy(s->fw_group, sizeof(s->fw_group), d->firewall_rule_group_id);
    copy(s->fw_list, sizeof(s->fw_list), d->firewall_domain_list_id);
    s->shape = d->query;
    s->qtype_num = d->query_type;
    s->qclass_num = d->query_class;
    s->port = d->src_port;
    s->rcode_enum = d->rcode;
    s->fw = d->firewall_action;
    s->src = d->src;
    s->answer_count = d->answer_count;
    for (uint32_t i = 0; i < d->answer_count; i++) {
        const struct vg_dns_answer a = d->answers[i];
        assert_true(s->answers_walked < MAX_ANSWERS);
        struct seen_answer *sa = &s->answers[s->answers_walked++];
        copy(sa->rdata, sizeof(sa->rdata), a.rdata);
        copy(sa->type, sizeof(sa->type), a.type_text);
        copy(sa->cls, sizeof(sa->cls), a.class_text);
        sa->type_num = a.type;
        sa->ip_family = a.ip.family;
    }
    assert_int_equal(s->answers_walked, d->answer_count);
    s->time_ms = ev->time_ms;
    s->line = ev->ref.line;
    s->offset = ev->ref.offset;
}

static void on_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct run *r = ctx;
    (void)code;
    if (r->message_count < MAX_MESSAGES)
        snprintf(r->messages[r->message_count++], sizeof(r->messages[0]), "%s", message);
}

static struct run *run_new(const char *source)
{
    struct run *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    vg_arena_init(&r->arena, 1 << 16, 0);
    vg_json_parser_init(&r->json, &r->arena, VG_MAX_RECORD_BYTES);
    vg_diag_init(&r->diag, 100, on_diag, r);
    r->ctx = (struct vg_parse_ctx){
        .source = source,
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
    vg_json_parser_release(&r->json);
    vg_arena_release(&r->arena);
    free(r);
}

/* Parse one object as `vigil scan` would: the sniffer must pick this format first. */
static struct run *parse_as(const char *source, const char *text)
{
    struct run *r = run_new(source);
    size_t len = strlen(text);
    assert_ptr_equal(vg_format_detect(text, len), &vg_format_route53);
    assert_int_equal(vg_format_route53.parse(&r->ctx, text, len), VG_OK);
    assert_int_equal(r->stats.records, r->stats.events + r->stats.bad_records);
    return r;
}

static struct run *parse(const char *text)
{
    return parse_as("test.log", text);
}

static const char full_record[] =
    "{\"version\":\"1.100000\",\"account_id\":\"111122223333\",\"region\":\"eu-west-1\","
    "\"vpc_id\":\"vpc-0abc\",\"query_timestamp\":\"2021-02-04T17:51:55Z\","
    "\"query_name\":\"WWW.Example.COM.\",\"query_type\":\"AAAA\",\"query_class\":\"IN\","
    "\"rcode\":\"NOERROR\",\"answers\":[{\"Rdata\":\"web.example.com.\",\"Type\":\"CNAME\","
    "\"Class\":\"IN\"},{\"Rdata\":\"2001:db8::5\",\"Type\":\"AAAA\",\"Class\":\"IN\"}],"
    "\"srcaddr\":\"10.0.0.5\",\"srcport\":\"56067\",\"transport\":\"UDP\","
    "\"srcids\":{\"instance\":\"i-0d15cd0d3example\",\"resolver_endpoint\":\"rslvr-in-1\","
    "\"resolver_network_interface\":\"rni-1\"},\"firewall_rule_action\":\"BLOCK\","
    "\"firewall_rule_group_id\":\"rslvr-frg-1\",\"firewall_domain_list_id\":\"rslvr-fdl-1\"}\n";

static void test_route53_every_field(void **state)
{
    (void)state;
    struct run *r = parse(full_record);
    assert_int_equal(r->stats.events, 1);
    assert_int_equal(r->diag.total, 0);
    const struct seen *s = &r->events[0];
    assert_string_equal(s->version, "1.100000");
    assert_string_equal(s->account, "111122223333");
    assert_string_equal(s->region, "eu-west-1");
    assert_string_equal(s->vpc, "vpc-0abc");
    assert_int_equal(s->time_ms, 1612461115000);
    assert_string_equal(s->name, "www.example.com");
    assert_string_equal(s->raw_name, "WWW.Example.COM.");
    assert_int_equal(s->shape.flags, VG_DNS_NAME_UPPER);
    assert_int_equal(s->shape.labels, 3);
    assert_int_equal(s->shape.wire_len, 17);
    assert_int_equal(s->shape.longest_label, 7);
    assert_string_equal(s->qtype, "AAAA");
    assert_int_equal(s->qtype_num, 28);
    assert_string_equal(s->qclass, "IN");
    assert_int_equal(s->qclass_num, 1);
    assert_string_equal(s->rcode, "NOERROR");
    assert_int_equal(s->rcode_enum, VG_DNS_RCODE_NOERROR);
    assert_int_equal(s->src.family, 4);
    assert_memory_equal(s->src.addr, "\x0a\x00\x00\x05", 4);
    assert_int_equal(s->port, 56067);
    assert_string_equal(s->transport, "UDP");
    assert_string_equal(s->instance, "i-0d15cd0d3example");
    assert_string_equal(s->endpoint, "rslvr-in-1");
    assert_string_equal(s->rni, "rni-1");
    assert_string_equal(s->fw_action, "BLOCK");
    assert_int_equal(s->fw, VG_DNS_FW_BLOCK);
    assert_string_equal(s->fw_group, "rslvr-frg-1");
    assert_string_equal(s->fw_list, "rslvr-fdl-1");
    assert_int_equal(s->answer_count, 2);
    assert_string_equal(s->answers[0].rdata, "web.example.com.");
    assert_string_equal(s->answers[0].type, "CNAME");
    assert_int_equal(s->answers[0].type_num, 5);
    assert_int_equal(s->answers[0].ip_family, 0);
    assert_string_equal(s->answers[1].rdata, "2001:db8::5");
    assert_int_equal(s->answers[1].type_num, 28);
    assert_string_equal(s->answers[1].cls, "IN");
    assert_int_equal(s->answers[1].ip_family, 6);
    assert_int_equal(s->line, 1);
    run_free(r);
}

static void test_route53_codes(void **state)
{
    (void)state;
    static const struct {
        const char *qtype, *qclass, *rcode, *fw;
        uint16_t type, cls;
        enum vg_dns_rcode rc;
        enum vg_dns_firewall_action action;
    } cases[] = {
        { "A", "IN", "NXDOMAIN", "ALERT", 1, 1, VG_DNS_RCODE_NXDOMAIN, VG_DNS_FW_ALERT },
        { "https", "CH", "SERVFAIL", "ALLOW", 65, 3, VG_DNS_RCODE_SERVFAIL, VG_DNS_FW_ALLOW },
        { "TYPE65534", "CLASS254", "REFUSED", "", 65534, 254, VG_DNS_RCODE_REFUSED,
          VG_DNS_FW_NONE },
        { "TXT", "HS", "FORMERR", "DENY", 16, 4, VG_DNS_RCODE_OTHER, VG_DNS_FW_OTHER },
        { "BOGUS", "XX", "", "", 0, 0, VG_DNS_RCODE_NONE, VG_DNS_FW_NONE },
        { "TYPE70000", "CLASS", "", "", 0, 0, VG_DNS_RCODE_NONE, VG_DNS_FW_NONE },
        { "257", "ANY", "", "", 257, 255, VG_DNS_RCODE_NONE, VG_DNS_FW_NONE },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"a.\","
                 "\"query_type\":\"%s\",\"query_class\":\"%s\"%s%s%s%s%s%s}",
                 cases[i].qtype, cases[i].qclass, *cases[i].rcode ? ",\"rcode\":\"" : "",
                 cases[i].rcode, *cases[i].rcode ? "\"" : "",
                 *cases[i].fw ? ",\"firewall_rule_action\":\"" : "", cases[i].fw,
                 *cases[i].fw ? "\"" : "");
        struct run *r = parse(text);
        assert_int_equal(r->stats.events, 1);
        assert_int_equal(r->events[0].qtype_num, cases[i].type);
        assert_int_equal(r->events[0].qclass_num, cases[i].cls);
        assert_int_equal(r->events[0].rcode_enum, cases[i].rc);
        assert_int_equal(r->events[0].fw, cases[i].action);
        run_free(r);
    }
    assert_int_equal(vg_route53_rr_type(VG_STR("aaaa")), 28);
    assert_int_equal(vg_route53_rr_type(VG_STR("28")), 28);
    assert_int_equal(vg_route53_rr_type(VG_STR("")), 0);
}

static void test_route53_name_normalisation(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        uint32_t flags, labels, wire;
    } cases[] = {
        { "example.com.", "example.com", 0, 2, 13 },
        { "example.com", "example.com", 0, 2, 13 },
        { "ExAmple.COM.", "example.com", VG_DNS_NAME_UPPER, 2, 13 },
        { "xn--bcher-kva.example.", "xn--bcher-kva.example", 0, 2, 23 },
        { "a\\032b.example.", "a\\032b.example", VG_DNS_NAME_ESCAPED | VG_DNS_NAME_UNPRINTABLE, 2,
          13 },
        { "a\\.b.example.", "a\\.b.example", VG_DNS_NAME_ESCAPED, 2, 13 },
        { "\\065\\066c.", "abc", VG_DNS_NAME_ESCAPED | VG_DNS_NAME_UPPER, 1, 5 },
        { "a\\\\b.", "a\\\\b", VG_DNS_NAME_ESCAPED, 1, 5 },
        { "a\\-b.", "a-b", VG_DNS_NAME_ESCAPED, 1, 5 },
        { "\\000\\127\\200.", "\\000\\127\\200",
          VG_DNS_NAME_ESCAPED | VG_DNS_NAME_UNPRINTABLE | VG_DNS_NAME_NON_ASCII, 1, 5 },
        { "\xc3\xa9t\xc3\xa9.fr", "\\195\\169t\\195\\169.fr", VG_DNS_NAME_NON_ASCII, 2, 10 },
        { "a\x01"
          "b.",
          "a\\001b", VG_DNS_NAME_UNPRINTABLE, 1, 5 },
        { "a b.", "a\\032b", VG_DNS_NAME_UNPRINTABLE, 1, 5 },
        { "a\\256.", "a\\\\256", VG_DNS_NAME_BAD_ESCAPE, 1, 7 },
        { "a\\25", "a\\\\25", VG_DNS_NAME_BAD_ESCAPE, 1, 6 },
        { "a\\", "a\\\\", VG_DNS_NAME_BAD_ESCAPE, 1, 4 },
        { ".", "", VG_DNS_NAME_ROOT, 0, 1 },
        { "", "", VG_DNS_NAME_ROOT, 0, 1 },
        { "a..b.", "a..b", VG_DNS_NAME_EMPTY_LABEL, 3, 6 },
        { ".a.", ".a", VG_DNS_NAME_EMPTY_LABEL, 2, 4 },
        { "a..", "a.", VG_DNS_NAME_EMPTY_LABEL, 2, 4 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char out[VG_DNS_MAX_NAME_BYTES];
        struct vg_dns_name shape;
        size_t n = vg_route53_name_normalise(vg_str_from(cases[i].in), out, sizeof(out), &shape);
        char got[VG_DNS_MAX_NAME_BYTES + 1];
        snprintf(got, sizeof(got), "%.*s", (int)n, out);
        print_message("case %zu: '%s'\n", i, cases[i].in);
        assert_string_equal(got, cases[i].out);
        assert_int_equal(shape.flags, cases[i].flags);
        assert_int_equal(shape.labels, cases[i].labels);
        assert_int_equal(shape.wire_len, cases[i].wire);
    }
}

/* Names an attacker picks: long, deep, full of control bytes.  Kept, flagged, never a crash. */
static void test_route53_hostile_names(void **state)
{
    (void)state;
    char name[4096], text[8192];
    /* 127 one-byte labels: the deepest legal name (wire length exactly 255) */
    size_t n = 0;
    for (int i = 0; i < 127; i++)
        n += (size_t)snprintf(name + n, sizeof(name) - n, "a.");
    snprintf(text, sizeof(text),
             "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"%s\"}\n", name);
    struct run *r = parse(text);
    assert_int_equal(r->stats.events, 1);
    assert_int_equal(r->events[0].shape.labels, 127);
    assert_int_equal(r->events[0].shape.wire_len, 255);
    assert_int_equal(r->events[0].shape.flags, 0);
    assert_int_equal(strlen(r->events[0].name), 253);
    run_free(r);

    /* 300 bytes in one label, then 128 labels: too long, label too long */
    memset(name, 'x', 300);
    n = 300;
    for (int i = 0; i < 128; i++)
        n += (size_t)snprintf(name + n, sizeof(name) - n, ".b");
    name[n] = '\0';
    snprintf(text, sizeof(text),
             "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"%s.\"}\n", name);
    r = parse(text);
    assert_int_equal(r->stats.events, 1);
    assert_int_equal(r->events[0].shape.flags, VG_DNS_NAME_LONG_LABEL | VG_DNS_NAME_TOO_LONG);
    assert_int_equal(r->events[0].shape.labels, 129);
    assert_int_equal(r->events[0].shape.longest_label, 300);
    assert_string_equal(r->events[0].name, name);
    run_free(r);

    /* control bytes through JSON escapes, 2000 of them: the normal form is cut at the cap on an
     * escape boundary, the shape still counts them all */
    char *big = malloc(20000), *bigtext = malloc(20100);
    assert_non_null(big);
    assert_non_null(bigtext);
    n = 0;
    for (int i = 0; i < 2000; i++)
        n += (size_t)snprintf(big + n, 20000 - n, "\\u0001");
    snprintf(bigtext, 20100,
             "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"%s.evil.\"}\n", big);
    r = parse(bigtext);
    assert_int_equal(r->stats.events, 1);
    assert_int_equal(r->events[0].shape.flags, VG_DNS_NAME_UNPRINTABLE | VG_DNS_NAME_CUT |
                                                   VG_DNS_NAME_LONG_LABEL | VG_DNS_NAME_TOO_LONG);
    assert_int_equal(r->events[0].shape.longest_label, 2000);
    assert_int_equal(strlen(r->events[0].name), VG_DNS_MAX_NAME_BYTES);
    assert_int_equal(strncmp(r->events[0].name, "\\001\\001", 8), 0);
    run_free(r);
    free(big);
    free(bigtext);

    /* a NUL byte and DEL in the name, and a cut in the middle of an escape */
    char out[6];
    struct vg_dns_name shape;
    n = vg_route53_name_normalise((struct vg_str){ "ab\0\x7f", 4 }, out, sizeof(out), &shape);
    assert_int_equal(n, 2 + 4 - 0);
    assert_memory_equal(out, "ab\\000", 6);
    assert_int_equal(shape.flags, VG_DNS_NAME_UNPRINTABLE | VG_DNS_NAME_CUT);
    assert_int_equal(shape.wire_len, 6);
}

static void test_route53_name_zero_copy(void **state)
{
    (void)state;
    /* a name already in normal form is a slice of the record; one that changes is a copy */
    static const char text[] =
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"plain.example.\"}";
    struct run *r = run_new("t");
    struct vg_diag_loc loc = { "t", 1, 0 };
    size_t pos = 0;
    const struct vg_json_value *rec;
    struct vg_json_error err;
    assert_int_equal(vg_json_parse(&r->json, text, strlen(text), &pos, &rec, &err), VG_JSON_OK);
    struct vg_event ev;
    assert_true(vg_route53_map(&r->ctx, rec, &loc, "", &ev));
    assert_true(ev.dns.query.text.ptr >= text && ev.dns.query.text.ptr < text + sizeof(text));
    assert_int_equal(ev.dns.query.text.len, 13);
    run_free(r);
}

static void test_route53_answers(void **state)
{
    (void)state;
    struct run *r = parse(
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"a.\",\"answers\":["
        "{\"Rdata\":\"1.2.3.4\",\"Type\":\"A\",\"Class\":\"IN\"},"
        "\"junk\",{\"Rdata\":\"::1\",\"Type\":\"A\"},{\"Rdata\":\"169.254.169.254\",\"Type\":"
        "\"AAAA\"},"
        "{\"Rdata\":\"fd00:ec2::254\",\"Type\":\"AAAA\"},{\"Rdata\":\"v=spf1 "
        "-all\",\"Type\":\"TXT\"},"
        "{\"Type\":\"A\"},{\"Rdata\":[1],\"Type\":{}}]}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"b.\",\"answers\":[]}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"c.\",\"answers\":null}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"d.\",\"answers\":{}}\n");
    assert_int_equal(r->stats.events, 4);
    const struct seen *s = &r->events[0];
    assert_int_equal(s->answer_count, 7);
    assert_int_equal(s->answers[0].ip_family, 4);
    assert_int_equal(s->answers[1].ip_family, 0); /* an IPv6 address in an A answer */
    assert_int_equal(s->answers[2].ip_family, 0); /* and the other way round */
    assert_int_equal(s->answers[3].ip_family, 6);
    assert_string_equal(s->answers[4].rdata, "v=spf1 -all");
    assert_int_equal(s->answers[4].type_num, 16);
    assert_string_equal(s->answers[5].rdata, "");
    assert_string_equal(s->answers[6].rdata, "");
    for (int i = 1; i < 4; i++)
        assert_int_equal(r->events[i].answer_count, 0);
    /* one report for the non-object element, one for answers that are no array */
    assert_int_equal(r->diag.counts[VG_DIAG_FIELD], 2);
    assert_non_null(strstr(r->messages[0], "test.log:1: field 'answers[1]' is not an object"));
    assert_non_null(strstr(r->messages[1], "test.log:4: field 'answers' is not an array"));
    run_free(r);
}

static void test_route53_envelopes(void **state)
{
    (void)state;
    /* a CloudWatch Logs subscription batch */
    struct run *r = parse(
        "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"111122223333\",\"logGroup\":\"/dns\","
        "\"logStream\":\"vpc-1\",\"subscriptionFilters\":[\"f\"],\"logEvents\":["
        "{\"id\":\"1\",\"timestamp\":1700000000000,\"message\":\"{\\\"query_timestamp\\\":"
        "\\\"2023-11-14T22:13:20Z\\\",\\\"query_name\\\":\\\"one.example.\\\"}\"},"
        "{\"id\":\"2\",\"timestamp\":1700000000000,\"message\":\"{\\\"query_timestamp\\\":"
        "\\\"2023-11-14T22:13:20Z\\\",\\\"query_name\\\":\\\"Two.example.\\\"}\\n\"},"
        "{\"id\":\"3\",\"message\":\"not json\"},{\"id\":\"4\"},{\"id\":\"5\",\"message\":7}]}\n");
    assert_int_equal(r->stats.records, 5);
    assert_int_equal(r->stats.events, 2);
    assert_string_equal(r->events[0].name, "one.example");
    assert_string_equal(r->events[1].name, "two.example");
    assert_int_equal(r->events[1].line, 1);
    assert_int_equal(r->message_count, 3);
    assert_non_null(strstr(r->messages[0], "test.log:1: log event 2: message is not a JSON"));
    assert_non_null(strstr(r->messages[1], "log event 3: no 'message'"));
    assert_non_null(strstr(r->messages[2], "log event 4: field 'message' is not a string"));
    run_free(r);

    /* the control message that opens a subscription: foreign, no records */
    r = parse("{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"id\":\"\",\"message\":"
              "\"CWL CONTROL MESSAGE: Checking health of destination\"}],"
              "\"x\":\"\\\"query_name\\\"\\\"query_type\\\"\"}");
    assert_int_equal(r->stats.records, 0);
    assert_int_equal(r->stats.foreign, 1);
    run_free(r);

    /* `aws logs filter-log-events` output, a Firehose {"message"} and an export line */
    r = parse("{\"events\":[{\"logStreamName\":\"s\",\"timestamp\":1,\"message\":"
              "\"{\\\"query_timestamp\\\":\\\"2024-01-01T00:00:00Z\\\",\\\"query_name\\\":"
              "\\\"a.\\\",\\\"query_type\\\":\\\"A\\\"}\"}]}\n"
              "{\"message\":\"{\\\"query_timestamp\\\":\\\"2024-01-01T00:00:00Z\\\","
              "\\\"query_name\\\":\\\"b.\\\"}\"}\n"
              "2024-01-01T00:00:00.123Z {\"query_timestamp\":\"2024-01-01T00:00:00Z\","
              "\"query_name\":\"c.\"}\n");
    assert_int_equal(r->stats.events, 3);
    assert_int_equal(r->diag.total, 0);
    assert_string_equal(r->events[2].name, "c");
    assert_int_equal(r->events[2].line, 3);
    run_free(r);
}

static void test_route53_framing(void **state)
{
    (void)state;
    /* pretty-printed records, one after another, then an array of two */
    struct run *r = parse("\xEF\xBB\xBF{\n  \"query_name\": \"a.\",\n"
                          "  \"query_timestamp\": \"2024-01-01T00:00:00Z\"\n}\n"
                          "{\n  \"query_name\": \"b.\",\n"
                          "  \"query_timestamp\": \"2024-01-01T00:00:01Z\"\n}"
                          "[{\"query_name\":\"c.\",\"query_timestamp\":\"2024-01-01T00:00:02Z\"},\n"
                          " {\"query_name\":\"d.\",\"query_timestamp\":\"2024-01-01T00:00:03Z\"}]");
    assert_int_equal(r->stats.events, 4);
    assert_int_equal(r->diag.total, 0);
    assert_int_equal(r->events[1].line, 5);
    assert_int_equal(r->events[3].line, 9);
    assert_string_equal(r->events[3].name, "d");
    run_free(r);
}

static void test_route53_bad_records(void **state)
{
    (void)state;
    struct run *r = parse(
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"good1.\"}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"cut.\"\n"
        "{\"query_name\":\"no-time.\",\"query_type\":\"A\"}\n"
        "{\"query_timestamp\":\"2024-01-01 00:00:00\",\"query_name\":\"no-zone.\"}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":7}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"x.\",\"srcaddr\":\"nope\","
        "\"srcport\":\"70000\",\"srcids\":[],\"transport\":{},\"account_id\":123456789012}\n"
        "[1]\n"
        "{\"hello\":\"world\"}\n"
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"good2.\"}");
    assert_int_equal(r->stats.records, 8);
    assert_int_equal(r->stats.events, 3);
    assert_int_equal(r->stats.bad_records, 5);
    assert_int_equal(r->stats.foreign, 1);
    assert_string_equal(r->events[0].name, "good1");
    assert_string_equal(r->events[1].name, "x");
    assert_string_equal(r->events[1].account, "123456789012");
    assert_int_equal(r->events[1].src.family, 0);
    assert_int_equal(r->events[1].port, 0);
    assert_string_equal(r->events[2].name, "good2");
    assert_int_equal(r->events[2].line, 9);
    static const char *const want[] = {
        "test.log:2: record is not valid JSON",
        "test.log:3: record has no 'query_timestamp'; skipped",
        "test.log:4: field 'query_timestamp' is not a timestamp with a time zone "
        "('2024-01-01 00:00:00'); skipped",
        "test.log:5: record has no string 'query_name'; skipped",
        "test.log:6: field 'srcaddr' is not an IP address ('nope'); ignored",
        "test.log:6: field 'srcport' is not a port number ('70000'); ignored",
        "test.log:6: field 'srcids' is not an object; ignored",
        "test.log:6: field 'transport' is not a string; ignored",
        "test.log:7: record is not a JSON object; skipped",
        "test.log:8: record is not a Route 53 Resolver query log record",
    };
    assert_int_equal(r->message_count, VG_ARRAY_LEN(want));
    for (size_t i = 0; i < VG_ARRAY_LEN(want); i++) {
        print_message("message %zu: %s\n", i, r->messages[i]);
        assert_non_null(strstr(r->messages[i], want[i]));
    }
    run_free(r);

    /* an array that never closes, and a JSON error inside an array */
    r = parse("[{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"a.\"},"
              "{\"query_name\":\"b.\",\"query_timestamp\":},"
              "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"c.\"}");
    assert_int_equal(r->stats.events, 2);
    assert_int_equal(r->stats.bad_records, 1);
    assert_non_null(strstr(r->messages[1], "file ends inside the array of records"));
    run_free(r);
}

static void test_route53_s3_key(void **state)
{
    (void)state;
    struct run *r = parse_as(
        "logs/AWSLogs/444455556666/vpcdnsquerylogs/vpc-0f00/2024/01/01/x.log.gz",
        "{\"query_timestamp\":\"2024-01-01T00:00:00Z\",\"query_name\":\"a.\"}\n"
        "{\"account_id\":\"1\",\"vpc_id\":\"vpc-own\",\"query_timestamp\":\"2024-01-01T00:00:00Z\","
        "\"query_name\":\"a.\"}\n");
    assert_string_equal(r->events[0].account, "444455556666");
    assert_string_equal(r->events[0].vpc, "vpc-0f00");
    assert_string_equal(r->events[1].account, "1");
    assert_string_equal(r->events[1].vpc, "vpc-own");
    run_free(r);
}

static void test_route53_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool ours;
    } cases[] = {
        { "{\"query_name\":\"a.\",\"query_timestamp\":\"2024-01-01T00:00:00Z\"}", true },
        { "{\"logEvents\":[{\"message\":\"{\\\"query_timestamp\\\":\\\"x\\\",\\\"query_name\\\":"
          "\\\"a.\\\"}\"}]}",
          true },
        { "2024-01-01T00:00:00Z {\"query_name\":\"a.\",\"query_type\":\"A\"}", true },
        /* CloudTrail about Route 53 Resolver: never ours */
        { "{\"eventVersion\":\"1.08\",\"eventSource\":\"route53resolver.amazonaws.com\","
          "\"requestParameters\":{\"query_name\":\"a\",\"query_type\":\"A\"}}",
          false },
        /* flow records split into keys */
        { "{\"srcaddr\":\"10.0.0.1\",\"dstaddr\":\"10.0.0.2\",\"query_name\":\"a\","
          "\"query_type\":\"A\"}",
          false },
        { "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n", false },
        { "{\"query_name\":\"a.\"}", false }, /* a name alone is not enough */
        { "query_name query_timestamp", false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        print_message("case %zu\n", i);
        assert_int_equal(vg_format_route53.sniff(cases[i].text, strlen(cases[i].text)),
                         cases[i].ours);
    }
    /* and the formats before it leave Route 53 records alone */
    assert_false(vg_format_cloudtrail.sniff(full_record, strlen(full_record)));
    assert_false(vg_format_vpcflow.sniff(full_record, strlen(full_record)));
    assert_ptr_equal(vg_format_detect(full_record, strlen(full_record)), &vg_format_route53);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route53_every_field),
        cmocka_unit_test(test_route53_codes),
        cmocka_unit_test(test_route53_name_normalisation),
        cmocka_unit_test(test_route53_hostile_names),
        cmocka_unit_test(test_route53_name_zero_copy),
        cmocka_unit_test(test_route53_answers),
        cmocka_unit_test(test_route53_envelopes),
        cmocka_unit_test(test_route53_framing),
        cmocka_unit_test(test_route53_bad_records),
        cmocka_unit_test(test_route53_s3_key),
        cmocka_unit_test(test_route53_sniff),
    };
    return cmocka_run_group_tests_name("route53", tests, NULL, NULL);
}
