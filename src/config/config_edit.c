/*
 * Textual edits of a configuration file (`vigil lists add`).
 *
 * The file is walked with libyaml's event parser only to learn positions: where the top-level
 * `lists:` key is, what its value is (nothing, a block sequence, a flow sequence), where the
 * sequence's last item ends and at which column its dashes are.  The new entry is then written
 * into a copy of the original bytes at that point, in the style of its neighbours, so every
 * comment and blank line survives.  Scalars the user chose (name, path, format) are written
 * plain only when they are made of safe characters, double-quoted otherwise, which makes any
 * byte safe to write.  What cannot be extended faithfully (a
 * flow-style document) is refused rather than rewritten, and whatever is written is loaded
 * again before it replaces the original.
 */
#include "config/config_edit.h"

#include <yaml.h>

#include "core/err.h"
#include "core/limits.h"

enum lists_value { LV_NONE, LV_NULL, LV_BLOCK, LV_FLOW };

struct layout {
    bool root_map;          /* the document is a block mapping */
    size_t root_col;        /* its keys' column */
    size_t end;             /* where the document ends: an explicit "..." or the end of text */
    enum lists_value value; /* what `lists:` holds */
    size_t key_end;         /* just after the `lists` key */
    size_t del_start;       /* the null or "[]" value to remove (may be empty) */
    size_t del_end;
    size_t items;    /* entries already in the sequence */
    size_t last_end; /* just after the last item's last character */
    size_t dash_col; /* block sequence: the column of its dashes */
};

static void edit_error(const char *name, uint64_t line, struct vg_diag *diag, const char *what)
{
    struct vg_diag_loc loc = { name, line ? line : 1, 0 };
    vg_diag_report(diag, VG_DIAG_FIELD, &loc, "cannot add a list: %s", what);
}

static bool is_null_scalar(const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (n == 0 || (n == 1 && s[0] == '~') ||
            (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4))));
}

/* Fill *lay from the text; VG_ECONFIG after a report when it cannot be extended. */
static int find_layout(const char *name, const char *data, size_t len, struct vg_diag *diag,
                       struct layout *lay)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int rc = VG_OK;
    unsigned depth = 0, seq_depth = 0;
    bool in_doc = false, done = false, expect_key = true, next_is_lists = false;
    bool in_lists = false;

    memset(lay, 0, sizeof(*lay));
    lay->end = len;
    if (!yaml_parser_initialize(&p))
        return VG_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    while (!done && rc == VG_OK) {
        if (!yaml_parser_parse(&p, &ev)) {
            rc = p.error == YAML_MEMORY_ERROR ? VG_ENOMEM : VG_ECONFIG;
            if (rc == VG_ECONFIG)
                edit_error(name, p.problem_mark.line + 1, diag, "the file is not valid YAML");
            break;
        }
        bool opens = ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT;
        bool closes = ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT;
        bool node = opens || ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT;
        uint64_t line = ev.start_mark.line + 1;

        if (ev.type == YAML_DOCUMENT_START_EVENT) {
            in_doc = true;
        } else if (ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT) {
            if (in_doc && ev.type == YAML_DOCUMENT_END_EVENT && !ev.data.document_end.implicit)
                lay->end = ev.start_mark.index;
            done = true;
        } else if (depth == 0 && node) {
            /* the document's root */
            if (ev.type == YAML_MAPPING_START_EVENT &&
                ev.data.mapping_start.style != YAML_FLOW_MAPPING_STYLE) {
                lay->root_map = true;
                lay->root_col = ev.start_mark.column;
            } else if (!(ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
                         is_null_scalar(&ev))) {
                edit_error(name, line, diag, "the document is not a block mapping");
                rc = VG_ECONFIG;
            }
        } else if (depth == 1 && node) {
            /* a key or a value of the root mapping */
            if (expect_key) {
                next_is_lists = ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 5 &&
                                memcmp(ev.data.scalar.value, "lists", 5) == 0;
                if (next_is_lists)
                    lay->key_end = ev.end_mark.index;
            } else if (next_is_lists) {
                next_is_lists = false;
                if (ev.type == YAML_SCALAR_EVENT && is_null_scalar(&ev)) {
                    lay->value = LV_NULL;
                    lay->del_start = ev.start_mark.index;
                    lay->del_end = ev.end_mark.index;
                } else if (ev.type == YAML_SEQUENCE_START_EVENT) {
                    bool flow = ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
                    lay->value = flow ? LV_FLOW : LV_BLOCK;
                    lay->del_start = ev.start_mark.index;
                    lay->dash_col = ev.start_mark.column;
                    in_lists = true;
                    seq_depth = depth + 1;
                } else {
                    edit_error(name, line, diag, "'lists' is not a sequence");
                    rc = VG_ECONFIG;
                }
            }
            expect_key = !expect_key;
        } else if (in_lists) {
            /* inside the sequence: follow where its content ends */
            if (node && depth == seq_depth)
                lay->items++;
            bool flow_close = closes && ev.end_mark.index > ev.start_mark.index;
            if ((ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT || flow_close) &&
                !(closes && depth == seq_depth) && ev.end_mark.index > lay->last_end)
                lay->last_end = ev.end_mark.index;
            if (closes && depth == seq_depth) {
                in_lists = false;
                lay->del_end = ev.end_mark.index;
            }
        }
        if (opens)
            depth++;
        else if (closes)
            depth--;
        if (depth > VG_CONFIG_MAX_DEPTH && rc == VG_OK) {
            edit_error(name, line, diag, "nesting too deep");
            rc = VG_ECONFIG;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (rc == VG_OK && lay->value == LV_FLOW && lay->items == 0)
        lay->value = LV_NULL; /* "[]": replaced by a block sequence */
    return rc;
}

/* libyaml's marks count characters (a BOM not at all, CRLF as two); the edit works on bytes.
 * The text is valid UTF-8 here: libyaml refuses anything else before giving a mark. */
static size_t byte_offset(const char *data, size_t len, size_t chars)
{
    size_t i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    for (; i < len && chars > 0; chars--) {
        i++;
        while (i < len && ((unsigned char)data[i] & 0xc0) == 0x80)
            i++;
    }
    return i;
}

/* The length of the line break at data[i], 0 if there is none.  YAML 1.1 (libyaml) breaks
 * lines at CR, LF and CRLF, and also at NEL, LS and PS. */
static size_t break_len(const char *data, size_t len, size_t i)
{
    if (data[i] == '\r')
        return i + 1 < len && data[i + 1] == '\n' ? 2 : 1;
    if (data[i] == '\n')
        return 1;
    if (i + 1 < len && memcmp(data + i, "\xc2\x85", 2) == 0)
        return 2;
    if (i + 2 < len &&
        (memcmp(data + i, "\xe2\x80\xa8", 3) == 0 || memcmp(data + i, "\xe2\x80\xa9", 3) == 0))
        return 3;
    return 0;
}

/* True if a line starts at data[i]: at the start, or right after a whole line break. */
static bool at_line_start(const char *data, size_t len, size_t i)
{
    if (i == 0)
        return true;
    if (data[i - 1] == '\n' || (data[i - 1] == '\r' && (i == len || data[i] != '\n')))
        return true;
    return (i >= 2 && memcmp(data + i - 2, "\xc2\x85", 2) == 0) ||
           (i >= 3 && (memcmp(data + i - 3, "\xe2\x80\xa8", 3) == 0 ||
                       memcmp(data + i - 3, "\xe2\x80\xa9", 3) == 0));
}

/* The offset just after the line break ending the line that holds data[i] (len if none). */
static size_t line_after(const char *data, size_t len, size_t i)
{
    for (; i < len; i++) {
        size_t n = break_len(data, len, i);
        if (n)
            return i + n;
    }
    return len;
}

/* A name or path written plain when that cannot change its meaning for any YAML reader: safe
 * characters only, a start no YAML indicator uses, and no word YAML 1.1 reads as a boolean or
 * null.  Anything else is double-quoted. */
static int add_scalar(struct vg_buf *b, const char *s)
{
    static const char *const words[] = {
        "y", "n", "yes", "no", "true", "false", "on", "off", "null"
    };
    bool plain = isalpha((unsigned char)s[0]) || s[0] == '/' || s[0] == '_';
    for (size_t i = 0; s[i] && plain; i++)
        plain = isalnum((unsigned char)s[i]) || strchr("_./-", s[i]);
    for (size_t i = 0; i < VG_ARRAY_LEN(words) && plain; i++)
        plain = strcasecmp(s, words[i]) != 0;
    return plain ? vg_buf_adds(b, s) : vg_config_add_quoted(b, vg_str_from(s));
}

static int add_field(struct vg_buf *b, bool flow, size_t col, const char *key)
{
    return flow ? vg_buf_printf(b, ", %s: ", key) : vg_buf_printf(b, "%*s%s: ", (int)col, "", key);
}

/* The entry as YAML: a block mapping item "- name: ...", or a flow mapping "{...}". */
static int entry_text(struct vg_buf *b, const struct vg_config_list *e, bool flow, size_t dash)
{
    const char *end = flow ? "" : "\n";
    int rc = flow ? vg_buf_adds(b, "{name: ") : vg_buf_printf(b, "%*s- name: ", (int)dash, "");
    if (rc == VG_OK)
        rc = add_scalar(b, e->name);
    if (rc == VG_OK)
        rc = vg_buf_adds(b, end);
    if (rc == VG_OK)
        rc = add_field(b, flow, dash + 2, "path");
    if (rc == VG_OK)
        rc = add_scalar(b, e->path);
    if (rc == VG_OK)
        rc = vg_buf_adds(b, end);
    if (rc == VG_OK && e->kind == VG_INTEL_TRUSTED)
        rc = vg_buf_printf(b, "%s%*skind: trusted%s", flow ? ", " : "", flow ? 0 : (int)dash + 2,
                           "", end);
    if (rc == VG_OK && e->kind == VG_INTEL_THREAT && e->feed != VG_INTEL_FEED_CUSTOM)
        rc = vg_buf_printf(b, "%s%*sfeed: %s%s", flow ? ", " : "", flow ? 0 : (int)dash + 2, "",
                           vg_config_feed_name(e->feed), end);
    if (rc == VG_OK && e->format) {
        rc = add_field(b, flow, dash + 2, "format");
        if (rc == VG_OK)
            rc = add_scalar(b, e->format);
        if (rc == VG_OK)
            rc = vg_buf_adds(b, end);
    }
    if (rc == VG_OK && e->kind == VG_INTEL_THREAT && e->category != VG_INTEL_CAT_AUTO)
        rc = vg_buf_printf(b, "%s%*scategory: %s%s", flow ? ", " : "", flow ? 0 : (int)dash + 2, "",
                           vg_intel_category_name(e->category), end);
    if (rc == VG_OK && !e->enabled)
        rc = vg_buf_printf(b, "%s%*senabled: false%s", flow ? ", " : "", flow ? 0 : (int)dash + 2,
                           "", end);
    if (rc == VG_OK && flow)
        rc = vg_buf_adds(b, "}");
    return rc;
}

int vg_config_edit_add_list(struct vg_buf *out, const char *name, const char *data, size_t len,
                            const struct vg_config_list *entry, struct vg_diag *diag)
{
    struct layout lay;
    struct vg_buf ins = VG_BUF_INIT;
    size_t at = 0;
    const char *repl = ""; /* what replaces the deleted range */
    int rc;
    data = data ? data : "";
    vg_buf_reset(out);
    /* what the loader would refuse, or drop without a word, is not written */
    if (entry->kind == VG_INTEL_TRUSTED && entry->feed != VG_INTEL_FEED_CUSTOM) {
        vg_diag_report(diag, VG_DIAG_FIELD, NULL,
                       "cannot add list '%s' to '%s': a trusted list has no feed", entry->name,
                       name);
        return VG_ECONFIG;
    }
    if (entry->feed == VG_INTEL_FEED_TOR) {
        vg_diag_report(diag, VG_DIAG_FIELD, NULL,
                       "cannot add list '%s' to '%s': feed 'tor' is not written (a Tor "
                       "exit-addresses file feeds the Tor types by its format)",
                       entry->name, name);
        return VG_ECONFIG;
    }
    if (len >= 2 && ((unsigned char)data[0] == 0xfe || (unsigned char)data[0] == 0xff) &&
        ((unsigned char)data[1] == 0xfe || (unsigned char)data[1] == 0xff)) {
        edit_error(name, 1, diag, "the file is UTF-16; only UTF-8 files are edited");
        return VG_ECONFIG;
    }
    if ((rc = find_layout(name, data, len, diag, &lay)) != VG_OK)
        return rc;
    lay.end = byte_offset(data, len, lay.end);
    lay.key_end = byte_offset(data, len, lay.key_end);
    lay.del_start = byte_offset(data, len, lay.del_start);
    lay.del_end = byte_offset(data, len, lay.del_end);
    lay.last_end = byte_offset(data, len, lay.last_end);

    switch (lay.value) {
    case LV_NONE: /* a new section at the end of the document */
        at = lay.end;
        if (!at_line_start(data, len, at))
            rc = vg_buf_addc(&ins, '\n');
        if (rc == VG_OK)
            rc = vg_buf_printf(&ins, "%*slists:\n", (int)lay.root_col, "");
        if (rc == VG_OK)
            rc = entry_text(&ins, entry, false, lay.root_col + 2);
        lay.del_start = lay.del_end = at;
        break;
    case LV_NULL: /* "lists:", "lists: ~" or "lists: []": the value goes, a sequence comes */
        if (lay.del_end == len || break_len(data, len, lay.del_end) || data[lay.del_end] == ' ' ||
            data[lay.del_end] == '\t') {
            while (lay.del_end > lay.del_start && lay.del_start > lay.key_end &&
                   (data[lay.del_start - 1] == ' ' || data[lay.del_start - 1] == '\t'))
                lay.del_start--; /* "lists: ~" becomes "lists:", not "lists: " */
        } else if (lay.del_end > lay.del_start && data[lay.del_start - 1] != ' ' &&
                   data[lay.del_start - 1] != '\t') {
            repl = " "; /* "lists:[]#c" becomes "lists: #c", never "lists:#c" */
        }
        /* after the value's last line: "[" and "]" may be lines apart */
        at = line_after(data, len, lay.del_end > lay.key_end ? lay.del_end : lay.key_end);
        if (lay.del_end > lay.del_start && lay.del_end < len &&
            at_line_start(data, len, lay.del_start) &&
            at == lay.del_end + break_len(data, len, lay.del_end))
            lay.del_end = at; /* the value had a line of its own: the line goes too */
        if (!at_line_start(data, len, at))
            rc = vg_buf_addc(&ins, '\n');
        if (rc == VG_OK)
            rc = entry_text(&ins, entry, false, lay.root_col + 2);
        break;
    case LV_BLOCK: /* after the line of the last item's end, dashes aligned */
        at = lay.last_end;
        if (!at_line_start(data, len, at))
            at = line_after(data, len, at);
        if (!at_line_start(data, len, at))
            rc = vg_buf_addc(&ins, '\n');
        if (rc == VG_OK)
            rc = entry_text(&ins, entry, false, lay.dash_col);
        lay.del_start = lay.del_end = at;
        break;
    case LV_FLOW: /* ", {...}" right after the last item */
        at = lay.last_end;
        rc = vg_buf_adds(&ins, ", ");
        if (rc == VG_OK)
            rc = entry_text(&ins, entry, true, 0);
        lay.del_start = lay.del_end = at;
        break;
    }
    /* Two edits: insert at `at`, replace [del_start, del_end) by repl; the replaced range is
     * either empty, or wholly before or after the insertion point. */
    if (rc == VG_OK && lay.del_end <= at) {
        rc = vg_buf_add(out, data, lay.del_start);
        if (rc == VG_OK)
            rc = vg_buf_adds(out, repl);
        if (rc == VG_OK)
            rc = vg_buf_add(out, data + lay.del_end, at - lay.del_end);
        if (rc == VG_OK)
            rc = vg_buf_add(out, ins.data ? ins.data : "", ins.len);
        if (rc == VG_OK)
            rc = vg_buf_add(out, data + at, len - at);
    } else if (rc == VG_OK) {
        if (lay.del_start < at)
            VG_BUG("deletion [%zu, %zu) straddles the insertion at %zu", lay.del_start, lay.del_end,
                   at);
        rc = vg_buf_add(out, data, at);
        if (rc == VG_OK)
            rc = vg_buf_add(out, ins.data ? ins.data : "", ins.len);
        if (rc == VG_OK)
            rc = vg_buf_add(out, data + at, lay.del_start - at);
        if (rc == VG_OK)
            rc = vg_buf_adds(out, repl);
        if (rc == VG_OK)
            rc = vg_buf_add(out, data + lay.del_end, len - lay.del_end);
    }
    vg_buf_release(&ins);
    return rc;
}

/* The path to write for the list file `typed` (relative to the working directory) into the
 * configuration file `config`: relative to its directory when below it, else absolute.
 * Caller frees; NULL after a report (VG_EIO) or when out of memory (*rc VG_ENOMEM). */
static char *path_for_config(const char *config, const char *typed, struct vg_diag *diag, int *rc)
{
    char *cdir = NULL, *dir = NULL, *list = NULL, *res = NULL;
    if (typed[0] == '/') {
        if (!(res = strdup(typed)))
            *rc = VG_ENOMEM;
        return res;
    }
    const char *slash = strrchr(config, '/');
    if (!(cdir = slash ? strndup(config, (size_t)(slash - config) + 1) : strdup("."))) {
        *rc = VG_ENOMEM;
        goto out;
    }
    if (!(dir = realpath(cdir, NULL)) || !(list = realpath(typed, NULL))) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "cannot resolve '%s': %s", dir ? typed : cdir,
                       strerror(errno));
        *rc = VG_EIO;
        goto out;
    }
    size_t dlen = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    if (strncmp(list, dir, dlen) == 0 && list[dlen] == '/')
        res = strdup(list + dlen + 1);
    else
        res = strdup(list);
    if (!res)
        *rc = VG_ENOMEM;
out:
    free(cdir);
    free(dir);
    free(list);
    return res;
}

/* Write bytes to a new file beside `target` and rename it over target, keeping its mode. */
static int replace_file(const char *target, const char *data, size_t len, struct vg_diag *diag)
{
    struct stat st;
    size_t tlen = strlen(target) + sizeof(".XXXXXX");
    char *tmp = malloc(tlen);
    int fd = -1, rc = VG_EIO;
    if (!tmp)
        return VG_ENOMEM;
    snprintf(tmp, tlen, "%s.XXXXXX", target);
    if (stat(target, &st) != 0 || (fd = mkstemp(tmp)) < 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "cannot write '%s': %s", target, strerror(errno));
        free(tmp);
        return VG_EIO;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        done += (size_t)n;
    }
    if (fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, target) != 0)
        goto fail;
    rc = VG_OK;
    goto out;
fail:
    vg_diag_report(diag, VG_DIAG_IO, NULL, "cannot write '%s': %s", target, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
out:
    free(tmp);
    return rc;
}

int vg_config_add_list(const char *path, const struct vg_config_list *entry, struct vg_diag *diag)
{
    struct vg_buf text = VG_BUF_INIT, edited = VG_BUF_INIT;
    struct vg_config before, after;
    struct vg_config_list e = *entry;
    char *target = NULL;
    int rc;

    vg_config_init(&before);
    vg_config_init(&after);
    e.path = NULL;
    if ((rc = vg_config_read(path, &text, diag)) != VG_OK) {
        rc = rc == VG_ELIMIT ? VG_ECONFIG : rc;
        goto out;
    }
    if ((rc = vg_config_load_buffer(&before, path, text.data, text.len, diag)) != VG_OK)
        goto out;
    for (size_t i = 0; i < before.list_count; i++) {
        if (strcmp(before.lists[i].name, entry->name) == 0) {
            struct vg_diag_loc loc = { path, before.lists[i].line, 0 };
            vg_diag_report(diag, VG_DIAG_FIELD, &loc, "list '%s' already exists", entry->name);
            rc = VG_ECONFIG;
            goto out;
        }
    }
    if (!(e.path = path_for_config(path, entry->path, diag, &rc)))
        goto out;
    if ((rc = vg_config_edit_add_list(&edited, path, text.data, text.len, &e, diag)) != VG_OK)
        goto out;
    rc = vg_config_load_buffer(&after, path, edited.data, edited.len, diag);
    if (rc == VG_OK && (after.list_count != before.list_count + 1 ||
                        strcmp(after.lists[before.list_count].name, entry->name) != 0)) {
        struct vg_diag_loc loc = { path, 0, 0 };
        vg_diag_report(diag, VG_DIAG_FIELD, &loc,
                       "cannot add a list: the edited file does not "
                       "hold it where expected; file left unchanged");
        rc = VG_ECONFIG;
    }
    if (rc != VG_OK)
        goto out;
    /* through a symbolic link to the file itself, which keeps the link */
    if (!(target = realpath(path, NULL))) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "cannot resolve '%s': %s", path, strerror(errno));
        rc = VG_EIO;
        goto out;
    }
    rc = replace_file(target, edited.data, edited.len, diag);
out:
    free(target);
    free(e.path);
    vg_config_release(&before);
    vg_config_release(&after);
    vg_buf_release(&text);
    vg_buf_release(&edited);
    return rc;
}
