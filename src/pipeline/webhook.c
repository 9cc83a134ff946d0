/* The webhook sender; see webhook.h. */
#include "pipeline/webhook.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/time.h"
#include "store/store.h"

#define BATCH 256
#define MAX_BACKOFF_MS (5 * 60 * 1000)

struct vg_webhook {
    struct vg_webhook_opts opts;
    char host[256], port[8], path[1024];
    struct vg_store *store;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, woken;
    int64_t next_updates_ms; /* when held updates go out next */
    int64_t backoff_ms;      /* after a failure: the pause before the next try */
    int64_t retry_at_ms;
    uint64_t sent, failures; /* relaxed atomics: read by /metrics */
    struct vg_buf body;
};

/* http://host[:port]/path into its parts. */
static bool parse_url(struct vg_webhook *w, const char *url)
{
    if (strncmp(url, "http://", 7) != 0)
        return false;
    const char *h = url + 7;
    size_t hl = strcspn(h, ":/");
    if (hl == 0 || hl >= sizeof(w->host))
        return false;
    memcpy(w->host, h, hl);
    w->host[hl] = '\0';
    const char *p = h + hl;
    snprintf(w->port, sizeof(w->port), "80");
    if (*p == ':') {
        size_t pl = strspn(p + 1, "0123456789");
        if (pl == 0 || pl > 5 || (p[1 + pl] != '/' && p[1 + pl] != '\0'))
            return false;
        memcpy(w->port, p + 1, pl);
        w->port[pl] = '\0';
        p += 1 + pl;
    }
    snprintf(w->path, sizeof(w->path), "%s", *p ? p : "/");
    for (const char *c = w->path; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return false; /* no header injection through the URL */
    return strlen(p) < sizeof(w->path);
}

int vg_webhook_new(const struct vg_webhook_opts *o, struct vg_webhook **out, char *why,
                   size_t why_len)
{
    *out = NULL;
    struct vg_webhook *w = calloc(1, sizeof(*w));
    if (!w)
        return VG_ENOMEM;
    w->opts = *o;
    if (!w->opts.timeout_ms)
        w->opts.timeout_ms = 5000;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    vg_buf_init(&w->body, 0);
    if (!parse_url(w, o->url)) {
        snprintf(why, why_len,
                 "'%s' is not an http://host[:port]/path URL (https needs a local "
                 "proxy: vigil links no TLS library)",
                 o->url);
        vg_webhook_free(w);
        return VG_EUSAGE;
    }
    const char *swhy;
    if (vg_store_open(&w->store, o->store_uri, &swhy) != VG_OK) {
        snprintf(why, why_len, "%s", swhy);
        vg_webhook_free(w);
        return VG_EDB;
    }
    *out = w;
    return VG_OK;
}

/* Wait until fd is ready for `events` or the timeout passes. */
static bool ready(int fd, short events, int timeout_ms)
{
    struct pollfd p = { fd, events, 0 };
    return poll(&p, 1, timeout_ms) == 1 && !(p.revents & (POLLERR | POLLNVAL));
}

/* POST the body; true on a 2xx answer. */
static bool post(struct vg_webhook *w, const char *body, size_t len)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
    if (getaddrinfo(w->host, w->port, &hints, &ai) != 0)
        return false;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0;
    if (ok && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
        ok = errno == EINPROGRESS && ready(fd, POLLOUT, w->opts.timeout_ms);
    freeaddrinfo(ai);
    if (ok) {
        int err = 0;
        socklen_t el = sizeof(err);
        ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0;
    }
    char head[1400];
    int hl = snprintf(head, sizeof(head),
                      "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                      "User-Agent: vigild\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                      w->path, w->host, len);
    const char *parts[2] = { head, body };
    size_t sizes[2] = { (size_t)hl, len };
    for (int i = 0; ok && i < 2; i++)
        for (size_t done = 0; ok && done < sizes[i];) {
            ssize_t n = send(fd, parts[i] + done, sizes[i] - done, MSG_NOSIGNAL);
            if (n > 0)
                done += (size_t)n;
            else
                ok = n < 0 && errno == EAGAIN && ready(fd, POLLOUT, w->opts.timeout_ms);
        }
    char answer[64] = "";
    size_t got = 0;
    while (ok && got < 12 && ready(fd, POLLIN, w->opts.timeout_ms)) {
        ssize_t n = recv(fd, answer + got, sizeof(answer) - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    answer[got] = '\0';
    if (fd >= 0)
        close(fd);
    /* "HTTP/1.1 204 No Content" */
    return ok && strncmp(answer, "HTTP/1.", 7) == 0 && answer[9] == '2';
}

/* A row of the round: what is due, and what is superseded by a newer version of its finding. */
struct pending {
    int64_t seq;
    char id[40];
    bool is_new;
    char *json;
};

struct batch {
    struct pending rows[BATCH];
    size_t count;
    int rc;
};

static int collect(void *ctx, const struct vg_outbox_row *r)
{
    struct batch *b = ctx;
    struct pending *p = &b->rows[b->count];
    p->seq = r->seq;
    snprintf(p->id, sizeof(p->id), "%s", r->finding_id);
    p->is_new = r->is_new;
    if (!(p->json = strdup(r->json))) {
        b->rc = VG_ENOMEM;
        return 1;
    }
    b->count++;
    return 0;
}

/* The EventBridge envelope around a finding. */
static int envelope(struct vg_buf *out, const struct pending *p, int64_t now_ms)
{
    /* an id per delivery, as EventBridge gives each event: from the row and the time */
    char hex[33], uuid[40], iso[40];
    struct vg_hash128 h;
    vg_hash128_init(&h);
    vg_hash128_field(&h, &p->seq, sizeof(p->seq));
    vg_hash128_field(&h, &now_ms, sizeof(now_ms));
    vg_hash128_hex(&h, hex);
    snprintf(uuid, sizeof(uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
             hex + 20);
    vg_time_format_iso(now_ms, iso, sizeof(iso));
    iso[19] = 'Z';
    iso[20] = '\0';
    /* account and Region come from the finding itself: the receiver routes on them */
    char account[16] = "", region[32] = "";
    const char *acc = strstr(p->json, "\"accountId\":\"");
    const char *reg = strstr(p->json, "\"region\":\"");
    if (acc)
        snprintf(account, sizeof(account), "%.*s", (int)strcspn(acc + 13, "\""), acc + 13);
    if (reg)
        snprintf(region, sizeof(region), "%.*s", (int)strcspn(reg + 10, "\""), reg + 10);
    vg_buf_reset(out);
    int rc = vg_buf_printf(out,
                           "{\"version\":\"0\",\"id\":\"%s\",\"detail-type\":\"GuardDuty "
                           "Finding\",\"source\":\"aws.guardduty\",\"account\":",
                           uuid);
    rc |= vg_buf_add_json_str(out, vg_str_from(account));
    rc |= vg_buf_printf(out, ",\"time\":\"%s\",\"region\":", iso);
    rc |= vg_buf_add_json_str(out, vg_str_from(region));
    rc |= vg_buf_adds(out, ",\"resources\":[],\"detail\":");
    rc |= vg_buf_adds(out, p->json);
    rc |= vg_buf_adds(out, "}");
    return rc ? VG_ENOMEM : VG_OK;
}

int vg_webhook_round(struct vg_webhook *w, int64_t now_ms, size_t *sent, size_t *failed)
{
    *sent = *failed = 0;
    if (now_ms < w->retry_at_ms)
        return VG_OK;
    if (!w->next_updates_ms)
        w->next_updates_ms = now_ms + w->opts.update_every_ms;
    bool updates_due = now_ms >= w->next_updates_ms;
    struct batch *b = calloc(1, sizeof(*b));
    if (!b)
        return VG_ENOMEM;
    int rc = vg_store_outbox_each(w->store, "webhook", BATCH, true, collect, b);
    if (rc == 1 || rc == VG_OK)
        rc = b->rc;
    for (size_t i = 0; i < b->count && rc == VG_OK; i++) {
        struct pending *p = &b->rows[i];
        bool superseded = false; /* a newer version of the same finding waits behind it */
        for (size_t k = i + 1; k < b->count && !superseded; k++)
            superseded = strcmp(b->rows[k].id, p->id) == 0;
        if (superseded && !p->is_new) {
            rc = vg_store_outbox_remove(w->store, "webhook", p->seq);
            continue;
        }
        if (!p->is_new && !updates_due)
            continue;
        if ((rc = envelope(&w->body, p, now_ms)) != VG_OK)
            break;
        if (!post(w, w->body.data, w->body.len)) {
            ++*failed;
            __atomic_fetch_add(&w->failures, 1, __ATOMIC_RELAXED);
            w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : 1000;
            if (w->backoff_ms > MAX_BACKOFF_MS)
                w->backoff_ms = MAX_BACKOFF_MS;
            w->retry_at_ms = now_ms + w->backoff_ms;
            break; /* in order: the next rows wait for this one */
        }
        ++*sent;
        __atomic_fetch_add(&w->sent, 1, __ATOMIC_RELAXED);
        w->backoff_ms = 0;
        rc = vg_store_outbox_remove(w->store, "webhook", p->seq);
    }
    if (rc == VG_OK && !*failed && updates_due && b->count < BATCH)
        w->next_updates_ms = now_ms + w->opts.update_every_ms;
    for (size_t i = 0; i < b->count; i++)
        free(b->rows[i].json);
    free(b);
    return rc;
}

static void *run(void *arg)
{
    struct vg_webhook *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        pthread_mutex_unlock(&w->lock);
        size_t sent, failed;
        int rc = vg_webhook_round(w, vg_wall_ms(), &sent, &failed);
        pthread_mutex_lock(&w->lock);
        if (w->stop)
            break;
        if (rc == VG_OK && sent && !failed)
            continue; /* more may be waiting */
        if (!w->woken) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&w->cond, &w->lock, &until);
        }
        w->woken = false;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int vg_webhook_start(struct vg_webhook *w)
{
    if (pthread_create(&w->thread, NULL, run, w) != 0)
        return VG_ENOMEM;
    w->running = true;
    return VG_OK;
}

void vg_webhook_wake(struct vg_webhook *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->woken = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void stop_thread(struct vg_webhook *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    w->running = false;
}

void vg_webhook_finish(struct vg_webhook *w)
{
    if (!w)
        return;
    stop_thread(w);
    size_t sent, failed;
    do
        if (vg_webhook_round(w, vg_wall_ms(), &sent, &failed) != VG_OK)
            break;
    while (sent && !failed);
}

void vg_webhook_free(struct vg_webhook *w)
{
    if (!w)
        return;
    stop_thread(w);
    vg_store_close(w->store);
    vg_buf_release(&w->body);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

int vg_webhook_metrics(const struct vg_webhook *w, struct vg_buf *out)
{
    return vg_buf_printf(
        out,
        "# HELP vigil_webhook_sent_total findings the webhook receiver accepted\n"
        "# TYPE vigil_webhook_sent_total counter\nvigil_webhook_sent_total %" PRIu64
        "\n# HELP vigil_webhook_failures_total webhook posts that failed (retried)\n"
        "# TYPE vigil_webhook_failures_total counter\n"
        "vigil_webhook_failures_total %" PRIu64 "\n",
        __atomic_load_n(&w->sent, __ATOMIC_RELAXED),
        __atomic_load_n(&w->failures, __ATOMIC_RELAXED));
}
