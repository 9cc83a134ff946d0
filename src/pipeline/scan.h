/*
 * The batch pipeline behind `vigil scan`: paths -> ingest -> parse -> detect -> findings table.
 * One file is one batch: its arena is reset when the file is done, after detectors have copied
 * out what they keep.  Event time only.  Enrichment and detection run on the caller's thread,
 * in input order; with read_ahead a second thread reads the next objects and parses some of
 * them into events ahead (see scan.c), which changes nothing but the speed.
 */
#ifndef VG_PIPELINE_SCAN_H
#define VG_PIPELINE_SCAN_H

#include "core/compat.h"
#include "core/diag.h"
#include "detect/detect.h"
#include "enrich/intel.h"
#include "findings/table.h"
#include "parse/format.h"

struct vg_inventory;
struct vg_ipinfo;
struct vg_pdns;
struct vg_rules;

struct vg_scan_opts {
    int64_t since_ms;              /* events before this are skipped; INT64_MIN for none */
    int64_t until_ms;              /* events at or after this are skipped; INT64_MAX for none */
    size_t findings_cap;           /* 0 = default */
    vg_findings_evict_fn on_evict; /* called for a finding pushed out of a full table */
    void *evict_ctx;
    vg_diag_fn on_diag; /* bad-input messages (the first diag_keep of them) */
    void *diag_ctx;
    unsigned diag_keep;
    const struct vg_intel *intel; /* threat and trusted lists; borrowed, may be NULL */
    /* read and decompress the next files on a second thread, which also parses text flow
     * logs ahead when it has time (scan.read_ahead) */
    bool read_ahead;
    struct vg_flow_thresholds flow; /* the `flow.*` options; vg_scan_opts_init sets defaults */
    struct vg_dns_thresholds dns;   /* the `dns.*` options, likewise */
    struct vg_iam_thresholds iam;   /* the `iam.*` options, likewise */
    /* Address owners (enrich/ipinfo.h), frozen; borrowed, may be NULL: AS and country of
     * callers for the profiles, AWS ranges for the credential exfiltration types. */
    const struct vg_ipinfo *ipinfo;
    size_t pdns_memory; /* dns.passive_memory: the passive DNS table */
    bool enrich_only;   /* learn (passive DNS, interface addresses) without running detectors */
    const char *flow_log_format; /* fields of header-less flow logs; NULL or "" for v2 */
    /* An asset inventory (enrich/inventory.h), frozen: its interfaces' addresses tell the
     * flow-side resolver which end is ours, and name the instance of flow records that lack
     * it.  Borrowed, may be NULL. */
    const struct vg_inventory *inventory;
    /* Detection rules (rules/rules.h), frozen; borrowed, may be NULL. */
    const struct vg_rules *rules;
};

struct vg_scan_stats {
    uint64_t files;
    uint64_t files_not_log; /* files of no format vigil reads */
    uint64_t bytes_read;    /* as stored (compressed) */
    uint64_t bytes_plain;   /* after decompression */
    uint64_t out_of_range;  /* events outside --since/--until */
    uint64_t utf8_replaced; /* invalid UTF-8 sequences replaced by U+FFFD */
    struct vg_parse_stats parse;
};

struct vg_scan;

void vg_scan_opts_init(struct vg_scan_opts *opts);
/* NULL when out of memory.  The options are copied (strings too); opts->flow_log_format must
 * satisfy vg_vpcflow_format_valid. */
struct vg_scan *vg_scan_new(const struct vg_scan_opts *opts);
void vg_scan_free(struct vg_scan *s);
/* Scan a file, directory tree or "-" (stdin).  Bad input is reported, not returned: VG_OK unless
 * memory ran out. */
int vg_scan_path(struct vg_scan *s, const char *path);
/* Scan bytes already in memory (tests, fuzzing, retro-hunt); `name` labels messages and
 * evidence and must stay valid for the call. */
int vg_scan_buffer(struct vg_scan *s, const char *name, const char *data, size_t len);

/* The same for a piece of a file that starts at byte base_offset and line base_line + 1 of the
 * file: events and evidence name their place in the whole file (vigild reads growing files
 * piece by piece). */
int vg_scan_buffer_at(struct vg_scan *s, const char *name, const char *data, size_t len,
                      uint64_t base_offset, uint64_t base_line);
/* The same in a known format (NULL: recognise it from the bytes).  A piece of an object need
 * not look like its format at its start (a cluster worker knows the publisher's choice). */
int vg_scan_buffer_as(struct vg_scan *s, const char *name, const struct vg_format *format,
                      const char *data, size_t len, uint64_t base_offset, uint64_t base_line);
/* Detect with another list snapshot from the next buffer on (a reload); borrowed. */
void vg_scan_set_intel(struct vg_scan *s, const struct vg_intel *intel);

const struct vg_scan_stats *vg_scan_stats(const struct vg_scan *s);
const struct vg_diag *vg_scan_diag(const struct vg_scan *s);
/* Where the scan reports bad input: for input read on its behalf (a message's gzip). */
struct vg_diag *vg_scan_diag_sink(struct vg_scan *s);
struct vg_findings *vg_scan_findings(struct vg_scan *s);
uint64_t vg_scan_state_evictions(const struct vg_scan *s);
/* Detector state that outlives a scan (`vigil scan --state`): the file's bytes as
 * vg_detect_save writes them.  save: VG_OK or VG_ENOMEM.  load: VG_OK (with *why set when part
 * of the file was skipped) or VG_EFORMAT; call it before the first path is scanned. */
int vg_scan_state_save(const struct vg_scan *s, struct vg_buf *out);
int vg_scan_state_load(struct vg_scan *s, const char *data, size_t len, const char **why);
/* The passive DNS table the scan learns from DNS answers (enrich/pdns.h). */
struct vg_pdns *vg_scan_pdns(struct vg_scan *s);

#endif
