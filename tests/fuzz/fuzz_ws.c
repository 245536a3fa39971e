/* libFuzzer target for the WebSocket client (src/ws/).
 *
 * Input: byte 0 selects the mode, the rest is what the "server" sends.
 *   bit 0   0: a valid 101 response is sent first, the input is the frame
 *              stream; 1: the input itself is the HTTP response (and then
 *              the frames). The client's key is fixed (constant randomness):
 *              key "WlpaWlpaWlpaWlpaWlpaWg==", accept "1nwQI3IBoftOh+fG2YorpTWcrHs=".
 *   bits 1-3 bytes per recv() call (0: as many as asked for)
 *   bit 4   the stream accepts at most 5 bytes per send()
 *   bit 5   ping every second, now_ms advancing 300 ms per call
 *   bit 6   rx_cap 512 instead of 1024; bit 7: hard cap of 2000 bytes
 *
 * Build (not part of the unit CMake):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_ws.c src/ws/ws_*.c src/util/status.c -o /tmp/fw
 *   /tmp/fw tests/fuzz/corpus/ws
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ocpp/ocpp_ws.h"
#include "ws/ws_internal.h"

typedef struct {
    const uint8_t *in;
    size_t len, pos;
    size_t chunk;
    size_t send_k;
    const uint8_t *prefix; /* served before `in` */
    size_t prefix_len, prefix_pos;
} fz_net_t;

static ocpp_status_t fz_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    (void)ctx;
    (void)ep;
    return OCPP_OK;
}

static int32_t fz_send(void *ctx, const uint8_t *data, size_t len)
{
    fz_net_t *f = ctx;
    (void)data;
    if (len > 0) {
        volatile uint8_t touch = data[len - 1]; /* ASan: the whole range is readable */
        (void)touch;
    }
    return (int32_t)(f->send_k != 0 && len > f->send_k ? f->send_k : len);
}

static int32_t fz_recv(void *ctx, uint8_t *buf, size_t cap)
{
    fz_net_t *f = ctx;
    const uint8_t *src;
    size_t n;
    if (f->prefix_pos < f->prefix_len) {
        src = f->prefix + f->prefix_pos;
        n = f->prefix_len - f->prefix_pos;
    } else if (f->pos < f->len) {
        src = f->in + f->pos;
        n = f->len - f->pos;
    } else {
        return OCPP_ERR_CLOSED;
    }
    if (n > cap) {
        n = cap;
    }
    if (f->chunk != 0 && n > f->chunk) {
        n = f->chunk;
    }
    memcpy(buf, src, n);
    if (f->prefix_pos < f->prefix_len) {
        f->prefix_pos += n;
    } else {
        f->pos += n;
    }
    return (int32_t)n;
}

static void fz_close(void *ctx)
{
    (void)ctx;
}

static uint32_t fz_random(void *ctx)
{
    (void)ctx;
    return 0x5A5A5A5Au;
}

static const char RESPONSE[] = "HTTP/1.1 101 Switching Protocols\r\n"
                               "Upgrade: websocket\r\n"
                               "Connection: Upgrade\r\n"
                               "Sec-WebSocket-Accept: 1nwQI3IBoftOh+fG2YorpTWcrHs=\r\n"
                               "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t rx[1024];
    static char tx[OCPP_MSG_HEADROOM + 64];
    if (size < 1) {
        return 0;
    }
    uint8_t mode = data[0];
    fz_net_t f = {data + 1, size - 1, 0, (mode >> 1) & 7u, (mode & 0x10u) ? 5u : 0u, NULL, 0, 0};
    if ((mode & 1u) == 0u) {
        f.prefix = (const uint8_t *)RESPONSE;
        f.prefix_len = sizeof RESPONSE - 1u;
    }
    ocpp_net_port_t port = {&f, fz_connect, fz_send, fz_recv, fz_close};
    ocpp_ws_config_t cfg = {&port,
                            rx,
                            (mode & 0x40u) ? 512u : sizeof rx,
                            fz_random,
                            NULL,
                            (mode & 0x20u) ? 1u : 0u,
                            (mode & 0x80u) ? 2000u : 0u};
    ocpp_ws_t ws;
    if (ocpp_ws_init(&ws, &cfg) != OCPP_OK) {
        __builtin_trap();
    }
    const ocpp_msg_open_t op = {
        {"csms.example", 8080, false}, "/ocpp/CP-1", "ocpp1.6", "CP-1", "secret", 6};
    ocpp_status_t st;
    int guard = 0;
    while ((st = ocpp_ws_open(&ws, &op)) == OCPP_PENDING && ++guard < 100000) {
    }
    if (st != OCPP_OK) {
        ocpp_ws_close(&ws);
        return 0;
    }
    uint32_t now = 0;
    bool sending = false;
    for (int i = 0; i < 100000; i++) {
        const char *msg;
        size_t len;
        now += (mode & 0x20u) ? 300u : 0u;
        st = ocpp_ws_recv(&ws, now, &msg, &len);
        if (st == OCPP_OK || st == OCPP_ERR_TOO_LARGE) {
            if (msg != (const char *)rx || len > cfg.rx_cap) {
                __builtin_trap();
            }
            volatile char c = len > 0 ? msg[len - 1] : 0;
            (void)c;
        } else if (st != OCPP_PENDING) {
            break;
        }
        if ((i % 3) == 0 || sending) {
            if (!sending) {
                memset(tx + OCPP_MSG_HEADROOM, 'x', 40);
            }
            ocpp_status_t s2 = ocpp_ws_send(&ws, tx + OCPP_MSG_HEADROOM, 40);
            sending = s2 == OCPP_PENDING;
        }
        if (st == OCPP_PENDING && f.pos >= f.len && f.prefix_pos >= f.prefix_len) {
            break;
        }
    }
    ocpp_ws_close(&ws);
    if (ocpp_ws_state(&ws) != OCPP_WS_CLOSED) {
        __builtin_trap();
    }
    return 0;
}
