#include "pipeline/writer.h"

#include <fcntl.h>

#include "core/clock.h"

#include "findings/criteria.h"
#include "pipeline/metrics.h"
#include "store/store.h"

struct vg_writer_filter {
    struct vg_criteria *criteria;
};

void vg_writer_init(struct vg_writer *w, struct vg_store *store,
                    const struct vg_render_opts *render, bool jsonl, bool webhook,
                    const struct vg_writer_counts *counts, vg_writer_warn_fn warn, void *warn_ctx)
{
    *w = (struct vg_writer){ .store = store,
                             .render = *render,
                             .jsonl = jsonl,
                             .webhook = webhook,
                             .counts = *counts,
                             .warn = warn,
                             .warn_ctx = warn_ctx };
    vg_buf_init(&w->json, 0);
}

static void free_filters(struct vg_writer *w)
{
    for (size_t i = 0; i < w->nsupp; i++)
        vg_criteria_free(w->supp[i].criteria);
    free(w->supp);
    w->supp = NULL;
    w->nsupp = 0;
}

void vg_writer_release(struct vg_writer *w)
{
    free_filters(w);
    vg_buf_release(&w->json);
}

static int load_filter(void *ctx, const struct vg_stored_filter *f)
{
    struct vg_writer *w = ctx;
    if (strcmp(f->action, "ARCHIVE") != 0 || (f->expires_ms && f->expires_ms <= vg_wall_ms()))
        return 0;
    struct vg_writer_filter *p = realloc(w->supp, (w->nsupp + 1) * sizeof(*p));
    if (!p)
        return VG_ENOMEM;
    w->supp = p;
    char why[128];
    if (vg_criteria_parse(f->criteria, strlen(f->criteria), &w->supp[w->nsupp].criteria, why,
                          sizeof(why)) != VG_OK) {
        if (w->warn)
            w->warn(w->warn_ctx, f->name, why);
        return 0;
    }
    w->nsupp++;
    return 0;
}

int vg_writer_load_filters(struct vg_writer *w)
{
    free_filters(w);
    return vg_store_filters_each(w->store, load_filter, w);
}

static bool suppressed(const struct vg_writer *w, const char *json, size_t len)
{
    for (size_t i = 0; i < w->nsupp; i++)
        if (vg_criteria_match(w->supp[i].criteria, json, len))
            return true;
    return false;
}

int vg_writer_put(struct vg_writer *w, const struct vg_finding *f, struct vg_pdns *pdns,
                  int64_t now_ms)
{
    struct vg_render_opts ro = w->render;
    ro.now_ms = now_ms;
    ro.pdns = pdns;
    vg_buf_reset(&w->json);
    if (vg_render_json(&w->json, f, &ro) != VG_OK)
        return VG_ENOMEM;
    bool supp = suppressed(w, w->json.data, w->json.len), is_new;
    char detector[33];
    struct vg_stored_finding sf;
    const char *stored;
    vg_stored_finding_from(&sf, detector, f, w->json.data, now_ms, now_ms);
    /* new activity brings an archived finding back unless a suppression rule covers it, as
     * GuardDuty does */
    int rc = vg_store_finding_put(w->store, &sf, supp ? 1 : 0, &is_new, &stored);
    /* outbox_add copies the JSON before put can be called again */
    if (rc == VG_OK && w->jsonl && !supp)
        rc = vg_store_outbox_add(w->store, "jsonl", f->id, is_new, stored);
    if (rc == VG_OK && w->webhook && !supp)
        rc = vg_store_outbox_add(w->store, "webhook", f->id, is_new, stored);
    if (rc == VG_OK) {
        vg_stat_add(is_new ? w->counts.created : w->counts.updated, 1);
        if (supp)
            vg_stat_add(w->counts.suppressed, 1);
    }
    return rc;
}

int vg_writer_instance_id(struct vg_store *store, char out[33])
{
    unsigned char raw[16];
    char mine[33], created[32];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && read(fd, raw, sizeof(raw)) == (ssize_t)sizeof(raw);
    if (fd >= 0)
        close(fd);
    if (!ok)
        return VG_EIO;
    for (int i = 0; i < 16; i++)
        snprintf(mine + 2 * i, 3, "%02x", raw[i]);
    snprintf(created, sizeof(created), "%lld", (long long)vg_wall_ms());
    /* whichever process opens a new store first sets them; the others read theirs */
    struct vg_buf v = VG_BUF_INIT;
    int rc = vg_store_meta_init(store, "created_ms", created, &v);
    if (rc == VG_OK)
        rc = vg_store_meta_init(store, "detector_id", mine, &v);
    if (rc == VG_OK)
        snprintf(out, 33, "%s", v.data);
    vg_buf_release(&v);
    return rc;
}
