/* Name lookups over the generated catalog table. */
#include "findings/catalog.h"

enum vg_finding_type vg_catalog_find(const char *name)
{
    for (int i = 0; i < VG_FT_COUNT; i++)
        if (strcmp(vg_catalog[i].name, name) == 0)
            return (enum vg_finding_type)i;
    return VG_FT_COUNT;
}
