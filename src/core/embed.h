/* Files compiled into the binary by scripts/embed.sh (the workbench, the shipped rules). */
#ifndef VG_CORE_EMBED_H
#define VG_CORE_EMBED_H

#include "core/compat.h"

struct vg_embedded_file {
    const char *name; /* its path in the source tree: "src/api/web/app.js", "rules/iam.yml" */
    const char *type; /* its Content-Type */
    const char *data; /* NUL-terminated */
    size_t len;
};

#endif
