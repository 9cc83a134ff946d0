/*
 * `vigil scan`: one pass over logs, findings to stdout (table, GuardDuty JSON or JSON lines),
 * bad-input messages and a summary to stderr.  Exit status: 0 nothing at or above --fail-on,
 * 1 findings at or above it, 2 usage or I/O error.
 */
#include "cli/cmd.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/time.h"
#include "findings/catalog.h"
#include "findings/render.h"
#include "pipeline/scan.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_JSONL };

struct writer {
    enum out_format format;
    bool color;
    int64_t now_ms;
    size_t written;
    double fail_on;
    size_t failing;
    size_t by_severity[3];    /* low, medium, high+ */
    struct vg_buf buf;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigil scan [options] PATH...\n"
            "\n"
            "Read CloudTrail logs and print findings.  A PATH is a file, a folder (read\n"
            "recursively, any layout, e.g. AWSLogs/<account>/CloudTrail/...) or '-' for stdin.\n"
            "Files may be gzip or plain; S3 delivery objects, JSON lines, EventBridge events.\n"
            "\n"
            "options:\n"
            "  -f, --format FMT     table (default), json (a GetFindings response) or jsonl\n"
            "      --since TIME     ignore events before TIME (2024-03-12 or 2024-03-12T10:00:00Z)\n"
            "      --until TIME     ignore events at or after TIME\n"
            "      --fail-on SEV    exit 1 if a finding is at least low, medium or high\n"
            "                       (default: low, i.e. any finding)\n"
            "      --max-findings N keep at most N findings in memory; older ones are printed\n"
            "                       early (default 100000)\n"
            "      --max-errors N   print the first N bad-input messages (default 20; all are counted)\n"
            "      --color WHEN     auto (default), always or never\n"
            "  -q, --quiet          no summary on stderr\n"
            "  -h, --help           this text\n");
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_time_arg(const char *arg, int64_t *out)
{
    struct vg_str s = vg_str_from(arg);
    if (s.len == 10) {
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%sT00:00:00Z", arg);
        return vg_time_parse_iso(vg_str_from(tmp), out);
    }
    return vg_time_parse_iso(s, out);
}

static bool parse_severity(const char *arg, double *out)
{
    static const struct { const char *name; double value; } names[] = {
        { "low", 1 }, { "medium", 4 }, { "high", 7 }, { "critical", 9 },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++)
        if (strcasecmp(arg, names[i].name) == 0) {
            *out = names[i].value;
            return true;
        }
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || v < 0 || v > 10)
        return false;
    *out = v;
    return true;
}

static void flush(struct writer *w)
{
    fwrite(w->buf.data ? w->buf.data : "", 1, w->buf.len, stdout);
    vg_buf_reset(&w->buf);
}

static void write_finding(void *ctx, const struct vg_finding *f)
{
    struct writer *w = ctx;
    if (w->format == OUT_TABLE) {
        if (w->written == 0)
            vg_render_table_header(&w->buf, w->color);
        vg_render_table_row(&w->buf, f, w->color);
    } else {
        if (w->format == OUT_JSON)
            vg_buf_adds(&w->buf, w->written == 0 ? "{\"findings\":[\n" : ",\n");
        vg_render_json(&w->buf, f, w->now_ms);
        if (w->format == OUT_JSONL)
            vg_buf_addc(&w->buf, '\n');
    }
    w->written++;
    w->by_severity[f->severity >= 7 ? 2 : f->severity >= 4 ? 1 : 0]++;
    if (f->severity >= w->fail_on)
        w->failing++;
    flush(w);
}

static void print_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)ctx;
    (void)code;
    struct vg_buf b = VG_BUF_INIT;
    vg_buf_add_printable(&b, vg_str_from(message));
    fprintf(stderr, "vigil: %s\n", b.data ? b.data : "");
    vg_buf_release(&b);
}

static void summary(const struct vg_scan *scan, const struct writer *w, double seconds)
{
    const struct vg_scan_stats *st = vg_scan_stats(scan);
    const struct vg_diag *d = vg_scan_diag(scan);
    double mb = (double)st->bytes_plain / 1e6;
    fprintf(stderr,
            "vigil: scanned %" PRIu64 " files (%.1f MB read, %.1f MB uncompressed): %" PRIu64
            " records, %" PRIu64 " events, %" PRIu64 " bad records, %" PRIu64
            " digest files skipped, %" PRIu64 " foreign records skipped\n",
            st->files, (double)st->bytes_read / 1e6, mb, st->parse.records, st->parse.events,
            st->parse.bad_records, st->parse.digests, st->parse.foreign);
    if (d->total) {
        fprintf(stderr, "vigil: %" PRIu64 " input problems:", d->total);
        for (int c = 0; c < VG_DIAG_COUNT; c++)
            if (d->counts[c])
                fprintf(stderr, " %s %" PRIu64, vg_diag_code_name((enum vg_diag_code)c), d->counts[c]);
        fputc('\n', stderr);
    }
    if (st->out_of_range || st->utf8_replaced)
        fprintf(stderr, "vigil: %" PRIu64 " events outside --since/--until, %" PRIu64
                        " invalid UTF-8 sequences replaced\n",
                st->out_of_range, st->utf8_replaced);
    fprintf(stderr, "vigil: %zu findings (%zu high, %zu medium, %zu low) in %.2f s, %.0f MB/s\n",
            w->written, w->by_severity[2], w->by_severity[1], w->by_severity[0], seconds,
            seconds > 0 ? mb / seconds : 0);
}

int vg_cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },   { "since", required_argument, NULL, 'S' },
        { "until", required_argument, NULL, 'U' },     { "fail-on", required_argument, NULL, 'F' },
        { "max-findings", required_argument, NULL, 'M' }, { "max-errors", required_argument, NULL, 'E' },
        { "color", required_argument, NULL, 'C' },     { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
    };
    struct vg_scan_opts opts;
    struct writer w = { .format = OUT_TABLE, .fail_on = 1 };
    const char *color = "auto";
    bool quiet = false;
    int status = 0, c;
    struct vg_scan *scan = NULL;

    vg_scan_opts_init(&opts);
    opts.diag_keep = 20;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'f':
            if (strcmp(optarg, "table") == 0)
                w.format = OUT_TABLE;
            else if (strcmp(optarg, "json") == 0)
                w.format = OUT_JSON;
            else if (strcmp(optarg, "jsonl") == 0)
                w.format = OUT_JSONL;
            else
                goto bad_usage_arg;
            break;
        case 'S':
            if (!parse_time_arg(optarg, &opts.since_ms))
                goto bad_usage_arg;
            break;
        case 'U':
            if (!parse_time_arg(optarg, &opts.until_ms))
                goto bad_usage_arg;
            break;
        case 'F':
            if (!parse_severity(optarg, &w.fail_on))
                goto bad_usage_arg;
            break;
        case 'M':
            opts.findings_cap = strtoull(optarg, &end, 10);
            if (*end || opts.findings_cap == 0)
                goto bad_usage_arg;
            break;
        case 'E':
            opts.diag_keep = (unsigned)strtoul(optarg, &end, 10);
            if (*end)
                goto bad_usage_arg;
            break;
        case 'C':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                goto bad_usage_arg;
            color = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vigil scan: no PATH given (use '-' for stdin)\n");
        usage(stderr);
        return 2;
    }
    w.color = strcmp(color, "always") == 0 || (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO));
    w.now_ms = now_ms();
    vg_buf_init(&w.buf, 0);
    opts.on_evict = write_finding;
    opts.evict_ctx = &w;
    opts.on_diag = print_diag;
    scan = vg_scan_new(&opts);
    if (!scan) {
        fprintf(stderr, "vigil scan: out of memory\n");
        return 2;
    }
    double t0 = monotonic_s();
    for (int i = optind; i < argc; i++) {
        if (vg_scan_path(scan, argv[i]) != VG_OK) {
            fprintf(stderr, "vigil scan: out of memory\n");
            status = 2;
            break;
        }
    }
    size_t n;
    const struct vg_finding *const *all = vg_findings_sorted(vg_scan_findings(scan), &n);
    for (size_t i = 0; i < n; i++)
        write_finding(&w, all[i]);
    if (w.format == OUT_JSON) {
        vg_buf_adds(&w.buf, w.written ? "\n]}\n" : "{\"findings\":[]}\n");
        flush(&w);
    } else if (w.format == OUT_TABLE && w.written == 0) {
        printf("no findings\n");
    }
    fflush(stdout);
    double seconds = monotonic_s() - t0;
    if (!quiet)
        summary(scan, &w, seconds);
    if (status == 0)
        status = vg_scan_diag(scan)->counts[VG_DIAG_IO] ? 2 : w.failing ? 1 : 0;
    vg_scan_free(scan);
    vg_buf_release(&w.buf);
    return status;

bad_usage_arg:
    fprintf(stderr, "vigil scan: invalid value '%s' for --%s\n", optarg,
            c == 'f' ? "format" : c == 'S' ? "since" : c == 'U' ? "until" : c == 'F' ? "fail-on"
            : c == 'M' ? "max-findings" : c == 'E' ? "max-errors" : "color");
    return 2;
}
