/*
 * Editing a configuration file in place, as `vigil lists add` does: the file is the user's, so
 * an edit is textual (comments, order and layout are kept) and the result is checked with the
 * loader before it replaces the original.
 */
#ifndef VG_CONFIG_CONFIG_EDIT_H
#define VG_CONFIG_CONFIG_EDIT_H

#include "core/compat.h"
#include "config/config.h"

/* Put in out (reset first) the configuration text data[0..len) with `entry` appended to its
 * `lists:` sequence, or with a `lists:` section added at the end of the document when there is
 * none.  entry->path is written as given; fields at their defaults are left out.  `name` labels
 * messages.  The text is not checked here beyond finding where to insert: load the result.
 * Returns VG_OK; VG_ECONFIG (reported to diag) when the entry cannot be written (a trusted list
 * with a feed other than custom, feed tor) or the text is not YAML or has a layout this cannot
 * extend (a flow-style document, a `lists:` that is not a sequence); VG_ENOMEM. */
int vg_config_edit_add_list(struct vg_buf *out, const char *name, const char *data, size_t len,
                            const struct vg_config_list *entry, struct vg_diag *diag);

/* Append `entry` to the configuration file at `path`.  The file must load cleanly and not have
 * a list of that name yet.  entry->path is a path as the user typed it (relative to the working
 * directory): it is written relative to the configuration file's directory when the list file
 * is below it, and absolute otherwise, so the entry means the same file wherever vigil runs
 * from.  The edited text must load with one more list, then it replaces the file atomically
 * (a temporary file in the same directory, renamed over it, mode kept).  Returns VG_OK;
 * VG_ECONFIG (reported: the file has errors, the name is taken, the entry cannot be written,
 * the layout cannot be extended); VG_EIO (reported); VG_ENOMEM. */
int vg_config_add_list(const char *path, const struct vg_config_list *entry, struct vg_diag *diag);

#endif
