/*
 * Unit tests for the CloudTrail format (cloudtrail.h): framing (S3 delivery objects compact and
 * pretty-printed, JSON lines, EventBridge envelopes, JSON arrays, digest files, foreign S3
 * event notifications, a BOM), the reporting of bad records with their line while their
 * neighbours still parse, and the mapping of records into struct vg_event.
 *
 * Each case runs vg_format_cloudtrail.parse with a test vg_parse_ctx that copies every event
 * (events are only valid during the callback) and every diag message, then asserts on the
 * events, the stats and the sink.
 */
#include "parse/cloudtrail.h"

#include "core/buf.h"
#include "core/limits.h"

#include <setjmp.h>
#include <cmocka.h>

#define MAX_EVENTS 16
#define MAX_MESSAGES 16

/* An event copied out of the callback. */
struct seen {
    char name[64];
    char source[64];
    char region[32];
    char account[32];
    char type_name[32];
    char arn[128];
    char issuer_type[16];
    char issuer_arn[128];
    char issuer_user[64];
    char invoked_by[64];
    char ec2_role_delivery[8];
    char ip_text[64];
    char user_agent[64];
    enum vg_identity_type id_type;
    enum vg_tristate mfa;
    enum vg_tristate read_only;
    bool assumed_root;
    bool management;
    bool has_request_parameters;
    uint8_t ip_family;
    int64_t time_ms;
    int64_t session_created_ms;
    uint64_t line;
    uint64_t offset;
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
    enum vg_diag_code codes[MAX_MESSAGES];
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
    const struct vg_cloudtrail *ct = &ev->ct;
    const struct vg_identity *id = &ct->identity;
    assert_int_equal(ev->source, VG_SOURCE_CLOUDTRAIL);
    assert_non_null(ev->raw);
    assert_string_equal(ev->ref.source, "test.json");
    copy(s->name, sizeof(s->name), ct->event_name);
    copy(s->source, sizeof(s->source), ct->event_source);
    copy(s->region, sizeof(s->region), ev->region);
    copy(s->account, sizeof(s->account), ev->account_id);
    copy(s->type_name, sizeof(s->type_name), id->type_name);
    copy(s->arn, sizeof(s->arn), id->arn);
    copy(s->issuer_type, sizeof(s->issuer_type), id->issuer_type);
    copy(s->issuer_arn, sizeof(s->issuer_arn), id->issuer_arn);
    copy(s->issuer_user, sizeof(s->issuer_user), id->issuer_user_name);
    copy(s->invoked_by, sizeof(s->invoked_by), id->invoked_by);
    copy(s->ec2_role_delivery, sizeof(s->ec2_role_delivery), id->ec2_role_delivery);
    copy(s->ip_text, sizeof(s->ip_text), ct->source_ip_text);
    copy(s->user_agent, sizeof(s->user_agent), ct->user_agent);
    s->id_type = id->type;
    s->mfa = id->mfa_authenticated;
    s->read_only = ct->read_only;
    s->assumed_root = id->assumed_root;
    s->management = ct->management_event;
    s->has_request_parameters = ct->request_parameters != NULL;
    s->ip_family = ct->source_ip.family;
    s->time_ms = ev->time_ms;
    s->session_created_ms = id->session_created_ms;
    s->line = ev->ref.line;
    s->offset = ev->ref.offset;
}

static void on_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct run *r = ctx;
    if (r->message_count < MAX_MESSAGES) {
        snprintf(r->messages[r->message_count], sizeof(r->messages[0]), "%s", message);
        r->codes[r->message_count] = code;
        r->message_count++;
    }
}

static struct run *run_new(void)
{
    struct run *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    vg_arena_init(&r->arena, 1 << 16, 0);
    vg_json_parser_init(&r->json, &r->arena, VG_MAX_RECORD_BYTES);
    vg_diag_init(&r->diag, 100, on_diag, r);
    r->ctx = (struct vg_parse_ctx){
        .source = "test.json",
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

/* Parse one object as `vigil scan` would: the sniffer must accept it first. */
static void run_parse(struct run *r, const char *buf, size_t len)
{
    assert_true(vg_format_cloudtrail.sniff(buf, len));
    assert_int_equal(vg_format_cloudtrail.parse(&r->ctx, buf, len), VG_OK);
    vg_arena_reset(&r->arena);
}

static struct run *parse_str(const char *buf)
{
    struct run *r = run_new();
    run_parse(r, buf, strlen(buf));
    return r;
}

static bool has_message(const struct run *r, enum vg_diag_code code, const char *text)
{
    for (size_t i = 0; i < r->message_count; i++)
        if (r->codes[i] == code && strstr(r->messages[i], text))
            return true;
    return false;
}

static void dump(const struct run *r)
{
    for (size_t i = 0; i < r->message_count; i++)
        print_message("  diag[%zu] %s: %s\n", i, vg_diag_code_name(r->codes[i]), r->messages[i]);
    for (size_t i = 0; i < r->count; i++)
        print_message("  event[%zu] %s line %" PRIu64 "\n", i, r->events[i].name,
                      r->events[i].line);
}

/* A minimal valid record; `name` is its eventName. */
#define EV(name)                                                                                   \
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":"           \
    "\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"accountId\":"              \
    "\"111122223333\",\"userName\":\"alice\"},\"eventTime\":\"2024-03-01T12:00:00Z\","             \
    "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"" name "\",\"awsRegion\":"              \
    "\"us-east-1\",\"sourceIPAddress\":\"203.0.113.7\",\"userAgent\":\"aws-cli/2.15.0\","          \
    "\"requestParameters\":{\"userName\":\"bob\"},\"responseElements\":null,\"eventID\":"          \
    "\"0f3c4e2a\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"       \
    "\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\"}"

/* 2024-03-01T12:00:00Z */
#define T0_MS INT64_C(1709294400000)

/* ==== framing ==== */

struct framing_case {
    const char *what;
    const char *input;
    const char *names; /* expected event names, comma-separated, in order */
    uint64_t records, bad, digests, foreign;
    unsigned diags;         /* messages reported */
    enum vg_diag_code code; /* of the first message, when there is one */
    const char *text;       /* part of the first message */
};

static const char pretty_delivery[] = "{\n"
                                      "  \"Records\": [\n"
                                      "    {\n"
                                      "      \"eventVersion\": \"1.08\",\n"
                                      "      \"eventTime\": \"2024-03-01T12:00:00Z\",\n"
                                      "      \"eventSource\": \"iam.amazonaws.com\",\n"
                                      "      \"eventName\": \"CreateUser\",\n"
                                      "      \"userIdentity\": { \"type\": \"IAMUser\" }\n"
                                      "    },\n"
                                      "    {\n"
                                      "      \"eventVersion\": \"1.08\",\n"
                                      "      \"eventTime\": \"2024-03-01T12:00:01.500Z\",\n"
                                      "      \"eventSource\": \"iam.amazonaws.com\",\n"
                                      "      \"eventName\": \"AttachUserPolicy\"\n"
                                      "    }\n"
                                      "  ]\n"
                                      "}\n";

static void check_framing(const struct framing_case *c, size_t i)
{
    struct run *r = parse_str(c->input);
    char names[256] = "";
    size_t n = 0;
    for (size_t k = 0; k < r->count; k++) {
        int w = snprintf(names + n, sizeof(names) - n, "%s%s", k ? "," : "", r->events[k].name);
        n += w > 0 ? (size_t)w : 0;
        if (n >= sizeof(names))
            n = sizeof(names) - 1;
    }
    bool ok = strcmp(names, c->names) == 0 && r->stats.records == c->records &&
              r->stats.events == r->count && r->stats.bad_records == c->bad &&
              r->stats.digests == c->digests && r->stats.foreign == c->foreign &&
              r->diag.total == c->diags && r->message_count == c->diags &&
              (c->diags == 0 || (r->codes[0] == c->code && strstr(r->messages[0], c->text)));
    if (!ok) {
        print_message("case %zu (%s): events '%s', records %" PRIu64 ", bad %" PRIu64
                      ", digests %" PRIu64 ", foreign %" PRIu64 ", diags %" PRIu64 "\n",
                      i, c->what, names, r->stats.records, r->stats.bad_records, r->stats.digests,
                      r->stats.foreign, r->diag.total);
        dump(r);
        run_free(r);
        fail_msg("framing case %zu (%s) failed", i, c->what);
    }
    run_free(r);
}

static void test_cloudtrail_framing(void **state)
{
    (void)state;
    // clang-format off
    static const struct framing_case cases[] = {
        { "S3 delivery object, compact",
          "{\"Records\":[" EV("CreateUser") "," EV("AttachUserPolicy") "," EV("CreateAccessKey") "]}",
          "CreateUser,AttachUserPolicy,CreateAccessKey", 3, 0, 0, 0, 0, 0, NULL },
        { "S3 delivery object, pretty-printed",
          pretty_delivery,
          "CreateUser,AttachUserPolicy", 2, 0, 0, 0, 0, 0, NULL },
        { "S3 delivery object, white space around the key",
          " \n{ \"Records\" :\n[ " EV("A") " ,\n " EV("B") " ] }\n",
          "A,B", 2, 0, 0, 0, 0, 0, NULL },
        { "S3 delivery object, empty",
          "{\"Records\":[]}",
          "", 0, 0, 0, 0, 0, 0, NULL },
        { "JSON lines",
          EV("A") "\n" EV("B") "\n\n" EV("C") "\n",
          "A,B,C", 3, 0, 0, 0, 0, 0, NULL },
        { "JSON lines, CRLF and no final newline",
          EV("A") "\r\n" EV("B"),
          "A,B", 2, 0, 0, 0, 0, 0, NULL },
        { "EventBridge envelope",
          "{\"version\":\"0\",\"id\":\"6a7e8feb\",\"detail-type\":\"AWS API Call via CloudTrail\","
          "\"source\":\"aws.iam\",\"account\":\"111122223333\",\"time\":\"2024-03-01T12:00:00Z\","
          "\"region\":\"us-east-1\",\"resources\":[],\"detail\":" EV("CreateUser") "}\n"
          "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.sts\","
          "\"detail\":" EV("AssumeRole") "}\n",
          "CreateUser,AssumeRole", 2, 0, 0, 0, 0, 0, NULL },
        { "JSON array of events",
          "[" EV("A") ",\n" EV("B") "]",
          "A,B", 2, 0, 0, 0, 0, 0, NULL },
        { "pretty-printed events separated by commas",
          EV("A") ",\n" EV("B") "\n",
          "A,B", 2, 0, 0, 0, 0, 0, NULL },
        { "digest file",
          "{\"awsAccountId\":\"111122223333\",\"digestStartTime\":\"2024-03-01T11:00:00Z\","
          "\"digestEndTime\":\"2024-03-01T12:00:00Z\",\"digestS3Bucket\":\"b\",\"digestS3Object\":"
          "\"o\",\"digestSignatureAlgorithm\":\"SHA256withRSA\",\"logFiles\":[{\"s3Object\":\"x\","
          "\"newestEventTime\":\"2024-03-01T11:59:00Z\"}]}",
          "", 0, 0, 1, 0, 0, 0, NULL },
        { "S3 event notification",
          "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":"
          "\"us-east-1\",\"eventTime\":\"1970-01-01T00:00:00.000Z\",\"eventName\":"
          "\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"}}},{\"eventVersion\":\"2.1\","
          "\"eventSource\":\"aws:s3\",\"eventTime\":\"1970-01-01T00:00:00.000Z\",\"eventName\":"
          "\"ObjectRemoved:Delete\"}]}",
          "", 0, 0, 0, 2, 1, VG_DIAG_NOT_LOG,
          "test.json:1: record is not a CloudTrail event (eventSource 'aws:s3'" },
        { "bad record in the middle of Records[]",
          "{\"Records\":[\n" EV("A") ",\n{\"eventTime\": oops, \"x\": [1]},\n" EV("C") "\n]}",
          "A,C", 3, 1, 0, 0, 1, VG_DIAG_JSON, "test.json:3: record is not valid JSON: " },
        { "bad record in the middle of JSON lines",
          EV("A") "\n{\"eventTime\":\"2024-03-01T12:00:00Z\",\n" EV("C") "\n",
          "A,C", 3, 1, 0, 0, 1, VG_DIAG_JSON, "test.json:2: record is not valid JSON: " },
        { "record that is not an object",
          "{\"Records\":[" EV("A") ",42,\"s\"," EV("B") "]}",
          "A,B", 4, 2, 0, 0, 2, VG_DIAG_FIELD, "record is not a JSON object" },
        { "records nested too deep",
          "{\"Records\":[" EV("A") ",{\"requestParameters\":"
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},"
          EV("B") "]}",
          "A,B", 3, 1, 0, 0, 1, VG_DIAG_TOO_DEEP, "nesting deeper than the limit" },
        { "truncated delivery object",
          "{\"Records\":[" EV("A") ",\n{\"eventTime\":\"2024-03",
          "A", 2, 1, 0, 0, 2, VG_DIAG_JSON, "test.json:2: record is not valid JSON" },
        { "missing comma between records",
          "{\"Records\":[" EV("A") " " EV("B") "]}",
          "A", 1, 0, 0, 0, 1, VG_DIAG_JSON,
          "expected ',' or ']' between records; rest of file skipped" },
        { "UTF-8 BOM before JSON lines",
          "\xEF\xBB\xBF" EV("A") "\n" EV("B") "\n",
          "A,B", 2, 0, 0, 0, 0, 0, NULL },
        { "UTF-8 BOM before a delivery object",
          "\xEF\xBB\xBF{\"Records\":[" EV("A") "]}",
          "A", 1, 0, 0, 0, 0, 0, NULL },
    };
    // clang-format on
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        check_framing(&cases[i], i);
}

/* Record locations: line and offset of each record's first byte. */
static void test_cloudtrail_locations(void **state)
{
    (void)state;
    struct run *r = parse_str(pretty_delivery);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->events[0].line, 3);
    assert_int_equal(r->events[1].line, 10);
    assert_int_equal(pretty_delivery[r->events[0].offset], '{');
    assert_int_equal(r->events[0].offset, strstr(pretty_delivery, "    {") - pretty_delivery + 4);
    assert_int_equal(r->events[1].time_ms, T0_MS + 1500);
    run_free(r);

    static const char lines[] = EV("A") "\n\n" EV("B") "\n" EV("C");
    r = parse_str(lines);
    assert_int_equal(r->count, 3);
    assert_int_equal(r->events[0].line, 1);
    assert_int_equal(r->events[1].line, 3);
    assert_int_equal(r->events[2].line, 4);
    assert_int_equal(r->events[0].offset, 0);
    assert_int_equal(r->events[2].offset, strrchr(lines, '\n') - lines + 1);
    run_free(r);
}

/* Digest files and S3 notifications are counted, and say so at most once per file. */
static void test_cloudtrail_foreign_once_per_file(void **state)
{
    (void)state;
    static const char notification[] =
        "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventTime\":\"1970-01-01T00:00:00.000Z\"},"
        "{\"eventSource\":\"aws:s3\",\"eventTime\":\"1970-01-01T00:00:00.000Z\"},"
        "{\"eventSource\":\"aws:sqs\",\"eventTime\":\"1970-01-01T00:00:00.000Z\"}]}";
    static const char digest[] = "{\"digestStartTime\":\"2024-03-01T11:00:00Z\",\"logFiles\":[]}";
    struct run *r = run_new();
    run_parse(r, notification, sizeof(notification) - 1);
    run_parse(r, notification, sizeof(notification) - 1);
    run_parse(r, digest, sizeof(digest) - 1);
    run_parse(r, digest, sizeof(digest) - 1);
    assert_int_equal(r->stats.foreign, 6);
    assert_int_equal(r->stats.digests, 2);
    assert_int_equal(r->stats.records, 0);
    assert_int_equal(r->count, 0);
    assert_int_equal(r->diag.total, 2); /* one per notification file, none for digests */
    assert_int_equal(r->diag.counts[VG_DIAG_NOT_LOG], 2);
    run_free(r);
}

/* A record over VG_MAX_RECORD_BYTES is reported as too big; its neighbours still parse. */
static void test_cloudtrail_record_too_big(void **state)
{
    (void)state;
    for (int framing = 0; framing < 2; framing++) {
        struct vg_buf b = VG_BUF_INIT;
        struct run *r = run_new();
        vg_buf_adds(&b, framing ? "{\"Records\":[\n" EV("A") ",\n" : EV("A") "\n");
        vg_buf_adds(&b,
                    "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                    "\"eventName\":\"Big\",\"requestParameters\":{\"pad\":\"");
        assert_int_equal(vg_buf_reserve(&b, 2u << 20), VG_OK);
        memset(b.data + b.len, 'x', 2u << 20);
        b.len += 2u << 20;
        vg_buf_adds(&b, "\",\"list\":[1,2,{\"a\":\"]\"}]}}");
        vg_buf_adds(&b, framing ? ",\n" EV("C") "\n]}" : "\n" EV("C") "\n");
        run_parse(r, b.data, b.len);
        if (r->count != 2 || strcmp(r->events[0].name, "A") || strcmp(r->events[1].name, "C")) {
            dump(r);
            fail_msg("framing %d: neighbours of a big record lost", framing);
        }
        assert_int_equal(r->stats.bad_records, 1);
        assert_int_equal(r->diag.total, 1);
        assert_int_equal(r->diag.counts[VG_DIAG_TOO_BIG], 1);
        assert_true(has_message(r, VG_DIAG_TOO_BIG, framing ? "test.json:3: " : "test.json:2: "));
        run_free(r);
        vg_buf_release(&b);
    }
}

/* ==== record validation ==== */

static void test_cloudtrail_event_time(void **state)
{
    (void)state;
    static const struct {
        const char *time; /* JSON text of eventTime; NULL: absent */
        bool ok;
        int64_t ms;
    } cases[] = {
        { "\"2024-03-01T12:00:00Z\"", true, T0_MS },
        { "\"2024-03-01T12:00:00.250Z\"", true, T0_MS + 250 },
        { "\"2024-03-01T14:00:00+02:00\"", true, T0_MS },
        { "\"yesterday\"", false, 0 },
        { "\"2024-03-01T12:00:00\"", false, 0 },  /* no time zone */
        { "\"2024-02-30T12:00:00Z\"", false, 0 }, /* no such day */
        { "\"\"", false, 0 },
        { "1709294400", false, 0 },
        { "null", false, 0 },
        { "{\"t\":1}", false, 0 },
        { NULL, false, 0 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_buf b = VG_BUF_INIT;
        vg_buf_adds(&b, "{\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"X\"");
        if (cases[i].time)
            vg_buf_printf(&b, ",\"eventTime\":%s", cases[i].time);
        vg_buf_adds(&b, "}\n" EV("Next") "\n");
        struct run *r = run_new();
        run_parse(r, b.data, b.len);
        size_t want = cases[i].ok ? 2 : 1;
        if (r->count != want || strcmp(r->events[want - 1].name, "Next") != 0) {
            dump(r);
            fail_msg("eventTime %s: %zu events, want %zu", cases[i].time ? cases[i].time : "absent",
                     r->count, want);
        }
        if (cases[i].ok) {
            assert_int_equal(r->events[0].time_ms, cases[i].ms);
            assert_int_equal(r->diag.total, 0);
        } else {
            assert_int_equal(r->stats.bad_records, 1);
            assert_int_equal(r->diag.counts[VG_DIAG_FIELD], 1);
            const char *text = cases[i].time ? "test.json:1: field 'eventTime' is not a timestamp"
                                             : "test.json:1: record has no 'eventTime'; skipped";
            if (!has_message(r, VG_DIAG_FIELD, text)) {
                dump(r);
                fail_msg("eventTime %s: message missing", cases[i].time ? cases[i].time : "absent");
            }
        }
        run_free(r);
        vg_buf_release(&b);
    }
}

static void test_cloudtrail_required_fields(void **state)
{
    (void)state;
    static const struct {
        const char *record;
        const char *text;
    } cases[] = {
        { "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventName\":\"X\"}",
          "record has no string 'eventSource'; skipped" },
        { "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":\"iam.amazonaws.com\"}",
          "record has no string 'eventName'; skipped" },
        { "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":\"iam.amazonaws.com\","
          "\"eventName\":[\"X\"]}",
          "record has no string 'eventName'; skipped" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct run *r = parse_str(cases[i].record);
        assert_int_equal(r->count, 0);
        assert_int_equal(r->stats.bad_records, 1);
        if (!has_message(r, VG_DIAG_FIELD, cases[i].text)) {
            dump(r);
            fail_msg("case %zu: want '%s'", i, cases[i].text);
        }
        run_free(r);
    }
}

/* A field of the wrong type is reported and left empty; the event is still delivered. */
static void test_cloudtrail_wrong_types(void **state)
{
    (void)state;
    static const struct {
        const char *field; /* "name":value inserted into the record */
        const char *text;  /* expected message; NULL: accepted silently */
    } cases[] = {
        { "\"userAgent\":{\"x\":1}", "test.json:1: field 'userAgent' is not a string; ignored" },
        { "\"userAgent\":[\"a\"]", "field 'userAgent' is not a string; ignored" },
        { "\"userAgent\":true", "field 'userAgent' is not a string; ignored" },
        { "\"userAgent\":null", NULL },
        { "\"sourceIPAddress\":{}", "field 'sourceIPAddress' is not a string; ignored" },
        { "\"userIdentity\":\"alice\"", "field 'userIdentity' is not an object; ignored" },
        { "\"userIdentity\":{\"type\":[\"Root\"]}", "field 'userIdentity.type' is not a string" },
        { "\"recipientAccountId\":111122223333", NULL }, /* unquoted account ids are read */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_buf b = VG_BUF_INIT;
        vg_buf_printf(&b,
                      "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":"
                      "\"iam.amazonaws.com\",\"eventName\":\"X\",%s}",
                      cases[i].field);
        struct run *r = run_new();
        run_parse(r, b.data, b.len);
        bool ok =
            r->count == 1 && r->stats.bad_records == 0 &&
            (cases[i].text ? r->diag.total == 1 && has_message(r, VG_DIAG_FIELD, cases[i].text)
                           : r->diag.total == 0);
        if (!ok) {
            dump(r);
            fail_msg("case %zu (%s) failed", i, cases[i].field);
        }
        if (strstr(cases[i].field, "userAgent"))
            assert_string_equal(r->events[0].user_agent, "");
        if (strstr(cases[i].field, "recipientAccountId"))
            assert_string_equal(r->events[0].account, "111122223333");
        run_free(r);
        vg_buf_release(&b);
    }
}

/* ==== mapping ==== */

static void test_cloudtrail_identity_root_assumed_root(void **state)
{
    (void)state;
    struct run *r = parse_str(
        "{\"eventVersion\":\"1.10\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":"
        "\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":"
        "\"111122223333\","
        "\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{\"attributes\":{\"creationDate\":"
        "\"2024-03-01T11:59:00Z\",\"mfaAuthenticated\":\"false\"},\"assumedRoot\":\"true\"}},"
        "\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
        "\"DeleteBucketPolicy\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"198.51.100.9\","
        "\"recipientAccountId\":\"111122223333\"}");
    assert_int_equal(r->count, 1);
    const struct seen *e = &r->events[0];
    assert_int_equal(e->id_type, VG_ID_ROOT);
    assert_string_equal(e->type_name, "Root");
    assert_true(e->assumed_root);
    assert_int_equal(e->mfa, VG_FALSE);
    assert_int_equal(e->session_created_ms, T0_MS - 60000);
    assert_string_equal(e->arn, "arn:aws:iam::111122223333:root");
    assert_string_equal(e->region, "eu-west-1");
    assert_int_equal(e->ip_family, 4);
    assert_int_equal(r->diag.total, 0);
    run_free(r);
}

static void test_cloudtrail_identity_assumed_role(void **state)
{
    (void)state;
    struct run *r = parse_str(
        "{\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:sess\",\"arn\":"
        "\"arn:aws:sts::111122223333:assumed-role/Admin/sess\",\"accountId\":\"444455556666\","
        "\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
        "\"principalId\":\"AROAEXAMPLE\",\"arn\":\"arn:aws:iam::111122223333:role/Admin\","
        "\"accountId\":\"111122223333\",\"userName\":\"Admin\"},\"attributes\":{\"creationDate\":"
        "\"2024-03-01T11:00:00Z\",\"mfaAuthenticated\":\"true\"},\"ec2RoleDelivery\":\"2.0\"}},"
        "\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":\"cloudtrail.amazonaws.com\","
        "\"eventName\":\"StopLogging\",\"sourceIPAddress\":\"2001:db8::1\",\"readOnly\":"
        "\"false\"}");
    assert_int_equal(r->count, 1);
    const struct seen *e = &r->events[0];
    assert_int_equal(e->id_type, VG_ID_ASSUMED_ROLE);
    assert_string_equal(e->issuer_type, "Role");
    assert_string_equal(e->issuer_arn, "arn:aws:iam::111122223333:role/Admin");
    assert_string_equal(e->issuer_user, "Admin");
    assert_int_equal(e->mfa, VG_TRUE);
    assert_false(e->assumed_root);
    assert_string_equal(e->ec2_role_delivery, "2.0");
    assert_int_equal(e->session_created_ms, T0_MS - 3600000);
    assert_int_equal(e->ip_family, 6);
    assert_string_equal(e->ip_text, "2001:db8::1");
    assert_int_equal(e->read_only, VG_FALSE);
    /* no recipientAccountId: the event belongs to the identity's account */
    assert_string_equal(e->account, "444455556666");
    run_free(r);
}

static void test_cloudtrail_identity_types(void **state)
{
    (void)state;
    static const struct {
        const char *identity;
        enum vg_identity_type type;
        enum vg_tristate mfa;
        const char *invoked_by;
    } cases[] = {
        { "{\"type\":\"IAMUser\",\"userName\":\"alice\"}", VG_ID_IAM_USER, VG_UNSET, "" },
        { "{\"type\":\"IAMUser\",\"sessionContext\":{\"attributes\":{\"mfaAuthenticated\":true}}}",
          VG_ID_IAM_USER, VG_TRUE, "" },
        { "{\"type\":\"AWSService\",\"invokedBy\":\"ec2.amazonaws.com\"}", VG_ID_AWS_SERVICE,
          VG_UNSET, "ec2.amazonaws.com" },
        { "{\"type\":\"FederatedUser\"}", VG_ID_FEDERATED_USER, VG_UNSET, "" },
        { "{\"type\":\"AWSAccount\"}", VG_ID_AWS_ACCOUNT, VG_UNSET, "" },
        { "{\"type\":\"IdentityCenterUser\"}", VG_ID_IDENTITY_CENTER_USER, VG_UNSET, "" },
        { "{\"type\":\"SAMLUser\"}", VG_ID_SAML_USER, VG_UNSET, "" },
        { "{\"type\":\"WebIdentityUser\"}", VG_ID_WEB_IDENTITY_USER, VG_UNSET, "" },
        { "{\"type\":\"SomethingNew\"}", VG_ID_UNKNOWN, VG_UNSET, "" },
        { "{\"type\":\"root\"}", VG_ID_UNKNOWN, VG_UNSET, "" }, /* case matters */
        { "{}", VG_ID_UNKNOWN, VG_UNSET, "" },
        { "null", VG_ID_UNKNOWN, VG_UNSET, "" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_buf b = VG_BUF_INIT;
        vg_buf_printf(&b,
                      "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":"
                      "\"iam.amazonaws.com\",\"eventName\":\"X\",\"userIdentity\":%s}",
                      cases[i].identity);
        struct run *r = run_new();
        run_parse(r, b.data, b.len);
        assert_int_equal(r->count, 1);
        if (r->events[0].id_type != cases[i].type || r->events[0].mfa != cases[i].mfa ||
            strcmp(r->events[0].invoked_by, cases[i].invoked_by) != 0)
            fail_msg("identity %s: type %d mfa %d", cases[i].identity, r->events[0].id_type,
                     r->events[0].mfa);
        assert_int_equal(r->diag.total, 0);
        run_free(r);
        vg_buf_release(&b);
    }
}

static void test_cloudtrail_source_ip(void **state)
{
    (void)state;
    static const struct {
        const char *ip;
        uint8_t family;
    } cases[] = {
        { "203.0.113.7", 4 },      { "2001:db8::1", 6 },
        { "::ffff:192.0.2.1", 6 }, { "ec2.amazonaws.com", 0 }, /* a service name, kept as text */
        { "AWS Internal", 0 },     { "", 0 },
        { "999.1.1.1", 0 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_buf b = VG_BUF_INIT;
        vg_buf_printf(&b,
                      "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":"
                      "\"iam.amazonaws.com\",\"eventName\":\"X\",\"sourceIPAddress\":\"%s\"}",
                      cases[i].ip);
        struct run *r = run_new();
        run_parse(r, b.data, b.len);
        assert_int_equal(r->count, 1);
        if (r->events[0].ip_family != cases[i].family || strcmp(r->events[0].ip_text, cases[i].ip))
            fail_msg("sourceIPAddress '%s': family %u", cases[i].ip, r->events[0].ip_family);
        run_free(r);
        vg_buf_release(&b);
    }
}

static void test_cloudtrail_management_and_read_only(void **state)
{
    (void)state;
    static const struct {
        const char *fields;
        bool management;
        enum vg_tristate read_only;
    } cases[] = {
        { "\"eventCategory\":\"Management\"", true, VG_UNSET },
        { "\"eventCategory\":\"Data\",\"managementEvent\":false", false, VG_UNSET },
        { "\"eventCategory\":\"Data\",\"managementEvent\":true", false, VG_UNSET },
        { "\"managementEvent\":false", false, VG_UNSET }, /* before eventCategory existed */
        { "\"managementEvent\":\"false\"", false, VG_UNSET },
        { "\"eventVersion\":\"1.05\"", true, VG_UNSET }, /* neither: management */
        { "\"readOnly\":true", true, VG_TRUE },
        { "\"readOnly\":\"true\"", true, VG_TRUE },
        { "\"readOnly\":false", true, VG_FALSE },
        { "\"readOnly\":\"maybe\"", true, VG_UNSET },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_buf b = VG_BUF_INIT;
        vg_buf_printf(&b,
                      "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":"
                      "\"s3.amazonaws.com\",\"eventName\":\"GetObject\",%s}",
                      cases[i].fields);
        struct run *r = run_new();
        run_parse(r, b.data, b.len);
        assert_int_equal(r->count, 1);
        if (r->events[0].management != cases[i].management ||
            r->events[0].read_only != cases[i].read_only)
            fail_msg("%s: management %d read_only %d", cases[i].fields, r->events[0].management,
                     r->events[0].read_only);
        run_free(r);
        vg_buf_release(&b);
    }
}

static void test_cloudtrail_insight_event(void **state)
{
    (void)state;
    struct run *r = parse_str(
        "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-01T12:00:00Z\","
        "\"awsRegion\":\"us-east-1\",\"eventID\":\"i1\",\"eventType\":\"AwsCloudTrailInsight\","
        "\"recipientAccountId\":\"111122223333\",\"sharedEventID\":\"s1\",\"insightDetails\":{"
        "\"state\":\"Start\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"RunInstances\","
        "\"insightType\":\"ApiCallRateInsight\",\"insightContext\":{\"statistics\":{\"baseline\":"
        "{\"average\":0.1},\"insight\":{\"average\":10}}}},\"eventCategory\":\"Insight\"}]}");
    assert_int_equal(r->count, 1);
    assert_string_equal(r->events[0].source, "ec2.amazonaws.com");
    assert_string_equal(r->events[0].name, "RunInstances");
    assert_string_equal(r->events[0].account, "111122223333");
    assert_false(r->events[0].management);
    assert_int_equal(r->events[0].id_type, VG_ID_UNKNOWN);
    assert_int_equal(r->diag.total, 0);
    run_free(r);

    /* an insight without the API it is about is still not an event */
    r = parse_str(
        "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"insightDetails\":{\"state\":\"End\"}}");
    assert_int_equal(r->count, 0);
    assert_int_equal(r->stats.bad_records, 1);
    run_free(r);
}

/* Hostile bytes: escapes decoded, invalid UTF-8 repaired, the record kept. */
static void test_cloudtrail_hostile_strings(void **state)
{
    (void)state;
    struct run *r = parse_str(
        "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"eventSource\":\"iam.amazonaws.com\","
        "\"eventName\":\"Create\\u0055ser\",\"userAgent\":\"\\u001b[31m\\ud800 \xC0\xAF\"}");
    assert_int_equal(r->count, 1);
    assert_string_equal(r->events[0].name, "CreateUser");
    assert_string_equal(r->events[0].user_agent, "\x1b[31m\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(r->json.replaced_utf8, 3);
    run_free(r);
}

static void test_cloudtrail_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        bool ok;
    } cases[] = {
        { "{\"Records\":[]}", true },
        { "  \n{ \"Records\" : [", true },
        { "\xEF\xBB\xBF{\"Records\":[", true },
        { EV("A"), true },
        { "[" EV("A") "]", true },
        { "{\"digestStartTime\":\"2024-03-01T11:00:00Z\"}", true },
        { "{\"foo\":1}", false },
        { "{\"Records\":{}}", false },
        { "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
          "1418530010 1418530070 ACCEPT OK",
          false },
        { "", false },
        { "   ", false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        if (vg_format_cloudtrail.sniff(cases[i].input, strlen(cases[i].input)) != cases[i].ok)
            fail_msg("sniff '%.40s': want %d", cases[i].input, cases[i].ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloudtrail_framing),
        cmocka_unit_test(test_cloudtrail_locations),
        cmocka_unit_test(test_cloudtrail_foreign_once_per_file),
        cmocka_unit_test(test_cloudtrail_record_too_big),
        cmocka_unit_test(test_cloudtrail_event_time),
        cmocka_unit_test(test_cloudtrail_required_fields),
        cmocka_unit_test(test_cloudtrail_wrong_types),
        cmocka_unit_test(test_cloudtrail_identity_root_assumed_root),
        cmocka_unit_test(test_cloudtrail_identity_assumed_role),
        cmocka_unit_test(test_cloudtrail_identity_types),
        cmocka_unit_test(test_cloudtrail_source_ip),
        cmocka_unit_test(test_cloudtrail_management_and_read_only),
        cmocka_unit_test(test_cloudtrail_insight_event),
        cmocka_unit_test(test_cloudtrail_hostile_strings),
        cmocka_unit_test(test_cloudtrail_sniff),
    };
    return cmocka_run_group_tests_name("cloudtrail", tests, NULL, NULL);
}
