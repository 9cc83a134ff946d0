/*
 * Fuzz target: the configuration loader (src/config/config.c) and the `lists add` edit
 * (src/config/config_edit.c), on bytes in memory (vg_config_load_buffer: no temporary file).
 *
 * Checked after each input:
 *  - a load succeeds exactly when nothing was reported, and a failed load leaves the struct
 *    as it was (here: at its defaults, no lists);
 *  - every option of a loaded file formats to text that sets the same value again, and every
 *    list has a name and a path;
 *  - when the file loaded and the edit accepted it, the edited text loads too, with exactly one
 *    more list, the new one last: the edit never breaks a valid file or puts the entry
 *    anywhere but in `lists:`.
 */
#include "core/compat.h"
#include "config/config.h"
#include "config/config_edit.h"
#include "core/err.h"
#include "core/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_config: invariant failed: %s (%s:%d)\n", #cond, __FILE__,        \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char name[] = "fuzz/vigil.yaml";

static void check_loaded(const struct vg_config *c)
{
    size_t n;
    const struct vg_config_option *o = vg_config_options(&n);
    struct vg_buf b = VG_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        struct vg_config again;
        vg_buf_reset(&b);
        CHECK(vg_config_format_value(&b, c, &o[i]) == VG_OK);
        vg_config_init(&again);
        CHECK(vg_config_set(&again, &o[i], b.data ? b.data : "", NULL) == VG_OK);
        struct vg_buf b2 = VG_BUF_INIT;
        CHECK(vg_config_format_value(&b2, &again, &o[i]) == VG_OK);
        CHECK(b.len == b2.len && memcmp(b.data, b2.data, b.len) == 0);
        vg_buf_release(&b2);
        vg_config_release(&again);
    }
    vg_buf_release(&b);
    CHECK(c->list_count <= VG_CONFIG_MAX_LISTS);
    for (size_t i = 0; i < c->list_count; i++)
        CHECK(c->lists[i].name && c->lists[i].name[0] && c->lists[i].path && c->lists[i].path[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct vg_diag diag;
    struct vg_config c;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL); /* format every message: they quote input */
    vg_config_init(&c);
    int rc = vg_config_load_buffer(&c, name, text, size, &diag);
    CHECK(rc == VG_OK || rc == VG_ECONFIG);
    CHECK((rc == VG_OK) == (diag.total == 0));
    if (rc == VG_OK)
        check_loaded(&c);
    else
        CHECK(c.list_count == 0 && c.lists == NULL);

    /* the edit: only meaningful for a file that loads and lacks the name */
    bool taken = false;
    for (size_t i = 0; i < c.list_count; i++)
        taken |= strcmp(c.lists[i].name, "fuzz-added") == 0;
    struct vg_config_list e = { .name = "fuzz-added",
                                .path = "added.txt",
                                .enabled = true,
                                .kind = size & 1 ? VG_INTEL_TRUSTED : VG_INTEL_THREAT,
                                .format = size & 2 ? "txt" : NULL };
    struct vg_buf out = VG_BUF_INIT;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL);
    int erc = vg_config_edit_add_list(&out, name, text, size, &e, &diag);
    CHECK(erc == VG_OK || erc == VG_ECONFIG);
    if (erc == VG_OK && rc == VG_OK && !taken) {
        struct vg_config after;
        vg_config_init(&after);
        vg_diag_init(&diag, UINT_MAX, NULL, NULL);
        int arc = vg_config_load_buffer(&after, name, out.data, out.len, &diag);
        if (arc != VG_OK && out.len <= VG_CONFIG_MAX_BYTES) {
            fprintf(stderr, "fuzz_config: edited file does not load: %s\n----\n%.*s\n----\n",
                    diag.last, (int)out.len, out.data);
            abort();
        }
        if (arc == VG_OK) {
            CHECK(after.list_count == c.list_count + 1);
            const struct vg_config_list *l = &after.lists[c.list_count];
            CHECK(strcmp(l->name, "fuzz-added") == 0);
            CHECK(strcmp(l->path, "fuzz/added.txt") == 0);
            CHECK(l->kind == e.kind && l->enabled);
            CHECK((l->format == NULL) == (e.format == NULL));
        }
        vg_config_release(&after);
    }
    vg_buf_release(&out);
    vg_config_release(&c);
    return 0;
}
