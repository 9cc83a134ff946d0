/* GET / and GET /ui/NAME: the workbench page and its script and style (api/web.h). */
#include "api/route.h"
#include "api/web.h"

static void serve(struct vg_api_req *req, const char *name)
{
    for (size_t i = 0; i < vg_web_assets_count; i++) {
        const char *base = strrchr(vg_web_assets[i].name, '/');
        if (strcmp(base ? base + 1 : vg_web_assets[i].name, name) != 0)
            continue;
        req->content_type = vg_web_assets[i].type;
        if (vg_buf_add(req->out, vg_web_assets[i].data, vg_web_assets[i].len) != VG_OK)
            vg_api_store_failed(req, VG_ENOMEM);
        return;
    }
    vg_api_fail(req, 404, "BadRequestException", "no such page");
}

void vg_api_web_index(struct vg_api_req *req)
{
    serve(req, "index.html");
}

void vg_api_web_asset(struct vg_api_req *req)
{
    serve(req, req->params[0]);
}
