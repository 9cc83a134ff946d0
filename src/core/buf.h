/*
 * A growable byte buffer with a hard cap.  Buffers are reused across files (reset keeps the
 * memory) because touching fresh pages costs far more than reusing warm ones.
 */
#ifndef VG_CORE_BUF_H
#define VG_CORE_BUF_H

#include "core/compat.h"
#include "core/err.h"
#include "core/str.h"

struct vg_buf {
    char *data; /* NUL-terminated whenever len < alloc */
    size_t len;
    size_t alloc;
    size_t cap; /* growth beyond this fails with VG_ELIMIT; 0 means SIZE_MAX */
};

#define VG_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

void vg_buf_init(struct vg_buf *b, size_t cap);
void vg_buf_release(struct vg_buf *b);
static inline void vg_buf_reset(struct vg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}
/* Make room for `extra` more bytes.  VG_OK, VG_ENOMEM or VG_ELIMIT. */
int vg_buf_reserve(struct vg_buf *b, size_t extra);
int vg_buf_add(struct vg_buf *b, const void *data, size_t len);
int vg_buf_addc(struct vg_buf *b, char c);
static inline int vg_buf_adds(struct vg_buf *b, const char *s)
{
    return vg_buf_add(b, s, strlen(s));
}
int vg_buf_printf(struct vg_buf *b, const char *fmt, ...) VG_PRINTF(2, 3);
/* Append `s` as a JSON string literal (quotes included).  Control bytes, quotes, backslashes,
 * invalid UTF-8 (as U+FFFD) and U+2028/9 are escaped, so hostile bytes never reach a consumer raw.
 */
int vg_buf_add_json_str(struct vg_buf *b, struct vg_str s);
/* Append `s` for a terminal: printable ASCII and valid UTF-8 pass, everything else as \xNN. */
int vg_buf_add_printable(struct vg_buf *b, struct vg_str s);
/* Hand the bytes to the caller (who frees them) and leave the buffer empty. */
char *vg_buf_detach(struct vg_buf *b, size_t *len_out);

#endif
