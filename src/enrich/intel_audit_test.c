/* Unit tests for enrich/intel_audit: the state file round trip (hostile names included), damaged
 * and planted state files (each reported with file:line, then ignored as on a first run), the
 * audit log's columns, and path resolution. */
#include "enrich/intel_audit.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "%s", "/tmp/vigil-audit-test.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static void remove_in_dir(const char *name)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    unlink(p);
}

static int teardown(void **state)
{
    (void)state;
    remove_in_dir("lists.state");
    remove_in_dir("lists-audit.log");
    rmdir(dir);
    return 0;
}

static void write_state(const char *text, size_t len)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/lists.state", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static char *read_file(const char *name)
{
    char p[128];
    struct vg_buf b = VG_BUF_INIT;
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(vg_buf_add(&b, chunk, n), VG_OK);
    fclose(f);
    return vg_buf_detach(&b, NULL);
}

static struct vg_intel_audit_entry entry(const char *name, const char *path, char hex, unsigned w)
{
    struct vg_intel_audit_entry e = { (char *)name, (char *)path, "", 3, 2, 1, w, 1710230400000 };
    memset(e.sha256, hex, 64);
    e.sha256[64] = '\0';
    return e;
}

static void test_intel_audit_round_trip_with_hostile_names(void **state)
{
    (void)state;
    struct vg_intel_audit a, b;
    struct vg_diag diag;
    vg_diag_init(&diag, 10, NULL, NULL);
    vg_intel_audit_init(&a);
    vg_intel_audit_init(&b);

    /* a first run: no file yet, nothing created by loading */
    assert_int_equal(vg_intel_audit_load(&b, dir, &diag), VG_OK);
    assert_int_equal(b.count, 0);
    assert_int_equal(diag.total, 0);

    static const char *const names[] = {
        "office",         "tab\there",           "new\nline\n# not a comment",
        "back\\slash\\t", "ctl\x01\x1b[31m\x7f", "caf\xc3\xa9 \xe2\x80\xa8",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++) {
        struct vg_intel_audit_entry e = entry(names[i], "/etc/vigil/lists/x\ty.txt", 'a', 8);
        assert_int_equal(vg_intel_audit_set(&a, &e), VG_OK);
    }
    /* replacing by name keeps one entry */
    struct vg_intel_audit_entry e = entry("office", "office.txt", 'b', 24);
    assert_int_equal(vg_intel_audit_set(&a, &e), VG_OK);
    assert_int_equal(a.count, VG_ARRAY_LEN(names));

    assert_int_equal(vg_intel_audit_save(&a, dir, &diag), VG_OK);
    assert_int_equal(vg_intel_audit_load(&b, dir, &diag), VG_OK);
    assert_int_equal(diag.total, 0);
    assert_int_equal(b.count, a.count);
    for (size_t i = 0; i < a.count; i++) {
        const struct vg_intel_audit_entry *x = &a.entries[i];
        const struct vg_intel_audit_entry *y = vg_intel_audit_find(&b, x->name);
        assert_non_null(y);
        assert_string_equal(y->path, x->path);
        assert_string_equal(y->sha256, x->sha256);
        assert_int_equal(y->addresses, 3);
        assert_int_equal(y->networks, 2);
        assert_int_equal(y->domains, 1);
        assert_int_equal(y->widest_v4, x->widest_v4);
        assert_int_equal(y->mtime_ms, 1710230400000);
    }
    assert_int_equal(vg_intel_audit_find(&b, "office")->widest_v4, 24);

    /* one line per list: no name could add a line */
    char *text = read_file("lists.state");
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2 + VG_ARRAY_LEN(names));
    free(text);
    vg_intel_audit_release(&a);
    vg_intel_audit_release(&b);
}

static void test_intel_audit_bad_state_is_reported_and_ignored(void **state)
{
    (void)state;
    static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char good[256];
    snprintf(good, sizeof(good), "office\toffice.txt\t%s\t1\t2\t3\t8\t2024-03-12T08:00:00.000Z",
             sha);
    static const struct {
        const char *body; /* after the magic line; @G is a good line, @S a good sha256 */
        unsigned line;    /* where the report points */
        const char *why;
    } cases[] = {
        { "@G\n@G\n", 3, "a second line for a list named above" },
        { "@G\nshort\tline\n", 3, "expected 8 tab-separated columns" },
        { "@G\t\n", 2, "expected 8 tab-separated columns" },
        { "x\ty\tnothex\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 2, "sha256" },
        { "x\ty\t"
          "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
          "\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n",
          2, "sha256" },
        { "# comment\n\nx\ty\t@S\t-1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 4, "address count" },
        { "x\ty\t@S\t1\t99999999999999999999999\t3\t8\tt\n", 2, "network count" },
        { "x\ty\t@S\t1\t2\t3\t33\t2024-03-12T08:00:00Z\n", 2, "prefix length" },
        { "x\ty\t@S\t1\t2\t3\t8\tyesterday\n", 2, "not an RFC 3339 time" },
        /* times vg_time_format_iso cannot write back as four-digit years (found by fuzzing) */
        { "x\ty\t@S\t1\t2\t3\t8\t0000-01-01T00:00:00+01:00\n", 2, "years 0000 to 9999" },
        { "x\ty\t@S\t1\t2\t3\t8\t9999-12-31T23:59:59-00:01\n", 2, "years 0000 to 9999" },
        { "bad\\qescape\ty\t@S\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 2, "name holds an invalid" },
        { "cr\r\ty\t@S\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 2, "raw control byte" },
        { "nul\\x00\ty\t@S\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 2, "escaped NUL" },
        { "\ty\t@S\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 2, "name is empty" },
        { "x\t\t@S\t1\t2\t3\t8\t2024-03-12T08:00:00Z\n", 2, "path is empty" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_buf text = VG_BUF_INIT;
        assert_int_equal(vg_buf_adds(&text, "# vigil lists state 1\n"), VG_OK);
        for (const char *p = cases[i].body; *p; p++) {
            if (p[0] == '@' && (p[1] == 'G' || p[1] == 'S')) {
                assert_int_equal(vg_buf_adds(&text, *++p == 'G' ? good : sha), VG_OK);
                continue;
            }
            assert_int_equal(vg_buf_addc(&text, *p), VG_OK);
        }
        write_state(text.data, text.len);
        vg_buf_release(&text);
        struct vg_intel_audit a;
        struct vg_diag diag;
        char want[160];
        vg_diag_init(&diag, 10, NULL, NULL);
        vg_intel_audit_init(&a);
        assert_int_equal(vg_intel_audit_load(&a, dir, &diag), VG_OK);
        if (a.count != 0 || diag.total != 1)
            fail_msg("case %zu: %zu entries, %" PRIu64 " reports", i, a.count, diag.total);
        snprintf(want, sizeof(want), "%s/lists.state:%u: ", dir, cases[i].line);
        if (strncmp(diag.last, want, strlen(want)) != 0 || !strstr(diag.last, cases[i].why) ||
            !strstr(diag.last, "as on a first run"))
            fail_msg("case %zu: got '%s', want '%s...%s'", i, diag.last, want, cases[i].why);
        vg_intel_audit_release(&a);
    }

    /* not a state file at all, an empty one, and a NUL byte */
    static const struct {
        const char *text;
        size_t len;
        unsigned line;
    } raw[] = {
        { "root:x:0:0:root:/root:/bin/bash\n", 32, 1 },
        { "", 0, 1 },
        { "# vigil lists state 1\nx\0y\n", 26, 2 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(raw); i++) {
        write_state(raw[i].text, raw[i].len);
        struct vg_intel_audit a;
        struct vg_diag diag;
        char want[160];
        vg_diag_init(&diag, 10, NULL, NULL);
        vg_intel_audit_init(&a);
        assert_int_equal(vg_intel_audit_load(&a, dir, &diag), VG_OK);
        assert_int_equal(a.count, 0);
        assert_int_equal(diag.total, 1);
        snprintf(want, sizeof(want), "%s/lists.state:%u: ", dir, raw[i].line);
        if (strncmp(diag.last, want, strlen(want)) != 0)
            fail_msg("raw case %zu: got '%s'", i, diag.last);
        assert_null(strstr(diag.last, "root:x")); /* a planted file's content is not echoed */
        vg_intel_audit_release(&a);
    }
    remove_in_dir("lists.state");
}

/* A list file's time outside years 0000..9999 (tmpfs and btrfs keep a touch to year 10000) was
 * written as a five-digit year that the next run refused, so every list came back "first-seen"
 * and the before side of a change was lost.  Times are clamped on the way in and on the way out,
 * and a state file's own bytes parse the same from memory as from DIR/lists.state. */
static void test_intel_audit_times_outside_four_digit_years_round_trip(void **state)
{
    (void)state;
    static const struct {
        int64_t ms, want;
    } cases[] = {
        { INT64_MAX, 253402300799999 },                   /* 9999-12-31T23:59:59.999Z */
        { 253402300800000, 253402300799999 },             /* 10000-01-01 */
        { 253402300799999, 253402300799999 },             /* the last time that fits */
        { -62167219200000, -62167219200000 },             /* 0000-01-01T00:00:00.000Z */
        { -62167219200001, -62167219200000 },             /* a millisecond before */
        { INT64_MIN, -62167219200000 },       { -1, -1 }, /* before 1970 is fine */
    };
    struct vg_intel_list l;
    memset(&l, 0, sizeof(l));
    l.name = "office";
    l.path = "office.txt";
    memset(l.sha256, 'a', 64);
    l.widest_public_prefix_v4 = 64; /* none: clamped to 32 as well */
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_intel_audit a, b;
        struct vg_intel_audit_entry e;
        struct vg_diag diag;
        vg_diag_init(&diag, 10, NULL, NULL);
        vg_intel_audit_init(&a);
        vg_intel_audit_init(&b);
        vg_intel_audit_entry_from_list(&e, &l, cases[i].ms);
        assert_int_equal(e.mtime_ms, cases[i].want);
        assert_int_equal(e.widest_v4, 32);
        /* an entry set directly, unclamped, is still written in a form that reads back */
        e.mtime_ms = cases[i].ms;
        assert_int_equal(vg_intel_audit_set(&a, &e), VG_OK);
        assert_int_equal(vg_intel_audit_save(&a, dir, &diag), VG_OK);
        assert_int_equal(vg_intel_audit_load(&b, dir, &diag), VG_OK);
        if (diag.total != 0 || b.count != 1)
            fail_msg("case %zu: %zu entries, report '%s'", i, b.count, diag.last);
        assert_int_equal(b.entries[0].mtime_ms, cases[i].want);

        /* the same bytes from memory, not NUL-terminated, labelled as the caller says */
        char *text = read_file("lists.state");
        size_t len = strlen(text);
        char *exact = malloc(len);
        assert_non_null(exact);
        memcpy(exact, text, len);
        assert_int_equal(vg_intel_audit_load_buffer(&b, "mem", exact, len, &diag), VG_OK);
        assert_int_equal(diag.total, 0);
        assert_int_equal(b.count, 1);
        assert_int_equal(b.entries[0].mtime_ms, cases[i].want);
        assert_int_equal(vg_intel_audit_load_buffer(&b, "mem", exact, len - 2, &diag), VG_OK);
        assert_int_equal(b.count, 0); /* the time lost its zone: refused, nothing kept */
        assert_true(strncmp(diag.last, "mem:3: ", 7) == 0);
        free(exact);
        free(text);
        vg_intel_audit_release(&a);
        vg_intel_audit_release(&b);
    }
    remove_in_dir("lists.state");
}

static void test_intel_audit_unreadable_state_is_an_error(void **state)
{
    (void)state;
    char p[128];
    struct vg_intel_audit a;
    struct vg_diag diag;
    snprintf(p, sizeof(p), "%s/lists.state", dir);
    assert_int_equal(mkdir(p, 0700), 0); /* a directory where the file should be */
    vg_diag_init(&diag, 10, NULL, NULL);
    vg_intel_audit_init(&a);
    assert_int_equal(vg_intel_audit_load(&a, dir, &diag), VG_EIO);
    assert_int_equal(diag.counts[VG_DIAG_IO], 1);
    /* and saving cannot replace it: the old state stays, reported */
    struct vg_intel_audit_entry e = entry("office", "office.txt", 'c', 8);
    assert_int_equal(vg_intel_audit_set(&a, &e), VG_OK);
    assert_int_equal(vg_intel_audit_save(&a, dir, &diag), VG_EIO);
    assert_int_equal(diag.counts[VG_DIAG_IO], 2);
    assert_int_equal(rmdir(p), 0);
    /* no temporary file is left behind */
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strncmp(de->d_name, ".lists.state.", 13) == 0)
            fail_msg("temporary file %s left behind", de->d_name);
    closedir(d);
    vg_intel_audit_release(&a);

    /* a state directory that is a file */
    snprintf(p, sizeof(p), "%s/lists-audit.log", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    vg_diag_init(&diag, 10, NULL, NULL);
    assert_int_equal(vg_intel_audit_prepare(p, &diag), VG_EIO);
    assert_non_null(strstr(diag.last, "not a directory"));
    unlink(p);
}

static void test_intel_audit_log_columns(void **state)
{
    (void)state;
    struct vg_diag diag;
    vg_diag_init(&diag, 10, NULL, NULL);
    struct vg_intel_audit_entry before = entry("office", "office.txt", 'a', 24);
    struct vg_intel_audit_entry after = entry("office\tevil", "office.txt", 'b', 8);
    struct vg_intel_audit_record first = { 1710230400000, "first-seen", VG_INTEL_TRUSTED, NULL,
                                           &before };
    struct vg_intel_audit_record change = { 1710316800000, "changed", VG_INTEL_TRUSTED, &before,
                                            &after };
    assert_int_equal(vg_intel_audit_append(dir, &first, &diag), VG_OK);
    assert_int_equal(vg_intel_audit_append(dir, &change, &diag), VG_OK);
    char *text = read_file("lists-audit.log");
    char *save = NULL, *line;
    unsigned n = 0;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
        unsigned cols = 1;
        for (const char *p = line; *p; p++)
            cols += *p == '\t';
        assert_int_equal(cols, 16);
        if (n == 0)
            assert_true(strncmp(line, "# time\taction\t", 14) == 0);
        if (n == 1) {
            static const char want[] = "2024-03-12T08:00:00.000Z\tfirst-seen\ttrusted\toffice\t"
                                       "office.txt\t2024-03-12T08:00:00.000Z\t-\taaaa";
            assert_true(strncmp(line, want, sizeof(want) - 1) == 0);
            assert_non_null(strstr(line, "\t-\t3\t-\t2\t-\t1\t-\t24"));
        }
        if (n == 2) {
            assert_non_null(strstr(line, "\tchanged\ttrusted\toffice\\tevil\t"));
            assert_non_null(strstr(line, "\t3\t3\t2\t2\t1\t1\t24\t8"));
        }
    }
    assert_int_equal(n, 3); /* the header once, then one line per record */
    free(text);
    remove_in_dir("lists-audit.log");
}

static void test_intel_audit_dir_resolve(void **state)
{
    (void)state;
    static const struct {
        const char *config, *dir, *want;
    } cases[] = {
        { "/etc/vigil/vigil.yaml", "state", "/etc/vigil/state" },
        { "/etc/vigil/vigil.yaml", "/var/lib/vigil", "/var/lib/vigil" },
        { "vigil.yaml", "state", "state" },
        { "conf/vigil.yaml", "../state", "conf/../state" },
        { NULL, "state", "state" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char *got = vg_intel_audit_dir_resolve(cases[i].config, cases[i].dir);
        assert_non_null(got);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intel_audit_round_trip_with_hostile_names),
        cmocka_unit_test(test_intel_audit_bad_state_is_reported_and_ignored),
        cmocka_unit_test(test_intel_audit_times_outside_four_digit_years_round_trip),
        cmocka_unit_test(test_intel_audit_unreadable_state_is_an_error),
        cmocka_unit_test(test_intel_audit_log_columns),
        cmocka_unit_test(test_intel_audit_dir_resolve),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
