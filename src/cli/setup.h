/*
 * What `vigil scan` and `vigild` both do before they read a log: apply the configuration file,
 * load the threat and trusted lists, load the asset inventory, and take list options from the
 * command line.  Each function reports its own mistakes on stderr, naming the command.
 */
#ifndef VG_CLI_SETUP_H
#define VG_CLI_SETUP_H

#include "core/compat.h"
#include "config/config.h"
#include "enrich/intel.h"
#include "enrich/intel_load.h"
#include "enrich/inventory.h"
#include "enrich/ipinfo.h"
#include "ingest/jetstream.h"
#include "pipeline/scan.h"
#include "rules/rules.h"

/* The list options of the command line (--threat-list, --curated-list, --reputation-list,
 * --trusted-list, with --list-format and --list-category applying to the lists after them). */
struct vg_cli_lists {
    struct vg_intel_source items[64];
    size_t count;
    const char *format;
    enum vg_intel_category category;
};

/* getopt values of the list options, shared so both commands spell them alike */
enum {
    VG_OPT_THREAT_LIST = 'T',
    VG_OPT_CURATED_LIST = 'K',
    VG_OPT_REPUTATION_LIST = 'P',
    VG_OPT_TRUSTED_LIST = 'W',
    VG_OPT_LIST_FORMAT = 'L',
    VG_OPT_LIST_CATEGORY = 300,
};
#define VG_CLI_LIST_LONGOPTS                                                                       \
    { "threat-list", required_argument, NULL, VG_OPT_THREAT_LIST },                                \
        { "curated-list", required_argument, NULL, VG_OPT_CURATED_LIST },                          \
        { "reputation-list", required_argument, NULL, VG_OPT_REPUTATION_LIST },                    \
        { "trusted-list", required_argument, NULL, VG_OPT_TRUSTED_LIST },                          \
        { "list-format", required_argument, NULL, VG_OPT_LIST_FORMAT },                            \
    {                                                                                              \
        "list-category", required_argument, NULL, VG_OPT_LIST_CATEGORY                             \
    }

/* Take one list option: 1 taken, 0 not a list option, -1 a bad value (reported). */
int vg_cli_list_arg(struct vg_cli_lists *l, int opt, char *arg, const char *cmd);

/* --config: load the file into cfg and copy its scan options into opts (those the command line
 * did not set).  0, or 2 after reporting the file's mistakes. */
int vg_cli_apply_config(struct vg_config *cfg, const char *path, struct vg_scan_opts *opts,
                        bool max_findings_set, bool max_errors_set, const char *cmd);

/* For commands that read only a few options: cfg initialised, and loaded from path when it is
 * not NULL.  0, or 2 after reporting the file's mistakes (cfg is then released). */
int vg_cli_load_config(struct vg_config *cfg, const char *path, const char *cmd);

/* The JetStream options of the cluster.* section, with the command line's NATS servers,
 * partition count and replicas winning when given (NULL, 0).  A partition count neither
 * gives is left 0: whatever the cluster has. */
void vg_cli_js_opts(struct vg_js_opts *js, const struct vg_config *cfg, const char *servers,
                    unsigned partitions, int replicas);

/* Load the configuration's enabled lists, then `lists`, then the built-in tester lists
 * (intel.test_indicators).  In a retro-hunt (hunted < count) only the hunted list, plus the
 * trusted ones, is a threat list, and `baseline` (a previous version of it, may be NULL) rules
 * out the indicators that were already there.  0, or 2 (reported). */
int vg_cli_load_lists(const struct vg_config *cfg, const struct vg_intel_source *lists,
                      size_t count, size_t hunted, const char *baseline, struct vg_intel **out,
                      int64_t *retro_added_ms, const char *cmd);

/* The paths a repeatable option names (--inventory, --ip-data). */
struct vg_cli_paths {
    const char *v[64];
    size_t n;
};
/* Add one: 0, or 2 (reported) past 64. */
int vg_cli_paths_add(struct vg_cli_paths *p, const char *path, const char *cmd, const char *opt);

/* The inventories named on the command line, then the configuration's (relative to its file),
 * into one frozen inventory (*out stays NULL when there are none).  0, or 2 (reported). */
int vg_cli_load_inventory(const struct vg_cli_paths *paths, const char *config_path,
                          const char *configured, struct vg_inventory **out, const char *cmd);

/* Address-owner data (enrich/ipinfo.h) from the command line's paths, then the
 * configuration's ':'-separated ones (relative to its file), frozen (*out stays NULL when there
 * are none).  0, or 2 (reported). */
int vg_cli_load_ipinfo(const struct vg_cli_paths *paths, const char *config_path,
                       const char *configured, struct vg_ipinfo **out, const char *cmd);
/* "CMD: address data: N ASN ranges, ..." on stderr. */
void vg_cli_ipinfo_summary(const struct vg_ipinfo *info, const char *cmd);

/* The rule options: --rules PATH and --enable-opt-in SEL (each repeatable). */
struct vg_cli_rules {
    struct vg_cli_paths paths;
    struct vg_cli_paths enable;
    bool builtin; /* load the rules shipped with vigil (false only for `vigil rules test FILE`) */
};
enum { VG_OPT_RULES = 310, VG_OPT_ENABLE_OPT_IN };
#define VG_CLI_RULE_LONGOPTS                                                                       \
    { "rules", required_argument, NULL, VG_OPT_RULES },                                            \
    {                                                                                              \
        "enable-opt-in", required_argument, NULL, VG_OPT_ENABLE_OPT_IN                             \
    }
/* Take one rule option: 1 taken, 0 not a rule option, -1 too many (reported). */
int vg_cli_rules_arg(struct vg_cli_rules *r, int opt, const char *arg, const char *cmd);
/* The shipped rules, then the command line's files, then the configuration's rules.paths
 * (relative to its file); opt-in rules enabled by rules.enable_opt_in and --enable-opt-in; then
 * frozen, every new type declared in the catalog.  Bad rules are reported and left out.  0, or
 * 2 (reported) when a path cannot be read or a selector names nothing.  cfg may be NULL. */
int vg_cli_load_rules(const struct vg_cli_rules *opts, const char *config_path,
                      const struct vg_config *cfg, struct vg_rules **out, const char *cmd);

/* On stderr: how many rules ran, and each dry-run rule's matches with the first few records. */
void vg_cli_rules_summary(const struct vg_rules *rs, const char *cmd);

/* The wall clock in ms (for createdAt/updatedAt, never for detection). */
int64_t vg_cli_now_ms(void);

#endif
