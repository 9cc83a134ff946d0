/*
 * Detection rules as data: vigil's YAML rule language (docs/rules.md).
 *
 * A rule set is loaded from rule files (the ones shipped in rules/, compiled into the binary,
 * and the user's), checked rule by rule (a bad rule is reported with file:line and left out;
 * the others load), then frozen: frozen, it is read-only apart from its match counters and may
 * be shared by every scan and thread.  Matching goes through an index by eventName and
 * eventSource, so an event is tested only against the rules that can match it.
 *
 * Rules name finding types by their GuardDuty-style name.  A type the build's catalog lacks is
 * declared by its rule (title, resource); the caller gives every type its enum value when
 * freezing (vg_rules_freeze), so this stage needs no catalog of its own.
 */
#ifndef VG_RULES_RULES_H
#define VG_RULES_RULES_H

#include "core/compat.h"
#include "core/diag.h"
#include "core/event.h"
#include "core/finding.h"

struct vg_rules;

/* What a rule says about its finding type; the resolver turns it into an enum value. */
struct vg_rule_type_decl {
    const char *name;     /* "Persistence:IAM/AccountManipulation" */
    const char *title;    /* the rule's title: a custom type's title */
    const char *resource; /* AccessKey, S3Bucket or Instance; the resolver sets the type's own
                           * (a string that lives as long as the process) */
    double severity;      /* the rule's fixed severity, or its default one */
};
/* Returns the type, or VG_FT_COUNT to refuse it (the rule is then reported and left out). */
typedef enum vg_finding_type (*vg_rule_type_fn)(void *ctx, struct vg_rule_type_decl *decl,
                                                char *why, size_t why_cap);

/* Per-rule figures, for the scan summary and `vigil rules list`. */
struct vg_rule_info {
    const char *id;
    const char *file; /* where it was loaded from */
    unsigned line;
    const char *type;
    const char *signal; /* may be NULL */
    const char *groups; /* comma-separated */
    bool opt_in;
    bool enabled;
    bool dry_run;
    unsigned sources; /* enum vg_source_kind bits */
    uint64_t matches;
};

/* A dry-run match kept to show (the first VG_RULES_DRY_RUN_SAMPLES of each rule). */
#define VG_RULES_DRY_RUN_SAMPLES 5
struct vg_rule_sample {
    const char *source; /* interned by the scan for the run */
    uint64_t line;
    uint64_t offset;
    char event_id[48];
    int64_t time_ms;
};

struct vg_rules *vg_rules_new(void);
void vg_rules_free(struct vg_rules *rs);

/* The rules shipped with vigil (rules/ in the source tree, compiled in). */
int vg_rules_load_builtin(struct vg_rules *rs, struct vg_diag *diag);
/* A rule file, or a folder of them (*.yml and *.yaml, recursively).  Bad rules go to diag
 * (VG_DIAG_FIELD, "file:line: rule ID: reason") and are left out; VG_OK unless the path cannot
 * be read (also reported) or memory ran out.  Files may be gzip, as logs may. */
int vg_rules_load_path(struct vg_rules *rs, const char *path, struct vg_diag *diag);
/* Is `path`, met while reading `root`, a rule file?  `root` itself always is; below a folder,
 * *.yml and *.yaml outside hidden folders. */
bool vg_rules_file_wanted(const char *path, const char *root);
/* Rule text already in memory; `name` labels messages. */
int vg_rules_load_text(struct vg_rules *rs, const char *name, const char *text, size_t len,
                       struct vg_diag *diag);

/* Switch opt-in rules on: "all", a group, a rule id or a finding type name.  VG_ENOTFOUND when
 * it names nothing. */
int vg_rules_enable(struct vg_rules *rs, const char *selector);
/* Give every rule its type and build the index.  Rules whose type the resolver refuses are
 * reported to diag and left out. */
int vg_rules_freeze(struct vg_rules *rs, vg_rule_type_fn resolve, void *ctx, struct vg_diag *diag);

/* The source kinds enabled rules read (0: nothing to do for any event). */
unsigned vg_rules_sources(const struct vg_rules *rs);

/* Matching state for one thread: regex scratch space and a JSON parser for json: conditions. */
struct vg_rules_run;
struct vg_rules_run *vg_rules_run_new(const struct vg_rules *rs);
void vg_rules_run_free(struct vg_rules_run *run);
const struct vg_rules *vg_rules_run_set(const struct vg_rules_run *run);
/* Test ev against the enabled rules: live ones emit findings, dry-run ones are counted. */
void vg_rules_event(struct vg_rules_run *run, const struct vg_event *ev,
                    const struct vg_emit *emit);

size_t vg_rules_count(const struct vg_rules *rs);
void vg_rules_info(const struct vg_rules *rs, size_t i, struct vg_rule_info *out);
/* The dry-run samples of rule i; returns how many (at most VG_RULES_DRY_RUN_SAMPLES). */
size_t vg_rules_samples(const struct vg_rules *rs, size_t i, struct vg_rule_sample *out);
/* Rules refused so far (bad rules, unknown selectors aside). */
uint64_t vg_rules_rejected(const struct vg_rules *rs);

/* Run every loaded rule's own tests (the `tests:` of each rule); failures go to diag.  *run and
 * *failed count test cases. */
int vg_rules_self_test(struct vg_rules *rs, struct vg_diag *diag, size_t *run, size_t *failed);

#endif
