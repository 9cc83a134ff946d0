/*
 * Watching trusted lists, vigil's own detection: a trusted list silences list findings for
 * everything it covers, so putting a wide public range on one blinds the detector (Pacu's
 * guardduty__whitelist_ip module does this to GuardDuty).  For every trusted list loaded for a scan
 * this
 *   - emits DefenseEvasion:Vigil/TrustedListTooWide when the list covers a public IPv4 network
 *     wider than the configured prefix (intel.trusted_max_public_prefix), whether it just grew
 *     or was already that wide;
 *   - with a state directory (enrich/intel_audit.h), compares the list with what vigil saw last
 *     time and logs each change: one warning line on stderr (list, old and new sha256 and
 *     counts) and one line in DIR/lists-audit.log; then saves the new state.
 *
 * A list is not a log record, so the finding rests on a synthetic event built here: its time is
 * the list file's modification time (or the time the caller pins), never the clock, and its
 * evidence names the list file; the same lists give the same finding.  It carries account
 * 000000000000 and no region: the finding is about vigil's configuration, not about an AWS
 * account.
 */
#ifndef VG_PIPELINE_TRUSTED_WATCH_H
#define VG_PIPELINE_TRUSTED_WATCH_H

#include "core/compat.h"
#include "core/diag.h"
#include "core/finding.h"
#include "enrich/intel.h"

/* The account the trusted-list finding names (GuardDuty's accountId must be 12 digits). */
#define VG_TRUSTED_WATCH_ACCOUNT "000000000000"

struct vg_trusted_watch_opts {
    int64_t max_public_prefix; /* intel.trusted_max_public_prefix: wider (smaller) fires */
    const char *state_dir;     /* NULL or "": no state, no audit trail */
    int64_t now_ms;            /* wall clock, written in audit lines only */
    int64_t modified_ms;       /* 0: each list file's modification time; else this for all */
};

struct vg_trusted_watch_stats {
    unsigned lists;      /* trusted lists looked at */
    unsigned first_seen; /* not in the state before (state dir only) */
    unsigned changed;    /* content differs from the state (state dir only) */
    unsigned too_wide;   /* wider than max_public_prefix */
};

/* Look at the trusted lists among the first `count` lists of intel (the caller leaves out lists
 * that are not the user's, such as a retro-hunt baseline).  Findings go to emit (NULL: none).
 * State problems are reported to diag: a malformed state file is ignored (as a first run); an
 * unreadable or unwritable state directory makes the result VG_EIO, though every list is still
 * looked at and every finding emitted.  VG_OK, VG_EIO or VG_ENOMEM; stats (may be NULL) filled. */
int vg_trusted_watch_run(const struct vg_intel *intel, size_t count,
                         const struct vg_trusted_watch_opts *opts, const struct vg_emit *emit,
                         struct vg_diag *diag, struct vg_trusted_watch_stats *stats);

#endif
