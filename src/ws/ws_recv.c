/* The receive side of the WebSocket client: the frame reader (RFC 6455 §5.2),
 * message reassembly (§5.4), control frames (§5.5) and the keep-alive ping. */
#include <string.h>

#include "ws/ws_internal.h"

#define WS_IO_MAX 0x7FFFFFFFu

/* RFC 6455 §7.4.1 status codes we send. */
#define WS_CLOSE_PROTOCOL  1002u
#define WS_CLOSE_DATA_TYPE 1003u
#define WS_CLOSE_BAD_DATA  1007u
#define WS_CLOSE_TOO_BIG   1009u

/* Up to `want` bytes of the stream into dst: first what came with the 101
 * response (kept in rx_buf; dst never lies past it, so memmove is safe), then
 * the network. Returns the count, 0 for none now, or a negative status. */
static int32_t pull(ocpp_ws_t *ws, uint8_t *dst, size_t want)
{
    if (want > WS_IO_MAX) {
        want = WS_IO_MAX;
    }
    if (ws->stash_len > 0u) {
        size_t n = want < ws->stash_len ? want : ws->stash_len;
        memmove(dst, ws->cfg.rx_buf + ws->stash_off, n);
        ws->stash_off += n;
        ws->stash_len -= n;
        return (int32_t)n;
    }
    int32_t r = ws->cfg.net->recv(ws->cfg.net->ctx, dst, want);
    return (r > 0 && (size_t)r > want) ? OCPP_ERR_IO : r;
}

/* What to do when pull() gave nothing. */
static ocpp_status_t pull_status(ocpp_ws_t *ws, int32_t r)
{
    if (r == 0) {
        return OCPP_PENDING;
    }
    ocpp_ws_drop(ws);
    return (ocpp_status_t)r;
}

/* Fail the connection for what the peer sent (§7.1.7), closing with `code`. */
static ocpp_status_t fail_peer(ocpp_ws_t *ws, uint16_t code)
{
    return ocpp_ws_fail(ws, code, OCPP_ERR_PROTOCOL);
}

/* Send what is left of our control frame: OCPP_OK (all out), OCPP_PENDING,
 * or a stream error, which has failed the connection. */
static ocpp_status_t flush(ocpp_ws_t *ws)
{
    ocpp_status_t st = ocpp_ws_ctl_flush(ws);
    return st < 0 ? ocpp_ws_fail(ws, 0, st) : st;
}

static ocpp_status_t protocol_error(ocpp_ws_t *ws)
{
    return fail_peer(ws, WS_CLOSE_PROTOCOL);
}

/* ---- Frame header ---------------------------------------------------------- */

/* The first two header bytes (§5.2): flags, opcode, mask bit, length code. */
static ocpp_status_t header_start(ocpp_ws_t *ws)
{
    uint8_t b0 = ws->hdr[0], b1 = ws->hdr[1];
    uint8_t op = (uint8_t)(b0 & 0x0Fu);
    uint8_t len7 = (uint8_t)(b1 & 0x7Fu);
    bool control = (op & 0x8u) != 0u;
    ws->fin = (b0 & 0x80u) != 0u;
    ws->opcode = op;
    if ((b0 & 0x70u) != 0u || /* §5.2 RSV1-3 */
        (b1 & 0x80u) != 0u || /* §5.1 masked */
        (op > OCPP_WS_OP_BIN && op < OCPP_WS_OP_CLOSE) || op > OCPP_WS_OP_PONG ||
        (control && (!ws->fin || len7 > 125u))) { /* §5.5 */
        return protocol_error(ws);
    }
    ws->hdr_need = (uint8_t)(2u + (len7 == 126u ? 2u : (len7 == 127u ? 8u : 0u)));
    return OCPP_WS_CONTINUE;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* The payload length (§5.2): 7 bits, or 16, or 64 (hi:lo) after the first two bytes. */
static uint64_t header_length(const ocpp_ws_t *ws)
{
    uint32_t len7 = ws->hdr[1] & 0x7Fu;
    if (len7 == 126u) {
        return ((uint32_t)ws->hdr[2] << 8) | ws->hdr[3];
    }
    if (len7 == 127u) {
        return ((uint64_t)be32(ws->hdr + 2) << 32) | be32(ws->hdr + 6);
    }
    return len7;
}

/* A data frame begins: continuation rules (§5.4), message type, size cap. */
static ocpp_status_t data_frame_start(ocpp_ws_t *ws, uint64_t len)
{
    if ((ws->opcode == OCPP_WS_OP_CONT) != ws->in_message) {
        return protocol_error(ws); /* stray continuation, or a new message inside one */
    }
    if (ws->opcode == OCPP_WS_OP_BIN) {
        /* OCPP-J 1.6 §4.1.2: UTF-8 JSON text only */
        return fail_peer(ws, WS_CLOSE_DATA_TYPE);
    }
    if (ws->opcode == OCPP_WS_OP_TEXT) {
        ws->in_message = true;
        ws->discarding = false;
        ws->msg_len = 0;
        ws->msg_total = 0;
        ocpp_utf8_init(&ws->utf8);
    }
    if (ws->cfg.max_msg_len != 0u && ws->msg_total + len > ws->cfg.max_msg_len) {
        return fail_peer(ws, WS_CLOSE_TOO_BIG);
    }
    return OCPP_WS_CONTINUE;
}

static ocpp_status_t read_header(ocpp_ws_t *ws)
{
    int32_t r = pull(ws, ws->hdr + ws->hdr_len, (size_t)(ws->hdr_need - ws->hdr_len));
    if (r <= 0) {
        return pull_status(ws, r);
    }
    ws->hdr_len = (uint8_t)(ws->hdr_len + r);
    if (ws->hdr_len < ws->hdr_need) {
        return OCPP_WS_CONTINUE;
    }
    if (ws->hdr_need == 2u) {
        ocpp_status_t st = header_start(ws);
        if (st != OCPP_WS_CONTINUE || ws->hdr_len < ws->hdr_need) {
            return st;
        }
    }
    uint64_t len = header_length(ws);
    if ((len >> 63) != 0u) {
        return protocol_error(ws); /* §5.2: the most significant bit MUST be 0 */
    }
    if ((ws->opcode & 0x8u) == 0u) {
        ocpp_status_t st = data_frame_start(ws, len);
        if (st != OCPP_WS_CONTINUE) {
            return st;
        }
    }
    ws->ctl_rx_len = 0;
    ws->frame_left = len;
    ws->in_payload = true;
    return OCPP_WS_CONTINUE;
}

/* ---- Payload --------------------------------------------------------------- */

/*
 * The payload of a ping or close goes to ctl[6..], where its answer is built
 * in place; so our own queued control frame must be out first (or be one
 * that the answer may replace, see ocpp_ws_ctl_can_queue). A pong's payload
 * is not needed (§5.5.3): it is read into hdr, free during the payload, and
 * dropped. Data goes to rx_buf after the message so far; once the message is
 * too large, to the start of rx_buf, and dropped.
 */
static ocpp_status_t read_payload(ocpp_ws_t *ws, const char **msg, size_t *len)
{
    uint8_t *dst;
    size_t room;
    bool control = (ws->opcode & 0x8u) != 0u;
    if (!control) {
        dst = ws->cfg.rx_buf;
        room = ws->cfg.rx_cap;
        if (!ws->discarding) {
            room -= ws->msg_len;
            if (room == 0u) {
                /* Too large: hand out the prefix once, then drop the rest. */
                ws->discarding = true;
                ws->msg_ready = true;
                *msg = (const char *)ws->cfg.rx_buf;
                *len = ws->msg_len;
                return OCPP_ERR_TOO_LARGE;
            }
            dst += ws->msg_len;
        }
    } else if (ws->opcode == OCPP_WS_OP_PONG) {
        dst = ws->hdr;
        room = sizeof ws->hdr;
    } else {
        if (ws->ctl_tx_len != 0u) {
            if (ocpp_ws_ctl_can_queue(ws, ws->opcode == OCPP_WS_OP_CLOSE)) {
                ws->ctl_tx_len = 0; /* replaced by the answer to this frame */
            } else {
                ocpp_status_t st = flush(ws);
                if (st != OCPP_OK) {
                    return st; /* OCPP_PENDING or failed */
                }
            }
        }
        dst = ws->ctl + 6u + ws->ctl_rx_len;
        room = 125u; /* frame_left <= 125 - ctl_rx_len (§5.5) */
    }
    size_t want = ws->frame_left < room ? (size_t)ws->frame_left : room;
    int32_t r = pull(ws, dst, want);
    if (r <= 0) {
        return pull_status(ws, r);
    }
    if (!control) {
        if (!ocpp_utf8_feed(&ws->utf8, dst, (size_t)r)) {
            return fail_peer(ws, WS_CLOSE_BAD_DATA); /* §8.1 */
        }
        ws->msg_total += (uint64_t)r;
        if (!ws->discarding) {
            ws->msg_len += (size_t)r;
        }
    } else if (ws->opcode != OCPP_WS_OP_PONG) {
        ws->ctl_rx_len = (uint8_t)(ws->ctl_rx_len + r);
    }
    ws->frame_left -= (uint64_t)r;
    return OCPP_WS_CONTINUE;
}

/* ---- Control frames (§5.5) ---------------------------------------------- */

/* Close codes a peer may send (§7.4.1, §7.4.2, IANA registry). */
static bool close_code_ok(uint16_t c)
{
    return (c >= 1000u && c <= 1003u) || (c >= 1007u && c <= 1014u) || (c >= 3000u && c <= 4999u);
}

/* Being closed: send what is left of our close frame, then drop. */
static ocpp_status_t closing_step(ocpp_ws_t *ws)
{
    ocpp_status_t st = ocpp_ws_ctl_flush(ws);
    if (st != OCPP_PENDING) {
        ocpp_ws_drop(ws);
    }
    return OCPP_ERR_CLOSED;
}

static ocpp_status_t handle_close(ocpp_ws_t *ws)
{
    uint16_t code = 0;
    if (ws->ctl_rx_len == 1u) {
        return protocol_error(ws); /* §5.5.1: a body starts with a 2-byte code */
    }
    if (ws->ctl_rx_len >= 2u) {
        ocpp_ws_utf8_t u;
        code = (uint16_t)((ws->ctl[6] << 8) | ws->ctl[7]);
        if (!close_code_ok(code)) {
            return protocol_error(ws);
        }
        ocpp_utf8_init(&u);
        if (!ocpp_utf8_feed(&u, ws->ctl + 8, ws->ctl_rx_len - 2u) || !ocpp_utf8_complete(&u)) {
            return fail_peer(ws, WS_CLOSE_BAD_DATA);
        }
    }
    if (!ocpp_ws_ctl_can_queue(ws, true)) {
        return OCPP_PENDING;
    }
    ocpp_ws_ctl_queue_close(ws, code); /* §5.5.1: echo the status code */
    ws->state = OCPP_WS_CLOSING;
    return closing_step(ws);
}

static ocpp_status_t handle_control(ocpp_ws_t *ws)
{
    if (ws->opcode == OCPP_WS_OP_PING) {
        if (!ocpp_ws_ctl_can_queue(ws, false)) {
            return OCPP_PENDING; /* retried once our last control frame is out */
        }
        /* §5.5.2: answer with a pong carrying the same application data */
        ocpp_ws_ctl_queue(ws, OCPP_WS_OP_PONG, ws->ctl + 6, ws->ctl_rx_len);
        ocpp_status_t st = flush(ws);
        return st < 0 ? st : OCPP_WS_CONTINUE;
    }
    if (ws->opcode == OCPP_WS_OP_PONG) {
        ws->ping_outstanding = false; /* §5.5.3 */
        return OCPP_WS_CONTINUE;
    }
    return handle_close(ws);
}

/* The whole frame has been read. */
static ocpp_status_t frame_done(ocpp_ws_t *ws, const char **msg, size_t *len)
{
    bool control = (ws->opcode & 0x8u) != 0u;
    if (control) {
        ocpp_status_t st = handle_control(ws);
        if (st != OCPP_WS_CONTINUE) {
            return st;
        }
    }
    ws->in_payload = false;
    ws->hdr_len = 0;
    ws->hdr_need = 2;
    if (control || !ws->fin) {
        return OCPP_WS_CONTINUE;
    }
    ws->in_message = false;
    if (!ocpp_utf8_complete(&ws->utf8)) {
        return fail_peer(ws, WS_CLOSE_BAD_DATA); /* §8.1 */
    }
    if (ws->discarding) {
        ws->discarding = false;
        ws->msg_len = 0;
        return OCPP_WS_CONTINUE;
    }
    ws->msg_ready = true;
    *msg = (const char *)ws->cfg.rx_buf;
    *len = ws->msg_len;
    return OCPP_OK;
}

static ocpp_status_t read_step(ocpp_ws_t *ws, const char **msg, size_t *len)
{
    if (!ws->in_payload) {
        return read_header(ws);
    }
    if (ws->frame_left > 0u) {
        return read_payload(ws, msg, len);
    }
    return frame_done(ws, msg, len);
}

/* ---- Keep-alive ping ------------------------------------------------------ */

/* The receive side is in a control frame other than a pong: ping_tick() waits
 * for its end (it arrives from the network, which wakes the caller). */
static bool in_control(const ocpp_ws_t *ws)
{
    return ws->in_payload && (ws->opcode & 0x8u) != 0u && ws->opcode != OCPP_WS_OP_PONG;
}

static ocpp_status_t ping_tick(ocpp_ws_t *ws, uint32_t now_ms)
{
    uint32_t s = ws->cfg.ping_interval_s;
    if (s == 0u) {
        return OCPP_OK;
    }
    uint32_t interval = s > 0x7FFFFFFFu / 1000u ? 0x7FFFFFFFu : s * 1000u;
    if (!ws->ping_timer_started) {
        ws->ping_timer_started = true;
        ws->last_ping_ms = now_ms;
        return OCPP_OK;
    }
    if ((uint32_t)(now_ms - ws->last_ping_ms) < interval) {
        return OCPP_OK; /* wrap-safe */
    }
    if (ws->ping_outstanding) {
        return ocpp_ws_fail(ws, 0, OCPP_ERR_TIMEOUT); /* no pong for a whole period */
    }
    if (ws->ctl_tx_len != 0u || in_control(ws)) {
        return OCPP_OK; /* a control frame is queued, or one is in ctl: ping later */
    }
    ocpp_ws_ctl_queue(ws, OCPP_WS_OP_PING, NULL, 0);
    ws->ping_outstanding = true;
    ws->last_ping_ms = now_ms;
    ocpp_status_t st = flush(ws);
    return st < 0 ? st : OCPP_OK;
}

/* A control frame waiting for room in the network's send buffer is tried again
 * this soon (an application that also waits for the socket to be writable
 * tries earlier). */
#define WS_FLUSH_RETRY_MS 10u

/* ---- Entry ------------------------------------------------------------------ */

uint32_t ocpp_ws_next_due(void *ctx, uint32_t now_ms)
{
    const ocpp_ws_t *ws = ctx;
    if (ws == NULL) {
        return UINT32_MAX;
    }
    if (ws->state == OCPP_WS_CLOSING || ws->stash_len > 0u) {
        return 0u; /* the close to finish; bytes that came with the 101 response */
    }
    if (ws->state != OCPP_WS_OPEN) {
        return UINT32_MAX;
    }
    uint32_t wake = ws->ctl_tx_len != 0u ? WS_FLUSH_RETRY_MS : UINT32_MAX;
    uint32_t s = ws->cfg.ping_interval_s;
    if (s == 0u) {
        return wake;
    }
    if (!ws->ping_timer_started) {
        return 0u; /* the period starts at the next recv */
    }
    /* The next ping, and the end of the wait for the pong of the last one,
     * are both one interval after the last ping (ping_tick). */
    uint32_t interval = s > 0x7FFFFFFFu / 1000u ? 0x7FFFFFFFu : s * 1000u;
    uint32_t since = now_ms - ws->last_ping_ms;
    if (since < interval) {
        uint32_t left = interval - since;
        return left < wake ? left : wake;
    }
    if (!ws->ping_outstanding && (ws->ctl_tx_len != 0u || in_control(ws))) {
        return wake; /* the ping waits for the control frame in the way */
    }
    return 0u;
}

ocpp_status_t ocpp_ws_recv(void *ctx, uint32_t now_ms, const char **msg, size_t *len)
{
    ocpp_ws_t *ws = ctx;
    if (ws == NULL || msg == NULL || len == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (ws->state == OCPP_WS_CLOSING) {
        return closing_step(ws);
    }
    if (ws->state != OCPP_WS_OPEN) {
        return ws->state == OCPP_WS_CLOSED ? OCPP_ERR_CLOSED : OCPP_ERR_STATE;
    }
    if (ws->msg_ready) {
        ws->msg_ready = false; /* the caller is done with the last message */
        ws->msg_len = 0;
    }
    ocpp_status_t st = flush(ws);
    if (st < 0) {
        return st;
    }
    st = ping_tick(ws, now_ms);
    if (st != OCPP_OK) {
        return st;
    }
    do {
        st = read_step(ws, msg, len);
    } while (st == OCPP_WS_CONTINUE);
    return st;
}
