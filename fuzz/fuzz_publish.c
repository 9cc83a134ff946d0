/*
 * Fuzz target: `vigil publish`'s splitting of an object into pieces (src/pipeline/publish.c),
 * on hostile bytes, with a message limit small enough that most objects are split.
 *
 * An object is read and published into a sink that keeps the pieces.  Checked after each
 * input:
 *  - every subject has exactly six tokens of [A-Za-z0-9_-] (nothing from the log can add a
 *    token or a wildcard), and every piece fits the message limit;
 *  - no record is doubled: parsing the pieces again gives at most the events the publisher
 *    counted in them, and those, the ones too large for a message and the bad ones are at most
 *    the records it read.
 */
#include "core/arena.h"
#include "core/compat.h"
#include "core/err.h"
#include "core/limits.h"
#include "ingest/input.h"
#include "parse/format.h"
#include "parse/json.h"
#include "pipeline/publish.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_publish: invariant failed: %s (%s:%d)\n", #cond, __FILE__,       \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define LIMIT (8192 + 700) /* the publisher keeps 8 KiB for headers: pieces of ~700 bytes */

struct reparse {
    struct vg_arena arena;
    struct vg_json_parser json;
    struct vg_diag diag;
    struct vg_parse_stats stats;
    uint64_t events;
};

static void count_event(void *ctx, struct vg_event *ev)
{
    (void)ev;
    ((struct reparse *)ctx)->events++;
}

static int keep_piece(void *ctx, const char *subject, const char *name, const char *base,
                      const char *msg_id, const void *data, size_t len, bool *duplicate,
                      struct vg_buf *why)
{
    (void)name, (void)base, (void)msg_id, (void)why;
    struct reparse *r = ctx;
    *duplicate = false;
    CHECK(len <= LIMIT);
    unsigned dots = 0;
    for (const char *c = subject; *c; c++) {
        dots += *c == '.';
        CHECK(*c == '.' || *c == '-' || *c == '_' || (*c >= 'a' && *c <= 'z') ||
              (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'));
    }
    CHECK(dots == 5);
    /* the piece, as a worker reads it (decompressed when it went whole and gzipped) */
    struct vg_input in;
    CHECK(vg_input_init(&in) == VG_OK);
    const char *plain;
    size_t plain_len;
    if (vg_input_decode(&in, "piece", data, len, &r->diag, &plain, &plain_len) == VG_OK) {
        /* the format the subject names, as a worker takes it */
        char source[16];
        const char *t = strchr(strchr(strchr(subject, '.') + 1, '.') + 1, '.') + 1;
        snprintf(source, sizeof(source), "%.*s", (int)strcspn(t, "."), t);
        const struct vg_format *fmt = vg_format_named(source);
        CHECK(fmt != NULL);
        struct vg_parse_ctx pc = {
            "piece", &r->arena, &r->json, &r->diag, &r->stats, count_event, r
        };
        CHECK(vg_format_parse(fmt, &pc, NULL, plain, plain_len) == VG_OK);
        vg_arena_reset(&r->arena);
    }
    vg_input_release(&in);
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct reparse r;
    static bool ready;
    if (!ready) {
        vg_arena_init(&r.arena, 1 << 20, 0);
        vg_json_parser_init(&r.json, &r.arena, VG_MAX_RECORD_BYTES);
        ready = true;
    }
    vg_diag_init(&r.diag, 0, NULL, NULL);
    r.events = 0;
    struct vg_publish_sink sink = { LIMIT, 16, keep_piece, &r };
    struct vg_publisher *p = vg_publisher_new(&sink, NULL, NULL, NULL);
    CHECK(p != NULL);
    CHECK(vg_publish_buffer(p, "object", (const char *)data, size) == VG_OK);
    const struct vg_publish_stats *st = vg_publisher_stats(p);
    /* equal on well-formed logs (tests/cluster/publish.sh checks every record of real ones);
     * a damaged record next to a piece's edge may read differently alone, never twice */
    CHECK(r.events <= st->records_published);
    CHECK(st->records_published + st->records_too_big + st->bad_records <= st->records);
    vg_publisher_free(p);
    return 0;
}
