/*
 * Fuzz target: the Sigma converter (src/rules/sigma.c), on a rule file's text in memory.
 *
 * Sigma rules are downloaded from public repositories: a converter fed a hostile file must
 * neither crash nor loop.  Checked after each input:
 *  - conversion returns VG_OK, and every rule is either converted or refused (never both);
 *  - the output loads with vigil's own rule loader with nothing refused (the converter's promise:
 *    every rule it writes loads).
 */
#include "core/compat.h"
#include "core/err.h"
#include "rules/rules.h"
#include "rules/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_sigma: invariant failed: %s (%s:%d)\n", #cond, __FILE__,         \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void count_report(void *ctx, const char *file, const char *title, const char *why)
{
    (void)file, (void)title;
    CHECK(why && why[0]);
    (*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t reports = 0;
    struct vg_sigma s;
    CHECK(vg_sigma_init(&s, count_report, &reports) == VG_OK);
    CHECK(vg_sigma_convert(&s, "fuzz.yml", (const char *)data, size) == VG_OK);
    CHECK(reports == s.refused);
    struct vg_rules *rs = vg_rules_new();
    struct vg_diag diag;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL);
    CHECK(rs);
    CHECK(vg_rules_load_text(rs, "converted.yml", s.out.data ? s.out.data : "", s.out.len, &diag) ==
          VG_OK);
    CHECK(vg_rules_rejected(rs) == 0);
    CHECK(vg_rules_count(rs) == s.converted);
    vg_rules_free(rs);
    vg_sigma_release(&s);
    return 0;
}
