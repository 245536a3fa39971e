/* The WebSocket client's I/O shared by the sending (ws_client.c) and the
 * receiving side (ws_recv.c): network writes, masking keys, the control-frame
 * queue, failing a connection. Below both, so that they do not call each
 * other in a circle. */
#include "ws/ws_internal.h"

/* Largest count handed to one net->send/recv (their result is an int32_t). */
#define WS_IO_MAX 0x7FFFFFFFu

/* ---- Shared helpers ------------------------------------------------------ */

int32_t ocpp_ws_net_send(ocpp_ws_t *ws, const uint8_t *p, size_t n)
{
    if (n > WS_IO_MAX) {
        n = WS_IO_MAX;
    }
    int32_t r = ws->cfg.net->send(ws->cfg.net->ctx, p, n);
    if (r > 0 && (size_t)r > n) {
        return OCPP_ERR_IO; /* the port broke its contract */
    }
    return r;
}

void ocpp_ws_put_mask(ocpp_ws_t *ws, uint8_t *key)
{
    uint32_t m = ws->cfg.random(ws->cfg.random_ctx); /* RFC 6455 §5.3: fresh per frame */
    key[0] = (uint8_t)(m >> 24);
    key[1] = (uint8_t)(m >> 16);
    key[2] = (uint8_t)(m >> 8);
    key[3] = (uint8_t)m;
}

bool ocpp_ws_ctl_can_queue(const ocpp_ws_t *ws, bool is_close)
{
    if (ws->ctl_tx_len == 0u) {
        return true;
    }
    if (ws->ctl_tx_off != 0u) {
        return false; /* part of it is on the wire: finish it first */
    }
    uint8_t op = (uint8_t)(ws->ctl[0] & 0x0Fu);
    /* A newer pong replaces an unsent one (RFC 6455 §5.5.3); a close replaces
     * anything not yet started. */
    return op == OCPP_WS_OP_PONG || (is_close && op == OCPP_WS_OP_PING);
}

void ocpp_ws_ctl_queue(ocpp_ws_t *ws, uint8_t opcode, const uint8_t *payload, size_t len)
{
    uint8_t *f = ws->ctl; /* payload may be ws->ctl + 6 itself: masked in place */
    f[0] = (uint8_t)(0x80u | opcode);
    f[1] = (uint8_t)(0x80u | len); /* len <= 125 */
    ocpp_ws_put_mask(ws, f + 2);
    for (size_t i = 0; i < len; i++) {
        f[6u + i] = (uint8_t)(payload[i] ^ f[2u + (i & 3u)]);
    }
    ws->ctl_tx_len = (uint8_t)(6u + len);
    ws->ctl_tx_off = 0;
}

void ocpp_ws_ctl_queue_close(ocpp_ws_t *ws, uint16_t code)
{
    uint8_t body[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    ocpp_ws_ctl_queue(ws, OCPP_WS_OP_CLOSE, body, code != 0u ? 2u : 0u);
}

ocpp_status_t ocpp_ws_ctl_flush(ocpp_ws_t *ws)
{
    while (ws->ctl_tx_len > 0u && !ws->tx_busy) {
        int32_t r = ocpp_ws_net_send(ws, ws->ctl + ws->ctl_tx_off,
                                     (size_t)(ws->ctl_tx_len - ws->ctl_tx_off));
        if (r <= 0) {
            return r < 0 ? (ocpp_status_t)r : OCPP_PENDING;
        }
        ws->ctl_tx_off = (uint8_t)(ws->ctl_tx_off + r);
        if (ws->ctl_tx_off == ws->ctl_tx_len) {
            ws->ctl_tx_len = 0;
            ws->ctl_tx_off = 0;
        }
    }
    return ws->ctl_tx_len == 0u ? OCPP_OK : OCPP_PENDING;
}

void ocpp_ws_drop(ocpp_ws_t *ws)
{
    if (ws->state != OCPP_WS_CLOSED) {
        ws->cfg.net->close(ws->cfg.net->ctx);
    }
    ws->state = OCPP_WS_CLOSED;
    ws->tx_busy = false;
    ws->ctl_tx_len = 0;
    ws->ctl_tx_off = 0;
}

ocpp_status_t ocpp_ws_fail(ocpp_ws_t *ws, uint16_t code, ocpp_status_t st)
{
    if (code != 0u && !ws->tx_busy && ocpp_ws_ctl_flush(ws) >= 0 &&
        ocpp_ws_ctl_can_queue(ws, true)) {
        ocpp_ws_ctl_queue_close(ws, code);
        (void)ocpp_ws_ctl_flush(ws);
    }
    ocpp_ws_drop(ws);
    return st;
}
