/*
 * `vigil scan`: one pass over logs, findings to stdout (table, GuardDuty JSON or JSON lines),
 * bad-input messages and a summary to stderr.  Exit status: 0 nothing at or above --fail-on,
 * 1 findings at or above it, 2 usage or I/O error.
 */
#include "cli/cmd.h"

#include "cli/setup.h"

#include "config/config.h"
#include "parse/vpcflow.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "enrich/intel_audit.h"
#include "enrich/intel_builtin.h"
#include "enrich/intel_load.h"
#include "enrich/inventory.h"
#include "findings/catalog.h"
#include "findings/render.h"
#include "pipeline/scan.h"
#include "pipeline/trusted_watch.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_JSONL };

/* getopt values of the long options that have no letter */
enum {
    OPT_STATE_DIR = 256,
    OPT_LIST_MODIFIED,
    OPT_INVENTORY,
    OPT_IP_DATA,
};

struct writer {
    enum out_format format;
    bool color;
    struct vg_render_opts render;
    size_t written;
    double fail_on;
    size_t failing;
    size_t by_severity[3]; /* low, medium, high+ */
    struct vg_buf buf;
};

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: vigil scan [options] PATH...\n"
        "\n"
        "Read CloudTrail logs, VPC Flow Logs and Route 53 Resolver query logs and print\n"
        "findings.  A PATH is a file, a folder (read recursively, any layout, e.g.\n"
        "AWSLogs/<account>/CloudTrail/..., .../vpcflowlogs/..., .../vpcdnsquerylogs/...) or\n"
        "'-' for stdin.  Files may be gzip or plain; CloudTrail as S3 delivery objects, JSON\n"
        "lines or EventBridge events; flow logs in any field layout; DNS logs as JSON lines.\n"
        "\n"
        "options:\n"
        "      --config FILE    read options and lists from this YAML file (see\n"
        "                       'vigil config options'); options given here win, and its\n"
        "                       enabled lists are loaded besides the ones named here\n"
        "  -f, --format FMT     table (default), json (a GetFindings response) or jsonl\n"
        "      --since TIME     ignore events before TIME (2024-03-12 or 2024-03-12T10:00:00Z)\n"
        "      --until TIME     ignore events at or after TIME\n"
        "      --fail-on SEV    exit 1 if a finding is at least low, medium or high\n"
        "                       (default: low, i.e. any finding)\n"
        "      --max-findings N keep at most N findings in memory; older ones are printed\n"
        "                       early (default 100000)\n"
        "      --max-errors N   print the first N bad-input messages (default 20; all are "
        "counted)\n"
        "      --color WHEN     auto (default), always or never\n"
        "      --threat-list [NAME=]FILE   match callers against your threat list (findings\n"
        "                       of the .Custom types; a Tor exit-addresses file feeds the Tor "
        "types)\n"
        "      --curated-list [NAME=]FILE  a list you vouch for: the plain MaliciousIPCaller "
        "types\n"
        "      --reputation-list [NAME=]FILE  low-confidence domains: they add to a domain's\n"
        "                       reputation score (the .Reputation types), never fire alone\n"
        "      --trusted-list [NAME=]FILE  addresses and domains that never give a list finding;\n"
        "                       one covering a public IPv4 network wider than\n"
        "                       intel.trusted_max_public_prefix (default /16) gives a\n"
        "                       finding of its own, DefenseEvasion:Vigil/TrustedListTooWide\n"
        "      --state DIR      keep state between runs in DIR (also --state-dir): the IAM\n"
        "                       behaviour profiles and what the detectors built on them\n"
        "                       learned (DIR/detectors.state, read at the start, written at\n"
        "                       the end, so scanning day 8 after days 1-7 gives the findings\n"
        "                       one scan of days 1-8 gives), and each trusted list (sha256,\n"
        "                       counts, widest public network) in DIR/lists.state: when one\n"
        "                       changed since the last run, say so on stderr and append to\n"
        "                       DIR/lists-audit.log (default: intel.state_dir of --config;\n"
        "                       none)\n"
        "      --list-modified TIME  take TIME as every list file's modification time, the\n"
        "                       time of trusted-list findings (default: the files' own)\n"
        "      --list-format FMT  format of the lists named after it (default: detected);\n"
        "                       'vigil lists formats' names them\n"
        "      --list-category CAT  what the threat lists named after it hold: c2,\n"
        "                       cryptocurrency, blackhole, droppoint, scanner, tor, dga,\n"
        "                       driveby, phishing, abused, suspicious (these two only score\n"
        "                       a domain's reputation), other, or auto (default: each\n"
        "                       entry's threat name says); it picks the EC2 finding type of\n"
        "                       a curated list's matches\n"
        "      --retro-hunt [NAME=]FILE    re-check the logs against this list only; findings\n"
        "                       are marked as a retro-hunt with the list's date\n"
        "      --retro-baseline FILE       with --retro-hunt: the list's previous version;\n"
        "                       only indicators it lacked are hunted\n"
        "      --retro-added TIME          with --retro-hunt: when the indicators were added\n"
        "                       (default: the list file's modification time)\n"
        "      --inventory PATH the JSON output of aws ec2 describe-instances and\n"
        "                       describe-network-interfaces (a file or a folder; repeatable):\n"
        "                       findings describe the instance, and traffic between two\n"
        "                       instances gets its direction (also flow.inventory)\n"
        "      --ip-data PATH   address owners: MaxMind .mmdb databases, ASN range CSV\n"
        "                       (first,last,asn,org) and AWS ip-ranges.json, a file or a\n"
        "                       folder (repeatable; 'make enrich-data' fetches free ones):\n"
        "                       remote addresses get their AS, country and AWS range\n"
        "                       (also enrich.ip_data)\n"
        "      --rules PATH     your detection rules: a rule file or a folder of them\n"
        "                       (repeatable; docs/rules.md; also rules.paths), run with\n"
        "                       the rules shipped with vigil; 'vigil rules import-sigma'\n"
        "                       converts Sigma rules for CloudTrail\n"
        "      --enable-opt-in SEL  switch on opt-in rules (GuardDuty's rule-library\n"
        "                       types, off by default): all, a group, a rule id or a\n"
        "                       type; ','-separated, repeatable ('vigil rules list')\n"
        "  -q, --quiet          no summary on stderr\n"
        "  -h, --help           this text\n");
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
    static const struct {
        const char *name;
        double value;
    } names[] = {
        { "low", 1 },
        { "medium", 4 },
        { "high", 7 },
        { "critical", 9 },
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
        vg_render_json(&w->buf, f, &w->render);
        if (w->format == OUT_JSONL)
            vg_buf_addc(&w->buf, '\n');
    }
    w->written++;
    w->by_severity[f->severity >= 7 ? 2 : f->severity >= 4 ? 1 : 0]++;
    if (f->severity >= w->fail_on)
        w->failing++;
    flush(w);
}

static void list_summary(const struct vg_intel *intel)
{
    static const char *const feeds[] = { "custom", "curated", "reputation", "tor" };
    for (size_t i = 0; intel && i < vg_intel_list_count(intel); i++) {
        const struct vg_intel_list *l = vg_intel_list_at(intel, i);
        /* the category decides which EC2 type a curated match becomes: worth seeing */
        bool curated = l->kind == VG_INTEL_THREAT && l->feed == VG_INTEL_FEED_CURATED;
        fprintf(stderr,
                "vigil: list '%s' (%s, %s %s%s%s): %" PRIu64 " addresses, %" PRIu64
                " networks, %" PRIu64 " domains; %" PRIu64 " rejected, %" PRIu64 " bad, %" PRIu64
                " skipped\n",
                l->name, l->format ? l->format : "?",
                l->kind == VG_INTEL_TRUSTED ? "trusted" : "threat",
                l->kind == VG_INTEL_TRUSTED ? "list" : feeds[l->feed], curated ? ", category " : "",
                curated ? vg_intel_category_name(l->category) : "", l->addresses, l->networks,
                l->domains, l->rejected, l->bad_lines, l->skipped);
    }
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
                fprintf(stderr, " %s %" PRIu64, vg_diag_code_name((enum vg_diag_code)c),
                        d->counts[c]);
        fputc('\n', stderr);
    }
    if (st->out_of_range || st->utf8_replaced)
        fprintf(stderr,
                "vigil: %" PRIu64 " events outside --since/--until, %" PRIu64
                " invalid UTF-8 sequences replaced\n",
                st->out_of_range, st->utf8_replaced);
    uint64_t evicted = vg_scan_state_evictions(scan);
    if (evicted)
        fprintf(stderr,
                "vigil: detector state full: %" PRIu64
                " least recently active entries evicted (raise flow.state_memory to keep more)\n",
                evicted);
    fprintf(stderr, "vigil: %zu findings (%zu high, %zu medium, %zu low) in %.2f s, %.0f MB/s\n",
            w->written, w->by_severity[2], w->by_severity[1], w->by_severity[0], seconds,
            seconds > 0 ? mb / seconds : 0);
}

#define DETECTOR_STATE "detectors.state"

/* Load DIR/detectors.state into the scan, if there is one.  A missing file is a first run; a
 * file vigil cannot use is reported and the detectors start afresh (exit status unchanged: the
 * findings are then those of a first run, which is what the operator sees said). */
static void state_load(struct vg_scan *scan, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, DETECTOR_STATE);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    struct vg_buf data = VG_BUF_INIT;
    char chunk[65536];
    size_t n;
    int rc = VG_OK;
    while (rc == VG_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = vg_buf_add(&data, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    const char *why = NULL;
    if (rc != VG_OK || failed)
        fprintf(stderr, "vigil scan: %s: cannot read it; detectors start afresh\n", path);
    else if (vg_scan_state_load(scan, data.data ? data.data : "", data.len, &why) != VG_OK)
        fprintf(stderr, "vigil scan: %s: not a vigil state file; detectors start afresh\n", path);
    else if (why)
        fprintf(stderr, "vigil scan: %s: %s\n", path, why);
    vg_buf_release(&data);
}

static int state_save(const struct vg_scan *scan, const char *dir)
{
    struct vg_buf data = VG_BUF_INIT;
    struct vg_diag diag;
    vg_diag_init(&diag, 20, vg_cli_print_diag, NULL);
    int rc = vg_scan_state_save(scan, &data);
    if (rc == VG_OK)
        rc = vg_state_file_write(dir, DETECTOR_STATE, data.data, data.len, "detector state", &diag);
    else
        fprintf(stderr, "vigil scan: out of memory saving the detector state\n");
    vg_buf_release(&data);
    return rc;
}

static void inventory_summary(const struct vg_inventory *inv)
{
    if (!inv)
        return;
    const struct vg_inventory_stats *st = vg_inventory_stats(inv);
    fprintf(stderr,
            "vigil: inventory: %" PRIu64 " instances, %" PRIu64 " network interfaces, %" PRIu64
            " addresses from %" PRIu64 " files",
            st->instances, st->interfaces, st->addresses, st->files);
    if (st->merged)
        fprintf(stderr, "; %" PRIu64 " repeated records merged", st->merged);
    if (st->skipped || st->ignored)
        fprintf(stderr, "; %" PRIu64 " records skipped, %" PRIu64 " fields ignored", st->skipped,
                st->ignored);
    if (st->ambiguous)
        fprintf(stderr, "; %" PRIu64 " addresses claimed by more than one interface",
                st->ambiguous);
    fputc('\n', stderr);
}

int vg_cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "since", required_argument, NULL, 'S' },
        { "until", required_argument, NULL, 'U' },
        { "fail-on", required_argument, NULL, 'F' },
        { "max-findings", required_argument, NULL, 'M' },
        { "max-errors", required_argument, NULL, 'E' },
        { "color", required_argument, NULL, 'C' },
        { "quiet", no_argument, NULL, 'q' },
        VG_CLI_LIST_LONGOPTS,
        { "retro-hunt", required_argument, NULL, 'R' },
        { "retro-baseline", required_argument, NULL, 'B' },
        { "retro-added", required_argument, NULL, 'A' },
        { "config", required_argument, NULL, 'G' },
        { "state-dir", required_argument, NULL, OPT_STATE_DIR },
        { "state", required_argument, NULL, OPT_STATE_DIR },
        { "inventory", required_argument, NULL, OPT_INVENTORY },
        { "ip-data", required_argument, NULL, OPT_IP_DATA },
        VG_CLI_RULE_LONGOPTS,
        { "list-modified", required_argument, NULL, OPT_LIST_MODIFIED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct vg_scan_opts opts;
    struct writer w = { .format = OUT_TABLE, .fail_on = 1 };
    const char *color = "auto";
    bool quiet = false;
    int status = 0, c;
    struct vg_scan *scan = NULL;
    struct vg_cli_lists lists = { .count = 0 };
    const char *retro_baseline = NULL;
    int64_t retro_added = 0;
    size_t retro = SIZE_MAX; /* index of the --retro-hunt list */
    struct vg_intel *intel = NULL;
    struct vg_config cfg;
    const char *config = NULL;
    bool max_findings_set = false, max_errors_set = false;
    const char *state_dir_arg = NULL;
    char *state_dir = NULL; /* --state-dir, else intel.state_dir resolved against --config */
    int64_t list_modified = 0, max_public_prefix;
    bool want_state, watch_failed = false;
    struct vg_cli_paths inventory_paths = { .n = 0 }, ipinfo_paths = { .n = 0 };
    struct vg_ipinfo *ipinfo = NULL;
    struct vg_inventory *inventory = NULL;
    struct vg_cli_rules rule_opts = { .builtin = true };
    struct vg_rules *rules = NULL;

    vg_config_init(&cfg);
    vg_scan_opts_init(&opts);
    opts.diag_keep = 20;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:qh", longopts, NULL)) != -1) {
        char *end;
        int taken = c == 'R' ? 0 : vg_cli_list_arg(&lists, c, optarg, "vigil scan");
        if (taken < 0)
            return 2;
        if (taken)
            continue;
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
            max_findings_set = true;
            break;
        case 'E':
            opts.diag_keep = (unsigned)strtoul(optarg, &end, 10);
            if (*end)
                goto bad_usage_arg;
            max_errors_set = true;
            break;
        case 'G': config = optarg; break;
        case OPT_STATE_DIR: state_dir_arg = optarg; break;
        case OPT_INVENTORY:
            if (vg_cli_paths_add(&inventory_paths, optarg, "vigil scan", "--inventory"))
                return 2;
            break;
        case OPT_IP_DATA:
            if (vg_cli_paths_add(&ipinfo_paths, optarg, "vigil scan", "--ip-data"))
                return 2;
            break;
        case VG_OPT_RULES:
        case VG_OPT_ENABLE_OPT_IN:
            if (vg_cli_rules_arg(&rule_opts, c, optarg, "vigil scan") < 0)
                return 2;
            break;
        case OPT_LIST_MODIFIED:
            if (!parse_time_arg(optarg, &list_modified) || list_modified == 0) {
                fprintf(stderr, "vigil scan: invalid value '%s' for --list-modified\n", optarg);
                return 2;
            }
            break;
        case 'C':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                goto bad_usage_arg;
            color = optarg;
            break;
        case 'q': quiet = true; break;
        case 'B': retro_baseline = optarg; break;
        case 'A':
            if (!parse_time_arg(optarg, &retro_added))
                goto bad_usage_arg;
            break;
        case 'R':
            if (retro != SIZE_MAX) {
                fprintf(stderr, "vigil scan: --retro-hunt takes one list\n");
                return 2;
            }
            if (vg_cli_list_arg(&lists, VG_OPT_THREAT_LIST, optarg, "vigil scan") < 0)
                return 2;
            retro = lists.count - 1;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vigil scan: no PATH given (use '-' for stdin)\n");
        usage(stderr);
        return 2;
    }
    w.color = strcmp(color, "always") == 0 || (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO));
    w.render.now_ms = vg_cli_now_ms();
    if ((retro_baseline || retro_added) && retro == SIZE_MAX) {
        fprintf(stderr, "vigil scan: --retro-baseline and --retro-added need --retro-hunt\n");
        return 2;
    }
    if (config && vg_cli_apply_config(&cfg, config, &opts, max_findings_set, max_errors_set,
                                      "vigil scan") != 0)
        return 2;
    if (lists.count || cfg.list_count || cfg.intel_test_indicators) {
        int rc = vg_cli_load_lists(&cfg, lists.items, lists.count, retro, retro_baseline, &intel,
                                   &w.render.retro_added_ms, "vigil scan");
        if (rc) {
            vg_config_release(&cfg);
            return rc;
        }
        if (retro_added)
            w.render.retro_added_ms = retro_added;
        opts.intel = intel;
    }
    max_public_prefix = cfg.intel_trusted_max_public_prefix;
    /* --state-dir wins, and --state-dir '' turns intel.state_dir off */
    want_state = state_dir_arg ? state_dir_arg[0] != '\0' : cfg.intel_state_dir[0] != '\0';
    if (want_state)
        state_dir = state_dir_arg ? strdup(state_dir_arg)
                                  : vg_intel_audit_dir_resolve(config, cfg.intel_state_dir);
    if (want_state && !state_dir) {
        fprintf(stderr, "vigil scan: out of memory\n");
        vg_config_release(&cfg);
        vg_intel_free(intel);
        return 2;
    }
    if (vg_cli_load_inventory(&inventory_paths, config, cfg.flow_inventory, &inventory,
                              "vigil scan") ||
        vg_cli_load_ipinfo(&ipinfo_paths, config, cfg.enrich_ip_data, &ipinfo, "vigil scan") ||
        vg_cli_load_rules(&rule_opts, config, &cfg, &rules, "vigil scan")) {
        vg_config_release(&cfg);
        vg_intel_free(intel);
        vg_inventory_free(inventory);
        vg_ipinfo_free(ipinfo);
        free(state_dir);
        return 2;
    }
    opts.rules = rules;
    opts.inventory = w.render.inventory = inventory;
    opts.ipinfo = w.render.ipinfo = ipinfo;
    vg_buf_init(&w.buf, 0);
    opts.on_evict = write_finding;
    opts.evict_ctx = &w;
    opts.on_diag = vg_cli_print_diag;
    scan = vg_scan_new(&opts);
    vg_config_release(&cfg); /* applied, its lists loaded, its strings copied by the scan */
    if (!scan) {
        fprintf(stderr, "vigil scan: out of memory\n");
        vg_rules_free(rules);
        free(state_dir);
        vg_inventory_free(inventory);
        vg_ipinfo_free(ipinfo);
        return 2;
    }
    w.render.pdns = vg_scan_pdns(scan);
    if (intel) {
        /* the user's trusted lists: every list but a retro-hunt baseline, which comes last */
        size_t own = vg_intel_list_count(intel) - (retro_baseline ? 1 : 0);
        struct vg_trusted_watch_opts wo = { max_public_prefix, state_dir, vg_cli_now_ms(),
                                            list_modified };
        struct vg_emit emit = { vg_findings_add, vg_scan_findings(scan) };
        struct vg_diag wdiag;
        vg_diag_init(&wdiag, 20, vg_cli_print_diag, NULL);
        int rc =
            vg_trusted_watch_run(intel, own, &wo, retro == SIZE_MAX ? &emit : NULL, &wdiag, NULL);
        if (rc == VG_ENOMEM) {
            fprintf(stderr, "vigil scan: out of memory\n");
            vg_scan_free(scan);
            vg_rules_free(rules);
            vg_intel_free(intel);
            free(state_dir);
            vg_inventory_free(inventory);
            vg_ipinfo_free(ipinfo);
            return 2;
        }
        watch_failed = rc != VG_OK; /* the state directory: reported; exit 2 after the scan */
    }
    if (state_dir)
        state_load(scan, state_dir);
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
    if (!quiet) {
        list_summary(intel);
        inventory_summary(inventory);
        if (ipinfo)
            vg_cli_ipinfo_summary(ipinfo, "vigil");
        vg_cli_rules_summary(rules, "vigil");
        summary(scan, &w, seconds);
    }
    if (status == 0 && state_dir && state_save(scan, state_dir) != VG_OK)
        status = 2;
    if (status == 0)
        status = vg_scan_diag(scan)->counts[VG_DIAG_IO] || watch_failed ? 2 : w.failing ? 1 : 0;
    vg_scan_free(scan);
    vg_rules_free(rules);
    vg_intel_free(intel);
    free(state_dir);
    vg_inventory_free(inventory);
    vg_ipinfo_free(ipinfo);
    vg_buf_release(&w.buf);
    return status;

bad_usage_arg:
    fprintf(stderr, "vigil scan: invalid value '%s' for --%s\n", optarg,
            c == 'f'   ? "format"
            : c == 'S' ? "since"
            : c == 'U' ? "until"
            : c == 'F' ? "fail-on"
            : c == 'M' ? "max-findings"
            : c == 'E' ? "max-errors"
            : c == 'A' ? "retro-added"
                       : "color");
    return 2;
}
