/*
 * "stix1": STIX 1.x XML packages (GuardDuty's STIX) with CybOX observables:
 *
 *   <stix:Indicator xsi:type="indicator:IndicatorType">
 *     <indicator:Title>Emotet C2</indicator:Title>
 *     <indicator:Observable><cybox:Object>
 *       <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
 *         <AddressObj:Address_Value condition="InclusiveBetween">45.33.1.0##comma##45.33.1.9
 *       ...
 *       <cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType">
 *         <DomainNameObj:Value condition="Equals">evil.example.org</DomainNameObj:Value>
 *
 * Taken: AddressObject values of categories ipv4-addr, ipv6-addr, ipv4-net, ipv6-net and cidr;
 * DomainNameObject values; URIObject values (their host).  "##comma##" separates a list of
 * values, or with condition="InclusiveBetween" the two ends of a range (passed on as "a-b").
 * Other object types and categories (files, e-mail, ASNs) and other conditions (Contains,
 * StartsWith: not an exact indicator) count as skipped.  The threat name is the indicator's
 * Title, else the package title from STIX_Header; observables referenced by idref are not
 * followed back to their indicator.
 *
 * Why a hand-rolled scanner and not libxml2: we need six element names, no validation, no
 * namespace resolution (prefixes vary between producers, so we match local names) and no DTD
 * or entity expansion (hostile input), so the scanner is a loop over tags with memchr, never
 * recursing and never allocating per element; element text is decoded into one reused buffer.
 */
#include "enrich/intel_stix1.h"

#include "core/buf.h"
#include "enrich/csv.h"

/* Element text we keep: a value or a title is short; a longer one is cut (and will not parse as
 * an indicator). */
#define MAX_TEXT_BYTES (64u << 10)
#define MAX_TITLE_BYTES 255

static bool has(const char *buf, size_t len, const char *needle)
{
    return memmem(buf, len, needle, strlen(needle)) != NULL;
}

static bool sniff(const char *buf, size_t len)
{
    size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && isspace((unsigned char)buf[i]))
        i++;
    if (i >= len || buf[i] != '<')
        return false;
    size_t n = len - i > 4096 ? 4096 : len - i;
    return has(buf + i, n, "STIX_Package") || has(buf + i, n, ":Observables") ||
           has(buf + i, n, "<Observables");
}

/* ---- the scanner ---- */

struct tag {
    struct vg_str name;  /* local name, prefix removed */
    struct vg_str attrs; /* raw text between the name and '>' or '/>' */
    size_t start;        /* offset of '<' */
    bool end;            /* </name> */
    bool empty;          /* <name/> */
};

static struct vg_str local_name(struct vg_str s)
{
    const char *colon = memrchr(s.ptr, ':', s.len);
    if (!colon)
        return s;
    return (struct vg_str){ colon + 1, s.len - (size_t)(colon + 1 - s.ptr) };
}

/* The value of the attribute with this local name, or an empty slice. */
static struct vg_str attr(struct vg_str attrs, const char *name)
{
    const char *p = attrs.ptr, *end = attrs.ptr + attrs.len;
    while (p < end) {
        while (p < end && (isspace((unsigned char)*p) || *p == '/'))
            p++;
        const char *ns = p;
        while (p < end && *p != '=' && !isspace((unsigned char)*p))
            p++;
        struct vg_str key = { ns, (size_t)(p - ns) };
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p >= end || *p != '=') {
            if (p == ns)
                p++; /* junk: move on */
            continue;
        }
        p++;
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p >= end || (*p != '"' && *p != '\''))
            break;
        const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
        if (!q)
            break;
        if (key.len && vg_str_eq_lit(local_name(key), name))
            return (struct vg_str){ p + 1, (size_t)(q - p - 1) };
        p = q + 1;
    }
    return (struct vg_str){ "", 0 };
}

enum kind { K_NONE, K_ADDRESS, K_DOMAIN, K_URI, K_OTHER };

struct scan {
    struct vg_intel_load_ctx *ctx;
    const char *buf;
    size_t len, pos;
    struct vg_csv_lines lines;
    struct vg_buf text; /* decoded element text, reused */
    int rc;
    unsigned indicators; /* depth of open Indicator elements */
    bool in_header;      /* inside STIX_Header */
    enum kind kind;      /* of the open Properties element */
    char title[MAX_TITLE_BYTES];
    size_t title_len; /* 0: the indicator has no Title (yet) */
    char pkg_title[MAX_TITLE_BYTES];
    size_t pkg_title_len;
};

static void report(struct scan *s, size_t offset, const char *what)
{
    struct vg_diag_loc loc = { s->ctx->source, vg_csv_line_at(&s->lines, offset), offset };
    vg_diag_report(s->ctx->diag, VG_DIAG_FIELD, &loc, "%s", what);
    vg_intel_builder_bad(s->ctx->builder, s->ctx->list);
}

static int add_text(struct scan *s, const char *p, size_t n)
{
    if (s->text.len + n > MAX_TEXT_BYTES)
        n = MAX_TEXT_BYTES - s->text.len; /* cut: see MAX_TEXT_BYTES */
    return n ? vg_buf_add(&s->text, p, n) : VG_OK;
}

static int add_utf8(struct scan *s, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return add_text(s, u, n);
}

/* A character reference "#65;" or "#x41;" at p (just past the '&'): the code point and where
 * the reference ends.  False for anything malformed, NUL, surrogates or beyond U+10FFFF. */
static bool char_ref(const char *p, const char *end, uint32_t *cp_out, const char **next)
{
    if (end - p < 3 || *p != '#')
        return false;
    bool hex = p[1] == 'x' || p[1] == 'X';
    const char *q = p + 1 + hex, *digits = q;
    uint32_t cp = 0;
    for (; q < end && q - digits < 8; q++) {
        unsigned d;
        if (*q >= '0' && *q <= '9')
            d = (unsigned)(*q - '0');
        else if (hex && tolower((unsigned char)*q) >= 'a' && tolower((unsigned char)*q) <= 'f')
            d = (unsigned)(tolower((unsigned char)*q) - 'a' + 10);
        else
            break;
        cp = cp * (hex ? 16 : 10) + d;
    }
    if (q >= end || *q != ';' || q == digits || cp == 0 || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return false;
    *cp_out = cp;
    *next = q + 1;
    return true;
}

/* Append character data, decoding the five predefined entities and character references;
 * anything else after '&' is kept as written (no DTD entities: they are an attack surface). */
static int add_chars(struct scan *s, const char *p, size_t n)
{
    static const struct {
        const char *name;
        char ch;
    } named[] = {
        { "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' }, { "apos;", '\'' }
    };
    const char *end = p + n;
    int rc = VG_OK;
    while (p < end && rc == VG_OK) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp)
            return add_text(s, p, (size_t)(end - p));
        if ((rc = add_text(s, p, (size_t)(amp - p))) != VG_OK)
            break;
        p = amp + 1;
        size_t left = (size_t)(end - p);
        bool done = false;
        for (size_t i = 0; i < VG_ARRAY_LEN(named) && !done; i++) {
            size_t k = strlen(named[i].name);
            if (left >= k && memcmp(p, named[i].name, k) == 0) {
                rc = add_text(s, &named[i].ch, 1);
                p += k;
                done = true;
            }
        }
        uint32_t cp;
        const char *after;
        if (!done && char_ref(p, end, &cp, &after)) {
            rc = add_utf8(s, cp);
            p = after;
            done = true;
        }
        if (!done)
            rc = add_text(s, "&", 1);
    }
    return rc;
}

/* The text of the element whose start tag ends at s->pos, up to its first child or end tag;
 * CDATA sections and comments inside are handled.  Leaves s->pos alone. */
static int element_text(struct scan *s, struct vg_str *out)
{
    size_t i = s->pos;
    int rc = VG_OK;
    vg_buf_reset(&s->text);
    while (i < s->len && rc == VG_OK) {
        const char *lt = memchr(s->buf + i, '<', s->len - i);
        size_t stop = lt ? (size_t)(lt - s->buf) : s->len;
        rc = add_chars(s, s->buf + i, stop - i);
        i = stop;
        if (i + 9 <= s->len && memcmp(s->buf + i, "<![CDATA[", 9) == 0) {
            const char *e = memmem(s->buf + i + 9, s->len - i - 9, "]]>", 3);
            size_t cend = e ? (size_t)(e - s->buf) : s->len;
            if (rc == VG_OK)
                rc = add_text(s, s->buf + i + 9, cend - i - 9);
            i = e ? cend + 3 : s->len;
        } else if (i + 4 <= s->len && memcmp(s->buf + i, "<!--", 4) == 0) {
            const char *e = memmem(s->buf + i + 4, s->len - i - 4, "-->", 3);
            i = e ? (size_t)(e - s->buf) + 3 : s->len;
        } else {
            break;
        }
    }
    *out = vg_csv_trim((struct vg_str){ s->text.data ? s->text.data : "", s->text.len });
    return rc;
}

static void keep_title(char *dst, size_t *dst_len, struct vg_str t)
{
    size_t n = t.len > MAX_TITLE_BYTES ? MAX_TITLE_BYTES : t.len;
    memcpy(dst, t.ptr, n);
    *dst_len = n;
}

static struct vg_str threat_name(const struct scan *s)
{
    if (s->indicators && s->title_len)
        return (struct vg_str){ s->title, s->title_len };
    return (struct vg_str){ s->pkg_title, s->pkg_title_len };
}

static bool address_category_wanted(struct vg_str category)
{
    static const char *const cats[] = { "ipv4-addr", "ipv6-addr", "ipv4-net", "ipv6-net", "cidr" };
    if (category.len == 0)
        return true; /* CybOX's default category is ipv4-addr */
    for (size_t i = 0; i < VG_ARRAY_LEN(cats); i++)
        if (vg_str_case_eq(category, cats[i]))
            return true;
    return false;
}

static void open_properties(struct scan *s, const struct tag *t)
{
    struct vg_str type = local_name(attr(t->attrs, "type"));
    s->kind = K_NONE;
    if (type.len == 0)
        return;
    if (vg_str_eq_lit(type, "AddressObjectType"))
        s->kind = address_category_wanted(attr(t->attrs, "category")) ? K_ADDRESS : K_OTHER;
    else if (vg_str_eq_lit(type, "DomainNameObjectType"))
        s->kind = K_DOMAIN;
    else if (vg_str_eq_lit(type, "URIObjectType"))
        s->kind = K_URI;
    else
        s->kind = K_OTHER;
    if (s->kind == K_OTHER)
        vg_intel_builder_skip(s->ctx->builder, s->ctx->list);
}

/* An Address_Value or Value element: one value, a ##comma## list, or a range. */
static void take_values(struct scan *s, const struct tag *t)
{
    static const char delim[] = "##comma##";
    const size_t dlen = sizeof(delim) - 1;
    struct vg_str cond = attr(t->attrs, "condition"), v;
    bool range = vg_str_eq_lit(cond, "InclusiveBetween");
    if (cond.len && !range && !vg_str_eq_lit(cond, "Equals")) {
        vg_intel_builder_skip(s->ctx->builder, s->ctx->list);
        return;
    }
    if ((s->rc = element_text(s, &v)) != VG_OK)
        return;
    if (v.len == 0) {
        report(s, t->start, "object value is empty");
        return;
    }
    struct vg_diag_loc loc = { s->ctx->source, vg_csv_line_at(&s->lines, t->start), t->start };
    struct vg_str name = threat_name(s);
    const char *sep = memmem(v.ptr, v.len, delim, dlen);
    if (range && s->kind == K_ADDRESS) {
        char text[2 * 64 + 1];
        struct vg_str lo = { v.ptr, sep ? (size_t)(sep - v.ptr) : 0 }, hi;
        if (sep)
            hi = (struct vg_str){ sep + dlen, v.len - lo.len - dlen };
        if (!sep || memmem(hi.ptr, hi.len, delim, dlen)) {
            report(s, t->start, "'InclusiveBetween' range has not exactly two ends");
            return;
        }
        lo = vg_csv_trim(lo);
        hi = vg_csv_trim(hi);
        if (lo.len > 64 || hi.len > 64) {
            report(s, t->start, "'InclusiveBetween' range end is too long for an address");
            return;
        }
        memcpy(text, lo.ptr, lo.len);
        text[lo.len] = '-';
        memcpy(text + lo.len + 1, hi.ptr, hi.len);
        s->rc = vg_intel_builder_add(s->ctx->builder, s->ctx->list,
                                     (struct vg_str){ text, lo.len + 1 + hi.len }, name,
                                     s->ctx->diag, &loc);
        return;
    }
    const char *p = v.ptr, *end = v.ptr + v.len;
    while (s->rc == VG_OK) {
        sep = memmem(p, (size_t)(end - p), delim, dlen);
        struct vg_str one = vg_csv_trim((struct vg_str){ p, (size_t)((sep ? sep : end) - p) });
        if (s->kind == K_URI)
            one = vg_csv_url_host(one);
        if (one.len)
            s->rc =
                vg_intel_builder_add(s->ctx->builder, s->ctx->list, one, name, s->ctx->diag, &loc);
        else
            vg_intel_builder_skip(s->ctx->builder, s->ctx->list);
        if (!sep)
            break;
        p = sep + dlen;
    }
}

static void on_tag(struct scan *s, const struct tag *t)
{
    struct vg_str n = t->name;
    if (vg_str_eq_lit(n, "Indicator")) {
        if (t->end) {
            if (s->indicators && --s->indicators == 0)
                s->title_len = 0;
        } else if (!t->empty) {
            s->indicators++;
            s->title_len = 0; /* a nested indicator names its own observables */
        }
    } else if (vg_str_eq_lit(n, "STIX_Header")) {
        s->in_header = !t->end && !t->empty;
    } else if (vg_str_eq_lit(n, "Properties")) {
        if (t->end)
            s->kind = K_NONE;
        else if (!t->empty)
            open_properties(s, t);
    } else if (t->end || t->empty) {
        return;
    } else if (vg_str_eq_lit(n, "Title")) {
        /* The first Title inside an indicator is its own (the schema puts it first); the
         * package title comes from the header. */
        bool for_indicator = s->indicators && s->title_len == 0;
        bool for_package = !s->indicators && s->in_header && s->pkg_title_len == 0;
        struct vg_str text;
        if (!for_indicator && !for_package)
            return;
        if ((s->rc = element_text(s, &text)) != VG_OK)
            return;
        if (for_indicator)
            keep_title(s->title, &s->title_len, text);
        else
            keep_title(s->pkg_title, &s->pkg_title_len, text);
    } else if ((vg_str_eq_lit(n, "Address_Value") && s->kind == K_ADDRESS) ||
               (vg_str_eq_lit(n, "Value") && (s->kind == K_DOMAIN || s->kind == K_URI))) {
        take_values(s, t);
    }
}

/* Skip a construct from buf[i] to just past `close`; false if the file ends first. */
static bool skip_to(struct scan *s, size_t i, const char *close)
{
    const char *e = memmem(s->buf + i, s->len - i, close, strlen(close));
    if (!e)
        return false;
    s->pos = (size_t)(e - s->buf) + strlen(close);
    return true;
}

static bool starts(const struct scan *s, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return s->len - i >= n && memcmp(s->buf + i, lit, n) == 0;
}

/* One markup construct at buf[i] == '<'.  False (after a report) when the file ends inside it. */
static bool markup(struct scan *s, size_t i)
{
    if (starts(s, i, "<!--"))
        return skip_to(s, i + 4, "-->") || (report(s, i, "file ends inside a comment"), false);
    if (starts(s, i, "<![CDATA["))
        return skip_to(s, i + 9, "]]>") ||
               (report(s, i, "file ends inside a CDATA section"), false);
    if (starts(s, i, "<?"))
        return skip_to(s, i + 2, "?>") ||
               (report(s, i, "file ends inside a processing instruction"), false);
    if (starts(s, i, "<!"))
        return skip_to(s, i + 2, ">") || (report(s, i, "file ends inside a declaration"), false);

    struct tag t = { .start = i };
    size_t j = i + 1;
    if (j < s->len && s->buf[j] == '/') {
        t.end = true;
        j++;
    }
    size_t ns = j;
    while (j < s->len && !isspace((unsigned char)s->buf[j]) && s->buf[j] != '>' && s->buf[j] != '/')
        j++;
    t.name = local_name((struct vg_str){ s->buf + ns, j - ns });
    size_t as = j;
    while (j < s->len && s->buf[j] != '>') {
        if (s->buf[j] == '"' || s->buf[j] == '\'') {
            const char *q = memchr(s->buf + j + 1, s->buf[j], s->len - j - 1);
            if (!q) {
                j = s->len;
                break;
            }
            j = (size_t)(q - s->buf);
        }
        j++;
    }
    if (j >= s->len) {
        report(s, i, "file ends inside a tag");
        return false;
    }
    t.empty = !t.end && j > as && s->buf[j - 1] == '/';
    t.attrs = (struct vg_str){ s->buf + as, j - as - (t.empty ? 1 : 0) };
    s->pos = j + 1;
    on_tag(s, &t);
    return true;
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct scan *s = calloc(1, sizeof(*s));
    int rc = VG_ENOMEM;
    if (!s)
        goto out;
    s->ctx = ctx;
    s->buf = buf;
    s->len = len;
    vg_csv_lines_init(&s->lines, buf, len);
    vg_buf_init(&s->text, 0);
    while (s->rc == VG_OK && s->pos < len) {
        const char *lt = memchr(buf + s->pos, '<', len - s->pos);
        if (!lt || !markup(s, (size_t)(lt - buf)))
            break;
    }
    rc = s->rc;
out:
    if (s)
        vg_buf_release(&s->text);
    free(s);
    return rc;
}

const struct vg_intel_format vg_intel_format_stix1 = {
    .name = "stix1",
    .sniff = sniff,
    .load = load,
};
