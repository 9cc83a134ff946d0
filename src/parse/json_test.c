/*
 * Unit tests for the JSON reader (json.h), and its differential test against jansson.
 *
 * json.c replaces a library, so STYLE.md §11 asks for a differential test: every JSON value in
 * the shared corpus (../shared/corpus, or $VIGIL_CORPUS; plain, JSON lines or gzip) and a few
 * thousand generated documents are parsed by both readers and compared value by value: types,
 * string bytes, numbers (by their text: integers against jansson's json_int_t, reals as doubles),
 * object members in order, array elements.  jansson is a test-only dependency.
 *
 * The rest are tables of small cases for the contract in json.h: errors and where they stop,
 * the limits, U+FFFD repair of bad UTF-8 and lone surrogates, resynchronisation with
 * vg_json_skip_value, and the lookup helpers.
 */
#include "parse/json.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/utf8.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

/* ---- a parser with its arena, for one test ---- */

struct fixture {
    struct vg_arena arena;
    struct vg_json_parser p;
};

static void fixture_init(struct fixture *f, size_t max_bytes)
{
    vg_arena_init(&f->arena, 1 << 16, 0);
    vg_json_parser_init(&f->p, &f->arena, max_bytes);
}

static void fixture_release(struct fixture *f)
{
    vg_json_parser_release(&f->p);
    vg_arena_release(&f->arena);
}

/* Parse one value that must be valid; the whole input must be consumed but for white space. */
static const struct vg_json_value *parse_ok(struct fixture *f, const char *s, size_t len)
{
    size_t pos = 0;
    const struct vg_json_value *root = NULL;
    struct vg_json_error err;
    enum vg_json_errcode rc = vg_json_parse(&f->p, s, len, &pos, &root, &err);
    if (rc != VG_JSON_OK)
        fail_msg("'%.*s': unexpected error %d (%s) at %zu", (int)len, s, rc, err.what, err.offset);
    assert_int_equal(vg_json_skip_ws(s, len, pos), len);
    return root;
}

static bool str_is(const struct vg_json_value *v, const char *expect, size_t len)
{
    return v && v->type == VG_JSON_STRING && v->len == len && memcmp(v->ptr, expect, len) == 0;
}

static bool text_is(const struct vg_json_value *v, const char *expect)
{
    struct vg_str t = vg_json_text(v);
    return vg_str_eq_lit(t, expect);
}

/* ==== differential test against jansson ==== */

struct diff {
    const char *source; /* file or generated document, for messages */
    bool int_as_real;   /* jansson read integers as doubles (one was too big for it) */
    uint64_t values;    /* compared so far */
};

static void compare(struct diff *d, const struct vg_json_value *v, const json_t *j, char *path,
                    size_t plen, size_t pcap);

static void fail_at(const struct diff *d, const char *path, const char *what)
{
    fail_msg("%s: %s at '%s'", d->source, what, path[0] ? path : "(root)");
}

static void compare_number(const struct diff *d, const struct vg_json_value *v, const json_t *j,
                           const char *path)
{
    char text[512];
    if (v->len >= sizeof(text))
        fail_at(d, path, "number text too long for the test");
    memcpy(text, v->ptr, v->len);
    text[v->len] = '\0';
    if (json_is_integer(j)) {
        if (strpbrk(text, ".eE"))
            fail_at(d, path, "jansson read an integer, our text is not one");
        errno = 0;
        char *end;
        long long ll = strtoll(text, &end, 10);
        if (errno || *end || ll != json_integer_value(j))
            fail_at(d, path, "integer differs");
        /* vg_json_i64 must agree on everything jansson holds as an integer */
        int64_t i64;
        if (!vg_json_i64(v, &i64) || i64 != json_integer_value(j))
            fail_at(d, path, "vg_json_i64 differs from jansson");
        return;
    }
    if (!json_is_real(j))
        fail_at(d, path, "jansson has no number here");
    if (!d->int_as_real && !strpbrk(text, ".eE"))
        fail_at(d, path, "jansson read a real, our text is an integer");
    double ours = strtod(text, NULL);
    if (memcmp(&ours, &(double){ json_real_value(j) }, sizeof(ours)) != 0)
        fail_at(d, path, "real differs");
}

static void compare(struct diff *d, const struct vg_json_value *v, const json_t *j, char *path,
                    size_t plen, size_t pcap)
{
    d->values++;
    switch (v->type) {
    case VG_JSON_NULL:
        if (!json_is_null(j))
            fail_at(d, path, "ours is null");
        break;
    case VG_JSON_TRUE:
        if (!json_is_true(j))
            fail_at(d, path, "ours is true");
        break;
    case VG_JSON_FALSE:
        if (!json_is_false(j))
            fail_at(d, path, "ours is false");
        break;
    case VG_JSON_NUMBER: compare_number(d, v, j, path); break;
    case VG_JSON_STRING:
        if (!json_is_string(j))
            fail_at(d, path, "ours is a string");
        if (v->len != json_string_length(j) || memcmp(v->ptr, json_string_value(j), v->len) != 0)
            fail_at(d, path, "string bytes differ");
        break;
    case VG_JSON_ARRAY: {
        if (!json_is_array(j))
            fail_at(d, path, "ours is an array");
        if (v->len != json_array_size(j))
            fail_at(d, path, "array sizes differ");
        size_t i = 0;
        for (const struct vg_json_value *e = vg_json_first(v); e; e = vg_json_next(v, e), i++) {
            if (i >= json_array_size(j))
                fail_at(d, path, "more elements than len says");
            int n = snprintf(path + plen, pcap - plen, "[%zu]", i);
            size_t sub = n > 0 && (size_t)n < pcap - plen ? plen + (size_t)n : plen;
            compare(d, e, json_array_get(j, i), path, sub, pcap);
            path[plen] = '\0';
        }
        if (i != v->len)
            fail_at(d, path, "iteration and len disagree");
        break;
    }
    case VG_JSON_OBJECT: {
        if (!json_is_object(j))
            fail_at(d, path, "ours is an object");
        if (v->len != json_object_size(j))
            fail_at(d, path, "member counts differ (duplicate keys?)");
        void *it = json_object_iter((json_t *)j);
        size_t i = 0;
        for (const struct vg_json_value *m = vg_json_first(v); m; m = vg_json_next(v, m), i++) {
            if (!it)
                fail_at(d, path, "more members than jansson");
            const struct vg_json_value *k = m - 1;
            if (k->type != VG_JSON_STRING || k->len != json_object_iter_key_len(it) ||
                memcmp(k->ptr, json_object_iter_key(it), k->len) != 0)
                fail_at(d, path, "member keys differ or are out of order");
            int n = snprintf(path + plen, pcap - plen, ".%.*s", (int)(k->len > 40 ? 40 : k->len),
                             k->ptr);
            size_t sub = n > 0 && (size_t)n < pcap - plen ? plen + (size_t)n : plen;
            compare(d, m, json_object_iter_value(it), path, sub, pcap);
            path[plen] = '\0';
            it = json_object_iter_next((json_t *)j, it);
        }
        if (it || i != v->len)
            fail_at(d, path, "fewer members than jansson");
        break;
    }
    default: fail_at(d, path, "bad slot type");
    }
}

/* Parse every value of buf with both readers and compare.  Both must accept each value or both
 * reject it (then both resume at the next line).  Returns the number of values compared. */
static uint64_t diff_buffer(struct fixture *f, const char *source, const char *buf, size_t len)
{
    struct diff d = { source, false, 0 };
    uint64_t roots = 0;
    size_t pos = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* neither reader takes a BOM; the formats skip it */
    for (;;) {
        pos = vg_json_skip_ws(buf, len, pos);
        if (pos >= len)
            break;
        size_t start = pos;
        const struct vg_json_value *root;
        struct vg_json_error err;
        enum vg_json_errcode rc = vg_json_parse(&f->p, buf, len, &pos, &root, &err);

        const size_t flags = JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL;
        json_error_t jerr;
        d.int_as_real = false;
        json_t *j = json_loadb(buf + start, len - start, flags, &jerr);
        if (!j && strstr(jerr.text, "too big")) {
            d.int_as_real = true;
            j = json_loadb(buf + start, len - start, flags | JSON_DECODE_INT_AS_REAL, &jerr);
        }
        if ((rc == VG_JSON_OK) != (j != NULL))
            fail_msg("%s:@%zu: we say %s, jansson says %s", source, start,
                     rc == VG_JSON_OK ? "valid" : err.what, j ? "valid" : jerr.text);
        if (!j) {
            const char *nl = memchr(buf + start, '\n', len - start);
            if (!nl)
                break;
            pos = (size_t)(nl - buf) + 1;
            continue;
        }
        char path[512] = "";
        compare(&d, root, j, path, 0, sizeof(path));
        /* jansson stops right after a container; a scalar may cost it one byte of look-ahead */
        if ((root->type == VG_JSON_OBJECT || root->type == VG_JSON_ARRAY) &&
            (size_t)jerr.position != pos - start)
            fail_msg("%s:@%zu: we end at %zu, jansson at %d", source, start, pos - start,
                     jerr.position);
        if (root->type == VG_JSON_OBJECT || root->type == VG_JSON_ARRAY ||
            root->type == VG_JSON_STRING)
            assert_int_equal(vg_json_skip_value(buf, len, start), pos);
        json_decref(j);
        roots++;
        vg_arena_reset(&f->arena);
    }
    return roots;
}

/* ---- the shared corpus ---- */

static int read_file(const char *path, struct vg_buf *out)
{
    int rc = VG_EIO;
    FILE *fp = fopen(path, "rb");
    vg_buf_reset(out);
    if (!fp)
        return rc;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        if (vg_buf_add(out, chunk, n) != VG_OK)
            goto out;
    rc = ferror(fp) ? VG_EIO : VG_OK;
out:
    fclose(fp);
    return rc;
}

/* Decompress every gzip member of in into out with zlib (independent of src/ingest). */
static void gunzip(const char *name, const struct vg_buf *in, struct vg_buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
    vg_buf_reset(out);
    zs.next_in = (unsigned char *)in->data;
    zs.avail_in = (uInt)in->len;
    for (;;) {
        assert_int_equal(vg_buf_reserve(out, 1 << 16), VG_OK);
        zs.next_out = (unsigned char *)out->data + out->len;
        zs.avail_out = (uInt)(out->alloc - out->len - 1);
        int z = inflate(&zs, Z_NO_FLUSH);
        out->len = (size_t)((char *)zs.next_out - out->data);
        if (z == Z_STREAM_END) {
            if (zs.avail_in == 0)
                break;
            inflateReset(&zs);
            continue;
        }
        if (z != Z_OK)
            fail_msg("%s: gzip data is corrupt (%s)", name, zs.msg ? zs.msg : "?");
    }
    out->data[out->len] = '\0';
    inflateEnd(&zs);
}

struct corpus_walk {
    struct fixture f;
    struct vg_buf raw, plain;
    unsigned files_json, files_other;
    uint64_t values;
};

/* JSON, JSON lines, or gzip of those: the first byte after a BOM and white space opens a
 * container.  Everything else (threat lists, flow logs) is not for this test. */
static bool looks_json(const char *buf, size_t len)
{
    size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    i = vg_json_skip_ws(buf, len, i);
    return i < len && (buf[i] == '{' || buf[i] == '[');
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_corpus(struct corpus_walk *w, const char *path, unsigned depth)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    if (S_ISREG(st.st_mode)) {
        if (read_file(path, &w->raw) != VG_OK)
            fail_msg("%s: cannot read: %s", path, strerror(errno));
        const struct vg_buf *b = &w->raw;
        if (w->raw.len >= 2 && (unsigned char)w->raw.data[0] == 0x1f &&
            (unsigned char)w->raw.data[1] == 0x8b) {
            gunzip(path, &w->raw, &w->plain);
            b = &w->plain;
        }
        if (!b->data || !looks_json(b->data, b->len)) {
            w->files_other++;
            return;
        }
        uint64_t n = diff_buffer(&w->f, path, b->data, b->len);
        if (n == 0)
            fail_msg("%s: no value compared", path);
        w->values += n;
        w->files_json++;
        return;
    }
    if (!S_ISDIR(st.st_mode) || depth > 8)
        return;
    DIR *dir = opendir(path);
    assert_non_null(dir);
    char *names[512];
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        assert_true(count < VG_ARRAY_LEN(names));
        size_t l = strlen(path) + strlen(de->d_name) + 2;
        names[count] = malloc(l);
        assert_non_null(names[count]);
        snprintf(names[count], l, "%s/%s", path, de->d_name);
        count++;
    }
    closedir(dir);
    qsort(names, count, sizeof(*names), cmp_names);
    for (size_t i = 0; i < count; i++) {
        walk_corpus(w, names[i], depth + 1);
        free(names[i]);
    }
}

static void test_json_differential_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("VIGIL_CORPUS");
    if (!dir || !*dir)
        dir = "../shared/corpus";
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        fail_msg("corpus '%s' is missing (set VIGIL_CORPUS; the Makefile runs tests from the "
                 "repository root)",
                 dir);
    struct corpus_walk w;
    memset(&w, 0, sizeof(w));
    fixture_init(&w.f, 0);
    vg_buf_init(&w.raw, 0);
    vg_buf_init(&w.plain, 0);
    walk_corpus(&w, dir, 0);
    print_message("corpus: %u JSON files (%" PRIu64 " values compared), %u other files\n",
                  w.files_json, w.values, w.files_other);
    /* the corpus holds ~90 JSON files; far fewer means it moved, not that all is well */
    assert_true(w.files_json >= 40);
    vg_buf_release(&w.raw);
    vg_buf_release(&w.plain);
    fixture_release(&w.f);
}

/* ---- generated documents ---- */

struct gen {
    uint64_t s;
    struct vg_buf *out;
    unsigned budget; /* values left in this document */
};

static uint64_t rnd(struct gen *g)
{
    /* xorshift64*: deterministic across platforms, so a failing seed is reproducible */
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * 0x2545F4914F6CDD1DULL;
}

static unsigned pick(struct gen *g, unsigned n)
{
    return (unsigned)(rnd(g) % n);
}

static void ws(struct gen *g)
{
    static const char *const spaces[] = { "", "", "", " ", "\n", "\t", "\r\n", "  " };
    vg_buf_adds(g->out, spaces[pick(g, VG_ARRAY_LEN(spaces))]);
}

static void gen_string(struct gen *g, unsigned uniq)
{
    static const char *const pieces[] = {
        "a",
        "b",
        "Z",
        "0",
        " ",
        "userIdentity",
        "arn:aws:iam::123456789012:user/alice",
        "\\n",
        "\\\"",
        "\\\\",
        "\\/",
        "\\b",
        "\\f",
        "\\r",
        "\\t",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\u0000",
        "\\u001f",
        "\\u20AC",
        "\\uFFFF",
        "\xc3\xa9",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "\xe4\xb8\xad",
        "\xef\xbf\xbd",
        "\x7f",
    };
    vg_buf_addc(g->out, '"');
    unsigned n = pick(g, 8) == 0 ? 20 + pick(g, 60) : pick(g, 6);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = pick(g, VG_ARRAY_LEN(pieces) + 3);
        if (k < VG_ARRAY_LEN(pieces)) {
            /* jansson takes NUL in values but not in keys */
            vg_buf_adds(g->out, uniq && strcmp(pieces[k], "\\u0000") == 0 ? "z" : pieces[k]);
        } else if (k == VG_ARRAY_LEN(pieces)) {
            /* any BMP code point outside the surrogates, escaped */
            unsigned cp = pick(g, 0xF800);
            cp = cp >= 0xD800 ? cp + 0x800 : cp == 0 && uniq ? 1 : cp;
            vg_buf_printf(g->out, "\\u%04x", cp);
        } else if (k == VG_ARRAY_LEN(pieces) + 1) {
            /* any astral code point, as a surrogate pair */
            unsigned cp = 0x10000 + pick(g, 0x100000) - 0x10000;
            vg_buf_printf(g->out, "\\u%04X\\u%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        } else {
            /* any code point written raw */
            unsigned cp = 0x80 + pick(g, 0x10FFFF - 0x80);
            char enc[4];
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xE000;
            vg_buf_add(g->out, enc, vg_utf8_encode(cp, enc));
        }
    }
    if (uniq)
        vg_buf_printf(g->out, "#%u", uniq); /* object keys must be distinct for jansson */
    vg_buf_addc(g->out, '"');
}

static void gen_number(struct gen *g)
{
    switch (pick(g, 9)) {
    case 0: vg_buf_printf(g->out, "%u", pick(g, 10)); break;
    case 1: vg_buf_printf(g->out, "-%u", pick(g, 100000)); break;
    case 2: vg_buf_printf(g->out, "%" PRIu64, rnd(g) >> pick(g, 64)); break;
    case 3: vg_buf_adds(g->out, pick(g, 2) ? "-9223372036854775808" : "9223372036854775807"); break;
    case 4:
        vg_buf_adds(g->out, pick(g, 2) ? "123456789012345678901234" : "-99999999999999999999");
        break;
    case 5: vg_buf_printf(g->out, "%d.%u", (int)pick(g, 2000) - 1000, pick(g, 1000000)); break;
    case 6:
        vg_buf_printf(g->out, "%s%u%se%s%u", pick(g, 2) ? "-" : "", 1 + pick(g, 9),
                      pick(g, 2) ? ".5" : "",
                      pick(g, 3) == 0 ? "-"
                      : pick(g, 2)    ? "+"
                                      : "",
                      pick(g, 200));
        break;
    case 7: vg_buf_printf(g->out, "%uE%u", pick(g, 100), pick(g, 20)); break;
    default: vg_buf_adds(g->out, pick(g, 2) ? "0" : "-0.0"); break;
    }
}

static void gen_value(struct gen *g, unsigned depth)
{
    unsigned kind = pick(g, 10);
    if (g->budget == 0 || depth >= 20)
        kind = pick(g, 6); /* scalars only */
    else
        g->budget--;
    ws(g);
    switch (kind) {
    case 0: vg_buf_adds(g->out, "null"); break;
    case 1: vg_buf_adds(g->out, pick(g, 2) ? "true" : "false"); break;
    case 2:
    case 3: gen_number(g); break;
    case 4:
    case 5: gen_string(g, 0); break;
    case 6:
    case 7: {
        unsigned n = pick(g, 6);
        vg_buf_addc(g->out, '[');
        for (unsigned i = 0; i < n; i++) {
            if (i)
                vg_buf_addc(g->out, ',');
            gen_value(g, depth + 1);
        }
        ws(g);
        vg_buf_addc(g->out, ']');
        break;
    }
    default: {
        unsigned n = pick(g, 6);
        vg_buf_addc(g->out, '{');
        for (unsigned i = 0; i < n; i++) {
            if (i)
                vg_buf_addc(g->out, ',');
            ws(g);
            gen_string(g, i + 1);
            ws(g);
            vg_buf_addc(g->out, ':');
            gen_value(g, depth + 1);
        }
        ws(g);
        vg_buf_addc(g->out, '}');
        break;
    }
    }
    ws(g);
}

static void test_json_differential_generated(void **state)
{
    (void)state;
    struct fixture f;
    struct vg_buf doc = VG_BUF_INIT;
    struct gen g = { 0x5eed2024ULL, &doc, 0 };
    uint64_t roots = 0;
    fixture_init(&f, 0);
    for (unsigned i = 0; i < 3000; i++) {
        char name[64];
        snprintf(name, sizeof(name), "generated document %u", i);
        vg_buf_reset(&doc);
        g.budget = 1 + pick(&g, 200);
        unsigned count = 1 + pick(&g, 3); /* sometimes several values, like JSON lines */
        for (unsigned k = 0; k < count; k++) {
            gen_value(&g, 0);
            vg_buf_addc(&doc, '\n');
        }
        roots += diff_buffer(&f, name, doc.data, doc.len);
    }
    /* nesting exactly at the limit: generated, then compared like the rest */
    for (unsigned i = 0; i < 20; i++) {
        char opened[VG_JSON_MAX_DEPTH];
        vg_buf_reset(&doc);
        for (unsigned k = 0; k < VG_JSON_MAX_DEPTH; k++) {
            opened[k] = pick(&g, 2) ? '[' : '{';
            vg_buf_adds(&doc, opened[k] == '[' ? "[" : "{\"k\":");
        }
        gen_value(&g, 20);
        for (unsigned k = VG_JSON_MAX_DEPTH; k-- > 0;)
            vg_buf_addc(&doc, opened[k] == '[' ? ']' : '}');
        roots += diff_buffer(&f, "generated deep document", doc.data, doc.len);
    }
    assert_true(roots >= 3000);
    vg_buf_release(&doc);
    fixture_release(&f);
}

/* ==== error handling ==== */

struct error_case {
    const char *input;
    enum vg_json_errcode code;
    size_t offset; /* err.offset */
};

static void test_json_errors(void **state)
{
    (void)state;
    static const struct error_case cases[] = {
        /* truncated */
        { "{\"a\":1", VG_JSON_ESYNTAX, 6 },
        { "[1,2", VG_JSON_ESYNTAX, 4 },
        { "\"abc", VG_JSON_ESYNTAX, 4 },
        { "{\"a\"", VG_JSON_ESYNTAX, 4 },
        { "{\"a\":", VG_JSON_ESYNTAX, 5 },
        { "[", VG_JSON_ESYNTAX, 1 },
        { "{", VG_JSON_ESYNTAX, 1 },
        { "tru", VG_JSON_ESYNTAX, 0 },
        { "\"\\u12", VG_JSON_ESYNTAX, 5 },
        { "\"\\", VG_JSON_ESYNTAX, 2 },
        { "", VG_JSON_ESYNTAX, 0 },
        { "   ", VG_JSON_ESYNTAX, 3 },
        /* bad escapes */
        { "\"\\x\"", VG_JSON_ESYNTAX, 1 },
        { "\"ab\\'\"", VG_JSON_ESYNTAX, 3 },
        { "\"\\u12G4\"", VG_JSON_ESYNTAX, 1 },
        { "\"\\U0041\"", VG_JSON_ESYNTAX, 1 },
        { "\"\\ud83d\\uZZZZ\"", VG_JSON_ESYNTAX, 7 },
        /* control characters inside strings */
        { "\"a\x01z\"", VG_JSON_ESYNTAX, 2 },
        { "\"tab\there\"", VG_JSON_ESYNTAX, 4 },
        { "\"line\nbreak\"", VG_JSON_ESYNTAX, 5 },
        { "\"\x1f\"", VG_JSON_ESYNTAX, 1 },
        { "\"\\n\x01\"", VG_JSON_ESYNTAX, 3 }, /* on the decoding path too */
        /* trailing and missing commas */
        { "[1,2,]", VG_JSON_ESYNTAX, 5 },
        { "{\"a\":1,}", VG_JSON_ESYNTAX, 7 },
        { "[,]", VG_JSON_ESYNTAX, 1 },
        { "{,}", VG_JSON_ESYNTAX, 1 },
        { "[1,,2]", VG_JSON_ESYNTAX, 3 },
        { "[1 2]", VG_JSON_ESYNTAX, 3 },
        { "{\"a\" 1}", VG_JSON_ESYNTAX, 5 },
        { "{\"a\":1 \"b\":2}", VG_JSON_ESYNTAX, 7 },
        { "{1:2}", VG_JSON_ESYNTAX, 1 },
        { "[1}", VG_JSON_ESYNTAX, 2 },
        { "{\"a\":1]", VG_JSON_ESYNTAX, 6 },
        /* numbers: leading zeros, lone signs, missing digits */
        { "[01]", VG_JSON_ESYNTAX, 2 },
        { "{\"a\":-01}", VG_JSON_ESYNTAX, 7 },
        { "-", VG_JSON_ESYNTAX, 1 },
        { "[-]", VG_JSON_ESYNTAX, 2 },
        { "-a", VG_JSON_ESYNTAX, 1 },
        { "+1", VG_JSON_ESYNTAX, 0 },
        { ".5", VG_JSON_ESYNTAX, 0 },
        { "1.", VG_JSON_ESYNTAX, 2 },
        { "1.e5", VG_JSON_ESYNTAX, 2 },
        { "1e", VG_JSON_ESYNTAX, 2 },
        { "1e+", VG_JSON_ESYNTAX, 3 },
        { "[0x10]", VG_JSON_ESYNTAX, 2 },
        /* literals */
        { "nul", VG_JSON_ESYNTAX, 0 },
        { "True", VG_JSON_ESYNTAX, 0 },
        { "[nan]", VG_JSON_ESYNTAX, 1 },
        { "Infinity", VG_JSON_ESYNTAX, 0 },
        { "[fals]", VG_JSON_ESYNTAX, 1 },
        /* stray structure */
        { "]", VG_JSON_ESYNTAX, 0 },
        { "}", VG_JSON_ESYNTAX, 0 },
        { ":", VG_JSON_ESYNTAX, 0 },
        { "\xEF\xBB\xBF{}", VG_JSON_ESYNTAX, 0 }, /* a BOM is the formats' business */
    };
    struct fixture f;
    fixture_init(&f, 0);
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const struct error_case *c = &cases[i];
        size_t len = strlen(c->input), pos = 0;
        const struct vg_json_value *root = NULL;
        struct vg_json_error err;
        enum vg_json_errcode rc = vg_json_parse(&f.p, c->input, len, &pos, &root, &err);
        if (rc != c->code || err.code != c->code || err.offset != c->offset || pos != 0 ||
            !err.what)
            fail_msg("case %zu '%s': got %d at %zu (%s), pos %zu; want %d at %zu", i, c->input, rc,
                     err.offset, err.what ? err.what : "no message", pos, c->code, c->offset);
    }
    fixture_release(&f);
}

/* A value is read as far as it is valid; what follows is the caller's (a sequence reader). */
static void test_json_stops_after_value(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        size_t end;
        const char *text;
    } cases[] = {
        { "01", 1, "0" },       { "-01", 2, "-0" },        { "1 2 3", 1, "1" },
        { "truex", 4, "true" }, { "\"a\"\"b\"", 3, "a" },  { "{}[]", 2, NULL },
        { "1}", 1, "1" },       { "  null  ", 6, "null" },
    };
    struct fixture f;
    fixture_init(&f, 0);
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        size_t pos = 0;
        const struct vg_json_value *root;
        struct vg_json_error err;
        const char *in = cases[i].input;
        assert_int_equal(vg_json_parse(&f.p, in, strlen(in), &pos, &root, &err), VG_JSON_OK);
        assert_int_equal(pos, cases[i].end);
        if (cases[i].text && !text_is(root, cases[i].text))
            fail_msg("case '%s': wrong value", in);
    }
    /* a sequence reads value after value */
    const char *seq = " 1 [2] {\"a\":3}\n\"s\" null";
    size_t pos = 0, n = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    static const enum vg_json_type types[] = { VG_JSON_NUMBER, VG_JSON_ARRAY, VG_JSON_OBJECT,
                                               VG_JSON_STRING, VG_JSON_NULL };
    while (vg_json_skip_ws(seq, strlen(seq), pos) < strlen(seq)) {
        assert_int_equal(vg_json_parse(&f.p, seq, strlen(seq), &pos, &root, &err), VG_JSON_OK);
        assert_true(n < VG_ARRAY_LEN(types));
        assert_int_equal(root->type, types[n++]);
    }
    assert_int_equal(n, 5);
    fixture_release(&f);
}

static void nested(struct vg_buf *b, unsigned depth, bool objects)
{
    vg_buf_reset(b);
    for (unsigned i = 0; i < depth; i++)
        vg_buf_adds(b, objects ? "{\"k\":" : "[");
    vg_buf_adds(b, "1");
    for (unsigned i = 0; i < depth; i++)
        vg_buf_addc(b, objects ? '}' : ']');
}

static void test_json_depth_limit(void **state)
{
    (void)state;
    struct fixture f;
    struct vg_buf b = VG_BUF_INIT;
    fixture_init(&f, 0);
    for (int objects = 0; objects < 2; objects++) {
        size_t pos = 0;
        const struct vg_json_value *root;
        struct vg_json_error err;
        nested(&b, VG_JSON_MAX_DEPTH, objects);
        assert_int_equal(VG_JSON_MAX_DEPTH, 64);
        assert_int_equal(vg_json_parse(&f.p, b.data, b.len, &pos, &root, &err), VG_JSON_OK);
        assert_int_equal(pos, b.len);
        assert_int_equal(root->skip, objects ? 64 * 2 + 1 : 65);

        nested(&b, VG_JSON_MAX_DEPTH + 1, objects);
        pos = 0;
        assert_int_equal(vg_json_parse(&f.p, b.data, b.len, &pos, &root, &err), VG_JSON_EDEPTH);
        assert_int_equal(err.code, VG_JSON_EDEPTH);
        assert_int_equal(err.offset, objects ? 64 * 5 : 64); /* the 65th opening bracket */
        assert_int_equal(pos, 0);
        /* and the bracket matcher still finds its end, so a reader can go on after it */
        assert_int_equal(vg_json_skip_value(b.data, b.len, 0), b.len);
    }
    /* deep but wide is fine: 64 levels, then many siblings at the bottom */
    vg_buf_reset(&b);
    for (int i = 0; i < 63; i++)
        vg_buf_addc(&b, '[');
    for (int i = 0; i < 1000; i++)
        vg_buf_adds(&b, i ? ",[]" : "[]");
    for (int i = 0; i < 63; i++)
        vg_buf_addc(&b, ']');
    const struct vg_json_value *root = parse_ok(&f, b.data, b.len);
    assert_int_equal(root->skip, 63 + 1000);
    vg_buf_release(&b);
    fixture_release(&f);
}

static void test_json_size_limit(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        size_t max_bytes;
        enum vg_json_errcode code;
    } cases[] = {
        { "\"0123456789abcdef\"", 18, VG_JSON_OK },        /* exactly the limit */
        { "\"0123456789abcdefg\"", 18, VG_JSON_ETOO_BIG }, /* one byte over */
        { "[1,2,3,4,5,6,7,8,9]", 18, VG_JSON_ETOO_BIG },
        { "{\"a\":1, \"b\": 2}", 8, VG_JSON_ETOO_BIG }, /* cut mid-object: too big, not bad */
        { "{\"a\":\"\\u00e9\\u00e9\"}", 12, VG_JSON_ETOO_BIG }, /* cut inside an escape */
        { "        [1,2,3]", 7, VG_JSON_OK },                   /* leading white space is free */
        { "[1 x]", 4, VG_JSON_ESYNTAX },                        /* a real error inside the limit */
        { "[1,2] garbage", 5, VG_JSON_OK },                     /* what follows is not the value */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct fixture f;
        size_t pos = 0;
        const struct vg_json_value *root;
        struct vg_json_error err;
        fixture_init(&f, cases[i].max_bytes);
        enum vg_json_errcode rc =
            vg_json_parse(&f.p, cases[i].input, strlen(cases[i].input), &pos, &root, &err);
        if (rc != cases[i].code)
            fail_msg("case %zu '%s' (max %zu): got %d (%s), want %d", i, cases[i].input,
                     cases[i].max_bytes, rc, rc ? err.what : "ok", cases[i].code);
        fixture_release(&f);
    }
    /* 0 means the default, VG_MAX_RECORD_BYTES */
    struct fixture f;
    fixture_init(&f, 0);
    assert_int_equal(f.p.max_bytes, VG_MAX_RECORD_BYTES);
    fixture_release(&f);
}

/* A top-level number or literal cut by max_bytes is too big, not a shorter number or a syntax
 * error (a regression: "12345" with max_bytes 4 once parsed as 1234). */
static void test_json_size_limit_top_level_number(void **state)
{
    (void)state;
    struct fixture f;
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    fixture_init(&f, 4);
    assert_int_equal(vg_json_parse(&f.p, "[12345]", 7, &pos, &root, &err), VG_JSON_ETOO_BIG);
    assert_int_equal(vg_json_parse(&f.p, "12345", 5, &pos, &root, &err), VG_JSON_ETOO_BIG);
    assert_int_equal(vg_json_parse(&f.p, "false", 5, &pos, &root, &err), VG_JSON_ETOO_BIG);
    assert_int_equal(vg_json_parse(&f.p, "1234", 4, &pos, &root, &err), VG_JSON_OK);
    pos = 0;
    assert_int_equal(vg_json_parse(&f.p, "true", 4, &pos, &root, &err), VG_JSON_OK);
    fixture_release(&f);
}

/* ==== strings: escapes, UTF-8 repair ==== */

struct string_case {
    const char *input; /* a JSON string literal, quotes included */
    const char *expect;
    size_t expect_len;
    unsigned replaced; /* sequences turned into U+FFFD */
    bool borrowed;     /* the slot points into the input (nothing needed decoding) */
};

#define S(lit) lit, sizeof(lit) - 1
#define FFFD "\xEF\xBF\xBD"

static void test_json_strings(void **state)
{
    (void)state;
    static const struct string_case cases[] = {
        { "\"plain\"", S("plain"), 0, true },
        { "\"\"", S(""), 0, true },
        { "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",
          S("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), 0, true },
        { "\"a\\nb\\\"c\\\\d\\/e\\bf\\fg\\rh\\ti\"", S("a\nb\"c\\d/e\bf\fg\rh\ti"), 0, false },
        { "\"\\u00e9\"", S("\xC3\xA9"), 0, false },
        { "\"\\u00E9\\u20ac\"", S("\xC3\xA9\xE2\x82\xAC"), 0, false },
        { "\"\\ud83d\\ude00\"", S("\xF0\x9F\x98\x80"), 0, false },
        { "\"\\uD83D\\uDE00\"", S("\xF0\x9F\x98\x80"), 0, false },
        { "\"\\u0000\"", S("\0"), 0, false },
        { "\"a\\u0041\"", S("aA"), 0, false },
        /* the first 16 bytes are plain (vector path), the escape comes later */
        { "\"0123456789abcdefghij\\n\"", S("0123456789abcdefghij\n"), 0, false },
        /* lone surrogates */
        { "\"\\ud800\"", S(FFFD), 1, false },
        { "\"\\udc00\"", S(FFFD), 1, false },
        { "\"\\ud800\\u0041\"", S(FFFD "A"), 1, false },
        { "\"\\ud800\\ud800\"", S(FFFD FFFD), 2, false },
        { "\"\\ude00\\ud83d\"", S(FFFD FFFD), 2, false },
        { "\"x\\ud83dy\"", S("x" FFFD "y"), 1, false },
        /* invalid UTF-8 bytes, one U+FFFD per byte that cannot start a valid sequence */
        { "\"\xC0\xAF\"", S(FFFD FFFD), 2, false },          /* overlong '/' */
        { "\"\xE0\x80\xAF\"", S(FFFD FFFD FFFD), 3, false }, /* overlong, 3 bytes */
        { "\"\xFF\"", S(FFFD), 1, false },
        { "\"ok\x80\"", S("ok" FFFD), 1, false },
        { "\"\xED\xA0\x80\"", S(FFFD FFFD FFFD), 3, false },          /* encoded surrogate */
        { "\"\xF4\x90\x80\x80\"", S(FFFD FFFD FFFD FFFD), 4, false }, /* past U+10FFFF */
        { "\"\xE2\x82\"", S(FFFD FFFD), 2, false },                   /* cut before the quote */
        { "\"\xC3\xA9\xC3\"", S("\xC3\xA9" FFFD), 1, false },
        { "\"\\n\xFF\"", S("\n" FFFD), 1, false }, /* escape, then bad byte */
        { "\"0123456789abcdef\xC3\xA9\xFE tail\"", S("0123456789abcdef\xC3\xA9" FFFD " tail"), 1,
          false },
    };
    struct fixture f;
    fixture_init(&f, 0);
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const struct string_case *c = &cases[i];
        uint64_t before = f.p.replaced_utf8;
        size_t len = strlen(c->input);
        const struct vg_json_value *v = parse_ok(&f, c->input, len);
        if (!str_is(v, c->expect, c->expect_len))
            fail_msg("case %zu %s: decoded to %u bytes '%.*s'", i, c->input, v->len, (int)v->len,
                     v->ptr);
        if (f.p.replaced_utf8 - before != c->replaced)
            fail_msg("case %zu %s: %" PRIu64 " replacements, want %u", i, c->input,
                     f.p.replaced_utf8 - before, c->replaced);
        bool borrowed = v->ptr >= c->input && v->ptr <= c->input + len;
        if (borrowed != c->borrowed)
            fail_msg("case %zu %s: borrowed %d, want %d", i, c->input, borrowed, c->borrowed);
        /* whatever came in, what comes out is valid UTF-8 */
        for (size_t k = 0; k < v->len;) {
            uint32_t cp;
            size_t n = vg_utf8_decode((const unsigned char *)v->ptr + k, v->len - k, &cp);
            if (n == 0)
                fail_msg("case %zu: invalid UTF-8 at byte %zu of the result", i, k);
            k += n;
        }
        vg_arena_reset(&f.arena);
    }
    /* keys are strings too */
    const struct vg_json_value *root = parse_ok(&f, S("{\"k\\u00e9\xFF\":1}"));
    assert_true(str_is(root + 1, S("k\xC3\xA9" FFFD)));
    fixture_release(&f);
}

/* ==== vg_json_skip_value ==== */

static void test_json_skip_value(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        size_t pos;
        size_t end; /* 0: the value does not end within the buffer */
    } cases[] = {
        { "{\"a\":[1,2,{\"b\":\"}\"}]} tail", 0, 21 },
        { "  [\"]\", \"[\"]  ", 0, 12 },
        { "\"str\\\"ing\" x", 0, 10 },
        { "\"\\\\\" x", 0, 4 },
        { "\"\"", 0, 2 },
        { "[1,2", 0, 0 },
        { "{\"a\":\"unterminated}", 0, 0 },
        { "123,456", 0, 3 },
        { "123,456", 4, 7 },
        { "true]", 0, 4 },
        { "garbage}{", 0, 7 },
        { "   ", 0, 0 },
        { "", 0, 0 },
        { "{\"a\": oops}, {\"b\":1}", 0, 11 }, /* bad inside, brackets still match */
        { "[[[[]]]]]]", 0, 8 },
        { "{\"k\":\"\xFF\xFE\"}x", 0, 10 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        size_t got = vg_json_skip_value(cases[i].input, strlen(cases[i].input), cases[i].pos);
        if (got != cases[i].end)
            fail_msg("case %zu '%s' from %zu: got %zu, want %zu", i, cases[i].input, cases[i].pos,
                     got, cases[i].end);
    }
}

/* A bad record between good ones: parse fails, skip_value finds its end, the next parses. */
static void test_json_skip_value_resynchronises(void **state)
{
    (void)state;
    static const char buf[] = "{\"a\":1},\n{\"b\":[1,2,], \"c\":\"x\"},\n{\"d\":3}";
    size_t len = sizeof(buf) - 1, pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    struct fixture f;
    fixture_init(&f, 0);
    assert_int_equal(vg_json_parse(&f.p, buf, len, &pos, &root, &err), VG_JSON_OK);
    assert_non_null(vg_json_get(root, "a"));
    pos = vg_json_skip_ws(buf, len, pos) + 1; /* the comma */
    size_t bad = vg_json_skip_ws(buf, len, pos), before = pos;
    assert_int_equal(vg_json_parse(&f.p, buf, len, &pos, &root, &err), VG_JSON_ESYNTAX);
    assert_int_equal(pos, before); /* unchanged on failure */
    assert_int_equal(buf[err.offset], ']');
    size_t next = vg_json_skip_value(buf, len, bad);
    assert_int_equal(next, strstr(buf, "},\n{\"d\"") - buf + 1);
    pos = vg_json_skip_ws(buf, len, next) + 1;
    assert_int_equal(vg_json_parse(&f.p, buf, len, &pos, &root, &err), VG_JSON_OK);
    assert_true(text_is(vg_json_get(root, "d"), "3"));
    assert_int_equal(pos, len);
    fixture_release(&f);
}

/* ==== lookups ==== */

static void test_json_get_and_path(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"a\":{\"b\":{\"c\":42}},\"arr\":[1,[2,3],{\"x\":null},\"s\"],\"dup\":1,\"dup\":2,"
        "\"\":\"empty\",\"e\":{},\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":"
        "{\"arn\":\"arn:aws:iam::1:role/R\"}}},\"esc\\u0061ped\":true}";
    struct fixture f;
    fixture_init(&f, 0);
    const struct vg_json_value *root = parse_ok(&f, doc, sizeof(doc) - 1);
    static const struct {
        const char *path;
        const char *text; /* NULL: not found; "{" / "[": a container */
    } cases[] = {
        { "a.b.c", "42" },
        { "a.b", "{" },
        { "a", "{" },
        { "arr", "[" },
        { "dup", "1" },        /* the first of duplicate keys */
        { "escaped", "true" }, /* keys compare decoded */
        { "userIdentity.sessionContext.sessionIssuer.arn", "arn:aws:iam::1:role/R" },
        { "a.b.c.d", NULL }, /* through a number */
        { "a.x.c", NULL },
        { "arr.x", NULL }, /* arrays have no members */
        { "missing", NULL },
        { "A", NULL }, /* case matters */
        { "e.anything", NULL },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        const struct vg_json_value *v = vg_json_path(root, cases[i].path);
        const char *want = cases[i].text;
        bool ok = !want            ? v == NULL
                  : want[0] == '{' ? v && v->type == VG_JSON_OBJECT
                  : want[0] == '[' ? v && v->type == VG_JSON_ARRAY
                                   : text_is(v, want);
        if (!ok)
            fail_msg("path '%s': wrong result", cases[i].path);
    }
    /* get is one level of path; NULL and non-objects give NULL */
    assert_ptr_equal(vg_json_get(root, "a"), vg_json_path(root, "a"));
    assert_true(str_is(vg_json_get(root, ""), S("empty")));
    assert_null(vg_json_get(NULL, "a"));
    assert_null(vg_json_get(vg_json_get(root, "arr"), "0"));
    assert_null(vg_json_path(NULL, "a.b"));
    /* a path component longer than the lookup buffer is not found, not truncated */
    char longpath[200];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    assert_null(vg_json_path(root, longpath));
    fixture_release(&f);
}

static void test_json_first_next(void **state)
{
    (void)state;
    static const char doc[] = "{\"arr\":[1,[2,3],{\"x\":null,\"y\":[]},\"s\"],\"o\":{\"k1\":true,"
                              "\"k2\":{\"n\":[1]},\"k3\":\"v\"},\"e\":[],\"eo\":{}}";
    struct fixture f;
    fixture_init(&f, 0);
    const struct vg_json_value *root = parse_ok(&f, doc, sizeof(doc) - 1);

    static const enum vg_json_type arr_types[] = { VG_JSON_NUMBER, VG_JSON_ARRAY, VG_JSON_OBJECT,
                                                   VG_JSON_STRING };
    const struct vg_json_value *arr = vg_json_get(root, "arr");
    size_t n = 0;
    for (const struct vg_json_value *e = vg_json_first(arr); e; e = vg_json_next(arr, e)) {
        assert_true(n < VG_ARRAY_LEN(arr_types));
        assert_int_equal(e->type, arr_types[n++]);
    }
    assert_int_equal(n, arr->len);
    assert_int_equal(n, 4);

    static const char *const keys[] = { "k1", "k2", "k3" };
    const struct vg_json_value *o = vg_json_get(root, "o");
    n = 0;
    for (const struct vg_json_value *v = vg_json_first(o); v; v = vg_json_next(o, v)) {
        assert_true(n < VG_ARRAY_LEN(keys));
        assert_true(str_is(v - 1, keys[n], strlen(keys[n]))); /* the key is value[-1] */
        n++;
    }
    assert_int_equal(n, 3);

    /* top level: members of root in order */
    n = 0;
    for (const struct vg_json_value *v = vg_json_first(root); v; v = vg_json_next(root, v))
        n++;
    assert_int_equal(n, 4);

    assert_null(vg_json_first(NULL));
    assert_null(vg_json_first(vg_json_get(root, "e")));
    assert_null(vg_json_first(vg_json_get(root, "eo")));
    assert_null(vg_json_first(vg_json_path(root, "o.k1"))); /* a scalar */
    fixture_release(&f);
}

static void test_json_i64(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        bool ok;
        int64_t value;
    } cases[] = {
        { "0", true, 0 },
        { "-0", true, 0 },
        { "42", true, 42 },
        { "-7", true, -7 },
        { "123456789012", true, 123456789012 },
        { "9223372036854775807", true, INT64_MAX },
        { "-9223372036854775808", true, INT64_MIN },
        { "9223372036854775808", false, 0 },
        { "-9223372036854775809", false, 0 },
        { "18446744073709551615", false, 0 },
        { "18446744073709551616", false, 0 },
        { "123456789012345678901234", false, 0 },
        { "1.0", false, 0 },
        { "1e3", false, 0 },
        { "\"42\"", true, 42 }, /* numeric strings count: CloudTrail quotes some numbers */
        { "\"-9223372036854775808\"", true, INT64_MIN },
        { "\"\"", false, 0 },
        { "\"-\"", false, 0 },
        { "\"4x\"", false, 0 },
        { "\" 4\"", false, 0 },
        { "true", false, 0 },
        { "null", false, 0 },
        { "[1]", false, 0 },
    };
    struct fixture f;
    fixture_init(&f, 0);
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        int64_t v = 12345;
        const struct vg_json_value *root = parse_ok(&f, cases[i].input, strlen(cases[i].input));
        bool ok = vg_json_i64(root, &v);
        if (ok != cases[i].ok || (ok && v != cases[i].value))
            fail_msg("'%s': got %d/%" PRId64 ", want %d/%" PRId64, cases[i].input, ok, v,
                     cases[i].ok, cases[i].value);
        if (!ok && v != 12345)
            fail_msg("'%s': *out written on failure", cases[i].input);
    }
    assert_false(vg_json_i64(NULL, &(int64_t){ 0 }));
    fixture_release(&f);
}

static void test_json_bool(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        bool ok;
        bool value;
    } cases[] = {
        { "true", true, true },        { "false", true, false },   { "\"true\"", true, true },
        { "\"false\"", true, false },  { "\"TRUE\"", true, true }, { "\"False\"", true, false },
        { "\"yes\"", false, false },   { "\"\"", false, false },   { "1", false, false },
        { "0", false, false },         { "null", false, false },   { "{}", false, false },
        { "\"true \"", false, false },
    };
    struct fixture f;
    fixture_init(&f, 0);
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        bool b = !cases[i].value;
        const struct vg_json_value *root = parse_ok(&f, cases[i].input, strlen(cases[i].input));
        bool ok = vg_json_bool(root, &b);
        if (ok != cases[i].ok || (ok && b != cases[i].value))
            fail_msg("'%s': got %d/%d, want %d/%d", cases[i].input, ok, b, cases[i].ok,
                     cases[i].value);
    }
    assert_false(vg_json_bool(NULL, &(bool){ false }));
    fixture_release(&f);
}

/* Numbers keep their exact text: ids and request ids never pass through a double. */
static void test_json_numbers_keep_text(void **state)
{
    (void)state;
    static const char *const numbers[] = {
        "123456789012",
        "1e400",
        "-1E-400",
        "123456789012345678901234",
        "0.1000000000000000055511",
        "-0",
        "-0.0e+00",
        "9007199254740993",
        "3.141592653589793238462643383279",
    };
    struct fixture f;
    struct vg_buf b = VG_BUF_INIT;
    fixture_init(&f, 0);
    for (size_t i = 0; i < VG_ARRAY_LEN(numbers); i++) {
        /* alone, and inside an array with white space around */
        const struct vg_json_value *v = parse_ok(&f, numbers[i], strlen(numbers[i]));
        assert_int_equal(v->type, VG_JSON_NUMBER);
        assert_true(text_is(v, numbers[i]));
        vg_buf_reset(&b);
        vg_buf_printf(&b, "[ %s ,\n%s]", numbers[i], numbers[i]);
        const struct vg_json_value *arr = parse_ok(&f, b.data, b.len);
        for (const struct vg_json_value *e = vg_json_first(arr); e; e = vg_json_next(arr, e)) {
            assert_true(text_is(e, numbers[i]));
            assert_true(e->ptr >= b.data && e->ptr < b.data + b.len); /* zero-copy */
        }
    }
    /* vg_json_text of the other kinds */
    const struct vg_json_value *root = parse_ok(&f, S("[true,false,null,\"s\\n\",{},[]]"));
    const struct vg_json_value *e = vg_json_first(root);
    assert_true(text_is(e, "true"));
    assert_true(text_is(e = vg_json_next(root, e), "false"));
    assert_true(text_is(e = vg_json_next(root, e), "null"));
    assert_true(text_is(e = vg_json_next(root, e), "s\n"));
    assert_null(vg_json_text(e = vg_json_next(root, e)).ptr); /* containers have no text */
    assert_null(vg_json_text(vg_json_next(root, e)).ptr);
    assert_null(vg_json_text(NULL).ptr);
    assert_null(vg_json_str(vg_json_first(root)).ptr); /* vg_json_str is for strings only */
    vg_buf_release(&b);
    fixture_release(&f);
}

/* The tape grows past its first allocation; counts and skips stay right. */
static void test_json_large_document(void **state)
{
    (void)state;
    struct fixture f;
    struct vg_buf b = VG_BUF_INIT;
    fixture_init(&f, 0);
    vg_buf_adds(&b, "{\"Records\":[");
    for (int i = 0; i < 5000; i++)
        vg_buf_printf(&b, "%s{\"i\":%d,\"s\":\"x\\ty\"}", i ? "," : "", i);
    vg_buf_adds(&b, "]}");
    const struct vg_json_value *root = parse_ok(&f, b.data, b.len);
    const struct vg_json_value *recs = vg_json_get(root, "Records");
    assert_int_equal(recs->len, 5000);
    assert_int_equal(recs->skip, 1 + 5000 * 5);
    assert_int_equal(root->skip, 2 + recs->skip);
    int64_t last = -1, i64;
    for (const struct vg_json_value *r = vg_json_first(recs); r; r = vg_json_next(recs, r)) {
        assert_true(vg_json_i64(vg_json_get(r, "i"), &i64));
        assert_int_equal(i64, last + 1);
        last = i64;
        assert_true(str_is(vg_json_get(r, "s"), S("x\ty")));
    }
    assert_int_equal(last, 4999);
    vg_buf_release(&b);
    fixture_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_json_stops_after_value),
        cmocka_unit_test(test_json_depth_limit),
        cmocka_unit_test(test_json_size_limit),
        cmocka_unit_test(test_json_size_limit_top_level_number),
        cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_json_skip_value),
        cmocka_unit_test(test_json_skip_value_resynchronises),
        cmocka_unit_test(test_json_get_and_path),
        cmocka_unit_test(test_json_first_next),
        cmocka_unit_test(test_json_i64),
        cmocka_unit_test(test_json_bool),
        cmocka_unit_test(test_json_numbers_keep_text),
        cmocka_unit_test(test_json_large_document),
        cmocka_unit_test(test_json_differential_generated),
        cmocka_unit_test(test_json_differential_corpus),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
