/* SHA-1 as specified in FIPS 180-4 §6.1 (also RFC 3174). Used only to check
 * Sec-WebSocket-Accept (RFC 6455 §4.1), where its weakness does not matter.
 * Written for flash size, not speed: one digest per connection. */
#include <string.h>

#include "ws/ws_internal.h"

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

/* K_t of FIPS 180-4 §4.2.1, one per 20 rounds. */
static const uint32_t sha1_k[4] = {0x5A827999u, 0x6ED9EBA1u, 0x8F1BBCDCu, 0xCA62C1D6u};

/* One 64-byte block (s->block). x[0..15] is the message schedule window
 * W(t+15)..W(t), x[16..20] the working variables a..e: a round shifts the
 * whole array up by one word, which moves W(t) into a's place, a into b's,
 * ... and drops e; W(t) then becomes the new a by adding the rest of T. */
static void sha1_block(ocpp_sha1_t *s)
{
    uint32_t x[21];
    for (unsigned i = 0; i < 16u; i++) {
        const uint8_t *p = s->block + (size_t)4u * i;
        x[15u - i] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    }
    memcpy(x + 16, s->h, sizeof s->h);
    for (unsigned t = 0; t < 80u; t++) {
        uint32_t b = x[17], c = x[18], d = x[19];
        /* f_t of FIPS 180-4 §4.1.1: Ch, Parity, Maj, Parity */
        unsigned r = t / 20u;
        uint32_t f = b ^ c ^ d;
        if (r == 0u) {
            f = d ^ (b & (c ^ d));
        } else if (r == 2u) {
            f = (b & c) | (d & (b | c));
        }
        uint32_t tmp = rol32(x[16], 5) + f + x[20] + sha1_k[r];
        uint32_t next = rol32(x[2] ^ x[7] ^ x[13] ^ x[15], 1); /* W(t+16), §6.1.2 */
        memmove(x + 1, x, 20u * sizeof x[0]);
        x[0] = next;
        x[16] += tmp;
        x[18] = rol32(x[18], 30);
    }
    for (unsigned i = 0; i < 5u; i++) {
        s->h[i] += x[16u + i];
    }
}

void ocpp_sha1_init(ocpp_sha1_t *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xEFCDAB89u;
    s->h[2] = 0x98BADCFEu;
    s->h[3] = 0x10325476u;
    s->h[4] = 0xC3D2E1F0u;
    s->total = 0;
}

void ocpp_sha1_update(ocpp_sha1_t *s, const uint8_t *data, size_t len)
{
    for (; len > 0u; len--) {
        s->block[s->total++ & 63u] = *data++;
        if ((s->total & 63u) == 0u) {
            sha1_block(s);
        }
    }
}

void ocpp_sha1_final(ocpp_sha1_t *s, uint8_t out[OCPP_SHA1_LEN])
{
    uint64_t bits = s->total * 8u;
    uint8_t c = 0x80u;
    do { /* FIPS 180-4 §5.1.1: a 1 bit, zeros up to 448 mod 512 bits */
        ocpp_sha1_update(s, &c, 1);
        c = 0;
    } while ((s->total & 63u) != 56u);
    for (unsigned i = 0; i < 8u; i++) { /* then the length in bits, big-endian */
        c = (uint8_t)(bits >> 56);
        bits <<= 8;
        ocpp_sha1_update(s, &c, 1);
    }
    for (unsigned i = 0; i < OCPP_SHA1_LEN; i++) {
        out[i] = (uint8_t)(s->h[i / 4u] >> (8u * (3u - i % 4u)));
    }
}
