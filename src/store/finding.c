/* A vg_finding as the store keeps it: the query columns beside its rendered JSON (store.h). */
#include "store/store.h"

#include "findings/catalog.h"
#include "findings/render.h"

void vg_stored_finding_from(struct vg_stored_finding *sf, char detector[33],
                            const struct vg_finding *f, const char *json, int64_t created_ms,
                            int64_t updated_ms)
{
    vg_render_detector_id(f, detector);
    *sf = (struct vg_stored_finding){
        .id = f->id,
        .detector_id = detector,
        .type = vg_catalog_get(f->type)->name,
        .account_id = f->account_id ? f->account_id : "",
        .region = f->region ? f->region : "",
        .severity = f->severity,
        .count = f->count,
        .first_seen_ms = f->first_seen_ms,
        .last_seen_ms = f->last_seen_ms,
        .created_ms = created_ms,
        .updated_ms = updated_ms,
        .json = json,
    };
}
