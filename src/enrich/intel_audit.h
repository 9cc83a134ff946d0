/*
 * The audit trail of trusted lists.  A trusted list silences list findings for whatever it
 * covers, so editing one is how an attacker blinds the detector (Pacu's guardduty__whitelist_ip
 * module does it to GuardDuty).  vigil therefore remembers what it last saw of each trusted list
 * and logs every change, in a state directory the operator names (intel.state_dir, --state-dir):
 *
 *   DIR/lists.state      what vigil last saw of each trusted list, one tab-separated line each:
 *                        name, path, sha256, addresses, networks, domains, widest public IPv4
 *                        prefix, file modification time.  Rewritten whole, atomically (a temp
 *                        file renamed over it), so a crash leaves the old or the new version.
 *   DIR/lists-audit.log  one tab-separated line per change seen, appended, never rewritten (see
 *                        vg_intel_audit_append for the columns).
 *
 * Both files are read back as hostile input: whoever can edit a trusted list may edit the state
 * file too.  A line that does not parse is reported with file:line and the whole state is then
 * ignored, as on a first run, so a damaged file costs a "first seen" entry per list, never a
 * crash or a silently wrong comparison.  Names and paths are escaped (\t, \n, \\, \xNN) so a tab
 * or newline in a list name cannot forge a column or a line.
 *
 * No clock is read here: the caller passes the wall time for audit lines.  Not thread-safe; one
 * process at a time should own a state directory (the last writer of lists.state wins).
 */
#ifndef VG_ENRICH_INTEL_AUDIT_H
#define VG_ENRICH_INTEL_AUDIT_H

#include "core/compat.h"
#include "core/buf.h"
#include "core/diag.h"
#include "enrich/intel.h"

/* What vigil saw of one list.  Inside a struct vg_intel_audit the strings are owned by it; an
 * entry passed to vg_intel_audit_set or _append is only read. */
struct vg_intel_audit_entry {
    char *name;
    char *path;
    char sha256[65];
    uint64_t addresses;
    uint64_t networks;
    uint64_t domains;
    unsigned widest_v4; /* widest public IPv4 prefix length; 32 when there is none */
    int64_t mtime_ms;   /* the list file's modification time, within years 0000..9999 */
};

struct vg_intel_audit {
    struct vg_intel_audit_entry *entries;
    size_t count;
    size_t cap;
};

void vg_intel_audit_init(struct vg_intel_audit *a);
/* Free the entries; a is left as after init. */
void vg_intel_audit_release(struct vg_intel_audit *a);

/* Replace a's entries with DIR/lists.state.  A missing file is a first run (VG_OK, no entries).
 * A malformed file is reported to diag as "DIR/lists.state:LINE: ..." and ignored: VG_OK with no
 * entries.  VG_EIO when the file exists but cannot be read (reported); VG_ENOMEM. */
int vg_intel_audit_load(struct vg_intel_audit *a, const char *dir, struct vg_diag *diag);

/* The same for the bytes of a state file in memory (vg_intel_audit_load reads the file, then
 * calls this).  `name` labels the reports ("NAME:LINE: ..."); data need not end in a NUL and is
 * only read.  VG_OK, with or without a report; VG_ENOMEM (a unchanged). */
int vg_intel_audit_load_buffer(struct vg_intel_audit *a, const char *name, const char *data,
                               size_t len, struct vg_diag *diag);

/* The entry named `name`, or NULL.  Borrowed until a is changed. */
const struct vg_intel_audit_entry *vg_intel_audit_find(const struct vg_intel_audit *a,
                                                       const char *name);

/* Add e (copied), replacing the entry of the same name.  VG_OK or VG_ENOMEM. */
int vg_intel_audit_set(struct vg_intel_audit *a, const struct vg_intel_audit_entry *e);

/* Append the text of a state file holding a's entries to out, as vg_intel_audit_save writes
 * it.  VG_OK or VG_ENOMEM. */
int vg_intel_audit_format(struct vg_buf *out, const struct vg_intel_audit *a);

/* Write a's entries to DIR/lists.state through a temporary file renamed over it; DIR is created
 * (one level) if missing.  VG_OK; VG_EIO (reported to diag, the old file left as it was);
 * VG_ENOMEM. */
int vg_intel_audit_save(const struct vg_intel_audit *a, const char *dir, struct vg_diag *diag);

/* Write DIR/NAME whole through a temporary file renamed over it (readers never see half a
 * file); DIR is created (one level) if missing.  `what` names the file in messages ("list
 * state").  VG_OK; VG_EIO (reported to diag, the old file left as it was); VG_ENOMEM.  Shared by
 * everything vigil keeps in its state directory. */
int vg_state_file_write(const char *dir, const char *name, const char *data, size_t len,
                        const char *what, struct vg_diag *diag);

/* Create DIR (one level) if missing and check that vigil may write in it, before a change that
 * must be audited.  VG_OK or VG_EIO (reported). */
int vg_intel_audit_prepare(const char *dir, struct vg_diag *diag);

/* One line of DIR/lists-audit.log. */
struct vg_intel_audit_record {
    int64_t time_ms;    /* when vigil saw the change (wall clock, from the caller) */
    const char *action; /* "first-seen", "changed" (by vigil scan), "added" (vigil lists add) */
    enum vg_intel_list_kind kind;
    const struct vg_intel_audit_entry *before; /* NULL when there was none */
    const struct vg_intel_audit_entry *after;
};

/* Append r to DIR/lists-audit.log (created, with a header line naming the columns, if new; DIR
 * too).  Columns: time, action, kind, name, path, file modification time, then before and after
 * of sha256, addresses, networks, domains and the widest public IPv4 prefix ("-" for a before
 * that does not exist).  The line goes out in one write() on a file opened O_APPEND, so
 * concurrent writers do not interleave within a line.  VG_OK; VG_EIO (reported); VG_ENOMEM. */
int vg_intel_audit_append(const char *dir, const struct vg_intel_audit_record *r,
                          struct vg_diag *diag);

/* Fill e from a loaded list; e borrows l's strings.  mtime_ms is clamped to years 0000..9999,
 * the times the state file can hold. */
void vg_intel_audit_entry_from_list(struct vg_intel_audit_entry *e, const struct vg_intel_list *l,
                                    int64_t mtime_ms);

/* The modification time of the file at path in ms (clamped to years 0000..9999), or 0 when it
 * cannot be read (stdin, gone). */
int64_t vg_intel_audit_file_mtime(const char *path);

/* `dir` as written in the configuration file `config_path`: a relative directory is read from
 * the file's directory, like list paths.  Caller frees; NULL when out of memory. */
char *vg_intel_audit_dir_resolve(const char *config_path, const char *dir);

#endif
