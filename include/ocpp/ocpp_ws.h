/**
 * @file ocpp_ws.h
 * @brief The built-in RFC 6455 WebSocket client, running over a non-blocking
 *        byte-stream port (ocpp_net_port_t) and offering the message port
 *        (ocpp_msg_port_t) the charge point uses.
 *
 * Memory: the caller owns the receive buffer. Its size is the largest
 * incoming message accepted (a fragmented one is reassembled there); the HTTP
 * upgrade request and response also pass through it. Outgoing messages are
 * framed in place in the charge point's transmit buffer (see
 * OCPP_MSG_HEADROOM); one larger than that buffer goes out in pieces, one
 * frame each (ocpp_msg_port_t.send_part, RFC 6455 §5.4), so the transmit
 * buffer bounds a fragment, not a message. Control frames (ping, pong, close)
 * use a small buffer inside ocpp_ws_t; they may go out between two fragments
 * (§5.4), never inside a frame.
 *
 * Use:
 * @code
 * static uint8_t rx[4096];
 * ocpp_ws_t ws;
 * ocpp_ws_config_t wc = { .net = &net, .rx_buf = rx, .rx_cap = sizeof rx,
 *                         .random = my_rand, .random_ctx = NULL };
 * ocpp_ws_init(&ws, &wc);
 * ocpp_msg_port_t msg;
 * ocpp_ws_msg_port(&ws, &msg);   // give `msg` to ocpp_cp_init()
 * @endcode
 */
#ifndef OCPP_WS_H
#define OCPP_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_port.h"
#include "ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of a WebSocket client. Pointers must outlive the client. */
typedef struct {
    const ocpp_net_port_t *net; /**< Byte stream to run on. Required. */
    uint8_t *rx_buf;            /**< Receive buffer. Required. */
    size_t rx_cap;              /**< Its size; at least OCPP_WS_MIN_RX_CAP. */
    ocpp_random_fn random;      /**< Randomness for keys and masks. Required. */
    void *random_ctx;
    uint32_t ping_interval_s; /**< WebSocketPingInterval; 0: no pings. */
    /**
     * Hard limit on the size of one incoming message (all its fragments).
     * 0 (default): no limit; a message larger than rx_cap is read and
     * discarded, and ocpp_ws_recv() returns its prefix with
     * OCPP_ERR_TOO_LARGE while the connection stays open. Non-zero: a message
     * whose frame headers announce more than this many bytes is refused with
     * close code 1009 (RFC 6455 §7.4.1) and OCPP_ERR_PROTOCOL, without reading
     * its payload.
     */
    uint32_t max_msg_len;
} ocpp_ws_config_t;

/** Smallest accepted receive buffer (it must hold the HTTP upgrade). */
#define OCPP_WS_MIN_RX_CAP 512u

/** Connection state of the client. */
typedef enum {
    OCPP_WS_CLOSED = 0,
    OCPP_WS_CONNECTING, /**< TCP/TLS connect in progress. */
    OCPP_WS_UPGRADING,  /**< HTTP upgrade request sent, waiting for 101. */
    OCPP_WS_OPEN,
    OCPP_WS_CLOSING /**< Close frame received; our echo is being sent. */
} ocpp_ws_state_t;

/** Incremental UTF-8 validator state (private). */
typedef struct {
    uint8_t need; /**< Continuation bytes still expected. */
    uint8_t lo;   /**< Allowed range of the next continuation byte. */
    uint8_t hi;
} ocpp_ws_utf8_t;

/** WebSocket client state. All fields are private. */
typedef struct {
    ocpp_ws_config_t cfg;
    ocpp_ws_state_t state;
    bool hs_sent;     /**< Upgrade request completely sent. */
    char key[25];     /**< Sec-WebSocket-Key sent (base64, NUL). */
    size_t io_len;    /**< Bytes of the upgrade request/response in rx_buf. */
    size_t io_off;    /**< Bytes of the request already sent. */
    size_t stash_off; /**< Bytes received past the 101 response, */
    size_t stash_len; /**<   kept at rx_buf[stash_off..+stash_len). */
    /* Frame reader */
    uint8_t hdr[14];
    uint8_t hdr_len;
    uint8_t hdr_need;
    uint8_t opcode;      /**< Opcode of the frame being read. */
    bool fin;            /**< FIN bit of the frame being read. */
    bool in_payload;     /**< Header done, reading (or acting on) the payload. */
    bool in_message;     /**< A data message is being assembled. */
    bool discarding;     /**< The current message is too large. */
    bool msg_ready;      /**< A message was returned; drop it on next recv. */
    uint64_t frame_left; /**< Payload bytes of the current frame to read. */
    size_t msg_len;      /**< Bytes of the current message in rx_buf. */
    uint64_t msg_total;  /**< Payload bytes of the current message so far. */
    ocpp_ws_utf8_t utf8; /**< UTF-8 state of the current text message. */
    /* Control frames: one buffer, either the payload of a ping/close being
       received (at ctl[6..]) or our one queued control frame, masked. */
    uint8_t ctl[131];
    uint8_t ctl_rx_len; /**< Payload bytes of the received control frame. */
    uint8_t ctl_tx_len; /**< 0: none queued. */
    uint8_t ctl_tx_off; /**< Bytes of it already sent. */
    /* Data frame being sent */
    bool tx_busy;
    bool tx_frag;       /**< A message sent in pieces is open: the next frame continues it. */
    const char *tx_msg; /**< Arguments of the send in progress. */
    size_t tx_len;
    const uint8_t *tx_frame; /**< Start of the frame (header) in the caller's buffer. */
    size_t tx_total;         /**< Header + payload bytes. */
    size_t tx_off;           /**< Bytes already sent. */
    /* Keep-alive */
    uint32_t last_ping_ms;
    bool ping_outstanding;
    bool ping_timer_started;
} ocpp_ws_t;

/**
 * @brief Initialise a client. Does no I/O.
 * @return OCPP_OK; OCPP_ERR_PARAM for a missing port/buffer/random or
 *         rx_cap < OCPP_WS_MIN_RX_CAP.
 */
ocpp_status_t ocpp_ws_init(ocpp_ws_t *ws, const ocpp_ws_config_t *cfg);

/** @brief Fill `out` with the message-port functions of this client. */
void ocpp_ws_msg_port(ocpp_ws_t *ws, ocpp_msg_port_t *out);

/**
 * @brief Change the ping interval (WebSocketPingInterval, seconds; 0 off).
 *        The period restarts at the next ocpp_ws_recv(); an outstanding ping
 *        is forgiven.
 */
void ocpp_ws_set_ping_interval(ocpp_ws_t *ws, uint32_t seconds);

/** @brief Current state. */
ocpp_ws_state_t ocpp_ws_state(const ocpp_ws_t *ws);

/* The message-port functions, also callable directly (ctx is the ocpp_ws_t). */

/**
 * @brief Open (see ocpp_msg_port_t.open): drives net->connect, sends the HTTP
 *        upgrade (RFC 6455 §4.1; Authorization: Basic when basic_user is set)
 *        and checks the 101 response, including that the server echoes
 *        params->subprotocol (OCPP-J 1.6 §3.1.2, §3.2). Call again while it returns
 *        OCPP_PENDING. Works again after a close, on the same ocpp_ws_t.
 * @return OCPP_OK open; OCPP_PENDING; OCPP_ERR_PARAM for bad params (NULL or
 *         empty host, CR/LF/space in host, path, subprotocol or user, ':' in
 *         the user); OCPP_ERR_NOMEM if the request does not fit rx_buf;
 *         OCPP_ERR_AUTH for 401/403; OCPP_ERR_PROTOCOL for any other bad
 *         response or one larger than rx_buf; the net port's errors. On error
 *         the state is OCPP_WS_CLOSED and the stream has been released.
 */
ocpp_status_t ocpp_ws_open(void *ctx, const ocpp_msg_open_t *params);

/**
 * @brief Send one text message (see ocpp_msg_port_t.send) as one masked
 *        frame; the header goes into the OCPP_MSG_HEADROOM bytes before msg
 *        and the payload is masked in place (the buffer is modified). After
 *        pieces sent with the port's send_part (each a frame with FIN clear:
 *        the first text, the others continuation), this is the last piece: a
 *        continuation frame with FIN set. Every frame has a fresh mask.
 * @return OCPP_OK sent; OCPP_PENDING: call again with the same msg and len
 *         and an untouched buffer (a queued control frame may also hold the
 *         message back before its first byte); OCPP_ERR_PARAM if a pending
 *         send is continued with other arguments; OCPP_ERR_CLOSED when not
 *         open (OCPP_ERR_STATE while opening); the net port's error (then
 *         CLOSED).
 */
ocpp_status_t ocpp_ws_send(void *ctx, char *msg, size_t len);

/**
 * @brief Receive one text message (see ocpp_msg_port_t.recv); also answers
 *        pings, sends keep-alive pings and runs the close handshake. Call it on
 *        every poll while open.
 *
 * On OCPP_ERR_TOO_LARGE, *msg and *len hold the first rx_cap bytes of a
 * message larger than rx_cap, so that the caller can recover its OCPP-J
 * message id and answer with a CALLERROR. It is returned once, as soon as the
 * buffer is full; the rest of that message (later fragments too) is then read
 * and discarded by the following calls, and the connection stays open. With
 * cfg.max_msg_len set, a message announced larger than that is refused with
 * close 1009 and OCPP_ERR_PROTOCOL instead.
 *
 * @return OCPP_OK with *msg and *len set (valid until the next recv or close);
 *         OCPP_PENDING; OCPP_ERR_TOO_LARGE (see above); OCPP_ERR_CLOSED
 *         when the server closed (its close frame is echoed with the same
 *         code, state CLOSING until the echo is out, then CLOSED) or the
 *         stream ended; OCPP_ERR_TIMEOUT when a ping got no pong within one
 *         interval; OCPP_ERR_PROTOCOL when the server broke RFC 6455 (sent
 *         with close 1002), sent a binary message (1003) or invalid UTF-8
 *         (1007); OCPP_ERR_STATE while opening; the net port's errors.
 *         Every error except OCPP_ERR_TOO_LARGE leaves the connection closed
 *         or closing.
 */
ocpp_status_t ocpp_ws_recv(void *ctx, uint32_t now_ms, const char **msg, size_t *len);

/**
 * @brief When the client's housekeeping in ocpp_ws_recv() is next due (see
 *        ocpp_msg_port_t.next_due), in ms from now_ms, if nothing arrives
 *        from the network before: the next keep-alive ping, which is also the
 *        end of the wait for the last ping's pong (one WebSocketPingInterval
 *        after it); 0 when the period has not started yet (it starts at the
 *        next recv), when bytes that came with the 101 response wait to be
 *        read or a close handshake is to be finished; a short retry while a
 *        control frame waits for room in the network's send buffer.
 * @return UINT32_MAX when nothing is due (pings off, not open).
 */
uint32_t ocpp_ws_next_due(void *ctx, uint32_t now_ms);

/**
 * @brief Close: sends a close frame (1000) if that is possible without
 *        blocking and without splitting a data frame that is half sent, then
 *        net->close(); state CLOSED. Idempotent.
 */
void ocpp_ws_close(void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_WS_H */
