/* Unit tests for simulate/: the same options write the same bytes, the S3 layouts are
 * CloudTrail's, VPC Flow Logs' and Route 53 Resolver query logs', every CloudTrail object is
 * gzipped JSON in the shape AWS delivers, every flow log object a header and records of its
 * fields and every query log object JSON lines with Resolver query logging's fields, the attack
 * scenarios and the sample threat lists appear when (and only when) they are asked for, the
 * lists load and match exactly the scenarios meant to call from them, and scanning the flow and
 * query logs gives each scenario's finding on its instance and nothing anywhere else. */
#include "simulate/simulate.h"
#include "simulate/behaviour.h"

#include "core/err.h"
#include "core/hash.h"
#include "core/ip.h"
#include "core/time.h"
#include "enrich/ipinfo.h"
#include "detect/detect.h"
#include "enrich/intel_builtin.h"
#include "enrich/intel_load.h"
#include "findings/catalog.h"
#include "pipeline/scan.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <libdeflate.h>

/* One generated file: its path below the output folder and its bytes as written. */
struct file {
    char *rel;
    unsigned char *data;
    size_t len;
};

struct tree {
    struct file *files;
    size_t n, cap;
};

static void tree_release(struct tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->files[i].rel);
        free(t->files[i].data);
    }
    free(t->files);
    memset(t, 0, sizeof(*t));
}

static unsigned char *read_all(const char *path, size_t *len_out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    unsigned char *p = malloc((size_t)st.st_size + 1);
    assert_non_null(p);
    size_t done = 0;
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, p + done, (size_t)st.st_size - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
    close(fd);
    *len_out = done;
    return p;
}

static void walk(struct tree *t, const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char child_rel[4096], child[8200];
        snprintf(child_rel, sizeof(child_rel), "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
        snprintf(child, sizeof(child), "%s/%s", root, child_rel);
        struct stat st;
        assert_int_equal(lstat(child, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk(t, root, child_rel);
            continue;
        }
        assert_true(S_ISREG(st.st_mode));
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 256;
            t->files = realloc(t->files, t->cap * sizeof(*t->files));
            assert_non_null(t->files);
        }
        struct file *f = &t->files[t->n++];
        f->rel = strdup(child_rel);
        assert_non_null(f->rel);
        f->data = read_all(child, &f->len);
    }
    closedir(d);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct file *)a)->rel, ((const struct file *)b)->rel);
}

/* Every file below root, sorted by path. */
static void load_tree(struct tree *t, const char *root)
{
    memset(t, 0, sizeof(*t));
    walk(t, root, "");
    qsort(t->files, t->n, sizeof(*t->files), cmp_file);
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char child[4096];
            snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
            rm_rf(child);
        }
        closedir(d);
        assert_int_equal(rmdir(path), 0);
    } else {
        assert_int_equal(unlink(path), 0);
    }
}

/* A fresh temporary folder; the run writes into <tmp>/out so a missing folder gets created. */
struct tmp {
    char root[64];
    char out[96];
};

static void tmp_make(struct tmp *t)
{
    snprintf(t->root, sizeof(t->root), "/tmp/vigil-simulate-XXXXXX");
    assert_non_null(mkdtemp(t->root));
    snprintf(t->out, sizeof(t->out), "%s/out", t->root);
}

/* Small runs of CloudTrail only: a flow log object per five minutes makes hundreds of files a
 * day whatever the volume, so the tests that look at flow logs ask for them. */
static void small_opts(struct vg_simulate_opts *o, const char *dir, bool attacks)
{
    vg_simulate_opts_init(o);
    o->out_dir = dir;
    o->accounts = 2;
    o->principals = 12;
    o->events_per_day = 3000;
    o->flows_per_day = 0;
    o->dns_per_day = 0;
    o->seed = 42;
    o->attacks = attacks;
}

/* The decompressed bytes of a gzip member, NUL-terminated. */
static char *gunzip(const struct file *f, size_t *len_out)
{
    assert_true(f->len >= 18);
    size_t size = (size_t)f->data[f->len - 4] | (size_t)f->data[f->len - 3] << 8 |
                  (size_t)f->data[f->len - 2] << 16 | (size_t)f->data[f->len - 1] << 24;
    char *out = malloc(size + 1);
    assert_non_null(out);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    assert_non_null(d);
    size_t got = 0;
    assert_int_equal(libdeflate_gzip_decompress(d, f->data, f->len, out, size, &got),
                     LIBDEFLATE_SUCCESS);
    libdeflate_free_decompressor(d);
    assert_int_equal(got, size);
    out[got] = '\0';
    *len_out = got;
    return out;
}

static bool is_digest(const struct file *f)
{
    return strstr(f->rel, "/CloudTrail-Digest/") != NULL;
}

/* A CloudTrail object (log or digest), not a flow log or a sample threat list. */
static bool is_trail(const struct file *f)
{
    return strncmp(f->rel, "AWSLogs/", 8) == 0 && strstr(f->rel, "/CloudTrail") != NULL;
}

static bool is_flow(const struct file *f)
{
    return strncmp(f->rel, "AWSLogs/", 8) == 0 && strstr(f->rel, "/vpcflowlogs/") != NULL;
}

static bool is_dns(const struct file *f)
{
    return strncmp(f->rel, "AWSLogs/", 8) == 0 && strstr(f->rel, "/vpcdnsquerylogs/") != NULL;
}

static bool is_log(const struct file *f)
{
    return is_trail(f) && !is_digest(f);
}

static bool all_of(const char *s, size_t n, const char *set)
{
    if (strlen(s) != n)
        return false;
    return strspn(s, set) == n;
}

#define DIGITS "0123456789"
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<16>
 * .json.gz, the folder date being the file's. */
static bool log_path_ok(const char *p)
{
    char acct[16], region[32], y[8], m[4], d[4], acct2[16], region2[32], ymd[12], hm[8], tag[20];
    int end = -1;
    sscanf(p,
           "AWSLogs/%15[0-9]/CloudTrail/%31[a-z0-9-]/%7[0-9]/%3[0-9]/%3[0-9]/%15[0-9]_CloudTrail_"
           "%31[a-z0-9-]_%11[0-9]T%7[0-9]Z_%19[A-Za-z0-9].json.gz%n",
           acct, region, y, m, d, acct2, region2, ymd, hm, tag, &end);
    if (end < 0 || p[end] != '\0')
        return false;
    char date[16];
    snprintf(date, sizeof(date), "%s%s%s", y, m, d);
    return all_of(acct, 12, DIGITS) && acct[0] != '0' && strcmp(acct, acct2) == 0 &&
           strcmp(region, region2) == 0 && strlen(y) == 4 && strlen(m) == 2 && strlen(d) == 2 &&
           strcmp(date, ymd) == 0 && strlen(hm) == 4 && all_of(tag, 16, ALNUM);
}

static bool digest_path_ok(const char *p)
{
    char acct[16], region[32], y[8], m[4], d[4], acct2[16], region2[32], ymd[12], hms[8];
    int end = -1;
    sscanf(p,
           "AWSLogs/%15[0-9]/CloudTrail-Digest/%31[a-z0-9-]/%7[0-9]/%3[0-9]/%3[0-9]/"
           "%15[0-9]_CloudTrail-Digest_%31[a-z0-9-]_management-events_us-east-1_"
           "%11[0-9]T%7[0-9]Z.json.gz%n",
           acct, region, y, m, d, acct2, region2, ymd, hms, &end);
    if (end < 0 || p[end] != '\0')
        return false;
    char date[16];
    snprintf(date, sizeof(date), "%s%s%s", y, m, d);
    return all_of(acct, 12, DIGITS) && strcmp(acct, acct2) == 0 && strcmp(region, region2) == 0 &&
           strcmp(date, ymd) == 0 && strlen(hms) == 6;
}

static void test_simulate_deterministic(void **state)
{
    (void)state;
    struct tmp t1, t2, t3;
    struct vg_simulate_opts o;
    struct vg_simulate_stats s1, s2, s3;
    struct tree a, b, c;
    tmp_make(&t1);
    tmp_make(&t2);
    tmp_make(&t3);

    small_opts(&o, t1.out, true);
    o.flows_per_day = 4000;
    o.dns_per_day = 2000;
    assert_int_equal(vg_simulate_run(&o, &s1), VG_OK);
    o.out_dir = t2.out;
    assert_int_equal(vg_simulate_run(&o, &s2), VG_OK);
    o.out_dir = t3.out;
    o.seed = 43;
    o.flows_per_day = 0; /* the account ids are all this run is for */
    o.attacks = false;
    assert_int_equal(vg_simulate_run(&o, &s3), VG_OK);
    assert_memory_equal(&s1, &s2, sizeof(s1));

    load_tree(&a, t1.out);
    load_tree(&b, t2.out);
    load_tree(&c, t3.out);
    assert_int_equal(a.n, b.n);
    uint64_t bytes = 0, trail_files = 0, flow_bytes = 0, flow_files = 0, dns_bytes = 0,
             dns_files = 0;
    for (size_t i = 0; i < a.n; i++) {
        assert_string_equal(a.files[i].rel, b.files[i].rel);
        assert_int_equal(a.files[i].len, b.files[i].len);
        assert_int_equal(vg_hash64(a.files[i].data, a.files[i].len, 0),
                         vg_hash64(b.files[i].data, b.files[i].len, 0));
        if (is_trail(&a.files[i])) {
            bytes += a.files[i].len;
            trail_files++;
        } else if (is_flow(&a.files[i])) {
            flow_bytes += a.files[i].len;
            flow_files++;
        } else if (is_dns(&a.files[i])) {
            dns_bytes += a.files[i].len;
            dns_files++;
        }
    }
    /* the stats count CloudTrail, flow and query log objects apart; the threat lists (IP and
     * domain lists) come on top */
    assert_int_equal(trail_files, s1.files);
    assert_int_equal(flow_files, s1.flow_files);
    assert_int_equal(dns_files, s1.dns_files);
    assert_int_equal(a.n, s1.files + s1.flow_files + s1.dns_files + 9 + 10);
    assert_int_equal(bytes, s1.bytes_compressed);
    assert_int_equal(flow_bytes, s1.flow_bytes_compressed);
    assert_int_equal(dns_bytes, s1.dns_bytes_compressed);
    /* another seed is another world: other account ids, so other paths */
    assert_string_not_equal(a.files[0].rel, c.files[0].rel);

    tree_release(&a);
    tree_release(&b);
    tree_release(&c);
    rm_rf(t1.root);
    rm_rf(t2.root);
    rm_rf(t3.root);
}

static void test_simulate_layout(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    tmp_make(&t);
    small_opts(&o, t.out, false);
    o.days = 2;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    load_tree(&tr, t.out);

    size_t logs = 0, digests = 0;
    for (size_t i = 0; i < tr.n; i++) {
        const char *rel = tr.files[i].rel;
        if (is_flow(&tr.files[i]))
            continue; /* test_simulate_flow_logs */
        if (is_digest(&tr.files[i])) {
            if (!digest_path_ok(rel))
                fail_msg("bad digest path '%s'", rel);
            digests++;
        } else {
            if (!log_path_ok(rel))
                fail_msg("bad log path '%s'", rel);
            logs++;
        }
    }
    /* a window has at most one object per account and region */
    assert_true(logs > 2 * 288);
    assert_true(logs <= 2 * 2 * 288 * 5);
    /* one digest per account, region and day; every account uses 3 to 5 regions */
    assert_true(digests >= 2 * 2 * 3 && digests <= 2 * 2 * 5);
    assert_int_equal(logs + digests, st.files);
    tree_release(&tr);
    rm_rf(t.root);
}

/* Fields every record carries, whatever its kind. */
static const char *const record_fields[] = {
    "eventVersion", "userIdentity",    "eventTime",          "eventSource",   "eventName",
    "awsRegion",    "sourceIPAddress", "userAgent",          "eventID",       "readOnly",
    "eventType",    "managementEvent", "recipientAccountId", "eventCategory",
};

static void check_log_file(const struct file *f, const char *text, uint64_t *events)
{
    char acct[16], region[32];
    assert_int_equal(sscanf(f->rel, "AWSLogs/%15[0-9]/CloudTrail/%31[a-z0-9-]/", acct, region), 2);
    assert_true(strncmp(text, "{\"Records\":[", 12) == 0);
    json_error_t jerr;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("%s: %s at line %d", f->rel, jerr.text, jerr.line);
    json_t *recs = json_object_get(doc, "Records");
    assert_true(json_is_array(recs));
    assert_true(json_array_size(recs) > 0);
    const char *prev = "";
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r)
    {
        for (size_t k = 0; k < VG_ARRAY_LEN(record_fields); k++)
            if (!json_object_get(r, record_fields[k]))
                fail_msg("%s: record %zu has no '%s'", f->rel, i, record_fields[k]);
        const char *t = json_string_value(json_object_get(r, "eventTime"));
        assert_non_null(t);
        assert_int_equal(strlen(t), 20);
        assert_true(strcmp(prev, t) <= 0);
        prev = t;
        assert_string_equal(json_string_value(json_object_get(r, "awsRegion")), region);
        assert_string_equal(json_string_value(json_object_get(r, "recipientAccountId")), acct);
        bool data = strcmp(json_string_value(json_object_get(r, "eventCategory")), "Data") == 0;
        assert_true(json_is_boolean(json_object_get(r, "managementEvent")));
        assert_int_equal(json_is_true(json_object_get(r, "managementEvent")), !data);
        if (json_object_get(r, "errorCode"))
            assert_true(json_is_null(json_object_get(r, "responseElements")));
    }
    *events += json_array_size(recs);
    json_decref(doc);
}

static void check_digest_file(const struct file *f, const char *text)
{
    static const char *const keys[] = {
        "awsAccountId",
        "digestStartTime",
        "digestEndTime",
        "digestS3Bucket",
        "digestS3Object",
        "digestPublicKeyFingerprint",
        "digestSignatureAlgorithm",
        "newestEventTime",
        "oldestEventTime",
        "previousDigestS3Bucket",
        "previousDigestSignature",
        "logFiles",
    };
    json_error_t jerr;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("%s: %s", f->rel, jerr.text);
    for (size_t k = 0; k < VG_ARRAY_LEN(keys); k++)
        if (!json_object_get(doc, keys[k]))
            fail_msg("%s: no '%s'", f->rel, keys[k]);
    assert_string_equal(json_string_value(json_object_get(doc, "digestS3Object")), f->rel);
    assert_true(json_is_array(json_object_get(doc, "logFiles")));
    json_decref(doc);
}

static void test_simulate_gzipped_records(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    tmp_make(&t);
    small_opts(&o, t.out, true);
    o.days = 2;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    load_tree(&tr, t.out);

    uint64_t events = 0, raw = 0;
    for (size_t i = 0; i < tr.n; i++) {
        if (!is_trail(&tr.files[i]))
            continue;
        size_t len;
        char *text = gunzip(&tr.files[i], &len);
        raw += len;
        if (is_digest(&tr.files[i]))
            check_digest_file(&tr.files[i], text);
        else
            check_log_file(&tr.files[i], text, &events);
        free(text);
    }
    assert_int_equal(events, st.events);
    assert_int_equal(raw, st.bytes_uncompressed);
    /* events_per_day is exact per account and day; the scenarios come on top */
    assert_int_equal(st.events, 2 * 2 * 3000 + 2 * 44);
    tree_release(&tr);
    rm_rf(t.root);
}

/* Substrings only an attack scenario writes, each with the finding it stands for. */
static const char *const attack_markers[] = {
    "\"eventName\":\"StopLogging\"", /* Stealth:IAMUser/CloudTrailLoggingDisabled */
    "\"eventName\":\"DeleteTrail\"",
    "\"minimumPasswordLength\":6,", /* Stealth:IAMUser/PasswordPolicyChange */
    "\"BucketLoggingStatus\":{\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\"},"
    "\"Host\"",                                      /* Stealth:S3/ServerAccessLoggingDisabled */
    "\"type\":\"Root\"",                             /* Policy:IAMUser/RootCredentialUsage */
    "\"assumedRoot\":\"true\"",                      /* ...ShortTermRootCredentialUsage */
    "md/distrib#kali.2024",                          /* PenTest:IAMUser,S3/KaliLinux */
    "Linux/6.5.0-13parrot1-amd64",                   /* PenTest:IAMUser,S3/ParrotLinux */
    "os/linux#6.6.13-pentoo",                        /* PenTest:IAMUser,S3/PentooLinux */
    "\"eventName\":\"PutAccountPublicAccessBlock\"", /* Policy:S3/AccountBlockPublicAccessDisabled
                                                      */
    "\"RestrictPublicBuckets\":false,\"BlockPublicPolicy\":false", /* ...BucketBlockPublicAccess */
    "\"Principal\":\"*\",\"Action\":\"s3:GetObject\"", /* Policy:S3/BucketAnonymousAccessGranted */
    "\"aws:PrincipalArn\":\"arn:aws:iam::*\"",         /* Policy:S3/BucketPublicAccessGranted */
    "groups/global/AuthenticatedUsers",
    "\"eventName\":\"DeleteModelInvocationLoggingConfiguration\"", /* BedrockLoggingDisabled */
    "\"eventName\":\"CreateUser\"",               /* UnauthorizedAccess:IAMUser/TorIPCaller */
    "\"eventName\":\"CreateAccessKey\"",          /* ...IAMUser/MaliciousIPCaller(.Custom) */
    "\"eventName\":\"ListObjects\"",              /* Discovery:S3/{Tor,MaliciousIP}Caller... */
    "\"key\":\"db/customers-2026-10-31.sql.gz\"", /* Exfiltration:S3/MaliciousIPCaller */
    "\"key\":\"db/README-RECOVER-FILES.txt\"",    /* Impact:S3/MaliciousIPCaller */
    "\"eventName\":\"GenerateDataKeyWithoutPlaintext\"", /* near miss: EC2 calling for the user */
    "finance/2026-q3-forecast-vpc.xlsx",                 /* near miss: a private caller */
};

/* How often each marker occurs across every log file of the tree. */
static void count_markers(const struct tree *tr, size_t counts[VG_ARRAY_LEN(attack_markers)])
{
    memset(counts, 0, sizeof(counts[0]) * VG_ARRAY_LEN(attack_markers));
    for (size_t i = 0; i < tr->n; i++) {
        if (!is_log(&tr->files[i]))
            continue;
        size_t len;
        char *text = gunzip(&tr->files[i], &len);
        for (size_t m = 0; m < VG_ARRAY_LEN(attack_markers); m++)
            for (const char *p = text; (p = strstr(p, attack_markers[m])); p++)
                counts[m]++;
        free(text);
    }
}

static void test_simulate_attack_markers(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    size_t counts[VG_ARRAY_LEN(attack_markers)];
    tmp_make(&t);
    small_opts(&o, t.out, true);
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    assert_int_equal(st.attacks, 2 * 32);
    load_tree(&tr, t.out);
    count_markers(&tr, counts);
    for (size_t m = 0; m < VG_ARRAY_LEN(attack_markers); m++)
        if (counts[m] < o.accounts)
            fail_msg("marker '%s' seen %zu times", attack_markers[m], counts[m]);
    tree_release(&tr);
    rm_rf(t.root);
}

static void test_simulate_no_attacks_unless_asked(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    size_t counts[VG_ARRAY_LEN(attack_markers)];
    tmp_make(&t);
    small_opts(&o, t.out, false);
    o.events_per_day = 20000;
    o.flows_per_day = 4000;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    assert_int_equal(st.attacks, 0);
    assert_int_equal(st.flow_attacks, 0);
    load_tree(&tr, t.out);
    count_markers(&tr, counts);
    for (size_t m = 0; m < VG_ARRAY_LEN(attack_markers); m++)
        if (counts[m])
            fail_msg("normal traffic contains '%s'", attack_markers[m]);
    for (size_t i = 0; i < tr.n; i++)
        if (!is_trail(&tr.files[i]) && !is_flow(&tr.files[i]))
            fail_msg("'%s' written without --attacks", tr.files[i].rel);
    tree_release(&tr);
    rm_rf(t.root);
}

/* The sample lists as `vigil scan` is told to read them (`vigil simulate --help`), and what
 * each should hold. */
static const struct {
    const char *file;
    enum vg_intel_list_kind kind;
    enum vg_intel_feed feed;         /* as asked for on the command line */
    enum vg_intel_category category; /* --list-category */
    const char *format;              /* as detected */
    enum vg_intel_feed want_feed;    /* the exit list feeds the Tor types whatever is asked */
    uint64_t addresses, networks;
} sample_lists[] = {
    { "tor-exit-addresses.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, VG_INTEL_CAT_AUTO,
      "tor-exit", VG_INTEL_FEED_TOR, 40, 0 },
    { "malicious-ips.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, VG_INTEL_CAT_AUTO, "txt",
      VG_INTEL_FEED_CURATED, 30, 1 },
    { "custom-threats.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, VG_INTEL_CAT_AUTO, "txt",
      VG_INTEL_FEED_CUSTOM, 8, 0 },
    { "trusted-ips.txt", VG_INTEL_TRUSTED, VG_INTEL_FEED_CUSTOM, VG_INTEL_CAT_AUTO, "txt",
      VG_INTEL_FEED_CUSTOM, 7, 0 },
    { "c2-ips.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, VG_INTEL_CAT_C2, "txt",
      VG_INTEL_FEED_CURATED, 21, 0 },
    { "mining-pools.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, VG_INTEL_CAT_CRYPTOCURRENCY,
      "txt", VG_INTEL_FEED_CURATED, 20, 0 },
    { "sinkholes.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, VG_INTEL_CAT_BLACKHOLE, "txt",
      VG_INTEL_FEED_CURATED, 10, 0 },
    { "drop-points.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, VG_INTEL_CAT_DROPPOINT, "txt",
      VG_INTEL_FEED_CURATED, 10, 0 },
    { "scanners.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, VG_INTEL_CAT_SCANNER, "txt",
      VG_INTEL_FEED_CURATED, 30, 0 },
};

/* The domain lists of the DNS scenarios (written with query logs and attacks), as the help says
 * to load them; categories by name, as --list-category takes them. */
static const struct {
    const char *file;
    enum vg_intel_list_kind kind;
    enum vg_intel_feed feed;
    const char *category;
    uint64_t domains;
} dns_lists[] = {
    { "c2-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "c2", 4 },
    { "mining-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "cryptocurrency", 2 },
    { "blackhole-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "blackhole", 2 },
    { "drop-point-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "droppoint", 2 },
    { "dga-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "dga", 3 },
    { "driveby-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "driveby", 2 },
    { "phishing-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED, "phishing", 2 },
    { "custom-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, "auto", 2 },
    { "trusted-domains.txt", VG_INTEL_TRUSTED, VG_INTEL_FEED_CUSTOM, "auto", 1 },
    { "suspicious-domains.txt", VG_INTEL_THREAT, VG_INTEL_FEED_REPUTATION, "suspicious", 2 },
};

static void load_one(struct vg_intel_builder *b, struct vg_input *in, struct vg_diag *diag,
                     const char *out, const char *file, enum vg_intel_list_kind kind,
                     enum vg_intel_feed feed, enum vg_intel_category category)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/intel/%s", out, file);
    struct vg_intel_source src = { NULL, path, kind, feed, NULL, category };
    assert_int_equal(vg_intel_load(b, &src, in, diag, NULL), VG_OK);
}

/* Every sample list of the run in out, loaded as the help says. */
static struct vg_intel *load_sample_lists(const char *out)
{
    struct vg_input in;
    struct vg_diag diag;
    struct vg_intel_builder *b = vg_intel_builder_new();
    assert_non_null(b);
    assert_int_equal(vg_input_init(&in), VG_OK);
    vg_diag_init(&diag, 4, NULL, NULL);
    for (size_t i = 0; i < VG_ARRAY_LEN(sample_lists); i++)
        load_one(b, &in, &diag, out, sample_lists[i].file, sample_lists[i].kind,
                 sample_lists[i].feed, sample_lists[i].category);
    char path[160];
    snprintf(path, sizeof(path), "%s/intel/%s", out, dns_lists[0].file);
    for (size_t i = 0; i < VG_ARRAY_LEN(dns_lists) && access(path, F_OK) == 0; i++) {
        enum vg_intel_category cat;
        assert_true(vg_intel_category_parse(vg_str_from(dns_lists[i].category), &cat));
        load_one(b, &in, &diag, out, dns_lists[i].file, dns_lists[i].kind, dns_lists[i].feed, cat);
    }
    /* what `vigil scan` adds unless told not to: the GuardDuty tester's names */
    if (access(path, F_OK) == 0)
        assert_int_equal(vg_intel_builtin_add(b), VG_OK);
    if (diag.total)
        fail_msg("%" PRIu64 " complaints loading the lists, last: %s", diag.total, diag.last);
    vg_input_release(&in);
    struct vg_intel *intel = vg_intel_freeze(b);
    assert_non_null(intel);
    return intel;
}

/* Per account, which calls come from a listed address: "<feed>:<eventName>" (custom, curated or
 * tor), trusted ones as "trusted:<eventName>". */
static const char *const listed_calls[] = {
    "custom:ListAttachedUserPolicies",
    "custom:CreateAccessKey",
    "custom:ListObjects",
    "custom:PutObject",
    "curated:DescribeInstances",
    "curated:CreateAccessKey",
    "curated:ListObjects",
    "curated:GetObject",
    "curated:PutObject",
    "tor:ListUsers",
    "tor:CreateUser",
    "tor:ListObjects",
    "tor:GetObject",
    "trusted:ListRoles",
};

struct listed_seen {
    char account[2][16];
    unsigned hits[2][VG_ARRAY_LEN(listed_calls)];
};

/* Match every record's caller against the lists; count the hits per account and call. */
static void match_records(const struct vg_intel *intel, const char *text, struct listed_seen *seen)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "Records"), i, r)
    {
        const char *src = json_string_value(json_object_get(r, "sourceIPAddress"));
        struct vg_ip ip;
        struct vg_intel_match m;
        if (!vg_ip_parse(vg_str_from(src), &ip) || !vg_intel_match_ip(intel, &ip, &m))
            continue;
        const char *acct = json_string_value(json_object_get(r, "recipientAccountId"));
        const char *name = json_string_value(json_object_get(r, "eventName"));
        const char *ua = json_string_value(json_object_get(r, "userAgent"));
        /* one list per address, and nothing a PenTest type would flag on top */
        assert_int_equal(m.count, 1);
        assert_null(strstr(ua, "kali"));
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(r, "userIdentity"), "type")),
            "IAMUser");
        char key[96];
        if (m.trusted)
            snprintf(key, sizeof(key), "trusted:%s", name);
        else
            snprintf(key, sizeof(key), "%s:%s",
                     m.hits[0].list->feed == VG_INTEL_FEED_CUSTOM    ? "custom"
                     : m.hits[0].list->feed == VG_INTEL_FEED_CURATED ? "curated"
                                                                     : "tor",
                     name);
        size_t a = 0;
        while (a < 2 && seen->account[a][0] && strcmp(seen->account[a], acct) != 0)
            a++;
        assert_true(a < 2);
        snprintf(seen->account[a], sizeof(seen->account[a]), "%s", acct);
        size_t c = 0;
        while (c < VG_ARRAY_LEN(listed_calls) && strcmp(listed_calls[c], key) != 0)
            c++;
        if (c == VG_ARRAY_LEN(listed_calls))
            fail_msg("unexpected call from a listed address: %s from %s", key, src);
        seen->hits[a][c]++;
    }
    json_decref(doc);
}

static void test_simulate_threat_lists(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    tmp_make(&t);
    small_opts(&o, t.out, true);
    o.events_per_day = 10000; /* plenty of normal traffic that must stay off every list */
    o.flows_per_day = 4000;   /* the flow scenarios' lists */
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    load_tree(&tr, t.out);

    /* beside AWSLogs, dated from the first day */
    size_t lists = 0;
    for (size_t i = 0; i < tr.n; i++) {
        const struct file *f = &tr.files[i];
        if (is_trail(f) || is_flow(f))
            continue;
        assert_true(strncmp(f->rel, "intel/", 6) == 0);
        lists++;
        if (strcmp(f->rel, "intel/malicious-ips.txt") == 0)
            assert_true(f->len > 40 &&
                        memcmp(f->data, "# vigil sample curated list, 2026-11-01\n", 40) == 0);
        if (strcmp(f->rel, "intel/tor-exit-addresses.txt") == 0) {
            assert_true(f->len > 9 && memcmp(f->data, "ExitNode ", 9) == 0);
            assert_non_null(memmem(f->data, f->len, "\nExitAddress ", 13));
            assert_non_null(memmem(f->data, f->len, "\nPublished 2026-10-31 ", 22));
        }
    }
    assert_int_equal(lists, VG_ARRAY_LEN(sample_lists));

    struct vg_intel *intel = load_sample_lists(t.out);
    assert_int_equal(vg_intel_list_count(intel), VG_ARRAY_LEN(sample_lists));
    for (size_t i = 0; i < VG_ARRAY_LEN(sample_lists); i++) {
        const struct vg_intel_list *l = vg_intel_list_at(intel, i);
        assert_string_equal(l->name, sample_lists[i].file);
        assert_string_equal(l->format, sample_lists[i].format);
        assert_int_equal(l->feed, sample_lists[i].want_feed);
        if (sample_lists[i].category != VG_INTEL_CAT_AUTO)
            assert_int_equal(l->category, sample_lists[i].category);
        assert_int_equal(l->addresses, sample_lists[i].addresses);
        assert_int_equal(l->networks, sample_lists[i].networks);
        assert_int_equal(l->rejected + l->bad_lines + l->skipped, 0);
    }

    /* every listed call is a scenario's, once per account; normal traffic never is */
    struct listed_seen seen;
    memset(&seen, 0, sizeof(seen));
    for (size_t i = 0; i < tr.n; i++) {
        if (!is_log(&tr.files[i]))
            continue;
        size_t len;
        char *text = gunzip(&tr.files[i], &len);
        match_records(intel, text, &seen);
        free(text);
    }
    for (size_t a = 0; a < 2; a++)
        for (size_t c = 0; c < VG_ARRAY_LEN(listed_calls); c++)
            if (seen.hits[a][c] != 1)
                fail_msg("account %zu: '%s' seen %u times", a, listed_calls[c], seen.hits[a][c]);
    vg_intel_free(intel);
    tree_release(&tr);
    rm_rf(t.root);
}

static void test_simulate_target_bytes(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    tmp_make(&t);
    small_opts(&o, t.out, false);
    o.accounts = 1;
    o.events_per_day = 1000;
    o.flows_per_day = 0;
    o.target_bytes = 4u << 20;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    assert_true(st.bytes_uncompressed >= o.target_bytes);
    /* whole days only: no more than one day past the target */
    assert_int_equal(st.events % 1000, 0);
    assert_true(st.events > 1000);
    assert_true(st.bytes_compressed < st.bytes_uncompressed);
    assert_int_equal(st.flow_files, 0);

    /* flow logs count towards the target too; with no events, no CloudTrail at all */
    rm_rf(t.out);
    o.events_per_day = 0;
    o.flows_per_day = 5000;
    o.target_bytes = 2u << 20;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    assert_int_equal(st.files, 0);
    assert_true(st.days > 1);
    assert_true(st.flow_bytes_uncompressed >= o.target_bytes);
    assert_true(st.flow_bytes_uncompressed - st.flow_bytes_uncompressed / st.days < o.target_bytes);
    rm_rf(t.root);
}

/* AWSLogs/<acct>/vpcflowlogs/<region>/YYYY/MM/DD/<acct>_vpcflowlogs_<region>_fl-<17 hex>_
 * YYYYMMDDTHHMMZ_<8 hex>.log.gz, the folder date being the file's; the account and region out. */
static bool flow_path_ok(const char *p, char acct[16], char region[32])
{
    char y[8], m[4], d[4], acct2[16], region2[32], fl[32], ymd[12], hm[8], hash[16];
    int end = -1;
    sscanf(p,
           "AWSLogs/%15[0-9]/vpcflowlogs/%31[a-z0-9-]/%7[0-9]/%3[0-9]/%3[0-9]/%15[0-9]_vpcflowlogs_"
           "%31[a-z0-9-]_fl-%31[0-9a-f]_%11[0-9]T%7[0-9]Z_%15[0-9a-f].log.gz%n",
           acct, region, y, m, d, acct2, region2, fl, ymd, hm, hash, &end);
    if (end < 0 || p[end] != '\0')
        return false;
    char date[16];
    snprintf(date, sizeof(date), "%s%s%s", y, m, d);
    return strlen(acct) == 12 && strcmp(acct, acct2) == 0 && strcmp(region, region2) == 0 &&
           strcmp(date, ymd) == 0 && strlen(hm) == 4 && strlen(fl) == 17 && strlen(hash) == 8;
}

#define HEADER_V2                                                                                  \
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "      \
    "start end action log-status"

/* What the flow log objects of a run hold, over all of them. */
struct flow_census {
    uint64_t files, bytes, records, custom, nodata, skipdata, rejected, ipv6;
};

/* Split line into at most cap blank-separated fields (in place); the field count. */
static size_t split_fields(char *line, char **fields, size_t cap)
{
    size_t n = 0;
    for (char *save = NULL, *f = strtok_r(line, " ", &save); f; f = strtok_r(NULL, " ", &save))
        if (n < cap)
            fields[n++] = f;
        else
            return cap + 1;
    return n;
}

/* One object: a header line naming the fields, then records with that many fields, of the
 * path's account, in order of their start. */
static void check_flow_file(const struct file *f, struct flow_census *c)
{
    char acct[16], region[32];
    if (!flow_path_ok(f->rel, acct, region))
        fail_msg("bad flow log path '%s'", f->rel);
    size_t len;
    char *text = gunzip(f, &len);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    assert_non_null(line);
    bool custom = strcmp(line, HEADER_V2) != 0;
    char *names[32];
    char header[512];
    snprintf(header, sizeof(header), "%s", line);
    size_t n = split_fields(header, names, 32);
    size_t i_acct = 0, i_start = 0, i_status = 0, i_src = 0;
    for (size_t k = 0; k < n; k++) {
        i_acct = strcmp(names[k], "account-id") == 0 ? k : i_acct;
        i_start = strcmp(names[k], "start") == 0 ? k : i_start;
        i_status = strcmp(names[k], "log-status") == 0 ? k : i_status;
        i_src = strcmp(names[k], "srcaddr") == 0 ? k : i_src;
    }
    assert_true(i_start && i_status && i_src);
    unsigned long prev = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *fields[32];
        if (split_fields(line, fields, 32) != n)
            fail_msg("%s: a record without %zu fields", f->rel, n);
        assert_string_equal(fields[i_acct], acct);
        unsigned long start = strtoul(fields[i_start], NULL, 10);
        if (start < prev)
            fail_msg("%s: records out of order (%lu after %lu)", f->rel, start, prev);
        prev = start;
        c->nodata += strcmp(fields[i_status], "NODATA") == 0;
        c->skipdata += strcmp(fields[i_status], "SKIPDATA") == 0;
        c->rejected += strcmp(fields[i_status - 1], "REJECT") == 0;
        c->ipv6 += strchr(fields[i_src], ':') != NULL;
        c->custom += custom;
        c->records++;
    }
    c->files++;
    c->bytes += len;
    free(text);
}

static void test_simulate_flow_logs(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    struct flow_census c = { 0 };
    tmp_make(&t);
    small_opts(&o, t.out, false);
    o.days = 2;
    o.events_per_day = 0;
    o.flows_per_day = 20000;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    load_tree(&tr, t.out);
    for (size_t i = 0; i < tr.n; i++)
        if (is_flow(&tr.files[i]))
            check_flow_file(&tr.files[i], &c);
    /* a default-format and a custom-format flow log per account: one object each per window */
    assert_int_equal(c.files, 2 * 2 * 2 * 288);
    assert_int_equal(c.files, st.flow_files);
    assert_int_equal(c.records, st.flow_records);
    assert_int_equal(c.bytes, st.flow_bytes_uncompressed);
    /* about flows_per_day: the first window of the fleet adds its burst */
    assert_true(c.records >= 2 * 2 * 20000 && c.records < 2 * 2 * 20000 * 11 / 10);
    assert_true(c.custom > c.records / 10 && c.custom < c.records * 9 / 10);
    assert_true(c.nodata > 0 && c.rejected > 0 && c.ipv6 > 0);
    assert_int_equal(st.flow_attacks, 0);
    assert_int_equal(st.files, 0); /* no events and no attacks: no CloudTrail, no digests */
    tree_release(&tr);
    rm_rf(t.root);
}

/* The scenarios of a run, as reported: the interface (flow logs) or instance (DNS) each
 * runs on. */
struct scen_row {
    char account[16], resource[32], type[80], what[200];
    unsigned day;
};

struct manifest {
    struct scen_row rows[256];
    size_t n;
};

static void manifest_add(struct manifest *m, const char *account, const char *resource,
                         const char *type, const char *what, unsigned day)
{
    assert_true(m->n < VG_ARRAY_LEN(m->rows));
    struct scen_row *r = &m->rows[m->n++];
    snprintf(r->account, sizeof(r->account), "%s", account);
    snprintf(r->resource, sizeof(r->resource), "%s", resource);
    snprintf(r->type, sizeof(r->type), "%s", type ? type : "");
    snprintf(r->what, sizeof(r->what), "%s", what);
    r->day = day;
}

static void on_flow_scenario(void *ctx, const struct vg_simulate_flow_scenario *s)
{
    manifest_add(ctx, s->account_id, s->interface_id, s->type, s->what, s->day);
}

static void on_dns_scenario(void *ctx, const struct vg_simulate_dns_scenario *s)
{
    manifest_add(ctx, s->account_id, s->instance_id, s->type, s->what, s->day);
}

/* Whether some detector of this build emits the type (detectors land one by one). */
static bool type_detected(enum vg_finding_type type)
{
    for (const struct vg_detector *const *d = vg_detectors; *d; d++)
        for (size_t i = 0; i < (*d)->type_count; i++)
            if ((*d)->types[i] == type)
                return true;
    return false;
}

/* Scan a run's logs as `vigil scan` would with the sample lists; the findings, sorted. */
static struct vg_scan *scan_run(const char *out, struct vg_intel *intel,
                                const struct vg_simulate_stats *st)
{
    struct vg_scan_opts so;
    char path[160];
    vg_scan_opts_init(&so);
    so.intel = intel;
    struct vg_scan *scan = vg_scan_new(&so);
    assert_non_null(scan);
    snprintf(path, sizeof(path), "%s/AWSLogs", out);
    assert_int_equal(vg_scan_path(scan, path), VG_OK);
    const struct vg_scan_stats *ss = vg_scan_stats(scan);
    assert_int_equal(ss->parse.bad_records, 0);
    assert_int_equal(ss->parse.events, st->events + st->flow_records + st->dns_queries);
    assert_int_equal(vg_scan_state_evictions(scan), 0);
    return scan;
}

/* How a test names the resource of a scenario in a finding (NULL: none), and which findings it
 * judges. */
struct scen_view {
    bool (*judged)(const struct vg_finding *f);
    const char *(*resource)(const struct vg_finding *f);
};

/* Scan the run in out with its sample lists: every firing scenario of m gives its type on its
 * resource (the types some detector of this build emits), and no judged finding lands on a near
 * miss's resource or on one of the background. */
static void scan_and_check(const char *out, const struct vg_simulate_stats *st,
                           const struct manifest *m, const struct scen_view *view)
{
    char problems[8192] = "";
    size_t plen = 0;
#define PROBLEM(...)                                                                               \
    (plen += (size_t)snprintf(problems + plen,                                                     \
                              plen < sizeof(problems) ? sizeof(problems) - plen : 0, __VA_ARGS__))
    struct vg_intel *intel = load_sample_lists(out);
    struct vg_scan *scan = scan_run(out, intel, st);
    size_t n;
    const struct vg_finding *const *fs = vg_findings_sorted(vg_scan_findings(scan), &n);

    for (size_t i = 0; i < n; i++) {
        const struct vg_finding *f = fs[i];
        if (!view->judged(f))
            continue;
        const char *res = view->resource(f);
        bool fires = false, known = false;
        const char *what = NULL;
        for (size_t r = 0; r < m->n; r++)
            if (res && strcmp(m->rows[r].resource, res) == 0 &&
                strcmp(m->rows[r].account, f->account_id) == 0) {
                known = true;
                fires |= m->rows[r].type[0] != '\0';
                what = m->rows[r].what;
            }
        if (!known)
            PROBLEM("background instance %s got %s\n", res ? res : "-",
                    vg_catalog_get(f->type)->name);
        else if (!fires)
            PROBLEM("near miss \"%s\" (%s) got %s\n", what, res, vg_catalog_get(f->type)->name);
    }
    for (size_t r = 0; r < m->n; r++) {
        const struct scen_row *row = &m->rows[r];
        if (!row->type[0])
            continue;
        enum vg_finding_type type = vg_catalog_find(row->type);
        assert_true(type != VG_FT_COUNT);
        if (!type_detected(type)) {
            print_message("skipped: no detector emits %s yet\n", row->type);
            continue;
        }
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++) {
            const char *res = fs[i]->type == type ? view->resource(fs[i]) : NULL;
            seen = res && strcmp(res, row->resource) == 0 &&
                   strcmp(fs[i]->account_id, row->account) == 0;
        }
        if (!seen)
            PROBLEM("\"%s\" (%s, day %u) did not give %s\n", row->what, row->resource, row->day + 1,
                    row->type);
    }
    if (plen)
        fail_msg("%s", problems);
    vg_scan_free(scan);
    vg_intel_free(intel);
#undef PROBLEM
}

/* Flow findings name the interface; CloudTrail's are test_simulate_attack_markers's. */
static bool flow_judged(const struct vg_finding *f)
{
    return f->interface_id != NULL;
}

static const char *flow_resource(const struct vg_finding *f)
{
    return f->interface_id;
}

static bool dns_judged(const struct vg_finding *f)
{
    return (vg_catalog_get(f->type)->sources & VG_FT_SRC_DNS) != 0;
}

static const char *dns_resource(const struct vg_finding *f)
{
    return f->instance_id;
}

/* Every vpcflow type fires on its scenario's instance; a near miss's instance, and every
 * instance of the background, gets no finding at all. */
static void test_simulate_flow_scenarios(void **state)
{
    (void)state;
    static const struct scen_view view = { flow_judged, flow_resource };
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct manifest m = { .n = 0 };
    tmp_make(&t);
    small_opts(&o, t.out, true);
    o.flows_per_day = 30000;
    o.on_flow_scenario = on_flow_scenario;
    o.scenario_ctx = &m;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    assert_int_equal(st.days, 2); /* the baseline scenarios need a second day */
    assert_true(m.n > 2 * 25);
    assert_true(st.flow_attacks > 0);
    scan_and_check(t.out, &st, &m, &view);
    rm_rf(t.root);
}

/* Three days of background flow and query logs in every detector: not one finding. */
static void test_simulate_background_quiet(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    tmp_make(&t);
    small_opts(&o, t.out, false);
    o.accounts = 1;
    o.days = 3;
    o.events_per_day = 0;
    o.flows_per_day = 150000;
    o.dns_per_day = 50000;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    struct vg_scan *scan = scan_run(t.out, NULL, &st);
    size_t n;
    const struct vg_finding *const *fs = vg_findings_sorted(vg_scan_findings(scan), &n);
    for (size_t i = 0; i < n; i++)
        print_message("background finding: %s on %s (%s)\n", vg_catalog_get(fs[i]->type)->name,
                      fs[i]->interface_id ? fs[i]->interface_id : "-",
                      fs[i]->instance_id ? fs[i]->instance_id : "-");
    assert_int_equal(n, 0);
    vg_scan_free(scan);
    rm_rf(t.root);
}

/* AWSLogs/<acct>/vpcdnsquerylogs/<vpc-id>/YYYY/MM/DD/<acct>_vpcdnsquerylogs_<vpc-id>_
 * YYYYMMDDTHHMMZ_<8 hex>.log.gz, the folder date being the file's; the time it is named after
 * (the end of its window) goes to end_ms_out. */
static bool dns_path_ok(const char *p, int64_t *end_ms_out)
{
    char acct[16], vpc[32], y[8], m[4], d[4], acct2[16], vpc2[32], ymd[12], hm[8], tag[12];
    int end = -1;
    sscanf(p,
           "AWSLogs/%15[0-9]/vpcdnsquerylogs/%31[a-z0-9-]/%7[0-9]/%3[0-9]/%3[0-9]/"
           "%15[0-9]_vpcdnsquerylogs_%31[a-z0-9-]_%11[0-9]T%7[0-9]Z_%11[0-9a-f].log.gz%n",
           acct, vpc, y, m, d, acct2, vpc2, ymd, hm, tag, &end);
    if (end < 0 || p[end] != '\0')
        return false;
    char iso[32];
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:00Z", ymd, ymd + 4, ymd + 6, hm, hm + 2);
    if (!vg_time_parse_iso(vg_str_from(iso), end_ms_out))
        return false;
    char date[16];
    snprintf(date, sizeof(date), "%s%s%s", y, m, d);
    return all_of(acct, 12, DIGITS) && strcmp(acct, acct2) == 0 && strcmp(vpc, vpc2) == 0 &&
           strncmp(vpc, "vpc-0", 5) == 0 && strcmp(date, ymd) == 0 && strlen(hm) == 4 &&
           strlen(tag) == 8;
}

struct dns_census {
    uint64_t files, queries, bytes;
    uint64_t nxdomain, ptr, aaaa, cname, mx, internal;
};

/* Every line of a query log object: the fields of Resolver query logging in its order. */
static void check_dns_file(const struct file *f, struct dns_census *c)
{
    static const char *const keys[] = { "version",    "account_id",      "region",
                                        "vpc_id",     "query_timestamp", "query_name",
                                        "query_type", "query_class",     "rcode",
                                        "answers",    "srcaddr",         "srcport",
                                        "transport",  "srcids" };
    int64_t end_ms;
    if (!dns_path_ok(f->rel, &end_ms))
        fail_msg("bad query log path '%s'", f->rel);
    size_t len;
    char *text = gunzip(f, &len);
    assert_true(len > 0 && text[len - 1] == '\n');
    for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        json_error_t jerr;
        json_t *r = json_loadb(line, (size_t)(nl - line), 0, &jerr);
        if (!r)
            fail_msg("%s: not JSON: %s", f->rel, jerr.text);
        assert_int_equal(json_object_size(r), VG_ARRAY_LEN(keys));
        const char *at = line;
        for (size_t k = 0; k < VG_ARRAY_LEN(keys); k++) {
            char quoted[40];
            snprintf(quoted, sizeof(quoted), "\"%s\":", keys[k]);
            const char *p = strstr(at, quoted);
            if (!p || p > nl)
                fail_msg("%s: '%s' missing or out of order", f->rel, keys[k]);
            at = p;
        }
        const char *name = json_string_value(json_object_get(r, "query_name"));
        assert_true(name[0] && name[strlen(name) - 1] == '.');
        int64_t ts;
        assert_true(vg_time_parse_iso(
            vg_str_from(json_string_value(json_object_get(r, "query_timestamp"))), &ts));
        /* in the five minutes the object is named after (a boot burst may run on a little) */
        assert_true(ts < end_ms + 300000 && ts >= end_ms - 300000);
        assert_string_equal(json_string_value(json_object_get(r, "query_class")), "IN");
        assert_true(
            strncmp(json_string_value(json_object_get(json_object_get(r, "srcids"), "instance")),
                    "i-0", 3) == 0);
        const char *type = json_string_value(json_object_get(r, "query_type"));
        const char *rcode = json_string_value(json_object_get(r, "rcode"));
        c->nxdomain += strcmp(rcode, "NXDOMAIN") == 0;
        c->ptr += strcmp(type, "PTR") == 0;
        c->aaaa += strcmp(type, "AAAA") == 0;
        c->mx += strcmp(type, "MX") == 0;
        c->internal += strstr(name, ".internal.") != NULL;
        size_t i;
        json_t *ans;
        json_array_foreach(json_object_get(r, "answers"), i, ans)
        {
            assert_string_equal(json_string_value(json_object_get(ans, "Class")), "IN");
            c->cname += strcmp(json_string_value(json_object_get(ans, "Type")), "CNAME") == 0;
        }
        json_decref(r);
        c->queries++;
    }
    c->files++;
    c->bytes += len;
    free(text);
}

static void test_simulate_dns_logs(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct tree tr;
    struct dns_census c = { 0 };
    tmp_make(&t);
    small_opts(&o, t.out, false);
    o.events_per_day = 0;
    o.dns_per_day = 20000;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    load_tree(&tr, t.out);
    for (size_t i = 0; i < tr.n; i++) {
        assert_true(is_dns(&tr.files[i])); /* no flow logs asked for, no CloudTrail */
        check_dns_file(&tr.files[i], &c);
    }
    assert_int_equal(c.files, st.dns_files);
    assert_int_equal(c.queries, st.dns_queries);
    assert_int_equal(c.bytes, st.dns_bytes_uncompressed);
    /* about dns_per_day, plus every instance's boot burst */
    assert_true(c.queries >= 2 * 20000 && c.queries < 2 * 20000 * 13 / 10);
    assert_true(c.nxdomain > 0 && c.nxdomain < c.queries / 20);
    assert_true(c.ptr > 0 && c.aaaa > 0 && c.cname > 0 && c.mx > 0 && c.internal > 0);
    assert_int_equal(st.dns_attacks, 0);
    tree_release(&tr);
    rm_rf(t.root);
}

/* Every DNS type fires on its scenario's instance (those some detector of this build emits);
 * a near miss's instance, and every instance of the background, gets no DNS finding. */
static void test_simulate_dns_scenarios(void **state)
{
    (void)state;
    static const struct scen_view view = { dns_judged, dns_resource };
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    struct manifest m = { .n = 0 };
    tmp_make(&t);
    small_opts(&o, t.out, true);
    o.flows_per_day = 20000; /* the C&C beacon resolves before it connects */
    o.dns_per_day = 30000;
    o.on_dns_scenario = on_dns_scenario;
    o.scenario_ctx = &m;
    assert_int_equal(vg_simulate_run(&o, &st), VG_OK);
    assert_int_equal(st.days, 2); /* new domains need a day of learning */
    assert_true(m.n > 2 * 30);
    assert_true(st.dns_attacks > 0);
    scan_and_check(t.out, &st, &m, &view);
    rm_rf(t.root);
}

static void test_simulate_rejects_bad_runs(void **state)
{
    (void)state;
    struct tmp t;
    struct vg_simulate_opts o;
    struct vg_simulate_stats st;
    char file[128], below[160];
    tmp_make(&t);

    small_opts(&o, t.out, false);
    o.accounts = 0;
    assert_int_equal(vg_simulate_run(&o, &st), VG_EUSAGE);
    small_opts(&o, NULL, false);
    assert_int_equal(vg_simulate_run(&o, &st), VG_EUSAGE);

    /* the output folder would have to be created inside a regular file */
    snprintf(file, sizeof(file), "%s/plain", t.root);
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    close(fd);
    snprintf(below, sizeof(below), "%s/out", file);
    small_opts(&o, below, false);
    assert_int_equal(vg_simulate_run(&o, &st), VG_EIO);
    assert_int_equal(errno, ENOTDIR);
    assert_int_equal(st.files, 0);
    rm_rf(t.root);
}

/* ---- the behaviour generator (IAM baselines) ---- */

struct behaviour_run {
    struct vg_scan *scan;
    uint64_t hash; /* of every day's bytes */
    const char *types[32];
    unsigned attacks;
};

static int behaviour_day(void *ctx, unsigned day, const char *data, size_t len)
{
    struct behaviour_run *r = ctx;
    r->hash = vg_hash64(data, len, r->hash + day);
    return r->scan ? vg_scan_buffer(r->scan, "day.json", data, len) : VG_OK;
}

static void behaviour_attack(void *ctx, const struct vg_behaviour_attack *a)
{
    struct behaviour_run *r = ctx;
    assert_true(r->attacks < VG_ARRAY_LEN(r->types));
    for (size_t i = 0; i < VG_FT_COUNT; i++)
        if (strcmp(vg_catalog[i].name, a->type) == 0)
            r->types[r->attacks++] = vg_catalog[i].name; /* static: outlives the call */
}

static void behaviour_run(struct behaviour_run *r, struct vg_scan *scan)
{
    struct vg_behaviour_opts o;
    struct vg_behaviour_stats st;
    vg_behaviour_opts_init(&o);
    o.principals = 150;
    o.days = 14;
    o.attacks = true;
    o.on_day = behaviour_day;
    o.on_attack = behaviour_attack;
    o.ctx = r;
    memset(r, 0, sizeof(*r));
    r->scan = scan;
    assert_int_equal(vg_simulate_behaviour(&o, &st), VG_OK);
    assert_int_equal(st.attacks, r->attacks);
}

/* Every IAM behaviour type has a scenario, the scan finds each, and the bytes repeat. */
static void test_simulate_behaviour_scenarios(void **state)
{
    (void)state;
    struct vg_buf ranges = VG_BUF_INIT;
    struct vg_diag diag;
    vg_diag_init(&diag, 10, NULL, NULL);
    struct vg_ipinfo *ipinfo = vg_ipinfo_new();
    assert_non_null(ipinfo);
    assert_int_equal(
        vg_behaviour_ip_ranges(vg_time_days_from_civil(2026, 11, 1) * 86400000ll, &ranges), VG_OK);
    assert_int_equal(vg_ipinfo_load_buffer(ipinfo, "r.json", ranges.data, ranges.len, &diag),
                     VG_OK);
    assert_int_equal(vg_ipinfo_freeze(ipinfo), VG_OK);
    struct vg_scan_opts so;
    vg_scan_opts_init(&so);
    so.ipinfo = ipinfo;
    so.read_ahead = false;
    struct vg_scan *scan = vg_scan_new(&so);
    struct behaviour_run a, b;
    behaviour_run(&a, scan);
    behaviour_run(&b, NULL);
    assert_true(a.hash == b.hash);
    assert_int_equal(a.attacks, 20); /* 20 IAM behaviour types */
    size_t n;
    const struct vg_finding *const *all = vg_findings_sorted(vg_scan_findings(scan), &n);
    for (unsigned k = 0; k < a.attacks; k++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(vg_catalog[all[i]->type].name, a.types[k]) == 0;
        if (!found)
            fail_msg("no %s finding for its scenario", a.types[k]);
    }
    vg_scan_free(scan);
    vg_ipinfo_free(ipinfo);
    vg_buf_release(&ranges);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simulate_deterministic),
        cmocka_unit_test(test_simulate_layout),
        cmocka_unit_test(test_simulate_gzipped_records),
        cmocka_unit_test(test_simulate_attack_markers),
        cmocka_unit_test(test_simulate_no_attacks_unless_asked),
        cmocka_unit_test(test_simulate_threat_lists),
        cmocka_unit_test(test_simulate_target_bytes),
        cmocka_unit_test(test_simulate_flow_logs),
        cmocka_unit_test(test_simulate_flow_scenarios),
        cmocka_unit_test(test_simulate_dns_logs),
        cmocka_unit_test(test_simulate_dns_scenarios),
        cmocka_unit_test(test_simulate_background_quiet),
        cmocka_unit_test(test_simulate_rejects_bad_runs),
        cmocka_unit_test(test_simulate_behaviour_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
