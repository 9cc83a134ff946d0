/*
 * `vigil cluster status`: each partition's owner, the stream's last message of it and the
 * store's checkpoint, i.e. how far behind the cluster is.  With --wait it waits until every
 * partition is caught up: how a test or a batch job knows the workers have read everything.
 */
#include "cli/cmd.h"

#include <getopt.h>

#include "cli/setup.h"
#include "core/clock.h"
#include "pipeline/cluster.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigil cluster status [options]\n"
            "\n"
            "Show each partition of the cluster's log stream: the worker that owns it, the\n"
            "stream sequence of its last message, the checkpoint committed to the store, and\n"
            "the messages between the two (lag).\n"
            "\n"
            "options:\n"
            "      --nats URLS       NATS servers, comma-separated (cluster.nats)\n"
            "      --store URI       the workers' store (postgresql://... or a SQLite file)\n"
            "      --config FILE     read cluster.nats from this file\n"
            "      --wait SECONDS    wait until every partition is caught up, or give up\n"
            "      --format FMT      table (default) or json\n"
            "  -h, --help            this text\n"
            "\n"
            "Exit status: 0 caught up, 1 some partition is behind, 2 usage or connection error.\n");
}

struct status {
    bool json;
    bool print;
    unsigned behind;
    uint64_t lag;
    unsigned rows;
};

static int show(void *ctx, const struct vg_cluster_partition *p)
{
    struct status *s = ctx;
    uint64_t lag = p->last_seq > p->committed ? p->last_seq - p->committed : 0;
    s->behind += lag > 0;
    s->lag += lag;
    if (!s->print)
        return 0;
    /* the owner is a worker name: [A-Za-z0-9_-] by construction, nothing to escape */
    if (s->json)
        printf("%s{\"partition\":%u,\"owner\":\"%s\",\"lastSequence\":%" PRIu64
               ",\"checkpoint\":%" PRIu64 ",\"behind\":%s}",
               s->rows ? ",\n " : "[", p->partition, p->owner, p->last_seq, p->committed,
               lag ? "true" : "false");
    else {
        if (s->rows == 0)
            printf("partition  %-28s  %14s  %14s\n", "owner", "last message", "checkpoint");
        printf("%9u  %-28s  %14" PRIu64 "  %14" PRIu64 "  %s\n", p->partition,
               *p->owner ? p->owner : "(free)", p->last_seq, p->committed,
               lag ? "behind" : "caught up");
    }
    s->rows++;
    return 0;
}

static int status_cmd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "nats", required_argument, NULL, 'n' },
        { "store", required_argument, NULL, 's' },
        { "config", required_argument, NULL, 'c' },
        { "wait", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *nats = NULL, *store = NULL, *config = NULL;
    double wait = 0;
    struct status st = { .print = true };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': nats = optarg; break;
        case 's': store = optarg; break;
        case 'c': config = optarg; break;
        case 'w': wait = strtod(optarg, NULL); break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0) {
                fprintf(stderr, "vigil cluster: --format: table or json\n");
                return 2;
            }
            st.json = strcmp(optarg, "json") == 0;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    struct vg_config cfg;
    if (vg_cli_load_config(&cfg, config, "vigil cluster") != 0)
        return 2;
    struct vg_js_opts jo;
    vg_cli_js_opts(&jo, &cfg, nats, 0, 0);
    if (!jo.servers || !store || optind < argc) {
        fprintf(stderr, "vigil cluster status: give --nats URLS (or cluster.nats) and --store "
                        "URI\n");
        vg_config_release(&cfg);
        return 2;
    }
    struct vg_buf why = VG_BUF_INIT;
    int64_t deadline = vg_mono_ms() + (int64_t)(wait * 1000);
    int rc = VG_OK;
    /* with --wait, look quietly until every partition is caught up or time is out */
    for (bool done = wait <= 0; !done; vg_sleep_ms(500)) {
        st = (struct status){ .json = st.json };
        rc = vg_cluster_status(&jo, store, show, &st, &why);
        done = rc != VG_OK || st.behind == 0 || vg_mono_ms() >= deadline;
    }
    if (rc == VG_OK) { /* the look that is printed */
        st = (struct status){ .json = st.json, .print = true };
        rc = vg_cluster_status(&jo, store, show, &st, &why);
    }
    if (rc == VG_OK && st.json)
        printf("%s]\n", st.rows ? "" : "[");
    if (rc != VG_OK)
        fprintf(stderr, "vigil cluster: %s\n", why.data ? why.data : vg_strerror(rc));
    else if (!st.json)
        fprintf(stderr, "vigil cluster: %u partitions behind, %" PRIu64 " messages to read\n",
                st.behind, st.lag);
    vg_buf_release(&why);
    vg_config_release(&cfg);
    return rc != VG_OK ? 2 : st.behind ? 1 : 0;
}

int vg_cmd_cluster(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "status") == 0)
        return status_cmd(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
