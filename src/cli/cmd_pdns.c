/*
 * `vigil pdns QUERY PATH...`: which names an address was the answer for, or which addresses a
 * name (or every name under a zone) resolved to, in the Route 53 Resolver query logs under
 * PATH.  The table is the one `vigil scan` builds (enrich/pdns.h), learned without running
 * detectors, so it answers the analyst's next question about a finding's address.
 */
#include "cli/cmd.h"

#include <getopt.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/time.h"
#include "enrich/pdns.h"
#include "parse/route53.h"
#include "pipeline/scan.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigil pdns [options] QUERY PATH...\n"
            "\n"
            "Passive DNS from Route 53 Resolver query logs: learn the A and AAAA answers in the\n"
            "logs under each PATH (files, folders, .gz, - for stdin; other logs are read and\n"
            "ignored), then answer QUERY:\n"
            "  an address (IPv4 or IPv6)   the names it was an answer for\n"
            "  a domain name               the addresses it resolved to\n"
            "  *.zone                      the addresses of every name under the zone\n"
            "\n"
            "options:\n"
            "      --config FILE    read dns.passive_memory and scan options from this file\n"
            "      --format FMT     table (default) or json\n"
            "  -h, --help           this text\n"
            "\n"
            "Exit status: 0 found, 1 not found, 2 usage or I/O error.\n");
}

struct out {
    bool json;
    unsigned rows;
    struct vg_buf buf;
};

static void print_entry(struct out *o, const struct vg_pdns_entry *e)
{
    char addr[64];
    vg_ip_format(&e->ip, addr, sizeof(addr));
    struct vg_buf *b = &o->buf;
    vg_buf_reset(b);
    if (o->json) {
        vg_buf_printf(b, "%s{\"address\":\"%s\",\"domains\":[", o->rows ? ",\n" : "", addr);
        for (unsigned i = 0; i < e->count; i++) {
            char first[40], last[40];
            vg_time_format_iso(e->names[i].first_ms, first, sizeof(first));
            vg_time_format_iso(e->names[i].last_ms, last, sizeof(last));
            vg_buf_adds(b, i ? ",{\"domain\":" : "{\"domain\":");
            vg_buf_add_json_str(b, vg_str_from(e->names[i].domain));
            vg_buf_printf(b,
                          ",\"domainCut\":%s,\"firstSeen\":\"%s\",\"lastSeen\":\"%s\","
                          "\"answers\":%" PRIu32 "}",
                          e->names[i].cut ? "true" : "false", first, last, e->names[i].answers);
        }
        vg_buf_printf(b, "],\"otherDomains\":%" PRIu64 "}", e->names_displaced);
    } else {
        for (unsigned i = 0; i < e->count; i++) {
            char first[40], last[40];
            vg_time_format_iso(e->names[i].first_ms, first, sizeof(first));
            vg_time_format_iso(e->names[i].last_ms, last, sizeof(last));
            /* the name last: it is the one column of unbounded width */
            vg_buf_printf(b, "%-24s  %-24s  %7" PRIu32 "  %-15s  ", first, last,
                          e->names[i].answers, addr);
            vg_buf_add_printable(b, vg_str_from(e->names[i].domain));
            vg_buf_adds(b, e->names[i].cut ? "...\n" : "\n");
        }
        if (e->names_displaced)
            vg_buf_printf(b, "%-24s  %-24s  %7s  %-15s  (%" PRIu64 " older names not kept)\n", "",
                          "", "", addr, e->names_displaced);
    }
    fwrite(b->data, 1, b->len, stdout);
    o->rows++;
}

static void on_entry(void *ctx, const struct vg_pdns_entry *e)
{
    print_entry(ctx, e);
}

/* Learn from every PATH; 0, or 2 when the scan could not run. */
static int learn(struct vg_scan_opts *opts, char **paths, int count, struct vg_scan **out)
{
    opts->enrich_only = true;
    opts->on_diag = vg_cli_print_diag;
    struct vg_scan *scan = vg_scan_new(opts);
    if (!scan) {
        fprintf(stderr, "vigil pdns: out of memory\n");
        return 2;
    }
    for (int i = 0; i < count; i++)
        if (vg_scan_path(scan, paths[i]) != VG_OK) {
            fprintf(stderr, "vigil pdns: out of memory\n");
            vg_scan_free(scan);
            return 2;
        }
    *out = scan;
    return 0;
}

int vg_cmd_pdns(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL;
    struct out o = { 0 };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0) {
                fprintf(stderr, "vigil pdns: --format is table or json, not '%s'\n", optarg);
                return 2;
            }
            o.json = strcmp(optarg, "json") == 0;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind < 2) {
        usage(stderr);
        return 2;
    }
    const char *query = argv[optind];
    struct vg_scan_opts opts;
    vg_scan_opts_init(&opts);
    if (config) {
        struct vg_config cfg;
        struct vg_diag diag;
        vg_config_init(&cfg);
        vg_diag_init(&diag, 100, vg_cli_print_diag, NULL);
        int rc = vg_config_load(&cfg, config, &diag);
        opts.pdns_memory = (size_t)cfg.dns_passive_memory;
        opts.read_ahead = cfg.scan_read_ahead;
        vg_config_release(&cfg);
        if (rc != VG_OK) {
            fprintf(stderr, "vigil pdns: %s: not usable; nothing read\n", config);
            return 2;
        }
    }

    /* the query in the table's form: an address, or a name normalised as the logs' are */
    struct vg_ip ip;
    bool by_address = vg_ip_parse(vg_str_from(query), &ip);
    char name[1024];
    struct vg_dns_name shape;
    size_t name_len = 0;
    if (!by_address) {
        bool zone = strncmp(query, "*.", 2) == 0;
        size_t skip = zone ? 2 : 0;
        if (zone)
            memcpy(name, "*.", 2);
        name_len = skip + vg_route53_name_normalise(vg_str_from(query + skip), name + skip,
                                                    sizeof(name) - skip, &shape);
        if (name_len == skip) {
            fprintf(stderr, "vigil pdns: '%s' is neither an address nor a domain name\n", query);
            return 2;
        }
    }

    struct vg_scan *scan = NULL;
    int rc = learn(&opts, argv + optind + 1, argc - optind - 1, &scan);
    if (rc)
        return rc;
    struct vg_pdns *pdns = vg_scan_pdns(scan);
    vg_buf_init(&o.buf, 0);
    if (o.json) {
        fputs("{\"query\":", stdout);
        vg_buf_add_json_str(&o.buf, vg_str_from(query));
        fwrite(o.buf.data, 1, o.buf.len, stdout);
        fputs(",\"results\":[\n", stdout);
    } else {
        printf("%-24s  %-24s  %7s  %-15s  %s\n", "FIRST SEEN", "LAST SEEN", "ANSWERS", "ADDRESS",
               "DOMAIN");
    }
    struct vg_pdns_entry e;
    if (by_address) {
        if (vg_pdns_lookup(pdns, &ip, INT64_MAX, &e))
            print_entry(&o, &e);
    } else {
        vg_pdns_each_address_of(pdns, (struct vg_str){ name, name_len }, on_entry, &o);
    }
    if (o.json)
        fputs("\n]}\n", stdout);
    struct vg_pdns_stats st = vg_pdns_stats(pdns);
    fprintf(stderr,
            "vigil: %" PRIu64 " answers learned; %u address%s matched; %" PRIu64
            " evicted at the memory cap (dns.passive_memory)\n",
            st.answers, o.rows, o.rows == 1 ? "" : "es", st.evictions);
    vg_buf_release(&o.buf);
    vg_scan_free(scan);
    return o.rows ? 0 : 1;
}
