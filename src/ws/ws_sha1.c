/* SHA-1 as specified in FIPS 180-4 §6.1 (also RFC 3174). Used only to check
 * Sec-WebSocket-Accept (RFC 6455 §4.1), where its weakness does not matter. */
#include <string.h>

#include "ws/ws_internal.h"

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* f_t and K_t of FIPS 180-4 §4.1.1 / §4.2.1. */
static uint32_t round_fk(unsigned t, uint32_t b, uint32_t c, uint32_t d)
{
    if (t < 20u) {
        return ((b & c) | (~b & d)) + 0x5A827999u;
    }
    if (t < 40u) {
        return (b ^ c ^ d) + 0x6ED9EBA1u;
    }
    if (t < 60u) {
        return ((b & c) | (b & d) | (c & d)) + 0x8F1BBCDCu;
    }
    return (b ^ c ^ d) + 0xCA62C1D6u;
}

/* One 64-byte block; the message schedule is kept as a 16-word ring. */
static void sha1_block(uint32_t h[5], const uint8_t *blk)
{
    uint32_t w[16];
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (unsigned i = 0; i < 16u; i++) {
        w[i] = load_be32(blk + (size_t)4u * i);
    }
    for (unsigned t = 0; t < 80u; t++) {
        unsigned s = t & 15u;
        if (t >= 16u) {
            w[s] = rol32(w[(t + 13u) & 15u] ^ w[(t + 8u) & 15u] ^ w[(t + 2u) & 15u] ^ w[s], 1);
        }
        uint32_t tmp = rol32(a, 5) + round_fk(t, b, c, d) + e + w[s];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void ocpp_sha1_init(ocpp_sha1_t *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xEFCDAB89u;
    s->h[2] = 0x98BADCFEu;
    s->h[3] = 0x10325476u;
    s->h[4] = 0xC3D2E1F0u;
    s->total = 0;
    s->used = 0;
}

void ocpp_sha1_update(ocpp_sha1_t *s, const uint8_t *data, size_t len)
{
    s->total += len;
    while (len > 0) {
        size_t n = 64u - s->used;
        if (n > len) {
            n = len;
        }
        memcpy(s->block + s->used, data, n);
        s->used = (uint8_t)(s->used + n);
        data += n;
        len -= n;
        if (s->used == 64u) {
            sha1_block(s->h, s->block);
            s->used = 0;
        }
    }
}

void ocpp_sha1_final(ocpp_sha1_t *s, uint8_t out[OCPP_SHA1_LEN])
{
    uint64_t bits = s->total * 8u;
    s->block[s->used++] = 0x80u;
    if (s->used > 56u) {
        memset(s->block + s->used, 0, 64u - s->used);
        sha1_block(s->h, s->block);
        s->used = 0;
    }
    memset(s->block + s->used, 0, 56u - s->used);
    store_be32(s->block + 56, (uint32_t)(bits >> 32));
    store_be32(s->block + 60, (uint32_t)bits);
    sha1_block(s->h, s->block);
    for (unsigned i = 0; i < 5u; i++) {
        store_be32(out + (size_t)4u * i, s->h[i]);
    }
}
