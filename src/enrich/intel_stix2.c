/*
 * "stix2": STIX 2.0/2.1 JSON: a bundle {"type":"bundle","objects":[...]}, a bare array of
 * objects, one object, or JSON lines of objects.  Only objects of type "indicator" matter; the
 * threat name is the indicator's name.
 *
 * An indicator carries a STIX pattern.  We take the comparisons
 *
 *   ipv4-addr:value = '45.33.32.156'         ipv6-addr:value = '2600:3c01::1'
 *   ipv4-addr:value ISSUBSET '45.33.0.0/16'  domain-name:value = 'evil.example.org'
 *   url:value = 'http://evil.example.org/x'  (its host)   X:value IN ('a', 'b')
 *
 * as long as the pattern only ORs them, in one observation or across several, with or without
 * qualifiers: then each value on its own is an indicator.  A pattern that ANDs conditions, or
 * chains observations with AND/FOLLOWEDBY, describes something narrower than any of its values
 * (an address *and* a port, a domain *followed by* a download): matching one value alone would
 * raise findings the author did not ask for, so such a pattern is skipped, as are patterns with
 * no network comparison (file hashes, certificates) and pattern types other than "stix".
 * Comparisons on other objects inside an OR are ignored; NOT, != and LIKE/MATCHES are too.
 *
 * The whole file is parsed with vigil's JSON reader (the tape borrows the input; strings with
 * escapes go to an arena that lives for the load).  Line numbers come from the object's
 * position in the input.
 */
#include "enrich/intel_stix2.h"

#include "enrich/csv.h"
#include "parse/json.h"

/* A pattern longer than this is not a list of indicators anyone wrote by hand or by tool; it
 * bounds the work one hostile pattern string can cause per call. */
#define MAX_PATTERN_BYTES (1u << 20)

static bool sniff(const char *buf, size_t len)
{
    size_t i = vg_json_skip_bom_ws(buf, len, 0);
    if (i >= len || (buf[i] != '{' && buf[i] != '['))
        return false;
    struct vg_str head = { buf + i, len - i > 4096 ? 4096 : len - i };
    return vg_str_case_find(head, "\"type\"") >= 0 &&
           (vg_str_case_find(head, "\"bundle\"") >= 0 ||
            vg_str_case_find(head, "\"indicator\"") >= 0 ||
            vg_str_case_find(head, "\"pattern\"") >= 0);
}

/* ---- the pattern language, just enough of it ---- */

enum tok {
    T_END,
    T_ERROR,
    T_LBRACKET,
    T_RBRACKET,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_STRING, /* '...' (also t'...', h'...', b'...') */
    T_WORD,   /* keyword, number or object path */
    T_OP,     /* = != < <= > >= */
};

struct lexer {
    const char *p, *end;
    enum tok tok;
    struct vg_str text; /* T_STRING: the raw body between the quotes (escapes left in) */
    const char *error;
};

static bool word_char(char ch)
{
    return !(ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '[' || ch == ']' ||
             ch == '(' || ch == ')' || ch == ',' || ch == '=' || ch == '!' || ch == '<' ||
             ch == '>' || ch == '\'');
}

/* A quoted body from just past the opening quote; false if it never closes. */
static bool lex_quoted(struct lexer *lx, const char *p)
{
    const char *s = p;
    while (p < lx->end && *p != '\'') {
        if (*p == '\\' && p + 1 < lx->end)
            p++;
        p++;
    }
    if (p >= lx->end) {
        lx->error = "string literal is not closed";
        return false;
    }
    lx->text = (struct vg_str){ s, (size_t)(p - s) };
    lx->p = p + 1;
    return true;
}

static enum tok lex(struct lexer *lx)
{
    const char *p = lx->p;
    while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    lx->text = (struct vg_str){ p, 0 };
    if (p >= lx->end)
        return lx->tok = T_END;
    char ch = *p;
    static const char singles[] = "[](),";
    static const enum tok single_tok[] = { T_LBRACKET, T_RBRACKET, T_LPAREN, T_RPAREN, T_COMMA };
    const char *k = memchr(singles, ch, sizeof(singles) - 1);
    if (k && ch) {
        lx->p = p + 1;
        return lx->tok = single_tok[k - singles];
    }
    if (ch == '\'')
        return lx->tok = lex_quoted(lx, p + 1) ? T_STRING : T_ERROR;
    if ((ch == 't' || ch == 'h' || ch == 'b') && p + 1 < lx->end && p[1] == '\'')
        return lx->tok = lex_quoted(lx, p + 2) ? T_STRING : T_ERROR;
    if (ch == '=' || ch == '!' || ch == '<' || ch == '>') {
        const char *s = p++;
        if (p < lx->end && *p == '=')
            p++;
        if (ch == '!' && p - s != 2) {
            lx->error = "'!' without '='";
            return lx->tok = T_ERROR;
        }
        lx->text = (struct vg_str){ s, (size_t)(p - s) };
        lx->p = p;
        return lx->tok = T_OP;
    }
    /* Object paths may hold quoted keys: file:hashes.'SHA-256'. */
    const char *s = p;
    while (p < lx->end) {
        if (*p == '\'' && p > s && p[-1] == '.') {
            p++;
            while (p < lx->end && *p != '\'')
                p++;
            if (p >= lx->end) {
                lx->error = "quoted path component is not closed";
                return lx->tok = T_ERROR;
            }
            p++;
            continue;
        }
        if (!word_char(*p))
            break;
        p++;
    }
    if (p == s) {
        lx->error = "unexpected character";
        return lx->tok = T_ERROR;
    }
    lx->text = (struct vg_str){ s, (size_t)(p - s) };
    lx->p = p;
    return lx->tok = T_WORD;
}

/* What a comparison's object path means to us. */
static bool network_path(struct vg_str path, bool *is_url)
{
    *is_url = vg_str_eq_lit(path, "url:value");
    return *is_url || vg_str_eq_lit(path, "ipv4-addr:value") ||
           vg_str_eq_lit(path, "ipv6-addr:value") || vg_str_eq_lit(path, "domain-name:value");
}

struct pattern_ctx {
    struct vg_intel_load_ctx *load;
    const struct vg_diag_loc *loc;
    struct vg_str name;
    struct vg_buf *scratch;
    bool adding;     /* second pass: hand values to the builder */
    unsigned values; /* network values seen */
    bool narrowing;  /* AND or FOLLOWEDBY somewhere */
    int rc;
};

/* One string literal on the right of a network comparison. */
static void take_value(struct pattern_ctx *pc, struct vg_str raw, bool is_url)
{
    pc->values++;
    if (!pc->adding || pc->rc != VG_OK)
        return;
    struct vg_str v = raw;
    if (memchr(raw.ptr, '\\', raw.len)) {
        /* \' and \\ are the only escapes; undo them in scratch. */
        vg_buf_reset(pc->scratch);
        for (size_t i = 0; i < raw.len && pc->rc == VG_OK; i++) {
            if (raw.ptr[i] == '\\' && i + 1 < raw.len)
                i++;
            pc->rc = vg_buf_addc(pc->scratch, raw.ptr[i]);
        }
        if (pc->rc != VG_OK)
            return;
        v = (struct vg_str){ pc->scratch->data, pc->scratch->len };
    }
    if (is_url)
        v = vg_csv_url_host(v);
    if (v.len == 0) {
        vg_intel_builder_skip(pc->load->builder, pc->load->list);
        return;
    }
    pc->rc = vg_intel_builder_add(pc->load->builder, pc->load->list, v, pc->name, pc->load->diag,
                                  pc->loc);
}

/* Walk the pattern.  Returns false with lx->error set when it is not a pattern at all.  Grammar
 * (loose): observation := '[' comparisons ']' qualifiers*, joined by OR/AND/FOLLOWEDBY;
 * comparison := path [NOT] op value, joined by AND/OR, grouped with parentheses. */
static bool walk_pattern(struct pattern_ctx *pc, struct lexer *lx)
{
    int depth = 0;
    lex(lx);
    while (lx->tok != T_END) {
        switch (lx->tok) {
        case T_ERROR: return false;
        case T_LBRACKET:
        case T_LPAREN:
            depth++;
            lex(lx);
            continue;
        case T_RBRACKET:
        case T_RPAREN:
            if (--depth < 0) {
                lx->error = "unbalanced ']' or ')'";
                return false;
            }
            lex(lx);
            continue;
        case T_WORD: break;
        default: /* a stray value or operator: qualifier arguments, or junk we ignore */
            lex(lx);
            continue;
        }
        struct vg_str w = lx->text;
        if (vg_str_eq_lit(w, "AND") || vg_str_eq_lit(w, "FOLLOWEDBY"))
            pc->narrowing = true;
        if (!memchr(w.ptr, ':', w.len)) {
            lex(lx); /* OR, qualifiers (WITHIN 300 SECONDS, START t'..' STOP t'..'), numbers */
            continue;
        }
        /* A comparison: path [NOT] op value. */
        bool is_url, wanted = network_path(w, &is_url), negated = false;
        lex(lx);
        if (lx->tok == T_WORD && vg_str_eq_lit(lx->text, "NOT")) {
            negated = true;
            lex(lx);
        }
        bool equal = false, in = false;
        if (lx->tok == T_OP) {
            equal = vg_str_eq_lit(lx->text, "=");
        } else if (lx->tok == T_WORD) {
            in = vg_str_eq_lit(lx->text, "IN");
            equal = vg_str_eq_lit(lx->text, "ISSUBSET");
            if (!in && !equal && !vg_str_eq_lit(lx->text, "LIKE") &&
                !vg_str_eq_lit(lx->text, "MATCHES") && !vg_str_eq_lit(lx->text, "ISSUPERSET") &&
                !vg_str_eq_lit(lx->text, "EXISTS")) {
                lx->error = "comparison has no operator";
                return false;
            }
        } else {
            lx->error = "comparison has no operator";
            return false;
        }
        wanted = wanted && !negated && (equal || in);
        lex(lx);
        if (in && lx->tok == T_LPAREN) {
            for (lex(lx); lx->tok == T_STRING || lx->tok == T_COMMA || lx->tok == T_WORD; lex(lx))
                if (wanted && lx->tok == T_STRING)
                    take_value(pc, lx->text, is_url);
            if (lx->tok != T_RPAREN) {
                lx->error = "'IN' list is not closed";
                return false;
            }
            lex(lx);
        } else if (lx->tok == T_STRING || lx->tok == T_WORD) {
            if (wanted && lx->tok == T_STRING)
                take_value(pc, lx->text, is_url);
            lex(lx);
        }
    }
    if (depth != 0) {
        lx->error = "'[' or '(' is not closed";
        return false;
    }
    return true;
}

static int load_indicator(struct vg_intel_load_ctx *ctx, const struct vg_json_value *obj,
                          const struct vg_diag_loc *loc, struct vg_buf *scratch)
{
    struct vg_str pattern = vg_json_str(vg_json_get(obj, "pattern"));
    struct vg_str type = vg_json_str(vg_json_get(obj, "pattern_type"));
    struct vg_str name = vg_json_str(vg_json_get(obj, "name"));
    struct pattern_ctx pc = { ctx,   loc,  name.ptr ? name : VG_STR(""), scratch, false, 0,
                              false, VG_OK };

    if (type.len && !vg_str_eq_lit(type, "stix")) {
        vg_intel_builder_skip(ctx->builder, ctx->list); /* snort, yara, sigma... */
        return VG_OK;
    }
    if (pattern.len == 0 || pattern.len > MAX_PATTERN_BYTES) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc, "indicator has %s 'pattern'",
                       pattern.len ? "an oversized" : "no string");
        vg_intel_builder_bad(ctx->builder, ctx->list);
        return VG_OK;
    }
    struct lexer lx = { pattern.ptr, pattern.ptr + pattern.len, T_END, { "", 0 }, NULL };
    if (!walk_pattern(&pc, &lx)) {
        vg_diag_report(ctx->diag, VG_DIAG_FIELD, loc,
                       "'pattern' is not a STIX pattern: %s (at byte %zu)",
                       lx.error ? lx.error : "syntax error", (size_t)(lx.p - pattern.ptr));
        vg_intel_builder_bad(ctx->builder, ctx->list);
        return VG_OK;
    }
    if (pc.values == 0 || pc.narrowing) {
        vg_intel_builder_skip(ctx->builder, ctx->list);
        return VG_OK;
    }
    pc.adding = true;
    lx.p = pattern.ptr;
    walk_pattern(&pc, &lx);
    return pc.rc;
}

static int load_object(struct vg_intel_load_ctx *ctx, const struct vg_json_value *obj,
                       struct vg_csv_lines *lc, struct vg_buf *scratch)
{
    if (obj->type != VG_JSON_OBJECT ||
        !vg_str_eq_lit(vg_json_str(vg_json_get(obj, "type")), "indicator"))
        return VG_OK;
    /* The object slot points at its '{' in the input. */
    size_t offset = (size_t)(obj->ptr - lc->buf);
    struct vg_diag_loc loc = { ctx->source, vg_csv_line_at(lc, offset), offset };
    return load_indicator(ctx, obj, &loc, scratch);
}

static int load(struct vg_intel_load_ctx *ctx, const char *buf, size_t len)
{
    struct vg_arena arena;
    struct vg_json_parser parser;
    struct vg_buf scratch;
    struct vg_csv_lines lc;
    size_t pos = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    int rc = VG_OK;

    /* Decoded strings are never longer than their escaped form: the input size bounds them. */
    vg_arena_init(&arena, 64 << 10, len + (64 << 10));
    vg_json_parser_init(&parser, &arena, len + 1);
    vg_buf_init(&scratch, MAX_PATTERN_BYTES);
    vg_csv_lines_init(&lc, buf, len);
    while (rc == VG_OK && (pos = vg_json_skip_ws(buf, len, pos)) < len) {
        const struct vg_json_value *root;
        struct vg_json_error err;
        enum vg_json_errcode jrc = vg_json_parse(&parser, buf, len, &pos, &root, &err);
        if (jrc == VG_JSON_ENOMEM) {
            rc = VG_ENOMEM;
            break;
        }
        if (jrc != VG_JSON_OK) {
            /* One broken document: nothing after the error can be framed reliably. */
            struct vg_diag_loc loc = { ctx->source, vg_csv_line_at(&lc, err.offset), err.offset };
            vg_diag_report(ctx->diag, VG_DIAG_JSON, &loc,
                           "file is not valid JSON: %s; rest of file skipped", err.what);
            vg_intel_builder_bad(ctx->builder, ctx->list);
            break;
        }
        const struct vg_json_value *objects = root;
        if (root->type == VG_JSON_OBJECT &&
            vg_str_eq_lit(vg_json_str(vg_json_get(root, "type")), "bundle"))
            objects = vg_json_get(root, "objects");
        if (objects && objects->type == VG_JSON_ARRAY) {
            for (const struct vg_json_value *o = vg_json_first(objects); o && rc == VG_OK;
                 o = vg_json_next(objects, o))
                rc = load_object(ctx, o, &lc, &scratch);
        } else if (objects) {
            rc = load_object(ctx, objects, &lc, &scratch);
        }
        vg_arena_reset(&arena);
    }
    vg_buf_release(&scratch);
    vg_json_parser_release(&parser);
    vg_arena_release(&arena);
    return rc;
}

const struct vg_intel_format vg_intel_format_stix2 = {
    .name = "stix2",
    .sniff = sniff,
    .load = load,
};
