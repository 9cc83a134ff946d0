/*
 * Route 53 Resolver query logs -> struct vg_event (VG_SOURCE_DNS).
 *
 * Framing is decided by content.  The object is a sequence of JSON values (JSON lines as S3
 * delivers them, pretty-printed records, or arrays of records read one element at a time); a
 * line may start with the "<ISO time> " a CloudWatch Logs export task writes before each
 * message.  A value is a query record (it has query_name or query_timestamp), or an envelope
 * whose "message" strings hold records: a CloudWatch Logs subscription batch (logEvents[]), the
 * `aws logs filter-log-events` output (events[]), or one {"message": ...} (Firehose).  Message
 * text is parsed with a second JSON parser, so the envelope's tape stays valid while its events
 * are walked; a message may hold several records.  Other JSON objects are counted as foreign
 * (reported once per object).
 *
 * Every record is a bad record or an event, never dropped quietly: a record without a
 * query_timestamp (with a zone) or a string query_name is reported with file:line and skipped;
 * a bad optional field (srcaddr that is no address, srcport out of range, answers that are not
 * an array) is reported and left empty, and the query is still an event, because a hostile
 * client controls part of a record and must not be able to hide its query by spoiling a field.
 * Hostile names are data: see vg_route53_name_normalise.
 *
 * No allocation per record: fields are slices of the record's JSON strings; the only copies are
 * query names whose normal form differs from the text (upper case, escapes), made in the batch
 * arena, capped at VG_DNS_MAX_NAME_BYTES.
 */
#include "parse/route53.h"

#include "core/limits.h"
#include "core/time.h"
#include "parse/json_records.h"

/* The DNS member must not make struct vg_event larger: every flow record clears one. */
_Static_assert(sizeof(struct vg_dns) <= sizeof(struct vg_cloudtrail),
               "struct vg_dns must fit in the space struct vg_cloudtrail already takes");

/* Bytes of a bad value quoted in a message: enough to recognise it, short for a hostile one. */
#define QUOTE_MAX 40

/* How far sniff() looks: a record is 300-800 bytes, and its first keys say what it is. */
#define SNIFF_BYTES 4096

/* ==== names ==== */

struct name_writer {
    char *out;
    size_t cap, len;
    bool cut;
};

/* Append n bytes, or nothing (and mark the cut) when they do not fit: an escape is never split. */
static void put(struct name_writer *w, const char *s, size_t n)
{
    if (w->cut || n > w->cap - w->len) {
        w->cut = true;
        return;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void put_byte(struct name_writer *w, unsigned char b, uint32_t *flags)
{
    char esc[4];
    if (b >= 'A' && b <= 'Z') {
        *flags |= VG_DNS_NAME_UPPER;
        b = (unsigned char)(b + ('a' - 'A'));
    }
    if (b == '.' || b == '\\') {
        esc[0] = '\\';
        esc[1] = (char)b;
        put(w, esc, 2);
    } else if (b <= 0x20 || b >= 0x7f) {
        *flags |= b >= 0x80 ? VG_DNS_NAME_NON_ASCII : VG_DNS_NAME_UNPRINTABLE;
        esc[0] = '\\';
        esc[1] = (char)('0' + b / 100);
        esc[2] = (char)('0' + b / 10 % 10);
        esc[3] = (char)('0' + b % 10);
        put(w, esc, 4);
    } else {
        char c = (char)b;
        put(w, &c, 1);
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

size_t vg_route53_name_normalise(struct vg_str in, char *out, size_t cap, struct vg_dns_name *shape)
{
    struct name_writer w = { out, cap, 0, false };
    uint32_t flags = 0;
    uint64_t labels = 0, wire = 1, longest = 0, label_len = 0;
    bool pending_dot = false; /* a label ended; its '.' is written before the next byte */
    const char *s = in.ptr;
    size_t n = in.len, i = 0;

    if (n == 0 || (n == 1 && s[0] == '.'))
        flags |= VG_DNS_NAME_ROOT;
    while (i < n && !(flags & VG_DNS_NAME_ROOT)) {
        char c = s[i];
        if (c == '.') {
            if (label_len == 0)
                flags |= VG_DNS_NAME_EMPTY_LABEL;
            labels++;
            wire += 1 + label_len;
            longest = label_len > longest ? label_len : longest;
            label_len = 0;
            if (pending_dot)
                put(&w, ".", 1);
            pending_dot = true;
            i++;
            continue;
        }
        unsigned char b;
        if (c != '\\') {
            b = (unsigned char)c;
            i++;
        } else if (i + 3 < n && is_digit(s[i + 1]) && is_digit(s[i + 2]) && is_digit(s[i + 3]) &&
                   (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0') <= 255) {
            b = (unsigned char)((s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0'));
            flags |= VG_DNS_NAME_ESCAPED;
            i += 4;
        } else if (i + 1 < n && !is_digit(s[i + 1])) {
            b = (unsigned char)s[i + 1]; /* "\." "\\" "\X" */
            flags |= VG_DNS_NAME_ESCAPED;
            i += 2;
        } else {
            b = '\\'; /* a trailing '\', or digits that make no \DDD: the '\' is a byte */
            flags |= VG_DNS_NAME_BAD_ESCAPE;
            i++;
        }
        if (pending_dot) {
            put(&w, ".", 1);
            pending_dot = false;
        }
        put_byte(&w, b, &flags);
        label_len++;
    }
    if (label_len > 0) { /* a name without its trailing dot */
        labels++;
        wire += 1 + label_len;
        longest = label_len > longest ? label_len : longest;
    }
    /* an empty label written only as the final '.' ("a..") keeps the dot before it */
    if (longest > 63)
        flags |= VG_DNS_NAME_LONG_LABEL;
    if (wire > 255)
        flags |= VG_DNS_NAME_TOO_LONG;
    if (w.cut)
        flags |= VG_DNS_NAME_CUT;
    shape->flags = flags;
    shape->labels = labels > UINT32_MAX ? UINT32_MAX : (uint32_t)labels;
    shape->wire_len = wire > UINT32_MAX ? UINT32_MAX : (uint32_t)wire;
    shape->longest_label = longest > UINT32_MAX ? UINT32_MAX : (uint32_t)longest;
    return w.len;
}

/* ==== code tables ==== */

static const struct {
    const char *name;
    uint16_t type;
} rr_types[] = {
    { "A", 1 },        { "NS", 2 },          { "CNAME", 5 },  { "SOA", 6 },
    { "NULL", 10 },    { "WKS", 11 },        { "PTR", 12 },   { "HINFO", 13 },
    { "MX", 15 },      { "TXT", 16 },        { "RP", 17 },    { "AFSDB", 18 },
    { "SIG", 24 },     { "KEY", 25 },        { "AAAA", 28 },  { "LOC", 29 },
    { "SRV", 33 },     { "NAPTR", 35 },      { "KX", 36 },    { "CERT", 37 },
    { "DNAME", 39 },   { "OPT", 41 },        { "APL", 42 },   { "DS", 43 },
    { "SSHFP", 44 },   { "IPSECKEY", 45 },   { "RRSIG", 46 }, { "NSEC", 47 },
    { "DNSKEY", 48 },  { "DHCID", 49 },      { "NSEC3", 50 }, { "NSEC3PARAM", 51 },
    { "TLSA", 52 },    { "SMIMEA", 53 },     { "HIP", 55 },   { "CDS", 59 },
    { "CDNSKEY", 60 }, { "OPENPGPKEY", 61 }, { "CSYNC", 62 }, { "ZONEMD", 63 },
    { "SVCB", 64 },    { "HTTPS", 65 },      { "SPF", 99 },   { "TKEY", 249 },
    { "TSIG", 250 },   { "IXFR", 251 },      { "AXFR", 252 }, { "ANY", 255 },
    { "URI", 256 },    { "CAA", 257 },
};

static bool u16_digits(struct vg_str s, uint16_t *out)
{
    uint64_t v;
    if (s.len == 0 || s.len > 5 || !vg_str_to_u64(s, &v) || v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

uint16_t vg_route53_rr_type(struct vg_str text)
{
    uint16_t v = 0;
    if (text.len == 0 || text.len > 16)
        return 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(rr_types); i++)
        if (vg_str_case_eq(text, rr_types[i].name))
            return rr_types[i].type;
    if (text.len > 4 && strncasecmp(text.ptr, "TYPE", 4) == 0)
        text = (struct vg_str){ text.ptr + 4, text.len - 4 };
    return u16_digits(text, &v) ? v : 0;
}

static uint16_t rr_class(struct vg_str text)
{
    uint16_t v = 0;
    if (vg_str_case_eq(text, "IN"))
        return 1;
    if (vg_str_case_eq(text, "CH"))
        return 3;
    if (vg_str_case_eq(text, "HS"))
        return 4;
    if (vg_str_case_eq(text, "NONE"))
        return 254;
    if (vg_str_case_eq(text, "ANY"))
        return 255;
    if (text.len > 5 && strncasecmp(text.ptr, "CLASS", 5) == 0)
        text = (struct vg_str){ text.ptr + 5, text.len - 5 };
    return text.len <= 16 && u16_digits(text, &v) ? v : 0;
}

static enum vg_dns_rcode rcode_of(struct vg_str t)
{
    if (t.len == 0)
        return VG_DNS_RCODE_NONE;
    if (vg_str_eq_lit(t, "NOERROR"))
        return VG_DNS_RCODE_NOERROR;
    if (vg_str_eq_lit(t, "NXDOMAIN"))
        return VG_DNS_RCODE_NXDOMAIN;
    if (vg_str_eq_lit(t, "SERVFAIL"))
        return VG_DNS_RCODE_SERVFAIL;
    if (vg_str_eq_lit(t, "REFUSED"))
        return VG_DNS_RCODE_REFUSED;
    return VG_DNS_RCODE_OTHER;
}

static enum vg_dns_firewall_action firewall_action_of(struct vg_str t)
{
    if (t.len == 0)
        return VG_DNS_FW_NONE;
    if (vg_str_eq_lit(t, "ALLOW"))
        return VG_DNS_FW_ALLOW;
    if (vg_str_eq_lit(t, "ALERT"))
        return VG_DNS_FW_ALERT;
    if (vg_str_eq_lit(t, "BLOCK"))
        return VG_DNS_FW_BLOCK;
    return VG_DNS_FW_OTHER;
}

/* ==== one record ==== */

static int quote_len(struct vg_str s)
{
    return (int)(s.len > QUOTE_MAX ? QUOTE_MAX : s.len);
}

/* A string field: strings and numbers pass, null/absent give empty, anything else is reported
 * and empty. */
static struct vg_str str_field(struct vg_parse_ctx *ctx, const struct vg_diag_loc *loc,
                               const char *what, const struct vg_json_value *v, const char *name)
{
    if (!v || v->type == VG_JSON_NULL)
        return VG_STR_NULL;
    if (v->type == VG_JSON_STRING || v->type == VG_JSON_NUMBER)
        return (struct vg_str){ v->ptr, v->len };
    vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "%sfield '%s' is not a string; ignored", what,
                   name);
    return VG_STR_NULL;
}

static void map_srcids(struct vg_parse_ctx *ctx, const struct vg_diag_loc *loc, const char *what,
                       const struct vg_json_value *ids, struct vg_dns *dns)
{
    if (ids->type == VG_JSON_NULL)
        return;
    if (ids->type != VG_JSON_OBJECT) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "%sfield 'srcids' is not an object; ignored",
                       what);
        return;
    }
    for (const struct vg_json_value *v = vg_json_first(ids); v; v = vg_json_next(ids, v)) {
        struct vg_str k = { v[-1].ptr, v[-1].len };
        if (vg_str_eq_lit(k, "instance"))
            dns->instance_id = str_field(ctx, loc, what, v, "srcids.instance");
        else if (vg_str_eq_lit(k, "resolver_endpoint"))
            dns->resolver_endpoint_id = str_field(ctx, loc, what, v, "srcids.resolver_endpoint");
        else if (vg_str_eq_lit(k, "resolver_network_interface"))
            dns->resolver_interface_id =
                str_field(ctx, loc, what, v, "srcids.resolver_network_interface");
    }
}

static void decode_answer(const struct vg_json_value *a, struct vg_dns_answer *out)
{
    memset(out, 0, sizeof(*out));
    for (const struct vg_json_value *v = vg_json_first(a); v; v = vg_json_next(a, v)) {
        struct vg_str k = { v[-1].ptr, v[-1].len };
        bool scalar = v->type == VG_JSON_STRING || v->type == VG_JSON_NUMBER;
        if (!scalar)
            continue;
        if (vg_str_eq_lit(k, "Rdata"))
            out->rdata = (struct vg_str){ v->ptr, v->len };
        else if (vg_str_eq_lit(k, "Type"))
            out->type_text = (struct vg_str){ v->ptr, v->len };
        else if (vg_str_eq_lit(k, "Class"))
            out->class_text = (struct vg_str){ v->ptr, v->len };
    }
    out->type = vg_route53_rr_type(out->type_text);
    if ((out->type == 1 || out->type == 28) && vg_ip_parse(out->rdata, &out->ip) &&
        out->ip.family != (out->type == 1 ? 4 : 6))
        memset(&out->ip, 0, sizeof(out->ip));
}

static void map_answers(struct vg_parse_ctx *ctx, const struct vg_diag_loc *loc, const char *what,
                        const struct vg_json_value *v, struct vg_dns *dns)
{
    if (v->type == VG_JSON_NULL)
        return;
    if (v->type != VG_JSON_ARRAY) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "%sfield 'answers' is not an array; ignored",
                       what);
        return;
    }
    uint32_t count = 0, index = 0, others = 0;
    for (const struct vg_json_value *a = vg_json_first(v); a; a = vg_json_next(v, a), index++) {
        if (a->type == VG_JSON_OBJECT)
            count++;
        else if (others++ == 0) /* once per record is enough */
            vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                           "%sfield 'answers[%" PRIu32 "]' is not an object; ignored", what, index);
    }
    if (!count)
        return;
    struct vg_dns_answer *list = vg_arena_alloc(ctx->arena, count * sizeof(*list));
    if (!list) {
        vg_diag_report(ctx->diag, VG_DIAG_TOO_BIG, loc,
                       "%sno memory left in the batch for %" PRIu32 " answers; ignored", what,
                       count);
        return;
    }
    uint32_t n = 0;
    for (const struct vg_json_value *a = vg_json_first(v); a; a = vg_json_next(v, a))
        if (a->type == VG_JSON_OBJECT)
            decode_answer(a, &list[n++]);
    dns->answers = list;
    dns->answer_count = count;
}

static void map_name(struct vg_parse_ctx *ctx, struct vg_str raw, struct vg_dns_name *name,
                     bool *nomem)
{
    char buf[VG_DNS_MAX_NAME_BYTES];
    size_t n = vg_route53_name_normalise(raw, buf, sizeof(buf), name);
    const uint32_t rewritten = VG_DNS_NAME_UPPER | VG_DNS_NAME_ESCAPED | VG_DNS_NAME_BAD_ESCAPE |
                               VG_DNS_NAME_UNPRINTABLE | VG_DNS_NAME_NON_ASCII;
    if (!(name->flags & rewritten)) { /* the normal form is a prefix of the text */
        name->text = (struct vg_str){ n ? raw.ptr : "", n };
        return;
    }
    char *copy = vg_arena_alloc(ctx->arena, n ? n : 1);
    if (!copy) {
        *nomem = true;
        return;
    }
    memcpy(copy, buf, n);
    name->text = (struct vg_str){ copy, n };
}

bool vg_route53_map(struct vg_parse_ctx *ctx, const struct vg_json_value *rec,
                    const struct vg_diag_loc *loc, const char *what, struct vg_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->source = VG_SOURCE_DNS;
    ev->raw = rec;
    ev->ref.source = ctx->source;
    ev->ref.offset = loc->offset;
    ev->ref.line = loc->line;
    struct vg_dns *dns = &ev->dns;
    const struct vg_json_value *qtime = NULL, *qname = NULL;

    if (rec->type != VG_JSON_OBJECT) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "%srecord is not a JSON object; skipped",
                       what);
        return false;
    }
    for (const struct vg_json_value *v = vg_json_first(rec); v; v = vg_json_next(rec, v)) {
        struct vg_str k = { v[-1].ptr, v[-1].len };
        switch (k.len ? k.ptr[0] : 0) {
        case 'a':
            if (vg_str_eq_lit(k, "account_id"))
                ev->account_id = str_field(ctx, loc, what, v, "account_id");
            else if (vg_str_eq_lit(k, "answers"))
                map_answers(ctx, loc, what, v, dns);
            break;
        case 'f':
            if (vg_str_eq_lit(k, "firewall_rule_action"))
                dns->firewall_rule_action = str_field(ctx, loc, what, v, "firewall_rule_action");
            else if (vg_str_eq_lit(k, "firewall_rule_group_id"))
                dns->firewall_rule_group_id =
                    str_field(ctx, loc, what, v, "firewall_rule_group_id");
            else if (vg_str_eq_lit(k, "firewall_domain_list_id"))
                dns->firewall_domain_list_id =
                    str_field(ctx, loc, what, v, "firewall_domain_list_id");
            break;
        case 'q':
            if (vg_str_eq_lit(k, "query_timestamp"))
                qtime = v;
            else if (vg_str_eq_lit(k, "query_name"))
                qname = v;
            else if (vg_str_eq_lit(k, "query_type"))
                dns->query_type_text = str_field(ctx, loc, what, v, "query_type");
            else if (vg_str_eq_lit(k, "query_class"))
                dns->query_class_text = str_field(ctx, loc, what, v, "query_class");
            break;
        case 'r':
            if (vg_str_eq_lit(k, "rcode"))
                dns->rcode_text = str_field(ctx, loc, what, v, "rcode");
            else if (vg_str_eq_lit(k, "region"))
                ev->region = str_field(ctx, loc, what, v, "region");
            break;
        case 's':
            if (vg_str_eq_lit(k, "srcaddr")) {
                struct vg_str t = str_field(ctx, loc, what, v, "srcaddr");
                if (t.len && !vg_ip_parse(t, &dns->src))
                    vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                                   "%sfield 'srcaddr' is not an IP address ('%.*s%s'); ignored",
                                   what, quote_len(t), t.ptr, t.len > QUOTE_MAX ? "..." : "");
            } else if (vg_str_eq_lit(k, "srcport")) {
                struct vg_str t = str_field(ctx, loc, what, v, "srcport");
                if (t.len && !u16_digits(t, &dns->src_port))
                    vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                                   "%sfield 'srcport' is not a port number ('%.*s%s'); ignored",
                                   what, quote_len(t), t.ptr, t.len > QUOTE_MAX ? "..." : "");
            } else if (vg_str_eq_lit(k, "srcids")) {
                map_srcids(ctx, loc, what, v, dns);
            }
            break;
        case 't':
            if (vg_str_eq_lit(k, "transport"))
                dns->transport = str_field(ctx, loc, what, v, "transport");
            break;
        case 'v':
            if (vg_str_eq_lit(k, "version"))
                dns->version = str_field(ctx, loc, what, v, "version");
            else if (vg_str_eq_lit(k, "vpc_id"))
                dns->vpc_id = str_field(ctx, loc, what, v, "vpc_id");
            break;
        default: break;
        }
    }

    if (!qtime) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "%srecord has no 'query_timestamp'; skipped",
                       what);
        return false;
    }
    if (!vg_time_parse_iso(vg_json_str(qtime), &ev->time_ms)) {
        struct vg_str t = vg_json_text(qtime);
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                       "%sfield 'query_timestamp' is not a timestamp with a time zone ('%.*s%s'); "
                       "skipped",
                       what, quote_len(t), t.ptr ? t.ptr : "", t.len > QUOTE_MAX ? "..." : "");
        return false;
    }
    if (!qname || qname->type != VG_JSON_STRING) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                       "%srecord has no string 'query_name'; skipped", what);
        return false;
    }
    dns->query_name_raw = (struct vg_str){ qname->ptr, qname->len };
    bool nomem = false;
    map_name(ctx, dns->query_name_raw, &dns->query, &nomem);
    if (nomem) {
        vg_diag_report(ctx->diag, VG_DIAG_TOO_BIG, loc,
                       "%sno memory left in the batch for the query name; skipped", what);
        return false;
    }
    dns->query_type = vg_route53_rr_type(dns->query_type_text);
    dns->query_class = rr_class(dns->query_class_text);
    dns->rcode = rcode_of(dns->rcode_text);
    dns->firewall_action = firewall_action_of(dns->firewall_rule_action);
    return true;
}

/* ==== framing ==== */

/* Per-object state. */
struct reader {
    struct vg_parse_ctx *ctx;
    uint64_t foreign_at_start; /* to report foreign records once per object */
    struct vg_str path_account, path_vpc;
    struct vg_json_parser inner; /* for message text inside envelopes */
    bool inner_ready;
    int rc;
};

/* The path component after `marker` when it is made of the characters of an account id or a
 * VPC id. */
static struct vg_str path_component(const char *path, const char *marker)
{
    const char *p = path ? strstr(path, marker) : NULL;
    if (!p)
        return VG_STR_NULL;
    p += strlen(marker);
    size_t n = 0;
    while (p[n] && p[n] != '/' && n < 32 && (isalnum((unsigned char)p[n]) || p[n] == '-'))
        n++;
    return p[n] == '/' && n > 0 ? (struct vg_str){ p, n } : VG_STR_NULL;
}

static void record(struct reader *r, const struct vg_json_value *rec, const struct vg_diag_loc *loc,
                   const char *what)
{
    struct vg_parse_ctx *ctx = r->ctx;
    struct vg_event ev;
    ctx->stats->records++;
    if (!vg_route53_map(ctx, rec, loc, what, &ev)) {
        ctx->stats->bad_records++;
        return;
    }
    if (ev.account_id.len == 0)
        ev.account_id = r->path_account;
    if (ev.dns.vpc_id.len == 0)
        ev.dns.vpc_id = r->path_vpc;
    ctx->stats->events++;
    ctx->on_event(ctx->event_ctx, &ev);
}

static void bad(struct reader *r, const struct vg_diag_loc *loc, enum vg_diag_code code,
                const char *fmt, ...) VG_PRINTF(4, 5);
static void bad(struct reader *r, const struct vg_diag_loc *loc, enum vg_diag_code code,
                const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->ctx->stats->records++;
    r->ctx->stats->bad_records++;
    vg_diag_report(r->ctx->diag, code, loc, "%s", msg);
}

/* The text of one log event: one or more records.  Parsed with the inner parser so that the
 * envelope being walked stays valid. */
static void message(struct reader *r, const struct vg_json_value *msg,
                    const struct vg_diag_loc *loc, const char *what)
{
    struct vg_str s = vg_json_str(msg);
    size_t pos = vg_json_skip_ws(s.ptr, s.len, 0);
    if (msg->type != VG_JSON_STRING || pos == s.len) {
        bad(r, loc, VG_DIAG_FIELD, "%sfield 'message' is %s; skipped", what,
            msg->type != VG_JSON_STRING ? "not a string" : "empty");
        return;
    }
    if (!r->inner_ready) {
        vg_json_parser_init(&r->inner, r->ctx->arena, r->ctx->json->max_bytes);
        r->inner_ready = true;
    }
    while (pos < s.len) {
        const struct vg_json_value *rec;
        struct vg_json_error err;
        enum vg_json_errcode rc = vg_json_parse(&r->inner, s.ptr, s.len, &pos, &rec, &err);
        if (rc == VG_JSON_ENOMEM) {
            r->rc = VG_ENOMEM;
            return;
        }
        if (rc != VG_JSON_OK) {
            bad(r, loc, vg_json_diag_code(&err), "%smessage is not a JSON record: %s (at byte %zu)",
                what, err.what, err.offset);
            return; /* the rest of one message is not worth a guess */
        }
        record(r, rec, loc, what);
        pos = vg_json_skip_ws(s.ptr, s.len, pos);
        if (pos < s.len && s.ptr[pos] == ',')
            pos++;
    }
}

static void foreign(struct reader *r, const struct vg_diag_loc *loc, const char *why)
{
    if (r->ctx->stats->foreign++ == r->foreign_at_start)
        vg_diag_report(r->ctx->diag, VG_DIAG_NOT_LOG, loc,
                       "record is not a Route 53 Resolver query log record (%s); it and any like "
                       "it in this file are skipped",
                       why);
}

/* A CloudWatch Logs batch: logEvents[] (subscription) or events[] (`aws logs`). */
static void log_events(struct reader *r, const struct vg_json_value *events,
                       const struct vg_diag_loc *loc)
{
    size_t index = 0;
    for (const struct vg_json_value *e = vg_json_first(events); e && r->rc == VG_OK;
         e = vg_json_next(events, e), index++) {
        char what[48];
        snprintf(what, sizeof(what), "log event %zu: ", index);
        const struct vg_json_value *m = vg_json_get(e, "message");
        if (m)
            message(r, m, loc, what);
        else
            bad(r, loc, VG_DIAG_FIELD, "%sno 'message'; skipped", what);
    }
}

static void value(struct reader *r, const struct vg_json_value *v, const struct vg_diag_loc *loc)
{
    if (v->type != VG_JSON_OBJECT) {
        bad(r, loc, VG_DIAG_FIELD, "record is not a JSON object; skipped");
        return;
    }
    /* One pass over the top-level keys: this runs for every record. */
    const struct vg_json_value *events = NULL, *msg = NULL, *type = NULL;
    bool query = false;
    for (const struct vg_json_value *m = vg_json_first(v); m; m = vg_json_next(v, m)) {
        struct vg_str k = { m[-1].ptr, m[-1].len };
        if (k.len >= 10 && k.ptr[0] == 'q' &&
            (vg_str_eq_lit(k, "query_name") || vg_str_eq_lit(k, "query_timestamp")))
            query = true;
        else if (vg_str_eq_lit(k, "logEvents") || vg_str_eq_lit(k, "events"))
            events = m;
        else if (vg_str_eq_lit(k, "message"))
            msg = m;
        else if (vg_str_eq_lit(k, "messageType"))
            type = m;
    }
    if (query) {
        record(r, v, loc, "");
    } else if (events && events->type == VG_JSON_ARRAY) {
        /* the control message that opens a subscription carries no records */
        if (vg_str_eq_lit(vg_json_str(type), "CONTROL_MESSAGE"))
            r->ctx->stats->foreign++;
        else
            log_events(r, events, loc);
    } else if (msg) {
        message(r, msg, loc, "");
    } else {
        foreign(r, loc, "no 'query_name', 'logEvents' or 'message'");
    }
}

/* At buf[pos]: "2021-12-11T22:46:23.000Z " before a '{' (a CloudWatch Logs export line)?  Returns
 * the offset of the '{', or pos. */
static size_t export_prefix(const char *buf, size_t len, size_t pos)
{
    if (len - pos < 21 || !is_digit(buf[pos]) || buf[pos + 4] != '-' || buf[pos + 10] != 'T')
        return pos;
    size_t i = pos, end = len - pos > 40 ? pos + 40 : len;
    while (i < end && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n')
        i++;
    int64_t ms;
    if (i >= end || buf[i] == '\n' ||
        !vg_time_parse_iso((struct vg_str){ buf + pos, i - pos }, &ms))
        return pos;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    return i < len && buf[i] == '{' ? i : pos;
}

static bool on_record(void *ctx, const struct vg_json_value *v, const struct vg_diag_loc *loc)
{
    struct reader *r = ctx;
    value(r, v, loc);
    return r->rc == VG_OK;
}

static void count_bad(void *ctx)
{
    struct reader *r = ctx;
    r->ctx->stats->records++;
    r->ctx->stats->bad_records++;
}

static int parse(struct vg_parse_ctx *ctx, const char *buf, size_t len)
{
    struct reader r = { .ctx = ctx, .foreign_at_start = ctx->stats->foreign };
    if (strstr(ctx->source ? ctx->source : "", "/vpcdnsquerylogs/")) {
        r.path_account = path_component(ctx->source, "AWSLogs/");
        r.path_vpc = path_component(ctx->source, "/vpcdnsquerylogs/");
    }
    size_t pos = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    struct vg_json_records_cb cb = { export_prefix, on_record, count_bad, &r };
    int rc = vg_json_records(ctx, buf, len, pos, &cb);
    if (rc != VG_OK)
        r.rc = rc;
    if (r.inner_ready) {
        ctx->json->replaced_utf8 += r.inner.replaced_utf8;
        vg_json_parser_release(&r.inner);
    }
    return r.rc;
}

/* ==== sniffing ==== */

static bool sniff(const char *buf, size_t len)
{
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
    size_t i = vg_json_skip_bom_ws(buf, n, 0);
    if (i >= n || (buf[i] != '{' && buf[i] != '[' && export_prefix(buf, n, i) == i))
        return false;
    const char *p = buf + i;
    n -= i;
    /* never claim CloudTrail or VPC flow records (fields split into keys) */
    if (memmem(p, n, "\"eventVersion\"", 14) || memmem(p, n, "\"eventSource\"", 13) ||
        memmem(p, n, "\"dstaddr\"", 9))
        return false;
    /* the opening quote only, so that keys escaped inside a "message" string match too */
    return memmem(p, n, "\"query_name", 11) &&
           (memmem(p, n, "\"query_timestamp", 16) || memmem(p, n, "\"query_type", 11));
}

const struct vg_format vg_format_route53 = {
    .name = "route53",
    .sniff = sniff,
    .parse = parse,
};
