/*
 * The shipped rules, and every rule's own tests (`vigil rules test`).
 *
 * A test's event goes through the same parser as a log record of the rule's source, so a test
 * passes only if the record as CloudTrail (or the Resolver, or a flow log) writes it would
 * match: a rule written against a field name the parser does not keep fails its test.
 */
#include "rules/rules.h"

#include "core/err.h"
#include "parse/cloudtrail.h"
#include "parse/json.h"
#include "parse/route53.h"
#include "parse/vpcflow.h"
#include "rules/builtin.h"
#include "rules/rule.h"

int vg_rules_load_builtin(struct vg_rules *rs, struct vg_diag *diag)
{
    for (size_t i = 0; i < vg_rule_files_count; i++) {
        int rc = vg_rules_load_text(rs, vg_rule_files[i].name, vg_rule_files[i].data,
                                    vg_rule_files[i].len, diag);
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

struct test_ctx {
    struct vg_rules_run *run;
    const struct rule *rule;
    bool matched;
    bool parsed;
};

static void on_flow_event(void *ctx, struct vg_event *ev)
{
    struct test_ctx *t = ctx;
    t->parsed = true;
    t->matched = vg_rule_matches(t->run, t->rule, ev);
}

/* A flow test's event is {field: value}: one record of a log with those fields. */
static int flow_test(struct vg_parse_ctx *pc, const struct vg_json_value *root, struct test_ctx *t)
{
    struct vg_buf fields, line;
    vg_buf_init(&fields, 0); /* both are bounded by the test's record */
    vg_buf_init(&line, 0);
    int rc = 0;
    for (const struct vg_json_value *v = vg_json_first(root); v; v = vg_json_next(root, v)) {
        struct vg_str key = vg_json_str(v - 1), text = vg_json_text(v);
        rc |= vg_buf_add(&fields, key.ptr, key.len) | vg_buf_addc(&fields, ' ');
        rc |= vg_buf_add(&line, text.ptr, text.len) | vg_buf_addc(&line, ' ');
    }
    rc |= vg_buf_addc(&line, '\n');
    if (rc == 0) {
        pc->on_event = on_flow_event;
        pc->event_ctx = t;
        rc = vg_vpcflow_parse_format(pc, (struct vg_str){ fields.data, fields.len }, line.data,
                                     line.len);
    }
    vg_buf_release(&fields);
    vg_buf_release(&line);
    return rc;
}

static int run_test(struct vg_parse_ctx *pc, const struct rule_test *test, struct test_ctx *t)
{
    t->matched = t->parsed = false;
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    if (vg_json_parse(pc->json, test->record, test->record_len, &pos, &root, &err) != VG_JSON_OK)
        return VG_EFORMAT;
    if (t->rule->source == VG_SOURCE_VPCFLOW)
        return flow_test(pc, root, t);
    struct vg_event ev;
    struct vg_diag_loc loc = { .source = t->rule->file, .line = test->line };
    t->parsed = t->rule->source == VG_SOURCE_DNS ? vg_route53_map(pc, root, &loc, "", &ev)
                                                 : vg_cloudtrail_map(pc, root, &loc, &ev);
    if (t->parsed)
        t->matched = vg_rule_matches(t->run, t->rule, &ev);
    return VG_OK;
}

int vg_rules_self_test(struct vg_rules *rs, struct vg_diag *diag, size_t *run_count, size_t *failed)
{
    *run_count = *failed = 0;
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_parse_stats stats = { 0 };
    vg_arena_init(&arena, 64 * 1024, 256u << 20);
    vg_json_parser_init(&json, &arena, 1u << 20);
    struct vg_rules_run *run = vg_rules_run_new(rs);
    int rc = run ? VG_OK : VG_ENOMEM;
    for (size_t i = 0; rc == VG_OK && i < rs->count; i++) {
        const struct rule *r = rs->rules[i];
        for (uint32_t k = 0; k < r->test_count; k++) {
            const struct rule_test *test = &r->tests[k];
            struct vg_parse_ctx pc = {
                .source = r->file, .arena = &arena, .json = &json, .diag = diag, .stats = &stats
            };
            struct test_ctx t = { .run = run, .rule = r };
            rc = run_test(&pc, test, &t);
            if (rc == VG_ENOMEM)
                break;
            struct vg_diag_loc loc = { .source = r->file, .line = test->line };
            (*run_count)++;
            if (!t.parsed) {
                (*failed)++;
                vg_diag_report(diag, VG_DIAG_FIELD, &loc,
                               "rule %s: test '%s': the event is no %s record", r->id, test->name,
                               r->source == VG_SOURCE_DNS       ? "Route 53 Resolver query log"
                               : r->source == VG_SOURCE_VPCFLOW ? "VPC Flow Logs"
                                                                : "CloudTrail");
            } else if (t.matched != test->expect) {
                (*failed)++;
                vg_diag_report(diag, VG_DIAG_FIELD, &loc, "rule %s: test '%s': %s", r->id,
                               test->name,
                               test->expect ? "expected a match, the rule did not match"
                                            : "expected no match, the rule matched");
            }
            rc = VG_OK;
            vg_arena_reset(&arena);
        }
    }
    vg_rules_run_free(run);
    vg_json_parser_release(&json);
    vg_arena_release(&arena);
    return rc;
}
