/*
 * `vigild` (also `vigil serve`): follow log folders, keep findings in the store and serve the
 * GuardDuty-compatible API.  Runs until SIGINT or SIGTERM (or, with --once, until every file
 * present has been read).  Exit status: 0 stopped cleanly, 2 usage, configuration or store
 * error.
 */
#include "cli/cmd.h"

#include <sys/file.h>

#include "api/api.h"
#include "cli/setup.h"
#include "core/log.h"
#include "enrich/intel_audit.h"
#include "pipeline/cluster.h"
#include "pipeline/service.h"
#include "pipeline/writer.h"
#include "pipeline/webhook.h"
#include "store/store.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t lists_changed;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: vigild --config FILE\n"
        "       vigild --watch DIR [--watch DIR...] --state DIR [--listen ADDR:PORT]\n"
        "       vigild [--watch DIR...] --store URI [--listen ADDR:PORT]\n"
        "       vigild --nats URLS --store URI [--worker NAME] [--listen ADDR:PORT]\n\n"
        "Follow the folders where CloudTrail, VPC flow and Route 53 Resolver query logs land,\n"
        "read every new or grown file once, keep findings in a store (SQLite, DIR/vigil.db, or\n"
        "PostgreSQL) and serve them through a GuardDuty-compatible HTTP API.  A restart,\n"
        "even after kill -9, neither skips nor repeats a file: the ingest ledger is replayed\n"
        "to rebuild detector state, and findings commit with the ledger entry of the file\n"
        "behind them.\n\n"
        "options:\n"
        "  --config FILE        the configuration file (service.* options: see 'vigil config\n"
        "                       options'); command-line options win over it\n"
        "  --watch DIR          a folder to follow, recursively (repeatable)\n"
        "  --state DIR          where the store lives (created if missing)\n"
        "  --store URI          the store instead of DIR/vigil.db: a SQLite path\n"
        "                       ('sqlite:PATH') or PostgreSQL ('postgresql://USER@HOST/DB',\n"
        "                       a libpq URI); several vigilds may share a PostgreSQL store\n"
        "                       when one of them follows folders and the others, without\n"
        "                       --watch, serve the API\n"
        "  --listen ADDR:PORT   the API's address (default 127.0.0.1:8470; '' for no API);\n"
        "                       a non-loopback address needs --tokens\n"
        "  --tokens FILE        API tokens: 'NAME SCOPE TOKEN' lines, scope read or admin\n"
        "  --jsonl FILE         also append every new or updated finding to FILE\n"
        "  --webhook URL        also POST them, as EventBridge events, to an http:// URL\n"
        "                       (new findings at once, updates every\n"
        "                       service.publish_frequency)\n"
        "  --once               read what is there, then exit (tests, demos, cron)\n"
        "  --nats URLS          cluster mode (docs/cluster.md): read logs from the JetStream\n"
        "                       stream VIGIL_LOGS ('vigil publish' fills it) as one of several\n"
        "                       workers sharing its partitions, instead of following folders;\n"
        "                       the workers share a --store (PostgreSQL)\n"
        "  --worker NAME        this worker's name (default: host name and process id)\n"
        "  --threat-list [NAME=]PATH, --curated-list, --reputation-list, --trusted-list,\n"
        "  --list-format FMT, --list-category CAT\n"
        "                       lists, as for 'vigil scan'; lists added through the API\n"
        "                       (threat intel sets, IP sets) are loaded too and reload live\n"
        "  --inventory PATH     describe-instances / describe-network-interfaces output\n"
        "  --ip-data PATH       address owners (.mmdb, ASN CSV, AWS ip-ranges.json), as for\n"
        "                       'vigil scan'\n"
        "  --rules PATH, --enable-opt-in SEL\n"
        "                       detection rules, as for 'vigil scan' (docs/rules.md)\n"
        "  -h, --help           this text\n\n"
        "API: GET /detector, POST /detector/ID/findings (ListFindings), .../findings/get,\n"
        "archive, unarchive, feedback, statistics, create (samples); filters, threat intel\n"
        "sets and IP sets; GET /v1/events?findingId=ID (the log records behind a finding),\n"
        "GET /v1/activity (the records naming an entity), GET /metrics (Prometheus),\n"
        "GET /healthz; GET / is the analyst's workbench.  See 'man vigil'.\n");
}

/* Everything the list reload needs: the configuration and command-line lists, and the store. */
struct lists_ctx {
    const struct vg_config *cfg;
    const struct vg_cli_lists *cli;
    const char *store_uri;
    struct vg_intel *current;
    struct vg_intel *previous; /* kept one reload longer: the scan may still hold it */
};

static int add_stored_list(void *ctx, const struct vg_stored_list *l)
{
    struct vg_cli_lists *all = ctx;
    const char *loader; /* the API stores GuardDuty's format name (OTX_CSV); loaders have ours */
    if (strcmp(l->status, "ACTIVE") != 0 || all->count == VG_ARRAY_LEN(all->items) ||
        !vg_api_list_loader(l->format, &loader))
        return 0;
    struct vg_intel_source *src = &all->items[all->count++];
    memset(src, 0, sizeof(*src));
    src->name = strdup(l->name);
    src->path = strdup(strncmp(l->location, "file://", 7) == 0 ? l->location + 7 : l->location);
    src->format = loader ? strdup(loader) : NULL;
    src->kind = strcmp(l->kind, "TRUSTED") == 0 ? VG_INTEL_TRUSTED : VG_INTEL_THREAT;
    src->feed = VG_INTEL_FEED_CUSTOM;
    src->category = VG_INTEL_CAT_AUTO;
    return 0;
}

/* The lists of the configuration, the command line and the store, as one snapshot. */
static struct vg_intel *load_all_lists(struct lists_ctx *lc)
{
    struct vg_cli_lists all = *lc->cli;
    size_t own = all.count;
    struct vg_store *store = NULL;
    const char *why;
    if (vg_store_open(&store, lc->store_uri, &why) == VG_OK) {
        vg_store_lists_each(store, NULL, add_stored_list, &all);
        vg_store_close(store);
    }
    struct vg_intel *intel = NULL;
    int64_t unused;
    if (all.count || lc->cfg->list_count || lc->cfg->intel_test_indicators)
        vg_cli_load_lists(lc->cfg, all.items, all.count, SIZE_MAX, NULL, &intel, &unused, "vigild");
    for (size_t i = own; i < all.count; i++) {
        free((char *)all.items[i].name);
        free((char *)all.items[i].path);
        free((char *)all.items[i].format);
    }
    return intel;
}

static const struct vg_intel *reload_lists(void *ctx)
{
    struct lists_ctx *lc = ctx;
    struct vg_intel *intel = load_all_lists(lc);
    if (!intel)
        return NULL;
    vg_intel_free(lc->previous);
    lc->previous = lc->current;
    lc->current = intel;
    fprintf(stderr, "vigild: lists reloaded\n");
    return intel;
}

static void on_lists_changed(void *ctx)
{
    lists_changed = 1;
    if (ctx) /* a cluster worker looks at lists_changed between batches */
        vg_service_wake(ctx);
}

struct outputs {
    struct vg_service *service; /* or, in cluster mode: */
    struct vg_cluster *cluster;
    struct vg_webhook *webhook; /* NULL without service.webhook */
    const struct vg_rules *rules;
};

/* Each enabled rule's matches: how a dry-run rule shows what it would have found. */
static int rule_metrics(const struct vg_rules *rs, struct vg_buf *out)
{
    int rc = vg_buf_adds(out, "# HELP vigil_rule_matches_total events each enabled detection "
                              "rule matched (dry-run rules create no findings)\n"
                              "# TYPE vigil_rule_matches_total counter\n");
    for (size_t i = 0; i < vg_rules_count(rs) && rc == VG_OK; i++) {
        struct vg_rule_info r;
        vg_rules_info(rs, i, &r);
        if (r.enabled) /* ids are [A-Za-z0-9._-]: nothing to escape in a label */
            rc = vg_buf_printf(out,
                               "vigil_rule_matches_total{rule=\"%s\",mode=\"%s\"} %" PRIu64 "\n",
                               r.id, r.dry_run ? "dry-run" : "live", r.matches);
    }
    return rc;
}

static int metrics(void *ctx, struct vg_buf *out)
{
    struct outputs *o = ctx;
    int rc = o->service ? vg_service_metrics(o->service, out) : vg_cluster_metrics(o->cluster, out);
    if (rc == VG_OK && o->rules)
        rc = rule_metrics(o->rules, out);
    return rc == VG_OK && o->webhook ? vg_webhook_metrics(o->webhook, out) : rc;
}

static void wake_webhook(void *ctx)
{
    vg_webhook_wake(ctx);
}

static int64_t api_now(void)
{
    return vg_cli_now_ms();
}

/* A path from the configuration file, relative to it; NULL for an empty value. */
static char *config_path(const char *config, const char *value)
{
    return value && *value ? vg_intel_audit_dir_resolve(config, value) : NULL;
}

/* Start the API on `listen` (none when empty).  VG_OK, or 2 after saying why. */
static int start_api(const char *listen, const char *store_uri, const char *tokens,
                     const char *detector_id, struct outputs *outputs, void *lists_ctx,
                     struct vg_api **api)
{
    if (!*listen)
        return VG_OK;
    char why[256];
    struct vg_api_opts ao = {
        .listen = listen,
        .store_uri = store_uri,
        .tokens_file = tokens,
        .detector_id = detector_id,
        .now_ms = api_now,
        .metrics = metrics,
        .metrics_ctx = outputs,
        .lists_changed = on_lists_changed,
        .lists_ctx = lists_ctx,
    };
    if (vg_api_start(&ao, api, why, sizeof(why)) != VG_OK) {
        fprintf(stderr, "vigild: API on %s: %s\n", listen, why);
        return 2;
    }
    /* the address as given, with the port actually bound (port 0 picks one) */
    const char *colon = strrchr(listen, ':');
    fprintf(stderr, "vigild: API on http://%.*s:%u/ (port %u); the workbench is its page\n",
            (int)(colon - listen), listen, (unsigned)vg_api_port(*api),
            (unsigned)vg_api_port(*api));
    return VG_OK;
}

/* Cluster mode: one worker of the stream's partitions, findings to the shared store. */
static int serve_cluster(const struct vg_cluster_opts *co, struct outputs *outputs,
                         const char *listen, const char *tokens)
{
    struct vg_cluster *cl = NULL;
    struct vg_api *api = NULL;
    struct vg_store *st = NULL;
    const char *why = NULL;
    char detector[33], shown[512]; /* the store's URI without its password, for messages */
    int status = 2;
    vg_store_redact(co->store_uri, shown, sizeof(shown));
    if (vg_store_open(&st, co->store_uri, &why) != VG_OK) {
        fprintf(stderr, "vigild: %s: %s\n", shown, why);
        return 2;
    }
    int rc = vg_writer_instance_id(st, detector);
    vg_store_close(st);
    if (rc != VG_OK) {
        fprintf(stderr, "vigild: %s: cannot read or write the detector id\n", shown);
        return 2;
    }
    if (vg_cluster_new(&cl, co) != VG_OK)
        return 2; /* reported */
    outputs->cluster = cl;
    if (start_api(listen, co->store_uri, tokens, detector, outputs, NULL, &api) == VG_OK) {
        fprintf(stderr, "vigild: worker %s of the cluster at %s, store %s, detector %s\n",
                vg_cluster_worker(cl), co->js.servers, shown, detector);
        status = vg_cluster_run(cl) == VG_OK ? 0 : 2;
        struct vg_cluster_stats s;
        vg_cluster_stats(cl, &s);
        fprintf(stderr,
                "vigild: stopped: %" PRIu64 " messages, %" PRIu64 " records, %" PRIu64
                " findings new, %" PRIu64 " updated; %" PRIu64 " partitions taken, %" PRIu64
                " messages replayed\n",
                s.messages, s.records, s.findings_new, s.findings_updated, s.takeovers,
                s.messages_replayed);
    }
    vg_api_stop(api);
    vg_cluster_free(cl);
    outputs->cluster = NULL;
    return status;
}

/* Two vigilds on one state folder would each scan every file with their own detector state:
 * findings counted twice.  The lock lives as long as the process, so kill -9 frees it. */
static int lock_state_dir(const char *state_dir, int *lock_fd)
{
    char path[4096];
    if (mkdir(state_dir, 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "vigild: %s: %s\n", state_dir, strerror(errno));
        return VG_EIO;
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/vigild.lock", state_dir) >= sizeof(path)) {
        fprintf(stderr, "vigild: %s: path too long\n", state_dir);
        return VG_ELIMIT;
    }
    *lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (*lock_fd < 0 || flock(*lock_fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "vigild: %s: %s\n", path,
                *lock_fd >= 0 && errno == EWOULDBLOCK ? "another vigild is using this state folder"
                                                      : strerror(errno));
        return VG_EIO;
    }
    return VG_OK;
}

int vg_cmd_serve(int argc, char **argv)
{
    enum {
        OPT_WATCH = 400,
        OPT_STATE,
        OPT_STORE,
        OPT_LISTEN,
        OPT_TOKENS,
        OPT_JSONL,
        OPT_ONCE,
        OPT_CONFIG,
        OPT_INVENTORY,
        OPT_IP_DATA,
        OPT_WEBHOOK,
        OPT_NATS,
        OPT_WORKER,
    };
    static const struct option longopts[] = {
        { "watch", required_argument, NULL, OPT_WATCH },
        { "state", required_argument, NULL, OPT_STATE },
        { "store", required_argument, NULL, OPT_STORE },
        { "listen", required_argument, NULL, OPT_LISTEN },
        { "tokens", required_argument, NULL, OPT_TOKENS },
        { "jsonl", required_argument, NULL, OPT_JSONL },
        { "webhook", required_argument, NULL, OPT_WEBHOOK },
        { "once", no_argument, NULL, OPT_ONCE },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "inventory", required_argument, NULL, OPT_INVENTORY },
        { "ip-data", required_argument, NULL, OPT_IP_DATA },
        { "nats", required_argument, NULL, OPT_NATS },
        { "worker", required_argument, NULL, OPT_WORKER },
        VG_CLI_RULE_LONGOPTS,
        VG_CLI_LIST_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct vg_cli_lists lists = { .count = 0 };
    const char *watch_args[64];
    size_t watch_count = 0;
    const char *state_arg = NULL, *store_arg = NULL, *listen_arg = NULL, *tokens_arg = NULL,
               *jsonl_arg = NULL;
    const char *webhook_arg = NULL, *nats_arg = NULL, *worker_arg = NULL;
    const char *config = NULL;
    struct vg_cli_paths inventory_paths = { .n = 0 }, ipinfo_paths = { .n = 0 };
    struct vg_ipinfo *ipinfo = NULL;
    struct vg_cli_rules rule_opts = { .builtin = true };
    struct vg_rules *rules = NULL;
    bool once = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int taken = vg_cli_list_arg(&lists, c, optarg, "vigild");
        if (taken < 0)
            return 2;
        if (taken)
            continue;
        switch (c) {
        case OPT_WATCH:
            if (watch_count == VG_ARRAY_LEN(watch_args)) {
                fprintf(stderr, "vigild: at most %zu --watch folders\n", VG_ARRAY_LEN(watch_args));
                return 2;
            }
            watch_args[watch_count++] = optarg;
            break;
        case OPT_STATE: state_arg = optarg; break;
        case OPT_STORE: store_arg = optarg; break;
        case OPT_LISTEN: listen_arg = optarg; break;
        case OPT_TOKENS: tokens_arg = optarg; break;
        case OPT_JSONL: jsonl_arg = optarg; break;
        case OPT_WEBHOOK: webhook_arg = optarg; break;
        case OPT_NATS: nats_arg = optarg; break;
        case OPT_WORKER: worker_arg = optarg; break;
        case OPT_ONCE: once = true; break;
        case OPT_CONFIG: config = optarg; break;
        case OPT_INVENTORY:
            if (vg_cli_paths_add(&inventory_paths, optarg, "vigild", "--inventory"))
                return 2;
            break;
        case VG_OPT_RULES:
        case VG_OPT_ENABLE_OPT_IN:
            if (vg_cli_rules_arg(&rule_opts, c, optarg, "vigild") < 0)
                return 2;
            break;
        case OPT_IP_DATA:
            if (vg_cli_paths_add(&ipinfo_paths, optarg, "vigild", "--ip-data"))
                return 2;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vigild: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }

    struct vg_config cfg;
    struct vg_scan_opts scan_opts;
    vg_config_init(&cfg);
    vg_scan_opts_init(&scan_opts);
    if (config && vg_cli_apply_config(&cfg, config, &scan_opts, false, false, "vigild") != 0)
        return 2;

    /* folders: the command line's, else the configuration's ':'-separated list */
    char *watch_owned[64] = { NULL };
    const char *watch[64];
    size_t nwatch = 0;
    for (size_t i = 0; i < watch_count; i++)
        watch[nwatch++] = watch_args[i];
    char *configured = watch_count == 0 && *cfg.service_watch ? strdup(cfg.service_watch) : NULL;
    for (char *save = NULL, *tok = configured ? strtok_r(configured, ":", &save) : NULL;
         tok && nwatch < VG_ARRAY_LEN(watch); tok = strtok_r(NULL, ":", &save)) {
        watch_owned[nwatch] = config_path(config, tok);
        watch[nwatch] = watch_owned[nwatch];
        nwatch++;
    }
    free(configured);
    char *state_dir = state_arg ? strdup(state_arg) : config_path(config, cfg.service_state_dir);
    char *tokens = tokens_arg ? strdup(tokens_arg) : config_path(config, cfg.service_tokens_file);
    char *jsonl = jsonl_arg ? strdup(jsonl_arg) : config_path(config, cfg.service_jsonl);
    const char *store = store_arg ? store_arg : cfg.service_store;
    const char *listen = listen_arg ? listen_arg : cfg.service_listen;
    const char *webhook_url = webhook_arg ? webhook_arg : cfg.service_webhook;
    static const int64_t publish_ms[] = { 15 * 60000, 60 * 60000, 6 * 60 * 60000 };
    struct outputs outputs = { NULL, NULL, NULL, NULL };
    int status = 2, lock_fd = -1;
    struct vg_intel *intel = NULL;
    struct vg_inventory *inventory = NULL;
    struct vg_service *svc = NULL;
    struct vg_api *api = NULL;
    struct vg_buf store_uri = VG_BUF_INIT;
    struct lists_ctx lc = { &cfg, &lists, NULL, NULL, NULL };

    const char *nats = nats_arg ? nats_arg : *cfg.cluster_nats ? cfg.cluster_nats : NULL;
    if (nats && (nwatch || jsonl || *webhook_url)) {
        fprintf(stderr, "vigild: in cluster mode (--nats) logs come from the stream, and "
                        "findings are read from the shared store: no --watch, --jsonl or "
                        "--webhook\n");
        goto out;
    }
    if (!*store && (!state_dir || (!nats && nwatch == 0))) {
        fprintf(stderr, "vigild: say which folders to follow and where to keep state "
                        "(--watch and --state, or service.watch and service.state_dir), or "
                        "name a store to serve (--store or service.store)\n");
        goto out;
    }
    if (*store) {
        /* Several vigilds may share a named store: following each folder from one of them only
         * is the operator's part, as the man page says. */
        if (vg_buf_adds(&store_uri, store) != VG_OK)
            goto out;
    } else if (lock_state_dir(state_dir, &lock_fd) != VG_OK ||
               vg_buf_printf(&store_uri, "%s/vigil.db", state_dir) != VG_OK) {
        goto out;
    }
    lc.store_uri = store_uri.data;
    /* create the store (and its schema) before anything reads lists from it */
    {
        struct vg_store *st;
        const char *why;
        if (vg_store_open(&st, store_uri.data, &why) != VG_OK) {
            fprintf(stderr, "vigild: %s\n", why);
            goto out;
        }
        vg_store_close(st);
    }
    intel = load_all_lists(&lc);
    lc.current = intel;
    if (vg_cli_load_inventory(&inventory_paths, config, cfg.flow_inventory, &inventory, "vigild") ||
        vg_cli_load_ipinfo(&ipinfo_paths, config, cfg.enrich_ip_data, &ipinfo, "vigild") ||
        vg_cli_load_rules(&rule_opts, config, &cfg, &rules, "vigild"))
        goto out;

    struct vg_service_opts so = {
        .watch = watch,
        .watch_count = nwatch,
        .store_uri = store_uri.data,
        .rescan_ms = cfg.service_rescan_ms,
        .settle_ms = cfg.service_settle_ms,
        .order_wait_ms = cfg.service_order_wait_ms,
        .lateness_ms = cfg.service_lateness_ms,
        .retention_ms = cfg.service_retention_ms,
        .jsonl_path = jsonl,
        .once = once,
        .scan = scan_opts,
        .control = { .stop = &stop_requested,
                     .lists_changed = &lists_changed,
                     .reload_lists = reload_lists,
                     .reload_ctx = &lc,
                     .on_diag = vg_cli_print_diag },
    };
    so.scan.intel = intel;
    so.scan.rules = outputs.rules = rules;
    so.scan.inventory = so.render.inventory = inventory;
    so.scan.ipinfo = so.render.ipinfo = ipinfo;
    if (ipinfo)
        vg_cli_ipinfo_summary(ipinfo, "vigild");
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (nats) {
        struct vg_cluster_opts co = {
            .worker = worker_arg ? worker_arg : cfg.cluster_worker,
            .store_uri = store_uri.data,
            .scan = so.scan,
            .render = so.render,
            .control = so.control,
        };
        vg_cli_js_opts(&co.js, &cfg, nats, 0, 0);
        status = serve_cluster(&co, &outputs, listen, tokens);
        goto out;
    }
    if (*webhook_url) {
        char why[256];
        struct vg_webhook_opts wo = { webhook_url, store_uri.data,
                                      publish_ms[cfg.service_publish_frequency], 0 };
        if (vg_webhook_new(&wo, &outputs.webhook, why, sizeof(why)) != VG_OK) {
            fprintf(stderr, "vigild: webhook: %s\n", why);
            goto out;
        }
        so.webhook = true;
        so.on_commit = wake_webhook;
        so.commit_ctx = outputs.webhook;
    }
    if (vg_service_new(&svc, &so) != VG_OK)
        goto out; /* reported */
    outputs.service = svc;
    if (outputs.webhook && vg_webhook_start(outputs.webhook) != VG_OK)
        goto out;
    struct vg_service_stats st;
    vg_service_stats(svc, &st);
    char shown[512];
    vg_store_redact(store_uri.data, shown, sizeof(shown));
    fprintf(stderr,
            "vigild: store %s, detector %s; replayed %" PRIu64 " ledger pieces in %.2f s%s\n",
            shown, vg_service_detector_id(svc), st.files_replayed, (double)st.replay_ms / 1000,
            st.replay_missing ? " (some files were gone)" : "");
    if (start_api(listen, store_uri.data, tokens, vg_service_detector_id(svc), &outputs, svc,
                  &api) != VG_OK)
        goto out;
    for (size_t i = 0; i < nwatch; i++)
        fprintf(stderr, "vigild: following %s\n", watch[i]);
    if (nwatch == 0)
        fprintf(stderr, "vigild: no folders to follow: serving the store's findings only\n");
    status = vg_service_run(svc) == VG_OK ? 0 : 2;
    vg_webhook_finish(outputs.webhook);
    vg_service_stats(svc, &st);
    fprintf(stderr,
            "vigild: stopped: %" PRIu64 " pieces, %" PRIu64 " records, %" PRIu64
            " findings new, %" PRIu64 " updated\n",
            st.files, st.records, st.findings_new, st.findings_updated);

out:
    vg_api_stop(api);
    vg_webhook_free(outputs.webhook); /* what it has not sent stays in the outbox */
    vg_service_free(svc);
    vg_intel_free(lc.current);
    vg_intel_free(lc.previous);
    vg_inventory_free(inventory);
    vg_ipinfo_free(ipinfo);
    vg_rules_free(rules);
    for (size_t i = 0; i < VG_ARRAY_LEN(watch_owned); i++)
        free(watch_owned[i]);
    free(state_dir);
    free(tokens);
    free(jsonl);
    vg_buf_release(&store_uri);
    vg_config_release(&cfg);
    if (lock_fd >= 0)
        close(lock_fd);
    return status;
}
