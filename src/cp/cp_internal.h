/**
 * @file cp_internal.h
 * @brief Private interface between the charge-point session engine
 *        (src/cp/) and the OCPP 1.6 message handlers (src/v16/).
 */
#ifndef OCPP_CP_INTERNAL_H
#define OCPP_CP_INTERNAL_H

#include "ocpp/ocpp_cp.h"
#include "rpc/rpc.h"
#include "util/log.h"

#define CP_LOGE(cp, ...) OCPP_LOGE((cp)->ports.log, (cp)->ports.log_ctx, __VA_ARGS__)
#define CP_LOGW(cp, ...) OCPP_LOGW((cp)->ports.log, (cp)->ports.log_ctx, __VA_ARGS__)
#define CP_LOGI(cp, ...) OCPP_LOGI((cp)->ports.log, (cp)->ports.log_ctx, __VA_ARGS__)
#define CP_LOGD(cp, ...) OCPP_LOGD((cp)->ports.log, (cp)->ports.log_ctx, __VA_ARGS__)

/** Wrap-safe "a is at or after b" for uint32 millisecond stamps. */
static inline int ocpp_cp_due(uint32_t now, uint32_t at)
{
    return (int32_t)(now - at) >= 0;
}

/** Emit an event to the application, if it listens. */
void ocpp_cp_emit(ocpp_cp_t *cp, ocpp_cp_event_kind_t kind, const char *text, size_t len);

/** Change the connection state (and tell the application). */
void ocpp_cp_set_conn(ocpp_cp_t *cp, ocpp_cp_conn_t conn);

/** A configuration key changed (remotely or locally): tell the application
 *  and apply side effects (keep-alive, reconnect for new credentials). */
void ocpp_cp_config_applied(ocpp_cp_t *cp, const char *key);

/** Set the wall clock from a CSMS timestamp (unix seconds). */
void ocpp_cp_clock_set(ocpp_cp_t *cp, int64_t unix_s);

/**
 * Start a CALL: writes `[2,"<new id>","<action>",` into the transmit buffer
 * and returns the writer positioned for the payload object.
 */
void ocpp_cp_call_begin(ocpp_cp_t *cp, ocpp_jw_t *w, ocpp_rpc_action_t action);

/** Finish the message in `w` and queue it for sending as CALL `kind`. */
ocpp_status_t ocpp_cp_call_end(ocpp_cp_t *cp, ocpp_jw_t *w, ocpp_cp_call_t kind);

/* ---- src/v16/core.c: Core profile messages ---- */

/** Send the next due CP-initiated CALL, if any (called when none is outstanding). */
void ocpp_v16_send_due(ocpp_cp_t *cp);

/** A CALLRESULT for our outstanding CALL arrived. */
void ocpp_v16_on_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload);

/** Our outstanding CALL failed (CALLERROR, timeout, or connection lost). */
void ocpp_v16_on_call_failed(ocpp_cp_t *cp, ocpp_status_t why);

/** The handler table for CS-initiated CALLs, and its length. */
extern const ocpp_rpc_handler_entry_t ocpp_v16_handlers[];
extern const size_t ocpp_v16_handler_count;

/** Earliest time something in v16 needs a poll (for ocpp_cp_next_wakeup_ms). */
uint32_t ocpp_v16_next_due_ms(const ocpp_cp_t *cp, uint32_t now_ms);

#endif /* OCPP_CP_INTERNAL_H */
