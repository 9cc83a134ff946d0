/*
 * `vigil simulate`: parse the options into a struct vg_simulate_opts, run the generator and
 * print a one-line summary.  Numbers are parsed strictly (no sign, no trailing garbage, no
 * overflow) because a typo such as `--days 1O` must not quietly become one day.
 */
#include "cli/cmd.h"

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"
#include "simulate/behaviour.h"
#include "simulate/simulate.h"

static const char usage[] =
    "usage: vigil simulate --out DIR [options]\n"
    "\n"
    "Write realistic multi-account CloudTrail, VPC Flow Logs and Route 53 Resolver query\n"
    "logs, gzipped, in the S3 delivery layout (DIR/AWSLogs/<account>/CloudTrail/<region>/\n"
    "YYYY/MM/DD/..., DIR/AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/... and\n"
    "DIR/AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/YYYY/MM/DD/...).  Each account runs a\n"
    "fleet of instances in two VPCs: one flow-logged in the default format, one in a custom\n"
    "format with version-5 fields (instance-id, tcp-flags, flow-direction); both VPCs log\n"
    "their DNS queries.  The same options always write the same bytes.\n"
    "\n"
    "  --out DIR             output folder, created if missing (required)\n"
    "  --accounts N          AWS accounts (default 2)\n"
    "  --principals N        IAM users and roles per account (default 20)\n"
    "  --days N              days of activity (default 1)\n"
    "  --events-per-day N    CloudTrail events per account and day (default 20000)\n"
    "  --flows-per-day N     flow log records per account and day, about (default 200000;\n"
    "                        0 writes no flow logs)\n"
    "  --dns-per-day N       Route 53 Resolver queries per account and day, about (default\n"
    "                        50000; 0 writes no query logs)\n"
    "  --seed N              random seed (default 1)\n"
    "  --start YYYY-MM-DD    first day, UTC (default 2026-11-01)\n"
    "  --attacks             inject every attack scenario and its near misses, and write the\n"
    "                        threat lists they use to DIR/intel/.  CloudTrail scenarios and\n"
    "                        most flow and DNS ones happen on day 1; the flow baseline ones\n"
    "                        (unusual port, volume, resolver, DoH, DoT, spam) and the domain\n"
    "                        reputation ones (a domain first seen) on day 2, after a day of\n"
    "                        learning, so with flow or query logs at least 2 days are written\n"
    "  --bytes SIZE          add days until SIZE bytes of CloudTrail and flow log text are\n"
    "                        written; suffix K, M or G\n"
    "  --behaviour           instead: one account's CloudTrail over many days for the IAM\n"
    "                        behaviour detectors (--principals, default 1000; --days,\n"
    "                        default 30; --seed; --start), with the drift real accounts have\n"
    "                        (new deployment steps, tasks, tools, networks, travel, new team\n"
    "                        members); with --attacks, one attack per IAM behaviour type on\n"
    "                        the third-last day (at least 12 days), each listed on stdout\n"
    "                        (day, type, principal, what).  Also writes DIR/intel/aws-ip-\n"
    "                        ranges.json, a dated stand-in for AWS's ip-ranges.json covering\n"
    "                        the generator's AWS addresses.  Scan with\n"
    "                        vigil scan --ip-data DIR/intel/aws-ip-ranges.json DIR/AWSLogs\n"
    "  -h, --help            show this help\n"
    "\n"
    "With --attacks, scan the logs with the sample lists to see every finding:\n"
    "  vigil scan --curated-list DIR/intel/malicious-ips.txt \\\n"
    "      --threat-list DIR/intel/custom-threats.txt \\\n"
    "      --threat-list tor=DIR/intel/tor-exit-addresses.txt \\\n"
    "      --trusted-list DIR/intel/trusted-ips.txt \\\n"
    "      --list-category c2 --curated-list DIR/intel/c2-ips.txt \\\n"
    "      --list-category cryptocurrency --curated-list DIR/intel/mining-pools.txt \\\n"
    "      --list-category blackhole --curated-list DIR/intel/sinkholes.txt \\\n"
    "      --list-category droppoint --curated-list DIR/intel/drop-points.txt \\\n"
    "      --list-category scanner --curated-list DIR/intel/scanners.txt \\\n"
    "      --threat-list DIR/intel/custom-domains.txt \\\n"
    "      --trusted-list DIR/intel/trusted-domains.txt \\\n"
    "      --list-category c2 --curated-list DIR/intel/c2-domains.txt \\\n"
    "      --list-category cryptocurrency --curated-list DIR/intel/mining-domains.txt \\\n"
    "      --list-category blackhole --curated-list DIR/intel/blackhole-domains.txt \\\n"
    "      --list-category droppoint --curated-list DIR/intel/drop-point-domains.txt \\\n"
    "      --list-category dga --curated-list DIR/intel/dga-domains.txt \\\n"
    "      --list-category driveby --curated-list DIR/intel/driveby-domains.txt \\\n"
    "      --list-category phishing --curated-list DIR/intel/phishing-domains.txt \\\n"
    "      --list-category suspicious --reputation-list DIR/intel/suspicious-domains.txt \\\n"
    "      DIR/AWSLogs\n";

/* Limits that keep one run within a machine: the principal table is allocated up front. */
#define MAX_ACCOUNTS 10000u
#define MAX_PRINCIPALS 100000u
#define MAX_DAYS 36500u
#define MAX_EVENTS_PER_DAY 1000000000ull
/* at the busiest hour's peak, flow log objects of about 80 MB: AWS starts a new file at 75 MB,
 * which the generator does not do */
#define MAX_FLOWS_PER_DAY 100000000ull
/* query log objects of about 80 MB at the busiest hour's peak, as for flow logs */
#define MAX_DNS_PER_DAY 30000000ull

/* A whole decimal number in [min, max]; strtoull alone accepts "-1" and " 5". */
static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* "512", "64K", "10M", "1G" (powers of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k':
    case 'K': shift = 10; break;
    case 'm':
    case 'M': shift = 20; break;
    case 'g':
    case 'G': shift = 30; break;
    default: return false;
    }
    if (*end && end[1])
        return false;
    if (v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static bool parse_date(const char *s, int64_t *ms_out)
{
    char iso[32];
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    snprintf(iso, sizeof(iso), "%sT00:00:00Z", s);
    return vg_time_parse_iso(vg_str_from(iso), ms_out);
}

static int bad_value(const char *opt, const char *value)
{
    fprintf(stderr, "simulate: invalid value '%s' for %s\n", value, opt);
    fprintf(stderr, "try 'vigil simulate --help'\n");
    return 2;
}

/* The summary of one kind of log: its items, files, sizes and attack items. */
static void report_stream(uint64_t items, const char *what, uint64_t files, uint64_t raw_bytes,
                          uint64_t gz_bytes, uint64_t attacks, const char *attacks_what)
{
    fprintf(stderr,
            "%" PRIu64 " %s in %" PRIu64 " files (%.1f MB uncompressed, %.1f MB gzipped), %" PRIu64
            " %s\n",
            items, what, files, (double)raw_bytes / 1048576.0, (double)gz_bytes / 1048576.0,
            attacks, attacks_what);
}

static void print_attack(void *ctx, const struct vg_behaviour_attack *a)
{
    (void)ctx;
    printf("%u\t%s\t%s\t%s\n", a->day, a->type, a->principal, a->what);
}

/* --behaviour: the options that apply carried over, the generator's own defaults otherwise. */
static int run_behaviour(const struct vg_simulate_opts *from, bool principals_set, bool days_set)
{
    struct vg_behaviour_opts o;
    struct vg_behaviour_stats st;
    vg_behaviour_opts_init(&o);
    if (principals_set)
        o.principals = from->principals;
    if (days_set)
        o.days = from->days;
    o.seed = from->seed;
    o.start_ms = from->start_ms;
    o.attacks = from->attacks;
    o.on_attack = print_attack;
    if (o.attacks && o.days < 12) {
        fprintf(stderr, "simulate: --behaviour --attacks needs --days 12 or more (a week of "
                        "learning, then the attacks)\n");
        return 2;
    }
    int rc = vg_behaviour_write(&o, from->out_dir, &st);
    if (rc != VG_OK) {
        fprintf(stderr, "simulate: failed writing to '%s': %s\n", from->out_dir,
                rc == VG_EIO ? strerror(errno) : vg_strerror(rc));
        return 2;
    }
    fprintf(stderr,
            "simulate: wrote %u days of behaviour to %s: %" PRIu64 " CloudTrail events of %u "
            "principals, %u attacks\n",
            o.days, from->out_dir, st.events, st.principals, st.attacks);
    return 0;
}

int vg_cmd_simulate(int argc, char **argv)
{
    enum {
        OPT_ACCOUNTS = 256,
        OPT_PRINCIPALS,
        OPT_DAYS,
        OPT_EVENTS,
        OPT_FLOWS,
        OPT_DNS,
        OPT_SEED,
        OPT_START,
        OPT_ATTACKS,
        OPT_BYTES,
        OPT_OUT,
        OPT_BEHAVIOUR
    };
    static const struct option long_opts[] = {
        { "out", required_argument, NULL, OPT_OUT },
        { "accounts", required_argument, NULL, OPT_ACCOUNTS },
        { "principals", required_argument, NULL, OPT_PRINCIPALS },
        { "days", required_argument, NULL, OPT_DAYS },
        { "events-per-day", required_argument, NULL, OPT_EVENTS },
        { "flows-per-day", required_argument, NULL, OPT_FLOWS },
        { "dns-per-day", required_argument, NULL, OPT_DNS },
        { "seed", required_argument, NULL, OPT_SEED },
        { "start", required_argument, NULL, OPT_START },
        { "attacks", no_argument, NULL, OPT_ATTACKS },
        { "bytes", required_argument, NULL, OPT_BYTES },
        { "behaviour", no_argument, NULL, OPT_BEHAVIOUR },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct vg_simulate_opts opts;
    struct vg_simulate_stats st;
    uint64_t v;
    int c;
    bool behaviour = false, principals_set = false, days_set = false;

    vg_simulate_opts_init(&opts);
    optind = 0; /* glibc: rescan from argv[1] even if main() ran getopt before */
    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_OUT: opts.out_dir = optarg; break;
        case OPT_ACCOUNTS:
            if (!parse_u64(optarg, 1, MAX_ACCOUNTS, &v))
                return bad_value("--accounts", optarg);
            opts.accounts = (unsigned)v;
            break;
        case OPT_PRINCIPALS:
            if (!parse_u64(optarg, 1, MAX_PRINCIPALS, &v))
                return bad_value("--principals", optarg);
            opts.principals = (unsigned)v;
            principals_set = true;
            break;
        case OPT_DAYS:
            if (!parse_u64(optarg, 1, MAX_DAYS, &v))
                return bad_value("--days", optarg);
            opts.days = (unsigned)v;
            days_set = true;
            break;
        case OPT_EVENTS:
            if (!parse_u64(optarg, 0, MAX_EVENTS_PER_DAY, &opts.events_per_day))
                return bad_value("--events-per-day", optarg);
            break;
        case OPT_FLOWS:
            if (!parse_u64(optarg, 0, MAX_FLOWS_PER_DAY, &opts.flows_per_day))
                return bad_value("--flows-per-day", optarg);
            break;
        case OPT_DNS:
            if (!parse_u64(optarg, 0, MAX_DNS_PER_DAY, &opts.dns_per_day))
                return bad_value("--dns-per-day", optarg);
            break;
        case OPT_SEED:
            if (!parse_u64(optarg, 0, UINT64_MAX, &opts.seed))
                return bad_value("--seed", optarg);
            break;
        case OPT_START:
            if (!parse_date(optarg, &opts.start_ms))
                return bad_value("--start", optarg);
            break;
        case OPT_ATTACKS: opts.attacks = true; break;
        case OPT_BEHAVIOUR: behaviour = true; break;
        case OPT_BYTES:
            if (!parse_size(optarg, &opts.target_bytes))
                return bad_value("--bytes", optarg);
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: /* getopt_long has said what was wrong */
            fprintf(stderr, "try 'vigil simulate --help'\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "simulate: unexpected argument '%s'\n", argv[optind]);
        fprintf(stderr, "try 'vigil simulate --help'\n");
        return 2;
    }
    if (!opts.out_dir || !opts.out_dir[0]) {
        fprintf(stderr, "simulate: --out DIR is required\n");
        fprintf(stderr, "try 'vigil simulate --help'\n");
        return 2;
    }
    if (opts.target_bytes && opts.events_per_day == 0 && opts.flows_per_day == 0 &&
        opts.dns_per_day == 0) {
        fprintf(stderr, "simulate: --bytes needs --events-per-day, --flows-per-day or "
                        "--dns-per-day above 0\n");
        return 2;
    }

    if (behaviour)
        return run_behaviour(&opts, principals_set, days_set);
    int rc = vg_simulate_run(&opts, &st);
    if (rc != VG_OK) {
        fprintf(stderr, "simulate: failed writing to '%s': %s\n", opts.out_dir,
                rc == VG_EIO ? strerror(errno) : vg_strerror(rc));
        return 2;
    }
    fprintf(stderr, "simulate: wrote %u day%s to %s: ", st.days, st.days == 1 ? "" : "s",
            opts.out_dir);
    report_stream(st.events, "CloudTrail events", st.files, st.bytes_uncompressed,
                  st.bytes_compressed, st.attacks, "attack events");
    if (opts.flows_per_day) {
        fputs("simulate: ", stderr);
        report_stream(st.flow_records, "flow log records", st.flow_files,
                      st.flow_bytes_uncompressed, st.flow_bytes_compressed, st.flow_attacks,
                      "attack and near-miss records");
    }
    if (opts.dns_per_day) {
        fputs("simulate: ", stderr);
        report_stream(st.dns_queries, "DNS queries", st.dns_files, st.dns_bytes_uncompressed,
                      st.dns_bytes_compressed, st.dns_attacks, "attack and near-miss queries");
    }
    if (opts.attacks)
        fprintf(stderr, "simulate: sample threat lists in %s/intel (see 'vigil simulate --help')\n",
                opts.out_dir);
    return 0;
}
