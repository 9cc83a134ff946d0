/*
 * The zone (registrable domain) of a DNS name, from the Public Suffix List through libpsl.
 *
 * Which list: Debian's `publicsuffix` package, in its text form
 * (/usr/share/publicsuffix/public_suffix_list.dat), then the same package's precompiled DAFSA
 * (what libpsl calls its "dist file"), then the copy compiled into libpsl.  The package is
 * updated on its own (stable updates carry new suffixes) and is what the administrator
 * controls, while the builtin copy is whatever list libpsl5 was built with, so the package
 * comes first.  Text before DAFSA, measured with libpsl 0.21.2 and the 2023-02 list: the text
 * form takes 13 ms and 2.6 MB to load, the DAFSA 0.1 ms and 0.3 MB, but a suffix lookup in the
 * sorted table libpsl builds from the text is about 3.5x faster than a walk of the DAFSA (a
 * registrable-domain query is two or three of them), and a lookup runs per DNS event while the
 * load runs once (bench/bench_psl.c, `make bench`).  psl_latest() would choose by comparing
 * file modification times, so a restored backup or a container layer could silently switch
 * lists; an order you can read here is easier to reason about in a finding.  Nothing is
 * downloaded, at build or run time.
 *
 * How a lookup works, and why it is bounded: a public suffix is at most a few labels (the
 * longest rule in the 2023 list has 5), so only the tail of a name can decide its zone.  The
 * tail (at most TAIL_LABELS labels and TAIL_BYTES bytes, cut at a label boundary) is copied to
 * a stack buffer, lowercased, NUL-terminated and given to psl_registrable_domain(), whose
 * answer is a pointer into that buffer; its offset maps back onto the caller's name, so the
 * result is a slice of the input.  When the whole tail is a public suffix and the name goes on
 * to the left, the zone is one more label.  Labels are split on unescaped dots only: in the
 * normal form "\." is a dot inside a label; in the copy that dot becomes '_' (same length, so
 * offsets still map), and a label with a backslash can match only a wildcard rule, as it
 * should.
 *
 * The libpsl context is read-only once loaded; libpsl keeps no other state, so lookups from
 * any number of threads need no lock.
 */
#include "enrich/psl.h"

#include "core/ip.h"
#include "core/log.h"

#include <libpsl.h>

/* Labels of a name that libpsl sees.  The longest rule in the 2023 list has 5 labels, so a
 * zone has at most 6; 16 leaves room for future rules while bounding what a 127-label name
 * costs to 16 suffix lookups (bench_psl's hostile line). */
#define TAIL_LABELS 16

/* Bytes of a name that libpsl sees: the longest legal name in presentation form without
 * escapes.  Any longer tail could only match a wildcard rule with a hostile label, and libpsl
 * itself stops matching suffixes of 128 bytes or more. */
#define TAIL_BYTES 253

static const char *const psl_files[] = {
    "/usr/share/publicsuffix/public_suffix_list.dat",
    "/usr/share/publicsuffix/public_suffix_list.dafsa",
};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl_ctx;
static char psl_source[256];

static void load(void)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(psl_files); i++) {
        psl_ctx_t *ctx = psl_load_file(psl_files[i]);
        if (ctx) {
            psl_ctx = ctx;
            snprintf(psl_source, sizeof(psl_source), "%s", psl_files[i]);
            vg_log_debug("public suffix list: '%s'", psl_source);
            return;
        }
    }
    psl_ctx = psl_builtin();
    if (psl_ctx) {
        snprintf(psl_source, sizeof(psl_source), "libpsl builtin (compiled from '%s')",
                 psl_builtin_filename());
        vg_log_warn("public suffix list '%s' not readable (is Debian's publicsuffix package "
                    "installed?): using libpsl's builtin copy, which may be older",
                    psl_files[0]);
        return;
    }
    snprintf(psl_source, sizeof(psl_source), "none (last label taken as the public suffix)");
    vg_log_error("public suffix list '%s' not readable and libpsl has no builtin copy: zones "
                 "are the last two labels",
                 psl_files[0]);
}

int vg_psl_init(void)
{
    pthread_once(&load_once, load);
    return psl_ctx ? VG_OK : VG_ENOTFOUND;
}

const char *vg_psl_source(void)
{
    pthread_once(&load_once, load);
    return psl_source;
}

/* Whether the '.' at p[i] is escaped: preceded by an odd run of backslashes. */
static bool dot_escaped(const char *p, size_t i)
{
    size_t k = 0;
    while (k < i && p[i - 1 - k] == '\\')
        k++;
    return k & 1;
}

/* Start of the label that ends at p[end] (exclusive): just after the unescaped dot before it,
 * or 0.  The label is empty when the result is end. */
static size_t label_start(const char *p, size_t end)
{
    size_t i = end;
    while (i > 0 && !(p[i - 1] == '.' && !dot_escaped(p, i - 1)))
        i--;
    return i;
}

/* ASCII case-insensitive comparison with a lowercase literal (names may come in any case). */
static bool eq_lower(const char *p, const char *lower, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

/* Whether p[0..n) is `suffix` (when or_equal) or ends with "." + suffix at a label boundary. */
static bool under(const char *p, size_t n, struct vg_str suffix, bool or_equal)
{
    if (n == suffix.len)
        return or_equal && eq_lower(p, suffix.ptr, n);
    return n > suffix.len && eq_lower(p + n - suffix.len, suffix.ptr, suffix.len) &&
           p[n - suffix.len - 1] == '.' && !dot_escaped(p, n - suffix.len - 1);
}

/* Names that never reach the public DNS. */
static const struct vg_str internal_suffixes[] = {
    VG_STR("internal"),    /* AWS VPC DNS: ec2.internal (us-east-1), <region>.compute.internal;
                            * reserved by ICANN for private use (2024) */
    VG_STR("local"),       /* multicast DNS, RFC 6762 */
    VG_STR("localhost"),   /* RFC 6761 section 6.3 */
    VG_STR("localdomain"), /* the /etc/hosts convention of many distributions */
    VG_STR("invalid"),     /* RFC 6761 section 6.4; cloud-init probes "example.invalid" */
    VG_STR("home.arpa"),   /* home networks, RFC 8375 */
};

static const struct vg_str reverse_suffixes[] = {
    VG_STR("in-addr.arpa"),
    VG_STR("ip6.arpa"),
};

static bool any_under(const char *p, size_t n, const struct vg_str *list, size_t count,
                      bool or_equal)
{
    for (size_t i = 0; i < count; i++)
        if (under(p, n, list[i], or_equal))
            return true;
    return false;
}

/* The copy libpsl sees: lowercase, an escaped dot made a label byte, NUL made a byte libpsl
 * does not stop at (neither can match a rule's label, so only wildcards match them). */
static void copy_tail(char *dst, const char *src, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\\' && i + 1 < len) {
            dst[i++] = c;
            c = src[i];
            if (c == '.')
                c = '_';
        }
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == '\0')
            c = '\x01';
        dst[i] = c;
    }
    dst[len] = '\0';
}

/* Offset of the registrable domain in buf[0..len), or len when buf is a public suffix.  Without
 * a list, the PSL's default rule: the last label is the public suffix. */
static size_t registrable_offset(const char *buf, size_t len)
{
    if (!psl_ctx) {
        size_t last = label_start(buf, len);
        return last == 0 ? len : label_start(buf, last - 1);
    }
    const char *r = psl_registrable_domain(psl_ctx, buf);
    if (!r)
        return len;
    if (r < buf || r > buf + len)
        VG_BUG("psl_registrable_domain returned a pointer outside its input");
    return (size_t)(r - buf);
}

static bool listed_tld(const char *p, size_t n)
{
    char buf[TAIL_BYTES + 1];
    if (!psl_ctx || n > TAIL_BYTES)
        return false;
    copy_tail(buf, p, n);
    return psl_is_public_suffix2(psl_ctx, buf, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

static enum vg_psl_kind registrable(struct vg_str name, struct vg_str *out);

/* The last name looked up on this thread.  Several DNS detectors ask for the zone of the same
 * query one after another, and the lookup (a libpsl search per candidate suffix) was a third of
 * a DNS scan; comparing the bytes of one name is far cheaper.  Keyed on the bytes, not the
 * pointer: the next record's name may sit at the same address. */
struct psl_memo {
    char name[256];
    size_t len; /* 0: empty */
    size_t zone_off, zone_len;
    enum vg_psl_kind kind;
};
static _Thread_local struct psl_memo memo;

enum vg_psl_kind vg_psl_registrable(struct vg_str name, struct vg_str *out)
{
    if (name.len && name.len == memo.len && memcmp(name.ptr, memo.name, name.len) == 0) {
        *out = memo.zone_len ? (struct vg_str){ name.ptr + memo.zone_off, memo.zone_len }
                             : VG_STR_NULL;
        return memo.kind;
    }
    enum vg_psl_kind kind = registrable(name, out);
    if (name.len && name.len <= sizeof(memo.name)) {
        memcpy(memo.name, name.ptr, name.len);
        memo.len = name.len;
        memo.zone_off = out->len ? (size_t)(out->ptr - name.ptr) : 0;
        memo.zone_len = out->len;
        memo.kind = kind;
    }
    return kind;
}

static enum vg_psl_kind registrable(struct vg_str name, struct vg_str *out)
{
    pthread_once(&load_once, load);
    const char *p = name.ptr;
    size_t n = name.len;
    *out = VG_STR_NULL;
    if (n && p[n - 1] == '.' && !dot_escaped(p, n - 1))
        n--;
    if (n == 0)
        return VG_PSL_INVALID;

    struct vg_ip ip;
    if (n <= 45 && vg_ip_parse((struct vg_str){ p, n }, &ip)) {
        *out = (struct vg_str){ p, n };
        return VG_PSL_IP;
    }

    size_t last = label_start(p, n);
    if (last == n)
        return VG_PSL_INVALID; /* "a.." or "a.\." shapes: the last label is empty */
    if (last == 0) {
        *out = (struct vg_str){ p, n };
        return listed_tld(p, n) ? VG_PSL_SUFFIX : VG_PSL_SINGLE_LABEL;
    }

    /* The tail: whole labels from the right, within TAIL_LABELS and TAIL_BYTES, never across
     * an empty label. */
    size_t tail = last;
    size_t zone;
    if (n - last > TAIL_BYTES) {
        zone = n; /* one huge last label: a TLD by the default rule */
    } else {
        unsigned labels = 1;
        while (tail > 0 && labels < TAIL_LABELS) {
            size_t s = label_start(p, tail - 1);
            if (s == tail - 1 || n - s > TAIL_BYTES)
                break;
            tail = s;
            labels++;
        }
        char buf[TAIL_BYTES + 1];
        copy_tail(buf, p + tail, n - tail);
        zone = tail + registrable_offset(buf, n - tail);
    }
    if (zone == n) {
        /* the tail is a public suffix: one more label, if the name has one */
        if (tail == 0) {
            *out = (struct vg_str){ p, n };
            return VG_PSL_SUFFIX;
        }
        zone = label_start(p, tail - 1);
        if (zone == tail - 1)
            return VG_PSL_INVALID;
    }
    *out = (struct vg_str){ p + zone, n - zone };

    if (any_under(p, n, internal_suffixes, VG_ARRAY_LEN(internal_suffixes), true))
        return VG_PSL_INTERNAL;
    if (any_under(p, n, reverse_suffixes, VG_ARRAY_LEN(reverse_suffixes), false))
        return VG_PSL_REVERSE;
    return VG_PSL_REGISTRABLE;
}

const char *vg_psl_kind_name(enum vg_psl_kind kind)
{
    switch (kind) {
    case VG_PSL_INVALID: return "invalid";
    case VG_PSL_IP: return "ip";
    case VG_PSL_SINGLE_LABEL: return "single-label";
    case VG_PSL_INTERNAL: return "internal";
    case VG_PSL_REVERSE: return "reverse";
    case VG_PSL_SUFFIX: return "suffix";
    case VG_PSL_REGISTRABLE: return "registrable";
    }
    return "?";
}
