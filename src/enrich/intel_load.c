/* Reads a list file and hands it to its format's loader; see intel_load.h. */
#include "enrich/intel_load.h"

#include "core/sha256.h"
#include "enrich/intel_format.h"

void vg_intel_source_from_arg(struct vg_intel_source *src, char *arg)
{
    char *eq = strchr(arg, '=');
    char *slash = strchr(arg, '/');
    if (eq && eq != arg && (!slash || eq < slash)) {
        *eq = '\0';
        src->name = arg;
        src->path = eq + 1;
    } else {
        src->name = NULL;
        src->path = arg;
    }
}

int vg_intel_load(struct vg_intel_builder *b, const struct vg_intel_source *src,
                  struct vg_input *in, struct vg_diag *diag, uint32_t *list_out)
{
    const struct vg_intel_format *fmt = NULL;
    if (src->format && !(fmt = vg_intel_format_find(src->format))) {
        struct vg_diag_loc loc = { src->path, 0, 0 };
        vg_diag_report(diag, VG_DIAG_NOT_LOG, &loc, "unknown threat list format '%s'", src->format);
        return VG_EFORMAT;
    }
    const char *data;
    size_t len;
    int rc = vg_input_read(in, src->path, diag, &data, &len);
    if (rc)
        return rc;
    if (!fmt)
        fmt = vg_intel_format_detect(data, len);
    const char *base = strrchr(src->path, '/');
    const char *name = src->name ? src->name : base ? base + 1 : src->path;
    enum vg_intel_feed feed = src->feed;
    enum vg_intel_category category = src->category;
    if (strcmp(fmt->name, "tor-exit") == 0)
        category = VG_INTEL_CAT_TOR;
    if (src->kind == VG_INTEL_THREAT && category == VG_INTEL_CAT_TOR)
        feed = VG_INTEL_FEED_TOR;
    uint32_t id;
    if ((rc = vg_intel_builder_list(b, name, src->path, src->kind, feed, &id)))
        return rc;
    vg_intel_builder_categorize(b, id, category);
    char sha[65];
    /* the hash is of the file as stored, like GuardDuty's threatFileSha256 */
    vg_sha256_hex(in->raw.data ? in->raw.data : "", in->raw.len, sha);
    vg_intel_builder_describe(b, id, fmt->name, sha);
    struct vg_intel_load_ctx ctx = { b, id, src->path, diag };
    rc = fmt->load(&ctx, data, len);
    if (list_out)
        *list_out = id;
    return rc;
}
