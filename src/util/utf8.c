/* Incremental UTF-8 validation (RFC 3629 §4), for RFC 6455 §8.1: a text
 * message (and a close reason) must be valid UTF-8. Rejects overlong forms,
 * surrogates (U+D800..U+DFFF) and code points above U+10FFFF. */
#include <string.h>

#include "util/text.h"

void ocpp_utf8_init(ocpp_ws_utf8_t *u)
{
    u->need = 0;
    u->lo = 0x80u;
    u->hi = 0xBFu;
}

/* Start a multi-byte sequence at lead byte c; false if c cannot lead. */
static bool utf8_lead(ocpp_ws_utf8_t *u, uint8_t c)
{
    if (c < 0xC2u) {
        return false; /* stray continuation byte or overlong 2-byte form */
    }
    if (c < 0xE0u) {
        u->need = 1;
    } else if (c < 0xF0u) {
        u->need = 2;
        u->lo = c == 0xE0u ? 0xA0u : 0x80u; /* no overlong 3-byte form */
        u->hi = c == 0xEDu ? 0x9Fu : 0xBFu; /* no surrogates */
    } else if (c < 0xF5u) {
        u->need = 3;
        u->lo = c == 0xF0u ? 0x90u : 0x80u; /* no overlong 4-byte form */
        u->hi = c == 0xF4u ? 0x8Fu : 0xBFu; /* nothing above U+10FFFF */
    } else {
        return false;
    }
    return true;
}

bool ocpp_utf8_feed(ocpp_ws_utf8_t *u, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (u->need > 0u) {
            if (c < u->lo || c > u->hi) {
                return false;
            }
            u->need--;
            u->lo = 0x80u;
            u->hi = 0xBFu;
        } else if (c >= 0x80u && !utf8_lead(u, c)) {
            return false;
        }
    }
    return true;
}

bool ocpp_utf8_complete(const ocpp_ws_utf8_t *u)
{
    return u->need == 0u;
}

bool ocpp_utf8_ok(const char *s)
{
    ocpp_ws_utf8_t u;
    ocpp_utf8_init(&u);
    return ocpp_utf8_feed(&u, (const uint8_t *)s, strlen(s)) && ocpp_utf8_complete(&u);
}

bool ocpp_text_ok(const char *s, size_t max_chars)
{
    size_t chars = 0;
    for (const char *p = s; *p != '\0'; p++) {
        uint8_t c = (uint8_t)*p;
        if (c < 0x20u || c == 0x7Fu) {
            return false;
        }
        chars += (c & 0xC0u) != 0x80u ? 1u : 0u;
    }
    return chars <= max_chars && ocpp_utf8_ok(s);
}

bool ocpp_cistring_ok(const char *s, size_t max_chars)
{
    /* One comparison a byte: 0x20..0x7E (NUL included in the wrap-around,
     * so the loop ends at the terminator or the first bad byte). */
    const char *p = s;
    while ((uint8_t)((uint8_t)*p - 0x20u) < 0x5Fu) {
        p++;
    }
    return *p == '\0' && (size_t)(p - s) <= max_chars;
}

void ocpp_text_copy(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    if (src != NULL) {
        while (n + 1u < cap && src[n] != '\0') {
            dst[n] = src[n];
            n++;
        }
        if (src[n] != '\0') {
            while (n > 0u && ((uint8_t)src[n] & 0xC0u) == 0x80u) {
                n--; /* src[n] continues a character: drop its start too */
            }
        }
    }
    dst[n] = '\0';
}
