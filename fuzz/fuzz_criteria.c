/*
 * Fuzz target: finding criteria (src/findings/criteria.c), which parse what any API client
 * sends in findingCriteria and saved filters.
 *
 * The input is split at its first NUL: criteria JSON before, a finding JSON after (none: a fixed
 * finding).  Compiled criteria are matched against the finding, and every condition path is used
 * as a sort key.  Checked: a refused criteria leaves *out NULL with a NUL-terminated message; a
 * match is the same when asked twice (the reused parser keeps nothing between calls); sort keys
 * compare equal to themselves.
 *
 * The same bytes also drive a differential check of `matches`: they are mapped onto a small
 * alphabet (a, b, *, ?, a two-byte character, NUL) to form a pattern and a value, and the
 * criteria's answer must equal a plain dynamic-programming matcher's.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/err.h"
#include "findings/criteria.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_criteria: invariant failed: %s (%s:%d)\n", #cond, __FILE__,      \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char default_finding[] =
    "{\"accountId\":\"111122223333\",\"severity\":8,\"type\":\"Recon:EC2/Portscan\","
    "\"updatedAt\":\"2026-11-01T10:00:00.000Z\",\"resource\":{\"instanceDetails\":{\"tags\":"
    "[{\"key\":\"a\",\"value\":\"b\"}]}},\"service\":{\"archived\":false,\"count\":3}}";

#define GLOB_MAX 64

static const char *const tokens[] = { "a", "b", "*", "?", "\xc3\xa9", "" };

/* The reference: classic O(n*m) table over characters (tokens), no cleverness to get wrong. */
static bool glob_reference(const uint8_t *pat, size_t m, const uint8_t *txt, size_t n)
{
    static bool dp[GLOB_MAX + 1][GLOB_MAX + 1]; /* dp[i][j]: pat[i..] matches txt[j..] */
    for (size_t i = m + 1; i-- > 0;)
        for (size_t j = n + 1; j-- > 0;) {
            if (i == m)
                dp[i][j] = j == n;
            else if (pat[i] == 2)
                dp[i][j] = dp[i + 1][j] || (j < n && dp[i][j + 1]);
            else
                dp[i][j] = j < n && (pat[i] == 3 || pat[i] == txt[j]) && dp[i + 1][j + 1];
        }
    return dp[0][0];
}

static void add_tokens(struct vg_buf *b, const uint8_t *t, size_t n)
{
    struct vg_buf raw = VG_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        vg_buf_add(&raw, tokens[t[i]], t[i] == 5 ? 1 : strlen(tokens[t[i]]));
    vg_buf_add_json_str(b, (struct vg_str){ raw.data ? raw.data : "", raw.len });
    vg_buf_release(&raw);
}

static void check_glob(const uint8_t *data, size_t size)
{
    uint8_t pat[GLOB_MAX], txt[GLOB_MAX];
    size_t m = size / 2 < GLOB_MAX ? size / 2 : GLOB_MAX;
    size_t n = size - size / 2 < GLOB_MAX ? size - size / 2 : GLOB_MAX;
    for (size_t i = 0; i < m; i++)
        pat[i] = data[i] % 6;
    for (size_t i = 0; i < n; i++) /* no wildcards in the value, so tokens are characters */
        txt[i] = (uint8_t[]){ 0, 1, 4, 5 }[data[size / 2 + i] % 4];
    struct vg_buf crit = VG_BUF_INIT, f = VG_BUF_INIT;
    vg_buf_adds(&crit, "{\"criterion\":{\"v\":{\"matches\":[");
    add_tokens(&crit, pat, m);
    vg_buf_adds(&crit, "]}}}");
    vg_buf_adds(&f, "{\"v\":");
    add_tokens(&f, txt, n);
    vg_buf_adds(&f, "}");
    struct vg_criteria *c = NULL;
    char why[256];
    CHECK(vg_criteria_parse(crit.data, crit.len, &c, why, sizeof(why)) == VG_OK);
    CHECK(vg_criteria_match(c, f.data, f.len) == glob_reference(pat, m, txt, n));
    vg_criteria_free(c);
    vg_buf_release(&crit);
    vg_buf_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_glob(data, size);

    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t clen = nul ? (size_t)(nul - text) : size;
    const char *finding = nul ? nul + 1 : default_finding;
    size_t flen = nul ? size - clen - 1 : strlen(default_finding);

    struct vg_criteria *c = NULL;
    char why[256];
    memset(why, 'x', sizeof(why));
    int rc = vg_criteria_parse(text, clen, &c, why, sizeof(why));
    if (rc != VG_OK) {
        CHECK(c == NULL);
        CHECK(memchr(why, '\0', sizeof(why)) != NULL);
        return 0;
    }
    bool first = vg_criteria_match(c, finding, flen);
    CHECK(vg_criteria_match(c, finding, flen) == first);
    vg_criteria_free(c);

    /* the same bytes as a sort path, when they make one */
    char path[128];
    size_t n = clen < sizeof(path) - 1 ? clen : sizeof(path) - 1;
    memcpy(path, text, n);
    path[n] = '\0';
    if (vg_criteria_path_valid(path)) {
        struct vg_sort_key k;
        vg_sort_key_get(finding, flen, path, &k);
        CHECK(vg_sort_key_cmp(&k, &k) == 0);
    }
    return 0;
}
