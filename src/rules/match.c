/*
 * Running compiled rules over events.
 *
 * Fields are read by path from the record as logged (CloudTrail and Resolver query logs are
 * JSON; flow records by their field names).  A path step over an array steps into each element,
 * and a condition holds when any value it reaches satisfies it, as in Sigma and jq's `.[]`:
 * `resources.ARN` matches the ARN of any resource.  Absent and null are the same thing.
 *
 * Regexes run on Hyperscan, whose automata take linear time on any input: a rule's regex meets
 * attacker-written user agents and parameters, and a backtracking engine can be made to spin on
 * them.  Patterns Hyperscan cannot run in linear time (backreferences, lookaround) are refused
 * when the rule loads.
 */
#include "rules/rules.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "parse/json.h"
#include "rules/rule.h"

#define JSON_NESTING 3            /* json: inside json: inside json: */
#define JSON_FIELD_MAX (1u << 20) /* bytes of a JSON-in-a-string field we decode */
#define TEMPLATE_VALUE_MAX 200    /* bytes of one field quoted in a description */

struct vg_rules_run {
    const struct vg_rules *rs;
    hs_scratch_t *scratch;
    struct vg_arena json_arena;
    struct vg_json_parser json[JSON_NESTING];
    unsigned json_depth;
    const struct vg_event *ev; /* the event being matched: `$.` paths start at its record */
    struct vg_buf lower;       /* nocase: the value lowercased */
    struct vg_str lower_of;    /* ... of this slice of event number lower_seq */
    uint64_t lower_seq, seq;
    /* regexes answered by their slot's joint scan, for event number `seq` */
    struct regex_verdict {
        uint64_t seq;
        bool hit;
    } * verdicts;
    const struct vg_ip *value_ip;  /* the visited value, parsed, when the event holds it so */
    struct vg_buf detail, counter; /* what a finding quotes */
    struct vg_buf additional;
    char flow_text[64];
};

/* --- VPC Flow Logs fields, by their log-format names ---------------------------------------- */

enum flow_field {
    FF_VERSION,
    FF_ACCOUNT,
    FF_INTERFACE,
    FF_SRCADDR,
    FF_DSTADDR,
    FF_SRCPORT,
    FF_DSTPORT,
    FF_PROTOCOL,
    FF_PACKETS,
    FF_BYTES,
    FF_START,
    FF_END,
    FF_ACTION,
    FF_STATUS,
    FF_VPC,
    FF_SUBNET,
    FF_INSTANCE,
    FF_TCP_FLAGS,
    FF_TYPE,
    FF_PKT_SRCADDR,
    FF_PKT_DSTADDR,
    FF_REGION,
    FF_AZ,
    FF_DIRECTION,
    FF_TRAFFIC_PATH,
    FF_PKT_SRC_SERVICE,
    FF_PKT_DST_SERVICE,
};

static const char *const FLOW_FIELDS[] = {
    [FF_VERSION] = "version",
    [FF_ACCOUNT] = "account-id",
    [FF_INTERFACE] = "interface-id",
    [FF_SRCADDR] = "srcaddr",
    [FF_DSTADDR] = "dstaddr",
    [FF_SRCPORT] = "srcport",
    [FF_DSTPORT] = "dstport",
    [FF_PROTOCOL] = "protocol",
    [FF_PACKETS] = "packets",
    [FF_BYTES] = "bytes",
    [FF_START] = "start",
    [FF_END] = "end",
    [FF_ACTION] = "action",
    [FF_STATUS] = "log-status",
    [FF_VPC] = "vpc-id",
    [FF_SUBNET] = "subnet-id",
    [FF_INSTANCE] = "instance-id",
    [FF_TCP_FLAGS] = "tcp-flags",
    [FF_TYPE] = "type",
    [FF_PKT_SRCADDR] = "pkt-srcaddr",
    [FF_PKT_DSTADDR] = "pkt-dstaddr",
    [FF_REGION] = "region",
    [FF_AZ] = "az-id",
    [FF_DIRECTION] = "flow-direction",
    [FF_TRAFFIC_PATH] = "traffic-path",
    [FF_PKT_SRC_SERVICE] = "pkt-src-aws-service",
    [FF_PKT_DST_SERVICE] = "pkt-dst-aws-service",
};

int vg_rule_flow_field(const char *name)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(FLOW_FIELDS); i++)
        if (!strcmp(FLOW_FIELDS[i], name))
            return (int)i;
    return -1;
}

static struct vg_str number_text(struct vg_rules_run *run, uint64_t v)
{
    int n = snprintf(run->flow_text, sizeof(run->flow_text), "%" PRIu64, v);
    return (struct vg_str){ run->flow_text, (size_t)n };
}

static struct vg_str ip_text(struct vg_rules_run *run, const struct vg_ip *ip)
{
    if (!ip->family)
        return VG_STR_NULL;
    return vg_str_from(vg_ip_format(ip, run->flow_text, sizeof(run->flow_text)));
}

/* The field as the log wrote it; empty when absent ("-"). */
static struct vg_str flow_value(struct vg_rules_run *run, const struct vg_flow *f, int field)
{
    static const char *const ACTIONS[] = { "", "ACCEPT", "REJECT" };
    static const char *const STATUS[] = { "OK", "NODATA", "SKIPDATA" };
    static const char *const DIRECTIONS[] = { "", "ingress", "egress" };
    bool ports = f->has & VG_FLOW_HAS_PORTS, counts = f->has & VG_FLOW_HAS_COUNTS;
    switch ((enum flow_field)field) {
    case FF_VERSION: return f->version;
    case FF_ACCOUNT: return run->ev->account_id;
    case FF_INTERFACE: return f->interface_id;
    case FF_SRCADDR: return ip_text(run, &f->src);
    case FF_DSTADDR: return ip_text(run, &f->dst);
    case FF_SRCPORT: return ports ? number_text(run, f->src_port) : VG_STR_NULL;
    case FF_DSTPORT: return ports ? number_text(run, f->dst_port) : VG_STR_NULL;
    case FF_PROTOCOL:
        return f->has & VG_FLOW_HAS_PROTOCOL ? number_text(run, f->protocol) : VG_STR_NULL;
    case FF_PACKETS: return counts ? number_text(run, f->packets) : VG_STR_NULL;
    case FF_BYTES: return counts ? number_text(run, f->bytes) : VG_STR_NULL;
    case FF_START:
        return f->has & VG_FLOW_HAS_TIMES ? number_text(run, (uint64_t)f->start_ms / 1000)
                                          : VG_STR_NULL;
    case FF_END:
        return f->has & VG_FLOW_HAS_TIMES ? number_text(run, (uint64_t)f->end_ms / 1000)
                                          : VG_STR_NULL;
    case FF_ACTION: return vg_str_from(ACTIONS[f->action]);
    case FF_STATUS: return vg_str_from(STATUS[f->status]);
    case FF_VPC: return f->vpc_id;
    case FF_SUBNET: return f->subnet_id;
    case FF_INSTANCE: return f->instance_id;
    case FF_TCP_FLAGS:
        return f->has & VG_FLOW_HAS_TCP_FLAGS ? number_text(run, f->tcp_flags) : VG_STR_NULL;
    case FF_TYPE: return f->type;
    case FF_PKT_SRCADDR: return ip_text(run, &f->pkt_src);
    case FF_PKT_DSTADDR: return ip_text(run, &f->pkt_dst);
    case FF_REGION: return run->ev->region;
    case FF_AZ: return f->az_id;
    case FF_DIRECTION: return vg_str_from(DIRECTIONS[f->direction]);
    case FF_TRAFFIC_PATH: return f->traffic_path;
    case FF_PKT_SRC_SERVICE: return f->pkt_src_service;
    case FF_PKT_DST_SERVICE: return f->pkt_dst_service;
    }
    return VG_STR_NULL;
}

/* --- CloudTrail fields the parser already holds ------------------------------------------------
 * Read from the event, not looked up in the record again: a rule set tests a handful of fields
 * (userAgent, sourceIPAddress, errorCode, userIdentity.arn) on every event it sees, and a member
 * lookup walks the record's members. */

enum { CT_SOURCE_IP = 3 };

static const struct {
    const char *path;
    size_t offset; /* of a struct vg_str in struct vg_event */
} CT_FIELDS[] = {
#define CT(path, member)                                                                           \
    {                                                                                              \
        path, offsetof(struct vg_event, ct.member)                                                 \
    }
    CT("eventName", event_name),
    CT("eventSource", event_source),
    CT("userAgent", user_agent),
    [CT_SOURCE_IP] = CT("sourceIPAddress", source_ip_text),
    CT("errorCode", error_code),
    CT("errorMessage", error_message),
    CT("eventID", event_id),
    CT("eventType", event_type),
    CT("eventCategory", event_category),
    CT("recipientAccountId", recipient_account_id),
    CT("vpcEndpointId", vpc_endpoint_id),
    CT("userIdentity.type", identity.type_name),
    CT("userIdentity.arn", identity.arn),
    CT("userIdentity.principalId", identity.principal_id),
    CT("userIdentity.accountId", identity.account_id),
    CT("userIdentity.accessKeyId", identity.access_key_id),
    CT("userIdentity.userName", identity.user_name),
    CT("userIdentity.invokedBy", identity.invoked_by),
    CT("userIdentity.sessionContext.sessionIssuer.arn", identity.issuer_arn),
#undef CT
};

int vg_rule_ct_field(const char *path)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(CT_FIELDS); i++)
        if (!strcmp(CT_FIELDS[i].path, path))
            return (int)i;
    return -1;
}

static struct vg_str ct_value(const struct vg_event *ev, int field)
{
    return *(const struct vg_str *)((const char *)ev + CT_FIELDS[field].offset);
}

/* --- walking paths ---------------------------------------------------------------------------- */

/* Called per value a path reaches; true stops the walk (the answer is known). */
typedef bool (*visit_fn)(struct vg_rules_run *run, const struct cond *c,
                         const struct vg_json_value *v, const void *arg);

static bool walk(struct vg_rules_run *run, const struct vg_json_value *v, const struct rule_path *p,
                 uint32_t i, const struct cond *c, visit_fn visit, const void *arg)
{
    if (!v || v->type == VG_JSON_NULL)
        return false;
    if (v->type == VG_JSON_ARRAY) {
        for (const struct vg_json_value *e = vg_json_first(v); e; e = vg_json_next(v, e))
            if (e->type != VG_JSON_ARRAY && walk(run, e, p, i, c, visit, arg))
                return true;
        return false;
    }
    if (i == p->nseg)
        return visit(run, c, v, arg);
    return walk(run, vg_json_get(v, p->segs[i]), p, i + 1, c, visit, arg);
}

/* Visit every value of the path from `here` (the record, or the element some: is at). */
static bool each_value(struct vg_rules_run *run, const struct vg_json_value *here,
                       const struct rule_path *p, const struct cond *c, visit_fn visit,
                       const void *arg)
{
    if (p->flow_field >= 0 || p->ct_field >= 0) {
        struct vg_str s = p->flow_field >= 0 ? flow_value(run, &run->ev->flow, p->flow_field)
                                             : ct_value(run->ev, p->ct_field);
        if (!s.len)
            return false;
        struct vg_json_value v = {
            .ptr = s.ptr, .len = (uint32_t)s.len, .skip = 1, .type = VG_JSON_STRING
        };
        bool parsed_ip = p->ct_field == CT_SOURCE_IP && run->ev->ct.source_ip.family;
        run->value_ip = parsed_ip ? &run->ev->ct.source_ip : NULL;
        bool hit = visit(run, c, &v, arg);
        run->value_ip = NULL;
        return hit;
    }
    return walk(run, p->from_root ? run->ev->raw : here, p, 0, c, visit, arg);
}

static bool scalar_text(const struct vg_json_value *v, struct vg_str *out)
{
    if (v->type == VG_JSON_ARRAY || v->type == VG_JSON_OBJECT)
        return false;
    *out = vg_json_text(v);
    return true;
}

/* nocase is ASCII case: what AWS's own names and user agents use, and the same in every
 * locale.  Sixteen bytes at a time: a user agent is lowered on most events (1.2k instructions
 * an event byte by byte). */
void vg_rule_ascii_lower(char *dst, const char *src, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i before_a = _mm_set1_epi8('A' - 1), after_z = _mm_set1_epi8('Z' + 1);
    const __m128i bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        /* signed compares: bytes >= 0x80 are negative, so never taken for letters */
        __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
        _mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_or_si128(v, _mm_and_si128(upper, bit)));
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (char)((unsigned)(c - 'A') < 26u ? c | 0x20 : c);
    }
}

/* Rules test the same field case-blind one after another: lowercase it once per event. */
static struct vg_str lowered(struct vg_rules_run *run, struct vg_str s)
{
    if (run->lower_seq == run->seq && run->lower_of.ptr == s.ptr && run->lower_of.len == s.len)
        return (struct vg_str){ run->lower.data, run->lower.len };
    run->lower_seq = run->seq;
    run->lower_of = s;
    vg_buf_reset(&run->lower);
    if (vg_buf_reserve(&run->lower, s.len + 1) != 0) {
        run->lower_of = VG_STR_NULL;
        return VG_STR_NULL;
    }
    vg_rule_ascii_lower(run->lower.data, s.ptr, s.len);
    run->lower.len = s.len;
    return (struct vg_str){ run->lower.data, s.len };
}

/* Rule values are a few to a few dozen bytes: compared here a word at a time rather than by
 * a call into the C library per comparison (memcmp was 6% of a scan with 500 rules). */
static bool same_bytes(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    for (; n; a++, b++, n--)
        if (*a != *b)
            return false;
    return true;
}

/* Substring search for short needles in short fields (user agents, ARNs): sixteen positions at a
 * time, a candidate where both the needle's first and last bytes are in place, then a compare.
 * glibc's memmem sets up a two-way search per call, and a memchr loop restarts on every common
 * first letter; each cost more than the search (7% and 5% of a scan with 500 rules). */
static bool has_substring(struct vg_str hay, struct vg_str needle)
{
    size_t n = needle.len;
    if (n == 0)
        return true;
    if (hay.len < n)
        return false;
    const char *p = hay.ptr;
    size_t last = hay.len - n; /* the last start position */
    size_t i = 0;
#ifdef __SSE2__
    if (n > 1) {
        const __m128i first = _mm_set1_epi8(needle.ptr[0]);
        const __m128i final = _mm_set1_epi8(needle.ptr[n - 1]);
        for (; i + 16 <= last + 1; i += 16) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + n - 1));
            unsigned mask = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, final)));
            while (mask) {
                unsigned bit = (unsigned)__builtin_ctz(mask);
                if (same_bytes(p + i + bit + 1, needle.ptr + 1, n - 2))
                    return true;
                mask &= mask - 1;
            }
        }
    }
#endif
    for (; i <= last; i++)
        if (p[i] == needle.ptr[0] && same_bytes(p + i + 1, needle.ptr + 1, n - 1))
            return true;
    return false;
}

static bool string_op(enum leaf_op op, struct vg_str s, struct vg_str pattern)
{
    switch (op) {
    case OP_EQUALS: return s.len == pattern.len && same_bytes(s.ptr, pattern.ptr, s.len);
    case OP_PREFIX: return s.len >= pattern.len && same_bytes(s.ptr, pattern.ptr, pattern.len);
    case OP_SUFFIX:
        return s.len >= pattern.len &&
               same_bytes(s.ptr + s.len - pattern.len, pattern.ptr, pattern.len);
    case OP_CONTAINS: return has_substring(s, pattern);
    default: return false;
    }
}

static bool in_net(const struct vg_ip *ip, const struct rule_net *net)
{
    if (ip->family != net->base.family)
        return false;
    unsigned full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(ip->addr, net->base.addr, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (ip->addr[full] & mask) == (net->base.addr[full] & mask);
}

bool vg_rule_net_parse(struct vg_str s, struct rule_net *out)
{
    char addr[64];
    const char *slash = s.len ? memchr(s.ptr, '/', s.len) : NULL;
    size_t len = slash ? (size_t)(slash - s.ptr) : s.len;
    if (len >= sizeof(addr) || s.len >= sizeof(addr))
        return false;
    memcpy(addr, s.ptr, len);
    addr[len] = '\0';
    if (!vg_ip_parse(vg_str_from(addr), &out->base))
        return false;
    unsigned max = out->base.family == 4 ? 32 : 128, bits = max;
    if (slash) {
        size_t digits = s.len - len - 1;
        if (digits == 0 || digits > 3)
            return false;
        bits = 0;
        for (size_t i = 0; i < digits; i++) {
            if (!isdigit((unsigned char)slash[1 + i]))
                return false;
            bits = bits * 10 + (unsigned)(slash[1 + i] - '0');
        }
        if (bits > max)
            return false;
    }
    out->bits = (uint8_t)bits;
    return true;
}

static int on_regex_match(unsigned id, unsigned long long from, unsigned long long to,
                          unsigned flags, void *ctx)
{
    (void)id, (void)from, (void)to, (void)flags;
    *(bool *)ctx = true;
    return 1; /* stop: one match answers */
}

static bool cond_true(struct vg_rules_run *run, const struct cond *c,
                      const struct vg_json_value *here);

/* json: the value is a string holding JSON (a policy document); match inside it. */
static bool json_inside(struct vg_rules_run *run, const struct cond *c, struct vg_str text)
{
    if (run->json_depth == JSON_NESTING || text.len > JSON_FIELD_MAX)
        return false;
    struct vg_json_parser *p = &run->json[run->json_depth];
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    if (vg_json_parse(p, text.ptr, text.len, &pos, &root, &err) != VG_JSON_OK)
        return false;
    run->json_depth++;
    bool hit = cond_true(run, c->kids[0], root);
    run->json_depth--;
    if (run->json_depth == 0)
        vg_arena_reset(&run->json_arena);
    return hit;
}

/* The first scalar a root path reaches (equals_field, contains_field, templates). */
static bool first_scalar(struct vg_rules_run *run, const struct cond *c,
                         const struct vg_json_value *v, const void *arg)
{
    (void)run, (void)c;
    return scalar_text(v, (struct vg_str *)arg) && ((struct vg_str *)arg)->len > 0;
}

static struct vg_str value_at(struct vg_rules_run *run, const struct vg_json_value *here,
                              const struct rule_path *p)
{
    struct vg_str s = VG_STR_NULL;
    each_value(run, here, p, NULL, first_scalar, &s);
    return s;
}

/* Does one value satisfy the leaf for pattern `only` (all values: -1 = any pattern)? */
static bool leaf_value(struct vg_rules_run *run, const struct cond *c,
                       const struct vg_json_value *v, const void *arg)
{
    int only = *(const int *)arg;
    struct vg_str s;
    switch (c->op) {
    case OP_EXISTS:
    case OP_ABSENT: return true;
    case OP_JSON: return v->type == VG_JSON_STRING && json_inside(run, c, vg_json_str(v));
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE: {
        if (v->type != VG_JSON_NUMBER && v->type != VG_JSON_STRING)
            return false;
        s = vg_json_text(v);
        char num[64], *end;
        if (s.len == 0 || s.len >= sizeof(num))
            return false;
        memcpy(num, s.ptr, s.len);
        num[s.len] = '\0';
        double d = strtod(num, &end);
        if (*end)
            return false;
        return c->op == OP_GT   ? d > c->number
               : c->op == OP_GE ? d >= c->number
               : c->op == OP_LT ? d < c->number
                                : d <= c->number;
    }
    default: break;
    }
    if (!scalar_text(v, &s))
        return false;
    if (c->op == OP_CIDR) {
        /* an address inside the network, or a network within it (security group rules,
         * policies' aws:SourceIp conditions write networks) */
        struct rule_net value;
        if (run->value_ip) /* sourceIPAddress: the parser has read it already */
            value = (struct rule_net){ *run->value_ip, run->value_ip->family == 4 ? 32 : 128 };
        else if (!vg_rule_net_parse(s, &value))
            return false;
        for (uint32_t i = 0; i < c->nnets; i++)
            if ((only < 0 || (uint32_t)only == i) && value.bits >= c->nets[i].bits &&
                in_net(&value.base, &c->nets[i]))
                return true;
        return false;
    }
    if (c->op == OP_REGEX) {
        bool hit = false;
        hs_scan(c->re, s.ptr ? s.ptr : "", (unsigned)(s.len > UINT32_MAX ? UINT32_MAX : s.len), 0,
                run->scratch, on_regex_match, &hit);
        return hit;
    }
    if (c->op == OP_EQUALS_FIELD || c->op == OP_CONTAINS_FIELD) {
        struct vg_str other = value_at(run, run->ev->raw, &c->other);
        return other.len &&
               (c->op == OP_EQUALS_FIELD ? vg_str_eq(s, other) : has_substring(s, other));
    }
    if (c->nocase)
        s = lowered(run, s);
    for (uint32_t i = 0; i < c->nvalues; i++)
        if ((only < 0 || (uint32_t)only == i) && string_op(c->op, s, c->values[i]))
            return true;
    return false;
}

/* The common leaf: a string operator on a field the parser holds, compared in place. */
static bool parsed_field_leaf(struct vg_rules_run *run, const struct cond *c)
{
    struct vg_str s = ct_value(run->ev, c->path.ct_field);
    if (!s.len)
        return false;
    if (c->nocase)
        s = lowered(run, s);
    for (uint32_t i = 0; i < c->nvalues; i++)
        if (string_op(c->op, s, c->values[i]))
            return true;
    return false;
}

static bool leaf_true(struct vg_rules_run *run, const struct cond *c,
                      const struct vg_json_value *here)
{
    if ((c->op == OP_REGEX || c->op == OP_CONTAINS) && c->path.ct_field >= 0 &&
        run->verdicts[c->verdict].seq == run->seq)
        return run->verdicts[c->verdict].hit;
    if (c->path.ct_field >= 0 && c->op <= OP_CONTAINS && !c->all_values)
        return parsed_field_leaf(run, c);
    if (c->all_values && c->nvalues > 1) {
        for (uint32_t i = 0; i < c->nvalues; i++) {
            int only = (int)i;
            if (!each_value(run, here, &c->path, c, leaf_value, &only))
                return false;
        }
        return true;
    }
    int any = -1;
    bool hit = each_value(run, here, &c->path, c, leaf_value, &any);
    return c->op == OP_ABSENT ? !hit : hit;
}

static bool some_element(struct vg_rules_run *run, const struct cond *c,
                         const struct vg_json_value *v, const void *arg)
{
    (void)arg;
    return cond_true(run, c->kids[0], v);
}

static bool cond_true(struct vg_rules_run *run, const struct cond *c,
                      const struct vg_json_value *here)
{
    switch (c->kind) {
    case COND_ALL:
        for (uint32_t i = 0; i < c->nkids; i++)
            if (!cond_true(run, c->kids[i], here))
                return false;
        return true;
    case COND_ANY:
        for (uint32_t i = 0; i < c->nkids; i++)
            if (cond_true(run, c->kids[i], here))
                return true;
        return false;
    case COND_NOT: return !cond_true(run, c->kids[0], here);
    case COND_SOME: return each_value(run, here, &c->path, c, some_element, NULL);
    case COND_LEAF: return leaf_true(run, c, here);
    }
    return false;
}

bool vg_rule_matches(struct vg_rules_run *run, const struct rule *r, const struct vg_event *ev)
{
    run->ev = ev;
    run->seq++;
    return cond_true(run, r->match, ev->raw);
}

/* --- findings --------------------------------------------------------------------------------- */

/* A field's value for a finding's text: printable, cut short (it is the caller's text). */
static int add_quoted(struct vg_buf *b, struct vg_str s)
{
    size_t n = s.len > TEMPLATE_VALUE_MAX ? TEMPLATE_VALUE_MAX : s.len;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s.ptr[i];
        rc |= vg_buf_addc(b, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
    }
    if (n < s.len)
        rc |= vg_buf_adds(b, "...");
    return rc;
}

/* The value of one template path as written ("requestParameters.name"), or empty. */
static struct vg_str template_value(struct vg_rules_run *run, char *path_text)
{
    const char *segs[16];
    struct rule_path p = { .segs = segs, .flow_field = -1, .ct_field = -1 };
    if (run->ev->source == VG_SOURCE_VPCFLOW)
        p.flow_field = vg_rule_flow_field(path_text);
    else if (run->ev->source == VG_SOURCE_CLOUDTRAIL)
        p.ct_field = vg_rule_ct_field(path_text);
    for (char *s = path_text, *dot; s && p.nseg < VG_ARRAY_LEN(segs); s = dot ? dot + 1 : NULL) {
        dot = strchr(s, '.');
        if (dot)
            *dot = '\0';
        segs[p.nseg++] = s;
    }
    return value_at(run, run->ev->raw, &p);
}

/* {a.b} quotes the event's value, {a|b} the first of them the event has; {{ }} are braces. */
static int render_template(struct vg_rules_run *run, const char *t, struct vg_buf *out)
{
    int rc = 0;
    for (const char *c = t; *c && rc == 0; c++) {
        if ((c[0] == '{' && c[1] == '{') || (c[0] == '}' && c[1] == '}')) {
            rc = vg_buf_addc(out, *c++);
            continue;
        }
        if (*c != '{') {
            rc = vg_buf_addc(out, *c);
            continue;
        }
        const char *end = strchr(c, '}');
        char text[200];
        size_t n = (size_t)(end - c - 1);
        if (n >= sizeof(text))
            n = sizeof(text) - 1;
        memcpy(text, c + 1, n);
        text[n] = '\0';
        c = end;
        struct vg_str v = VG_STR_NULL;
        for (char *alt = text, *bar; alt && !v.len; alt = bar ? bar + 1 : NULL) {
            bar = strchr(alt, '|');
            if (bar)
                *bar = '\0';
            v = template_value(run, alt);
        }
        rc = v.len ? add_quoted(out, v) : vg_buf_adds(out, "(none)");
    }
    return rc;
}

static double severity_of(struct vg_rules_run *run, const struct rule *r)
{
    if (r->severity_field.nseg == 0)
        return r->severity;
    struct vg_str v = value_at(run, run->ev->raw, &r->severity_field);
    for (uint32_t i = 0; i < r->severity_map_count; i++)
        if (vg_str_eq(v, r->severity_map[i].value))
            return r->severity_map[i].severity;
    char num[32], *end;
    if (r->severity_map_count == 0 && v.len && v.len < sizeof(num)) {
        memcpy(num, v.ptr, v.len);
        num[v.len] = '\0';
        double d = strtod(num, &end);
        if (!*end && d >= 1 && d <= 10)
            return d;
    }
    return r->severity;
}

static void emit_finding(struct vg_rules_run *run, const struct rule *r, const struct vg_emit *emit)
{
    const struct vg_event *ev = run->ev;
    vg_buf_reset(&run->detail);
    vg_buf_reset(&run->counter);
    vg_buf_reset(&run->additional);
    int rc = 0;
    if (r->description)
        rc |= render_template(run, r->description, &run->detail);
    for (uint32_t i = 0; i < r->aggregate_count; i++) {
        if (i)
            rc |= vg_buf_addc(&run->counter, '|');
        rc |= add_quoted(&run->counter, value_at(run, ev->raw, &r->aggregate[i]));
    }
    rc |= vg_buf_adds(&run->additional, "\"rule\":");
    rc |= vg_buf_add_json_str(&run->additional, vg_str_from(r->id));
    if (r->signal) {
        rc |= vg_buf_adds(&run->additional, ",\"signal\":");
        rc |= vg_buf_add_json_str(&run->additional, vg_str_from(r->signal));
    }
    if (rc != 0)
        return; /* out of memory: the finding would be missing its explanation */
    struct vg_finding_draft d = {
        .type = r->type,
        .severity = severity_of(run, r),
        .event = ev,
        .detail = (struct vg_str){ run->detail.data, run->detail.len },
        .counterpart = (struct vg_str){ run->counter.data, run->counter.len },
        .additional = (struct vg_str){ run->additional.data, run->additional.len },
    };
    if (r->bucket.nseg)
        d.bucket = value_at(run, ev->raw, &r->bucket);
    else if (ev->source == VG_SOURCE_CLOUDTRAIL && r->resource && !strcmp(r->resource, "S3Bucket"))
        d.bucket = vg_json_str(vg_json_path(ev->ct.request_parameters, "bucketName"));
    struct vg_finding_net net;
    if (ev->source == VG_SOURCE_VPCFLOW) {
        const struct vg_flow *f = &ev->flow;
        bool local_src = f->local != VG_FLOW_LOCAL_DST;
        net = (struct vg_finding_net){
            .direction = f->local == VG_FLOW_LOCAL_UNKNOWN ? VG_NET_DIR_UNKNOWN
                         : local_src == f->src_initiated   ? VG_NET_OUTBOUND
                                                           : VG_NET_INBOUND,
            .protocol = f->protocol,
            .blocked = f->action == VG_FLOW_REJECT,
            .local_ip = local_src ? f->src : f->dst,
            .remote_ip = local_src ? f->dst : f->src,
            .local_port = local_src ? f->src_port : f->dst_port,
            .remote_port = local_src ? f->dst_port : f->src_port,
        };
        d.net = &net;
    }
    struct vg_finding_dns dns;
    if (ev->source == VG_SOURCE_DNS) {
        dns = (struct vg_finding_dns){ .domain = ev->dns.query.text,
                                       .protocol = ev->dns.transport,
                                       .blocked = ev->dns.firewall_action == VG_DNS_FW_BLOCK };
        d.dns = &dns;
    }
    vg_emit_finding(emit, &d);
}

static void sample(struct vg_rules_run *run, struct rule *r)
{
    struct vg_rules *rs = (struct vg_rules *)run->rs;
    pthread_mutex_lock(&rs->sample_lock);
    if (r->sample_count < VG_RULES_DRY_RUN_SAMPLES) {
        struct vg_rule_sample *s = &r->samples[r->sample_count++];
        const struct vg_event *ev = run->ev;
        *s = (struct vg_rule_sample){ .source = ev->ref.source,
                                      .line = ev->ref.line,
                                      .offset = ev->ref.offset,
                                      .time_ms = ev->time_ms };
        if (ev->source == VG_SOURCE_CLOUDTRAIL) {
            size_t n = ev->ct.event_id.len < sizeof(s->event_id) - 1 ? ev->ct.event_id.len
                                                                     : sizeof(s->event_id) - 1;
            memcpy(s->event_id, ev->ct.event_id.ptr ? ev->ct.event_id.ptr : "", n);
            s->event_id[n] = '\0';
        }
    }
    pthread_mutex_unlock(&rs->sample_lock);
}

/* The rule's condition, less the one the index already answered (`known`, may be NULL). */
static bool rule_true(struct vg_rules_run *run, const struct rule *r, const struct cond *known)
{
    const struct cond *c = r->match;
    if (c == known)
        return true;
    if (c->kind != COND_ALL || !known)
        return cond_true(run, c, run->ev->raw);
    for (uint32_t i = 0; i < c->nkids; i++)
        if (c->kids[i] != known && !cond_true(run, c->kids[i], run->ev->raw))
            return false;
    return true;
}

static int on_group_match(unsigned id, unsigned long long from, unsigned long long to,
                          unsigned flags, void *ctx)
{
    (void)from, (void)to, (void)flags;
    struct vg_rules_run *run = ctx;
    run->verdicts[id].hit = true;
    return 0; /* go on: the other patterns are other rules' */
}

/* One scan per field for the slot's regexes; their leaves then read the verdicts. */
static void scan_groups(struct vg_rules_run *run, const struct index_slot *s)
{
    for (uint32_t g = 0; g < s->group_count; g++) {
        const struct regex_group *grp = &s->groups[g];
        for (uint32_t i = 0; i < grp->count; i++)
            run->verdicts[grp->members[i]->verdict] = (struct regex_verdict){ run->seq, false };
        struct vg_str v = ct_value(run->ev, grp->ct_field);
        if (v.len) /* absent: no regex matches */
            hs_scan(grp->db, v.ptr, (unsigned)(v.len > UINT32_MAX ? UINT32_MAX : v.len), 0,
                    run->scratch, on_group_match, run);
    }
}

enum via { VIA_NONE, VIA_NAME, VIA_SOURCE };

static void try_rules(struct vg_rules_run *run, struct rule *const *rules, uint32_t count,
                      enum via via, const struct vg_emit *emit)
{
    for (uint32_t i = 0; i < count; i++) {
        struct rule *r = rules[i];
        const struct cond *known = via == VIA_NAME     ? r->pinned_name
                                   : via == VIA_SOURCE ? r->pinned_source
                                                       : NULL;
        if (!rule_true(run, r, known))
            continue;
        atomic_fetch_add_explicit(&r->matches, 1, memory_order_relaxed);
        if (r->dry_run)
            sample(run, r);
        else
            emit_finding(run, r, emit);
    }
}

static const struct index_slot *index_find(const struct rule_index *ix, struct vg_str key)
{
    if (!ix->slots || !key.len)
        return NULL;
    for (size_t i = vg_hash64(key.ptr, key.len, 0x72756c65) & ix->mask;; i = (i + 1) & ix->mask) {
        const struct index_slot *s = &ix->slots[i];
        if (!s->key.ptr)
            return NULL;
        if (vg_str_eq(s->key, key))
            return s;
    }
}

void vg_rules_event(struct vg_rules_run *run, const struct vg_event *ev, const struct vg_emit *emit)
{
    const struct vg_rules *rs = run->rs;
    if (!(rs->sources & ev->source))
        return;
    run->ev = ev;
    run->seq++;
    unsigned k = (unsigned)__builtin_ctz(ev->source);
    if (ev->source == VG_SOURCE_CLOUDTRAIL) {
        const struct index_slot *s = index_find(&rs->by_name, ev->ct.event_name);
        if (s) {
            scan_groups(run, s);
            try_rules(run, s->rules, s->count, VIA_NAME, emit);
        }
        s = index_find(&rs->by_source, ev->ct.event_source);
        if (s) {
            scan_groups(run, s);
            try_rules(run, s->rules, s->count, VIA_SOURCE, emit);
        }
    }
    try_rules(run, rs->unindexed[k], rs->unindexed_count[k], VIA_NONE, emit);
}

/* --- Hyperscan ---------------------------------------------------------------------------------
 */

int vg_rule_regex_compile(const char *pattern, bool nocase, hs_database_t **out, char *why,
                          size_t why_cap)
{
    hs_compile_error_t *err = NULL;
    unsigned flags = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY | (nocase ? HS_FLAG_CASELESS : 0);
    if (hs_compile(pattern, flags, HS_MODE_BLOCK, NULL, out, &err) != HS_SUCCESS) {
        snprintf(why, why_cap, "%s", err && err->message ? err->message : "not supported");
        hs_free_compile_error(err);
        return VG_EFORMAT;
    }
    return VG_OK;
}

/* --- the set ------------------------------------------------------------------------------------
 */

static void free_index(struct rule_index *ix)
{
    if (ix->slots)
        for (size_t i = 0; i <= ix->mask; i++) {
            for (uint32_t g = 0; g < ix->slots[i].group_count; g++) {
                hs_free_database(ix->slots[i].groups[g].db);
                free(ix->slots[i].groups[g].members);
            }
            free(ix->slots[i].groups);
            free(ix->slots[i].rules);
        }
    free(ix->slots);
    *ix = (struct rule_index){ 0 };
}

void vg_rules_free(struct vg_rules *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->regex_count; i++)
        hs_free_database(rs->regexes[i]);
    free(rs->regexes);
    free_index(&rs->by_name);
    free_index(&rs->by_source);
    for (unsigned k = 0; k < 3; k++)
        free(rs->unindexed[k]);
    if (rs->scratch_proto)
        hs_free_scratch(rs->scratch_proto);
    pthread_mutex_destroy(&rs->sample_lock);
    free(rs->rules);
    vg_arena_release(&rs->arena);
    free(rs);
}

static bool selector_names(const struct rule *r, const char *sel)
{
    if (!strcmp(sel, "all") || !strcmp(sel, r->id) || !strcmp(sel, r->type_name))
        return true;
    size_t n = strlen(sel);
    for (const char *g = r->groups; *g;) {
        const char *end = strchr(g, ',');
        size_t len = end ? (size_t)(end - g) : strlen(g);
        if (len == n && strncasecmp(g, sel, n) == 0)
            return true;
        g += len + (end ? 1 : 0);
    }
    return false;
}

int vg_rules_enable(struct vg_rules *rs, const char *selector)
{
    bool any = false;
    for (size_t i = 0; i < rs->count; i++) {
        if (selector_names(rs->rules[i], selector)) {
            rs->rules[i]->enabled = true;
            any = true;
        }
    }
    return any ? VG_OK : VG_ENOTFOUND;
}

/* The values a rule's top-level condition pins `field` to, if it does (equals, case kept). */
static const struct cond *pinned(const struct cond *c, const char *field)
{
    if (c->kind == COND_LEAF) {
        bool pins = c->op == OP_EQUALS && !c->nocase && !c->all_values && c->path.nseg == 1 &&
                    !c->path.from_root && !strcmp(c->path.segs[0], field);
        return pins ? c : NULL;
    }
    if (c->kind == COND_ALL)
        for (uint32_t i = 0; i < c->nkids; i++)
            if (pinned(c->kids[i], field))
                return pinned(c->kids[i], field);
    return NULL;
}

static int index_add(struct rule_index *ix, struct vg_str key, struct rule *r)
{
    size_t i = vg_hash64(key.ptr, key.len, 0x72756c65) & ix->mask;
    while (ix->slots[i].key.ptr && !vg_str_eq(ix->slots[i].key, key))
        i = (i + 1) & ix->mask;
    struct index_slot *s = &ix->slots[i];
    struct rule **grown = realloc(s->rules, (s->count + 1) * sizeof(*grown));
    if (!grown)
        return VG_ENOMEM;
    s->key = key;
    s->rules = grown;
    s->rules[s->count++] = r;
    return VG_OK;
}

static int index_init(struct rule_index *ix, size_t keys)
{
    size_t cap = 16;
    while (cap < keys * 2)
        cap *= 2;
    ix->slots = calloc(cap, sizeof(*ix->slots));
    ix->mask = cap - 1;
    return ix->slots ? VG_OK : VG_ENOMEM;
}

static int collect_scratch(struct vg_rules *rs, const struct cond *c)
{
    if (c->re && hs_alloc_scratch(c->re, &rs->scratch_proto) != HS_SUCCESS)
        return VG_ENOMEM;
    for (uint32_t i = 0; i < c->nkids; i++)
        if (collect_scratch(rs, c->kids[i]) != VG_OK)
            return VG_ENOMEM;
    return VG_OK;
}

/* A top-level regex or substring leaf on a parsed field: one the slot's joint scan can answer. */
static bool groupable(const struct cond *c)
{
    return c->kind == COND_LEAF && (c->op == OP_REGEX || c->op == OP_CONTAINS) &&
           c->path.ct_field >= 0 && !c->all_values;
}

/* A substring as a Hyperscan expression: every byte escaped, so none is an operator. */
static char *literal_pattern(struct vg_rules *rs, struct vg_str s)
{
    char *p = vg_arena_alloc(&rs->arena, s.len * 4 + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i < s.len; i++)
        snprintf(p + i * 4, 5, "\\x%02x", (unsigned char)s.ptr[i]);
    p[s.len * 4] = '\0';
    return p;
}

/* The leaves of the slot's rules a joint scan can answer, in rule order (out may be NULL to
 * count them); *patterns gets how many expressions they make. */
static uint32_t slot_leaves(const struct index_slot *s, const struct cond **out, uint32_t *patterns)
{
    uint32_t n = 0;
    *patterns = 0;
    for (uint32_t i = 0; i < s->count; i++) {
        const struct cond *m = s->rules[i]->match;
        uint32_t kids = m->kind == COND_ALL ? m->nkids : 1;
        for (uint32_t k = 0; k < kids; k++) {
            const struct cond *c = m->kind == COND_ALL ? m->kids[k] : m;
            if (!groupable(c))
                continue;
            if (out)
                out[n] = c;
            n++;
            *patterns += c->op == OP_REGEX ? 1 : c->nvalues;
        }
    }
    return n;
}

/* One group: the leaves on `field` not yet taken, compiled into one database.  VG_OK also when
 * there is nothing worth a joint scan (fewer than two leaves) or Hyperscan refuses the union
 * (the leaves then scan on their own). */
static int build_group(struct vg_rules *rs, struct index_slot *s, const struct cond **leaves,
                       bool *taken, uint32_t n, int field, const char **patterns, unsigned *flags,
                       unsigned *ids)
{
    const struct cond **members = malloc(n * sizeof(*members));
    if (!members)
        return VG_ENOMEM;
    uint32_t count = 0, np = 0;
    for (uint32_t j = 0; j < n; j++) {
        const struct cond *c = leaves[j];
        if (taken[j] || c->path.ct_field != field)
            continue;
        taken[j] = true;
        members[count++] = c;
        unsigned f = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY | (c->nocase ? HS_FLAG_CASELESS : 0);
        for (uint32_t v = 0; v < (c->op == OP_REGEX ? 1 : c->nvalues); v++) {
            patterns[np] = c->op == OP_REGEX ? c->values[0].ptr : literal_pattern(rs, c->values[v]);
            if (!patterns[np]) {
                free(members);
                return VG_ENOMEM;
            }
            flags[np] = f;
            ids[np++] = c->verdict;
        }
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    struct regex_group *grown = NULL;
    if (count >= 2 &&
        hs_compile_multi(patterns, flags, ids, np, HS_MODE_BLOCK, NULL, &db, &err) == HS_SUCCESS &&
        hs_alloc_scratch(db, &rs->scratch_proto) == HS_SUCCESS &&
        (grown = realloc(s->groups, (s->group_count + 1) * sizeof(*grown))) != NULL) {
        s->groups = grown;
        s->groups[s->group_count++] = (struct regex_group){ field, db, members, count };
        return VG_OK;
    }
    hs_free_compile_error(err);
    if (db)
        hs_free_database(db);
    free(members);
    return count >= 2 && db && !grown ? VG_ENOMEM : VG_OK;
}

/* The slot's joint scans: one per parsed field its rules search. */
static int build_groups(struct vg_rules *rs, struct index_slot *s)
{
    uint32_t np, n = slot_leaves(s, NULL, &np);
    if (n < 2)
        return VG_OK;
    const struct cond **leaves = malloc(n * sizeof(*leaves));
    bool *taken = calloc(n, sizeof(*taken));
    const char **patterns = malloc(np * sizeof(*patterns));
    unsigned *flags = malloc(np * sizeof(*flags)), *ids = malloc(np * sizeof(*ids));
    int rc = leaves && taken && patterns && flags && ids ? VG_OK : VG_ENOMEM;
    if (rc == VG_OK)
        slot_leaves(s, leaves, &np);
    for (uint32_t i = 0; rc == VG_OK && i < n; i++)
        if (!taken[i])
            rc = build_group(rs, s, leaves, taken, n, leaves[i]->path.ct_field, patterns, flags,
                             ids);
    free(leaves);
    free(taken);
    free(patterns);
    free(flags);
    free(ids);
    return rc;
}

static int build_all_groups(struct vg_rules *rs, struct rule_index *ix)
{
    for (size_t i = 0; ix->slots && i <= ix->mask; i++)
        if (ix->slots[i].key.ptr && build_groups(rs, &ix->slots[i]) != VG_OK)
            return VG_ENOMEM;
    return VG_OK;
}

int vg_rules_freeze(struct vg_rules *rs, vg_rule_type_fn resolve, void *ctx, struct vg_diag *diag)
{
    size_t keys = 0, kept = 0;
    for (size_t i = 0; i < rs->count; i++) {
        struct rule *r = rs->rules[i];
        char why[200] = "";
        struct vg_rule_type_decl decl = { r->type_name, r->title, r->resource, r->severity };
        r->type = resolve(ctx, &decl, why, sizeof(why));
        r->resource = decl.resource;
        if (r->type == VG_FT_COUNT) {
            struct vg_diag_loc loc = { .source = r->file, .line = r->line };
            vg_diag_report(diag, VG_DIAG_FIELD, &loc, "rule %s: %s", r->id, why);
            rs->rejected++;
            continue;
        }
        if (collect_scratch(rs, r->match) != VG_OK)
            return VG_ENOMEM;
        const struct cond *names = pinned(r->match, "eventName");
        const struct cond *sources = pinned(r->match, "eventSource");
        keys += names ? names->nvalues : sources ? sources->nvalues : 0;
        rs->rules[kept++] = r;
    }
    rs->count = kept;
    if (index_init(&rs->by_name, keys) != VG_OK || index_init(&rs->by_source, keys) != VG_OK)
        return VG_ENOMEM;
    for (size_t i = 0; i < rs->count; i++) {
        struct rule *r = rs->rules[i];
        if (!r->enabled)
            continue;
        rs->sources |= r->source;
        const struct cond *names =
            r->source == VG_SOURCE_CLOUDTRAIL ? pinned(r->match, "eventName") : NULL;
        const struct cond *srcs =
            r->source == VG_SOURCE_CLOUDTRAIL && !names ? pinned(r->match, "eventSource") : NULL;
        const struct cond *keyed = names ? names : srcs;
        r->pinned_name = names;
        r->pinned_source = srcs;
        if (keyed) {
            for (uint32_t v = 0; v < keyed->nvalues; v++)
                if (index_add(names ? &rs->by_name : &rs->by_source, keyed->values[v], r) != VG_OK)
                    return VG_ENOMEM;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctz(r->source);
        struct rule **grown =
            realloc(rs->unindexed[k], (rs->unindexed_count[k] + 1) * sizeof(*grown));
        if (!grown)
            return VG_ENOMEM;
        rs->unindexed[k] = grown;
        rs->unindexed[k][rs->unindexed_count[k]++] = r;
    }
    if (build_all_groups(rs, &rs->by_name) != VG_OK ||
        build_all_groups(rs, &rs->by_source) != VG_OK)
        return VG_ENOMEM;
    return VG_OK;
}

unsigned vg_rules_sources(const struct vg_rules *rs)
{
    return rs ? rs->sources : 0;
}

struct vg_rules_run *vg_rules_run_new(const struct vg_rules *rs)
{
    struct vg_rules_run *run = calloc(1, sizeof(*run));
    if (!run)
        return NULL;
    run->rs = rs;
    if (rs->scratch_proto && hs_clone_scratch(rs->scratch_proto, &run->scratch) != HS_SUCCESS) {
        free(run);
        return NULL;
    }
    run->verdicts = calloc(rs->verdict_count ? rs->verdict_count : 1, sizeof(*run->verdicts));
    if (!run->verdicts) {
        if (run->scratch)
            hs_free_scratch(run->scratch);
        free(run);
        return NULL;
    }
    vg_arena_init(&run->json_arena, 64 * 1024, 64u << 20);
    for (unsigned i = 0; i < JSON_NESTING; i++)
        vg_json_parser_init(&run->json[i], &run->json_arena, JSON_FIELD_MAX);
    vg_buf_init(&run->lower, JSON_FIELD_MAX); /* a longer value matches no nocase rule */
    /* a description quotes each value cut to TEMPLATE_VALUE_MAX: these never fill */
    vg_buf_init(&run->detail, 64 * 1024);
    vg_buf_init(&run->counter, 16 * 1024);
    vg_buf_init(&run->additional, 4096);
    return run;
}

void vg_rules_run_free(struct vg_rules_run *run)
{
    if (!run)
        return;
    if (run->scratch)
        hs_free_scratch(run->scratch);
    free(run->verdicts);
    for (unsigned i = 0; i < JSON_NESTING; i++)
        vg_json_parser_release(&run->json[i]);
    vg_arena_release(&run->json_arena);
    vg_buf_release(&run->lower);
    vg_buf_release(&run->detail);
    vg_buf_release(&run->counter);
    vg_buf_release(&run->additional);
    free(run);
}

const struct vg_rules *vg_rules_run_set(const struct vg_rules_run *run)
{
    return run->rs;
}

size_t vg_rules_count(const struct vg_rules *rs)
{
    return rs->count;
}

uint64_t vg_rules_rejected(const struct vg_rules *rs)
{
    return rs->rejected;
}

void vg_rules_info(const struct vg_rules *rs, size_t i, struct vg_rule_info *out)
{
    const struct rule *r = rs->rules[i];
    *out = (struct vg_rule_info){
        .id = r->id,
        .file = r->file,
        .line = r->line,
        .type = r->type_name,
        .signal = r->signal,
        .groups = r->groups,
        .opt_in = r->opt_in,
        .enabled = r->enabled,
        .dry_run = r->dry_run,
        .sources = r->source,
        .matches = atomic_load_explicit(&r->matches, memory_order_relaxed),
    };
}

size_t vg_rules_samples(const struct vg_rules *rs, size_t i, struct vg_rule_sample *out)
{
    struct vg_rules *mut = (struct vg_rules *)rs;
    pthread_mutex_lock(&mut->sample_lock);
    size_t n = rs->rules[i]->sample_count;
    memcpy(out, rs->rules[i]->samples, n * sizeof(*out));
    pthread_mutex_unlock(&mut->sample_lock);
    return n;
}
