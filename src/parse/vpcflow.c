/*
 * VPC Flow Logs -> struct vg_event.  The hottest loop in vigil: flow logs outnumber CloudTrail
 * ten to a hundred times, so lines are read in place with no allocation, no sscanf/strtol and
 * no copy (bench/bench_parse_vpcflow.c measures it).
 *
 * Layouts.  The field order of a file is a *layout*: a table of column kinds built once per
 * file, from the header line S3 writes first ("version account-id ..."; any order, any subset,
 * unknown names kept as skipped columns), from the caller's configured format
 * (vg_vpcflow_parse_format), or, for a header-less file, from the field count of its first
 * line: 14 is the default version-2 format, and the counts of AWS's "every field up to version
 * N" orders (21, 25, 29, 39, 40) and of the Transit Gateway default (36) select those orders.  A
 * line that fails with another count re-selects by count, so a header-less file that mixes
 * versions still reads; a header line in mid-file (concatenated objects) takes over.
 *
 * Lines.  The fast path (see "one line") finds every field boundary of a line with a 64-byte
 * vector scan, then converts the fields independently: the column's kind picks the conversion
 * (digits eight at a time in a word, IPv4 by byte shuffle or word tricks, IPv6 by a short
 * parser, the rest through vg_ip_parse), so no loop runs per digit.  Lines it does not accept
 * go through a careful field-by-field walk that also words the report.  '-' is "absent" for
 * every field.
 *
 * Invariants that make the loops safe without bounds checks: every line handed to parse_line()
 * ends in '\n' before `safe_end` (the object's text up to its last newline is parsed in place;
 * an unterminated last line, and JSON message text, are copied into the arena with a '\n'
 * appended), no byte loop steps over a '\n', and every wider load (8, 16, 24 or 64 bytes) is
 * made only when that many bytes remain before `safe_end`.
 *
 * What counts: every line that is not blank, a comment ('#' first) or a header is a record;
 * a record is an event or a bad record, never dropped silently.  NODATA and SKIPDATA records are
 * events with flow.status set (detectors skip them).  A trailing " #..." after the last field is
 * a comment, as in AWS's documentation examples.  Bad lines (wrong field count, a value that
 * does not convert, a control byte) are reported with file:line and skipped.
 *
 * JSON (first byte '{' or '['): CloudWatch Logs / Firehose envelopes {"message": "<line>"},
 * CloudWatch subscription batches {"logEvents": [{"message": ...}]}, and records already split
 * into keys (Data Prepper, OCSF raw input: "srcaddr", "log_status", ...), mapped by the same
 * column table.  JSON objects with none of these are counted as foreign.
 */
#include "parse/vpcflow.h"

#include "core/limits.h"
#include "parse/json_records.h"

/* Columns in one layout.  AWS defines about 60 fields for VPC and Transit Gateway flow logs; 128
 * leaves room for new ones while keeping the layout a fixed array, built without allocation. */
#define MAX_COLS 128

/* Bytes of a bad value quoted in a message: enough to recognise it, and a 50 MB hostile field
 * still makes a short message. */
#define QUOTE_MAX 40

/* How far sniff() looks: a header or first record line is a few hundred bytes. */
#define SNIFF_BYTES 4096

/* Longest field name looked up (the longest AWS name, ecs-container-instance-arn, is 26). */
#define NAME_MAX_LEN 40

enum col {
    C_IGNORE, /* not mapped into the event (ECS, TGW, sublocation, unknown names): skipped */
    C_VERSION,
    C_ACCOUNT,
    C_INTERFACE,
    C_INSTANCE,
    C_VPC,
    C_SUBNET,
    C_TYPE,
    C_REGION,
    C_AZ,
    C_PKT_SRC_SERVICE,
    C_PKT_DST_SERVICE,
    C_TRAFFIC_PATH,
    C_SRCADDR,
    C_DSTADDR,
    C_PKT_SRCADDR,
    C_PKT_DSTADDR,
    C_SRCPORT,
    C_DSTPORT,
    C_PROTOCOL,
    C_TCP_FLAGS,
    C_PACKETS,
    C_BYTES,
    C_START,
    C_END,
    C_ACTION,
    C_LOG_STATUS,
    C_FLOW_DIRECTION,
};

/* Every field name AWS documents for VPC flow logs (versions 2-8) and Transit Gateway flow logs.
 * Names not listed are still accepted in a header, as skipped columns; being listed only
 * matters for recognising a header line. */
static const struct {
    const char *name;
    uint8_t col;
} field_names[] = {
    { "version", C_VERSION },
    { "account-id", C_ACCOUNT },
    { "interface-id", C_INTERFACE },
    { "srcaddr", C_SRCADDR },
    { "dstaddr", C_DSTADDR },
    { "srcport", C_SRCPORT },
    { "dstport", C_DSTPORT },
    { "protocol", C_PROTOCOL },
    { "packets", C_PACKETS },
    { "bytes", C_BYTES },
    { "start", C_START },
    { "end", C_END },
    { "action", C_ACTION },
    { "log-status", C_LOG_STATUS },
    { "vpc-id", C_VPC },
    { "subnet-id", C_SUBNET },
    { "instance-id", C_INSTANCE },
    { "tcp-flags", C_TCP_FLAGS },
    { "type", C_TYPE },
    { "pkt-srcaddr", C_PKT_SRCADDR },
    { "pkt-dstaddr", C_PKT_DSTADDR },
    { "region", C_REGION },
    { "az-id", C_AZ },
    { "sublocation-type", C_IGNORE },
    { "sublocation-id", C_IGNORE },
    { "pkt-src-aws-service", C_PKT_SRC_SERVICE },
    { "pkt-dst-aws-service", C_PKT_DST_SERVICE },
    { "flow-direction", C_FLOW_DIRECTION },
    { "traffic-path", C_TRAFFIC_PATH },
    { "ecs-cluster-arn", C_IGNORE },
    { "ecs-cluster-name", C_IGNORE },
    { "ecs-container-instance-arn", C_IGNORE },
    { "ecs-container-instance-id", C_IGNORE },
    { "ecs-container-id", C_IGNORE },
    { "ecs-second-container-id", C_IGNORE },
    { "ecs-service-name", C_IGNORE },
    { "ecs-task-definition-arn", C_IGNORE },
    { "ecs-task-arn", C_IGNORE },
    { "ecs-task-id", C_IGNORE },
    { "reject-reason", C_IGNORE },
    { "resource-type", C_IGNORE },
    { "tgw-id", C_IGNORE },
    { "tgw-attachment-id", C_IGNORE },
    { "tgw-src-vpc-account-id", C_IGNORE },
    { "tgw-dst-vpc-account-id", C_IGNORE },
    { "tgw-src-vpc-id", C_IGNORE },
    { "tgw-dst-vpc-id", C_IGNORE },
    { "tgw-src-subnet-id", C_IGNORE },
    { "tgw-dst-subnet-id", C_IGNORE },
    { "tgw-src-eni", C_IGNORE },
    { "tgw-dst-eni", C_IGNORE },
    { "tgw-src-az-id", C_IGNORE },
    { "tgw-dst-az-id", C_IGNORE },
    { "tgw-pair-attachment-id", C_IGNORE },
    { "packets-lost-no-route", C_IGNORE },
    { "packets-lost-blackhole", C_IGNORE },
    { "packets-lost-mtu-exceeded", C_IGNORE },
    { "packets-lost-ttl-expired", C_IGNORE },
};

/* Header-less orders, told apart by their field counts (which are all different): the default
 * format, the "every field up to version N" orders, and the Transit Gateway default format. */
#define F_V2                                                                                       \
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "      \
    "start end action log-status"
#define F_V3 F_V2 " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr"
#define F_V4 F_V3 " region az-id sublocation-type sublocation-id"
#define F_V5 F_V4 " pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"
#define F_V7                                                                                       \
    F_V5 " ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id " \
         "ecs-container-id ecs-second-container-id ecs-service-name ecs-task-definition-arn "      \
         "ecs-task-arn ecs-task-id"
#define F_V8 F_V7 " reject-reason"
#define F_TGW                                                                                      \
    "version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id "            \
    "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id "    \
    "tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr "  \
    "srcport dstport protocol packets bytes start end log-status type packets-lost-no-route "      \
    "packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region "  \
    "flow-direction pkt-src-aws-service pkt-dst-aws-service"

static const char *const default_formats[] = { F_V2, F_V3, F_V4, F_V5, F_V7, F_V8, F_TGW };

/* Why a line failed. */
struct fail {
    enum { F_FEW, F_MANY, F_VALUE, F_CONTROL } why;
    unsigned col;   /* the column that failed, or the fields seen (F_FEW) */
    const char *at; /* F_VALUE: start of the field; F_CONTROL: the byte */
};

typedef const char *(*fields_fn)(const uint8_t *cols, unsigned count, const char *p,
                                 const char *safe_end, struct vg_event *ev, struct fail *f);
struct reader;
typedef const char *(*lines_fn)(struct reader *r, const char *p, const char *end,
                                const char *safe_end, const char *origin, uint64_t origin_offset,
                                struct vg_diag_loc *loc);

struct layout {
    fields_fn fields; /* one line: generic, or unrolled for a common fixed order */
    lines_fn lines;   /* the same over many lines, while the layout holds */
    unsigned count;
    uint8_t col[MAX_COLS];
    struct vg_str name[MAX_COLS]; /* for messages; borrowed from the header or a static string */
};

/* Which numeric fields a line had, to set vg_flow.has. */
enum seen {
    S_SRCPORT = 1u << 0,
    S_DSTPORT = 1u << 1,
    S_PROTOCOL = 1u << 2,
    S_PACKETS = 1u << 3,
    S_BYTES = 1u << 4,
    S_TCP_FLAGS = 1u << 5,
    S_START = 1u << 6,
    S_END = 1u << 7,
};

struct reader {
    struct vg_parse_ctx *ctx;
    const char *buf;  /* the object: offsets are relative to it */
    bool started;     /* the first record-or-header line has been seen */
    bool have_layout; /* from a header, the caller's format or a guess */
    bool guessed;     /* chosen by field count: a line with another count may re-choose */
    bool stop;        /* give up on the rest of the object (reported) */
    unsigned gen;     /* counts layout changes, so a line loop knows its layout is gone */
    int rc;           /* VG_ENOMEM, or VG_OK */
    uint64_t foreign_at_start;
    const struct vg_json_value *envelope; /* the JSON record around the text being parsed */
    uint64_t events, bad;                 /* added to ctx->stats when the object is done */
    vg_event_fn on_event;                 /* copied from ctx, which is a pointer further away */
    void *event_ctx;
    struct layout layout;
    struct vg_event ev; /* reused: each line rewrites every column of its layout */
    /* from the S3 key (AWSLogs/<account>/vpcflowlogs/<region>/...), for records whose format
     * has no account-id or region field: findings then still name both */
    struct vg_str path_account, path_region;
};

/* ==== small scanners ==== */

/* Word-at-a-time code reads 8 bytes and finds bytes by their position in the word, which needs
 * little-endian order; elsewhere the byte loops do the same work. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VPC_SWAR 1
#endif

/* The per-field helpers must inline into the column loop: as calls they cost more than their
 * work (measured: 4.1 M lines/s as calls, 6.1 M inlined, v2, before the line scan below). */
#define HOT static inline __attribute__((always_inline))

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

HOT bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

#ifdef VPC_SWAR
HOT uint64_t load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

#endif

/* End of the field at p: the first byte <= ' ' (space, tab, CR, LF or another control byte).
 * Eight bytes at a time while they lie before safe_end; the line's '\n' stops the tail loop. */
HOT const char *str_end(const char *p, const char *safe_end)
{
#ifdef VPC_SWAR
    while (VG_LIKELY(safe_end - p >= 8)) {
        uint64_t x = load8(p);
        /* bytes below 0x21 that are not >= 0x80; exact for the lowest such byte, which is the
         * one wanted (no borrow reaches it from below) */
        uint64_t t = (x - 0x21 * ONES) & ~x & HIGHS;
        if (t)
            return p + (__builtin_ctzll(t) >> 3);
        p += 8;
    }
#else
    (void)safe_end;
#endif
    while ((unsigned char)*p > ' ')
        p++;
    return p;
}

#ifdef VPC_SWAR
/* The high bit of each byte of x that is not an ASCII digit.  Exact for every byte: the sums
 * work on 7-bit values, so no carry crosses into the next byte. */
HOT uint64_t nondigits(uint64_t x)
{
    uint64_t y = x & ~HIGHS;
    uint64_t ge0 = y + 0x50 * ONES; /* high bit: byte >= '0' */
    uint64_t gt9 = y + 0x46 * ONES; /* high bit: byte > '9' */
    return (~ge0 | gt9 | x) & HIGHS;
}

/* The value of the first len (1-8) digit bytes of x, most significant first: align them to the
 * top of the word (the bytes below become leading zeros), then add neighbours pairwise, 2 -> 4
 * -> 8 digits: three multiplies instead of eight dependent steps. */
HOT uint64_t digits_value(uint64_t x, unsigned len)
{
    x = (x & 0x0F * ONES) << (8 * (8 - len));
    x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFull;
    x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFull;
    return (x * 10000 + (x >> 32)) & 0xFFFFFFFFull;
}

/* The same for the first len (1-4) digit bytes of x, in two steps on 32 bits. */
HOT uint32_t digits_value4(uint64_t x, unsigned len)
{
    uint32_t w = ((uint32_t)x & 0x0F0F0F0Fu) << (8 * (4 - len));
    w = (w * 10 + (w >> 8)) & 0x00FF00FFu;
    return (w * 100 + (w >> 16)) & 0xFFFFu;
}

/* One bit per byte flag (flags has only high bits set): byte i -> bit i. */
HOT unsigned movemask8(uint64_t flags)
{
    return (unsigned)(((flags >> 7) * 0x0102040810204080ull) >> 56);
}
#endif

/* A numeric field [s, e) (not empty): at most max_digits digits (19 cannot overflow) and at
 * most max, or '-' (*present false, *out 0).  False when it is neither.  Up to 16 digits are
 * converted without a branch per digit when 16 bytes can be read. */
HOT bool num_field(const char *s, const char *e, const char *safe_end, unsigned max_digits,
                   uint64_t max, uint64_t *out, bool *present)
{
    size_t n = (size_t)(e - s);
    uint64_t v = 0;
#ifdef VPC_SWAR
    static const uint64_t pow10[9] = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
    };
    /* max_digits is a constant in each inlined copy, so only one of these branches remains for
     * the short fields (version, protocol, tcp-flags); times always take the n == 10 one */
    if (max_digits <= 4 && safe_end - s >= 8) {
        uint64_t x = load8(s);
        if (VG_UNLIKELY(n > max_digits || (nondigits(x) & (~0ull >> (64 - 8 * n)))))
            goto other;
        v = digits_value4(x, (unsigned)n);
    } else if (VG_LIKELY(n <= 8 && safe_end - s >= 8)) {
        uint64_t x = load8(s);
        if (VG_UNLIKELY(nondigits(x) & (~0ull >> (64 - 8 * n))))
            goto other;
        v = digits_value(x, (unsigned)n);
    } else if (n <= 16 && safe_end - s >= 16) {
        uint64_t x = load8(s), y = load8(s + 8);
        if (nondigits(x) | (nondigits(y) & (~0ull >> (128 - 8 * n))))
            goto other;
        if (n == 10) /* Unix seconds until 2286 */
            v = digits_value(x, 8) * 100 + (y & 0x0F) * 10 + ((y >> 8) & 0x0F);
        else
            v = digits_value(x, 8) * pow10[n - 8] + digits_value(y, (unsigned)n - 8);
    } else
#else
    (void)safe_end;
#endif
    {
        if (n > 19)
            goto other;
        for (size_t i = 0; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9)
                goto other;
            v = v * 10 + d;
        }
    }
    if (VG_UNLIKELY(n > max_digits || v > max))
        goto other;
    *out = v;
    *present = true;
    return true;
other:
    *out = 0;
    *present = false;
    return n == 1 && *s == '-';
}

HOT struct vg_str slice_or_dash(const char *s, const char *e)
{
    if (e - s == 1 && *s == '-')
        return VG_STR_NULL;
    return (struct vg_str){ s, (size_t)(e - s) };
}

#ifdef VPC_SWAR
/* a holds the address bytes in memory order; one 4-byte store, so a later read of the address
 * is forwarded from it (four byte stores then a word load would stall) */
HOT void set_v4(struct vg_ip *out, uint32_t a)
{
    memset(out, 0, sizeof(*out));
    out->family = 4;
    memcpy(out->addr, &a, 4);
}

/* A 1-3 digit octet at q (len checked by the caller); 256 or more when it is not a canonical
 * octet (leading zero, or over 255). */
HOT unsigned octet(const char *q, unsigned len)
{
    uint32_t w;
    memcpy(&w, q, 4);
    w = ((w & 0x0F0F0Fu) << (8 * (3 - len))) & 0xFFFFFFu;
    unsigned v = (w & 0xFF) * 100 + ((w >> 8) & 0xFF) * 10 + (w >> 16);
    return v + (((len > 1) & (q[0] == '0')) << 8); /* no branch: octet lengths are random */
}

/* The dotted quad [s, e) (24 bytes readable at s) without a branch per digit: the positions of
 * the first four non-digit bytes give the octet lengths.  False (nothing written) for anything
 * but a canonical address filling the field. */
HOT bool ipv4_swar(const char *s, const char *e, uint32_t *out)
{
    unsigned m = movemask8(nondigits(load8(s))) | movemask8(nondigits(load8(s + 8))) << 8;
    m |= 15u << 16; /* one stop bit per ctz below, so none sees zero */
    unsigned e1 = (unsigned)__builtin_ctz(m);
    m &= m - 1;
    unsigned e2 = (unsigned)__builtin_ctz(m);
    m &= m - 1;
    unsigned e3 = (unsigned)__builtin_ctz(m);
    m &= m - 1;
    unsigned e4 = (unsigned)__builtin_ctz(m);
    if (s + e4 != e)
        return false;
    unsigned l1 = e1, l2 = e2 - e1 - 1, l3 = e3 - e2 - 1, l4 = e4 - e3 - 1;
    bool bad = (s[e1] != '.') | (s[e2] != '.') | (s[e3] != '.') | (l1 - 1 > 2) | (l2 - 1 > 2) |
               (l3 - 1 > 2) | (l4 - 1 > 2);
    if (bad)
        return false;
    unsigned o1 = octet(s, l1), o2 = octet(s + e1 + 1, l2), o3 = octet(s + e2 + 1, l3),
             o4 = octet(s + e3 + 1, l4);
    if ((o1 | o2 | o3 | o4) > 255)
        return false;
    *out = o1 | o2 << 8 | o3 << 16 | o4 << 24; /* memory order, little-endian */
    return true;
}
#endif

/*
 * x86-64.  SSE2 is part of x86-64, so the line scan below always has it.  The column loops are
 * compiled twice: once for any x86-64, and once for x86-64-v2 (SSSE3, SSE4.2, POPCNT: every
 * x86 server CPU since 2009), chosen at run time; the second converts IPv4 addresses with a
 * byte shuffle instead of four octet conversions (the IPv4 fields were a third of the parse
 * time).  Helpers take a constant `simd` argument that selects their code in each copy.
 */
#if defined(__x86_64__) && defined(__SSE2__) && defined(VPC_SWAR)
#define VPC_X86 1
#define X86V2 __attribute__((target("ssse3,sse4.1,sse4.2,popcnt")))
/* flatten: ipv4_ssse3 cannot be always_inline (the portable copies must not inline it, even in
 * their dead branches), so the x86-64-v2 copies inline everything they call instead */
#define X86V2_LOOP __attribute__((target("ssse3,sse4.1,sse4.2,popcnt"), flatten))

typedef unsigned char v16u __attribute__((vector_size(16)));
typedef char v16c __attribute__((vector_size(16)));
typedef short v8s __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

HOT unsigned mask16(v16c flags)
{
    return (unsigned)__builtin_ia32_pmovmskb128(flags);
}

/* pshufb patterns for the 81 combinations of octet lengths: lane k of the result is octet k,
 * right-aligned in 4 bytes (0x80 selects a zero), ready for one multiply-add by (0,100,10,1). */
#define LANE(o, l) 0x80, ((l) == 3 ? (o) : 0x80), ((l) >= 2 ? (o) + (l)-2 : 0x80), (o) + (l)-1
#define ROW(a, b, c, d)                                                                            \
    {                                                                                              \
        LANE(0, a), LANE((a) + 1, b), LANE((a) + (b) + 2, c), LANE((a) + (b) + (c) + 3, d)         \
    }
#define ROWS4(a, b, c) ROW(a, b, c, 1), ROW(a, b, c, 2), ROW(a, b, c, 3)
#define ROWS3(a, b) ROWS4(a, b, 1), ROWS4(a, b, 2), ROWS4(a, b, 3)
#define ROWS2(a) ROWS3(a, 1), ROWS3(a, 2), ROWS3(a, 3)
static const v16u octet_shuffle[81] = { ROWS2(1), ROWS2(2), ROWS2(3) };
#undef LANE
#undef ROW
#undef ROWS4
#undef ROWS3
#undef ROWS2

/* The dotted quad of n (7-15) bytes at s (16 readable) into out: the dots give the octet
 * lengths, the lengths pick a shuffle, and two multiply-adds make the four octets at once.
 * False (nothing written) for anything but a canonical address. */
static inline X86V2 bool ipv4_ssse3(const char *s, unsigned n, uint32_t *out)
{
    static const v16c weights = { 0, 100, 10, 1, 0, 100, 10, 1, 0, 100, 10, 1, 0, 100, 10, 1 };
    static const v8s ones = { 1, 1, 1, 1, 1, 1, 1, 1 };
    v16u v;
    memcpy(&v, s, 16);
    v16u d = v - '0';
    unsigned within = (1u << n) - 1;
    unsigned dots = mask16((v16c)(v == '.')) & within;
    unsigned digits = mask16((v16c)(d <= 9)) & within;
    unsigned m = dots | 7u << 16; /* one stop bit per ctz below, so none sees zero */
    unsigned e1 = (unsigned)__builtin_ctz(m);
    m &= m - 1;
    unsigned e2 = (unsigned)__builtin_ctz(m);
    m &= m - 1;
    unsigned e3 = (unsigned)__builtin_ctz(m);
    m &= m - 1;
    unsigned l1 = e1, l2 = e2 - e1 - 1, l3 = e3 - e2 - 1, l4 = n - e3 - 1;
    bool bad = ((dots | digits) != within) | (m != 7u << 16) | (l1 - 1 > 2) | (l2 - 1 > 2) |
               (l3 - 1 > 2) | (l4 - 1 > 2);
    if (bad)
        return false;
    /* a leading zero: a '0' that starts an octet and has a digit after it */
    unsigned zeros = mask16((v16c)(v == '0'));
    bad = (zeros & (1u | dots << 1) & digits >> 1) != 0;
    v16c pattern = (v16c)octet_shuffle[(l1 - 1) * 27 + (l2 - 1) * 9 + (l3 - 1) * 3 + (l4 - 1)];
    v16c lanes = __builtin_ia32_pshufb128((v16c)d, pattern);
    v4i octets = __builtin_ia32_pmaddwd128(__builtin_ia32_pmaddubsw128(lanes, weights), ones);
    if (bad | (mask16((v16c)(octets > 255)) != 0))
        return false;
    /* octets to bytes, in memory order */
    v16c bytes = __builtin_ia32_packuswb128(__builtin_ia32_packssdw128(octets, octets),
                                            __builtin_ia32_packssdw128(octets, octets));
    *out = (uint32_t)((v4i)bytes)[0];
    return true;
}
#endif

/* Hex digit values plus one; 0 for anything else. */
static const uint8_t hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* IPv6 in its usual forms (eight groups, or fewer around one "::"), several times faster than
 * inet_pton, which vg_ip_parse calls after copying the text (IPv6 lines took a tenth of the
 * parse time at 3% of the lines).  False for anything else, valid or not (an embedded IPv4
 * tail, a zone): vg_ip_parse then decides, so this never accepts what inet_pton refuses
 * (src/parse/vpcflow_test.c compares the two). */
static bool ipv6_fast(const char *s, size_t n, uint8_t out[16])
{
    uint16_t g[8];
    unsigned ng = 0, gap = 9; /* groups, and where "::" stands (9: nowhere) */
    size_t i = 0;
    if (n < 2 || n > 39)
        return false;
    if (s[0] == ':') {
        if (s[1] != ':')
            return false;
        gap = 0;
        i = 2;
    }
    while (i < n) {
        unsigned v = 0, k = 0, h;
        while (i < n && k < 5 && (h = hex1[(unsigned char)s[i]]) != 0) {
            v = v << 4 | (h - 1);
            i++;
            k++;
        }
        if (k == 0 || k > 4 || ng == 8)
            return false;
        g[ng++] = (uint16_t)v;
        if (i == n)
            break;
        if (s[i] != ':' || ++i == n)
            return false; /* '.', '%', a trailing single ':' */
        if (s[i] == ':') {
            if (gap != 9)
                return false;
            gap = ng;
            i++;
        }
    }
    if (gap == 9 ? ng != 8 : ng > 7)
        return false;
    unsigned head = gap == 9 ? ng : gap;
    memset(out, 0, 16);
    for (unsigned k = 0; k < ng; k++) {
        unsigned at = k < head ? k : 8 - ng + k;
        out[2 * at] = (uint8_t)(g[k] >> 8);
        out[2 * at + 1] = (uint8_t)g[k];
    }
    return true;
}

/* An address field [s, e): IPv4 converted here; IPv6, '-' and anything odd go to vg_ip_parse
 * (so both paths keep its rules: no leading zeros, no zone, no brackets). */
HOT bool ip_field(const char *s, const char *e, const char *safe_end, struct vg_ip *out, bool simd)
{
#ifdef VPC_SWAR
    uint32_t a;
    bool fits = safe_end - s >= 24 && e - s >= 7 && e - s <= 15;
#ifdef VPC_X86
    if (simd) {
        if (VG_LIKELY(fits) && ipv4_ssse3(s, (unsigned)(e - s), &a)) {
            set_v4(out, a);
            return true;
        }
    } else
#endif
        if (VG_LIKELY(fits) && ipv4_swar(s, e, &a)) {
        set_v4(out, a);
        return true;
    }
#else
    (void)safe_end;
#endif
    (void)simd;
    if (e - s == 1 && *s == '-') {
        memset(out, 0, sizeof(*out));
        return true;
    }
    if (ipv6_fast(s, (size_t)(e - s), out->addr)) {
        out->family = 6;
        return true;
    }
    return vg_ip_parse((struct vg_str){ s, (size_t)(e - s) }, out);
}

/* ==== one field ==== */

/* Convert the field [s, e) (not empty, no byte <= ' ' in it) into ev as column `col`; the
 * numeric fields seen are added to *seen.  False if the value is not one the column takes. */
HOT bool convert(uint8_t col, const char *s, const char *e, const char *safe_end,
                 struct vg_event *ev, unsigned *seen, bool simd)
{
    struct vg_flow *fl = &ev->flow;
    size_t n = (size_t)(e - s);
    uint64_t v;
    bool present, ok;

    switch (col) {
    case C_IGNORE: return true;
    case C_VERSION:
        /* kept as text, but checked: a version that is no number means the columns are off */
        fl->version = slice_or_dash(s, e);
        return num_field(s, e, safe_end, 3, 999, &v, &present);
#define STR_CASE(c, slot)                                                                          \
    case c: slot = slice_or_dash(s, e); return true;
        STR_CASE(C_ACCOUNT, ev->account_id)
        STR_CASE(C_INTERFACE, fl->interface_id)
        STR_CASE(C_INSTANCE, fl->instance_id)
        STR_CASE(C_VPC, fl->vpc_id)
        STR_CASE(C_SUBNET, fl->subnet_id)
        STR_CASE(C_TYPE, fl->type)
        STR_CASE(C_REGION, ev->region)
        STR_CASE(C_AZ, fl->az_id)
        STR_CASE(C_PKT_SRC_SERVICE, fl->pkt_src_service)
        STR_CASE(C_PKT_DST_SERVICE, fl->pkt_dst_service)
        STR_CASE(C_TRAFFIC_PATH, fl->traffic_path)
#undef STR_CASE
    case C_SRCADDR: return ip_field(s, e, safe_end, &fl->src, simd);
    case C_DSTADDR: return ip_field(s, e, safe_end, &fl->dst, simd);
    case C_PKT_SRCADDR: return ip_field(s, e, safe_end, &fl->pkt_src, simd);
    case C_PKT_DSTADDR: return ip_field(s, e, safe_end, &fl->pkt_dst, simd);
#define NUM_CASE(c, digits, max, slot, type, bit)                                                  \
    case c:                                                                                        \
        ok = num_field(s, e, safe_end, digits, max, &v, &present);                                 \
        slot = (type)v;                                                                            \
        *seen |= present ? bit : 0;                                                                \
        return ok;
        NUM_CASE(C_SRCPORT, 5, 65535, fl->src_port, uint16_t, S_SRCPORT)
        NUM_CASE(C_DSTPORT, 5, 65535, fl->dst_port, uint16_t, S_DSTPORT)
        NUM_CASE(C_PROTOCOL, 3, 255, fl->protocol, uint8_t, S_PROTOCOL)
        NUM_CASE(C_TCP_FLAGS, 3, 255, fl->tcp_flags, uint8_t, S_TCP_FLAGS)
        NUM_CASE(C_PACKETS, 19, UINT64_MAX, fl->packets, uint64_t, S_PACKETS)
        NUM_CASE(C_BYTES, 19, UINT64_MAX, fl->bytes, uint64_t, S_BYTES)
        /* Unix seconds: 12 digits reach the year 33658, and * 1000 stays far inside int64 */
        NUM_CASE(C_START, 12, UINT64_MAX, fl->start_ms, int64_t, S_START)
        NUM_CASE(C_END, 12, UINT64_MAX, fl->end_ms, int64_t, S_END)
#undef NUM_CASE
    case C_ACTION:
        if (n == 6 && memcmp(s, "ACCEPT", 6) == 0)
            fl->action = VG_FLOW_ACCEPT;
        else if (n == 6 && memcmp(s, "REJECT", 6) == 0)
            fl->action = VG_FLOW_REJECT;
        else if (n == 1 && *s == '-')
            fl->action = VG_FLOW_ACTION_UNKNOWN;
        else
            return false;
        return true;
    case C_LOG_STATUS:
        if (n == 2 && s[0] == 'O' && s[1] == 'K')
            fl->status = VG_FLOW_OK;
        else if (n == 6 && memcmp(s, "NODATA", 6) == 0)
            fl->status = VG_FLOW_NODATA;
        else if (n == 8 && memcmp(s, "SKIPDATA", 8) == 0)
            fl->status = VG_FLOW_SKIPDATA;
        else if (n == 1 && *s == '-')
            fl->status = VG_FLOW_OK;
        else
            return false;
        return true;
    case C_FLOW_DIRECTION:
        if (n == 7 && memcmp(s, "ingress", 7) == 0)
            fl->direction = VG_FLOW_INGRESS;
        else if (n == 6 && memcmp(s, "egress", 6) == 0)
            fl->direction = VG_FLOW_EGRESS;
        else if (n == 1 && *s == '-')
            fl->direction = VG_FLOW_DIR_UNKNOWN;
        else
            return false;
        return true;
    default: return true;
    }
}

/* vg_flow.has for each set of numeric fields seen: a table, not five branches per line. */
#define HAS_OF(x)                                                                                  \
    ((((x) & (S_SRCPORT | S_DSTPORT)) == (S_SRCPORT | S_DSTPORT) ? VG_FLOW_HAS_PORTS : 0) |        \
     ((x)&S_PROTOCOL ? VG_FLOW_HAS_PROTOCOL : 0) |                                                 \
     (((x) & (S_PACKETS | S_BYTES)) == (S_PACKETS | S_BYTES) ? VG_FLOW_HAS_COUNTS : 0) |           \
     ((x)&S_TCP_FLAGS ? VG_FLOW_HAS_TCP_FLAGS : 0) |                                               \
     (((x) & (S_START | S_END)) == (S_START | S_END) ? VG_FLOW_HAS_TIMES : 0))
#define HAS4(x) HAS_OF(x), HAS_OF((x) + 1), HAS_OF((x) + 2), HAS_OF((x) + 3)
#define HAS16(x) HAS4(x), HAS4((x) + 4), HAS4((x) + 8), HAS4((x) + 12)
#define HAS64(x) HAS16(x), HAS16((x) + 16), HAS16((x) + 32), HAS16((x) + 48)
static const uint8_t has_of_seen[256] = { HAS64(0), HAS64(64), HAS64(128), HAS64(192) };
#undef HAS64
#undef HAS16
#undef HAS4
#undef HAS_OF

/* vg_flow.has from the fields seen; times to ms; the event time is start, else end. */
HOT void finish(struct vg_event *ev, unsigned seen)
{
    struct vg_flow *fl = &ev->flow;
    fl->has = has_of_seen[seen & 0xFF];
    fl->start_ms *= 1000; /* the columns store seconds */
    fl->end_ms *= 1000;
    ev->time_ms = (seen & S_START) ? fl->start_ms : (seen & S_END) ? fl->end_ms : 0;
}

static const char *describe(uint8_t col)
{
    switch (col) {
    case C_VERSION: return "is not a version number";
    case C_SRCADDR:
    case C_DSTADDR:
    case C_PKT_SRCADDR:
    case C_PKT_DSTADDR: return "is not an IP address";
    case C_SRCPORT:
    case C_DSTPORT: return "is not a port number";
    case C_PROTOCOL: return "is not a protocol number (0-255)";
    case C_TCP_FLAGS: return "is not a TCP flags value (0-255)";
    case C_PACKETS:
    case C_BYTES: return "is not a count";
    case C_START:
    case C_END: return "is not a time in Unix seconds";
    case C_ACTION: return "is not ACCEPT, REJECT or '-'";
    case C_LOG_STATUS: return "is not OK, NODATA, SKIPDATA or '-'";
    case C_FLOW_DIRECTION: return "is not ingress, egress or '-'";
    default: return "is not a single word";
    }
}

/* ==== one line ==== */

/*
 * The fast path finds every field boundary of a line first and converts the fields after.
 * Converting while scanning chains each field's start to the previous field's end, about 20
 * cycles of dependent work per field; with the boundaries known up front the conversions are
 * independent and the CPU overlaps them.  The scan takes 64 bytes at a time into bitmaps
 * (spaces, and bytes <= ' '), SSE2 on x86-64; elsewhere every line takes the careful path.  It
 * only accepts the shape every AWS line has: fields separated by single spaces, the layout's
 * number of them, no tab, CR or control byte, at most 512 bytes, 64 bytes readable past the
 * line start.  Anything else, and any line whose values do not convert, takes the careful path
 * (fields_slow), which also words the report; so both paths accept exactly the same lines into
 * the same events (the unit tests and the fuzz target compare them).
 */
#ifdef VPC_X86
#define FAST_WORDS 8 /* bitmap words: lines up to 512 bytes (v8 lines with ECS ARNs fit) */

/* Bitmaps of the 64 bytes at p: spaces, and all bytes <= ' ' (delimiters and control bytes). */
HOT void scan16(const char *p, unsigned shift, uint64_t *sp, uint64_t *dl)
{
    v16u v;
    memcpy(&v, p, 16);
    *sp |= (uint64_t)mask16((v16c)(v == ' ')) << shift;
    *dl |= (uint64_t)mask16((v16c)(v <= ' ')) << shift;
}

/* Written out, not a loop: gcc kept the loop and shifted by a variable count (measured: 1% of
 * the v2 parse time, 4% of v5's). */
HOT void scan64(const char *p, uint64_t *sp, uint64_t *dl)
{
    *sp = *dl = 0;
    scan16(p, 0, sp, dl);
    scan16(p + 16, 16, sp, dl);
    scan16(p + 32, 32, sp, dl);
    scan16(p + 48, 48, sp, dl);
}

/* Bits set in x; without POPCNT (baseline x86-64 lacks it) by adding bit counts in parallel,
 * since the compiler would call libgcc. */
HOT unsigned popcount64(uint64_t x, bool simd)
{
    if (simd)
        return (unsigned)__builtin_popcountll(x); /* one instruction in the x86-64-v2 copy */
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * ONES) >> 56);
}

/* The end offsets (a space or the '\n') of the `count` fields of the simple line at p, into
 * ends[count].  False when the line is not of the simple shape described above. */
HOT bool line_ends(const char *p, const char *safe_end, unsigned count, uint16_t *ends, bool simd)
{
    unsigned k = 0;
    uint64_t carry = 0; /* the previous block ended in a space */
    for (unsigned base = 0;; base += 64) {
        if (VG_UNLIKELY(base == 64 * FAST_WORDS || safe_end - p < (ptrdiff_t)base + 64))
            return false;
        uint64_t sp, dl;
        scan64(p + base, &sp, &dl);
        uint64_t other = dl & ~sp; /* the first should be the '\n' */
        if (other)
            sp &= (other & -other) - 1;
        unsigned n = popcount64(sp, simd);
        /* no run of spaces, no more fields than the layout */
        if (VG_UNLIKELY((sp & (sp << 1 | carry)) || k + n >= count))
            return false;
        carry = sp >> 63;
        /* one at a time: measured faster than four or eight per step into slack (fewer
         * extractions; the exit branch predicts well) */
        for (uint16_t *o = ends + k; sp; sp &= sp - 1)
            *o++ = (uint16_t)(base + (unsigned)__builtin_ctzll(sp));
        k += n;
        if (other) {
            unsigned at = base + (unsigned)__builtin_ctzll(other);
            if (VG_UNLIKELY(p[at] != '\n' || p[at - 1] == ' ' || k + 1 != count))
                return false;
            ends[k] = (uint16_t)at;
            return true;
        }
    }
}
#endif

/* The careful path: walks the line field by field, accepting runs of spaces, tabs and CR
 * between fields and a trailing " #comment", and says what is wrong with a bad line.  Returns
 * the line's '\n', or NULL with *f filled. */
static __attribute__((noinline)) const char *fields_slow(const uint8_t *cols, unsigned count,
                                                         const char *p, const char *safe_end,
                                                         struct vg_event *ev, struct fail *f)
{
    unsigned seen = 0;
    for (unsigned i = 0; i < count; i++) {
        if (*p == '\n') {
            f->why = F_FEW;
            f->col = i;
            return NULL;
        }
        const char *e = str_end(p, safe_end);
        if (e == p) { /* p is a control byte (separators were skipped) */
            f->why = F_CONTROL;
            f->col = i;
            f->at = p;
            return NULL;
        }
        if (!convert(cols[i], p, e, safe_end, ev, &seen, false)) {
            f->why = F_VALUE;
            f->col = i;
            f->at = p;
            return NULL;
        }
        p = e;
        while (is_sep(*p))
            p++;
        if ((unsigned char)*p < ' ' && *p != '\n') {
            f->why = F_CONTROL;
            f->col = i;
            f->at = p;
            return NULL;
        }
    }
    if (*p != '\n') {
        if (*p != '#') {
            f->why = F_MANY;
            return NULL;
        }
        p = rawmemchr(p, '\n'); /* a trailing comment, as in AWS's examples */
    }
    finish(ev, seen);
    return p;
}

/* The fast path over the columns, then the careful path if it declines.  UNROLL is empty for a
 * layout read at run time; for the fixed layouts below it unrolls the loop completely, which
 * turns each column's switch into straight-line code (no indirect jump per field). */
#ifdef VPC_X86
#define FIELDS_BODY(UNROLL, SIMD)                                                                  \
    uint16_t ends[MAX_COLS];                                                                       \
    if (VG_LIKELY(line_ends(p, safe_end, count, ends, SIMD))) {                                    \
        unsigned seen = 0;                                                                         \
        bool ok = true;                                                                            \
        const char *s = p;                                                                         \
        UNROLL for (unsigned i = 0; i < count; i++)                                                \
        {                                                                                          \
            const char *e = p + ends[i];                                                           \
            ok &= convert(cols[i], s, e, safe_end, ev, &seen, SIMD);                               \
            s = e + 1;                                                                             \
        }                                                                                          \
        if (VG_LIKELY(ok)) {                                                                       \
            finish(ev, seen);                                                                      \
            return p + ends[count - 1];                                                            \
        }                                                                                          \
    }                                                                                              \
    return fields_slow(cols, count, p, safe_end, ev, f);
#else
#define FIELDS_BODY(UNROLL, SIMD) return fields_slow(cols, count, p, safe_end, ev, f);
#endif

/* The default format, and the "every field up to version 5" order that S3 custom formats often
 * use, as constants for the unrolled loop. */
static const uint8_t cols_v2[] = { C_VERSION, C_ACCOUNT, C_INTERFACE, C_SRCADDR,   C_DSTADDR,
                                   C_SRCPORT, C_DSTPORT, C_PROTOCOL,  C_PACKETS,   C_BYTES,
                                   C_START,   C_END,     C_ACTION,    C_LOG_STATUS };
static const uint8_t cols_v5[] = { C_VERSION,
                                   C_ACCOUNT,
                                   C_INTERFACE,
                                   C_SRCADDR,
                                   C_DSTADDR,
                                   C_SRCPORT,
                                   C_DSTPORT,
                                   C_PROTOCOL,
                                   C_PACKETS,
                                   C_BYTES,
                                   C_START,
                                   C_END,
                                   C_ACTION,
                                   C_LOG_STATUS,
                                   C_VPC,
                                   C_SUBNET,
                                   C_INSTANCE,
                                   C_TCP_FLAGS,
                                   C_TYPE,
                                   C_PKT_SRCADDR,
                                   C_PKT_DSTADDR,
                                   C_REGION,
                                   C_AZ,
                                   C_IGNORE,
                                   C_IGNORE,
                                   C_PKT_SRC_SERVICE,
                                   C_PKT_DST_SERVICE,
                                   C_FLOW_DIRECTION,
                                   C_TRAFFIC_PATH };

/* One column loop: for a run-time layout (COLS cols_in, COUNT count_in), or for a constant
 * order, unrolled. */
#define UNROLLED _Pragma("GCC unroll 64")
#define FIELDS_FN(ATTR, NAME, COLS, COUNT, UNROLL, SIMD)                                           \
    static inline ATTR const char *NAME(const uint8_t *cols_in, unsigned count_in, const char *p,  \
                                        const char *safe_end, struct vg_event *ev, struct fail *f) \
    {                                                                                              \
        (void)cols_in;                                                                             \
        (void)count_in;                                                                            \
        const uint8_t *cols = COLS;                                                                \
        const unsigned count = COUNT;                                                              \
        FIELDS_BODY(UNROLL, SIMD)                                                                  \
    }

FIELDS_FN(, fields_any, cols_in, count_in, , false)
FIELDS_FN(, fields_v2, cols_v2, sizeof(cols_v2), UNROLLED, false)
FIELDS_FN(, fields_v5, cols_v5, sizeof(cols_v5), UNROLLED, false)
#ifdef VPC_X86
FIELDS_FN(X86V2_LOOP, fields_any_x86v2, cols_in, count_in, , true)
FIELDS_FN(X86V2_LOOP, fields_v2_x86v2, cols_v2, sizeof(cols_v2), UNROLLED, true)
FIELDS_FN(X86V2_LOOP, fields_v5_x86v2, cols_v5, sizeof(cols_v5), UNROLLED, true)
#endif

/* Whether this CPU runs the x86-64-v2 copies; vg_vpcflow_use_simd(false) turns them off. */
static _Atomic int simd_state; /* 0 not yet known, 1 off, 2 on */

void vg_vpcflow_use_simd(bool on)
{
    atomic_store_explicit(&simd_state, on ? 0 : 1, memory_order_relaxed);
}

static bool use_simd(void)
{
    int st = atomic_load_explicit(&simd_state, memory_order_relaxed);
#ifdef VPC_X86
    if (st == 0) {
        __builtin_cpu_init();
        st = __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.2") &&
                     __builtin_cpu_supports("popcnt")
                 ? 2
                 : 1;
        atomic_store_explicit(&simd_state, st, memory_order_relaxed);
    }
#endif
    return st == 2;
}

/* The line loops of the text path, defined with the records below. */
static const char *lines_any(struct reader *r, const char *p, const char *end, const char *safe_end,
                             const char *origin, uint64_t origin_offset, struct vg_diag_loc *loc);
static const char *lines_v2(struct reader *r, const char *p, const char *end, const char *safe_end,
                            const char *origin, uint64_t origin_offset, struct vg_diag_loc *loc);
static const char *lines_v5(struct reader *r, const char *p, const char *end, const char *safe_end,
                            const char *origin, uint64_t origin_offset, struct vg_diag_loc *loc);
#ifdef VPC_X86
static const char *lines_any_x86v2(struct reader *r, const char *p, const char *end,
                                   const char *safe_end, const char *origin, uint64_t origin_offset,
                                   struct vg_diag_loc *loc);
static const char *lines_v2_x86v2(struct reader *r, const char *p, const char *end,
                                  const char *safe_end, const char *origin, uint64_t origin_offset,
                                  struct vg_diag_loc *loc);
static const char *lines_v5_x86v2(struct reader *r, const char *p, const char *end,
                                  const char *safe_end, const char *origin, uint64_t origin_offset,
                                  struct vg_diag_loc *loc);
#endif

/* The column loops for a layout: unrolled for the two common orders, on this CPU's best copy. */
static void pick_loops(struct layout *L)
{
    bool v2 = L->count == sizeof(cols_v2) && memcmp(L->col, cols_v2, sizeof(cols_v2)) == 0;
    bool v5 = L->count == sizeof(cols_v5) && memcmp(L->col, cols_v5, sizeof(cols_v5)) == 0;
    bool simd = use_simd();
#ifdef VPC_X86
    if (simd) {
        L->fields = v2 ? fields_v2_x86v2 : v5 ? fields_v5_x86v2 : fields_any_x86v2;
        L->lines = v2 ? lines_v2_x86v2 : v5 ? lines_v5_x86v2 : lines_any_x86v2;
        return;
    }
#endif
    (void)simd;
    L->fields = v2 ? fields_v2 : v5 ? fields_v5 : fields_any;
    L->lines = v2 ? lines_v2 : v5 ? lines_v5 : lines_any;
}

static const char *parse_fields(const struct layout *L, const char *p, const char *safe_end,
                                struct vg_event *ev, struct fail *f)
{
    return L->fields(L->col, L->count, p, safe_end, ev, f);
}

/* Fields on the line at p, up to its '\n'. */
static unsigned count_fields(const char *p)
{
    unsigned n = 0;
    for (;;) {
        while (is_sep(*p))
            p++;
        if (*p == '\n')
            return n;
        n++;
        while (!is_sep(*p) && *p != '\n')
            p++;
    }
}

static const char *next_line(const char *p)
{
    return (const char *)rawmemchr(p, '\n') + 1;
}

/* ==== layouts ==== */

/* The column of a field name (JSON keys may write '_' for '-'), or -1 for a name we do not know. */
static int field_lookup(const char *p, size_t n, bool underscores)
{
    char tmp[NAME_MAX_LEN];
    if (n == 0 || n > sizeof(tmp))
        return -1;
    for (size_t i = 0; i < n; i++)
        tmp[i] = underscores && p[i] == '_' ? '-' : p[i];
    for (size_t k = 0; k < VG_ARRAY_LEN(field_names); k++)
        if (strlen(field_names[k].name) == n && memcmp(field_names[k].name, tmp, n) == 0)
            return field_names[k].col;
    return -1;
}

/* Read names separated by white space from [p, end) (stopping at '\n') into L (may be NULL).
 * Accepts "${name}" as the console writes it.  Returns the number of names (which may exceed
 * MAX_COLS; then only the first MAX_COLS are stored); *known counts listed names and
 * *name_shaped says whether every name is made of [a-z0-9-] only (a header, not data). */
static unsigned read_names(const char *p, const char *end, struct layout *L, unsigned *known,
                           bool *name_shaped)
{
    unsigned n = 0, k = 0;
    bool shaped = true;
    for (;;) {
        while (p < end && is_sep(*p))
            p++;
        if (p >= end || *p == '\n')
            break;
        const char *s = p;
        while (p < end && !is_sep(*p) && *p != '\n')
            p++;
        struct vg_str t = { s, (size_t)(p - s) };
        if (t.len > 3 && t.ptr[0] == '$' && t.ptr[1] == '{' && t.ptr[t.len - 1] == '}') {
            t.ptr += 2;
            t.len -= 3;
        }
        for (size_t i = 0; i < t.len; i++) {
            char c = t.ptr[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                shaped = false;
        }
        int col = field_lookup(t.ptr, t.len, false);
        if (col >= 0)
            k++;
        if (L && n < MAX_COLS) {
            L->col[n] = col < 0 ? C_IGNORE : (uint8_t)col;
            L->name[n] = t;
        }
        n++;
    }
    if (L)
        L->count = n < MAX_COLS ? n : MAX_COLS;
    *known = k;
    *name_shaped = shaped;
    return n;
}

/* A header line names fields: every word is name-shaped, and the names are ours (all of them,
 * or at least two and half; a header may carry names newer than this table). */
static bool header_shaped(unsigned n, unsigned known, bool shaped)
{
    return shaped && n > 0 && (known == n || (known >= 2 && 2 * known >= n));
}

/* The header-less default with `count` fields. */
static bool default_layout(unsigned count, struct layout *L)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(default_formats); i++) {
        const char *f = default_formats[i];
        unsigned n = 1;
        for (const char *c = f; *c; c++)
            n += *c == ' ';
        if (n != count)
            continue;
        unsigned known;
        bool shaped;
        read_names(f, f + strlen(f), L, &known, &shaped);
        return true;
    }
    return false;
}

static void event_reset(struct reader *r)
{
    memset(&r->ev, 0, sizeof(r->ev));
    r->ev.source = VG_SOURCE_VPCFLOW;
    r->ev.ref.source = r->ctx->source;
    r->ev.raw = r->envelope;
}

/* The path component after `marker` ("/AWSLogs/", "/vpcflowlogs/") when it is made of the
 * characters an account id or a region name has. */
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

static void set_layout(struct reader *r, const struct layout *L, bool guessed)
{
    if (L != &r->layout)
        r->layout = *L;
    pick_loops(&r->layout);
    r->gen++;
    r->have_layout = true;
    r->guessed = guessed;
    event_reset(r); /* the new layout may not write every field the old one did */
}

/* If the line at p is a header, take it as the layout and return true. */
static bool adopt_header(struct reader *r, const char *p, const struct vg_diag_loc *loc)
{
    /* data lines start with a digit, '-' or an id; headers with a lowercase name */
    if (*p < 'a' || *p > 'z')
        return false;
    struct layout L;
    unsigned known;
    bool shaped;
    unsigned n = read_names(p, rawmemchr(p, '\n'), &L, &known, &shaped);
    if (!header_shaped(n, known, shaped))
        return false;
    if (n > MAX_COLS) {
        vg_diag_report(r->ctx->diag, VG_DIAG_TOO_BIG, loc,
                       "header names %u fields, more than the limit of %u; rest of file skipped", n,
                       MAX_COLS);
        r->stop = true;
        return true;
    }
    set_layout(r, &L, false);
    return true;
}

/* ==== records ==== */

static inline void deliver(struct reader *r, struct vg_event *ev, const struct vg_diag_loc *loc)
{
    if (!ev->account_id.len)
        ev->account_id = r->path_account;
    if (!ev->region.len)
        ev->region = r->path_region;
    ev->ref.line = loc->line;
    ev->ref.offset = loc->offset;
    r->events++;
    r->on_event(r->event_ctx, ev);
}

static void bad_record(struct reader *r)
{
    r->bad++;
}

static void report_line(struct reader *r, const struct layout *L, const char *line,
                        const char *safe_end, const struct fail *f, const struct vg_diag_loc *loc)
{
    struct vg_diag *d = r->ctx->diag;
    unsigned n = count_fields(line);
    /* a line with the wrong number of fields fails on some value first; the count says more */
    if (f->why == F_VALUE && n != L->count) {
        vg_diag_report(d, VG_DIAG_FIELD, loc, "line has %u field%s, expected %u; skipped", n,
                       n == 1 ? "" : "s", L->count);
        return;
    }
    switch (f->why) {
    case F_FEW:
        vg_diag_report(d, VG_DIAG_FIELD, loc, "line has %u field%s, expected %u; skipped", f->col,
                       f->col == 1 ? "" : "s", L->count);
        break;
    case F_MANY:
        vg_diag_report(d, VG_DIAG_FIELD, loc, "line has %u fields, expected %u; skipped", n,
                       L->count);
        break;
    case F_CONTROL:
        vg_diag_report(d, VG_DIAG_FIELD, loc, "line holds control byte 0x%02x at byte %zu; skipped",
                       (unsigned char)*f->at, (size_t)(f->at - line) + 1);
        break;
    case F_VALUE: {
        const char *e = str_end(f->at, safe_end);
        int q = (int)(e - f->at > QUOTE_MAX ? QUOTE_MAX : e - f->at);
        vg_diag_report(d, VG_DIAG_FIELD, loc, "field '%.*s' %s ('%.*s%s'); skipped",
                       (int)L->name[f->col].len, L->name[f->col].ptr, describe(L->col[f->col]), q,
                       f->at, e - f->at > QUOTE_MAX ? "..." : "");
        break;
    }
    }
}

/* The slow path for a line that did not parse: a header in mid-file, a header-less file whose
 * lines change format, or a bad record. */
static void line_failed(struct reader *r, const char *p, const char *safe_end, const struct fail *f,
                        const struct vg_diag_loc *loc)
{
    if (adopt_header(r, p, loc))
        return;
    if (r->guessed) {
        unsigned n = count_fields(p);
        struct layout L;
        if (n != r->layout.count && default_layout(n, &L)) {
            set_layout(r, &L, true);
            struct fail f2;
            if (parse_fields(&r->layout, p, safe_end, &r->ev, &f2)) {
                deliver(r, &r->ev, loc);
                return;
            }
            bad_record(r);
            report_line(r, &r->layout, p, safe_end, &f2, loc);
            return;
        }
    }
    bad_record(r);
    report_line(r, &r->layout, p, safe_end, f, loc);
}

/* One line at p, which ends in '\n' before safe_end.  Returns the start of the next line. */
static __attribute__((noinline)) const char *
parse_line(struct reader *r, const char *p, const char *safe_end, const struct vg_diag_loc *loc)
{
    if (VG_UNLIKELY(is_sep(*p)))
        while (is_sep(*p))
            p++;
    if (VG_UNLIKELY(*p == '\n'))
        return p + 1; /* blank */
    if (VG_UNLIKELY(*p == '#'))
        return next_line(p); /* comment */
    if (VG_UNLIKELY(!r->started)) {
        r->started = true;
        if (adopt_header(r, p, loc))
            return next_line(p);
        if (!r->have_layout) {
            struct layout L;
            if (!default_layout(count_fields(p), &L))
                default_layout(14, &L);
            set_layout(r, &L, true);
        }
    }
    struct fail f;
    const char *end = parse_fields(&r->layout, p, safe_end, &r->ev, &f);
    if (VG_LIKELY(end != NULL)) {
        deliver(r, &r->ev, loc);
        return end + 1;
    }
    line_failed(r, p, safe_end, &f, loc);
    return next_line(p);
}

/*
 * The line loops: while the layout holds, each line goes straight to its column loop (inlined
 * here, so no call per line) and its event out; any line that loop does not take (blank,
 * comment, header, bad) goes through parse_line, and a layout change returns to parse_text,
 * which picks the new layout's loop.
 */
#define LINES_FN(ATTR, NAME, FIELDS, COLS, COUNT)                                                  \
    static ATTR const char *NAME(struct reader *r, const char *p, const char *end,                 \
                                 const char *safe_end, const char *origin, uint64_t origin_offset, \
                                 struct vg_diag_loc *loc)                                          \
    {                                                                                              \
        unsigned gen = r->gen;                                                                     \
        while (p < end) {                                                                          \
            loc->offset = origin_offset + (uint64_t)(p - origin);                                  \
            if (VG_LIKELY((unsigned char)*p > ' ' && *p != '#')) {                                 \
                struct fail f;                                                                     \
                const char *nl = FIELDS(COLS, COUNT, p, safe_end, &r->ev, &f);                     \
                if (VG_LIKELY(nl != NULL)) {                                                       \
                    deliver(r, &r->ev, loc);                                                       \
                    loc->line++;                                                                   \
                    p = nl + 1;                                                                    \
                    continue;                                                                      \
                }                                                                                  \
            }                                                                                      \
            p = parse_line(r, p, safe_end, loc);                                                   \
            loc->line++;                                                                           \
            if (r->gen != gen || r->stop)                                                          \
                break;                                                                             \
        }                                                                                          \
        return p;                                                                                  \
    }

#define LINES_FLAT __attribute__((flatten))
LINES_FN(LINES_FLAT, lines_any, fields_any, r->layout.col, r->layout.count)
LINES_FN(LINES_FLAT, lines_v2, fields_v2, cols_v2, sizeof(cols_v2))
LINES_FN(LINES_FLAT, lines_v5, fields_v5, cols_v5, sizeof(cols_v5))
#ifdef VPC_X86
LINES_FN(X86V2_LOOP, lines_any_x86v2, fields_any_x86v2, r->layout.col, r->layout.count)
LINES_FN(X86V2_LOOP, lines_v2_x86v2, fields_v2_x86v2, cols_v2, sizeof(cols_v2))
LINES_FN(X86V2_LOOP, lines_v5_x86v2, fields_v5_x86v2, cols_v5, sizeof(cols_v5))
#endif

/* Lines in [p, end), end[-1] == '\n'.  Locations: line numbers from first_line and offsets
 * from the object start (`origin` is at object offset origin_offset), or all at *fixed (the
 * lines of one JSON record). */
static uint64_t parse_text(struct reader *r, const char *p, const char *end, const char *safe_end,
                           const char *origin, uint64_t origin_offset, uint64_t first_line,
                           const struct vg_diag_loc *fixed)
{
    struct vg_diag_loc loc = { r->ctx->source, first_line, 0 };
    if (fixed)
        loc = *fixed;
    while (p < end && !r->stop) {
        if (!fixed && r->started && r->have_layout) {
            p = r->layout.lines(r, p, end, safe_end, origin, origin_offset, &loc);
            continue;
        }
        if (!fixed)
            loc.offset = origin_offset + (uint64_t)(p - origin);
        p = parse_line(r, p, safe_end, &loc);
        if (!fixed)
            loc.line++;
    }
    return loc.line;
}

/* Copy text into the arena with a '\n' (and padding for word loads) and parse its lines. */
static uint64_t parse_copy(struct reader *r, const char *text, size_t len, uint64_t offset,
                           uint64_t first_line, const struct vg_diag_loc *fixed)
{
    char *copy = vg_arena_alloc(r->ctx->arena, len + 1 + 8);
    if (!copy) {
        r->rc = VG_ENOMEM;
        r->stop = true;
        return first_line;
    }
    memcpy(copy, text, len);
    copy[len] = '\n';
    memset(copy + len + 1, 0, 8);
    return parse_text(r, copy, copy + len + 1, copy + len + 1 + 8, copy, offset, first_line, fixed);
}

/* ==== JSON ==== */

static void foreign(struct reader *r, const struct vg_diag_loc *loc, const char *what)
{
    if (r->ctx->stats->foreign++ == r->foreign_at_start)
        vg_diag_report(r->ctx->diag, VG_DIAG_NOT_LOG, loc,
                       "record is not a flow log record (%s); it and any like it in this file "
                       "are skipped",
                       what);
}

/* {"message": "<flow log line>"}: the line (or lines) parsed as text, located at the record;
 * the envelope is the event's raw record. */
static void message_record(struct reader *r, const struct vg_json_value *envelope,
                           const struct vg_json_value *msg, const struct vg_diag_loc *loc)
{
    struct vg_str s = vg_json_str(msg);
    size_t i = 0;
    while (i < s.len && (is_sep(s.ptr[i]) || s.ptr[i] == '\n'))
        i++;
    if (msg->type != VG_JSON_STRING || i == s.len) {
        bad_record(r);
        vg_diag_report(r->ctx->diag, VG_DIAG_FIELD, loc, "field 'message' is %s; skipped",
                       msg->type != VG_JSON_STRING ? "not a string" : "empty");
        return;
    }
    r->ev.raw = r->envelope = envelope;
    parse_copy(r, s.ptr, s.len, loc->offset, loc->line, loc);
    r->ev.raw = r->envelope = NULL;
}

/* A record already split into JSON keys ("srcaddr", "log_status", ...). */
static void fields_record(struct reader *r, const struct vg_json_value *obj,
                          const struct vg_diag_loc *loc)
{
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.source = VG_SOURCE_VPCFLOW;
    ev.ref.source = r->ctx->source;
    ev.raw = obj;
    unsigned seen = 0;
    for (const struct vg_json_value *v = vg_json_first(obj); v; v = vg_json_next(obj, v)) {
        struct vg_str k = { v[-1].ptr, v[-1].len };
        int col = field_lookup(k.ptr, k.len, true);
        if (col < 0 || col == C_IGNORE)
            continue;
        bool scalar =
            v->type == VG_JSON_NULL || v->type == VG_JSON_STRING || v->type == VG_JSON_NUMBER;
        struct vg_str text = v->type == VG_JSON_NULL ? VG_STR("-") : vg_json_text(v);
        bool ok = scalar && text.len > 0;
        for (size_t i = 0; ok && i < text.len; i++)
            ok = (unsigned char)text.ptr[i] > ' ';
        /* safe_end at the value's end: no word loads past it, so no copy is needed */
        if (ok)
            ok = convert((uint8_t)col, text.ptr, text.ptr + text.len, text.ptr + text.len, &ev,
                         &seen, false);
        if (ok)
            continue;
        bad_record(r);
        if (!scalar)
            vg_diag_report(r->ctx->diag, VG_DIAG_FIELD, loc,
                           "field '%.*s' is not a string or number; skipped", (int)k.len, k.ptr);
        else
            vg_diag_report(r->ctx->diag, VG_DIAG_FIELD, loc, "field '%.*s' %s ('%.*s%s'); skipped",
                           (int)k.len, k.ptr, describe((uint8_t)col),
                           (int)(text.len > QUOTE_MAX ? QUOTE_MAX : text.len), text.ptr,
                           text.len > QUOTE_MAX ? "..." : "");
        return;
    }
    finish(&ev, seen);
    deliver(r, &ev, loc);
}

static bool has_flow_keys(const struct vg_json_value *obj)
{
    for (const struct vg_json_value *v = vg_json_first(obj); v; v = vg_json_next(obj, v)) {
        int col = field_lookup(v[-1].ptr, v[-1].len, true);
        if (col == C_DSTADDR || col == C_LOG_STATUS || col == C_INTERFACE)
            return true;
    }
    return false;
}

static void json_record(struct reader *r, const struct vg_json_value *v,
                        const struct vg_diag_loc *loc)
{
    if (v->type != VG_JSON_OBJECT) {
        bad_record(r);
        vg_diag_report(r->ctx->diag, VG_DIAG_FIELD, loc, "record is not a JSON object; skipped");
        return;
    }
    const struct vg_json_value *events = vg_json_get(v, "logEvents");
    const struct vg_json_value *msg = vg_json_get(v, "message");
    if (events && events->type == VG_JSON_ARRAY) {
        /* a CloudWatch Logs subscription batch; the control message that opens a subscription
         * carries no flow records */
        if (vg_str_eq_lit(vg_json_str(vg_json_get(v, "messageType")), "CONTROL_MESSAGE")) {
            r->ctx->stats->foreign++;
            return;
        }
        for (const struct vg_json_value *e = vg_json_first(events); e && !r->stop;
             e = vg_json_next(events, e)) {
            const struct vg_json_value *m = vg_json_get(e, "message");
            if (m) {
                message_record(r, e, m, loc);
            } else {
                bad_record(r);
                vg_diag_report(r->ctx->diag, VG_DIAG_FIELD, loc,
                               "log event has no 'message'; skipped");
            }
        }
    } else if (msg) {
        message_record(r, v, msg, loc);
    } else if (has_flow_keys(v)) {
        fields_record(r, v, loc);
    } else {
        foreign(r, loc, "no 'message' and no flow log fields");
    }
}

static bool json_next(void *ctx, const struct vg_json_value *v, const struct vg_diag_loc *loc)
{
    struct reader *r = ctx;
    json_record(r, v, loc);
    return !r->stop;
}

static void json_bad(void *ctx)
{
    bad_record(ctx);
}

static void parse_json(struct reader *r, const char *buf, size_t len, size_t pos)
{
    struct vg_json_records_cb cb = { NULL, json_next, json_bad, r };
    if (vg_json_records(r->ctx, buf, len, pos, &cb) == VG_ENOMEM)
        r->rc = VG_ENOMEM;
}

/* ==== the object ==== */

static int parse_object(struct vg_parse_ctx *ctx, const struct layout *fixed, const char *buf,
                        size_t len)
{
    struct reader *r = malloc(sizeof(*r));
    if (!r)
        return VG_ENOMEM;
    memset(r, 0, sizeof(*r));
    r->ctx = ctx;
    r->buf = buf;
    r->on_event = ctx->on_event;
    r->event_ctx = ctx->event_ctx;
    r->foreign_at_start = ctx->stats->foreign;
    if (strstr(ctx->source ? ctx->source : "", "/vpcflowlogs/")) {
        r->path_account = path_component(ctx->source, "AWSLogs/");
        r->path_region = path_component(ctx->source, "/vpcflowlogs/");
    }
    if (fixed)
        set_layout(r, fixed, false);
    else
        event_reset(r);

    size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t first = vg_json_skip_ws(buf, len, i);
    if (first < len && (buf[first] == '{' || buf[first] == '[')) {
        parse_json(r, buf, len, first);
    } else {
        /* Lines up to the last '\n' are parsed in place: each ends in '\n' before buf + len.
         * Only an unterminated last line is copied. */
        const char *nl = i < len ? memrchr(buf + i, '\n', len - i) : NULL;
        size_t body = nl ? (size_t)(nl - buf) + 1 : i;
        uint64_t line = parse_text(r, buf + i, buf + body, buf + len, buf, 0, 1, NULL);
        if (body < len && !r->stop && len - body > VG_MAX_RECORD_BYTES) {
            /* copying it would double the memory a hostile object takes */
            struct vg_diag_loc loc = { ctx->source, line, body };
            bad_record(r);
            vg_diag_report(ctx->diag, VG_DIAG_TOO_BIG, &loc,
                           "last line is longer than %u bytes and has no newline; skipped",
                           (unsigned)VG_MAX_RECORD_BYTES);
        } else if (body < len && !r->stop) {
            parse_copy(r, buf + body, len - body, body, line, NULL);
        }
    }
    ctx->stats->records += r->events + r->bad;
    ctx->stats->events += r->events;
    ctx->stats->bad_records += r->bad;
    int rc = r->rc;
    free(r);
    return rc;
}

static int parse(struct vg_parse_ctx *ctx, const char *buf, size_t len)
{
    return parse_object(ctx, NULL, buf, len);
}

bool vg_vpcflow_format_valid(struct vg_str fields)
{
    unsigned known;
    bool shaped;
    unsigned n = read_names(fields.ptr, fields.ptr + fields.len, NULL, &known, &shaped);
    return known > 0 && n <= MAX_COLS;
}

int vg_vpcflow_parse_format(struct vg_parse_ctx *ctx, struct vg_str fields, const char *buf,
                            size_t len)
{
    struct layout *L = malloc(sizeof(*L));
    if (!L)
        return VG_ENOMEM;
    unsigned known;
    bool shaped;
    unsigned n = read_names(fields.ptr, fields.ptr + fields.len, L, &known, &shaped);
    int rc = n == 0 || n > MAX_COLS ? VG_ECONFIG : parse_object(ctx, L, buf, len);
    free(L);
    return rc;
}

/* ==== sniffing ==== */

/* A record line of a default format: a version number first, at least the 14 fields of
 * version 2, and a log-status word among them. */
static bool data_shaped(const char *p, const char *end)
{
    unsigned n = 0;
    bool status = false, version = false;
    while (p < end && *p != '\n') {
        while (p < end && is_sep(*p))
            p++;
        if (p >= end || *p == '\n')
            break;
        const char *s = p;
        while (p < end && !is_sep(*p) && *p != '\n')
            p++;
        size_t len = (size_t)(p - s);
        if (n == 0) {
            version = len <= 3;
            for (size_t i = 0; i < len; i++)
                version = version && s[i] >= '0' && s[i] <= '9';
        }
        if ((len == 2 && memcmp(s, "OK", 2) == 0) || (len == 6 && memcmp(s, "NODATA", 6) == 0) ||
            (len == 8 && memcmp(s, "SKIPDATA", 8) == 0))
            status = true;
        n++;
    }
    return version && status && n >= 14;
}

static bool sniff_json(const char *p, const char *end)
{
    size_t n = (size_t)(end - p);
    /* never claim CloudTrail, which comes after us in the format table */
    if (memmem(p, n, "\"eventVersion\"", 14) || memmem(p, n, "\"eventSource\"", 13))
        return false;
    const char *m = memmem(p, n, "\"message\"", 9);
    if (m) {
        const char *q = m + 9;
        while (q < end && (is_sep(*q) || *q == '\n'))
            q++;
        if (q >= end || *q++ != ':')
            return false;
        while (q < end && (is_sep(*q) || *q == '\n'))
            q++;
        if (q >= end || *q++ != '"')
            return false;
        const char *close = memchr(q, '"', (size_t)(end - q));
        return data_shaped(q, close ? close : end);
    }
    /* records already split into keys; Route 53 resolver logs share srcaddr but not dstaddr */
    return memmem(p, n, "\"dstaddr\"", 9) &&
           (memmem(p, n, "\"log_status\"", 12) || memmem(p, n, "\"log-status\"", 12) ||
            memmem(p, n, "\"interface_id\"", 14) || memmem(p, n, "\"interface-id\"", 14) ||
            memmem(p, n, "\"packets\"", 9));
}

static bool sniff(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + (len < SNIFF_BYTES ? len : SNIFF_BYTES);
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (;;) { /* blank and comment lines */
        while (p < end && (is_sep(*p) || *p == '\n'))
            p++;
        if (p < end && *p == '#') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                return false;
            p = nl + 1;
            continue;
        }
        break;
    }
    if (p >= end)
        return false;
    if (*p == '{' || *p == '[')
        return sniff_json(p, end);
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    unsigned known;
    bool shaped;
    unsigned n = read_names(p, eol, NULL, &known, &shaped);
    return header_shaped(n, known, shaped) || data_shaped(p, eol);
}

bool vg_vpcflow_is_header(const char *line, size_t len)
{
    if (len == 0 || *line < 'a' || *line > 'z')
        return false;
    unsigned known;
    bool shaped;
    unsigned n = read_names(line, line + len, NULL, &known, &shaped);
    return header_shaped(n, known, shaped);
}

const struct vg_format vg_format_vpcflow = {
    .name = "vpcflow",
    .sniff = sniff,
    .parse = parse,
};
