/* vigild's loop: folders -> pieces -> scan -> one transaction per piece; see service.h. */
#include "pipeline/service.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/time.h"
#include "findings/table.h"
#include "ingest/input.h"
#include "parse/format.h"
#include "pipeline/metrics.h"
#include "pipeline/writer.h"
#include "store/store.h"

const int64_t vg_service_latency_bounds_ms[8] = { 50, 100, 250, 500, 1000, 2000, 5000, 10000 };

/* What vigild knows of one file. */
struct file_state {
    char *path;
    uint64_t dev, ino;
    uint64_t done;  /* bytes scanned (plain offset; for whole objects the stored size) */
    uint64_t lines; /* complete lines scanned, for the line numbers of the next piece */
    uint64_t size;
    int64_t mtime_ms;
    int64_t arrived_ms; /* first seen with unscanned bytes (wall clock) */
    int64_t name_time_ms;
    bool whole; /* gzip or a JSON document: read once, when settled */
    /* the writer closed it or renamed it into place (inotify) at this size: complete without
     * waiting to settle */
    bool closed;
    uint64_t closed_size;
    bool finished; /* a whole object that has been scanned */
    bool kind_known;
    struct file_state *next; /* hash chain */
};

struct vg_service {
    struct vg_service_opts opts;
    struct vg_store *store;
    struct vg_scan *scan;
    struct vg_findings *findings; /* the scan's table */
    char detector_id[33];
    struct file_state **buckets;
    size_t nbuckets, nfiles;
    struct file_state **pending; /* this pass's files with bytes to read */
    size_t npending, pending_cap;
    struct vg_input input; /* reused for every whole object */
    struct vg_buf piece;   /* reused for every plain piece */
    struct vg_writer writer;
    int inotify_fd;
    int wake_fd;    /* vg_service_wake: news that is not about files */
    char **watched; /* inotify watch descriptor -> folder path */
    size_t nwatched;
    int64_t last_pass_ms, last_expire_ms;
    int64_t commit_now_ms; /* wall clock of the piece being committed */
    bool replaying;
    int store_rc; /* the first failed write of the piece in flight, from on_evict */
    struct vg_service_stats stats;
    struct vg_diag diag; /* service messages (the scan has its own for bad records) */
};

static void say(struct vg_service *s, const char *source, const char *fmt, ...) VG_PRINTF(3, 4);
static void say(struct vg_service *s, const char *source, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct vg_diag_loc loc = { source, 0, 0 };
    vg_diag_report(&s->diag, VG_DIAG_IO, &loc, "%s", msg);
}

/* ---- the file map ---- */

static struct file_state *file_find(struct vg_service *s, const char *path, bool create)
{
    uint64_t h = vg_hash64(path, strlen(path), 0);
    struct file_state **pp = &s->buckets[h & (s->nbuckets - 1)];
    for (struct file_state *f = *pp; f; f = f->next)
        if (strcmp(f->path, path) == 0)
            return f;
    if (!create)
        return NULL;
    if (s->nfiles >= s->nbuckets) { /* keep chains short: double and rehash */
        size_t n = s->nbuckets * 2;
        struct file_state **b = calloc(n, sizeof(*b));
        if (!b)
            return NULL;
        for (size_t i = 0; i < s->nbuckets; i++)
            for (struct file_state *f = s->buckets[i], *next; f; f = next) {
                next = f->next;
                uint64_t fh = vg_hash64(f->path, strlen(f->path), 0);
                f->next = b[fh & (n - 1)];
                b[fh & (n - 1)] = f;
            }
        free(s->buckets);
        s->buckets = b;
        s->nbuckets = n;
        pp = &s->buckets[h & (s->nbuckets - 1)];
    }
    struct file_state *f = calloc(1, sizeof(*f));
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return NULL;
    }
    f->next = *pp;
    *pp = f;
    s->nfiles++;
    return f;
}

/* ---- reading pieces ---- */

static int read_at(int fd, struct vg_buf *out, uint64_t start, uint64_t end)
{
    size_t len = (size_t)(end - start);
    if (vg_buf_reserve(out, len + 1) != VG_OK)
        return VG_ENOMEM;
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, out->data + out->len + got, len - got, (off_t)(start + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return VG_EIO;
        got += (size_t)n;
    }
    out->len += len;
    out->data[out->len] = '\0';
    return VG_OK;
}

/* Learn whether a file is read whole (gzip, a CloudTrail document) or by lines. */
static void learn_kind(struct file_state *f, int fd)
{
    char head[64];
    ssize_t n = pread(fd, head, sizeof(head) - 1, 0);
    if (n <= 0)
        return;
    head[n] = '\0';
    size_t i = 0;
    while (i < (size_t)n &&
           (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    bool gzip = n >= 2 && (unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b;
    bool document = head[i] == '{' && strncmp(head + i + 1, "\"Records\"", 9) == 0;
    f->whole = gzip || document || head[i] == '[';
    f->kind_known = true;
}

/* The bytes of one piece, ready to scan: [start, *end) of a line file, cut at its last complete
 * line unless the file has settled, with the flow log header line put in front of a piece that
 * does not start the file.  base_offset and base_line place the buffer in the file.  VG_ENOTFOUND
 * when there is nothing to scan yet. */
static int read_piece(struct vg_service *s, struct file_state *f, uint64_t start, uint64_t *end,
                      bool settled, uint64_t *base_offset, uint64_t *base_line)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return VG_EIO;
    vg_buf_reset(&s->piece);
    *base_offset = start;
    *base_line = f->lines;
    int rc = VG_OK;
    if (start > 0) {
        char first[4096];
        ssize_t n = pread(fd, first, sizeof(first), 0);
        char *nl = n > 0 ? memchr(first, '\n', (size_t)n) : NULL;
        if (nl && vg_format_detect(first, (size_t)(nl - first + 1)) &&
            first[0] != '{') { /* a flow log header: the piece's fields are named by it */
            size_t hl = (size_t)(nl - first + 1);
            rc = vg_buf_add(&s->piece, first, hl);
            *base_offset = start - hl;
            *base_line = f->lines - 1;
        }
    }
    size_t prefix = s->piece.len;
    if (rc == VG_OK)
        rc = read_at(fd, &s->piece, start, *end);
    close(fd);
    if (rc != VG_OK)
        return rc;
    if (!settled) {
        const char *data = s->piece.data + prefix;
        size_t len = s->piece.len - prefix;
        const char *nl = len ? memrchr(data, '\n', len) : NULL;
        if (!nl)
            return VG_ENOTFOUND;
        size_t keep = (size_t)(nl - data) + 1;
        *end = start + keep;
        s->piece.len = prefix + keep;
    }
    return VG_OK;
}

static uint64_t count_lines(const char *p, size_t len)
{
    uint64_t n = 0;
    for (const char *end = p + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    return n;
}

/* Scan bytes [start, end) of f (the whole object for whole files).  records and bad get what the
 * parser counted.  VG_OK, VG_ENOTFOUND (nothing complete yet), VG_EIO (reported), VG_ENOMEM. */
static int scan_piece(struct vg_service *s, struct file_state *f, uint64_t start, uint64_t *end,
                      bool settled, uint64_t *records, uint64_t *bad)
{
    const struct vg_scan_stats *st = vg_scan_stats(s->scan);
    uint64_t r0 = st->parse.records, b0 = st->parse.bad_records;
    int rc;
    if (f->whole) {
        const char *data;
        size_t len;
        rc = vg_input_read(&s->input, f->path, &s->diag, &data, &len);
        if (rc == VG_OK)
            rc = vg_scan_buffer(s->scan, f->path, data, len);
    } else {
        uint64_t base_offset, base_line;
        rc = read_piece(s, f, start, end, settled, &base_offset, &base_line);
        if (rc == VG_OK) {
            f->lines += count_lines(s->piece.data + (start - base_offset), (size_t)(*end - start));
            rc = vg_scan_buffer_at(s->scan, f->path, s->piece.data, s->piece.len, base_offset,
                                   base_line);
        }
    }
    *records = st->parse.records - r0;
    *bad = st->parse.bad_records - b0;
    return rc;
}

/* ---- writing findings ---- */

/* Write a finding in the piece's transaction. */
static int store_changed(void *ctx, const struct vg_finding *f)
{
    struct vg_service *s = ctx;
    return vg_writer_put(&s->writer, f, vg_scan_pdns(s->scan), s->commit_now_ms);
}

/* A finding pushed out of the full table mid-piece: its last state is written now (the piece's
 * transaction is open), so nothing is lost. */
static void on_evict(void *ctx, const struct vg_finding *f)
{
    struct vg_service *s = ctx;
    vg_stat_add(&s->stats.findings_evicted, 1);
    if (!s->replaying && s->store_rc == VG_OK)
        s->store_rc = store_changed(s, f);
}

static void bad_filter(void *ctx, const char *filter, const char *why)
{
    say(ctx, filter, "suppression rule not applied: %s", why);
}

/* ---- the JSON-lines output ---- */

struct jsonl_ctx {
    int fd;
    int64_t last;
    int rc;
};

static int jsonl_row(void *ctx, const struct vg_outbox_row *r)
{
    struct jsonl_ctx *j = ctx;
    size_t len = strlen(r->json);
    struct iovec iov[2] = { { (void *)r->json, len }, { (void *)"\n", 1 } };
    if (writev(j->fd, iov, 2) != (ssize_t)(len + 1)) {
        j->rc = VG_EIO;
        return 1;
    }
    j->last = r->seq;
    return 0;
}

/* Append the outbox to the JSON-lines file exactly once: the file is first cut back to the length
 * the store recorded with the last rows it removed, so rows written before a crash and not yet
 * recorded are not written twice. */
static int flush_jsonl(struct vg_service *s)
{
    if (!s->opts.jsonl_path)
        return VG_OK;
    int fd = open(s->opts.jsonl_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        say(s, s->opts.jsonl_path, "cannot open: %s", strerror(errno));
        return VG_EIO;
    }
    struct vg_buf val = VG_BUF_INIT;
    off_t keep = 0;
    if (vg_store_meta_get(s->store, "jsonl.length", &val) == VG_OK)
        keep = (off_t)strtoll(val.data, NULL, 10);
    int rc = VG_OK;
    for (;;) {
        if (ftruncate(fd, keep) != 0 || lseek(fd, keep, SEEK_SET) != keep) {
            rc = VG_EIO;
            break;
        }
        struct jsonl_ctx j = { fd, 0, VG_OK };
        rc = vg_store_outbox_each(s->store, "jsonl", 256, false, jsonl_row, &j);
        if (rc == VG_OK)
            rc = j.rc;
        if (rc != VG_OK || j.last == 0)
            break;
        if (fsync(fd) != 0) {
            rc = VG_EIO;
            break;
        }
        keep = lseek(fd, 0, SEEK_CUR);
        char len[32];
        snprintf(len, sizeof(len), "%lld", (long long)keep);
        rc = vg_store_begin(s->store);
        if (rc == VG_OK)
            rc = vg_store_outbox_done(s->store, "jsonl", j.last);
        if (rc == VG_OK)
            rc = vg_store_meta_set(s->store, "jsonl.length", len);
        rc = rc == VG_OK ? vg_store_commit(s->store) : (vg_store_rollback(s->store), rc);
        if (rc != VG_OK)
            break;
    }
    if (rc != VG_OK)
        say(s, s->opts.jsonl_path, "writing findings failed: %s", strerror(errno));
    vg_buf_release(&val);
    close(fd);
    return rc;
}

/* ---- replay ---- */

static int replay_entry(void *ctx, const struct vg_ledger_entry *e)
{
    struct vg_service *s = ctx;
    struct file_state *f = file_find(s, e->path, true);
    if (!f)
        return VG_ENOMEM;
    if (f->dev != e->dev || f->ino != e->ino) { /* a new file under this name */
        f->dev = e->dev;
        f->ino = e->ino;
        f->done = f->lines = 0;
        f->finished = f->kind_known = false;
    }
    struct stat st;
    bool same = stat(e->path, &st) == 0 && (uint64_t)st.st_dev == e->dev &&
                (uint64_t)st.st_ino == e->ino && (uint64_t)st.st_size >= e->end;
    f->done = e->end;
    f->size = e->end;
    f->mtime_ms = e->mtime_ms;
    f->name_time_ms = vg_input_name_time_ms(e->path, e->mtime_ms);
    if (!same) {
        vg_stat_add(&s->stats.replay_missing, 1);
        say(s, e->path,
            "gone or replaced since it was scanned: detector state is rebuilt without it");
        f->finished = true;
        return 0;
    }
    if (!f->kind_known) {
        int fd = open(e->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            learn_kind(f, fd);
            close(fd);
        }
    }
    uint64_t end = e->end, records, bad;
    int rc = scan_piece(s, f, e->start, &end, true, &records, &bad);
    f->finished = f->whole;
    if (rc == VG_ENOMEM)
        return rc;
    vg_stat_add(&s->stats.files_replayed, 1);
    if (e->done_ms > 0 && f->name_time_ms > s->stats.watermark_ms)
        s->stats.watermark_ms = f->name_time_ms;
    return vg_findings_take_changed(s->findings, NULL, NULL);
}

/* ---- set-up ---- */

static void scan_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct vg_service *s = ctx;
    if (!s->replaying && s->opts.control.on_diag) /* a replay's were said the first time */
        s->opts.control.on_diag(s->opts.control.diag_ctx, code, message);
}

/* Detector state as of the last commit: a new scan, and every ledger piece replayed in order.
 * At start, and again after the store lost a transaction. */
static int rebuild(struct vg_service *s)
{
    vg_scan_free(s->scan);
    s->findings = NULL;
    for (size_t i = 0; i < s->nbuckets; i++) {
        for (struct file_state *f = s->buckets[i], *next; f; f = next) {
            next = f->next;
            free(f->path);
            free(f);
        }
        s->buckets[i] = NULL;
    }
    s->nfiles = s->npending = 0;
    struct vg_scan_opts so = s->opts.scan;
    so.on_evict = on_evict;
    so.evict_ctx = s;
    so.on_diag = scan_diag;
    so.diag_ctx = s;
    so.read_ahead = false; /* pieces come one by one, each with its own commit */
    if (!(s->scan = vg_scan_new(&so)))
        return VG_ENOMEM;
    s->findings = vg_scan_findings(s->scan);
    if (s->opts.watch_count == 0) /* serving the API only: no detector state to build */
        return VG_OK;
    int64_t t0 = vg_wall_ms();
    s->replaying = true;
    int rc = vg_store_ledger_each(s->store, replay_entry, s);
    s->replaying = false;
    s->stats.replay_ms = vg_wall_ms() - t0;
    if (rc != VG_OK)
        say(s, "store", "replaying the ledger failed: %s",
            rc == VG_EDB ? vg_store_error(s->store) : vg_strerror(rc));
    return rc;
}

int vg_service_new(struct vg_service **out, const struct vg_service_opts *opts)
{
    struct vg_service *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s)
        return VG_ENOMEM;
    s->opts = *opts;
    s->inotify_fd = s->wake_fd = -1;
    vg_diag_init(&s->diag, UINT32_MAX, opts->control.on_diag, opts->control.diag_ctx);
    vg_buf_init(&s->piece, 0);
    s->nbuckets = 1024;
    s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
    int rc = s->buckets && vg_input_init(&s->input) == VG_OK ? VG_OK : VG_ENOMEM;
    const char *why = NULL;
    if (rc == VG_OK && (rc = vg_store_open(&s->store, opts->store_uri, &why)) != VG_OK)
        say(s, "store", "cannot open the store: %s", why);
    const struct vg_writer_counts counts = { &s->stats.findings_new, &s->stats.findings_updated,
                                             &s->stats.findings_suppressed };
    vg_writer_init(&s->writer, s->store, &opts->render, opts->jsonl_path != NULL, opts->webhook,
                   &counts, bad_filter, s);
    if (rc == VG_OK && (rc = vg_writer_instance_id(s->store, s->detector_id)) != VG_OK)
        say(s, "store", "cannot write the detector id: %s", vg_store_error(s->store));
    if (rc == VG_OK)
        rc = rebuild(s);
    if (rc != VG_OK) {
        vg_service_free(s);
        return rc;
    }
    s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    *out = s;
    return VG_OK;
}

void vg_service_free(struct vg_service *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nbuckets && s->buckets; i++)
        for (struct file_state *f = s->buckets[i], *next; f; f = next) {
            next = f->next;
            free(f->path);
            free(f);
        }
    free(s->buckets);
    free(s->pending);
    for (size_t i = 0; i < s->nwatched; i++)
        free(s->watched[i]);
    free(s->watched);
    vg_writer_release(&s->writer);
    vg_scan_free(s->scan);
    vg_store_close(s->store);
    vg_input_release(&s->input);
    vg_buf_release(&s->piece);
    if (s->inotify_fd >= 0)
        close(s->inotify_fd);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    free(s);
}

/* ---- one pass over the folders ---- */

static int want(struct vg_service *s, const char *path, const struct stat *st, int64_t now)
{
    struct file_state *f = file_find(s, path, true);
    if (!f)
        return VG_ENOMEM;
    if (f->dev != (uint64_t)st->st_dev || f->ino != (uint64_t)st->st_ino ||
        (uint64_t)st->st_size < f->done) { /* new, replaced or truncated: a new file */
        f->dev = (uint64_t)st->st_dev;
        f->ino = (uint64_t)st->st_ino;
        f->done = f->lines = 0;
        f->finished = f->kind_known = false;
        f->arrived_ms = now;
        if (f->closed && f->closed_size != (uint64_t)st->st_size)
            f->closed = false;
    }
    f->mtime_ms = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
    if ((uint64_t)st->st_size > f->size || !f->arrived_ms)
        f->arrived_ms = f->size == f->done || !f->arrived_ms ? now : f->arrived_ms;
    f->size = (uint64_t)st->st_size;
    /* a whole object is read once: AWS never rewrites a log object in place */
    if (f->finished || f->size <= f->done)
        return VG_OK;
    if (s->npending == s->pending_cap) {
        size_t cap = s->pending_cap ? s->pending_cap * 2 : 256;
        struct file_state **p = realloc(s->pending, cap * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        s->pending = p;
        s->pending_cap = cap;
    }
    f->name_time_ms = vg_input_name_time_ms(path, f->mtime_ms);
    s->pending[s->npending++] = f;
    return VG_OK;
}

/* Walk a folder: files are considered, folders are watched. */
static int walk(struct vg_service *s, const char *dir, int64_t now, int depth)
{
    if (depth > 64)
        return VG_OK;
    int wd = s->inotify_fd >= 0 ? inotify_add_watch(s->inotify_fd, dir,
                                                    IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                                                        IN_MODIFY | IN_DELETE_SELF)
                                : -1;
    if (wd >= 0 && (size_t)wd >= s->nwatched) {
        size_t n = (size_t)wd + 64;
        char **p = realloc(s->watched, n * sizeof(*p));
        if (!p)
            return VG_ENOMEM;
        memset(p + s->nwatched, 0, (n - s->nwatched) * sizeof(*p));
        s->watched = p;
        s->nwatched = n;
    }
    if (wd >= 0 && (!s->watched[wd] || strcmp(s->watched[wd], dir) != 0)) {
        free(s->watched[wd]);
        if (!(s->watched[wd] = strdup(dir)))
            return VG_ENOMEM;
    }
    DIR *d = opendir(dir);
    if (!d) {
        say(s, dir, "cannot read the folder: %s", strerror(errno));
        return VG_OK;
    }
    int rc = VG_OK;
    struct vg_buf path = VG_BUF_INIT;
    for (struct dirent *e; rc == VG_OK && (e = readdir(d));) {
        if (e->d_name[0] == '.') /* ., .., and partial downloads */
            continue;
        vg_buf_reset(&path);
        if (vg_buf_printf(&path, "%s/%s", dir, e->d_name) != VG_OK) {
            rc = VG_ENOMEM;
            break;
        }
        struct stat st;
        if (lstat(path.data, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(s, path.data, now, depth + 1);
        else if (S_ISREG(st.st_mode))
            rc = want(s, path.data, &st, now);
    }
    closedir(d);
    vg_buf_release(&path);
    return rc;
}

static int cmp_pending(const void *a, const void *b)
{
    const struct file_state *x = *(struct file_state *const *)a;
    const struct file_state *y = *(struct file_state *const *)b;
    if (x->name_time_ms != y->name_time_ms)
        return x->name_time_ms < y->name_time_ms ? -1 : 1;
    return strcmp(x->path, y->path);
}

static void record_latency(struct vg_service *s, int64_t ms)
{
    size_t i = 0;
    while (i < VG_ARRAY_LEN(vg_service_latency_bounds_ms) && ms > vg_service_latency_bounds_ms[i])
        i++;
    if (i < VG_ARRAY_LEN(vg_service_latency_bounds_ms))
        vg_stat_add(&s->stats.latency_buckets[i], 1);
    vg_stat_add(&s->stats.latency_count, 1);
    vg_stat_add(&s->stats.latency_sum_ms, (uint64_t)(ms > 0 ? ms : 0));
}

/* What process() says of a file it did not scan: come back in a moment (to settle, or to let
 * files arriving with it join), or when its writer ends the line it is writing. */
enum { NOT_YET = 1, INCOMPLETE = 2, ORDER_WAIT = 3 };

/* Scan one pending file's new bytes and commit them with their findings.  VG_OK, ORDER_WAIT
 * (too new: others arriving with it may come first), NOT_YET,
 * INCOMPLETE, VG_EDB when the store failed, VG_ENOMEM. */
static int process(struct vg_service *s, struct file_state *f, int64_t now)
{
    bool settled =
        now - f->mtime_ms >= s->opts.settle_ms || (f->closed && f->closed_size == f->size);
    if (now - f->arrived_ms < s->opts.order_wait_ms)
        return ORDER_WAIT;
    if (!f->kind_known) {
        int fd = open(f->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return NOT_YET;
        learn_kind(f, fd);
        close(fd);
    }
    if (f->whole && !settled)
        return NOT_YET;
    uint64_t start = f->whole ? 0 : f->done, end = f->size, records = 0, bad = 0;
    int64_t arrived = f->arrived_ms;
    uint64_t lines_before = f->lines;
    s->commit_now_ms = now;
    int rc = vg_store_begin(s->store);
    if (rc != VG_OK)
        return VG_EDB;
    s->store_rc = VG_OK;
    const struct vg_diag *sd = vg_scan_diag(s->scan);
    uint64_t diag_before = sd->total;
    char first_error[256] = "";
    int src = scan_piece(s, f, start, &end, settled, &records, &bad);
    if (src == VG_ENOTFOUND) {
        vg_store_rollback(s->store);
        return INCOMPLETE;
    }
    if (src == VG_ENOMEM) {
        vg_store_rollback(s->store);
        f->lines = lines_before;
        return VG_ENOMEM;
    }
    if (sd->total > diag_before)
        snprintf(first_error, sizeof(first_error), "%s", sd->last);
    rc = vg_findings_take_changed(s->findings, store_changed, s);
    if (rc == VG_OK)
        rc = s->store_rc;
    struct vg_ledger_entry e = {
        .path = f->path,
        .dev = f->dev,
        .ino = f->ino,
        .start = start,
        .end = end,
        .mtime_ms = f->mtime_ms,
        .records = records,
        .bad = bad,
        .status = src == VG_EIO         ? "error"
                  : f->whole || settled ? "done"
                                        : "partial",
        .error = first_error[0] ? first_error : NULL,
        .arrived_ms = arrived,
        .done_ms = now,
    };
    if (rc == VG_OK)
        rc = vg_store_ledger_add(s->store, &e);
    if (rc == VG_OK)
        rc = vg_store_commit(s->store);
    if (rc == VG_ERETRY) {
        /* The transaction died with the store's connection: the piece is not in the ledger,
         * but the findings table already holds it.  The caller rebuilds detector state from
         * the ledger, after which the piece is new again. */
        vg_stat_add(&s->stats.commits_lost, 1);
        say(s, f->path, "reading it again: the store's connection dropped before it committed");
        return VG_ERETRY;
    }
    if (rc != VG_OK) {
        /* The findings table already holds this piece: a retry would count it twice, so stop and
         * let a restart replay the ledger. */
        vg_store_rollback(s->store);
        vg_stat_add(&s->stats.commit_errors, 1);
        say(s, f->path, "committing its findings failed: %s", vg_store_error(s->store));
        return VG_EDB;
    }
    f->done = end;
    f->finished = f->whole;
    if (s->opts.on_commit)
        s->opts.on_commit(s->opts.commit_ctx);
    int64_t done = vg_wall_ms();
    record_latency(s, done - arrived);
    f->arrived_ms = done; /* bytes that arrive from now on */
    vg_stat_add(&s->stats.files, 1);
    vg_stat_add(&s->stats.records, records);
    vg_stat_add(&s->stats.bad_records, bad);
    vg_stat_add(&s->stats.bytes, end - start);
    if (f->name_time_ms < s->stats.watermark_ms - s->opts.lateness_ms)
        vg_stat_add(&s->stats.files_late, 1);
    if (f->name_time_ms > s->stats.watermark_ms)
        __atomic_store_n(&s->stats.watermark_ms, f->name_time_ms, __ATOMIC_RELAXED);
    return VG_OK;
}

void vg_service_wake(struct vg_service *s)
{
    uint64_t one = 1;
    if (s->wake_fd >= 0 && write(s->wake_fd, &one, sizeof(one)) < 0)
        return; /* the counter is full: a wake-up is pending anyway */
}

/* A file its writer closed, or renamed into place: complete at its current size. */
static void mark_closed(struct vg_service *s, const struct inotify_event *ev)
{
    if (ev->wd < 0 || (size_t)ev->wd >= s->nwatched || !s->watched[ev->wd] || !ev->len ||
        ev->name[0] == '.')
        return;
    char path[4096];
    struct stat st;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->watched[ev->wd], ev->name) >=
            sizeof(path) ||
        stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    struct file_state *f = file_find(s, path, true);
    if (f) {
        f->closed = true;
        f->closed_size = (uint64_t)st.st_size;
    }
}

/* Wait for news from inotify or vg_service_wake, at most timeout_ms; note the files that are
 * complete. */
static void wait_news(struct vg_service *s, int timeout_ms)
{
    struct pollfd p[2] = { { s->inotify_fd, POLLIN, 0 }, { s->wake_fd, POLLIN, 0 } };
    if (poll(p, 2, timeout_ms) <= 0) /* negative fds are skipped by poll */
        return;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while (p[0].fd >= 0 && (n = read(p[0].fd, buf, sizeof(buf))) > 0)
        for (char *at = buf; at < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)at;
            if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
                mark_closed(s, ev);
            at += sizeof(*ev) + ev->len;
        }
    while (p[1].fd >= 0 && read(p[1].fd, buf, sizeof(buf)) > 0)
        ;
}

static void expire(struct vg_service *s, int64_t now)
{
    if (s->opts.retention_ms <= 0 || now - s->last_expire_ms < 3600 * 1000)
        return;
    s->last_expire_ms = now;
    uint64_t dropped = 0;
    if (vg_store_findings_expire(s->store, now - s->opts.retention_ms, &dropped) == VG_OK)
        vg_stat_add(&s->stats.findings_expired, dropped);
}

int vg_service_run(struct vg_service *s)
{
    int rc = flush_jsonl(s); /* what a crash left in the outbox */
    (void)rc;
    for (;;) {
        if (vg_run_stopping(&s->opts.control))
            return VG_OK;
        const struct vg_intel *intel = vg_run_reload_lists(&s->opts.control);
        if (intel) {
            vg_scan_set_intel(s->scan, intel);
            s->opts.scan.intel = intel; /* for a rebuild */
        }
        int64_t now = vg_wall_ms();
        s->npending = 0;
        if (vg_writer_load_filters(&s->writer) != VG_OK) {
            say(s, "store", "reading filters failed: %s", vg_store_error(s->store));
            return VG_EDB;
        }
        for (size_t i = 0; i < s->opts.watch_count; i++)
            if (walk(s, s->opts.watch[i], now, 0) == VG_ENOMEM)
                return VG_ENOMEM;
        s->last_pass_ms = now;
        if (s->npending) /* none yet: no array, which qsort may not be given */
            qsort(s->pending, s->npending, sizeof(*s->pending), cmp_pending);
        size_t waiting = 0, scanned = 0;
        bool order_held = false;
        for (size_t i = 0; i < s->npending; i++) {
            if (vg_run_stopping(&s->opts.control))
                break;
            /* Once one file waits for its companions, the files after it in name order wait
             * too: taking them now, because the clock ticked past order_wait while walking the
             * list, would read a later file before an earlier one found with it. */
            int prc = order_held ? ORDER_WAIT : process(s, s->pending[i], vg_wall_ms());
            order_held = order_held || prc == ORDER_WAIT;
            if (prc == NOT_YET || prc == ORDER_WAIT)
                waiting++;
            else if (prc == VG_OK)
                scanned++;
            else if (prc == VG_EDB || prc == VG_ENOMEM)
                return prc;
            if (prc == VG_ERETRY) { /* pending points into the state rebuild replaces */
                if ((prc = rebuild(s)) != VG_OK)
                    return prc;
                break;
            }
        }
        __atomic_store_n(&s->stats.state_evictions, vg_scan_state_evictions(s->scan),
                         __ATOMIC_RELAXED);
        flush_jsonl(s);
        expire(s, vg_wall_ms());
        /* --once: done when a pass scans nothing and nothing waits for time (a line still being
         * written waits for its writer, who may never come back) */
        if (s->opts.once && waiting == 0 && scanned == 0)
            return VG_OK;
        /* something is waiting to settle: look again soon; else sleep until news or rescan */
        int64_t wait = waiting ? 100 : s->opts.rescan_ms;
        if (scanned) /* more may have come meanwhile */
            wait = 0;
        wait_news(s, (int)wait); /* with 0, only takes in what inotify said */
    }
}

void vg_service_stats(const struct vg_service *s, struct vg_service_stats *out)
{
    vg_stats_snapshot(out, &s->stats, sizeof(*out));
}

const char *vg_service_detector_id(const struct vg_service *s)
{
    return s->detector_id;
}

int vg_service_metrics(const struct vg_service *s, struct vg_buf *out)
{
    struct vg_service_stats st;
    vg_service_stats(s, &st);
    static const struct vg_metric_row counters[] = {
#define C(field, help)                                                                             \
    { "vigil_" #field "_total", "counter", help, offsetof(struct vg_service_stats, field) }
        C(files, "log file pieces scanned and committed"),
        C(files_late, "pieces older than the event-time watermark minus service.lateness"),
        C(files_replayed, "ledger pieces replayed at start to rebuild detector state"),
        C(replay_missing, "ledger pieces whose file was gone or replaced at replay"),
        C(records, "log records parsed"),
        C(bad_records, "records that could not be read"),
        C(bytes, "log bytes scanned (as stored)"),
        C(findings_new, "findings created"),
        C(findings_updated, "finding updates written"),
        C(findings_suppressed, "finding writes archived by a suppression rule"),
        C(findings_expired, "findings dropped by retention"),
        C(findings_evicted, "findings pushed out of the in-memory table (stored first)"),
        C(state_evictions, "detector state entries evicted to stay within memory limits"),
        C(commit_errors, "store transactions that failed"),
        C(commits_lost, "pieces whose transaction a lost store connection took, scanned again"),
#undef C
    };
    int rc = vg_metrics_rows(out, counters, VG_ARRAY_LEN(counters), &st);
    rc |= vg_buf_printf(out,
                        "# HELP vigil_replay_seconds time the start-up ledger replay took\n"
                        "# TYPE vigil_replay_seconds gauge\nvigil_replay_seconds %.3f\n"
                        "# HELP vigil_watermark_seconds event time of the newest log scanned\n"
                        "# TYPE vigil_watermark_seconds gauge\nvigil_watermark_seconds %.3f\n",
                        (double)st.replay_ms / 1000, (double)st.watermark_ms / 1000);
    rc |= vg_buf_adds(out, "# HELP vigil_arrival_to_commit_seconds from a file's arrival to its "
                           "findings being queryable\n"
                           "# TYPE vigil_arrival_to_commit_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(vg_service_latency_bounds_ms); i++) {
        cum += st.latency_buckets[i];
        rc |= vg_buf_printf(out, "vigil_arrival_to_commit_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                            (double)vg_service_latency_bounds_ms[i] / 1000, cum);
    }
    rc |= vg_buf_printf(out,
                        "vigil_arrival_to_commit_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
                        "vigil_arrival_to_commit_seconds_sum %.3f\n"
                        "vigil_arrival_to_commit_seconds_count %" PRIu64 "\n",
                        st.latency_count, (double)st.latency_sum_ms / 1000, st.latency_count);
    return rc ? VG_ENOMEM : VG_OK;
}
