/*
 * The CSMS end of a fake byte stream under the built-in WebSocket client
 * (test_cp_fragments.c, test_cp_wakeup.c): the bytes the charge point reads
 * (the 101 answer, unmasked server frames: RFC 6455 §5.1), the reading of its
 * upgrade request and of its masked frames (§5.2, §5.3), and the CALLRESULT
 * to a CALL. Each test keeps its own checks of what it reads; functions are
 * static inline so that each test file uses what it needs.
 */
#ifndef OCPP_TEST_WS_PEER_H
#define OCPP_TEST_WS_PEER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_ws.h"

/** The bytes the charge point has still to read, in a caller-owned buffer. */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t len; /* bytes written */
    size_t pos; /* bytes read by the charge point */
} ws_in_t;

/** Forget every byte (a new connection). */
static inline void ws_in_reset(ws_in_t *in)
{
    in->len = in->pos = 0;
}

/** Everything written has been read. */
static inline bool ws_in_drained(const ws_in_t *in)
{
    return in->pos == in->len;
}

static inline void ws_in_push(ws_in_t *in, const void *p, size_t n)
{
    assert_true(in->len + n <= in->cap);
    memcpy(in->buf + in->len, p, n);
    in->len += n;
}

/** The net port's recv: at most `cap` of the bytes not read yet. */
static inline int32_t ws_in_recv(ws_in_t *in, uint8_t *buf, size_t cap)
{
    size_t n = in->len - in->pos;
    n = n < cap ? n : cap;
    memcpy(buf, in->buf + in->pos, n);
    in->pos += n;
    return (int32_t)n;
}

/** A server frame (unmasked, RFC 6455 §5.1), payload < 65536 bytes. */
static inline void ws_in_frame(ws_in_t *in, uint8_t b0, const char *payload, size_t len)
{
    uint8_t hd[4] = {b0, (uint8_t)len, 0, 0};
    size_t hl = 2;
    assert_true(len < 65536u);
    if (len >= 126u) {
        hd[1] = 126;
        hd[2] = (uint8_t)(len >> 8);
        hd[3] = (uint8_t)len;
        hl = 4;
    }
    ws_in_push(in, hd, hl);
    ws_in_push(in, payload, len);
}

/** A whole text message in one frame. */
static inline void ws_in_text(ws_in_t *in, const char *s)
{
    ws_in_frame(in, 0x81, s, strlen(s));
}

/** The CALLRESULT with `payload` to the CALL `m` (its uniqueId first). */
static inline void ws_in_answer(ws_in_t *in, const char *m, const char *payload)
{
    char buf[512];
    const char *e = strchr(m + 4, '"');
    assert_non_null(e);
    snprintf(buf, sizeof buf, "[3,\"%.*s\",%s]", (int)(e - m - 4), m + 4, payload);
    ws_in_text(in, buf);
}

/** The upgrade request at out[*rd..out_len), once all of it is there: checked
 *  (a GET with a Sec-WebSocket-Key), answered with the 101 naming
 *  `subprotocol`, *rd moved past it. False (nothing done) if it is not all
 *  there yet. */
static inline bool ws_in_handshake(ws_in_t *in, const uint8_t *out, size_t out_len, size_t *rd,
                                   const char *subprotocol)
{
    const char *req = (const char *)out + *rd;
    size_t n = out_len - *rd;
    const char *end = NULL;
    for (size_t i = 0; i + 4u <= n && end == NULL; i++) {
        end = memcmp(req + i, "\r\n\r\n", 4) == 0 ? req + i + 4 : NULL;
    }
    if (end == NULL) {
        return false;
    }
    assert_memory_equal(req, "GET ", 4);
    const char *k = strstr(req, "Sec-WebSocket-Key: ");
    assert_true(k != NULL && k < end);
    char accept[29], resp[256];
    ocpp_ws_accept_for_key(k + 19, 24, accept);
    int len = snprintf(resp, sizeof resp,
                       "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
                       "Sec-WebSocket-Protocol: %s\r\n\r\n",
                       accept, subprotocol);
    assert_true(len > 0 && (size_t)len < sizeof resp);
    ws_in_push(in, resp, (size_t)len);
    *rd = (size_t)(end - (const char *)out);
    return true;
}

/** A client frame as read by ws_out_frame(). */
typedef struct {
    uint8_t b0, b1; /* the first two bytes: FIN, RSV1-3, opcode; MASK */
    uint8_t op;     /* b0's opcode */
    bool fin;       /* b0's FIN */
    uint8_t key[4]; /* the masking key */
    size_t len;     /* payload bytes */
} ws_frame_t;

/** The client frame at out[*rd..out_len), once all of it is there: its header
 *  in *f, its payload unmasked into payload (cap bytes: len < cap is asserted,
 *  the payload is NUL-terminated), *rd moved past it. False (nothing done) if
 *  it is not all there yet. The frame must be masked (§5.3: "a client MUST
 *  mask all frames") and no longer than 65535 bytes (16-bit length). */
static inline bool ws_out_frame(const uint8_t *out, size_t out_len, size_t *rd, ws_frame_t *f,
                                char *payload, size_t cap)
{
    const uint8_t *p = out + *rd;
    size_t n = out_len - *rd;
    if (n < 2u) {
        return false;
    }
    size_t len = p[1] & 0x7Fu, hl = 2;
    if (len == 126u) {
        if (n < 4u) {
            return false;
        }
        len = ((size_t)p[2] << 8) | p[3];
        hl = 4;
    }
    assert_true(len != 127u); /* no frame of the tests needs 64 bits */
    assert_true(len < cap);
    if (n < hl + 4u + len) {
        return false;
    }
    assert_true((p[1] & 0x80u) != 0); /* §5.3: masked */
    f->b0 = p[0];
    f->b1 = p[1];
    f->op = p[0] & 0x0Fu;
    f->fin = (p[0] & 0x80u) != 0;
    f->len = len;
    memcpy(f->key, p + hl, 4);
    for (size_t i = 0; i < len; i++) {
        payload[i] = (char)(p[hl + 4 + i] ^ f->key[i & 3u]);
    }
    payload[len] = '\0';
    *rd += hl + 4 + len;
    return true;
}

#endif /* OCPP_TEST_WS_PEER_H */
