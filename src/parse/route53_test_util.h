/*
 * For unit tests of what consumes DNS events (detectors, passive DNS): one Route 53 Resolver
 * record written the way Route 53 writes it and parsed by vg_format_route53, so tests exercise
 * the real mapping rather than hand-filled events.  Test-only (cmocka asserts).
 */
#ifndef VG_PARSE_ROUTE53_TEST_UTIL_H
#define VG_PARSE_ROUTE53_TEST_UTIL_H

#include "core/compat.h"
#include "core/limits.h"
#include "parse/route53.h"

#include <setjmp.h>
#include <cmocka.h>

/* An A answer of `ip` as an answers array, into out. */
static inline const char *vg_test_route53_answer_a(char *out, size_t cap, const char *ip)
{
    snprintf(out, cap, "[{\"Rdata\":\"%s\",\"Type\":\"A\",\"Class\":\"IN\"}]", ip);
    return out;
}

/* Parse one record (instance i-0abc123def4567890 at 10.0.1.25 in account 123456789012) asking
 * for `name` (as logged: trailing dot or not) at `when` (ISO time) with `rcode` and `answers` (a
 * JSON array), handing its event to on_event(ctx, ev).  Exactly one event must come out. */
static inline void vg_test_route53_feed(const char *when, const char *name, const char *rcode,
                                        const char *answers,
                                        void (*on_event)(void *ctx, struct vg_event *ev), void *ctx)
{
    char line[2048];
    snprintf(line, sizeof(line),
             "{\"version\":\"1.100000\",\"account_id\":\"123456789012\",\"region\":\"us-east-1\","
             "\"vpc_id\":\"vpc-0a1b2c3d4e5f60718\",\"query_timestamp\":\"%s\","
             "\"query_name\":\"%s\",\"query_type\":\"A\",\"query_class\":\"IN\","
             "\"rcode\":\"%s\",\"answers\":%s,\"srcaddr\":\"10.0.1.25\",\"srcport\":"
             "\"51514\",\"transport\":\"UDP\",\"srcids\":{\"instance\":\"i-0abc123def4567890\"}}\n",
             when, name, rcode, answers);
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_diag diag;
    struct vg_parse_stats stats = { 0 };
    vg_arena_init(&arena, 1 << 16, 0);
    vg_json_parser_init(&json, &arena, VG_MAX_RECORD_BYTES);
    vg_diag_init(&diag, 10, NULL, NULL);
    struct vg_parse_ctx pctx = { "test.log", &arena, &json, &diag, &stats, on_event, ctx };
    assert_int_equal(vg_format_route53.parse(&pctx, line, strlen(line)), VG_OK);
    assert_int_equal(stats.events, 1);
    vg_json_parser_release(&json);
    vg_arena_release(&arena);
}

#endif
