/* GuardDuty finding criteria over finding JSON; see criteria.h. */
#include "findings/criteria.h"

#include "core/arena.h"
#include "core/limits.h"
#include "core/time.h"
#include "parse/json.h"

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
    /* deprecated spellings GuardDuty still accepts */
    { "eq", OP_EQ },
    { "neq", OP_NEQ },
    { "gt", OP_GT },
    { "gte", OP_GTE },
    { "lt", OP_LT },
    { "lte", OP_LTE },
};

/* One condition on one path; a field with several keys gives several, all of which must hold. */
struct cond {
    char path[MAX_PATH_BYTES];
    enum op op;
    char **values; /* equals/matches: the alternatives (NUL-free, at most MAX_VALUE_BYTES) */
    size_t nvalues;
    double number; /* the comparisons */
};

struct vg_criteria {
    struct cond *conds;
    size_t count;
    /* the finding parser, reused by every match: a criteria is used by one thread at a time */
    struct vg_arena arena;
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
    for (size_t i = 0; i < c->count; i++) {
        for (size_t k = 0; k < c->conds[i].nvalues; k++)
            free(c->conds[i].values[k]);
        free(c->conds[i].values);
    }
    free(c->conds);
    vg_json_parser_release(&c->json);
    vg_arena_release(&c->arena);
    free(c);
}

/* A number from a JSON number or a string holding one; timestamps in ISO 8601 become epoch
 * milliseconds, which is how GuardDuty's clients pass updatedAt. */
static bool as_number(const struct vg_json_value *v, double *out)
{
    struct vg_str t = vg_json_text(v);
    if (!v || (v->type != VG_JSON_NUMBER && v->type != VG_JSON_STRING) || t.len == 0 || t.len > 64)
        return false;
    char buf[72];
    memcpy(buf, t.ptr, t.len);
    buf[t.len] = '\0';
    char *end;
    double d = strtod(buf, &end);
    if (*end == '\0' && end != buf && isfinite(d)) {
        *out = d;
        return true;
    }
    int64_t ms;
    if (v->type == VG_JSON_STRING && vg_time_parse_iso(t, &ms)) {
        *out = (double)ms;
        return true;
    }
    return false;
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

/* The text equals/matches compare: strings as they are, numbers and literals as written. */
static bool value_text(const struct vg_json_value *v, struct vg_str *out)
{
    if (!v || v->type == VG_JSON_ARRAY || v->type == VG_JSON_OBJECT || v->type == VG_JSON_NULL)
        return false;
    *out = vg_json_text(v);
    return true;
}

static int add_values(struct cond *c, const struct vg_json_value *arr, const char *key, char *why,
                      size_t why_len)
{
    if (!arr || arr->type != VG_JSON_ARRAY)
        return fail(why, why_len, "criterion.%s: %s must be an array of strings", c->path, key);
    if (arr->len > MAX_VALUES)
        return fail(why, why_len, "criterion.%s: %s takes at most %d values", c->path, key,
                    MAX_VALUES);
    c->values = calloc(arr->len ? arr->len : 1, sizeof(*c->values));
    if (!c->values)
        return VG_ENOMEM;
    for (const struct vg_json_value *v = vg_json_first(arr); v; v = vg_json_next(arr, v)) {
        struct vg_str t;
        if (!value_text(v, &t) || memchr(t.ptr, '\0', t.len))
            return fail(why, why_len, "criterion.%s: %s values must be strings", c->path, key);
        if (t.len > MAX_VALUE_BYTES)
            return fail(why, why_len, "criterion.%s: a %s value is over %d bytes", c->path, key,
                        MAX_VALUE_BYTES);
        char *copy = malloc(t.len + 1);
        if (!copy)
            return VG_ENOMEM;
        memcpy(copy, t.ptr, t.len);
        copy[t.len] = '\0';
        c->values[c->nvalues++] = copy;
    }
    return VG_OK;
}

static int compile(struct vg_criteria *c, const struct vg_json_value *root, char *why,
                   size_t why_len)
{
    if (root->type != VG_JSON_OBJECT)
        return fail(why, why_len, "findingCriteria must be an object");
    const struct vg_json_value *crit = vg_json_get(root, "criterion");
    for (const struct vg_json_value *m = vg_json_first(root); m; m = vg_json_next(root, m))
        if (!vg_str_eq_lit(vg_json_str(m - 1), "criterion"))
            return fail(why, why_len, "findingCriteria: unknown member (only criterion)");
    if (!crit)
        return VG_OK;
    if (crit->type != VG_JSON_OBJECT)
        return fail(why, why_len, "criterion must be an object of field paths");
    if (crit->len > MAX_FIELDS)
        return fail(why, why_len, "criterion: at most %d fields", MAX_FIELDS);
    size_t cap = 0;
    for (const struct vg_json_value *f = vg_json_first(crit); f; f = vg_json_next(crit, f))
        cap += f->type == VG_JSON_OBJECT ? f->len : 1;
    c->conds = calloc(cap ? cap : 1, sizeof(*c->conds));
    if (!c->conds)
        return VG_ENOMEM;
    for (const struct vg_json_value *f = vg_json_first(crit); f; f = vg_json_next(crit, f)) {
        struct vg_str path = vg_json_str(f - 1);
        char p[MAX_PATH_BYTES];
        if (path.len >= sizeof(p) || memchr(path.ptr, '\0', path.len))
            return fail(why, why_len, "criterion: a field path is too long");
        memcpy(p, path.ptr, path.len);
        p[path.len] = '\0';
        if (!vg_criteria_path_valid(p))
            return fail(why, why_len, "criterion: '%.64s' is not a field path", p);
        if (f->type != VG_JSON_OBJECT || f->len == 0)
            return fail(why, why_len, "criterion.%s: a condition object is required", p);
        for (const struct vg_json_value *k = vg_json_first(f); k; k = vg_json_next(f, k)) {
            struct vg_str key = vg_json_str(k - 1);
            size_t o = 0;
            while (o < VG_ARRAY_LEN(op_names) && !vg_str_eq_lit(key, op_names[o].key))
                o++;
            if (o == VG_ARRAY_LEN(op_names))
                return fail(why, why_len, "criterion.%s: unknown condition '%.*s'", p,
                            (int)(key.len < 32 ? key.len : 32), key.ptr);
            struct cond *cd = &c->conds[c->count++];
            memcpy(cd->path, p, path.len + 1);
            cd->op = op_names[o].op;
            int rc;
            switch (cd->op) {
            case OP_EQ:
            case OP_NEQ:
            case OP_MATCH:
            case OP_NMATCH:
                rc = add_values(cd, k, op_names[o].key, why, why_len);
                if (rc != VG_OK)
                    return rc;
                break;
            default:
                if (!as_number(k, &cd->number))
                    return fail(why, why_len, "criterion.%s: %s must be a number", p,
                                op_names[o].key);
            }
        }
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
    vg_arena_init(&c->arena, 1 << 16, 0);
    vg_json_parser_init(&c->json, &c->arena, VG_MAX_RECORD_BYTES);
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
    vg_arena_reset(&c->arena);
    if (rc != VG_OK) {
        vg_criteria_free(c);
        return rc;
    }
    *out = c;
    return VG_OK;
}

/* `*` any run, `?` one byte; the classic two-pointer glob, linear in practice and never
 * exponential: a later `*` only moves the restart point forward. */
static bool glob(const char *pat, struct vg_str s)
{
    size_t p = 0, i = 0, star = SIZE_MAX, mark = 0;
    size_t plen = strlen(pat);
    while (i < s.len) {
        if (p < plen && (pat[p] == '?' || pat[p] == s.ptr[i])) {
            p++;
            i++;
        } else if (p < plen && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != SIZE_MAX) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}

/* Does one leaf value satisfy the positive form of the condition? */
static bool leaf_meets(const struct cond *c, const struct vg_json_value *v)
{
    struct vg_str t;
    double d, want;
    switch (c->op) {
    case OP_EQ:
    case OP_NEQ:
        if (!value_text(v, &t))
            return false;
        for (size_t k = 0; k < c->nvalues; k++) {
            if (strlen(c->values[k]) == t.len && memcmp(c->values[k], t.ptr, t.len) == 0)
                return true;
            /* "8" and "8.0" are the same severity */
            char *end;
            want = strtod(c->values[k], &end);
            if (v->type == VG_JSON_NUMBER && *end == '\0' && end != c->values[k] &&
                as_number(v, &d) && d == want)
                return true;
        }
        return false;
    case OP_MATCH:
    case OP_NMATCH:
        if (!value_text(v, &t))
            return false;
        for (size_t k = 0; k < c->nvalues; k++)
            if (glob(c->values[k], t))
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
 * returns true) when fn does. */
static bool visit(const struct vg_json_value *v, const char *path, leaf_fn fn, void *ctx)
{
    if (!v)
        return false;
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

bool vg_criteria_match(const struct vg_criteria *cc, const char *json, size_t len)
{
    struct vg_criteria *c = (struct vg_criteria *)cc; /* the parser is scratch space */
    if (c->count == 0)
        return true;
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    vg_arena_reset(&c->arena);
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
    return true;
}

struct first_leaf {
    const struct vg_json_value *v;
};

static bool take_first(void *ctx, const struct vg_json_value *v)
{
    ((struct first_leaf *)ctx)->v = v;
    return true;
}

void vg_sort_key_get(const char *json, size_t len, const char *path, struct vg_sort_key *out)
{
    memset(out, 0, sizeof(*out));
    struct vg_arena arena;
    struct vg_json_parser p;
    vg_arena_init(&arena, 1 << 12, 0);
    vg_json_parser_init(&p, &arena, VG_MAX_RECORD_BYTES);
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    struct first_leaf leaf = { NULL };
    if (vg_json_parse(&p, json, len, &pos, &root, &err) == VG_JSON_OK)
        visit(root, path, take_first, &leaf);
    struct vg_str t;
    if (leaf.v && value_text(leaf.v, &t)) {
        out->present = true;
        out->is_number = leaf.v->type != VG_JSON_TRUE && leaf.v->type != VG_JSON_FALSE &&
                         as_number(leaf.v, &out->number);
        size_t n = t.len < sizeof(out->text) - 1 ? t.len : sizeof(out->text) - 1;
        memcpy(out->text, t.ptr, n);
        out->text[n] = '\0';
    }
    vg_json_parser_release(&p);
    vg_arena_release(&arena);
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
