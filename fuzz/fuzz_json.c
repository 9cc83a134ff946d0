/*
 * Fuzz target: the JSON reader (src/parse/json.c).
 *
 * The input is read as a sequence of values, the way the CloudTrail framing reads JSON lines.
 * After every successful parse the tape is checked against the contract in json.h:
 *  - each container's `skip` is 1 + the slots of its members (keys included) and `len` counts
 *    them; vg_json_first/next visit exactly `len` children and stay inside the subtree;
 *  - every string slot (keys too) is valid UTF-8, whatever bytes the input held;
 *  - every number slot is a JSON number, as written;
 *  - vg_json_skip_value finds the same end as the parser for containers and strings;
 *  - lookups (get, path, text, bool, i64) on every slot neither crash nor read outside.
 * A failed parse must leave *pos alone and report an offset inside the buffer; the target then
 * resynchronises with vg_json_skip_value like cloudtrail.c does.  A second parser with a small
 * max_bytes drives the VG_JSON_ETOO_BIG paths over the same bytes.
 */
#include "core/compat.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "parse/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_json: invariant failed: %s (%s:%d)\n", #cond, __FILE__,          \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_utf8(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = vg_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        CHECK(n > 0);
        i += n;
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void check_number(const char *s, size_t len)
{
    size_t i = 0;
    CHECK(len > 0);
    if (s[i] == '-')
        i++;
    CHECK(i < len && is_digit(s[i]));
    if (s[i] == '0')
        i++;
    else
        while (i < len && is_digit(s[i]))
            i++;
    if (i < len && s[i] == '.') {
        i++;
        CHECK(i < len && is_digit(s[i]));
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        CHECK(i < len && is_digit(s[i]));
        while (i < len && is_digit(s[i]))
            i++;
    }
    CHECK(i == len);
}

/* Check the subtree at v (depth-limited by the parser, so recursion is bounded); returns its
 * slot count. */
static size_t check_tree(const struct vg_json_value *v, const char *buf, size_t len)
{
    struct vg_str t = vg_json_text(v);
    bool b;
    int64_t i64;
    (void)vg_json_bool(v, &b);
    (void)vg_json_i64(v, &i64);
    switch (v->type) {
    case VG_JSON_NULL:
    case VG_JSON_TRUE:
    case VG_JSON_FALSE:
        CHECK(v->skip == 1);
        CHECK(t.ptr >= buf && t.ptr + t.len <= buf + len);
        CHECK(t.len == (v->type == VG_JSON_FALSE ? 5u : 4u));
        return 1;
    case VG_JSON_NUMBER:
        CHECK(v->skip == 1);
        CHECK(v->ptr >= buf && v->ptr + v->len <= buf + len);
        check_number(v->ptr, v->len);
        return 1;
    case VG_JSON_STRING:
        CHECK(v->skip == 1);
        CHECK(v->len == 0 || v->ptr != NULL);
        check_utf8(v->ptr, v->len);
        return 1;
    case VG_JSON_ARRAY:
    case VG_JSON_OBJECT: break;
    default: CHECK(!"unknown slot type");
    }
    bool obj = v->type == VG_JSON_OBJECT;
    size_t slots = 1;
    uint32_t children = 0;
    for (const struct vg_json_value *c = vg_json_first(v); c; c = vg_json_next(v, c)) {
        CHECK(c > v && c < v + v->skip);
        if (obj) {
            const struct vg_json_value *k = c - 1;
            CHECK(k->type == VG_JSON_STRING && k->skip == 1);
            check_utf8(k->ptr, k->len);
            slots++;
            /* the first member with this key is what vg_json_get must find */
            if (k->len > 0 && k->len < 64 && !memchr(k->ptr, '\0', k->len) &&
                !memchr(k->ptr, '.', k->len)) {
                char key[64];
                memcpy(key, k->ptr, k->len);
                key[k->len] = '\0';
                const struct vg_json_value *got = vg_json_get(v, key);
                CHECK(got != NULL && got <= c);
                CHECK(vg_json_path(v, key) == got);
            }
        }
        size_t n = check_tree(c, buf, len);
        CHECK(n == c->skip);
        slots += n;
        children++;
        CHECK(children <= v->len);
    }
    CHECK(children == v->len);
    CHECK(slots == v->skip);
    (void)vg_json_get(v, "eventTime");
    (void)vg_json_path(v, "userIdentity.sessionContext.sessionIssuer.arn");
    (void)vg_json_path(v, "a.b.c");
    (void)vg_json_path(v, "");
    (void)vg_json_path(v, "..");
    return slots;
}

static struct vg_arena arena;
static struct vg_json_parser parser;
static struct vg_json_parser small_parser;
static bool ready;

static void run(struct vg_json_parser *p, const char *buf, size_t len, bool full_checks)
{
    size_t pos = 0;
    unsigned values = 0;
    while (pos < len && values < 4096) {
        size_t start = vg_json_skip_ws(buf, len, pos);
        if (start >= len)
            break;
        size_t before = pos;
        const struct vg_json_value *root = NULL;
        struct vg_json_error err;
        enum vg_json_errcode rc = vg_json_parse(p, buf, len, &pos, &root, &err);
        values++;
        if (rc == VG_JSON_OK) {
            CHECK(root != NULL);
            CHECK(pos > start && pos <= len);
            CHECK(root->skip <= p->tape_cap);
            if (full_checks)
                CHECK(check_tree(root, buf, len) == root->skip);
            if (root->type == VG_JSON_OBJECT || root->type == VG_JSON_ARRAY ||
                root->type == VG_JSON_STRING)
                CHECK(vg_json_skip_value(buf, len, start) == pos);
            continue;
        }
        CHECK(pos == before);
        CHECK(err.code == rc);
        CHECK(err.what != NULL);
        CHECK(err.offset <= len);
        CHECK(rc != VG_JSON_ENOMEM);
        /* resynchronise as cloudtrail.c does: past the value if its brackets close, else at
         * the next line (so hostile input costs linear time, not quadratic) */
        size_t next = vg_json_skip_value(buf, len, start);
        CHECK(next <= len);
        if (next <= start) { /* 0: no end in sight; start: a stray ',' ']' '}' or NUL */
            const char *nl = memchr(buf + start, '\n', len - start);
            if (!nl)
                break;
            next = (size_t)(nl - buf) + 1;
        }
        pos = next;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        vg_arena_init(&arena, 1 << 16, 0);
        vg_json_parser_init(&parser, &arena, 0);
        vg_json_parser_init(&small_parser, &arena, 64);
        ready = true;
    }
    const char *buf = (const char *)data;
    run(&parser, buf, size, true);
    run(&small_parser, buf, size, true);
    vg_arena_reset(&arena);
    return 0;
}
