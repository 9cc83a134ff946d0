/*
 * A compiled rule, as load.c builds it and match.c runs it.  Private to rules/.
 *
 * Everything a rule holds is allocated in its set's arena and lives as long as the set, except
 * the Hyperscan databases (freed with the set).
 */
#ifndef VG_RULES_RULE_H
#define VG_RULES_RULE_H

#include "core/compat.h"

#include <hs/hs.h>

#include "core/arena.h"
#include "core/ip.h"
#include "rules/rules.h"

/* A field path: "requestParameters.bucketPolicy.Statement" split at the dots.  `$.` at the start
 * of a path inside some:/json: reaches back to the event's root. */
struct rule_path {
    const char **segs;
    uint32_t nseg;
    bool from_root;
    int flow_field; /* vpcflow rules: the field (match.c's FLOW_FIELDS index); -1 otherwise */
    int ct_field;   /* a CloudTrail field the parser already holds (match.c's CT_FIELDS); -1 */
    const char *text;
};

enum cond_kind { COND_ALL, COND_ANY, COND_NOT, COND_SOME, COND_LEAF };

enum leaf_op {
    /* the string operators first: match.c tests `op <= OP_CONTAINS` */
    OP_EQUALS,
    OP_PREFIX,
    OP_SUFFIX,
    OP_CONTAINS,
    OP_REGEX,
    OP_CIDR,
    OP_EXISTS,
    OP_ABSENT,
    OP_GT,
    OP_GE,
    OP_LT,
    OP_LE,
    OP_JSON,           /* the value is JSON text: match `kids[0]` inside it */
    OP_EQUALS_FIELD,   /* equals the value at `other` */
    OP_CONTAINS_FIELD, /* contains the value at `other` */
};

struct rule_net {
    struct vg_ip base;
    uint8_t bits;
};

struct cond {
    enum cond_kind kind;
    enum leaf_op op;
    bool nocase;     /* values are stored lowercased */
    bool all_values; /* every value must match (Sigma's |all), not any */
    struct rule_path path;
    struct cond **kids;
    uint32_t nkids;
    struct vg_str *values;
    uint32_t nvalues;
    struct rule_net *nets;
    uint32_t nnets;
    double number;
    hs_database_t *re;
    /* OP_REGEX and OP_CONTAINS: where a run keeps the leaf's answer when a joint scan of its
     * index slot has given it (match.c's regex_group) */
    uint32_t verdict;
    struct rule_path other;
};

/* One `tests:` case of a rule: a record and whether the rule must match it. */
struct rule_test {
    const char *name;
    unsigned line;
    char *record; /* JSON text */
    size_t record_len;
    bool expect;
};

struct rule_severity_map {
    struct vg_str value;
    double severity;
};

struct rule {
    const char *id;
    const char *file;
    unsigned line;
    const char *title;
    const char *type_name;
    const char *signal;
    const char *description; /* template: {path} takes the event's value */
    const char *resource;
    const char *groups; /* comma-separated, lowercase */
    unsigned source;    /* one enum vg_source_kind bit */
    bool opt_in;
    bool enabled;
    bool dry_run;
    double severity;                 /* fixed, or the default of the map below */
    struct rule_path severity_field; /* nseg 0 when fixed */
    struct rule_severity_map *severity_map;
    uint32_t severity_map_count;
    struct rule_path bucket; /* the finding's S3 bucket; nseg 0: bucketName for S3Bucket types */
    struct rule_path *aggregate;
    uint32_t aggregate_count;
    struct cond *match;
    struct rule_test *tests;
    uint32_t test_count;
    enum vg_finding_type type; /* set by vg_rules_freeze */
    /* the top-level conditions the index answers (eventName / eventSource equality): a rule
     * reached through the index has them true already */
    const struct cond *pinned_name, *pinned_source;
    _Atomic uint64_t matches;
    struct vg_rule_sample samples[VG_RULES_DRY_RUN_SAMPLES];
    unsigned sample_count;
};

/* Rules indexed by one string key (an eventName, an eventSource). */
struct rule_index {
    struct index_slot {
        struct vg_str key;
        struct rule **rules;
        uint32_t count;
        /* the slot's rules' regexes and substrings on one parsed field, in one database: one
         * scan of the field answers them all (one Hyperscan scan costs some 500 instructions to
         * start, a substring search some 130 per needle) */
        struct regex_group {
            int ct_field;
            hs_database_t *db;
            const struct cond **members; /* id i of the database is members[i] */
            uint32_t count;
        } * groups;
        uint32_t group_count;
    } * slots;
    size_t mask; /* slots - 1, a power of two */
};

#define VG_RULES_NAMED_MAX 256

struct vg_rules {
    struct vg_arena arena;
    /* `conditions:` documents: named conditions rules take with `use: NAME` (YAML anchors end
     * with their document, and rules are one per document) */
    struct rule_named {
        const char *name;
        struct cond *cond;
    } named[VG_RULES_NAMED_MAX];
    unsigned named_count;
    struct rule **rules;
    size_t count, cap;
    uint64_t rejected;
    hs_scratch_t *scratch_proto; /* sized for every regex; runs clone it */
    hs_database_t **regexes;     /* every compiled regex, kept rules' or not: freed with the set */
    size_t regex_count;
    uint32_t verdict_count; /* regex and contains leaves (struct cond's verdict) */
    pthread_mutex_t sample_lock;
    /* per source kind bit (0 CloudTrail, 1 flow, 2 DNS): */
    struct rule_index by_name;   /* CloudTrail rules pinned to eventName values */
    struct rule_index by_source; /* CloudTrail rules pinned to eventSource values only */
    struct rule **unindexed[3];  /* the rest, per source kind */
    uint32_t unindexed_count[3];
    unsigned sources;
};

/* Compile a regex for a condition (match.c keeps the Hyperscan side in one place). */
int vg_rule_regex_compile(const char *pattern, bool nocase, hs_database_t **out, char *why,
                          size_t why_cap);
/* "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). */
bool vg_rule_net_parse(struct vg_str s, struct rule_net *out);
/* ASCII lowercase of n bytes (nocase; dst may be src). */
void vg_rule_ascii_lower(char *dst, const char *src, size_t n);
/* The parsed CloudTrail field a record-root path means ("userAgent"), or -1. */
int vg_rule_ct_field(const char *path);
/* The vpcflow field a name means, or -1. */
int vg_rule_flow_field(const char *name);

/* Does one record (already an event) match a rule?  Used by the self-tests. */
bool vg_rule_matches(struct vg_rules_run *run, const struct rule *r, const struct vg_event *ev);

#endif
