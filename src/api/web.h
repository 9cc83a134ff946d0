/*
 * The workbench's static files (src/api/web), compiled into the binary by scripts/embed_web.sh.
 * The page holds no data of its own: it reads everything through the API with the analyst's
 * token, so serving it needs none.
 */
#ifndef VG_API_WEB_H
#define VG_API_WEB_H

#include "core/compat.h"

struct vg_web_asset {
    const char *name; /* "index.html", "app.js" */
    const char *type; /* its Content-Type */
    const char *data;
    size_t len;
};

extern const struct vg_web_asset vg_web_assets[];
extern const size_t vg_web_asset_count;

#endif
