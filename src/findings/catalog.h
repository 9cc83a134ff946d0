/*
 * The finding types this build implements, generated from catalog.tsv.  Detectors name types
 * only through enum vg_finding_type; the strings live in the table.
 */
#ifndef VG_FINDINGS_CATALOG_H
#define VG_FINDINGS_CATALOG_H

#include "core/compat.h"
#include "catalog_gen.h"

enum vg_ft_source {
    VG_FT_SRC_CLOUDTRAIL = 1u << 0,
    VG_FT_SRC_CLOUDTRAIL_S3 = 1u << 1,
    VG_FT_SRC_VPCFLOW = 1u << 2,
    VG_FT_SRC_DNS = 1u << 3,
};

struct vg_catalog_entry {
    const char *name;          /* "Stealth:IAMUser/CloudTrailLoggingDisabled" */
    const char *resource_type; /* resource.resourceType: AccessKey, S3Bucket, Instance */
    unsigned sources;          /* enum vg_ft_source bits */
    double severity;           /* default; a detector may raise or lower it per finding */
    const char *title;         /* templates, see findings/render.c */
    const char *description;
    const char *next_steps;
};

extern const struct vg_catalog_entry vg_catalog[VG_FT_COUNT];

/* Look a type up by name; VG_FT_COUNT when unknown. */
enum vg_finding_type vg_catalog_find(const char *name);

#endif
