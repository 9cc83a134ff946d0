/*
 * The configuration file: one YAML file turned into plain structs.  Stages receive struct
 * vg_config (or values copied out of it) and never see YAML.
 *
 * Every scalar option is one row of one static table (config.c): its dotted name
 * ("scan.max_findings"), type, default, range, whether a running daemon may change it, and its
 * help text.  That row is the only place an option is described: the loader, `vigil config
 * options`, `vigil config sample` (which wrote etc/vigil.yaml) and the tests all read it.
 *
 * In the file an option may be written nested (`scan: {max_findings: 5}`) or dotted
 * (`scan.max_findings: 5`).  Besides the options there is one structured section, `lists:`, a
 * sequence of threat and trusted list entries.
 *
 * Mistakes are reported, never guessed around: unknown keys, wrong types, values out of range,
 * an option set twice, duplicate list names, and YAML aliases (refused: see config.c) each give
 * one "FILE:LINE: message" report to a struct vg_diag, and the whole file is read so that every
 * mistake is reported in one run.
 *
 * Nothing here is thread-safe; a loaded struct vg_config is plain data that may be read from any
 * number of threads.
 */
#ifndef VG_CONFIG_CONFIG_H
#define VG_CONFIG_CONFIG_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/diag.h"
#include "detect/detect.h"
#include "enrich/intel_load.h"

enum vg_config_type {
    VG_CONFIG_INT,      /* int64_t: a decimal integer */
    VG_CONFIG_SIZE,     /* int64_t bytes: 512, 64KiB, 16MiB, 2GiB (binary units) */
    VG_CONFIG_BOOL,     /* bool: true/false, yes/no, on/off */
    VG_CONFIG_STRING,   /* char *, owned by the config (min/max bound its length) */
    VG_CONFIG_ENUM,     /* int: the index of the value in the option's `values` */
    VG_CONFIG_DURATION, /* int64_t milliseconds: 250ms, 30s, 5m, 2h, 7d (a unit is required) */
};

/* One row of the option table. */
struct vg_config_option {
    const char *name; /* dotted path: "scan.max_findings" */
    enum vg_config_type type;
    size_t offset;             /* of the value in struct vg_config */
    const char *def;           /* the default, written as in the file: "100000", "warn", "30s" */
    int64_t min, max;          /* int, size (bytes), duration (ms), string length */
    const char *const *values; /* enum: the accepted names, NULL-terminated */
    bool reloadable;           /* a running daemon applies a change without a restart */
    const char *help;          /* one sentence, no trailing full stop */
};

/* One entry of `lists:`. */
struct vg_config_list {
    char *name;
    char *path; /* as loaded: relative paths resolved against the file's dir */
    enum vg_intel_list_kind kind;
    enum vg_intel_feed feed;         /* custom or curated; a Tor exit-addresses file feeds the Tor
                                      * types whatever is written here */
    char *format;                    /* a loader name (vg_intel_formats[]), or NULL for "auto" */
    enum vg_intel_category category; /* threat lists: what kind of addresses (AUTO: each
                                      * entry's threat name says) */
    bool enabled;
    uint32_t line; /* where the entry starts in the file (0: not from a file) */
};

/* Upper bound on the option table's size (checked at compile time in config.c). */
#define VG_CONFIG_MAX_OPTIONS 96

struct vg_config {
    /* scan */
    int64_t scan_max_findings;
    int64_t scan_max_errors;
    bool scan_read_ahead;
    /* intel */
    int64_t intel_trusted_max_public_prefix;
    char *intel_state_dir;      /* "" for none; relative to the file (vg_intel_audit_dir_resolve) */
    bool intel_test_indicators; /* load enrich/intel_builtin.h's lists */
    /* flow */
    char *flow_log_format;     /* header-less flow logs' fields; "" for AWS's default */
    char *flow_inventory;      /* describe-instances/-network-interfaces output; "" for none */
    char *enrich_ip_data;      /* address-owner files and folders, ':'-separated; "" for none */
    char *rules_paths;         /* rule files and folders, ':'-separated; "" for none */
    char *rules_enable_opt_in; /* ','-separated selectors (rules/rules.h); "" for none */
    struct vg_flow_thresholds flow;
    /* dns */
    struct vg_dns_thresholds dns;
    int64_t dns_passive_memory; /* the passive DNS table (enrich/pdns.h) */
    /* iam */
    struct vg_iam_thresholds iam;
    /* service (vigild); strings relative to the file are resolved by the command */
    char *service_watch;
    char *service_state_dir;
    char *service_store; /* "" for STATE_DIR/vigil.db */
    char *service_listen;
    char *service_tokens_file;
    char *service_jsonl;
    char *service_webhook;
    int service_publish_frequency; /* 0 fifteen minutes, 1 one hour, 2 six hours */
    int64_t service_rescan_ms;
    int64_t service_settle_ms;
    int64_t service_order_wait_ms;
    int64_t service_lateness_ms;
    int64_t service_retention_ms;
    /* cluster */
    char *cluster_nats;
    int64_t cluster_partitions;
    int64_t cluster_replicas;
    int64_t cluster_lease_ms;
    int64_t cluster_retention_ms;
    char *cluster_worker;
    /* log */
    int log_level; /* enum vg_log_level (core/log.h) */

    struct vg_config_list *lists;
    size_t list_count;

    /* The line that set each option (indexed like the table), 0 for a default. */
    uint32_t lines[VG_CONFIG_MAX_OPTIONS];
};

/* The option table and its length.  Static; never NULL. */
const struct vg_config_option *vg_config_options(size_t *count);
/* The row named `name` (dotted), or NULL. */
const struct vg_config_option *vg_config_option_find(const char *name);
/* Whether the file set the option (rather than leaving its default). */
bool vg_config_option_set(const struct vg_config *c, const char *name);

/* Set every option to its default; no lists.  Allocates nothing. */
void vg_config_init(struct vg_config *c);
/* Free what c owns (list entries, string options); c is left as after vg_config_init(). */
void vg_config_release(struct vg_config *c);

/* Set option o of c from text, as the file would (the range is checked).  VG_OK; VG_ECONFIG
 * with *why_out (static, may be NULL) saying why not ("not an integer", "out of range");
 * VG_ENOMEM.  For command-line overrides and tests; o is a row of the table, or one laid out
 * like it. */
int vg_config_set(struct vg_config *c, const struct vg_config_option *o, const char *text,
                  const char **why_out);

/* Read the file at `path` and replace c's contents with it: options it does not set take their
 * defaults.  Each mistake is reported to diag (may be NULL) as "PATH:LINE: message" and the whole
 * file is read.  Returns VG_OK; VG_ECONFIG if anything was reported (c is then unchanged);
 * VG_EIO if the file cannot be read (reported); VG_ENOMEM.  c must have been initialised. */
int vg_config_load(struct vg_config *c, const char *path, struct vg_diag *diag);
/* The same for bytes in memory.  `name` labels the messages, and relative list paths are
 * resolved against its directory, as if the bytes had been read from a file of that name. */
int vg_config_load_buffer(struct vg_config *c, const char *name, const char *data, size_t len,
                          struct vg_diag *diag);

/* Read a configuration file whole into out (reset first), refusing files larger than
 * VG_CONFIG_MAX_BYTES.  VG_OK; VG_EIO or VG_ELIMIT (reported to diag); VG_ENOMEM. */
int vg_config_read(const char *path, struct vg_buf *out, struct vg_diag *diag);

/* Append the text of o's value in c, as the file would write it ("100000", "warn", "16MiB",
 * "30s"; strings unquoted).  VG_OK or VG_ENOMEM. */
int vg_config_format_value(struct vg_buf *out, const struct vg_config *c,
                           const struct vg_config_option *o);
/* Append o's accepted range as text ("0 to 32", "1 or more", "error|warn|info|debug"), or
 * nothing when any value of the type is accepted (booleans).  VG_OK or VG_ENOMEM. */
int vg_config_format_range(struct vg_buf *out, const struct vg_config_option *o);
/* Append a complete configuration file: every option at its default under its help text, and a
 * commented example `lists:` section.  This is how etc/vigil.yaml was written.  VG_OK or
 * VG_ENOMEM. */
int vg_config_write_sample(struct vg_buf *out);

/* Append s as a YAML double-quoted scalar: quotes, backslashes and control bytes escaped.
 * VG_OK or VG_ENOMEM. */
int vg_config_add_quoted(struct vg_buf *out, struct vg_str s);

/* Fill src from l; the strings are borrowed from l (format NULL means detect it). */
void vg_config_list_source(const struct vg_config_list *l, struct vg_intel_source *src);

/* The text for a list kind or feed as the file writes it: "threat", "trusted", "custom",
 * "curated", "tor". */
const char *vg_config_kind_name(enum vg_intel_list_kind kind);
const char *vg_config_feed_name(enum vg_intel_feed feed);

#endif
