/* Unit tests for rules/: every operator through rules' own tests (parsed as CloudTrail, DNS and
 * flow records), refusals with file:line, hostile rule files (alias bombs, backtracking
 * regexes), the index, dry-run, severity from a field, and the findings a rule emits. */
#include "rules/rules.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "parse/cloudtrail.h"
#include "parse/json.h"

static enum vg_finding_type accept_all(void *ctx, struct vg_rule_type_decl *decl, char *why,
                                       size_t why_cap)
{
    (void)decl, (void)why, (void)why_cap;
    return ctx ? *(enum vg_finding_type *)ctx : (enum vg_finding_type)0;
}

static void collect(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)code;
    vg_buf_printf(ctx, "%s\n", message);
}

struct loaded {
    struct vg_rules *rs;
    struct vg_diag diag;
    struct vg_buf msgs;
};

static void load(struct loaded *l, const char *text, bool enable_all)
{
    memset(l, 0, sizeof(*l));
    vg_diag_init(&l->diag, 100, collect, &l->msgs);
    l->rs = vg_rules_new();
    assert_non_null(l->rs);
    assert_int_equal(vg_rules_load_text(l->rs, "t.yml", text, strlen(text), &l->diag), VG_OK);
    if (enable_all)
        vg_rules_enable(l->rs, "all");
    assert_int_equal(vg_rules_freeze(l->rs, accept_all, NULL, &l->diag), VG_OK);
}

static void unload(struct loaded *l)
{
    vg_rules_free(l->rs);
    vg_buf_release(&l->msgs);
}

static void assert_self_tests_pass(const char *text, size_t want_tests)
{
    struct loaded l;
    load(&l, text, true);
    size_t run, failed;
    assert_int_equal(vg_rules_self_test(l.rs, &l.diag, &run, &failed), VG_OK);
    if (failed || vg_rules_rejected(l.rs))
        fail_msg("%s", l.msgs.data ? l.msgs.data : "(no message)");
    assert_int_equal(run, want_tests);
    unload(&l);
}

#define EVENT_HEAD                                                                                 \
    "      eventVersion: '1.08'\n      eventTime: '2024-05-01T10:00:00Z'\n"                        \
    "      awsRegion: us-east-1\n      sourceIPAddress: 198.51.100.7\n"                            \
    "      userIdentity: {type: IAMUser, accountId: '111122223333', arn: "                         \
    "'arn:aws:iam::111122223333:user/ci', accessKeyId: AKIAEXAMPLE}\n"                             \
    "      recipientAccountId: '111122223333'\n"

static void test_rules_string_operators(void **state)
{
    (void)state;
    assert_self_tests_pass(
        "id: ops\ntype: X:Y/Z\ndescription: d\n"
        "match:\n"
        "  eventName: [CreateUser, CreateRole]\n"
        "  userAgent: {contains: [kali, parrot], nocase: true}\n"
        "  requestParameters.userName: {prefix: adm, suffix: '-x'}\n"
        "  errorCode: null\n"
        "tests:\n"
        "  - name: all hold\n    expect: true\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: CreateRole\n"
        "      userAgent: 'aws-cli/2 os/linux#6.1.0-KALI1'\n"
        "      requestParameters: {userName: admin-x}\n"
        "  - name: wrong name\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: DeleteRole\n"
        "      userAgent: kali\n      requestParameters: {userName: admin-x}\n"
        "  - name: case matters without nocase\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: CreateUser\n"
        "      userAgent: kali\n      requestParameters: {userName: ADMIN-x}\n"
        "  - name: failed call\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: CreateUser\n"
        "      errorCode: AccessDenied\n"
        "      userAgent: kali\n      requestParameters: {userName: admin-x}\n",
        4);
}

static void test_rules_all_any_not_and_all_values(void **state)
{
    (void)state;
    assert_self_tests_pass(
        "id: logic\ntype: X:Y/Z\ndescription: d\n"
        "match:\n"
        "  any:\n"
        "    - eventName: A\n"
        "    - all:\n"
        "        - eventName: B\n"
        "        - not: {userAgent: {contains: boto}}\n"
        "  requestParameters.text: {contains: [foo, bar], all: true}\n"
        "tests:\n"
        "  - {name: A with both words, expect: true, event: {eventVersion: '1.08', eventTime: "
        "'2024-05-01T10:00:00Z', eventSource: s.amazonaws.com, eventName: A, userAgent: boto, "
        "requestParameters: {text: bar-foo}}}\n"
        "  - {name: A with one word, expect: false, event: {eventVersion: '1.08', eventTime: "
        "'2024-05-01T10:00:00Z', eventSource: s.amazonaws.com, eventName: A, "
        "requestParameters: {text: foo}}}\n"
        "  - {name: B from boto, expect: false, event: {eventVersion: '1.08', eventTime: "
        "'2024-05-01T10:00:00Z', eventSource: s.amazonaws.com, eventName: B, userAgent: boto3, "
        "requestParameters: {text: foobar}}}\n"
        "  - {name: B from cli, expect: true, event: {eventVersion: '1.08', eventTime: "
        "'2024-05-01T10:00:00Z', eventSource: s.amazonaws.com, eventName: B, userAgent: aws-cli, "
        "requestParameters: {text: foobar}}}\n",
        4);
}

/* A policy statement must be judged whole: Allow and Principal * in the same element. */
static void test_rules_some_json_and_fields(void **state)
{
    (void)state;
    assert_self_tests_pass(
        "id: policy\ntype: X:Y/Z\ndescription: d\n"
        "match:\n"
        "  eventName: UpdateAssumeRolePolicy\n"
        "  requestParameters.policyDocument:\n"
        "    json:\n"
        "      some:\n"
        "        path: Statement\n"
        "        match:\n"
        "          Effect: Allow\n"
        "          any:\n"
        "            - Principal: '*'\n"
        "            - Principal.AWS: '*'\n"
        "            - some:\n"
        "                path: Principal.AWS\n"
        "                match:\n"
        "                  .: {regex: '^(arn:aws:iam::)?[0-9]{12}'}\n"
        "                  not: {.: {contains_field: $.recipientAccountId}}\n"
        "tests:\n"
        "  - name: trust opened to another account\n    expect: true\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":[{\"Effect\":"
        "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"}}]}'}\n"
        "  - name: own account\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":[{\"Effect\":"
        "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"}}]}'}\n"
        "  - name: star only in a Deny statement\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":[{\"Effect\":"
        "\"Deny\",\"Principal\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
        "\"ec2.amazonaws.com\"}}]}'}\n"
        "  - name: star in a list of principals\n    expect: true\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":{\"Effect\":"
        "\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"*\"]}}}'}\n"
        "  - name: own and a foreign account in one list\n    expect: true\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":{\"Effect\":"
        "\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"444455556666\"]}}}'"
        "}\n"
        "  - name: own accounts only, in a list\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":{\"Effect\":"
        "\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"111122223333\"]}}}'"
        "}\n"
        "  - name: not JSON\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: iam.amazonaws.com\n      eventName: UpdateAssumeRolePolicy\n"
        "      requestParameters: {roleName: r, policyDocument: '{\"Statement\":'}\n",
        7);
}

static void test_rules_numbers_cidr_exists(void **state)
{
    (void)state;
    assert_self_tests_pass(
        "id: net\ntype: X:Y/Z\ndescription: d\n"
        "match:\n"
        "  eventName: AuthorizeSecurityGroupIngress\n"
        "  some:\n"
        "    path: requestParameters.ipPermissions.items\n"
        "    match:\n"
        "      fromPort: {le: 22}\n"
        "      toPort: {ge: 22}\n"
        "      ipRanges.items.cidrIp: 0.0.0.0/0\n"
        "  sourceIPAddress: {cidr: [198.51.100.0/24, '2001:db8::/32']}\n"
        "  requestParameters.groupId: {exists: true}\n"
        "tests:\n"
        "  - name: ssh open to the world\n    expect: true\n    event:\n" EVENT_HEAD
        "      eventSource: ec2.amazonaws.com\n      eventName: AuthorizeSecurityGroupIngress\n"
        "      requestParameters: {groupId: sg-1, ipPermissions: {items: [{fromPort: 443, toPort: "
        "443, ipRanges: {items: [{cidrIp: 0.0.0.0/0}]}}, {fromPort: 0, toPort: 65535, ipRanges: "
        "{items: [{cidrIp: 0.0.0.0/0}]}}]}}\n"
        "  - name: https only\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: ec2.amazonaws.com\n      eventName: AuthorizeSecurityGroupIngress\n"
        "      requestParameters: {groupId: sg-1, ipPermissions: {items: [{fromPort: 443, toPort: "
        "443, ipRanges: {items: [{cidrIp: 0.0.0.0/0}]}}, {fromPort: 22, toPort: 22, ipRanges: "
        "{items: [{cidrIp: 10.0.0.0/8}]}}]}}\n"
        "  - name: no group id\n    expect: false\n    event:\n" EVENT_HEAD
        "      eventSource: ec2.amazonaws.com\n      eventName: AuthorizeSecurityGroupIngress\n"
        "      requestParameters: {ipPermissions: {items: [{fromPort: 22, toPort: 22, ipRanges: "
        "{items: [{cidrIp: 0.0.0.0/0}]}}]}}\n",
        3);
}

static void test_rules_dns_and_flow_sources(void **state)
{
    (void)state;
    assert_self_tests_pass(
        "id: dns\ntype: X:EC2/Dns\nsource: dns\ndescription: d\n"
        "match:\n  query_name: {suffix: .onion.example., nocase: true}\n"
        "tests:\n"
        "  - {name: hit, expect: true, event: {version: '1.100000', account_id: '111122223333', "
        "region: us-east-1, vpc_id: vpc-1, query_timestamp: '2024-05-01T10:00:00Z', query_name: "
        "A.ONION.EXAMPLE., query_type: A, query_class: IN, rcode: NOERROR, answers: [], srcaddr: "
        "10.0.0.5, srcport: '5353', transport: UDP, srcids: {instance: i-1}}}\n"
        "  - {name: miss, expect: false, event: {version: '1.100000', account_id: '111122223333', "
        "region: us-east-1, vpc_id: vpc-1, query_timestamp: '2024-05-01T10:00:00Z', query_name: "
        "example.com., query_type: A, query_class: IN, rcode: NOERROR, answers: [], srcaddr: "
        "10.0.0.5, srcport: '5353', transport: UDP, srcids: {instance: i-1}}}\n"
        "---\n"
        "id: flow\ntype: X:EC2/Flow\nsource: vpcflow\ndescription: d\n"
        "match:\n  dstport: ['3389', '5900']\n  action: ACCEPT\n  bytes: {gt: 1000}\n"
        "tests:\n"
        "  - {name: rdp, expect: true, event: {version: 2, account-id: '111122223333', "
        "interface-id: eni-1, srcaddr: 203.0.113.9, dstaddr: 10.0.0.5, srcport: 50000, dstport: "
        "3389, protocol: 6, packets: 20, bytes: 4000, start: 1714557600, end: 1714557660, action: "
        "ACCEPT, log-status: OK}}\n"
        "  - {name: rejected, expect: false, event: {version: 2, account-id: '111122223333', "
        "interface-id: eni-1, srcaddr: 203.0.113.9, dstaddr: 10.0.0.5, srcport: 50000, dstport: "
        "3389, protocol: 6, packets: 20, bytes: 4000, start: 1714557600, end: 1714557660, action: "
        "REJECT, log-status: OK}}\n",
        4);
}

static void assert_refused(const char *text, const char *why)
{
    struct loaded l;
    load(&l, text, true);
    assert_int_equal(vg_rules_count(l.rs), 0);
    assert_true(vg_rules_rejected(l.rs) >= 1);
    if (!l.msgs.data || !strstr(l.msgs.data, why))
        fail_msg("wanted '%s' in: %s", why, l.msgs.data ? l.msgs.data : "(nothing)");
    unload(&l);
}

static void test_rules_refusals_name_file_and_line(void **state)
{
    (void)state;
    assert_refused("id: a\ntype: X:Y/Z\nmatch:\n  eventName: {equal: x}\n",
                   "t.yml:4: rule a: unknown operator 'equal'");
    assert_refused("id: a\ntype: X:Y/Z\nmtach:\n  eventName: x\n", "t.yml:3: rule a: unknown key");
    assert_refused("id: a\ntype: X:Y/Z\n", "rule a: the rule has no 'match' condition");
    assert_refused("type: X:Y/Z\nmatch: {a: b}\n", "needs an id");
    assert_refused("id: a\ntype: nonsense\nmatch: {a: b}\n", "type must be a finding type");
    assert_refused("id: a\ntype: X:Y/Z\nmatch: {a: {regex: '(a)\\1'}}\n", "regex '(a)\\1'");
    assert_refused("id: a\ntype: X:Y/Z\nmatch: {a: {cidr: 10.0.0.0/33}}\n", "no address");
    assert_refused("id: a\ntype: X:Y/Z\nmatch: {a: {gt: many}}\n", "takes a number");
    assert_refused("id: a\ntype: X:Y/Z\nmatch: {.: b}\n", "works inside some:");
    assert_refused("id: a\ntype: X:Y/Z\nmatch: {use: nope}\n", "no condition named 'nope'");
    assert_refused("conditions: {x: {a: b}}\n---\nconditions: {x: {a: c}}\n",
                   "a condition named 'x' is already loaded");
    assert_refused("id: a\ntype: X:Y/Z\ndescription: 'x {b'\nmatch: {a: b}\n", "unpaired");
    assert_refused("id: a\ntype: X:Y/Z\nsource: vpcflow\nmatch: {dst: b}\n",
                   "no VPC Flow Logs field");
    assert_refused("id: a\ntype: X:Y/Z\nmatch: [\n", "not valid YAML");
    /* a few lines of aliases describing 10^9 nodes */
    assert_refused("references:\n"
                   "  - &a [{x: y}, {x: y}, {x: y}, {x: y}, {x: y}, {x: y}, {x: y}, {x: y}]\n"
                   "  - &b [{all: *a}, {all: *a}, {all: *a}, {all: *a}, {all: *a}, {all: *a}]\n"
                   "  - &c [{any: *b}, {any: *b}, {any: *b}, {any: *b}, {any: *b}, {any: *b}]\n"
                   "  - &d [{all: *c}, {all: *c}, {all: *c}, {all: *c}, {all: *c}, {all: *c}]\n"
                   "  - &e [{any: *d}, {any: *d}, {any: *d}, {any: *d}, {any: *d}, {any: *d}]\n"
                   "id: bomb\ntype: X:Y/Z\nmatch: {any: [{any: *e}, {any: *e}, {any: *e}]}\n",
                   "too large");
    /* the good rule beside a bad one still loads */
    struct loaded l;
    load(&l,
         "id: bad\ntype: X:Y/Z\nmatch: {a: {nope: 1}}\n---\n"
         "id: good\ntype: X:Y/Z\ndescription: d\nmatch: {a: b}\n---\n"
         "id: good\ntype: X:Y/Z\ndescription: d\nmatch: {a: c}\n",
         true);
    assert_int_equal(vg_rules_count(l.rs), 1);
    assert_int_equal(vg_rules_rejected(l.rs), 2);
    assert_non_null(strstr(l.msgs.data, "t.yml:10: rule good: another rule already has this id"));
    unload(&l);
}

/* What a rule emits, checked through the emit callback. */
struct emitted {
    int count;
    double severity;
    char detail[512];
    char counterpart[256];
    char additional[256];
};

static void on_finding(void *ctx, const struct vg_finding_draft *d)
{
    struct emitted *e = ctx;
    e->count++;
    e->severity = d->severity;
    snprintf(e->detail, sizeof(e->detail), "%.*s", (int)d->detail.len, d->detail.ptr);
    snprintf(e->counterpart, sizeof(e->counterpart), "%.*s", (int)d->counterpart.len,
             d->counterpart.ptr ? d->counterpart.ptr : "");
    snprintf(e->additional, sizeof(e->additional), "%.*s", (int)d->additional.len,
             d->additional.ptr);
}

static void run_record(struct vg_rules *rs, const char *json, struct emitted *out)
{
    struct vg_arena arena;
    struct vg_json_parser parser;
    struct vg_parse_stats stats = { 0 };
    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    vg_arena_init(&arena, 4096, 1 << 20);
    vg_json_parser_init(&parser, &arena, 1 << 20);
    struct vg_parse_ctx pc = {
        .source = "t", .arena = &arena, .json = &parser, .diag = &diag, .stats = &stats
    };
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    assert_int_equal(vg_json_parse(&parser, json, strlen(json), &pos, &root, &err), VG_JSON_OK);
    struct vg_event ev;
    struct vg_diag_loc loc = { .source = "t", .line = 1 };
    assert_true(vg_cloudtrail_map(&pc, root, &loc, &ev));
    struct vg_rules_run *run = vg_rules_run_new(rs);
    struct vg_emit emit = { on_finding, out };
    vg_rules_event(run, &ev, &emit);
    vg_rules_run_free(run);
    vg_json_parser_release(&parser);
    vg_arena_release(&arena);
}

#define RECORD(name, extra)                                                                        \
    "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":"           \
    "\"iam.amazonaws.com\",\"eventName\":\"" name "\",\"awsRegion\":\"us-east-1\","                \
    "\"sourceIPAddress\":\"198.51.100.7\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":"   \
    "\"111122223333\"}" extra "}"

static void test_rules_findings_index_and_dry_run(void **state)
{
    (void)state;
    struct loaded l;
    load(&l,
         "id: key\ntype: X:Y/Z\nsignal: KeyMade\n"
         "severity: {field: requestParameters.tier, map: {gold: high, tin: low}, default: "
         "medium}\n"
         "description: 'Key made for {requestParameters.userName} ({requestParameters.gone}) "
         "{{literal}} tier {requestParameters.gone|requestParameters.tier}'\n"
         "aggregate: [requestParameters.userName]\n"
         "match: {eventName: CreateAccessKey}\n"
         "---\n"
         "id: watch\ntype: X:Y/Z\nmode: dry-run\ndescription: d\nmatch: {eventName: "
         "DeleteUser}\n"
         "---\n"
         "id: off\ntype: X:Y/Z\nopt_in: true\ndescription: d\nmatch: {eventName: "
         "CreateAccessKey}\n",
         false);
    assert_int_equal(vg_rules_sources(l.rs), VG_SOURCE_CLOUDTRAIL);
    struct emitted e = { 0 };
    /* hostile: a newline and an escape in the quoted value, which is cut at 200 bytes */
    char extra[600];
    char name[300];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    snprintf(extra, sizeof(extra),
             ",\"requestParameters\":{\"userName\":\"a\\n\\u001b[31m%s\",\"tier\":\"gold\"}", name);
    char json[1200];
    snprintf(json, sizeof(json), RECORD("CreateAccessKey", "%s"), extra);
    e = (struct emitted){ 0 };
    run_record(l.rs, json, &e);
    assert_int_equal(e.count, 1); /* the opt-in rule stays off */
    assert_true(e.severity == 8);
    assert_non_null(strstr(e.detail, "Key made for a??[31mnnnn"));
    assert_non_null(strstr(e.detail, "n... ((none)) {literal} tier gold"));
    assert_null(strchr(e.detail, '\n'));
    assert_string_equal(e.additional, "\"rule\":\"key\",\"signal\":\"KeyMade\"");
    assert_int_equal(strlen(e.counterpart), 203);

    e = (struct emitted){ 0 };
    run_record(l.rs, RECORD("CreateAccessKey", ",\"requestParameters\":{\"tier\":\"x\"}"), &e);
    assert_true(e.severity == 5);

    e = (struct emitted){ 0 };
    run_record(l.rs, RECORD("DeleteUser", ""), &e);
    run_record(l.rs, RECORD("DeleteUser", ""), &e);
    assert_int_equal(e.count, 0); /* dry-run: counted, not emitted */
    struct vg_rule_info info;
    vg_rules_info(l.rs, 1, &info);
    assert_string_equal(info.id, "watch");
    assert_int_equal(info.matches, 2);
    struct vg_rule_sample samples[VG_RULES_DRY_RUN_SAMPLES];
    assert_int_equal(vg_rules_samples(l.rs, 1, samples), 2);
    assert_int_equal(samples[0].line, 1);
    vg_rules_info(l.rs, 2, &info);
    assert_false(info.enabled);
    assert_int_equal(info.matches, 0);
    unload(&l);

    /* opt-in rules by group, id and type; a selector naming nothing is an error */
    struct vg_rules *rs = vg_rules_new();
    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    const char *text = "id: a\ntype: P:IAM/A\nopt_in: true\ngroups: [iam, Persistence]\n"
                       "description: d\nmatch: {eventName: X}\n";
    assert_int_equal(vg_rules_load_text(rs, "t", text, strlen(text), &diag), VG_OK);
    assert_int_equal(vg_rules_enable(rs, "ec2"), VG_ENOTFOUND);
    assert_int_equal(vg_rules_enable(rs, "persistence"), VG_OK);
    assert_int_equal(vg_rules_enable(rs, "P:IAM/A"), VG_OK);
    assert_int_equal(vg_rules_enable(rs, "a"), VG_OK);
    vg_rules_free(rs);
}

/* A rule whose type the resolver refuses is reported and left out. */
static enum vg_finding_type refuse(void *ctx, struct vg_rule_type_decl *decl, char *why,
                                   size_t why_cap)
{
    (void)ctx;
    snprintf(why, why_cap, "no type %s", decl->name);
    return VG_FT_COUNT;
}

static void test_rules_unresolved_type(void **state)
{
    (void)state;
    struct vg_rules *rs = vg_rules_new();
    struct vg_buf msgs = VG_BUF_INIT;
    struct vg_diag diag;
    vg_diag_init(&diag, 10, collect, &msgs);
    const char *text = "id: a\ntype: P:IAM/A\ndescription: d\nmatch: {eventName: X}\n";
    assert_int_equal(vg_rules_load_text(rs, "f.yml", text, strlen(text), &diag), VG_OK);
    assert_int_equal(vg_rules_freeze(rs, refuse, NULL, &diag), VG_OK);
    assert_int_equal(vg_rules_count(rs), 0);
    assert_int_equal(vg_rules_sources(rs), 0);
    assert_non_null(strstr(msgs.data, "f.yml:1: rule a: no type P:IAM/A"));
    vg_rules_free(rs);
    vg_buf_release(&msgs);
}

/* The regex engine takes linear time where a backtracking one takes exponential time. */
static void test_rules_regex_is_linear(void **state)
{
    (void)state;
    char event[200100];
    char ua[100001];
    memset(ua, 'a', sizeof(ua) - 1);
    ua[sizeof(ua) - 1] = '\0';
    struct loaded l;
    load(&l, "id: re\ntype: X:Y/Z\ndescription: d\nmatch: {userAgent: {regex: '^(a+)+$'}}\n", true);
    snprintf(event, sizeof(event), RECORD("X", ",\"userAgent\":\"%s!\""), ua);
    struct emitted e = { 0 };
    run_record(l.rs, event, &e);
    assert_int_equal(e.count, 0);
    snprintf(event, sizeof(event), RECORD("X", ",\"userAgent\":\"%s\""), ua);
    run_record(l.rs, event, &e);
    assert_int_equal(e.count, 1);
    unload(&l);
}

/* Substrings and regexes of one index slot are answered by one joint scan per field: the
 * answers must be those of the leaves on their own (case, several needles, absent fields). */
static void test_rules_joint_scan_answers_like_each_leaf(void **state)
{
    (void)state;
    struct loaded l;
    load(&l,
         "id: kali\ntype: X:Y/A\ndescription: d\n"
         "match: {eventName: X, userAgent: {contains: [KALI, parrot], nocase: true}}\n---\n"
         "id: boto\ntype: X:Y/B\ndescription: d\nmatch: {eventName: X, userAgent: {contains: "
         "Boto}}\n"
         "---\n"
         "id: cli\ntype: X:Y/C\ndescription: d\nmatch: {eventName: X, userAgent: {regex: "
         "'^aws-cli/2'}}\n"
         "---\n"
         "id: py\ntype: X:Y/D\ndescription: d\n"
         "match: {eventName: X, userAgent: {regex: 'PYTHON/[0-9]', nocase: true}}\n---\n"
         "id: arn\ntype: X:Y/E\ndescription: d\n"
         "match: {eventName: X, userIdentity.arn: {contains: ':user/'}}\n",
         true);
    struct emitted e = { 0 };
    run_record(l.rs, RECORD("X", ",\"userAgent\":\"aws-cli/2.1 Python/3 os/linux#6-kali1\""), &e);
    assert_int_equal(e.count, 3); /* kali, cli, py; not boto (case), not arn (absent) */
    e = (struct emitted){ 0 };
    run_record(l.rs, RECORD("X", ",\"userAgent\":\"Boto3/1.2 PaRRoT\""), &e);
    assert_int_equal(e.count, 2); /* boto, kali (parrot, any case) */
    e = (struct emitted){ 0 };
    run_record(l.rs, RECORD("Y", ",\"userAgent\":\"kali Boto aws-cli/2 python/3\""), &e);
    assert_int_equal(e.count, 0); /* another slot: none of them */
    unload(&l);
}

/* Which files of a rules folder are read. */
static void test_rules_file_wanted(void **state)
{
    (void)state;
    assert_true(vg_rules_file_wanted("my.rules", "my.rules")); /* named: whatever its name */
    assert_true(vg_rules_file_wanted("d/a.yml", "d"));
    assert_true(vg_rules_file_wanted("d/sub/a.yaml", "d"));
    assert_true(vg_rules_file_wanted("./d/a.yml", "./d"));
    assert_false(vg_rules_file_wanted("d/notes.txt", "d"));
    assert_false(vg_rules_file_wanted("d/.hidden.yml", "d"));
    assert_false(vg_rules_file_wanted("d/.github/workflows/ci.yml", "d"));
}

/* The rules shipped in rules/ load, and their own tests pass. */
static void test_rules_builtin_rules_pass_their_tests(void **state)
{
    (void)state;
    struct vg_rules *rs = vg_rules_new();
    struct vg_buf msgs = VG_BUF_INIT;
    struct vg_diag diag;
    vg_diag_init(&diag, 100, collect, &msgs);
    assert_int_equal(vg_rules_load_builtin(rs, &diag), VG_OK);
    assert_int_equal(vg_rules_freeze(rs, accept_all, NULL, &diag), VG_OK);
    size_t run, failed;
    assert_int_equal(vg_rules_self_test(rs, &diag, &run, &failed), VG_OK);
    if (failed || vg_rules_rejected(rs))
        fail_msg("%s", msgs.data);
    assert_true(vg_rules_count(rs) > 0);
    assert_true(run >= 2 * vg_rules_count(rs));
    vg_rules_free(rs);
    vg_buf_release(&msgs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_string_operators),
        cmocka_unit_test(test_rules_all_any_not_and_all_values),
        cmocka_unit_test(test_rules_some_json_and_fields),
        cmocka_unit_test(test_rules_numbers_cidr_exists),
        cmocka_unit_test(test_rules_dns_and_flow_sources),
        cmocka_unit_test(test_rules_refusals_name_file_and_line),
        cmocka_unit_test(test_rules_findings_index_and_dry_run),
        cmocka_unit_test(test_rules_unresolved_type),
        cmocka_unit_test(test_rules_regex_is_linear),
        cmocka_unit_test(test_rules_joint_scan_answers_like_each_leaf),
        cmocka_unit_test(test_rules_file_wanted),
        cmocka_unit_test(test_rules_builtin_rules_pass_their_tests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
