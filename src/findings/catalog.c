/* Name lookups over the generated catalog table, and the types rules declare at run time. */
#include "findings/catalog.h"

static struct vg_catalog_entry custom[VG_CATALOG_MAX_CUSTOM];
static size_t custom_count;

const struct vg_catalog_entry *vg_catalog_get(enum vg_finding_type type)
{
    if ((size_t)type < VG_FT_COUNT)
        return &vg_catalog[type];
    size_t i = (size_t)type - VG_FT_COUNT - 1;
    assert(i < custom_count);
    return &custom[i];
}

size_t vg_catalog_count(void)
{
    return VG_FT_COUNT + custom_count;
}

enum vg_finding_type vg_catalog_type(size_t i)
{
    return (enum vg_finding_type)(i < VG_FT_COUNT ? i : i + 1);
}

enum vg_finding_type vg_catalog_find(const char *name)
{
    for (size_t i = 0; i < vg_catalog_count(); i++)
        if (strcmp(vg_catalog_get(vg_catalog_type(i))->name, name) == 0)
            return vg_catalog_type(i);
    return VG_FT_COUNT;
}

enum vg_finding_type vg_catalog_add(const struct vg_catalog_entry *entry)
{
    if (custom_count == VG_CATALOG_MAX_CUSTOM)
        return VG_FT_COUNT;
    struct vg_catalog_entry *e = &custom[custom_count];
    *e = *entry;
    e->name = strdup(entry->name);
    e->resource_type = strdup(entry->resource_type);
    e->title = strdup(entry->title);
    e->description = strdup(entry->description);
    e->next_steps = strdup(entry->next_steps);
    if (!e->name || !e->resource_type || !e->title || !e->description || !e->next_steps) {
        free((char *)e->name), free((char *)e->resource_type), free((char *)e->title);
        free((char *)e->description), free((char *)e->next_steps);
        return VG_FT_COUNT;
    }
    return (enum vg_finding_type)(VG_FT_COUNT + 1 + custom_count++);
}
