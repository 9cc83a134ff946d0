/*
 * The detection plug-in point and the engine that runs detectors over events.
 *
 * A detector is a descriptor in detectors.c: the sources it reads, the finding types it may
 * emit, and (for stateful ones) how to make and free its state.  Detectors see events in event
 * time order per input and never read the clock; state they keep is capped at creation and
 * evicts with a counter (vg_detect_stats).
 */
#ifndef VG_DETECT_DETECT_H
#define VG_DETECT_DETECT_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/event.h"
#include "core/finding.h"
#include "enrich/intel.h"

struct vg_rules;
struct vg_ipinfo;

/* Thresholds and windows of the flow detectors.  The option table (config/config.c, `flow.*`)
 * holds the defaults and the reasoning behind each; findings quote the values they used in
 * additionalInfo.  Durations in ms of event time, sizes in bytes. */
struct vg_flow_thresholds {
    int64_t state_memory; /* all flow detector state together */
    int64_t portscan_ports;
    int64_t portscan_window;
    int64_t portsweep_hosts;
    int64_t portsweep_window;
    int64_t probe_max_packets; /* a connection this small is a probe (scan, sweep) */
    int64_t bruteforce_attempts;
    int64_t bruteforce_window;
    int64_t bruteforce_max_packets; /* a login attempt, not a working session */
    int64_t dos_packets;
    int64_t dos_window;
    int64_t dos_max_avg_packet;  /* flood packets are small; bulk transfers are not a flood */
    int64_t dos_tcp_connections; /* a TCP flood rotates source ports; a download does not */
    int64_t tor_relay_nodes;
    int64_t tor_relay_window;
    int64_t spambot_hosts;
    int64_t spambot_window;
    int64_t baseline_learning; /* an instance is watched this long before baselines may fire */
    int64_t volume_min_bytes;
    int64_t volume_factor;
    int64_t volume_window;
};

/* Thresholds and windows of the DNS detectors (`dns.*` options, same conventions as above). */
struct vg_dns_thresholds {
    int64_t state_memory; /* all DNS detector state together */
    /* domain reputation (dns_reputation.c): a score of 0-100, the sum of feature points */
    int64_t reputation_threshold;
    int64_t reputation_learning;    /* an account's zones seen this long are its baseline */
    int64_t reputation_new_window;  /* a zone first seen this recently (after learning) is new */
    int64_t reputation_points_list; /* on a reputation (low-confidence) list */
    int64_t reputation_points_proximity; /* a parent or the zone is on a threat list */
    int64_t reputation_points_abused;    /* dynamic DNS, free subdomains, free TLDs */
    int64_t reputation_points_new;
    int64_t reputation_points_answer;   /* an answer is a listed address */
    int64_t reputation_points_sinkhole; /* an answer is a listed sinkhole */
    int64_t reputation_points_dga;      /* at a DGA score of 1.0; scaled down with it */
    /* DGA bursts (dns_dga.c) */
    int64_t dga_min_score; /* percent: a zone label scoring this (detect/dga.h) looks generated */
    int64_t dga_names;     /* distinct such zones from one instance per window */
    int64_t dga_nxdomain;  /* or this many of them answered NXDOMAIN */
    int64_t dga_window;
    /* DNS tunnels (dns_exfil.c) */
    int64_t exfil_names;       /* distinct subdomains of one zone from one instance per window */
    int64_t exfil_label_len;   /* a label at least this long below the zone may carry data */
    int64_t exfil_encoded_pct; /* percent of those subdomains whose labels carry data */
    int64_t exfil_window;
};

/* The IAM behaviour detectors (`iam.*` options, same conventions): per-principal profiles
 * (baseline.c), credential exfiltration, console sign-in travel and attack sequences. */
struct vg_iam_thresholds {
    int64_t state_memory;     /* all IAM detector state together */
    int64_t learning;         /* a principal is watched this long before anomalies may fire */
    int64_t learning_days;    /* ... and must have been active on this many days */
    int64_t half_life;        /* a profile entry's weight halves in this much event time */
    int64_t bundle_window;    /* unusual calls this close to the previous one join its finding */
    int64_t exfil_learn_days; /* days a role is used from a network before that is routine */
    int64_t travel_window;    /* two console sign-ins this close from far apart are travel */
    int64_t sequence_window;  /* signals of one credential this close form one story */
};

/* What detectors may consult besides the event.  The pipeline owns it and may point `intel` at a
 * new snapshot between batches (list reloads); detectors read it, never keep what it returns. */
struct vg_detect_env {
    const struct vg_intel *intel; /* NULL when no list is loaded */
    const struct vg_flow_thresholds *flow;
    const struct vg_dns_thresholds *dns;
    const struct vg_rules *rules; /* frozen rule set (rules/rules.h); NULL for none */
    const struct vg_iam_thresholds *iam;
    /* Address owners (enrich/ipinfo.h), frozen; NULL when none were loaded.  The credential
     * exfiltration types need AWS's ip-ranges.json in it and stay silent without. */
    const struct vg_ipinfo *ipinfo;
    /* The id the findings table gives a draft (findings/table.h's vg_findings_key_id, which
     * this stage may not include): attack sequences link the findings they are made of.
     * NULL: sequences list their steps without ids. */
    void (*finding_id)(const struct vg_finding_draft *d, char out[33]);
    /* The catalog name of a type (findings/catalog.h, likewise); NULL: steps name no type. */
    const char *(*type_name)(enum vg_finding_type t);
};

struct vg_detector {
    const char *name;
    unsigned sources;                  /* enum vg_source_kind bits */
    const enum vg_finding_type *types; /* what it may emit */
    size_t type_count;
    /* optional: allocate state (it may keep the env pointer); VG_OK or VG_ENOMEM */
    int (*state_new)(void **out, const struct vg_detect_env *env);
    void (*state_free)(void *state);
    /* optional: the sources this run's state reads, when fewer than `sources` (the rule
     * engine reads only what its rules do); a state of NULL with 0 here is never called */
    unsigned (*state_sources)(const void *state);
    /* optional: evictions so far, for the summary and /stats */
    uint64_t (*state_evictions)(const void *state);
    void (*on_event)(void *state, const struct vg_event *ev, const struct vg_emit *emit);
    /* optional: a correlator sees every draft the detectors emit (its own included, after
     * they went out); what it emits here goes out directly, without being shown again */
    void (*on_finding)(void *state, const struct vg_finding_draft *d, const struct vg_emit *emit);
    /* optional: state that outlives a scan (`vigil scan --state`).  save appends the state to
     * out (VG_OK or VG_ENOMEM); load replaces it with what save wrote, VG_OK, or VG_EFORMAT
     * when the bytes are not such state (the state is then as if nothing had been loaded). */
    uint32_t state_version; /* bumped whenever what save writes changes */
    int (*state_save)(const void *state, struct vg_buf *out);
    int (*state_load)(void *state, const char *data, size_t len);
};

/* NULL-terminated table of every detector. */
extern const struct vg_detector *const vg_detectors[];

struct vg_detect;

/* All detectors with fresh state; env is borrowed and must outlive the result.  NULL when out
 * of memory. */
struct vg_detect *vg_detect_new(const struct vg_detect_env *env);
void vg_detect_free(struct vg_detect *d);
void vg_detect_event(struct vg_detect *d, const struct vg_event *ev, const struct vg_emit *emit);
/* Sum of evictions across detector state. */
uint64_t vg_detect_evictions(const struct vg_detect *d);

/* The saved state of every detector that has any, appended to out in the state file format
 * (docs/behaviour-baselines.md): a version line, then one section per detector with its name,
 * version and length.  VG_OK or VG_ENOMEM. */
int vg_detect_save(const struct vg_detect *d, struct vg_buf *out);
/* Load what vg_detect_save wrote.  Sections of detectors this build lacks, or written by
 * another version of one, are skipped and reported to *why (static text, may be NULL) with
 * VG_OK: those detectors start afresh.  VG_EFORMAT when the bytes are not a state file. */
int vg_detect_load(struct vg_detect *d, const char *data, size_t len, const char **why);

#endif
