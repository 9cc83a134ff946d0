/* Shared helpers of the simulate generators; see sim_util.h. */
#include "simulate/sim_util.h"

#include "core/err.h"
#include "core/log.h"
#include "core/time.h"

#include <libdeflate.h>

void vg_sim_rng_seed(struct vg_sim_rng *r, uint64_t seed)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(r->s); i++)
        r->s[i] = vg_sim_splitmix64(&seed);
}

void vg_sim_rand_chars(struct vg_sim_rng *r, char *out, size_t n, const char *set, size_t setlen)
{
    for (size_t i = 0; i < n; i++)
        out[i] = set[vg_sim_below(r, setlen)];
    out[n] = '\0';
}

void vg_sim_hex_id(struct vg_sim_rng *r, char out[VG_SIM_ID_CAP], const char *prefix)
{
    size_t n = (size_t)snprintf(out, VG_SIM_ID_CAP, "%s0", prefix);
    if (n + 16 >= VG_SIM_ID_CAP)
        VG_BUG("resource id prefix '%s' too long", prefix);
    VG_SIM_RAND_CHARS(r, out + n, 16, "0123456789abcdef");
}

/* ---- who talks ------------------------------------------------------------------------------ */

int vg_sim_members_init(struct vg_sim_members *m, unsigned cap)
{
    *m = (struct vg_sim_members){ .idx = calloc(cap, sizeof(*m->idx)),
                                  .cum = calloc(cap, sizeof(*m->cum)) };
    return m->idx && m->cum ? VG_OK : VG_ENOMEM;
}

void vg_sim_members_release(struct vg_sim_members *m)
{
    free(m->idx);
    free(m->cum);
    *m = (struct vg_sim_members){ 0 };
}

uint32_t vg_sim_members_pick(const struct vg_sim_members *m, struct vg_sim_rng *r)
{
    uint64_t x = vg_sim_below(r, m->weight);
    unsigned lo = 0, hi = m->n - 1;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (m->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return m->idx[lo];
}

/* ---- a window's scheduled items ------------------------------------------------------------ */

void vg_sim_sched_init(struct vg_sim_sched *s, size_t size)
{
    if (size < sizeof(struct vg_sim_when))
        VG_BUG("scheduled items of %zu bytes cannot start with their time", size);
    s->items = NULL;
    s->size = size;
    s->n = s->cap = 0;
}

void vg_sim_sched_release(struct vg_sim_sched *s)
{
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
}

int vg_sim_sched_add(struct vg_sim_sched *s, const void *item)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        void *p = realloc(s->items, cap * s->size);
        if (!p)
            return VG_ENOMEM;
        s->items = p;
        s->cap = cap;
    }
    char *slot = (char *)s->items + s->n * s->size;
    memcpy(slot, item, s->size);
    ((struct vg_sim_when *)(void *)slot)->seq = (uint32_t)s->n++;
    return VG_OK;
}

static const struct vg_sim_when *when_at(const struct vg_sim_sched *s, size_t i)
{
    return (const struct vg_sim_when *)(const void *)((const char *)s->items + i * s->size);
}

static int cmp_when(const void *x, const void *y)
{
    const struct vg_sim_when *a = x, *b = y;
    if (a->sec != b->sec)
        return a->sec < b->sec ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

void vg_sim_steps_in(uint64_t start_ms, uint64_t n, uint64_t step_ms, uint64_t t0_ms,
                     uint64_t t1_ms, uint64_t *lo, uint64_t *hi)
{
    *lo = *hi = 0;
    if (start_ms >= t1_ms || start_ms + n * step_ms <= t0_ms)
        return;
    /* step_ms is above 0 here whenever the row starts before t0_ms */
    *lo = start_ms >= t0_ms ? 0 : (t0_ms - start_ms + step_ms - 1) / step_ms;
    uint64_t past = step_ms ? (t1_ms - start_ms + step_ms - 1) / step_ms : n;
    *hi = past < n ? past : n;
}

void vg_sim_sched_run(struct vg_sim_sched *s, struct vg_sim_rng *r, uint32_t t0, uint64_t n,
                      vg_sim_background_fn background, vg_sim_scheduled_fn scheduled, void *ctx)
{
    if (s->n > 1)
        qsort(s->items, s->n, s->size, cmp_when);
    memset(s->hist, 0, sizeof(s->hist));
    for (uint64_t i = 0; i < n; i++)
        s->hist[vg_sim_below(r, VG_SIM_WINDOW_S)]++;
    size_t next = 0;
    for (uint32_t sec = 0; sec < VG_SIM_WINDOW_S; sec++) {
        for (uint32_t j = 0; j < s->hist[sec]; j++)
            background(ctx, t0 + sec);
        while (next < s->n && when_at(s, next)->sec <= t0 + sec)
            scheduled(ctx, when_at(s, next++));
    }
    while (next < s->n)
        scheduled(ctx, when_at(s, next++));
    s->n = 0;
}

/* ---- VPC log objects --------------------------------------------------------------------------
 */

void vg_sim_vpc_writer_init(struct vg_sim_vpc_writer *w, size_t item_size)
{
    vg_sim_sched_init(&w->sched, item_size);
    w->out = (struct vg_sim_sink){ VG_BUF_INIT, VG_OK };
    w->key = (struct vg_buf)VG_BUF_INIT;
}

void vg_sim_vpc_writer_release(struct vg_sim_vpc_writer *w)
{
    vg_sim_sched_release(&w->sched);
    vg_buf_release(&w->out.b);
    vg_buf_release(&w->key);
}

void vg_sim_vpc_writer_begin(struct vg_sim_vpc_writer *w)
{
    vg_buf_reset(&w->out.b);
    w->out.err = VG_OK;
}

int vg_sim_vpc_writer_submit(struct vg_sim_vpc_writer *w, struct vg_sim_pool *pool,
                             enum vg_sim_stream stream, const char *account, const char *service,
                             const char *dir, const char *log_id, int64_t end_ms, uint32_t hash)
{
    char end[24];
    int rc;
    vg_sim_fmt_time(end_ms, end);
    vg_buf_reset(&w->key);
    if ((rc = vg_buf_printf(&w->key,
                            "AWSLogs/%s/%s/%s/%.4s/%.2s/%.2s/%s_%s_%s%s%s_%.4s%.2s%.2sT%.2s%.2sZ_"
                            "%08x.log.gz",
                            account, service, dir, end, end + 5, end + 8, account, service, dir,
                            log_id ? "_" : "", log_id ? log_id : "", end, end + 5, end + 8,
                            end + 11, end + 14, (unsigned)hash)))
        return rc;
    return vg_sim_pool_submit(pool, stream, &w->key, &w->out.b);
}

void vg_sim_put_u64(struct vg_sim_sink *o, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    vg_sim_put(o, tmp + sizeof(tmp) - n, n);
}

void vg_sim_putf(struct vg_sim_sink *o, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        VG_BUG("simulated text too long: '%.40s...'", tmp);
    vg_sim_put(o, tmp, (size_t)n);
}

void vg_sim_fmt_time(int64_t ms, char out[21])
{
    char tmp[32];
    vg_time_format_iso(ms, tmp, sizeof(tmp));
    memcpy(out, tmp, 19);
    out[19] = 'Z';
    out[20] = '\0';
}

void vg_sim_fmt_ip4(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
}

void vg_sim_day_shape(int tz_windows, uint64_t cum[VG_SIM_WINDOWS_PER_DAY + 1])
{
    /* relative activity per local hour */
    static const uint8_t hour_weight[24] = { 3,  3,  2,  2,  2,  3, 4, 6, 9, 12, 13, 13,
                                             12, 13, 13, 12, 11, 9, 7, 6, 5, 4,  4,  3 };
    cum[0] = 0;
    for (int w = 0; w < VG_SIM_WINDOWS_PER_DAY; w++) {
        int lw = (w + tz_windows % VG_SIM_WINDOWS_PER_DAY + VG_SIM_WINDOWS_PER_DAY) %
                 VG_SIM_WINDOWS_PER_DAY;
        cum[w + 1] = cum[w] + hour_weight[lw / (3600 / VG_SIM_WINDOW_S)];
    }
}

/* ---- files ---------------------------------------------------------------------------------- */

int vg_sim_io_error(const char *what, const char *path)
{
    int saved = errno;
    vg_log_error("cannot %s '%s': %s", what, path, strerror(saved));
    errno = saved;
    return VG_EIO;
}

int vg_sim_write_file(const char *path, const void *data, size_t len)
{
    int rc = VG_OK;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return vg_sim_io_error("create", path);
    for (size_t done = 0; done < len;) {
        ssize_t k = write(fd, (const char *)data + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = vg_sim_io_error("write", path);
            break;
        }
        done += (size_t)k;
    }
    if (close(fd) != 0 && rc == VG_OK)
        rc = vg_sim_io_error("close", path);
    return rc;
}

int vg_sim_write_intel(const struct vg_sim_sink *o, struct vg_buf *path, const char *out_dir,
                       const char *file)
{
    int rc;
    vg_buf_reset(path);
    if ((rc = o->err) || (rc = vg_buf_printf(path, "%s/intel/%s", out_dir, file)))
        return rc;
    return vg_sim_write_file(path->data, o->b.data, o->b.len);
}

int vg_sim_mkdir_p(const char *dir)
{
    int rc = VG_OK;
    char *p = strdup(dir);
    if (!p)
        return VG_ENOMEM;
    size_t len = strlen(p);
    for (size_t i = 1; i <= len && rc == VG_OK; i++) {
        if (i < len && p[i] != '/')
            continue;
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            rc = vg_sim_io_error("create", p);
        if (i < len)
            p[i] = '/';
    }
    free(p);
    return rc;
}

/* ---- the writer pool ----------------------------------------------------------------------- */

#define MAX_WRITERS 8
#define JOBS_PER_WRITER 4
/* Folders a writer remembers having made: one account-day of CloudTrail touches at most a
 * dozen (a log and a digest folder per region), its flow logs two or three. */
#define DIR_CACHE 16

struct job {
    struct vg_buf key;  /* relative to out_dir */
    struct vg_buf data; /* uncompressed */
    enum vg_sim_stream stream;
};

struct writer {
    pthread_t thread;
    bool started;
    struct vg_sim_pool *pool;
    struct libdeflate_compressor *z[VG_SIM_STREAM_COUNT];
    struct vg_buf gz, path;
    struct vg_buf dirs[DIR_CACHE]; /* folders this writer made recently */
    unsigned dir_next;
    uint64_t bytes_compressed[VG_SIM_STREAM_COUNT];
};

struct vg_sim_pool {
    pthread_mutex_t mu;
    pthread_cond_t job_ready; /* queued work, or stop */
    pthread_cond_t job_done;  /* a free slot */
    struct job jobs[MAX_WRITERS * JOBS_PER_WRITER];
    unsigned n_jobs;
    unsigned free_idx[MAX_WRITERS * JOBS_PER_WRITER];
    unsigned n_free;
    unsigned queue[MAX_WRITERS * JOBS_PER_WRITER]; /* ring of job indexes */
    unsigned q_head, q_len;
    bool stop;
    int err;       /* first failure of any writer */
    int err_errno; /* its errno: errno is per thread */
    const char *out_dir;
    size_t out_dir_len;
    struct writer writers[MAX_WRITERS];
    unsigned n_writers;
};

/* mkdir -p for path[0, len), skipping folders made recently: the cache turns a dozen syscalls
 * per file into none. */
static int ensure_dir(struct writer *w, char *path, size_t len)
{
    for (unsigned i = 0; i < DIR_CACHE; i++)
        if (w->dirs[i].len == len && memcmp(w->dirs[i].data, path, len) == 0)
            return VG_OK;
    for (size_t i = w->pool->out_dir_len + 1; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        char saved = path[i];
        path[i] = '\0';
        int rc =
            mkdir(path, 0755) == 0 || errno == EEXIST ? VG_OK : vg_sim_io_error("create", path);
        path[i] = saved;
        if (rc)
            return rc;
    }
    struct vg_buf *slot = &w->dirs[w->dir_next];
    w->dir_next = (w->dir_next + 1) % DIR_CACHE;
    vg_buf_reset(slot);
    return vg_buf_add(slot, path, len);
}

/* Gzip one job into <out_dir>/<key>. */
static int write_job(struct writer *w, const struct job *j)
{
    int rc = VG_OK;

    vg_buf_reset(&w->path);
    if ((rc = vg_buf_add(&w->path, w->pool->out_dir, w->pool->out_dir_len)) ||
        (rc = vg_buf_addc(&w->path, '/')) || (rc = vg_buf_add(&w->path, j->key.data, j->key.len)))
        goto out;
    char *slash = strrchr(w->path.data, '/');
    if ((rc = ensure_dir(w, w->path.data, (size_t)(slash - w->path.data))))
        goto out;

    struct libdeflate_compressor *z = w->z[j->stream];
    size_t bound = libdeflate_gzip_compress_bound(z, j->data.len);
    vg_buf_reset(&w->gz);
    if ((rc = vg_buf_reserve(&w->gz, bound)))
        goto out;
    size_t n = libdeflate_gzip_compress(z, j->data.data, j->data.len, w->gz.data, bound);
    if (n == 0)
        VG_BUG("gzip output exceeded its bound");

    if ((rc = vg_sim_write_file(w->path.data, w->gz.data, n)))
        goto out;
    w->bytes_compressed[j->stream] += n;
out:
    return rc;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct vg_sim_pool *pl = w->pool;
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (pl->q_len == 0 && !pl->stop)
            pthread_cond_wait(&pl->job_ready, &pl->mu);
        if (pl->q_len == 0)
            break;
        unsigned idx = pl->queue[pl->q_head];
        pl->q_head = (pl->q_head + 1) % pl->n_jobs;
        pl->q_len--;
        bool skip = pl->err != VG_OK;
        pthread_mutex_unlock(&pl->mu);

        int rc = skip ? VG_OK : write_job(w, &pl->jobs[idx]);
        int saved = errno;

        pthread_mutex_lock(&pl->mu);
        if (rc && !pl->err) {
            pl->err = rc;
            pl->err_errno = saved;
        }
        pl->free_idx[pl->n_free++] = idx;
        pthread_cond_signal(&pl->job_done);
    }
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

int vg_sim_pool_submit(struct vg_sim_pool *pl, enum vg_sim_stream s, struct vg_buf *key,
                       struct vg_buf *data)
{
    int rc;
    pthread_mutex_lock(&pl->mu);
    while (pl->n_free == 0 && !pl->err)
        pthread_cond_wait(&pl->job_done, &pl->mu);
    if ((rc = pl->err) == VG_OK) {
        unsigned idx = pl->free_idx[--pl->n_free];
        struct job *j = &pl->jobs[idx];
        struct vg_buf t = j->data;
        j->data = *data;
        *data = t;
        t = j->key;
        j->key = *key;
        *key = t;
        j->stream = s;
        pl->queue[(pl->q_head + pl->q_len) % pl->n_jobs] = idx;
        pl->q_len++;
        pthread_cond_signal(&pl->job_ready);
    }
    pthread_mutex_unlock(&pl->mu);
    vg_buf_reset(key);
    vg_buf_reset(data);
    return rc;
}

static void pool_release(struct vg_sim_pool *pl)
{
    for (unsigned i = 0; i < pl->n_writers; i++) {
        struct writer *w = &pl->writers[i];
        for (unsigned s = 0; s < VG_SIM_STREAM_COUNT; s++)
            if (w->z[s])
                libdeflate_free_compressor(w->z[s]);
        vg_buf_release(&w->gz);
        vg_buf_release(&w->path);
        for (unsigned k = 0; k < DIR_CACHE; k++)
            vg_buf_release(&w->dirs[k]);
    }
    for (unsigned i = 0; i < pl->n_jobs; i++) {
        vg_buf_release(&pl->jobs[i].key);
        vg_buf_release(&pl->jobs[i].data);
    }
    pthread_cond_destroy(&pl->job_done);
    pthread_cond_destroy(&pl->job_ready);
    pthread_mutex_destroy(&pl->mu);
    free(pl);
}

int vg_sim_pool_start(struct vg_sim_pool **out, const char *out_dir,
                      const int levels[VG_SIM_STREAM_COUNT])
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct vg_sim_pool *pl = calloc(1, sizeof(*pl));
    *out = pl;
    if (!pl)
        return VG_ENOMEM;
    pl->out_dir = out_dir;
    pl->out_dir_len = strlen(out_dir);
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->job_ready, NULL);
    pthread_cond_init(&pl->job_done, NULL);
    pl->n_writers = cpus < 1 ? 1 : cpus > MAX_WRITERS ? MAX_WRITERS : (unsigned)cpus;
    pl->n_jobs = pl->n_writers * JOBS_PER_WRITER;
    for (unsigned i = 0; i < pl->n_jobs; i++) {
        vg_buf_init(&pl->jobs[i].key, 0);
        vg_buf_init(&pl->jobs[i].data, 0);
        pl->free_idx[pl->n_free++] = i;
    }
    for (unsigned i = 0; i < pl->n_writers; i++) {
        struct writer *w = &pl->writers[i];
        w->pool = pl;
        vg_buf_init(&w->gz, 0);
        vg_buf_init(&w->path, 0);
        for (unsigned k = 0; k < DIR_CACHE; k++)
            vg_buf_init(&w->dirs[k], 0);
        for (unsigned s = 0; s < VG_SIM_STREAM_COUNT; s++)
            if (!(w->z[s] = libdeflate_alloc_compressor(levels[s])))
                return VG_ENOMEM;
    }
    for (unsigned i = 0; i < pl->n_writers; i++) {
        if (pthread_create(&pl->writers[i].thread, NULL, writer_main, &pl->writers[i]) != 0)
            return VG_ENOMEM;
        pl->writers[i].started = true;
    }
    return VG_OK;
}

int vg_sim_pool_finish(struct vg_sim_pool *pl, uint64_t bytes_compressed[VG_SIM_STREAM_COUNT])
{
    if (!pl)
        return VG_OK;
    pthread_mutex_lock(&pl->mu);
    pl->stop = true;
    pthread_cond_broadcast(&pl->job_ready);
    pthread_mutex_unlock(&pl->mu);
    for (unsigned i = 0; i < pl->n_writers; i++) {
        if (pl->writers[i].started)
            pthread_join(pl->writers[i].thread, NULL);
        for (unsigned s = 0; s < VG_SIM_STREAM_COUNT; s++)
            bytes_compressed[s] += pl->writers[i].bytes_compressed[s];
    }
    int rc = pl->err;
    int saved = pl->err_errno;
    pool_release(pl);
    if (rc)
        errno = saved;
    return rc;
}
