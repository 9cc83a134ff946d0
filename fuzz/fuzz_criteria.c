/*
 * Fuzz target: finding criteria (src/findings/criteria.c), which parse what any API client
 * sends in findingCriteria and saved filters.
 *
 * The input is split at its first NUL: criteria JSON before, a finding JSON after (none: a fixed
 * finding).  Compiled criteria are matched against the finding, and every condition path is used
 * as a sort key.  Checked: a refused criteria leaves *out NULL with a NUL-terminated message; a
 * match is the same when asked twice (the reused parser keeps nothing between calls); sort keys
 * compare equal to themselves.
 */
#include "core/compat.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
