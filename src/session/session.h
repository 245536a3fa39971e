/**
 * @file session.h
 * @brief The OCPP-J session (layer "session", below the protocol adapters):
 *        the connection life cycle with back-off and jitter, the receive
 *        loop, the one outstanding CALL (OCPP-J 1.6 §4.1.1 / 2.0.1 §4.1.1:
 *        at most one) and its timeout, the transmit buffer. It knows no OCPP
 *        action: the adapter registers its subprotocol and hooks
 *        (ocpp_session_proto_t), through which the session reaches it.
 *
 * Connection states (ocpp_cp_conn_t): the session moves between OFFLINE,
 * CONNECTING and, once the transport is open, BOOTING (or ACCEPTED when the
 * CSMS accepted the charge point before: a reconnect is no reboot). The
 * registration states PENDING, ACCEPTED and REJECTED are set by the adapter
 * with ocpp_session_set_conn(). While REJECTED, an OCPP 1.6 session answers
 * no CALL (§4.2: "SHALL NOT respond"); a 2.0.1 session hands them to the
 * adapter, which answers CALLERROR SecurityError (B03.FR.08).
 */
#ifndef OCPP_SESSION_H
#define OCPP_SESSION_H

#include <stddef.h>

#include "ocpp/ocpp_cp.h"
#include "rpc/rpc.h"

/** What the session is started with. What it points to must outlive the
 *  session (the facade's members). The members up to send_cap are the
 *  session's own, in its order (copied whole). */
typedef struct {
    const ocpp_session_proto_t *proto;
    void *proto_ctx;
    void (*notify)(void *ctx, const ocpp_cp_event_t *ev); /**< May be NULL. */
    void *notify_ctx;
    const ocpp_cp_ports_t *ports; /**< msg and random (required); read when used. */
    /** csms_url ("ws[s]://host[:port][/path]"), identity (appended to the
     *  path, percent-encoded); connect_timeout_ms (0: 30000), backoff_min_ms
     *  (0: 1000), backoff_max_ms (< min: 60000), read when used. */
    const ocpp_cp_config_t *config;
    const ocpp_logger_t *log;
    char *send_buf; /**< The send buffer (the caller's). */
    size_t send_cap;
    /** Notify OCPP_CP_EV_MSG_IN / MSG_OUT too. False (nobody takes them):
     *  they are neither built nor masked, only the other events go out. */
    bool msg_events;
} ocpp_session_init_t;

/** The bytes at the start of ocpp_session_t that must be zero before
 *  ocpp_session_init(), which writes every member after them. */
#define OCPP_SESSION_ZEROED offsetof(ocpp_session_t, proto)

/** @pre the first OCPP_SESSION_ZEROED bytes of *s are zero (the facade
 *  zeroes its context once).
 *  @return OCPP_OK, or OCPP_ERR_PARAM for a bad URL (or one too long with the identity). */
ocpp_status_t ocpp_session_init(ocpp_session_t *s, const ocpp_session_init_t *in);

/** The first poll: anchor the timers to its clock (deadlines are compared
 *  wrap-safely, so a deadline of 0 lies in the future after 24.8 days). */
void ocpp_session_start(ocpp_session_t *s, uint32_t now_ms);

/** The time of the current poll (before the timers that run ahead of
 *  ocpp_session_poll() read it). */
static inline void ocpp_session_set_now(ocpp_session_t *s, uint32_t now_ms)
{
    s->now_ms = now_ms;
}

/** Connect, receive and answer, time out, send what is due. Never blocks. */
void ocpp_session_poll(ocpp_session_t *s, uint32_t now_ms);

/** How long until the session needs a poll (0: now), if nothing arrives
 *  before: the reconnect back-off, the CALL's timeout, what the adapter has
 *  to send (its next_due hook), the transport's housekeeping (the message
 *  port's next_due; at most 1 s for a port without it). UINT32_MAX: nothing
 *  (the network is disabled). The timers of the station and of the
 *  adapter's ticks are not in it (ocpp_cp_next_wakeup_ms() adds them). */
uint32_t ocpp_session_next_wakeup_ms(const ocpp_session_t *s, uint32_t now_ms);

/** Start a CALL: `[2,"<new id>","<action>",` in the transmit buffer; the
 *  caller writes the payload object into w, then calls ocpp_session_call_end(). */
void ocpp_session_call_begin(ocpp_session_t *s, ocpp_jw_t *w, const char *action);

/** Send the CALL in w; the answer goes to the adapter's on_result/on_failed
 *  with (owner, kind). @return OCPP_OK, or OCPP_ERR_NOMEM if it did not fit. */
ocpp_status_t ocpp_session_call_end(ocpp_session_t *s, ocpp_jw_t *w, uint8_t owner, uint8_t kind);

/** Set a registration state (PENDING, ACCEPTED, REJECTED). ACCEPTED also
 *  resets the back-off and marks the session registered. */
void ocpp_session_set_conn(ocpp_session_t *s, ocpp_cp_conn_t conn);

/** Registration Accepted and the transport open: requests may go out. */
bool ocpp_session_online(const ocpp_session_t *s);

/** A CALL is outstanding or a message is being sent. */
bool ocpp_session_busy(const ocpp_session_t *s);

/** Allow or forbid the network; forbidding closes the connection now. */
void ocpp_session_set_network(ocpp_session_t *s, bool enabled);

/** Reconnect (with new credentials) once the answer being sent is out. */
void ocpp_session_reconnect_later(ocpp_session_t *s);

/** HTTP Basic credentials for the next connection (user NULL: none). */
void ocpp_session_set_credentials(ocpp_session_t *s, const char *user, const char *pass,
                                  size_t pass_len);

/** WebSocket ping interval (s, 0: off), applied now if connected. */
void ocpp_session_set_keepalive(ocpp_session_t *s, uint32_t interval_s);

/** The transmit buffer, when no message occupies it (scratch space for a
 *  save), else NULL. */
char *ocpp_session_scratch(ocpp_session_t *s, size_t *cap);

#endif /* OCPP_SESSION_H */
