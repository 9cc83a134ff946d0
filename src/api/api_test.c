/* Unit tests for the HTTP API: a server on 127.0.0.1 (port 0) over a store filled here, driven
 * with plain sockets.  Routing, every operation's happy path, and the security cases: loopback
 * only without tokens, tokens file permissions, 401, 403, 413 and malformed JSON. */
#include "api/api.h"

#include <jansson.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "store/store.h"

#define INSTANCE "11111111111111111111111111111111"
#define DET_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DET_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define READ_TOKEN "r3ad-0nly-t0ken-0123456789"
#define ADMIN_TOKEN "adm1n-t0ken-0123456789abcdef"

static char dir[64], db[96], logfile[96], tokens[96];
static struct vg_api *api;
static unsigned lists_changed_calls;

static int64_t fixed_now(void)
{
    return 1764324000000; /* 2025-11-28T10:00:00Z */
}

static int metrics_cb(void *ctx, struct vg_buf *out)
{
    (void)ctx;
    return vg_buf_adds(out, "vigil_test_metric 7\n");
}

static void on_lists_changed(void *ctx)
{
    (void)ctx;
    lists_changed_calls++;
}

/* A finding as render.c lays it out, reduced to what the API and the criteria read. */
static void put_finding(struct vg_store *s, const char *id, const char *detector, const char *type,
                        const char *account, double severity, const char *evidence)
{
    char json[2048];
    snprintf(json, sizeof(json),
             "{\"accountId\":\"%s\",\"id\":\"%s\",\"region\":\"us-east-1\",\"severity\":%g,"
             "\"type\":\"%s\",\"title\":\"t\",\"updatedAt\":\"2025-11-28T09:00:00.000Z\","
             "\"resource\":{\"resourceType\":\"AccessKey\",\"accessKeyDetails\":"
             "{\"accessKeyId\":\"AKIA%s\"}},\"service\":{\"archived\":false,\"count\":1,"
             "\"detectorId\":\"%s\",\"evidence\":{\"logRecords\":[%s]}}}",
             account, id, severity, type, id, detector, evidence ? evidence : "");
    struct vg_stored_finding f = {
        .id = id,
        .detector_id = detector,
        .type = type,
        .account_id = account,
        .region = "us-east-1",
        .severity = severity,
        .count = 1,
        .first_seen_ms = 1000,
        .last_seen_ms = 2000,
        .created_ms = fixed_now() - 3600000,
        .updated_ms = fixed_now() - 3600000,
        .json = json,
    };
    assert_int_equal(vg_store_finding_put(s, &f, -1, NULL, NULL), VG_OK);
}

static int start(const char *listen, const char *tokens_file, struct vg_api **out, char *why,
                 size_t why_len)
{
    struct vg_api_opts o = {
        .listen = listen,
        .store_uri = db,
        .tokens_file = tokens_file,
        .max_body = 4096,
        .detector_id = INSTANCE,
        .now_ms = fixed_now,
        .metrics = metrics_cb,
        .lists_changed = on_lists_changed,
    };
    return vg_api_start(&o, out, why, why_len);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/vigil-api-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/vigil.db", dir);
    snprintf(logfile, sizeof(logfile), "%s/flows.log", dir);
    snprintf(tokens, sizeof(tokens), "%s/tokens", dir);
    write_file(logfile, "first line\nsecond \"line\"\n{\"a\":{\"b\":1}} tail\n", 0600);
    write_file(tokens,
               "# name scope token\nanalyst read " READ_TOKEN "\n  soar admin " ADMIN_TOKEN "\n",
               0600);
    struct vg_store *s;
    const char *why;
    assert_int_equal(vg_store_open(&s, db, &why), VG_OK);
    char evidence[512];
    snprintf(evidence, sizeof(evidence),
             "{\"source\":\"%s\",\"offset\":11,\"line\":2},{\"source\":\"%s\",\"offset\":25},"
             "{\"source\":\"%s/gone.log\",\"offset\":0}",
             logfile, logfile, dir);
    put_finding(s, "f1", DET_A, "Recon:EC2/Portscan", "111122223333", 5, evidence);
    put_finding(s, "f2", DET_A, "UnauthorizedAccess:IAMUser/TorIPCaller", "111122223333", 8, NULL);
    put_finding(s, "f3", DET_B, "UnauthorizedAccess:IAMUser/TorIPCaller", "444455556666", 8, NULL);
    vg_store_close(s);
    char why2[256];
    lists_changed_calls = 0;
    assert_int_equal(start("127.0.0.1:0", NULL, &api, why2, sizeof(why2)), VG_OK);
    assert_true(vg_api_port(api) > 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vg_api_stop(api);
    api = NULL;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* ---- a tiny HTTP/1.1 client ---- */

struct reply {
    int status;
    char head[2048];
    char *body;
    json_t *json; /* the body parsed, when it is JSON */
};

static void reply_free(struct reply *r)
{
    free(r->body);
    json_decref(r->json);
}

/* Send `raw` (a whole request) and read the reply until the server closes. */
static struct reply exchange(struct vg_api *a, const char *raw, size_t raw_len)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(vg_api_port(a)) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    /* the server may answer and close before the whole body is sent (413): ignore send errors */
    for (size_t off = 0; off < raw_len;) {
        ssize_t n = send(fd, raw + off, raw_len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    struct vg_buf in = VG_BUF_INIT;
    char chunk[4096];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
        assert_int_equal(vg_buf_add(&in, chunk, (size_t)n), VG_OK);
    close(fd);
    assert_int_equal(vg_buf_addc(&in, '\0'), VG_OK);
    struct reply r = { 0 };
    assert_int_equal(sscanf(in.data, "HTTP/1.1 %d", &r.status), 1);
    const char *sep = strstr(in.data, "\r\n\r\n");
    assert_non_null(sep);
    snprintf(r.head, sizeof(r.head), "%.*s", (int)(sep - in.data), in.data);
    r.body = strdup(sep + 4);
    r.json = json_loads(r.body, JSON_DECODE_ANY, NULL);
    vg_buf_release(&in);
    return r;
}

static struct reply request_auth(const char *method, const char *path, const char *body,
                                 const char *auth)
{
    struct vg_buf req = VG_BUF_INIT;
    size_t len = body ? strlen(body) : 0;
    vg_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n", method, path);
    if (auth)
        vg_buf_printf(&req, "%s\r\n", auth);
    if (body)
        vg_buf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n", len);
    vg_buf_adds(&req, "\r\n");
    if (body)
        vg_buf_adds(&req, body);
    struct reply r = exchange(api, req.data, req.len);
    vg_buf_release(&req);
    return r;
}

static struct reply request(const char *method, const char *path, const char *body)
{
    return request_auth(method, path, body, NULL);
}

static const char *jstr(const struct reply *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

/* ---- routing ---- */

static void test_api_routing(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        int status;
        const char *type; /* __type of an error */
    } cases[] = {
        { "GET", "/healthz", 200, NULL },
        { "GET", "/detector", 200, NULL },
        { "GET", "/detector/", 200, NULL },
        { "GET", "/detector/" INSTANCE, 200, NULL },
        { "GET", "/detector/" DET_A, 200, NULL },
        { "GET", "/detector/cccccccccccccccccccccccccccccccc", 400, "BadRequestException" },
        { "GET", "/detector/" INSTANCE "/nothing", 404, "BadRequestException" },
        { "PUT", "/detector/" INSTANCE, 405, "BadRequestException" },
        { "GET", "/nowhere", 404, "BadRequestException" },
        { "GET", "/detector/" INSTANCE "/filter", 200, NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reply r = request(cases[i].method, cases[i].path, NULL);
        if (r.status != cases[i].status)
            fail_msg("%s %s: %d, want %d: %s", cases[i].method, cases[i].path, r.status,
                     cases[i].status, r.body);
        if (cases[i].type) {
            assert_string_equal(jstr(&r, "__type"), cases[i].type);
            assert_non_null(strstr(r.head, "x-amzn-ErrorType: "));
        }
        reply_free(&r);
    }
    struct reply r = request("GET", "/detector/cccccccccccccccccccccccccccccccc", NULL);
    assert_non_null(strstr(jstr(&r, "message"), "not owned by the current account"));
    reply_free(&r);
    r = request("GET", "/healthz", NULL);
    assert_string_equal(r.body, "ok\n");
    reply_free(&r);
}

/* ---- detectors ---- */

static void test_api_detectors(void **state)
{
    (void)state;
    struct reply r = request("GET", "/detector", NULL);
    assert_int_equal(r.status, 200);
    json_t *ids = json_object_get(r.json, "detectorIds");
    assert_int_equal(json_array_size(ids), 3);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), INSTANCE);
    assert_string_equal(json_string_value(json_array_get(ids, 1)), DET_A);
    assert_string_equal(json_string_value(json_array_get(ids, 2)), DET_B);
    reply_free(&r);
    r = request("GET", "/detector/" DET_B, NULL);
    assert_string_equal(jstr(&r, "status"), "ENABLED");
    assert_non_null(jstr(&r, "serviceRole"));
    assert_non_null(jstr(&r, "createdAt"));
    reply_free(&r);
}

/* ---- findings ---- */

static size_t id_count(const struct reply *r)
{
    return json_array_size(json_object_get(r->json, "findingIds"));
}

static const char *id_at(const struct reply *r, size_t i)
{
    return json_string_value(json_array_get(json_object_get(r->json, "findingIds"), i));
}

static void test_api_list_findings(void **state)
{
    (void)state;
    /* paging: two pages of 2 and 1 */
    struct reply r = request("POST", "/detector/" INSTANCE "/findings", "{\"maxResults\":2}");
    assert_int_equal(r.status, 200);
    assert_int_equal(id_count(&r), 2);
    char body[128];
    snprintf(body, sizeof(body), "{\"maxResults\":2,\"nextToken\":\"%s\"}", jstr(&r, "nextToken"));
    reply_free(&r);
    r = request("POST", "/detector/" INSTANCE "/findings", body);
    assert_int_equal(id_count(&r), 1);
    assert_null(jstr(&r, "nextToken"));
    reply_free(&r);
    /* criteria and sorting */
    r = request("POST", "/detector/" INSTANCE "/findings",
                "{\"findingCriteria\":{\"criterion\":{\"severity\":{\"gte\":7}}},"
                "\"sortCriteria\":{\"attributeName\":\"accountId\",\"orderBy\":\"DESC\"}}");
    assert_int_equal(id_count(&r), 2);
    assert_string_equal(id_at(&r, 0), "f3");
    assert_string_equal(id_at(&r, 1), "f2");
    reply_free(&r);
    /* a finding detector sees its own findings only */
    r = request("POST", "/detector/" DET_B "/findings", NULL);
    assert_int_equal(id_count(&r), 1);
    assert_string_equal(id_at(&r, 0), "f3");
    reply_free(&r);
    /* mistakes are named */
    static const struct {
        const char *body, *message;
    } bad[] = {
        { "{\"maxResults\":51}", "maxResults must be 1 to 50" },
        { "{\"nextToken\":\"x\"}", "nextToken" },
        { "{\"findingCriteria\":{\"criterion\":{\"severity\":{\"gt\":\"high\"}}}}",
          "findingCriteria: " },
        { "{\"sortCriteria\":{\"attributeName\":\"a b\"}}", "sortCriteria.attributeName" },
        { "{\"maxResults\": 5,", "malformed JSON at byte 17" },
        { "[1]", "one JSON object" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = request("POST", "/detector/" INSTANCE "/findings", bad[i].body);
        assert_int_equal(r.status, 400);
        if (!strstr(jstr(&r, "message"), bad[i].message))
            fail_msg("%s: %s", bad[i].body, r.body);
        reply_free(&r);
    }
}

static json_t *get_finding(const char *id)
{
    char body[128];
    snprintf(body, sizeof(body), "{\"findingIds\":[\"%s\"]}", id);
    struct reply r = request("POST", "/detector/" INSTANCE "/findings/get", body);
    assert_int_equal(r.status, 200);
    json_t *f = json_incref(json_array_get(json_object_get(r.json, "findings"), 0));
    reply_free(&r);
    assert_non_null(f);
    return f;
}

static int count_audit(void *ctx, int64_t at_ms, const char *actor, const char *action,
                       const char *object, const char *detail)
{
    (void)at_ms;
    (void)object;
    (void)detail;
    char *log = ctx;
    size_t used = strlen(log);
    snprintf(log + used, 1024 - used, "%s:%s;", actor, action);
    return 0;
}

static void audit_log(char log[1024])
{
    struct vg_store *s;
    const char *why;
    log[0] = '\0';
    assert_int_equal(vg_store_open(&s, db, &why), VG_OK);
    assert_int_equal(vg_store_audit_each(s, count_audit, log), VG_OK);
    vg_store_close(s);
}

static void test_api_get_archive_feedback(void **state)
{
    (void)state;
    struct reply r = request("POST", "/detector/" INSTANCE "/findings/get",
                             "{\"findingIds\":[\"f2\",\"nope\",\"f1\"],\"sortCriteria\":"
                             "{\"attributeName\":\"severity\",\"orderBy\":\"ASC\"}}");
    json_t *fs = json_object_get(r.json, "findings");
    assert_int_equal(json_array_size(fs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 0), "id")), "f1");
    reply_free(&r);
    r = request("POST", "/detector/" INSTANCE "/findings/get", "{\"findingIds\":\"f1\"}");
    assert_int_equal(r.status, 400);
    reply_free(&r);

    r = request("POST", "/detector/" INSTANCE "/findings/archive", "{\"findingIds\":[\"f1\"]}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    json_t *f = get_finding("f1");
    assert_true(json_is_true(json_object_get(json_object_get(f, "service"), "archived")));
    json_decref(f);
    /* a finding detector cannot archive another detector's finding */
    r = request("POST", "/detector/" DET_B "/findings/archive", "{\"findingIds\":[\"f2\"]}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    f = get_finding("f2");
    assert_true(json_is_false(json_object_get(json_object_get(f, "service"), "archived")));
    json_decref(f);

    r = request("POST", "/detector/" INSTANCE "/findings/unarchive", "{\"findingIds\":[\"f1\"]}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    f = get_finding("f1");
    assert_true(json_is_false(json_object_get(json_object_get(f, "service"), "archived")));
    json_decref(f);

    r = request("POST", "/detector/" INSTANCE "/findings/feedback",
                "{\"findingIds\":[\"f1\"],\"feedback\":\"NOT_USEFUL\",\"comments\":\"lab\"}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    f = get_finding("f1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(f, "service"), "userFeedback")),
        "NOT_USEFUL");
    json_decref(f);
    r = request("POST", "/detector/" INSTANCE "/findings/feedback",
                "{\"findingIds\":[\"f1\"],\"feedback\":\"MEH\"}");
    assert_int_equal(r.status, 400);
    reply_free(&r);

    char log[1024];
    audit_log(log);
    assert_non_null(strstr(log, "local:ArchiveFindings;"));
    assert_non_null(strstr(log, "local:UnarchiveFindings;"));
    assert_non_null(strstr(log, "local:UpdateFindingsFeedback;"));
}

static void test_api_statistics(void **state)
{
    (void)state;
    struct reply r = request("POST", "/detector/" INSTANCE "/findings/statistics",
                             "{\"findingStatisticTypes\":[\"COUNT_BY_SEVERITY\"]}");
    assert_int_equal(r.status, 200);
    json_t *counts =
        json_object_get(json_object_get(r.json, "findingStatistics"), "countBySeverity");
    assert_int_equal(json_integer_value(json_object_get(counts, "8.0")), 2);
    assert_int_equal(json_integer_value(json_object_get(counts, "5.0")), 1);
    reply_free(&r);

    static const struct {
        const char *by, *member, *key, *first;
        size_t groups;
    } cases[] = {
        { "FINDING_TYPE", "groupedByFindingType", "findingType",
          "UnauthorizedAccess:IAMUser/TorIPCaller", 2 },
        { "ACCOUNT", "groupedByAccount", "accountId", "111122223333", 2 },
        { "RESOURCE", "groupedByResource", "resourceId", NULL, 3 },
        { "DATE", "groupedByDate", "date", "2025-11-28", 1 },
        { "EVENT_DATE", "groupedByEventDate", "date", "1970-01-01", 1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[128];
        snprintf(body, sizeof(body), "{\"groupBy\":\"%s\",\"orderBy\":\"DESC\"}", cases[i].by);
        r = request("POST", "/detector/" INSTANCE "/findings/statistics", body);
        assert_int_equal(r.status, 200);
        json_t *g = json_object_get(json_object_get(r.json, "findingStatistics"), cases[i].member);
        assert_int_equal(json_array_size(g), cases[i].groups);
        json_t *top = json_array_get(g, 0);
        assert_non_null(json_object_get(top, cases[i].key));
        if (cases[i].first)
            assert_string_equal(json_string_value(json_object_get(top, cases[i].key)),
                                cases[i].first);
        assert_true(json_integer_value(json_object_get(top, "totalFindings")) >= 1);
        reply_free(&r);
    }
    r = request("POST", "/detector/" INSTANCE "/findings/statistics",
                "{\"groupBy\":\"SEVERITY\",\"maxResults\":1}");
    json_t *g = json_object_get(json_object_get(r.json, "findingStatistics"), "groupedBySeverity");
    assert_int_equal(json_array_size(g), 1);
    assert_true(json_real_value(json_object_get(json_array_get(g, 0), "severity")) == 8.0);
    reply_free(&r);
    r = request("POST", "/detector/" INSTANCE "/findings/statistics", "{\"groupBy\":\"ACC\"}");
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

static void test_api_sample_findings(void **state)
{
    (void)state;
    struct reply r = request("POST", "/detector/" DET_B "/findings/create",
                             "{\"findingTypes\":[\"Recon:EC2/Portscan\"]}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* in the detector's account, marked as a sample */
    r = request("POST", "/detector/" INSTANCE "/findings",
                "{\"findingCriteria\":{\"criterion\":{\"type\":{\"equals\":"
                "[\"Recon:EC2/Portscan\"]},\"accountId\":{\"equals\":[\"444455556666\"]}}}}");
    assert_int_equal(id_count(&r), 1);
    json_t *f = get_finding(id_at(&r, 0));
    assert_true(strncmp(json_string_value(json_object_get(f, "title")), "[SAMPLE]", 8) == 0);
    json_decref(f);
    reply_free(&r);
    r = request("POST", "/detector/" INSTANCE "/findings/create",
                "{\"findingTypes\":[\"Nope:EC2/NotAType\"]}");
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

static void test_api_events(void **state)
{
    (void)state;
    struct reply r = request("GET", "/v1/events?findingId=f1", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "findingId"), "f1");
    json_t *recs = json_object_get(r.json, "records");
    assert_int_equal(json_array_size(recs), 3);
    json_t *line = json_array_get(recs, 0), *doc = json_array_get(recs, 1);
    assert_string_equal(json_string_value(json_object_get(line, "record")), "second \"line\"");
    assert_null(json_object_get(line, "fields")); /* no header line in that file */
    assert_int_equal(json_integer_value(json_object_get(line, "line")), 2);
    assert_string_equal(json_string_value(json_object_get(doc, "record")), "{\"a\":{\"b\":1}}");
    json_t *gone = json_array_get(recs, 2);
    assert_null(json_object_get(gone, "record"));
    assert_non_null(json_object_get(gone, "error"));
    reply_free(&r);
    r = request("GET", "/v1/events?findingId=nope", NULL);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    r = request("GET", "/v1/events", NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

/* ---- GET /v1/activity: records naming a term, from the files of the ledger ---- */

static void add_ledger(const char *path)
{
    struct vg_store *s;
    const char *why;
    assert_int_equal(vg_store_open(&s, db, &why), VG_OK);
    struct vg_ledger_entry e = { .path = path, .status = "done", .end = 1 };
    assert_int_equal(vg_store_ledger_add(s, &e), VG_OK);
    vg_store_close(s);
}

static void test_api_activity(void **state)
{
    (void)state;
    char flows[512], far[512];
    snprintf(flows, sizeof(flows),
             "%s/111122223333_vpcflowlogs_us-east-1_fl-1_20261101T0930Z_a.log", dir);
    snprintf(far, sizeof(far), "%s/111122223333_vpcflowlogs_us-east-1_fl-1_20261105T0930Z_b.log",
             dir);
    static const char header[] = "version account-id interface-id srcaddr dstaddr srcport dstport "
                                 "protocol packets bytes start end action log-status\n";
    char text[2048];
    /* 09:25, 09:26 and 09:40 (outside the window below); 10.0.0.55 is another address */
    snprintf(text, sizeof(text),
             "%s2 111122223333 eni-1 10.0.0.5 198.51.100.1 40000 443 6 3 300 1793525100 "
             "1793525159 ACCEPT OK\n"
             "2 111122223333 eni-1 10.0.0.55 198.51.100.1 40001 443 6 3 300 1793525100 "
             "1793525159 ACCEPT OK\n"
             "2 111122223333 eni-1 198.51.100.1 10.0.0.5 443 40000 6 4 400 1793525160 "
             "1793525219 ACCEPT OK\n"
             "2 111122223333 eni-1 10.0.0.5 198.51.100.2 40002 443 6 1 60 1793526000 "
             "1793526059 ACCEPT OK\n",
             header);
    write_file(flows, text, 0600);
    write_file(far, text, 0600); /* named four days later: not read at all */
    add_ledger(flows);
    add_ledger(far);
    add_ledger(flows); /* a second piece of the same file: read once */
    struct reply r = request(
        "GET",
        "/v1/activity?term=10.0.0.5&from=2026-11-01T09:20:00Z&to=2026-11-01T09:30:00Z&buckets=10",
        NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "matched")), 2);
    assert_int_equal(json_integer_value(json_object_get(r.json, "filesRead")), 1);
    assert_true(json_is_true(json_object_get(r.json, "complete")));
    json_t *counts = json_object_get(r.json, "counts");
    assert_int_equal(json_array_size(counts), 10);
    assert_int_equal(json_integer_value(json_array_get(counts, 5)), 1); /* 09:25 */
    assert_int_equal(json_integer_value(json_array_get(counts, 6)), 1); /* 09:26 */
    json_t *first = json_array_get(json_object_get(r.json, "records"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "kind")), "vpcflow");
    assert_int_equal(json_integer_value(json_object_get(first, "line")), 2);
    assert_non_null(strstr(json_string_value(json_object_get(first, "record")), "eni-1 10.0.0.5 "));
    /* the file's header names the record's fields, whatever the format */
    assert_non_null(strstr(json_string_value(json_object_get(first, "fields")), " srcaddr "));
    reply_free(&r);
    /* "and" narrows; limit caps what is listed, not what is counted */
    r = request("GET",
                "/v1/activity?term=10.0.0.5&and=198.51.100.2&from=2026-11-01T09:00:00Z"
                "&to=2026-11-01T10:00:00Z&limit=0",
                NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "matched")), 1);
    assert_int_equal(json_array_size(json_object_get(r.json, "records")), 0);
    reply_free(&r);
    static const char *const bad[] = {
        "/v1/activity?term=10.0.0.5",
        "/v1/activity?term=ab&from=2026-11-01T09:00:00Z&to=2026-11-01T10:00:00Z",
        "/v1/activity?term=10.0.0.5&from=2026-11-01T10:00:00Z&to=2026-11-01T09:00:00Z",
        "/v1/activity?term=10.0.0.5&from=2026-11-01T00:00:00Z&to=2026-12-15T00:00:00Z",
        "/v1/activity?term=10.0.0.5&from=2026-11-01T09:00:00Z&to=2026-11-01T10:00:00Z&limit=5000",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = request("GET", bad[i], NULL);
        assert_int_equal(r.status, 400);
        reply_free(&r);
    }
}

/* ---- the workbench page, and what keeps other sites' pages out ---- */

static void test_api_workbench_and_origins(void **state)
{
    (void)state;
    struct reply r = request("GET", "/", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: text/html"));
    assert_non_null(
        strstr(r.head, "Content-Security-Policy: default-src 'none'; script-src 'self'"));
    assert_non_null(strstr(r.body, "/ui/app.js"));
    assert_null(strstr(r.head, "Content-Encoding"));
    reply_free(&r);
    r = request("GET", "/ui/app.js", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: text/javascript"));
    reply_free(&r);
    /* compressed for a client that takes gzip */
    r = request_auth("GET", "/ui/app.js", NULL, "Accept-Encoding: gzip, deflate");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Encoding: gzip"));
    assert_int_equal((unsigned char)r.body[0], 0x1f);
    reply_free(&r);
    r = request("GET", "/ui/nothing.js", NULL);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    /* a page of another site posting through the analyst's browser */
    r = request_auth("POST", "/detector/" INSTANCE "/findings/archive", "{\"findingIds\":[\"f1\"]}",
                     "Origin: http://evil.example");
    assert_int_equal(r.status, 403);
    reply_free(&r);
    r = request_auth("POST", "/detector/" INSTANCE "/findings/archive", "{\"findingIds\":[\"f1\"]}",
                     "Origin: http://localhost");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* an <img> of another site's page: no Origin, but Sec-Fetch-Site says where it comes from */
    r = request_auth("GET", "/detector", NULL, "Sec-Fetch-Site: cross-site");
    assert_int_equal(r.status, 403);
    reply_free(&r);
    r = request_auth("GET", "/detector", NULL, "Sec-Fetch-Site: same-origin");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    r = request_auth("GET", "/", NULL, "Sec-Fetch-Site: none"); /* typed into the address bar */
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* DNS rebinding: a foreign name that resolves to loopback */
    const char raw[] = "GET /detector HTTP/1.1\r\nHost: rebind.evil.example:8470\r\n"
                       "Connection: close\r\n\r\n";
    r = exchange(api, raw, sizeof(raw) - 1);
    assert_int_equal(r.status, 403);
    reply_free(&r);
}

static void test_api_metrics(void **state)
{
    (void)state;
    struct reply r = request("GET", "/healthz", NULL);
    reply_free(&r);
    r = request("GET", "/nowhere", NULL);
    reply_free(&r);
    r = request("GET", "/metrics", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "vigil_test_metric 7\n"));
    assert_non_null(strstr(r.body, "vigil_api_requests_total{code=\"200\"} 1\n"));
    assert_non_null(strstr(r.body, "vigil_api_requests_total{code=\"404\"} 1\n"));
    reply_free(&r);
}

/* ---- filters ---- */

static void test_api_filters(void **state)
{
    (void)state;
    struct reply r =
        request("POST", "/detector/" INSTANCE "/filter",
                "{\"name\":\"lab-scans\",\"description\":\"the lab\",\"action\":\"ARCHIVE\","
                "\"rank\":2,\"findingCriteria\":{\"criterion\":{\"type\":{\"equals\":"
                "[\"Recon:EC2/Portscan\"]}}},\"owner\":\"sec\",\"reason\":\"pentest\","
                "\"expiresAt\":\"2026-01-01T00:00:00Z\"}");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "name"), "lab-scans");
    reply_free(&r);
    r = request("GET", "/detector/" INSTANCE "/filter/lab-scans", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "action"), "ARCHIVE");
    assert_string_equal(jstr(&r, "owner"), "sec");
    assert_string_equal(jstr(&r, "reason"), "pentest");
    assert_string_equal(jstr(&r, "expiresAt"), "2026-01-01T00:00:00.000Z");
    assert_int_equal(json_integer_value(json_object_get(r.json, "rank")), 2);
    assert_non_null(json_object_get(json_object_get(r.json, "findingCriteria"), "criterion"));
    reply_free(&r);
    r = request("POST", "/detector/" INSTANCE "/filter/lab-scans", "{\"action\":\"NOOP\"}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    r = request("GET", "/detector/" INSTANCE "/filter/lab-scans", NULL);
    assert_string_equal(jstr(&r, "action"), "NOOP");
    assert_string_equal(jstr(&r, "owner"), "sec");
    reply_free(&r);
    r = request("GET", "/detector/" INSTANCE "/filter", NULL);
    json_t *names = json_object_get(r.json, "filterNames");
    assert_int_equal(json_array_size(names), 1);
    reply_free(&r);

    static const struct {
        const char *body, *message;
    } bad[] = {
        { "{\"name\":\"a b\",\"findingCriteria\":{}}", "name must be" },
        { "{\"name\":\"ab\",\"findingCriteria\":{}}", "name must be" },
        { "{\"name\":\"ok-name\"}", "findingCriteria is required" },
        { "{\"name\":\"ok-name\",\"rank\":101,\"findingCriteria\":{}}", "rank" },
        { "{\"name\":\"ok-name\",\"action\":\"DROP\",\"findingCriteria\":{}}", "action" },
        { "{\"name\":\"ok-name\",\"findingCriteria\":{\"criterion\":{\"severity\":"
          "{\"gt\":\"x\"}}}}",
          "findingCriteria: " },
        { "{\"name\":\"lab-scans\",\"findingCriteria\":{}}", "exists" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = request("POST", "/detector/" INSTANCE "/filter", bad[i].body);
        assert_int_equal(r.status, 400);
        if (!strstr(jstr(&r, "message"), bad[i].message))
            fail_msg("%s: %s", bad[i].body, r.body);
        reply_free(&r);
    }
    r = request("DELETE", "/detector/" INSTANCE "/filter/lab-scans", NULL);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    r = request("GET", "/detector/" INSTANCE "/filter/lab-scans", NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = request("DELETE", "/detector/" INSTANCE "/filter/lab-scans", NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    char log[1024];
    audit_log(log);
    assert_string_equal(log, "local:CreateFilter;local:UpdateFilter;local:DeleteFilter;");
}

/* Every ARCHIVE filter runs against every finding written: their number is capped. */
static void test_api_filters_are_capped(void **state)
{
    (void)state;
    char body[256];
    for (int i = 0; i <= 100; i++) {
        snprintf(body, sizeof(body),
                 "{\"name\":\"rule-%03d\",\"findingCriteria\":{\"criterion\":{\"severity\":"
                 "{\"gte\":%d}}}}",
                 i, i % 9);
        struct reply r = request("POST", "/detector/" INSTANCE "/filter", body);
        assert_int_equal(r.status, i < 100 ? 200 : 400);
        if (i == 100)
            assert_non_null(strstr(jstr(&r, "message"), "at most 100 filters"));
        reply_free(&r);
    }
}

/* ---- threat intel sets and IP sets ---- */

static void test_api_lists(void **state)
{
    (void)state;
    static const struct {
        const char *path, *id_member, *ids_member;
    } kinds[] = {
        { "/detector/" INSTANCE "/threatintelset", "threatIntelSetId", "threatIntelSetIds" },
        { "/detector/" INSTANCE "/ipset", "ipSetId", "ipSetIds" },
    };
    for (size_t k = 0; k < 2; k++) {
        char body[256], one[160];
        snprintf(body, sizeof(body),
                 "{\"name\":\"partner\",\"format\":\"TXT\",\"location\":\"file://%s\","
                 "\"activate\":true}",
                 logfile);
        unsigned calls = lists_changed_calls;
        struct reply r = request("POST", kinds[k].path, body);
        assert_int_equal(r.status, 200);
        snprintf(one, sizeof(one), "%s/%s", kinds[k].path, jstr(&r, kinds[k].id_member));
        reply_free(&r);
        assert_int_equal(lists_changed_calls, calls + 1);
        r = request("GET", kinds[k].path, NULL);
        assert_int_equal(json_array_size(json_object_get(r.json, kinds[k].ids_member)), 1);
        reply_free(&r);
        r = request("GET", one, NULL);
        assert_string_equal(jstr(&r, "status"), "ACTIVE");
        assert_string_equal(jstr(&r, "format"), "TXT");
        assert_string_equal(jstr(&r, "name"), "partner");
        reply_free(&r);
        r = request("POST", one, "{\"activate\":false,\"name\":\"partner2\"}");
        assert_int_equal(r.status, 200);
        reply_free(&r);
        r = request("GET", one, NULL);
        assert_string_equal(jstr(&r, "status"), "INACTIVE");
        assert_string_equal(jstr(&r, "name"), "partner2");
        reply_free(&r);
        /* the other kind does not see it */
        char other[160];
        snprintf(other, sizeof(other), "%s/%s", kinds[1 - k].path, strrchr(one, '/') + 1);
        r = request("GET", other, NULL);
        assert_int_equal(r.status, 400);
        reply_free(&r);
        r = request("DELETE", one, NULL);
        assert_int_equal(r.status, 200);
        reply_free(&r);
        assert_int_equal(lists_changed_calls, calls + 3);
        r = request("GET", one, NULL);
        assert_int_equal(r.status, 400);
        reply_free(&r);
        static const char *const bad[] = {
            "{\"name\":\"x\",\"format\":\"CSV\",\"location\":\"/etc/hostname\",\"activate\":true}",
            "{\"name\":\"x\",\"format\":\"TXT\",\"location\":\"/no/such\",\"activate\":true}",
            "{\"name\":\"x\",\"format\":\"TXT\",\"location\":\"s3://b/k\",\"activate\":true}",
            "{\"name\":\"\",\"format\":\"TXT\",\"location\":\"/etc/hostname\",\"activate\":true}",
            "{\"name\":\"x\",\"format\":\"TXT\",\"location\":\"/etc/hostname\"}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            r = request("POST", kinds[k].path, bad[i]);
            if (r.status != 400)
                fail_msg("%s: %d %s", bad[i], r.status, r.body);
            reply_free(&r);
        }
    }
}

/* ---- security ---- */

static void test_api_refuses_unsafe_starts(void **state)
{
    (void)state;
    struct vg_api *a = NULL;
    char why[256];
    assert_int_equal(start("0.0.0.0:0", NULL, &a, why, sizeof(why)), VG_EUSAGE);
    assert_null(a);
    assert_non_null(strstr(why, "needs a tokens file"));
    assert_int_equal(start("[::]:0", "", &a, why, sizeof(why)), VG_EUSAGE);
    assert_int_equal(start("127.0.0.1", NULL, &a, why, sizeof(why)), VG_EUSAGE);
    assert_int_equal(chmod(tokens, 0644), 0);
    assert_int_equal(start("127.0.0.1:0", tokens, &a, why, sizeof(why)), VG_EUSAGE);
    assert_non_null(strstr(why, "readable by others"));
    char bad[128];
    snprintf(bad, sizeof(bad), "%s/bad-tokens", dir);
    write_file(bad, "someone superuser 0123456789abcdef0123\n", 0600);
    assert_int_equal(start("127.0.0.1:0", bad, &a, why, sizeof(why)), VG_EUSAGE);
    assert_non_null(strstr(why, ":1:"));
    write_file(bad, "someone read short\n", 0600);
    assert_int_equal(start("127.0.0.1:0", bad, &a, why, sizeof(why)), VG_EUSAGE);
    /* a public address with a good tokens file is fine */
    assert_int_equal(chmod(tokens, 0600), 0);
    assert_int_equal(start("0.0.0.0:0", tokens, &a, why, sizeof(why)), VG_OK);
    vg_api_stop(a);
}

static void test_api_tokens(void **state)
{
    (void)state;
    vg_api_stop(api);
    char why[256];
    assert_int_equal(start("127.0.0.1:0", tokens, &api, why, sizeof(why)), VG_OK);
    static const struct {
        const char *method, *path, *body, *auth;
        int status;
    } cases[] = {
        { "GET", "/healthz", NULL, NULL, 200 },
        { "GET", "/detector", NULL, NULL, 401 },
        { "GET", "/metrics", NULL, NULL, 401 },
        { "GET", "/detector", NULL, "Authorization: Bearer wrong-token-0123456789", 401 },
        { "GET", "/detector", NULL, "Authorization: Bearer " READ_TOKEN "x", 401 },
        { "GET", "/detector", NULL, "Authorization: Bearer " READ_TOKEN, 200 },
        { "GET", "/detector", NULL, "X-Vigil-Token: " ADMIN_TOKEN, 200 },
        { "GET", "/detector", NULL, "Authorization: AWS4-HMAC-SHA256 Credential=analyst/x", 401 },
        { "POST", "/detector/" INSTANCE "/findings", "{}", "X-Vigil-Token: " READ_TOKEN, 200 },
        { "POST", "/detector/" INSTANCE "/findings/archive", "{\"findingIds\":[\"f1\"]}",
          "Authorization: Bearer " READ_TOKEN, 403 },
        { "POST", "/detector/" INSTANCE "/findings/create", "{}",
          "Authorization: Bearer " READ_TOKEN, 403 },
        { "DELETE", "/detector/" INSTANCE "/filter/x", NULL, "Authorization: Bearer " READ_TOKEN,
          403 },
        { "POST", "/detector/" INSTANCE "/findings/archive", "{\"findingIds\":[\"f1\"]}",
          "Authorization: Bearer " ADMIN_TOKEN, 200 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reply r = request_auth(cases[i].method, cases[i].path, cases[i].body, cases[i].auth);
        if (r.status != cases[i].status)
            fail_msg("%s %s with %s: %d, want %d: %s", cases[i].method, cases[i].path,
                     cases[i].auth ? cases[i].auth : "nothing", r.status, cases[i].status, r.body);
        reply_free(&r);
    }
    char log[1024];
    audit_log(log);
    assert_string_equal(log, "soar:ArchiveFindings;");
}

static void test_api_body_limits(void **state)
{
    (void)state;
    /* declared too big: refused from the headers */
    const char big_head[] = "POST /detector/" INSTANCE "/findings HTTP/1.1\r\nHost: localhost\r\n"
                            "Connection: close\r\nContent-Length: 1000000\r\n\r\n{";
    struct reply r = exchange(api, big_head, sizeof(big_head) - 1);
    assert_int_equal(r.status, 413);
    assert_string_equal(jstr(&r, "__type"), "PayloadTooLargeException");
    reply_free(&r);
    /* chunked, no length: counted while reading */
    struct vg_buf req = VG_BUF_INIT;
    vg_buf_adds(&req, "POST /detector/" INSTANCE "/findings HTTP/1.1\r\nHost: localhost\r\n"
                      "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        vg_buf_adds(&req, "800\r\n");
        for (int k = 0; k < 0x800; k++)
            vg_buf_addc(&req, ' ');
        vg_buf_adds(&req, "\r\n");
    }
    vg_buf_adds(&req, "0\r\n\r\n");
    r = exchange(api, req.data, req.len);
    vg_buf_release(&req);
    assert_int_equal(r.status, 413);
    reply_free(&r);
    /* just under the limit is fine */
    char body[4096];
    memset(body, ' ', sizeof(body) - 1);
    body[0] = '{';
    body[sizeof(body) - 2] = '}';
    body[sizeof(body) - 1] = '\0';
    r = request("POST", "/detector/" INSTANCE "/findings", body);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_routing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_detectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_list_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_get_archive_feedback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_sample_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_activity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_workbench_and_origins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_metrics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_filters_are_capped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_refuses_unsafe_starts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_body_limits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
