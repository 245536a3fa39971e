/**
 * @file ocpp_port.h
 * @brief The platform interfaces the library calls: a byte-stream network
 *        transport (or, instead, a whole message transport), storage,
 *        file transfer, randomness and logging.
 *
 * Each port is a struct of function pointers plus an opaque context pointer
 * that the library passes back unchanged. None of these functions may block
 * for long: the library is driven by ocpp_cp_poll() from a superloop.
 * Every function is called from the thread that calls ocpp_cp_poll().
 */
#ifndef OCPP_PORT_H
#define OCPP_PORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Byte-stream network transport (TCP, TLS over TCP)                        */
/* ------------------------------------------------------------------------ */

/** Where to connect. Strings are NUL-terminated and live until close(). */
typedef struct {
    const char *host; /**< DNS name, IPv4 or IPv6 literal (without brackets). */
    uint16_t port;    /**< TCP port. */
    bool tls;         /**< true: TLS 1.2+ with server certificate and host name
                           verification (wss://). */
} ocpp_endpoint_t;

/**
 * A non-blocking byte stream. The built-in WebSocket client runs on it.
 */
typedef struct {
    void *ctx; /**< Passed back to every call. */

    /**
     * Begin, or continue, connecting to `ep` (and doing the TLS handshake).
     * Called repeatedly with the same `ep` until it returns something other
     * than OCPP_PENDING.
     * @return OCPP_OK connected and ready; OCPP_PENDING in progress;
     *         OCPP_ERR_DNS, OCPP_ERR_IO, OCPP_ERR_TLS, OCPP_ERR_TIMEOUT on
     *         failure, after which the port has released the connection.
     */
    ocpp_status_t (*connect)(void *ctx, const ocpp_endpoint_t *ep);

    /**
     * Send up to `len` bytes.
     * @return number of bytes accepted (1..len); 0 if none can be accepted
     *         now (call again later with the rest); a negative ocpp_status_t
     *         (OCPP_ERR_CLOSED, OCPP_ERR_IO, OCPP_ERR_TLS) if the
     *         connection is gone.
     */
    int32_t (*send)(void *ctx, const uint8_t *data, size_t len);

    /**
     * Receive up to `cap` bytes.
     * @return number of bytes stored (1..cap); 0 if none are available now;
     *         OCPP_ERR_CLOSED when the peer closed the stream; another
     *         negative ocpp_status_t on failure.
     */
    int32_t (*recv)(void *ctx, uint8_t *buf, size_t cap);

    /** Close the connection (if any) and release its resources. Idempotent. */
    void (*close)(void *ctx);
} ocpp_net_port_t;

/* ------------------------------------------------------------------------ */
/* Message transport (a whole WebSocket)                                     */
/* ------------------------------------------------------------------------ */

/**
 * Bytes the library keeps free in front of every outgoing message in its
 * transmit buffer. The built-in WebSocket client writes the frame header
 * there, so a message is framed without being copied.
 */
#define OCPP_MSG_HEADROOM 14u

/** What a message transport needs to open the OCPP WebSocket. */
typedef struct {
    ocpp_endpoint_t ep;
    const char *path;        /**< Request path incl. the charge point id,
                                  e.g. "/ocpp/CP-1". */
    const char *subprotocol; /**< "ocpp1.6". The server must echo it. */
    const char *basic_user;  /**< HTTP Basic user (the charge point id), or NULL. */
    const char *basic_pass;  /**< HTTP Basic password (AuthorizationKey), or NULL. */
    size_t basic_pass_len;   /**< Length of basic_pass (it may hold any byte). */
} ocpp_msg_open_t;

/**
 * A message-level transport: one OCPP-J text message in, one out. The
 * library's own WebSocket client (ocpp_ws_t) implements it over an
 * ocpp_net_port_t; a platform whose SDK has a WebSocket client can plug that
 * in here instead.
 */
typedef struct {
    void *ctx;

    /**
     * Begin, or continue, opening the WebSocket. Called repeatedly with the
     * same params until it returns something other than OCPP_PENDING.
     * @return OCPP_OK open; OCPP_PENDING in progress; OCPP_ERR_AUTH if the
     *         server refused the credentials; OCPP_ERR_PROTOCOL if it did
     *         not accept the subprotocol or answered badly; other errors from
     *         the network.
     */
    ocpp_status_t (*open)(void *ctx, const ocpp_msg_open_t *params);

    /**
     * Send one text message, or the last piece of one begun with
     * send_part(). `msg` lies in the library's transmit buffer with
     * OCPP_MSG_HEADROOM writable bytes before it, and the transport may
     * modify the message bytes and the headroom (e.g. to mask in place).
     * @return OCPP_OK when the whole message was handed over (the buffer may
     *         be reused); OCPP_PENDING when only part was: call again with the
     *         same arguments and unchanged buffer until OK; a negative status
     *         if the connection is gone.
     */
    ocpp_status_t (*send)(void *ctx, char *msg, size_t len);

    /**
     * Receive one whole text message. Also the place where the transport
     * does its own housekeeping (pings, pongs, close handshake): the library
     * calls it on every poll while the transport is open.
     * @param now_ms monotonic milliseconds (wraps).
     * @param msg receives a pointer to the message, valid until the next call
     *        of recv() or close().
     * @return OCPP_OK with *msg and *len set; OCPP_PENDING when no whole
     *         message is there yet; OCPP_ERR_TOO_LARGE when a message larger
     *         than the receive buffer arrived: *msg and *len then hold the first
     *         bytes that fit (so the caller can recover the OCPP-J message id
     *         and answer with a CALLERROR), the rest is being discarded, and
     *         the connection stays usable; OCPP_ERR_CLOSED when closed;
     *         another negative status on failure.
     */
    ocpp_status_t (*recv)(void *ctx, uint32_t now_ms, const char **msg, size_t *len);

    /** Start a clean close (close handshake if possible) and release. Idempotent. */
    void (*close)(void *ctx);

    /**
     * Optional (may be NULL): set the keep-alive ping interval in seconds
     * (0: off), the value of the WebSocketPingInterval key. Called after
     * open() succeeds and whenever the key changes.
     */
    void (*set_keepalive)(void *ctx, uint32_t seconds);

    /**
     * Optional (may be NULL): send a piece of a text message that is longer
     * than the transmit buffer; later pieces follow with send_part(), the last
     * one with send() (the built-in client sends each piece as one WebSocket
     * frame: the first with opcode text, the others continuation, FIN only on
     * the last, RFC 6455 §5.4). Same buffer rules as send(). The piece must
     * be taken whole before the library goes on writing: on OCPP_PENDING it
     * calls again at once, a few times, then gives the message up and closes
     * the connection (a message cannot be withdrawn half sent).
     * NULL: every message must fit the transmit buffer (send_cap -
     * OCPP_MSG_HEADROOM); a CALL that does not fit is not sent, an answer that
     * does not fit becomes a CALLERROR InternalError.
     * @return OCPP_OK when the piece was handed over; OCPP_PENDING when only
     *         part was (call again with the same arguments); a negative
     *         status if the connection is gone.
     */
    ocpp_status_t (*send_part)(void *ctx, char *msg, size_t len);

    /**
     * Optional (may be NULL): how long, from now_ms, until the transport's
     * own housekeeping in recv() is due while it is open, if nothing arrives
     * from the network before: the next keep-alive ping or the end of the
     * wait for its pong, a control frame not yet fully sent, bytes already
     * received but not yet handed out (0: call recv() again at once). Return
     * UINT32_MAX for nothing due. Asked by ocpp_cp_next_wakeup_ms() after
     * every poll while the transport is open, so that an idle charge point
     * sleeps until its next real deadline.
     * NULL: the library polls the transport at least once a second.
     * @param now_ms monotonic milliseconds (wraps), the clock of recv().
     */
    uint32_t (*next_due)(void *ctx, uint32_t now_ms);
} ocpp_msg_port_t;

/* ------------------------------------------------------------------------ */
/* Storage                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Key/record storage with atomic replace. A record is replaced all-or-nothing,
 * also across a power cut: after write() returns OCPP_OK the new record is
 * durable; if power fails during write(), a later read() returns either the
 * old or the new record, never a mix. Keys are short ASCII names
 * ([A-Za-z0-9_.-], at most 31 characters).
 */
typedef struct {
    void *ctx;

    /**
     * Read record `key` into buf[0..cap).
     * @return the record length (0..cap); OCPP_ERR_NOT_FOUND; OCPP_ERR_NOMEM
     *         if the record is larger than cap (nothing useful in buf);
     *         OCPP_ERR_IO.
     */
    int32_t (*read)(void *ctx, const char *key, uint8_t *buf, size_t cap);

    /** Atomically create or replace record `key`. @return OCPP_OK or OCPP_ERR_IO/NOMEM. */
    ocpp_status_t (*write)(void *ctx, const char *key, const uint8_t *data, size_t len);

    /** Remove record `key`. @return OCPP_OK (also if it did not exist) or OCPP_ERR_IO. */
    ocpp_status_t (*remove)(void *ctx, const char *key);
} ocpp_storage_port_t;

/* ------------------------------------------------------------------------ */
/* File transfer (Firmware Management: firmware download, diagnostics)       */
/* ------------------------------------------------------------------------ */

/**
 * Non-blocking file transfer for the Firmware Management profile (OCPP 1.6
 * §5.9 GetDiagnostics, §5.19 UpdateFirmware, §8): one transfer at a time,
 * begun by download() or upload() and driven by poll(), which the library
 * calls on every ocpp_cp_poll() while the transfer runs. Where the files
 * live is the platform's: the port has two slots, the firmware slot
 * (written by download(), read by the application's firmware_install
 * callback) and the diagnostics slot (written by the application's
 * diagnostics callback, read by upload()). The POSIX port
 * (ocpp_posix_transfer_t, libcurl) keeps them as two files.
 *
 * URLs are NUL-terminated, kept by the library (they stay valid until the
 * transfer ended or was cancelled), and always have a scheme listed in
 * `protocols`: the library checks that before it calls the port.
 */
typedef struct {
    void *ctx; /**< Passed back to every call. */

    /**
     * The URL schemes the port handles: SupportedFileTransferProtocols
     * (OCPP 1.6 errata 3.90), a comma-separated list of "FTP", "FTPS",
     * "HTTP", "HTTPS", e.g. "HTTP,HTTPS,FTP". Required (may be "": none).
     */
    const char *protocols;

    /**
     * Begin downloading `url` into the firmware slot, replacing what it held.
     * Returns at once: the transfer goes on in poll().
     * @return OCPP_OK begun; OCPP_ERR_PARAM the URL cannot be used (no host,
     *         bad syntax); OCPP_ERR_BUSY a transfer runs; OCPP_ERR_IO the
     *         slot cannot be written.
     */
    ocpp_status_t (*download)(void *ctx, const char *url);

    /**
     * Begin uploading the diagnostics slot to `url`, the whole target (the
     * library has appended the file name to a location ending in '/'):
     * HTTP(S) with PUT, FTP(S) with STOR. Returns at once.
     * @return as download(); OCPP_ERR_IO also when the slot cannot be read.
     */
    ocpp_status_t (*upload)(void *ctx, const char *url);

    /**
     * Progress of the transfer. The port gives up a transfer that makes no
     * progress for a while (its choice, e.g. 30 s); a server's error answer
     * (HTTP 4xx/5xx, an FTP error reply) is a failure.
     * @return OCPP_PENDING running; OCPP_OK done (a download: the slot holds
     *         the whole file); a negative status when it failed (OCPP_ERR_DNS,
     *         OCPP_ERR_IO, OCPP_ERR_TIMEOUT, OCPP_ERR_AUTH, OCPP_ERR_TLS,
     *         OCPP_ERR_NOT_FOUND, OCPP_ERR_PROTOCOL). After anything but
     *         OCPP_PENDING the port is free for the next transfer; called
     *         with no transfer: OCPP_ERR_STATE.
     */
    ocpp_status_t (*poll)(void *ctx);

    /** Abort the transfer, if one runs, and free the port. Idempotent. */
    void (*cancel)(void *ctx);
} ocpp_transfer_port_t;

/* ------------------------------------------------------------------------ */
/* Randomness and logging                                                    */
/* ------------------------------------------------------------------------ */

/**
 * 32 random bits. Used for WebSocket masking keys and Sec-WebSocket-Key
 * (RFC 6455 §10.3 wants them unpredictable), message ids and back-off
 * jitter. Required.
 */
typedef uint32_t (*ocpp_random_fn)(void *ctx);

/** Log levels, also the values of OCPP_CONFIG_LOG_LEVEL. */
typedef enum {
    OCPP_LOG_ERROR = 1,
    OCPP_LOG_WARN = 2,
    OCPP_LOG_INFO = 3,
    OCPP_LOG_DEBUG = 4
} ocpp_log_level_t;

/**
 * Log sink, printf-style. The library never formats text itself, so a port
 * that does not log costs no printf. Optional (NULL: no logging). A line is
 * the message alone ("connection lost: closed"): which charge point, which
 * time, which level tag is the sink's to add; ctx tells the charge points
 * apart.
 */
typedef void (*ocpp_log_fn)(void *ctx, ocpp_log_level_t level, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_PORT_H */
