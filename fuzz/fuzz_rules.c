/*
 * Fuzz target: the rule loader and matcher (src/rules/), on rule text in memory.
 *
 * A rule file is written by a user, or converted from a downloaded Sigma rule: it must never
 * crash vigil, however malformed, nested or aliased.  Checked after each input:
 *  - loading returns VG_OK (bad rules are reported, never fatal);
 *  - every loaded rule has an id, a type and a source, and freezing accepts them all;
 *  - the rules' own tests run, with no more failures than tests;
 *  - matching the loaded rules against fixed CloudTrail records (one with nested policy JSON
 *    in a string, arrays of objects and hostile bytes) does not crash.
 */
#include "core/compat.h"
#include "core/err.h"
#include "parse/cloudtrail.h"
#include "parse/json.h"
#include "rules/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_rules: invariant failed: %s (%s:%d)\n", #cond, __FILE__,         \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char *const RECORDS[] = {
    "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":"
    "\"iam.amazonaws.com\",\"eventName\":\"UpdateAssumeRolePolicy\",\"awsRegion\":\"us-east-1\","
    "\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"aws-cli/2 \\u001b[31m kali\","
    "\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"111122223333\",\"arn\":"
    "\"arn:aws:iam::111122223333:user/a\"},\"recipientAccountId\":\"111122223333\","
    "\"requestParameters\":{\"roleName\":\"r\",\"policyDocument\":\"{\\\"Statement\\\":[{"
    "\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":[\\\"*\\\",\\\"{\\\"]}}]}\"}}",
    "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":"
    "\"ec2.amazonaws.com\",\"eventName\":\"AuthorizeSecurityGroupIngress\",\"awsRegion\":"
    "\"us-east-1\",\"sourceIPAddress\":\"2001:db8::1\",\"errorCode\":\"AccessDenied\","
    "\"userIdentity\":{\"type\":\"AssumedRole\"},\"requestParameters\":{\"ipPermissions\":{"
    "\"items\":[{\"fromPort\":22,\"toPort\":22,\"ipRanges\":{\"items\":[{\"cidrIp\":"
    "\"0.0.0.0/0\"}]}},[1,[2]],null]}},\"resources\":[{\"ARN\":\"x\"},7]}",
};

static enum vg_finding_type accept_any(void *ctx, struct vg_rule_type_decl *decl, char *why,
                                       size_t why_cap)
{
    (void)ctx, (void)why, (void)why_cap;
    CHECK(decl->name && decl->name[0]);
    return (enum vg_finding_type)0;
}

static void on_finding(void *ctx, const struct vg_finding_draft *d)
{
    (*(size_t *)ctx)++;
    CHECK(d->event && d->additional.len > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_diag diag;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL); /* format every message: they quote input */
    struct vg_rules *rs = vg_rules_new();
    CHECK(rs);
    CHECK(vg_rules_load_text(rs, "fuzz.yml", (const char *)data, size, &diag) == VG_OK);
    vg_rules_enable(rs, "all");
    uint64_t rejected = vg_rules_rejected(rs);
    CHECK(vg_rules_freeze(rs, accept_any, NULL, &diag) == VG_OK);
    CHECK(vg_rules_rejected(rs) == rejected);
    for (size_t i = 0; i < vg_rules_count(rs); i++) {
        struct vg_rule_info r;
        vg_rules_info(rs, i, &r);
        CHECK(r.id && r.id[0] && r.type && r.type[0] && r.sources && r.enabled);
    }
    size_t run, failed;
    CHECK(vg_rules_self_test(rs, &diag, &run, &failed) == VG_OK);
    CHECK(failed <= run);

    struct vg_arena arena;
    struct vg_json_parser parser;
    struct vg_parse_stats stats = { 0 };
    vg_arena_init(&arena, 4096, 1 << 20);
    vg_json_parser_init(&parser, &arena, 1 << 20);
    struct vg_rules_run *matcher = vg_rules_run_new(rs);
    CHECK(matcher);
    size_t findings = 0;
    struct vg_emit emit = { on_finding, &findings };
    for (size_t i = 0; i < VG_ARRAY_LEN(RECORDS); i++) {
        struct vg_parse_ctx pc = {
            .source = "r", .arena = &arena, .json = &parser, .diag = &diag, .stats = &stats
        };
        size_t pos = 0;
        const struct vg_json_value *root;
        struct vg_json_error err;
        CHECK(vg_json_parse(&parser, RECORDS[i], strlen(RECORDS[i]), &pos, &root, &err) ==
              VG_JSON_OK);
        struct vg_event ev;
        struct vg_diag_loc loc = { .source = "r", .line = i + 1 };
        CHECK(vg_cloudtrail_map(&pc, root, &loc, &ev));
        vg_rules_event(matcher, &ev, &emit);
        vg_arena_reset(&arena);
    }
    vg_rules_run_free(matcher);
    vg_json_parser_release(&parser);
    vg_arena_release(&arena);
    vg_rules_free(rs);
    return 0;
}
