/* UTF-8 decoding that rejects what RFC 3629 rejects: overlongs, surrogates, > U+10FFFF. */
#ifndef VG_CORE_UTF8_H
#define VG_CORE_UTF8_H

#include "core/compat.h"

/* Decode one code point at p (n bytes available).  Returns its byte length (1-4) and sets *cp,
 * or 0 if the bytes are not valid UTF-8. */
size_t vg_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Encode cp (<= 0x10FFFF, not a surrogate) into out[4]; returns the length. */
size_t vg_utf8_encode(uint32_t cp, char *out);

#endif
