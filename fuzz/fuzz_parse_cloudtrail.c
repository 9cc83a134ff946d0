/*
 * Fuzz target: one CloudTrail object through the whole batch pipeline, vg_scan_buffer() from
 * src/pipeline/scan.h: format sniffing, framing, the JSON reader, field mapping, every detector
 * and the findings table, so hostile field values reach the code that copies them into findings.
 *
 * One vg_scan serves the whole process, as in `vigil scan` over many files: detector state and
 * findings carry over between inputs.  The findings table is kept small so eviction runs, and
 * every evicted finding is rendered as JSON and as a table row (the paths that escape hostile
 * bytes).  Checked after each input: every record is either an event or a bad record.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "findings/render.h"
#include "pipeline/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_scan *scan;
static struct vg_buf out = VG_BUF_INIT;

static void render(void *ctx, const struct vg_finding *f)
{
    (void)ctx;
    vg_buf_reset(&out);
    static const struct vg_render_opts opts = { .now_ms = 1700000000000 };
    vg_render_json(&out, f, &opts);
    vg_render_table_row(&out, f, false);
}

static void check_stats(const struct vg_parse_stats *before, const struct vg_parse_stats *after)
{
    uint64_t records = after->records - before->records;
    uint64_t events = after->events - before->events;
    uint64_t bad = after->bad_records - before->bad_records;
    if (records != events + bad) {
        fprintf(stderr,
                "fuzz_parse_cloudtrail: %" PRIu64 " records but %" PRIu64 " events + %" PRIu64
                " bad\n",
                records, events, bad);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!scan) {
        struct vg_scan_opts opts;
        vg_scan_opts_init(&opts);
        opts.findings_cap = 16;
        opts.on_evict = render;
        opts.diag_keep = UINT_MAX; /* format every message: they quote hostile bytes */
        if (!(scan = vg_scan_new(&opts)))
            abort();
    }
    struct vg_parse_stats before = vg_scan_stats(scan)->parse;
    if (vg_scan_buffer(scan, "fuzz.json", (const char *)data, size) != VG_OK)
        abort(); /* only running out of memory may fail, and inputs are small */
    check_stats(&before, &vg_scan_stats(scan)->parse);
    return 0;
}
