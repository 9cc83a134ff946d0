/*
 * The trusted-list state file and audit log; see intel_audit.h.  The state file is parsed as
 * hostile input (a strict format, every field checked, sizes capped); writes go through a temp
 * file and rename(2) so readers never see half a file.
 */
#include "enrich/intel_audit.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/time.h"

#define STATE_FILE "lists.state"
#define AUDIT_FILE "lists-audit.log"
#define STATE_MAGIC "# vigil lists state 1"
#define STATE_COLUMNS 8

/* Limits for reading the state file back.  A real one holds one short line per trusted list
 * (the configuration takes at most 1024 lists, the command line 64), so these are far above any
 * honest file and only bound what a planted one can make vigil allocate. */
enum {
    STATE_MAX_BYTES = 32 << 20, /* 4096 lines of the longest fields, escaped */
    STATE_MAX_ENTRIES = 4096,
    FIELD_MAX_BYTES = 4096, /* PATH_MAX: a name or path after unescaping */
};

/* The modification times the state file can hold: vg_time_format_iso writes four-digit years
 * and vg_time_parse_iso reads only those, so a time outside 0000..9999 written as it is (a
 * file touched to year 10000 on tmpfs or btrfs, or a planted "0000-01-01T00:00:00+01:00" read
 * back) would make vigil refuse its own state on the next run: every list "first-seen" again,
 * the before side of a change lost.  Times are clamped to this range on the way in and refused
 * outside it on the way back. */
#define MTIME_MIN_MS (-62167219200000LL) /* 0000-01-01T00:00:00.000Z */
#define MTIME_MAX_MS 253402300799999LL   /* 9999-12-31T23:59:59.999Z */

static int64_t clamp_mtime(int64_t ms)
{
    return ms < MTIME_MIN_MS ? MTIME_MIN_MS : ms > MTIME_MAX_MS ? MTIME_MAX_MS : ms;
}

void vg_intel_audit_init(struct vg_intel_audit *a)
{
    memset(a, 0, sizeof(*a));
}

static void entry_release(struct vg_intel_audit_entry *e)
{
    free(e->name);
    free(e->path);
    e->name = e->path = NULL;
}

void vg_intel_audit_release(struct vg_intel_audit *a)
{
    for (size_t i = 0; i < a->count; i++)
        entry_release(&a->entries[i]);
    free(a->entries);
    vg_intel_audit_init(a);
}

const struct vg_intel_audit_entry *vg_intel_audit_find(const struct vg_intel_audit *a,
                                                       const char *name)
{
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->entries[i].name, name) == 0)
            return &a->entries[i];
    return NULL;
}

int vg_intel_audit_set(struct vg_intel_audit *a, const struct vg_intel_audit_entry *e)
{
    struct vg_intel_audit_entry copy = *e;
    copy.name = strdup(e->name ? e->name : "");
    copy.path = strdup(e->path ? e->path : "");
    if (!copy.name || !copy.path) {
        entry_release(&copy);
        return VG_ENOMEM;
    }
    for (size_t i = 0; i < a->count; i++) {
        if (strcmp(a->entries[i].name, copy.name) == 0) {
            entry_release(&a->entries[i]);
            a->entries[i] = copy;
            return VG_OK;
        }
    }
    if (a->count == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        struct vg_intel_audit_entry *p = realloc(a->entries, cap * sizeof(*p));
        if (!p) {
            entry_release(&copy);
            return VG_ENOMEM;
        }
        a->entries = p;
        a->cap = cap;
    }
    a->entries[a->count++] = copy;
    return VG_OK;
}

void vg_intel_audit_entry_from_list(struct vg_intel_audit_entry *e, const struct vg_intel_list *l,
                                    int64_t mtime_ms)
{
    memset(e, 0, sizeof(*e));
    e->name = l->name;
    e->path = l->path;
    memcpy(e->sha256, l->sha256, sizeof(e->sha256));
    e->sha256[64] = '\0';
    e->addresses = l->addresses;
    e->networks = l->networks;
    e->domains = l->domains;
    e->widest_v4 = l->widest_public_prefix_v4 > 32 ? 32 : (unsigned)l->widest_public_prefix_v4;
    e->mtime_ms = clamp_mtime(mtime_ms);
}

int64_t vg_intel_audit_file_mtime(const char *path)
{
    struct stat st;
    int64_t ms;
    if (!path || stat(path, &st) != 0)
        return 0;
    if (__builtin_mul_overflow((int64_t)st.st_mtim.tv_sec, 1000, &ms))
        return st.st_mtim.tv_sec < 0 ? MTIME_MIN_MS : MTIME_MAX_MS;
    return clamp_mtime(ms + st.st_mtim.tv_nsec / 1000000);
}

char *vg_intel_audit_dir_resolve(const char *config_path, const char *dir)
{
    const char *slash = config_path ? strrchr(config_path, '/') : NULL;
    struct vg_buf b = VG_BUF_INIT;
    int rc = VG_OK;
    if (dir[0] != '/' && slash)
        rc = vg_buf_add(&b, config_path, (size_t)(slash - config_path) + 1);
    if (rc == VG_OK)
        rc = vg_buf_adds(&b, dir);
    if (rc != VG_OK) {
        vg_buf_release(&b);
        return NULL;
    }
    return vg_buf_detach(&b, NULL);
}

/* ---- escaping: names and paths are the user's text, columns and lines are ours ---- */

static int add_escaped(struct vg_buf *b, const char *s)
{
    int rc = VG_OK;
    for (const unsigned char *p = (const unsigned char *)s; *p && rc == VG_OK; p++) {
        if (*p == '\\')
            rc = vg_buf_adds(b, "\\\\");
        else if (*p == '\t')
            rc = vg_buf_adds(b, "\\t");
        else if (*p == '\n')
            rc = vg_buf_adds(b, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            rc = vg_buf_printf(b, "\\x%02x", *p);
        else
            rc = vg_buf_addc(b, (char)*p);
    }
    return rc;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Undo add_escaped into a new string (*out, caller frees).  NULL why = ok; else why not. */
static const char *unescape(struct vg_str s, char **out, int *rc)
{
    struct vg_buf b = VG_BUF_INIT;
    const char *why = NULL;
    *out = NULL;
    for (size_t i = 0; i < s.len && !why && *rc == VG_OK; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < 0x20 || c == 0x7f) {
            why = "holds a raw control byte";
        } else if (c != '\\') {
            *rc = vg_buf_addc(&b, (char)c);
        } else if (i + 1 < s.len &&
                   (s.ptr[i + 1] == '\\' || s.ptr[i + 1] == 't' || s.ptr[i + 1] == 'n')) {
            char e = s.ptr[++i];
            *rc = vg_buf_addc(&b, e == 't' ? '\t' : e == 'n' ? '\n' : '\\');
        } else if (i + 3 < s.len && s.ptr[i + 1] == 'x' && hex_value(s.ptr[i + 2]) >= 0 &&
                   hex_value(s.ptr[i + 3]) >= 0) {
            int v = hex_value(s.ptr[i + 2]) * 16 + hex_value(s.ptr[i + 3]);
            if (v == 0)
                why = "holds an escaped NUL byte";
            else
                *rc = vg_buf_addc(&b, (char)v);
            i += 3;
        } else {
            why = "holds an invalid escape";
        }
        if (!why && b.len > FIELD_MAX_BYTES)
            why = "is too long";
    }
    if (!why && *rc == VG_OK && b.len == 0)
        why = "is empty";
    if (why || *rc != VG_OK)
        vg_buf_release(&b);
    else
        *out = vg_buf_detach(&b, NULL);
    return why;
}

/* ---- reading the state file ---- */

static bool is_sha256(struct vg_str s)
{
    if (s.len != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s.ptr[i] >= '0' && s.ptr[i] <= '9') || (s.ptr[i] >= 'a' && s.ptr[i] <= 'f')))
            return false;
    return true;
}

/* Split line into exactly STATE_COLUMNS tab-separated fields. */
static bool split_columns(struct vg_str line, struct vg_str cols[STATE_COLUMNS])
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= line.len; i++) {
        if (i < line.len && line.ptr[i] != '\t')
            continue;
        if (n == STATE_COLUMNS)
            return false;
        cols[n++] = (struct vg_str){ line.ptr + start, i - start };
        start = i + 1;
    }
    return n == STATE_COLUMNS;
}

/* Parse one data line into e (owning its strings on success).  False with why[] saying what is
 * wrong, or with *rc set when memory ran out. */
static bool parse_line(struct vg_str line, struct vg_intel_audit_entry *e, int *rc, char why[96])
{
    struct vg_str c[STATE_COLUMNS];
    uint64_t widest;
    const char *bad = NULL;
    memset(e, 0, sizeof(*e));
    if (!split_columns(line, c)) {
        snprintf(why, 96, "expected %d tab-separated columns", STATE_COLUMNS);
        return false;
    }
    if ((bad = unescape(c[0], &e->name, rc)) || *rc != VG_OK) {
        snprintf(why, 96, "the name %s", bad ? bad : "");
        return false;
    }
    if ((bad = unescape(c[1], &e->path, rc)) || *rc != VG_OK) {
        snprintf(why, 96, "the path %s", bad ? bad : "");
        entry_release(e);
        return false;
    }
    bad = !is_sha256(c[2])                               ? "sha256 is not 64 lowercase hex digits"
          : !vg_str_to_u64(c[3], &e->addresses)          ? "the address count is not a number"
          : !vg_str_to_u64(c[4], &e->networks)           ? "the network count is not a number"
          : !vg_str_to_u64(c[5], &e->domains)            ? "the domain count is not a number"
          : !vg_str_to_u64(c[6], &widest) || widest > 32 ? "the prefix length is not 0 to 32"
          : !vg_time_parse_iso(c[7], &e->mtime_ms)       ? "the time is not an RFC 3339 time"
          : e->mtime_ms != clamp_mtime(e->mtime_ms)      ? "the time is not in years 0000 to 9999"
                                                         : NULL;
    if (bad) {
        snprintf(why, 96, "%s", bad);
        entry_release(e);
        return false;
    }
    memcpy(e->sha256, c[2].ptr, 64);
    e->sha256[64] = '\0';
    e->widest_v4 = (unsigned)widest;
    return true;
}

/* Read the whole file at path into b, stopping once it holds more than STATE_MAX_BYTES (the
 * parser then refuses it as too big).  VG_OK, VG_ENOTFOUND (no file), VG_EIO with errno set,
 * VG_ENOMEM. */
static int read_capped(const char *path, struct vg_buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? VG_ENOTFOUND : VG_EIO;
    struct stat st;
    int rc = VG_OK;
    if (fstat(fd, &st) != 0) {
        rc = VG_EIO;
    } else if (!S_ISREG(st.st_mode)) {
        errno = EISDIR;
        rc = VG_EIO;
    }
    while (rc == VG_OK && b->len <= STATE_MAX_BYTES) {
        if ((rc = vg_buf_reserve(b, 65536)) != VG_OK)
            break;
        ssize_t n = read(fd, b->data + b->len, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = VG_EIO;
        if (n <= 0)
            break;
        b->len += (size_t)n;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int vg_intel_audit_load_buffer(struct vg_intel_audit *a, const char *name, const char *data,
                               size_t len, struct vg_diag *diag)
{
    struct vg_intel_audit fresh;
    struct vg_diag_loc loc = { name, 0, 0 };
    char why_buf[96];
    const char *why = NULL;
    int rc = VG_OK;

    vg_intel_audit_init(&fresh);
    if (len > STATE_MAX_BYTES) {
        vg_diag_report(diag, VG_DIAG_TOO_BIG, NULL,
                       "%s: list state larger than %d bytes; ignored, as on a first run", name,
                       STATE_MAX_BYTES);
        goto out;
    }
    const char *p = data ? data : "", *end = p + len;
    if (len == 0) {
        loc.line = 1;
        why = "empty file";
    }
    for (uint64_t line = 1; p < end && !why && rc == VG_OK; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct vg_str s = { p, nl ? (size_t)(nl - p) : (size_t)(end - p) };
        p = nl ? nl + 1 : end;
        loc.line = line;
        if (line == 1) {
            if (!vg_str_eq_lit(s, STATE_MAGIC))
                why = "not a vigil list state file (its first line must be '" STATE_MAGIC "')";
            continue;
        }
        if (s.len == 0 || s.ptr[0] == '#')
            continue;
        if (memchr(s.ptr, '\0', s.len)) {
            why = "holds a NUL byte";
            break;
        }
        struct vg_intel_audit_entry e;
        if (!parse_line(s, &e, &rc, why_buf)) {
            why = rc == VG_OK ? why_buf : NULL;
            break;
        }
        if (vg_intel_audit_find(&fresh, e.name))
            why = "a second line for a list named above";
        else if (fresh.count == STATE_MAX_ENTRIES)
            why = "too many lists";
        else
            rc = vg_intel_audit_set(&fresh, &e);
        entry_release(&e);
    }
    if (rc == VG_OK && why) {
        vg_diag_report(diag, VG_DIAG_FIELD, &loc, "%s; list state ignored, as on a first run", why);
        vg_intel_audit_release(&fresh);
    }
out:
    if (rc == VG_OK) {
        vg_intel_audit_release(a);
        *a = fresh;
    } else {
        vg_intel_audit_release(&fresh);
    }
    return rc;
}

int vg_intel_audit_load(struct vg_intel_audit *a, const char *dir, struct vg_diag *diag)
{
    struct vg_buf path = VG_BUF_INIT, data = VG_BUF_INIT;
    int rc;

    if ((rc = vg_buf_printf(&path, "%s/%s", dir, STATE_FILE)) != VG_OK)
        goto out;
    rc = read_capped(path.data, &data);
    if (rc == VG_ENOTFOUND) {
        vg_intel_audit_release(a); /* a first run */
        rc = VG_OK;
    } else if (rc == VG_EIO) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot read the list state: %s", path.data,
                       strerror(errno));
    } else if (rc == VG_OK) {
        rc = vg_intel_audit_load_buffer(a, path.data, data.data, data.len, diag);
    }
out:
    vg_buf_release(&path);
    vg_buf_release(&data);
    return rc;
}

/* ---- writing ---- */

static int make_dir(const char *dir, struct vg_diag *diag)
{
    struct stat st;
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot create the state directory: %s", dir,
                       strerror(errno));
        return VG_EIO;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: the state directory is not a directory", dir);
        return VG_EIO;
    }
    return VG_OK;
}

int vg_intel_audit_prepare(const char *dir, struct vg_diag *diag)
{
    int rc = make_dir(dir, diag);
    if (rc == VG_OK && access(dir, W_OK | X_OK) != 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot write in the state directory: %s", dir,
                       strerror(errno));
        rc = VG_EIO;
    }
    return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return VG_EIO;
        p += n;
        len -= (size_t)n;
    }
    return VG_OK;
}

static int add_entry_line(struct vg_buf *b, const struct vg_intel_audit_entry *e)
{
    char t[40];
    vg_time_format_iso(clamp_mtime(e->mtime_ms), t, sizeof(t)); /* always readable back */
    int rc = add_escaped(b, e->name);
    rc |= vg_buf_addc(b, '\t');
    rc |= add_escaped(b, e->path);
    rc |= vg_buf_printf(b, "\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%u\t%s\n", e->sha256,
                        e->addresses, e->networks, e->domains, e->widest_v4, t);
    return rc ? VG_ENOMEM : VG_OK;
}

int vg_intel_audit_format(struct vg_buf *out, const struct vg_intel_audit *a)
{
    int rc = vg_buf_adds(out, STATE_MAGIC "\n# name\tpath\tsha256\taddresses\tnetworks\tdomains"
                                          "\twidest_public_v4\tmtime\n");
    for (size_t i = 0; i < a->count && rc == VG_OK; i++)
        rc = add_entry_line(out, &a->entries[i]);
    return rc;
}

int vg_state_file_write(const char *dir, const char *name, const char *data, size_t len,
                        const char *what, struct vg_diag *diag)
{
    struct vg_buf tmp = VG_BUF_INIT, path = VG_BUF_INIT;
    int fd = -1;
    int rc = make_dir(dir, diag);
    if (rc != VG_OK)
        goto out;
    rc = vg_buf_printf(&tmp, "%s/.%s.XXXXXX", dir, name);
    if (rc == VG_OK)
        rc = vg_buf_printf(&path, "%s/%s", dir, name);
    if (rc != VG_OK)
        goto out;
    if ((fd = mkstemp(tmp.data)) < 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot create a temporary file beside it: %s",
                       path.data, strerror(errno));
        rc = VG_EIO;
        goto out;
    }
    if (write_all(fd, data, len) != VG_OK || fsync(fd) != 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot write the %s: %s", path.data, what,
                       strerror(errno));
        rc = VG_EIO;
    }
    if (close(fd) != 0 && rc == VG_OK) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot write the %s: %s", path.data, what,
                       strerror(errno));
        rc = VG_EIO;
    }
    fd = -1;
    if (rc == VG_OK && rename(tmp.data, path.data) != 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot replace the %s: %s", path.data, what,
                       strerror(errno));
        rc = VG_EIO;
    }
    if (rc != VG_OK)
        unlink(tmp.data);
out:
    vg_buf_release(&tmp);
    vg_buf_release(&path);
    return rc;
}

int vg_intel_audit_save(const struct vg_intel_audit *a, const char *dir, struct vg_diag *diag)
{
    struct vg_buf text = VG_BUF_INIT;
    int rc = vg_intel_audit_format(&text, a);
    if (rc == VG_OK)
        rc = vg_state_file_write(dir, STATE_FILE, text.data, text.len, "list state", diag);
    vg_buf_release(&text);
    return rc;
}

static int add_before_after_u64(struct vg_buf *b, const struct vg_intel_audit_entry *before,
                                uint64_t was, uint64_t now)
{
    if (before)
        return vg_buf_printf(b, "\t%" PRIu64 "\t%" PRIu64, was, now);
    return vg_buf_printf(b, "\t-\t%" PRIu64, now);
}

int vg_intel_audit_append(const char *dir, const struct vg_intel_audit_record *r,
                          struct vg_diag *diag)
{
    const struct vg_intel_audit_entry *b = r->before, *e = r->after;
    struct vg_buf line = VG_BUF_INIT, path = VG_BUF_INIT;
    char now[40], mtime[40];
    int fd = -1;
    int rc = make_dir(dir, diag);
    if (rc != VG_OK)
        goto out;
    if ((rc = vg_buf_printf(&path, "%s/%s", dir, AUDIT_FILE)) != VG_OK)
        goto out;
    vg_time_format_iso(r->time_ms, now, sizeof(now));
    vg_time_format_iso(e->mtime_ms, mtime, sizeof(mtime));
    rc = vg_buf_printf(&line, "%s\t%s\t%s\t", now, r->action,
                       r->kind == VG_INTEL_TRUSTED ? "trusted" : "threat");
    rc |= add_escaped(&line, e->name);
    rc |= vg_buf_addc(&line, '\t');
    rc |= add_escaped(&line, e->path);
    rc |= vg_buf_printf(&line, "\t%s\t%s\t%s", mtime, b ? b->sha256 : "-", e->sha256);
    rc |= add_before_after_u64(&line, b, b ? b->addresses : 0, e->addresses);
    rc |= add_before_after_u64(&line, b, b ? b->networks : 0, e->networks);
    rc |= add_before_after_u64(&line, b, b ? b->domains : 0, e->domains);
    rc |= add_before_after_u64(&line, b, b ? b->widest_v4 : 0, e->widest_v4);
    rc |= vg_buf_addc(&line, '\n');
    if (rc != VG_OK) {
        rc = VG_ENOMEM;
        goto out;
    }
    fd = open(path.data, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot open the audit log: %s", path.data,
                       strerror(errno));
        rc = VG_EIO;
        goto out;
    }
    if (st.st_size == 0) {
        /* a new log starts with the names of its columns, in the same single write */
        struct vg_buf head = VG_BUF_INIT;
        rc = vg_buf_adds(&head, "# time\taction\tkind\tname\tpath\tmtime\tsha256_before\tsha256"
                                "\taddresses_before\taddresses\tnetworks_before\tnetworks"
                                "\tdomains_before\tdomains\twidest_v4_before\twidest_v4\n");
        if (rc == VG_OK)
            rc = vg_buf_add(&head, line.data, line.len);
        if (rc == VG_OK) {
            vg_buf_release(&line);
            line = head;
        } else {
            vg_buf_release(&head);
            goto out;
        }
    }
    if (write_all(fd, line.data, line.len) != VG_OK) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot append to the audit log: %s", path.data,
                       strerror(errno));
        rc = VG_EIO;
    }
out:
    if (fd >= 0 && close(fd) != 0 && rc == VG_OK) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "%s: cannot append to the audit log: %s", path.data,
                       strerror(errno));
        rc = VG_EIO;
    }
    vg_buf_release(&line);
    vg_buf_release(&path);
    return rc;
}
