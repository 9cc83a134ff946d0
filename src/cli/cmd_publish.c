/*
 * `vigil publish [options] PATH...`: send log files to a vigil cluster's JetStream stream
 * (pipeline/publish.h), the bridge from an S3 sync folder or a shipper to the workers.
 */
#include "cli/cmd.h"

#include <getopt.h>

#include "cli/setup.h"
#include "parse/vpcflow.h"
#include "pipeline/publish.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigil publish [options] PATH...\n"
            "\n"
            "Publish CloudTrail, VPC flow and Route 53 Resolver logs (files or folders, plain\n"
            "or .gz) to the JetStream stream VIGIL_LOGS that vigild workers read in cluster\n"
            "mode (docs/cluster.md).  Each object goes to its account's partition, under the\n"
            "subject vigil.logs.PARTITION.SOURCE.ACCOUNT.REGION; bad records are reported\n"
            "here with file and line and not published.  The stream, its buckets and the\n"
            "partition count are created by the first publisher or worker.  Publishing the\n"
            "same files again within an hour adds nothing (JetStream drops duplicates).\n"
            "\n"
            "options:\n"
            "      --nats URLS       NATS servers, comma-separated (cluster.nats)\n"
            "      --partitions N    partitions when setting the cluster up (cluster.partitions)\n"
            "      --replicas N      stream copies when setting it up (cluster.replicas)\n"
            "      --config FILE     read cluster.* and flow.log_format from this file\n"
            "  -q, --quiet           no summary\n"
            "  -h, --help            this text\n"
            "\n"
            "Exit status: 0 all published, 1 some input was bad (reported), 2 usage error or\n"
            "the stream refused a message (files after it were not published).\n");
}

static bool positive(const char *arg, long max, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

static int to_stream(void *ctx, const char *subject, const char *name, const char *base,
                     const char *msg_id, const void *data, size_t len, bool *duplicate,
                     struct vg_buf *why)
{
    return vg_js_publish(ctx, subject, name, base, msg_id, data, len, duplicate, why);
}

int vg_cmd_publish(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "nats", required_argument, NULL, 'n' },
        { "partitions", required_argument, NULL, 'p' },
        { "replicas", required_argument, NULL, 'r' },
        { "config", required_argument, NULL, 'c' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *nats = NULL;
    long partitions = 0, replicas = 0;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': nats = optarg; break;
        case 'p':
            if (!positive(optarg, VG_JS_PARTITIONS_MAX, &partitions)) {
                fprintf(stderr, "vigil publish: --partitions: 1 to %u\n", VG_JS_PARTITIONS_MAX);
                return 2;
            }
            break;
        case 'r':
            if (!positive(optarg, 5, &replicas)) {
                fprintf(stderr, "vigil publish: --replicas: 1 to 5\n");
                return 2;
            }
            break;
        case 'c': config = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    struct vg_config cfg;
    if (vg_cli_load_config(&cfg, config, "vigil publish") != 0)
        return 2;
    struct vg_js_opts jo;
    vg_cli_js_opts(&jo, &cfg, nats, (unsigned)partitions, (int)replicas);
    const char *problem =
        !jo.servers ? "no NATS servers: give --nats URLS or cluster.nats"
        : *cfg.flow_log_format && !vg_vpcflow_format_valid(vg_str_from(cfg.flow_log_format))
            ? "flow.log_format names no flow log field (or too many)"
            : NULL;
    if (problem) {
        fprintf(stderr, "vigil publish: %s; nothing published\n", problem);
        vg_config_release(&cfg);
        return 2;
    }
    struct vg_buf why = VG_BUF_INIT;
    struct vg_js *js = NULL;
    int rc = vg_js_open(&js, &jo, &why);
    if (rc != VG_OK) {
        fprintf(stderr, "vigil publish: %s\n", why.data ? why.data : vg_strerror(rc));
        vg_buf_release(&why);
        vg_config_release(&cfg);
        return 2;
    }
    struct vg_publish_sink sink = { vg_js_max_payload(js), vg_js_partitions(js), to_stream, js };
    struct vg_publisher *p = vg_publisher_new(
        &sink, *cfg.flow_log_format ? cfg.flow_log_format : NULL, vg_cli_print_diag, NULL);
    rc = p ? VG_OK : VG_ENOMEM;
    for (int i = optind; rc == VG_OK && i < argc; i++)
        rc = vg_publish_path(p, argv[i]);
    int status = rc == VG_OK ? 0 : 2;
    if (p) {
        const struct vg_publish_stats *st = vg_publisher_stats(p);
        if (!quiet)
            fprintf(stderr,
                    "vigil publish: %" PRIu64 " files, %" PRIu64 " records (%" PRIu64
                    " bad, %" PRIu64 " larger than a message), %" PRIu64 " messages (%" PRIu64
                    " already in the stream), %.1f MB to %u partitions\n",
                    st->files, st->records, st->bad_records, st->records_too_big, st->messages,
                    st->duplicates, (double)st->bytes / 1e6, vg_js_partitions(js));
        if (status == 0 && (st->bad_records || st->records_too_big || st->files_not_log))
            status = 1;
    }
    if (rc == VG_ENOMEM)
        fprintf(stderr, "vigil publish: out of memory\n");
    vg_publisher_free(p);
    vg_js_close(js);
    vg_buf_release(&why);
    vg_config_release(&cfg);
    return status;
}
