/* `vigil types`: the finding types this build implements, from the generated catalog. */
#include "cli/cmd.h"

#include "findings/catalog.h"
#include "findings/render.h"

static const char *source_names(unsigned sources, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    static const struct {
        unsigned bit;
        const char *name;
    } map[] = {
        { VG_FT_SRC_CLOUDTRAIL, "cloudtrail" },
        { VG_FT_SRC_CLOUDTRAIL_S3, "cloudtrail-s3" },
        { VG_FT_SRC_VPCFLOW, "vpcflow" },
        { VG_FT_SRC_DNS, "dns" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(map); i++)
        if (sources & map[i].bit)
            n +=
                (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "+" : "", map[i].name);
    return out;
}

int vg_cmd_types(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: vigil types\n\nList the finding types this build implements: type, "
               "severity, data source; one per line, tab-separated.\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "vigil types: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    for (int i = 0; i < VG_FT_COUNT; i++) {
        char src[64];
        printf("%s\t%s\t%s\n", vg_catalog_get(i)->name,
               vg_severity_label(vg_catalog_get(i)->severity),
               source_names(vg_catalog_get(i)->sources, src, sizeof(src)));
    }
    return 0;
}
