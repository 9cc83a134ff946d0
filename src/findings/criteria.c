/*
 * GuardDuty finding criteria over finding JSON; see criteria.h.
 *
 * vg_criteria_parse compiles the criterion map into a flat array of conditions (one per
 * field and condition key), all of it in one arena that vg_criteria_free drops.  Values keep
 * their length, so a value holding a NUL (\u0000) is compared as the data it is.
 * vg_criteria_match parses the finding with the parser kept in the criteria, whose tape and
 * arena are reset and reused: once warm it allocates nothing, which is what the API needs when
 * one request filters 100k stored findings.  The price is that a criteria object is scratch
 * space for one thread at a time.
 *
 * Every loop is bounded by the input: the path walk recurses at most once per path segment
 * and per array level (the JSON reader caps nesting), and `matches` never backtracks past a
 * `*`, so a hostile pattern costs at most one scan of the value per segment.
 */
#include "findings/criteria.h"

#include "core/arena.h"
#include "core/limits.h"
#include "core/time.h"
#include "parse/json.h"

/* GuardDuty's own limits on a Condition (API reference, CreateFilter). */
#define MAX_FIELDS 50
#define MAX_VALUES 50
#define MAX_VALUE_BYTES 512
#define MAX_PATH_BYTES 256

enum op { OP_EQ, OP_NEQ, OP_GT, OP_GTE, OP_LT, OP_LTE, OP_MATCH, OP_NMATCH };

static const struct {
    const char *key;
    enum op op;
} op_names[] = {
    { "equals", OP_EQ },
    { "notEquals", OP_NEQ },
    { "greaterThan", OP_GT },
    { "greaterThanOrEqual", OP_GTE },
    { "lessThan", OP_LT },
    { "lessThanOrEqual", OP_LTE },
    { "matches", OP_MATCH },
    { "notMatches", OP_NMATCH },
    /* deprecated spellings GuardDuty still accepts (the only ones older botocore knows) */
    { "eq", OP_EQ },
    { "neq", OP_NEQ },
    { "gt", OP_GT },
    { "gte", OP_GTE },
    { "lt", OP_LT },
    { "lte", OP_LTE },
};

struct value {
    const char *ptr; /* NUL-terminated for strtod, but may hold NULs of its own */
    size_t len;
    bool is_number; /* equals ["8.0"] also meets the number 8 */
    double number;
};

/* One condition on one path; a field with several keys gives several, all of which must hold. */
struct cond {
    const char *path;
    enum op op;
    const struct value *values; /* equals/matches: the alternatives */
    size_t nvalues;
    double number; /* the comparisons */
};

struct vg_criteria {
    struct cond *conds;
    size_t count;
    struct vg_arena keep; /* conds, paths and values */
    /* the finding parser, reused by every match */
    struct vg_arena scratch;
    struct vg_json_parser json;
};

bool vg_criteria_path_valid(const char *path)
{
    size_t n = strlen(path);
    if (n == 0 || n >= MAX_PATH_BYTES || path[0] == '.' || path[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)path[i]) && path[i] != '_' &&
            !(path[i] == '.' && path[i + 1] != '.'))
            return false;
    return true;
}

void vg_criteria_free(struct vg_criteria *c)
{
    if (!c)
        return;
    vg_json_parser_release(&c->json);
    vg_arena_release(&c->scratch);
    vg_arena_release(&c->keep);
    free(c);
}

/* JSON number syntax, leading zeros allowed (account ids): strtod alone would also take hex,
 * "inf" and leading blanks. */
static bool number_syntax(struct vg_str t)
{
    size_t i = 0, d;
    if (i < t.len && t.ptr[i] == '-')
        i++;
    for (d = i; i < t.len && isdigit((unsigned char)t.ptr[i]); i++)
        ;
    if (i == d)
        return false;
    if (i < t.len && t.ptr[i] == '.') {
        for (d = ++i; i < t.len && isdigit((unsigned char)t.ptr[i]); i++)
            ;
        if (i == d)
            return false;
    }
    if (i < t.len && (t.ptr[i] == 'e' || t.ptr[i] == 'E')) {
        if (++i < t.len && (t.ptr[i] == '+' || t.ptr[i] == '-'))
            i++;
        for (d = i; i < t.len && isdigit((unsigned char)t.ptr[i]); i++)
            ;
        if (i == d)
            return false;
    }
    return i == t.len;
}

static bool text_number(struct vg_str t, double *out)
{
    char buf[72];
    if (t.len == 0 || t.len >= sizeof(buf) || !number_syntax(t))
        return false;
    memcpy(buf, t.ptr, t.len);
    buf[t.len] = '\0';
    double d = strtod(buf, NULL);
    if (!isfinite(d))
        return false;
    *out = d;
    return true;
}

/* A number from a JSON number or a string holding one; timestamps in ISO 8601 become epoch
 * milliseconds, which is how GuardDuty's clients pass updatedAt. */
static bool as_number(const struct vg_json_value *v, double *out)
{
    if (v->type != VG_JSON_NUMBER && v->type != VG_JSON_STRING)
        return false;
    struct vg_str t = vg_json_text(v);
    if (text_number(t, out))
        return true;
    int64_t ms;
    if (v->type == VG_JSON_STRING && vg_time_parse_iso(t, &ms)) {
        *out = (double)ms;
        return true;
    }
    return false;
}

/* The text equals/matches compare: strings as they are, numbers and literals as written. */
static bool value_text(const struct vg_json_value *v, struct vg_str *out)
{
    if (v->type == VG_JSON_ARRAY || v->type == VG_JSON_OBJECT || v->type == VG_JSON_NULL)
        return false;
    *out = vg_json_text(v);
    return true;
}

static int fail(char *why, size_t why_len, const char *fmt, ...) VG_PRINTF(3, 4);
static int fail(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
    return VG_EFORMAT;
}

/* Client text quoted in a message: at most 32 bytes, anything but printable ASCII shown as
 * '?', so a hostile key cannot put control bytes into a log line or a response. */
static const char *shown(struct vg_str s, char out[36])
{
    size_t n = s.len < 32 ? s.len : 32;
    for (size_t i = 0; i < n; i++)
        out[i] = s.ptr[i] >= 0x20 && s.ptr[i] < 0x7f ? s.ptr[i] : '?';
    if (s.len > n) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

static int add_values(struct vg_criteria *c, struct cond *cd, const struct vg_json_value *arr,
                      const char *key, char *why, size_t why_len)
{
    if (arr->type != VG_JSON_ARRAY)
        return fail(why, why_len, "criterion.%s: %s must be an array of strings", cd->path, key);
    if (arr->len > MAX_VALUES)
        return fail(why, why_len, "criterion.%s: %s takes at most %d values", cd->path, key,
                    MAX_VALUES);
    struct value *vals = vg_arena_alloc(&c->keep, (arr->len ? arr->len : 1) * sizeof(*vals));
    if (!vals)
        return VG_ENOMEM;
    for (const struct vg_json_value *v = vg_json_first(arr); v; v = vg_json_next(arr, v)) {
        struct vg_str t;
        if (!value_text(v, &t))
            return fail(why, why_len, "criterion.%s: %s values must be strings", cd->path, key);
        if (t.len > MAX_VALUE_BYTES)
            return fail(why, why_len, "criterion.%s: %s value %zu is over %d bytes", cd->path, key,
                        cd->nvalues + 1, MAX_VALUE_BYTES);
        struct value *x = &vals[cd->nvalues++];
        x->ptr = vg_arena_strndup(&c->keep, t.ptr, t.len);
        if (!x->ptr)
            return VG_ENOMEM;
        x->len = t.len;
        x->is_number = text_number(t, &x->number);
    }
    cd->values = vals;
    return VG_OK;
}

/* The conditions of one field: each key once (legacy aliases included), so a criteria with
 * thousands of repeated keys cannot grow past 50 fields x 8 conditions. */
static int add_field(struct vg_criteria *c, const struct vg_json_value *f, char *why,
                     size_t why_len)
{
    struct vg_str path = vg_json_str(f - 1);
    char q[36];
    if (path.len >= MAX_PATH_BYTES || memchr(path.ptr, '\0', path.len))
        return fail(why, why_len, "criterion: '%s' is not a field path", shown(path, q));
    char *p = vg_arena_strndup(&c->keep, path.ptr, path.len);
    if (!p)
        return VG_ENOMEM;
    if (!vg_criteria_path_valid(p))
        return fail(why, why_len, "criterion: '%s' is not a field path", shown(path, q));
    /* JSON readers disagree on which duplicate wins, so a filter that names a field twice is
     * ambiguous: refuse it rather than guess. */
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->conds[i].path, p) == 0)
            return fail(why, why_len, "criterion.%s: the field appears twice", p);
    if (f->type != VG_JSON_OBJECT || f->len == 0)
        return fail(why, why_len, "criterion.%s: a condition object is required", p);
    unsigned seen = 0;
    for (const struct vg_json_value *k = vg_json_first(f); k; k = vg_json_next(f, k)) {
        struct vg_str key = vg_json_str(k - 1);
        size_t o = 0;
        while (o < VG_ARRAY_LEN(op_names) && !vg_str_eq_lit(key, op_names[o].key))
            o++;
        if (o == VG_ARRAY_LEN(op_names))
            return fail(why, why_len, "criterion.%s: unknown condition '%s'", p, shown(key, q));
        if (seen & (1u << op_names[o].op))
            return fail(why, why_len, "criterion.%s: '%s' repeats an earlier condition", p,
                        op_names[o].key);
        seen |= 1u << op_names[o].op;
        struct cond *cd = &c->conds[c->count++];
        *cd = (struct cond){ .path = p, .op = op_names[o].op };
        switch (cd->op) {
        case OP_EQ:
        case OP_NEQ:
        case OP_MATCH:
        case OP_NMATCH: {
            int rc = add_values(c, cd, k, op_names[o].key, why, why_len);
            if (rc != VG_OK)
                return rc;
            break;
        }
        default:
            if (!as_number(k, &cd->number))
                return fail(why, why_len, "criterion.%s: %s must be a number", p, op_names[o].key);
        }
    }
    return VG_OK;
}

static int compile(struct vg_criteria *c, const struct vg_json_value *root, char *why,
                   size_t why_len)
{
    char q[36];
    if (root->type != VG_JSON_OBJECT)
        return fail(why, why_len, "findingCriteria must be an object");
    for (const struct vg_json_value *m = vg_json_first(root); m; m = vg_json_next(root, m))
        if (!vg_str_eq_lit(vg_json_str(m - 1), "criterion"))
            return fail(why, why_len, "findingCriteria: unknown member '%s' (only criterion)",
                        shown(vg_json_str(m - 1), q));
    if (root->len > 1)
        return fail(why, why_len, "findingCriteria: 'criterion' appears twice");
    const struct vg_json_value *crit = vg_json_get(root, "criterion");
    if (!crit)
        return VG_OK;
    if (crit->type != VG_JSON_OBJECT)
        return fail(why, why_len, "criterion must be an object of field paths");
    if (crit->len > MAX_FIELDS)
        return fail(why, why_len, "criterion: at most %d fields", MAX_FIELDS);
    c->conds =
        vg_arena_alloc(&c->keep, (crit->len ? crit->len : 1) * (OP_NMATCH + 1) * sizeof(*c->conds));
    if (!c->conds)
        return VG_ENOMEM;
    for (const struct vg_json_value *f = vg_json_first(crit); f; f = vg_json_next(crit, f)) {
        int rc = add_field(c, f, why, why_len);
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

int vg_criteria_parse(const char *json, size_t len, struct vg_criteria **out, char *why,
                      size_t why_len)
{
    *out = NULL;
    struct vg_criteria *c = calloc(1, sizeof(*c));
    if (!c)
        return VG_ENOMEM;
    vg_arena_init(&c->keep, 1 << 12, 0);
    vg_arena_init(&c->scratch, 1 << 16, 0);
    vg_json_parser_init(&c->json, &c->scratch, VG_MAX_RECORD_BYTES);
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    int rc;
    if (vg_json_parse(&c->json, json, len, &pos, &root, &err) != VG_JSON_OK)
        rc = err.code == VG_JSON_ENOMEM
                 ? VG_ENOMEM
                 : fail(why, why_len, "malformed JSON at byte %zu: %s", err.offset, err.what);
    else if (vg_json_skip_ws(json, len, pos) != len)
        rc = fail(why, why_len, "findingCriteria must be one JSON object");
    else
        rc = compile(c, root, why, why_len);
    vg_arena_reset(&c->scratch);
    if (rc != VG_OK) {
        vg_criteria_free(c);
        return rc;
    }
    *out = c;
    return VG_OK;
}

/* ---- matches: `*` any run, `?` one character ---- */

/* Bytes in the UTF-8 character at s[i]; parsed JSON strings are valid UTF-8. */
static size_t char_len(const char *s, size_t n, size_t i)
{
    size_t k = 1;
    while (k < 4 && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
        k++;
    return k;
}

/* Match the star-free segment seg at s[i..n): the end, or SIZE_MAX. */
static size_t seg_at(const char *seg, size_t len, const char *s, size_t n, size_t i)
{
    for (size_t k = 0; k < len; k++) {
        if (i >= n || (seg[k] != '?' && seg[k] != s[i]))
            return SIZE_MAX;
        i += seg[k] == '?' ? char_len(s, n, i) : 1;
    }
    return i;
}

/* Match seg so that it ends at s[n]: where it starts, or SIZE_MAX. */
static size_t seg_before(const char *seg, size_t len, const char *s, size_t n)
{
    size_t i = n;
    for (size_t k = len; k-- > 0;) {
        if (i == 0 || (seg[k] != '?' && seg[k] != s[i - 1]))
            return SIZE_MAX;
        i--;
        while (seg[k] == '?' && i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
    }
    return i;
}

/* The end of seg's leftmost match in s[from..n), or SIZE_MAX.  Leftmost is always right: a
 * later segment can only gain from an earlier end. */
static size_t seg_find(const char *seg, size_t len, const char *s, size_t n, size_t from)
{
    if (!memchr(seg, '?', len)) {
        const char *m = memmem(s + from, n - from, seg, len);
        return m ? (size_t)(m - s) + len : SIZE_MAX;
    }
    for (size_t i = from; i < n; i += char_len(s, n, i)) {
        size_t end = seg_at(seg, len, s, n, i);
        if (end != SIZE_MAX)
            return end;
    }
    return SIZE_MAX;
}

/* The pattern splits at its stars into a prefix, middle segments and a suffix: the prefix and
 * suffix are anchored, each middle segment is found leftmost after the previous one.  No
 * backtracking, so no pattern can make this slower than one search per segment. */
static bool glob(const char *pat, size_t plen, const char *s, size_t n)
{
    const char *star = memchr(pat, '*', plen);
    if (!star)
        return seg_at(pat, plen, s, n, 0) == n;
    size_t first = (size_t)(star - pat), last = plen;
    while (pat[last - 1] != '*')
        last--;
    size_t lo = seg_at(pat, first, s, n, 0);
    size_t hi = seg_before(pat + last, plen - last, s, n);
    if (lo == SIZE_MAX || hi == SIZE_MAX || hi < lo)
        return false;
    for (size_t p = first + 1; p < last;) {
        size_t e = p;
        while (pat[e] != '*')
            e++;
        if (e > p && (lo = seg_find(pat + p, e - p, s, hi, lo)) == SIZE_MAX)
            return false;
        p = e + 1;
    }
    return true;
}

/* ---- evaluation ---- */

/* Does one leaf value satisfy the positive form of the condition? */
static bool leaf_meets(const struct cond *c, const struct vg_json_value *v)
{
    struct vg_str t;
    double d;
    switch (c->op) {
    case OP_EQ:
    case OP_NEQ: {
        if (!value_text(v, &t))
            return false;
        int numeric = -1; /* the finding's number, parsed on first need */
        for (size_t k = 0; k < c->nvalues; k++) {
            const struct value *x = &c->values[k];
            if (x->len == t.len && memcmp(x->ptr, t.ptr, t.len) == 0)
                return true;
            if (x->is_number && v->type == VG_JSON_NUMBER) {
                if (numeric < 0)
                    numeric = as_number(v, &d);
                if (numeric && d == x->number)
                    return true;
            }
        }
        return false;
    }
    case OP_MATCH:
    case OP_NMATCH:
        if (!value_text(v, &t))
            return false;
        for (size_t k = 0; k < c->nvalues; k++)
            if (glob(c->values[k].ptr, c->values[k].len, t.ptr, t.len))
                return true;
        return false;
    case OP_GT: return as_number(v, &d) && d > c->number;
    case OP_GTE: return as_number(v, &d) && d >= c->number;
    case OP_LT: return as_number(v, &d) && d < c->number;
    case OP_LTE: return as_number(v, &d) && d <= c->number;
    }
    return false;
}

typedef bool (*leaf_fn)(void *ctx, const struct vg_json_value *v);

/* Call fn for every value at `path` below v, walking arrays element by element; stops (and
 * returns true) when fn does.  Depth: one level per path segment or array, both bounded. */
static bool visit(const struct vg_json_value *v, const char *path, leaf_fn fn, void *ctx)
{
    if (v->type == VG_JSON_ARRAY) {
        for (const struct vg_json_value *e = vg_json_first(v); e; e = vg_json_next(v, e))
            if (visit(e, path, fn, ctx))
                return true;
        return false;
    }
    if (*path == '\0')
        return fn(ctx, v);
    if (v->type != VG_JSON_OBJECT)
        return false;
    size_t seg = strcspn(path, ".");
    const char *rest = path[seg] ? path + seg + 1 : path + seg;
    for (const struct vg_json_value *m = vg_json_first(v); m; m = vg_json_next(v, m)) {
        struct vg_str key = vg_json_str(m - 1);
        if (key.len == seg && memcmp(key.ptr, path, seg) == 0)
            return visit(m, rest, fn, ctx);
    }
    return false;
}

static bool meets(void *ctx, const struct vg_json_value *v)
{
    return leaf_meets(ctx, v);
}

/* ---- sort keys ---- */

static bool take_first(void *ctx, const struct vg_json_value *v)
{
    *(const struct vg_json_value **)ctx = v;
    return true;
}

/* The first value at `path` below root as a sort key. */
static void key_at(const struct vg_json_value *root, const char *path, struct vg_sort_key *out)
{
    const struct vg_json_value *leaf = NULL;
    struct vg_str t;
    memset(out, 0, sizeof(*out));
    visit(root, path, take_first, &leaf);
    if (!leaf || !value_text(leaf, &t))
        return;
    out->present = true;
    out->is_number = as_number(leaf, &out->number);
    size_t n = t.len < sizeof(out->text) - 1 ? t.len : sizeof(out->text) - 1;
    memcpy(out->text, t.ptr, n);
    out->text[n] = '\0';
}

bool vg_criteria_match_keys(const struct vg_criteria *cc, const char *json, size_t len,
                            const char *const *paths, size_t npaths, struct vg_sort_key *keys)
{
    struct vg_criteria *c = (struct vg_criteria *)cc; /* the parser is scratch space */
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    vg_arena_reset(&c->scratch);
    if (vg_json_parse(&c->json, json, len, &pos, &root, &err) != VG_JSON_OK ||
        root->type != VG_JSON_OBJECT)
        return false;
    for (size_t i = 0; i < c->count; i++) {
        const struct cond *cd = &c->conds[i];
        bool any = visit(root, cd->path, meets, (void *)cd);
        bool negative = cd->op == OP_NEQ || cd->op == OP_NMATCH;
        if (negative ? any : !any)
            return false;
    }
    for (size_t i = 0; i < npaths; i++)
        key_at(root, paths[i], &keys[i]);
    return true;
}

bool vg_criteria_match(const struct vg_criteria *c, const char *json, size_t len)
{
    return vg_criteria_match_keys(c, json, len, NULL, 0, NULL);
}

void vg_sort_key_get(const char *json, size_t len, const char *path, struct vg_sort_key *out)
{
    struct vg_criteria *all;
    char why[64];
    memset(out, 0, sizeof(*out));
    if (vg_criteria_parse("{}", 2, &all, why, sizeof(why)) != VG_OK)
        return;
    vg_criteria_match_keys(all, json, len, &path, 1, out);
    vg_criteria_free(all);
}

int vg_sort_key_cmp(const struct vg_sort_key *a, const struct vg_sort_key *b)
{
    if (a->present != b->present)
        return a->present ? 1 : -1;
    if (a->is_number && b->is_number)
        return a->number < b->number ? -1 : a->number > b->number;
    if (a->is_number != b->is_number)
        return a->is_number ? -1 : 1;
    return strcmp(a->text, b->text);
}
