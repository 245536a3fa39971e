/**
 * @file ws_internal.h
 * @brief Private pieces of the WebSocket client: SHA-1, base64, UTF-8
 *        validation, the HTTP upgrade, and helpers shared by the client files.
 */
#ifndef OCPP_WS_INTERNAL_H
#define OCPP_WS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_ws.h"
#include "util/text.h"

/* ---- SHA-1 (FIPS 180-4, RFC 3174); only used for Sec-WebSocket-Accept ---- */

/** SHA-1 digest length. */
#define OCPP_SHA1_LEN 20u

/** Running SHA-1 computation. */
typedef struct {
    uint32_t h[5];
    uint64_t total; /**< Bytes hashed so far (total % 64 of them in block). */
    uint8_t block[64];
} ocpp_sha1_t;

void ocpp_sha1_init(ocpp_sha1_t *s);
void ocpp_sha1_update(ocpp_sha1_t *s, const uint8_t *data, size_t len);
void ocpp_sha1_final(ocpp_sha1_t *s, uint8_t out[OCPP_SHA1_LEN]);

/* ---- Base64 (RFC 4648 §4, padded) ---- */

/** Encoded length of n bytes (no NUL). */
#define OCPP_B64_LEN(n) ((((n) + 2u) / 3u) * 4u)

/** Streaming base64 encoder: feed any number of pieces, then finish. */
typedef struct {
    uint32_t acc;  /**< Input bits not yet encoded, in the low `bits` bits. */
    unsigned bits; /**< 0, 2 or 4 between calls. */
} ocpp_b64_t;

/** Encode more input; writes a character per 6 bits complete, returns how many. */
size_t ocpp_b64_update(ocpp_b64_t *b, const uint8_t *in, size_t len, char *out);
/** The rest of the last group with its padding; returns 0, 2 or 3. */
size_t ocpp_b64_final(const ocpp_b64_t *b, char *out);
/** One-shot: out must hold OCPP_B64_LEN(len) + 1 bytes; NUL-terminated. Returns the length. */
size_t ocpp_b64_encode(const uint8_t *in, size_t len, char *out);

/* ---- UTF-8 (RFC 3629), incremental: src/util/text.h ---- */

/* ---- HTTP upgrade (RFC 6455 §4.1) ---- */

/** The GUID of RFC 6455 §1.3. */
#define OCPP_WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/** base64(SHA-1(key + GUID)) into out (29 bytes with NUL). */
void ocpp_ws_accept_for_key(const char *key, size_t key_len, char out[29]);

/** Check the open parameters (no CR/LF/space injection). */
ocpp_status_t ocpp_ws_hs_check_params(const ocpp_msg_open_t *p);

/** Make a new key and write the upgrade request into rx_buf (sets io_len). */
ocpp_status_t ocpp_ws_hs_request(ocpp_ws_t *ws, const ocpp_msg_open_t *p);

/**
 * Index just past the first CRLFCRLF in buf[0..len), searching from `from`;
 * 0 if there is none.
 */
size_t ocpp_ws_hs_find_end(const uint8_t *buf, size_t from, size_t len);

/**
 * Check a whole response head buf[0..len) (ending in CRLFCRLF).
 * @return OCPP_OK, OCPP_ERR_AUTH (401/403) or OCPP_ERR_PROTOCOL.
 */
ocpp_status_t ocpp_ws_hs_response(const uint8_t *buf, size_t len, const char *key,
                                  const char *subprotocol);

/* ---- Framing (RFC 6455 §5.2) ---- */

#define OCPP_WS_OP_CONT  0x0u
#define OCPP_WS_OP_TEXT  0x1u
#define OCPP_WS_OP_BIN   0x2u
#define OCPP_WS_OP_CLOSE 0x8u
#define OCPP_WS_OP_PING  0x9u
#define OCPP_WS_OP_PONG  0xAu

/** Internal: "made progress, keep going" (never returned to a caller). */
#define OCPP_WS_CONTINUE ((ocpp_status_t)2)

/** net->send with the count checked; returns bytes, 0, or a negative status. */
int32_t ocpp_ws_net_send(ocpp_ws_t *ws, const uint8_t *p, size_t n);

/** Four fresh random masking-key bytes (RFC 6455 §5.3: fresh per frame). */
void ocpp_ws_put_mask(ocpp_ws_t *ws, uint8_t *key);

/** Whether a control frame may be queued now (a close may replace a queued ping). */
bool ocpp_ws_ctl_can_queue(const ocpp_ws_t *ws, bool is_close);

/** Put a masked control frame into ctl_tx (len <= 125; check can_queue first). */
void ocpp_ws_ctl_queue(ocpp_ws_t *ws, uint8_t opcode, const uint8_t *payload, size_t len);

/** Queue a close frame with `code` (0: no body). */
void ocpp_ws_ctl_queue_close(ocpp_ws_t *ws, uint16_t code);

/** Send what is left of ctl_tx (unless a data frame is mid-send). OK when empty. */
ocpp_status_t ocpp_ws_ctl_flush(ocpp_ws_t *ws);

/** Close the byte stream; state CLOSED. */
void ocpp_ws_drop(ocpp_ws_t *ws);

/**
 * Fail the connection (RFC 6455 §7.1.7): send a close frame with `code`
 * (0: none) if that is possible without blocking, then drop. Returns st.
 */
ocpp_status_t ocpp_ws_fail(ocpp_ws_t *ws, uint16_t code, ocpp_status_t st);

#endif /* OCPP_WS_INTERNAL_H */
