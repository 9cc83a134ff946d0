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

/* Types declared at run time by user rules (rules/rules.h) number from VG_FT_COUNT + 1 up;
 * VG_FT_COUNT itself stays "no type". */
#define VG_CATALOG_MAX_CUSTOM 1024

/* The entry of a built-in or declared type. */
const struct vg_catalog_entry *vg_catalog_get(enum vg_finding_type type);
/* Look a type up by name; VG_FT_COUNT when unknown. */
enum vg_finding_type vg_catalog_find(const char *name);
/* Declare a type for the rest of the process (strings are copied).  Call before any scan
 * starts: the table is read without a lock.  VG_FT_COUNT when the table is full or memory ran
 * out. */
enum vg_finding_type vg_catalog_add(const struct vg_catalog_entry *entry);
/* Built-in and declared types: iterate with vg_catalog_type(i) for i below this. */
size_t vg_catalog_count(void);
enum vg_finding_type vg_catalog_type(size_t i);

#endif
