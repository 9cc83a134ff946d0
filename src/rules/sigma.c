/*
 * Sigma into vigil rules (sigma.h).
 *
 * A Sigma rule is read with libyaml's document API into a small condition tree (all, any, not,
 * and field leaves holding vigil operators), which is then written as a vigil rule in YAML and
 * loaded back through the rule loader: a rule vigil refuses (a regex Hyperscan cannot run in
 * linear time, a bad network) is reported, never written.
 *
 * Sigma semantics kept: a search's fields all hold, a list of values means any of them (all of
 * them with |all), a list of mappings means any mapping; `*` and `?` are wildcards (`\*`, `\?`
 * and `\\` literal); strings compare case-blind unless |cased, regexes case-kept unless |re|i.
 * Two exceptions, both for speed: eventName and eventSource compare with their case kept,
 * because CloudTrail writes them in one case and vigil indexes rules only by exact values.
 *
 * The input is hostile in the small: a Sigma file can use YAML aliases to describe a huge tree,
 * and a condition can nest deeply, so both are walked with a budget and a depth limit.
 */
#include "rules/sigma.h"

#include <yaml.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/err.h"
#include "rules/rules.h"

#define SIGMA_FILE_MAX (4u << 20) /* bytes: as for vigil's own rule files */
#define SIGMA_BUDGET 20000        /* tree nodes one rule may expand to, as the loader allows */
#define SIGMA_MAX_DEPTH 48        /* condition nesting, as the loader allows */
#define SIGMA_ID_MAX 90           /* vigil allows 100 bytes of id; "sigma-" comes first */
#define TYPE_NAME_MAX 120         /* the longest finding type name vigil accepts */
#define WHY_MAX 400

enum node_kind { N_ALL, N_ANY, N_NOT, N_LEAF };

/* A condition: all / any of its kids, not its kid, or one vigil operator on a field. */
struct node {
    enum node_kind kind;
    struct node **kids;
    uint32_t nkids;
    const char *field;
    const char *op; /* vigil's name: equals, prefix, suffix, contains, regex, cidr, exists, ... */
    const char **values;
    uint32_t nvalues;
    bool nocase;
    bool all; /* every value must match (Sigma's |all) */
};

/* A search identifier of the detection, compiled when the condition first names it. */
struct search {
    const char *name;
    const yaml_node_t *def;
    struct node *cond;
    unsigned size; /* nodes in cond: what each further mention of it costs */
};

struct conv {
    struct vg_arena *arena;
    yaml_document_t *doc;
    unsigned budget;
    bool failed, nomem;
    char why[WHY_MAX];
    struct search *searches;
    uint32_t nsearch;
    const char *text; /* the condition being parsed */
    size_t pos;
    unsigned depth;
};

static void refuse(struct conv *cv, const char *fmt, ...) VG_PRINTF(2, 3);

static void refuse(struct conv *cv, const char *fmt, ...)
{
    if (cv->failed)
        return;
    cv->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cv->why, sizeof(cv->why), fmt, ap);
    va_end(ap);
}

static void *alloc(struct conv *cv, size_t len)
{
    void *p = vg_arena_alloc(cv->arena, len);
    if (!p) {
        cv->nomem = true;
        refuse(cv, "out of memory");
    }
    return p;
}

static char *dup_str(struct conv *cv, const char *s, size_t len)
{
    char *p = vg_arena_strndup(cv->arena, s, len);
    if (!p) {
        cv->nomem = true;
        refuse(cv, "out of memory");
    }
    return p;
}

static bool spend(struct conv *cv, unsigned n)
{
    if (cv->budget < n) {
        refuse(cv, "the rule is too large (its YAML aliases or condition expand too far)");
        return false;
    }
    cv->budget -= n;
    return true;
}

/* --- the Sigma document ------------------------------------------------------------------- */

static const yaml_node_t *ynode(const struct conv *cv, int id)
{
    return yaml_document_get_node(cv->doc, id);
}

static const char *text_of(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_null(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static const yaml_node_t *get(const struct conv *cv, const yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = text_of(ynode(cv, p->key));
        if (k && !strcmp(k, key))
            return ynode(cv, p->value);
    }
    return NULL;
}

static const char *get_text(const struct conv *cv, const yaml_node_t *map, const char *key)
{
    return text_of(get(cv, map, key));
}

static uint32_t seq_len(const yaml_node_t *n)
{
    return (uint32_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* --- conditions ---------------------------------------------------------------------------- */

static struct node *new_node(struct conv *cv, enum node_kind kind, uint32_t cap)
{
    if (!spend(cv, 1))
        return NULL;
    struct node *n = alloc(cv, sizeof(*n));
    if (!n)
        return NULL;
    *n = (struct node){ .kind = kind };
    if (cap && !(n->kids = alloc(cv, cap * sizeof(*n->kids))))
        return NULL;
    return n;
}

static struct node *new_leaf(struct conv *cv, const char *field, const char *op, uint32_t cap)
{
    struct node *n = new_node(cv, N_LEAF, 0);
    if (!n || !(n->values = alloc(cv, (cap ? cap : 1) * sizeof(*n->values))))
        return NULL;
    n->field = field;
    n->op = op;
    return n;
}

/* all/any of `kids`: one kid is itself, and a kid of the same kind gives its kids (so the top
 * level of a rule stays a plain mapping, where the index finds eventName). */
static struct node *combine(struct conv *cv, enum node_kind kind, struct node **kids, uint32_t n)
{
    if (n == 1)
        return kids[0];
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += kids[i]->kind == kind ? kids[i]->nkids : 1;
    struct node *c = new_node(cv, kind, total);
    if (!c)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (kids[i]->kind == kind)
            for (uint32_t k = 0; k < kids[i]->nkids; k++)
                c->kids[c->nkids++] = kids[i]->kids[k];
        else
            c->kids[c->nkids++] = kids[i];
    }
    return c;
}

static struct node *negate(struct conv *cv, struct node *kid)
{
    if (kid->kind == N_NOT)
        return kid->kids[0];
    struct node *n = new_node(cv, N_NOT, 1);
    if (n)
        n->kids[n->nkids++] = kid;
    return n;
}

/* --- values and modifiers ------------------------------------------------------------------ */

struct mods {
    const char *base; /* contains, startswith, endswith or NULL (equality) */
    const char *kind; /* re, cidr, exists, fieldref, lt, lte, gt, gte or NULL (strings) */
    bool all, cased, re_i, re_m, re_s;
};

static const char *const UNSUPPORTED_MODS[] = { "base64",  "base64offset", "wide",    "utf16le",
                                                "utf16be", "utf16",        "windash", "expand" };

static bool parse_mods(struct conv *cv, char *spec, struct mods *m)
{
    char *save = NULL;
    for (char *mod = strtok_r(spec, "|", &save); mod; mod = strtok_r(NULL, "|", &save)) {
        for (size_t i = 0; i < VG_ARRAY_LEN(UNSUPPORTED_MODS); i++)
            if (!strcmp(mod, UNSUPPORTED_MODS[i])) {
                refuse(cv, "modifier '%s' is not supported", mod);
                return false;
            }
        if (!strcmp(mod, "contains") || !strcmp(mod, "startswith") || !strcmp(mod, "endswith")) {
            if (m->base) {
                refuse(cv, "modifiers '%s' and '%s' together", m->base, mod);
                return false;
            }
            m->base = !strcmp(mod, "contains") ? "contains"
                      : mod[0] == 's'          ? "startswith"
                                               : "endswith";
        } else if (!strcmp(mod, "all"))
            m->all = true;
        else if (!strcmp(mod, "cased"))
            m->cased = true;
        else if ((!strcmp(mod, "i") || !strcmp(mod, "m") || !strcmp(mod, "s")) && m->kind &&
                 !strcmp(m->kind, "re"))
            *(mod[0] == 'i' ? &m->re_i : mod[0] == 'm' ? &m->re_m : &m->re_s) = true;
        else if (!strcmp(mod, "re") || !strcmp(mod, "cidr") || !strcmp(mod, "exists") ||
                 !strcmp(mod, "fieldref") || !strcmp(mod, "lt") || !strcmp(mod, "lte") ||
                 !strcmp(mod, "gt") || !strcmp(mod, "gte")) {
            if (m->kind) {
                refuse(cv, "modifiers '%s' and '%s' together", m->kind, mod);
                return false;
            }
            m->kind = mod;
        } else {
            refuse(cv, "unknown modifier '%.40s'", mod);
            return false;
        }
    }
    if (m->kind && m->base && (strcmp(m->kind, "fieldref") || strcmp(m->base, "contains"))) {
        refuse(cv, "modifiers '%s' and '%s' together", m->kind, m->base);
        return false;
    }
    return true;
}

/* Fields CloudTrail writes as JSON objects: Sigma backends that search a record's text match
 * inside them, vigil compares values, so a string test on one would never hold. */
static const char *const OBJECT_FIELDS[] = {
    "userIdentity",
    "userIdentity.sessionContext",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "serviceEventDetails",
    "tlsDetails",
    "resources",
    "edgeDeviceDetails",
    "insightDetails",
    "userIdentity.sessionContext.sessionIssuer",
};

/* Keys with a meaning of their own in a vigil condition. */
static const char *const VIGIL_KEYS[] = { "all", "any", "not", "some", "use" };

static bool case_kept_field(const char *field)
{
    return !strcmp(field, "eventName") || !strcmp(field, "eventSource");
}

enum { TOK_STAR = -1, TOK_ONE = -2 };

/* A regex for a wildcard pattern: anchored, `.*` and `.` for the wildcards, the rest literal. */
static const char *wildcard_regex(struct conv *cv, const int *tok, size_t n)
{
    struct vg_buf b;
    vg_buf_init(&b, 0);
    int rc = vg_buf_adds(&b, "(?s)^");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (tok[i] == TOK_STAR)
            rc = vg_buf_adds(&b, ".*");
        else if (tok[i] == TOK_ONE)
            rc = vg_buf_addc(&b, '.');
        else if (isalnum(tok[i]) || tok[i] >= 0x80)
            rc = vg_buf_addc(&b, (char)tok[i]);
        else if (tok[i] < 0x20 || tok[i] == 0x7f)
            rc = vg_buf_printf(&b, "\\x%02x", (unsigned)tok[i]);
        else
            rc = vg_buf_printf(&b, "\\%c", tok[i]); /* punctuation escaped is literal */
    }
    if (rc == 0)
        rc = vg_buf_addc(&b, '$');
    const char *re = rc == 0 ? dup_str(cv, b.data, b.len) : NULL;
    if (rc)
        refuse(cv, "out of memory");
    cv->nomem |= rc != 0;
    vg_buf_release(&b);
    return re;
}

/* One string value with Sigma's wildcards: which vigil operator, on which text.  A pattern that
 * is a plain string with at most a leading and a trailing `*` needs no regex. */
static bool string_value(struct conv *cv, const char *v, const char *base, const char **op_out,
                         const char **value_out)
{
    size_t len = strlen(v);
    int *tok = alloc(cv, (len + 2) * sizeof(*tok));
    char *lit = alloc(cv, len + 1);
    if (!tok || !lit)
        return false;
    size_t n = 0, nlit = 0, stars = 0, ones = 0;
    bool lead = base && strcmp(base, "startswith"), trail = base && strcmp(base, "endswith");
    if (lead)
        tok[n++] = TOK_STAR;
    for (size_t i = 0; i < len; i++) {
        int t = (unsigned char)v[i];
        if (v[i] == '\\' && (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\'))
            t = (unsigned char)v[++i];
        else if (v[i] == '*')
            t = TOK_STAR;
        else if (v[i] == '?')
            t = TOK_ONE;
        if (t == TOK_STAR && n && tok[n - 1] == TOK_STAR)
            continue;
        tok[n++] = t;
    }
    if (trail && !(n && tok[n - 1] == TOK_STAR))
        tok[n++] = TOK_STAR;
    for (size_t i = 0; i < n; i++) {
        stars += tok[i] == TOK_STAR;
        ones += tok[i] == TOK_ONE;
        if (tok[i] >= 0)
            lit[nlit++] = (char)tok[i];
    }
    lit[nlit] = '\0';
    bool first = n && tok[0] == TOK_STAR, last = n && tok[n - 1] == TOK_STAR;
    *value_out = lit;
    if (ones == 0 && n == 1 && stars == 1) {
        *op_out = "exists";
        *value_out = "true";
    } else if (ones == 0 && stars == 0)
        *op_out = "equals";
    else if (ones == 0 && stars == 1 && first)
        *op_out = "suffix";
    else if (ones == 0 && stars == 1 && last)
        *op_out = "prefix";
    else if (ones == 0 && stars == 2 && first && last)
        *op_out = "contains";
    else {
        *op_out = "regex";
        *value_out = wildcard_regex(cv, tok, n);
    }
    return *value_out != NULL;
}

/* The vigil operator and value for one Sigma value under the field's modifiers. */
static bool one_value(struct conv *cv, const char *field, const struct mods *m,
                      const yaml_node_t *vn, const char **op, const char **value, bool *nocase)
{
    const char *v = text_of(vn);
    *nocase = false;
    if (!v) {
        refuse(cv, "field '%.80s' has a list or mapping inside its values", field);
        return false;
    }
    if (is_null(vn)) {
        if (m->base || m->kind) {
            refuse(cv, "field '%.80s': null with a modifier", field);
            return false;
        }
        *op = "exists";
        *value = "false";
        return true;
    }
    const char *kind = m->kind ? m->kind : "";
    if (!strcmp(kind, "exists")) {
        if (strcmp(v, "true") && strcmp(v, "false")) {
            refuse(cv, "field '%.80s': exists takes true or false", field);
            return false;
        }
        *op = "exists";
        *value = v;
        return true;
    }
    if (*kind)
        for (size_t i = 0; i < VG_ARRAY_LEN(OBJECT_FIELDS); i++)
            if (!strcmp(field, OBJECT_FIELDS[i]))
                goto object;
    if (!strcmp(kind, "re")) {
        *op = "regex";
        *nocase = m->re_i;
        if (!m->re_m && !m->re_s) {
            *value = v;
            return true;
        }
        size_t len = strlen(v) + 12;
        char *re = alloc(cv, len);
        if (re)
            snprintf(re, len, "(?%s%s)%s", m->re_m ? "m" : "", m->re_s ? "s" : "", v);
        *value = re;
        return re != NULL;
    }
    if (!strcmp(kind, "cidr") || !strcmp(kind, "fieldref")) {
        *op = kind[0] == 'c' ? "cidr" : m->base ? "contains_field" : "equals_field";
        *value = v;
        return true;
    }
    if (*kind) { /* lt, lte, gt, gte */
        char *end;
        (void)strtod(v, &end);
        if (!*v || *end) {
            refuse(cv, "field '%.80s': '%s' takes a number, not '%.40s'", field, kind, v);
            return false;
        }
        *op = kind[0] == 'l' ? (kind[2] ? "le" : "lt") : (kind[2] ? "ge" : "gt");
        *value = v;
        return true;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(OBJECT_FIELDS); i++)
        if (!strcmp(field, OBJECT_FIELDS[i]))
            goto object;
    if (!string_value(cv, v, m->base, op, value))
        return false;
    *nocase = strcmp(*op, "exists") && !m->cased && !case_kept_field(field);
    return true;
object:
    refuse(cv,
           "field '%.80s' is a JSON object in CloudTrail records, not text (Sigma backends search "
           "its text; vigil compares values: name a field inside it)",
           field);
    return false;
}

/* Operators whose leaf holds a list of values (any of them, or all with `all: true`). */
static bool takes_list(const char *op)
{
    return !strcmp(op, "equals") || !strcmp(op, "prefix") || !strcmp(op, "suffix") ||
           !strcmp(op, "contains") || !strcmp(op, "cidr");
}

/* `field|mods: value(s)`: leaves grouped by operator, any (or all) of them. */
static struct node *field_entry(struct conv *cv, const char *key, const yaml_node_t *v)
{
    char *spec = dup_str(cv, key, strlen(key));
    if (!spec)
        return NULL;
    char *bar = strchr(spec, '|');
    if (bar)
        *bar = '\0';
    const char *field = spec;
    struct mods m = { 0 };
    if (!*field) {
        refuse(cv, "a keyword search ('%.60s' names no field): vigil rules match fields", key);
        return NULL;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(VIGIL_KEYS); i++)
        if (!strcmp(field, VIGIL_KEYS[i])) {
            refuse(cv, "field '%s' has the name of a vigil condition keyword", field);
            return NULL;
        }
    if (bar && !parse_mods(cv, bar + 1, &m))
        return NULL;
    uint32_t count = 1;
    if (v->type == YAML_SEQUENCE_NODE && (count = seq_len(v)) == 0) {
        refuse(cv, "field '%.80s' has an empty list", field);
        return NULL;
    }
    if (v->type == YAML_MAPPING_NODE) {
        refuse(cv, "field '%.80s' has a mapping for a value", field);
        return NULL;
    }
    if (!spend(cv, count))
        return NULL;
    struct node **leaves = alloc(cv, count * sizeof(*leaves));
    if (!leaves)
        return NULL;
    uint32_t nleaves = 0;
    for (uint32_t i = 0; i < count; i++) {
        const yaml_node_t *item =
            v->type == YAML_SEQUENCE_NODE ? ynode(cv, v->data.sequence.items.start[i]) : v;
        const char *op, *value;
        bool nocase;
        if (!one_value(cv, field, &m, item, &op, &value, &nocase))
            return NULL;
        struct node *leaf = NULL;
        for (uint32_t k = 0; takes_list(op) && k < nleaves; k++)
            if (!strcmp(leaves[k]->op, op) && leaves[k]->nocase == nocase)
                leaf = leaves[k];
        if (!leaf) {
            if (!(leaf = new_leaf(cv, field, op, count)))
                return NULL;
            leaf->nocase = nocase;
            leaves[nleaves++] = leaf;
        }
        leaf->values[leaf->nvalues++] = value;
        leaf->all = m.all && leaf->nvalues > 1;
    }
    return combine(cv, m.all ? N_ALL : N_ANY, leaves, nleaves);
}

/* A search: a mapping (all of its fields) or a list of mappings (any of them). */
static struct node *search_map(struct conv *cv, const char *name, const yaml_node_t *map)
{
    uint32_t count = (uint32_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    if (count == 0) {
        refuse(cv, "search '%.60s' is empty", name);
        return NULL;
    }
    struct node **kids = alloc(cv, count * sizeof(*kids));
    if (!kids)
        return NULL;
    for (uint32_t i = 0; i < count; i++) {
        const yaml_node_pair_t *p = &map->data.mapping.pairs.start[i];
        const char *key = text_of(ynode(cv, p->key));
        if (!key) {
            refuse(cv, "search '%.60s' has a key that is not a field name", name);
            return NULL;
        }
        if (!(kids[i] = field_entry(cv, key, ynode(cv, p->value))))
            return NULL;
    }
    return combine(cv, N_ALL, kids, count);
}

static struct node *compile_search(struct conv *cv, const struct search *s)
{
    const yaml_node_t *d = s->def;
    if (d->type == YAML_MAPPING_NODE)
        return search_map(cv, s->name, d);
    if (d->type != YAML_SEQUENCE_NODE || seq_len(d) == 0) {
        refuse(cv, "search '%.60s' is neither a mapping nor a list of them", s->name);
        return NULL;
    }
    uint32_t count = seq_len(d);
    struct node **kids = alloc(cv, count * sizeof(*kids));
    if (!kids)
        return NULL;
    for (uint32_t i = 0; i < count; i++) {
        const yaml_node_t *item = ynode(cv, d->data.sequence.items.start[i]);
        if (item->type != YAML_MAPPING_NODE) {
            refuse(cv,
                   "search '%.60s' is a keyword list: keywords search a record's whole text, "
                   "vigil rules match fields",
                   s->name);
            return NULL;
        }
        if (!(kids[i] = search_map(cv, s->name, item)))
            return NULL;
    }
    return combine(cv, N_ANY, kids, count);
}

static unsigned tree_size(const struct node *n)
{
    unsigned size = 1;
    for (uint32_t i = 0; i < n->nkids; i++)
        size += tree_size(n->kids[i]);
    return size;
}

/* A search by name; the first mention compiles it, each mention spends its size. */
static struct node *use_search(struct conv *cv, struct search *s)
{
    if (!s->cond) {
        if (!(s->cond = compile_search(cv, s)))
            return NULL;
        s->size = tree_size(s->cond);
        return s->cond;
    }
    return spend(cv, s->size) ? s->cond : NULL;
}

/* --- the condition --------------------------------------------------------------------------- */

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '*' || c == '-' || c == '.';
}

static void skip_space(struct conv *cv)
{
    while (isspace((unsigned char)cv->text[cv->pos]))
        cv->pos++;
}

/* The next word (identifier, number, keyword), without consuming it; its length. */
static size_t peek_word(struct conv *cv, const char **out)
{
    skip_space(cv);
    *out = cv->text + cv->pos;
    size_t n = 0;
    while (ident_char((*out)[n]))
        n++;
    return n;
}

static bool next_is(struct conv *cv, const char *word)
{
    const char *w;
    size_t n = peek_word(cv, &w);
    if (n != strlen(word) || strncmp(w, word, n))
        return false;
    cv->pos += n;
    return true;
}

/* `*` matches any run of characters: the only wildcard of condition identifiers. */
static bool glob(const char *pat, const char *s)
{
    if (!*pat)
        return !*s;
    if (*pat == '*')
        return glob(pat + 1, s) || (*s && glob(pat, s + 1));
    return *s == *pat && glob(pat + 1, s + 1);
}

static struct node *expr(struct conv *cv);

/* `1 of PATTERN`, `all of PATTERN`, `1 of them`, `all of them`. */
static struct node *quantified(struct conv *cv, bool all)
{
    const char *w;
    size_t n = peek_word(cv, &w);
    if (n == 0) {
        refuse(cv, "condition: 'of' names no search");
        return NULL;
    }
    char *pat = dup_str(cv, w, n);
    if (!pat)
        return NULL;
    cv->pos += n;
    bool them = !strcmp(pat, "them");
    struct node **kids = alloc(cv, (cv->nsearch ? cv->nsearch : 1) * sizeof(*kids));
    uint32_t count = 0;
    for (uint32_t i = 0; kids && i < cv->nsearch; i++) {
        const char *name = cv->searches[i].name;
        if (them ? name[0] == '_' : !glob(pat, name))
            continue;
        if (!(kids[count++] = use_search(cv, &cv->searches[i])))
            return NULL;
    }
    if (!kids)
        return NULL;
    if (count == 0) {
        refuse(cv, "condition: '%.60s' matches no search", pat);
        return NULL;
    }
    return combine(cv, all ? N_ALL : N_ANY, kids, count);
}

static struct node *primary(struct conv *cv)
{
    skip_space(cv);
    if (cv->text[cv->pos] == '(') {
        cv->pos++;
        struct node *n = expr(cv);
        skip_space(cv);
        if (n && cv->text[cv->pos] != ')') {
            refuse(cv, "condition: a '(' without its ')'");
            return NULL;
        }
        cv->pos++;
        return n;
    }
    const char *w;
    size_t n = peek_word(cv, &w);
    if (n == 0) {
        if (w[0] == '|')
            refuse(cv, "an aggregation ('| count()' and the like) is not supported");
        else
            refuse(cv, "condition: unexpected '%.20s'", *w ? w : "end");
        return NULL;
    }
    char *word = dup_str(cv, w, n);
    if (!word)
        return NULL;
    cv->pos += n;
    if (next_is(cv, "of")) {
        if (strcmp(word, "1") && strcmp(word, "all")) {
            refuse(cv, "condition: '%.20s of' (only '1 of' and 'all of')", word);
            return NULL;
        }
        return quantified(cv, word[0] == 'a');
    }
    if (!strcmp(word, "near")) {
        refuse(cv, "'near' (events close in time) is not supported");
        return NULL;
    }
    for (uint32_t i = 0; i < cv->nsearch; i++)
        if (!strcmp(cv->searches[i].name, word))
            return use_search(cv, &cv->searches[i]);
    refuse(cv, "condition names '%.60s', which the detection does not define", word);
    return NULL;
}

static struct node *unary(struct conv *cv)
{
    if (++cv->depth > SIGMA_MAX_DEPTH) {
        refuse(cv, "condition nested too deeply");
        return NULL;
    }
    struct node *n;
    if (next_is(cv, "not"))
        n = (n = unary(cv)) ? negate(cv, n) : NULL;
    else
        n = primary(cv);
    cv->depth--;
    return n;
}

/* operand (OP operand)*: and binds tighter than or. */
static struct node *chain(struct conv *cv, const char *op, struct node *(*operand)(struct conv *),
                          enum node_kind kind)
{
    struct node *first = operand(cv);
    if (!first || !next_is(cv, op))
        return first;
    uint32_t count = 1, cap = 8;
    struct node **kids = alloc(cv, cap * sizeof(*kids));
    if (!kids)
        return NULL;
    kids[0] = first;
    do {
        if (count == cap) {
            struct node **grown = alloc(cv, 2 * cap * sizeof(*kids));
            if (!grown)
                return NULL;
            memcpy(grown, kids, cap * sizeof(*kids));
            kids = grown;
            cap *= 2;
        }
        if (!(kids[count++] = operand(cv)))
            return NULL;
    } while (next_is(cv, op));
    return combine(cv, kind, kids, count);
}

static struct node *and_expr(struct conv *cv)
{
    return chain(cv, "and", unary, N_ALL);
}

static struct node *expr(struct conv *cv)
{
    if (++cv->depth > SIGMA_MAX_DEPTH) {
        refuse(cv, "condition nested too deeply");
        return NULL;
    }
    struct node *n = chain(cv, "or", and_expr, N_ANY);
    cv->depth--;
    return n;
}

static struct node *condition(struct conv *cv, const char *text)
{
    cv->text = text;
    cv->pos = 0;
    cv->depth = 0;
    struct node *n = expr(cv);
    skip_space(cv);
    if (n && cv->text[cv->pos]) {
        if (cv->text[cv->pos] == '|')
            refuse(cv, "an aggregation ('| count()' and the like) is not supported");
        else if (next_is(cv, "near"))
            refuse(cv, "'near' (events close in time) is not supported");
        else
            refuse(cv, "condition: unexpected '%.20s'", cv->text + cv->pos);
        return NULL;
    }
    return n;
}

/* --- writing the vigil rule ---------------------------------------------------------------- */

struct out {
    struct vg_buf b;
    int rc;
};

static void put(struct out *o, const char *s)
{
    if (o->rc == 0)
        o->rc = vg_buf_adds(&o->b, s);
}

static void pad(struct out *o, unsigned n)
{
    if (o->rc == 0)
        o->rc = vg_buf_printf(&o->b, "%*s", (int)n, "");
}

/* Plain YAML only for text no YAML reader takes for anything else (null, a boolean, a flow
 * indicator, a comment); the rest is double-quoted, which with JSON's escapes is valid YAML. */
static void scalar(struct out *o, const char *s)
{
    static const char *const WORDS[] = {
        "null", "true", "false", "yes", "no", "on", "off", "y", "n"
    };
    bool plain = isalnum((unsigned char)s[0]);
    for (size_t i = 0; plain && i < VG_ARRAY_LEN(WORDS); i++)
        plain = strcasecmp(s, WORDS[i]) != 0;
    for (const char *c = s; plain && *c; c++)
        plain = isalnum((unsigned char)*c) || strchr("_.-/@", *c);
    if (plain)
        put(o, s);
    else if (o->rc == 0)
        o->rc = vg_buf_add_json_str(&o->b, vg_str_from(s));
}

static void values(struct out *o, const struct node *n)
{
    if (n->nvalues == 1) {
        scalar(o, n->values[0]);
        return;
    }
    put(o, "[");
    for (uint32_t i = 0; i < n->nvalues; i++) {
        put(o, i ? ", " : "");
        scalar(o, n->values[i]);
    }
    put(o, "]");
}

static void leaf_value(struct out *o, const struct node *n)
{
    if (!strcmp(n->op, "exists")) {
        put(o, strcmp(n->values[0], "false") ? "{exists: true}" : "null");
        return;
    }
    bool bare = !strcmp(n->op, "equals") && !n->nocase && !n->all;
    if (!bare) {
        put(o, "{");
        put(o, n->op);
        put(o, ": ");
    }
    values(o, n);
    if (!bare) {
        put(o, n->nocase ? ", nocase: true" : "");
        put(o, n->all ? ", all: true" : "");
        put(o, "}");
    }
}

static const char *key_of(const struct node *n)
{
    return n->kind == N_LEAF  ? n->field
           : n->kind == N_ANY ? "any"
           : n->kind == N_NOT ? "not"
                              : "all";
}

static void cond_map(struct out *o, const struct node *n, unsigned ind, bool placed);

static void cond_list(struct out *o, const char *key, struct node *const *kids, uint32_t count,
                      const bool *only, unsigned ind)
{
    put(o, key);
    put(o, ":\n");
    for (uint32_t i = 0; i < count; i++) {
        if (only && !only[i])
            continue;
        pad(o, ind + 2);
        put(o, "- ");
        cond_map(o, kids[i], ind + 4, true);
    }
}

/* One entry of a condition mapping; `placed`: the line is already indented (after "- "). */
static void cond_entry(struct out *o, const struct node *n, unsigned ind, bool placed)
{
    if (!placed)
        pad(o, ind);
    switch (n->kind) {
    case N_LEAF:
        scalar(o, n->field);
        put(o, ": ");
        leaf_value(o, n);
        put(o, "\n");
        break;
    case N_NOT:
        put(o, "not:\n");
        cond_map(o, n->kids[0], ind + 2, false);
        break;
    case N_ANY:
    case N_ALL: cond_list(o, key_of(n), n->kids, n->nkids, NULL, ind); break;
    }
}

/* A condition as a YAML mapping: the kids of an all as its entries, except that a key seen
 * before (two `not`s, a field tested twice) goes into an `all:` list entry. */
static void cond_map(struct out *o, const struct node *n, unsigned ind, bool placed)
{
    struct node *const *kids = n->kind == N_ALL ? n->kids : (struct node *const *)&n;
    uint32_t count = n->kind == N_ALL ? n->nkids : 1, repeats = 0;
    bool *repeat = calloc(count, sizeof(*repeat));
    if (!repeat) {
        o->rc = VG_ENOMEM;
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        for (uint32_t j = 0; j < i && !repeat[i]; j++)
            repeat[i] = !strcmp(key_of(kids[i]), key_of(kids[j]));
        if (repeat[i]) {
            repeats++;
            continue;
        }
        cond_entry(o, kids[i], ind, placed);
        placed = false;
    }
    if (repeats) {
        if (!placed)
            pad(o, ind);
        cond_list(o, "all", kids, count, repeat, ind);
    }
    free(repeat);
}

/* Text for one line: whitespace runs as one space; braces made safe for a rule's `title`
 * (none allowed) or a `description` template (doubled). */
static char *one_line(struct conv *cv, const char *s, bool template)
{
    size_t len = strlen(s);
    char *t = alloc(cv, 2 * len + 1), *w = t;
    if (!t)
        return NULL;
    for (const char *c = s; *c; c++) {
        if (isspace((unsigned char)*c)) {
            if (w > t && w[-1] != ' ')
                *w++ = ' ';
        } else if ((*c == '{' || *c == '}') && !template)
            *w++ = *c == '{' ? '(' : ')';
        else {
            *w++ = *c;
            if (*c == '{' || *c == '}')
                *w++ = *c;
        }
    }
    while (w > t && w[-1] == ' ')
        w--;
    *w = '\0';
    return t;
}

/* The rule's id: `sigma-` and the Sigma id, or a slug of the title. */
static char *rule_id(struct conv *cv, const char *sigma_id, const char *title)
{
    char *id = alloc(cv, SIGMA_ID_MAX + 8);
    if (!id)
        return NULL;
    memcpy(id, "sigma-", 6);
    size_t n = 6;
    bool usable = sigma_id && *sigma_id && strlen(sigma_id) <= SIGMA_ID_MAX;
    for (const char *c = sigma_id; usable && *c; c++)
        usable = isalnum((unsigned char)*c) || strchr("._-", *c);
    if (usable) {
        memcpy(id + n, sigma_id, strlen(sigma_id) + 1);
        return id;
    }
    for (const char *c = title; *c && n < SIGMA_ID_MAX + 6; c++) {
        if (isalnum((unsigned char)*c))
            id[n++] = (char)tolower((unsigned char)*c);
        else if (id[n - 1] != '-')
            id[n++] = '-';
    }
    while (id[n - 1] == '-')
        n--;
    id[n] = '\0';
    return id;
}

/* Append `s` CamelCased (words of letters and digits, each capitalised) to t, up to cap. */
static size_t camel(char *t, size_t n, size_t cap, const char *s)
{
    bool start = true;
    for (const char *c = s; *c && n < cap; c++) {
        if (!isalnum((unsigned char)*c)) {
            start = true;
            continue;
        }
        t[n++] = start ? (char)toupper((unsigned char)*c) : *c;
        start = false;
    }
    return n;
}

/* A tactic tag: attack.persistence, attack.credential-access (not attack.t1098, attack.g0016). */
static const char *tactic_of(const struct conv *cv, const yaml_node_t *tags)
{
    if (!tags || tags->type != YAML_SEQUENCE_NODE)
        return NULL;
    for (uint32_t i = 0; i < seq_len(tags); i++) {
        const char *t = text_of(ynode(cv, tags->data.sequence.items.start[i]));
        if (!t || strncasecmp(t, "attack.", 7) || !t[7])
            continue;
        bool words = true;
        for (const char *c = t + 7; words && *c; c++)
            words = isalpha((unsigned char)*c) || *c == '-' || *c == '_';
        if (words)
            return t + 7;
    }
    return NULL;
}

/* <Tactic>:IAMUser/Sigma.<CamelCasedTitle>, within vigil's length for a type name. */
static char *type_name(struct conv *cv, const yaml_node_t *tags, const char *title)
{
    char *t = alloc(cv, TYPE_NAME_MAX + 1);
    if (!t)
        return NULL;
    const char *tactic = tactic_of(cv, tags);
    size_t n = camel(t, 0, 40, tactic ? tactic : "suspicious");
    const char *mid = ":IAMUser/Sigma.";
    memcpy(t + n, mid, strlen(mid));
    n += strlen(mid);
    size_t before = n;
    n = camel(t, n, TYPE_NAME_MAX, title);
    if (n == before)
        n = camel(t, n, TYPE_NAME_MAX, "rule");
    t[n] = '\0';
    return t;
}

static const char *severity_of(struct conv *cv, const char *level)
{
    if (!level || !strcasecmp(level, "medium"))
        return "medium";
    if (!strcasecmp(level, "informational") || !strcasecmp(level, "low"))
        return "low";
    if (!strcasecmp(level, "high") || !strcasecmp(level, "critical"))
        return level[0] == 'h' || level[0] == 'H' ? "high" : "critical";
    refuse(cv, "level '%.40s' is not informational, low, medium, high or critical", level);
    return NULL;
}

/* Provenance carried over as notes vigil keeps but does not act on. */
static void note(struct out *o, const struct conv *cv, const yaml_node_t *root, const char *key,
                 const char *extra)
{
    const yaml_node_t *v = get(cv, root, key);
    if (v && v->type == YAML_SCALAR_NODE && !extra) {
        put(o, key);
        put(o, ": ");
        scalar(o, text_of(v));
        put(o, "\n");
        return;
    }
    if ((!v || v->type != YAML_SEQUENCE_NODE) && !extra)
        return;
    put(o, key);
    put(o, ":\n");
    for (uint32_t i = 0; v && v->type == YAML_SEQUENCE_NODE && i < seq_len(v); i++) {
        const char *t = text_of(ynode(cv, v->data.sequence.items.start[i]));
        if (t) {
            put(o, "  - ");
            scalar(o, t);
            put(o, "\n");
        }
    }
    if (v && v->type == YAML_SCALAR_NODE) {
        put(o, "  - ");
        scalar(o, text_of(v));
        put(o, "\n");
    }
    if (extra) {
        put(o, "  - ");
        scalar(o, extra);
        put(o, "\n");
    }
}

static bool eq_text(const char *a, const char *b)
{
    return a && !strcasecmp(a, b);
}

/* One Sigma rule (a YAML document's root) into a vigil rule in o; false (cv->why) if not. */
static bool convert_rule(struct conv *cv, const yaml_node_t *root, struct out *o)
{
    if (root->type != YAML_MAPPING_NODE) {
        refuse(cv, "not a Sigma rule (a rule is a YAML mapping)");
        return false;
    }
    const char *title = get_text(cv, root, "title");
    const yaml_node_t *logsource = get(cv, root, "logsource");
    const yaml_node_t *detection = get(cv, root, "detection");
    const yaml_node_t *cond = get(cv, detection, "condition");
    if (get(cv, root, "action"))
        refuse(cv, "a rule collection ('action:') is not supported: give each rule whole");
    else if (get(cv, root, "correlation"))
        refuse(cv, "a correlation rule (it counts other rules' matches) is not supported");
    else if (!title || !*title)
        refuse(cv, "the rule has no title");
    else if (!eq_text(get_text(cv, logsource, "product"), "aws") ||
             !eq_text(get_text(cv, logsource, "service"), "cloudtrail"))
        refuse(cv, "logsource is not AWS CloudTrail (product '%.40s', service '%.40s')",
               get_text(cv, logsource, "product") ? get_text(cv, logsource, "product") : "",
               get_text(cv, logsource, "service") ? get_text(cv, logsource, "service") : "");
    else if (!detection || detection->type != YAML_MAPPING_NODE)
        refuse(cv, "the rule has no detection");
    else if (get(cv, detection, "timeframe") || get(cv, root, "timeframe"))
        refuse(cv, "a timeframe (matches counted over time) is not supported");
    else if (!cond || (cond->type != YAML_SCALAR_NODE && cond->type != YAML_SEQUENCE_NODE))
        refuse(cv, "the detection has no condition");
    if (cv->failed)
        return false;
    const char *severity = severity_of(cv, get_text(cv, root, "level"));
    uint32_t pairs =
        (uint32_t)(detection->data.mapping.pairs.top - detection->data.mapping.pairs.start);
    if (!severity || !(cv->searches = alloc(cv, pairs * sizeof(*cv->searches))))
        return false;
    for (const yaml_node_pair_t *p = detection->data.mapping.pairs.start;
         p < detection->data.mapping.pairs.top; p++) {
        const char *name = text_of(ynode(cv, p->key));
        if (name && strcmp(name, "condition"))
            cv->searches[cv->nsearch++] = (struct search){ name, ynode(cv, p->value), NULL, 0 };
    }
    /* a list of conditions (older Sigma) means any of them */
    uint32_t nconds = cond->type == YAML_SEQUENCE_NODE ? seq_len(cond) : 1;
    struct node **any = alloc(cv, (nconds ? nconds : 1) * sizeof(*any));
    for (uint32_t i = 0; any && i < nconds; i++) {
        const char *text =
            text_of(cond->type == YAML_SEQUENCE_NODE ? ynode(cv, cond->data.sequence.items.start[i])
                                                     : cond);
        if (!text) {
            refuse(cv, "the condition is not text");
            return false;
        }
        if (!(any[i] = condition(cv, text)))
            return false;
    }
    if (!any || nconds == 0 || !(any[0] = combine(cv, N_ANY, any, nconds))) {
        refuse(cv, "the detection has no condition");
        return false;
    }
    const char *sigma_id = get_text(cv, root, "id");
    const char *desc = get_text(cv, root, "description");
    char *id = rule_id(cv, sigma_id, title);
    char *type = type_name(cv, get(cv, root, "tags"), title);
    char *line_title = one_line(cv, title, false);
    char *line_desc = one_line(cv, desc && *desc ? desc : title, true);
    char *ref = sigma_id ? alloc(cv, strlen(sigma_id) + 8) : NULL;
    if (!id || !type || !line_title || !line_desc || (sigma_id && !ref))
        return false;
    if (ref)
        snprintf(ref, strlen(sigma_id) + 8, "sigma:%s", sigma_id);
    put(o, "---\nid: ");
    put(o, id);
    put(o, "\ntitle: ");
    scalar(o, line_title);
    put(o, "\ntype: ");
    put(o, type);
    put(o, "\nresource: AccessKey\nseverity: ");
    put(o, severity);
    put(o, "\nmode: live\ndescription: ");
    scalar(o, line_desc);
    put(o, "\n");
    note(o, cv, root, "references", ref);
    note(o, cv, root, "author", NULL);
    note(o, cv, root, "status", NULL);
    note(o, cv, root, "date", NULL);
    note(o, cv, root, "modified", NULL);
    note(o, cv, root, "tags", NULL);
    note(o, cv, root, "falsepositives", NULL);
    put(o, "match:\n");
    cond_map(o, any[0], 2, false);
    return true;
}

/* What the loader said about a rule it refused, less the "file:line: rule ID: " in front. */
static const char *loader_reason(const char *msg, const char *id)
{
    const char *at = strstr(msg, id);
    return at && !strncmp(at + strlen(id), ": ", 2) ? at + strlen(id) + 2 : msg;
}

static void refused(struct vg_sigma *s, const char *file, const char *title, const char *why)
{
    s->refused++;
    if (s->report)
        s->report(s->report_ctx, file, title, why);
}

static int convert_doc(struct vg_sigma *s, const char *file, yaml_document_t *doc,
                       struct vg_arena *arena)
{
    struct conv cv = { .arena = arena, .doc = doc, .budget = SIGMA_BUDGET };
    struct out o = { .rc = 0 };
    vg_buf_init(&o.b, SIGMA_FILE_MAX);
    const yaml_node_t *root = yaml_document_get_root_node(doc);
    const char *title = get_text(&cv, root, "title");
    int rc = VG_OK;
    if (convert_rule(&cv, root, &o) && o.rc == 0) {
        uint64_t before = vg_rules_rejected(s->check);
        struct vg_diag diag;
        vg_diag_init(&diag, 1, NULL, NULL);
        rc = vg_rules_load_text(s->check, file, o.b.data, o.b.len, &diag);
        if (rc == VG_OK && vg_rules_rejected(s->check) != before) {
            char id[SIGMA_ID_MAX + 8];
            const char *line = strstr(o.b.data, "\nid: ");
            snprintf(id, sizeof(id), "%.*s", line ? (int)strcspn(line + 5, "\n") : 0,
                     line ? line + 5 : "");
            refuse(&cv, "vigil refuses the converted rule: %s", loader_reason(diag.last, id));
        }
    }
    if (cv.nomem || o.rc == VG_ENOMEM)
        rc = VG_ENOMEM;
    else if (o.rc)
        refuse(&cv, "the converted rule is too large");
    if (rc == VG_OK && cv.failed)
        refused(s, file, title, cv.why);
    else if (rc == VG_OK) {
        rc = vg_buf_add(&s->out, o.b.data, o.b.len);
        s->converted += rc == VG_OK;
    }
    vg_buf_release(&o.b);
    return rc;
}

int vg_sigma_convert(struct vg_sigma *s, const char *file, const char *text, size_t len)
{
    if (len > SIGMA_FILE_MAX) {
        refused(s, file, NULL, "a file over 4 MiB");
        return VG_OK;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return VG_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    struct vg_arena arena;
    vg_arena_init(&arena, 64 * 1024, 64u << 20);
    int rc = VG_OK;
    while (rc == VG_OK) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            char why[WHY_MAX];
            snprintf(why, sizeof(why), "not valid YAML (line %zu): %s",
                     parser.problem_mark.line + 1, parser.problem ? parser.problem : "unreadable");
            refused(s, file, NULL, why);
            break;
        }
        if (!yaml_document_get_root_node(&doc)) {
            yaml_document_delete(&doc);
            break;
        }
        rc = convert_doc(s, file, &doc, &arena);
        yaml_document_delete(&doc);
        vg_arena_reset(&arena);
    }
    vg_arena_release(&arena);
    yaml_parser_delete(&parser);
    return rc;
}

int vg_sigma_init(struct vg_sigma *s, vg_sigma_report_fn report, void *ctx)
{
    *s = (struct vg_sigma){ .report = report, .report_ctx = ctx };
    vg_buf_init(&s->out, 0);
    s->check = vg_rules_new();
    return s->check ? VG_OK : VG_ENOMEM;
}

void vg_sigma_release(struct vg_sigma *s)
{
    vg_buf_release(&s->out);
    vg_rules_free(s->check);
    s->check = NULL;
}
