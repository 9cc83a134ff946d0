/* Set-up shared by `vigil scan` and `vigild`; see setup.h. */
#include "cli/setup.h"

#include "cli/cmd.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "enrich/intel_audit.h"
#include "enrich/intel_builtin.h"
#include "parse/vpcflow.h"

int64_t vg_cli_now_ms(void)
{
    return vg_wall_ms();
}

int vg_cli_list_arg(struct vg_cli_lists *l, int opt, char *arg, const char *cmd)
{
    switch (opt) {
    case VG_OPT_LIST_FORMAT: l->format = arg; return 1;
    case VG_OPT_LIST_CATEGORY:
        if (vg_intel_category_parse(vg_str_from(arg), &l->category))
            return 1;
        fprintf(stderr, "%s: invalid value '%s' for --list-category\n", cmd, arg);
        return -1;
    case VG_OPT_THREAT_LIST:
    case VG_OPT_CURATED_LIST:
    case VG_OPT_REPUTATION_LIST:
    case VG_OPT_TRUSTED_LIST: break;
    default: return 0;
    }
    if (l->count == VG_ARRAY_LEN(l->items)) {
        fprintf(stderr, "%s: at most %zu lists\n", cmd, VG_ARRAY_LEN(l->items));
        return -1;
    }
    struct vg_intel_source *src = &l->items[l->count++];
    vg_intel_source_from_arg(src, arg);
    src->kind = opt == VG_OPT_TRUSTED_LIST ? VG_INTEL_TRUSTED : VG_INTEL_THREAT;
    src->feed = opt == VG_OPT_CURATED_LIST      ? VG_INTEL_FEED_CURATED
                : opt == VG_OPT_REPUTATION_LIST ? VG_INTEL_FEED_REPUTATION
                                                : VG_INTEL_FEED_CUSTOM;
    src->format = l->format;
    src->category = opt == VG_OPT_TRUSTED_LIST ? VG_INTEL_CAT_AUTO : l->category;
    return 1;
}

int vg_cli_apply_config(struct vg_config *cfg, const char *path, struct vg_scan_opts *opts,
                        bool max_findings_set, bool max_errors_set, const char *cmd)
{
    struct vg_diag diag;
    vg_diag_init(&diag, 100, vg_cli_print_diag, NULL);
    int rc = vg_config_load(cfg, path, &diag);
    if (rc == VG_ECONFIG)
        fprintf(stderr, "%s: %s: %" PRIu64 " mistake%s; nothing scanned\n", cmd, path, diag.total,
                diag.total == 1 ? "" : "s");
    else if (rc == VG_ENOMEM)
        fprintf(stderr, "%s: out of memory\n", cmd);
    if (rc != VG_OK)
        return 2;
    if (!max_findings_set)
        opts->findings_cap = (size_t)cfg->scan_max_findings;
    if (!max_errors_set)
        opts->diag_keep = (unsigned)cfg->scan_max_errors;
    opts->flow = cfg->flow;
    opts->dns = cfg->dns;
    opts->iam = cfg->iam;
    opts->pdns_memory = (size_t)cfg->dns_passive_memory;
    opts->read_ahead = cfg->scan_read_ahead;
    if (*cfg->flow_log_format && !vg_vpcflow_format_valid(vg_str_from(cfg->flow_log_format))) {
        fprintf(stderr,
                "%s: %s: flow.log_format names no flow log field (or too many); nothing "
                "scanned\n",
                cmd, path);
        return 2;
    }
    opts->flow_log_format = cfg->flow_log_format;
    vg_log_threshold = (enum vg_log_level)cfg->log_level;
    return 0;
}

int vg_cli_load_lists(const struct vg_config *cfg, const struct vg_intel_source *lists,
                      size_t count, size_t hunted, const char *baseline, struct vg_intel **out,
                      int64_t *retro_added_ms, const char *cmd)
{
    struct vg_diag diag;
    struct vg_input in;
    struct vg_intel_builder *b = vg_intel_builder_new();
    int rc = vg_input_init(&in);
    static char warning[] = "warning: ";
    vg_diag_init(&diag, 20, vg_cli_print_diag, warning);
    for (size_t i = 0; i < cfg->list_count && b && rc == VG_OK; i++) {
        struct vg_intel_source src;
        if (!cfg->lists[i].enabled || (hunted < count && cfg->lists[i].kind == VG_INTEL_THREAT))
            continue;
        vg_config_list_source(&cfg->lists[i], &src);
        rc = vg_intel_load(b, &src, &in, &diag, NULL);
    }
    for (size_t i = 0; i < count && b && rc == VG_OK; i++) {
        if (hunted < count && lists[i].kind == VG_INTEL_THREAT && i != hunted)
            continue;
        rc = vg_intel_load(b, &lists[i], &in, &diag, NULL);
        if (i == hunted) {
            struct stat st;
            *retro_added_ms = stat(lists[i].path, &st) == 0 ? (int64_t)st.st_mtime * 1000 : 1;
        }
    }
    if (b && rc == VG_OK && hunted >= count && cfg->intel_test_indicators)
        rc = vg_intel_builtin_add(b);
    if (b && rc == VG_OK && baseline) {
        struct vg_intel_source prev = { "retro-hunt baseline", baseline, VG_INTEL_TRUSTED,
                                        VG_INTEL_FEED_CUSTOM, NULL };
        rc = vg_intel_load(b, &prev, &in, &diag, NULL);
    }
    vg_input_release(&in);
    if (!b || rc == VG_ENOMEM) {
        vg_intel_builder_free(b);
        fprintf(stderr, "%s: out of memory loading lists\n", cmd);
        return 2;
    }
    if (rc) {
        vg_intel_builder_free(b);
        return 2; /* unreadable list or unknown format: already reported */
    }
    *out = vg_intel_freeze(b);
    if (!*out) {
        fprintf(stderr, "%s: out of memory loading lists\n", cmd);
        return 2;
    }
    /* A trusted list this wide silences list findings for much of the internet.  Normally that
     * is a finding (pipeline/trusted_watch.c); a retro-hunt marks every finding as one, so
     * there it is only said here. */
    for (size_t i = 0; hunted < count && i < vg_intel_list_count(*out); i++) {
        const struct vg_intel_list *l = vg_intel_list_at(*out, i);
        if (l->kind == VG_INTEL_TRUSTED &&
            (int64_t)l->widest_public_prefix_v4 < cfg->intel_trusted_max_public_prefix)
            fprintf(stderr,
                    "vigil: warning: trusted list '%s' covers a public IPv4 /%" PRIu64
                    " network, wider than /%" PRId64 " (intel.trusted_max_public_prefix)\n",
                    l->name, l->widest_public_prefix_v4, cfg->intel_trusted_max_public_prefix);
    }
    return 0;
}

int vg_cli_paths_add(struct vg_cli_paths *p, const char *path, const char *cmd, const char *opt)
{
    if (p->n == VG_ARRAY_LEN(p->v)) {
        fprintf(stderr, "%s: at most %zu %s paths\n", cmd, VG_ARRAY_LEN(p->v), opt);
        return 2;
    }
    p->v[p->n++] = path;
    return 0;
}

int vg_cli_load_inventory(const struct vg_cli_paths *paths, const char *config_path,
                          const char *configured, struct vg_inventory **out, const char *cmd)
{
    static char warning[] = "warning: ";
    struct vg_diag diag;
    char *from_config = NULL;
    int rc = VG_OK;
    if (paths->n == 0 && !*configured)
        return 0;
    vg_diag_init(&diag, 20, vg_cli_print_diag, warning);
    struct vg_inventory *inv = vg_inventory_new();
    if (inv && *configured && !(from_config = vg_intel_audit_dir_resolve(config_path, configured)))
        rc = VG_ENOMEM;
    for (size_t i = 0; inv && i <= paths->n && rc == VG_OK; i++) {
        const char *path = i < paths->n ? paths->v[i] : from_config;
        if (path)
            rc = vg_inventory_load(inv, path, &diag);
    }
    if (!inv || rc == VG_ENOMEM || (rc == VG_OK && vg_inventory_freeze(inv) != VG_OK)) {
        fprintf(stderr, "%s: out of memory loading the inventory\n", cmd);
        rc = VG_ENOMEM;
    }
    free(from_config);
    if (rc != VG_OK) {
        vg_inventory_free(inv); /* unreadable: already reported */
        return 2;
    }
    *out = inv;
    return 0;
}

int vg_cli_load_ipinfo(const struct vg_cli_paths *paths, const char *config_path,
                       const char *configured, struct vg_ipinfo **out, const char *cmd)
{
    static char warning[] = "warning: ";
    struct vg_diag diag;
    int rc = VG_OK;
    if (paths->n == 0 && !*configured)
        return 0;
    vg_diag_init(&diag, 20, vg_cli_print_diag, warning);
    struct vg_ipinfo *info = vg_ipinfo_new();
    for (size_t i = 0; info && i < paths->n && rc == VG_OK; i++)
        rc = vg_ipinfo_load(info, paths->v[i], &diag);
    for (const char *p = configured; info && *p && rc == VG_OK;) {
        size_t n = strcspn(p, ":");
        char one[4096];
        snprintf(one, sizeof(one), "%.*s", (int)n, p);
        char *path = vg_intel_audit_dir_resolve(config_path, one);
        rc = path ? vg_ipinfo_load(info, path, &diag) : VG_ENOMEM;
        free(path);
        p += n + (p[n] == ':');
    }
    if (!info || rc == VG_ENOMEM || (rc == VG_OK && vg_ipinfo_freeze(info) != VG_OK)) {
        fprintf(stderr, "%s: out of memory loading address data\n", cmd);
        rc = VG_ENOMEM;
    }
    if (rc != VG_OK) {
        vg_ipinfo_free(info); /* unreadable: already reported */
        return 2;
    }
    *out = info;
    return 0;
}

void vg_cli_ipinfo_summary(const struct vg_ipinfo *info, const char *cmd)
{
    const struct vg_ipinfo_stats *st = vg_ipinfo_stats(info);
    const char *token = vg_ipinfo_aws_sync_token(info);
    fprintf(stderr,
            "%s: address data: %" PRIu64 " ASN ranges, %" PRIu64 " MaxMind databases, %" PRIu64
            " AWS prefixes%s%s%s, %" PRIu64 " bad entries\n",
            cmd, st->asn_ranges_v4 + st->asn_ranges_v6, st->databases, st->aws_prefixes,
            token ? " (ip-ranges.json syncToken " : "", token ? token : "", token ? ")" : "",
            st->bad);
}

int vg_cli_load_config(struct vg_config *cfg, const char *path, const char *cmd)
{
    vg_config_init(cfg);
    if (!path)
        return 0;
    struct vg_diag diag;
    vg_diag_init(&diag, 100, vg_cli_print_diag, NULL);
    int rc = vg_config_load(cfg, path, &diag);
    if (rc == VG_OK && diag.total == 0)
        return 0;
    fprintf(stderr, "%s: %s: not usable\n", cmd, path);
    vg_config_release(cfg);
    return 2;
}

void vg_cli_js_opts(struct vg_js_opts *js, const struct vg_config *cfg, const char *servers,
                    unsigned partitions, int replicas)
{
    *js = (struct vg_js_opts){
        .servers = servers              ? servers
                   : *cfg->cluster_nats ? cfg->cluster_nats
                                        : NULL,
        .replicas = replicas ? replicas : (int)cfg->cluster_replicas,
        .partitions = partitions ? partitions
                      : vg_config_option_set(cfg, "cluster.partitions")
                          ? (unsigned)cfg->cluster_partitions
                          : 0,
        .lease_ms = cfg->cluster_lease_ms,
        .retention_ms = cfg->cluster_retention_ms,
    };
}
