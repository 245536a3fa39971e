/* The WebSocket client: set-up, opening handshake, sending, closing. The
 * control-frame queue it shares with the receive side is in ws_io.c. */
#include <string.h>

#include "ws/ws_internal.h"

/* Largest count handed to one net->send/recv (their result is an int32_t). */
#define WS_IO_MAX 0x7FFFFFFFu

ocpp_status_t ocpp_ws_init(ocpp_ws_t *ws, const ocpp_ws_config_t *cfg)
{
    if (ws == NULL || cfg == NULL || cfg->net == NULL || cfg->rx_buf == NULL ||
        cfg->random == NULL || cfg->rx_cap < OCPP_WS_MIN_RX_CAP || cfg->net->connect == NULL ||
        cfg->net->send == NULL || cfg->net->recv == NULL || cfg->net->close == NULL) {
        return OCPP_ERR_PARAM;
    }
    memset(ws, 0, sizeof *ws);
    ws->cfg = *cfg;
    ws->state = OCPP_WS_CLOSED;
    return OCPP_OK;
}

static void ws_set_keepalive(void *ctx, uint32_t seconds)
{
    ocpp_ws_set_ping_interval((ocpp_ws_t *)ctx, seconds);
}

static ocpp_status_t ws_send_part(void *ctx, char *msg, size_t len);

void ocpp_ws_msg_port(ocpp_ws_t *ws, ocpp_msg_port_t *out)
{
    if (out == NULL) {
        return;
    }
    out->ctx = ws;
    out->open = ocpp_ws_open;
    out->send = ocpp_ws_send;
    out->recv = ocpp_ws_recv;
    out->close = ocpp_ws_close;
    out->set_keepalive = ws_set_keepalive;
    out->send_part = ws_send_part;
    out->next_due = ocpp_ws_next_due;
}

void ocpp_ws_set_ping_interval(ocpp_ws_t *ws, uint32_t seconds)
{
    if (ws == NULL) {
        return;
    }
    ws->cfg.ping_interval_s = seconds;
    ws->ping_timer_started = false; /* restart the period at the next recv */
    ws->ping_outstanding = false;
}

ocpp_ws_state_t ocpp_ws_state(const ocpp_ws_t *ws)
{
    return ws != NULL ? ws->state : OCPP_WS_CLOSED;
}

/* ---- Opening handshake (RFC 6455 §4.1) ----------------------------------- */

/* Forget everything about the previous connection; keep the configuration. */
static void reset_session(ocpp_ws_t *ws)
{
    ocpp_ws_config_t cfg = ws->cfg;
    memset(ws, 0, sizeof *ws);
    ws->cfg = cfg;
    ws->hdr_need = 2;
    ocpp_utf8_init(&ws->utf8);
}

static ocpp_status_t hs_connect(ocpp_ws_t *ws, const ocpp_msg_open_t *p)
{
    ocpp_status_t st = ws->cfg.net->connect(ws->cfg.net->ctx, &p->ep);
    if (st == OCPP_PENDING) {
        return st;
    }
    if (st != OCPP_OK) {
        ws->state = OCPP_WS_CLOSED; /* the port has released the connection */
        return st < 0 ? st : OCPP_ERR_IO;
    }
    ws->state = OCPP_WS_UPGRADING;
    st = ocpp_ws_hs_request(ws, p);
    if (st != OCPP_OK) {
        ocpp_ws_drop(ws);
    }
    return st;
}

static ocpp_status_t hs_send(ocpp_ws_t *ws)
{
    while (ws->io_off < ws->io_len) {
        int32_t r = ocpp_ws_net_send(ws, ws->cfg.rx_buf + ws->io_off, ws->io_len - ws->io_off);
        if (r <= 0) {
            if (r < 0) {
                ocpp_ws_drop(ws);
                return (ocpp_status_t)r;
            }
            return OCPP_PENDING;
        }
        ws->io_off += (size_t)r;
    }
    ws->hs_sent = true;
    ws->io_len = 0; /* rx_buf now collects the response */
    return OCPP_OK;
}

static ocpp_status_t hs_receive(ocpp_ws_t *ws, const ocpp_msg_open_t *p)
{
    uint8_t *buf = ws->cfg.rx_buf;
    for (;;) {
        size_t room = ws->cfg.rx_cap - ws->io_len;
        int32_t r = ws->cfg.net->recv(ws->cfg.net->ctx, buf + ws->io_len,
                                      room > WS_IO_MAX ? WS_IO_MAX : room);
        if (r <= 0 || (size_t)r > room) {
            if (r == 0) {
                return OCPP_PENDING;
            }
            ocpp_ws_drop(ws);
            return r < 0 ? (ocpp_status_t)r : OCPP_ERR_IO;
        }
        size_t from = ws->io_len >= 3u ? ws->io_len - 3u : 0u;
        ws->io_len += (size_t)r;
        size_t end = ocpp_ws_hs_find_end(buf, from, ws->io_len);
        if (end != 0u) {
            ocpp_status_t st = ocpp_ws_hs_response(buf, end, ws->key, p->subprotocol);
            if (st != OCPP_OK) {
                ocpp_ws_drop(ws);
                return st;
            }
            ws->stash_off = end; /* frame bytes that came with the response */
            ws->stash_len = ws->io_len - end;
            ws->state = OCPP_WS_OPEN;
            return OCPP_OK;
        }
        if (ws->io_len == ws->cfg.rx_cap) {
            ocpp_ws_drop(ws); /* the response head does not fit */
            return OCPP_ERR_PROTOCOL;
        }
    }
}

ocpp_status_t ocpp_ws_open(void *ctx, const ocpp_msg_open_t *params)
{
    ocpp_ws_t *ws = ctx;
    if (ws == NULL || params == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (ws->state == OCPP_WS_OPEN) {
        return OCPP_OK;
    }
    if (ws->state == OCPP_WS_CLOSING) {
        ocpp_ws_drop(ws);
    }
    if (ws->state == OCPP_WS_CLOSED) {
        if (ocpp_ws_hs_check_params(params) != OCPP_OK) {
            return OCPP_ERR_PARAM;
        }
        reset_session(ws);
        ws->state = OCPP_WS_CONNECTING;
    }
    if (ws->state == OCPP_WS_CONNECTING) {
        ocpp_status_t st = hs_connect(ws, params);
        if (st != OCPP_OK) {
            return st;
        }
    }
    if (!ws->hs_sent) {
        ocpp_status_t st = hs_send(ws);
        if (st != OCPP_OK) {
            return st;
        }
    }
    return hs_receive(ws, params);
}

/* ---- Sending (RFC 6455 §5.2, §5.3) --------------------------------------- */

/* Write the frame header into the headroom before msg and mask in place.
 * A message in pieces (§5.4): text FIN=0, continuation FIN=0 ..., then
 * continuation FIN=1. */
static void frame_start(ocpp_ws_t *ws, char *msg, size_t len, bool fin)
{
    size_t hl = len < 126u ? 6u : (len <= 0xFFFFu ? 8u : 14u);
    uint8_t *f = (uint8_t *)msg - hl;
    uint8_t *payload = (uint8_t *)msg;
    f[0] = (uint8_t)((fin ? 0x80u : 0u) | (ws->tx_frag ? OCPP_WS_OP_CONT : OCPP_WS_OP_TEXT));
    ws->tx_frag = !fin;
    if (hl == 6u) {
        f[1] = (uint8_t)(0x80u | len);
    } else if (hl == 8u) {
        f[1] = 0x80u | 126u;
        f[2] = (uint8_t)(len >> 8);
        f[3] = (uint8_t)len;
    } else {
        uint64_t l64 = len;
        f[1] = 0x80u | 127u;
        for (unsigned i = 0; i < 8u; i++) {
            f[2u + i] = (uint8_t)(l64 >> (56u - 8u * i));
        }
    }
    uint8_t *key = f + hl - 4u;
    ocpp_ws_put_mask(ws, key);
    for (size_t i = 0; i < len; i++) {
        payload[i] ^= key[i & 3u];
    }
    ws->tx_busy = true;
    ws->tx_msg = msg;
    ws->tx_len = len;
    ws->tx_frame = f;
    ws->tx_total = hl + len;
    ws->tx_off = 0;
}

static ocpp_status_t frame_continue(ocpp_ws_t *ws)
{
    while (ws->tx_off < ws->tx_total) {
        int32_t r = ocpp_ws_net_send(ws, ws->tx_frame + ws->tx_off, ws->tx_total - ws->tx_off);
        if (r <= 0) {
            if (r < 0) {
                ocpp_ws_drop(ws);
                return (ocpp_status_t)r;
            }
            return OCPP_PENDING;
        }
        ws->tx_off += (size_t)r;
    }
    ws->tx_busy = false;
    return OCPP_OK;
}

static ocpp_status_t send_frame(ocpp_ws_t *ws, char *msg, size_t len, bool fin)
{
    if (ws == NULL || msg == NULL || len > SIZE_MAX - OCPP_MSG_HEADROOM) {
        return OCPP_ERR_PARAM;
    }
    if (ws->tx_busy) {
        /* Continuing a partial send: the caller must pass the same message. */
        return (msg == ws->tx_msg && len == ws->tx_len) ? frame_continue(ws) : OCPP_ERR_PARAM;
    }
    if (ws->state != OCPP_WS_OPEN) {
        return (ws->state == OCPP_WS_CLOSED || ws->state == OCPP_WS_CLOSING) ? OCPP_ERR_CLOSED
                                                                             : OCPP_ERR_STATE;
    }
    /* A queued control frame goes first (also between two fragments of a
     * message, §5.4); frames are never interleaved. */
    ocpp_status_t st = ocpp_ws_ctl_flush(ws);
    if (st != OCPP_OK) {
        return st < 0 ? ocpp_ws_fail(ws, 0, st) : st;
    }
    frame_start(ws, msg, len, fin);
    return frame_continue(ws);
}

ocpp_status_t ocpp_ws_send(void *ctx, char *msg, size_t len)
{
    return send_frame(ctx, msg, len, true);
}

static ocpp_status_t ws_send_part(void *ctx, char *msg, size_t len)
{
    return send_frame(ctx, msg, len, false);
}

/* ---- Closing (RFC 6455 §5.5.1, §7.1.2) ----------------------------------- */

void ocpp_ws_close(void *ctx)
{
    ocpp_ws_t *ws = ctx;
    if (ws == NULL || ws->state == OCPP_WS_CLOSED) {
        return;
    }
    if (ws->state == OCPP_WS_OPEN) {
        (void)ocpp_ws_fail(ws, 1000, OCPP_OK); /* best effort, never blocks */
        return;
    }
    if (ws->state == OCPP_WS_CLOSING) {
        (void)ocpp_ws_ctl_flush(ws); /* the rest of our close echo */
    }
    ocpp_ws_drop(ws);
}
