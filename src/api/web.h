/*
 * The workbench's static files (src/api/web), compiled into the binary by scripts/embed.sh.
 * The page holds no data of its own: it reads everything through the API with the analyst's
 * token, so serving it needs none.
 */
#ifndef VG_API_WEB_H
#define VG_API_WEB_H

#include "core/compat.h"
#include "core/embed.h"

extern const struct vg_embedded_file vg_web_assets[];
extern const size_t vg_web_assets_count;

#endif
