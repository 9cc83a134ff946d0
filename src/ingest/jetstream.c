/*
 * NATS JetStream through libnats (nats.c).  Everything here is a thin use of JetStream's own
 * parts: a limits stream with a duplicate window, KV buckets with compare-and-set, and named pull
 * consumers that the server removes when their reader goes quiet.
 */
#include "ingest/jetstream.h"

#include <nats/nats.h>
#include "core/clock.h"
#include "core/hash.h"

#define CLUSTER_BUCKET "vigil_cluster"
#define LEASE_BUCKET "vigil_leases"
#define DEFAULT_PARTITIONS 16u
/* Re-publishing the same objects within this window is dropped by the stream itself; after it
 * the pieces are new messages (the workers' checkpoints only cover redelivery). */
#define DUPLICATE_WINDOW_NS (3600ll * 1000000000ll)
/* A reader that stopped fetching (its worker died) is removed by the server after this. */
#define READER_IDLE_NS (60ll * 1000000000ll)
/* Delivered but not acknowledged this long: the server may deliver again (the worker commits
 * well within it; a redelivery is skipped by the checkpoint anyway). */
#define ACK_WAIT_NS (300ll * 1000000000ll)
/* A batch's messages are held until it commits: bound them in bytes too. */
#define FETCH_MAX_BYTES (64ll << 20)
/* A pull for messages the consumer holds returns at once; this only bounds a server's stall. */
#define FETCH_WAIT_MS 2000
/* How long a publisher (or a process setting up) keeps trying through a cluster's trouble. */
#define PUBLISH_PATIENCE_MS 120000

struct vg_js {
    natsConnection *nc;
    jsCtx *js;
    kvStore *cluster;
    kvStore *leases;
    unsigned partitions;
    int64_t lease_ms;
};

struct vg_js_reader {
    jsCtx *js;
    natsSubscription *sub;
    natsMsgList list;
    int acked_upto; /* messages of list handed out: an ack covers these */
    char consumer[96];
    uint64_t pending;
};

static int nats_fail(struct vg_buf *why, const char *what, natsStatus s, jsErrCode jerr)
{
    if (why) {
        vg_buf_reset(why);
        /* the thread's last error may be an older one (a refused KV create): only its own */
        natsStatus last_status = NATS_OK;
        const char *last = nats_GetLastError(&last_status);
        vg_buf_printf(why, "%s: %s", what,
                      last && *last && last_status == s ? last : natsStatus_GetText(s));
        if (jerr)
            vg_buf_printf(why, " (JetStream error %d)", (int)jerr);
    }
    return s == NATS_NO_MEMORY ? VG_ENOMEM : VG_EIO;
}

static int connect_servers(struct vg_js *j, const char *servers, struct vg_buf *why)
{
    char list[4096];
    const char *urls[64];
    int n = 0;
    snprintf(list, sizeof(list), "%s", servers);
    for (char *save = NULL, *u = strtok_r(list, ", ", &save); u && n < 64;
         u = strtok_r(NULL, ", ", &save))
        urls[n++] = u;
    natsOptions *o = NULL;
    natsStatus s = n ? natsOptions_Create(&o) : NATS_INVALID_ARG;
    if (s == NATS_OK)
        s = natsOptions_SetServers(o, urls, n);
    /* a lost server is a pause, never the end: reconnect to any of them for ever */
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(o, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(o, 250);
    if (s == NATS_OK)
        s = natsOptions_SetName(o, "vigil");
    if (s == NATS_OK)
        s = natsConnection_Connect(&j->nc, o);
    natsOptions_Destroy(o);
    if (s != NATS_OK)
        return nats_fail(why, servers, s, 0);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 10000; /* a request to a cluster electing a new leader takes seconds */
    s = natsConnection_JetStream(&j->js, j->nc, &jo);
    return s == NATS_OK ? VG_OK : nats_fail(why, "JetStream", s, 0);
}

static int ensure_stream(struct vg_js *j, const struct vg_js_opts *opts, struct vg_buf *why)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, j->js, VG_JS_STREAM, NULL, &jerr);
    if (s == NATS_OK) {
        jsStreamInfo_Destroy(si);
        return VG_OK;
    }
    if (s != NATS_NOT_FOUND)
        return nats_fail(why, "stream " VG_JS_STREAM, s, jerr);
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char *subjects[] = { VG_JS_SUBJECT_PREFIX ".>" };
    cfg.Name = VG_JS_STREAM;
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = opts->replicas > 0 ? opts->replicas : 1;
    cfg.MaxAge = opts->retention_ms * 1000000ll;
    cfg.Duplicates = DUPLICATE_WINDOW_NS;
    s = js_AddStream(&si, j->js, &cfg, NULL, &jerr);
    /* another process may have created it in the meantime: that is as good */
    if (s != NATS_OK && jerr != JSStreamNameExistErr)
        return nats_fail(why, "creating stream " VG_JS_STREAM, s, jerr);
    jsStreamInfo_Destroy(si);
    return VG_OK;
}

static int bucket(struct vg_js *j, kvStore **out, const char *name, int replicas, int64_t ttl_ms,
                  struct vg_buf *why)
{
    natsStatus s = js_KeyValue(out, j->js, name);
    if (s == NATS_OK)
        return VG_OK;
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = name;
    cfg.History = 1;
    cfg.TTL = ttl_ms * 1000000ll;
    cfg.Replicas = replicas > 0 ? replicas : 1;
    s = js_CreateKeyValue(out, j->js, &cfg);
    if (s != NATS_OK && js_KeyValue(out, j->js, name) == NATS_OK)
        return VG_OK; /* created by another process at the same moment */
    return s == NATS_OK ? VG_OK : nats_fail(why, name, s, 0);
}

/* The partition count is the cluster's, not a process's: the first process to set the cluster
 * up writes it, everyone else reads it. */
static int agree_partitions(struct vg_js *j, unsigned wanted, struct vg_buf *why)
{
    char text[16];
    snprintf(text, sizeof(text), "%u", wanted ? wanted : DEFAULT_PARTITIONS);
    uint64_t rev;
    natsStatus s = kvStore_CreateString(&rev, j->cluster, "partitions", text);
    (void)s; /* already set is the usual case; the value read back decides */
    kvEntry *e = NULL;
    s = kvStore_Get(&e, j->cluster, "partitions");
    if (s != NATS_OK)
        return nats_fail(why, "reading the partition count", s, 0);
    unsigned long n = strtoul(kvEntry_ValueString(e), NULL, 10);
    kvEntry_Destroy(e);
    if (n == 0 || n > VG_JS_PARTITIONS_MAX) {
        vg_buf_reset(why);
        vg_buf_printf(why, "bucket %s holds a partition count of %lu, outside 1..%u",
                      CLUSTER_BUCKET, n, VG_JS_PARTITIONS_MAX);
        return VG_ECONFIG;
    }
    if (wanted && wanted != n) {
        vg_buf_reset(why);
        vg_buf_printf(why,
                      "the cluster has %lu partitions, not %u: the count is fixed when the "
                      "cluster is set up (every account's state lives in its partition)",
                      n, wanted);
        return VG_ECONFIG;
    }
    j->partitions = (unsigned)n;
    return VG_OK;
}

static int lease_bucket_ttl(struct vg_js *j)
{
    kvStatus *st = NULL;
    if (kvStore_Status(&st, j->leases) != NATS_OK)
        return VG_EIO;
    int64_t ttl = kvStatus_TTL(st) / 1000000ll;
    kvStatus_Destroy(st);
    if (ttl > 0)
        j->lease_ms = ttl;
    return VG_OK;
}

int vg_js_open(struct vg_js **out, const struct vg_js_opts *opts, struct vg_buf *why)
{
    *out = NULL;
    struct vg_js *j = calloc(1, sizeof(*j));
    if (!j)
        return VG_ENOMEM;
    j->lease_ms = opts->lease_ms > 0 ? opts->lease_ms : 10000;
    int rc = connect_servers(j, opts->servers, why);
    /* a cluster electing leaders (a server just lost or started) times out for a while */
    for (struct vg_backoff wait = vg_backoff_start(100, 2000); rc == VG_OK;) {
        rc = ensure_stream(j, opts, why);
        if (rc == VG_OK && !j->cluster)
            rc = bucket(j, &j->cluster, CLUSTER_BUCKET, opts->replicas, 0, why);
        if (rc == VG_OK && !j->leases)
            rc = bucket(j, &j->leases, LEASE_BUCKET, opts->replicas, j->lease_ms, why);
        if (rc == VG_OK)
            rc = agree_partitions(j, opts->partitions, why);
        if (rc == VG_OK && lease_bucket_ttl(j) != VG_OK)
            rc = nats_fail(why, LEASE_BUCKET, NATS_ERR, 0);
        if (rc != VG_EIO || wait.waited_ms > PUBLISH_PATIENCE_MS)
            break;
        vg_backoff_sleep(&wait);
        rc = VG_OK;
    }
    if (rc != VG_OK) {
        vg_js_close(j);
        return rc;
    }
    *out = j;
    return VG_OK;
}

void vg_js_close(struct vg_js *j)
{
    if (!j)
        return;
    kvStore_Destroy(j->leases);
    kvStore_Destroy(j->cluster);
    jsCtx_Destroy(j->js);
    natsConnection_Destroy(j->nc);
    free(j);
}

unsigned vg_js_partitions(const struct vg_js *j)
{
    return j->partitions;
}

int64_t vg_js_lease_ms(const struct vg_js *j)
{
    return j->lease_ms;
}

unsigned vg_js_partition(const char *account, size_t len, unsigned partitions)
{
    return (unsigned)(vg_hash64(account, len, 0) % partitions);
}

static int add_token(struct vg_buf *out, const char *t)
{
    size_t n = 0;
    int rc = vg_buf_addc(out, '.');
    for (; rc == VG_OK && t && t[n] && n < VG_JS_TOKEN_MAX; n++) {
        char c = t[n];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_';
        rc = vg_buf_addc(out, plain ? c : '_');
    }
    if (rc == VG_OK && n == 0)
        rc = vg_buf_adds(out, "unknown");
    return rc;
}

int vg_js_subject(struct vg_buf *out, unsigned partition, const char *source, const char *account,
                  const char *region)
{
    int rc = vg_buf_printf(out, VG_JS_SUBJECT_PREFIX ".%u", partition);
    if (rc == VG_OK)
        rc = add_token(out, source);
    if (rc == VG_OK)
        rc = add_token(out, account);
    if (rc == VG_OK)
        rc = add_token(out, region);
    return rc;
}

size_t vg_js_max_payload(const struct vg_js *j)
{
    int64_t n = natsConnection_GetMaxPayload(j->nc);
    return n > 0 ? (size_t)n : 1u << 20;
}

int vg_js_publish(struct vg_js *j, const char *subject, const char *name, const char *base,
                  const char *msg_id, const void *data, size_t len, bool *duplicate,
                  struct vg_buf *why)
{
    natsMsg *m = NULL;
    natsStatus s = natsMsg_Create(&m, subject, NULL, data, (int)len);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, VG_JS_HDR_NAME, name);
    if (s == NATS_OK && base)
        s = natsMsgHeader_Set(m, VG_JS_HDR_BASE, base);
    if (s == NATS_OK && msg_id)
        s = natsMsgHeader_Set(m, "Nats-Msg-Id", msg_id);
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    /* A server lost, a leader being elected: wait and send again.  The message id makes a
     * second copy of a piece the stream did get harmless.  A refusal by JetStream itself (a
     * limit) is final. */
    for (struct vg_backoff wait = vg_backoff_start(100, 2000); s == NATS_OK;) {
        jerr = 0;
        s = js_PublishMsg(&ack, j->js, m, NULL, &jerr);
        bool transient = s == NATS_NO_RESPONDERS || s == NATS_TIMEOUT || !jerr;
        if (s == NATS_OK || !transient || wait.waited_ms > PUBLISH_PATIENCE_MS)
            break;
        vg_backoff_sleep(&wait);
        s = NATS_OK;
    }
    natsMsg_Destroy(m);
    if (s != NATS_OK)
        return nats_fail(why, subject, s, jerr);
    if (duplicate)
        *duplicate = ack->Duplicate;
    jsPubAck_Destroy(ack);
    return VG_OK;
}

/* ---- leases ---- */

static void lease_key(char key[32], unsigned partition)
{
    snprintf(key, 32, "p.%u", partition);
}

int vg_js_lease_take(struct vg_js *j, unsigned partition, const char *worker, uint64_t *revision)
{
    char key[32];
    lease_key(key, partition);
    natsStatus s = kvStore_CreateString(revision, j->leases, key, worker);
    if (s == NATS_OK)
        return VG_OK;
    return s == NATS_NO_MEMORY ? VG_ENOMEM : VG_ENOTFOUND;
}

int vg_js_lease_renew(struct vg_js *j, unsigned partition, const char *worker, uint64_t *revision)
{
    char key[32];
    lease_key(key, partition);
    natsStatus s = kvStore_UpdateString(revision, j->leases, key, worker, *revision);
    if (s == NATS_OK)
        return VG_OK;
    /* a revision mismatch means someone else holds it now; anything else (a server gone) is
     * retried at the next renewal, and the lease holds until it expires */
    kvEntry *e = NULL;
    s = kvStore_Get(&e, j->leases, key);
    if (s == NATS_OK) {
        bool ours = strcmp(kvEntry_ValueString(e), worker) == 0 && kvEntry_Revision(e) == *revision;
        kvEntry_Destroy(e);
        return ours ? VG_EIO : VG_ENOTFOUND;
    }
    return s == NATS_NOT_FOUND ? VG_ENOTFOUND : VG_EIO;
}

void vg_js_lease_drop(struct vg_js *j, unsigned partition)
{
    char key[32];
    lease_key(key, partition);
    kvStore_Delete(j->leases, key);
}

int vg_js_heartbeat(struct vg_js *j, const char *worker, unsigned *alive)
{
    char key[VG_JS_TOKEN_MAX + 8];
    snprintf(key, sizeof(key), "w.%s", worker);
    uint64_t rev;
    natsStatus s = kvStore_PutString(&rev, j->leases, key, worker);
    kvWatchOptions wo;
    kvWatchOptions_Init(&wo);
    wo.IgnoreDeletes = true;
    wo.MetaOnly = true;
    kvWatcher *w = NULL;
    if (s == NATS_OK)
        s = kvStore_Watch(&w, j->leases, "w.*", &wo);
    unsigned n = 0;
    while (s == NATS_OK) {
        kvEntry *e = NULL;
        s = kvWatcher_Next(&e, w, 5000);
        if (s != NATS_OK || !e)
            break; /* a NULL entry: every current value has been seen */
        n++;
        kvEntry_Destroy(e);
    }
    kvWatcher_Destroy(w);
    if (s != NATS_OK)
        return VG_EIO;
    *alive = n ? n : 1;
    return VG_OK;
}

void vg_js_goodbye(struct vg_js *j, const char *worker)
{
    char key[VG_JS_TOKEN_MAX + 8];
    snprintf(key, sizeof(key), "w.%s", worker);
    kvStore_Delete(j->leases, key);
}

/* ---- readers ---- */

int vg_js_reader_open(struct vg_js *j, struct vg_js_reader **out, unsigned partition,
                      const char *name, struct vg_buf *why)
{
    *out = NULL;
    struct vg_js_reader *r = calloc(1, sizeof(*r));
    if (!r)
        return VG_ENOMEM;
    r->js = j->js;
    snprintf(r->consumer, sizeof(r->consumer), "%s", name);
    char filter[64];
    snprintf(filter, sizeof(filter), VG_JS_SUBJECT_PREFIX ".%u.>", partition);
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    /* durable, so it has the stream's replicas and survives the loss of a server; the server
     * still removes it when its reader goes quiet */
    cc.Durable = r->consumer;
    cc.FilterSubject = filter;
    cc.DeliverPolicy = js_DeliverAll;
    /* acknowledging a message acknowledges every one before it: one ack per commit */
    cc.AckPolicy = js_AckAll;
    cc.AckWait = ACK_WAIT_NS;
    cc.MaxAckPending = 4096;
    cc.InactiveThreshold = READER_IDLE_NS;
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_AddConsumer(&ci, j->js, VG_JS_STREAM, &cc, NULL, &jerr);
    jsConsumerInfo_Destroy(ci);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = VG_JS_STREAM;
    so.Consumer = r->consumer;
    if (s == NATS_OK)
        s = js_PullSubscribe(&r->sub, j->js, filter, NULL, NULL, &so, &jerr);
    if (s != NATS_OK) {
        int rc = nats_fail(why, filter, s, jerr);
        vg_js_reader_close(j, r);
        return rc;
    }
    *out = r;
    return VG_OK;
}

void vg_js_reader_close(struct vg_js *j, struct vg_js_reader *r)
{
    if (!r)
        return;
    natsMsgList_Destroy(&r->list);
    natsSubscription_Destroy(r->sub);
    /* the server would remove it when idle; removing it now frees the stream at once */
    js_DeleteConsumer(j->js, VG_JS_STREAM, r->consumer, NULL, NULL);
    free(r);
}

/* Is the reader's consumer gone (rather than the cluster briefly unable to answer)? */
static bool reader_gone(struct vg_js_reader *r)
{
    uint64_t n;
    return vg_js_reader_undelivered(r, &n) == VG_ENOTFOUND;
}

/* The source token of vigil.logs.PARTITION.SOURCE.ACCOUNT.REGION, or "" . */
static void subject_source(const char *subject, char out[16])
{
    const char *t = subject;
    for (int dots = 0; t && dots < 3; dots++)
        t = (t = strchr(t, '.')) ? t + 1 : NULL;
    size_t n = t ? strcspn(t, ".") : 0;
    snprintf(out, 16, "%.*s", (int)(n < 15 ? n : 15), t ? t : "");
}

static uint64_t header_u64(const char **p)
{
    char *end;
    unsigned long long v = strtoull(*p, &end, 10);
    *p = end;
    return (uint64_t)v;
}

int vg_js_fetch(struct vg_js_reader *r, struct vg_js_msg *msgs, size_t max, size_t *n,
                int64_t timeout_ms, struct vg_buf *why)
{
    *n = 0;
    r->acked_upto = 0;
    natsMsgList_Destroy(&r->list);
    /* Ask only for what the consumer holds: a pull for more than that waits out its expiry
     * on the server, and an expired pull's late messages are the path where this libnats has
     * trouble.  The count comes with every message; after a drained batch, ask the server. */
    if (r->pending == 0) {
        int rc = vg_js_reader_undelivered(r, &r->pending);
        if (rc != VG_OK) {
            nats_fail(why, r->consumer, NATS_ERR, 0);
            return rc;
        }
        if (r->pending == 0)
            return VG_OK;
    }
    jsFetchRequest req;
    jsFetchRequest_Init(&req);
    req.Batch = (int)(r->pending < max ? r->pending : max);
    req.MaxBytes = FETCH_MAX_BYTES;
    req.Expires = (timeout_ms > FETCH_WAIT_MS ? timeout_ms : FETCH_WAIT_MS) * 1000000ll;
    natsStatus s = natsSubscription_FetchRequest(&r->list, r->sub, &req);
    jsErrCode jerr = 0;
    if (s != NATS_OK)
        memset(&r->list, 0, sizeof(r->list)); /* nothing handed back */
    if (s == NATS_TIMEOUT || s == NATS_NOT_FOUND) {
        r->pending = 0; /* ask again next time */
        return VG_OK;
    }
    if (s != NATS_OK) {
        r->pending = 0;
        nats_fail(why, r->consumer, s, jerr);
        return reader_gone(r) ? VG_ENOTFOUND : VG_EIO;
    }
    r->acked_upto = 0;
    /* (never more than asked for, whatever a late reply to an expired pull brought) */
    for (int i = 0; i < r->list.Count && *n < max; i++) {
        natsMsg *m = r->list.Msgs[i];
        r->acked_upto = i + 1;
        jsMsgMetaData *meta = NULL;
        if (natsMsg_GetMetaData(&meta, m) != NATS_OK)
            continue; /* not a stream message: nothing of ours */
        struct vg_js_msg *out = &msgs[(*n)++];
        out->seq = meta->Sequence.Stream;
        r->pending = meta->NumPending;
        jsMsgMetaData_Destroy(meta);
        if (natsMsgHeader_Get(m, VG_JS_HDR_NAME, &out->name) != NATS_OK)
            out->name = natsMsg_GetSubject(m);
        subject_source(natsMsg_GetSubject(m), out->source);
        out->base_offset = out->base_line = 0;
        const char *base;
        if (natsMsgHeader_Get(m, VG_JS_HDR_BASE, &base) == NATS_OK) {
            out->base_offset = header_u64(&base);
            out->base_line = header_u64(&base);
        }
        out->data = natsMsg_GetData(m);
        out->len = (size_t)natsMsg_GetDataLength(m);
    }
    return VG_OK;
}

void vg_js_ack(struct vg_js_reader *r)
{
    if (r->acked_upto > 0)
        natsMsg_Ack(r->list.Msgs[r->acked_upto - 1], NULL);
}

uint64_t vg_js_pending(const struct vg_js_reader *r)
{
    return r->pending;
}

int vg_js_reader_undelivered(struct vg_js_reader *r, uint64_t *n)
{
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetConsumerInfo(&ci, r->js, VG_JS_STREAM, r->consumer, NULL, &jerr);
    if (s != NATS_OK)
        return jerr == JSConsumerNotFoundErr ? VG_ENOTFOUND : VG_EIO;
    *n = ci->NumPending;
    jsConsumerInfo_Destroy(ci);
    return VG_OK;
}

int vg_js_last_seq(struct vg_js *j, unsigned partition, uint64_t *seq, struct vg_buf *why)
{
    char filter[64];
    snprintf(filter, sizeof(filter), VG_JS_SUBJECT_PREFIX ".%u.>", partition);
    natsMsg *m = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetLastMsg(&m, j->js, VG_JS_STREAM, filter, NULL, &jerr);
    *seq = 0;
    if (s == NATS_NOT_FOUND)
        return VG_OK;
    if (s != NATS_OK)
        return nats_fail(why, filter, s, jerr);
    *seq = natsMsg_GetSequence(m);
    natsMsg_Destroy(m);
    return VG_OK;
}

int vg_js_lease_owner(struct vg_js *j, unsigned partition, struct vg_buf *out)
{
    char key[32];
    lease_key(key, partition);
    vg_buf_reset(out);
    kvEntry *e = NULL;
    natsStatus s = kvStore_Get(&e, j->leases, key);
    if (s == NATS_NOT_FOUND)
        return vg_buf_adds(out, "");
    if (s != NATS_OK)
        return VG_EIO;
    int rc = vg_buf_adds(out, kvEntry_ValueString(e));
    kvEntry_Destroy(e);
    return rc;
}
