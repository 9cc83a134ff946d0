/* Loading the detection rules for `vigil scan`, `vigild` and `vigil rules` (setup.h). */
#include "cli/cmd.h"
#include "cli/setup.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/time.h"
#include "enrich/intel_audit.h"
#include "findings/catalog.h"

/* A GuardDuty-style type name: ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.Variant!Artifact
 */
static bool type_name_ok(const char *name)
{
    const char *colon = strchr(name, ':'), *slash = strchr(name, '/');
    if (!colon || !slash || slash < colon || colon == name || slash == colon + 1 || !slash[1] ||
        strlen(name) > 120)
        return false;
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr(":/.!&_-", *c))
            return false;
    return true;
}

/* Rule types: the catalog's own, else declared here for the process (a user's new type). */
static enum vg_finding_type resolve_type(void *ctx, struct vg_rule_type_decl *decl, char *why,
                                         size_t why_cap)
{
    (void)ctx;
    enum vg_finding_type t = vg_catalog_find(decl->name);
    if (t != VG_FT_COUNT) {
        decl->resource = vg_catalog_get(t)->resource_type;
        return t;
    }
    if (!type_name_ok(decl->name)) {
        snprintf(why, why_cap,
                 "type '%.120s' is not of the form ThreatPurpose:ResourceType/ThreatFamily "
                 "(letters, digits and .!&_- after the '/')",
                 decl->name);
        return VG_FT_COUNT;
    }
    if (!decl->title || strpbrk(decl->title, "{}")) {
        snprintf(why, why_cap,
                 "a new finding type needs a title (without braces): '%.120s' is not one of "
                 "vigil's types ('vigil types' lists them)",
                 decl->name);
        return VG_FT_COUNT;
    }
    const char *resource = decl->resource ? decl->resource : "AccessKey";
    if (strcmp(resource, "AccessKey") && strcmp(resource, "S3Bucket") &&
        strcmp(resource, "Instance")) {
        snprintf(why, why_cap, "resource must be AccessKey, S3Bucket or Instance, not '%.40s'",
                 resource);
        return VG_FT_COUNT;
    }
    struct vg_catalog_entry e = {
        .name = decl->name,
        .resource_type = resource,
        .sources = !strcmp(resource, "Instance") ? VG_FT_SRC_VPCFLOW | VG_FT_SRC_DNS
                                                 : VG_FT_SRC_CLOUDTRAIL,
        .severity = decl->severity > 0 ? decl->severity : 5,
        .title = decl->title,
        .description = "{detail}",
        .next_steps = "This finding comes from a detection rule (additionalInfo.rule names it): "
                      "review the events behind it, and the rule's own references.",
    };
    t = vg_catalog_add(&e);
    decl->resource = t == VG_FT_COUNT ? resource : vg_catalog_get(t)->resource_type;
    if (t == VG_FT_COUNT)
        snprintf(why, why_cap, "no room for another new finding type (at most %d)",
                 VG_CATALOG_MAX_CUSTOM);
    return t;
}

/* Split a separated list, calling fn on each non-empty item; stops at the first failure. */
static int each_item(const char *list, char sep, int (*fn)(void *, const char *), void *ctx)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, (char[]){ sep, 0 });
        char one[4096];
        snprintf(one, sizeof(one), "%.*s", (int)n, p);
        int rc = n ? fn(ctx, one) : 0;
        if (rc)
            return rc;
        p += n + (p[n] == sep);
    }
    return 0;
}

struct rules_load {
    struct vg_rules *rs;
    struct vg_diag *diag;
    const char *config_path;
    const char *cmd;
};

static int load_configured(void *ctx, const char *one)
{
    struct rules_load *l = ctx;
    char *path = vg_intel_audit_dir_resolve(l->config_path, one);
    int rc = path ? vg_rules_load_path(l->rs, path, l->diag) : VG_ENOMEM;
    free(path);
    return rc == VG_OK ? 0 : 2;
}

static int enable(void *ctx, const char *selector)
{
    struct rules_load *l = ctx;
    if (vg_rules_enable(l->rs, selector) == VG_OK)
        return 0;
    fprintf(stderr,
            "%s: --enable-opt-in '%s' names no rule, group or type ('vigil rules list' shows "
            "them)\n",
            l->cmd, selector);
    return 2;
}

int vg_cli_rules_arg(struct vg_cli_rules *r, int opt, const char *arg, const char *cmd)
{
    if (opt != VG_OPT_RULES && opt != VG_OPT_ENABLE_OPT_IN)
        return 0;
    bool rules = opt == VG_OPT_RULES;
    return vg_cli_paths_add(rules ? &r->paths : &r->enable, arg, cmd,
                            rules ? "--rules" : "--enable-opt-in")
               ? -1
               : 1;
}

int vg_cli_load_rules(const struct vg_cli_rules *opts, const char *config_path,
                      const struct vg_config *cfg, struct vg_rules **out, const char *cmd)
{
    static char warning[] = "warning: ";
    struct vg_diag diag;
    vg_diag_init(&diag, 50, vg_cli_print_diag, warning);
    struct vg_rules *rs = vg_rules_new();
    struct rules_load l = { rs, &diag, config_path, cmd };
    int rc = rs ? 0 : 2;
    if (rc == 0 && opts->builtin)
        rc = vg_rules_load_builtin(rs, &diag) == VG_OK ? 0 : 2;
    for (size_t i = 0; rc == 0 && i < opts->paths.n; i++)
        rc = vg_rules_load_path(rs, opts->paths.v[i], &diag) == VG_OK ? 0 : 2;
    if (rc == 0 && cfg)
        rc = each_item(cfg->rules_paths, ':', load_configured, &l);
    if (rc == 0 && cfg)
        rc = each_item(cfg->rules_enable_opt_in, ',', enable, &l);
    for (size_t i = 0; rc == 0 && i < opts->enable.n; i++)
        rc = each_item(opts->enable.v[i], ',', enable, &l);
    if (rc == 0 && vg_rules_freeze(rs, resolve_type, NULL, &diag) != VG_OK) {
        fprintf(stderr, "%s: out of memory loading rules\n", cmd);
        rc = 2;
    }
    if (rc == 0 && vg_rules_rejected(rs))
        fprintf(stderr, "%s: warning: %" PRIu64 " rule%s left out (reasons above)\n", cmd,
                vg_rules_rejected(rs), vg_rules_rejected(rs) == 1 ? "" : "s");
    if (rc) {
        vg_rules_free(rs);
        return rc;
    }
    *out = rs;
    return 0;
}

void vg_cli_rules_summary(const struct vg_rules *rs, const char *cmd)
{
    size_t live = 0, dry = 0;
    uint64_t live_matches = 0;
    for (size_t i = 0; i < vg_rules_count(rs); i++) {
        struct vg_rule_info r;
        vg_rules_info(rs, i, &r);
        if (!r.enabled)
            continue;
        if (!r.dry_run) {
            live++;
            live_matches += r.matches;
            continue;
        }
        dry++;
        fprintf(stderr, "%s: dry-run rule %s (%s): %" PRIu64 " match%s\n", cmd, r.id, r.type,
                r.matches, r.matches == 1 ? "" : "es");
        struct vg_rule_sample s[VG_RULES_DRY_RUN_SAMPLES];
        size_t n = vg_rules_samples(rs, i, s);
        for (size_t k = 0; k < n; k++) {
            char when[32];
            struct vg_buf id = VG_BUF_INIT; /* the log's text: shown, never obeyed */
            vg_time_format_iso(s[k].time_ms, when, sizeof(when));
            vg_buf_add_printable(&id, vg_str_from(s[k].event_id));
            fprintf(stderr, "    %s:%" PRIu64 " %s%s%s\n", s[k].source, s[k].line, when,
                    id.len ? " eventID " : "", id.len ? id.data : "");
            vg_buf_release(&id);
        }
    }
    fprintf(stderr, "%s: rules: %zu live (%" PRIu64 " matches), %zu dry-run, %zu opt-in off\n", cmd,
            live, live_matches, dry, vg_rules_count(rs) - live - dry);
}
