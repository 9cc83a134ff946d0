/*
 * Rule files: YAML (libyaml's document API) into compiled rules.
 *
 * Every mistake is reported with the file, the line and the rule's id, and only that rule is
 * left out.  Keys are checked strictly (a misspelt `match` must not load a rule that matches
 * everything), and a rule's YAML is walked with a node budget, because aliases can make a small
 * file describe an exponentially large tree.
 */
#include "rules/rules.h"

#include <sys/stat.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/err.h"
#include "ingest/input.h"
#include "rules/rule.h"

#define RULE_NODE_BUDGET 20000 /* YAML nodes one rule may expand to (aliases count each time) */
#define RULE_MAX_DEPTH 48
#define RULE_FILE_MAX (4u << 20) /* bytes: rule files are hand-written or converted, not logs */
#define RULES_ARENA_CAP ((size_t)1 << 30)

struct loader {
    struct vg_rules *rs;
    struct vg_diag *diag;
    const char *file; /* interned in the set's arena */
    yaml_document_t *doc;
    const char *rule_id; /* for messages; "?" until the id is read */
    unsigned budget;
    unsigned nested; /* inside some:/json:, where paths start at an element, not the record */
    bool failed;     /* the current rule has an error (the first one is reported) */
};

static void reject(struct loader *ld, const yaml_node_t *at, const char *fmt, ...) VG_PRINTF(3, 4);

static void reject(struct loader *ld, const yaml_node_t *at, const char *fmt, ...)
{
    if (ld->failed)
        return;
    ld->failed = true;
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    struct vg_diag_loc loc = { .source = ld->file, .line = at ? at->start_mark.line + 1 : 0 };
    vg_diag_report(ld->diag, VG_DIAG_FIELD, &loc, "rule %s: %s", ld->rule_id, why);
}

static yaml_node_t *node(struct loader *ld, int id)
{
    return yaml_document_get_node(ld->doc, id);
}

static bool spend(struct loader *ld, const yaml_node_t *at, unsigned depth)
{
    if (ld->budget == 0 || depth > RULE_MAX_DEPTH) {
        reject(ld, at, "the rule is too large or too deeply nested");
        return false;
    }
    ld->budget--;
    return true;
}

/* A scalar's text, or NULL (reported) when the node is something else. */
static const char *scalar(struct loader *ld, const yaml_node_t *n, const char *what)
{
    if (!n || n->type != YAML_SCALAR_NODE) {
        reject(ld, n, "%s must be a single value", what);
        return NULL;
    }
    return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static bool parse_bool(struct loader *ld, const yaml_node_t *n, const char *what, bool *out)
{
    const char *v = scalar(ld, n, what);
    if (!v)
        return false;
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
        *out = true;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
        *out = false;
    else {
        reject(ld, n, "%s must be true or false, not '%.40s'", what, v);
        return false;
    }
    return true;
}

static char *keep(struct loader *ld, const char *s)
{
    return vg_arena_strndup(&ld->rs->arena, s, strlen(s));
}

static bool parse_path(struct loader *ld, const yaml_node_t *at, const char *text, unsigned source,
                       struct rule_path *out)
{
    *out = (struct rule_path){ .flow_field = -1, .ct_field = -1, .text = keep(ld, text) };
    const char *p = text;
    if (p[0] == '$' && p[1] == '.') {
        out->from_root = true;
        p += 2;
    }
    if (!*p) {
        reject(ld, at, "an empty field path");
        return false;
    }
    if (!strcmp(p, ".")) { /* the value itself: an element some: is at, a string of a list */
        if (ld->nested == 0 || out->from_root) {
            reject(ld, at, "'.' (the element itself) works inside some: and json:");
            return false;
        }
        return true;
    }
    const char *start = p;
    uint32_t n = 1;
    for (const char *c = p; *c; c++)
        n += *c == '.';
    out->segs = vg_arena_alloc(&ld->rs->arena, n * sizeof(*out->segs));
    if (!out->segs)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0) {
            reject(ld, at, "field path '%.80s' has an empty part", text);
            return false;
        }
        out->segs[i] = vg_arena_strndup(&ld->rs->arena, p, len);
        p += len + 1;
    }
    out->nseg = n;
    if (source == VG_SOURCE_CLOUDTRAIL && (ld->nested == 0 || out->from_root))
        out->ct_field = vg_rule_ct_field(start);
    if (source == VG_SOURCE_VPCFLOW && !out->from_root) {
        out->flow_field = n == 1 ? vg_rule_flow_field(out->segs[0]) : -1;
        if (out->flow_field < 0) {
            reject(ld, at,
                   "'%.80s' is no VPC Flow Logs field (use the names of the log format, e.g. "
                   "srcaddr, dstport, action)",
                   text);
            return false;
        }
    }
    return true;
}

static double parse_severity_word(struct loader *ld, const yaml_node_t *n)
{
    const char *v = scalar(ld, n, "severity");
    if (!v)
        return 0;
    if (!strcasecmp(v, "low"))
        return 2;
    if (!strcasecmp(v, "medium"))
        return 5;
    if (!strcasecmp(v, "high"))
        return 8;
    if (!strcasecmp(v, "critical"))
        return 9;
    char *end;
    double d = strtod(v, &end);
    if (*end || !(d >= 1 && d <= 10)) {
        reject(ld, n, "severity must be low, medium, high, critical or a number from 1 to 10");
        return 0;
    }
    return d;
}

static struct cond *new_cond(struct loader *ld, enum cond_kind kind)
{
    struct cond *c = vg_arena_alloc(&ld->rs->arena, sizeof(*c));
    if (c)
        *c = (struct cond){ .kind = kind, .path.flow_field = -1 };
    return c;
}

static bool add_kid(struct loader *ld, struct cond *parent, struct cond *kid, uint32_t cap)
{
    if (!parent->kids) {
        parent->kids = vg_arena_alloc(&ld->rs->arena, cap * sizeof(*parent->kids));
        if (!parent->kids)
            return false;
    }
    parent->kids[parent->nkids++] = kid;
    return true;
}

/* A one-kid ALL is just the kid. */
static struct cond *simplify(struct cond *c)
{
    return c && c->kind == COND_ALL && c->nkids == 1 ? c->kids[0] : c;
}

static struct cond *compile(struct loader *ld, const yaml_node_t *n, unsigned source,
                            unsigned depth);

/* "A value or a list of them" (operator values, aggregate, groups): how many, and the i-th. */
static uint32_t item_count(const yaml_node_t *n)
{
    return n->type == YAML_SEQUENCE_NODE
               ? (uint32_t)(n->data.sequence.items.top - n->data.sequence.items.start)
               : 1;
}

static const yaml_node_t *item_at(struct loader *ld, const yaml_node_t *n, uint32_t i)
{
    return n->type == YAML_SEQUENCE_NODE ? node(ld, n->data.sequence.items.start[i]) : n;
}

/* The values of an operator: one scalar or a list of them. */
static bool leaf_values(struct loader *ld, const yaml_node_t *v, struct cond *c, const char *op)
{
    uint32_t n = item_count(v);
    if (v->type != YAML_SEQUENCE_NODE && v->type != YAML_SCALAR_NODE) {
        reject(ld, v, "'%s' takes a value or a list of values", op);
        return false;
    }
    if (n == 0) {
        reject(ld, v, "'%s' has an empty list", op);
        return false;
    }
    c->values = vg_arena_alloc(&ld->rs->arena, n * sizeof(*c->values));
    if (!c->values)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const char *s = scalar(ld, item_at(ld, v, i), op);
        if (!s)
            return false;
        char *copy = keep(ld, s);
        if (!copy)
            return false;
        c->values[c->nvalues++] = vg_str_from(copy);
    }
    return true;
}

static const struct {
    const char *name;
    enum leaf_op op;
} OPS[] = {
    { "equals", OP_EQUALS },
    { "prefix", OP_PREFIX },
    { "suffix", OP_SUFFIX },
    { "contains", OP_CONTAINS },
    { "regex", OP_REGEX },
    { "cidr", OP_CIDR },
    { "exists", OP_EXISTS },
    { "gt", OP_GT },
    { "ge", OP_GE },
    { "lt", OP_LT },
    { "le", OP_LE },
    { "json", OP_JSON },
    { "equals_field", OP_EQUALS_FIELD },
    { "contains_field", OP_CONTAINS_FIELD },
};

static struct cond *leaf(struct loader *ld, const struct rule_path *path, const char *opname,
                         const yaml_node_t *v, bool nocase, bool all_values, unsigned source,
                         unsigned depth)
{
    int op = -1;
    for (size_t i = 0; i < VG_ARRAY_LEN(OPS); i++)
        if (!strcmp(OPS[i].name, opname))
            op = (int)OPS[i].op;
    if (op < 0) {
        reject(ld, v,
               "unknown operator '%.40s' (equals, prefix, suffix, contains, regex, cidr, exists, "
               "gt, ge, lt, le, json, equals_field, contains_field, nocase, all)",
               opname);
        return NULL;
    }
    struct cond *c = new_cond(ld, COND_LEAF);
    if (!c)
        return NULL;
    c->path = *path;
    c->op = (enum leaf_op)op;
    c->nocase = nocase;
    c->all_values = all_values;
    switch (c->op) {
    case OP_EQUALS:
    case OP_PREFIX:
    case OP_SUFFIX:
    case OP_CONTAINS:
        if (!leaf_values(ld, v, c, opname))
            return NULL;
        if (nocase)
            for (uint32_t i = 0; i < c->nvalues; i++)
                vg_rule_ascii_lower((char *)c->values[i].ptr, c->values[i].ptr, c->values[i].len);
        if (c->op == OP_CONTAINS)
            c->verdict = ld->rs->verdict_count++;
        return c;
    case OP_REGEX: {
        const char *pattern = scalar(ld, v, "regex");
        char why[200];
        if (!pattern)
            return NULL;
        if (vg_rule_regex_compile(pattern, nocase, &c->re, why, sizeof(why)) != VG_OK) {
            reject(ld, v, "regex '%.80s': %s", pattern, why);
            return NULL;
        }
        hs_database_t **grown =
            realloc(ld->rs->regexes, (ld->rs->regex_count + 1) * sizeof(*grown));
        if (!grown) {
            hs_free_database(c->re);
            return NULL;
        }
        ld->rs->regexes = grown;
        c->values = vg_arena_alloc(&ld->rs->arena, sizeof(*c->values));
        if (!c->values)
            return NULL;
        c->values[0] = vg_str_from(keep(ld, pattern)); /* for the slot's joint database */
        c->verdict = ld->rs->verdict_count++;
        ld->rs->regexes[ld->rs->regex_count++] = c->re;
        return c;
    }
    case OP_CIDR:
        if (!leaf_values(ld, v, c, opname))
            return NULL;
        c->nets = vg_arena_alloc(&ld->rs->arena, c->nvalues * sizeof(*c->nets));
        if (!c->nets)
            return NULL;
        for (uint32_t i = 0; i < c->nvalues; i++) {
            if (!vg_rule_net_parse(c->values[i], &c->nets[i])) {
                reject(ld, v, "'%.60s' is no address or network", c->values[i].ptr);
                return NULL;
            }
        }
        c->nnets = c->nvalues;
        return c;
    case OP_EXISTS: {
        bool want;
        if (!parse_bool(ld, v, "exists", &want))
            return NULL;
        c->op = want ? OP_EXISTS : OP_ABSENT;
        return c;
    }
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE: {
        const char *s = scalar(ld, v, opname);
        char *end;
        if (!s)
            return NULL;
        c->number = strtod(s, &end);
        if (!*s || *end) {
            reject(ld, v, "'%s' takes a number, not '%.40s'", opname, s);
            return NULL;
        }
        return c;
    }
    case OP_JSON: {
        ld->nested++;
        struct cond *inner = compile(ld, v, VG_SOURCE_CLOUDTRAIL, depth + 1);
        ld->nested--;
        if (!inner || !add_kid(ld, c, inner, 1))
            return NULL;
        return c;
    }
    case OP_EQUALS_FIELD:
    case OP_CONTAINS_FIELD: {
        const char *p = scalar(ld, v, opname);
        if (!p || !parse_path(ld, v, p, source, &c->other))
            return NULL;
        return c;
    }
    case OP_ABSENT: break;
    }
    return NULL;
}

/* `field: value`, `field: [values]`, `field: null` or `field: {operators}`. */
static struct cond *field_cond(struct loader *ld, const char *key, const yaml_node_t *v,
                               unsigned source, unsigned depth)
{
    struct rule_path path;
    if (!parse_path(ld, v, key, source, &path))
        return NULL;
    if (is_null(v)) {
        struct cond *c = new_cond(ld, COND_LEAF);
        if (c) {
            c->path = path;
            c->op = OP_ABSENT;
        }
        return c;
    }
    if (v->type != YAML_MAPPING_NODE)
        return leaf(ld, &path, "equals", v, false, false, source, depth);
    bool nocase = false, all_values = false;
    uint32_t ops = 0;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        const char *k = scalar(ld, node(ld, p->key), "an operator");
        if (!k)
            return NULL;
        if (!strcmp(k, "nocase")) {
            if (!parse_bool(ld, node(ld, p->value), "nocase", &nocase))
                return NULL;
        } else if (!strcmp(k, "all")) {
            if (!parse_bool(ld, node(ld, p->value), "all", &all_values))
                return NULL;
        } else {
            ops++;
        }
    }
    if (ops == 0) {
        reject(ld, v, "field '%.80s' has no operator", key);
        return NULL;
    }
    struct cond *all = new_cond(ld, COND_ALL);
    if (!all)
        return NULL;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        const char *k = (const char *)node(ld, p->key)->data.scalar.value;
        if (!strcmp(k, "nocase") || !strcmp(k, "all"))
            continue;
        struct cond *c =
            leaf(ld, &path, k, node(ld, p->value), nocase, all_values, source, depth + 1);
        if (!c || !add_kid(ld, all, c, ops))
            return NULL;
    }
    return simplify(all);
}

static struct cond *compile_list(struct loader *ld, const yaml_node_t *n, enum cond_kind kind,
                                 unsigned source, unsigned depth, const char *what)
{
    if (n->type != YAML_SEQUENCE_NODE ||
        n->data.sequence.items.top == n->data.sequence.items.start) {
        reject(ld, n, "'%s' takes a non-empty list of conditions", what);
        return NULL;
    }
    uint32_t count = (uint32_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    struct cond *c = new_cond(ld, kind);
    if (!c)
        return NULL;
    for (uint32_t i = 0; i < count; i++) {
        struct cond *kid =
            compile(ld, node(ld, n->data.sequence.items.start[i]), source, depth + 1);
        if (!kid || !add_kid(ld, c, kid, count))
            return NULL;
    }
    return c;
}

static struct cond *compile_some(struct loader *ld, const yaml_node_t *n, unsigned source,
                                 unsigned depth)
{
    const yaml_node_t *path_node = NULL, *match_node = NULL;
    if (n->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            const yaml_node_t *k = node(ld, p->key);
            const char *ks = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
            if (!strcmp(ks, "path"))
                path_node = node(ld, p->value);
            else if (!strcmp(ks, "match"))
                match_node = node(ld, p->value);
            else {
                reject(ld, k, "'some' takes 'path' and 'match', not '%.40s'", ks);
                return NULL;
            }
        }
    if (!path_node || !match_node) {
        reject(ld, n, "'some' takes 'path' (the list) and 'match' (what one element must match)");
        return NULL;
    }
    struct cond *c = new_cond(ld, COND_SOME);
    const char *p = scalar(ld, path_node, "path");
    if (!c || !p || !parse_path(ld, path_node, p, source, &c->path))
        return NULL;
    ld->nested++;
    struct cond *inner = compile(ld, match_node, VG_SOURCE_CLOUDTRAIL, depth + 1);
    ld->nested--;
    if (!inner || !add_kid(ld, c, inner, 1))
        return NULL;
    return c;
}

static struct cond *named_condition(struct loader *ld, const yaml_node_t *v, unsigned source)
{
    const char *name = scalar(ld, v, "use");
    if (!name)
        return NULL;
    if (source != VG_SOURCE_CLOUDTRAIL || ld->nested) {
        reject(ld, v, "'use' works at the top of CloudTrail rules");
        return NULL;
    }
    for (unsigned i = 0; i < ld->rs->named_count; i++)
        if (!strcmp(ld->rs->named[i].name, name))
            return ld->rs->named[i].cond;
    reject(ld, v, "no condition named '%.60s' is loaded before this rule (conditions: NAME: ...)",
           name);
    return NULL;
}

/* A `conditions:` document: named CloudTrail conditions for the rules loaded after it (the
 * shipped rules/_common.yml loads first, so every rule file may use its names). */
static int load_conditions(struct loader *ld, const yaml_node_t *map)
{
    ld->rule_id = "conditions";
    if (map->type != YAML_MAPPING_NODE) {
        reject(ld, map, "'conditions' maps names to conditions");
        ld->rs->rejected++;
        return VG_OK;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        ld->failed = false;
        ld->budget = RULE_NODE_BUDGET;
        const char *name = scalar(ld, node(ld, p->key), "a condition name");
        struct cond *c = name ? compile(ld, node(ld, p->value), VG_SOURCE_CLOUDTRAIL, 0) : NULL;
        for (unsigned i = 0; c && i < ld->rs->named_count; i++)
            if (!strcmp(ld->rs->named[i].name, name))
                reject(ld, node(ld, p->key), "a condition named '%.60s' is already loaded", name);
        if (c && ld->rs->named_count == VG_RULES_NAMED_MAX)
            reject(ld, node(ld, p->key), "more than %d named conditions", VG_RULES_NAMED_MAX);
        if (ld->failed || !c) {
            if (!ld->failed)
                return VG_ENOMEM;
            ld->rs->rejected++;
            continue;
        }
        ld->rs->named[ld->rs->named_count++] = (struct rule_named){ keep(ld, name), c };
    }
    return VG_OK;
}

/* A condition: a mapping (all of its entries), or a list (all of its items). */
static struct cond *compile(struct loader *ld, const yaml_node_t *n, unsigned source,
                            unsigned depth)
{
    if (!n || !spend(ld, n, depth))
        return NULL;
    if (n->type == YAML_SEQUENCE_NODE)
        return simplify(compile_list(ld, n, COND_ALL, source, depth, "a list"));
    if (n->type != YAML_MAPPING_NODE || n->data.mapping.pairs.top == n->data.mapping.pairs.start) {
        reject(ld, n, "a condition must be a mapping of fields (or all/any/not/some)");
        return NULL;
    }
    uint32_t count = (uint32_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    struct cond *all = new_cond(ld, COND_ALL);
    if (!all)
        return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(ld, node(ld, p->key), "a field name");
        const yaml_node_t *v = node(ld, p->value);
        if (!k)
            return NULL;
        struct cond *c;
        if (!strcmp(k, "all") || !strcmp(k, "any"))
            c = compile_list(ld, v, k[1] == 'l' ? COND_ALL : COND_ANY, source, depth, k);
        else if (!strcmp(k, "not")) {
            struct cond *inner = compile(ld, v, source, depth + 1);
            c = inner ? new_cond(ld, COND_NOT) : NULL;
            if (c && !add_kid(ld, c, inner, 1))
                c = NULL;
        } else if (!strcmp(k, "some"))
            c = compile_some(ld, v, source, depth);
        else if (!strcmp(k, "use"))
            c = named_condition(ld, v, source);
        else
            c = field_cond(ld, k, v, source, depth);
        if (!c || !add_kid(ld, all, c, count))
            return NULL;
    }
    return simplify(all);
}

/* A test event written as YAML, turned into the JSON record it stands for.  Plain scalars that
 * read as JSON literals (numbers, true, false, null) stay literals; everything else is a
 * string. */
static bool is_json_literal(const yaml_node_t *n)
{
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)n->data.scalar.value;
    if (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null"))
        return true;
    char *end;
    if (!*v || !(isdigit((unsigned char)*v) || *v == '-'))
        return false;
    (void)strtod(v, &end);
    return *end == '\0';
}

static bool to_json(struct loader *ld, const yaml_node_t *n, struct vg_buf *out, unsigned depth)
{
    if (!spend(ld, n, depth))
        return false;
    int rc = 0;
    switch (n->type) {
    case YAML_SCALAR_NODE:
        if (is_json_literal(n))
            rc = vg_buf_adds(out, (const char *)n->data.scalar.value);
        else
            rc = vg_buf_add_json_str(
                out, (struct vg_str){ (const char *)n->data.scalar.value, n->data.scalar.length });
        break;
    case YAML_SEQUENCE_NODE:
        rc = vg_buf_addc(out, '[');
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
             i++) {
            if (i != n->data.sequence.items.start)
                rc |= vg_buf_addc(out, ',');
            if (!to_json(ld, node(ld, *i), out, depth + 1))
                return false;
        }
        rc |= vg_buf_addc(out, ']');
        break;
    case YAML_MAPPING_NODE:
        rc = vg_buf_addc(out, '{');
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            const yaml_node_t *k = node(ld, p->key);
            if (k->type != YAML_SCALAR_NODE) {
                reject(ld, k, "a test event's keys must be plain names");
                return false;
            }
            if (p != n->data.mapping.pairs.start)
                rc |= vg_buf_addc(out, ',');
            rc |= vg_buf_add_json_str(
                out, (struct vg_str){ (const char *)k->data.scalar.value, k->data.scalar.length });
            rc |= vg_buf_addc(out, ':');
            if (!to_json(ld, node(ld, p->value), out, depth + 1))
                return false;
        }
        rc |= vg_buf_addc(out, '}');
        break;
    default: break;
    }
    return rc == 0;
}

static bool parse_tests(struct loader *ld, struct rule *r, const yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        reject(ld, n, "'tests' takes a list of {name, expect, event}");
        return false;
    }
    uint32_t count = (uint32_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    r->tests = vg_arena_alloc(&ld->rs->arena, (count ? count : 1) * sizeof(*r->tests));
    if (!r->tests)
        return false;
    struct vg_buf json;
    vg_buf_init(&json, RULE_FILE_MAX); /* a test event is part of its file */
    bool ok = true;
    for (uint32_t i = 0; ok && i < count; i++) {
        const yaml_node_t *t = node(ld, n->data.sequence.items.start[i]);
        struct rule_test *rt = &r->tests[r->test_count];
        *rt = (struct rule_test){ .name = "?", .line = t->start_mark.line + 1, .expect = true };
        const yaml_node_t *event = NULL;
        if (t->type != YAML_MAPPING_NODE) {
            reject(ld, t, "a test is a mapping {name, expect, event}");
            ok = false;
            break;
        }
        for (yaml_node_pair_t *p = t->data.mapping.pairs.start; ok && p < t->data.mapping.pairs.top;
             p++) {
            const char *k = scalar(ld, node(ld, p->key), "a test key");
            const yaml_node_t *v = node(ld, p->value);
            if (!k)
                ok = false;
            else if (!strcmp(k, "name"))
                ok = (rt->name = scalar(ld, v, "name")) && (rt->name = keep(ld, rt->name));
            else if (!strcmp(k, "expect"))
                ok = parse_bool(ld, v, "expect", &rt->expect);
            else if (!strcmp(k, "event"))
                event = v;
            else {
                reject(ld, node(ld, p->key), "unknown test key '%.40s' (name, expect, event)", k);
                ok = false;
            }
        }
        if (!ok)
            break;
        if (!event || event->type != YAML_MAPPING_NODE) {
            reject(ld, t, "test '%.60s' has no event (a mapping: the log record)", rt->name);
            ok = false;
            break;
        }
        vg_buf_reset(&json);
        if (!to_json(ld, event, &json, 0)) {
            ok = false;
            break;
        }
        rt->record = vg_arena_strndup(&ld->rs->arena, json.data, json.len);
        rt->record_len = json.len;
        ok = rt->record != NULL;
        r->test_count++;
    }
    vg_buf_release(&json);
    return ok;
}

static unsigned parse_source(struct loader *ld, const yaml_node_t *n)
{
    const char *v = scalar(ld, n, "source");
    if (!v)
        return 0;
    if (!strcmp(v, "cloudtrail"))
        return VG_SOURCE_CLOUDTRAIL;
    if (!strcmp(v, "vpcflow"))
        return VG_SOURCE_VPCFLOW;
    if (!strcmp(v, "dns"))
        return VG_SOURCE_DNS;
    reject(ld, n, "source must be cloudtrail, vpcflow or dns, not '%.40s'", v);
    return 0;
}

static bool parse_severity(struct loader *ld, struct rule *r, const yaml_node_t *n)
{
    if (n->type == YAML_SCALAR_NODE)
        return (r->severity = parse_severity_word(ld, n)) > 0;
    if (n->type != YAML_MAPPING_NODE) {
        reject(ld, n, "severity is a level, or {field, map, default}");
        return false;
    }
    const yaml_node_t *map = NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(ld, node(ld, p->key), "a severity key");
        const yaml_node_t *v = node(ld, p->value);
        if (!k)
            return false;
        if (!strcmp(k, "field")) {
            const char *path = scalar(ld, v, "severity field");
            if (!path || !parse_path(ld, v, path, r->source, &r->severity_field))
                return false;
        } else if (!strcmp(k, "default")) {
            if ((r->severity = parse_severity_word(ld, v)) <= 0)
                return false;
        } else if (!strcmp(k, "map") && v->type == YAML_MAPPING_NODE) {
            map = v;
        } else {
            reject(ld, v, "severity takes field, map (value: level) and default");
            return false;
        }
    }
    if (r->severity_field.nseg == 0 || r->severity <= 0) {
        reject(ld, n, "a severity from a field needs 'field' and 'default'");
        return false;
    }
    if (map) {
        uint32_t count = (uint32_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
        r->severity_map =
            vg_arena_alloc(&ld->rs->arena, (count ? count : 1) * sizeof(*r->severity_map));
        if (!r->severity_map)
            return false;
        for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
             p++) {
            const char *k = scalar(ld, node(ld, p->key), "a severity map value");
            double sev = parse_severity_word(ld, node(ld, p->value));
            if (!k || sev <= 0)
                return false;
            r->severity_map[r->severity_map_count++] =
                (struct rule_severity_map){ vg_str_from(keep(ld, k)), sev };
        }
    }
    return true;
}

static bool parse_aggregate(struct loader *ld, struct rule *r, const yaml_node_t *n)
{
    uint32_t count = item_count(n);
    r->aggregate = vg_arena_alloc(&ld->rs->arena, count * sizeof(*r->aggregate));
    if (!r->aggregate)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        const yaml_node_t *item = item_at(ld, n, i);
        const char *p = scalar(ld, item, "aggregate");
        if (!p || !parse_path(ld, item, p, r->source, &r->aggregate[r->aggregate_count++]))
            return false;
    }
    return true;
}

/* groups: a name or a list; kept as "a,b,c" in lowercase. */
static bool parse_groups(struct loader *ld, struct rule *r, const yaml_node_t *n)
{
    struct vg_buf b;
    vg_buf_init(&b, 4096);
    uint32_t count = item_count(n);
    bool ok = true;
    for (uint32_t i = 0; ok && i < count; i++) {
        const char *g = scalar(ld, item_at(ld, n, i), "groups");
        ok = g && (i == 0 || vg_buf_addc(&b, ',') == 0);
        for (const char *c = g; ok && *c; c++)
            ok = vg_buf_addc(&b, (char)tolower((unsigned char)*c)) == 0;
    }
    if (ok)
        ok = (r->groups = vg_arena_strndup(&ld->rs->arena, b.data ? b.data : "", b.len)) != NULL;
    vg_buf_release(&b);
    return ok;
}

static bool valid_id(const char *id)
{
    if (!*id || strlen(id) > 100)
        return false;
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
            return false;
    return true;
}

/* Braces must pair up: {path} takes a value, {{ and }} are literal braces. */
static bool valid_template(const char *t)
{
    for (const char *c = t; *c; c++) {
        if ((c[0] == '{' && c[1] == '{') || (c[0] == '}' && c[1] == '}')) {
            c++;
            continue;
        }
        if (*c == '}')
            return false;
        if (*c == '{') {
            const char *end = strchr(c, '}');
            if (!end || end == c + 1 || memchr(c + 1, '{', (size_t)(end - c - 1)))
                return false;
            c = end;
        }
    }
    return true;
}

static bool seen_id(const struct vg_rules *rs, const char *id)
{
    for (size_t i = 0; i < rs->count; i++)
        if (!strcmp(rs->rules[i]->id, id))
            return true;
    return false;
}

/* Keys a rule may carry that vigil does not act on: provenance and notes for people. */
static const char *const NOTE_KEYS[] = { "references", "author", "notes", "falsepositives", "sigma",
                                         "tags",       "status", "date",  "modified" };

static bool store_rule(struct vg_rules *rs, struct rule *r)
{
    if (rs->count == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        struct rule **grown = realloc(rs->rules, cap * sizeof(*grown));
        if (!grown)
            return false;
        rs->rules = grown;
        rs->cap = cap;
    }
    rs->rules[rs->count++] = r;
    return true;
}

/* One YAML document: one rule. */
static int load_rule(struct loader *ld, const yaml_node_t *root)
{
    ld->rule_id = "?";
    ld->failed = false;
    ld->budget = RULE_NODE_BUDGET;
    ld->nested = 0;
    if (root->type != YAML_MAPPING_NODE) {
        reject(ld, root, "a rule is a mapping (id, type, match, ...)");
        ld->rs->rejected++;
        return VG_OK;
    }
    if (root->data.mapping.pairs.top - root->data.mapping.pairs.start == 1) {
        const yaml_node_t *k = node(ld, root->data.mapping.pairs.start->key);
        if (k->type == YAML_SCALAR_NODE &&
            !strcmp((const char *)k->data.scalar.value, "conditions"))
            return load_conditions(ld, node(ld, root->data.mapping.pairs.start->value));
    }
    struct rule *r = vg_arena_alloc(&ld->rs->arena, sizeof(*r));
    if (!r)
        return VG_ENOMEM;
    *r = (struct rule){ .file = ld->file,
                        .line = root->start_mark.line + 1,
                        .source = VG_SOURCE_CLOUDTRAIL,
                        .groups = "",
                        .enabled = true };
    /* the id and the source first: messages name the rule, and paths depend on the source */
    const yaml_node_t *match = NULL, *tests = NULL, *severity = NULL, *aggregate = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
        const char *ks = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (!strcmp(ks, "id") && v->type == YAML_SCALAR_NODE)
            ld->rule_id = r->id = keep(ld, (const char *)v->data.scalar.value);
        else if (!strcmp(ks, "source"))
            r->source = parse_source(ld, v);
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         !ld->failed && p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
        const char *ks = scalar(ld, k, "a rule key");
        if (!ks)
            break;
        bool note = false;
        for (size_t i = 0; i < VG_ARRAY_LEN(NOTE_KEYS); i++)
            note |= !strcmp(ks, NOTE_KEYS[i]);
        if (note || !strcmp(ks, "id") || !strcmp(ks, "source"))
            continue;
        if (!strcmp(ks, "title"))
            r->title = scalar(ld, v, "title");
        else if (!strcmp(ks, "type"))
            r->type_name = scalar(ld, v, "type");
        else if (!strcmp(ks, "signal"))
            r->signal = scalar(ld, v, "signal");
        else if (!strcmp(ks, "description"))
            r->description = scalar(ld, v, "description");
        else if (!strcmp(ks, "resource"))
            r->resource = scalar(ld, v, "resource");
        else if (!strcmp(ks, "opt_in"))
            parse_bool(ld, v, "opt_in", &r->opt_in);
        else if (!strcmp(ks, "groups"))
            parse_groups(ld, r, v);
        else if (!strcmp(ks, "mode")) {
            const char *m = scalar(ld, v, "mode");
            if (m && !strcmp(m, "dry-run"))
                r->dry_run = true;
            else if (m && strcmp(m, "live"))
                reject(ld, v, "mode must be live or dry-run, not '%.40s'", m);
        } else if (!strcmp(ks, "match"))
            match = v;
        else if (!strcmp(ks, "tests"))
            tests = v;
        else if (!strcmp(ks, "severity"))
            severity = v;
        else if (!strcmp(ks, "aggregate"))
            aggregate = v;
        else if (!strcmp(ks, "bucket")) {
            const char *path = scalar(ld, v, "bucket");
            if (path)
                parse_path(ld, v, path, r->source, &r->bucket);
        } else
            reject(ld, k,
                   "unknown key '%.40s' (id, title, type, source, signal, severity, opt_in, "
                   "groups, mode, resource, bucket, description, aggregate, match, tests, "
                   "references)",
                   ks);
    }
    if (!ld->failed && (!r->id || !valid_id(r->id)))
        reject(ld, root, "every rule needs an id of letters, digits, '.', '_' and '-'");
    if (!ld->failed && seen_id(ld->rs, r->id))
        reject(ld, root, "another rule already has this id");
    if (!ld->failed && (!r->type_name || !strchr(r->type_name, ':') || !strchr(r->type_name, '/')))
        reject(ld, root, "type must be a finding type, ThreatPurpose:ResourceType/ThreatFamily");
    if (!ld->failed && !match)
        reject(ld, root, "the rule has no 'match' condition");
    if (!ld->failed && r->description && !valid_template(r->description))
        reject(ld, root, "description: unpaired '{' or '}' (write {{ and }} for braces)");
    if (!ld->failed && severity)
        parse_severity(ld, r, severity);
    if (!ld->failed && aggregate)
        parse_aggregate(ld, r, aggregate);
    if (!ld->failed)
        r->match = compile(ld, match, r->source, 0);
    if (!ld->failed && tests)
        parse_tests(ld, r, tests);
    if (ld->failed || !r->match) {
        if (!ld->failed)
            return VG_ENOMEM;
        ld->rs->rejected++;
        return VG_OK;
    }
    r->title = r->title ? keep(ld, r->title) : NULL;
    r->type_name = keep(ld, r->type_name);
    r->signal = r->signal ? keep(ld, r->signal) : NULL;
    r->description = r->description ? keep(ld, r->description) : NULL;
    r->resource = r->resource ? keep(ld, r->resource) : NULL;
    r->enabled = !r->opt_in;
    return store_rule(ld->rs, r) ? VG_OK : VG_ENOMEM;
}

int vg_rules_load_text(struct vg_rules *rs, const char *name, const char *text, size_t len,
                       struct vg_diag *diag)
{
    struct loader ld = { .rs = rs, .diag = diag, .rule_id = "?" };
    ld.file = vg_arena_strndup(&rs->arena, name, strlen(name));
    if (!ld.file)
        return VG_ENOMEM;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return VG_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = VG_OK;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            struct vg_diag_loc loc = { .source = ld.file, .line = parser.problem_mark.line + 1 };
            vg_diag_report(diag, VG_DIAG_FIELD, &loc, "not valid YAML: %s",
                           parser.problem ? parser.problem : "unreadable");
            rs->rejected++;
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        ld.doc = &doc;
        rc = load_rule(&ld, root);
        yaml_document_delete(&doc);
        if (rc != VG_OK)
            break;
    }
    yaml_parser_delete(&parser);
    return rc;
}

bool vg_rules_file_wanted(const char *path, const char *root)
{
    if (!strcmp(path, root))
        return true; /* named on its own: read whatever its name */
    /* below the folder: nothing in a hidden folder (a checkout's .git, its .github workflows) */
    for (const char *p = path + strlen(root); (p = strchr(p, '/')) != NULL; p++)
        if (p[1] == '.')
            return false;
    size_t n = strlen(path);
    return (n > 4 && !strcmp(path + n - 4, ".yml")) || (n > 5 && !strcmp(path + n - 5, ".yaml"));
}

struct load_walk {
    struct vg_rules *rs;
    struct vg_diag *diag;
    struct vg_input in;
    const char *root;
    bool root_failed; /* the path named itself could not be read */
};

static int load_one(void *ctx, const char *path)
{
    struct load_walk *w = ctx;
    if (!vg_rules_file_wanted(path, w->root))
        return 0;
    const char *text;
    size_t len;
    int rc = vg_input_read(&w->in, path, w->diag, &text, &len);
    if (rc == VG_OK && len > RULE_FILE_MAX) {
        struct vg_diag_loc loc = { .source = path };
        vg_diag_report(w->diag, VG_DIAG_TOO_BIG, &loc, "a rule file over %u bytes", RULE_FILE_MAX);
        rc = VG_EIO;
    }
    if (rc == VG_EIO) { /* reported; the other files still load */
        w->root_failed |= !strcmp(path, w->root);
        return 0;
    }
    return rc == VG_OK ? vg_rules_load_text(w->rs, path, text, len, w->diag) : rc;
}

int vg_rules_load_path(struct vg_rules *rs, const char *path, struct vg_diag *diag)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        struct vg_diag_loc loc = { .source = path };
        vg_diag_report(diag, VG_DIAG_IO, &loc, "cannot open: %s", strerror(errno));
        return VG_EIO;
    }
    struct load_walk w = { .rs = rs, .diag = diag, .root = path };
    int rc = vg_input_init(&w.in);
    if (rc == VG_OK)
        rc = vg_input_walk(path, diag, load_one, &w);
    vg_input_release(&w.in);
    return rc == VG_OK && w.root_failed ? VG_EIO : rc;
}

struct vg_rules *vg_rules_new(void)
{
    struct vg_rules *rs = calloc(1, sizeof(*rs));
    if (!rs)
        return NULL;
    vg_arena_init(&rs->arena, 64 * 1024, RULES_ARENA_CAP);
    pthread_mutex_init(&rs->sample_lock, NULL);
    return rs;
}
