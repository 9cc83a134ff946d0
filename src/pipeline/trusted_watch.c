/*
 * Trusted-list findings and the audit trail of list changes; see trusted_watch.h.  Runs once per
 * scan, before the logs, on the frozen intel snapshot: nothing here is per event.
 */
#include "pipeline/trusted_watch.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "enrich/intel_audit.h"

/* Names and paths are the user's text and may be long: findings and log lines show this much. */
#define SHOWN_MAX 200

enum change { CHANGE_NONE, CHANGE_FIRST_SEEN, CHANGE_CONTENT };

/* s for a message: at most SHOWN_MAX bytes, "..." when cut (escaping is the writer's job). */
static int add_shown(struct vg_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n <= SHOWN_MAX)
        return vg_buf_add(b, s, n);
    int rc = vg_buf_add(b, s, SHOWN_MAX);
    return rc ? rc : vg_buf_adds(b, "...");
}

/* 16777216 as "16,777,216". */
static int add_count(struct vg_buf *b, uint64_t v)
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%" PRIu64, v);
    int rc = VG_OK;
    for (int i = 0; i < n && rc == VG_OK; i++) {
        if (i && (n - i) % 3 == 0)
            rc = vg_buf_addc(b, ',');
        if (rc == VG_OK)
            rc = vg_buf_addc(b, digits[i]);
    }
    return rc;
}

/* The detail sentence(s) of the finding: what the list covers, and how it changed. */
static int build_detail(struct vg_buf *b, const struct vg_intel_list *l,
                        const struct vg_intel_audit_entry *now,
                        const struct vg_intel_audit_entry *before, enum change change,
                        bool with_state, int64_t max_prefix)
{
    int rc = vg_buf_adds(b, "Trusted list '");
    rc |= add_shown(b, now->name);
    rc |= vg_buf_adds(b, "' (");
    rc |= add_shown(b, now->path);
    /* the store measures a CIDR by its prefix and a range a-b by the prefix its span needs */
    rc |= vg_buf_printf(b, ") covers public IPv4 space as wide as a /%u (", now->widest_v4);
    rc |= add_count(b, (uint64_t)1 << (32 - now->widest_v4));
    char lo[64], hi[64];
    if (vg_ip_format(&l->widest_public_v4[0], lo, sizeof(lo)) &&
        vg_ip_format(&l->widest_public_v4[1], hi, sizeof(hi)))
        rc |= vg_buf_printf(b, " addresses: %s to %s", lo, hi);
    else
        rc |= vg_buf_adds(b, " addresses");
    rc |= vg_buf_printf(
        b, "), wider than the /%" PRId64 " that intel.trusted_max_public_prefix allows.",
        max_prefix);
    if (!with_state || rc)
        return rc ? VG_ENOMEM : VG_OK;
    if (change == CHANGE_FIRST_SEEN) {
        rc |= vg_buf_adds(b, " vigil had not seen this list before.");
    } else if (change == CHANGE_NONE) {
        rc |= vg_buf_adds(b, " It is unchanged since vigil last saw it.");
    } else {
        char t[40];
        vg_time_format_iso(before->mtime_ms, t, sizeof(t));
        rc |= vg_buf_printf(b,
                            " Its content changed since vigil last saw it (sha256 %s, modified %s)",
                            before->sha256, t);
        if (now->widest_v4 < before->widest_v4)
            rc |= vg_buf_printf(b, ", and its widest public network grew from /%u.",
                                before->widest_v4);
        else
            rc |= vg_buf_printf(b, "; its widest public network was /%u then.", before->widest_v4);
    }
    return rc ? VG_ENOMEM : VG_OK;
}

static void emit_finding(const struct vg_intel_list *l, const struct vg_intel_audit_entry *now,
                         const char *detail, const struct vg_emit *emit)
{
    /* The synthetic record: a CloudTrail-shaped event, because a finding's resource and action
     * are rendered from one; everything that would name an AWS principal stays empty. */
    struct vg_event ev = { 0 };
    ev.source = VG_SOURCE_CLOUDTRAIL;
    ev.time_ms = now->mtime_ms;
    ev.account_id = VG_STR(VG_TRUSTED_WATCH_ACCOUNT);
    ev.ref.source = l->path;
    ev.ct.event_source = VG_STR("vigil");
    ev.ct.event_name = VG_STR("LoadTrustedList");
    ev.ct.identity.type_name = VG_STR("Unknown"); /* who edited the file is not known */
    struct vg_finding_threat_ref list = { vg_str_from(l->name), VG_STR_NULL,
                                          vg_str_from(l->sha256) };
    struct vg_finding_draft d = {
        .type = VG_FT_DEFENSEEVASION_VIGIL_TRUSTEDLISTTOOWIDE,
        .event = &ev,
        .counterpart = vg_str_from(l->name), /* one finding per list */
        .detail = vg_str_from(detail),
        .threats = &list,
        .threat_count = 1,
    };
    vg_emit_finding(emit, &d);
}

/* The stderr line for a change: list, old and new sha256 and counts. */
static void log_change(const struct vg_intel_audit_entry *now,
                       const struct vg_intel_audit_entry *before)
{
    struct vg_buf raw = VG_BUF_INIT, shown = VG_BUF_INIT;
    int rc = vg_buf_adds(&raw, "trusted list '");
    rc |= add_shown(&raw, now->name);
    if (before)
        rc |= vg_buf_printf(&raw,
                            "' changed since the last run: sha256 %s -> %s, addresses %" PRIu64
                            " -> %" PRIu64 ", networks %" PRIu64 " -> %" PRIu64 ", domains %" PRIu64
                            " -> %" PRIu64 ", widest public IPv4 network /%u -> /%u (",
                            before->sha256, now->sha256, before->addresses, now->addresses,
                            before->networks, now->networks, before->domains, now->domains,
                            before->widest_v4, now->widest_v4);
    else
        rc |=
            vg_buf_printf(&raw,
                          "' first seen: sha256 %s, %" PRIu64 " addresses, %" PRIu64
                          " networks, %" PRIu64 " domains, widest public IPv4 network /%u (",
                          now->sha256, now->addresses, now->networks, now->domains, now->widest_v4);
    rc |= add_shown(&raw, now->path);
    rc |= vg_buf_addc(&raw, ')');
    if (rc == VG_OK)
        rc = vg_buf_add_printable(&shown, (struct vg_str){ raw.data, raw.len });
    if (rc == VG_OK)
        vg_log_warn("%s", shown.data);
    vg_buf_release(&raw);
    vg_buf_release(&shown);
}

int vg_trusted_watch_run(const struct vg_intel *intel, size_t count,
                         const struct vg_trusted_watch_opts *opts, const struct vg_emit *emit,
                         struct vg_diag *diag, struct vg_trusted_watch_stats *stats)
{
    struct vg_trusted_watch_stats st = { 0 };
    struct vg_intel_audit state;
    struct vg_buf detail = VG_BUF_INIT;
    bool with_state = opts->state_dir && opts->state_dir[0];
    bool dirty = false;
    int rc = VG_OK, io = VG_OK;

    vg_intel_audit_init(&state);
    if (with_state) {
        rc = vg_intel_audit_load(&state, opts->state_dir, diag);
        if (rc == VG_EIO) {
            /* unreadable: still report every wide list, but neither compare nor overwrite */
            io = rc;
            rc = VG_OK;
            with_state = false;
        }
    }
    if (count > vg_intel_list_count(intel))
        count = vg_intel_list_count(intel);
    for (size_t i = 0; i < count && rc == VG_OK; i++) {
        const struct vg_intel_list *l = vg_intel_list_at(intel, i);
        if (l->kind != VG_INTEL_TRUSTED)
            continue;
        st.lists++;
        struct vg_intel_audit_entry now;
        int64_t mtime = opts->modified_ms ? opts->modified_ms : vg_intel_audit_file_mtime(l->path);
        vg_intel_audit_entry_from_list(&now, l, mtime);
        const struct vg_intel_audit_entry *before =
            with_state ? vg_intel_audit_find(&state, l->name) : NULL;
        enum change change = !with_state                               ? CHANGE_NONE
                             : !before                                 ? CHANGE_FIRST_SEEN
                             : strcmp(before->sha256, now.sha256) != 0 ? CHANGE_CONTENT
                                                                       : CHANGE_NONE;
        if (change != CHANGE_NONE) {
            st.first_seen += change == CHANGE_FIRST_SEEN;
            st.changed += change == CHANGE_CONTENT;
            log_change(&now, before);
            struct vg_intel_audit_record r = {
                opts->now_ms,
                change == CHANGE_FIRST_SEEN ? "first-seen" : "changed",
                VG_INTEL_TRUSTED,
                before,
                &now,
            };
            int arc = vg_intel_audit_append(opts->state_dir, &r, diag);
            if (arc == VG_ENOMEM)
                rc = arc;
            else if (arc != VG_OK)
                io = arc;
        }
        if (rc == VG_OK && (int64_t)now.widest_v4 < opts->max_public_prefix) {
            st.too_wide++;
            vg_buf_reset(&detail);
            rc =
                build_detail(&detail, l, &now, before, change, with_state, opts->max_public_prefix);
            if (rc == VG_OK && emit)
                emit_finding(l, &now, detail.data, emit);
        }
        /* remember the list; an unchanged one only when its path or file time moved */
        if (rc == VG_OK && with_state &&
            (change != CHANGE_NONE || strcmp(before->path, now.path) != 0 ||
             before->mtime_ms != now.mtime_ms)) {
            rc = vg_intel_audit_set(&state, &now);
            dirty = true;
        }
    }
    if (rc == VG_OK && with_state && dirty) {
        int src = vg_intel_audit_save(&state, opts->state_dir, diag);
        if (src == VG_ENOMEM)
            rc = src;
        else if (src != VG_OK)
            io = src;
    }
    vg_intel_audit_release(&state);
    vg_buf_release(&detail);
    if (stats)
        *stats = st;
    return rc != VG_OK ? rc : io;
}
