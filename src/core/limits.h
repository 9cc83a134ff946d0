/*
 * Hard limits, each with the reason for its value.  Tunable limits belong to the option table;
 * these protect the process from hostile input and do not change at run time.
 */
#ifndef VG_CORE_LIMITS_H
#define VG_CORE_LIMITS_H

#include "core/compat.h"

/* JSON nesting deeper than this is rejected: CloudTrail's deepest real records (IAM policy
 * documents inside requestParameters) stay under 20, and a fixed bound keeps the parser's
 * stack small and makes "billion laughs" nesting a one-line error. */
#define VG_JSON_MAX_DEPTH 64

/* One CloudTrail record.  AWS caps an event at 256 KiB; we allow 4x for pretty-printed copies
 * and forwarding envelopes.  A larger record is reported and skipped, never buffered whole. */
#define VG_MAX_RECORD_BYTES (1u << 20)

/* One input object after decompression.  CloudTrail delivery objects are a few MiB; 2 GiB keeps
 * offsets within 31 bits and stops a gzip bomb from taking the machine. */
#define VG_MAX_OBJECT_BYTES (2048ull << 20)

/* Longest string field copied into a finding (user agents, ARNs, names).  Longer values are cut
 * and marked, so one hostile field cannot bloat every finding that quotes it. */
#define VG_MAX_FIELD_BYTES 1024

/* A DNS query name in normal form (struct vg_dns_name).  A legal name is at most 255 bytes in
 * wire form; written with every byte escaped ("\\DDD", four characters per byte) it stays under
 * 1024, so no legal name is ever cut.  Longer ones are hostile: kept up to here and flagged
 * VG_DNS_NAME_CUT (their shape counts stay exact), so one record cannot make a megabyte copy. */
#define VG_DNS_MAX_NAME_BYTES 1024
/* Evidence references kept per finding: the first N records that caused it. */
#define VG_FINDING_MAX_EVIDENCE 10

/* service.detection of one finding (an anomaly's unusual features and usual profile, an attack
 * sequence's steps), as JSON text.  Detectors build it within this size from capped parts (20
 * usual APIs of at most 64 bytes each, escaped), so it is never cut: a cut would break the JSON. */
#define VG_FINDING_MAX_DETECTION_BYTES 16384

/* Distinct API names kept per finding in additionalInfo.apiCalls. */
#define VG_FINDING_MAX_API_CALLS 20

/* Distinct (threat list, threat name) pairs kept per finding for threatIntelligenceDetails. */
#define VG_FINDING_MAX_THREATS 8

/* Distinct (port, local address, remote address) probes kept per portProbeAction: GuardDuty's
 * own findings list a handful; the rest is counted. */
#define VG_FINDING_MAX_PROBES 16

/* Directory recursion depth when walking log folders; deeper trees are reported, which also
 * stops symlink loops. */
#define VG_MAX_DIR_DEPTH 32

/* A configuration file.  Real ones are a few KiB even with hundreds of lists; the loader reads
 * the file whole, so a cap stops a mistaken argument (a log passed as --config) or a hostile
 * file from taking memory before the first syntax error is found. */
#define VG_CONFIG_MAX_BYTES (1u << 20)

/* YAML nesting in a configuration file.  The schema needs four levels (top, section or lists,
 * list entry, value); 16 leaves room for deeper sections while bounding the loader's recursion
 * and libyaml's state stack, which grow with every "[" or "{" read. */
#define VG_CONFIG_MAX_DEPTH 16

/* Lists in one configuration file.  Each is a file read at start-up and checked against the
 * others' names; a thousand is far past any real deployment and keeps that check trivial. */
#define VG_CONFIG_MAX_LISTS 1024

/* A list's name, which findings quote as threatListName: GuardDuty allows 300 characters for a
 * threat intel set's name, so a list imported from there keeps its name. */
#define VG_CONFIG_MAX_LIST_NAME 300

#endif
