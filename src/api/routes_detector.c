/* ListDetectors and GetDetector: the instance, and the per-account/Region detectors its findings
 * name. */
#include "api/route.h"

static int add_detector(void *ctx, const char *id)
{
    struct vg_api_req *req = ctx;
    return strcmp(id, req->opts->detector_id) == 0
               ? 0
               : vg_buf_addc(req->out, ',') | vg_buf_add_json_str(req->out, vg_str_from(id));
}

void vg_api_list_detectors(struct vg_api_req *req)
{
    vg_buf_adds(req->out, "{\"detectorIds\":[");
    vg_buf_add_json_str(req->out, vg_str_from(req->opts->detector_id));
    int rc = vg_store_detector_ids(req->store, add_detector, req);
    if (rc != VG_OK) {
        vg_api_store_failed(req, rc);
        return;
    }
    vg_buf_adds(req->out, "]}");
}

void vg_api_get_detector(struct vg_api_req *req)
{
    struct vg_buf v = VG_BUF_INIT;
    int64_t created = 0;
    if (vg_store_meta_get(req->store, "created_ms", &v) == VG_OK)
        created = strtoll(v.data, NULL, 10);
    vg_buf_release(&v);
    struct vg_buf *o = req->out;
    vg_buf_adds(o, "{\"createdAt\":");
    vg_api_add_time(o, created);
    vg_buf_adds(o, ",\"findingPublishingFrequency\":\"FIFTEEN_MINUTES\",\"serviceRole\":\"\","
                   "\"status\":\"ENABLED\",\"updatedAt\":");
    vg_api_add_time(o, created);
    /* what vigil reads: the foundational data sources, all on */
    vg_buf_adds(o, ",\"dataSources\":{\"cloudTrail\":{\"status\":\"ENABLED\"},"
                   "\"dnsLogs\":{\"status\":\"ENABLED\"},\"flowLogs\":{\"status\":\"ENABLED\"},"
                   "\"s3Logs\":{\"status\":\"ENABLED\"}},\"tags\":{}}");
}
