/* Small slice helpers; nothing here allocates. */
#include "core/str.h"

bool vg_str_case_eq(struct vg_str a, const char *lit)
{
    size_t n = strlen(lit);
    return a.len == n && strncasecmp(a.ptr, lit, n) == 0;
}

ptrdiff_t vg_str_case_find(struct vg_str hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    for (size_t i = 0; i + n <= hay.len; i++) {
        if (tolower((unsigned char)hay.ptr[i]) == tolower((unsigned char)needle[0]) &&
            strncasecmp(hay.ptr + i, needle, n) == 0)
            return (ptrdiff_t)i;
    }
    return -1;
}

bool vg_str_to_u64(struct vg_str s, uint64_t *out)
{
    uint64_t v = 0;
    if (s.len == 0 || s.len > 20)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)(s.ptr[i] - '0');
        if (d > 9 || __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
            return false;
    }
    *out = v;
    return true;
}
