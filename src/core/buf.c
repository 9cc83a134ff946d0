/* Growable, capped byte buffer and the escaping writers every output path goes through. */
#include "core/buf.h"

#include "core/err.h"
#include "core/utf8.h"

void vg_buf_init(struct vg_buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap ? cap : SIZE_MAX;
}

void vg_buf_release(struct vg_buf *b)
{
    free(b->data);
    vg_buf_init(b, b->cap == SIZE_MAX ? 0 : b->cap);
}

int vg_buf_reserve(struct vg_buf *b, size_t extra)
{
    size_t need;
    if (b->cap == 0)
        b->cap = SIZE_MAX;
    if (__builtin_add_overflow(b->len, extra, &need) || __builtin_add_overflow(need, 1, &need))
        return VG_ELIMIT;
    if (need - 1 > b->cap)
        return VG_ELIMIT;
    if (need <= b->alloc)
        return VG_OK;
    size_t n = b->alloc ? b->alloc : 256;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    char *p = realloc(b->data, n);
    if (!p)
        return VG_ENOMEM;
    b->data = p;
    b->alloc = n;
    return VG_OK;
}

int vg_buf_add(struct vg_buf *b, const void *data, size_t len)
{
    int rc = vg_buf_reserve(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return VG_OK;
}

int vg_buf_addc(struct vg_buf *b, char c)
{
    if (VG_LIKELY(b->len + 1 < b->alloc && b->len < b->cap)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return VG_OK;
    }
    return vg_buf_add(b, &c, 1);
}

int vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return VG_EFORMAT;
    int rc = vg_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return VG_OK;
}

int vg_buf_add_json_str(struct vg_buf *b, struct vg_str s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s.ptr;
    int rc = vg_buf_reserve(b, s.len + 2);
    if (rc)
        return rc;
    vg_buf_addc(b, '"');
    size_t i = 0;
    while (i < s.len) {
        size_t run = i;
        while (run < s.len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i && (rc = vg_buf_add(b, p + i, run - i)))
            return rc;
        i = run;
        if (i >= s.len)
            break;
        unsigned char c = p[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            rc = vg_buf_add(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
            if (named) {
                rc = vg_buf_add(b, named, 2);
            } else {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                rc = vg_buf_add(b, esc, 6);
            }
            i++;
        } else {
            uint32_t cp;
            size_t n = vg_utf8_decode(p + i, s.len - i, &cp);
            if (n == 0) {
                rc = vg_buf_add(b, "\\ufffd", 6);
                i++;
            } else if (cp == 0x2028 || cp == 0x2029) {
                /* legal JSON, but they end lines in JavaScript consumers */
                rc = vg_buf_add(b, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
                i += n;
            } else {
                rc = vg_buf_add(b, p + i, n);
                i += n;
            }
        }
        if (rc)
            return rc;
    }
    return vg_buf_addc(b, '"');
}

int vg_buf_add_printable(struct vg_buf *b, struct vg_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    int rc = VG_OK;
    for (size_t i = 0; i < s.len && rc == VG_OK;) {
        uint32_t cp;
        size_t n = p[i] >= 0x80 ? vg_utf8_decode(p + i, s.len - i, &cp) : 1;
        bool ok = p[i] >= 0x80 ? (n > 0 && cp >= 0xA0) : (p[i] >= 0x20 && p[i] < 0x7F);
        if (ok) {
            rc = vg_buf_add(b, p + i, n);
            i += n;
        } else {
            rc = vg_buf_printf(b, "\\x%02x", p[i]);
            i++;
        }
    }
    return rc;
}

char *vg_buf_detach(struct vg_buf *b, size_t *len_out)
{
    char *p = b->data;
    if (len_out)
        *len_out = b->len;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->alloc = 0;
    return p;
}
