/*
 * Unit tests for config/: the option table, the loader's values and its messages (exact
 * FILE:LINE text), etc/vigil.yaml against the table, relative list paths, and the textual
 * `lists add` edit.
 */
#include "config/config.h"

#include <setjmp.h>
#include <cmocka.h>

#include "config/config_edit.h"
#include "core/err.h"
#include "core/limits.h"

/* ---- helpers ---- */

/* Every message the loader reports, one per line. */
static void collect(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)code;
    struct vg_buf *b = ctx;
    vg_buf_printf(b, "%s\n", message);
}

/* Load text as the file "t/vigil.yaml"; the messages go to *msgs (reset first). */
static int load_text(struct vg_config *c, const char *text, struct vg_buf *msgs)
{
    struct vg_diag diag;
    vg_buf_reset(msgs);
    vg_diag_init(&diag, UINT_MAX, collect, msgs);
    int rc = vg_config_load_buffer(c, "t/vigil.yaml", text, strlen(text), &diag);
    assert_int_equal(rc == VG_OK, diag.total == 0);
    return rc;
}

/* The source tree's root, from this file's compiled name (the tests run from anywhere). */
static void repo_path(char *out, size_t cap, const char *rel)
{
    const char *me = __FILE__, *tail = strstr(me, "src/config/config_test.c");
    int n = tail ? (int)(tail - me) : 0;
    snprintf(out, cap, "%.*s%s", n, me, rel);
}

static const struct vg_config_option *opt(const char *name)
{
    const struct vg_config_option *o = vg_config_option_find(name);
    assert_non_null(o);
    return o;
}

/* The text of option `name` in c. */
static void value_text(const struct vg_config *c, const char *name, char *out, size_t cap)
{
    struct vg_buf b = VG_BUF_INIT;
    assert_int_equal(vg_config_format_value(&b, c, opt(name)), VG_OK);
    snprintf(out, cap, "%s", b.data ? b.data : "");
    vg_buf_release(&b);
}

/* ---- the table ---- */

static void test_config_table_is_consistent(void **state)
{
    (void)state;
    size_t n;
    const struct vg_config_option *o = vg_config_options(&n);
    struct vg_config c;
    vg_config_init(&c);
    assert_true(n > 0 && n <= VG_CONFIG_MAX_OPTIONS);
    for (size_t i = 0; i < n; i++) {
        /* names are lowercase dotted paths, unique, and sections are contiguous */
        for (const char *p = o[i].name; *p; p++)
            assert_true(islower((unsigned char)*p) || *p == '_' || *p == '.' ||
                        isdigit((unsigned char)*p));
        assert_ptr_equal(vg_config_option_find(o[i].name), &o[i]);
        const char *dot = strrchr(o[i].name, '.');
        for (size_t j = 0; j + 1 < i && dot; j++) {
            size_t sect = (size_t)(dot - o[i].name) + 1;
            if (strncmp(o[j].name, o[i].name, sect) == 0)
                assert_int_equal(strncmp(o[i - 1].name, o[i].name, sect), 0);
        }
        /* the default parses, lies in its range, and formats back to itself */
        const char *why = "unset";
        struct vg_config d;
        vg_config_init(&d);
        assert_int_equal(vg_config_set(&d, &o[i], o[i].def, &why), VG_OK);
        assert_null(why);
        char text[64];
        value_text(&c, o[i].name, text, sizeof(text));
        assert_string_equal(text, o[i].def);
        vg_config_release(&d);
        /* help is one lowercase sentence without a full stop */
        size_t hl = strlen(o[i].help);
        assert_true(hl > 10 && islower((unsigned char)o[i].help[0]) && o[i].help[hl - 1] != '.');
        assert_int_equal(c.lines[i], 0);
    }
    assert_null(vg_config_option_find("scan"));
    assert_null(vg_config_option_find(NULL));
    vg_config_release(&c);
}

/* The value parsers of every type, through rows laid out like the table's. */
static void test_config_value_types(void **state)
{
    (void)state;
    static const char *const colours[] = { "red", "green", NULL };
    const size_t off = offsetof(struct vg_config, scan_max_findings);
    const struct vg_config_option rows[] = {
        { "t.int", VG_CONFIG_INT, off, "0", -5, 5, NULL, false, "x" },
        { "t.size", VG_CONFIG_SIZE, off, "1MiB", 0, 1ll << 40, NULL, false, "x" },
        { "t.duration", VG_CONFIG_DURATION, off, "1s", 1, 7 * 86400000ll, NULL, false, "x" },
        { "t.bool", VG_CONFIG_BOOL, off, "false", 0, 0, NULL, false, "x" },
        { "t.enum", VG_CONFIG_ENUM, offsetof(struct vg_config, log_level), "red", 0, 0, colours,
          false, "x" },
    };
    static const struct {
        int row;
        const char *in;
        const char *why;  /* NULL: accepted */
        const char *back; /* formatted value when accepted */
    } cases[] = {
        { 0, "5", NULL, "5" },
        { 0, "-5", NULL, "-5" },
        { 0, "+3", NULL, "3" },
        { 0, "6", "out of range", 0 },
        { 0, "-6", "out of range", 0 },
        { 0, "", "not an integer", 0 },
        { 0, "1.5", "not an integer", 0 },
        { 0, "0x10", "not an integer", 0 },
        { 0, "99999999999999999999", "not an integer", 0 },
        { 1, "4096", NULL, "4KiB" },
        { 1, "64KiB", NULL, "64KiB" },
        { 1, "2 GiB", NULL, "2GiB" },
        { 1, "1536", NULL, "1536B" },
        { 1, "0", NULL, "0" },
        { 1, "1TiB", NULL, "1TiB" },
        { 1, "2TiB", "out of range", 0 },
        { 1, "1MB", "not a size", 0 },
        { 1, "-1KiB", "not a size", 0 },
        { 1, "9999999999TiB", "not a size", 0 },
        { 1, "5 ", "not a size", 0 },
        { 2, "250ms", NULL, "250ms" },
        { 2, "90s", NULL, "90s" },
        { 2, "120m", NULL, "2h" },
        { 2, "7d", NULL, "7d" },
        { 2, "8d", "out of range", 0 },
        { 2, "0s", "out of range", 0 },
        { 2, "30", "not a duration", 0 },
        { 2, "1w", "not a duration", 0 },
        { 3, "yes", NULL, "true" },
        { 3, "Off", NULL, "false" },
        { 3, "TRUE", NULL, "true" },
        { 3, "1", "expected true or false", 0 },
        { 4, "green", NULL, "green" },
        { 4, "Green", "expected", 0 },
        { 4, "", "expected", 0 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_config c;
        const char *why = "unset";
        vg_config_init(&c);
        int rc = vg_config_set(&c, &rows[cases[i].row], cases[i].in, &why);
        if (cases[i].why) {
            assert_int_equal(rc, VG_ECONFIG);
            assert_non_null(why);
            assert_true(strncmp(why, cases[i].why, strlen(cases[i].why)) == 0);
        } else {
            assert_int_equal(rc, VG_OK);
            struct vg_buf b = VG_BUF_INIT;
            assert_int_equal(vg_config_format_value(&b, &c, &rows[cases[i].row]), VG_OK);
            assert_string_equal(b.data, cases[i].back);
            vg_buf_release(&b);
        }
        vg_config_release(&c);
    }
    struct vg_buf r = VG_BUF_INIT;
    assert_int_equal(vg_config_format_range(&r, &rows[1]), VG_OK);
    assert_string_equal(r.data, "0 to 1TiB");
    vg_buf_reset(&r);
    assert_int_equal(vg_config_format_range(&r, &rows[4]), VG_OK);
    assert_string_equal(r.data, "red|green");
    vg_buf_release(&r);
}

/* ---- etc/vigil.yaml and the sample ---- */

/* Every option of the table is set in the loaded file, to its default. */
static void assert_all_defaults(const struct vg_config *c)
{
    size_t n;
    const struct vg_config_option *o = vg_config_options(&n);
    for (size_t i = 0; i < n; i++) {
        char text[64];
        if (c->lines[i] == 0)
            fail_msg("option '%s' is missing from the file", o[i].name);
        value_text(c, o[i].name, text, sizeof(text));
        if (strcmp(text, o[i].def) != 0)
            fail_msg("option '%s' is %s in the file, its default is %s", o[i].name, text, o[i].def);
    }
}

static void test_config_sample_file_matches_table(void **state)
{
    (void)state;
    char path[4096];
    struct vg_buf msgs = VG_BUF_INIT;
    struct vg_diag diag;
    struct vg_config c;
    repo_path(path, sizeof(path), "etc/vigil.yaml");
    vg_config_init(&c);
    vg_diag_init(&diag, UINT_MAX, collect, &msgs);
    int rc = vg_config_load(&c, path, &diag);
    if (rc != VG_OK)
        fail_msg("%s does not load: %s", path, msgs.data ? msgs.data : vg_strerror(rc));
    assert_all_defaults(&c);
    assert_int_equal(c.list_count, 0);
    vg_config_release(&c);

    /* what `vigil config sample` writes loads the same way */
    struct vg_buf sample = VG_BUF_INIT;
    assert_int_equal(vg_config_write_sample(&sample), VG_OK);
    vg_config_init(&c);
    assert_int_equal(load_text(&c, sample.data, &msgs), VG_OK);
    assert_all_defaults(&c);
    vg_config_release(&c);

    /* the man page names every option (its CONFIGURATION section is written by hand) */
    size_t n;
    const struct vg_config_option *o = vg_config_options(&n);
    struct vg_buf man = VG_BUF_INIT;
    repo_path(path, sizeof(path), "docs/man/vigil.1");
    assert_int_equal(vg_config_read(path, &man, NULL), VG_OK);
    for (size_t i = 0; i < n; i++)
        if (!strstr(man.data, o[i].name))
            fail_msg("docs/man/vigil.1 does not describe option '%s'", o[i].name);
    vg_buf_release(&man);
    vg_buf_release(&sample);
    vg_buf_release(&msgs);
}

/* ---- valid files ---- */

static void test_config_valid_files(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *option, *value; /* one option to check, or NULL */
        size_t lists;
    } cases[] = {
        { "", NULL, NULL, 0 },
        { "# only a comment\n", NULL, NULL, 0 },
        { "---\n...\n", NULL, NULL, 0 },
        { "scan:\n  max_findings: 5\n", "scan.max_findings", "5", 0 },
        { "scan.max_findings: 7\n", "scan.max_findings", "7", 0 },
        { "scan: {max_errors: '0'}\n", "scan.max_errors", "0", 0 },
        { "scan:\nlog: {level: debug}\n", "log.level", "debug", 0 },
        { "intel:\n  trusted_max_public_prefix: 32\n", "intel.trusted_max_public_prefix", "32", 0 },
        { "scan: &s\n  max_findings: 3\n", "scan.max_findings", "3", 0 }, /* an anchor alone */
        { "lists:\n", NULL, NULL, 0 },
        { "lists: []\n", NULL, NULL, 0 },
        { "lists:\n- name: a\n  path: a.txt\n- {name: b, path: b.txt, enabled: no}\n", NULL, NULL,
          2 },
        { "\xef\xbb\xbfscan:\n  max_findings: 9\n", "scan.max_findings", "9", 0 }, /* BOM */
    };
    struct vg_buf msgs = VG_BUF_INIT;
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_config c;
        vg_config_init(&c);
        if (load_text(&c, cases[i].text, &msgs) != VG_OK)
            fail_msg("case %zu: %s", i, msgs.data);
        if (cases[i].option) {
            char v[64];
            value_text(&c, cases[i].option, v, sizeof(v));
            assert_string_equal(v, cases[i].value);
        }
        assert_int_equal(c.list_count, cases[i].lists);
        vg_config_release(&c);
    }
    vg_buf_release(&msgs);
}

static void test_config_lists_fields(void **state)
{
    (void)state;
    static const char text[] = "lists:\n"
                               "  - name: tor\n"
                               "    path: intel/tor.txt\n"
                               "  - name: soc\n"
                               "    path: /srv/soc.txt\n"
                               "    feed: curated\n"
                               "    format: stix2\n"
                               "    category: c2\n"
                               "  - name: office\n"
                               "    path: ../office.txt\n"
                               "    kind: trusted\n"
                               "    enabled: false\n"
                               "    format: auto\n";
    struct vg_buf msgs = VG_BUF_INIT;
    struct vg_config c;
    vg_config_init(&c);
    assert_int_equal(load_text(&c, text, &msgs), VG_OK);
    assert_int_equal(c.list_count, 3);
    assert_string_equal(c.lists[0].name, "tor");
    assert_string_equal(c.lists[0].path, "t/intel/tor.txt"); /* beside t/vigil.yaml */
    assert_int_equal(c.lists[0].kind, VG_INTEL_THREAT);
    assert_int_equal(c.lists[0].feed, VG_INTEL_FEED_CUSTOM);
    assert_null(c.lists[0].format);
    assert_true(c.lists[0].enabled);
    assert_int_equal(c.lists[0].line, 2);
    assert_string_equal(c.lists[1].path, "/srv/soc.txt");
    assert_int_equal(c.lists[1].feed, VG_INTEL_FEED_CURATED);
    assert_string_equal(c.lists[1].format, "stix2");
    assert_int_equal(c.lists[1].category, VG_INTEL_CAT_C2);
    assert_int_equal(c.lists[0].category, VG_INTEL_CAT_AUTO);
    assert_string_equal(c.lists[2].path, "t/../office.txt");
    assert_int_equal(c.lists[2].kind, VG_INTEL_TRUSTED);
    assert_false(c.lists[2].enabled);
    assert_null(c.lists[2].format);

    struct vg_intel_source src;
    vg_config_list_source(&c.lists[1], &src);
    assert_string_equal(src.name, "soc");
    assert_string_equal(src.format, "stix2");
    assert_int_equal(src.feed, VG_INTEL_FEED_CURATED);
    assert_int_equal(src.category, VG_INTEL_CAT_C2);
    vg_config_release(&c);
    assert_int_equal(c.list_count, 0);
    assert_null(c.lists);
    vg_buf_release(&msgs);
}

/* Relative paths are resolved against the file's directory, whatever the working directory. */
static void test_config_relative_paths(void **state)
{
    (void)state;
    static const struct {
        const char *file, *path, *want;
    } cases[] = {
        { "/etc/vigil/vigil.yaml", "intel/a.txt", "/etc/vigil/intel/a.txt" },
        { "/etc/vigil/vigil.yaml", "/var/lib/a.txt", "/var/lib/a.txt" },
        { "vigil.yaml", "intel/a.txt", "intel/a.txt" },
        { "conf/vigil.yaml", "./a.txt", "conf/./a.txt" },
        { "/vigil.yaml", "a.txt", "/a.txt" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char text[256];
        struct vg_config c;
        snprintf(text, sizeof(text), "lists:\n  - {name: a, path: \"%s\"}\n", cases[i].path);
        vg_config_init(&c);
        assert_int_equal(vg_config_load_buffer(&c, cases[i].file, text, strlen(text), NULL), VG_OK);
        assert_string_equal(c.lists[0].path, cases[i].want);
        vg_config_release(&c);
    }

    /* and from a real file */
    char dir[] = "/tmp/vigil-config-test.XXXXXX", file[256];
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/vigil.yaml", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("lists:\n  - name: x\n    path: lists/x.txt\n", f);
    fclose(f);
    struct vg_config c;
    vg_config_init(&c);
    assert_int_equal(vg_config_load(&c, file, NULL), VG_OK);
    char want[300];
    snprintf(want, sizeof(want), "%s/lists/x.txt", dir);
    assert_string_equal(c.lists[0].path, want);
    vg_config_release(&c);
    unlink(file);
    rmdir(dir);
}

/* ---- mistakes: exact messages, every one reported ---- */

static void test_config_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *messages;
    } cases[] = {
        { "scan:\n  max_findigs: 5\n", "t/vigil.yaml:2: unknown key 'scan.max_findigs'\n" },
        { "sacn.max_findings: 5\n", "t/vigil.yaml:1: unknown key 'sacn.max_findings'\n" },
        { "log:\n  level: loud\n", "t/vigil.yaml:2: invalid value 'loud' for 'log.level': expected "
                                   "error|warn|info|debug\n" },
        { "intel:\n  trusted_max_public_prefix: 33\n",
          "t/vigil.yaml:2: invalid value '33' for 'intel.trusted_max_public_prefix': out of range "
          "(0 to 32)\n" },
        { "scan:\n  max_findings: 0\n",
          "t/vigil.yaml:2: invalid value '0' for 'scan.max_findings': "
          "out of range (1 to 10000000)\n" },
        { "scan:\n  max_errors: many\n",
          "t/vigil.yaml:2: invalid value 'many' for 'scan.max_errors': not an integer\n" },
        { "scan:\n  max_errors: [1, 2]\n", "t/vigil.yaml:2: invalid value for 'scan.max_errors': a "
                                           "sequence, expected an integer\n" },
        { "scan:\n  max_errors:\n", "t/vigil.yaml:2: missing value for 'scan.max_errors'\n" },
        { "scan: 5\n",
          "t/vigil.yaml:1: invalid value for 'scan': a scalar, expected a mapping of options\n" },
        { "scan:\n  max_errors: 1\nscan.max_errors: 2\n",
          "t/vigil.yaml:3: duplicate key 'scan.max_errors' (first set at line 2)\n" },
        { "a: &x 1\nscan:\n  max_errors: *x\n",
          "t/vigil.yaml:1: unknown key 'a'\n"
          "t/vigil.yaml:3: alias '*x' not allowed; write the value out\n" },
        { "lists:\n  - &e {name: a, path: a}\n  - *e\n",
          "t/vigil.yaml:3: alias '*e' not allowed; write the value out\n" },
        { "lists:\n  - name: tor\n    path: a\n  - name: tor\n    path: b\n",
          "t/vigil.yaml:4: duplicate list name 'tor' (first at line 2)\n" },
        { "lists:\n  - name: a\n    path: a\n    kind: hostile\n",
          "t/vigil.yaml:4: invalid value 'hostile' for list key 'kind': expected "
          "threat|trusted\n" },
        { "lists:\n  - name: a\n    path: a\n    feed: tor\n",
          "t/vigil.yaml:4: invalid value 'tor' for list key 'feed': expected "
          "custom|curated|reputation\n" },
        { "lists:\n  - name: a\n    path: a\n    format: stix3\n",
          "t/vigil.yaml:4: invalid value 'stix3' for list key 'format': expected auto or a format "
          "'vigil lists formats' names\n" },
        { "lists:\n  - name: a\n    path: a\n    enabled: maybe\n",
          "t/vigil.yaml:4: invalid value 'maybe' for list key 'enabled': expected true or "
          "false\n" },
        { "lists:\n  - name: a\n    path: a\n    kind: trusted\n    feed: curated\n",
          "t/vigil.yaml:5: invalid value 'curated' for list key 'feed': a trusted list has no "
          "feed\n" },
        { "lists:\n  - name: a\n    path: a\n    category: C2\n",
          "t/vigil.yaml:4: invalid value 'C2' for list key 'category': expected "
          "auto|c2|cryptocurrency|blackhole|droppoint|scanner|tor|other\n" },
        { "lists:\n  - name: a\n    path: a\n    kind: trusted\n    category: scanner\n",
          "t/vigil.yaml:5: invalid value 'scanner' for list key 'category': a trusted list has no "
          "category\n" },
        { "lists:\n  - path: a\n  - name: b\n", "t/vigil.yaml:2: missing 'name' in list entry\n"
                                                "t/vigil.yaml:3: missing 'path' in list 'b'\n" },
        { "lists:\n  - name: a\n    path: a\n    url: x\n    name: b\n",
          "t/vigil.yaml:4: unknown list key 'url'\n"
          "t/vigil.yaml:5: duplicate list key 'name' (first set at line 2)\n" },
        { "lists:\n  - name: \"\"\n    path: \"\"\n",
          "t/vigil.yaml:2: invalid value '' for list key 'name': empty\n"
          "t/vigil.yaml:3: invalid value '' for list key 'path': empty\n" },
        { "lists:\n  - name: \"a\\tb\"\n    path: x\n",
          "t/vigil.yaml:2: invalid value 'a?b' for list key 'name': control characters are not "
          "allowed\n" },
        { "lists:\n  - name: a\n    path: \"a\\0b\"\n",
          "t/vigil.yaml:3: invalid value 'a?b' for list key 'path': contains a NUL byte\n" },
        { "lists:\n  - name: [a]\n    path: x\n",
          "t/vigil.yaml:2: invalid value for list key 'name': a sequence, expected text\n" },
        { "lists:\n  name: a\n", "t/vigil.yaml:2: invalid value for 'lists': a mapping, expected a "
                                 "sequence of mappings\n" },
        { "lists:\n  - a.txt\n",
          "t/vigil.yaml:2: invalid list entry: a scalar, expected a mapping\n" },
        { "lists: []\nlists: []\n",
          "t/vigil.yaml:2: duplicate key 'lists' (first set at line 1)\n" },
        { "- scan\n",
          "t/vigil.yaml:1: invalid document: a sequence, expected a mapping of options\n" },
        { "? [a]\n: 1\n", "t/vigil.yaml:1: invalid key: a sequence, expected a name\n" },
        { "scan: {\n", "t/vigil.yaml:2: invalid YAML: did not find expected node content (while "
                       "parsing a flow node)\n" },
        { "scan:\n  max_errors: 1\n---\nlog: {}\n",
          "t/vigil.yaml:3: more than one YAML document\n" },
        { "a: [[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]\n",
          "t/vigil.yaml:1: unknown key 'a'\nt/vigil.yaml:1: nesting deeper than 16 levels\n" },
        /* all mistakes of a file, not only the first */
        { "scan:\n  max_findings: -1\n  max_errors: x\nlog:\n  level: 3\nextra: 1\n",
          "t/vigil.yaml:2: invalid value '-1' for 'scan.max_findings': out of range (1 to "
          "10000000)\n"
          "t/vigil.yaml:3: invalid value 'x' for 'scan.max_errors': not an integer\n"
          "t/vigil.yaml:5: invalid value '3' for 'log.level': expected error|warn|info|debug\n"
          "t/vigil.yaml:6: unknown key 'extra'\n" },
    };
    struct vg_buf msgs = VG_BUF_INIT;
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_config c;
        vg_config_init(&c);
        c.scan_max_errors = 77; /* a failed load leaves the struct as it was */
        assert_int_equal(load_text(&c, cases[i].text, &msgs), VG_ECONFIG);
        if (strcmp(msgs.data ? msgs.data : "", cases[i].messages) != 0)
            fail_msg("case %zu:\n%s\nwant:\n%s\ngot:\n%s", i, cases[i].text, cases[i].messages,
                     msgs.data ? msgs.data : "");
        assert_int_equal(c.scan_max_errors, 77);
        assert_int_equal(c.list_count, 0);
        vg_config_release(&c);
    }
    vg_buf_release(&msgs);
}

/* A "billion laughs" document is refused at the first alias, without expanding anything. */
static void test_config_alias_bomb_refused(void **state)
{
    (void)state;
    struct vg_buf text = VG_BUF_INIT, msgs = VG_BUF_INIT;
    vg_buf_adds(&text, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
        vg_buf_printf(&text, "a%d: &a%d [", i, i);
        for (int j = 0; j < 10; j++)
            vg_buf_printf(&text, "%s*a%d", j ? ", " : "", i - 1);
        vg_buf_adds(&text, "]\n");
    }
    struct vg_config c;
    struct vg_diag diag;
    vg_config_init(&c);
    vg_diag_init(&diag, 0, NULL, NULL);
    assert_int_equal(vg_config_load_buffer(&c, "bomb.yaml", text.data, text.len, &diag),
                     VG_ECONFIG);
    assert_int_equal(diag.total, 10 + 9 * 10); /* ten unknown keys, ninety aliases */
    vg_config_release(&c);

    /* and a file past the size cap is refused before parsing */
    vg_buf_reset(&text);
    while (text.len <= VG_CONFIG_MAX_BYTES)
        vg_buf_adds(&text, "# padding padding padding padding padding padding padding padding\n");
    vg_config_init(&c);
    assert_int_equal(load_text(&c, text.data, &msgs), VG_ECONFIG);
    assert_string_equal(msgs.data, "t/vigil.yaml:1: file larger than 1024 KiB\n");
    vg_config_release(&c);
    vg_buf_release(&text);
    vg_buf_release(&msgs);
}

static void test_config_load_replaces_previous(void **state)
{
    (void)state;
    struct vg_buf msgs = VG_BUF_INIT;
    struct vg_config c;
    vg_config_init(&c);
    assert_int_equal(load_text(&c, "scan.max_errors: 3\nlists: [{name: a, path: a}]\n", &msgs),
                     VG_OK);
    assert_int_equal(c.scan_max_errors, 3);
    /* a second load starts from the defaults, not from the first file */
    assert_int_equal(load_text(&c, "scan.max_findings: 9\n", &msgs), VG_OK);
    assert_int_equal(c.scan_max_errors, 20);
    assert_int_equal(c.scan_max_findings, 9);
    assert_int_equal(c.list_count, 0);
    vg_config_release(&c);

    struct vg_diag diag;
    vg_diag_init(&diag, 1, NULL, NULL);
    vg_config_init(&c);
    assert_int_equal(vg_config_load(&c, "/nonexistent/vigil.yaml", &diag), VG_EIO);
    assert_int_equal(diag.counts[VG_DIAG_IO], 1);
    assert_string_equal(diag.last,
                        "cannot open '/nonexistent/vigil.yaml': No such file or directory");
    vg_config_release(&c);
    vg_buf_release(&msgs);
}

/* ---- lists add: the textual edit ---- */

/* Case i of an add-list table wrote `want`, which loads back (into c, for the caller to
 * release) with the new entry last; that entry. */
static const struct vg_config_list *expect_added(size_t i, const struct vg_buf *out,
                                                 const char *want, struct vg_buf *msgs,
                                                 struct vg_config *c)
{
    if (strcmp(out->data, want) != 0)
        fail_msg("case %zu: want:\n%s\ngot:\n%s", i, want, out->data);
    vg_config_init(c);
    assert_int_equal(load_text(c, out->data, msgs), VG_OK);
    const struct vg_config_list *added = &c->lists[c->list_count - 1];
    assert_string_equal(added->name, "new");
    return added;
}

static void test_config_edit_add_list(void **state)
{
    (void)state;
    static const struct {
        const char *before;
        bool trusted;
        const char *after; /* NULL: refused */
    } cases[] = {
        /* no lists: a section at the end, after the comments */
        { "scan:\n  max_errors: 1\n# lists:\n#   - name: x\n", false,
          "scan:\n  max_errors: 1\n# lists:\n#   - name: x\nlists:\n  - name: new\n    path: "
          "n.txt\n" },
        { "scan:\n  max_errors: 1", false,
          "scan:\n  max_errors: 1\nlists:\n  - name: new\n    path: n.txt\n" },
        { "", false, "lists:\n  - name: new\n    path: n.txt\n" },
        { "# nothing yet\n", true,
          "# nothing yet\nlists:\n  - name: new\n    path: n.txt\n    kind: trusted\n" },
        { "scan:\n  max_errors: 1\n...\n", false,
          "scan:\n  max_errors: 1\nlists:\n  - name: new\n    path: n.txt\n...\n" },
        /* an empty lists: gets its first entry */
        { "lists:   # ours\nlog:\n  level: info\n", false,
          "lists:   # ours\n  - name: new\n    path: n.txt\nlog:\n  level: info\n" },
        { "lists: ~\n", false, "lists:\n  - name: new\n    path: n.txt\n" },
        /* positions are characters to libyaml, bytes here; other line breaks */
        { "# caf\xc3\xa9 \xe2\x82\xac\nlists:\n  - name: a\n    path: a\nlog: {}\n", false,
          "# caf\xc3\xa9 \xe2\x82\xac\nlists:\n  - name: a\n    path: a\n  - name: new\n    path: "
          "n.txt\nlog: {}\n" },
        { "\xef\xbb\xbflists: [{name: \xc3\xa9, path: a}]\n", false,
          "\xef\xbb\xbflists: [{name: \xc3\xa9, path: a}, {name: new, path: n.txt}]\n" },
        { "lists:\r\n  - name: a\r\n    path: a\r\nlog: {}\r\n", false,
          "lists:\r\n  - name: a\r\n    path: a\r\n  - name: new\n    path: n.txt\nlog: {}\r\n" },
        { "lists:\r  - name: a\r    path: a", false,
          "lists:\r  - name: a\r    path: a\n  - name: new\n    path: n.txt\n" },
        { "scan: {}\xc2\x85log: {}\xc2\x85", false,
          "scan: {}\xc2\x85log: {}\xc2\x85lists:\n  - name: new\n    path: n.txt\n" },
        { "\xff\xfes\x00:\x00 \x00{\x00}\x00\n\x00", false, NULL },
        /* found by fuzz_config: what follows the removed value must stay apart from the key */
        { "# \n\nlists: []#\n", false, "# \n\nlists: #\n  - name: new\n    path: n.txt\n" },
        { "# \n\nlists: [\n    ]#", false, "# \n\nlists: #\n  - name: new\n    path: n.txt\n" },
        /* found by fuzz_config: the null on the line after the key */
        { "lists:\n   ~\nlog: {}\n", false, "lists:\n  - name: new\n    path: n.txt\nlog: {}\n" },
        { "lists: []\nscan: {}\n", false, "lists:\n  - name: new\n    path: n.txt\nscan: {}\n" },
        /* after the last entry, dashes aligned, comments kept */
        { "lists:\n    - name: a   # first\n      path: a.txt\n    # kind: trusted\n\nscan: {}\n",
          false,
          "lists:\n    - name: a   # first\n      path: a.txt\n    - name: new\n      path: n.txt\n"
          "    # kind: trusted\n\nscan: {}\n" },
        { "lists:\n- name: a\n  path: a.txt\n", true,
          "lists:\n- name: a\n  path: a.txt\n- name: new\n  path: n.txt\n  kind: trusted\n" },
        { "lists:\n  - {name: a, path: a.txt}", false,
          "lists:\n  - {name: a, path: a.txt}\n  - name: new\n    path: n.txt\n" },
        { "lists:\n  - name: a\n    path: |\n      a.txt\nlog: {}\n", false,
          "lists:\n  - name: a\n    path: |\n      a.txt\n  - name: new\n    path: n.txt\nlog: "
          "{}\n" },
        /* flow sequence: one more flow mapping */
        { "lists: [{name: a, path: a.txt}]  # c\n", true,
          "lists: [{name: a, path: a.txt}, {name: new, path: n.txt, kind: trusted}]  # c\n" },
        /* refused: flow document, lists not a sequence */
        { "{scan: {max_errors: 1}}\n", false, NULL },
        { "lists: {a: 1}\n", false, NULL },
        { "lists: x\n", false, NULL },
        { "scan: [\n", false, NULL },
    };
    struct vg_buf out = VG_BUF_INIT, msgs = VG_BUF_INIT;
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_config_list e = { .name = "new",
                                    .path = "n.txt",
                                    .enabled = true,
                                    .kind = cases[i].trusted ? VG_INTEL_TRUSTED : VG_INTEL_THREAT };
        struct vg_diag diag;
        vg_diag_init(&diag, 0, NULL, NULL);
        size_t blen = strlen(cases[i].before);
        if (strncmp(cases[i].before, "\xff\xfe", 2) == 0)
            blen = 14; /* UTF-16: NUL bytes inside */
        int rc = vg_config_edit_add_list(&out, "t/vigil.yaml", cases[i].before, blen, &e, &diag);
        if (!cases[i].after) {
            assert_int_equal(rc, VG_ECONFIG);
            assert_int_equal(diag.total, 1);
            continue;
        }
        assert_int_equal(rc, VG_OK);
        struct vg_config c;
        const struct vg_config_list *added = expect_added(i, &out, cases[i].after, &msgs, &c);
        assert_string_equal(added->path, "t/n.txt");
        vg_config_release(&c);
    }

    /* names, paths and formats that need quoting are quoted */
    struct vg_config_list e = { .name = "yes",
                                .path = "a b\"\\.txt",
                                .format = "otx-csv",
                                .feed = VG_INTEL_FEED_CURATED,
                                .category = VG_INTEL_CAT_DROPPOINT,
                                .enabled = false };
    assert_int_equal(vg_config_edit_add_list(&out, "t/vigil.yaml", "", 0, &e, NULL), VG_OK);
    assert_string_equal(out.data,
                        "lists:\n  - name: \"yes\"\n    path: \"a b\\\"\\\\.txt\"\n"
                        "    feed: curated\n    format: otx-csv\n    category: droppoint\n"
                        "    enabled: false\n");
    struct vg_config c;
    vg_config_init(&c);
    assert_int_equal(load_text(&c, out.data, &msgs), VG_OK);
    assert_string_equal(c.lists[0].name, "yes");
    assert_string_equal(c.lists[0].path, "t/a b\"\\.txt");
    assert_string_equal(c.lists[0].format, "otx-csv");
    assert_int_equal(c.lists[0].category, VG_INTEL_CAT_DROPPOINT);
    assert_false(c.lists[0].enabled);
    vg_config_release(&c);
    vg_buf_release(&out);
    vg_buf_release(&msgs);
}

/* `lists add --curated` and `--reputation` write a feed that loads back as that feed; a feed the
 * loader refuses (a trusted list's) or cannot read (tor) is refused, with a message, not
 * written or dropped. */
static void test_config_edit_add_list_feeds(void **state)
{
    (void)state;
    static const struct {
        const char *before;
        enum vg_intel_list_kind kind;
        enum vg_intel_feed feed;
        const char *after; /* NULL: refused with the message `error` */
        const char *error;
    } cases[] = {
        { "", VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, "lists:\n  - name: new\n    path: n.txt\n",
          NULL },
        { "", VG_INTEL_THREAT, VG_INTEL_FEED_CURATED,
          "lists:\n  - name: new\n    path: n.txt\n    feed: curated\n", NULL },
        { "", VG_INTEL_THREAT, VG_INTEL_FEED_REPUTATION,
          "lists:\n  - name: new\n    path: n.txt\n    feed: reputation\n", NULL },
        { "lists:\n  - name: a\n    path: a.txt\n", VG_INTEL_THREAT, VG_INTEL_FEED_REPUTATION,
          "lists:\n  - name: a\n    path: a.txt\n  - name: new\n    path: n.txt\n"
          "    feed: reputation\n",
          NULL },
        { "lists: [{name: a, path: a.txt}]\n", VG_INTEL_THREAT, VG_INTEL_FEED_REPUTATION,
          "lists: [{name: a, path: a.txt}, {name: new, path: n.txt, feed: reputation}]\n", NULL },
        /* --trusted with --reputation or --curated */
        { "", VG_INTEL_TRUSTED, VG_INTEL_FEED_REPUTATION, NULL,
          "cannot add list 'new' to 't/vigil.yaml': a trusted list has no feed\n" },
        { "", VG_INTEL_TRUSTED, VG_INTEL_FEED_CURATED, NULL,
          "cannot add list 'new' to 't/vigil.yaml': a trusted list has no feed\n" },
        { "", VG_INTEL_THREAT, VG_INTEL_FEED_TOR, NULL,
          "cannot add list 'new' to 't/vigil.yaml': feed 'tor' is not written (a Tor "
          "exit-addresses file feeds the Tor types by its format)\n" },
    };
    struct vg_buf out = VG_BUF_INIT, msgs = VG_BUF_INIT;
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_config_list e = { .name = "new",
                                    .path = "n.txt",
                                    .enabled = true,
                                    .kind = cases[i].kind,
                                    .feed = cases[i].feed };
        struct vg_diag diag;
        vg_buf_reset(&msgs);
        vg_diag_init(&diag, UINT_MAX, collect, &msgs);
        int rc = vg_config_edit_add_list(&out, "t/vigil.yaml", cases[i].before,
                                         strlen(cases[i].before), &e, &diag);
        if (!cases[i].after) {
            assert_int_equal(rc, VG_ECONFIG);
            assert_int_equal(diag.total, 1);
            assert_string_equal(msgs.data, cases[i].error);
            continue;
        }
        assert_int_equal(rc, VG_OK);
        struct vg_config c;
        const struct vg_config_list *added = expect_added(i, &out, cases[i].after, &msgs, &c);
        assert_int_equal(added->kind, VG_INTEL_THREAT);
        assert_int_equal(added->feed, cases[i].feed);
        vg_config_release(&c);
    }
    vg_buf_release(&out);
    vg_buf_release(&msgs);
}

/* The whole `lists add` flow on real files: relative path, refusal of a taken name, mode kept. */
static void test_config_add_list_to_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/vigil-config-test.XXXXXX", file[256], list[256], cwd[4096];
    assert_non_null(mkdtemp(dir));
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    snprintf(file, sizeof(file), "%s/vigil.yaml", dir);
    snprintf(list, sizeof(list), "%s/intel", dir);
    assert_int_equal(mkdir(list, 0700), 0);
    snprintf(list, sizeof(list), "%s/intel/x.txt", dir);
    FILE *f = fopen(list, "w");
    assert_non_null(f);
    fputs("45.33.32.156\n", f);
    fclose(f);
    f = fopen(file, "w");
    assert_non_null(f);
    fputs("# my settings\nscan:\n  max_errors: 5   # keep\n", f);
    fclose(f);
    assert_int_equal(chmod(file, 0640), 0);

    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    assert_int_equal(chdir(dir), 0); /* the path as typed is relative to here */
    struct vg_config_list e = { .name = "x", .path = "intel/x.txt", .enabled = true };
    int rc = vg_config_add_list(file, &e, &diag);
    int rc2 = vg_config_add_list(file, &e, &diag); /* the name is taken now */
    e.path = "intel/none.txt";
    e.name = "y";
    int rc3 = vg_config_add_list(file, &e, &diag); /* no such file */
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, VG_OK);
    assert_int_equal(rc2, VG_ECONFIG);
    assert_int_equal(rc3, VG_EIO);
    assert_int_equal(diag.total, 2);

    struct vg_buf text = VG_BUF_INIT;
    assert_int_equal(vg_config_read(file, &text, NULL), VG_OK);
    assert_string_equal(text.data, "# my settings\nscan:\n  max_errors: 5   # keep\n"
                                   "lists:\n  - name: x\n    path: intel/x.txt\n");
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);

    /* a path typed absolute stays absolute */
    e.name = "z";
    e.path = list;
    assert_int_equal(vg_config_add_list(file, &e, &diag), VG_OK);
    struct vg_config c;
    vg_config_init(&c);
    assert_int_equal(vg_config_load(&c, file, NULL), VG_OK);
    assert_int_equal(c.list_count, 2);
    assert_string_equal(c.lists[1].path, list);
    vg_config_release(&c);

    /* `lists add --reputation`: loads back as a reputation list, which vigil scan reads as such */
    e.name = "lowconf";
    e.path = "intel/x.txt";
    e.feed = VG_INTEL_FEED_REPUTATION;
    assert_int_equal(chdir(dir), 0);
    rc = vg_config_add_list(file, &e, &diag);
    /* with --trusted too: refused, the file unchanged */
    e.name = "both";
    e.kind = VG_INTEL_TRUSTED;
    rc2 = vg_config_add_list(file, &e, &diag);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, VG_OK);
    assert_int_equal(rc2, VG_ECONFIG);
    assert_int_equal(diag.total, 3);
    vg_config_init(&c);
    assert_int_equal(vg_config_load(&c, file, NULL), VG_OK);
    assert_int_equal(c.list_count, 3);
    assert_string_equal(c.lists[2].name, "lowconf");
    assert_int_equal(c.lists[2].kind, VG_INTEL_THREAT);
    assert_int_equal(c.lists[2].feed, VG_INTEL_FEED_REPUTATION);
    struct vg_intel_source src;
    vg_config_list_source(&c.lists[2], &src);
    assert_int_equal(src.kind, VG_INTEL_THREAT);
    assert_int_equal(src.feed, VG_INTEL_FEED_REPUTATION);
    vg_config_release(&c);
    e.kind = VG_INTEL_THREAT;
    e.feed = VG_INTEL_FEED_CUSTOM;

    /* a file with mistakes is not edited */
    f = fopen(file, "a");
    fputs("bogus: 1\n", f);
    fclose(f);
    e.name = "w";
    assert_int_equal(vg_config_add_list(file, &e, &diag), VG_ECONFIG);

    vg_buf_release(&text);
    unlink(list);
    snprintf(list, sizeof(list), "%s/intel", dir);
    rmdir(list);
    unlink(file);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_table_is_consistent),
        cmocka_unit_test(test_config_value_types),
        cmocka_unit_test(test_config_sample_file_matches_table),
        cmocka_unit_test(test_config_valid_files),
        cmocka_unit_test(test_config_lists_fields),
        cmocka_unit_test(test_config_relative_paths),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_config_alias_bomb_refused),
        cmocka_unit_test(test_config_load_replaces_previous),
        cmocka_unit_test(test_config_edit_add_list),
        cmocka_unit_test(test_config_edit_add_list_feeds),
        cmocka_unit_test(test_config_add_list_to_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
