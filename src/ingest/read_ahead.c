/* One object in flight on a worker thread; see read_ahead.h for the protocol. */
#include "ingest/read_ahead.h"

#include "core/err.h"

/* Reports an input layer makes per object: open, read, size and gzip problems, a few at most;
 * more are counted and their text dropped. */
#define SLOT_MAX_REPORTS 4

struct slot {
    struct vg_input input;
    struct vg_buf path;
    struct vg_diag diag; /* the worker's reports, replayed on take */
    enum vg_diag_code codes[SLOT_MAX_REPORTS];
    char messages[SLOT_MAX_REPORTS][256];
    unsigned kept;
    int rc;
    const char *data;
    size_t len;
};

struct vg_read_ahead {
    struct slot slots[2];
    unsigned submitted, taken; /* object counts; object n lives in slots[n % 2] */
    bool threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    unsigned started, finished; /* objects the worker picked up and completed */
    bool stop;
};

static void collect(void *ctx, enum vg_diag_code code, const char *message)
{
    struct slot *s = ctx;
    if (s->kept == SLOT_MAX_REPORTS)
        return;
    s->codes[s->kept] = code;
    snprintf(s->messages[s->kept], sizeof(s->messages[0]), "%s", message);
    s->kept++;
}

static void read_slot(struct slot *s)
{
    vg_diag_init(&s->diag, SLOT_MAX_REPORTS, collect, s);
    s->kept = 0;
    s->rc = vg_input_read(&s->input, s->path.data, &s->diag, &s->data, &s->len);
}

static void *worker(void *arg)
{
    struct vg_read_ahead *r = arg;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->stop && r->started == r->submitted)
            pthread_cond_wait(&r->wake, &r->lock);
        if (r->stop)
            break;
        struct slot *s = &r->slots[r->started % 2];
        r->started++;
        pthread_mutex_unlock(&r->lock);
        read_slot(s);
        pthread_mutex_lock(&r->lock);
        r->finished++;
        pthread_cond_broadcast(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct vg_read_ahead *vg_read_ahead_new(bool threaded)
{
    struct vg_read_ahead *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    for (int i = 0; i < 2; i++) {
        vg_buf_init(&r->slots[i].path, 1 << 16);
        if (vg_input_init(&r->slots[i].input) != VG_OK) {
            vg_read_ahead_free(r);
            return NULL;
        }
    }
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    if (threaded && pthread_create(&r->thread, NULL, worker, r) != 0) {
        vg_read_ahead_free(r);
        return NULL;
    }
    r->threaded = threaded;
    return r;
}

void vg_read_ahead_free(struct vg_read_ahead *r)
{
    if (!r)
        return;
    if (r->threaded) {
        pthread_mutex_lock(&r->lock);
        r->stop = true;
        pthread_cond_broadcast(&r->wake);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->wake);
    }
    for (int i = 0; i < 2; i++) {
        vg_input_release(&r->slots[i].input);
        vg_buf_release(&r->slots[i].path);
    }
    free(r);
}

int vg_read_ahead_submit(struct vg_read_ahead *r, const char *path)
{
    if (r->submitted - r->taken >= 2)
        VG_BUG("read-ahead: a third object submitted before the first was taken");
    struct slot *s = &r->slots[r->submitted % 2];
    vg_buf_reset(&s->path);
    if (vg_buf_adds(&s->path, path))
        return VG_ENOMEM;
    if (!r->threaded) {
        read_slot(s);
        r->submitted++;
        return VG_OK;
    }
    pthread_mutex_lock(&r->lock);
    r->submitted++;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    return VG_OK;
}

int vg_read_ahead_take(struct vg_read_ahead *r, struct vg_diag *diag, const char **path,
                       const char **data, size_t *len)
{
    if (r->taken == r->submitted)
        return VG_ENOTFOUND;
    unsigned n = r->taken;
    if (r->threaded) {
        pthread_mutex_lock(&r->lock);
        while (r->finished <= n)
            pthread_cond_wait(&r->wake, &r->lock);
        pthread_mutex_unlock(&r->lock);
    }
    struct slot *s = &r->slots[n % 2];
    r->taken++;
    for (unsigned i = 0; i < s->kept; i++)
        vg_diag_forward(diag, s->codes[i], s->messages[i]);
    /* reports past SLOT_MAX_REPORTS: counted, as the sink would have */
    for (int c = 0; c < VG_DIAG_COUNT; c++) {
        uint64_t shown = 0;
        for (unsigned i = 0; i < s->kept; i++)
            shown += s->codes[i] == (enum vg_diag_code)c;
        diag->counts[c] += s->diag.counts[c] - shown;
        diag->total += s->diag.counts[c] - shown;
    }
    *path = s->path.data;
    *data = s->data;
    *len = s->len;
    return s->rc;
}

uint64_t vg_read_ahead_bytes_read(const struct vg_read_ahead *r)
{
    return r->slots[0].input.bytes_read + r->slots[1].input.bytes_read;
}

uint64_t vg_read_ahead_bytes_plain(const struct vg_read_ahead *r)
{
    return r->slots[0].input.bytes_plain + r->slots[1].input.bytes_plain;
}
