/* Objects read (and maybe prepared) ahead on a worker thread; see read_ahead.h for the
 * protocol. */
#include "ingest/read_ahead.h"

#include "core/err.h"

/* Reports an input layer makes per object: open, read, size and gzip problems, a few at most;
 * more are counted and their text dropped. */
#define SLOT_MAX_REPORTS 4

enum slot_state {
    SLOT_PENDING,   /* submitted, the worker has not read it yet */
    SLOT_READ,      /* read (or failed to), nobody is preparing it */
    SLOT_PREPARING, /* the worker is preparing it */
    SLOT_PREPARED,
    SLOT_DECLINED, /* the worker would not prepare it: as read, for the caller to parse */
    SLOT_TAKEN,    /* the caller has it */
};

struct slot {
    struct vg_input input;
    struct vg_buf path;
    struct vg_diag_tape diag; /* the worker's reports, replayed on take */
    enum slot_state state;
    int rc;
    const char *data;
    size_t len;
    uint64_t bytes_read, bytes_plain; /* this object's */
};

struct vg_read_ahead {
    struct slot slots[VG_READ_AHEAD_DEPTH]; /* object n lives in slots[n % DEPTH] */
    unsigned submitted, taken;              /* object counts */
    unsigned started;                       /* objects the worker picked up to read */
    uint64_t bytes_read, bytes_plain;       /* over the objects taken */
    size_t budget;                          /* see may_read */
    vg_read_ahead_prepare_fn prepare;
    void *prepare_ctx;
    bool threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void read_slot(struct slot *s, size_t budget)
{
    vg_diag_tape_clear(&s->diag);
    /* a slot keeps its buffers warm for the next object, but not a huge object's */
    if (s->input.raw.alloc + s->input.plain.alloc > budget) {
        vg_buf_release(&s->input.raw);
        vg_buf_release(&s->input.plain);
    }
    uint64_t read0 = s->input.bytes_read, plain0 = s->input.bytes_plain;
    s->rc = vg_input_read(&s->input, s->path.data, &s->diag.diag, &s->data, &s->len);
    s->bytes_read = s->input.bytes_read - read0;
    s->bytes_plain = s->input.bytes_plain - plain0;
}

/* The youngest object read and left alone that the worker may prepare; called locked. */
static struct slot *to_prepare(struct vg_read_ahead *r, unsigned *index)
{
    if (!r->prepare)
        return NULL;
    for (unsigned n = r->started; n-- > r->taken;) {
        struct slot *s = &r->slots[n % VG_READ_AHEAD_DEPTH];
        if (s->state == SLOT_READ && s->rc == VG_OK) {
            *index = n % VG_READ_AHEAD_DEPTH;
            return s;
        }
    }
    return NULL;
}

/* Whether the worker may read the next object: the first one ahead always (the caller never
 * waits for a read it could have had), further ones while the objects held since the caller's
 * current one are small, so that big objects are never held more than two at a time (the one
 * scanned and the one read ahead), as with a single slot ahead.  Called locked. */
static bool may_read(const struct vg_read_ahead *r)
{
    if (r->started == r->submitted)
        return false;
    if (r->started == r->taken)
        return true;
    uint64_t held = 0;
    for (unsigned n = r->taken ? r->taken - 1 : 0; n < r->started; n++) {
        const struct slot *s = &r->slots[n % VG_READ_AHEAD_DEPTH];
        held += s->bytes_read + s->bytes_plain;
    }
    return held < r->budget;
}

static void *worker(void *arg)
{
    struct vg_read_ahead *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        struct slot *s;
        unsigned index;
        if (may_read(r)) { /* reading first: only this thread reads */
            s = &r->slots[r->started % VG_READ_AHEAD_DEPTH];
            r->started++;
            pthread_mutex_unlock(&r->lock);
            read_slot(s, r->budget);
            pthread_mutex_lock(&r->lock);
            s->state = SLOT_READ;
        } else if ((s = to_prepare(r, &index)) != NULL) {
            s->state = SLOT_PREPARING;
            pthread_mutex_unlock(&r->lock);
            bool prepared = r->prepare(r->prepare_ctx, index, s->path.data, s->data, s->len);
            pthread_mutex_lock(&r->lock);
            s->state = prepared ? SLOT_PREPARED : SLOT_DECLINED;
        } else {
            pthread_cond_wait(&r->wake, &r->lock);
            continue;
        }
        pthread_cond_broadcast(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct vg_read_ahead *vg_read_ahead_new(bool threaded, size_t budget,
                                        vg_read_ahead_prepare_fn prepare, void *prepare_ctx)
{
    struct vg_read_ahead *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    for (int i = 0; i < VG_READ_AHEAD_DEPTH; i++) {
        vg_buf_init(&r->slots[i].path, 1 << 16);
        vg_diag_tape_init(&r->slots[i].diag, SLOT_MAX_REPORTS);
        if (vg_input_init(&r->slots[i].input) != VG_OK) {
            vg_read_ahead_free(r);
            return NULL;
        }
    }
    r->budget = budget;
    r->prepare = prepare;
    r->prepare_ctx = prepare_ctx;
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
    }
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    for (int i = 0; i < VG_READ_AHEAD_DEPTH; i++) {
        vg_input_release(&r->slots[i].input);
        vg_buf_release(&r->slots[i].path);
        vg_diag_tape_release(&r->slots[i].diag);
    }
    free(r);
}

int vg_read_ahead_submit(struct vg_read_ahead *r, const char *path)
{
    if (r->submitted - r->taken >= VG_READ_AHEAD_DEPTH)
        VG_BUG("read-ahead: more objects submitted than there are slots");
    struct slot *s = &r->slots[r->submitted % VG_READ_AHEAD_DEPTH];
    vg_buf_reset(&s->path);
    if (vg_buf_adds(&s->path, path))
        return VG_ENOMEM;
    if (!r->threaded) {
        read_slot(s, r->budget);
        s->state = SLOT_READ;
        r->submitted++;
        r->started++;
        return VG_OK;
    }
    pthread_mutex_lock(&r->lock);
    s->state = SLOT_PENDING;
    r->submitted++;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    return VG_OK;
}

int vg_read_ahead_take(struct vg_read_ahead *r, struct vg_diag *diag,
                       struct vg_read_ahead_object *out)
{
    if (r->taken == r->submitted)
        return VG_ENOTFOUND;
    unsigned index = r->taken % VG_READ_AHEAD_DEPTH;
    struct slot *s = &r->slots[index];
    pthread_mutex_lock(&r->lock);
    while (s->state == SLOT_PENDING || s->state == SLOT_PREPARING)
        pthread_cond_wait(&r->wake, &r->lock);
    out->prepared = s->state == SLOT_PREPARED;
    s->state = SLOT_TAKEN; /* a read one is now the caller's to parse, not the worker's */
    r->taken++;
    pthread_cond_broadcast(&r->wake); /* what it holds has changed (may_read) */
    pthread_mutex_unlock(&r->lock);
    vg_diag_tape_replay(&s->diag, diag);
    r->bytes_read += s->bytes_read;
    r->bytes_plain += s->bytes_plain;
    out->path = s->path.data;
    out->data = s->data;
    out->len = s->len;
    out->slot = index;
    return s->rc;
}

uint64_t vg_read_ahead_bytes_read(const struct vg_read_ahead *r)
{
    return r->bytes_read;
}

uint64_t vg_read_ahead_bytes_plain(const struct vg_read_ahead *r)
{
    return r->bytes_plain;
}

unsigned vg_read_ahead_started(struct vg_read_ahead *r)
{
    pthread_mutex_lock(&r->lock);
    unsigned n = r->started;
    pthread_mutex_unlock(&r->lock);
    return n;
}
