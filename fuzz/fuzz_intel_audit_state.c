/*
 * Fuzz target: the trusted-list state file reader (src/enrich/intel_audit.c), on bytes in memory
 * through vg_intel_audit_load_buffer, the parser vg_intel_audit_load runs on DIR/lists.state
 * (no temporary directory).  The state file is hostile input: whoever can edit a trusted list
 * may edit it too.  The input is used as it comes, exactly its size (libFuzzer and fuzz/driver.c
 * both hand over a block of exactly that many bytes), so a read past its end is an ASan error.
 *
 * Checked after each input:
 *  - loading returns VG_OK (only running out of memory may fail, and inputs are small);
 *  - a file is taken whole or not at all: either nothing was reported, or exactly one report
 *    "fuzz/lists.state:LINE: ..." with LINE within the file, no control byte in the message, and
 *    no entries left (the entry the struct held before is gone either way: load replaces);
 *  - every entry taken has a non-empty name and path with no NUL inside, a unique name, a sha256
 *    of 64 lowercase hex digits and a prefix length of at most 32;
 *  - what was taken survives the round trip: written back as vg_intel_audit_save would, it loads
 *    again without a report into the same entries, and writing those gives the same bytes, so
 *    vigil never writes a state file that it will refuse on the next run.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/err.h"
#include "enrich/intel_audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_intel_audit_state: invariant failed: %s (%s:%d)\n", #cond,       \
                    __FILE__, __LINE__);                                                           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char name[] = "fuzz/lists.state";

static bool is_lower_hex64(const char *s)
{
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[64] == '\0';
}

static void check_entries(const struct vg_intel_audit *a)
{
    CHECK(a->count <= a->cap && (a->count == 0 || a->entries));
    for (size_t i = 0; i < a->count; i++) {
        const struct vg_intel_audit_entry *e = &a->entries[i];
        CHECK(e->name && e->name[0] && e->path && e->path[0]);
        CHECK(strlen(e->name) <= 4096 && strlen(e->path) <= 4096);
        CHECK(vg_intel_audit_find(a, e->name) == e);
        CHECK(is_lower_hex64(e->sha256));
        CHECK(e->widest_v4 <= 32);
    }
}

static bool same_entries(const struct vg_intel_audit *x, const struct vg_intel_audit *y)
{
    if (x->count != y->count)
        return false;
    for (size_t i = 0; i < x->count; i++) {
        const struct vg_intel_audit_entry *e = &x->entries[i], *f = &y->entries[i];
        if (strcmp(e->name, f->name) != 0 || strcmp(e->path, f->path) != 0 ||
            strcmp(e->sha256, f->sha256) != 0 || e->addresses != f->addresses ||
            e->networks != f->networks || e->domains != f->domains ||
            e->widest_v4 != f->widest_v4 || e->mtime_ms != f->mtime_ms)
            return false;
    }
    return true;
}

/* The line a report points at, from "fuzz/lists.state:LINE: ..."; 0 when there is none. */
static uint64_t reported_line(const char *msg)
{
    size_t n = sizeof(name) - 1;
    uint64_t line = 0;
    if (strncmp(msg, name, n) != 0 || msg[n] != ':')
        return 0;
    for (const char *p = msg + n + 1; *p >= '0' && *p <= '9' && line < UINT32_MAX; p++)
        line = line * 10 + (uint64_t)(*p - '0');
    return line;
}

static void check_round_trip(const struct vg_intel_audit *a)
{
    struct vg_buf text = VG_BUF_INIT, again = VG_BUF_INIT;
    struct vg_intel_audit b;
    struct vg_diag diag;
    vg_intel_audit_init(&b);
    vg_diag_init(&diag, UINT_MAX, NULL, NULL);
    CHECK(vg_intel_audit_format(&text, a) == VG_OK);
    CHECK(vg_intel_audit_load_buffer(&b, name, text.data, text.len, &diag) == VG_OK);
    if (diag.total != 0) {
        fprintf(stderr, "fuzz_intel_audit_state: written state refused: %s\n----\n%.*s----\n",
                diag.last, (int)text.len, text.data);
        abort();
    }
    CHECK(same_entries(a, &b));
    CHECK(vg_intel_audit_format(&again, &b) == VG_OK);
    CHECK(again.len == text.len && memcmp(again.data, text.data, text.len) == 0);
    vg_buf_release(&text);
    vg_buf_release(&again);
    vg_intel_audit_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct vg_intel_audit a;
    struct vg_diag diag;
    vg_intel_audit_init(&a);
    vg_diag_init(&diag, UINT_MAX, NULL, NULL); /* format every message */

    /* an entry from before: loading must replace it, whatever the file holds */
    struct vg_intel_audit_entry old = { "fuzz-previous", "previous.txt", "", 1, 1, 1, 32, 0 };
    memset(old.sha256, 'f', 64);
    CHECK(vg_intel_audit_set(&a, &old) == VG_OK);

    CHECK(vg_intel_audit_load_buffer(&a, name, text, size, &diag) == VG_OK);
    if (diag.total != 0) {
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += text[i] == '\n';
        uint64_t line = reported_line(diag.last);
        CHECK(diag.total == 1 && diag.counts[VG_DIAG_FIELD] == 1);
        CHECK(line >= 1 && line <= lines);
        CHECK(strstr(diag.last, "as on a first run") != NULL);
        for (const char *p = diag.last; *p; p++)
            CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
        CHECK(a.count == 0);
    } else {
        /* the same bytes loaded into an empty struct give the same entries: nothing of
         * the previous content survived */
        struct vg_intel_audit fresh;
        vg_intel_audit_init(&fresh);
        CHECK(size > 0);
        CHECK(vg_intel_audit_load_buffer(&fresh, name, text, size, &diag) == VG_OK);
        CHECK(diag.total == 0 && same_entries(&a, &fresh));
        vg_intel_audit_release(&fresh);
        check_entries(&a);
        check_round_trip(&a);
    }
    vg_intel_audit_release(&a);
    return 0;
}
