/* Base64 encoding, RFC 4648 §4 (standard alphabet, '=' padding). */
#include "ws/ws_internal.h"

static const char b64_alphabet[64] = {
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P',
    'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'a', 'b', 'c', 'd', 'e', 'f',
    'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v',
    'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '/'};

/* Encode n (1..3) bytes of in into 4 characters. */
static void b64_group(const uint8_t *in, unsigned n, char *out)
{
    uint32_t v = (uint32_t)in[0] << 16;
    if (n > 1u) {
        v |= (uint32_t)in[1] << 8;
    }
    if (n > 2u) {
        v |= in[2];
    }
    out[0] = b64_alphabet[(v >> 18) & 63u];
    out[1] = b64_alphabet[(v >> 12) & 63u];
    out[2] = '=';
    out[3] = '=';
    if (n > 1u) {
        out[2] = b64_alphabet[(v >> 6) & 63u];
    }
    if (n > 2u) {
        out[3] = b64_alphabet[v & 63u];
    }
}

size_t ocpp_b64_update(ocpp_b64_t *b, const uint8_t *in, size_t len, char *out)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        b->part[b->n++] = in[i];
        if (b->n == 3u) {
            b64_group(b->part, 3, out + w);
            w += 4;
            b->n = 0;
        }
    }
    return w;
}

size_t ocpp_b64_final(ocpp_b64_t *b, char *out)
{
    if (b->n == 0u) {
        return 0;
    }
    b64_group(b->part, b->n, out);
    b->n = 0;
    return 4;
}

size_t ocpp_b64_encode(const uint8_t *in, size_t len, char *out)
{
    ocpp_b64_t b = {{0, 0, 0}, 0};
    size_t w = ocpp_b64_update(&b, in, len, out);
    w += ocpp_b64_final(&b, out + w);
    out[w] = '\0';
    return w;
}
