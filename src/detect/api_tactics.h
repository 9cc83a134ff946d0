/*
 * vigil's API -> tactic table: which ATT&CK tactic an unusual call to an AWS API serves, the
 * basis of the <Tactic>:IAMUser/AnomalousBehavior and S3 AnomalousBehavior types.  GuardDuty
 * publishes only examples (shared/reference/guardduty-notes.md §8), so the table is vigil's own,
 * kept as data in api_tactics.c with the source of every row.
 */
#ifndef VG_DETECT_API_TACTICS_H
#define VG_DETECT_API_TACTICS_H

#include "core/compat.h"
#include "core/str.h"

enum vg_tactic {
    VG_TACTIC_NONE, /* routine or unmapped: never an anomaly finding on its own */
    VG_TACTIC_DISCOVERY,
    VG_TACTIC_PERSISTENCE,
    VG_TACTIC_PRIVILEGE_ESCALATION,
    VG_TACTIC_CREDENTIAL_ACCESS,
    VG_TACTIC_DEFENSE_EVASION,
    VG_TACTIC_EXFILTRATION,
    VG_TACTIC_IMPACT,
    VG_TACTIC_INITIAL_ACCESS,
    /* S3 data events (object-level calls) */
    VG_TACTIC_S3_DISCOVERY,
    VG_TACTIC_S3_EXFILTRATION,
    VG_TACTIC_S3_DELETE,
    VG_TACTIC_S3_PERMISSION,
    VG_TACTIC_S3_WRITE,
    VG_TACTIC_COUNT,
};

struct vg_tactic_row {
    const char *service; /* event source without ".amazonaws.com": "iam"; "*" for any */
    const char *api;     /* event name, or a prefix ending in '*' ("List*") */
    enum vg_tactic tactic;
    const char *source; /* where the mapping comes from: an ATT&CK technique or AWS TTC entry */
};

/* The row for a call: exact names first, then the service's prefixes, then any service's;
 * NULL when no row covers it.  s3_data: an S3 object-level data event, looked up among the
 * S3 data rows only. */
const struct vg_tactic_row *vg_tactic_lookup(struct vg_str service, struct vg_str api,
                                             bool s3_data);
/* "Discovery", "PrivilegeEscalation", ...: the tactic as the finding type spells it. */
const char *vg_tactic_name(enum vg_tactic t);

#endif
