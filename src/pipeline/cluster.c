/* A cluster worker: leases, per-partition detectors, checkpointed commits; see cluster.h. */
#include "pipeline/cluster.h"

#include <pthread.h>

#include "core/clock.h"
#include "core/log.h"
#include "findings/table.h"
#include "ingest/input.h"
#include "parse/format.h"
#include "pipeline/metrics.h"
#include "pipeline/writer.h"
#include "store/store.h"

#define DEFAULT_BATCH 256
/* how often a partition with nothing to read is asked again */
#define IDLE_WAIT_MS 100
#define PAUSE_MAX_MS 5000

struct partition {
    struct vg_cluster *c;
    unsigned n;
    /* owned, lost and revision are shared with the lease thread, under c->lock */
    bool owned;
    bool lost;
    uint64_t revision;
    struct vg_scan *scan;
    struct vg_js_reader *reader;
    uint64_t committed;    /* the checkpoint in the store */
    uint64_t replay_until; /* messages up to here rebuild state, nothing is written */
    int64_t next_poll_ms;  /* a drained partition is asked again from this time on */
    bool store_failed;     /* a write during this batch failed (an eviction) */
};

struct vg_cluster {
    struct vg_cluster_opts opts;
    char worker[VG_JS_TOKEN_MAX + 1];
    struct vg_js *js;
    struct vg_store *store;
    struct vg_writer writer;
    const struct vg_intel *intel; /* the snapshot partitions detect with */
    struct partition *parts;
    unsigned nparts;
    struct vg_js_msg *msgs;
    struct vg_input input;
    struct vg_diag diag;
    struct vg_buf why;
    int64_t now_ms; /* wall clock of the batch being committed */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t lease_thread;
    bool lease_thread_started;
    bool stopping;  /* under lock: the lease thread returns */
    unsigned alive; /* workers alive, as the lease thread last counted (under lock) */
    struct vg_cluster_stats stats;
    uint64_t evictions_before; /* state evictions of partitions' detectors since dropped */
};

static void say(struct vg_cluster *c, const char *fmt, ...) VG_PRINTF(2, 3);
static void say(struct vg_cluster *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char line[600];
    snprintf(line, sizeof(line), "worker %s: %s", c->worker, msg);
    vg_diag_forward(&c->diag, VG_DIAG_IO, line);
}

static void checkpoint_key(char key[32], unsigned n)
{
    snprintf(key, 32, "cluster.p%u", n);
}

/* The partition's checkpoint in the store, 0 before its first commit; tmp holds the text. */
static int read_checkpoint(struct vg_store *store, unsigned n, uint64_t *seq, struct vg_buf *tmp)
{
    char key[32];
    checkpoint_key(key, n);
    int rc = vg_store_meta_get(store, key, tmp);
    *seq = rc == VG_OK ? strtoull(tmp->data, NULL, 10) : 0;
    return rc == VG_ENOTFOUND ? VG_OK : rc;
}

/* ---- the lease thread ---- */

/* Renew this worker's leases and count the living workers, every third of a lease, whatever
 * the main loop is waiting for (a slow store, a long replay). */
static void *lease_loop(void *arg)
{
    struct vg_cluster *c = arg;
    int64_t period = vg_js_lease_ms(c->js) / 3;
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        pthread_mutex_unlock(&c->lock);
        unsigned alive;
        if (vg_js_heartbeat(c->js, c->worker, &alive) == VG_OK) {
            pthread_mutex_lock(&c->lock);
            c->alive = alive;
            pthread_mutex_unlock(&c->lock);
        }
        for (unsigned i = 0; i < c->nparts; i++) {
            struct partition *p = &c->parts[i];
            pthread_mutex_lock(&c->lock);
            bool renew = p->owned && !p->lost;
            uint64_t held = p->revision, rev = held;
            pthread_mutex_unlock(&c->lock);
            if (!renew)
                continue;
            int rc = vg_js_lease_renew(c->js, p->n, c->worker, &rev);
            pthread_mutex_lock(&c->lock);
            /* only for the lease renewed: meanwhile the main loop may have let the partition go
             * and taken it again under a new revision, which this answer says nothing about */
            if (p->owned && p->revision == held) {
                if (rc == VG_OK)
                    p->revision = rev;
                else if (rc == VG_ENOTFOUND)
                    p->lost = true;
            }
            pthread_mutex_unlock(&c->lock);
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += period / 1000;
        until.tv_nsec += (long)(period % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_mutex_lock(&c->lock);
        if (!c->stopping)
            pthread_cond_timedwait(&c->wake, &c->lock, &until);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* ---- one partition ---- */

static void write_evicted(void *ctx, const struct vg_finding *f);

static void scan_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct partition *p = ctx;
    /* a replay's messages were said by the worker that first read those logs */
    if (!p->replay_until && p->c->opts.control.on_diag)
        p->c->opts.control.on_diag(p->c->opts.control.diag_ctx, code, message);
}

static void drop_state(struct partition *p)
{
    if (p->scan)
        p->c->evictions_before += vg_scan_state_evictions(p->scan);
    vg_js_reader_close(p->c->js, p->reader);
    vg_scan_free(p->scan);
    p->reader = NULL;
    p->scan = NULL;
}

/* Make the partition's detectors and reader, to rebuild state up to the store's checkpoint. */
static int build(struct partition *p)
{
    struct vg_cluster *c = p->c;
    int rc = read_checkpoint(c->store, p->n, &p->committed, &c->why);
    if (rc != VG_OK)
        return rc;
    struct vg_scan_opts so = c->opts.scan;
    so.on_evict = write_evicted;
    so.evict_ctx = p;
    so.on_diag = scan_diag;
    so.diag_ctx = p;
    so.read_ahead = false;
    so.intel = c->intel;
    if (!(p->scan = vg_scan_new(&so)))
        return VG_ENOMEM;
    pthread_mutex_lock(&c->lock);
    uint64_t rev = p->revision;
    pthread_mutex_unlock(&c->lock);
    char name[96];
    snprintf(name, sizeof(name), "p%u-%s-%" PRIu64, p->n, c->worker, rev);
    rc = vg_js_reader_open(c->js, &p->reader, p->n, name, &c->why);
    if (rc != VG_OK) {
        say(c, "partition %u: %s", p->n, c->why.data);
        drop_state(p);
        return rc;
    }
    p->replay_until = p->committed;
    p->next_poll_ms = 0;
    return VG_OK;
}

static void release(struct partition *p, bool hand_back)
{
    struct vg_cluster *c = p->c;
    drop_state(p);
    pthread_mutex_lock(&c->lock);
    bool lost = p->lost;
    p->owned = p->lost = false;
    pthread_mutex_unlock(&c->lock);
    if (hand_back && !lost) {
        vg_js_lease_drop(c->js, p->n);
        vg_stat_add(&c->stats.releases, 1);
    }
    if (lost)
        vg_stat_add(&c->stats.leases_lost, 1);
}

static int take(struct partition *p)
{
    struct vg_cluster *c = p->c;
    uint64_t rev;
    int rc = vg_js_lease_take(c->js, p->n, c->worker, &rev);
    if (rc != VG_OK)
        return rc == VG_ENOMEM ? rc : VG_OK; /* someone else has it */
    pthread_mutex_lock(&c->lock);
    p->owned = true;
    p->lost = false;
    p->revision = rev;
    pthread_mutex_unlock(&c->lock);
    vg_stat_add(&c->stats.takeovers, 1);
    rc = build(p);
    if (rc != VG_OK) {
        release(p, true);
        return rc == VG_ENOMEM ? rc : VG_OK;
    }
    say(c, "took partition %u (checkpoint at stream sequence %" PRIu64 ")", p->n, p->committed);
    return VG_OK;
}

static int write_changed(void *ctx, const struct vg_finding *f)
{
    struct partition *p = ctx;
    return vg_writer_put(&p->c->writer, f, vg_scan_pdns(p->scan), p->c->now_ms);
}

static void write_evicted(void *ctx, const struct vg_finding *f)
{
    struct partition *p = ctx;
    vg_stat_add(&p->c->stats.findings_evicted, 1);
    /* a finding pushed out of the full table mid-batch: its last state is written in the
     * batch's transaction, so nothing is lost (during a replay it is already stored) */
    if (!p->replay_until && !p->store_failed && write_changed(p, f) != VG_OK)
        p->store_failed = true;
}

/* Scan one message into the partition's detectors. */
static int scan_message(struct partition *p, const struct vg_js_msg *m)
{
    struct vg_cluster *c = p->c;
    const struct vg_scan_stats *st = vg_scan_stats(p->scan);
    uint64_t r0 = st->parse.records, b0 = st->parse.bad_records;
    const char *data;
    size_t len;
    int rc = vg_input_decode(&c->input, m->name, m->data, m->len, vg_scan_diag_sink(p->scan), &data,
                             &len);
    if (rc == VG_OK)
        rc = vg_scan_buffer_as(p->scan, m->name, vg_format_named(m->source), data, len,
                               m->base_offset, m->base_line);
    if (rc == VG_EIO)
        rc = VG_OK; /* reported: the message's bytes are bad input, not a failure */
    if (!p->replay_until) {
        vg_stat_add(&c->stats.records, st->parse.records - r0);
        vg_stat_add(&c->stats.bad_records, st->parse.bad_records - b0);
        vg_stat_add(&c->stats.bytes, m->len);
    }
    return rc;
}

/* Commit what a batch changed with the checkpoint `seq`.  VG_ECONFLICT: another worker moved
 * the checkpoint (this one lost the partition); VG_EDB: the store failed. */
static int commit(struct partition *p, uint64_t seq)
{
    struct vg_cluster *c = p->c;
    char key[32], old[24], now[24];
    checkpoint_key(key, p->n);
    snprintf(old, sizeof(old), "%" PRIu64, p->committed);
    snprintf(now, sizeof(now), "%" PRIu64, seq);
    int rc = p->store_failed ? VG_EDB : VG_OK;
    /* the checkpoint first: its row is the fence, and a second worker on the partition waits
     * there (then fails the compare) instead of on the findings' rows */
    if (rc == VG_OK)
        rc = vg_store_meta_swap(c->store, key, p->committed ? old : NULL, now);
    if (rc == VG_OK)
        rc = vg_findings_take_changed(vg_scan_findings(p->scan), write_changed, p);
    if (rc == VG_OK)
        rc = vg_store_commit(c->store);
    else
        vg_store_rollback(c->store);
    if (rc == VG_OK)
        p->committed = seq;
    return rc;
}

/* Read and handle up to a batch of the partition's messages.  *worked: some arrived. */
static int step(struct partition *p, bool *worked)
{
    struct vg_cluster *c = p->c;
    size_t n = 0;
    int rc = vg_js_fetch(p->reader, c->msgs, c->opts.batch, &n, 0, &c->why);
    if (rc == VG_ENOTFOUND) {
        say(c, "partition %u: %s; reading it again from its checkpoint", p->n, c->why.data);
        drop_state(p);
        rc = build(p); /* when it fails, the next balance tries again */
        return rc == VG_ENOMEM ? rc : VG_OK;
    }
    if (rc != VG_OK) { /* the cluster is electing a leader or lost a server: later */
        p->next_poll_ms = vg_mono_ms() + IDLE_WAIT_MS;
        return VG_OK;
    }
    *worked = n > 0;
    if (n == 0 || vg_js_pending(p->reader) == 0)
        p->next_poll_ms = vg_mono_ms() + IDLE_WAIT_MS;
    if (n == 0) {
        uint64_t undelivered;
        /* the checkpoint's message is gone (retention) and nothing is left to rebuild from */
        if (p->replay_until && vg_js_reader_undelivered(p->reader, &undelivered) == VG_OK &&
            undelivered == 0)
            p->replay_until = 0;
        return VG_OK;
    }
    bool live = false;
    uint64_t last = 0;
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        const struct vg_js_msg *m = &c->msgs[i];
        last = m->seq;
        if (p->replay_until && m->seq <= p->replay_until) {
            rc = scan_message(p, m);
            vg_stat_add(&c->stats.messages_replayed, 1);
            if (m->seq == p->replay_until)
                p->replay_until = 0;
            continue;
        }
        if (p->replay_until) {
            /* the checkpoint's own message is gone (retention): what is left was rebuilt */
            p->replay_until = 0;
        }
        if (m->seq <= p->committed) {
            vg_stat_add(&c->stats.messages_skipped, 1);
            continue;
        }
        if (!live) {
            /* evictions during the scan write into this transaction */
            c->now_ms = vg_wall_ms();
            if ((rc = vg_store_begin(c->store)) != VG_OK)
                break;
            live = true;
        }
        rc = scan_message(p, m);
        vg_stat_add(&c->stats.messages, 1);
    }
    if (rc == VG_ENOMEM) {
        if (live)
            vg_store_rollback(c->store);
        return rc;
    }
    if (!live) {
        /* a replayed batch: its findings are in the store already */
        rc = rc == VG_OK ? vg_findings_take_changed(vg_scan_findings(p->scan), NULL, NULL) : rc;
        vg_js_ack(p->reader);
        return rc;
    }
    if (rc == VG_OK)
        rc = commit(p, last);
    else
        vg_store_rollback(c->store);
    if (rc == VG_OK) {
        vg_js_ack(p->reader);
        return VG_OK;
    }
    return rc;
}

/* ---- balance ---- */

static unsigned owned_count(struct vg_cluster *c)
{
    unsigned n = 0;
    for (unsigned i = 0; i < c->nparts; i++)
        n += c->parts[i].owned;
    return n;
}

/* Take free partitions up to this worker's share, hand back what is over it. */
static int balance(struct vg_cluster *c)
{
    pthread_mutex_lock(&c->lock);
    unsigned alive = c->alive ? c->alive : 1;
    pthread_mutex_unlock(&c->lock);
    unsigned share = (c->nparts + alive - 1) / alive;
    for (unsigned i = 0; i < c->nparts; i++) {
        struct partition *p = &c->parts[i];
        if (p->owned && p->lost) {
            say(c, "lost partition %u (its lease expired and another worker took it)", p->n);
            release(p, false);
        }
    }
    /* a reader whose consumer went with a lost server is made again (from the checkpoint) */
    for (unsigned i = 0; i < c->nparts; i++) {
        struct partition *p = &c->parts[i];
        uint64_t undelivered;
        if (!p->owned)
            continue;
        if (p->reader && vg_js_reader_undelivered(p->reader, &undelivered) == VG_ENOTFOUND) {
            say(c, "partition %u: its reader is gone; reading it again from its checkpoint", p->n);
            drop_state(p);
        }
        /* (a partition whose build failed, the store being down, is built again here) */
        if (!p->scan && build(p) == VG_ENOMEM)
            return VG_ENOMEM;
    }
    unsigned owned = owned_count(c);
    /* hand back from the top, take from a place of this worker's own: workers starting
     * together do not all reach for partition 0 */
    for (unsigned i = c->nparts; i-- > 0 && owned > share;)
        if (c->parts[i].owned) {
            release(&c->parts[i], true);
            owned--;
        }
    unsigned start = vg_js_partition(c->worker, strlen(c->worker), c->nparts);
    for (unsigned k = 0; k < c->nparts && owned < share; k++) {
        struct partition *p = &c->parts[(start + k) % c->nparts];
        if (p->owned)
            continue;
        int rc = take(p);
        if (rc != VG_OK)
            return rc;
        owned += p->owned;
    }
    vg_stat_set(&c->stats.partitions_owned, owned);
    return VG_OK;
}

/* The store failed: roll everything back to the checkpoints.  Leases stay (the lease thread
 * renews them); the detectors are rebuilt once the store answers again. */
static void pause_and_rebuild(struct vg_cluster *c)
{
    vg_stat_add(&c->stats.store_pauses, 1);
    say(c, "store failed (%s); pausing, then rebuilding every partition from its checkpoint",
        vg_store_error(c->store));
    for (unsigned i = 0; i < c->nparts; i++)
        drop_state(&c->parts[i]);
    for (struct vg_backoff wait = vg_backoff_start(100, PAUSE_MAX_MS);;) {
        if (vg_run_stopping(&c->opts.control))
            return;
        vg_backoff_sleep(&wait);
        if (vg_store_begin(c->store) == VG_OK) {
            vg_store_rollback(c->store);
            break;
        }
    }
    for (unsigned i = 0; i < c->nparts; i++) {
        struct partition *p = &c->parts[i];
        p->store_failed = false;
        if (p->owned)
            build(p); /* on failure the next balance tries again */
    }
    say(c, "store answers again; partitions rebuilt");
}

/* ---- set-up and the loop ---- */

static void bad_filter(void *ctx, const char *filter, const char *why)
{
    say(ctx, "suppression rule %s not applied: %s", filter, why);
}

int vg_cluster_new(struct vg_cluster **out, const struct vg_cluster_opts *opts)
{
    *out = NULL;
    struct vg_cluster *c = calloc(1, sizeof(*c));
    if (!c)
        return VG_ENOMEM;
    c->opts = *opts;
    if (!c->opts.batch)
        c->opts.batch = DEFAULT_BATCH;
    c->intel = opts->scan.intel;
    vg_diag_init(&c->diag, UINT32_MAX, opts->control.on_diag, opts->control.diag_ctx);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (opts->worker && *opts->worker) {
        snprintf(c->worker, sizeof(c->worker), "%s", opts->worker);
    } else {
        char host[64] = "vigil";
        gethostname(host, sizeof(host) - 1);
        snprintf(c->worker, sizeof(c->worker), "%.40s-%ld", host, (long)getpid());
    }
    for (char *w = c->worker; *w; w++) /* the name is a KV key and a consumer name */
        if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') || (*w >= '0' && *w <= '9') ||
              *w == '-' || *w == '_'))
            *w = '_';
    c->msgs = calloc(c->opts.batch, sizeof(*c->msgs));
    int rc = c->msgs && vg_input_init(&c->input) == VG_OK ? VG_OK : VG_ENOMEM;
    const char *why = NULL;
    if (rc == VG_OK && (rc = vg_js_open(&c->js, &opts->js, &c->why)) != VG_OK)
        say(c, "%s", c->why.data ? c->why.data : vg_strerror(rc));
    if (rc == VG_OK && (rc = vg_store_open(&c->store, opts->store_uri, &why)) != VG_OK)
        say(c, "cannot open the store: %s", why);
    const struct vg_writer_counts counts = { &c->stats.findings_new, &c->stats.findings_updated,
                                             &c->stats.findings_suppressed };
    vg_writer_init(&c->writer, c->store, &opts->render, false, false, &counts, bad_filter, c);
    if (rc == VG_OK) {
        c->nparts = vg_js_partitions(c->js);
        c->parts = calloc(c->nparts, sizeof(*c->parts));
        if (!c->parts)
            rc = VG_ENOMEM;
        for (unsigned i = 0; rc == VG_OK && i < c->nparts; i++)
            c->parts[i] = (struct partition){ .c = c, .n = i };
    }
    if (rc != VG_OK) {
        vg_cluster_free(c);
        return rc;
    }
    *out = c;
    return VG_OK;
}

static void stop_lease_thread(struct vg_cluster *c)
{
    if (!c->lease_thread_started)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->lease_thread, NULL);
    c->lease_thread_started = false;
}

void vg_cluster_free(struct vg_cluster *c)
{
    if (!c)
        return;
    stop_lease_thread(c);
    for (unsigned i = 0; i < c->nparts; i++)
        drop_state(&c->parts[i]);
    free(c->parts);
    vg_writer_release(&c->writer);
    vg_store_close(c->store);
    vg_js_close(c->js);
    vg_input_release(&c->input);
    vg_buf_release(&c->why);
    free(c->msgs);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void reload_lists(struct vg_cluster *c)
{
    const struct vg_intel *intel = vg_run_reload_lists(&c->opts.control);
    if (!intel)
        return;
    c->intel = intel;
    for (unsigned i = 0; i < c->nparts; i++)
        if (c->parts[i].scan)
            vg_scan_set_intel(c->parts[i].scan, intel);
}

int vg_cluster_run(struct vg_cluster *c)
{
    unsigned alive = 1;
    if (vg_js_heartbeat(c->js, c->worker, &alive) == VG_OK)
        c->alive = alive;
    if (pthread_create(&c->lease_thread, NULL, lease_loop, c) != 0)
        return VG_ENOMEM;
    c->lease_thread_started = true;
    int64_t period = vg_js_lease_ms(c->js) / 3, next_balance = 0;
    int rc = VG_OK;
    size_t turn = 0;
    while (!vg_run_stopping(&c->opts.control) && rc == VG_OK) {
        int64_t now = vg_mono_ms();
        if (now >= next_balance) {
            next_balance = now + period;
            reload_lists(c);
            if ((rc = balance(c)) != VG_OK)
                break;
            uint64_t evictions = c->evictions_before;
            for (unsigned i = 0; i < c->nparts; i++)
                if (c->parts[i].scan)
                    evictions += vg_scan_state_evictions(c->parts[i].scan);
            vg_stat_set(&c->stats.state_evictions, evictions);
            if (vg_writer_load_filters(&c->writer) != VG_OK) {
                pause_and_rebuild(c);
                continue;
            }
        }
        /* one batch per owned partition per round, so a busy partition cannot starve the
         * others; the wait is short while others have work */
        bool worked_any = false;
        uint64_t lag = 0;
        for (unsigned k = 0; k < c->nparts && rc == VG_OK && !vg_run_stopping(&c->opts.control);
             k++) {
            struct partition *p = &c->parts[(turn + k) % c->nparts];
            if (!p->owned || !p->scan || p->next_poll_ms > now)
                continue;
            bool worked = false;
            int64_t t0 = p->replay_until ? vg_mono_ms() : 0;
            rc = step(p, &worked);
            if (t0)
                vg_stat_add((uint64_t *)&c->stats.replay_ms, (uint64_t)(vg_mono_ms() - t0));
            if (rc == VG_ECONFLICT) {
                vg_stat_add(&c->stats.commit_conflicts, 1);
                say(c, "partition %u: another worker committed it; letting it go", p->n);
                release(p, false);
                rc = VG_OK;
            } else if (rc == VG_EDB || rc == VG_ERETRY) {
                pause_and_rebuild(c);
                rc = VG_OK;
                break;
            }
            worked_any |= worked;
            if (p->reader)
                lag += vg_js_pending(p->reader);
        }
        turn++;
        vg_stat_set(&c->stats.lag, lag);
        if (!worked_any)
            vg_sleep_ms(IDLE_WAIT_MS / 4);
    }
    /* a clean stop: everything read is committed (batches commit as they end); hand the
     * partitions back so the others take them at once instead of after a lease */
    stop_lease_thread(c);
    for (unsigned i = 0; i < c->nparts; i++)
        if (c->parts[i].owned)
            release(&c->parts[i], true);
    vg_js_goodbye(c->js, c->worker);
    return rc;
}

void vg_cluster_stats(const struct vg_cluster *c, struct vg_cluster_stats *out)
{
    vg_stats_snapshot(out, &c->stats, sizeof(*out));
}

const char *vg_cluster_worker(const struct vg_cluster *c)
{
    return c->worker;
}

int vg_cluster_metrics(const struct vg_cluster *c, struct vg_buf *out)
{
    struct vg_cluster_stats st;
    vg_cluster_stats(c, &st);
    static const struct vg_metric_row rows[] = {
#define C(field, help)                                                                             \
    { "vigil_cluster_" #field "_total", "counter", help, offsetof(struct vg_cluster_stats, field) }
#define G(field, help)                                                                             \
    {                                                                                              \
        "vigil_cluster_" #field, "gauge", help, offsetof(struct vg_cluster_stats, field)           \
    }
        G(partitions_owned, "partitions this worker owns"),
        C(takeovers, "partitions taken (at start, or from a worker that left or died)"),
        C(releases, "partitions handed back to balance the cluster or at stop"),
        C(leases_lost, "partitions lost because their lease expired"),
        C(messages, "stream messages read and committed"),
        C(messages_replayed, "stream messages read again to rebuild detector state"),
        C(messages_skipped, "redelivered messages at or below a checkpoint, skipped"),
        C(records, "log records parsed"),
        C(bad_records, "records that could not be read"),
        C(bytes, "message bytes read (as published)"),
        C(findings_new, "findings created"),
        C(findings_updated, "finding updates written"),
        C(findings_suppressed, "finding writes archived by a suppression rule"),
        C(findings_evicted, "findings pushed out of a partition's in-memory table (stored first)"),
        C(state_evictions, "detector state entries evicted to stay within memory limits"),
        C(commit_conflicts, "batches refused because another worker had moved the checkpoint"),
        C(store_pauses, "store failures, each followed by a pause and a rebuild"),
        G(lag, "messages of the owned partitions not read yet"),
#undef C
#undef G
    };
    int rc = vg_metrics_rows(out, rows, VG_ARRAY_LEN(rows), &st);
    rc |= vg_buf_printf(out,
                        "# HELP vigil_cluster_replay_seconds time spent rebuilding partitions\n"
                        "# TYPE vigil_cluster_replay_seconds counter\n"
                        "vigil_cluster_replay_seconds %.3f\n",
                        (double)st.replay_ms / 1000);
    return rc ? VG_ENOMEM : VG_OK;
}

/* ---- status ---- */

int vg_cluster_status(const struct vg_js_opts *jo, const char *store_uri,
                      vg_cluster_partition_fn fn, void *ctx, struct vg_buf *why)
{
    struct vg_js *js = NULL;
    struct vg_store *store = NULL;
    const char *swhy = NULL;
    char shown[512]; /* the URI without its password, for messages */
    vg_store_redact(store_uri, shown, sizeof(shown));
    int rc = vg_js_open(&js, jo, why);
    if (rc == VG_OK && (rc = vg_store_open(&store, store_uri, &swhy)) != VG_OK) {
        vg_buf_reset(why);
        vg_buf_printf(why, "%s: %s", shown, swhy);
    }
    struct vg_buf owner = VG_BUF_INIT, val = VG_BUF_INIT;
    for (unsigned i = 0; rc == VG_OK && i < vg_js_partitions(js); i++) {
        struct vg_cluster_partition p = { .partition = i };
        if ((rc = read_checkpoint(store, i, &p.committed, &val)) != VG_OK) {
            vg_buf_reset(why);
            vg_buf_printf(why, "%s: %s", shown, vg_store_error(store));
            break;
        }
        if ((rc = vg_js_last_seq(js, i, &p.last_seq, why)) != VG_OK)
            break;
        vg_buf_reset(&owner);
        if ((rc = vg_js_lease_owner(js, i, &owner)) != VG_OK)
            break;
        p.owner = owner.data ? owner.data : "";
        rc = fn(ctx, &p);
    }
    vg_buf_release(&owner);
    vg_buf_release(&val);
    vg_store_close(store);
    vg_js_close(js);
    return rc;
}
