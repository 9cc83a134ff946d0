/* Unit tests for pipeline/trusted_watch: which trusted lists give DefenseEvasion:Vigil/
 * TrustedListTooWide (public ranges wider than the limit; not private ones, not threat lists),
 * the synthetic event behind it, and the audit trail across runs (first seen, grown, unchanged,
 * a damaged state file). */
#include "pipeline/trusted_watch.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "findings/catalog.h"

/* What the tests keep of each draft (drafts borrow, so copy). */
struct seen {
    unsigned count;
    enum vg_finding_type type;
    int64_t time_ms;
    char account[16];
    char detail[1024];
    char counterpart[64];
    char source[64];
    char list[64];
};

static void collect(void *ctx, const struct vg_finding_draft *d)
{
    struct seen *s = ctx;
    s->count++;
    s->type = d->type;
    s->time_ms = d->event->time_ms;
    snprintf(s->account, sizeof(s->account), "%.*s", (int)d->event->account_id.len,
             d->event->account_id.ptr);
    snprintf(s->detail, sizeof(s->detail), "%.*s", (int)d->detail.len, d->detail.ptr);
    snprintf(s->counterpart, sizeof(s->counterpart), "%.*s", (int)d->counterpart.len,
             d->counterpart.ptr);
    snprintf(s->source, sizeof(s->source), "%s", d->event->ref.source);
    assert_int_equal(d->threat_count, 1);
    snprintf(s->list, sizeof(s->list), "%.*s", (int)d->threats[0].list_name.len,
             d->threats[0].list_name.ptr);
}

/* A snapshot with one list holding the indicators (newline-separated); sha256 all `hex`. */
static struct vg_intel *one_list(enum vg_intel_list_kind kind, const char *indicators, char hex)
{
    struct vg_diag diag;
    struct vg_diag_loc loc = { "office.txt", 1, 0 };
    char sha[65];
    uint32_t id;
    vg_diag_init(&diag, 0, NULL, NULL);
    memset(sha, hex, 64);
    sha[64] = '\0';
    struct vg_intel_builder *b = vg_intel_builder_new();
    assert_non_null(b);
    assert_int_equal(
        vg_intel_builder_list(b, "office", "office.txt", kind, VG_INTEL_FEED_CUSTOM, &id), VG_OK);
    vg_intel_builder_describe(b, id, "txt", sha);
    for (const char *p = indicators; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        assert_int_equal(
            vg_intel_builder_add(b, id, (struct vg_str){ p, n }, VG_STR_NULL, &diag, &loc), VG_OK);
        p += n + (nl != NULL);
    }
    struct vg_intel *in = vg_intel_freeze(b);
    assert_non_null(in);
    return in;
}

static void test_trusted_watch_which_lists_fire(void **state)
{
    (void)state;
    static const struct {
        enum vg_intel_list_kind kind;
        const char *indicators;
        int64_t max_prefix;
        bool fires;
        const char *says; /* in the detail when it fires */
    } cases[] = {
        { VG_INTEL_TRUSTED, "45.0.0.0/8\n8.8.8.8", 16, true,
          "as wide as a /8 (16,777,216 addresses: 45.0.0.0 to 45.255.255.255)" },
        { VG_INTEL_TRUSTED, "45.33.32.0/24\n8.8.8.8", 16, false, NULL },
        { VG_INTEL_TRUSTED, "45.33.0.0/16", 16, false, NULL }, /* at the limit is not wider */
        { VG_INTEL_TRUSTED, "45.32.0.0/15", 16, true,
          "as wide as a /15 (131,072 addresses: 45.32.0.0 to 45.33.255.255)" },
        { VG_INTEL_TRUSTED, "10.0.0.0/8", 16, false, NULL }, /* private: refused, harmless */
        { VG_INTEL_TRUSTED, "172.16.0.0/12\n192.168.0.0/16", 16, false, NULL },
        { VG_INTEL_TRUSTED, "45.0.0.0-45.255.255.255", 16, true, "as wide as a /8" }, /* a range */
        { VG_INTEL_TRUSTED, "2600::/12", 16, false, NULL }, /* IPv6 is not measured (yet) */
        { VG_INTEL_TRUSTED, "*.example.org", 16, false, NULL },
        { VG_INTEL_TRUSTED, "45.33.48.0/20", 24, true, "wider than the /24" },
        { VG_INTEL_TRUSTED, "45.0.0.0/8", 0, false, NULL }, /* 0: nothing is wider */
        { VG_INTEL_THREAT, "45.0.0.0/8", 16, false, NULL }, /* threat lists never silence */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_intel *in = one_list(cases[i].kind, cases[i].indicators, 'a');
        struct seen s = { 0 };
        struct vg_emit emit = { collect, &s };
        struct vg_trusted_watch_opts o = { cases[i].max_prefix, NULL, 0, 1710230400000 };
        struct vg_trusted_watch_stats st;
        assert_int_equal(vg_trusted_watch_run(in, 1, &o, &emit, NULL, &st), VG_OK);
        if (s.count != (cases[i].fires ? 1u : 0u))
            fail_msg("case %zu (%s): %u findings", i, cases[i].indicators, s.count);
        assert_int_equal(st.too_wide, s.count);
        if (cases[i].fires) {
            assert_int_equal(s.type, VG_FT_DEFENSEEVASION_VIGIL_TRUSTEDLISTTOOWIDE);
            assert_int_equal(s.time_ms, 1710230400000); /* the pinned list time, not the clock */
            assert_string_equal(s.account, VG_TRUSTED_WATCH_ACCOUNT);
            assert_string_equal(s.counterpart, "office");
            assert_string_equal(s.list, "office");
            assert_string_equal(s.source, "office.txt");
            assert_non_null(strstr(s.detail, "Trusted list 'office' (office.txt)"));
            if (!strstr(s.detail, cases[i].says))
                fail_msg("case %zu: detail '%s' lacks '%s'", i, s.detail, cases[i].says);
            assert_null(strstr(s.detail, "vigil last saw")); /* no state, no history */
        }
        vg_intel_free(in);
    }
}

static void test_trusted_watch_only_counts_own_lists(void **state)
{
    (void)state;
    /* the caller leaves out lists past `count` (a retro-hunt baseline), and emit may be NULL */
    struct vg_intel *in = one_list(VG_INTEL_TRUSTED, "45.0.0.0/8", 'a');
    struct seen s = { 0 };
    struct vg_emit emit = { collect, &s };
    struct vg_trusted_watch_opts o = { 16, NULL, 0, 1 };
    struct vg_trusted_watch_stats st;
    assert_int_equal(vg_trusted_watch_run(in, 0, &o, &emit, NULL, &st), VG_OK);
    assert_int_equal(s.count, 0);
    assert_int_equal(st.lists, 0);
    assert_int_equal(vg_trusted_watch_run(in, 5, &o, NULL, NULL, &st), VG_OK);
    assert_int_equal(st.too_wide, 1);
    vg_intel_free(in);
}

static char dir[64];

static unsigned count_lines(const char *name, const char *needle)
{
    char p[128], line[2048];
    unsigned n = 0;
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        n += needle == NULL || strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

/* One run of the watch over a list with these indicators and sha256 digit. */
static void run(const char *indicators, char hex, struct seen *s, struct vg_trusted_watch_stats *st,
                struct vg_diag *diag)
{
    struct vg_intel *in = one_list(VG_INTEL_TRUSTED, indicators, hex);
    struct vg_emit emit = { collect, s };
    struct vg_trusted_watch_opts o = { 16, dir, 1710316800000, 1710230400000 };
    memset(s, 0, sizeof(*s));
    assert_int_equal(vg_trusted_watch_run(in, 1, &o, &emit, diag, st), VG_OK);
    vg_intel_free(in);
}

static void test_trusted_watch_audit_across_runs(void **state)
{
    (void)state;
    struct seen s;
    struct vg_trusted_watch_stats st;
    struct vg_diag diag;
    vg_diag_init(&diag, 10, NULL, NULL);
    snprintf(dir, sizeof(dir), "%s", "/tmp/vigil-watch-test.XXXXXX");
    assert_non_null(mkdtemp(dir));

    /* run 1: a /24, within the limit: recorded, logged as first seen, no finding */
    run("45.33.32.0/24", 'a', &s, &st, &diag);
    assert_int_equal(st.first_seen, 1);
    assert_int_equal(st.changed, 0);
    assert_int_equal(s.count, 0);
    assert_int_equal(count_lines("lists.state", "\t24\t"), 1);
    assert_int_equal(count_lines("lists-audit.log", "\tfirst-seen\ttrusted\toffice\t"), 1);

    /* run 2: same content: nothing logged */
    run("45.33.32.0/24", 'a', &s, &st, &diag);
    assert_int_equal(st.first_seen + st.changed, 0);
    assert_int_equal(count_lines("lists-audit.log", NULL), 2); /* header, first-seen */

    /* run 3: the list grew to a public /8: the change is logged with both hashes, and fires */
    run("45.33.32.0/24\n45.0.0.0/8", 'b', &s, &st, &diag);
    assert_int_equal(st.changed, 1);
    assert_int_equal(s.count, 1);
    assert_non_null(strstr(s.detail, "Its content changed since vigil last saw it (sha256 aaaa"));
    assert_non_null(strstr(s.detail, "grew from /24"));
    assert_int_equal(count_lines("lists-audit.log", "\tchanged\ttrusted\toffice\t"), 1);
    assert_int_equal(count_lines("lists-audit.log",
                                 "\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                 "aaaaaaaaaaaaaaaaa\tbbbb"),
                     1);
    assert_int_equal(count_lines("lists-audit.log", "\t0\t0\t1\t2\t0\t0\t24\t8\n"), 1);
    assert_int_equal(count_lines("lists.state", "\t8\t"), 1);

    /* run 4: unchanged and still too wide: it fires again, without a new audit line */
    run("45.33.32.0/24\n45.0.0.0/8", 'b', &s, &st, &diag);
    assert_int_equal(s.count, 1);
    assert_non_null(strstr(s.detail, "unchanged since vigil last saw it"));
    assert_int_equal(count_lines("lists-audit.log", NULL), 3);

    /* run 5: changed again but no wider: logged; the detail says how wide it was */
    run("45.0.0.0/8", 'c', &s, &st, &diag);
    assert_int_equal(st.changed, 1);
    assert_non_null(strstr(s.detail, "its widest public network was /8 then"));

    /* a damaged state file: reported with its line, then a first run again */
    char path[128];
    snprintf(path, sizeof(path), "%s/lists.state", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# vigil lists state 1\noffice\toffice.txt\tnot-a-hash\n", f);
    fclose(f);
    run("45.0.0.0/8", 'c', &s, &st, &diag);
    assert_int_equal(diag.total, 1);
    assert_non_null(strstr(diag.last, "lists.state:2: "));
    assert_int_equal(st.first_seen, 1);
    assert_non_null(strstr(s.detail, "had not seen this list before"));
    assert_int_equal(count_lines("lists.state", "\tcccccccc"), 1); /* rewritten whole */

    unlink(path);
    snprintf(path, sizeof(path), "%s/lists-audit.log", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* nothing else was left there */
}

int main(void)
{
    vg_log_threshold = VG_LOG_ERROR; /* the change warnings are for people, not for test logs */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trusted_watch_which_lists_fire),
        cmocka_unit_test(test_trusted_watch_only_counts_own_lists),
        cmocka_unit_test(test_trusted_watch_audit_across_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
