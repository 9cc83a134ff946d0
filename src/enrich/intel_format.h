/*
 * The threat-list format plug-in point.  A loader only reads its format and hands each
 * indicator's text (and the threat name, where the format has one) to vg_intel_builder_add();
 * it never touches the store's structures.  Formats are listed in intel_formats.c.
 */
#ifndef VG_ENRICH_INTEL_FORMAT_H
#define VG_ENRICH_INTEL_FORMAT_H

#include "core/compat.h"
#include "enrich/intel.h"

struct vg_intel_load_ctx {
    struct vg_intel_builder *builder;
    uint32_t list;      /* from vg_intel_builder_list */
    const char *source; /* file name for messages */
    struct vg_diag *diag;
};

struct vg_intel_format {
    const char *name; /* "txt", "stix1", "stix2", "otx-csv", ... */
    /* true if the bytes look like this format (first few KiB are enough) */
    bool (*sniff)(const char *buf, size_t len);
    /* Load a whole file.  Bad entries are reported (file:line) and counted; returns VG_OK unless
     * memory ran out. */
    int (*load)(struct vg_intel_load_ctx *ctx, const char *buf, size_t len);
};

/* NULL-terminated; the most specific formats first, "txt" last (it accepts anything). */
extern const struct vg_intel_format *const vg_intel_formats[];
const struct vg_intel_format *vg_intel_format_find(const char *name);
const struct vg_intel_format *vg_intel_format_detect(const char *buf, size_t len);

#endif
