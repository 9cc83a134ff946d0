/*
 * Fuzz target: the detector state file (`vigil scan --state DIR`, DIR/detectors.state), read by
 * vg_detect_load through vg_scan_state_load.  The file is input like any other: whoever can
 * write the state directory chooses its bytes, so a profile, an open finding or a story from it
 * must never make a detector index past an array or print a string without its end.
 *
 * Checked after each input:
 *  - loading returns VG_OK or VG_EFORMAT;
 *  - the detectors then run over a few CloudTrail events touching every IAM detector (a CI/CD
 *    user's routine and unusual calls, an instance session inside and outside AWS, a Lambda
 *    session, console sign-ins, S3 data events) without a sanitizer report;
 *  - what is saved afterwards loads again with nothing skipped, and saves to as many bytes.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/err.h"
#include "enrich/ipinfo.h"
#include "pipeline/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_detect_state: invariant failed: %s (%s:%d)\n", #cond, __FILE__,  \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define ID(type, arn, key, extra)                                                                  \
    "{\"type\":\"" type "\",\"arn\":\"" arn "\",\"accountId\":\"1\",\"accessKeyId\":\"" key        \
    "\"" extra "}"
#define ROLE_CTX                                                                                   \
    ",\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"arn:aws:iam::1:role/r\"},\"attributes\":"   \
    "{\"creationDate\":\"2026-03-01T00:00:00Z\",\"mfaAuthenticated\":\"false\"}}"
#define EV(t, id, src, name, ip, ua, cat)                                                          \
    "{\"eventVersion\":\"1.09\",\"userIdentity\":" id ",\"eventTime\":\"" t "\","                  \
    "\"eventSource\":\"" src ".amazonaws.com\",\"eventName\":\"" name "\",\"awsRegion\":"          \
    "\"us-east-1\",\"sourceIPAddress\":\"" ip "\",\"userAgent\":\"" ua "\",\"requestParameters\":" \
    "{\"bucketName\":\"b\"},\"eventID\":\"e\",\"eventType\":\"AwsApiCall\",\"eventCategory\":"     \
    "\"" cat "\",\"recipientAccountId\":\"1\"}\n"

static const char events[] = EV(
    "2026-03-20T10:00:00Z", ID("IAMUser", "arn:aws:iam::1:user/ci", "AKIAX", ""), "ecr", "PutImage",
    "20.10.4.11", "aws-cli/2",
    "Management") EV("2026-03-20T10:01:00Z", ID("IAMUser", "arn:aws:iam::1:user/ci", "AKIAX", ""),
                     "iam", "ListAccessKeys", "91.240.118.77", "Boto3/1",
                     "Management") EV("2026-03-20T10:02:00Z",
                                      ID("IAMUser", "arn:aws:iam::1:user/ci", "AKIAX", ""), "iam",
                                      "AttachUserPolicy", "91.240.118.77", "Boto3/1", "Management")
    EV("2026-03-20T10:03:00Z",
       ID("AssumedRole", "arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0", "ASIAY", ROLE_CTX),
       "s3", "GetObject", "54.164.10.20", "Boto3/1",
       "Data") EV("2026-03-20T12:03:00Z",
                  ID("AssumedRole", "arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0", "ASIAY",
                     ROLE_CTX),
                  "s3", "DeleteObject", "3.91.5.6", "curl/8",
                  "Data") EV("2026-03-20T12:04:00Z",
                             ID("AssumedRole", "arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0",
                                "ASIAY", ROLE_CTX),
                             "s3", "ListBuckets", "91.240.118.77", "curl/8", "Management")
        EV("2026-03-20T12:05:00Z",
           ID("AssumedRole", "arn:aws:sts::1:assumed-role/r/fn", "ASIAZ", ROLE_CTX), "sts",
           "GetCallerIdentity", "3.85.1.1", "Boto3/1 exec-env/AWS_Lambda_python3.12", "Management")
            EV("2026-03-20T12:06:00Z", ID("IAMUser", "arn:aws:iam::1:user/erin", "", ""), "signin",
               "ConsoleLogin", "198.51.100.10", "Mozilla/5.0", "Management")
                EV("2026-03-20T12:07:00Z", ID("IAMUser", "arn:aws:iam::1:user/erin", "", ""),
                   "signin", "ConsoleLogin", "91.240.118.77", "Mozilla/5.0", "Management");

static const char ranges[] =
    "{\"syncToken\":\"1\",\"createDate\":\"2026-03-01-00-00-00\",\"prefixes\":["
    "{\"ip_prefix\":\"3.80.0.0/12\",\"region\":\"us-east-1\",\"service\":\"AMAZON\","
    "\"network_border_group\":\"us-east-1\"},{\"ip_prefix\":\"54.160.0.0/11\",\"region\":"
    "\"us-east-1\",\"service\":\"AMAZON\",\"network_border_group\":\"us-east-1\"}],"
    "\"ipv6_prefixes\":[]}";

static struct vg_ipinfo *ipinfo;

static struct vg_scan *new_scan(void)
{
    struct vg_scan_opts o;
    vg_scan_opts_init(&o);
    o.flow.state_memory = o.dns.state_memory = o.iam.state_memory = 1 << 20;
    o.pdns_memory = 1 << 20;
    o.read_ahead = false;
    o.ipinfo = ipinfo;
    struct vg_scan *s = vg_scan_new(&o);
    CHECK(s);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ipinfo) {
        struct vg_diag diag;
        vg_diag_init(&diag, 0, NULL, NULL);
        ipinfo = vg_ipinfo_new();
        CHECK(ipinfo);
        CHECK(vg_ipinfo_load_buffer(ipinfo, "r.json", ranges, sizeof(ranges) - 1, &diag) == VG_OK);
        CHECK(vg_ipinfo_freeze(ipinfo) == VG_OK);
    }
    struct vg_scan *s = new_scan();
    const char *why = NULL;
    int rc = vg_scan_state_load(s, (const char *)data, size, &why);
    CHECK(rc == VG_OK || rc == VG_EFORMAT);
    CHECK(vg_scan_buffer(s, "events.jsonl", events, sizeof(events) - 1) == VG_OK);
    struct vg_buf saved = VG_BUF_INIT, again = VG_BUF_INIT;
    CHECK(vg_scan_state_save(s, &saved) == VG_OK);
    vg_scan_free(s);

    s = new_scan();
    why = NULL;
    CHECK(vg_scan_state_load(s, saved.data, saved.len, &why) == VG_OK);
    CHECK(why == NULL);
    CHECK(vg_scan_state_save(s, &again) == VG_OK);
    CHECK(again.len == saved.len);
    vg_scan_free(s);
    vg_buf_release(&saved);
    vg_buf_release(&again);
    return 0;
}
