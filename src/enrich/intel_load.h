/* Loading one list file into an intel builder: read (gzip too), hash, pick the format, load. */
#ifndef VG_ENRICH_INTEL_LOAD_H
#define VG_ENRICH_INTEL_LOAD_H

#include "core/compat.h"
#include "enrich/intel.h"
#include "ingest/input.h"

struct vg_intel_source {
    const char *name; /* list name for findings; NULL = the file's base name */
    const char *path;
    enum vg_intel_list_kind kind;
    enum vg_intel_feed feed;         /* a threat list in Tor's exit-addresses format, or of category
                                      * tor, feeds the Tor types whatever is asked here */
    const char *format;              /* loader name, or NULL to detect it from the content */
    enum vg_intel_category category; /* AUTO: from each indicator's threat name; a Tor
                                      * exit-addresses file is always TOR */
};

/* Parse "[NAME=]FILE" (the command-line form) into src->name and src->path, pointing into arg. */
void vg_intel_source_from_arg(struct vg_intel_source *src, char *arg);

/* Load src into b.  Bad entries are reported to diag and counted on the list; the file being
 * unreadable is reported too and returns VG_EIO; an unknown format name returns VG_EFORMAT;
 * VG_ENOMEM.  The list id goes to *list_out when not NULL. */
int vg_intel_load(struct vg_intel_builder *b, const struct vg_intel_source *src,
                  struct vg_input *in, struct vg_diag *diag, uint32_t *list_out);

#endif
