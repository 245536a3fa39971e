/* Base64 encoding, RFC 4648 §4 (standard alphabet, '=' padding). */
#include "ws/ws_internal.h"

/* The character for the 6-bit value v (RFC 4648 Table 1), computed: smaller
 * than the 64-byte alphabet. */
static char b64_char(uint32_t v)
{
    v &= 63u;
    uint32_t c = v + 'A'; /* 0..25: A-Z */
    if (v > 25u) {
        c += 'a' - 'A' - 26; /* 26..51: a-z */
    }
    if (v > 51u) {
        c -= 'a' - '0' + 26; /* 52..61: 0-9 */
    }
    if (v > 61u) {
        c += '+' - '0' - 10; /* 62: '+' */
    }
    if (v > 62u) {
        c += '/' - '+' - 1; /* 63: '/' */
    }
    return (char)c;
}

size_t ocpp_b64_update(ocpp_b64_t *b, const uint8_t *in, size_t len, char *out)
{
    uint32_t acc = b->acc;
    unsigned bits = b->bits;
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        for (bits += 8u; bits >= 6u;) {
            bits -= 6u;
            out[w++] = b64_char(acc >> bits);
        }
    }
    b->acc = acc;
    b->bits = bits;
    return w;
}

size_t ocpp_b64_final(const ocpp_b64_t *b, char *out)
{
    size_t w = 0;
    if (b->bits != 0u) { /* 2 or 4 bits left: 1 or 2 bytes in the last group */
        out[w++] = b64_char(b->acc << (6u - b->bits));
        out[w++] = '=';
        if (b->bits == 2u) {
            out[w++] = '=';
        }
    }
    return w;
}

size_t ocpp_b64_encode(const uint8_t *in, size_t len, char *out)
{
    ocpp_b64_t b = {0, 0};
    size_t w = ocpp_b64_update(&b, in, len, out);
    w += ocpp_b64_final(&b, out + w);
    out[w] = '\0';
    return w;
}
