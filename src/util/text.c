#include <string.h>

#include "util/text.h"

int ocpp_ascii_lower(char c)
{
    int u = (unsigned char)c;
    return (u >= 'A' && u <= 'Z') ? u + ('a' - 'A') : u;
}

bool ocpp_ascii_ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        if (ocpp_ascii_lower(*a) != ocpp_ascii_lower(*b)) {
            return false;
        }
    }
    return *a == *b;
}

bool ocpp_ascii_ieqn(const char *s, size_t n, const char *z)
{
    size_t i = 0;
    for (; i < n && z[i] != '\0'; i++) {
        if (s[i] != z[i] && ocpp_ascii_lower(s[i]) != ocpp_ascii_lower(z[i])) {
            return false;
        }
    }
    return i == n && z[i] == '\0';
}

const char *ocpp_text_nth(const char *packed, unsigned count, unsigned i, const char *none)
{
    if (i >= count) {
        return none;
    }
    for (; i > 0u; i--) {
        packed += strlen(packed) + 1u;
    }
    return packed;
}

uint32_t ocpp_u64_divmod(uint64_t *v, uint32_t d)
{
    if (*v <= UINT32_MAX) { /* the common case (meter values, ids): one division */
        uint32_t x = (uint32_t)*v;
        *v = x / d;
        return x % d;
    }
    uint64_t q = 0;
    uint32_t r = 0;
    /* Long division by 16-bit digits: r < d < 2^16, so (r << 16) | digit fits. */
    for (unsigned shift = 64u; shift > 0u;) {
        shift -= 16u;
        uint32_t cur = (r << 16) | (uint32_t)((*v >> shift) & 0xFFFFu);
        q = (q << 16) | (cur / d);
        r = cur % d;
    }
    *v = q;
    return r;
}
